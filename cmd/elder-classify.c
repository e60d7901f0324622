/*
 * elder-classify - validate a census sheet of rural elderly and say who
 * is left behind and in which special-difficulty groups.
 */
#include <stdlib.h>

#include "common.h"

static const char usage[] =
"usage: elder-classify [-l] [--check] [-d delim] [-E encoding] [-o file]\n"
"                      [-p policy] [--as-of YYYY-MM-DD] [--bom]\n"
"                      [--rejects file] [--stats] [file ...]\n";

enum { OPT_CHECK = OPT_TOOL };

static const struct option longopts[] = {
	COMMON_LONG,
	{ "check", no_argument, NULL, OPT_CHECK },
	{ "left-behind", no_argument, NULL, 'l' },
	{ NULL, 0, NULL, 0 },
};

struct classify {
	int left_only;
	int left_behind;	/* the left_behind column */
	int *append;
	size_t nappend;
};

static int
bind(struct tool *t, struct ec_sheet *s)
{
	struct classify *c = t->ctx;
	struct ec_buf msg = EC_BUF_INIT;

	for (size_t i = 0; i < c->nappend; i++)
		ec_sheet_own(s, c->append[i], NULL, NULL);
	ec_sheet_missing(s, &t->pol->census, &msg);
	return tool_header_problems(t, &msg);
}

static int
record(struct tool *t, struct ec_sheet *s)
{
	struct classify *c = t->ctx;
	struct ec_value v;

	if (ec_sheet_check(s, &t->pol->census, 1, tool_problem, t) > 0)
		return -1;
	if (!c->left_only)
		return 1;
	ec_sheet_value(s, c->left_behind, &v);
	return !v.blank && v.i;
}

int
main(int argc, char **argv)
{
	struct tool t;
	struct classify c = { 0 };
	int opt;

	tool_init(&t, "elder-classify", usage);
	argv[0] = (char *)t.prog;	/* getopt's messages name the tool */
	while ((opt = getopt_long(argc, argv, COMMON_SHORT "l", longopts,
	    NULL)) != -1) {
		if (tool_option(&t, opt, optarg))
			continue;
		switch (opt) {
		case 'l':
			c.left_only = 1;
			break;
		case OPT_CHECK:
			t.check = 1;
			break;
		default:
			tool_usage_error(&t);
		}
	}
	tool_load_policy(&t);
	c.nappend = t.pol->nclassify;
	c.append = ec_xmalloc(c.nappend * sizeof *c.append);
	for (size_t i = 0; i < c.nappend; i++)
		c.append[i] = t.pol->classify[i].column;
	c.left_behind = ec_policy_column(t.pol, "left_behind");
	if (c.left_only && c.left_behind < 0)
		tool_fatal(&t, "-l needs a 'left_behind' column in the "
		    "policy's classify section");
	t.ctx = &c;

	struct filter f = { bind, record, c.append, c.nappend };
	tool_open_output(&t);
	int status = tool_run_filter(&t, &f, argv + optind, argc - optind);
	free(c.append);
	return status;
}
