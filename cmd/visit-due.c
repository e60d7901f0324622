/*
 * visit-due - join the visit logs to the classified, scored census: last
 * visit, next visit due, days overdue, home visits, the yearly health
 * check, and alerts found on a visit (visit-due(1), plan §三(二)).  The
 * rules are lib/due.h's; this is the options and the files.
 *
 * The visit logs are read first into an index of one small entry per
 * person (lib/visits.h); then the census streams through the common
 * filter.  The visits themselves are not kept: visits of people the
 * census lacks are found by reading the logs again at the end, which is
 * why --visits must name regular files.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"
#include "due.h"
#include "outfile.h"
#include "risk.h"
#include "split.h"
#include "text.h"
#include "visits.h"

static const char usage[] =
"usage: visit-due --visits file [--visits file ...] [--visits-encoding enc]\n"
"                 [--overdue | --due-within N | --alerts]\n"
"                 [--split-by column --out-dir dir] [--unmatched file]\n"
"                 [-d delim] [-E encoding] [-o file] [-p policy]\n"
"                 [--as-of YYYY-MM-DD] [--bom] [--rejects file] [--stats]\n"
"                 [file ...]\n";

enum {
	OPT_VISITS = OPT_TOOL,
	OPT_VISITS_ENCODING,
	OPT_OVERDUE,
	OPT_DUE_WITHIN,
	OPT_ALERTS,
	OPT_SPLIT_BY,
	OPT_OUT_DIR,
	OPT_UNMATCHED,
};

static const struct option longopts[] = {
	COMMON_LONG,
	{ "visits", required_argument, NULL, OPT_VISITS },
	{ "visits-encoding", required_argument, NULL, OPT_VISITS_ENCODING },
	{ "overdue", no_argument, NULL, OPT_OVERDUE },
	{ "due-within", required_argument, NULL, OPT_DUE_WITHIN },
	{ "alerts", no_argument, NULL, OPT_ALERTS },
	{ "split-by", required_argument, NULL, OPT_SPLIT_BY },
	{ "out-dir", required_argument, NULL, OPT_OUT_DIR },
	{ "unmatched", required_argument, NULL, OPT_UNMATCHED },
	{ NULL, 0, NULL, 0 },
};

/* At most this many --split-by files are open at once. */
#define SPLIT_OPEN	64

/* A visit log: kept open to be read again for the unmatched visits. */
struct vlog {
	const char *path;
	int fd;
	struct ec_due_log log;
};

struct due {
	/* options */
	struct vlog *logs;
	size_t nlogs;
	const char *vencoding;
	enum ec_due_select sel;
	long long within;
	const char *split_by;
	const char *out_dir;
	const char *unmatched_path;

	struct ec_visits *index;
	struct ec_risk risk;
	struct ec_due rules;

	/* --split-by */
	struct ec_split *split;
	struct ec_due_split by;

	struct ec_due_list held;	/* --overdue */
	size_t taken;		/* records held or split, not left to common */
	struct ec_buf text;

	/* the visit logs */
	char **vheader;		/* the first log's header, for --unmatched */
	size_t vheader_n;
	struct ec_outfile unof;
	struct ec_csv_writer unw;
	int unmatched_open;
	size_t vunmatched;
};

/* Visit logs */

/* Reporting a visit record's problems like a census record's. */
struct vctx {
	struct tool *t;
	struct due *d;
	const char *file;
};

static void
visit_problem(void *ctx, size_t line, const char *column,
    const struct ec_problem *p)
{
	struct vctx *c = ctx;

	ec_diag_data(&c->t->diag, p->sev, p->kind, c->file, line, column,
	    p->msg);
}

static void
visit_unmatched(void *ctx, size_t line, const char *column,
    const struct ec_csv_record *rec)
{
	struct vctx *c = ctx;
	struct due *d = c->d;

	d->vunmatched++;
	ec_diag_data(&c->t->diag, EC_WARNING, "unmatched", c->file, line,
	    column, "no one with this ID in the census");
	if (d->unmatched_open) {
		ec_csv_write_fields(&d->unw, rec->fields, rec->nfields);
		ec_csv_end_record(&d->unw);
	}
}

