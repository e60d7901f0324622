#define _GNU_SOURCE		/* F_SETPIPE_SZ */
#include "csv.h"

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "text.h"

#define ROW_NOT_BEGUN	0	/* libcsv's parser state between records */
#define BATCHES		4	/* in flight at most */
#define READ_SIZE	EC_CSV_READ_SIZE
#ifndef EC_CSV_SMALL
#define BATCH_ROWS	256	/* records handed over at a time ... */
#define BATCH_BYTES	(128 * 1024)	/* ... or this much field text */
#define MARKS_LINE_MAX	4096	/* lines shorter are cut at the scan's marks */
#else	/* (see csv.h) */
#define BATCH_ROWS	4
#define BATCH_BYTES	256
#define MARKS_LINE_MAX	64
#endif
/* A line cut at the marks cannot have too many fields. */
_Static_assert(MARKS_LINE_MAX <= EC_CSV_FIELDS_MAX, "MARKS_LINE_MAX");
_Static_assert(EC_CSV_FIELD_MAX < EC_CSV_RECORD_MAX, "EC_CSV_FIELD_MAX");

struct row {
	size_t line;
	size_t first;		/* index of its first field */
	size_t nfields;
	enum ec_csv_rec_error error;
	int has_raw;		/* 1: its line is in arena; 2: in raw */
	int prepared;		/* the prepare function filled its area */
	size_t raw_off, raw_len;
};

enum batch_end {
	MORE = 0,
	END_EOF,
	END_FATAL,
};

/*
 * Records parsed by the reading thread, handed to the caller's thread
 * as a whole: reading, checking UTF-8 and parsing with libcsv go on in
 * one thread while the tool works on the records in the other.
 */
struct batch {
	struct ec_buf arena;	/* the bytes of the fields */
	size_t *foff, *flen;
	size_t nf, fcap;
	struct row *rows;
	size_t nrows, rows_cap;
	struct ec_buf raw;	/* the lines of one-line records */
	struct ec_str *f;	/* the fields as the caller sees them */
	size_t f_cap;
	char *prep;		/* the prepare function's areas, per row */
	size_t prep_cap, prep_size;
	enum batch_end end;	/* what follows its records */
	struct batch *next;
};

struct ec_csv_reader {
	int fd;
	size_t read_max;	/* largest read(2), for tests of boundaries */
	char delim;
	char term;		/* line end: '\n' or '\r', 0 until seen */
	int eof;		/* read(2) said end of file */
	int started;		/* BOM check done */
	int finished;		/* csv_fini done: nothing more to come */

	/* Decoded input: bytes [start, end) are not yet split into lines. */
	char *buf;
	size_t start, end, cap;

	/* Undecoded input, when converting with iconv. */
	char encoding[32];
	iconv_t cd;
	char *raw;
	size_t raw_len;
	int conv_error;		/* 1: bad sequence at buf[end] */

	size_t line;		/* physical lines fed to the parser so far */

	struct csv_parser p;
	struct batch *cur;	/* being filled by the reading thread */
	size_t row_first;	/* first field of the row being parsed */
	size_t row_line;	/* and its line */

	/*
	 * The lines of a row that has not ended with its first line, kept
	 * so that a quote left open can be reported and reading resume at
	 * the line after the one where the row starts.
	 */
	struct ec_buf window;
	struct ec_buf replay;
	size_t replay_pos;

	/*
	 * The caller's side, then what the two threads share, then the
	 * reading thread's again, each on cache lines of its own: a line
	 * written by one thread and read by the other costs them both.
	 */
	_Alignas(64) struct batch *mine;	/* records being handed out */
	size_t rows_next;
	struct ec_csv_record rec;

	/* Between the two threads, under mu. */
	_Alignas(64) pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t thread;
	int running;		/* the thread was started */
	int done;		/* it has handed over its last batch */
	int stop;		/* the caller wants no more */
	struct batch *full, *full_tail;	/* filled, in order */
	struct batch *spare;	/* emptied, for reuse */
	int nbatches;
	ec_csv_prepare_fn *prep_fn;
	void *prep_ctx;
	size_t prep_size;
	int prep_balance;

	_Alignas(64) unsigned line_seen;	/* EC_SEEN_*: what the line holds */
	/* While the line end is not known: how far, and in quotes or not. */
	size_t term_scan;
	int term_quoted;
	size_t term_none;	/* bytes known to hold no CR and no LF */
	/* Where the delimiters of the line at marks_line are, if not NULL. */
	const char *marks_line;
	uint64_t marks[MARKS_LINE_MAX / 64 + 1];
	int too_many;		/* the row has more than EC_CSV_FIELDS_MAX */
	int too_long;		/* a field of the row is over EC_CSV_FIELD_MAX */

	/*
	 * A line that cannot be a record is refused before it is all read
	 * (see csv.h): scan is how far the line not yet ended has been
	 * looked at and run how many bytes before that had neither the
	 * delimiter nor a quote; skipping, that the rest of a refused line
	 * is being passed over.
	 */
	size_t scan, run;
	int skipping;

	int fatal;
	size_t err_line;
	char err[256];
};

/*
 * libcsv grows a field's buffer through this: refusing caps the field.
 * Refused, libcsv asks for less, down to one byte more.  How much room
 * a field needs depends on what follows it: libcsv grows the buffer as
 * the closing quote and the delimiter come too, so a quoted field of n
 * bytes before a delimiter needs n + 2, an unquoted one at the end of
 * the input n.  The buffer may grow to EC_CSV_FIELD_MAX + 2, so that
 * every field up to EC_CSV_FIELD_MAX is read wherever it stands, and
 * on_field refuses a longer one.
 */
