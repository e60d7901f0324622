/*
 * visit-due - join the visit logs to the classified, scored census: last
 * visit, next visit due, days overdue, home visits, the yearly health
 * check, and alerts found on a visit (CONTRACT §6, seed §三(二)).
 *
 * The visit logs are read first into an index of one small entry per
 * person (lib/visits.h); then the census streams through the common
 * filter.  The visits themselves are not kept: visits of people the
 * census lacks are found by reading the logs again at the end, which is
 * why --visits must name regular files.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"
#include "idset.h"
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

enum select {
	SEL_ALL = 0,
	SEL_OVERDUE,
	SEL_DUE_WITHIN,
	SEL_ALERTS,
};

/* visit-due's columns, in the order of CONTRACT §6. */
enum {
	C_LAST_VISIT,
	C_LAST_HOME_VISIT,
	C_INTERVAL_DAYS,
	C_NEXT_DUE,
	C_DAYS_OVERDUE,
	C_VISIT_STATUS,
	C_HOME_VISIT_STATUS,
	C_HEALTH_CHECK_DUE,
	C_ALERT,
	C_ALERT_REPORT,
	NCOLS
};

static const char *const colnames[NCOLS] = {
	"last_visit", "last_home_visit", "interval_days", "next_due",
	"days_overdue", "visit_status", "home_visit_status",
	"health_check_due", "alert", "alert_report",
};

static const char *const report_token[] = {
	NULL, "on_time", "late", "missing",
};

/* A visit log: kept open to be read again for the unmatched visits. */
struct vlog {
	const char *path;
	int fd;
	size_t records;		/* records read the first time */
	/* Bit i: record i (from 0) went into the index the first time. */
	unsigned char *indexed;
	size_t indexed_cap;
};

/* The current census record's results. */
struct result {
	int prog;		/* in the visiting programme */
	int has_interval;
	ec_date last, last_home, next_due;
	long long interval, overdue;
	const char *status, *home, *health, *alert, *report;
};

/* A record held back for --overdue: sort keys, then the output text. */
struct held {
	size_t off;		/* in the arena: county, township, village, text */
	size_t klen[3];
	size_t tlen;
	long long days;
	int never;
	size_t group;		/* --split-by group, or SIZE_MAX */
	size_t seq;
};

struct due {
	/* options */
	struct vlog *logs;
	size_t nlogs;
	const char *vencoding;
	enum select sel;
	long long within;
	const char *split_by;
	const char *out_dir;
	const char *unmatched_path;

	/* the policy's columns and tokens */
	int cols[NCOLS];
	int id_col, visit_date_col, mode_col, situation_col, reported_col;
	int key_cols[3];	/* county, township, village */
	const struct ec_vocab *situations;
	int none_tok;
	struct ec_sheet_rules idrules;	/* the ID number alone */
	unsigned char *interval_reads;	/* per column: an interval rule reads it */

	struct ec_visits *index;
	struct ec_risk risk;

	/* the census record the result is for */
	const struct ec_sheet *sheet;
	uint32_t gen;
	struct result r;

	/* --split-by */
	struct ec_split *split;
	int split_field;	/* the input field, or -1 ... */
	int split_col;		/* ... the computed column */

	/* --overdue: held records */
	struct held *held;
	size_t nheld, heldcap;
	struct ec_buf arena;
	size_t taken;		/* records held or split, not left to common */

	struct ec_buf text, scratch;

	/* the visit logs */
	char **vheader;		/* the first log's header, for --unmatched */
	size_t vheader_n;
	struct ec_outfile unof;
	struct ec_csv_writer unw;
	int unmatched_open;
	size_t vread, vrejected, vunmatched;
};

static struct due *cleanup_due;

/* Leaves no temporary file behind, whatever way the process ends. */
static void
cleanup_at_exit(void)
{
	ec_outfile_cleanup();
	if (cleanup_due && cleanup_due->split) {
		ec_split_free(cleanup_due->split);
		cleanup_due->split = NULL;
	}
}

static void
on_signal(int sig)
{
	ec_outfile_cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Appends a field as the CSV writer writes it (csv.h). */
static void
put_field(struct ec_buf *b, const char *p, size_t n, int *nf)
{
	int quote = 0;

	for (size_t i = 0; i < n && !quote; i++)
		quote = p[i] == ',' || p[i] == '"' || p[i] == '\r' ||
		    p[i] == '\n';
	if ((*nf)++)
		ec_buf_addc(b, ',');
	if (!quote) {
		ec_buf_add(b, p, n);
		return;
	}
	ec_buf_addc(b, '"');
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '"')
			ec_buf_addc(b, '"');
		ec_buf_addc(b, p[i]);
	}
	ec_buf_addc(b, '"');
}

static void
end_line(struct ec_buf *b, int nf, int last_empty)
{
	/* One empty field alone would be a blank line, which readers skip. */
	if (nf == 1 && last_empty)
		ec_buf_add(b, "\"\"", 2);
	ec_buf_addc(b, '\n');
}

/* The header of field f of sheet s, trimmed, for messages. */
static const char *
field_name(const struct ec_sheet *s, int f, struct ec_buf *b)
{
	size_t n = strlen(s->header[f]);
	const char *p = ec_trim(s->header[f], &n);

	ec_buf_reset(b);
	ec_buf_add(b, p, n);
	return b->p;
}

