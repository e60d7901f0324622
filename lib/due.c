#include "due.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "header.h"
#include "risk.h"
#include "text.h"

static const char *const colnames[EC_DUE_NCOLS] = {
	"last_visit", "last_home_visit", "interval_days", "next_due",
	"days_overdue", "visit_status", "home_visit_status",
	"health_check_due", "alert", "alert_report",
};

/* By enum ec_report. */
static const char *const report_token[] = {
	NULL, "on_time", "late", "missing",
};

static void
mark_read(void *arg, int col)
{
	unsigned char *reads = arg;

	reads[col] = 1;
}

void
ec_due_init(struct ec_due *d, const struct ec_policy *p,
    struct ec_visits *index)
{
	memset(d, 0, sizeof *d);
	d->pol = p;
	d->index = index;
	/* The policy loader makes sure that these exist, with their types. */
	for (size_t i = 0; i < EC_DUE_NCOLS; i++)
		d->cols[i] = ec_policy_column(p, colnames[i]);
	d->id_col = ec_policy_column(p, "id_number");
	d->visit_date_col = ec_policy_column(p, "visit_date");
	d->mode_col = ec_policy_column(p, "mode");
	d->situation_col = ec_policy_column(p, "situation");
	d->reported_col = ec_policy_column(p, "reported_date");
	d->key_cols[0] = ec_policy_column(p, "county");
	d->key_cols[1] = ec_policy_column(p, "township");
	d->key_cols[2] = ec_policy_column(p, "village");
	d->situations = &p->vocabs[p->columns[d->situation_col].vocab];
	d->none_tok = ec_vocab_token(d->situations, "none");
	d->interval_reads = ec_xcalloc(p->ncolumns, 1);
	for (size_t i = 0; i < p->nintervals; i++)
		if (p->intervals[i].when)
			ec_expr_slots(p->intervals[i].when, mark_read,
			    d->interval_reads);
}

void
ec_due_release(struct ec_due *d)
{
	free(d->interval_reads);
	d->interval_reads = NULL;
	ec_buf_release(&d->scratch);
	d->sheet = NULL;
}

/* The rules of a person in the programme, with their visits in r. */
static void
programme_rules(const struct ec_policy *pol, struct ec_sheet *s,
    struct ec_due_result *r)
{
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
		r->overdue = (long long)ec_sheet_asof(s) - r->next_due;
		r->status = r->overdue > 0 ? "overdue" :
		    r->overdue >= -pol->due_soon_days ? "due_soon" : "ok";
	}
	if (!ec_sheet_test(s, pol->home_visit_when))
		r->home = "not_applicable";
	else if (r->last_home == EC_VISITS_NEVER)
		r->home = "never";
	else if ((long long)ec_sheet_asof(s) - r->last_home <=
	    pol->home_visit_days)
		r->home = "ok";
	else
		r->home = "overdue";
}

const struct ec_due_result *
ec_due_compute(struct ec_due *d, struct ec_sheet *s)
{
	const struct ec_policy *pol = d->pol;
	struct ec_due_result *r = &d->r;
	struct ec_visit_entry *e = NULL;

	if (d->sheet == s && d->gen == ec_sheet_gen(s))
		return r;
	d->sheet = s;
	d->gen = ec_sheet_gen(s);
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
	if (r->prog)
		programme_rules(pol, s, r);
	else
		r->status = r->home = "not_applicable";

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
	struct ec_due *d = ctx;
	const struct ec_due_result *r = ec_due_compute(d, s);
	/* Due date and days overdue: once there is a last visit. */
	int dated = r->prog && r->has_interval && r->last != EC_VISITS_NEVER;
	int k;

	for (k = 0; k < EC_DUE_NCOLS && d->cols[k] != col; k++)
		continue;
	*out = ec_value_blank(EC_T_STR);
	switch (k) {
	case EC_DUE_LAST_VISIT:
		*out = date_value(r->last);
		break;
	case EC_DUE_LAST_HOME_VISIT:
		*out = date_value(r->last_home);
		break;
	case EC_DUE_INTERVAL_DAYS:
		*out = r->prog && r->has_interval ?
		    ec_value_int(EC_T_INT, r->interval) :
		    ec_value_blank(EC_T_INT);
		break;
	case EC_DUE_NEXT_DUE:
		*out = dated ? date_value(r->next_due) :
		    ec_value_blank(EC_T_DATE);
		break;
	case EC_DUE_DAYS_OVERDUE:
		*out = dated ? ec_value_int(EC_T_INT, r->overdue) :
		    ec_value_blank(EC_T_INT);
		break;
	case EC_DUE_VISIT_STATUS:
		*out = str_value(r->status);
		break;
	case EC_DUE_HOME_VISIT_STATUS:
		*out = str_value(r->home);
		break;
	case EC_DUE_HEALTH_CHECK_DUE:
		*out = str_value(r->health);
		break;
	case EC_DUE_ALERT:
		*out = str_value(r->alert);
		break;
	case EC_DUE_ALERT_REPORT:
		*out = str_value(r->report);
		break;
	}
}

