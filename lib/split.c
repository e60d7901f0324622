#include "split.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outfile.h"
#include "text.h"
#include "util.h"

#define BUF_FLUSH	(64 * 1024)	/* a group's buffer is written out here */

/* Safe names */

/* The longest NAME, in bytes (before -N and .csv). */
#define SAFE_NAME_MAX	100

static const char *const devices[] = { "CON", "PRN", "AUX", "NUL" };

/* 1 when the name before its first dot (and trailing spaces) is a device. */
static int
reserved(const char *s, size_t n)
{
	const char *dot = memchr(s, '.', n);
	size_t len = dot ? (size_t)(dot - s) : n;

	while (len > 0 && s[len - 1] == ' ')
		len--;
	for (size_t i = 0; i < EC_ARRAY_LEN(devices); i++)
		if (ec_ascii_case_eq(s, len, devices[i], 3))
			return 1;
	return len == 4 && (ec_ascii_case_eq(s, 3, "COM", 3) ||
	    ec_ascii_case_eq(s, 3, "LPT", 3)) && s[3] >= '1' && s[3] <= '9';
}

/* The length of the UTF-8 character at s[0..n), or 0 when it is not one. */
static size_t
char_len(const char *s, size_t n)
{
	size_t len = ec_utf8_len((unsigned char)s[0]);

	/* A continuation byte claims 1 and fails the check. */
	if (len > n || ec_utf8_check(s, len) != len)
		return 0;
	return len;
}

/*
 * Writes to out (SAFE_NAME_MAX + 1 bytes) the NAME of the value s[0..n)
 * (split.h says how it is made) and returns its length.
 */
static size_t
safe_name(const char *s, size_t n, char *out)
{
	char buf[SAFE_NAME_MAX + 8];
	size_t o = 0, i = 0, start;

	if (n == 0) {
		memcpy(out, "_blank", 7);
		return 6;
	}
	/* One byte is kept free for a '_' in front of a device name. */
	buf[o++] = '_';
	start = o;
	while (i < n) {
		size_t len = char_len(s + i, n - i);
		unsigned char c = (unsigned char)s[i];
		int bad = len == 0 || (len == 1 && (c < 0x20 || c == 0x7f ||
		    strchr("/\\:*?\"<>|", c))) ||
		    (len == 2 && c == 0xc2 && (unsigned char)s[i + 1] < 0xa0);
		size_t outlen = bad ? 1 : len;

		if (o - start + outlen > SAFE_NAME_MAX)
			break;
		if (bad)
			buf[o++] = '_';
		else
			memcpy(buf + o, s + i, len), o += len;
		i += len ? len : 1;
	}
	/* A leading dot would hide the file, and ".." leave the folder. */
	for (size_t k = start; k < o && buf[k] == '.'; k++)
		buf[k] = '_';
	if (reserved(buf + start, o - start)) {
		start--;
		/* Room for the '_': cut the last character. */
		o = start + ec_utf8_clip(buf + start, o - start,
		    SAFE_NAME_MAX);
	}
	memcpy(out, buf + start, o - start);
	out[o - start] = '\0';
	return o - start;
}

/* The writer */

enum gstate {
	G_NEW = 0,	/* no file yet */
	G_OPEN,		/* its temporary file is open */
	G_CLOSED,	/* made, closed to stay under max_open */
	G_READY,	/* written out, synced and closed, not yet renamed */
	G_DONE,		/* committed */
};

struct group {
	char *value;
	size_t vlen;
	char *name;		/* NAME.csv */
	char *path;		/* dir/NAME.csv */
	struct ec_outfile of;	/* of.tmp, listed for ec_outfile_cleanup */
	enum gstate state;
	struct ec_buf buf;	/* bytes not yet written */
	uint64_t used;		/* when last written, for closing the oldest */
};

/* A set of strings, by open addressing: values or folded names. */
struct strset {
	size_t *idx;		/* group index + 1; 0: empty */
	size_t cap;
};

struct ec_split {
	char *dir;
	char *head;
	size_t headlen;
	size_t max_open;
	struct group **g;
	size_t ng, gcap;
	struct strset values;	/* group by value */
	char **folded;		/* every name given, ASCII-lowercased */
	size_t nfolded;
	struct strset names;	/* index + 1 into folded */
	size_t *open;		/* the groups whose file is open */
	size_t nopen;
	uint64_t clock;
};

static void
set_init(struct strset *set)
{
	set->cap = 64;
	set->idx = ec_xcalloc(set->cap, sizeof *set->idx);
}

