#include "risk.h"

#include <stdlib.h>
#include <string.h>

enum {
	RISK_NONE = 0,		/* nothing computed for this record */
	RISK_SCORING,		/* the factors are being tested */
	RISK_LEVELLING,		/* the score is known; overrides being tested */
	RISK_DONE,
};

void
ec_risk_init(struct ec_risk *r, const struct ec_policy *p)
{
	memset(r, 0, sizeof *r);
	r->pol = p;
	/* The policy loader insists on these three: see toolcols there. */
	r->score_col = ec_policy_column(p, "risk_score");
	r->level_col = ec_policy_column(p, "risk_level");
	r->reasons_col = ec_policy_column(p, "risk_reasons");
	r->state = RISK_NONE;
}

void
ec_risk_release(struct ec_risk *r)
{
	ec_buf_release(&r->reasons);
	r->sheet = NULL;
	r->state = RISK_NONE;
}

/* Where a level stands in the policy's levels: 0 is the highest. */
static size_t
rank(const struct ec_policy *p, int value)
{
	for (size_t i = 0; i < p->nlevels; i++)
		if (p->levels[i].value == value)
			return i;
	/* A level no score reaches ranks below all those listed. */
	return p->nlevels;
}

static void
add_reason(struct ec_risk *r, const char *name)
{
	if (r->reasons.len)
		ec_buf_addc(&r->reasons, ';');
	ec_buf_adds(&r->reasons, name);
}

/* The value of col as r knows it now: blank while being computed. */
static struct ec_value
value_of(const struct ec_risk *r, const struct ec_sheet *s, int col)
{
	enum ec_type t = (enum ec_type)s->vtype[col];
	const struct ec_vocab *v;
	const char *tok;

	if (col == r->score_col && r->state >= RISK_LEVELLING)
		return ec_value_int(t, r->score);
	if (r->state != RISK_DONE)
		return ec_value_blank(t);
	if (col == r->level_col) {
		v = &r->pol->vocabs[r->pol->columns[col].vocab];
		tok = v->values[r->level].token;
		return ec_value_str(t, tok, strlen(tok));
	}
	if (col == r->reasons_col)
		return ec_value_str(t, r->reasons.p ? r->reasons.p : "",
		    r->reasons.len);
	return ec_value_blank(t);
}

/*
 * Stores what r knows of col in the sheet's cache for this record, when
 * r serves col: the overrides may read the score (and would otherwise see
 * the blank the sheet gives a column being computed), and a blank handed
 * out during the computation must not outlive it.
 */
static void
publish(struct ec_risk *r, struct ec_sheet *s, int col)
{
	if (s->src[col] != EC_SRC_HOOK || s->hook_ctx[col] != r)
		return;
	s->val[col] = value_of(r, s, col);
	s->stamp[col] = s->gen;
}

void
ec_risk_compute(struct ec_risk *r, struct ec_sheet *s)
{
	const struct ec_policy *p = r->pol;
	size_t best = 0, best_rank = 0;
	int found = 0;

	/* Done, or being done further up the stack (a cycle): no more. */
	if (r->sheet == s && r->gen == s->gen && r->state != RISK_NONE)
		return;
	r->sheet = s;
	r->gen = s->gen;
	r->state = RISK_SCORING;
	r->score = 0;
	ec_buf_reset(&r->reasons);

	for (size_t i = 0; i < p->nfactors; i++) {
		if (!ec_sheet_test(s, p->factors[i].when))
			continue;
		/* Points are counts: saturate, never wrap, on a wild policy. */
		if (__builtin_add_overflow(r->score,
		    (int64_t)p->factors[i].points, &r->score))
			r->score = INT64_MAX;
		add_reason(r, p->factors[i].name);
	}

	r->level = p->levels[p->nlevels - 1].value;
	for (size_t i = 0; i < p->nlevels; i++) {
		if (!p->levels[i].has_min || r->score >= p->levels[i].min) {
			r->level = p->levels[i].value;
			break;
		}
	}

	r->state = RISK_LEVELLING;
	publish(r, s, r->score_col);
	for (size_t i = 0; i < p->noverrides; i++) {
		if (!ec_sheet_test(s, p->overrides[i].when))
			continue;
		add_reason(r, p->overrides[i].name);
		size_t k = rank(p, p->overrides[i].value);
		if (!found || k < best_rank) {
			best = i;
			best_rank = k;
			found = 1;
		}
	}
	if (found)
		r->level = p->overrides[best].value;
	r->state = RISK_DONE;
	publish(r, s, r->score_col);
	publish(r, s, r->level_col);
	publish(r, s, r->reasons_col);
}

static void
hook(void *ctx, struct ec_sheet *s, int col, struct ec_value *out)
{
	struct ec_risk *r = ctx;

	ec_risk_compute(r, s);
	*out = value_of(r, s, col);
}