static void *
capped_realloc(void *p, size_t n)
{
	if (n > EC_CSV_FIELD_MAX + 2)
		return NULL;
	return realloc(p, n);
}

static int
no_space(unsigned char c)
{
	return 0;
}

static void
parser_init(struct ec_csv_reader *r)
{
	csv_init(&r->p, CSV_STRICT | CSV_STRICT_FINI);
	csv_set_delim(&r->p, (unsigned char)r->delim);
	csv_set_space_func(&r->p, no_space);
	csv_set_realloc_func(&r->p, capped_realloc);
	csv_set_blk_size(&r->p, 4096);
}

static void
parser_reset(struct ec_csv_reader *r)
{
	r->p.pstate = ROW_NOT_BEGUN;
	r->p.quoted = 0;
	r->p.spaces = 0;
	r->p.entry_pos = 0;
	r->p.status = 0;
}

static struct batch *
batch_new(void)
{
	return ec_xcalloc(1, sizeof(struct batch));
}

static void
batch_free(struct batch *b)
{
	if (!b)
		return;
	ec_buf_release(&b->arena);
	ec_buf_release(&b->raw);
	free(b->foff);
	free(b->flen);
	free(b->rows);
	free(b->f);
	free(b->prep);
	free(b);
}

/*
 * A pipe between two tools holds 64 KiB: each read(2) then returns that
 * much at most, and the two take turns at every 64 KiB.  Where Linux
 * lets a pipe grow (to /proc/sys/fs/pipe-max-size, 1 MiB unless root
 * changed it), reads and writes of a whole buffer go through at once.
 * Nothing else changes, and a pipe that may not grow stays as it is.
 */
#define PIPE_SIZE (1024 * 1024)

static void
grow_pipe(int fd)
{
#ifdef F_SETPIPE_SZ
	struct stat st;

	if (fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode) &&
	    fcntl(fd, F_GETPIPE_SZ) < PIPE_SIZE)
		(void)fcntl(fd, F_SETPIPE_SZ, PIPE_SIZE);
#else
	(void)fd;
#endif
}

struct ec_csv_reader *
ec_csv_reader_new(int fd, const struct ec_csv_options *opt,
    struct ec_error *err)
{
	struct ec_csv_reader *r = ec_xaligned(64, sizeof *r);
	const char *enc = opt ? opt->encoding : NULL;

	r->fd = fd;
	grow_pipe(fd);
	r->delim = opt && opt->delim ? opt->delim : ',';
	r->read_max = opt && opt->read_max ? opt->read_max : READ_SIZE;
	r->cd = (iconv_t)-1;
	if (enc && !ec_ascii_case_eq(enc, strlen(enc), "utf-8", 5) &&
	    !ec_ascii_case_eq(enc, strlen(enc), "utf8", 4)) {
		snprintf(r->encoding, sizeof r->encoding, "%s", enc);
		for (char *c = r->encoding; *c; c++)
			if (*c >= 'a' && *c <= 'z')
				*c = (char)(*c - 32);
		r->cd = iconv_open("UTF-8", enc);
		if (r->cd == (iconv_t)-1) {
			ec_error_set(err, "unknown encoding '%s'", enc);
			free(r);
			return NULL;
		}
		r->raw = ec_xmalloc(READ_SIZE);
	}
	r->cap = READ_SIZE * 2;
	r->buf = ec_xmalloc(r->cap);
	parser_init(r);
	r->cur = batch_new();
	r->nbatches = 1;
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv, NULL);
	return r;
}

/*
 * Ends the reading thread at once, cancelled if it is still reading (it
 * may wait on a pipe forever).
 */
static void
halt(struct ec_csv_reader *r)
{
	if (!r->running)
		return;
	pthread_mutex_lock(&r->mu);
	r->stop = 1;
	pthread_cond_broadcast(&r->cv);
	int done = r->done;
	pthread_mutex_unlock(&r->mu);
	if (!done)
		pthread_cancel(r->thread);
	pthread_join(r->thread, NULL);
	r->running = 0;
}

void
ec_csv_reader_free(struct ec_csv_reader *r)
{
	if (!r)
		return;
	halt(r);
	csv_free(&r->p);
	if (r->cd != (iconv_t)-1)
		iconv_close(r->cd);
	free(r->raw);
	free(r->buf);
	ec_buf_release(&r->window);
	ec_buf_release(&r->replay);
	batch_free(r->cur);
	batch_free(r->mine);
	while (r->full) {
		struct batch *b = r->full;
		r->full = b->next;
		batch_free(b);
	}
	while (r->spare) {
		struct batch *b = r->spare;
		r->spare = b->next;
		batch_free(b);
	}
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->cv);
	free(r);
}

const char *
ec_csv_reader_error(const struct ec_csv_reader *r, size_t *line)
{
	if (line)
		*line = r->err_line;
	return r->err;
}

const char *
ec_csv_rec_strerror(enum ec_csv_rec_error e)
{
	switch (e) {
	case EC_CSV_OK:
		return "no error";
	case EC_CSV_EQUOTE:
		return "misplaced quote (a field with a quote must be quoted "
		    "whole, and a quote inside it doubled)";
	case EC_CSV_EUNTERMINATED:
		return "quoted field not closed before the end of the file";
	case EC_CSV_EFIELD_SIZE:
		return "field longer than 1 MiB (a quote not closed?)";
	case EC_CSV_ERECORD_SIZE:
		return "record longer than 64 MiB (a quote not closed?)";
	case EC_CSV_EFIELD_COUNT:
		return "record with more than 131072 fields";
	}
	return "?";
}

