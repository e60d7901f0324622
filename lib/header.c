#include "header.h"

#include <string.h>

#include "text.h"
#include "util.h"

/*
 * 1 when a tool writes column col (elder-classify's columns, and those
 * of ec_tool_columns with a writer): it is named by its name alone.
 */
static int
is_output(const struct ec_policy *p, int col)
{
	const struct ec_tool_column *tc;

	for (size_t i = 0; i < p->nclassify; i++)
		if (p->classify[i].column == col)
			return 1;
	tc = ec_tool_column(p->columns[col].name);
	return tc != NULL && tc->writer != EC_TOOL_NONE;
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

void
ec_header_spellings(struct ec_buf *b, const struct ec_column *c)
{
	ec_buf_addf(b, " (its header may be: %s", c->name);
	if (c->zh)
		ec_buf_addf(b, ", %s", c->zh);
	for (size_t i = 0; i < c->naliases; i++)
		ec_buf_addf(b, ", %s", c->aliases[i]);
	ec_buf_adds(b, ")");
}
