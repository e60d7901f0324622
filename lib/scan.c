/*
 * scan.c - one column of a UTF-8 CSV file, found fast (scan.h).
 *
 * A line with neither quote nor CR (but the one before its LF) is one
 * record: its fields are counted by their delimiters, and the column's
 * is found between them.  Any other line goes through a small parser of
 * quoted fields that gives up, rather than guess, wherever the reader's
 * own recovery would decide (csv.c).
 *
 * The scan runs in a thread of its own and hands the cells it finds over
 * in batches; the caller's thread parses them (an ID number's check takes
 * about as long as finding it), so the two take a core each.
 */
#include "scan.h"

#include <errno.h>
#include <pthread.h>
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

/*
 * What a look at the line at p finds: its length up to its LF (or all
 * left, when no LF is there); whether it is plain, that is free of quotes
 * and of CRs but one before the LF; and, when it is, its fields, and
 * where column col's field starts (cs) and ends (ce), as offsets from p
 * (cs past len: the line has no such field; ce past len: it ends the
 * line).
 */
struct line {
	size_t len;
	int lf;			/* an LF ends it */
	int plain;
	size_t nf;
	size_t cs, ce;
};

#define NONE ((size_t)-1)

/* Byte by byte: for any machine, and for a delimiter the others cannot. */
static void
look_portable(const char *p, size_t left, char delim, size_t col,
    struct line *out)
{
	const char *nl = memchr(p, '\n', left);
	size_t len = nl ? (size_t)(nl - p) : left, l = len;

	out->len = len;
	out->lf = nl != NULL;
	if (l && p[l - 1] == '\r')
		l--;
	out->plain = !memchr(p, '"', l) && !memchr(p, '\r', l);
	out->nf = 1;
	out->cs = col == 0 ? 0 : NONE;
	out->ce = NONE;
	if (!out->plain)
		return;
	for (size_t i = 0; i < l; i++) {
		if (p[i] != delim)
			continue;
		if (out->nf == col)
			out->cs = i + 1;
		else if (out->nf == col + 1)
			out->ce = i;
		out->nf++;
	}
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#define SLACK 32	/* the buffer's bytes past its end a look may load */

/*
 * The same, 32 bytes a step, each step finding line end, quotes, CRs
 * and delimiters at once (a line took four passes of memchr before).
 * It loads up to SLACK bytes past p + left, and ignores them.
 */
__attribute__((target("avx2,popcnt,bmi"))) static void
look_avx2(const char *p, size_t left, char delim, size_t col,
    struct line *out)
{
	const __m256i vd = _mm256_set1_epi8(delim), vq = _mm256_set1_epi8('"'),
	    vr = _mm256_set1_epi8('\r'), vn = _mm256_set1_epi8('\n');
	size_t delims = 0, crs = 0, cs = col == 0 ? 0 : NONE, ce = NONE;
	size_t len = left;	/* no LF within left, unless one is found */
	int quote = 0, lf = 0;

	for (size_t i = 0; i < left; i += 32) {
		__m256i v = _mm256_loadu_si256((const __m256i *)(p + i));
		uint32_t valid = left - i >= 32 ? ~0u :
		    ((uint32_t)1 << (left - i)) - 1;
		uint32_t mn = (uint32_t)_mm256_movemask_epi8(
		    _mm256_cmpeq_epi8(v, vn)) & valid;
		uint32_t before = mn ? (mn & -mn) - 1 : valid;
		uint32_t md = (uint32_t)_mm256_movemask_epi8(
		    _mm256_cmpeq_epi8(v, vd)) & before;
		quote |= (_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, vq)) &
		    before) != 0;
		crs += (size_t)__builtin_popcount((uint32_t)
		    _mm256_movemask_epi8(_mm256_cmpeq_epi8(v, vr)) & before);
		if (md && ce == NONE) {
			/* the delimiters number delims + 1 on from here */
			for (uint32_t m = md; m; m &= m - 1) {
				size_t at = i + (size_t)__builtin_ctz(m);
				size_t k = ++delims;	/* fields before it */
				if (k == col)
					cs = at + 1;
				else if (k == col + 1) {
					ce = at;
					delims += (size_t)__builtin_popcount(
					    m & (m - 1));
					break;
				}
			}
		} else {
			delims += (size_t)__builtin_popcount(md);
		}
		if (mn) {
			len = i + (size_t)__builtin_ctz(mn);
			lf = 1;
			break;
		}
	}
	out->len = len;
	out->lf = lf;
	out->plain = !quote && (crs == 0 ||
	    (crs == 1 && len > 0 && p[len - 1] == '\r'));
	out->nf = delims + 1;
	out->cs = cs;
	out->ce = ce;
}

