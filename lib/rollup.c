#include "rollup.h"

#include <stdlib.h>
#include <string.h>

#include "header.h"
#include "rollupcsv.h"
#include "text.h"

/*
 * A group's tuple is kept in one arena as, per value, a 4-byte length
 * and the bytes: no pointer per value, and nothing to free per group.
 * A field is at most EC_CSV_FIELD_MAX bytes, so the length fits.
 */
struct ec_rollup {
	size_t nkeys, ncounts;
	struct ec_buf arena;	/* the tuples */
	size_t *koff;		/* per group: where its tuple starts */
	uint64_t *hash;		/* per group: its tuple's hash */
	uint64_t *counts;	/* per group: ncounts */
	size_t n, cap;		/* groups */
	size_t *slot;		/* open addressing: group + 1, 0 empty */
	size_t mask;
	size_t last;		/* the group found last, or SIZE_MAX */
};

struct ec_rollup *
ec_rollup_new(size_t nkeys, size_t ncounts)
{
	struct ec_rollup *r = ec_xcalloc(1, sizeof *r);

	r->nkeys = nkeys ? nkeys : 1;
	r->ncounts = ncounts;
	r->mask = 1023;
	r->slot = ec_xcalloc(r->mask + 1, sizeof *r->slot);
	r->last = SIZE_MAX;
	return r;
}

void
ec_rollup_free(struct ec_rollup *r)
{
	if (!r)
		return;
	ec_buf_release(&r->arena);
	free(r->koff);
	free(r->hash);
	free(r->counts);
	free(r->slot);
	free(r);
}

static uint64_t
hash_keys(const struct ec_str *keys, size_t nkeys)
{
	uint64_t h = EC_HASH_SEED;

	for (size_t k = 0; k < nkeys; k++) {
		h = ec_hash_bytes(keys[k].p, keys[k].n, h);
		/* The length too, so that ("ab","c") is not ("a","bc"). */
		h = (h ^ (keys[k].n & 0xff) ^ 0x100) * 1099511628211ULL;
	}
	return h ^ (h >> 29);
}

static int
same_keys(const struct ec_rollup *r, size_t g, const struct ec_str *keys)
{
	const char *p = r->arena.p + r->koff[g];
	uint32_t len;

	for (size_t k = 0; k < r->nkeys; k++) {
		memcpy(&len, p, sizeof len);
		p += sizeof len;
		if (len != keys[k].n || (len && memcmp(p, keys[k].p, len) != 0))
			return 0;
		p += len;
	}
	return 1;
}

static void
grow_table(struct ec_rollup *r)
{
	size_t mask = r->mask * 2 + 1;
	size_t *slot = ec_xcalloc(mask + 1, sizeof *slot);

	for (size_t g = 0; g < r->n; g++) {
		size_t i = (size_t)r->hash[g] & mask;
		while (slot[i])
			i = (i + 1) & mask;
		slot[i] = g + 1;
	}
	free(r->slot);
	r->slot = slot;
	r->mask = mask;
}

static size_t
make_group(struct ec_rollup *r, const struct ec_str *keys, uint64_t h,
    size_t i)
{
	size_t g = r->n;

	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 256;
		r->koff = ec_xrealloc(r->koff, r->cap * sizeof *r->koff);
		r->hash = ec_xrealloc(r->hash, r->cap * sizeof *r->hash);
		r->counts = ec_xrealloc(r->counts,
		    r->cap * (r->ncounts ? r->ncounts : 1) * sizeof *r->counts);
	}
	r->koff[g] = r->arena.len;
	for (size_t k = 0; k < r->nkeys; k++) {
		uint32_t len = (uint32_t)keys[k].n;
		ec_buf_add(&r->arena, &len, sizeof len);
		if (len)
			ec_buf_add(&r->arena, keys[k].p, len);
	}
	r->hash[g] = h;
	memset(r->counts + g * r->ncounts, 0, r->ncounts * sizeof *r->counts);
	r->slot[i] = g + 1;
	r->n++;
	/* At most half full, so that a probe ends soon. */
	if (r->n * 2 > r->mask)
		grow_table(r);
	return g;
}

