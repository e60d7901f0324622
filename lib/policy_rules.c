/*
 * policy_rules.c - the sections of the policy file that hold each tool's
 * rules: the census checks and classify (elder-classify), risk
 * (risk-score), visits and health_check (visit-due) and rollup.  Each
 * fills its part of struct ec_policy and compiles its expressions.
 */
#include "policy_internal.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

#define MAX_COMBOS	100000		/* value combinations tried */

/* Census */

static int
load_check(struct loader *L, struct ec_check *ck, const struct ec_ynode *n)
{
	static const struct field f[] = {
		{ "column", 1 }, { "error", 0 }, { "warning", 0 },
		{ "message", 1 },
	};
	const struct ec_ynode *fv[EC_ARRAY_LEN(f)];
	const struct ec_ynode *cond;

	ck->line = n->line + 1;
	if (pol_want_map(L, n, "checks") == -1 ||
	    pol_get_fields(L, n, "checks", f, EC_ARRAY_LEN(f), fv,
	    NULL) == -1 ||
	    pol_want_column(L, fv[0], "column", &ck->column) == -1)
		return -1;
	if (fv[1] != NULL && fv[2] != NULL)
		return pol_fail(L, fv[2], "a check has 'error' or 'warning', "
		    "not both");
	if (fv[1] == NULL && fv[2] == NULL)
		return pol_fail(L, n, "missing key 'error' or 'warning' in "
		    "'checks'");
	ck->is_error = fv[1] != NULL;
	cond = fv[1] ? fv[1] : fv[2];
	if ((ck->when = pol_condition(L, cond, ck->is_error ? "error" :
	    "warning")) == NULL)
		return -1;
	if (pol_want_text(L, fv[3], "message") == -1 ||
	    pol_check_message(L, fv[3]) == -1)
		return -1;
	ck->message = ec_xstrdup(fv[3]->s);
	return 0;
}

int
pol_load_census(struct loader *L, const struct ec_ynode *n)
{
	static const struct field f[] = {
		{ "required", 1 }, { "required_when", 0 }, { "unique", 0 },
		{ "checks", 0 },
	};
	const struct ec_ynode *fv[EC_ARRAY_LEN(f)];
	struct ec_sheet_rules *s = &L->p->census;

	if (pol_want_map(L, n, "census") == -1 ||
	    pol_get_fields(L, n, "census", f, EC_ARRAY_LEN(f), fv, NULL) == -1)
		return -1;
	if (pol_want_columns(L, fv[0], "required", &s->required,
	    &s->nrequired) == -1)
		return -1;
	if (fv[1] != NULL) {
		const struct ec_ynode *m = fv[1];

		if (pol_want_map(L, m, "required_when") == -1)
			return -1;
		s->required_when_col = ec_xcalloc(ec_ymap_len(m), sizeof(int));
		s->required_when = ec_xcalloc(ec_ymap_len(m),
		    sizeof(struct ec_expr *));
		for (size_t i = 0; i < ec_ymap_len(m); i++) {
			size_t k = s->nrequired_when++;

			if (pol_want_column(L, ec_ymap_key(m, i),
			    "required_when", &s->required_when_col[k]) == -1 ||
			    (s->required_when[k] = pol_condition(L,
			    ec_ymap_val(m, i), ec_ymap_key(m, i)->s)) == NULL)
				return -1;
		}
	}
	if (fv[2] != NULL &&
	    pol_want_column(L, fv[2], "unique", &s->unique) == -1)
		return -1;
	/* Uniqueness is kept as a compact set of ID numbers. */
	if (fv[2] != NULL && L->p->columns[s->unique].type != EC_COL_ID)
		return pol_fail(L, fv[2], "'unique' must name an ID column, "
		    "and '%s' is not one", fv[2]->s);
	if (fv[3] != NULL) {
		if (pol_want_seq(L, fv[3], "checks") == -1)
			return -1;
		s->checks = ec_xcalloc(fv[3]->nkids, sizeof(*s->checks));
		for (size_t i = 0; i < fv[3]->nkids; i++)
			if (load_check(L, &s->checks[s->nchecks++],
			    fv[3]->kids[i]) == -1)
				return -1;
	}
	return 0;
}

