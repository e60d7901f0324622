/*
 * fuzz_policy.c - libFuzzer harness of the policy loader (lib/policy.h):
 * the input, whatever its bytes, loaded from memory with ec_policy_load
 * as a policy file.
 *
 * A failure must come with a message, and an excerpt whose caret lies
 * inside it (elder-classify prints both; the caret placed by display
 * width, as here).  A policy that loads must hold together: every index
 * it stores (vocabulary, column, level) is in range, names find
 * themselves, every vocabulary value is found by its token, every
 * expression reads only columns of the policy, and each condition is a
 * bool.  Everything is freed, so a leak in either path is found.
 */
#include <string.h>

#include "fuzz.h"
#include "policy.h"
#include "text.h"

static const struct ec_policy *pol;

static void
slot_in_range(void *arg, int slot)
{
	FUZZ_CHECK(slot >= 0 && (size_t)slot < pol->ncolumns);
}

/* e may be NULL when optional; when there, its slots are columns. */
static void
expr_ok(const struct ec_expr *e, int want_bool)
{
	if (!e)
		return;
	ec_expr_slots(e, slot_in_range, NULL);
	if (want_bool)
		FUZZ_CHECK(ec_expr_type(e) == EC_T_BOOL);
}

static int
column_ok(int c)
{
	return c >= 0 && (size_t)c < pol->ncolumns;
}

/* A value index of vocabulary "name" (which must then exist). */
static void
vocab_value_ok(const char *name, int value)
{
	int v = ec_policy_vocab(pol, name);

	FUZZ_CHECK(v >= 0);
	FUZZ_CHECK(value >= 0 && (size_t)value < pol->vocabs[v].nvalues);
}

static void
rules_ok(const struct ec_sheet_rules *r)
{
	for (size_t i = 0; i < r->nrequired; i++)
		FUZZ_CHECK(column_ok(r->required[i]));
	for (size_t i = 0; i < r->nrequired_when; i++) {
		FUZZ_CHECK(column_ok(r->required_when_col[i]));
		expr_ok(r->required_when[i], 1);
	}
	FUZZ_CHECK(r->unique == -1 || column_ok(r->unique));
	for (size_t i = 0; i < r->nchecks; i++) {
		FUZZ_CHECK(column_ok(r->checks[i].column));
		FUZZ_CHECK(r->checks[i].when && r->checks[i].message);
		expr_ok(r->checks[i].when, 1);
	}
}

static void
check_policy(const struct ec_policy *p)
{
	pol = p;
	FUZZ_CHECK(p->name != NULL);
	for (size_t i = 0; i < p->nvocabs; i++) {
		const struct ec_vocab *v = &p->vocabs[i];
		FUZZ_CHECK(ec_policy_vocab(p, v->name) == (int)i);
		for (size_t j = 0; j < v->nvalues; j++) {
			const char *t = v->values[j].token;
			FUZZ_CHECK(ec_vocab_token(v, t) == (int)j);
			FUZZ_CHECK(ec_vocab_lookup(v, t, strlen(t)) >= 0);
			if (v->values[j].zh)
				(void)ec_vocab_lookup(v, v->values[j].zh,
				    strlen(v->values[j].zh));
			for (size_t k = 0; k < v->values[j].naliases; k++)
				(void)ec_vocab_lookup(v, v->values[j].aliases[k],
				    strlen(v->values[j].aliases[k]));
		}
	}
	for (size_t i = 0; i < p->ncolumns; i++) {
		const struct ec_column *c = &p->columns[i];
		FUZZ_CHECK(ec_policy_column(p, c->name) == (int)i);
		FUZZ_CHECK(c->type >= EC_COL_TEXT && c->type <= EC_COL_LIST);
		if (c->type == EC_COL_ENUM || c->type == EC_COL_BOOL)
			FUZZ_CHECK(c->vocab >= 0 &&
			    (size_t)c->vocab < p->nvocabs);
		FUZZ_CHECK(ec_coltype_value_type(c->type) >= EC_T_BOOL);
	}
	rules_ok(&p->census);
	rules_ok(&p->visit_log);
	for (size_t i = 0; i < p->nclassify; i++) {
		const struct ec_derived *d = &p->classify[i];
		FUZZ_CHECK(column_ok(d->column));
		expr_ok(d->expr, 0);
		for (size_t k = 0; k < d->nflags; k++) {
			FUZZ_CHECK(d->flag_names[k] != NULL);
			expr_ok(d->flags[k], 1);
		}
	}
	for (size_t i = 0; i < p->nfactors; i++)
		expr_ok(p->factors[i].when, 1);
	for (size_t i = 0; i < p->nlevels; i++)
		vocab_value_ok("risk_level", p->levels[i].value);
	for (size_t i = 0; i < p->noverrides; i++) {
		vocab_value_ok("risk_level", p->overrides[i].value);
		expr_ok(p->overrides[i].when, 1);
	}
	expr_ok(p->programme, 1);
	for (size_t i = 0; i < p->nintervals; i++)
		expr_ok(p->intervals[i].when, 1);
	expr_ok(p->home_visit_when, 1);
	expr_ok(p->health_eligible, 1);
	expr_ok(p->health_done, 1);
	for (size_t i = 0; i < p->nrollup_by; i++)
		FUZZ_CHECK(column_ok(p->rollup_by[i]));
	for (size_t i = 0; i < p->nmetrics; i++)
		expr_ok(p->metrics[i].when, 1);
	for (size_t i = 0; i < p->nlabels_zh; i++)
		FUZZ_CHECK(ec_policy_label(p, "zh", p->labels_zh[i].key));
	for (size_t i = 0; i < p->nlabels_en; i++)
		FUZZ_CHECK(ec_policy_label(p, "en", p->labels_en[i].key));
	(void)ec_policy_label(p, "fr", "total");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ec_policy_error err;
	struct ec_policy *p;

	memset(&err, 0xa5, sizeof err);	/* what the loader leaves unset */
	p = ec_policy_load((const char *)data, size, &err);
	if (p) {
		check_policy(p);
		ec_policy_free(p);
		return 0;
	}
	FUZZ_CHECK(memchr(err.msg, '\0', sizeof err.msg) && err.msg[0]);
	if (err.has_excerpt == 1) {
		FUZZ_CHECK(memchr(err.excerpt, '\0', sizeof err.excerpt));
		/* How elder-classify places its caret under the excerpt. */
		size_t caret = strnlen(err.excerpt, err.caret);
		(void)ec_width(err.excerpt, caret);
	} else {
		FUZZ_CHECK(err.has_excerpt == 0);
	}
	return 0;
}
