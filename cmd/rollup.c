/*
 * rollup - count records by a hierarchy of columns (county, township,
 * village ...) with a subtotal for every level and a grand total, as SQL's
 * GROUP BY ROLLUP; with --merge, add up rollup outputs instead, so that
 * the rollups of the shards of a sheet merge into the rollup of the whole
 * (rollup(1)).
 *
 * The records stream through the common filter and are counted into
 * groups (lib/rollup.h): what is kept is one entry per group, never the
 * records.  Nothing is written until the last input has been read; the
 * CSV written and merged is lib/rollupcsv.h's.
 */
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "risk.h"
#include "rollup.h"
#include "rollupcsv.h"
#include "text.h"

static const char usage[] =
"usage: rollup [-b column[,column...]] [-m metric[,metric...]] [--merge]\n"
"              [-d delim] [-E encoding] [-o file] [-p policy]\n"
"              [--as-of YYYY-MM-DD] [--bom] [--rejects file] [--stats]\n"
"              [file ...]\n";

enum { OPT_MERGE = OPT_TOOL };

static const struct option longopts[] = {
	COMMON_LONG,
	{ "by", required_argument, NULL, 'b' },
	{ "metrics", required_argument, NULL, 'm' },
	{ "merge", no_argument, NULL, OPT_MERGE },
	{ NULL, 0, NULL, 0 },
};

struct roll {
	int merge;
	struct ec_names by;	/* -b as given, else the policy's */
	struct ec_names m;	/* -m as given */

	int ready;		/* plan is settled by the first input's header */
	struct ec_rollup_plan plan;
	struct ec_rollupcsv in;	/* merging: the first input's layout */

	struct ec_rollup *groups;
	struct ec_risk risk;
	int header_written;
};

/* Adds the names of a -b or -m argument; exits 2 at an empty one. */
static void
add_list(struct tool *t, const char *opt, const char *arg,
    struct ec_names *list)
{
	if (ec_names_add(list, arg) != 0)
		tool_fatal(t, "%s: empty name in '%s'", opt, arg);
}

/* Prints "rollup: FILE:LINE: msg" for the header being bound. */
static void
header_error(struct tool *t, const char *msg)
{
	fprintf(stderr, "%s: %s:%zu: %s\n", t->prog, t->run.file, t->run.rec->line,
	    msg);
}

/* Prints msg's notes, then its error when rc is not 0; returns rc. */
static int
bound(struct tool *t, struct roll *r, int rc, struct ec_buf *notes,
    struct ec_buf *msg)
{
	for (char *line = notes->p, *nl; line && *line; line = nl + 1) {
		nl = strchr(line, '\n');
		*nl = '\0';
		fprintf(stderr, "%s: %s\n", t->prog, line);
	}
	if (rc != 0)
		header_error(t, msg->p);
	else if (!r->ready) {
		r->groups = ec_rollup_new(r->plan.nb, 1 + r->plan.nm);
		r->ready = 1;
	}
	ec_buf_release(notes);
	ec_buf_release(msg);
	return rc;
}

/* Counting records: the -b columns and which metrics the input can give. */
static int
bind_records(struct tool *t, struct ec_sheet *s)
{
	struct roll *r = t->ctx;
	struct ec_buf notes = EC_BUF_INIT, msg = EC_BUF_INIT;
	int rc;

	ec_risk_provide(s, &r->risk);
	/* Later files have the first's header (run_file checks). */
	if (r->ready)
		rc = ec_rollup_plan_rebind(&r->plan, s, r->by.v, &msg);
	else
		rc = ec_rollup_plan_count(&r->plan, s, &r->risk, r->by.v,
		    r->by.n, r->m.v, r->m.n, &notes, &msg);
	return bound(t, r, rc, &notes, &msg);
}

/* Counting records: one more in its group, and in each metric it meets. */
static int
count_record(struct tool *t, struct ec_sheet *s)
{
	struct roll *r = t->ctx;
	int rc = ec_rollup_count(r->groups, &r->plan, s, tool_problem, t);

	if (rc == -2)
		tool_fatal(t, "%s:%zu: more records in one group than rollup "
		    "can count", t->run.file, ec_sheet_current(s)->line);
	return rc;
}