/* One file, one header: every log must have the first's. */
static void
unmatched_header(struct tool *t, struct due *d, const struct vlog *vl,
    const struct ec_csv_record *rec)
{
	if (!d->vheader) {
		d->vheader_n = rec->nfields;
		d->vheader = ec_xcalloc(rec->nfields, sizeof *d->vheader);
		for (size_t i = 0; i < rec->nfields; i++)
			d->vheader[i] = ec_xmemdup(rec->fields[i].p,
			    rec->fields[i].n);
		ec_csv_write_fields(&d->unw, rec->fields, rec->nfields);
		ec_csv_end_record(&d->unw);
	} else if (!ec_filter_same_header(d->vheader, d->vheader_n, rec)) {
		tool_fatal(t, "%s:%zu: the header differs from the first visit "
		    "log's (--unmatched writes them under one header)",
		    vl->path, rec->line);
	}
}

/*
 * Reads a visit log: the first time (again 0) into the index, reporting
 * its problems; the second time for the visits of people the census
 * lacks (ec_due_read_log).
 */
static void
read_visits(struct tool *t, struct due *d, struct vlog *vl, int again)
{
	struct ec_csv_record *rec;
	struct ec_sheet *vs = ec_sheet_new(t->pol, t->asof);
	struct ec_buf msg = EC_BUF_INIT;
	struct vctx c = { t, d, vl->path };
	const struct ec_due_reading cb = { visit_problem, visit_unmatched, &c };
	struct ec_error err;

	if (again && lseek(vl->fd, 0, SEEK_SET) != 0)
		tool_fatal(t, "%s: cannot read it again: %s", vl->path,
		    strerror(errno));
	struct ec_csv_reader *r = tool_reader(t, vl->fd, vl->path,
	    d->vencoding, "--visits-encoding", &rec);

	if (ec_sheet_bind(vs, rec, &err) != 0)
		tool_fatal(t, "%s:%zu: %s", vl->path, rec->line, err.msg);
	ec_sheet_prepare(vs, r, 1);
	if (!again) {
		ec_sheet_missing(vs, &t->pol->visit_log, &msg);
		if (ec_diag_header(&t->diag, vl->path, &msg) != 0)
			exit(EXIT_FATAL);
		ec_buf_release(&msg);
		if (d->unmatched_path)
			unmatched_header(t, d, vl, rec);
	}
	if (ec_due_read_log(&d->rules, &vl->log, r, vs, rec->nfields, again,
	    &cb) == EC_CSV_FATAL)
		tool_reader_fatal(t, r, vl->path, "--visits-encoding");
	if (!again && vl->log.rejected > 0 && t->status < EXIT_DATA)
		t->status = EXIT_DATA;
	ec_diag_finish(&t->diag, vl->path);
	ec_csv_reader_free(r);	/* its thread may read the sheet */
	ec_sheet_free(vs);
}

static void
open_visits(struct tool *t, struct vlog *vl)
{
	struct stat st;

	if (strcmp(vl->path, "-") == 0)
		tool_fatal(t, "--visits -: the visit log must be a file (it "
		    "is read twice, see visit-due(1))");
	vl->fd = tool_open_input(t, vl->path);
	if (fstat(vl->fd, &st) != 0 || !S_ISREG(st.st_mode))
		tool_fatal(t, "%s: not a regular file: visit-due reads a visit "
		    "log twice, so it cannot be a pipe", vl->path);
}

/* The census */

static int
bind(struct tool *t, struct ec_sheet *s)
{
	struct due *d = t->ctx;
	struct ec_buf msg = EC_BUF_INIT;

	ec_due_own(s, &d->rules);
	ec_risk_provide(s, &d->risk);
	ec_due_missing(s, &d->rules, &d->risk, &msg);
	if (tool_header_problems(t, &msg) != 0)
		return -1;
	if (!d->split_by)
		return 0;
	if (ec_due_split_bind(&d->by, s, d->split_by, &msg) != 0)
		return tool_header_problems(t, &msg);
	if (!d->split) {
		/* The first line of every file: the output's header. */
		ec_buf_reset(&msg);
		ec_due_header_text(&d->rules, s, t->bom, &msg);
		d->split = ec_split_new(d->out_dir, msg.p, msg.len, SPLIT_OPEN);
		ec_buf_release(&msg);
	}
	return 0;
}