static void
fatal(struct ec_csv_reader *r, size_t line, const char *msg)
{
	r->fatal = 1;
	r->err_line = line;
	snprintf(r->err, sizeof r->err, "%s", msg);
}

/* libcsv callbacks */

static void
on_field(void *s, size_t len, void *data)
{
	struct ec_csv_reader *r = data;
	struct batch *b = r->cur;

	if (b->nf == b->fcap) {
		b->fcap = b->fcap ? b->fcap * 2 : 1024;
		b->foff = ec_xrealloc(b->foff, b->fcap * sizeof *b->foff);
		b->flen = ec_xrealloc(b->flen, b->fcap * sizeof *b->flen);
	}
	if (b->nf - r->row_first >= EC_CSV_FIELDS_MAX) {
		/* Not kept: the row is rejected (push_row). */
		r->too_many = 1;
		return;
	}
	if (len > EC_CSV_FIELD_MAX) {
		r->too_long = 1;	/* so is this one */
		len = EC_CSV_FIELD_MAX;
	}
	b->flen[b->nf] = len;
	b->foff[b->nf] = b->arena.len;
	b->nf++;
	/* Fields are short: a call to ec_buf_add per field costs too much. */
	if (b->arena.len + len + 1 > b->arena.cap)
		ec_buf_grow(&b->arena, len);
	memcpy(b->arena.p + b->arena.len, s, len);
	b->arena.len += len;
}

static void
push_row(struct ec_csv_reader *r, enum ec_csv_rec_error e)
{
	struct batch *b = r->cur;

	if (b->nrows == b->rows_cap) {
		b->rows_cap = b->rows_cap ? b->rows_cap * 2 : 64;
		b->rows = ec_xrealloc(b->rows, b->rows_cap * sizeof *b->rows);
	}
	struct row *row = &b->rows[b->nrows++];
	row->line = r->row_line;
	row->first = r->row_first;
	row->nfields = b->nf - r->row_first;
	row->error = e ? e : r->too_long ? EC_CSV_EFIELD_SIZE :
	    r->too_many ? EC_CSV_EFIELD_COUNT : EC_CSV_OK;
	r->too_many = r->too_long = 0;
	row->has_raw = 0;
	row->raw_len = 0;
	row->prepared = 0;
	r->row_first = b->nf;
	/* A record after a lone CR starts on the line being fed. */
	r->row_line = r->line + 1;
	ec_buf_reset(&r->window);
}

static void
on_row(int c, void *data)
{
	push_row(data, EC_CSV_OK);
}

/*
 * Resume at the line after the one where the broken row started: its
 * later lines (in the window) and the current one are parsed again.
 */
static void
replay_from_row_start(struct ec_csv_reader *r, const char *cur, size_t n)
{
	struct ec_buf again = EC_BUF_INIT;
	const char *w = r->window.p;
	size_t wn = r->window.len;
	const char *nl = wn ? memchr(w, r->term ? r->term : '\n', wn) : NULL;

	if (nl)
		ec_buf_add(&again, nl + 1, wn - (size_t)(nl + 1 - w));
	ec_buf_add(&again, cur, n);
	if (r->replay_pos < r->replay.len)
		ec_buf_add(&again, r->replay.p + r->replay_pos,
		    r->replay.len - r->replay_pos);
	ec_buf_release(&r->replay);
	r->replay = again;
	r->replay_pos = 0;
	r->line = r->row_line;
}

/*
 * A broken record is rejected as it came: its lines (those kept in the
 * window, then s) are kept with the batch, at most EC_CSV_FIELD_MAX bytes
 * of them, for the row push_row is about to make.
 */
static void
push_broken(struct ec_csv_reader *r, enum ec_csv_rec_error e, const char *s,
    size_t n)
{
	struct batch *b = r->cur;
	size_t off = b->raw.len, wn = r->window.len, len;

	if (wn > EC_CSV_FIELD_MAX)
		wn = EC_CSV_FIELD_MAX;
	if (n > EC_CSV_FIELD_MAX - wn)
		n = EC_CSV_FIELD_MAX - wn;
	ec_buf_add(&b->raw, r->window.p ? r->window.p : "", wn);
	ec_buf_add(&b->raw, s, n);
	len = b->raw.len - off;
	while (len && (b->raw.p[off + len - 1] == '\n' ||
	    b->raw.p[off + len - 1] == '\r'))
		len--;
	push_row(r, e);
	struct row *row = &b->rows[b->nrows - 1];
	row->has_raw = 2;
	row->raw_off = off;
	row->raw_len = len;
}

/*
 * A line that starts a record and holds no quote, and no line end before
 * its own, is one record whose fields lie between the delimiters: what
 * libcsv would make of it, split here without it.  The line is copied
 * once into the arena and its fields are slices of the copy.
 */
static int
plain_line(const struct ec_csv_reader *r, const char *s, size_t len)
{
	if (r->line_seen & EC_SEEN_QUOTE || len > EC_CSV_FIELD_MAX)
		return 0;
	if (r->line_seen & EC_SEEN_CR && memchr(s, '\r', len))
		return 0;
	return r->term == '\n' || !memchr(s, '\n', len);
}

/* Room for n more fields in the batch. */
static void
reserve_fields(struct batch *b, size_t n)
{
	if (b->fcap - b->nf >= n)
		return;
	while (b->fcap - b->nf < n)
		b->fcap = b->fcap ? b->fcap * 2 : 1024;
	b->foff = ec_xrealloc(b->foff, b->fcap * sizeof *b->foff);
	b->flen = ec_xrealloc(b->flen, b->fcap * sizeof *b->flen);
}