/*
 * The names a literal compared with a LIST column may take are known
 * before any expression is compiled, since a census check may test a
 * flag that classify defines further down.  Nothing is checked here; the
 * real walk does that.
 */
void
pol_prescan_names(struct loader *L, const struct ec_ynode *classify,
    const struct ec_ynode *risk)
{
	struct ec_policy *p = L->p;
	int c;

	L->lits = ec_xcalloc(p->ncolumns, sizeof(*L->lits));
	L->nlits = p->ncolumns;
	if (classify != NULL && classify->kind == EC_Y_SEQ) {
		for (size_t i = 0; i < classify->nkids; i++) {
			const struct ec_ynode *e = classify->kids[i];
			const struct ec_ynode *name = NULL, *flags = NULL;

			if (e->kind != EC_Y_MAP)
				continue;
			for (size_t j = 0; j < ec_ymap_len(e); j++) {
				if (strcmp(ec_ymap_key(e, j)->s, "name") == 0)
					name = ec_ymap_val(e, j);
				else if (strcmp(ec_ymap_key(e, j)->s,
				    "flags") == 0)
					flags = ec_ymap_val(e, j);
			}
			if (name == NULL || flags == NULL ||
			    name->kind != EC_Y_SCALAR ||
			    flags->kind != EC_Y_MAP ||
			    (c = pol_lookup(L, name->s, name->n)) < 0 ||
			    L->lits[c].v != NULL)
				continue;
			L->lits[c].v = ec_xcalloc(ec_ymap_len(flags) + 1,
			    sizeof(char *));
			for (size_t j = 0; j < ec_ymap_len(flags); j++)
				L->lits[c].v[L->lits[c].n++] =
				    ec_ymap_key(flags, j)->s;
		}
	}
	c = ec_policy_column(p, "risk_reasons");
	if (c < 0 || risk == NULL || risk->kind != EC_Y_MAP)
		return;
	L->lits[c].v = ec_xcalloc(1, sizeof(char *));
	for (size_t i = 0; i < ec_ymap_len(risk); i++) {
		const struct ec_ynode *seq = ec_ymap_val(risk, i);
		const char *k = ec_ymap_key(risk, i)->s;

		if ((strcmp(k, "factors") != 0 &&
		    strcmp(k, "overrides") != 0) || seq->kind != EC_Y_SEQ)
			continue;
		L->lits[c].v = ec_xrealloc(L->lits[c].v,
		    (L->lits[c].n + seq->nkids + 1) * sizeof(char *));
		for (size_t j = 0; j < seq->nkids; j++) {
			const struct ec_ynode *e = seq->kids[j];

			if (e->kind != EC_Y_MAP)
				continue;
			for (size_t m = 0; m < ec_ymap_len(e); m++)
				if (strcmp(ec_ymap_key(e, m)->s, "name") == 0 &&
				    ec_ymap_val(e, m)->kind == EC_Y_SCALAR)
					L->lits[c].v[L->lits[c].n++] =
					    ec_ymap_val(e, m)->s;
		}
	}
}

