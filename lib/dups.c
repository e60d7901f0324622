/*
 * dups.c - repeated ID numbers by an external sort (dups.h).
 *
 * Sorters of 16-byte pairs do the work.  The first takes (key, pos) and
 * sorts them by key: a stable radix sort of each memory's worth (a run,
 * written to disk when more follow), then a merge of the runs that
 * breaks ties by run.  Positions come in ascending, so each key's come
 * out ascending and the first is its first sighting.  Every later one
 * goes to a sorter of repeats as (pos, first), sorted by pos, which the
 * second pass then reads in order.
 *
 * Three things keep the first pass short.  A run is sorted and written
 * by a thread of its own while the caller fills the next one: the
 * first pass's reading leaves a core half idle.  On disk a pair is two
 * varints, of a's rise from the pair before (they are sorted) and of
 * b's change (zigzagged): IDs and lines close together make 4 to 6
 * bytes of the 16, and the page cache's copying of runs, the first
 * pass's largest cost, shrinks with them.  And two threads merge the
 * runs, one the keys below the middle key of the runs, one the rest,
 * each into a sorter of repeats of its own; the second pass reads the
 * two by turns.
 */
#include "dups.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "outfile.h"
#include "util.h"

struct pair {
	uint64_t a, b;		/* sorted by a */
};

#define PAIR_MAX	20		/* bytes of a pair on disk, at most */
#define ENC_SIZE	(64 * 1024)	/* a run is written this much at a time */

struct run {
	off_t off;
	size_t n;		/* pairs */
	size_t bytes;		/* on disk */
	uint64_t mid;		/* its middle key */
};

/* A run being merged: a window of it in memory. */
struct source {
	struct pair *buf;
	size_t i, n;		/* the next pair in buf, and how many it holds */
	unsigned char *raw;	/* bytes of the run read, not yet decoded */
	size_t rpos, rlen;
	off_t off;		/* where the rest of the run's bytes start */
	size_t bytes_left;	/* bytes of the run not read yet */
	size_t left;		/* pairs of the run not decoded yet */
	uint64_t a, b;		/* the pair decoded last */
};

/* A run being sorted and written by a thread of its own. */
struct spill_job {
	struct pair *p, *tmp;
	size_t n;
	unsigned char *enc;	/* ENC_SIZE bytes */
	int fd;
	off_t off;
	size_t bytes;		/* written */
	uint64_t mid;		/* the middle key */
	int err;		/* errno of a failed write, else 0 */
};

/*
 * A source's next key, and its rank: its run's number, which breaks ties
 * (the earlier run's first), and nruns more once the run is dry (then
 * the key is all ones, and it sorts after every live source).
 */
struct head {
	uint64_t key;
	size_t rank;
};

struct sorter;

/*
 * A merge of runs (of the keys of each from merge_init's lo on, and
 * below hi when bounded) in a tree of losers: tree[0] is the source
 * whose next pair comes first, tree[1 .. n) each the one that lost there
 * (node t plays 2t and 2t + 1, and source x sits at n + x).  head holds
 * each source's next key and its rank among equal keys, so that a pair
 * takes one comparison a level, made without a branch: which way it goes
 * is a toss-up, and branches guessed wrong took most of the merge's
 * time.
 */
struct merge {
	const struct sorter *s;	/* whose runs */
	struct source *src;	/* one a run */
	size_t n;
	size_t *tree;
	struct head *head;
	size_t nlive;
	size_t each;		/* pairs decoded of one source's */
	size_t rcap;		/* bytes of a source's run read at a time */
	uint64_t hi;
	int bounded;		/* hi bounds the keys */
};

struct sorter {
	struct pair *buf, *tmp;
	size_t n, cap;
	size_t max;		/* pairs in memory before a run is written */
	struct pair *out;	/* the run the thread writes, or to write */
	unsigned char *enc;	/* the thread's bytes to write */
	pthread_t th;
	int running;		/* th is writing out */
	struct spill_job job;
	size_t window;		/* pairs merged from memory, all sources */
	int fd;			/* the runs, one after another, or -1 */
	struct run *runs;
	size_t nruns;
	off_t end;
	/* the sorted whole, read: from buf when no run was written ... */
	size_t next;
	struct merge m;		/* ... else by merging the runs */
};

/* The repeats: those of keys below the split, and those from it on. */
#define PARTS 2

