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
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "header.h"
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
	char **by_arg;		/* -b as given, else the policy's */
	size_t nby_arg;
	char **m_arg;		/* -m as given */
	size_t nm_arg;

	/* Settled by the first input's header. */
	int ready;
	size_t nb;		/* the -b columns */
	char **by_name;		/* ... their names in the output */
	int *by_field;		/* ... their fields in the input */
	size_t nm;		/* the metrics */
	char **m_name;
	const struct ec_expr **m_when;	/* counting: the condition */
	int *m_field;		/* merging: the field that holds it */

	/* Merging: the first input's layout (rollupcsv.h). */
	struct ec_rollupcsv in;

	struct ec_rollup *groups;
	struct ec_str *keys;
	struct ec_risk risk;
	struct ec_buf msg;
	int header_written;
};

/* Splits a -b or -m argument at commas onto *list. */
static void
add_list(struct tool *t, const char *opt, const char *arg, char ***list,
    size_t *n)
{
	const char *p = arg;

	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		const char *name = ec_trim(p, &len);

		if (len == 0)
			tool_fatal(t, "%s: empty name in '%s'", opt, arg);
		*list = ec_xrealloc(*list, (*n + 1) * sizeof **list);
		(*list)[(*n)++] = ec_xmemdup(name, len);
		if (!comma)
			break;
		p = comma + 1;
	}
}

