/*
 * policy.c - what the tools ask of a loaded policy: columns,
 * vocabularies and labels by name; the columns the tools themselves read
 * and write; freeing.  Loading is in policy_load.c.
 */
#include "policy.h"

#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "util.h"

const struct ec_tool_column ec_tool_columns[] = {
	{ "id_number", EC_COL_ID, { NULL }, EC_TOOL_NONE },
	{ "risk_score", EC_COL_INT, { NULL }, EC_TOOL_RISK_SCORE },
	{ "risk_level", EC_COL_ENUM, { NULL }, EC_TOOL_RISK_SCORE },
	{ "risk_reasons", EC_COL_LIST, { NULL }, EC_TOOL_RISK_SCORE },
	{ "visit_date", EC_COL_DATE, { NULL }, EC_TOOL_NONE },
	{ "mode", EC_COL_ENUM, { "home", NULL }, EC_TOOL_NONE },
	{ "situation", EC_COL_ENUM, { "none", NULL }, EC_TOOL_NONE },
	{ "reported_date", EC_COL_DATE, { NULL }, EC_TOOL_NONE },
	{ "last_visit", EC_COL_DATE, { NULL }, EC_TOOL_VISIT_DUE },
	{ "last_home_visit", EC_COL_DATE, { NULL }, EC_TOOL_VISIT_DUE },
	{ "interval_days", EC_COL_INT, { NULL }, EC_TOOL_VISIT_DUE },
	{ "next_due", EC_COL_DATE, { NULL }, EC_TOOL_VISIT_DUE },
	{ "days_overdue", EC_COL_INT, { NULL }, EC_TOOL_VISIT_DUE },
	{ "visit_status", EC_COL_ENUM, { "never_visited", "overdue",
	    "due_soon", "ok", "not_applicable", NULL }, EC_TOOL_VISIT_DUE },
	{ "home_visit_status", EC_COL_ENUM, { "ok", "overdue", "never",
	    "not_applicable", NULL }, EC_TOOL_VISIT_DUE },
	{ "health_check_due", EC_COL_ENUM, { "yes", "no", "not_applicable",
	    NULL }, EC_TOOL_VISIT_DUE },
	{ "alert", EC_COL_ENUM, { NULL }, EC_TOOL_VISIT_DUE },
	{ "alert_report", EC_COL_ENUM, { "on_time", "late", "missing",
	    NULL }, EC_TOOL_VISIT_DUE },
};

const size_t ec_tool_ncolumns = EC_ARRAY_LEN(ec_tool_columns);

const struct ec_tool_column *
ec_tool_column(const char *name)
{
	for (size_t i = 0; i < ec_tool_ncolumns; i++)
		if (strcmp(ec_tool_columns[i].name, name) == 0)
			return &ec_tool_columns[i];
	return NULL;
}

static void
free_strings(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void
free_rules(struct ec_sheet_rules *s)
{
	free(s->required);
	for (size_t i = 0; i < s->nrequired_when; i++)
		ec_expr_free(s->required_when[i]);
	free(s->required_when);
	free(s->required_when_col);
	for (size_t i = 0; i < s->nchecks; i++) {
		ec_expr_free(s->checks[i].when);
		free(s->checks[i].message);
	}
	free(s->checks);
}

static void
free_labels(struct ec_label *l, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(l[i].key);
		free(l[i].text);
	}
	free(l);
}

void
ec_policy_free(struct ec_policy *p)
{
	if (p == NULL)
		return;
	free(p->name);
	free_strings(p->region, p->nregion);
	for (size_t i = 0; i < p->nvocabs; i++) {
		struct ec_vocab *v = &p->vocabs[i];

		for (size_t j = 0; j < v->nvalues; j++) {
			free(v->values[j].token);
			free(v->values[j].zh);
			free(v->values[j].en);
			free_strings(v->values[j].aliases,
			    v->values[j].naliases);
		}
		free(v->values);
		free(v->name);
	}
	free(p->vocabs);
	for (size_t i = 0; i < p->ncolumns; i++) {
		free(p->columns[i].name);
		free(p->columns[i].zh);
		free(p->columns[i].en);
		free_strings(p->columns[i].aliases, p->columns[i].naliases);
	}
	free(p->columns);
	free_rules(&p->census);
	free_rules(&p->visit_log);
	for (size_t i = 0; i < p->nclassify; i++) {
		struct ec_derived *d = &p->classify[i];

		ec_expr_free(d->expr);
		for (size_t j = 0; j < d->nflags; j++) {
			free(d->flag_names[j]);
			ec_expr_free(d->flags[j]);
		}
		free(d->flag_names);
		free(d->flags);
	}
	free(p->classify);
	for (size_t i = 0; i < p->nfactors; i++) {
		free(p->factors[i].name);
		ec_expr_free(p->factors[i].when);
	}
	free(p->factors);
	free(p->levels);
	for (size_t i = 0; i < p->noverrides; i++) {
		free(p->overrides[i].name);
		ec_expr_free(p->overrides[i].when);
	}
	free(p->overrides);
	ec_expr_free(p->programme);
	for (size_t i = 0; i < p->nintervals; i++)
		ec_expr_free(p->intervals[i].when);
	free(p->intervals);
	ec_expr_free(p->home_visit_when);
	ec_expr_free(p->health_eligible);
	ec_expr_free(p->health_done);
	free(p->rollup_by);
	for (size_t i = 0; i < p->nmetrics; i++) {
		free(p->metrics[i].name);
		ec_expr_free(p->metrics[i].when);
		free(p->metrics[i].zh);
		free(p->metrics[i].en);
	}
	free(p->metrics);
	free_labels(p->labels_zh, p->nlabels_zh);
	free_labels(p->labels_en, p->nlabels_en);
	free(p);
}