struct ec_dups {
	struct sorter keys;	/* (key, pos) */
	struct sorter repeats[PARTS];	/* (pos, first pos) */
	struct pair cur[PARTS];	/* the next repeat of each by position */
	int have[PARTS];	/* cur holds it */
	int err;		/* of the second pass */
	size_t count;
	size_t runs;
};

static void
sorter_init(struct sorter *s, size_t max, size_t window)
{
	memset(s, 0, sizeof *s);
	s->max = max < 16 ? 16 : max;
	s->window = window < 16 ? 16 : window;
	s->fd = -1;
}

static int spill_wait(struct sorter *s);

static void
merge_release(struct merge *m)
{
	if (m->src)
		for (size_t i = 0; i < m->n; i++) {
			free(m->src[i].buf);
			free(m->src[i].raw);
		}
	free(m->src);
	free(m->tree);
	free(m->head);
	memset(m, 0, sizeof *m);
}

static void
sorter_release(struct sorter *s)
{
	(void)spill_wait(s);
	free(s->buf);
	free(s->out);
	free(s->tmp);
	free(s->enc);
	merge_release(&s->m);
	free(s->runs);
	if (s->fd >= 0)
		close(s->fd);
	memset(s, 0, sizeof *s);
	s->fd = -1;
}

/* Sorts p[0..n) by a, keeping the order of equal ones; tmp holds n. */
static void
radix(struct pair *p, struct pair *tmp, size_t n)
{
	size_t count[8][256];
	struct pair *from = p, *to = tmp;

	if (n < 2)
		return;
	memset(count, 0, sizeof count);
	for (size_t i = 0; i < n; i++) {
		uint64_t a = p[i].a;
		for (int d = 0; d < 8; d++)
			count[d][(a >> (8 * d)) & 0xff]++;
	}
	for (int d = 0; d < 8; d++) {
		size_t *c = count[d], sum = 0;
		/* A byte all the pairs share orders nothing. */
		if (c[(from[0].a >> (8 * d)) & 0xff] == n)
			continue;
		for (int k = 0; k < 256; k++) {
			size_t x = c[k];
			c[k] = sum;
			sum += x;
		}
		for (size_t i = 0; i < n; i++)
			to[c[(from[i].a >> (8 * d)) & 0xff]++] = from[i];
		struct pair *t = from;
		from = to;
		to = t;
	}
	if (from != p)
		memcpy(p, from, n * sizeof *p);
}

static int
write_all(int fd, const void *p, size_t len, off_t off)
{
	const char *c = p;

	while (len > 0) {
		ssize_t w = pwrite(fd, c, len, off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = ENOSPC;
			return -1;
		}
		c += w;
		len -= (size_t)w;
		off += w;
	}
	return 0;
}

static int
read_all(int fd, void *p, size_t len, off_t off)
{
	char *c = p;

	while (len > 0) {
		ssize_t r = pread(fd, c, len, off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = EIO;	/* the file is shorter */
			return -1;
		}
		c += r;
		len -= (size_t)r;
		off += r;
	}
	return 0;
}

static inline size_t
put_varint(unsigned char *p, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		p[n++] = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (unsigned char)v;
	return n;
}

/* The varint at p, of at most avail bytes: its length, or 0 if cut. */
static inline size_t
get_varint(const unsigned char *p, size_t avail, uint64_t *v)
{
	uint64_t x = 0;

	for (size_t i = 0; i < avail && i < 10; i++) {
		x |= (uint64_t)(p[i] & 0x7f) << (7 * i);
		if (!(p[i] & 0x80)) {
			*v = x;
			return i + 1;
		}
	}
	return 0;
}

/*
 * The same at p, which has 8 bytes to read, when the varint ends within
 * them (else 0): without a branch a byte, whose guesses went wrong on
 * every other pair.
 */
static inline size_t
get_varint8(const unsigned char *p, uint64_t *v)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint64_t w, stop;

	memcpy(&w, p, 8);
	stop = ~w & UINT64_C(0x8080808080808080);
	if (!stop)
		return 0;
	w &= stop ^ (stop - 1);		/* its bytes, and no more */
	*v = (w & 0x7f) | (w >> 1 & (UINT64_C(0x7f) << 7)) |
	    (w >> 2 & (UINT64_C(0x7f) << 14)) | (w >> 3 & (UINT64_C(0x7f) << 21)) |
	    (w >> 4 & (UINT64_C(0x7f) << 28)) | (w >> 5 & (UINT64_C(0x7f) << 35)) |
	    (w >> 6 & (UINT64_C(0x7f) << 42)) | (w >> 7 & (UINT64_C(0x7f) << 49));
	return (size_t)__builtin_ctzll(stop) / 8 + 1;