/* A field of the row, at off in the arena. */
static inline void
add_field(struct ec_csv_reader *r, struct batch *b, size_t off, size_t len)
{
	reserve_fields(b, 1);
	if (b->nf - r->row_first < EC_CSV_FIELDS_MAX) {
		b->foff[b->nf] = off;
		b->flen[b->nf++] = len;
	} else {
		r->too_many = 1;	/* push_row rejects the row */
	}
}

static void
split_line(struct ec_csv_reader *r, const char *s, size_t len)
{
	struct batch *b = r->cur;
	size_t off = b->arena.len;

	if (len == 0)
		return;		/* libcsv skips blank lines: so do we */
	ec_buf_add(&b->arena, s, len);
	if (r->marks_line == s) {
		/*
		 * The scan marked the delimiters: a bit a field, and the
		 * line is too short to have more than EC_CSV_FIELDS_MAX.
		 * It has at most len + 1 fields: room for them is made
		 * without counting the bits first.
		 */
		size_t start = 0, nw = (len + 63) / 64;
		uint64_t *marks = r->marks;
		if (len % 64)
			marks[nw - 1] &= ((uint64_t)1 << (len % 64)) - 1;
		reserve_fields(b, len + 1);
		size_t *foff = b->foff + b->nf, *flen = b->flen + b->nf;
		for (size_t w = 0; w < nw; w++) {
			for (uint64_t m = marks[w]; m; m &= m - 1) {
				size_t d = w * 64 + (size_t)__builtin_ctzll(m);
				*foff++ = off + start;
				*flen++ = d - start;
				start = d + 1;
			}
		}
		*foff = off + start;
		*flen = len - start;
		b->nf += (size_t)(foff - (b->foff + b->nf)) + 1;
	} else {
		const char *p = s, *end = s + len;
		size_t pos = off;
		for (;;) {
			const char *d = memchr(p, r->delim, (size_t)(end - p));
			size_t flen = (size_t)((d ? d : end) - p);
			add_field(r, b, pos, flen);
			if (!d)
				break;
			pos += flen + 1;
			p = d + 1;
		}
	}
	push_row(r, EC_CSV_OK);
	struct row *row = &b->rows[b->nrows - 1];
	row->has_raw = 1;
	row->raw_off = off;
	row->raw_len = len;
}

/* Parses one physical line (with its line end, unless the last). */
static void
feed_line(struct ec_csv_reader *r, const char *s, size_t n, int has_term)
{
	int fresh = r->p.pstate == ROW_NOT_BEGUN;

	size_t len = n;
	while (len && (s[len - 1] == '\n' || s[len - 1] == '\r'))
		len--;
	if (fresh) {
		r->row_line = r->line + 1;
		ec_buf_reset(&r->window);
		if (plain_line(r, s, len)) {
			split_line(r, s, len);
			if (has_term)
				r->line++;
			return;
		}
	}

	/*
	 * libcsv calls the space function for every byte of an unquoted
	 * field; a line with no space or tab has nothing for it to keep,
	 * and is parsed with libcsv's own test instead, which then trims
	 * nothing either.
	 */
	csv_set_space_func(&r->p, r->line_seen & EC_SEEN_BLANK ? no_space :
	    NULL);
	size_t done = csv_parse(&r->p, s, n, on_field, on_row, r);
	if (done < n) {
		int status = csv_error(&r->p);
		int multi = r->window.len > 0;
		parser_reset(r);
		if (status == CSV_EPARSE) {
			/*
			 * A record on one line ends with it; one that ran
			 * over lines was most likely opened by a stray quote,
			 * so its later lines are read again as records.
			 */
			if (multi)
				replay_from_row_start(r, s, n);
			else
				r->line++;
			push_broken(r, EC_CSV_EQUOTE, s, n);
		} else {
			if (multi)
				replay_from_row_start(r, s, n);
			else
				r->line++;
			push_broken(r, EC_CSV_EFIELD_SIZE, s, n);
		}
		ec_buf_reset(&r->window);
		return;
	}
	if (has_term)
		r->line++;
	if (r->p.pstate != ROW_NOT_BEGUN) {
		if (r->window.len + n > EC_CSV_RECORD_MAX) {
			parser_reset(r);
			replay_from_row_start(r, "", 0);
			push_broken(r, EC_CSV_ERECORD_SIZE, s, n);
			return;
		}
		ec_buf_add(&r->window, s, n);
	}
}

static void
finish(struct ec_csv_reader *r)
{
	if (csv_fini(&r->p, on_field, on_row, r) != 0) {
		/* The file ended inside a quoted field. */
		int multi = r->window.len > 0;
		parser_reset(r);
		if (multi)
			replay_from_row_start(r, "", 0);
		push_broken(r, EC_CSV_EUNTERMINATED, "", 0);
		if (multi)
			return;
	}
	r->finished = 1;
}

/*
 * The reading thread may be cancelled only while it waits in read(2),
 * where it holds no lock and leaves nothing half done.
 */
static ssize_t
cancellable_read(int fd, void *buf, size_t n)
{
	int old;
	ssize_t got;

	pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, &old);
	got = read(fd, buf, n);
	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old);
	return got;
}

/* read(2) of at most want bytes (and read_max); -1 after fatal(). */
static ssize_t
read_some(struct ec_csv_reader *r, char *buf, size_t want)
{
	ssize_t got;

	if (want > r->read_max)
		want = r->read_max;
	do
		got = cancellable_read(r->fd, buf, want);
	while (got < 0 && errno == EINTR);
	if (got < 0) {
		char msg[200];
		snprintf(msg, sizeof msg, "read error: %s", strerror(errno));
		fatal(r, 0, msg);
	}
	return got;
}