static int portable_only;	/* ec_scan_use_portable */

static void
look(const char *p, size_t left, char delim, size_t col, struct line *out)
{
	static int avx2 = -1;
	int has = __atomic_load_n(&avx2, __ATOMIC_RELAXED);

	if (has < 0) {
		__builtin_cpu_init();
		has = __builtin_cpu_supports("avx2") &&
		    __builtin_cpu_supports("bmi") != 0;
		__atomic_store_n(&avx2, has, __ATOMIC_RELAXED);
	}
	if (has && !__atomic_load_n(&portable_only, __ATOMIC_RELAXED) &&
	    delim != '"' && delim != '\r' && delim != '\n')
		look_avx2(p, left, delim, col, out);
	else
		look_portable(p, left, delim, col, out);
}

void
ec_scan_use_portable(int yes)
{
	__atomic_store_n(&portable_only, yes != 0, __ATOMIC_RELAXED);
}
#else
#define SLACK 0
#define look look_portable

void
ec_scan_use_portable(int yes)
{
	(void)yes;	/* it is the only one here */
}
#endif

/* The scan itself: ec_scan_column, in one thread. */
static int
scan(int fd, char delim, size_t nfields, size_t col, ec_scan_fn *fn,
    void *ctx, size_t *line)
{
	struct scan s = { fd, ec_xcalloc(1, CAP + SLACK), 0, 0, 0 };
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
		struct line ln;
		look(p, left, delim, col, &ln);
		if (!ln.lf && !s.eof) {
			if ((rc = more(&s)) < 0)
				goto fail;
			if (rc == 2)
				goto stop;
			continue;
		}
		size_t len = ln.len, l = len;
		if (l && p[l - 1] == '\r')
			l--;
		if (l == 0) {
			/* a blank line */
			s.start += len + (size_t)ln.lf;
			++*line;
			continue;
		}
		if (l >= EC_CSV_FIELD_MAX / 2)
			goto stop;
		const char *cs;
		size_t cn, nf, used, lines = 0;
		if (ln.plain) {
			nf = ln.nf;
			if (ln.cs <= l) {
				cs = p + ln.cs;
				cn = (ln.ce == NONE ? l : ln.ce) - ln.cs;
			} else {
				cs = NULL;
				cn = 0;
			}
			used = len + (size_t)ln.lf;
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

/* ---- the scan in its own thread ---- */

#define BATCH	16384		/* cells handed over at a time */
#define BATCHES	3

struct batch {
	size_t n;
	size_t line[BATCH], off[BATCH], len[BATCH];
	struct ec_buf text;
	struct batch *next;
};

struct relay {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct batch *free;		/* to be filled */
	struct batch *full, *full_tail;	/* to be read, in order */
	struct batch *cur;		/* the scan's, being filled */
	int done, cancel;
	/* the scan's work, and what came of it */
	int fd;
	char delim;
	size_t nfields, col;
	int rc, err;
	size_t line;
};

static void
hand_over(struct relay *rl, struct batch *b)
{
	pthread_mutex_lock(&rl->mu);
	b->next = NULL;
	if (rl->full_tail)
		rl->full_tail->next = b;
	else
		rl->full = b;
	rl->full_tail = b;
	pthread_cond_broadcast(&rl->cv);
	pthread_mutex_unlock(&rl->mu);
}

/* The scan's ec_scan_fn: a cell into the batch being filled. */
static int
to_batch(void *ctx, size_t line, const char *p, size_t n)
{
	struct relay *rl = ctx;
	struct batch *b = rl->cur;

	if (!b || b->n == BATCH) {
		if (b)
			hand_over(rl, b);
		rl->cur = NULL;
		pthread_mutex_lock(&rl->mu);
		while (!rl->free && !rl->cancel)
			pthread_cond_wait(&rl->cv, &rl->mu);
		b = rl->cancel ? NULL : rl->free;
		if (b)
			rl->free = b->next;
		pthread_mutex_unlock(&rl->mu);
		if (!b)
			return -1;	/* the caller stopped reading */
		b->n = 0;
		ec_buf_reset(&b->text);
		rl->cur = b;
	}
	b->line[b->n] = line;
	b->off[b->n] = b->text.len;
	b->len[b->n] = n;
	ec_buf_add(&b->text, p, n);
	b->n++;
	return 0;
}

static void *
scanning(void *arg)
{
	struct relay *rl = arg;
	size_t line = 0;
	int rc = scan(rl->fd, rl->delim, rl->nfields, rl->col, to_batch, rl,
	    &line);
	int err = errno;

	if (rl->cur)
		hand_over(rl, rl->cur);
	rl->cur = NULL;
	pthread_mutex_lock(&rl->mu);
	rl->rc = rc;
	rl->err = err;
	rl->line = line;
	rl->done = 1;
	pthread_cond_broadcast(&rl->cv);
	pthread_mutex_unlock(&rl->mu);
	return NULL;
}

int
ec_scan_column(int fd, char delim, size_t nfields, size_t col,
    ec_scan_fn *fn, void *ctx, size_t *line)
{
	struct relay rl;
	struct batch *b;
	pthread_t th;
	int stopped = 0, err = 0;

	memset(&rl, 0, sizeof rl);
	rl.fd = fd;
	rl.delim = delim;
	rl.nfields = nfields;
	rl.col = col;
	pthread_mutex_init(&rl.mu, NULL);
	pthread_cond_init(&rl.cv, NULL);
	for (int i = 0; i < BATCHES; i++) {
		b = ec_xcalloc(1, sizeof *b);
		b->next = rl.free;
		rl.free = b;
	}
	if (pthread_create(&th, NULL, scanning, &rl) != 0) {
		/* no thread to be had: the scan in this one */
		rl.rc = scan(fd, delim, nfields, col, fn, ctx, &rl.line);
		rl.err = errno;
		goto out;
	}
	for (;;) {
		pthread_mutex_lock(&rl.mu);
		while (!rl.full && !rl.done)
			pthread_cond_wait(&rl.cv, &rl.mu);
		b = rl.full;
		if (b && !(rl.full = b->next))
			rl.full_tail = NULL;
		pthread_mutex_unlock(&rl.mu);
		if (!b)
			break;		/* done, and every batch read */
		for (size_t i = 0; i < b->n && !stopped; i++) {
			if (fn(ctx, b->line[i], b->text.p ? b->text.p +
			    b->off[i] : "", b->len[i]) != 0) {
				stopped = 1;
				err = errno;
			}
		}
		pthread_mutex_lock(&rl.mu);
		b->next = rl.free;
		rl.free = b;
		rl.cancel = stopped;
		pthread_cond_broadcast(&rl.cv);
		pthread_mutex_unlock(&rl.mu);
	}
	pthread_join(th, NULL);
out:
	while ((b = rl.free) != NULL) {
		rl.free = b->next;
		ec_buf_release(&b->text);
		free(b);
	}
	pthread_cond_destroy(&rl.cv);
	pthread_mutex_destroy(&rl.mu);
	if (stopped) {
		errno = err;
		return -1;
	}
	*line = rl.line;
	errno = rl.err;
	return rl.rc;
}
