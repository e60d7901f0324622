/*
 * report_internal.h - what the parts of the reporter share: the
 * reporter itself and its labels (report.c), the table every report is
 * made into and its renderers (report_table.c), the supervision summary
 * (report_summary.c) and the visit sheets (report_sheets.c).  Not part of
 * the public API: see report.h.
 */
#ifndef EC_REPORT_INTERNAL_H
#define EC_REPORT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "csv.h"
#include "report.h"
#include "rollupcsv.h"
#include "sheet.h"
#include "util.h"

/* The counts of a rollup the summary knows. */
enum {
	M_LEFT_BEHIND,
	M_SPECIAL,
	M_RISK_HIGH,
	M_VISIT_OVERDUE,
	M_NEVER_VISITED,
	M_HOME_VISIT_OVERDUE,
	M_ALERTS,
	M_ALERTS_UNREPORTED,
	M_HC_ELIGIBLE,
	M_HC_DUE,
	M_N
};

/* The columns of a visit sheet, after its number. */
enum {
	V_NAME, V_ID, V_AGE, V_PHONE, V_GUARDIAN, V_GPHONE, V_RISK, V_LAST,
	V_OVERDUE, V_N
};

/* One row of a rollup. */
struct urow {
	char **names;		/* the -b values, trimmed */
	int depth;		/* -1: total; nb - 1: a unit; else a subtotal */
	int64_t records;
	int64_t v[M_N];		/* -1 when the rollup lacks the count */
};

/*
 * The people of a visit list wait in a temporary file, not in memory,
 * so that report's memory does not grow with them: each as a record of
 * the offset of the one before in its village plus one (0: none), the
 * length of the rest, and the cells, each its length then its bytes.  A
 * village keeps its last record's offset and walks the chain back when
 * its sheet is made.
 */
struct spill {
	int fd;			/* -1 until the first person */
	uint64_t size;		/* bytes given, written or still in buf */
	struct ec_buf buf;	/* the last ones, not yet written */
	int err;		/* errno of the first failure, or 0 */
	const char *dir;	/* where the file is, for a message */
};

#define SPILL_HEAD	12	/* the offset before, the length */
#define SPILL_FLUSH	(256 * 1024)

struct village {
	char *place[3];		/* county, township, village */
	uint64_t last;		/* its last person's record in the spill */
	size_t n;
};

/* What the header says the input is. */
enum ec_report_input {
	EC_INPUT_UNKNOWN = 0,
	EC_INPUT_ROLLUP,	/* has level and records: a summary */
	EC_INPUT_VISITS,	/* has visit_status: visit sheets */
};

struct ec_reporter {
	const struct ec_policy *pol;
	struct ec_report_options o;
	enum ec_report_input input;

	/* a rollup */
	struct ec_rollupcsv csv;	/* how it is read (rollupcsv.h) */
	size_t nb;		/* the -b columns: fields 0 .. nb - 1 */
	const char **bname;	/* their headers, trimmed (csv's) */
	int *bcol;		/* their policy columns, or -1 */
	const char **bcol_name;	/* those columns' names, or "" */
	int f_metric[M_N];	/* header index of each count, or -1 */
	struct urow *rows;
	size_t nrows, caprows;

	/* a visit-due output */
	struct ec_sheet *sheet;	/* NULL until the header is read */
	int c_place[3], c_cell[V_N], c_status;
	struct village *vil;
	size_t nvil, capvil;
	struct spill spill;
	int csv_started;	/* the sheets' CSV header is written */

	void (*flush)(void *ctx, struct ec_buf *out);
	void *flush_ctx;
};

/* ---- labels (report.c) ---- */

int report_is_en(const struct ec_reporter *r);
/* The policy's label for key in the report's language, else a default. */
const char *report_label(const struct ec_reporter *r, const char *key);
const char *report_column_label(const struct ec_reporter *r, int col);
/* A count's label: the policy's metric, else a column of that name. */
const char *report_metric_label(const struct ec_reporter *r,
	const char *name);
/* The label of a value of column col's vocabulary, or NULL. */
const char *report_value_label(const struct ec_reporter *r, int col,
	const char *s, size_t n);