/* Reads more input into buf; returns 0 at end of file or on error. */
static int
fill(struct ec_csv_reader *r)
{
	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	if (r->cap - r->end < READ_SIZE) {
		if (r->cap >= EC_CSV_RECORD_MAX + 2 * READ_SIZE) {
			fatal(r, r->line + 1, "line longer than 64 MiB");
			return 0;
		}
		/* next_line refuses a longer line before it comes to this. */
		r->cap = r->cap * 2 < EC_CSV_RECORD_MAX + 2 * READ_SIZE ?
		    r->cap * 2 : EC_CSV_RECORD_MAX + 2 * READ_SIZE;
		r->buf = ec_xrealloc(r->buf, r->cap);
	}
	for (;;) {
		if (r->cd == (iconv_t)-1) {
			ssize_t got = read_some(r, r->buf + r->end,
			    r->cap - r->end);
			if (got < 0)
				return 0;
			if (got == 0) {
				r->eof = 1;
				return 0;
			}
			r->end += (size_t)got;
			return 1;
		}

		ssize_t got = 0;
		if (!r->eof) {
			got = read_some(r, r->raw + r->raw_len,
			    READ_SIZE - r->raw_len);
			if (got < 0)
				return 0;
			if (got == 0)
				r->eof = 1;
			r->raw_len += (size_t)got;
		}
		char *in = r->raw, *out = r->buf + r->end;
		size_t inleft = r->raw_len, outleft = r->cap - r->end;
		size_t rc = iconv(r->cd, &in, &inleft, &out, &outleft);
		int e = errno;
		size_t made = (size_t)(out - (r->buf + r->end));
		r->end += made;
		memmove(r->raw, in, inleft);
		r->raw_len = inleft;
		if (rc == (size_t)-1 && e == EILSEQ) {
			r->conv_error = 1;
			return made > 0;
		}
		if (r->eof && inleft > 0) {
			/* A multi-byte character cut off by the end of file. */
			r->conv_error = 1;
			return made > 0;
		}
		if (made > 0)
			return 1;
		if (r->eof)
			return 0;
	}
}

static void
conv_fatal(struct ec_csv_reader *r)
{
	char msg[200];

	snprintf(msg, sizeof msg, "not valid %s text (is the file UTF-8? "
	    "then leave out -E)", r->encoding);
	fatal(r, r->line + 1, msg);
}

/*
 * Refuses the line not yet ended at p[0..left) as a record with error e
 * (see csv.h).  Returns 0 when the rest of the line is to be skipped; 1
 * when instead a record begun on an earlier line, which ran into this
 * one, was refused: its later lines are to be read again, then this line
 * on its own; -1 after fatal() (invalid UTF-8).
 */
static int
refuse_line(struct ec_csv_reader *r, enum ec_csv_rec_error e, const char *p,
    size_t left)
{
	size_t keep = left < EC_CSV_FIELD_MAX ? left : EC_CSV_FIELD_MAX;
	unsigned seen;

	r->scan = r->run = 0;
	if (r->p.pstate != ROW_NOT_BEGUN) {
		parser_reset(r);
		replay_from_row_start(r, "", 0);
		push_broken(r, e, "", 0);
		return 1;
	}
	/* Its first bytes are kept for a rejects file, whole characters. */
	while (keep > 0 && keep < left &&
	    ((unsigned char)p[keep] & 0xc0) == 0x80)
		keep--;
	if (r->cd == (iconv_t)-1 && ec_utf8_scan(p, keep, &seen) != keep) {
		fatal(r, r->line + 1, "invalid UTF-8 (is the file GB18030? try "
		    "-E gb18030)");
		return -1;
	}
	r->row_line = ++r->line;
	ec_buf_reset(&r->window);
	push_broken(r, e, p, keep);
	r->skipping = 1;
	return 0;
}

/* What one look at the buffer came to, for next_line. */
enum step {
	STEP_AGAIN,		/* look again */
	STEP_LINE,		/* a line is in s and n */
	STEP_NONE,		/* end of input, or a fatal error */
	STEP_RESTART,		/* a line was refused: start over (replay) */
};

/* The next line of the replay buffer (see next_line). */
static int
replay_line(struct ec_csv_reader *r, const char **s, size_t *n, int *has_term)
{
	const char *p = r->replay.p + r->replay_pos;
	size_t left = r->replay.len - r->replay_pos;
	const char *t = memchr(p, r->term ? r->term : '\n', left);
	size_t len = t ? (size_t)(t - p) + 1 : left;

	*s = p;
	*n = len;
	*has_term = t != NULL;
	r->replay_pos += len;
	r->marks_line = NULL;
	r->line_seen = (memchr(p, ' ', len) || memchr(p, '\t', len) ?
	    EC_SEEN_BLANK : 0) | (memchr(p, '"', len) ?
	    EC_SEEN_QUOTE : 0) | (memchr(p, '\r', len) ? EC_SEEN_CR : 0);
	return 1;
}

/*
 * The first line end outside quotes decides the file's: LF (or CRLF), or
 * CR; a quoted field may hold either, as the writer writes them.  No
 * such end in the first MiB (a quote never closed): the first of any.
 */