/* The slot for s in set; get(k) gives the string of entry k (0-based). */
static size_t *
set_slot(struct strset *set, const char *s, size_t n,
    const char *(*get)(void *, size_t, size_t *), void *ctx)
{
	size_t mask = set->cap - 1, i = ec_hash_bytes(s, n, EC_HASH_SEED) & mask;

	while (set->idx[i]) {
		size_t len;
		const char *t = get(ctx, set->idx[i] - 1, &len);
		if (len == n && memcmp(t, s, n) == 0)
			break;
		i = (i + 1) & mask;
	}
	return &set->idx[i];
}

static void
set_grow(struct strset *set, size_t count,
    const char *(*get)(void *, size_t, size_t *), void *ctx)
{
	if ((count + 1) * 2 <= set->cap)
		return;
	size_t *old = set->idx, oldcap = set->cap;
	set->cap *= 2;
	set->idx = ec_xcalloc(set->cap, sizeof *set->idx);
	for (size_t i = 0; i < oldcap; i++) {
		if (!old[i])
			continue;
		size_t len;
		const char *t = get(ctx, old[i] - 1, &len);
		*set_slot(set, t, len, get, ctx) = old[i];
	}
	free(old);
}

static const char *
get_value(void *ctx, size_t k, size_t *len)
{
	struct ec_split *sp = ctx;

	*len = sp->g[k]->vlen;
	return sp->g[k]->value;
}

static const char *
get_folded(void *ctx, size_t k, size_t *len)
{
	struct ec_split *sp = ctx;

	*len = strlen(sp->folded[k]);
	return sp->folded[k];
}

int
ec_split_make_dir(const char *dir, long min_age, size_t *swept)
{
	struct stat st;

	*swept = 0;
	if (stat(dir, &st) == 0) {
		if (!S_ISDIR(st.st_mode))
			return ENOTDIR;
	} else if (errno != ENOENT ||
	    (mkdir(dir, 0777) != 0 && errno != EEXIST)) {
		return errno;
	}
	*swept = ec_outfile_sweep(dir, ".csv", min_age);
	return 0;
}

struct ec_split *
ec_split_new(const char *dir, const void *head, size_t headlen,
    size_t max_open)
{
	struct ec_split *sp = ec_xcalloc(1, sizeof *sp);

	sp->dir = ec_xstrdup(dir);
	sp->head = ec_xmemdup(head, headlen);
	sp->headlen = headlen;
	sp->max_open = max_open ? max_open : 1;
	sp->open = ec_xcalloc(sp->max_open, sizeof *sp->open);
	set_init(&sp->values);
	set_init(&sp->names);
	return sp;
}

void
ec_split_free(struct ec_split *sp)
{
	if (!sp)
		return;
	for (size_t i = 0; i < sp->ng; i++) {
		struct group *g = sp->g[i];
		if (g->state != G_NEW && g->state != G_DONE) {
			/* Closed files have of.fd -1: abort only unlinks. */
			ec_outfile_abort(&g->of);
		}
		free(g->value);
		free(g->name);
		free(g->path);
		ec_buf_release(&g->buf);
		free(g);
	}
	for (size_t i = 0; i < sp->nfolded; i++)
		free(sp->folded[i]);
	free(sp->folded);
	free(sp->g);
	free(sp->values.idx);
	free(sp->names.idx);
	free(sp->open);
	free(sp->head);
	free(sp->dir);
	free(sp);
}

/* Takes name (NAME.csv) for the writer; 0 when a name so folded is taken. */
static int
take_name(struct ec_split *sp, const char *name)
{
	char *f = ec_xstrdup(name);

	for (char *c = f; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c + 32);
	set_grow(&sp->names, sp->nfolded, get_folded, sp);
	size_t *slot = set_slot(&sp->names, f, strlen(f), get_folded, sp);
	if (*slot) {
		free(f);
		return 0;
	}
	sp->folded = ec_xrealloc(sp->folded,
	    (sp->nfolded + 1) * sizeof *sp->folded);
	sp->folded[sp->nfolded++] = f;
	*slot = sp->nfolded;
	return 1;
}

