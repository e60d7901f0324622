/*
 * report_summary.c - the supervision summary of a rollup: per row (units,
 * subtotals, total) the counts supervision looks at, the four rates of
 * report(1) and the rows to look at flagged; in HTML, bar charts too.
 */
#include "report_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "header.h"
#include "text.h"

static const struct {
	const char *name;
	int shown;		/* a column of the summary, else read for a rate */
} metrics[M_N] = {
	{ "left_behind", 1 },
	{ "special", 1 },
	{ "risk_high", 1 },
	{ "visit_overdue", 1 },
	{ "never_visited", 1 },
	{ "home_visit_overdue", 1 },
	{ "alerts", 1 },
	{ "alerts_unreported", 1 },
	{ "health_check_eligible", 0 },
	{ "health_check_due", 0 },
};

/* The rates of report(1). */
enum { R_LEFT_BEHIND, R_VISIT, R_HEALTH, R_ALERTS, R_N };

static const char *const rate_keys[R_N] = {
	"rate_left_behind", "rate_visit_coverage", "rate_health_check",
	"rate_alerts_unreported",
};

/* num/den in thousandths, rounded half away from zero. */
static int64_t
thousandths(int64_t num, int64_t den)
{
	if (num < 0)
		return -((-num * 2000 + den) / (2 * den));
	return (num * 2000 + den) / (2 * den);
}

size_t
report_rate_percent(int64_t num, int64_t den, char out[32])
{
	int64_t q;

	if (den <= 0)
		return (size_t)snprintf(out, 32, "-");
	q = thousandths(num, den);
	return (size_t)snprintf(out, 32, "%s%lld.%lld%%", q < 0 ? "-" : "",
	    (long long)(q < 0 ? -q : q) / 10, (long long)(q < 0 ? -q : q) % 10);
}

size_t
report_rate_fraction(int64_t num, int64_t den, char out[32])
{
	int64_t q;

	if (den <= 0) {
		out[0] = '\0';
		return 0;
	}
	q = thousandths(num, den);
	return (size_t)snprintf(out, 32, "%s%lld.%03lld", q < 0 ? "-" : "",
	    (long long)(q < 0 ? -q : q) / 1000,
	    (long long)(q < 0 ? -q : q) % 1000);
}

/* ---- charts ---- */

#define CH_PLOT		360	/* the length of a full bar */
#define CH_VALUE	64	/* room for the value after the longest bar */
#define CH_COL		7	/* pixels per display column of 12px text */

struct series {
	const char *name;
	const char *color;
	int64_t *v;		/* per unit; -1: no value */
};

/*
 * A horizontal bar chart, one group of bars per unit.  Counts scale to
 * the largest; rates (thousandths) to 100%, marked by a dashed line, and
 * with below_full a rate under 100% is drawn red.
 */