static int
load_derived(struct loader *L, struct ec_derived *d, const struct ec_ynode *n,
    int index)
{
	static const struct field f[] = {
		{ "name", 1 }, { "expr", 0 }, { "flags", 0 },
	};
	const struct ec_ynode *fv[EC_ARRAY_LEN(f)];
	const struct ec_column *c;

	d->column = -1;
	if (pol_want_map(L, n, "classify") == -1 ||
	    pol_get_fields(L, n, "classify", f, EC_ARRAY_LEN(f), fv,
	    NULL) == -1 ||
	    pol_want_column(L, fv[0], "name", &d->column) == -1)
		return -1;
	c = &L->p->columns[d->column];
	if (ec_tool_column(c->name) != NULL)
		return pol_fail(L, fv[0], "column '%s' is read or written by "
		    "the tools themselves, not computed by classify", c->name);
	if (L->classify_at[d->column] != index)
		return pol_fail(L, fv[0], "column '%s' is already computed by "
		    "classify", c->name);
	if (fv[1] != NULL && fv[2] != NULL)
		return pol_fail(L, fv[2], "a classify entry has 'expr' or "
		    "'flags', not both");
	if (fv[1] == NULL && fv[2] == NULL)
		return pol_fail(L, n, "missing key 'expr' or 'flags' in "
		    "'classify'");
	L->classify_limit = index;
	if (fv[1] != NULL) {
		d->expr = pol_compile(L, fv[1], "expr",
		    ec_coltype_value_type(c->type), d->column);
		return d->expr == NULL ? -1 : 0;
	}
	if (c->type != EC_COL_LIST)
		return pol_fail(L, fv[2], "'flags' writes a list column, and "
		    "'%s' is not one", c->name);
	if (pol_want_map(L, fv[2], "flags") == -1)
		return -1;
	if (ec_ymap_len(fv[2]) == 0)
		return pol_fail(L, fv[2], "'flags' is empty");
	d->flag_names = ec_xcalloc(ec_ymap_len(fv[2]), sizeof(char *));
	d->flags = ec_xcalloc(ec_ymap_len(fv[2]), sizeof(struct ec_expr *));
	for (size_t i = 0; i < ec_ymap_len(fv[2]); i++) {
		const struct ec_ynode *k = ec_ymap_key(fv[2], i);
		size_t j = d->nflags++;

		if (pol_want_item_name(L, k, "flag") == -1)
			return -1;
		d->flag_names[j] = ec_xstrdup(k->s);
		if ((d->flags[j] = pol_condition(L, ec_ymap_val(fv[2], i),
		    k->s)) == NULL)
			return -1;
	}
	return 0;
}

int
pol_load_classify(struct loader *L, const struct ec_ynode *n)
{
	struct ec_policy *p = L->p;
	int rc = 0;

	if (pol_want_seq(L, n, "classify") == -1)
		return -1;
	/*
	 * Each entry may read the columns of the entries before it only:
	 * elder-classify computes them in order.
	 */
	for (size_t i = 0; i < n->nkids; i++) {
		const struct ec_ynode *e = n->kids[i];
		int c;

		if (e->kind != EC_Y_MAP)
			continue;
		for (size_t j = 0; j < ec_ymap_len(e); j++)
			if (strcmp(ec_ymap_key(e, j)->s, "name") == 0 &&
			    ec_ymap_val(e, j)->kind == EC_Y_SCALAR &&
			    (c = pol_lookup(L, ec_ymap_val(e, j)->s,
			    ec_ymap_val(e, j)->n)) >= 0 &&
			    L->classify_at[c] < 0)
				L->classify_at[c] = (int)i;
	}
	p->classify = ec_xcalloc(n->nkids, sizeof(*p->classify));
	for (size_t i = 0; i < n->nkids && rc == 0; i++)
		rc = load_derived(L, &p->classify[p->nclassify++], n->kids[i],
		    (int)i);
	L->classify_limit = -1;
	return rc;
}

/* A value of the vocabulary of the risk_level column. */
static int
want_level(struct loader *L, const struct ec_ynode *n, int *out)
{
	const struct ec_policy *p = L->p;
	const struct ec_vocab *v =
	    &p->vocabs[p->columns[ec_policy_column(p, "risk_level")].vocab];

	if (pol_want_text(L, n, "level") == -1)
		return -1;
	if ((*out = ec_vocab_token(v, n->s)) < 0)
		return pol_fail(L, n, "'%s' is not a value of vocabulary '%s'",
		    n->s, v->name);
	return 0;
}

/* Remembers a name node, to look for duplicates once all are known. */
static void
keep_name(struct loader *L, const struct ec_ynode *n)
{
	if (L->nnames == L->capnames) {
		L->capnames = L->capnames ? L->capnames * 2 : 64;
		L->names = ec_xrealloc(L->names,
		    L->capnames * sizeof(*L->names));
	}
	L->names[L->nnames++] = n;
}

