/*
 * csv.h - reading and writing CSV records (RFC 4180) on libcsv.
 *
 * The reader feeds libcsv one physical line at a time, so it knows the
 * line on which every record starts and can check each line's UTF-8 as it
 * comes: an encoding error names its line and nothing past it is read.
 * Spaces are data (libcsv's trimming is turned off), a UTF-8 BOM is
 * skipped, LF, CRLF and CR-only line ends are read, blank lines are
 * skipped.  A malformed record (a stray quote, a quote never closed, a
 * field over EC_CSV_FIELD_MAX, more than EC_CSV_FIELDS_MAX fields) is
 * returned as a record with an error, and reading goes on at the line
 * after the one where it started, so a quote left open cannot swallow the
 * rest of the file.  Memory stays bounded whatever the input: a line that
 * cannot be a record (longer than EC_CSV_RECORD_MAX, or holding more than
 * EC_CSV_FIELD_MAX bytes with neither a delimiter nor a quote) is
 * returned as a malformed record as soon as that is seen, with its first
 * EC_CSV_FIELD_MAX bytes as raw, and the rest of it is skipped unread
 * (its UTF-8 is not checked).
 *
 * Ownership: a record and its fields are borrowed from the reader and
 * valid until the next call of ec_csv_next.  The reader owns its buffers;
 * it does not own or close the file descriptor.
 *
 * Errors: ec_csv_next returns EC_CSV_FATAL for read, encoding and UTF-8
 * errors; ec_csv_reader_error() then says what happened and on which line.
 */
#ifndef EC_CSV_H
#define EC_CSV_H

#include <stddef.h>

#include "util.h"

#ifndef EC_CSV_SMALL
#define EC_CSV_FIELD_MAX (1024 * 1024)
#define EC_CSV_RECORD_MAX (64 * 1024 * 1024)
#define EC_CSV_FIELDS_MAX (128 * 1024)	/* Excel's sheets stop at 16384 */
#define EC_CSV_READ_SIZE (256 * 1024)	/* a read(2) asks for this or more */
#else
/*
 * The fuzzers' build: limits a few kilobytes of input reach, so that
 * refusing a line too long is fuzzed as often as reading a good one.
 */
#define EC_CSV_FIELD_MAX 600
#define EC_CSV_RECORD_MAX 3000
#define EC_CSV_FIELDS_MAX 100
#define EC_CSV_READ_SIZE 1024
#endif

enum ec_csv_rec_error {
	EC_CSV_OK = 0,
	EC_CSV_EQUOTE,		/* a quote where none may stand */
	EC_CSV_EUNTERMINATED,	/* a quoted field never closed */
	EC_CSV_EFIELD_SIZE,	/* a field over EC_CSV_FIELD_MAX */
	EC_CSV_ERECORD_SIZE,	/* a record over EC_CSV_RECORD_MAX */
	EC_CSV_EFIELD_COUNT,	/* more than EC_CSV_FIELDS_MAX fields */
};

struct ec_csv_record {
	size_t line;		/* physical line where it starts (1-based) */
	size_t nfields;
	const struct ec_str *fields;
	enum ec_csv_rec_error error;
	/*
	 * The record's bytes without the line end, when it is all of one
	 * physical line (else NULL): a filter that changes nothing can copy
	 * them instead of writing the fields again.  For a malformed record
	 * (error set), the text of its lines as they came (at most
	 * EC_CSV_FIELD_MAX bytes), for a rejects file.
	 */
	const char *raw;
	size_t raw_len;
	/* 1 when raw holds no quote: the fields are raw cut at the delimiters. */
	int plain;
	/* What the ec_csv_prepare function made of it, or NULL ... */
	const void *prep;
	/* ... and of the record after it, when already known. */
	const void *next_prep;
};

enum ec_csv_status {
	EC_CSV_RECORD = 1,	/* *rec is the next record */
	EC_CSV_EOF = 0,
	EC_CSV_FATAL = -1,	/* see ec_csv_reader_error */
};

