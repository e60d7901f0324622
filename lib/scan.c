/*
 * scan.c - one column of a UTF-8 CSV file, found fast (scan.h).
 *
 * A line with neither quote nor CR (but the one before its LF) is one
 * record: its fields are counted by their delimiters, and the column's
 * is found between them.  Any other line goes through a small parser of
 * quoted fields that gives up, rather than guess, wherever the reader's
 * own recovery would decide (csv.c).
 */
#include "scan.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv.h"
#include "util.h"

#define CAP	(EC_CSV_FIELD_MAX + 256 * 1024)	/* a record fits, or stop */

struct scan {
	int fd;
	char *buf;
	size_t start, end;
	int eof;
};

/*
 * Moves what is left to the front and reads after it: 1 when it read,
 * 0 at the end of the file, 2 when the buffer is full (a record too long
 * for it), -1 on error.
 */
static int
more(struct scan *s)
{
	ssize_t r;

	if (s->start > 0) {
		memmove(s->buf, s->buf + s->start, s->end - s->start);
		s->end -= s->start;
		s->start = 0;
	}
	if (s->end == CAP)
		return 2;
	do
		r = read(s->fd, s->buf + s->end, CAP - s->end);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -1;
	if (r == 0) {
		s->eof = 1;
		return 0;
	}
	s->end += (size_t)r;
	return 1;
}

enum { REC, MORE, ODD };

/* A record the careful parser read. */
struct rec {
	size_t len;		/* bytes, with its line end */
	size_t lines;		/* line breaks inside quotes */
	size_t nf;
	const char *cs;		/* the column's field, as written */
	size_t cn;
	int quoted;
};

/*
 * Parses the record at p (end: what the buffer holds; eof: nothing
 * follows) as the reader would if it is well formed: REC, or MORE when
 * the buffer ends inside it, or ODD when it is not plain.
 */
static int
careful(const char *p, const char *end, int eof, char delim, size_t col,
    struct rec *out)
{
	const char *q = p;

	memset(out, 0, sizeof *out);
	for (;;) {
		const char *fs = q;
		if (q < end && *q == '"') {
			for (q++;;) {
				const char *r = memchr(q, '"', (size_t)(end - q));
				if (!r)
					return eof ? ODD : MORE;
				for (const char *x = q; x < r; x++) {
					if (*x == '\r')
						return ODD;
					out->lines += *x == '\n';
				}
				if (r + 1 == end && !eof)
					return MORE;
				if (r + 1 < end && r[1] == '"') {
					q = r + 2;
					continue;
				}
				q = r + 1;
				break;
			}
			if (out->nf == col) {
				out->cs = fs + 1;
				out->cn = (size_t)(q - 1 - out->cs);
				out->quoted = 1;
				if (memchr(out->cs, '\n', out->cn))
					return ODD;
			}
		} else {
			while (q < end && *q != delim && *q != '\n' &&
			    *q != '\r' && *q != '"')
				q++;
			if (q < end && *q == '"')
				return ODD;
			if (out->nf == col) {
				out->cs = fs;
				out->cn = (size_t)(q - fs);
			}
		}
		if (++out->nf >= EC_CSV_FIELDS_MAX ||
		    (size_t)(q - fs) >= EC_CSV_FIELD_MAX / 2)
			return ODD;	/* near a limit: the reader decides */
		if (q == end) {
			if (!eof)
				return MORE;
			out->len = (size_t)(q - p);
			return REC;
		}
		if (*q == delim) {
			q++;
			continue;
		}
		if (*q == '\n') {
			out->len = (size_t)(q + 1 - p);
			return REC;
		}
		if (*q == '\r') {
			if (q + 1 == end)
				return eof ? ODD : MORE;
			if (q[1] != '\n')
				return ODD;
			out->len = (size_t)(q + 2 - p);
			return REC;
		}
		return ODD;	/* after a closing quote, not a delimiter */
	}
}

/* The fields of a plain line of len bytes. */
static size_t
count_fields(const char *p, size_t len, char delim)
{
	size_t n = 1;

	for (size_t i = 0; i < len; i++)
		n += p[i] == delim;
	return n;
}

int
ec_scan_column(int fd, char delim, size_t nfields, size_t col,
    ec_scan_fn *fn, void *ctx, size_t *line)
{
	struct scan s = { fd, ec_xmalloc(CAP), 0, 0, 0 };
	struct ec_buf unq = EC_BUF_INIT;
	int header = 1, rc;

	*line = 1;
	while (s.end < 3 && !s.eof)
		if ((rc = more(&s)) < 0)
			goto fail;
	if (s.end >= 3 && memcmp(s.buf, "\xef\xbb\xbf", 3) == 0)
		s.start = 3;
	for (;;) {
		const char *p = s.buf + s.start;
		size_t left = s.end - s.start;
		if (left == 0) {
			if (s.eof)
				break;
			if ((rc = more(&s)) < 0)
				goto fail;
			continue;
		}
		const char *nl = memchr(p, '\n', left);
		if (!nl && !s.eof) {
			if ((rc = more(&s)) < 0)
				goto fail;
			if (rc == 2)
				goto stop;
			continue;
		}
		size_t len = nl ? (size_t)(nl - p) : left, l = len;
		if (l && p[l - 1] == '\r')
			l--;
		if (l == 0) {
			/* a blank line */
			s.start += len + (nl != NULL);
			++*line;
			continue;
		}
		if (l >= EC_CSV_FIELD_MAX / 2)
			goto stop;
		const char *cs;
		size_t cn, nf, used, lines = 0;
		if (!memchr(p, '"', l) && !memchr(p, '\r', l)) {
			nf = count_fields(p, l, delim);
			cs = p;
			for (size_t i = 0; i < col && cs; i++) {
				cs = memchr(cs, delim, (size_t)(p + l - cs));
				cs = cs ? cs + 1 : NULL;
			}
			if (cs) {
				const char *d = memchr(cs, delim,
				    (size_t)(p + l - cs));
				cn = (size_t)((d ? d : p + l) - cs);
			} else {
				cn = 0;
			}
			used = len + (nl != NULL);
			if (nf >= EC_CSV_FIELDS_MAX)
				goto stop;
		} else {
			struct rec r;
			int c = careful(p, s.buf + s.end, s.eof, delim, col, &r);
			if (c == ODD)
				goto stop;
			if (c == MORE) {
				if ((rc = more(&s)) < 0)
					goto fail;
				if (rc == 2)
					goto stop;
				continue;
			}
			nf = r.nf;
			cs = r.cs;
			cn = r.cn;
			used = r.len;
			lines = r.lines;
			if (r.quoted && memchr(cs, '"', cn)) {
				/* doubled quotes inside: one each */
				ec_buf_reset(&unq);
				for (size_t i = 0; i < cn; i++) {
					ec_buf_addc(&unq, cs[i]);
					i += cs[i] == '"';
				}
				cs = unq.p;
				cn = unq.len;
			}
		}
		if (header && nf != nfields)
			goto stop;	/* not the header the reader read */
		if (!header && nf == nfields && fn(ctx, *line, cs ? cs : "",
		    cn) != 0) {
			rc = -1;
			goto fail;
		}
		header = 0;
		s.start += used;
		*line += 1 + lines;
	}
	free(s.buf);
	ec_buf_release(&unq);
	return 0;
stop:
	free(s.buf);
	ec_buf_release(&unq);
	return 1;
fail:
	{
		int e = errno;
		free(s.buf);
		ec_buf_release(&unq);
		errno = e;
	}
	return -1;
}