static void
find_term(struct ec_csv_reader *r, const char *p, size_t left)
{
	size_t i = r->term_scan;

	for (; i < left; i++) {
		if (p[i] == '"')
			r->term_quoted = !r->term_quoted;
		else if (!r->term_quoted && (p[i] == '\n' || p[i] == '\r'))
			break;
	}
	r->term_scan = i;
	if (i == left && (r->eof || left > EC_CSV_FIELD_MAX)) {
		/* Looked at once: the buffer only grows. */
		size_t j = r->term_none;
		const char *cr = memchr(p + j, '\r', left - j);
		const char *lf = memchr(p + j, '\n', left - j);
		i = lf && (!cr || lf < cr) ? (size_t)(lf - p) :
		    cr ? (size_t)(cr - p) : left;
		if (i == left)
			r->term_none = left;
	}
	if (i < left && p[i] == '\n')
		r->term = '\n';
	else if (i + 1 < left)
		r->term = p[i + 1] == '\n' ? '\n' : '\r';
	else if (i < left && r->eof)
		r->term = '\r';
}

/* refuse_line's answer as a step. */
static enum step
refused(struct ec_csv_reader *r, enum ec_csv_rec_error e, const char *p,
    size_t len)
{
	int rc = refuse_line(r, e, p, len);

	return rc < 0 ? STEP_NONE : rc > 0 ? STEP_RESTART : STEP_AGAIN;
}

/* Inside a refused line: on to its end (t, once the buffer holds it). */
static enum step
skip_refused(struct ec_csv_reader *r, const char *p, size_t left,
    const char *t)
{
	if (t) {
		/* The end of a refused line. */
		r->start += (size_t)(t - p) + 1;
		r->skipping = 0;
		return STEP_AGAIN;
	}
	if (r->conv_error) {
		/* The bad sequence is in the refused line. */
		r->line--;
		conv_fatal(r);
		return STEP_NONE;
	}
	/*
	 * A CR, while the line end is not known, may be one.  How far that
	 * end was looked for counts from start.
	 */
	size_t gone = left - (!r->term && left && p[left - 1] == '\r');
	r->start += gone;
	r->term_scan = r->term_scan > gone ? r->term_scan - gone : 0;
	r->term_none = r->term_none > gone ? r->term_none - gone : 0;
	if (!r->eof && !fill(r) && r->fatal)
		return STEP_NONE;
	/* (A bad sequence left unread is in this line too.) */
	if (r->eof && r->start == r->end && !r->conv_error)
		r->skipping = 0;
	return STEP_AGAIN;
}

/* The line at p, ending at t (NULL: the input's last, unended). */
static enum step
take_line(struct ec_csv_reader *r, const char *p, size_t left, const char *t,
    const char **s, size_t *n, int *has_term)
{
	size_t len = t ? (size_t)(t - p) + 1 : left;
	size_t good;

	if (!t && r->conv_error && !r->fatal) {
		conv_fatal(r);
		return STEP_NONE;
	}
	if (len > EC_CSV_RECORD_MAX + 2) {
		/* Came whole in one read: refused all the same. */
		return refused(r, EC_CSV_ERECORD_SIZE, p, len);
	}
	/* iconv's output is UTF-8: scanned only for seen. */
	if (len < MARKS_LINE_MAX) {
		good = ec_utf8_scan_marks(p, len, &r->line_seen, r->delim,
		    r->marks);
		r->marks_line = p;
	} else {
		good = ec_utf8_scan(p, len, &r->line_seen);
		r->marks_line = NULL;
	}
	if (good != len && r->cd == (iconv_t)-1) {
		fatal(r, r->line + 1, "invalid UTF-8 (is the file GB18030? "
		    "try -E gb18030)");
		return STEP_NONE;
	}
	*s = p;
	*n = len;
	*has_term = t != NULL;
	r->start += len;
	r->scan = r->run = 0;
	return STEP_LINE;
}

/* No line end in the buffer yet: refuse what is too long, or read more. */
static enum step
need_more(struct ec_csv_reader *r, const char *p, size_t left)
{
	if (r->fatal)
		return STEP_NONE;
	if (r->conv_error) {
		conv_fatal(r);
		return STEP_NONE;
	}
	if (!r->eof && left > EC_CSV_FIELD_MAX) {
		/* Too long to keep?  Only what came since is looked at. */
		while (r->scan < left && r->run <= EC_CSV_FIELD_MAX) {
			char c = p[r->scan++];
			r->run = c == r->delim || c == '"' ? 0 : r->run + 1;
		}
		if (r->run > EC_CSV_FIELD_MAX)
			return refused(r, EC_CSV_EFIELD_SIZE, p, left);
		if (left > EC_CSV_RECORD_MAX)
			return refused(r, EC_CSV_ERECORD_SIZE, p, left);
	}
	if (!r->eof && fill(r))
		return STEP_AGAIN;
	if (r->fatal)
		return STEP_NONE;
	if (r->conv_error)
		return STEP_AGAIN;
	if (r->end - r->start > 0) {
		r->started = 1;
		return STEP_AGAIN;
	}
	return STEP_NONE;
}

/*
 * The next physical line from the replay buffer or the input; 1 with the
 * line in s and n (its end included when *has_term), 0 at end of input.
 */
static int
next_line(struct ec_csv_reader *r, const char **s, size_t *n, int *has_term)
{
	if (r->replay_pos < r->replay.len)
		return replay_line(r, s, n, has_term);
	for (;;) {
		const char *p = r->buf + r->start;
		size_t left = r->end - r->start;
		enum step st;

		if (!r->started && (left >= 3 || r->eof || r->conv_error)) {
			r->started = 1;
			if (left >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) {
				r->start += 3;
				continue;
			}
		}
		if (r->started && !r->term)
			find_term(r, p, left);
		const char *t = r->started && r->term ?
		    memchr(p, r->term, left) : NULL;
		if (r->skipping)
			st = skip_refused(r, p, left, t);
		else if (t || ((r->eof || r->conv_error || r->fatal) &&
		    left > 0 && r->started))
			st = take_line(r, p, left, t, s, n, has_term);
		else
			st = need_more(r, p, left);
		if (st == STEP_LINE)
			return 1;
		if (st == STEP_NONE)
			return 0;
		if (st == STEP_RESTART)
			return next_line(r, s, n, has_term);
	}
}