#else
	return get_varint(p, 8, v);
#endif
}

/* A pair's b, as its change from the one before: small either way. */
static inline uint64_t
zigzag(uint64_t d)
{
	return d << 1 ^ (0 - (d >> 63));
}

static inline uint64_t
unzigzag(uint64_t z)
{
	return z >> 1 ^ (0 - (z & 1));
}

static void *
spill_run(void *arg)
{
	struct spill_job *j = arg;
	uint64_t a = 0, b = 0;
	size_t len = 0;
	off_t off = j->off;

	radix(j->p, j->tmp, j->n);
	j->mid = j->n ? j->p[j->n / 2].a : 0;
	for (size_t i = 0; i < j->n; i++) {
		if (len > ENC_SIZE - PAIR_MAX) {
			if (write_all(j->fd, j->enc, len, off) != 0)
				goto fail;
			off += (off_t)len;
			len = 0;
		}
		len += put_varint(j->enc + len, j->p[i].a - a);
		len += put_varint(j->enc + len, zigzag(j->p[i].b - b));
		a = j->p[i].a;
		b = j->p[i].b;
	}
	if (write_all(j->fd, j->enc, len, off) != 0)
		goto fail;
	j->bytes = (size_t)(off - j->off) + len;
	return NULL;
fail:
	j->err = errno;
	return NULL;
}

/* The last run's job is over: its bytes count, or its error. */
static int
spill_done(struct sorter *s)
{
	if (s->job.err) {
		errno = s->job.err;
		return -1;
	}
	s->runs[s->nruns - 1].bytes = s->job.bytes;
	s->runs[s->nruns - 1].mid = s->job.mid;
	s->end += (off_t)s->job.bytes;
	return 0;
}

/* The run being written is on disk.  0, or -1 with errno. */
static int
spill_wait(struct sorter *s)
{
	if (!s->running)
		return 0;
	pthread_join(s->th, NULL);
	s->running = 0;
	return spill_done(s);
}

/*
 * Sorts what memory holds and writes it as one more run: in a thread
 * of its own when one can be made (then buf changes places with the
 * run it writes), else here.
 */
static int
spill(struct sorter *s)
{
	if (s->fd < 0 && (s->fd = ec_scratch_open()) < 0)
		return -1;
	if (spill_wait(s) != 0)
		return -1;
	if (!s->tmp)
		s->tmp = ec_xmalloc(s->max * sizeof *s->tmp);
	if (!s->enc)
		s->enc = ec_xmalloc(ENC_SIZE);
	s->job = (struct spill_job){ .p = s->buf, .tmp = s->tmp, .n = s->n,
	    .enc = s->enc, .fd = s->fd, .off = s->end };
	s->runs = ec_xrealloc(s->runs, (s->nruns + 1) * sizeof *s->runs);
	s->runs[s->nruns].off = s->end;
	s->runs[s->nruns].n = s->n;
	s->runs[s->nruns].bytes = 0;
	s->nruns++;
	s->n = 0;
	if (!s->out)
		s->out = ec_xmalloc(s->max * sizeof *s->out);
	if (pthread_create(&s->th, NULL, spill_run, &s->job) == 0) {
		struct pair *t = s->buf;
		s->buf = s->out;
		s->out = t;
		s->cap = s->max;
		s->running = 1;
		return 0;
	}
	spill_run(&s->job);
	return spill_done(s);
}

static int
sorter_put(struct sorter *s, uint64_t a, uint64_t b)
{
	if (s->n == s->cap) {
		if (s->cap < s->max) {
			s->cap = s->cap ? s->cap * 2 : 1024;
			if (s->cap > s->max)
				s->cap = s->max;
			s->buf = ec_xrealloc(s->buf, s->cap * sizeof *s->buf);
		} else if (spill(s) != 0) {
			return -1;
		}
	}
	s->buf[s->n].a = a;
	s->buf[s->n].b = b;
	s->n++;
	return 0;
}