/* Visit logs */

/* Reporting a visit record's problems like a census record's. */
struct vctx {
	struct tool *t;
	struct due *d;
	const struct ec_sheet *sheet;
	const char *file;
	size_t line;
	int quiet;		/* the second reading: said already */
};

static void
visit_problem(void *ctx, const struct ec_problem *p)
{
	struct vctx *c = ctx;
	struct ec_buf col = EC_BUF_INIT;

	if (c->quiet)
		return;
	ec_diag_data(&c->t->diag, p->sev, p->kind, c->file, c->line,
	    p->field >= 0 ? field_name(c->sheet, p->field, &col) : NULL,
	    p->msg);
	ec_buf_release(&col);
}

static void
visit_record_problem(struct vctx *c, const char *kind, const char *msg)
{
	struct ec_problem p = { EC_ERROR, kind, -1, msg };

	visit_problem(c, &p);
}

/* The token index of a situation value (a vocabulary token), or -1. */
static int
situation_index(const struct due *d, const struct ec_value *v)
{
	if (v->blank)
		return -1;
	for (size_t k = 0; k < d->situations->nvalues; k++) {
		const struct ec_vocab_value *tok = &d->situations->values[k];
		if (v->s == tok->token || (tok->token_n == v->n &&
		    memcmp(tok->token, v->s, v->n) == 0))
			return (int)k == d->none_tok ? -1 : (int)k;
	}
	return -1;
}

/* The first reading: a valid visit goes into the index. */
static void
index_visit(struct tool *t, struct due *d, struct ec_sheet *vs,
    struct vctx *c)
{
	struct ec_value date, mode, sit, rep;
	struct ec_visit v;

	ec_sheet_value(vs, d->visit_date_col, &date);
	ec_sheet_value(vs, d->mode_col, &mode);
	ec_sheet_value(vs, d->situation_col, &sit);
	ec_sheet_value(vs, d->reported_col, &rep);
	v.key = ec_sheet_id_key(vs, d->id_col);
	v.date = (ec_date)date.i;
	v.home = !mode.blank && mode.n == 4 && memcmp(mode.s, "home", 4) == 0;
	v.situation = situation_index(d, &sit);
	v.reported = !rep.blank;
	v.reported_date = (ec_date)rep.i;
	if (v.reported && v.reported_date < v.date) {
		char d1[11], d2[11];
		struct ec_buf m = EC_BUF_INIT;
		ec_date_format(v.reported_date, d1);
		ec_date_format(v.date, d2);
		ec_buf_addf(&m, "reported_date %s is before visit_date %s",
		    d1, d2);
		struct ec_problem p = { EC_WARNING, "report-before-visit",
		    vs->col_field[d->reported_col], m.p };
		visit_problem(c, &p);
		ec_buf_release(&m);
	}
	ec_visits_add(d->index, &v);
}

/* The second reading: a visit of nobody in the census is reported. */
static void
unmatched_visit(struct tool *t, struct due *d, struct ec_sheet *vs,
    struct vctx *c, const struct ec_csv_record *rec)
{
	struct ec_visit_entry *e;
	struct ec_buf col = EC_BUF_INIT;

	e = ec_visits_find(d->index, ec_sheet_id_key(vs, d->id_col));
	/* Not in the index: the file changed since the first reading. */
	if (!e || e->matched)
		return;
	d->vunmatched++;
	ec_diag_data(&t->diag, EC_WARNING, "unmatched", c->file, c->line,
	    field_name(vs, vs->col_field[d->id_col], &col),
	    "no one with this ID in the census");
	ec_buf_release(&col);
	if (d->unmatched_open) {
		ec_csv_write_fields(&d->unw, rec->fields, rec->nfields);
		ec_csv_end_record(&d->unw);
	}
}

/*
 * Reads a visit log: the first time (again 0) into the index, reporting
 * its problems; the second time for the visits of people the census
 * lacks, reading no further than the first time did.
 */
