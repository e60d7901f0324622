/*
 * report.c - the reporter (report.h): what the header says the input is,
 * each record handed to the summary or the visit sheets, and the labels
 * both take from the policy.
 *
 * Both are tables: the input's rows are first turned into a table of
 * display strings (labels looked up, numbers masked, rates computed), and
 * one renderer per format writes any table (report_table.c).
 */
#include "report_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "text.h"

/*
 * Labels a policy of its own may lack (one written before a label was
 * added): the report still has words for them.
 */
static const struct {
	const char *key, *zh, *en;
} default_labels[] = {
	{ "summary_title", "农村留守老年人关爱服务统计",
	    "Care for rural left-behind elderly" },
	{ "visit_sheet_title", "农村留守老年人走访表", "Visit sheet" },
	{ "total", "合计", "total" },
	{ "subtotal", "小计", "subtotal" },
	{ "records", "老年人数", "elderly" },
	{ "rate_left_behind", "留守率", "left-behind rate" },
	{ "rate_visit_coverage", "走访覆盖率", "visit coverage" },
	{ "rate_health_check", "体检覆盖率", "health-check coverage" },
	{ "rate_alerts_unreported", "未及时报告率", "share not reported" },
	{ "visit_done_date", "走访日期（填写）", "date visited (fill in)" },
	{ "as_of", "统计日期", "as of" },
	{ "people", "人数", "people" },
	{ "row_number", "序号", "No." },
	{ "attention", "需关注", "attention" },
	{ "flag_note", "需关注：走访覆盖率低于 100%，或有未及时报告的特殊情况",
	    "needs attention: visit coverage under 100%, or alerts not "
	    "reported in time" },
};

/* ---- labels ---- */

int
report_is_en(const struct ec_reporter *r)
{
	return strcmp(r->o.lang, "en") == 0;
}

const char *
report_label(const struct ec_reporter *r, const char *key)
{
	const char *s = ec_policy_label(r->pol, r->o.lang, key);

	if (s)
		return s;
	for (size_t i = 0; i < EC_ARRAY_LEN(default_labels); i++)
		if (strcmp(default_labels[i].key, key) == 0)
			return report_is_en(r) ? default_labels[i].en :
			    default_labels[i].zh;
	return key;
}

const char *
report_column_label(const struct ec_reporter *r, int col)
{
	const struct ec_column *c = &r->pol->columns[col];
	const char *s = report_is_en(r) ? c->en : c->zh;

	return s && *s ? s : c->name;
}

/* A count's label: the policy's metric, else a column of that name. */
const char *
report_metric_label(const struct ec_reporter *r, const char *name)
{
	int col;

	for (size_t i = 0; i < r->pol->nmetrics; i++) {
		const struct ec_metric *m = &r->pol->metrics[i];
		const char *s = report_is_en(r) ? m->en : m->zh;
		if (strcmp(m->name, name) == 0 && s && *s)
			return s;
	}
	if ((col = ec_policy_column(r->pol, name)) >= 0)
		return report_column_label(r, col);
	return name;
}

/* The label of a value of column col's vocabulary, or NULL. */
const char *
report_value_label(const struct ec_reporter *r, int col, const char *s,
    size_t n)
{
	const struct ec_vocab *v;
	int i;

	if (col < 0 || r->pol->columns[col].vocab < 0 || n == 0)
		return NULL;
	v = &r->pol->vocabs[r->pol->columns[col].vocab];
	if ((i = ec_vocab_lookup(v, s, n)) < 0)
		return NULL;
	return report_is_en(r) ? v->values[i].en : v->values[i].zh;
}

/* "统计日期：2026-11-30" or "as of: 2026-11-30". */
void
report_add_meta(const struct ec_reporter *r, struct ec_buf *b, const char *key,
    const char *value)
{
	ec_buf_adds(b, report_label(r, key));
	ec_buf_adds(b, report_is_en(r) ? ": " : "：");
	ec_buf_adds(b, value);
}

/* ---- the reporter ---- */

/* The field of h named name (trimmed, ASCII letters in any case), or -1. */
static int
field_named(const struct ec_csv_record *h, const char *name)
{
	for (size_t i = 0; i < h->nfields; i++) {
		size_t n = h->fields[i].n;
		const char *p = ec_trim(h->fields[i].p, &n);
		if (ec_ascii_case_eq(p, n, name, strlen(name)))
			return (int)i;
	}
	return -1;
}

struct ec_reporter *
ec_reporter_new(const struct ec_policy *p, const struct ec_report_options *o)
{
	struct ec_reporter *r = ec_xcalloc(1, sizeof *r);

	r->pol = p;
	r->o = *o;
	r->spill.fd = -1;
	if (!r->o.lang || strcmp(r->o.lang, "en") != 0)
		r->o.lang = "zh";
	return r;
}

void
ec_reporter_free(struct ec_reporter *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nrows; i++) {
		for (size_t k = 0; k < r->nb; k++)
			free(r->rows[i].names[k]);
		free(r->rows[i].names);
	}
	free(r->rows);
	free(r->bname);
	free(r->bcol);
	free(r->bcol_name);
	ec_rollupcsv_release(&r->csv);
	for (size_t k = 0; k < r->nvil; k++)
		for (int i = 0; i < 3; i++)
			free(r->vil[k].place[i]);
	free(r->vil);
	if (r->spill.fd >= 0)
		close(r->spill.fd);
	ec_buf_release(&r->spill.buf);
	ec_sheet_free(r->sheet);
	free(r);
}

int
ec_reporter_header(struct ec_reporter *r, const struct ec_csv_record *h,
    struct ec_error *err)
{
	struct ec_buf msg = EC_BUF_INIT;
	int rollup = ec_rollupcsv_header(&r->csv, EC_ROLLUPCSV_LOOSE,
	    h->fields, h->nfields, &msg) == 0;

	ec_buf_release(&msg);
	if (rollup) {
		report_rollup_header(r);
		return 0;
	}
	ec_rollupcsv_release(&r->csv);
	if (field_named(h, "visit_status") >= 0)
		return report_visits_header(r, h, err);
	ec_error_set(err, "not a rollup nor a visit-due output (expected "
	    "the columns level and records, or visit_status)");
	return -1;
}

int
ec_reporter_record(struct ec_reporter *r, const struct ec_csv_record *rec,
    int *field, struct ec_error *err)
{
	*field = -1;
	if (r->input == EC_INPUT_ROLLUP)
		return report_rollup_record(r, rec, field, err);
	if (r->input == EC_INPUT_VISITS)
		return report_visits_record(r, rec);
	ec_error_set(err, "no header read");
	return -1;
}

void
ec_reporter_flush_to(struct ec_reporter *r,
    void (*flush)(void *ctx, struct ec_buf *out), void *ctx)
{
	r->flush = flush;
	r->flush_ctx = ctx;
}

int
ec_reporter_write(struct ec_reporter *r, struct ec_buf *out,
    struct ec_error *err)
{
	if (r->input == EC_INPUT_ROLLUP)
		report_summary_write(r, out);
	else if (r->input == EC_INPUT_VISITS &&
	    (r->spill.err || report_sheets_write(r, out) != 0)) {
		ec_error_set(err, "cannot keep the visit list in a "
		    "temporary file in %s (TMPDIR): %s",
		    r->spill.dir ? r->spill.dir : "/tmp",
		    strerror(r->spill.err ? r->spill.err : EIO));
		return -1;
	}
	return 0;
}