void
ec_risk_own(struct ec_sheet *s, struct ec_risk *r)
{
	/* A new sheet counts its records from 1 again. */
	r->sheet = NULL;
	r->state = RISK_NONE;
	ec_sheet_own(s, r->score_col, hook, r);
	ec_sheet_own(s, r->level_col, hook, r);
	ec_sheet_own(s, r->reasons_col, hook, r);
}

size_t
ec_risk_provide(struct ec_sheet *s, struct ec_risk *r)
{
	const int cols[] = { r->score_col, r->level_col, r->reasons_col };
	size_t n = 0;

	r->sheet = NULL;
	r->state = RISK_NONE;
	for (size_t i = 0; i < EC_ARRAY_LEN(cols); i++) {
		int c = cols[i];
		if (s->src[c] != EC_SRC_NONE)
			continue;
		/*
		 * Not ec_sheet_own: the input has no field to drop, and the
		 * column is read, not written.
		 */
		s->src[c] = EC_SRC_HOOK;
		s->hook[c] = hook;
		s->hook_ctx[c] = r;
		n++;
	}
	return n;
}

/* The walk of ec_risk_missing over the columns the expressions read. */
struct walk {
	struct ec_sheet *s;
	const struct ec_sheet_rules *rules;
	struct ec_buf *msg;
	unsigned char *seen;	/* per column: visited */
	const char *what;	/* who reads it: "the factor", "age" ... */
	const char *name;	/* ... and its name, or NULL */
	size_t count;
};

static int
required(const struct ec_sheet_rules *rules, int col)
{
	for (size_t i = 0; i < rules->nrequired; i++)
		if (rules->required[i] == col)
			return 1;
	return 0;
}

static void
missing_line(struct walk *w, int col)
{
	const struct ec_column *c = &w->s->pol->columns[col];

	ec_buf_addf(w->msg, "required column '%s' is missing, and the risk "
	    "score needs it for %s", c->name, w->what);
	if (w->name)
		ec_buf_addf(w->msg, " '%s'", w->name);
	ec_buf_addf(w->msg, " (its header may be: %s", c->name);
	if (c->zh)
		ec_buf_addf(w->msg, ", %s", c->zh);
	for (size_t i = 0; i < c->naliases; i++)
		ec_buf_addf(w->msg, ", %s", c->aliases[i]);
	ec_buf_adds(w->msg, ")\n");
	w->count++;
}

static void visit(void *arg, int col);

/* The columns e reads, for what (name). */
static void
walk_expr(struct walk *w, const struct ec_expr *e, const char *what,
    const char *name)
{
	const char *was_what = w->what, *was_name = w->name;

	w->what = what;
	w->name = name;
	ec_expr_slots(e, visit, w);
	w->what = was_what;
	w->name = was_name;
}

static void
visit(void *arg, int col)
{
	struct walk *w = arg;
	struct ec_sheet *s = w->s;
	const struct ec_derived *d;
	const char *name;

	if (w->seen[col])
		return;
	w->seen[col] = 1;
	switch (s->src[col]) {
	case EC_SRC_NONE:
		/* An optional column the input lacks is blank: no matter. */
		if (required(w->rules, col))
			missing_line(w, col);
		break;
	case EC_SRC_DERIVED:
		/* Computed from the policy's definition: what does it read? */
		d = s->def[col];
		name = s->pol->columns[col].name;
		if (d->expr)
			walk_expr(w, d->expr, name, NULL);
		for (size_t i = 0; i < d->nflags; i++)
			walk_expr(w, d->flags[i], name, NULL);
		break;
	default:
		break;		/* read from the input, or a tool's hook */
	}
}

size_t
ec_risk_missing(struct ec_sheet *s, const struct ec_risk *r,
    const struct ec_sheet_rules *rules, struct ec_buf *msg)
{
	const struct ec_policy *p = r->pol;
	const int cols[] = { r->score_col, r->level_col, r->reasons_col };
	struct walk w = { s, rules, msg, NULL, NULL, NULL, 0 };
	int computes = 0;

	for (size_t i = 0; i < EC_ARRAY_LEN(cols); i++)
		computes |= s->src[cols[i]] == EC_SRC_HOOK &&
		    s->hook_ctx[cols[i]] == r;
	if (!computes)
		return 0;
	w.seen = ec_xcalloc(p->ncolumns, 1);
	for (size_t i = 0; i < EC_ARRAY_LEN(cols); i++)
		w.seen[cols[i]] = 1;	/* what r computes is not missing */
	for (size_t i = 0; i < p->nfactors; i++)
		walk_expr(&w, p->factors[i].when, "the factor",
		    p->factors[i].name);
	for (size_t i = 0; i < p->noverrides; i++)
		walk_expr(&w, p->overrides[i].when, "the override",
		    p->overrides[i].name);
	free(w.seen);
	return w.count;
}