static void
read_visits(struct tool *t, struct due *d, struct vlog *vl, int again)
{
	struct ec_csv_record *rec;
	struct ec_sheet vs;
	struct ec_buf msg = EC_BUF_INIT;
	struct vctx c = { t, d, &vs, vl->path, 0, again };
	char err[512];
	enum ec_csv_status st;
	size_t n = 0;

	if (again && lseek(vl->fd, 0, SEEK_SET) != 0)
		tool_fatal(t, "%s: cannot read it again: %s", vl->path,
		    strerror(errno));
	struct ec_csv_reader *r = tool_reader(t, vl->fd, vl->path,
	    d->vencoding, "--visits-encoding", &rec);

	ec_sheet_init(&vs, t->pol, t->asof);
	if (ec_sheet_bind(&vs, rec, err, sizeof err) != 0)
		tool_fatal(t, "%s:%zu: %s", vl->path, rec->line, err);
	ec_sheet_prepare(&vs, r, 1);
	if (!again) {
		ec_sheet_missing(&vs, &t->pol->visit_log, &msg);
		if (tool_header_problems_in(t, vl->path, &msg) != 0)
			exit(EXIT_FATAL);
	}
	ec_buf_release(&msg);
	if (!again && d->unmatched_path) {
		/* One file, one header: every log must have the first's. */
		if (!d->vheader) {
			d->vheader_n = rec->nfields;
			d->vheader = ec_xcalloc(rec->nfields, sizeof *d->vheader);
			for (size_t i = 0; i < rec->nfields; i++)
				d->vheader[i] = ec_xmemdup(rec->fields[i].p,
				    rec->fields[i].n);
			ec_csv_write_fields(&d->unw, rec->fields, rec->nfields);
			ec_csv_end_record(&d->unw);
		} else if (!tool_same_header(d->vheader, d->vheader_n, rec)) {
			tool_fatal(t, "%s:%zu: the header differs from the "
			    "first visit log's (--unmatched writes them under "
			    "one header)", vl->path, rec->line);
		}
	}

	size_t nheader = rec->nfields;
	while ((st = ec_csv_next(r, &rec)) == EC_CSV_RECORD) {
		if (again && n == vl->records)
			break;
		n++;
		c.line = rec->line;
		if (!again)
			d->vread++;
		if (rec->error || rec->nfields != nheader) {
			char m[120];
			if (rec->error)
				snprintf(m, sizeof m, "%s",
				    ec_csv_rec_strerror(rec->error));
			else
				snprintf(m, sizeof m, "record has %zu field%s, "
				    "the header has %zu", rec->nfields,
				    rec->nfields == 1 ? "" : "s", nheader);
			visit_record_problem(&c, rec->error ? "csv" : "fields",
			    m);
			goto rejected;
		}
		ec_sheet_record(&vs, rec);
		if (again) {
			/* Checked the first time: only its ID is wanted now. */
			if ((n - 1) / 8 < vl->indexed_cap &&
			    vl->indexed[(n - 1) / 8] >> (n - 1) % 8 & 1)
				unmatched_visit(t, d, &vs, &c, rec);
			continue;
		}
		if (ec_sheet_check(&vs, &t->pol->visit_log, 0, visit_problem,
		    &c) > 0)
			goto rejected;
		index_visit(t, d, &vs, &c);
		/* A log in date order jumps from person to person. */
		uint64_t next = ec_sheet_next_id_key(&vs, d->id_col);
		if (next)
			ec_visits_prefetch(d->index, next);
		if ((n - 1) / 8 >= vl->indexed_cap) {
			size_t cap = vl->indexed_cap ? vl->indexed_cap * 2 : 4096;
			vl->indexed = ec_xrealloc(vl->indexed, cap);
			memset(vl->indexed + vl->indexed_cap, 0,
			    cap - vl->indexed_cap);
			vl->indexed_cap = cap;
		}
		vl->indexed[(n - 1) / 8] |= (unsigned char)(1u << (n - 1) % 8);
		continue;
rejected:
		if (!again) {
			d->vrejected++;
			if (t->status < EXIT_DATA)
				t->status = EXIT_DATA;
		}
	}
	if (st == EC_CSV_FATAL)
		tool_reader_fatal(t, r, vl->path, "--visits-encoding");
	if (!again)
		vl->records = n;
	ec_diag_finish(&t->diag, vl->path);
	ec_buf_release(&msg);
	ec_csv_reader_free(r);	/* its thread may read the sheet */
	ec_sheet_release(&vs);
}

static void
open_visits(struct tool *t, struct vlog *vl)
{
	struct stat st;

	if (strcmp(vl->path, "-") == 0)
		tool_fatal(t, "--visits -: the visit log must be a file (it "
		    "is read twice, see visit-due(1))");
	if ((vl->fd = open(vl->path, O_RDONLY)) < 0)
		tool_fatal(t, "%s: %s", vl->path, strerror(errno));
	if (fstat(vl->fd, &st) != 0)
		tool_fatal(t, "%s: %s", vl->path, strerror(errno));
	if (S_ISDIR(st.st_mode))
		tool_fatal(t, "%s: %s", vl->path, strerror(EISDIR));
	if (!S_ISREG(st.st_mode))
		tool_fatal(t, "%s: not a regular file: visit-due reads a visit "
		    "log twice, so it cannot be a pipe", vl->path);
}

/* The census */

/* The results of the current record of s, computed once. */
static const struct result *
compute(struct due *d, struct ec_sheet *s)
{
	const struct ec_policy *pol = s->pol;
	struct result *r = &d->r;
	struct ec_visit_entry *e = NULL;

	if (d->sheet == s && d->gen == s->gen)
		return r;
	d->sheet = s;
	d->gen = s->gen;
	memset(r, 0, sizeof *r);

	uint64_t key = ec_sheet_id_key(s, d->id_col);
	if (key)
		e = ec_visits_find(d->index, key);
	/* The next person's entry is a cache miss too: start it now. */
	uint64_t next = ec_sheet_next_id_key(s, d->id_col);
	if (next)
		ec_visits_prefetch(d->index, next);
	/* In the census, rejected or not: their visits are not strays. */
	if (e)
		e->matched = 1;
	r->last = e ? e->last : EC_VISITS_NEVER;
	r->last_home = e ? e->last_home : EC_VISITS_NEVER;
	if (e && e->alert) {
		r->alert = d->situations->values[e->alert - 1].token;
		r->report = report_token[e->report];
	}

	r->prog = ec_sheet_test(s, pol->programme);
	if (r->prog) {
		for (size_t i = 0; i < pol->nintervals; i++) {
			const struct ec_interval *in = &pol->intervals[i];
			if (!in->when || ec_sheet_test(s, in->when)) {
				r->has_interval = 1;
				r->interval = in->days;
				break;
			}
		}
		if (r->last == EC_VISITS_NEVER) {
			r->status = "never_visited";
		} else if (r->has_interval) {
			r->next_due = (ec_date)(r->last + r->interval);
			r->overdue = (long long)s->asof - r->next_due;
			r->status = r->overdue > 0 ? "overdue" :
			    r->overdue >= -pol->due_soon_days ? "due_soon" : "ok";
		}
		if (!ec_sheet_test(s, pol->home_visit_when))
			r->home = "not_applicable";
		else if (r->last_home == EC_VISITS_NEVER)
			r->home = "never";
		else if ((long long)s->asof - r->last_home <=
		    pol->home_visit_days)
			r->home = "ok";
		else
			r->home = "overdue";
	} else {
		r->status = r->home = "not_applicable";
	}

	if (!ec_sheet_test(s, pol->health_eligible))
		r->health = "not_applicable";
	else
		r->health = ec_sheet_test(s, pol->health_done) ? "no" : "yes";
	return r;
}