size_t
ec_split_group(struct ec_split *sp, const char *s, size_t n)
{
	struct group *g;
	char base[SAFE_NAME_MAX + 1];
	struct ec_buf name = EC_BUF_INIT;

	set_grow(&sp->values, sp->ng, get_value, sp);
	size_t *slot = set_slot(&sp->values, s, n, get_value, sp);
	if (*slot)
		return *slot - 1;

	g = ec_xcalloc(1, sizeof *g);
	g->value = ec_xmemdup(s, n);
	g->vlen = n;
	g->of.fd = -1;
	safe_name(s, n, base);
	ec_buf_addf(&name, "%s.csv", base);
	for (unsigned k = 2; !take_name(sp, name.p); k++) {
		ec_buf_reset(&name);
		ec_buf_addf(&name, "%s-%u.csv", base, k);
	}
	g->name = name.p;
	struct ec_buf path = EC_BUF_INIT;
	ec_buf_addf(&path, "%s/%s", sp->dir, g->name);
	g->path = path.p;

	if (sp->ng == sp->gcap) {
		sp->gcap = sp->gcap ? sp->gcap * 2 : 16;
		sp->g = ec_xrealloc(sp->g, sp->gcap * sizeof *sp->g);
	}
	sp->g[sp->ng] = g;
	*slot = ++sp->ng;
	return sp->ng - 1;
}

static int
io_error(const struct group *g, struct ec_error *err)
{
	ec_error_set(err, "%s: %s", g->path, strerror(errno));
	return -1;
}

static int
flush(struct group *g, struct ec_error *err)
{
	int e = ec_write_all(g->of.fd, g->buf.p, g->buf.len);

	if (e != 0) {
		errno = e;
		return io_error(g, err);
	}
	ec_buf_reset(&g->buf);
	return 0;
}

static void
forget_open(struct ec_split *sp, size_t k)
{
	for (size_t i = 0; i < sp->nopen; i++) {
		if (sp->open[i] == k) {
			sp->open[i] = sp->open[--sp->nopen];
			return;
		}
	}
}

/* Closes the least recently written open file, to make room. */
static int
close_oldest(struct ec_split *sp, struct ec_error *err)
{
	size_t oldest = 0;

	for (size_t i = 1; i < sp->nopen; i++)
		if (sp->g[sp->open[i]]->used < sp->g[sp->open[oldest]]->used)
			oldest = i;
	struct group *g = sp->g[sp->open[oldest]];
	if (flush(g, err) != 0)
		return -1;
	if (close(g->of.fd) != 0) {
		g->of.fd = -1;
		return io_error(g, err);
	}
	g->of.fd = -1;
	g->state = G_CLOSED;
	ec_buf_release(&g->buf);
	sp->open[oldest] = sp->open[--sp->nopen];
	return 0;
}

/* Makes group k's file open, creating it the first time. */
static int
open_group(struct ec_split *sp, size_t k, struct ec_error *err)
{
	struct group *g = sp->g[k];

	if (g->state == G_OPEN)
		return 0;
	if (sp->nopen == sp->max_open && close_oldest(sp, err) != 0)
		return -1;
	if (g->state == G_NEW) {
		/* Never into a FIFO or a device found under the name. */
		if (ec_outfile_replace(&g->of, g->path, err) != 0)
			return -1;
		ec_buf_add(&g->buf, sp->head, sp->headlen);
	} else {
		g->of.fd = open(g->of.tmp, O_WRONLY | O_APPEND);
		if (g->of.fd < 0)
			return io_error(g, err);
	}
	g->state = G_OPEN;
	sp->open[sp->nopen++] = k;
	return 0;
}

int
ec_split_write(struct ec_split *sp, size_t group, const void *p, size_t n,
    struct ec_error *err)
{
	struct group *g = sp->g[group];

	if (open_group(sp, group, err) != 0)
		return -1;
	g->used = ++sp->clock;
	ec_buf_add(&g->buf, p, n);
	if (g->buf.len >= BUF_FLUSH)
		return flush(g, err);
	return 0;
}

int
ec_split_commit(struct ec_split *sp, struct ec_error *err)
{
	/*
	 * Every file written out and synced first, then all renamed: a disk
	 * that fills up, or a write that fails, changes no file, and the
	 * renames that follow take no space and no time.
	 */
	for (size_t k = 0; k < sp->ng; k++) {
		struct group *g = sp->g[k];
		if (g->state == G_DONE || g->state == G_READY)
			continue;
		/* A group never written gets its file too: the head alone. */
		if (open_group(sp, k, err) != 0 || flush(g, err) != 0)
			return -1;
		forget_open(sp, k);
		ec_buf_release(&g->buf);
		if (ec_outfile_ready(&g->of, err) != 0) {
			/* removed, and no longer listed */
			g->state = G_DONE;
			return -1;
		}
		g->state = G_READY;
	}
	for (size_t k = 0; k < sp->ng; k++) {
		struct group *g = sp->g[k];
		if (g->state != G_READY)
			continue;
		/* Listed until renamed: a signal now removes a lost name. */
		int rc = ec_outfile_commit(&g->of, err);
		g->state = G_DONE;
		if (rc != 0)
			return -1;
	}
	return 0;
}