void
ec_due_own(struct ec_sheet *s, struct ec_due *d)
{
	/* A new sheet counts its records from 1 again. */
	d->sheet = NULL;
	for (size_t i = 0; i < EC_DUE_NCOLS; i++)
		ec_sheet_own(s, d->cols[i], hook, d);
}

/* The walk of ec_due_missing over the columns the rules read. */
struct need {
	struct ec_sheet *s;
	const struct ec_risk *risk;
	unsigned char *said;	/* per column: named missing already */
	struct ec_buf *msg;
	const char *what;
	size_t count;
	int reads_risk;		/* reads a column risk computes */
};

static void
missing_line(struct need *w, const struct ec_column *c, const char *what)
{
	ec_buf_addf(w->msg, "required column '%s' is missing, and visit-due "
	    "needs it for %s", c->name, what);
	ec_header_spellings(w->msg, c);
	ec_buf_addc(w->msg, '\n');
	w->count++;
}

static void
need_column(void *arg, int col, enum ec_source src, int via)
{
	struct need *w = arg;
	const struct ec_policy *p = ec_sheet_policy(w->s);

	if (src == EC_SRC_HOOK && ec_sheet_computed_by(w->s, col, w->risk))
		w->reads_risk = 1;
	/* An optional column the input lacks is blank: no matter. */
	if (src != EC_SRC_NONE || w->said[col] ||
	    !ec_sheet_rules_requires(&p->census, col))
		return;
	w->said[col] = 1;
	missing_line(w, &p->columns[col],
	    via >= 0 ? p->columns[via].name : w->what);
}

static void
need_expr(struct need *w, const struct ec_expr *e, const char *what)
{
	w->what = what;
	ec_sheet_inputs(w->s, e, need_column, w);
}

size_t
ec_due_missing(struct ec_sheet *s, const struct ec_due *d,
    const struct ec_risk *risk, struct ec_buf *msg)
{
	const struct ec_policy *p = d->pol;
	struct need w = { s, risk, NULL, msg, NULL, 0, 0 };

	/*
	 * The census is elder-classify's to check; what matters here is
	 * the ID number, to find the visits, and what the rules read.
	 */
	if (ec_sheet_field(s, d->id_col) < 0)
		missing_line(&w, &p->columns[d->id_col], "the visits");
	w.said = ec_xcalloc(p->ncolumns, 1);
	need_expr(&w, p->programme, "the programme");
	for (size_t i = 0; i < p->nintervals; i++)
		need_expr(&w, p->intervals[i].when, "the visit interval");
	need_expr(&w, p->home_visit_when, "the home-visit rule");
	need_expr(&w, p->health_eligible, "the health check");
	need_expr(&w, p->health_done, "the health check");
	free(w.said);
	if (w.reads_risk)
		w.count += ec_risk_missing(s, risk, &p->census, msg);
	return w.count;
}