static struct ec_value
str_value(const char *s)
{
	return s ? ec_value_str(EC_T_STR, s, strlen(s)) :
	    ec_value_blank(EC_T_STR);
}

static struct ec_value
date_value(ec_date d)
{
	return d == EC_VISITS_NEVER ? ec_value_blank(EC_T_DATE) :
	    ec_value_int(EC_T_DATE, d);
}

/* The sheet's hook for every column visit-due writes. */
static void
hook(void *ctx, struct ec_sheet *s, int col, struct ec_value *out)
{
	struct due *d = ctx;
	const struct result *r = compute(d, s);
	int k;

	for (k = 0; k < NCOLS && d->cols[k] != col; k++)
		continue;
	*out = ec_value_blank(EC_T_STR);
	switch (k) {
	case C_LAST_VISIT:
		*out = date_value(r->last);
		break;
	case C_LAST_HOME_VISIT:
		*out = date_value(r->last_home);
		break;
	case C_INTERVAL_DAYS:
		*out = r->prog && r->has_interval ?
		    ec_value_int(EC_T_INT, r->interval) :
		    ec_value_blank(EC_T_INT);
		break;
	case C_NEXT_DUE:
		*out = r->prog && r->has_interval &&
		    r->last != EC_VISITS_NEVER ? date_value(r->next_due) :
		    ec_value_blank(EC_T_DATE);
		break;
	case C_DAYS_OVERDUE:
		*out = r->prog && r->has_interval &&
		    r->last != EC_VISITS_NEVER ?
		    ec_value_int(EC_T_INT, r->overdue) :
		    ec_value_blank(EC_T_INT);
		break;
	case C_VISIT_STATUS:
		*out = str_value(r->status);
		break;
	case C_HOME_VISIT_STATUS:
		*out = str_value(r->home);
		break;
	case C_HEALTH_CHECK_DUE:
		*out = str_value(r->health);
		break;
	case C_ALERT:
		*out = str_value(r->alert);
		break;
	case C_ALERT_REPORT:
		*out = str_value(r->report);
		break;
	}
}

/* What visit-due reads and cannot do without (see bind). */
struct need {
	struct ec_sheet *s;
	struct due *d;
	unsigned char *seen;
	struct ec_buf *msg;
	const char *what;
	int risk;		/* reads a column ec_risk computes */
};

static int
census_required(const struct ec_policy *p, int col)
{
	for (size_t i = 0; i < p->census.nrequired; i++)
		if (p->census.required[i] == col)
			return 1;
	for (size_t i = 0; i < p->census.nrequired_when; i++)
		if (p->census.required_when_col[i] == col)
			return 1;
	return 0;
}

static void
missing_line(struct ec_buf *msg, const struct ec_column *c, const char *what)
{
	ec_buf_addf(msg, "required column '%s' is missing, and visit-due "
	    "needs it for %s (its header may be: %s", c->name, what, c->name);
	if (c->zh)
		ec_buf_addf(msg, ", %s", c->zh);
	for (size_t i = 0; i < c->naliases; i++)
		ec_buf_addf(msg, ", %s", c->aliases[i]);
	ec_buf_adds(msg, ")\n");
}

static void need_column(void *arg, int col);

static void
need_expr(struct need *w, const struct ec_expr *e, const char *what)
{
	const char *was = w->what;

	if (!e)
		return;
	w->what = what;
	ec_expr_slots(e, need_column, w);
	w->what = was;
}

static void
need_column(void *arg, int col)
{
	struct need *w = arg;
	struct ec_sheet *s = w->s;
	const struct ec_derived *def;

	if (w->seen[col])
		return;
	w->seen[col] = 1;
	switch (s->src[col]) {
	case EC_SRC_NONE:
		/* An optional column the input lacks is blank: no matter. */
		if (census_required(s->pol, col))
			missing_line(w->msg, &s->pol->columns[col], w->what);
		break;
	case EC_SRC_DERIVED:
		def = s->def[col];
		need_expr(w, def->expr, s->pol->columns[col].name);
		for (size_t i = 0; i < def->nflags; i++)
			need_expr(w, def->flags[i], s->pol->columns[col].name);
		break;
	case EC_SRC_HOOK:
		if (s->hook_ctx[col] == &w->d->risk)
			w->risk = 1;
		break;
	default:
		break;
	}
}

