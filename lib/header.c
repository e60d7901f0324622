#include "header.h"

#include <string.h>

#include "text.h"
#include "util.h"

/*
 * The columns the tools write besides elder-classify's: risk-score(1)'s
 * and visit-due(1)'s.
 */
static const char *const tool_columns[] = {
	"risk_score", "risk_level", "risk_reasons", "last_visit",
	"last_home_visit", "interval_days", "next_due", "days_overdue",
	"visit_status", "home_visit_status", "health_check_due", "alert",
	"alert_report",
};

/* 1 when a tool writes column col: it is named by its name alone. */
static int
is_output(const struct ec_policy *p, int col)
{
	const char *name = p->columns[col].name;

	for (size_t i = 0; i < p->nclassify; i++)
		if (p->classify[i].column == col)
			return 1;
	for (size_t i = 0; i < EC_ARRAY_LEN(tool_columns); i++)
		if (strcmp(name, tool_columns[i]) == 0)
			return 1;
	return 0;
}

/* The comparison of a name, trimmed, with a spelling or another name. */
static int
same(const char *a, size_t an, const char *b, size_t bn)
{
	return ec_ascii_case_eq(a, an, b, bn);
}

static int
spells(const char *p, size_t n, const char *s)
{
	return s && same(p, n, s, strlen(s));
}

/* With any, an output column by any of its spellings too. */
static int
match(const struct ec_policy *p, const char *text, size_t n, int any)
{
	const char *t = ec_trim(text, &n);

	for (size_t c = 0; c < p->ncolumns; c++) {
		const struct ec_column *col = &p->columns[c];

		if (spells(t, n, col->name))
			return (int)c;
		if (!any && is_output(p, (int)c))
			continue;
		if (spells(t, n, col->zh))
			return (int)c;
		for (size_t i = 0; i < col->naliases; i++)
			if (spells(t, n, col->aliases[i]))
				return (int)c;
	}
	return -1;
}

int
ec_header_column(const struct ec_policy *p, const char *text, size_t n)
{
	return match(p, text, n, 0);
}

int
ec_header_named(const struct ec_policy *p, const char *name, size_t n)
{
	return match(p, name, n, 1);
}

int
ec_header_same(const char *a, size_t an, const char *b, size_t bn)
{
	a = ec_trim(a, &an);
	b = ec_trim(b, &bn);
	return same(a, an, b, bn);
}