/* Decodes the source's next pairs into its buf.  0, or -1 with errno. */
static int
refill(struct merge *m, struct source *src)
{
	int fd = m->s->fd;
	size_t n = 0;

	while (n < m->each && src->left > 0) {
		if (src->rlen - src->rpos < PAIR_MAX && src->bytes_left > 0) {
			size_t keep = src->rlen - src->rpos;
			memmove(src->raw, src->raw + src->rpos, keep);
			size_t want = m->rcap - keep;
			if (want > src->bytes_left)
				want = src->bytes_left;
			if (read_all(fd, src->raw + keep, want, src->off) != 0)
				return -1;
			src->off += (off_t)want;
			src->bytes_left -= want;
			src->rpos = 0;
			src->rlen = keep + want;
		}
		const unsigned char *p = src->raw + src->rpos;
		size_t avail = src->rlen - src->rpos, k = 0, l = 0;
		uint64_t da, zb;
		if (avail >= PAIR_MAX) {
			/* both within 16 bytes, or one of 9 bytes or 10 */
			k = get_varint8(p, &da);
			if (k)
				l = get_varint8(p + k, &zb);
		}
		if ((!k && !(k = get_varint(p, avail, &da))) ||
		    (!l && !(l = get_varint(p + k, avail - k, &zb)))) {
			errno = EIO;	/* not what was written */
			return -1;
		}
		src->rpos += k + l;
		src->a += da;
		src->b += unzigzag(zb);
		src->buf[n].a = src->a;
		src->buf[n].b = src->b;
		n++;
		src->left--;
	}
	src->i = 0;
	src->n = n;
	return 0;
}

/* Source x's next pair sorts before y's: 1 or 0, computed, not branched. */
static inline int
before(const struct merge *m, size_t x, size_t y)
{
	const struct head *a = &m->head[x], *b = &m->head[y];

	return (a->key < b->key) | ((a->key == b->key) & (a->rank < b->rank));
}

/*
 * Source x's head: its next pair's key, or the mark of a run dry (or
 * come to the merge's bound).  Returns whether the source is live.
 */
static int
set_head(struct merge *m, size_t x)
{
	const struct source *src = &m->src[x];
	int live = src->i < src->n &&
	    (!m->bounded || src->buf[src->i].a < m->hi);

	m->head[x].key = live ? src->buf[src->i].a : UINT64_MAX;
	m->head[x].rank = live ? x : m->n + x;
	return live;
}

/* Source w's next pair changed: it plays its way up from its leaf. */
static void
replay(struct merge *m, size_t w)
{
	size_t *tree = m->tree;

	for (size_t t = (m->n + w) / 2; t > 0; t /= 2) {
		size_t x = tree[t];
		/* with b, x won: w stays at the node, x goes on */
		size_t mask = (size_t)0 - (size_t)before(m, x, w);
		tree[t] = (w & mask) | (x & ~mask);
		w = (x & mask) | (w & ~mask);
	}
	tree[0] = w;
}

/* The first games, from the leaves up; win is scratch of 2 n. */
static void
tree_build(struct merge *m, size_t *win)
{
	size_t k = m->n;

	for (size_t x = 0; x < k; x++)
		win[k + x] = x;
	for (size_t t = k - 1; t > 0; t--) {
		size_t l = win[2 * t], r = win[2 * t + 1];
		int lw = before(m, l, r);
		win[t] = lw ? l : r;
		m->tree[t] = lw ? r : l;
	}
	m->tree[0] = k > 1 ? win[1] : 0;
}

/*
 * Readies a merge of s's runs, of their keys in [lo, hi) when bounded,
 * with a window of the given pairs.  0, or -1 with errno.
 */
static int
merge_init(struct merge *m, const struct sorter *s, size_t window,
    uint64_t lo, uint64_t hi, int bounded)
{
	memset(m, 0, sizeof *m);
	m->s = s;
	m->n = s->nruns;
	m->hi = hi;
	m->bounded = bounded;
	/* half the window for pairs decoded, half for bytes read */
	m->each = window / m->n / 2;
	if (m->each < 16)
		m->each = 16;
	m->rcap = m->each * sizeof(struct pair);
	m->src = ec_xcalloc(m->n, sizeof *m->src);
	m->tree = ec_xcalloc(m->n, sizeof *m->tree);
	m->head = ec_xcalloc(m->n, sizeof *m->head);
	for (size_t i = 0; i < m->n; i++) {
		struct source *src = &m->src[i];
		src->buf = ec_xmalloc(m->each * sizeof *src->buf);
		src->raw = ec_xmalloc(m->rcap);
		src->off = s->runs[i].off;
		src->bytes_left = s->runs[i].bytes;
		src->left = s->runs[i].n;
		/* the keys below lo are the other merge's */
		for (;;) {
			if (src->i == src->n) {
				if (src->left == 0)
					break;
				if (refill(m, src) != 0)
					return -1;
			}
			while (src->i < src->n && src->buf[src->i].a < lo)
				src->i++;
			if (src->i < src->n)
				break;
		}
		m->nlive += (size_t)set_head(m, i);
	}
	size_t *win = ec_xmalloc(2 * m->n * sizeof *win);
	tree_build(m, win);
	free(win);
	return 0;
}