/* Runs the caller's prepare function on the records of b. */
static void
prepare_batch(struct batch *b, ec_csv_prepare_fn *fn, void *ctx, size_t size)
{
	struct ec_csv_record rec;

	size = (size + 15) & ~(size_t)15;
	if (b->nrows * size > b->prep_cap) {
		free(b->prep);
		b->prep_cap = b->nrows * size;
		b->prep = ec_xmalloc(b->prep_cap);
	}
	b->prep_size = size;
	for (size_t i = 0; i < b->nrows; i++) {
		struct row *row = &b->rows[i];
		if (row->error || !b->f)
			continue;
		rec.line = row->line;
		rec.nfields = row->nfields;
		rec.fields = b->f + row->first;
		rec.error = row->error;
		rec.raw = NULL;
		rec.raw_len = 0;
		rec.plain = 0;
		rec.prep = rec.next_prep = NULL;
		row->prepared = fn(ctx, &rec, b->prep + i * size);
	}
}

void
ec_csv_prepare(struct ec_csv_reader *r, ec_csv_prepare_fn *fn, void *ctx,
    size_t size, int balance)
{
	pthread_mutex_lock(&r->mu);
	r->prep_fn = fn;
	r->prep_ctx = ctx;
	r->prep_size = size;
	r->prep_balance = balance;
	pthread_mutex_unlock(&r->mu);
}

/*
 * Hands the filled batch over and starts a new one, which takes the
 * fields of a record not yet complete.  Returns -1 when the caller has
 * stopped reading.
 */
static int
hand_over(struct ec_csv_reader *r, enum batch_end end)
{
	struct batch *old = r->cur, *b = NULL;

	pthread_mutex_lock(&r->mu);
	if (!end) {
		while (!r->spare && r->nbatches >= BATCHES && !r->stop)
			pthread_cond_wait(&r->cv, &r->mu);
		if (r->stop) {
			pthread_mutex_unlock(&r->mu);
			return -1;
		}
		if (r->spare) {
			b = r->spare;
			r->spare = b->next;
		} else {
			b = batch_new();
			r->nbatches++;
		}
	}
	pthread_mutex_unlock(&r->mu);

	if (b) {
		/*
		 * The row begins afresh at the start of the new batch, before
		 * its fields are added there (on_field counts them from it).
		 */
		size_t first = r->row_first, keep = old->nf - first;
		b->arena.len = b->raw.len = 0;
		b->nf = b->nrows = 0;
		b->next = NULL;
		b->end = MORE;
		r->cur = b;
		r->row_first = 0;
		for (size_t i = 0; i < keep; i++)
			on_field(old->arena.p + old->foff[first + i],
			    old->flen[first + i], r);
	} else {
		r->cur = NULL;
	}

	/*
	 * The arena has stopped moving: point the fields into it here, in
	 * the reading thread, rather than record by record in the caller's.
	 */
	if (old->nf > old->f_cap) {
		old->f_cap = old->nf;
		old->f = ec_xrealloc(old->f, old->f_cap * sizeof *old->f);
	}
	for (size_t i = 0; i < old->nf; i++) {
		old->f[i].p = old->arena.p + old->foff[i];
		old->f[i].n = old->flen[i];
	}

	pthread_mutex_lock(&r->mu);
	ec_csv_prepare_fn *fn = r->prep_fn;
	void *ctx = r->prep_ctx;
	size_t size = r->prep_size;
	/*
	 * The caller has taken every batch handed over: this thread is the
	 * slower one, and leaves this batch's work to the caller.
	 */
	int behind = r->prep_balance && !r->full;
	pthread_mutex_unlock(&r->mu);
	if (fn && !behind)
		prepare_batch(old, fn, ctx, size);

	pthread_mutex_lock(&r->mu);
	old->end = end;
	old->next = NULL;
	if (r->full_tail)
		r->full_tail->next = old;
	else
		r->full = old;
	r->full_tail = old;
	if (end)
		r->done = 1;
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
	return 0;
}

static void *
produce(void *arg)
{
	struct ec_csv_reader *r = arg;
	int old;

	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old);
	for (;;) {
		enum batch_end end = MORE;
		struct batch *b = r->cur;

		while (b->nrows < BATCH_ROWS &&
		    (b->nrows == 0 || b->arena.len < BATCH_BYTES)) {
			const char *s;
			size_t n;
			int has_term;

			if (r->finished) {
				end = END_EOF;
				break;
			}
			if (next_line(r, &s, &n, &has_term))
				feed_line(r, s, n, has_term);
			else if (r->fatal) {
				end = END_FATAL;
				break;
			} else
				finish(r);
		}
		if (hand_over(r, end) != 0 || end)
			return NULL;
	}
}

