/*
 * risk-score - append the risk score, level and reasons of the policy's
 * risk standard to a census sheet.
 */

#include "common.h"
#include "risk.h"

static const char usage[] =
"usage: risk-score [-d delim] [-E encoding] [-o file] [-p policy]\n"
"                  [--as-of YYYY-MM-DD] [--bom] [--rejects file] [--stats]\n"
"                  [file ...]\n";

static const struct option longopts[] = {
	COMMON_LONG,
	{ NULL, 0, NULL, 0 },
};

static int
bind(struct tool *t, struct ec_sheet *s)
{
	struct ec_risk *r = t->ctx;
	struct ec_buf msg = EC_BUF_INIT;

	ec_risk_own(s, r);
	/*
	 * The census is elder-classify's to check; what matters here is
	 * only what the risk standard reads and nothing can stand in for.
	 */
	ec_risk_missing(s, r, &t->pol->census, &msg);
	return tool_header_problems(t, &msg);
}

static int
record(struct tool *t, struct ec_sheet *s)
{
	/* Bad values read as blank; elder-classify reports them. */
	return 1;
}

int
main(int argc, char **argv)
{
	struct tool t;
	struct ec_risk r;
	int append[3];
	int opt;

	tool_init(&t, "risk-score", usage);
	argv[0] = (char *)t.prog;	/* getopt's messages name the tool */
	while ((opt = getopt_long(argc, argv, COMMON_SHORT, longopts,
	    NULL)) != -1) {
		if (tool_option(&t, opt, optarg))
			continue;
		tool_usage_error(&t);
	}
	tool_load_policy(&t);
	ec_risk_init(&r, t.pol);
	append[0] = r.score_col;
	append[1] = r.level_col;
	append[2] = r.reasons_col;
	t.ctx = &r;

	struct filter f = { bind, record, append, EC_ARRAY_LEN(append) };
	tool_open_output(&t);
	int status = tool_run_filter(&t, &f, argv + optind, argc - optind);
	ec_risk_release(&r);
	return status;
}