/* "统计日期：2026-11-30" or "as of: 2026-11-30". */
void report_add_meta(const struct ec_reporter *r, struct ec_buf *b,
	const char *key, const char *value);

/* ---- tables (report_table.c) ---- */

enum { ROW_PLAIN, ROW_SUBTOTAL, ROW_TOTAL };

struct tcol {
	char *head;
	int right;		/* numbers: right-aligned */
	int flags;		/* cells may be flagged: text keeps a column */
	int fill;		/* blank, to be written in by hand */
	int key;		/* repeated in every block of text */
	int csv_only;
	int group;		/* text keeps a group in one block if it can */
	const char *cls;	/* HTML class of its cells, or NULL */
};

struct tcell {
	char *text;		/* as shown */
	char *csv;		/* as written in CSV, when it differs */
	int flag;
};

struct table {
	const char *cls;	/* HTML class of the table */
	struct tcol *cols;
	size_t ncols, capcols, nkeys;
	struct tcell *cells;	/* nrows * ncols, by rows */
	int *kind;
	size_t nrows, caprows;
	int anyflag;
};


/* Adds a column; returns its index.  A key column repeats in every block. */
size_t report_table_col(struct table *t, const char *head, int right,
	const char *cls);
size_t report_table_key(struct table *t, const char *head, int right,
	const char *cls);
/* Adds a row of blank cells; returns its index. */
size_t report_table_row(struct table *t, int kind);
/* A cell: text as shown (cleaned of control characters), csv when the
 * CSV differs (NULL: the same), flag to mark it. */
void report_table_set(struct table *t, size_t row, size_t col,
	const char *text, const char *csv, int flag);
void report_table_set_int(struct table *t, size_t row, size_t col,
	int64_t v, int flag);
void report_table_free(struct table *t);

/* Text aligned by display width, in blocks that fit TEXT_COLUMNS. */
void report_text_table(struct ec_buf *b, const struct table *t);
/* A title and its underline, as wide as the title. */
void report_text_title(struct ec_buf *b, const char *title);

void report_md_table_head(struct ec_buf *b, const struct table *t);
void report_md_rows(struct ec_buf *b, const struct table *t);
void report_md_table(struct ec_buf *b, const struct table *t);
/* Markdown that stays in its table cell and shows as written. */
void report_add_md(struct ec_buf *b, const char *s);

void report_csv_rows(struct ec_buf *b, const struct table *t);
/* The header row, then the rows. */
void report_csv_table(struct ec_buf *b, const struct table *t);

/* The page up to <body>, landscape, its CSS inline; en: lang="en". */
void report_html_head(struct ec_buf *b, int en, const char *title);
void report_html_table_head(struct ec_buf *b, const struct table *t);
void report_html_rows(struct ec_buf *b, const struct table *t);
void report_html_table_end(struct ec_buf *b);
void report_html_table(struct ec_buf *b, const struct table *t);
void report_html_tail(struct ec_buf *b);
/* Text escaped for HTML, a line break as <br>. */
void report_add_html(struct ec_buf *b, const char *s);

/* ---- the summary of a rollup (report_summary.c) ---- */

/* After r->csv has read the header. */
void report_rollup_header(struct ec_reporter *r);
int report_rollup_record(struct ec_reporter *r,
	const struct ec_csv_record *rec, int *field, struct ec_error *err);
void report_summary_write(struct ec_reporter *r, struct ec_buf *b);

/* ---- the visit sheets (report_sheets.c) ---- */

int report_visits_header(struct ec_reporter *r,
	const struct ec_csv_record *h, struct ec_error *err);
int report_visits_record(struct ec_reporter *r,
	const struct ec_csv_record *rec);
/* -1 when the people cannot be read back from the temporary file. */
int report_sheets_write(struct ec_reporter *r, struct ec_buf *b);

/*
 * num/den as a percentage with one decimal, rounded half up ("85.7%"),
 * or "-" when den is 0.  Returns the length written to out.
 */
size_t report_rate_percent(int64_t num, int64_t den, char out[32]);

/* num/den as a fraction with three decimals ("0.857"), or "" when den is 0. */
size_t report_rate_fraction(int64_t num, int64_t den, char out[32]);

#endif