enum ec_csv_status
ec_csv_next(struct ec_csv_reader *r, struct ec_csv_record **rec)
{
	struct batch *b;

	while (!r->mine || r->rows_next == r->mine->nrows) {
		if (r->mine && r->mine->end)
			return r->mine->end == END_EOF ? EC_CSV_EOF :
			    EC_CSV_FATAL;
		if (!r->running) {
			if (pthread_create(&r->thread, NULL, produce, r) != 0) {
				fatal(r, 0, "cannot start a thread");
				return EC_CSV_FATAL;
			}
			r->running = 1;
		}
		pthread_mutex_lock(&r->mu);
		if (r->mine) {
			r->mine->next = r->spare;
			r->spare = r->mine;
			r->mine = NULL;
			pthread_cond_broadcast(&r->cv);
		}
		while (!r->full)
			pthread_cond_wait(&r->cv, &r->mu);
		r->mine = r->full;
		r->full = r->mine->next;
		if (!r->full)
			r->full_tail = NULL;
		pthread_mutex_unlock(&r->mu);
		r->rows_next = 0;
	}

	b = r->mine;
	struct row *row = &b->rows[r->rows_next++];
	r->rec.line = row->line;
	r->rec.nfields = row->nfields;
	/* A batch of broken records only has no fields: no pointer. */
	r->rec.fields = b->f ? b->f + row->first : NULL;
	r->rec.error = row->error;
	r->rec.raw = row->has_raw == 1 ? b->arena.p + row->raw_off :
	    row->has_raw == 2 ? b->raw.p + row->raw_off : NULL;
	r->rec.raw_len = row->raw_len;
	r->rec.plain = row->has_raw == 1;
	r->rec.prep = row->prepared ? b->prep + (r->rows_next - 1) *
	    b->prep_size : NULL;
	r->rec.next_prep = r->rows_next < b->nrows &&
	    b->rows[r->rows_next].prepared ? b->prep + r->rows_next *
	    b->prep_size : NULL;
	*rec = &r->rec;
	return EC_CSV_RECORD;
}

/* The writer */

#define WBUF_SIZE (256 * 1024)

void
ec_csv_writer_init(struct ec_csv_writer *w, int fd)
{
	w->fd = fd;
	grow_pipe(fd);
	w->cap = WBUF_SIZE;
	w->buf = ec_xmalloc(w->cap);
	w->len = 0;
	w->err = 0;
	w->nfields = 0;
}

void
ec_csv_writer_release(struct ec_csv_writer *w)
{
	free(w->buf);
	w->buf = NULL;
	w->len = w->cap = 0;
}

int
ec_csv_writer_flush(struct ec_csv_writer *w)
{
	if (!w->err)
		w->err = ec_write_all(w->fd, w->buf, w->len);
	w->len = 0;
	return w->err ? -1 : 0;
}

static void
reserve(struct ec_csv_writer *w, size_t n)
{
	if (w->len + n <= w->cap)
		return;
	ec_csv_writer_flush(w);
	if (n > w->cap) {
		w->cap = n;
		w->buf = ec_xrealloc(w->buf, w->cap);
	}
}

void
ec_csv_write_raw(struct ec_csv_writer *w, const void *p, size_t n)
{
	reserve(w, n);
	memcpy(w->buf + w->len, p, n);
	w->len += n;
}

/* Bytes that make a field need quotes. */
static const unsigned char special[256] = {
	['"'] = 1, [','] = 1, ['\r'] = 1, ['\n'] = 1,
};

/* Whether p[0..n) must be quoted; *quotes: the quotes it holds. */
static int
needs_quotes(const char *p, size_t n, size_t *quotes)
{
	int need = 0;

	*quotes = 0;
	for (size_t i = 0; i < n; i++) {
		if (special[(unsigned char)p[i]]) {
			need = 1;
			*quotes += p[i] == '"';
		}
	}
	/* A BOM that began the file would be taken for the file's own. */
	if (n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		need = 1;
	return need;
}

/* Puts the field at dst, which has room for it quoted; returns its length. */
static size_t
put_field(char *dst, const char *p, size_t n, int need)
{
	size_t len = 0;

	if (!need) {
		memcpy(dst, p, n);
		return n;
	}
	dst[len++] = '"';
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '"')
			dst[len++] = '"';
		dst[len++] = p[i];
	}
	dst[len++] = '"';
	return len;
}

void
ec_csv_write_field(struct ec_csv_writer *w, const char *p, size_t n)
{
	size_t quotes;
	int need = needs_quotes(p, n, &quotes);

	reserve(w, n + quotes + 3);
	w->last_empty = n == 0;
	if (w->nfields++)
		w->buf[w->len++] = ',';
	w->len += put_field(w->buf + w->len, p, n, need);
}

void
ec_csv_quote_field(struct ec_buf *b, const char *p, size_t n)
{
	size_t quotes;
	int need = needs_quotes(p, n, &quotes);

	ec_buf_grow(b, n + quotes + 2);
	b->len += put_field(b->p + b->len, p, n, need);
	b->p[b->len] = '\0';
}

void
ec_csv_write_clean(struct ec_csv_writer *w, const char *p, size_t n)
{
	reserve(w, n + 1);
	w->last_empty = n == 0;
	if (w->nfields++)
		w->buf[w->len++] = ',';
	memcpy(w->buf + w->len, p, n);
	w->len += n;
}

void
ec_csv_write_fields(struct ec_csv_writer *w, const struct ec_str *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ec_csv_write_field(w, f[i].p, f[i].n);
}

void
ec_csv_end_record(struct ec_csv_writer *w)
{
	/*
	 * A record of one empty field would be a blank line, which readers
	 * skip: quote it.
	 */
	reserve(w, 3);
	if (w->nfields == 1 && w->last_empty) {
		w->buf[w->len++] = '"';
		w->buf[w->len++] = '"';
	}
	w->buf[w->len++] = '\n';
	w->nfields = 0;
	if (w->len > w->cap - 4096)
		ec_csv_writer_flush(w);
}

int
ec_csv_parse_delim(const char *arg)
{
	if (strcmp(arg, "\\t") == 0 || strcmp(arg, "\t") == 0)
		return '\t';
	if (strlen(arg) != 1 || arg[0] == '"' || arg[0] == '\n' ||
	    arg[0] == '\r')
		return -1;
	return (unsigned char)arg[0];
}