static int
find_column(const struct ec_policy *p, const char *s, size_t n)
{
	for (size_t i = 0; i < p->ncolumns; i++) {
		const char *name = p->columns[i].name;

		if (name != NULL && strncmp(name, s, n) == 0 &&
		    name[n] == '\0')
			return (int)i;
	}
	return -1;
}

int
ec_policy_column(const struct ec_policy *p, const char *name)
{
	return find_column(p, name, strlen(name));
}

int
ec_policy_vocab(const struct ec_policy *p, const char *name)
{
	for (size_t i = 0; i < p->nvocabs; i++)
		if (p->vocabs[i].name != NULL &&
		    strcmp(p->vocabs[i].name, name) == 0)
			return (int)i;
	return -1;
}

int
ec_vocab_lookup(const struct ec_vocab *v, const char *s, size_t n)
{
	s = ec_trim(s, &n);
	if (n == 0)
		return -1;
	/*
	 * Folding only ASCII letters is exact for Chinese labels and lets
	 * tokens and aliases such as Y or TRUE match in any case.
	 */
	for (size_t i = 0; i < v->nvalues; i++) {
		const struct ec_vocab_value *val = &v->values[i];

		if (ec_ascii_case_eq(s, n, val->token, strlen(val->token)) ||
		    ec_ascii_case_eq(s, n, val->zh, strlen(val->zh)))
			return (int)i;
		for (size_t j = 0; j < val->naliases; j++)
			if (ec_ascii_case_eq(s, n, val->aliases[j],
			    strlen(val->aliases[j])))
				return (int)i;
	}
	return -1;
}

int
ec_vocab_token(const struct ec_vocab *v, const char *token)
{
	for (size_t i = 0; i < v->nvalues; i++)
		if (v->values[i].token != NULL &&
		    strcmp(v->values[i].token, token) == 0)
			return (int)i;
	return -1;
}

const char *
ec_policy_label(const struct ec_policy *p, const char *lang, const char *key)
{
	const struct ec_label *l;
	size_t n;

	if (strcmp(lang, "zh") == 0) {
		l = p->labels_zh;
		n = p->nlabels_zh;
	} else if (strcmp(lang, "en") == 0) {
		l = p->labels_en;
		n = p->nlabels_en;
	} else
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (strcmp(l[i].key, key) == 0)
			return l[i].text;
	return NULL;
}

enum ec_type
ec_coltype_value_type(enum ec_coltype t)
{
	switch (t) {
	case EC_COL_BOOL:
		return EC_T_BOOL;
	case EC_COL_INT:
		return EC_T_INT;
	case EC_COL_DATE:
		return EC_T_DATE;
	case EC_COL_LIST:
		return EC_T_LIST;
	case EC_COL_TEXT:
	case EC_COL_ID:
	case EC_COL_ENUM:
	case EC_COL_PHONE:
		break;
	}
	return EC_T_STR;
}


void
ec_policy_error_format(const struct ec_policy_error *err, const char *path,
    struct ec_buf *out)
{
	ec_buf_addf(out, "%s:%zu:%zu: %s", path, err->line, err->column,
	    err->msg);
	if (!err->has_excerpt)
		return;
	ec_buf_addf(out, "\n    %s\n    ", err->excerpt);
	size_t caret = strnlen(err->excerpt, err->caret);
	for (size_t i = 0; i < caret; i++)
		if (err->excerpt[i] == '\t')
			ec_buf_addc(out, '\t');
	for (size_t w = ec_width(err->excerpt, caret); w > 0; w--)
		ec_buf_addc(out, ' ');
	ec_buf_addc(out, '^');
}