/* The group of keys, made when new. */
static size_t
find(struct ec_rollup *r, const struct ec_str *keys)
{
	uint64_t h;
	size_t i;

	if (r->last != SIZE_MAX && same_keys(r, r->last, keys))
		return r->last;
	h = hash_keys(keys, r->nkeys);
	for (i = (size_t)h & r->mask; r->slot[i]; i = (i + 1) & r->mask) {
		size_t g = r->slot[i] - 1;
		if (r->hash[g] == h && same_keys(r, g, keys))
			return r->last = g;
	}
	return r->last = make_group(r, keys, h, i);
}

/*
 * The counts of the group keys[0..nkeys), made with zero counts the first
 * time: an array of ncounts, valid until the next call that makes a
 * group.  The keys are copied.
 */
static uint64_t *
group_counts(struct ec_rollup *r, const struct ec_str *keys)
{
	size_t g = find(r, keys);	/* first: it may move the counts */

	return r->counts + g * r->ncounts;
}

int
ec_rollup_add(struct ec_rollup *r, const struct ec_str *keys,
    const uint64_t *add)
{
	uint64_t *c = group_counts(r, keys);

	for (size_t i = 0; i < r->ncounts; i++)
		if (add[i] > UINT64_MAX - c[i])
			return -1;
	for (size_t i = 0; i < r->ncounts; i++)
		c[i] += add[i];
	return 0;
}

/* A group in the walk: its tuple, decoded. */
struct ent {
	const struct ec_str *keys;
	size_t nkeys;
	size_t g;
};

static int
cmp_str(const struct ec_str *a, const struct ec_str *b)
{
	size_t n = a->n < b->n ? a->n : b->n;
	int c = n ? memcmp(a->p, b->p, n) : 0;

	if (c != 0)
		return c;
	return (a->n > b->n) - (a->n < b->n);
}

static int
cmp_ent(const void *va, const void *vb)
{
	const struct ent *a = va, *b = vb;

	for (size_t k = 0; k < a->nkeys; k++) {
		int c = cmp_str(&a->keys[k], &b->keys[k]);
		if (c != 0)
			return c;
	}
	return 0;
}

static int
add_to(uint64_t *acc, const uint64_t *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (__builtin_add_overflow(acc[i], c[i], &acc[i]))
			return -1;
	return 0;
}

int
ec_rollup_walk(struct ec_rollup *r, ec_rollup_fn fn, void *ctx)
{
	size_t nk = r->nkeys, nc = r->ncounts;
	uint64_t *total = ec_xcalloc(nc ? nc : 1, sizeof *total);
	/* acc + k * nc: the subtotal of the current prefix of length k. */
	uint64_t *acc = ec_xcalloc(nk * (nc ? nc : 1), sizeof *acc);
	struct ec_str *ks = ec_xmalloc((r->n ? r->n : 1) * nk * sizeof *ks);
	struct ent *e = ec_xmalloc((r->n ? r->n : 1) * sizeof *e);
	struct ec_rollup_row row;
	int rc = 0;

	/*
	 * Every count is at least 0, so no subtotal passes the total: when
	 * the total fits, all do, and nothing has been written yet.
	 */
	for (size_t g = 0; g < r->n && rc == 0; g++)
		rc = add_to(total, r->counts + g * nc, nc);
	if (rc != 0)
		goto out;

	for (size_t g = 0; g < r->n; g++) {
		const char *p = r->arena.p + r->koff[g];
		uint32_t len;
		for (size_t k = 0; k < nk; k++) {
			memcpy(&len, p, sizeof len);
			p += sizeof len;
			ks[g * nk + k].p = p;
			ks[g * nk + k].n = len;
			p += len;
		}
		e[g].keys = ks + g * nk;
		e[g].nkeys = nk;
		e[g].g = g;
	}
	qsort(e, r->n, sizeof *e, cmp_ent);

	/*
	 * A control break: when a group's tuple first differs from the one
	 * before at value d, the subtotals of the prefixes longer than d
	 * are complete, deepest first.
	 */
	for (size_t i = 0; i <= r->n && rc == 0; i++) {
		size_t d = 0;
		if (i == 0)
			d = nk;		/* nothing to close */
		else if (i < r->n)
			while (d < nk && cmp_str(&e[i].keys[d],
			    &e[i - 1].keys[d]) == 0)
				d++;
		for (size_t k = nk - 1; k > d && rc == 0; k--) {
			row.depth = k;
			row.keys = e[i - 1].keys;
			row.counts = acc + k * nc;
			rc = fn(ctx, &row);
			memset(acc + k * nc, 0, nc * sizeof *acc);
		}
		if (i == r->n || rc != 0)
			break;
		row.depth = nk;
		row.keys = e[i].keys;
		row.counts = r->counts + e[i].g * nc;
		rc = fn(ctx, &row);
		for (size_t k = 1; k < nk; k++)
			add_to(acc + k * nc, row.counts, nc);
	}
	if (rc == 0) {
		row.depth = 0;
		row.keys = NULL;
		row.counts = total;
		rc = fn(ctx, &row);
	}
out:
	free(total);
	free(acc);
	free(ks);
	free(e);
	return rc;
}