/* The next pair in order: 1, or 0 at the end, or -1 with errno. */
static int
merge_get(struct merge *m, struct pair *out)
{
	if (m->nlive == 0)
		return 0;
	size_t w = m->tree[0];
	struct source *src = &m->src[w];
	*out = src->buf[src->i++];
	if (src->i == src->n && src->left > 0 && refill(m, src) != 0) {
		m->nlive = 0;
		return -1;
	}
	if (!set_head(m, w))
		m->nlive--;
	replay(m, w);
	return 1;
}

/* The puts are over: every run is on disk.  0, or -1 with errno. */
static int
sorter_flush(struct sorter *s)
{
	if ((s->n > 0 && spill(s) != 0) || spill_wait(s) != 0)
		return -1;
	free(s->buf);
	free(s->tmp);
	free(s->out);
	free(s->enc);
	s->buf = s->tmp = s->out = NULL;
	s->enc = NULL;
	s->cap = s->n = 0;
	return 0;
}

/* Sorts what memory holds, when no run was written. */
static void
sorter_sort(struct sorter *s)
{
	if (s->n > 1) {
		free(s->tmp);
		s->tmp = ec_xmalloc(s->n * sizeof *s->tmp);
		radix(s->buf, s->tmp, s->n);
	}
	free(s->tmp);
	s->tmp = NULL;
	s->next = 0;
}

/* The puts are over: ready the sorted whole for sorter_get. */
static int
sorter_done(struct sorter *s)
{
	if (s->nruns == 0) {
		sorter_sort(s);
		return 0;
	}
	if (sorter_flush(s) != 0)
		return -1;
	return merge_init(&s->m, s, s->window, 0, 0, 0);
}

/* The next pair in order: 1, or 0 at the end, or -1 with errno. */
static int
sorter_get(struct sorter *s, struct pair *out)
{
	if (s->nruns == 0) {
		if (s->next == s->n)
			return 0;
		*out = s->buf[s->next++];
		return 1;
	}
	return merge_get(&s->m, out);
}

/* Each repeat of a key the merge gives goes to rep. */
struct part {
	struct ec_dups *d;
	struct merge m;
	struct sorter *rep;
	uint64_t lo, hi;
	int bounded;
	size_t window;
	size_t count;
	int err;		/* errno, else 0 */
};

