/*
 * rollupcsv.c - the rollup CSV: written by rollup(1), read back by
 * rollup --merge and report(1) (rollupcsv.h).
 */
#include "rollupcsv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "header.h"
#include "text.h"

/* ---- writing ---- */

void
ec_rollupcsv_write_header(struct ec_csv_writer *w, char *const *by,
    size_t nb, char *const *metric, size_t nm)
{
	for (size_t k = 0; k < nb; k++)
		ec_csv_write_field(w, by[k], strlen(by[k]));
	ec_csv_write_field(w, "level", 5);
	ec_csv_write_field(w, "records", 7);
	for (size_t i = 0; i < nm; i++)
		ec_csv_write_field(w, metric[i], strlen(metric[i]));
	ec_csv_end_record(w);
}

static void
write_count(struct ec_csv_writer *w, uint64_t v)
{
	char b[24], *p = b + sizeof b;

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	ec_csv_write_field(w, p, (size_t)(b + sizeof b - p));
}

void
ec_rollupcsv_write_row(struct ec_csv_writer *w, char *const *by, size_t nb,
    const struct ec_rollup_row *row, size_t ncounts)
{
	const char *level = row->depth ? by[row->depth - 1] : "total";

	for (size_t k = 0; k < nb; k++) {
		if (k < row->depth)
			ec_csv_write_field(w, row->keys[k].p, row->keys[k].n);
		else
			ec_csv_write_field(w, "", 0);
	}
	ec_csv_write_field(w, level, strlen(level));
	for (size_t i = 0; i < ncounts; i++)
		write_count(w, row->counts[i]);
	ec_csv_end_record(w);
}

int
ec_rollupcsv_check_names(char *const *by, size_t nb, char *const *metric,
    size_t nm, struct ec_buf *m)
{
	const char *own[] = { "level", "records", "total" };
	size_t start = m->len;

	for (size_t k = 0; k < nb; k++) {
		for (size_t i = 0; i < EC_ARRAY_LEN(own); i++)
			if (strcmp(by[k], own[i]) == 0)
				ec_buf_addf(m, "-b: the column '%s' has the "
				    "name of rollup's own '%s'", by[k], own[i]);
		for (size_t j = 0; j < k && m->len == start; j++)
			if (strcmp(by[k], by[j]) == 0)
				ec_buf_addf(m, "-b: the column '%s' is named "
				    "twice", by[k]);
		for (size_t i = 0; i < nm && m->len == start; i++)
			if (strcmp(by[k], metric[i]) == 0)
				ec_buf_addf(m, "-b: the column '%s' has the "
				    "name of a metric", by[k]);
		if (m->len != start)
			break;
	}
	for (size_t i = 0; i < nm && m->len == start; i++)
		for (size_t j = 0; j < i && m->len == start; j++)
			if (strcmp(metric[i], metric[j]) == 0)
				ec_buf_addf(m, "-m: the metric '%s' is named "
				    "twice", metric[i]);
	return m->len == start ? 0 : -1;
}

/* ---- the header ---- */

/* The first field of the header spelt name, in any case, from from on. */
static int
named(const struct ec_rollupcsv *rc, size_t from, const char *name)
{
	for (size_t f = from; f < rc->nfields; f++)
		if (ec_ascii_case_eq(rc->head[f].p, rc->head[f].n, name,
		    strlen(name)))
			return (int)f;
	return -1;
}

/* The first field of the header spelt name exactly. */
static int
exactly(const struct ec_rollupcsv *rc, const char *name)
{
	size_t n = strlen(name);

	for (size_t f = 0; f < rc->nfields; f++)
		if (rc->head[f].n == n && memcmp(rc->head[f].p, name, n) == 0)
			return (int)f;
	return -1;
}

static int
header_exact(struct ec_rollupcsv *rc, struct ec_buf *msg)
{
	const struct ec_str *after;
	int level = exactly(rc, "level");

	if (level < 0) {
		ec_buf_adds(msg, "not a rollup output: no column 'level'");
		return -1;
	}
	if (level == 0) {
		ec_buf_adds(msg, "not a rollup output: no -b column before "
		    "'level'");
		return -1;
	}
	after = (size_t)level + 1 < rc->nfields ? &rc->head[level + 1] : NULL;
	if (!after || after->n != 7 || memcmp(after->p, "records", 7) != 0) {
		ec_buf_adds(msg, "not a rollup output: no column 'records' "
		    "after 'level'");
		return -1;
	}
	rc->level = level;
	rc->records = level + 1;
	rc->nb = (size_t)level;
	return 0;
}