static void
svg_chart(struct ec_buf *b, const char *title, char **units, size_t n,
    const struct series *s, size_t ns, int rate, int below_full)
{
	size_t lw = 0, legend = ns > 1 ? 24 : 0;
	size_t bh = ns > 1 ? 10 : 14, gh = ns * (bh + 2) + 10;
	size_t width, height, x;
	int64_t max = 0;
	char v[32];

	for (size_t u = 0; u < n; u++) {
		size_t w = ec_width(units[u], strlen(units[u]));
		if (w > lw)
			lw = w;
		for (size_t i = 0; i < ns; i++)
			if (s[i].v[u] > max)
				max = s[i].v[u];
	}
	if (rate)
		max = 1000;
	lw = lw * CH_COL + 16;
	if (lw < 48)
		lw = 48;
	width = lw + CH_PLOT + CH_VALUE;
	height = legend + n * gh + 4;
	ec_buf_adds(b, "<figure class=\"chart\">\n<figcaption>");
	report_add_html(b, title);
	ec_buf_addf(b, "</figcaption>\n<svg width=\"%zu\" height=\"%zu\" "
	    "viewBox=\"0 0 %zu %zu\" role=\"img\" aria-label=\"", width, height,
	    width, height);
	report_add_html(b, title);
	ec_buf_adds(b, "\">\n");
	x = lw;
	for (size_t i = 0; ns > 1 && i < ns; i++) {
		ec_buf_addf(b, "<rect x=\"%zu\" y=\"6\" width=\"10\" "
		    "height=\"10\" fill=\"%s\"/><text x=\"%zu\" y=\"15\">", x,
		    s[i].color, x + 14);
		report_add_html(b, s[i].name);
		ec_buf_adds(b, "</text>\n");
		x += 14 + ec_width(s[i].name, strlen(s[i].name)) * CH_COL + 16;
	}
	ec_buf_addf(b, "<line x1=\"%zu\" y1=\"%zu\" x2=\"%zu\" y2=\"%zu\" "
	    "stroke=\"#666\"/>\n", lw, legend, lw, height - 4);
	if (rate)
		ec_buf_addf(b, "<line x1=\"%zu\" y1=\"%zu\" x2=\"%zu\" "
		    "y2=\"%zu\" stroke=\"#999\" stroke-dasharray=\"3 3\"/>\n",
		    lw + CH_PLOT, legend, lw + CH_PLOT, height - 4);
	for (size_t u = 0; u < n; u++) {
		size_t y0 = legend + u * gh;

		ec_buf_addf(b, "<text x=\"%zu\" y=\"%zu\" "
		    "text-anchor=\"end\">", lw - 6, y0 + gh / 2 + 4);
		report_add_html(b, units[u]);
		ec_buf_adds(b, "</text>\n");
		for (size_t i = 0; i < ns; i++) {
			size_t by = y0 + 5 + i * (bh + 2), bw = 0;
			int64_t val = s[i].v[u];
			const char *color = s[i].color;

			if (val > 0 && max > 0)
				bw = (size_t)((val * CH_PLOT * 2 + max) /
				    (2 * max));
			if (rate && val >= 0 && val < 1000 && below_full)
				color = "#d62728";
			if (bw > CH_PLOT)
				bw = CH_PLOT;
			if (bw > 0)
				ec_buf_addf(b, "<rect x=\"%zu\" y=\"%zu\" "
				    "width=\"%zu\" height=\"%zu\" "
				    "fill=\"%s\"/>", lw, by, bw, bh, color);
			if (rate && val < 0)
				snprintf(v, sizeof v, "-");
			else if (rate)
				snprintf(v, sizeof v, "%lld.%lld%%",
				    (long long)val / 10, (long long)val % 10);
			else
				ec_fmt_int(v, val);
			ec_buf_addf(b, "<text class=\"v\" x=\"%zu\" y=\"%zu\">"
			    "%s</text>\n", lw + bw + 4, by + bh / 2 + 4, v);
		}
	}
	ec_buf_adds(b, "</svg>\n</figure>\n");
}

/* ---- the summary ---- */

/*
 * The -b columns, labelled by their policy columns when they are some
 * (whose names a level may also be), and the counts the summary knows.
 */
void
report_rollup_header(struct ec_reporter *r)
{
	int fields[M_N];
	size_t nf = 0;

	r->input = EC_INPUT_ROLLUP;
	r->nb = r->csv.nb;
	r->bname = ec_xcalloc(r->nb + 1, sizeof *r->bname);
	r->bcol = ec_xcalloc(r->nb + 1, sizeof *r->bcol);
	r->bcol_name = ec_xcalloc(r->nb + 1, sizeof *r->bcol_name);
	for (size_t i = 0; i < r->nb; i++) {
		const struct ec_str *h = &r->csv.head[i];
		r->bname[i] = h->p;
		r->bcol[i] = ec_header_named(r->pol, h->p, h->n);
		r->bcol_name[i] = r->bcol[i] >= 0 ?
		    r->pol->columns[r->bcol[i]].name : "";
	}
	r->csv.by_also = r->bcol_name;
	for (size_t m = 0; m < M_N; m++)
		if ((r->f_metric[m] = ec_rollupcsv_field(&r->csv,
		    metrics[m].name)) >= 0)
			fields[nf++] = r->f_metric[m];
	ec_rollupcsv_count_fields(&r->csv, fields, nf);
}