/* 1 when header text p[0..n) names column c (as sheet.h binds). */
static int
names_column(const struct ec_column *c, const char *p, size_t n)
{
	if (ec_ascii_case_eq(p, n, c->name, strlen(c->name)) ||
	    (c->zh && ec_ascii_case_eq(p, n, c->zh, strlen(c->zh))))
		return 1;
	for (size_t i = 0; i < c->naliases; i++)
		if (ec_ascii_case_eq(p, n, c->aliases[i], strlen(c->aliases[i])))
			return 1;
	return 0;
}

/*
 * --split-by NAME: a field of the input (by the policy's spellings of a
 * column, else by its header as written), or a column visit-due
 * computes or reads computed (visit_status, risk_level ...).
 */
static int
bind_split(struct tool *t, struct due *d, struct ec_sheet *s)
{
	const struct ec_policy *p = t->pol;
	size_t n = strlen(d->split_by);
	const char *name = ec_trim(d->split_by, &n);

	d->split_field = d->split_col = -1;
	for (size_t c = 0; c < p->ncolumns; c++) {
		if (!names_column(&p->columns[c], name, n))
			continue;
		int f = s->col_field[c];
		if (f >= 0 && !s->drop[f])
			d->split_field = f;
		else if (s->src[c] != EC_SRC_NONE)
			d->split_col = (int)c;
		else
			continue;
		return 0;
	}
	for (size_t f = 0; f < s->nfields; f++) {
		size_t hn = strlen(s->header[f]);
		const char *h = ec_trim(s->header[f], &hn);
		if (s->drop[f] || !ec_ascii_case_eq(h, hn, name, n))
			continue;
		if (d->split_field >= 0) {
			fprintf(stderr, "%s: %s:1: --split-by: fields %d and %zu "
			    "are both named '%s'\n", t->prog, t->file,
			    d->split_field + 1, f + 1, d->split_by);
			return -1;
		}
		d->split_field = (int)f;
	}
	if (d->split_field >= 0)
		return 0;
	fprintf(stderr, "%s: %s:1: --split-by: no column '%s' in the header, "
	    "nor one visit-due computes\n", t->prog, t->file, d->split_by);
	return -1;
}

/* The first line of every --split-by file: the output's header. */
static void
split_head(struct tool *t, struct due *d, struct ec_sheet *s)
{
	struct ec_buf b = EC_BUF_INIT;
	int nf = 0;

	if (t->bom)
		ec_buf_add(&b, "\xef\xbb\xbf", 3);
	for (size_t i = 0; i < s->nfields; i++)
		if (!s->drop[i])
			put_field(&b, s->header[i], strlen(s->header[i]), &nf);
	for (size_t i = 0; i < NCOLS; i++)
		put_field(&b, colnames[i], strlen(colnames[i]), &nf);
	end_line(&b, nf, 0);
	d->split = ec_split_new(d->out_dir, b.p, b.len, SPLIT_OPEN);
	ec_buf_release(&b);
}

static int
bind(struct tool *t, struct ec_sheet *s)
{
	struct due *d = t->ctx;
	const struct ec_policy *p = t->pol;
	struct ec_buf msg = EC_BUF_INIT;
	struct need w = { s, d, NULL, &msg, NULL, 0 };

	/* A new sheet counts its records from 1 again. */
	d->sheet = NULL;
	for (size_t i = 0; i < NCOLS; i++)
		ec_sheet_own(s, d->cols[i], hook, d);
	ec_risk_provide(s, &d->risk);

	/*
	 * The census is elder-classify's to check; what matters here is
	 * the ID number, to find the visits, and what the rules read.
	 */
	if (s->col_field[d->id_col] < 0)
		missing_line(&msg, &p->columns[d->id_col],
		    "the visits");
	w.seen = ec_xcalloc(p->ncolumns, 1);
	for (size_t i = 0; i < NCOLS; i++)
		w.seen[d->cols[i]] = 1;
	need_expr(&w, p->programme, "the programme");
	for (size_t i = 0; i < p->nintervals; i++)
		need_expr(&w, p->intervals[i].when, "the visit interval");
	need_expr(&w, p->home_visit_when, "the home-visit rule");
	need_expr(&w, p->health_eligible, "the health check");
	need_expr(&w, p->health_done, "the health check");
	free(w.seen);
	if (w.risk)
		ec_risk_missing(s, &d->risk, &p->census, &msg);
	if (tool_header_problems(t, &msg) != 0)
		return -1;
	if (d->split_by) {
		if (bind_split(t, d, s) != 0)
			return -1;
		if (!d->split)
			split_head(t, d, s);
	}
	return 0;
}

/* Passes on the problems of the ID number only (see id_problem). */
static void
id_filter(void *ctx, const struct ec_problem *p)
{
	struct tool *t = ctx;
	struct due *d = t->ctx;

	if (p->sev == EC_ERROR && p->field == t->sheet->col_field[d->id_col])
		tool_problem(t, p);
}

/* Says what is wrong with the record's ID number (blank or bad). */
static void
id_problem(struct tool *t, struct due *d, struct ec_sheet *s)
{
	int f = s->col_field[d->id_col];

	if (s->bad[d->id_col]) {
		/* The sheet's own words, as elder-classify says them. */
		ec_sheet_check(s, &d->idrules, 0, id_filter, t);
	} else {
		struct ec_problem p = { EC_ERROR, "blank", f,
		    "required value is blank" };
		tool_problem(t, &p);
	}
}