/* The walk of ec_rollup_unavailable. */
struct avail {
	const struct ec_sheet *s;
	const struct ec_risk *r;
	const struct ec_sheet_rules *rules;
	unsigned char *followed;	/* per column: a hook's, followed */
	int via;		/* the risk column being followed, or -1 */
	int found, found_via;
};

static void
visit(void *arg, int col, enum ec_source src, int via)
{
	struct avail *a = arg;
	const struct ec_policy *p;
	int was = a->via;

	if (a->found >= 0)
		return;
	if (via < 0)
		via = a->via;
	switch (src) {
	case EC_SRC_FIELD:
	case EC_SRC_DERIVED:
		break;
	case EC_SRC_NONE:
		/* Blank in every record: harmless only as an optional input. */
		if (via < 0 || (a->rules &&
		    ec_sheet_rules_requires(a->rules, col))) {
			a->found = col;
			a->found_via = via;
		}
		break;
	case EC_SRC_HOOK:
		if (a->followed[col] || !a->r ||
		    !ec_sheet_computed_by(a->s, col, a->r))
			break;	/* another tool's hook computes what it can */
		a->followed[col] = 1;
		p = a->r->pol;
		a->via = col;
		for (size_t i = 0; i < p->nfactors; i++)
			ec_sheet_inputs(a->s, p->factors[i].when, visit, a);
		for (size_t i = 0; i < p->noverrides; i++)
			ec_sheet_inputs(a->s, p->overrides[i].when, visit, a);
		a->via = was;
		break;
	}
}

static void
visit_direct(void *arg, int col)
{
	struct avail *a = arg;

	if (a->found < 0 && ec_sheet_source(a->s, col) == EC_SRC_NONE)
		a->found = col;
}

/*
 * Can s give what e reads?  Walks the columns e reads; a column computed
 * from the policy's definitions (elder-classify's) is followed into the
 * columns its definition reads, and one that the risk standard r computes
 * for s (see ec_risk_provide) into those its factors and overrides read.
 * A column e reads itself must be in the input or be computed; one read
 * only to compute another must be in the input when rules (the census)
 * requires it, or requires it under a condition, and may be absent (blank)
 * otherwise.  Returns a column that fails (one e reads itself rather
 * than one read to compute another), or -1 when none does; then *via is
 * the computed column that needs it, or -1 when e reads it itself.  r
 * may be NULL.
 */
static int
unavailable(const struct ec_sheet *s, const struct ec_expr *e,
    const struct ec_risk *r, const struct ec_sheet_rules *rules, int *via)
{
	struct avail a = { s, r, rules, NULL, -1, -1, -1 };

	a.followed = ec_xcalloc(ec_sheet_policy(s)->ncolumns, 1);
	/* What e reads itself says most: it is named first. */
	ec_expr_slots(e, visit_direct, &a);
	if (a.found < 0)
		ec_sheet_inputs(s, e, visit, &a);
	free(a.followed);
	*via = a.found_via;
	return a.found;
}