/* Where a row's problem goes: report stops at the first. */
struct problem {
	int *field;
	struct ec_error *err;
};

static void
keep_problem(void *ctx, int field, const char *msg)
{
	struct problem *pr = ctx;

	*pr->field = field;
	ec_error_set(pr->err, "%s", msg);
}

int
report_rollup_record(struct ec_reporter *r, const struct ec_csv_record *rec,
    int *field, struct ec_error *err)
{
	struct problem pr = { field, err };
	struct ec_rollup_row row;
	struct urow u;
	size_t k = 1;

	if (ec_rollupcsv_read(&r->csv, rec->fields, &row, keep_problem,
	    &pr) != 0)
		return -1;
	memset(&u, 0, sizeof u);
	u.records = (int64_t)row.counts[0];
	for (size_t m = 0; m < M_N; m++)
		u.v[m] = r->f_metric[m] >= 0 ? (int64_t)row.counts[k++] : -1;
	u.depth = (int)row.depth - 1;
	u.names = ec_xcalloc(r->nb + 1, sizeof *u.names);
	for (size_t i = 0; i < r->nb; i++)
		u.names[i] = ec_xmemdup(row.keys[i].p, row.keys[i].n);
	if (r->nrows == r->caprows) {
		r->caprows = r->caprows ? 2 * r->caprows : 32;
		r->rows = ec_xrealloc(r->rows, r->caprows * sizeof *r->rows);
	}
	r->rows[r->nrows++] = u;
	return 0;
}

/* What a rate needs, per row: the two counts, or -1 when absent. */
static int
rate_of(const struct ec_reporter *r, const struct urow *u, int rate,
    int64_t *num, int64_t *den)
{
	const int64_t *v = u->v;

	switch (rate) {
	case R_LEFT_BEHIND:
		*num = v[M_LEFT_BEHIND];
		*den = u->records;
		return v[M_LEFT_BEHIND] >= 0;
	case R_VISIT:
		*num = v[M_LEFT_BEHIND] - v[M_VISIT_OVERDUE] -
		    v[M_NEVER_VISITED];
		*den = v[M_LEFT_BEHIND];
		return v[M_LEFT_BEHIND] >= 0 && v[M_VISIT_OVERDUE] >= 0 &&
		    v[M_NEVER_VISITED] >= 0;
	case R_HEALTH:
		*num = v[M_HC_ELIGIBLE] - v[M_HC_DUE];
		*den = v[M_HC_ELIGIBLE];
		return v[M_HC_ELIGIBLE] >= 0 && v[M_HC_DUE] >= 0;
	case R_ALERTS:
		*num = v[M_ALERTS_UNREPORTED];
		*den = v[M_ALERTS];
		return v[M_ALERTS] >= 0 && v[M_ALERTS_UNREPORTED] >= 0;
	}
	return 0;
}

/* Whether the rollup has what a rate needs (every row has the same). */
static int
has_rate(const struct ec_reporter *r, int rate)
{
	struct urow u;
	int64_t num, den;

	memset(&u, 0, sizeof u);
	for (size_t m = 0; m < M_N; m++)
		u.v[m] = r->f_metric[m] >= 0 ? 0 : -1;
	return rate_of(r, &u, rate, &num, &den);
}

static int
flag_alerts(const struct urow *u)
{
	return u->v[M_ALERTS_UNREPORTED] > 0;
}

static int
flag_visits(const struct ec_reporter *r, const struct urow *u)
{
	int64_t num, den;

	return rate_of(r, u, R_VISIT, &num, &den) && den > 0 && num < den;
}