static void
split_write(struct tool *t, struct due *d, size_t group, const char *p,
    size_t n)
{
	struct ec_error err;

	if (ec_split_write(d->split, group, p, n, &err) != 0)
		tool_fatal(t, "%s", err.msg);
}

/*
 * A selected record that common does not write: its output text goes to
 * its --split-by file now, or is held back to be sorted (--overdue).
 */
static void
take(struct tool *t, struct due *d, struct ec_sheet *s,
    const struct ec_due_result *r, size_t group)
{
	struct ec_buf *b = &d->text;

	ec_buf_reset(b);
	ec_due_record_text(&d->rules, s, b);
	d->taken++;
	if (d->sel != EC_DUE_OVERDUE)
		split_write(t, d, group, b->p, b->len);
	else
		ec_due_list_add(&d->held, &d->rules, s, r, b->p, b->len,
		    group);
}

static int
record(struct tool *t, struct ec_sheet *s)
{
	struct due *d = t->ctx;
	const struct ec_due_result *r;
	size_t group = SIZE_MAX;

	if (ec_due_check(&d->rules, s, tool_problem, t) != 0)
		return -1;
	r = ec_due_compute(&d->rules, s);
	/*
	 * Every value gets its file, selected or not: a village with
	 * nobody to list today gets a list with nobody on it, not
	 * yesterday's file left standing.
	 */
	if (d->split) {
		size_t n;
		const char *v = ec_due_split_value(&d->by, s, &n);
		group = ec_split_group(d->split, v, n);
	}
	if (!ec_due_selected(r, d->sel, d->within))
		return 0;
	if (!d->split && d->sel != EC_DUE_OVERDUE)
		return 1;
	take(t, d, s, r, group);
	return 0;
}

/* After the census: the held records, the unmatched visits, the files. */
static void
finish(struct tool *t, struct due *d)
{
	size_t n, group, vread = 0, vrejected = 0;
	struct ec_error err;

	ec_due_list_sort(&d->held);
	for (size_t i = 0; i < d->held.n; i++) {
		const char *text = ec_due_list_text(&d->held, i, &n, &group);
		if (group != SIZE_MAX)
			split_write(t, d, group, text, n);
		else
			ec_csv_write_raw(&t->out, text, n);
	}
	/* Held and split records were written after all. */
	t->nskipped -= d->taken;
	t->nwritten += d->taken;

	if (ec_visits_unmatched(d->index) > 0)
		for (size_t i = 0; i < d->nlogs; i++)
			read_visits(t, d, &d->logs[i], 1);

	if (d->split && ec_split_commit(d->split, &err) != 0)
		tool_fatal(t, "%s", err.msg);
	if (d->unmatched_open) {
		d->unmatched_open = 0;
		tool_commit_writer(t, d->unmatched_path, &d->unof, &d->unw);
	}
	for (size_t i = 0; i < d->nlogs; i++) {
		vread += d->logs[i].log.records;
		vrejected += d->logs[i].log.rejected;
	}
	if (t->stats)
		fprintf(stderr, "%s: visits: read %zu, rejected %zu, of people "
		    "not in the census %zu\n", t->prog, vread, vrejected,
		    d->vunmatched);
}

/*
 * The lists of a run killed half-way (SIGKILL, a power cut) were never
 * renamed into place: their temporary files, an hour old or more, go.
 */
#define STALE_AFTER 3600