/* Factor and override names go into risk_reasons: one meaning each. */
static int
check_reasons(struct loader *L)
{
	const struct ec_ynode *dup;

	dup = ec_ynodes_first_duplicate(L->names, L->nnames);

	L->nnames = 0;
	if (dup != NULL)
		return pol_fail(L, dup, "duplicate risk factor '%s'", dup->s);
	return 0;
}

static int
load_factors(struct loader *L, const struct ec_ynode *s)
{
	static const struct field ff[] = {
		{ "name", 1 }, { "points", 1 }, { "when", 1 },
	};
	const struct ec_ynode *v[EC_ARRAY_LEN(ff)];
	struct ec_policy *p = L->p;

	if (pol_want_seq(L, s, "factors") == -1)
		return -1;
	p->factors = ec_xcalloc(s->nkids, sizeof(*p->factors));
	for (size_t i = 0; i < s->nkids; i++) {
		struct ec_risk_factor *rf = &p->factors[i];

		if (pol_want_map(L, s->kids[i], "factors") == -1 ||
		    pol_get_fields(L, s->kids[i], "factors", ff, 3, v,
		    NULL) == -1 ||
		    pol_want_item_name(L, v[0], "name") == -1)
			return -1;
		keep_name(L, v[0]);
		rf->name = ec_xstrdup(v[0]->s);
		p->nfactors++;
		if (pol_want_count(L, v[1], "points", &rf->points) == -1 ||
		    (rf->when = pol_condition(L, v[2], "when")) == NULL)
			return -1;
	}
	return 0;
}

/* Levels go from the highest score down; the last one takes the rest. */
static int
load_levels(struct loader *L, const struct ec_ynode *s)
{
	static const struct field lf[] = {
		{ "level", 1 }, { "min", 0 },
	};
	const struct ec_ynode *v[EC_ARRAY_LEN(lf)], *k[EC_ARRAY_LEN(lf)];
	struct ec_policy *p = L->p;
	unsigned char *seen;

	if (pol_want_seq(L, s, "levels") == -1)
		return -1;
	if (s->nkids == 0)
		return pol_fail(L, s, "'levels' is empty");
	p->levels = ec_xcalloc(s->nkids, sizeof(*p->levels));
	seen = pol_seen_reset(L, p->vocabs[p->columns[ec_policy_column(p,
	    "risk_level")].vocab].nvalues);
	for (size_t i = 0; i < s->nkids; i++) {
		struct ec_risk_level *rl = &p->levels[p->nlevels++];

		if (pol_want_map(L, s->kids[i], "levels") == -1 ||
		    pol_get_fields(L, s->kids[i], "levels", lf, 2, v,
		    k) == -1 ||
		    want_level(L, v[0], &rl->value) == -1)
			return -1;
		if (seen[rl->value])
			return pol_fail(L, v[0], "duplicate level '%s'",
			    v[0]->s);
		seen[rl->value] = 1;
		if (i + 1 == s->nkids) {
			if (v[1] != NULL)
				return pol_fail(L, k[1], "the last level must "
				    "have no 'min': it takes every lower "
				    "score");
			break;
		}
		if (v[1] == NULL)
			return pol_fail(L, s->kids[i], "missing key 'min' in "
			    "'levels': only the last level has none");
		if (pol_want_int(L, v[1], "min", &rl->min) == -1)
			return -1;
		rl->has_min = 1;
		if (i > 0 && rl->min >= p->levels[i - 1].min)
			return pol_fail(L, v[1], "'min' must be less than the "
			    "'min' of the level before (%lld)",
			    p->levels[i - 1].min);
	}
	return 0;
}