void
ec_rollup_plan_release(struct ec_rollup_plan *pl)
{
	for (size_t k = 0; k < pl->nb; k++)
		free(pl->by_name[k]);
	for (size_t i = 0; i < pl->nm; i++)
		free(pl->m_name[i]);
	free(pl->by_name);
	free(pl->by_field);
	free(pl->m_name);
	free(pl->m_when);
	free(pl->m_field);
	free(pl->keys);
	memset(pl, 0, sizeof *pl);
}

static int
metric(const struct ec_policy *p, const char *name)
{
	for (size_t m = 0; m < p->nmetrics; m++)
		if (strcmp(p->metrics[m].name, name) == 0)
			return (int)m;
	return -1;
}

int
ec_rollup_check_metrics(const struct ec_policy *p, char *const *m, size_t nm,
    struct ec_buf *msg)
{
	for (size_t i = 0; i < nm; i++) {
		if (metric(p, m[i]) >= 0)
			continue;
		ec_buf_addf(msg, "-m: no metric '%s' in the policy (its "
		    "metrics: ", m[i]);
		for (size_t j = 0; j < p->nmetrics; j++)
			ec_buf_addf(msg, "%s%s", j ? ", " : "",
			    p->metrics[j].name);
		ec_buf_adds(msg, ")");
		return -1;
	}
	return 0;
}

/* The field from on whose header is name, as written, or -1. */
static int
header_field(const struct ec_sheet *s, size_t from, const char *name)
{
	for (size_t f = from; f < ec_sheet_nfields(s); f++) {
		const char *h = ec_sheet_header(s, f);
		if (ec_header_same(h, strlen(h), name, strlen(name)))
			return (int)f;
	}
	return -1;
}

/* Says which spellings of column c the header lacks. */
static void
no_column(const struct ec_policy *p, int c, const char *name,
    struct ec_buf *msg)
{
	const struct ec_column *col;

	if (c < 0) {
		ec_buf_addf(msg, "-b: the input has no column '%s'", name);
		return;
	}
	col = &p->columns[c];
	ec_buf_addf(msg, "-b: the input has no column '%s'", col->name);
	ec_header_spellings(msg, col);
}

/*
 * Where the -b column name is in s: its field, and (when out is not
 * NULL) its name in the output, allocated.
 */
static int
find_by(const struct ec_sheet *s, const char *name, int *field, char **out,
    struct ec_buf *msg)
{
	const struct ec_policy *p = ec_sheet_policy(s);
	int c = ec_header_named(p, name, strlen(name)), other;
	const char *h;
	size_t n;

	if (c >= 0 && ec_sheet_field(s, c) >= 0) {
		*field = ec_sheet_field(s, c);
		if (out)
			*out = ec_xstrdup(p->columns[c].name);
		return 0;
	}
	/* Any column of the input will do, by its header as written. */
	if ((*field = header_field(s, 0, name)) < 0) {
		no_column(p, c, name, msg);
		return -1;
	}
	if ((other = header_field(s, (size_t)*field + 1, name)) >= 0) {
		ec_buf_addf(msg, "-b: fields %d and %d are both named '%s'",
		    *field + 1, other + 1, name);
		return -1;
	}
	h = ec_sheet_header(s, (size_t)*field);
	n = strlen(h);
	h = ec_trim(h, &n);
	if (out)
		*out = ec_xmemdup(h, n);
	return 0;
}

int
ec_rollup_plan_rebind(struct ec_rollup_plan *pl, const struct ec_sheet *s,
    char *const *by, struct ec_buf *msg)
{
	for (size_t k = 0; k < pl->nb; k++)
		if (find_by(s, by[k], &pl->by_field[k], NULL, msg) != 0)
			return -1;
	return 0;
}

/* Says what a metric lacks: the column, and what needs it. */
static void
lack(struct ec_buf *m, const struct ec_policy *p, int col, int via)
{
	ec_buf_addf(m, "the input has no column '%s'", p->columns[col].name);
	if (via >= 0)
		ec_buf_addf(m, " to compute '%s'", p->columns[via].name);
}