/* The options of visit-due's own; exits 2 on a bad one. */
static void
options(struct tool *t, struct due *d, int argc, char **argv)
{
	char *end;
	int opt, nsel = 0;

	while ((opt = getopt_long(argc, argv, COMMON_SHORT, longopts,
	    NULL)) != -1) {
		if (tool_option(t, opt, optarg))
			continue;
		switch (opt) {
		case OPT_VISITS:
			d->logs = ec_xrealloc(d->logs,
			    (d->nlogs + 1) * sizeof *d->logs);
			memset(&d->logs[d->nlogs], 0, sizeof d->logs[0]);
			d->logs[d->nlogs].path = optarg;
			d->logs[d->nlogs++].fd = -1;
			break;
		case OPT_VISITS_ENCODING:
			d->vencoding = optarg;
			break;
		case OPT_OVERDUE:
			d->sel = EC_DUE_OVERDUE;
			nsel++;
			break;
		case OPT_DUE_WITHIN:
			errno = 0;
			d->within = strtoll(optarg, &end, 10);
			if (*optarg < '0' || *optarg > '9' || *end != '\0' ||
			    errno != 0 || d->within > 100000)
				tool_fatal(t, "bad --due-within '%s' (a number "
				    "of days, 0 to 100000)", optarg);
			d->sel = EC_DUE_WITHIN;
			nsel++;
			break;
		case OPT_ALERTS:
			d->sel = EC_DUE_ALERTS;
			nsel++;
			break;
		case OPT_SPLIT_BY:
			d->split_by = optarg;
			break;
		case OPT_OUT_DIR:
			d->out_dir = optarg;
			break;
		case OPT_UNMATCHED:
			d->unmatched_path = optarg;
			break;
		default:
			tool_usage_error(t);
		}
	}
	if (d->nlogs == 0) {
		fprintf(stderr, "%s: no visit log: give --visits FILE\n",
		    t->prog);
		tool_usage_error(t);
	}
	if (nsel > 1)
		tool_fatal(t, "--overdue, --due-within and --alerts exclude "
		    "each other");
	if (!d->split_by != !d->out_dir)
		tool_fatal(t, "--split-by and --out-dir go together");
	if (d->split_by && t->out_path)
		tool_fatal(t, "-o and --split-by exclude each other (the files "
		    "go under --out-dir)");
	if (d->unmatched_path && strcmp(d->unmatched_path, "-") == 0)
		tool_fatal(t, "--unmatched needs a file name");
}

/* Stdout or -o, the --out-dir, the --unmatched file. */
static void
open_outputs(struct tool *t, struct due *d)
{
	tool_open_output(t);
	if (d->split_by) {
		size_t n;
		int e = ec_split_make_dir(d->out_dir, STALE_AFTER, &n);
		if (e != 0)
			tool_fatal(t, "--out-dir %s: %s", d->out_dir,
			    strerror(e));
		if (n > 0)
			fprintf(stderr, "%s: --out-dir %s: removed %zu temporary "
			    "file%s left by a run that was killed\n", t->prog,
			    d->out_dir, n, n == 1 ? "" : "s");
		/* The records go to the files: stdout gets nothing. */
		if ((t->out.fd = open("/dev/null", O_WRONLY)) < 0)
			tool_fatal(t, "/dev/null: %s", strerror(errno));
	}
	if (d->unmatched_path) {
		tool_open_writer(t, d->unmatched_path, &d->unof, &d->unw);
		d->unmatched_open = 1;
	}
}

static void
release(struct due *d)
{
	for (size_t i = 0; i < d->nlogs; i++) {
		close(d->logs[i].fd);
		ec_due_log_release(&d->logs[i].log);
	}
	free(d->logs);
	for (size_t i = 0; i < d->vheader_n; i++)
		free(d->vheader[i]);
	free(d->vheader);
	ec_due_list_release(&d->held);
	ec_buf_release(&d->text);
	ec_due_split_release(&d->by);
	ec_due_release(&d->rules);
	ec_visits_free(d->index);
	ec_risk_release(&d->risk);
}

int
main(int argc, char **argv)
{
	struct tool t;
	struct due d;

	memset(&d, 0, sizeof d);
	tool_init(&t, "visit-due", usage);
	argv[0] = (char *)t.prog;	/* getopt's messages name the tool */
	options(&t, &d, argc, argv);

	tool_load_policy(&t);
	d.index = ec_visits_new(t.asof, t.pol->alert_window_days,
	    t.pol->report_within_days);
	ec_due_init(&d.rules, t.pol, d.index);
	ec_risk_init(&d.risk, t.pol);
	t.ctx = &d;

	open_outputs(&t, &d);
	for (size_t i = 0; i < d.nlogs; i++)
		open_visits(&t, &d.logs[i]);
	for (size_t i = 0; i < d.nlogs; i++)
		read_visits(&t, &d, &d.logs[i], 0);

	struct filter f = { bind, record, d.rules.cols, EC_DUE_NCOLS };
	tool_run_inputs(&t, &f, argv + optind, argc - optind);
	finish(&t, &d);
	int status = tool_finish(&t);
	ec_split_free(d.split);
	release(&d);
	return status;
}