static int
load_overrides(struct loader *L, const struct ec_ynode *s)
{
	static const struct field of[] = {
		{ "name", 1 }, { "level", 1 }, { "when", 1 },
	};
	const struct ec_ynode *v[EC_ARRAY_LEN(of)];
	struct ec_policy *p = L->p;

	if (pol_want_seq(L, s, "overrides") == -1)
		return -1;
	p->overrides = ec_xcalloc(s->nkids, sizeof(*p->overrides));
	for (size_t i = 0; i < s->nkids; i++) {
		struct ec_risk_override *ro = &p->overrides[i];

		if (pol_want_map(L, s->kids[i], "overrides") == -1 ||
		    pol_get_fields(L, s->kids[i], "overrides", of, 3, v,
		    NULL) == -1 ||
		    pol_want_item_name(L, v[0], "name") == -1)
			return -1;
		keep_name(L, v[0]);
		ro->name = ec_xstrdup(v[0]->s);
		p->noverrides++;
		if (want_level(L, v[1], &ro->value) == -1 ||
		    (ro->when = pol_condition(L, v[2], "when")) == NULL)
			return -1;
	}
	return 0;
}

int
pol_load_risk(struct loader *L, const struct ec_ynode *n)
{
	static const struct field f[] = {
		{ "factors", 1 }, { "levels", 1 }, { "overrides", 0 },
	};
	const struct ec_ynode *fv[EC_ARRAY_LEN(f)];

	if (pol_want_map(L, n, "risk") == -1 ||
	    pol_get_fields(L, n, "risk", f, EC_ARRAY_LEN(f), fv, NULL) == -1 ||
	    load_factors(L, fv[0]) == -1 || load_levels(L, fv[1]) == -1 ||
	    (fv[2] != NULL && load_overrides(L, fv[2]) == -1))
		return -1;
	return check_reasons(L);
}

/* Interval coverage */

struct combo {
	const struct ec_policy *p;
	int *slots;		/* the columns the rules read */
	size_t nslots, cap;
	size_t *at;		/* per slot: the index of its current value */
	unsigned char *seen;	/* per column: in slots */
};

static void
add_slot(void *arg, int slot)
{
	struct combo *c = arg;

	if (c->seen[slot])
		return;
	c->seen[slot] = 1;
	if (c->nslots == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 8;
		c->slots = ec_xrealloc(c->slots, c->cap * sizeof(int));
	}
	c->slots[c->nslots++] = slot;
}

static void
fetch_combo(void *arg, int slot, struct ec_value *out)
{
	const struct combo *c = arg;
	const struct ec_column *col = &c->p->columns[slot];

	for (size_t i = 0; i < c->nslots; i++) {
		const struct ec_vocab_value *v;

		if (c->slots[i] != slot)
			continue;
		v = &c->p->vocabs[col->vocab].values[c->at[i]];
		if (col->type == EC_COL_BOOL)
			*out = ec_value_int(EC_T_BOOL,
			    strcmp(v->token, "yes") == 0);
		else
			*out = ec_value_str(EC_T_STR, v->token,
			    strlen(v->token));
		return;
	}
	*out = ec_value_blank(ec_coltype_value_type(col->type));
}

/* No interval applies to the combination of values c is at. */
static int
fail_uncovered(struct loader *L, const struct ec_ynode *key,
    const struct combo *c)
{
	const struct ec_policy *p = L->p;
	struct ec_buf b = EC_BUF_INIT;
	int rc;

	for (size_t s = 0; s < c->nslots; s++) {
		const struct ec_column *col = &p->columns[c->slots[s]];

		ec_buf_addf(&b, "%s%s is '%s'", s ? " and " : "", col->name,
		    p->vocabs[col->vocab].values[c->at[s]].token);
	}
	if (c->nslots)
		rc = pol_fail(L, key, "no visit interval applies when %s",
		    b.p);
	else
		rc = pol_fail(L, key, "no visit interval applies to anyone");
	ec_buf_release(&b);
	return rc;
}

/*
 * Every record must get an interval.  When the rules read only enum and
 * bool columns of small enough domains, every combination of their
 * values is tried; otherwise only a last rule without a condition
 * proves it.
 */