/* The metrics, of those asked for (none: all) the ones s can give. */
static int
plan_metrics(struct ec_rollup_plan *pl, const struct ec_sheet *s,
    const struct ec_risk *risk, char *const *m, size_t nm,
    struct ec_buf *notes, struct ec_buf *msg)
{
	const struct ec_policy *p = ec_sheet_policy(s);
	size_t npick = nm ? nm : p->nmetrics;

	pl->m_name = ec_xcalloc(npick + 1, sizeof *pl->m_name);
	pl->m_when = ec_xcalloc(npick + 1, sizeof *pl->m_when);
	for (size_t i = 0; i < npick; i++) {
		const struct ec_metric *mt = &p->metrics[nm ?
		    metric(p, m[i]) : (int)i];
		int via, col = unavailable(s, mt->when, risk,
		    &p->census, &via);

		if (col < 0) {
			pl->m_name[pl->nm] = ec_xstrdup(mt->name);
			pl->m_when[pl->nm++] = mt->when;
			continue;
		}
		if (nm) {
			/* Asked for by name: leaving it out would surprise. */
			ec_buf_addf(msg, "-m: the metric '%s' cannot be "
			    "counted: ", mt->name);
			lack(msg, p, col, via);
			return -1;
		}
		ec_buf_addf(notes, "note: metric '%s' left out: ", mt->name);
		lack(notes, p, col, via);
		ec_buf_adds(notes, "\n");
	}
	return 0;
}

int
ec_rollup_plan_count(struct ec_rollup_plan *pl, const struct ec_sheet *s,
    const struct ec_risk *risk, char *const *by, size_t nb, char *const *m,
    size_t nm, struct ec_buf *notes, struct ec_buf *msg)
{
	memset(pl, 0, sizeof *pl);
	pl->keys = ec_xcalloc(nb + 1, sizeof *pl->keys);
	pl->by_name = ec_xcalloc(nb + 1, sizeof *pl->by_name);
	pl->by_field = ec_xcalloc(nb + 1, sizeof *pl->by_field);
	for (size_t k = 0; k < nb; k++) {
		if (find_by(s, by[k], &pl->by_field[k], &pl->by_name[k],
		    msg) != 0)
			return -1;
		pl->nb++;
		for (size_t j = 0; j < k; j++)
			if (pl->by_field[j] == pl->by_field[k]) {
				ec_buf_addf(msg, "-b: '%s' and '%s' are the "
				    "same column", by[j], by[k]);
				return -1;
			}
	}
	if (plan_metrics(pl, s, risk, m, nm, notes, msg) != 0)
		return -1;
	return ec_rollupcsv_check_names(pl->by_name, pl->nb, pl->m_name,
	    pl->nm, msg);
}

int
ec_rollup_count(struct ec_rollup *r, const struct ec_rollup_plan *pl,
    struct ec_sheet *s, ec_problem_fn fn, void *ctx)
{
	const struct ec_str *f = ec_sheet_current(s)->fields;
	uint64_t *c;
	int blank = 0;

	for (size_t k = 0; k < pl->nb; k++) {
		size_t n = f[pl->by_field[k]].n;
		const char *v = ec_trim(f[pl->by_field[k]].p, &n);

		if (n == 0) {
			/* The merge would take it for a subtotal. */
			struct ec_problem pr = { EC_ERROR, "blank",
			    pl->by_field[k], "blank, and rollup counts by "
			    "this column (-b)" };
			fn(ctx, &pr);
			blank = 1;
		}
		pl->keys[k].p = v;
		pl->keys[k].n = n;
	}
	if (blank)
		return -1;
	c = group_counts(r, pl->keys);
	if (c[0] == UINT64_MAX)
		return -2;
	c[0]++;
	for (size_t i = 0; i < pl->nm; i++)
		c[1 + i] += (uint64_t)ec_sheet_test(s, pl->m_when[i]);
	return 0;
}