int
ec_rollupcsv_header(struct ec_rollupcsv *rc, enum ec_rollupcsv_mode mode,
    const struct ec_str *h, size_t n, struct ec_buf *msg)
{
	memset(rc, 0, sizeof *rc);
	rc->mode = mode;
	rc->nfields = n;
	rc->head = ec_xcalloc(n + 1, sizeof *rc->head);
	for (size_t f = 0; f < n; f++) {
		size_t k = h[f].n;
		const char *p = ec_trim(h[f].p, &k);
		rc->head[f].p = ec_xmemdup(p, k);
		rc->head[f].n = k;
	}
	rc->level = rc->records = -1;
	if (mode == EC_ROLLUPCSV_EXACT) {
		if (header_exact(rc, msg) != 0)
			return -1;
	} else {
		rc->level = named(rc, 0, "level");
		rc->records = named(rc, 0, "records");
		if (rc->level < 0 || rc->records < 0) {
			ec_buf_adds(msg, "not a rollup output: no columns "
			    "'level' and 'records'");
			return -1;
		}
		rc->nb = (size_t)rc->level;
	}
	rc->keys = ec_xcalloc(rc->nb + 1, sizeof *rc->keys);
	rc->counts = ec_xcalloc(1, sizeof *rc->counts);
	if (mode == EC_ROLLUPCSV_EXACT) {
		size_t nm = n - (size_t)rc->records - 1;
		int *fields = ec_xcalloc(nm + 1, sizeof *fields);

		for (size_t i = 0; i < nm; i++)
			fields[i] = rc->records + 1 + (int)i;
		ec_rollupcsv_count_fields(rc, fields, nm);
		free(fields);
	}
	return 0;
}

void
ec_rollupcsv_release(struct ec_rollupcsv *rc)
{
	for (size_t f = 0; rc->head && f < rc->nfields; f++)
		free((char *)rc->head[f].p);
	free(rc->head);
	free(rc->count_field);
	free(rc->keys);
	free(rc->counts);
	memset(rc, 0, sizeof *rc);
}

int
ec_rollupcsv_field(const struct ec_rollupcsv *rc, const char *name)
{
	int f;

	if (rc->mode == EC_ROLLUPCSV_EXACT)
		return named(rc, (size_t)rc->records + 1, name);
	f = named(rc, 0, name);
	return f >= 0 && (size_t)f < rc->nb ? -1 : f;
}

void
ec_rollupcsv_count_fields(struct ec_rollupcsv *rc, const int *fields,
    size_t n)
{
	free(rc->count_field);
	free(rc->counts);
	rc->nm = n;
	rc->count_field = ec_xcalloc(n + 1, sizeof *rc->count_field);
	memcpy(rc->count_field, fields, n * sizeof *fields);
	rc->counts = ec_xcalloc(n + 1, sizeof *rc->counts);
}

/* ---- a row ---- */

/*
 * EXACT: a count up to UINT64_MAX.  Reading stops at the first byte that
 * is no digit or would make it too large, and says which it was.
 */
static int
count_exact(const struct ec_str *cell, uint64_t *out, struct ec_buf *msg)
{
	size_t n = cell->n, i;
	const char *p = ec_trim(cell->p, &n);
	uint64_t v = 0;

	for (i = 0; i < n && p[i] >= '0' && p[i] <= '9'; i++)
		if (__builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, (uint64_t)(p[i] - '0'), &v))
			break;
	if (n > 0 && i == n) {
		*out = v;
		return 0;
	}
	ec_diag_quote(msg, p, n);
	if (n > 0 && i < n && p[i] >= '0' && p[i] <= '9')
		ec_buf_addf(msg, " is more than rollup can count (%llu)",
		    (unsigned long long)UINT64_MAX);
	else
		ec_buf_adds(msg, " is not a count (a whole number, 0 or "
		    "more)");
	return -1;
}