/* Says why no interval rule holds: a value they read is blank or bad. */
static void
interval_problem(struct tool *t, struct due *d, struct ec_sheet *s)
{
	const struct ec_policy *p = t->pol;
	struct ec_buf m = EC_BUF_INIT;
	int field = -1;

	ec_buf_adds(&m, "no visit interval rule holds");
	/* The first column the rules read that is blank for this record. */
	for (size_t c = 0; c < p->ncolumns && field < 0; c++) {
		if (!d->interval_reads[c])
			continue;
		struct ec_value v;
		ec_sheet_value(s, (int)c, &v);
		if (!v.blank)
			continue;
		int f = s->src[c] == EC_SRC_FIELD ? s->col_field[c] : -1;
		if (f >= 0 && s->bad[c]) {
			const struct ec_str *cell = &s->rec->fields[f];
			size_t n = cell->n;
			const char *txt = ec_trim(cell->p, &n);
			ec_buf_addf(&m, ": %s holds ", p->columns[c].name);
			ec_diag_quote(&m, txt, n);
			ec_buf_adds(&m, ", which is not one of its values");
		} else {
			ec_buf_addf(&m, ": %s is blank", p->columns[c].name);
		}
		field = f >= 0 ? f : -2;
	}
	struct ec_problem pr = { EC_ERROR, "interval", field >= 0 ? field : -1,
	    m.p };
	tool_problem(t, &pr);
	ec_buf_release(&m);
}

/* The selection: the programme's people the option asks for. */
static int
selected(const struct due *d, const struct result *r)
{
	int never = r->last == EC_VISITS_NEVER;

	switch (d->sel) {
	case SEL_ALL:
		return 1;
	case SEL_OVERDUE:
		return r->prog && (never || r->overdue > 0);
	case SEL_DUE_WITHIN:
		return r->prog && (never || r->overdue >= -d->within);
	case SEL_ALERTS:
		return r->prog && r->alert != NULL;
	}
	return 0;
}

/* The text of a column's value, in d->scratch. */
static void
value_text(struct due *d, struct ec_sheet *s, int col)
{
	struct ec_value v;

	ec_sheet_value(s, col, &v);
	ec_buf_reset(&d->scratch);
	ec_value_write(s, &v, &d->scratch);
}

/* The --split-by group of the current record. */
static size_t
split_group(struct due *d, struct ec_sheet *s)
{
	if (d->split_field >= 0) {
		const struct ec_str *cell = &s->rec->fields[d->split_field];
		size_t n = cell->n;
		const char *p = ec_trim(cell->p, &n);
		return ec_split_group(d->split, p, n);
	}
	value_text(d, s, d->split_col);
	return ec_split_group(d->split, d->scratch.p ? d->scratch.p : "",
	    d->scratch.len);
}

static void
split_write(struct tool *t, struct due *d, size_t group, const char *p,
    size_t n)
{
	char err[512];

	if (ec_split_write(d->split, group, p, n, err, sizeof err) != 0)
		tool_fatal(t, "%s", err);
}

/*
 * A selected record that common does not write: its output text goes to
 * its --split-by file now, or is held back to be sorted (--overdue),
 * with its sort keys.
 */
static void
take(struct tool *t, struct due *d, struct ec_sheet *s,
    const struct result *r, size_t group)
{
	const struct ec_csv_record *rec = s->rec;
	struct ec_buf *b = &d->text;
	int nf = 0, last_empty = 0;

	ec_buf_reset(b);
	for (size_t i = 0; i < rec->nfields; i++) {
		if (s->drop[i])
			continue;
		put_field(b, rec->fields[i].p, rec->fields[i].n, &nf);
		last_empty = rec->fields[i].n == 0;
	}
	for (size_t k = 0; k < NCOLS; k++) {
		value_text(d, s, d->cols[k]);
		put_field(b, d->scratch.p ? d->scratch.p : "", d->scratch.len,
		    &nf);
		last_empty = d->scratch.len == 0;
	}
	end_line(b, nf, last_empty);
	d->taken++;
	if (d->sel != SEL_OVERDUE) {
		split_write(t, d, group, b->p, b->len);
		return;
	}

	if (d->nheld == d->heldcap) {
		d->heldcap = d->heldcap ? d->heldcap * 2 : 256;
		d->held = ec_xrealloc(d->held, d->heldcap * sizeof *d->held);
	}
	struct held *h = &d->held[d->nheld];
	h->off = d->arena.len;
	for (size_t k = 0; k < 3; k++) {
		h->klen[k] = 0;
		if (d->key_cols[k] < 0)
			continue;
		value_text(d, s, d->key_cols[k]);
		ec_buf_add(&d->arena, d->scratch.p, d->scratch.len);
		h->klen[k] = d->scratch.len;
	}
	ec_buf_add(&d->arena, b->p, b->len);
	h->tlen = b->len;
	h->never = r->last == EC_VISITS_NEVER;
	h->days = r->overdue;
	h->group = group;
	h->seq = d->nheld++;
}

static int
record(struct tool *t, struct ec_sheet *s)
{
	struct due *d = t->ctx;
	struct ec_value id;
	const struct result *r;
	size_t group = SIZE_MAX;