static int
check_intervals(struct loader *L, const struct ec_ynode *key)
{
	const struct ec_policy *p = L->p;
	struct combo c;
	struct ec_expr_env env;
	unsigned long long total = 1;
	int rc = 0;

	if (p->nintervals > 0 && p->intervals[p->nintervals - 1].when == NULL)
		return 0;
	memset(&c, 0, sizeof(c));
	c.p = p;
	c.seen = pol_seen_reset(L, p->ncolumns);
	for (size_t i = 0; i < p->nintervals; i++)
		ec_expr_slots(p->intervals[i].when, add_slot, &c);
	for (size_t i = 0; i < c.nslots && total <= MAX_COMBOS; i++) {
		const struct ec_column *col = &p->columns[c.slots[i]];

		if (col->type != EC_COL_ENUM && col->type != EC_COL_BOOL) {
			total = MAX_COMBOS + 1;
			break;
		}
		total *= p->vocabs[col->vocab].nvalues;
	}
	if (total > MAX_COMBOS) {
		free(c.slots);
		return pol_fail(L, key, "the last interval rule must have no "
		    "'when', so that every person gets an interval");
	}
	c.at = ec_xcalloc(c.nslots ? c.nslots : 1, sizeof(size_t));
	memset(&env, 0, sizeof(env));
	env.today = 0;
	env.leap_rule = p->leap_rule;
	env.fetch = fetch_combo;
	env.ctx = &c;
	for (;;) {
		size_t i;

		for (i = 0; i < p->nintervals; i++)
			if (ec_expr_test(p->intervals[i].when, &env))
				break;
		if (i == p->nintervals) {
			rc = fail_uncovered(L, key, &c);
			break;
		}
		/* The next combination, odometer-wise. */
		for (i = 0; i < c.nslots; i++) {
			const struct ec_column *col = &p->columns[c.slots[i]];

			if (++c.at[i] < p->vocabs[col->vocab].nvalues)
				break;
			c.at[i] = 0;
		}
		if (i == c.nslots)
			break;
	}
	free(c.at);
	free(c.slots);
	return rc;
}

int
pol_load_visits(struct loader *L, const struct ec_ynode *n)
{
	static const struct field f[] = {
		{ "programme", 1 }, { "intervals", 1 }, { "home_visit", 1 },
		{ "due_soon_days", 1 }, { "report_within_days", 1 },
		{ "alert_window_days", 1 }, { "required", 1 },
	};
	static const struct field inf[] = {
		{ "when", 0 }, { "days", 1 },
	};
	static const struct field hf[] = {
		{ "when", 1 }, { "days", 1 },
	};
	const struct ec_ynode *fv[EC_ARRAY_LEN(f)], *key[EC_ARRAY_LEN(f)];
	const struct ec_ynode *v[2], *s;
	struct ec_policy *p = L->p;

	if (pol_want_map(L, n, "visits") == -1 ||
	    pol_get_fields(L, n, "visits", f, EC_ARRAY_LEN(f), fv, key) == -1)
		return -1;
	if ((p->programme = pol_condition(L, fv[0], "programme")) == NULL)
		return -1;

	s = fv[1];
	if (pol_want_seq(L, s, "intervals") == -1)
		return -1;
	if (s->nkids == 0)
		return pol_fail(L, s, "'intervals' is empty");
	p->intervals = ec_xcalloc(s->nkids, sizeof(*p->intervals));
	for (size_t i = 0; i < s->nkids; i++) {
		struct ec_interval *in = &p->intervals[p->nintervals++];

		if (i > 0 && p->intervals[i - 1].when == NULL)
			return pol_fail(L, s->kids[i], "unreachable interval "
			    "rule");
		if (pol_want_map(L, s->kids[i], "intervals") == -1 ||
		    pol_get_fields(L, s->kids[i], "intervals", inf, 2, v,
		    NULL) == -1)
			return -1;
		if (v[0] != NULL &&
		    (in->when = pol_condition(L, v[0], "when")) == NULL)
			return -1;
		if (pol_want_days(L, v[1], "days", &in->days) == -1)
			return -1;
	}
	if (check_intervals(L, key[1]) == -1)
		return -1;

	if (pol_want_map(L, fv[2], "home_visit") == -1 ||
	    pol_get_fields(L, fv[2], "home_visit", hf, 2, v, NULL) == -1 ||
	    (p->home_visit_when = pol_condition(L, v[0], "when")) == NULL ||
	    pol_want_days(L, v[1], "days", &p->home_visit_days) == -1)
		return -1;
	if (pol_want_days(L, fv[3], "due_soon_days", &p->due_soon_days) == -1 ||
	    pol_want_days(L, fv[4], "report_within_days",
	    &p->report_within_days) == -1 ||
	    pol_want_days(L, fv[5], "alert_window_days",
	    &p->alert_window_days) == -1)
		return -1;
	return pol_want_columns(L, fv[6], "required", &p->visit_log.required,
	    &p->visit_log.nrequired);
}

