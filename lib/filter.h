/*
 * filter.h - the record loop of a filter: each input read as CSV, its
 * header bound to the policy's columns (the same header in every input),
 * each record checked and then written, left out or rejected (with its
 * _line and _errors, to the rejects file), repeated IDs looked for across
 * all the inputs as in one sheet, and the counts --stats and --check
 * print.  The tool says what a record is worth through two callbacks.
 *
 * Ownership: the filter borrows the policy, the input's descriptor (it
 * neither opens nor closes it), the writers and the diag; it owns its set
 * of IDs and its copy of the first input's header.
 *
 * Errors: a problem of a record goes to the diag, through
 * ec_filter_problem (a sheet's ec_problem_fn), and the record is
 * rejected.  What stops the run (an unknown encoding, no header, a
 * header lacking a column, a read or UTF-8 error, a failed write) is
 * returned as a status, with a message in an ec_error for the command to
 * print.  Nothing here prints but through the diag, nor exits.
 */
#ifndef EC_FILTER_H
#define EC_FILTER_H

#include <stddef.h>

#include "csv.h"
#include "diag.h"
#include "policy.h"
#include "sheet.h"
#include "util.h"

enum ec_filter_status {
	EC_FILTER_OK = 0,
	EC_FILTER_ERROR = -1,	/* the ec_error says why */
	EC_FILTER_REFUSED = -2,	/* bind refused the header, and said why */
	EC_FILTER_OUT_FAILED = -3,	/* a write to out failed: out->err */
	EC_FILTER_REJ_FAILED = -4,	/* a write to rej failed: rej->err */
};

struct ec_filter {
	/* Set by the caller after ec_filter_init. */
	const struct ec_policy *pol;
	ec_date asof;
	char delim;		/* of the inputs */
	const char *encoding;	/* of the inputs: NULL for UTF-8 */
	/* Where records go; NULL when they are only checked (--check). */
	struct ec_csv_writer *out;
	int own_output;		/* the tool writes out: no header copied */
	struct ec_csv_writer *rej;	/* the rejects file, or NULL */
	struct ec_diag *diag;	/* where problems of records go */
	/*
	 * After a header is bound: claims the tool's columns, checks what
	 * is missing; 0, or -1 when the header will not do (the tool says
	 * why, the run stops).
	 */
	int (*bind)(void *ctx, struct ec_sheet *s);
	/*
	 * A well-formed record: 1 to write it, 0 to leave it out (a
	 * selection), -1 when it is rejected; its problems are reported
	 * with ec_filter_problem, and any error rejects it too.
	 */
	int (*record)(void *ctx, struct ec_sheet *s);
	void *ctx;
	const int *append;	/* policy columns appended to the output */
	size_t nappend;

	/* The input being read, for the callbacks. */
	const char *file;	/* its name in messages */
	const struct ec_csv_record *rec;	/* the record, or the header */
	struct ec_sheet *sheet;

	/* Counts over every input so far, and over the last one. */
	size_t nread, nwritten, nrejected, nskipped;
	size_t file_records, file_valid, file_invalid, file_warnings;

	/* The filter's own. */
	const char *const *names;	/* every input's name, in order */
	size_t file_no;		/* how many inputs were begun */
	struct ec_idset *seen;	/* IDs seen in every input so far */
	char **first;		/* the first input's header, NULL before */
	size_t first_n;
	struct ec_buf errors;	/* this record's errors, for _errors */
	size_t rec_errors;
};

/*
 * A filter over inputs named names[0], names[1] ... (borrowed), to be
 * read in that order; the caller then sets the fields above.
 */
void ec_filter_init(struct ec_filter *f, const char *const *names);
void ec_filter_release(struct ec_filter *f);

/*
 * Reads fd, the next input, to its end: the header (written to out and
 * rej when it is the first input's), then every record.  On a status
 * other than EC_FILTER_OK the run cannot go on: what was written stays
 * written.
 */
enum ec_filter_status ec_filter_file(struct ec_filter *f, int fd,
	struct ec_error *err);

/*
 * Reports a problem of the current record to the diag and, when it is
 * an error, adds it to the record's _errors: the ec_problem_fn of the
 * record callback's checks, with the filter as ctx.
 */
void ec_filter_problem(void *ctx, const struct ec_problem *p);

/*
 * A reader of fd with the header read into *header: NULL, and why in
 * err, when the encoding is unknown, the file is empty or its header
 * cannot be read.  file names the input in the message, option the
 * option that chose the encoding (-E, --visits-encoding) in the
 * reader's advice.
 */
struct ec_csv_reader *ec_filter_reader(int fd,
	const struct ec_csv_options *opt, const char *file, const char *option,
	struct ec_csv_record **header, struct ec_error *err);

/* After EC_CSV_FATAL from r: its message, as ec_filter_reader words it. */
void ec_filter_reader_error(const struct ec_csv_reader *r, const char *file,
	const char *option, struct ec_error *err);

/* 1 when header h is first[0..n), byte for byte. */
int ec_filter_same_header(char *const *first, size_t n,
	const struct ec_csv_record *h);

#endif