	ec_sheet_value(s, d->id_col, &id);
	if (id.blank) {
		id_problem(t, d, s);
		return -1;
	}
	r = compute(d, s);
	if (r->prog && !r->has_interval) {
		interval_problem(t, d, s);
		return -1;
	}
	/*
	 * Every value gets its file, selected or not: a village with
	 * nobody to list today gets a list with nobody on it, not
	 * yesterday's file left standing.
	 */
	if (d->split)
		group = split_group(d, s);
	if (!selected(d, r))
		return 0;
	if (!d->split && d->sel != SEL_OVERDUE)
		return 1;
	take(t, d, s, r, group);
	return 0;
}

static const char *sort_arena;

static int
cmp_bytes(const char *a, size_t an, const char *b, size_t bn)
{
	int c = memcmp(a, b, an < bn ? an : bn);

	if (c != 0)
		return c;
	return (an > bn) - (an < bn);
}

/* County, township, village; never visited first; most overdue first. */
static int
cmp_held(const void *pa, const void *pb)
{
	const struct held *a = pa, *b = pb;
	const char *ka = sort_arena + a->off, *kb = sort_arena + b->off;

	for (size_t k = 0; k < 3; k++) {
		int c = cmp_bytes(ka, a->klen[k], kb, b->klen[k]);
		if (c != 0)
			return c;
		ka += a->klen[k];
		kb += b->klen[k];
	}
	if (a->never != b->never)
		return a->never ? -1 : 1;
	if (!a->never && a->days != b->days)
		return a->days > b->days ? -1 : 1;
	return (a->seq > b->seq) - (a->seq < b->seq);
}

/* After the census: the held records, the unmatched visits, the files. */
static void
finish(struct tool *t, struct due *d)
{
	char err[512];

	if (d->nheld > 0) {
		sort_arena = d->arena.p;
		qsort(d->held, d->nheld, sizeof *d->held, cmp_held);
		for (size_t i = 0; i < d->nheld; i++) {
			const struct held *h = &d->held[i];
			const char *text = d->arena.p + h->off + h->klen[0] +
			    h->klen[1] + h->klen[2];
			if (h->group != SIZE_MAX)
				split_write(t, d, h->group, text, h->tlen);
			else
				ec_csv_write_raw(&t->out, text, h->tlen);
		}
	}
	/* Held and split records were written after all. */
	t->nskipped -= d->taken;
	t->nwritten += d->taken;

	if (ec_visits_unmatched(d->index) > 0)
		for (size_t i = 0; i < d->nlogs; i++)
			read_visits(t, d, &d->logs[i], 1);

	if (d->split && ec_split_commit(d->split, err, sizeof err) != 0)
		tool_fatal(t, "%s", err);
	if (d->unmatched_open) {
		if (ec_csv_writer_flush(&d->unw) != 0)
			tool_fatal(t, "%s: write error: %s", d->unmatched_path,
			    strerror(d->unw.err));
		d->unmatched_open = 0;
		if (ec_outfile_commit(&d->unof, err, sizeof err) != 0)
			tool_fatal(t, "%s", err);
		ec_csv_writer_release(&d->unw);
	}
	if (t->stats)
		fprintf(stderr, "%s: visits: read %zu, rejected %zu, of people "
		    "not in the census %zu\n", t->prog, d->vread, d->vrejected,
		    d->vunmatched);
}

static void
mark_read(void *arg, int col)
{
	unsigned char *reads = arg;

	reads[col] = 1;
}

static void
prepare_out_dir(struct tool *t, const char *dir)
{
	struct stat st;

	if (stat(dir, &st) == 0) {
		if (!S_ISDIR(st.st_mode))
			tool_fatal(t, "--out-dir %s: %s", dir,
			    strerror(ENOTDIR));
		return;
	}
	/* Another run may make it at the same moment: fine. */
	if (errno != ENOENT || (mkdir(dir, 0777) != 0 && errno != EEXIST))
		tool_fatal(t, "--out-dir %s: %s", dir, strerror(errno));
}

/*
 * The lists of a run killed half-way (SIGKILL, a power cut) were never
 * renamed into place: their temporary files, an hour old or more, go.
 */
#define STALE_AFTER 3600

static void
sweep_out_dir(struct tool *t, const char *dir)
{
	size_t n = ec_outfile_sweep(dir, ".csv", STALE_AFTER);

	if (n > 0)
		fprintf(stderr, "%s: --out-dir %s: removed %zu temporary "
		    "file%s left by a run that was killed\n", t->prog, dir, n,
		    n == 1 ? "" : "s");
}