static void *
find_repeats(void *arg)
{
	struct part *pt = arg;
	struct pair p;
	uint64_t key = 0, first = 0;
	int any = 0, rc;

	if (merge_init(&pt->m, &pt->d->keys, pt->window, pt->lo, pt->hi,
	    pt->bounded) != 0) {
		pt->err = errno ? errno : EIO;
		merge_release(&pt->m);
		return NULL;
	}
	while ((rc = merge_get(&pt->m, &p)) == 1) {
		if (any && p.a == key) {
			if (sorter_put(pt->rep, p.b, first) != 0) {
				rc = -1;
				break;
			}
			pt->count++;
		} else {
			key = p.a;
			first = p.b;
			any = 1;
		}
	}
	if (rc < 0)
		pt->err = errno ? errno : EIO;
	merge_release(&pt->m);
	return NULL;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* The median of the runs' middle keys: the merges' split. */
static uint64_t
split_key(const struct sorter *s)
{
	uint64_t *mid = ec_xmalloc(s->nruns * sizeof *mid), k;

	for (size_t i = 0; i < s->nruns; i++)
		mid[i] = s->runs[i].mid;
	qsort(mid, s->nruns, sizeof *mid, cmp_u64);
	k = mid[s->nruns / 2];
	free(mid);
	return k;
}

struct ec_dups *
ec_dups_new(size_t mem)
{
	struct ec_dups *d = ec_xcalloc(1, sizeof *d);
	size_t pairs = mem / sizeof(struct pair);

	/*
	 * While adding: a run and its sorting room, all of mem, and the
	 * run before, being written (half of mem more).  While
	 * finishing: the merges' windows and the repeats (a run and its
	 * room in each sorter), half each.  While reading: the repeats'
	 * windows.
	 */
	sorter_init(&d->keys, pairs / 2, pairs / 2);
	for (int k = 0; k < PARTS; k++)
		sorter_init(&d->repeats[k], pairs / 4 / PARTS, pairs / 2 / PARTS);
	return d;
}

void
ec_dups_free(struct ec_dups *d)
{
	if (!d)
		return;
	sorter_release(&d->keys);
	for (int k = 0; k < PARTS; k++)
		sorter_release(&d->repeats[k]);
	free(d);
}

int
ec_dups_add(struct ec_dups *d, uint64_t key, uint64_t pos)
{
	return sorter_put(&d->keys, key, pos);
}

/* The repeats of keys sorted in memory, into the first sorter. */
static int
repeats_in_memory(struct ec_dups *d)
{
	struct pair p;
	uint64_t key = 0, first = 0;
	int any = 0, rc;

	sorter_sort(&d->keys);
	while ((rc = sorter_get(&d->keys, &p)) == 1) {
		if (any && p.a == key) {
			if (sorter_put(&d->repeats[0], p.b, first) != 0)
				return -1;
			d->count++;
		} else {
			key = p.a;
			first = p.b;
			any = 1;
		}
	}
	return rc;
}

/*
 * The repeats of keys in runs: two merges, each in a thread, split at
 * the runs' median key (one merge, here, when there is one run or no
 * thread to be had).
 */
static int
repeats_of_runs(struct ec_dups *d)
{
	struct part pt[PARTS];
	pthread_t th;
	int two = 0;

	if (sorter_flush(&d->keys) != 0)
		return -1;
	memset(pt, 0, sizeof pt);
	for (int k = 0; k < PARTS; k++) {
		pt[k].d = d;
		pt[k].rep = &d->repeats[k];
		pt[k].window = d->keys.window / PARTS;
	}
	if (d->keys.nruns >= 2) {
		uint64_t split = split_key(&d->keys);
		pt[0].hi = split;
		pt[0].bounded = 1;
		pt[1].lo = split;
		two = pthread_create(&th, NULL, find_repeats, &pt[1]) == 0;
	}
	if (!two) {
		pt[0].bounded = 0;
		pt[0].window = d->keys.window;
	}
	find_repeats(&pt[0]);
	if (two)
		pthread_join(th, NULL);
	for (int k = 0; k < PARTS; k++) {
		if (pt[k].err) {
			errno = pt[k].err;
			return -1;
		}
		d->count += pt[k].count;
	}
	return 0;
}

int
ec_dups_finish(struct ec_dups *d)
{
	int rc = d->keys.nruns == 0 ? repeats_in_memory(d) :
	    repeats_of_runs(d);

	if (rc < 0)
		return -1;
	d->runs = d->keys.nruns;
	sorter_release(&d->keys);
	for (int k = 0; k < PARTS; k++) {
		if (sorter_done(&d->repeats[k]) != 0)
			return -1;
		d->runs += d->repeats[k].nruns;
		if ((rc = sorter_get(&d->repeats[k], &d->cur[k])) < 0)
			return -1;
		d->have[k] = rc;
	}
	return 0;
}

uint64_t
ec_dups_first(struct ec_dups *d, uint64_t pos)
{
	uint64_t first = 0;

	for (int k = 0; k < PARTS; k++) {
		while (d->have[k] && d->cur[k].a < pos) {
			int rc = sorter_get(&d->repeats[k], &d->cur[k]);
			if (rc < 0)
				d->err = errno ? errno : EIO;
			d->have[k] = rc == 1;
		}
		if (d->have[k] && d->cur[k].a == pos)
			first = d->cur[k].b;
	}
	return first;
}

int
ec_dups_error(const struct ec_dups *d)
{
	return d->err;
}

size_t
ec_dups_count(const struct ec_dups *d)
{
	return d->count;
}

size_t
ec_dups_runs(const struct ec_dups *d)
{
	return d->runs;
}