/* Merging: the input must be a rollup output (rollupcsv.h). */
static int
bind_merge(struct tool *t, struct ec_sheet *s)
{
	struct roll *r = t->ctx;
	struct ec_rollupcsv in;
	struct ec_buf notes = EC_BUF_INIT, msg = EC_BUF_INIT;
	int rc;

	rc = ec_rollupcsv_header(&in, EC_ROLLUPCSV_EXACT, t->run.rec->fields,
	    t->run.rec->nfields, &msg);
	if (rc != 0 || r->ready) {
		/* later files have the first's header */
		ec_rollupcsv_release(&in);
		return bound(t, r, rc, &notes, &msg);
	}
	r->in = in;
	rc = ec_rollupcsv_plan(&r->plan, &r->in, t->pol, r->by.v,
	    r->by.n, r->m.v, r->m.n, &msg);
	return bound(t, r, rc, &notes, &msg);
}

/* A problem of field f of the row being merged. */
static void
merge_problem(void *ctx, int f, const char *msg)
{
	struct ec_problem pr = { EC_ERROR, "merge", f, msg };

	tool_problem(ctx, &pr);
}

/* Merging: a row of the deepest level adds its counts (rollupcsv.h). */
static int
merge_record(struct tool *t, struct ec_sheet *s)
{
	struct roll *r = t->ctx;
	const struct ec_csv_record *rec = ec_sheet_current(s);
	int rc = ec_rollupcsv_merge(&r->in, &r->plan, r->groups, rec->fields,
	    merge_problem, t);

	if (rc == -2)
		tool_fatal(t, "%s:%zu: the counts add up to more than rollup "
		    "can count (%llu)", t->run.file, rec->line,
		    (unsigned long long)UINT64_MAX);
	return rc;
}

static int
write_row(void *ctx, const struct ec_rollup_row *row)
{
	struct tool *t = ctx;
	struct roll *r = t->ctx;
	const struct ec_rollup_plan *pl = &r->plan;

	/* Not before the walk has found that the counts fit. */
	if (!r->header_written) {
		ec_rollupcsv_write_header(&t->out, pl->by_name, pl->nb,
		    pl->m_name, pl->nm);
		r->header_written = 1;
	}
	ec_rollupcsv_write_row(&t->out, pl->by_name, pl->nb, row, 1 + pl->nm);
	/* A full disk or a closed pipe: stop; tool_finish reports it. */
	return t->out.err ? 1 : 0;
}

static void
write_rollup(struct tool *t, struct roll *r)
{
	if (ec_rollup_walk(r->groups, write_row, t) < 0)
		tool_fatal(t, "the total is more than rollup can count (%llu)",
		    (unsigned long long)UINT64_MAX);
}

int
main(int argc, char **argv)
{
	struct tool t;
	struct roll r;
	const struct ec_policy *p;
	struct ec_buf msg = EC_BUF_INIT;
	int opt;

	memset(&r, 0, sizeof r);
	tool_init(&t, "rollup", usage);
	argv[0] = (char *)t.prog;	/* getopt's messages name the tool */
	while ((opt = getopt_long(argc, argv, COMMON_SHORT "b:m:", longopts,
	    NULL)) != -1) {
		if (tool_option(&t, opt, optarg))
			continue;
		switch (opt) {
		case 'b':
			add_list(&t, "-b", optarg, &r.by);
			break;
		case 'm':
			add_list(&t, "-m", optarg, &r.m);
			break;
		case OPT_MERGE:
			r.merge = 1;
			break;
		default:
			tool_usage_error(&t);
		}
	}
	tool_load_policy(&t);
	p = t.pol;
	if (!r.merge) {
		/* A name that is no metric is a usage error, found now. */
		if (ec_rollup_check_metrics(p, r.m.v, r.m.n, &msg) != 0)
			tool_fatal(&t, "%s", msg.p);
		if (!r.by.v)
			for (size_t k = 0; k < p->nrollup_by; k++)
				add_list(&t, "-b",
				    p->columns[p->rollup_by[k]].name, &r.by);
		if (r.by.n == 0)
			tool_fatal(&t, "-b: no column to count by (the "
			    "policy's rollup.by is empty)");
	}
	ec_risk_init(&r.risk, p);
	t.ctx = &r;
	t.own_output = 1;

	struct filter f = {
		r.merge ? bind_merge : bind_records,
		r.merge ? merge_record : count_record,
		NULL, 0,
	};
	tool_open_output(&t);
	tool_run_inputs(&t, &f, argv + optind, argc - optind);
	write_rollup(&t, &r);
	/* Every record read and not rejected went into the counts. */
	t.nwritten += t.nskipped;
	t.nskipped = 0;

	int status = tool_finish(&t);
	ec_risk_release(&r.risk);
	ec_rollup_free(r.groups);
	ec_names_release(&r.by);
	ec_names_release(&r.m);
	ec_rollup_plan_release(&r.plan);
	ec_rollupcsv_release(&r.in);
	return status;
}