int
main(int argc, char **argv)
{
	struct tool t;
	struct due d;
	const struct ec_policy *p;
	char *end, err[512];
	int opt, nsel = 0;

	memset(&d, 0, sizeof d);
	tool_init(&t, "visit-due", usage);
	argv[0] = (char *)t.prog;	/* getopt's messages name the tool */
	/* Besides -o and --rejects, the --split-by files. */
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	while ((opt = getopt_long(argc, argv, COMMON_SHORT, longopts,
	    NULL)) != -1) {
		if (tool_option(&t, opt, optarg))
			continue;
		switch (opt) {
		case OPT_VISITS:
			d.logs = ec_xrealloc(d.logs,
			    (d.nlogs + 1) * sizeof *d.logs);
			memset(&d.logs[d.nlogs], 0, sizeof d.logs[0]);
			d.logs[d.nlogs].path = optarg;
			d.logs[d.nlogs++].fd = -1;
			break;
		case OPT_VISITS_ENCODING:
			d.vencoding = optarg;
			break;
		case OPT_OVERDUE:
			d.sel = SEL_OVERDUE;
			nsel++;
			break;
		case OPT_DUE_WITHIN:
			errno = 0;
			d.within = strtoll(optarg, &end, 10);
			if (*optarg < '0' || *optarg > '9' || *end != '\0' ||
			    errno != 0 || d.within > 100000)
				tool_fatal(&t, "bad --due-within '%s' (a number "
				    "of days, 0 to 100000)", optarg);
			d.sel = SEL_DUE_WITHIN;
			nsel++;
			break;
		case OPT_ALERTS:
			d.sel = SEL_ALERTS;
			nsel++;
			break;
		case OPT_SPLIT_BY:
			d.split_by = optarg;
			break;
		case OPT_OUT_DIR:
			d.out_dir = optarg;
			break;
		case OPT_UNMATCHED:
			d.unmatched_path = optarg;
			break;
		default:
			tool_usage_error(&t);
		}
	}
	if (d.nlogs == 0) {
		fprintf(stderr, "%s: no visit log: give --visits FILE\n", t.prog);
		tool_usage_error(&t);
	}
	if (nsel > 1)
		tool_fatal(&t, "--overdue, --due-within and --alerts exclude "
		    "each other");
	if (!d.split_by != !d.out_dir)
		tool_fatal(&t, "--split-by and --out-dir go together");
	if (d.split_by && t.out_path)
		tool_fatal(&t, "-o and --split-by exclude each other (the files "
		    "go under --out-dir)");
	if (d.unmatched_path && strcmp(d.unmatched_path, "-") == 0)
		tool_fatal(&t, "--unmatched needs a file name");

	tool_load_policy(&t);
	p = t.pol;
	for (size_t i = 0; i < NCOLS; i++)
		d.cols[i] = ec_policy_column(p, colnames[i]);
	/* The policy loader makes sure that these exist, with their types. */
	d.id_col = ec_policy_column(p, "id_number");
	d.visit_date_col = ec_policy_column(p, "visit_date");
	d.mode_col = ec_policy_column(p, "mode");
	d.situation_col = ec_policy_column(p, "situation");
	d.reported_col = ec_policy_column(p, "reported_date");
	d.key_cols[0] = ec_policy_column(p, "county");
	d.key_cols[1] = ec_policy_column(p, "township");
	d.key_cols[2] = ec_policy_column(p, "village");
	d.situations = &p->vocabs[p->columns[d.situation_col].vocab];
	d.none_tok = ec_vocab_token(d.situations, "none");
	d.idrules.required = &d.id_col;
	d.idrules.nrequired = 1;
	d.idrules.unique = -1;
	d.interval_reads = ec_xcalloc(p->ncolumns, 1);
	for (size_t i = 0; i < p->nintervals; i++)
		if (p->intervals[i].when)
			ec_expr_slots(p->intervals[i].when, mark_read,
			    d.interval_reads);
	d.index = ec_visits_new(t.asof, p->alert_window_days,
	    p->report_within_days);
	ec_risk_init(&d.risk, t.pol);
	t.ctx = &d;
	cleanup_due = &d;
	atexit(cleanup_at_exit);

	tool_open_output(&t);
	if (d.split_by) {
		prepare_out_dir(&t, d.out_dir);
		sweep_out_dir(&t, d.out_dir);
		/* The records go to the files: stdout gets nothing. */
		if ((t.out.fd = open("/dev/null", O_WRONLY)) < 0)
			tool_fatal(&t, "/dev/null: %s", strerror(errno));
	}
	if (d.unmatched_path) {
		if (ec_outfile_open(&d.unof, d.unmatched_path, err,
		    sizeof err) != 0)
			tool_fatal(&t, "%s", err);
		ec_csv_writer_init(&d.unw, d.unof.fd);
		d.unmatched_open = 1;
		if (t.bom)
			ec_csv_write_raw(&d.unw, "\xef\xbb\xbf", 3);
	}
	for (size_t i = 0; i < d.nlogs; i++)
		open_visits(&t, &d.logs[i]);
	for (size_t i = 0; i < d.nlogs; i++)
		read_visits(&t, &d, &d.logs[i], 0);

	struct filter f = { bind, record, d.cols, NCOLS };
	tool_run_inputs(&t, &f, argv + optind, argc - optind);
	finish(&t, &d);
	ec_split_free(d.split);
	d.split = NULL;
	int status = tool_finish(&t);
	cleanup_due = NULL;	/* d goes when main returns */

	for (size_t i = 0; i < d.nlogs; i++) {
		close(d.logs[i].fd);
		free(d.logs[i].indexed);
	}
	free(d.logs);
	for (size_t i = 0; i < d.vheader_n; i++)
		free(d.vheader[i]);
	free(d.vheader);
	free(d.held);
	free(d.interval_reads);
	ec_buf_release(&d.arena);
	ec_buf_release(&d.text);
	ec_buf_release(&d.scratch);
	ec_visits_free(d.index);
	ec_risk_release(&d.risk);
	return status;
}