/* Why no interval rule holds: a value they read is blank or bad. */
static void
no_interval(const struct ec_due *d, struct ec_sheet *s, ec_problem_fn fn,
    void *ctx)
{
	const struct ec_policy *p = d->pol;
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
		int f = ec_sheet_source(s, (int)c) == EC_SRC_FIELD ?
		    ec_sheet_field(s, (int)c) : -1;
		if (f >= 0 && ec_sheet_bad(s, (int)c)) {
			const struct ec_str *cell =
			    &ec_sheet_current(s)->fields[f];
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
	fn(ctx, &pr);
	ec_buf_release(&m);
}

/* Passes on the errors of one field only. */
struct only {
	ec_problem_fn fn;
	void *ctx;
	int field;
};

static void
only_field(void *ctx, const struct ec_problem *p)
{
	struct only *o = ctx;

	if (p->sev == EC_ERROR && p->field == o->field)
		o->fn(o->ctx, p);
}

int
ec_due_check(struct ec_due *d, struct ec_sheet *s, ec_problem_fn fn,
    void *ctx)
{
	struct ec_value id;
	const struct ec_due_result *r;
	int f = ec_sheet_field(s, d->id_col);

	ec_sheet_value(s, d->id_col, &id);
	if (id.blank && ec_sheet_bad(s, d->id_col)) {
		struct only o = { fn, ctx, f };
		/* Where d is now: the sheet knows its rules by address. */
		d->idrules.required = &d->id_col;
		/* The sheet's own words, as elder-classify says them. */
		ec_sheet_check(s, &d->idrules, 0, only_field, &o);
		return -1;
	}
	if (id.blank) {
		struct ec_problem p = { EC_ERROR, "blank", f,
		    "required value is blank" };
		fn(ctx, &p);
		return -1;
	}
	r = ec_due_compute(d, s);
	if (r->prog && !r->has_interval) {
		no_interval(d, s, fn, ctx);
		return -1;
	}
	return 0;
}

/* Appends a field, after a comma unless it is the first. */
static void
put_field(struct ec_buf *b, const char *p, size_t n, int *nf)
{
	if ((*nf)++)
		ec_buf_addc(b, ',');
	ec_csv_quote_field(b, p, n);
}

static void
end_line(struct ec_buf *b, int nf, int last_empty)
{
	/* One empty field alone would be a blank line, which readers skip. */
	if (nf == 1 && last_empty)
		ec_buf_add(b, "\"\"", 2);
	ec_buf_addc(b, '\n');
}

void
ec_due_record_text(struct ec_due *d, struct ec_sheet *s, struct ec_buf *b)
{
	const struct ec_csv_record *rec = ec_sheet_current(s);
	int nf = 0, last_empty = 0;

	for (size_t i = 0; i < rec->nfields; i++) {
		if (ec_sheet_dropped(s, i))
			continue;
		put_field(b, rec->fields[i].p, rec->fields[i].n, &nf);
		last_empty = rec->fields[i].n == 0;
	}
	for (size_t k = 0; k < EC_DUE_NCOLS; k++) {
		struct ec_value v;
		ec_sheet_value(s, d->cols[k], &v);
		ec_buf_reset(&d->scratch);
		ec_value_write(s, &v, &d->scratch);
		put_field(b, d->scratch.p ? d->scratch.p : "", d->scratch.len,
		    &nf);
		last_empty = d->scratch.len == 0;
	}
	end_line(b, nf, last_empty);
}

void
ec_due_header_text(const struct ec_due *d, const struct ec_sheet *s,
    int bom, struct ec_buf *b)
{
	int nf = 0;

	if (bom)
		ec_buf_add(b, "\xef\xbb\xbf", 3);
	for (size_t i = 0; i < ec_sheet_nfields(s); i++) {
		const char *h = ec_sheet_header(s, i);
		if (!ec_sheet_dropped(s, i))
			put_field(b, h, strlen(h), &nf);
	}
	for (size_t i = 0; i < EC_DUE_NCOLS; i++)
		put_field(b, colnames[i], strlen(colnames[i]), &nf);
	end_line(b, nf, 0);
}

int
ec_due_selected(const struct ec_due_result *r, enum ec_due_select sel,
    long long within)
{
	int never = r->last == EC_VISITS_NEVER;

	switch (sel) {
	case EC_DUE_ALL:
		return 1;
	case EC_DUE_OVERDUE:
		return r->prog && (never || r->overdue > 0);
	case EC_DUE_WITHIN:
		return r->prog && (never || r->overdue >= -within);
	case EC_DUE_ALERTS:
		return r->prog && r->alert != NULL;
	}
	return 0;
}

/* Visit logs */

/* The problems of the record being read, with its line. */
struct relay {
	const struct ec_due_reading *cb;
	const struct ec_sheet *vs;
	size_t line;
	struct ec_buf name;
};

/* The header of field f of vs, trimmed, for messages; NULL for -1. */
static const char *
field_name(struct relay *rl, int f)
{
	const char *h;
	size_t n;

	if (f < 0)
		return NULL;
	h = ec_sheet_header(rl->vs, (size_t)f);
	n = strlen(h);
	h = ec_trim(h, &n);
	ec_buf_reset(&rl->name);
	ec_buf_add(&rl->name, h, n);
	return rl->name.p;
}

static void
relay_problem(void *ctx, const struct ec_problem *p)
{
	struct relay *rl = ctx;

	rl->cb->problem(rl->cb->ctx, rl->line, field_name(rl, p->field), p);
}

/* The token index of a situation value (a vocabulary token), or -1. */
static int
situation_index(const struct ec_due *d, const struct ec_value *v)
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

/* A valid visit goes into the index. */
static void
index_visit(struct ec_due *d, struct ec_sheet *vs, struct relay *rl)
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
		    ec_sheet_field(vs, d->reported_col), m.p };
		relay_problem(rl, &p);
		ec_buf_release(&m);
	}
	ec_visits_add(d->index, &v);
}

