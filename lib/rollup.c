#include "rollup.h"

#include <stdlib.h>
#include <string.h>

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

size_t
ec_rollup_ngroups(const struct ec_rollup *r)
{
	return r->n;
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

uint64_t *
ec_rollup_counts(struct ec_rollup *r, const struct ec_str *keys)
{
	size_t g = find(r, keys);	/* first: it may move the counts */

	return r->counts + g * r->ncounts;
}

int
ec_rollup_add(struct ec_rollup *r, const struct ec_str *keys,
    const uint64_t *add)
{
	uint64_t *c = ec_rollup_counts(r, keys);

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

int
ec_rollup_unavailable(const struct ec_sheet *s, const struct ec_expr *e,
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