struct ec_csv_options {
	char delim;		/* ',' unless told otherwise */
	const char *encoding;	/* NULL or "utf-8": none; else iconv's name */
	size_t read_max;	/* 0, or the most one read(2) may bring (tests) */
};

struct ec_csv_reader;

/*
 * A delimiter as an option gives it (-d): one byte, or the two
 * characters \t (or a tab itself) for tab; -1 for anything else, and
 * for a quote, CR or LF, which cannot be one.
 */
int ec_csv_parse_delim(const char *arg);

/*
 * A reader of fd.  Returns NULL (and a message in err) when
 * the encoding is not known to iconv.
 */
struct ec_csv_reader *ec_csv_reader_new(int fd,
	const struct ec_csv_options *opt, struct ec_error *err);
void ec_csv_reader_free(struct ec_csv_reader *r);

enum ec_csv_status ec_csv_next(struct ec_csv_reader *r,
	struct ec_csv_record **rec);

/*
 * Work done on each record in the reading thread, in parallel with the
 * caller's: fn(ctx, rec, area) runs there on every well-formed record of
 * the batches read from now on, with size bytes of area kept with the
 * record, and returns 1 when it has filled area; the caller then finds
 * area in rec->prep (else NULL).  fn may read only what the caller no
 * longer changes, and ctx must outlive the reader.  With balance, a
 * batch the caller would wait for (it has taken all the others) is
 * handed over without that work, for the caller to do: each thread then
 * does the share that keeps both busy.
 */
typedef int ec_csv_prepare_fn(void *ctx, const struct ec_csv_record *rec,
	void *area);
void ec_csv_prepare(struct ec_csv_reader *r, ec_csv_prepare_fn *fn,
	void *ctx, size_t size, int balance);

/* After EC_CSV_FATAL: the message and the line it concerns (0: none). */
const char *ec_csv_reader_error(const struct ec_csv_reader *r,
	size_t *line);

/* A sentence for a record error, e.g. "unterminated quoted field". */
const char *ec_csv_rec_strerror(enum ec_csv_rec_error e);

/*
 * The writer: always comma-separated, LF line ends, a field quoted only
 * when it holds a comma, a quote, CR or LF, or starts with a BOM (which
 * a reader would drop at the start of a file).  Output is gathered in one
 * big buffer and written with write(2).  A failed write is remembered:
 * ec_csv_writer_flush and ec_csv_writer_error report it (errno value),
 * and nothing more is written after it.
 */
struct ec_csv_writer {
	int fd;
	char *buf;
	size_t len, cap;
	int err;		/* errno of the first failed write, or 0 */
	int nfields;		/* fields written in the current record */
	int last_empty;		/* the last field written was empty */
};

void ec_csv_writer_init(struct ec_csv_writer *w, int fd);
void ec_csv_writer_release(struct ec_csv_writer *w);
void ec_csv_write_field(struct ec_csv_writer *w, const char *p, size_t n);
/*
 * A field the caller knows needs no quotes (a number, yes or no, a
 * date): no byte of it is a quote, a comma, CR or LF, nor does it begin
 * with a BOM.
 */
void ec_csv_write_clean(struct ec_csv_writer *w, const char *p, size_t n);
void ec_csv_write_fields(struct ec_csv_writer *w, const struct ec_str *f,
	size_t n);
/*
 * Appends p[0..n) to b as the writer would write it as a field, quoted
 * when it needs to be, with no delimiter: for a caller that gathers a
 * CSV record in a buffer of its own.
 */
void ec_csv_quote_field(struct ec_buf *b, const char *p, size_t n);
void ec_csv_end_record(struct ec_csv_writer *w);
/* Raw bytes (a BOM, say), unquoted. */
void ec_csv_write_raw(struct ec_csv_writer *w, const void *p, size_t n);
/* Writes out the buffer; 0, or -1 with the errno in w->err. */
int ec_csv_writer_flush(struct ec_csv_writer *w);

#endif