static void
mark_indexed(struct ec_due_log *log, size_t i)
{
	if (i / 8 >= log->indexed_cap) {
		size_t cap = log->indexed_cap ? log->indexed_cap * 2 : 4096;
		log->indexed = ec_xrealloc(log->indexed, cap);
		memset(log->indexed + log->indexed_cap, 0,
		    cap - log->indexed_cap);
		log->indexed_cap = cap;
	}
	log->indexed[i / 8] |= (unsigned char)(1u << i % 8);
}

static int
was_indexed(const struct ec_due_log *log, size_t i)
{
	return i / 8 < log->indexed_cap && log->indexed[i / 8] >> i % 8 & 1;
}

/* A record of the wrong shape: its problem. */
static void
malformed(struct relay *rl, const struct ec_csv_record *rec, size_t nheader)
{
	char m[120];

	if (rec->error)
		snprintf(m, sizeof m, "%s", ec_csv_rec_strerror(rec->error));
	else
		snprintf(m, sizeof m, "record has %zu field%s, the header has "
		    "%zu", rec->nfields, rec->nfields == 1 ? "" : "s", nheader);
	struct ec_problem p = { EC_ERROR, rec->error ? "csv" : "fields", -1,
	    m };
	relay_problem(rl, &p);
}

/* The second reading: a visit of nobody in the census goes to cb. */
static void
unmatched_visit(struct ec_due *d, struct ec_sheet *vs,
    const struct ec_csv_record *rec, struct relay *rl)
{
	struct ec_visit_entry *e;

	e = ec_visits_find(d->index, ec_sheet_id_key(vs, d->id_col));
	/* Not in the index: the file changed since the first reading. */
	if (e && !e->matched)
		rl->cb->unmatched(rl->cb->ctx, rec->line,
		    field_name(rl, ec_sheet_field(vs, d->id_col)), rec);
}

enum ec_csv_status
ec_due_read_log(struct ec_due *d, struct ec_due_log *log,
    struct ec_csv_reader *r, struct ec_sheet *vs, size_t nheader, int again,
    const struct ec_due_reading *cb)
{
	struct ec_csv_record *rec;
	struct relay rl = { cb, vs, 0, EC_BUF_INIT };
	enum ec_csv_status st;
	size_t n = 0;

	while ((st = ec_csv_next(r, &rec)) == EC_CSV_RECORD) {
		if (again && n == log->records)
			break;
		n++;
		rl.line = rec->line;
		if (rec->error || rec->nfields != nheader) {
			/* Said the first time. */
			if (!again) {
				malformed(&rl, rec, nheader);
				log->rejected++;
			}
			continue;
		}
		ec_sheet_record(vs, rec);
		if (again) {
			/* Checked the first time: only its ID is wanted now. */
			if (was_indexed(log, n - 1))
				unmatched_visit(d, vs, rec, &rl);
			continue;
		}
		if (ec_sheet_check(vs, &d->pol->visit_log, 0, relay_problem,
		    &rl) > 0) {
			log->rejected++;
			continue;
		}
		index_visit(d, vs, &rl);
		/* A log in date order jumps from person to person. */
		uint64_t next = ec_sheet_next_id_key(vs, d->id_col);
		if (next)
			ec_visits_prefetch(d->index, next);
		mark_indexed(log, n - 1);
	}
	if (!again)
		log->records = n;
	ec_buf_release(&rl.name);
	return st;
}

void
ec_due_log_release(struct ec_due_log *log)
{
	free(log->indexed);
	log->indexed = NULL;
	log->indexed_cap = 0;
}

/* The list of --overdue */

struct ec_due_held {
	size_t off;		/* in the arena: county, township, village, text */
	size_t klen[3];
	size_t tlen;
	long long days;
	int never;
	size_t group;
	size_t seq;
	const char *at;		/* arena + off, once sorting */
};