static void
summary_table(struct ec_reporter *r, struct table *t)
{
	size_t col_rec, col_m[M_N], col_r[R_N], col_att;
	size_t nunit = r->nb ? r->nb : 1;

	memset(t, 0, sizeof *t);
	t->cls = "summary";
	for (size_t i = 0; i < r->nb; i++)
		report_table_key(t, r->bcol[i] >= 0 ?
		    report_column_label(r, r->bcol[i]) : r->bname[i], 0,
		    "name");
	if (r->nb == 0)
		report_table_key(t, "", 0, "name");
	col_rec = report_table_col(t, report_label(r, "records"), 1, "num");
	t->cols[col_rec].group = 1;
	for (size_t m = 0; m < M_N; m++)
		if (metrics[m].shown && r->f_metric[m] >= 0) {
			col_m[m] = report_table_col(t,
			    report_metric_label(r, metrics[m].name), 1, "num");
			t->cols[col_m[m]].flags = m == M_ALERTS_UNREPORTED;
			t->cols[col_m[m]].group = 1;
		}
	for (int k = 0; k < R_N; k++)
		if (has_rate(r, k)) {
			col_r[k] = report_table_col(t,
			    report_label(r, rate_keys[k]), 1, "num");
			t->cols[col_r[k]].flags = k == R_VISIT || k == R_ALERTS;
			t->cols[col_r[k]].group = 2;
		}
	col_att = report_table_col(t, report_label(r, "attention"), 0, NULL);
	t->cols[col_att].csv_only = 1;

	for (size_t i = 0; i < r->nrows; i++) {
		const struct urow *u = &r->rows[i];
		int leaf = u->depth == (int)nunit - 1 && r->nb > 0;
		size_t row = report_table_row(t, u->depth < 0 ? ROW_TOTAL :
		    leaf ? ROW_PLAIN : ROW_SUBTOTAL);
		struct ec_buf att = EC_BUF_INIT;

		if (u->depth < 0) {
			report_table_set(t, row, 0, report_label(r, "total"),
			    NULL, 0);
		} else {
			for (size_t k = 0; k <= (size_t)u->depth; k++)
				report_table_set(t, row, k, u->names[k], NULL,
				    0);
			if (!leaf)
				report_table_set(t, row, (size_t)u->depth + 1,
				    report_label(r, "subtotal"), NULL, 0);
		}
		report_table_set_int(t, row, col_rec, u->records, 0);
		for (size_t m = 0; m < M_N; m++)
			if (metrics[m].shown && r->f_metric[m] >= 0)
				report_table_set_int(t, row, col_m[m], u->v[m],
				    m == M_ALERTS_UNREPORTED && flag_alerts(u));
		for (int k = 0; k < R_N; k++) {
			int64_t num, den;
			char pct[32], frac[32];
			int flag;

			if (!rate_of(r, u, k, &num, &den))
				continue;
			report_rate_percent(num, den, pct);
			report_rate_fraction(num, den, frac);
			flag = k == R_VISIT ? flag_visits(r, u) :
			    k == R_ALERTS ? flag_alerts(u) : 0;
			report_table_set(t, row, col_r[k], pct, frac, flag);
		}
		if (flag_visits(r, u))
			ec_buf_adds(&att,
			    report_label(r, "rate_visit_coverage"));
		if (flag_alerts(u)) {
			if (att.len)
				ec_buf_addc(&att, ';');
			ec_buf_adds(&att,
			    report_metric_label(r, "alerts_unreported"));
		}
		report_table_set(t, row, col_att, att.p ? att.p : "", NULL, 0);
		ec_buf_release(&att);
	}
}