/* LOOSE: a count of at most 15 digits, exact in a double. */
static int
count_loose(const struct ec_str *f, uint64_t *out, struct ec_buf *msg)
{
	size_t n = f->n;
	const char *p = ec_trim(f->p, &n);
	uint64_t v = 0;

	if (n == 0 || n > 15 || !ec_all_digits(p, n)) {
		struct ec_buf q = EC_BUF_INIT;
		ec_diag_quote(&q, f->p, f->n);
		ec_buf_addf(msg, n > 15 && ec_all_digits(p, n) ?
		    "%s is too large a count for report (at most 15 digits)" :
		    "%s is not a count (a whole number, 0 or more)", q.p);
		ec_buf_release(&q);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (uint64_t)(p[i] - '0');
	*out = v;
	return 0;
}

/* Reads the counts; LOOSE stops at the first problem. */
static int
read_counts(struct ec_rollupcsv *rc, const struct ec_str *f,
    ec_rollupcsv_problem_fn *fn, void *ctx)
{
	struct ec_buf msg = EC_BUF_INIT;
	int bad = 0;

	for (size_t i = 0; i < 1 + rc->nm; i++) {
		int field = i ? rc->count_field[i - 1] : rc->records;
		int rv;

		ec_buf_reset(&msg);
		rv = rc->mode == EC_ROLLUPCSV_EXACT ?
		    count_exact(&f[field], &rc->counts[i], &msg) :
		    count_loose(&f[field], &rc->counts[i], &msg);
		if (rv == 0)
			continue;
		fn(ctx, field, msg.p);
		bad = 1;
		if (rc->mode == EC_ROLLUPCSV_LOOSE)
			break;
	}
	ec_buf_release(&msg);
	return bad ? -1 : 0;
}

/* The depth level[0..n) names, or -1. */
static int
level_depth(const struct ec_rollupcsv *rc, const char *level, size_t n)
{
	if (rc->mode == EC_ROLLUPCSV_EXACT) {
		if (n == 5 && memcmp(level, "total", 5) == 0)
			return 0;
		for (size_t k = 0; k < rc->nb; k++)
			if (strlen(rc->head[k].p) == n &&
			    memcmp(rc->head[k].p, level, n) == 0)
				return (int)k + 1;
		return -1;
	}
	if (ec_ascii_case_eq(level, n, "total", 5))
		return 0;
	for (size_t k = 0; k < rc->nb; k++) {
		const char *also = rc->by_also ? rc->by_also[k] : NULL;
		if (ec_ascii_case_eq(level, n, rc->head[k].p,
		    strlen(rc->head[k].p)) || (also &&
		    ec_ascii_case_eq(level, n, also, strlen(also))))
			return (int)k + 1;
	}
	return -1;
}

/* EXACT: values blank exactly where rolled up. */
static int
check_blanks(const struct ec_rollupcsv *rc, size_t depth,
    ec_rollupcsv_problem_fn *fn, void *ctx)
{
	struct ec_buf msg = EC_BUF_INIT;
	int bad = 0;

	for (size_t k = 0; k < rc->nb; k++) {
		if ((rc->keys[k].n == 0) != (k < depth))
			continue;
		ec_buf_reset(&msg);
		ec_buf_addf(&msg, "%s in a row of level '%s'",
		    rc->keys[k].n ? "not blank" : "blank",
		    depth ? rc->head[depth - 1].p : "total");
		fn(ctx, (int)k, msg.p);
		bad = 1;
	}
	ec_buf_release(&msg);
	return bad ? -1 : 0;
}

static void
unknown_level(const struct ec_rollupcsv *rc, const char *level, size_t n,
    ec_rollupcsv_problem_fn *fn, void *ctx)
{
	struct ec_buf msg = EC_BUF_INIT;

	ec_buf_adds(&msg, "unknown level ");
	ec_diag_quote(&msg, level, n);
	ec_buf_adds(&msg, " (one of: ");
	for (size_t k = 0; k < rc->nb; k++)
		ec_buf_addf(&msg, "%s, ", rc->head[k].p);
	ec_buf_adds(&msg, "total)");
	fn(ctx, rc->level, msg.p);
	ec_buf_release(&msg);
}

int
ec_rollupcsv_read(struct ec_rollupcsv *rc, const struct ec_str *f,
    struct ec_rollup_row *row, ec_rollupcsv_problem_fn *fn, void *ctx)
{
	size_t n = f[rc->level].n;
	const char *level = ec_trim(f[rc->level].p, &n);
	int depth = -1, bad = 0;

	for (size_t k = 0; k < rc->nb; k++) {
		rc->keys[k].n = f[k].n;
		rc->keys[k].p = ec_trim(f[k].p, &rc->keys[k].n);
	}
	if (rc->mode == EC_ROLLUPCSV_LOOSE && read_counts(rc, f, fn, ctx))
		return -1;
	depth = level_depth(rc, level, n);
	if (rc->mode == EC_ROLLUPCSV_EXACT) {
		if (depth < 0) {
			unknown_level(rc, level, n, fn, ctx);
			return -1;
		}
		bad |= check_blanks(rc, (size_t)depth, fn, ctx) != 0;
		bad |= read_counts(rc, f, fn, ctx) != 0;
	} else if (depth < 0) {
		/* A level not named: the deepest value there is says it. */
		depth = 0;
		for (size_t k = 0; k < rc->nb; k++)
			if (rc->keys[k].n)
				depth = (int)k + 1;
	}
	row->depth = (size_t)depth;
	row->keys = rc->keys;
	row->counts = rc->counts;
	return bad ? -1 : 0;
}

/* 1 when a and b name the same column: the same text, or policy column. */
static int
same_column(const struct ec_policy *p, const char *a, const char *b)
{
	int ca, cb;

	if (ec_header_same(a, strlen(a), b, strlen(b)))
		return 1;
	ca = ec_header_named(p, a, strlen(a));
	cb = ec_header_named(p, b, strlen(b));
	return ca >= 0 && ca == cb;
}

/* The -b columns asked for among in's (all: none asked). */
static int
plan_by(struct ec_rollup_plan *pl, const struct ec_rollupcsv *in,
    const struct ec_policy *p, char *const *by, size_t nb,
    struct ec_buf *msg)
{
	pl->by_name = ec_xcalloc((nb ? nb : in->nb) + 1, sizeof *pl->by_name);
	pl->by_field = ec_xcalloc((nb ? nb : in->nb) + 1,
	    sizeof *pl->by_field);
	for (size_t k = 0; k < (nb ? nb : in->nb); k++) {
		int found = nb ? -1 : (int)k;
		for (size_t j = 0; j < in->nb && found < 0; j++)
			if (same_column(p, by[k], in->head[j].p))
				found = (int)j;
		if (found < 0) {
			ec_buf_addf(msg, "-b: the input has no -b column "
			    "'%s' (it has: ", by[k]);
			for (size_t j = 0; j < in->nb; j++)
				ec_buf_addf(msg, "%s%s", j ? ", " : "",
				    in->head[j].p);
			ec_buf_adds(msg, ")");
			return -1;
		}
		pl->by_field[k] = found;
		pl->by_name[pl->nb++] = ec_xstrdup(in->head[found].p);
	}
	return 0;
}

/* The metrics asked for among in's (all: none asked). */
static int
plan_metrics(struct ec_rollup_plan *pl, struct ec_rollupcsv *in,
    char *const *m, size_t nm, struct ec_buf *msg)
{
	size_t n = nm ? nm : in->nm;

	pl->m_field = ec_xcalloc(n + 1, sizeof *pl->m_field);
	pl->m_name = ec_xcalloc(n + 1, sizeof *pl->m_name);
	if (!nm) {
		memcpy(pl->m_field, in->count_field, n * sizeof *pl->m_field);
	} else {
		for (size_t i = 0; i < n; i++) {
			pl->m_field[i] = ec_rollupcsv_field(in, m[i]);
			if (pl->m_field[i] >= 0)
				continue;
			ec_buf_addf(msg, "-m: the input has no metric '%s'",
			    m[i]);
			return -1;
		}
		ec_rollupcsv_count_fields(in, pl->m_field, n);
	}
	for (size_t i = 0; i < n; i++)
		pl->m_name[pl->nm++] = ec_xstrdup(in->head[pl->m_field[i]].p);
	return 0;
}

int
ec_rollupcsv_plan(struct ec_rollup_plan *pl, struct ec_rollupcsv *in,
    const struct ec_policy *p, char *const *by, size_t nb, char *const *m,
    size_t nm, struct ec_buf *msg)
{
	memset(pl, 0, sizeof *pl);
	pl->keys = ec_xcalloc((nb ? nb : in->nb) + 1, sizeof *pl->keys);
	if (plan_by(pl, in, p, by, nb, msg) != 0 ||
	    plan_metrics(pl, in, m, nm, msg) != 0)
		return -1;
	return ec_rollupcsv_check_names(pl->by_name, pl->nb, pl->m_name,
	    pl->nm, msg);
}

int
ec_rollupcsv_merge(struct ec_rollupcsv *in, const struct ec_rollup_plan *pl,
    struct ec_rollup *r, const struct ec_str *f, ec_rollupcsv_problem_fn *fn,
    void *ctx)
{
	struct ec_rollup_row row;

	if (ec_rollupcsv_read(in, f, &row, fn, ctx) != 0)
		return -1;
	if (row.depth != in->nb)
		return 0;
	for (size_t k = 0; k < pl->nb; k++)
		pl->keys[k] = row.keys[pl->by_field[k]];
	return ec_rollup_add(r, pl->keys, row.counts) != 0 ? -2 : 0;
}