void
ec_due_list_add(struct ec_due_list *l, const struct ec_due *d,
    struct ec_sheet *s, const struct ec_due_result *r, const char *text,
    size_t n, size_t group)
{
	struct ec_due_held *h;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 256;
		l->held = ec_xrealloc(l->held, l->cap * sizeof *l->held);
	}
	h = &l->held[l->n];
	h->off = l->arena.len;
	for (size_t k = 0; k < 3; k++) {
		struct ec_value v;
		h->klen[k] = 0;
		if (d->key_cols[k] < 0)
			continue;
		ec_sheet_value(s, d->key_cols[k], &v);
		ec_buf_reset(&l->scratch);
		ec_value_write(s, &v, &l->scratch);
		ec_buf_add(&l->arena, l->scratch.p, l->scratch.len);
		h->klen[k] = l->scratch.len;
	}
	ec_buf_add(&l->arena, text, n);
	h->tlen = n;
	h->never = r->last == EC_VISITS_NEVER;
	h->days = r->overdue;
	h->group = group;
	h->seq = l->n++;
}

static int
cmp_bytes(const char *a, size_t an, const char *b, size_t bn)
{
	int c = memcmp(a, b, an < bn ? an : bn);

	if (c != 0)
		return c;
	return (an > bn) - (an < bn);
}

static int
cmp_held(const void *pa, const void *pb)
{
	const struct ec_due_held *a = pa, *b = pb;
	const char *ka = a->at, *kb = b->at;

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

void
ec_due_list_sort(struct ec_due_list *l)
{
	if (l->n == 0)
		return;
	/* The arena grows no more: its addresses hold. */
	for (size_t i = 0; i < l->n; i++)
		l->held[i].at = l->arena.p + l->held[i].off;
	qsort(l->held, l->n, sizeof *l->held, cmp_held);
}

const char *
ec_due_list_text(const struct ec_due_list *l, size_t i, size_t *n,
    size_t *group)
{
	const struct ec_due_held *h = &l->held[i];

	*n = h->tlen;
	*group = h->group;
	return l->arena.p + h->off + h->klen[0] + h->klen[1] + h->klen[2];
}

void
ec_due_list_release(struct ec_due_list *l)
{
	free(l->held);
	l->held = NULL;
	l->n = l->cap = 0;
	ec_buf_release(&l->arena);
	ec_buf_release(&l->scratch);
}

int
ec_due_split_bind(struct ec_due_split *sp, const struct ec_sheet *s,
    const char *name, struct ec_buf *msg)
{
	size_t n = strlen(name);
	int c = ec_header_named(ec_sheet_policy(s), name, n);

	sp->field = sp->col = -1;
	if (c >= 0) {
		int f = ec_sheet_field(s, c);
		if (f >= 0 && !ec_sheet_dropped(s, (size_t)f))
			sp->field = f;
		else if (ec_sheet_source(s, c) != EC_SRC_NONE)
			sp->col = c;
		if (sp->field >= 0 || sp->col >= 0)
			return 0;
	}
	for (size_t f = 0; f < ec_sheet_nfields(s); f++) {
		const char *h = ec_sheet_header(s, f);
		if (ec_sheet_dropped(s, f) ||
		    !ec_header_same(h, strlen(h), name, n))
			continue;
		if (sp->field >= 0) {
			ec_buf_addf(msg, "--split-by: fields %d and %zu are "
			    "both named '%s'", sp->field + 1, f + 1, name);
			return -1;
		}
		sp->field = (int)f;
	}
	if (sp->field >= 0)
		return 0;
	ec_buf_addf(msg, "--split-by: no column '%s' in the header, nor one "
	    "visit-due computes", name);
	return -1;
}

const char *
ec_due_split_value(struct ec_due_split *sp, struct ec_sheet *s, size_t *n)
{
	struct ec_value v;

	if (sp->field >= 0) {
		const struct ec_str *cell =
		    &ec_sheet_current(s)->fields[sp->field];
		*n = cell->n;
		return ec_trim(cell->p, n);
	}
	ec_sheet_value(s, sp->col, &v);
	ec_buf_reset(&sp->text);
	ec_value_write(s, &v, &sp->text);
	*n = sp->text.len;
	return sp->text.p ? sp->text.p : "";
}

void
ec_due_split_release(struct ec_due_split *sp)
{
	ec_buf_release(&sp->text);
}