static void
summary_charts(struct ec_reporter *r, struct ec_buf *b)
{
	static const struct {
		int m;
		const char *color;
	} counts[] = {
		{ M_LEFT_BEHIND, "#4e79a7" },
		{ M_SPECIAL, "#f28e2b" },
		{ M_RISK_HIGH, "#e15759" },
	};
	struct series s[3];
	struct ec_buf title = EC_BUF_INIT;
	char **units;
	size_t n = 0, ns = 0;

	if (r->nb == 0)
		return;
	units = ec_xcalloc(r->nrows + 1, sizeof *units);
	for (size_t i = 0; i < EC_ARRAY_LEN(s); i++)
		s[i].v = ec_xcalloc(r->nrows + 1, sizeof *s[i].v);
	/* The units themselves: subtotals and the total would dwarf them. */
	for (size_t i = 0; i < r->nrows; i++) {
		const struct urow *u = &r->rows[i];
		struct ec_buf name = EC_BUF_INIT;

		if (u->depth != (int)r->nb - 1)
			continue;
		for (size_t k = 0; k < r->nb; k++) {
			if (k && name.len)
				ec_buf_addc(&name, ' ');
			ec_buf_adds(&name, u->names[k]);
		}
		units[n++] = name.p ? name.p : ec_xstrdup("");
	}
	if (n == 0)
		goto done;

	for (size_t i = 0; i < EC_ARRAY_LEN(counts); i++) {
		int m = counts[i].m;
		size_t k = 0;

		if (r->f_metric[m] < 0)
			continue;
		s[ns].name = report_metric_label(r, metrics[m].name);
		s[ns].color = counts[i].color;
		for (size_t j = 0; j < r->nrows; j++)
			if (r->rows[j].depth == (int)r->nb - 1)
				s[ns].v[k++] = r->rows[j].v[m];
		if (title.len)
			ec_buf_adds(&title, report_is_en(r) ? ", " : "、");
		ec_buf_adds(&title, s[ns].name);
		ns++;
	}
	if (ns)
		svg_chart(b, title.p, units, n, s, ns, 0, 0);

	for (int k = R_VISIT; k <= R_HEALTH; k++) {
		struct series one;
		size_t j = 0;

		if (!has_rate(r, k))
			continue;
		one.name = report_label(r, rate_keys[k]);
		one.color = k == R_VISIT ? "#59a14f" : "#4e79a7";
		one.v = s[0].v;
		for (size_t i = 0; i < r->nrows; i++) {
			int64_t num, den;
			if (r->rows[i].depth != (int)r->nb - 1)
				continue;
			rate_of(r, &r->rows[i], k, &num, &den);
			one.v[j++] = den > 0 ? thousandths(num, den) : -1;
		}
		svg_chart(b, one.name, units, n, &one, 1, 1, k == R_VISIT);
	}
done:
	for (size_t i = 0; i < n; i++)
		free(units[i]);
	free(units);
	for (size_t i = 0; i < EC_ARRAY_LEN(s); i++)
		free(s[i].v);
	ec_buf_release(&title);
}

void
report_summary_write(struct ec_reporter *r, struct ec_buf *b)
{
	const char *title = r->o.title ? r->o.title :
	    report_label(r, "summary_title");
	struct ec_buf meta = EC_BUF_INIT;
	struct table t;
	char date[11];

	ec_date_format(r->o.asof, date);
	report_add_meta(r, &meta, "as_of", date);
	summary_table(r, &t);
	switch (r->o.format) {
	case EC_FORMAT_TEXT:
		report_text_title(b, title);
		ec_buf_adds(b, meta.p);
		ec_buf_adds(b, "\n\n");
		report_text_table(b, &t);
		if (t.anyflag) {
			ec_buf_adds(b, "\n! ");
			ec_buf_adds(b, report_label(r, "flag_note"));
			ec_buf_addc(b, '\n');
		}
		break;
	case EC_FORMAT_MARKDOWN:
		ec_buf_adds(b, "# ");
		report_add_md(b, title);
		ec_buf_adds(b, "\n\n");
		report_add_md(b, meta.p);
		ec_buf_adds(b, "\n\n");
		report_md_table(b, &t);
		if (t.anyflag) {
			ec_buf_adds(b, "\n**!** ");
			report_add_md(b, report_label(r, "flag_note"));
			ec_buf_addc(b, '\n');
		}
		break;
	case EC_FORMAT_HTML:
		report_html_head(b, report_is_en(r), title);
		ec_buf_adds(b, "<h1>");
		report_add_html(b, title);
		ec_buf_adds(b, "</h1>\n<p class=\"meta\">");
		report_add_html(b, meta.p);
		ec_buf_adds(b, "</p>\n");
		report_html_table(b, &t);
		if (t.anyflag) {
			ec_buf_adds(b, "<p class=\"legend\"><span "
			    "class=\"flag\">!</span> ");
			report_add_html(b, report_label(r, "flag_note"));
			ec_buf_adds(b, "</p>\n");
		}
		summary_charts(r, b);
		report_html_tail(b);
		break;
	case EC_FORMAT_CSV:
		report_csv_table(b, &t);
		break;
	}
	report_table_free(&t);
	ec_buf_release(&meta);
}