int
pol_load_health(struct loader *L, const struct ec_ynode *n)
{
	static const struct field f[] = {
		{ "eligible", 1 }, { "done", 1 },
	};
	const struct ec_ynode *fv[EC_ARRAY_LEN(f)];

	if (pol_want_map(L, n, "health_check") == -1 ||
	    pol_get_fields(L, n, "health_check", f, EC_ARRAY_LEN(f), fv,
	    NULL) == -1)
		return -1;
	if ((L->p->health_eligible = pol_condition(L, fv[0],
	    "eligible")) == NULL ||
	    (L->p->health_done = pol_condition(L, fv[1], "done")) == NULL)
		return -1;
	return 0;
}

int
pol_load_rollup(struct loader *L, const struct ec_ynode *n)
{
	static const struct field f[] = {
		{ "by", 1 }, { "metrics", 1 },
	};
	static const struct field mf[] = {
		{ "name", 1 }, { "when", 1 }, { "zh", 1 }, { "en", 1 },
	};
	const struct ec_ynode *fv[EC_ARRAY_LEN(f)], *v[EC_ARRAY_LEN(mf)];
	const struct ec_ynode *s, *dup;
	struct ec_policy *p = L->p;

	if (pol_want_map(L, n, "rollup") == -1 ||
	    pol_get_fields(L, n, "rollup", f, EC_ARRAY_LEN(f), fv,
	    NULL) == -1 ||
	    pol_want_columns(L, fv[0], "by", &p->rollup_by,
	    &p->nrollup_by) == -1)
		return -1;
	s = fv[1];
	if (pol_want_seq(L, s, "metrics") == -1)
		return -1;
	p->metrics = ec_xcalloc(s->nkids, sizeof(*p->metrics));
	for (size_t i = 0; i < s->nkids; i++) {
		struct ec_metric *m = &p->metrics[p->nmetrics++];

		if (pol_want_map(L, s->kids[i], "metrics") == -1 ||
		    pol_get_fields(L, s->kids[i], "metrics", mf,
		    EC_ARRAY_LEN(mf), v, NULL) == -1 ||
		    pol_want_text(L, v[0], "name") == -1)
			return -1;
		/* rollup's own output columns. */
		if (strcmp(v[0]->s, "records") == 0 ||
		    strcmp(v[0]->s, "level") == 0)
			return pol_fail(L, v[0], "metric name '%s' is taken by "
			    "rollup's own column", v[0]->s);
		keep_name(L, v[0]);
		m->name = pol_trimmed(v[0]);
		if ((m->when = pol_condition(L, v[1], "when")) == NULL ||
		    pol_want_text(L, v[2], "zh") == -1 ||
		    pol_want_text(L, v[3], "en") == -1)
			return -1;
		m->zh = pol_trimmed(v[2]);
		m->en = pol_trimmed(v[3]);
	}
	if ((dup = ec_ynodes_first_duplicate(L->names, L->nnames)) != NULL)
		return pol_fail(L, dup, "duplicate metric '%s'", dup->s);
	L->nnames = 0;
	return 0;
}