static void
free_list(char **list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

/* The header of field f, trimmed: *n bytes. */
static const char *
header_name(const struct ec_sheet *s, int f, size_t *n)
{
	*n = strlen(s->header[f]);
	return ec_trim(s->header[f], n);
}

/* The field whose header is name (trimmed, ASCII letters in any case). */
static int
header_field(const struct ec_sheet *s, const char *name)
{
	size_t n;

	for (size_t f = 0; f < s->nfields; f++) {
		const char *h = header_name(s, (int)f, &n);
		if (ec_ascii_case_eq(h, n, name, strlen(name)))
			return (int)f;
	}
	return -1;
}

/* Prints "rollup: FILE:LINE: msg" for the header being bound. */
static void
header_error(struct tool *t, const char *msg)
{
	fprintf(stderr, "%s: %s:%zu: %s\n", t->prog, t->file, t->rec->line,
	    msg);
}

/* The output's header must be one a merge can read back. */
static int
check_names(struct tool *t, struct roll *r)
{
	struct ec_buf m = EC_BUF_INIT;

	if (ec_rollupcsv_check_names(r->by_name, r->nb, r->m_name, r->nm,
	    &m) == 0)
		return 0;
	header_error(t, m.p);
	ec_buf_release(&m);
	return -1;
}

static void
settle(struct roll *r, size_t ncounts)
{
	r->groups = ec_rollup_new(r->nb, ncounts);
	r->keys = ec_xcalloc(r->nb, sizeof *r->keys);
	r->ready = 1;
}

/*
 * Where the -b column name is in the input: its field, and (when out is
 * not NULL) its name in the output, allocated.
 */
static int
find_by(struct tool *t, struct ec_sheet *s, const char *name, int *field,
    char **out)
{
	const struct ec_policy *p = t->pol;
	int c = ec_header_named(p, name, strlen(name));
	struct ec_buf m = EC_BUF_INIT;
	const char *h;
	size_t n;

	if (c >= 0 && s->col_field[c] >= 0) {
		*field = s->col_field[c];
		if (out)
			*out = ec_xstrdup(p->columns[c].name);
		return 0;
	}
	/* Any column of the input will do, by its header as written. */
	if ((*field = header_field(s, name)) >= 0) {
		for (size_t f = (size_t)*field + 1; f < s->nfields; f++) {
			h = header_name(s, (int)f, &n);
			if (!ec_ascii_case_eq(h, n, name, strlen(name)))
				continue;
			ec_buf_addf(&m, "-b: fields %d and %zu are both named "
			    "'%s'", *field + 1, f + 1, name);
			header_error(t, m.p);
			ec_buf_release(&m);
			return -1;
		}
		h = header_name(s, *field, &n);
		if (out)
			*out = ec_xmemdup(h, n);
		return 0;
	}
	if (c >= 0) {
		const struct ec_column *col = &p->columns[c];
		ec_buf_addf(&m, "-b: the input has no column '%s' (its header "
		    "may be: %s", col->name, col->name);
		if (col->zh)
			ec_buf_addf(&m, ", %s", col->zh);
		for (size_t i = 0; i < col->naliases; i++)
			ec_buf_addf(&m, ", %s", col->aliases[i]);
		ec_buf_adds(&m, ")");
	} else {
		ec_buf_addf(&m, "-b: the input has no column '%s'", name);
	}
	header_error(t, m.p);
	ec_buf_release(&m);
	return -1;
}

/* Says what metric m lacks: the column, and what needs it. */
static void
lack(struct ec_buf *m, const struct ec_policy *p, int col, int via)
{
	ec_buf_addf(m, "the input has no column '%s'", p->columns[col].name);
	if (via >= 0)
		ec_buf_addf(m, " to compute '%s'", p->columns[via].name);
}

/* Counting records: the -b columns and which metrics the input can give. */
static int
bind_records(struct tool *t, struct ec_sheet *s)
{
	struct roll *r = t->ctx;
	const struct ec_policy *p = t->pol;
	size_t *pick;
	size_t npick = r->nm_arg ? r->nm_arg : p->nmetrics;

	ec_risk_provide(s, &r->risk);
	if (r->ready) {
		/* Later files have the first's header (run_file checks). */
		for (size_t k = 0; k < r->nb; k++)
			if (find_by(t, s, r->by_arg[k], &r->by_field[k],
			    NULL) != 0)
				return -1;
		return 0;
	}
	r->nb = r->nby_arg;
	r->by_name = ec_xcalloc(r->nb, sizeof *r->by_name);
	r->by_field = ec_xcalloc(r->nb, sizeof *r->by_field);
	for (size_t k = 0; k < r->nb; k++) {
		if (find_by(t, s, r->by_arg[k], &r->by_field[k],
		    &r->by_name[k]) != 0)
			return -1;
		for (size_t j = 0; j < k; j++)
			if (r->by_field[j] == r->by_field[k]) {
				ec_buf_reset(&r->msg);
				ec_buf_addf(&r->msg, "-b: '%s' and '%s' are the "
				    "same column", r->by_arg[j], r->by_arg[k]);
				header_error(t, r->msg.p);
				return -1;
			}
	}

	pick = ec_xcalloc(npick ? npick : 1, sizeof *pick);
	for (size_t i = 0; i < npick; i++) {
		pick[i] = i;
		for (size_t m = 0; r->nm_arg && m < p->nmetrics; m++)
			if (strcmp(p->metrics[m].name, r->m_arg[i]) == 0)
				pick[i] = m;	/* main checked it is there */
	}
	r->m_name = ec_xcalloc(npick ? npick : 1, sizeof *r->m_name);
	r->m_when = ec_xcalloc(npick ? npick : 1, sizeof *r->m_when);
	for (size_t i = 0; i < npick; i++) {
		const struct ec_metric *m = &p->metrics[pick[i]];
		int via, col = ec_rollup_unavailable(s, m->when, &r->risk,
		    &p->census, &via);

		if (col < 0) {
			r->m_name[r->nm] = m->name;
			r->m_when[r->nm++] = m->when;
			continue;
		}
		ec_buf_reset(&r->msg);
		if (r->nm_arg) {
			/* Asked for by name: leaving it out would surprise. */
			ec_buf_addf(&r->msg, "-m: the metric '%s' cannot be "
			    "counted: ", m->name);
			lack(&r->msg, p, col, via);
			header_error(t, r->msg.p);
			free(pick);
			return -1;
		}
		ec_buf_addf(&r->msg, "%s: note: metric '%s' left out: ",
		    t->prog, m->name);
		lack(&r->msg, p, col, via);
		fprintf(stderr, "%s\n", r->msg.p);
	}
	free(pick);
	if (check_names(t, r) != 0)
		return -1;
	settle(r, 1 + r->nm);
	return 0;
}

/* Counting records: one more in its group, and in each metric it meets. */
static int
count_record(struct tool *t, struct ec_sheet *s)
{
	struct roll *r = t->ctx;
	const struct ec_str *f = s->rec->fields;
	uint64_t *c;
	int blank = 0;

	for (size_t k = 0; k < r->nb; k++) {
		size_t n = f[r->by_field[k]].n;
		const char *v = ec_trim(f[r->by_field[k]].p, &n);

		if (n == 0) {
			/*
			 * A blank would read as a rolled-up value in the
			 * output, and the merge would take it for a subtotal.
			 */
			struct ec_problem pr = { EC_ERROR, "blank",
			    r->by_field[k], "blank, and rollup counts by this "
			    "column (-b)" };
			tool_problem(t, &pr);
			blank = 1;
		}
		r->keys[k].p = v;
		r->keys[k].n = n;
	}
	if (blank)
		return -1;
	c = ec_rollup_counts(r->groups, r->keys);
	if (c[0] == UINT64_MAX)
		tool_fatal(t, "%s:%zu: more records in one group than rollup "
		    "can count", t->file, s->rec->line);
	c[0]++;
	for (size_t i = 0; i < r->nm; i++)
		c[1 + i] += (uint64_t)ec_sheet_test(s, r->m_when[i]);
	return 0;
}

/* 1 when a and b name the same column: the same text, or policy column. */
static int
same_column(const struct ec_policy *p, const char *a, const char *b)
{
	int ca, cb;

	if (ec_ascii_case_eq(a, strlen(a), b, strlen(b)))
		return 1;
	ca = ec_header_named(p, a, strlen(a));
	cb = ec_header_named(p, b, strlen(b));
	return ca >= 0 && ca == cb;
}

/* The header of the input being bound, trimmed as ec_sheet keeps it. */
static struct ec_str *
header_of(const struct ec_sheet *s)
{
	struct ec_str *h = ec_xcalloc(s->nfields + 1, sizeof *h);

	for (size_t f = 0; f < s->nfields; f++) {
		h[f].p = s->header[f];
		h[f].n = strlen(s->header[f]);
	}
	return h;
}

/* Merging: the -b columns asked for among the input's (all: none asked). */
static int
merge_by(struct tool *t, struct roll *r)
{
	r->nb = r->nby_arg ? r->nby_arg : r->in.nb;
	r->by_name = ec_xcalloc(r->nb, sizeof *r->by_name);
	r->by_field = ec_xcalloc(r->nb, sizeof *r->by_field);
	for (size_t k = 0; k < r->nb; k++) {
		int found = r->nby_arg ? -1 : (int)k;
		for (size_t j = 0; j < r->in.nb && found < 0; j++)
			if (same_column(t->pol, r->by_arg[k], r->in.head[j].p))
				found = (int)j;
		if (found < 0) {
			ec_buf_addf(&r->msg, "-b: the input has no -b column "
			    "'%s' (it has: ", r->by_arg[k]);
			for (size_t j = 0; j < r->in.nb; j++)
				ec_buf_addf(&r->msg, "%s%s", j ? ", " : "",
				    r->in.head[j].p);
			ec_buf_adds(&r->msg, ")");
			header_error(t, r->msg.p);
			return -1;
		}
		r->by_field[k] = found;
		r->by_name[k] = ec_xstrdup(r->in.head[found].p);
	}
	return 0;
}

/* Merging: the metrics asked for among the input's (all: none asked). */
static int
merge_metrics(struct tool *t, struct roll *r)
{
	if (!r->nm_arg) {
		r->nm = r->in.nm;
		r->m_field = ec_xcalloc(r->nm + 1, sizeof *r->m_field);
		memcpy(r->m_field, r->in.count_field,
		    r->nm * sizeof *r->m_field);
	} else {
		r->nm = r->nm_arg;
		r->m_field = ec_xcalloc(r->nm + 1, sizeof *r->m_field);
		for (size_t i = 0; i < r->nm; i++) {
			r->m_field[i] = ec_rollupcsv_field(&r->in, r->m_arg[i]);
			if (r->m_field[i] >= 0)
				continue;
			ec_buf_addf(&r->msg, "-m: the input has no metric '%s'",
			    r->m_arg[i]);
			header_error(t, r->msg.p);
			return -1;
		}
		ec_rollupcsv_count_fields(&r->in, r->m_field, r->nm);
	}
	r->m_name = ec_xcalloc(r->nm + 1, sizeof *r->m_name);
	for (size_t i = 0; i < r->nm; i++)
		r->m_name[i] = ec_xstrdup(r->in.head[r->m_field[i]].p);
	return 0;
}

/* Merging: the input must be a rollup output (rollupcsv.h). */
static int
bind_merge(struct tool *t, struct ec_sheet *s)
{
	struct roll *r = t->ctx;
	struct ec_str *h = header_of(s);
	struct ec_rollupcsv in;
	int rc;

	ec_buf_reset(&r->msg);
	rc = ec_rollupcsv_header(&in, EC_ROLLUPCSV_EXACT, h, s->nfields,
	    &r->msg);
	free(h);
	if (rc != 0 || r->ready) {
		/* later files have the first's header */
		if (rc != 0)
			header_error(t, r->msg.p);
		ec_rollupcsv_release(&in);
		return rc;
	}
	r->in = in;
	if (merge_by(t, r) != 0 || merge_metrics(t, r) != 0 ||
	    check_names(t, r) != 0)
		return -1;
	settle(r, 1 + r->nm);
	return 0;
}

/* A problem of field f of the row being merged. */
static void
merge_problem(void *ctx, int f, const char *msg)
{
	struct ec_problem pr = { EC_ERROR, "merge", f, msg };

	tool_problem(ctx, &pr);
}

/*
 * Merging: a row of the deepest level adds its counts to its group; the
 * subtotals and the total are made again from them, so they are only
 * checked for their form.
 */
static int
merge_record(struct tool *t, struct ec_sheet *s)
{
	struct roll *r = t->ctx;
	struct ec_rollup_row row;

	if (ec_rollupcsv_read(&r->in, s->rec->fields, &row, merge_problem,
	    t) != 0)
		return -1;
	if (row.depth != r->in.nb)
		return 0;
	for (size_t k = 0; k < r->nb; k++)
		r->keys[k] = row.keys[r->by_field[k]];
	if (ec_rollup_add(r->groups, r->keys, row.counts) != 0)
		tool_fatal(t, "%s:%zu: the counts add up to more than rollup "
		    "can count (%llu)", t->file, s->rec->line,
		    (unsigned long long)UINT64_MAX);
	return 0;
}

static int
write_row(void *ctx, const struct ec_rollup_row *row)
{
	struct tool *t = ctx;
	struct roll *r = t->ctx;

	/* Not before the walk has found that the counts fit. */
	if (!r->header_written) {
		ec_rollupcsv_write_header(&t->out, r->by_name, r->nb,
		    r->m_name, r->nm);
		r->header_written = 1;
	}
	ec_rollupcsv_write_row(&t->out, r->by_name, r->nb, row, 1 + r->nm);
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
			add_list(&t, "-b", optarg, &r.by_arg, &r.nby_arg);
			break;
		case 'm':
			add_list(&t, "-m", optarg, &r.m_arg, &r.nm_arg);
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
		for (size_t i = 0; i < r.nm_arg; i++) {
			size_t m;
			for (m = 0; m < p->nmetrics; m++)
				if (strcmp(p->metrics[m].name, r.m_arg[i]) == 0)
					break;
			if (m < p->nmetrics)
				continue;
			ec_buf_addf(&r.msg, "-m: no metric '%s' in the policy "
			    "(its metrics: ", r.m_arg[i]);
			for (m = 0; m < p->nmetrics; m++)
				ec_buf_addf(&r.msg, "%s%s", m ? ", " : "",
				    p->metrics[m].name);
			tool_fatal(&t, "%s)", r.msg.p);
		}
		if (!r.by_arg)
			for (size_t k = 0; k < p->nrollup_by; k++)
				add_list(&t, "-b",
				    p->columns[p->rollup_by[k]].name,
				    &r.by_arg, &r.nby_arg);
		if (r.nby_arg == 0)
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
	free_list(r.by_arg, r.nby_arg);
	free_list(r.m_arg, r.nm_arg);
	free_list(r.by_name, r.nb);
	ec_rollupcsv_release(&r.in);
	if (r.merge)
		free_list(r.m_name, r.nm);
	else
		free(r.m_name);
	free(r.by_field);
	free(r.m_when);
	free(r.m_field);
	free(r.keys);
	ec_buf_release(&r.msg);
	return status;
}
