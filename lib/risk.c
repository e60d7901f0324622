#include "risk.h"

#include <stdlib.h>
#include <string.h>

#include "header.h"

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
	enum ec_type t = ec_coltype_value_type(r->pol->columns[col].type);
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
	struct ec_value v;

	if (!ec_sheet_computed_by(s, col, r))
		return;
	v = value_of(r, s, col);
	ec_sheet_provide(s, col, &v);
}

/*
 * The score, level and reasons of the current record of s (r->score,
 * r->level, r->reasons), computed the first time they are asked for.
 */
static void
compute(struct ec_risk *r, struct ec_sheet *s)
{
	const struct ec_policy *p = r->pol;
	size_t best = 0, best_rank = 0;
	int found = 0;

	/* Done, or being done further up the stack (a cycle): no more. */
	if (r->sheet == s && r->gen == ec_sheet_gen(s) &&
	    r->state != RISK_NONE)
		return;
	r->sheet = s;
	r->gen = ec_sheet_gen(s);
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

	compute(r, s);
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
		if (ec_sheet_source(s, c) != EC_SRC_NONE)
			continue;
		/*
		 * The input has no field to drop, and classify computes
		 * none of the three (the policy says so): ec_sheet_own just
		 * hooks it.
		 */
		ec_sheet_own(s, c, hook, r);
		n++;
	}
	return n;
}

/* The walk of ec_risk_missing over the columns the expressions read. */
struct walk {
	struct ec_sheet *s;
	const struct ec_sheet_rules *rules;
	struct ec_buf *msg;
	unsigned char *said;	/* per column: named missing already */
	const char *what;	/* who reads it: "the factor" ... */
	const char *name;	/* ... and its name */
	size_t count;
};

/* Column col is missing, and what (or derived column via) reads it. */
static void
missing_line(struct walk *w, int col, int via)
{
	const struct ec_policy *p = ec_sheet_policy(w->s);
	const struct ec_column *c = &p->columns[col];

	if (via >= 0)
		ec_buf_addf(w->msg, "required column '%s' is missing, and the "
		    "risk score needs it for %s", c->name,
		    p->columns[via].name);
	else
		ec_buf_addf(w->msg, "required column '%s' is missing, and the "
		    "risk score needs it for %s '%s'", c->name, w->what,
		    w->name);
	ec_header_spellings(w->msg, c);
	ec_buf_addc(w->msg, '\n');
	w->count++;
}

static void
need(void *arg, int col, enum ec_source src, int via)
{
	struct walk *w = arg;

	/* An optional column the input lacks is blank: no matter. */
	if (src != EC_SRC_NONE || w->said[col] ||
	    !ec_sheet_rules_requires(w->rules, col))
		return;
	w->said[col] = 1;
	missing_line(w, col, via);
}

static void
walk_expr(struct walk *w, const struct ec_expr *e, const char *what,
    const char *name)
{
	w->what = what;
	w->name = name;
	ec_sheet_inputs(w->s, e, need, w);
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
		computes |= ec_sheet_computed_by(s, cols[i], r);
	if (!computes)
		return 0;
	w.said = ec_xcalloc(p->ncolumns, 1);
	for (size_t i = 0; i < p->nfactors; i++)
		walk_expr(&w, p->factors[i].when, "the factor",
		    p->factors[i].name);
	for (size_t i = 0; i < p->noverrides; i++)
		walk_expr(&w, p->overrides[i].when, "the override",
		    p->overrides[i].name);
	free(w.said);
	return w.count;
}
