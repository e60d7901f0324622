/*
 * report.c - the supervision summary and the visit sheets (CONTRACT §8).
 *
 * Both are tables: the input's rows are first turned into a table of
 * display strings (labels looked up, numbers masked, rates computed), and
 * one renderer per format writes any table.  Text aligns by display width
 * (width.h) and splits a table wider than a terminal into blocks that
 * each repeat the key columns; HTML is one file with its CSS and SVG
 * inline, and nothing that would reach the network.
 */
#include "report.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "outfile.h"
#include "sheet.h"
#include "text.h"

#define TEXT_COLUMNS	80	/* a terminal's width: text fits it */
#define GAP		2	/* spaces between text columns */
#define CELL_MAX	24	/* a longer text cell wraps */
#define HEAD_MAX	16	/* a longer header wraps (at its spaces) */
#define FILL_MIN	12	/* room to write a date by hand */

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

/* The rates of §8. */
enum { R_LEFT_BEHIND, R_VISIT, R_HEALTH, R_ALERTS, R_N };

static const char *const rate_keys[R_N] = {
	"rate_left_behind", "rate_visit_coverage", "rate_health_check",
	"rate_alerts_unreported",
};

/* The columns of a visit sheet, after its number. */
enum {
	V_NAME, V_ID, V_AGE, V_PHONE, V_GUARDIAN, V_GPHONE, V_RISK, V_LAST,
	V_OVERDUE, V_N
};

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

/* One row of a rollup. */
struct urow {
	char **names;		/* the -b values, trimmed */
	int depth;		/* -1: total; nb - 1: a unit; else a subtotal */
	int64_t records;
	int64_t v[M_N];		/* -1 when the rollup lacks the count */
};

/* One person of a visit sheet: the cells as shown. */
struct person {
	const char *cell[V_N];
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

struct ec_reporter {
	const struct ec_policy *pol;
	struct ec_report_options o;
	enum ec_report_input input;

	/* a rollup */
	size_t nb;		/* the -b columns: fields 0 .. nb - 1 */
	char **bname;		/* their headers, trimmed */
	int *bcol;		/* their policy columns, or -1 */
	int f_level, f_records;
	int f_metric[M_N];	/* header index of each count, or -1 */
	struct urow *rows;
	size_t nrows, caprows;

	/* a visit-due output */
	struct ec_sheet sheet;
	int have_sheet;
	int c_place[3], c_cell[V_N], c_status;
	struct village *vil;
	size_t nvil, capvil;
	struct spill spill;
	int csv_started;	/* the sheets' CSV header is written */

	void (*flush)(void *ctx, struct ec_buf *out);
	void *flush_ctx;
};

/* ---- labels ---- */

static int
is_en(const struct ec_reporter *r)
{
	return strcmp(r->o.lang, "en") == 0;
}

static const char *
label(const struct ec_reporter *r, const char *key)
{
	const char *s = ec_policy_label(r->pol, r->o.lang, key);

	if (s)
		return s;
	for (size_t i = 0; i < EC_ARRAY_LEN(default_labels); i++)
		if (strcmp(default_labels[i].key, key) == 0)
			return is_en(r) ? default_labels[i].en :
			    default_labels[i].zh;
	return key;
}

static const char *
column_label(const struct ec_reporter *r, int col)
{
	const struct ec_column *c = &r->pol->columns[col];
	const char *s = is_en(r) ? c->en : c->zh;

	return s && *s ? s : c->name;
}

/* A count's label: the policy's metric, else a column of that name. */
static const char *
metric_label(const struct ec_reporter *r, const char *name)
{
	int col;

	for (size_t i = 0; i < r->pol->nmetrics; i++) {
		const struct ec_metric *m = &r->pol->metrics[i];
		const char *s = is_en(r) ? m->en : m->zh;
		if (strcmp(m->name, name) == 0 && s && *s)
			return s;
	}
	if ((col = ec_policy_column(r->pol, name)) >= 0)
		return column_label(r, col);
	return name;
}

/* The label of a value of column col's vocabulary, or NULL. */
static const char *
value_label(const struct ec_reporter *r, int col, const char *s, size_t n)
{
	const struct ec_vocab *v;
	int i;

	if (col < 0 || r->pol->columns[col].vocab < 0 || n == 0)
		return NULL;
	v = &r->pol->vocabs[r->pol->columns[col].vocab];
	if ((i = ec_vocab_lookup(v, s, n)) < 0)
		return NULL;
	return is_en(r) ? v->values[i].en : v->values[i].zh;
}

/* "统计日期：2026-11-30" or "as of: 2026-11-30". */
static void
add_meta(const struct ec_reporter *r, struct ec_buf *b, const char *key,
    const char *value)
{
	ec_buf_adds(b, label(r, key));
	ec_buf_adds(b, is_en(r) ? ": " : "：");
	ec_buf_adds(b, value);
}

/* ---- text helpers ---- */

/*
 * A copy fit to show: CR LF and CR become LF (a line break in the cell),
 * other control characters a space, so no cell can move the cursor.
 */
static char *
clean_dup(const char *p, size_t n)
{
	char *s = ec_xmalloc(n + 1), *q = s;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c == '\r') {
			*q++ = '\n';
			if (i + 1 < n && p[i + 1] == '\n')
				i++;
		} else if (c == '\n') {
			*q++ = '\n';
		} else if (c < 0x20 || c == 0x7f) {
			*q++ = ' ';
		} else {
			*q++ = (char)c;
		}
	}
	*q = '\0';
	return s;
}

static void
add_rep(struct ec_buf *b, char c, size_t n)
{
	ec_buf_grow(b, n + 1);
	memset(b->p + b->len, c, n);
	b->len += n;
	b->p[b->len] = '\0';
}

/* Ends a line begun at start, without its trailing spaces. */
static void
end_line(struct ec_buf *b, size_t start)
{
	while (b->len > start && b->p[b->len - 1] == ' ')
		b->len--;
	if (b->p)
		b->p[b->len] = '\0';
	ec_buf_addc(b, '\n');
}

static void
add_html(struct ec_buf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			ec_buf_adds(b, "&amp;");
			break;
		case '<':
			ec_buf_adds(b, "&lt;");
			break;
		case '>':
			ec_buf_adds(b, "&gt;");
			break;
		case '"':
			ec_buf_adds(b, "&quot;");
			break;
		case '\'':
			ec_buf_adds(b, "&#39;");
			break;
		case '\n':
			ec_buf_adds(b, "<br>");
			break;
		default:
			ec_buf_addc(b, *s);
			break;
		}
	}
}

/* Markdown that stays in its table cell and shows as written. */
static void
add_md(struct ec_buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '\n') {
			ec_buf_addc(b, ' ');
			continue;
		}
		if (strchr("\\`*_[]<>|&~", *s))
			ec_buf_addc(b, '\\');
		ec_buf_addc(b, *s);
	}
}

static void
add_csv(struct ec_buf *b, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		ec_buf_adds(b, s);
		return;
	}
	ec_buf_addc(b, '"');
	for (; *s; s++) {
		if (*s == '"')
			ec_buf_addc(b, '"');
		ec_buf_addc(b, *s);
	}
	ec_buf_addc(b, '"');
}

/* ---- masking and rates ---- */

void
ec_mask_id(const char *s, size_t n, struct ec_buf *out)
{
	size_t nchars = 0, i = 0, k;
	uint32_t cp;

	/* By characters, so that a stray Chinese character stays whole. */
	for (i = 0; i < n; i += ec_utf8_decode(s + i, n - i, &cp))
		nchars++;
	for (i = 0, k = 0; i < n; k++) {
		size_t len = ec_utf8_decode(s + i, n - i, &cp);
		if (nchars > 10 && (k < 6 || k >= nchars - 4))
			ec_buf_add(out, s + i, len);
		else
			ec_buf_addc(out, '*');
		i += len;
	}
}

static int
phone_byte(char c)
{
	return (c >= '0' && c <= '9') || c == ' ' || c == '-' || c == '(' ||
	    c == ')' || c == '+';
}

void
ec_mask_phone(const char *s, size_t n, struct ec_buf *out)
{
	size_t i = 0;

	while (i < n) {
		size_t j = i, skip = i, ndig = 0, d = 0, keep, g;

		if (!phone_byte(s[i])) {
			ec_buf_addc(out, s[i++]);
			continue;
		}
		while (j < n && phone_byte(s[j]))
			j++;
		/* The country code is no secret: it stays, uncounted. */
		while (skip < j && s[skip] == ' ')
			skip++;
		if (j - skip >= 3 && memcmp(s + skip, "+86", 3) == 0)
			skip += 3;
		else if (j - skip >= 4 && memcmp(s + skip, "0086", 4) == 0)
			skip += 4;
		else
			skip = i;
		for (size_t k = skip; k < j; k++)
			ndig += s[k] >= '0' && s[k] <= '9';
		/* A landline's area code, written apart, stays whole. */
		keep = 3;
		for (g = skip; g < j && (s[g] < '0' || s[g] > '9'); g++)
			;
		if (g < j && s[g] == '0') {
			size_t e = g;
			while (e < j && s[e] >= '0' && s[e] <= '9')
				e++;
			if (e - g == 4 && ndig >= 9)
				keep = 4;
		}
		ec_buf_add(out, s + i, skip - i);
		for (size_t k = skip; k < j; k++) {
			int show = 1;
			if (s[k] < '0' || s[k] > '9') {
				ec_buf_addc(out, s[k]);
				continue;
			}
			if (ndig >= 8)
				show = d < keep || d >= ndig - 4;
			else if (ndig >= 5)
				show = d >= ndig - 4;
			ec_buf_addc(out, show ? s[k] : '*');
			d++;
		}
		i = j;
	}
}

/* num/den in thousandths, rounded half away from zero. */
static int64_t
thousandths(int64_t num, int64_t den)
{
	if (num < 0)
		return -((-num * 2000 + den) / (2 * den));
	return (num * 2000 + den) / (2 * den);
}

size_t
ec_rate_percent(int64_t num, int64_t den, char out[32])
{
	int64_t q;

	if (den <= 0)
		return (size_t)snprintf(out, 32, "-");
	q = thousandths(num, den);
	return (size_t)snprintf(out, 32, "%s%lld.%lld%%", q < 0 ? "-" : "",
	    (long long)(q < 0 ? -q : q) / 10, (long long)(q < 0 ? -q : q) % 10);
}

size_t
ec_rate_fraction(int64_t num, int64_t den, char out[32])
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

/* ---- tables ---- */

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

static size_t
table_col(struct table *t, const char *head, int right, const char *cls)
{
	struct tcol *c;

	if (t->ncols == t->capcols) {
		t->capcols = t->capcols ? 2 * t->capcols : 16;
		t->cols = ec_xrealloc(t->cols, t->capcols * sizeof *t->cols);
	}
	c = &t->cols[t->ncols];
	memset(c, 0, sizeof *c);
	c->head = clean_dup(head, strlen(head));
	c->right = right;
	c->cls = cls;
	return t->ncols++;
}

static size_t
table_key(struct table *t, const char *head, int right, const char *cls)
{
	size_t c = table_col(t, head, right, cls);

	t->cols[c].key = 1;
	t->nkeys++;
	return c;
}

static size_t
table_row(struct table *t, int kind)
{
	if (t->nrows == t->caprows) {
		t->caprows = t->caprows ? 2 * t->caprows : 64;
		t->cells = ec_xrealloc(t->cells,
		    t->caprows * t->ncols * sizeof *t->cells);
		t->kind = ec_xrealloc(t->kind, t->caprows * sizeof *t->kind);
	}
	memset(&t->cells[t->nrows * t->ncols], 0,
	    t->ncols * sizeof *t->cells);
	t->kind[t->nrows] = kind;
	return t->nrows++;
}

static struct tcell *
cell(const struct table *t, size_t row, size_t col)
{
	return &t->cells[row * t->ncols + col];
}

static void
table_set(struct table *t, size_t row, size_t col, const char *text,
    const char *csv, int flag)
{
	struct tcell *c = cell(t, row, col);

	free(c->text);
	free(c->csv);
	c->text = clean_dup(text, strlen(text));
	c->csv = csv ? ec_xstrdup(csv) : NULL;
	c->flag = flag;
	t->anyflag |= flag;
}

static void
table_set_int(struct table *t, size_t row, size_t col, int64_t v, int flag)
{
	char s[24];

	ec_fmt_int(s, v);
	table_set(t, row, col, s, NULL, flag);
}

static void
table_free(struct table *t)
{
	for (size_t i = 0; i < t->nrows * t->ncols; i++) {
		free(t->cells[i].text);
		free(t->cells[i].csv);
	}
	for (size_t i = 0; i < t->ncols; i++)
		free(t->cols[i].head);
	free(t->cells);
	free(t->kind);
	free(t->cols);
	memset(t, 0, sizeof *t);
}

static const char *
text_of(const struct tcell *c)
{
	return c->text ? c->text : "";
}

/* ---- text ---- */

struct slice {
	const char *p;
	size_t n, w;
};

struct wrapped {
	struct slice *l;
	size_t n, cap;
};

static void
push_slice(struct wrapped *w, const char *p, size_t n, size_t width)
{
	if (w->n == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 2;
		w->l = ec_xrealloc(w->l, w->cap * sizeof *w->l);
	}
	w->l[w->n].p = p;
	w->l[w->n].n = n;
	w->l[w->n].w = width;
	w->n++;
}

/*
 * Cuts s into lines of at most maxw columns: at its line breaks, after
 * the last space that fits, else (Chinese has no spaces) after the last
 * character that fits.
 */
static void
wrap(const char *s, size_t maxw, struct wrapped *out)
{
	const char *end = s + strlen(s), *para = s;

	memset(out, 0, sizeof *out);
	for (;;) {
		const char *nl = memchr(para, '\n', (size_t)(end - para));
		const char *pe = nl ? nl : end, *start = para, *q = para;
		const char *sp = NULL;
		size_t w = 0, spw = 0;

		while (q < pe) {
			uint32_t cp;
			size_t k = ec_utf8_decode(q, (size_t)(pe - q), &cp);
			size_t cw = (size_t)ec_cp_width(cp);

			if (w + cw > maxw && w > 0) {
				if (sp && sp > start) {
					push_slice(out, start,
					    (size_t)(sp - start), spw);
					w -= spw + 1;
					start = sp + 1;
				} else {
					push_slice(out, start,
					    (size_t)(q - start), w);
					start = q;
					w = 0;
				}
				sp = NULL;
				continue;
			}
			if (cp == ' ') {
				sp = q;
				spw = w;
			}
			w += cw;
			q += k;
		}
		push_slice(out, start, (size_t)(pe - start), w);
		if (!nl)
			break;
		para = nl + 1;
	}
}

static void
add_padded(struct ec_buf *b, const struct slice *s, size_t width, int right)
{
	size_t w = s ? s->w : 0;

	if (right)
		add_rep(b, ' ', width - w);
	if (s)
		ec_buf_add(b, s->p, s->n);
	if (!right)
		add_rep(b, ' ', width - w);
}

struct layout {
	const struct table *t;
	struct wrapped *head;	/* per column */
	struct wrapped *cells;	/* per cell */
	size_t *w;		/* per column, the marker column included */
};

static void
text_rule(struct ec_buf *b, const struct layout *L, const size_t *sel,
    size_t nsel)
{
	size_t start = b->len;

	for (size_t i = 0; i < nsel; i++) {
		if (i)
			add_rep(b, ' ', GAP);
		add_rep(b, '-', L->w[sel[i]]);
	}
	end_line(b, start);
}

static void
text_block(struct ec_buf *b, const struct layout *L, const size_t *sel,
    size_t nsel)
{
	const struct table *t = L->t;
	size_t hl = 0;

	for (size_t i = 0; i < nsel; i++)
		if (L->head[sel[i]].n > hl)
			hl = L->head[sel[i]].n;
	/* Headers sit on the rule: a short one is on its last line. */
	for (size_t k = 0; k < hl; k++) {
		size_t start = b->len;
		for (size_t i = 0; i < nsel; i++) {
			const struct tcol *c = &t->cols[sel[i]];
			const struct wrapped *h = &L->head[sel[i]];
			size_t off = hl - h->n;
			if (i)
				add_rep(b, ' ', GAP);
			add_padded(b, k >= off ? &h->l[k - off] : NULL,
			    L->w[sel[i]] - (size_t)c->flags, c->right);
			if (c->flags)
				ec_buf_addc(b, ' ');
		}
		end_line(b, start);
	}
	text_rule(b, L, sel, nsel);
	for (size_t r = 0; r < t->nrows; r++) {
		size_t nl = 1;

		if (t->kind[r] == ROW_TOTAL && r > 0)
			text_rule(b, L, sel, nsel);
		for (size_t i = 0; i < nsel; i++) {
			const struct wrapped *cw =
			    &L->cells[r * t->ncols + sel[i]];
			if (!t->cols[sel[i]].fill && cw->n > nl)
				nl = cw->n;
		}
		for (size_t k = 0; k < nl; k++) {
			size_t start = b->len;
			for (size_t i = 0; i < nsel; i++) {
				const struct tcol *c = &t->cols[sel[i]];
				const struct wrapped *cw =
				    &L->cells[r * t->ncols + sel[i]];
				if (i)
					add_rep(b, ' ', GAP);
				if (c->fill) {
					/* A line to write on, on paper. */
					add_rep(b, k == 0 ? '_' : ' ',
					    L->w[sel[i]]);
					continue;
				}
				add_padded(b, k < cw->n ? &cw->l[k] : NULL,
				    L->w[sel[i]] - (size_t)c->flags, c->right);
				if (c->flags)
					ec_buf_addc(b, k == 0 && cell(t, r,
					    sel[i])->flag ? '!' : ' ');
			}
			end_line(b, start);
		}
	}
}

/*
 * Packs columns of widths w[0..n) (each with its gap) into blocks of at
 * most cap columns, one column at least in each; stores where each block
 * ends in ends (when not NULL) and returns how many there are.
 */
static size_t
pack(const size_t *w, size_t n, size_t cap, size_t *ends)
{
	size_t k = 0, lw = 0;

	for (size_t i = 0; i < n; i++) {
		if (lw > 0 && lw + w[i] > cap) {
			if (ends)
				ends[k] = i;
			k++;
			lw = 0;
		}
		lw += w[i];
	}
	if (n > 0) {
		if (ends)
			ends[k] = n;
		k++;
	}
	return k;
}

/*
 * Cuts the non-key columns vis[0..nvis) (widths gw, gaps included) into
 * blocks that fit in avail columns: a group of columns (the counts, the
 * rates) stays in one block when it fits in one; a group too wide for
 * one is cut into as few blocks as it needs, of even widths, rather than
 * full ones and a last one nearly empty.  Returns how many blocks; ends
 * holds where each ends.
 */
static size_t
blocks(const struct table *t, const size_t *vis, const size_t *gw,
    size_t nvis, size_t avail, size_t *ends)
{
	size_t nb = 0, cur = 0, curw = 0;

	for (size_t g = 0; g < nvis; ) {
		int group = t->cols[vis[g]].group;
		size_t e = g, w = 0;

		while (e < nvis && t->cols[vis[e]].group == group)
			w += gw[e++];
		if (w <= avail) {
			if (cur < g && curw + w > avail) {
				ends[nb++] = g;
				cur = g;
				curw = 0;
			}
			curw += w;
		} else {
			size_t k, cap, *part;

			if (cur < g)
				ends[nb++] = g;
			k = pack(gw + g, e - g, avail, NULL);
			for (cap = (w + k - 1) / k; cap < avail; cap++)
				if (pack(gw + g, e - g, cap, NULL) <= k)
					break;
			part = ec_xcalloc(k + 1, sizeof *part);
			k = pack(gw + g, e - g, cap, part);
			for (size_t i = 0; i < k; i++)
				ends[nb++] = g + part[i];
			free(part);
			cur = e;
			curw = 0;
		}
		g = e;
	}
	if (cur < nvis)
		ends[nb++] = nvis;
	return nb;
}

/*
 * Writes a table aligned by display width.  When its columns do not fit
 * in TEXT_COLUMNS, they go in blocks one under the other, each with the
 * key columns first, so every line still says whose numbers it holds.
 */
static void
text_table(struct ec_buf *b, const struct table *t)
{
	struct layout L;
	size_t *vis, *gw, *ends, nvis = 0, *sel, keyw = 0, nkey = 0, nb;
	size_t avail;

	L.t = t;
	L.head = ec_xcalloc(t->ncols, sizeof *L.head);
	L.cells = ec_xcalloc(t->nrows * t->ncols + 1, sizeof *L.cells);
	L.w = ec_xcalloc(t->ncols, sizeof *L.w);
	vis = ec_xcalloc(t->ncols, sizeof *vis);
	gw = ec_xcalloc(t->ncols, sizeof *gw);
	ends = ec_xcalloc(t->ncols + 1, sizeof *ends);
	sel = ec_xcalloc(t->ncols, sizeof *sel);
	for (size_t c = 0; c < t->ncols; c++) {
		const struct tcol *col = &t->cols[c];
		size_t w = 0;

		if (col->csv_only)
			continue;
		for (size_t r = 0; r < t->nrows; r++) {
			struct wrapped *cw = &L.cells[r * t->ncols + c];
			wrap(text_of(cell(t, r, c)), CELL_MAX, cw);
			for (size_t k = 0; k < cw->n; k++)
				if (cw->l[k].w > w)
					w = cw->l[k].w;
		}
		if (col->fill && w < FILL_MIN)
			w = FILL_MIN;
		wrap(col->head, w > HEAD_MAX ? w : HEAD_MAX, &L.head[c]);
		for (size_t k = 0; k < L.head[c].n; k++)
			if (L.head[c].l[k].w > w)
				w = L.head[c].l[k].w;
		L.w[c] = w + (size_t)col->flags;
		if (col->key) {
			sel[nkey++] = c;
			keyw += L.w[c] + (nkey > 1 ? GAP : 0);
		} else {
			gw[nvis] = L.w[c] + GAP;
			vis[nvis++] = c;
		}
	}
	/* Without key columns the first column has no gap before it. */
	avail = keyw + GAP < TEXT_COLUMNS ? TEXT_COLUMNS - keyw : GAP;
	if (nkey == 0)
		avail += GAP;
	nb = blocks(t, vis, gw, nvis, avail, ends);
	if (nvis == 0)
		text_block(b, &L, sel, nkey);
	for (size_t k = 0, i = 0; k < nb; k++) {
		size_t nsel = nkey;

		while (i < ends[k])
			sel[nsel++] = vis[i++];
		if (k)
			ec_buf_addc(b, '\n');
		text_block(b, &L, sel, nsel);
	}
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(L.cells[i].l);
	for (size_t c = 0; c < t->ncols; c++)
		free(L.head[c].l);
	free(L.cells);
	free(L.head);
	free(L.w);
	free(vis);
	free(gw);
	free(ends);
	free(sel);
}

/* A title and its underline, as wide as the title. */
static void
text_title(struct ec_buf *b, const char *title)
{
	char *s = clean_dup(title, strlen(title));

	for (char *p = s; *p; p++)
		if (*p == '\n')
			*p = ' ';
	ec_buf_adds(b, s);
	ec_buf_addc(b, '\n');
	add_rep(b, '=', ec_width(s, strlen(s)));
	ec_buf_addc(b, '\n');
	free(s);
}

/* ---- Markdown ---- */

static void
md_table_head(struct ec_buf *b, const struct table *t)
{
	ec_buf_addc(b, '|');
	for (size_t c = 0; c < t->ncols; c++) {
		if (t->cols[c].csv_only)
			continue;
		ec_buf_addc(b, ' ');
		add_md(b, t->cols[c].head);
		ec_buf_adds(b, " |");
	}
	ec_buf_adds(b, "\n|");
	for (size_t c = 0; c < t->ncols; c++)
		if (!t->cols[c].csv_only)
			ec_buf_adds(b, t->cols[c].right ? " ---: |" : " --- |");
	ec_buf_addc(b, '\n');
}

static void
md_rows(struct ec_buf *b, const struct table *t)
{
	for (size_t r = 0; r < t->nrows; r++) {
		ec_buf_addc(b, '|');
		for (size_t c = 0; c < t->ncols; c++) {
			const struct tcell *x = cell(t, r, c);
			int bold = (x->flag || t->kind[r] == ROW_TOTAL) &&
			    *text_of(x);

			if (t->cols[c].csv_only)
				continue;
			ec_buf_addc(b, ' ');
			if (bold)
				ec_buf_adds(b, "**");
			add_md(b, text_of(x));
			if (x->flag)
				ec_buf_addc(b, '!');
			if (bold)
				ec_buf_adds(b, "**");
			ec_buf_adds(b, " |");
		}
		ec_buf_addc(b, '\n');
	}
}

static void
md_table(struct ec_buf *b, const struct table *t)
{
	md_table_head(b, t);
	md_rows(b, t);
}

/* ---- CSV ---- */

static void
csv_rows(struct ec_buf *b, const struct table *t)
{
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++) {
			const struct tcell *x = cell(t, r, c);
			if (c)
				ec_buf_addc(b, ',');
			add_csv(b, x->csv ? x->csv : text_of(x));
		}
		ec_buf_addc(b, '\n');
	}
}

static void
csv_table(struct ec_buf *b, const struct table *t)
{
	for (size_t c = 0; c < t->ncols; c++) {
		if (c)
			ec_buf_addc(b, ',');
		add_csv(b, t->cols[c].head);
	}
	ec_buf_addc(b, '\n');
	csv_rows(b, t);
}

/* ---- HTML ---- */

/*
 * The page's style.  Fonts: those that hold Chinese on Debian (Noto CJK,
 * WenQuanYi), Windows (Microsoft YaHei, SimHei) and macOS, in that
 * order; nothing is loaded from anywhere.
 */
static const char css[] =
"* { box-sizing: border-box; }\n"
"html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }\n"
"body { margin: 16px; color: #111; font-size: 10.5pt; line-height: 1.4;\n"
"  font-family: \"Noto Sans CJK SC\", \"Source Han Sans SC\", "
"\"WenQuanYi Zen Hei\",\n"
"    \"WenQuanYi Micro Hei\", \"Microsoft YaHei\", \"微软雅黑\", "
"\"PingFang SC\",\n"
"    \"Hiragino Sans GB\", SimHei, \"黑体\", \"DejaVu Sans\", Arial, "
"sans-serif; }\n"
"h1 { font-size: 16pt; margin: 0 0 4px; }\n"
"h2 { font-size: 13pt; margin: 0 0 4px; }\n"
"p.meta { margin: 0 0 10px; color: #444; }\n"
"table { border-collapse: collapse; width: 100%; margin: 0 0 8px; }\n"
"th, td { border: 1px solid #888; padding: 3px 6px; }\n"
"th { background: #e8edf3; text-align: center; }\n"
"td.num { text-align: right; white-space: nowrap; "
"font-variant-numeric: tabular-nums; }\n"
"td.code { white-space: nowrap; font-variant-numeric: tabular-nums; }\n"
"td.name { white-space: nowrap; }\n"
"table.sheet th { white-space: nowrap; }\n"
"tr.subtotal td { background: #f3f3f3; }\n"
"tr.total td { font-weight: bold; border-top: 2px solid #333; }\n"
"td.flag { color: #b00020; background: #fde7ea; font-weight: bold; }\n"
"span.flag { color: #b00020; font-weight: bold; }\n"
"p.legend { font-size: 9pt; color: #444; }\n"
"thead { display: table-header-group; }\n"
"tr { break-inside: avoid; page-break-inside: avoid; }\n"
"figure { display: inline-block; vertical-align: top; margin: 14px 28px 0 0;\n"
"  break-inside: avoid; page-break-inside: avoid; }\n"
"figcaption { font-weight: bold; margin: 0 0 4px; }\n"
"svg { max-width: 100%; height: auto; }\n"
"svg text { font-family: inherit; font-size: 12px; fill: #222; }\n"
"svg text.v { font-size: 10px; fill: #333; }\n"
"table.sheet td { height: 9mm; }\n"
"td.fill { width: 30mm; }\n"
"section.village { break-after: page; page-break-after: always; }\n"
"section.village:last-child { break-after: auto; "
"page-break-after: auto; }\n"
"section.village + section.village { margin-top: 28px; }\n"
"@media print { body { margin: 0; }\n"
"  section.village + section.village { margin-top: 0; } }\n";

/*
 * Landscape, for both: a summary has a dozen columns or more, and a visit
 * sheet wants room to write in.
 */
static void
html_head(const struct ec_reporter *r, struct ec_buf *b, const char *title)
{
	ec_buf_adds(b, "<!DOCTYPE html>\n<html lang=\"");
	ec_buf_adds(b, is_en(r) ? "en" : "zh-CN");
	ec_buf_adds(b, "\">\n<head>\n<meta charset=\"utf-8\">\n");
	/* Even data cannot make the page fetch anything. */
	ec_buf_adds(b, "<meta http-equiv=\"Content-Security-Policy\" "
	    "content=\"default-src 'none'; style-src 'unsafe-inline'\">\n");
	ec_buf_adds(b, "<title>");
	add_html(b, title);
	ec_buf_adds(b, "</title>\n<style>\n"
	    "@page { size: A4 landscape; margin: 12mm; }\n");
	ec_buf_adds(b, css);
	ec_buf_adds(b, "</style>\n</head>\n<body>\n");
}

static void
html_table_head(struct ec_buf *b, const struct table *t)
{
	ec_buf_adds(b, "<table");
	if (t->cls)
		ec_buf_addf(b, " class=\"%s\"", t->cls);
	ec_buf_adds(b, ">\n<thead>\n<tr>");
	for (size_t c = 0; c < t->ncols; c++) {
		if (t->cols[c].csv_only)
			continue;
		ec_buf_adds(b, "<th>");
		add_html(b, t->cols[c].head);
		ec_buf_adds(b, "</th>");
	}
	ec_buf_adds(b, "</tr>\n</thead>\n<tbody>\n");
}

static void
html_rows(struct ec_buf *b, const struct table *t)
{
	for (size_t r = 0; r < t->nrows; r++) {
		if (t->kind[r] == ROW_TOTAL)
			ec_buf_adds(b, "<tr class=\"total\">");
		else if (t->kind[r] == ROW_SUBTOTAL)
			ec_buf_adds(b, "<tr class=\"subtotal\">");
		else
			ec_buf_adds(b, "<tr>");
		for (size_t c = 0; c < t->ncols; c++) {
			const struct tcol *col = &t->cols[c];
			const struct tcell *x = cell(t, r, c);

			if (col->csv_only)
				continue;
			if (col->cls || x->flag)
				ec_buf_addf(b, "<td class=\"%s%s%s\">",
				    col->cls ? col->cls : "",
				    col->cls && x->flag ? " " : "",
				    x->flag ? "flag" : "");
			else
				ec_buf_adds(b, "<td>");
			add_html(b, text_of(x));
			if (x->flag)
				ec_buf_addc(b, '!');
			ec_buf_adds(b, "</td>");
		}
		ec_buf_adds(b, "</tr>\n");
	}
}

static void
html_table_end(struct ec_buf *b)
{
	ec_buf_adds(b, "</tbody>\n</table>\n");
}

static void
html_table(struct ec_buf *b, const struct table *t)
{
	html_table_head(b, t);
	html_rows(b, t);
	html_table_end(b);
}

static void
html_tail(struct ec_buf *b)
{
	ec_buf_adds(b, "</body>\n</html>\n");
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
	add_html(b, title);
	ec_buf_addf(b, "</figcaption>\n<svg width=\"%zu\" height=\"%zu\" "
	    "viewBox=\"0 0 %zu %zu\" role=\"img\" aria-label=\"", width, height,
	    width, height);
	add_html(b, title);
	ec_buf_adds(b, "\">\n");
	x = lw;
	for (size_t i = 0; ns > 1 && i < ns; i++) {
		ec_buf_addf(b, "<rect x=\"%zu\" y=\"6\" width=\"10\" "
		    "height=\"10\" fill=\"%s\"/><text x=\"%zu\" y=\"15\">", x,
		    s[i].color, x + 14);
		add_html(b, s[i].name);
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
		add_html(b, units[u]);
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

/* The policy column a header names (as ec_sheet_bind matches), or -1. */
static int
column_named(const struct ec_policy *pol, const char *p, size_t n)
{
	for (size_t c = 0; c < pol->ncolumns; c++) {
		const struct ec_column *col = &pol->columns[c];
		if (ec_ascii_case_eq(p, n, col->name, strlen(col->name)) ||
		    (col->zh && ec_ascii_case_eq(p, n, col->zh,
		    strlen(col->zh))))
			return (int)c;
		for (size_t a = 0; a < col->naliases; a++)
			if (ec_ascii_case_eq(p, n, col->aliases[a],
			    strlen(col->aliases[a])))
				return (int)c;
	}
	return -1;
}

static void
rollup_header(struct ec_reporter *r, const struct ec_csv_record *h)
{
	r->input = EC_INPUT_ROLLUP;
	r->nb = (size_t)r->f_level;
	r->bname = ec_xcalloc(r->nb + 1, sizeof *r->bname);
	r->bcol = ec_xcalloc(r->nb + 1, sizeof *r->bcol);
	for (size_t i = 0; i < r->nb; i++) {
		size_t n = h->fields[i].n;
		const char *p = ec_trim(h->fields[i].p, &n);
		r->bname[i] = ec_xmemdup(p, n);
		r->bcol[i] = column_named(r->pol, p, n);
	}
	for (size_t m = 0; m < M_N; m++) {
		r->f_metric[m] = field_named(h, metrics[m].name);
		if (r->f_metric[m] >= 0 && (size_t)r->f_metric[m] < r->nb)
			r->f_metric[m] = -1;
	}
}

static int
parse_count(const struct ec_str *f, int64_t *out, char *err, size_t errlen)
{
	size_t n = f->n;
	const char *p = ec_trim(f->p, &n);
	int64_t v = 0;

	if (n == 0 || n > 15 || !ec_all_digits(p, n)) {
		struct ec_buf q = EC_BUF_INIT;
		ec_diag_quote(&q, f->p, f->n);
		/* Rates are computed in doubles: exact to 15 digits. */
		snprintf(err, errlen, n > 15 && ec_all_digits(p, n) ?
		    "%s is too large a count for report (at most 15 digits)" :
		    "%s is not a count (a whole number, 0 or more)", q.p);
		ec_buf_release(&q);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (p[i] - '0');
	*out = v;
	return 0;
}

static int
rollup_record(struct ec_reporter *r, const struct ec_csv_record *rec,
    int *field, char *err, size_t errlen)
{
	struct urow u;
	size_t n;
	const char *lv;

	memset(&u, 0, sizeof u);
	*field = r->f_records;
	if (parse_count(&rec->fields[r->f_records], &u.records, err,
	    errlen) != 0)
		return -1;
	for (size_t m = 0; m < M_N; m++) {
		u.v[m] = -1;
		if (r->f_metric[m] < 0)
			continue;
		*field = r->f_metric[m];
		if (parse_count(&rec->fields[r->f_metric[m]], &u.v[m], err,
		    errlen) != 0)
			return -1;
	}
	n = rec->fields[r->f_level].n;
	lv = ec_trim(rec->fields[r->f_level].p, &n);
	u.depth = -2;
	if (ec_ascii_case_eq(lv, n, "total", 5))
		u.depth = -1;
	for (size_t i = 0; i < r->nb && u.depth == -2; i++) {
		const char *cn = r->bcol[i] >= 0 ?
		    r->pol->columns[r->bcol[i]].name : "";
		if (ec_ascii_case_eq(lv, n, r->bname[i], strlen(r->bname[i])) ||
		    ec_ascii_case_eq(lv, n, cn, strlen(cn)))
			u.depth = (int)i;
	}
	u.names = ec_xcalloc(r->nb + 1, sizeof *u.names);
	for (size_t i = 0; i < r->nb; i++) {
		size_t k = rec->fields[i].n;
		const char *p = ec_trim(rec->fields[i].p, &k);
		u.names[i] = ec_xmemdup(p, k);
	}
	/* A level not named: the deepest value there is says it. */
	if (u.depth == -2) {
		u.depth = -1;
		for (size_t i = 0; i < r->nb; i++)
			if (*u.names[i])
				u.depth = (int)i;
	}
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
		table_key(t, r->bcol[i] >= 0 ? column_label(r, r->bcol[i]) :
		    r->bname[i], 0, "name");
	if (r->nb == 0)
		table_key(t, "", 0, "name");
	col_rec = table_col(t, label(r, "records"), 1, "num");
	t->cols[col_rec].group = 1;
	for (size_t m = 0; m < M_N; m++)
		if (metrics[m].shown && r->f_metric[m] >= 0) {
			col_m[m] = table_col(t,
			    metric_label(r, metrics[m].name), 1, "num");
			t->cols[col_m[m]].flags = m == M_ALERTS_UNREPORTED;
			t->cols[col_m[m]].group = 1;
		}
	for (int k = 0; k < R_N; k++)
		if (has_rate(r, k)) {
			col_r[k] = table_col(t, label(r, rate_keys[k]), 1,
			    "num");
			t->cols[col_r[k]].flags = k == R_VISIT || k == R_ALERTS;
			t->cols[col_r[k]].group = 2;
		}
	col_att = table_col(t, label(r, "attention"), 0, NULL);
	t->cols[col_att].csv_only = 1;

	for (size_t i = 0; i < r->nrows; i++) {
		const struct urow *u = &r->rows[i];
		int leaf = u->depth == (int)nunit - 1 && r->nb > 0;
		size_t row = table_row(t, u->depth < 0 ? ROW_TOTAL :
		    leaf ? ROW_PLAIN : ROW_SUBTOTAL);
		struct ec_buf att = EC_BUF_INIT;

		if (u->depth < 0) {
			table_set(t, row, 0, label(r, "total"), NULL, 0);
		} else {
			for (size_t k = 0; k <= (size_t)u->depth; k++)
				table_set(t, row, k, u->names[k], NULL, 0);
			if (!leaf)
				table_set(t, row, (size_t)u->depth + 1,
				    label(r, "subtotal"), NULL, 0);
		}
		table_set_int(t, row, col_rec, u->records, 0);
		for (size_t m = 0; m < M_N; m++)
			if (metrics[m].shown && r->f_metric[m] >= 0)
				table_set_int(t, row, col_m[m], u->v[m],
				    m == M_ALERTS_UNREPORTED && flag_alerts(u));
		for (int k = 0; k < R_N; k++) {
			int64_t num, den;
			char pct[32], frac[32];
			int flag;

			if (!rate_of(r, u, k, &num, &den))
				continue;
			ec_rate_percent(num, den, pct);
			ec_rate_fraction(num, den, frac);
			flag = k == R_VISIT ? flag_visits(r, u) :
			    k == R_ALERTS ? flag_alerts(u) : 0;
			table_set(t, row, col_r[k], pct, frac, flag);
		}
		if (flag_visits(r, u))
			ec_buf_adds(&att, label(r, "rate_visit_coverage"));
		if (flag_alerts(u)) {
			if (att.len)
				ec_buf_addc(&att, ';');
			ec_buf_adds(&att, metric_label(r, "alerts_unreported"));
		}
		table_set(t, row, col_att, att.p ? att.p : "", NULL, 0);
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
		s[ns].name = metric_label(r, metrics[m].name);
		s[ns].color = counts[i].color;
		for (size_t j = 0; j < r->nrows; j++)
			if (r->rows[j].depth == (int)r->nb - 1)
				s[ns].v[k++] = r->rows[j].v[m];
		if (title.len)
			ec_buf_adds(&title, is_en(r) ? ", " : "、");
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
		one.name = label(r, rate_keys[k]);
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

static void
summary_write(struct ec_reporter *r, struct ec_buf *b)
{
	const char *title = r->o.title ? r->o.title : label(r, "summary_title");
	struct ec_buf meta = EC_BUF_INIT;
	struct table t;
	char date[11];

	ec_date_format(r->o.asof, date);
	add_meta(r, &meta, "as_of", date);
	summary_table(r, &t);
	switch (r->o.format) {
	case EC_FORMAT_TEXT:
		text_title(b, title);
		ec_buf_adds(b, meta.p);
		ec_buf_adds(b, "\n\n");
		text_table(b, &t);
		if (t.anyflag) {
			ec_buf_adds(b, "\n! ");
			ec_buf_adds(b, label(r, "flag_note"));
			ec_buf_addc(b, '\n');
		}
		break;
	case EC_FORMAT_MARKDOWN:
		ec_buf_adds(b, "# ");
		add_md(b, title);
		ec_buf_adds(b, "\n\n");
		add_md(b, meta.p);
		ec_buf_adds(b, "\n\n");
		md_table(b, &t);
		if (t.anyflag) {
			ec_buf_adds(b, "\n**!** ");
			add_md(b, label(r, "flag_note"));
			ec_buf_addc(b, '\n');
		}
		break;
	case EC_FORMAT_HTML:
		html_head(r, b, title);
		ec_buf_adds(b, "<h1>");
		add_html(b, title);
		ec_buf_adds(b, "</h1>\n<p class=\"meta\">");
		add_html(b, meta.p);
		ec_buf_adds(b, "</p>\n");
		html_table(b, &t);
		if (t.anyflag) {
			ec_buf_adds(b, "<p class=\"legend\"><span "
			    "class=\"flag\">!</span> ");
			add_html(b, label(r, "flag_note"));
			ec_buf_adds(b, "</p>\n");
		}
		summary_charts(r, b);
		html_tail(b);
		break;
	case EC_FORMAT_CSV:
		csv_table(b, &t);
		break;
	}
	table_free(&t);
	ec_buf_release(&meta);
}

/* ---- visit sheets ---- */

static const char *const sheet_columns[V_N] = {
	"name", "id_number", "age", "phone", "guardian_name",
	"guardian_phone", "risk_level", "last_visit", "days_overdue",
};

static const char *const place_columns[3] = {
	"county", "township", "village",
};

static int
visits_header(struct ec_reporter *r, const struct ec_csv_record *h,
    char *err, size_t errlen)
{
	const struct ec_policy *pol = r->pol;

	ec_sheet_init(&r->sheet, pol, r->o.asof);
	r->have_sheet = 1;
	if (ec_sheet_bind(&r->sheet, h, err, errlen) != 0)
		return -1;
	r->input = EC_INPUT_VISITS;
	for (int i = 0; i < 3; i++)
		r->c_place[i] = ec_policy_column(pol, place_columns[i]);
	for (int i = 0; i < V_N; i++)
		r->c_cell[i] = ec_policy_column(pol, sheet_columns[i]);
	r->c_status = ec_policy_column(pol, "visit_status");
	/* Whose sheet it is cannot be left blank. */
	for (int i = V_NAME; i <= V_ID; i++) {
		int c = r->c_cell[i];
		struct ec_buf names = EC_BUF_INIT;

		if (c >= 0 && r->sheet.col_field[c] >= 0)
			continue;
		ec_buf_adds(&names, sheet_columns[i]);
		if (c >= 0) {
			const struct ec_column *col = &pol->columns[c];
			if (col->zh)
				ec_buf_addf(&names, ", %s", col->zh);
			for (size_t a = 0; a < col->naliases; a++)
				ec_buf_addf(&names, ", %s", col->aliases[a]);
		}
		snprintf(err, errlen, "a visit-due output, but the column "
		    "'%s' is missing (its header may be: %s)", sheet_columns[i],
		    names.p);
		ec_buf_release(&names);
		return -1;
	}
	return 0;
}

/* The trimmed text of column col in rec, or "" when the input lacks it. */
static const char *
cell_text(const struct ec_reporter *r, const struct ec_csv_record *rec,
    int col, size_t *n)
{
	const struct ec_str *f;

	if (col < 0 || r->sheet.col_field[col] < 0) {
		*n = 0;
		return "";
	}
	f = &rec->fields[r->sheet.col_field[col]];
	*n = f->n;
	return ec_trim(f->p, n);
}

static struct village *
village_of(struct ec_reporter *r, const struct ec_csv_record *rec)
{
	const char *p[3];
	size_t n[3];
	struct village *v;

	for (int i = 0; i < 3; i++)
		p[i] = cell_text(r, rec, r->c_place[i], &n[i]);
	/* Latest first: visit-due --overdue writes a village together. */
	for (size_t k = r->nvil; k-- > 0; ) {
		int same = 1;
		v = &r->vil[k];
		for (int i = 0; i < 3 && same; i++)
			same = strlen(v->place[i]) == n[i] &&
			    memcmp(v->place[i], p[i], n[i]) == 0;
		if (same)
			return v;
	}
	if (r->nvil == r->capvil) {
		r->capvil = r->capvil ? 2 * r->capvil : 16;
		r->vil = ec_xrealloc(r->vil, r->capvil * sizeof *r->vil);
	}
	v = &r->vil[r->nvil++];
	memset(v, 0, sizeof *v);
	for (int i = 0; i < 3; i++)
		v->place[i] = ec_xmemdup(p[i], n[i]);
	return v;
}

/* ---- the people waiting in a temporary file ---- */

/* A scratch file (outfile.h): nothing is left behind. */
static int
spill_open(struct spill *sp)
{
	sp->dir = ec_scratch_dir();
	if ((sp->fd = ec_scratch_open()) < 0)
		sp->err = errno;
	return sp->fd >= 0 ? 0 : -1;
}

static void
spill_flush(struct spill *sp)
{
	if (!sp->err)
		sp->err = ec_write_all(sp->fd, sp->buf.p, sp->buf.len);
	ec_buf_reset(&sp->buf);
}

/* Appends a record; returns its offset. */
static uint64_t
spill_add(struct spill *sp, const void *p, size_t n)
{
	uint64_t at = sp->size;

	if (sp->fd < 0 && !sp->err)
		spill_open(sp);
	ec_buf_add(&sp->buf, p, n);
	sp->size += n;
	if (sp->buf.len >= SPILL_FLUSH)
		spill_flush(sp);
	return at;
}

static int
spill_read(struct spill *sp, uint64_t at, void *p, size_t n)
{
	size_t got = 0;

	while (got < n && !sp->err) {
		ssize_t k = pread(sp->fd, (char *)p + got, n - got,
		    (off_t)(at + got));
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			sp->err = k < 0 ? errno : EIO;
		else
			got += (size_t)k;
	}
	return sp->err ? -1 : 0;
}

/*
 * Where the people of a village are in the spill, in the order they came
 * (12 bytes a person: the only memory of report that grows, and with the
 * largest village, not with the list).
 */
struct roll {
	uint64_t *at;		/* each one's cells */
	uint32_t *len;		/* and their length */
	size_t n;
};

/* Walks village v's chain back; -1 (and the spill's err set) on failure. */
static int
village_roll(struct ec_reporter *r, const struct village *v, struct roll *roll)
{
	struct spill *sp = &r->spill;
	uint64_t next = v->last + 1;
	unsigned char head[SPILL_HEAD];

	roll->n = v->n;
	roll->at = ec_xcalloc(v->n ? v->n : 1, sizeof *roll->at);
	roll->len = ec_xcalloc(v->n ? v->n : 1, sizeof *roll->len);
	if (sp->buf.len)
		spill_flush(sp);
	for (size_t i = v->n; i-- > 0; ) {
		if (next == 0 || spill_read(sp, next - 1, head, sizeof head)) {
			sp->err = sp->err ? sp->err : EIO;
			return -1;
		}
		roll->at[i] = next - 1 + SPILL_HEAD;
		memcpy(&next, head, 8);
		memcpy(&roll->len[i], head + 8, 4);
	}
	return 0;
}

static void
roll_free(struct roll *roll)
{
	free(roll->at);
	free(roll->len);
}

/*
 * People from .. from + n of a roll: their cells point into *blob, which
 * the caller frees with the array.  NULL (and the spill's err set) when
 * the file cannot be read.
 */
static struct person *
roll_people(struct ec_reporter *r, const struct roll *roll, size_t from,
    size_t n, char **blob)
{
	struct spill *sp = &r->spill;
	struct person *people;
	size_t total = 0, pos = 0;

	for (size_t i = from; i < from + n; i++)
		total += roll->len[i];
	*blob = ec_xmalloc(total + 1);
	people = ec_xcalloc(n ? n : 1, sizeof *people);
	for (size_t i = 0; i < n; i++) {
		/* Read, then each cell moved back over the lengths, ended by
		 * a NUL: it always lands on bytes already read. */
		size_t len = roll->len[from + i];
		char *rp = *blob + pos, *wp = rp, *end = rp + len;
		if (spill_read(sp, roll->at[from + i], rp, len) != 0)
			goto fail;
		pos += len;
		for (int c = 0; c < V_N; c++) {
			uint32_t k;
			if (end - rp < 4)
				goto fail;
			memcpy(&k, rp, 4);
			rp += 4;
			if ((size_t)(end - rp) < k)
				goto fail;
			memmove(wp, rp, k);
			wp[k] = '\0';
			people[i].cell[c] = wp;
			rp += k;
			wp += k + 1;
		}
	}
	return people;
fail:
	sp->err = sp->err ? sp->err : EIO;
	free(people);
	free(*blob);
	*blob = NULL;
	return NULL;
}

static int
visits_record(struct ec_reporter *r, const struct ec_csv_record *rec)
{
	struct village *v = village_of(r, rec);
	struct ec_buf b = EC_BUF_INIT, out = EC_BUF_INIT;
	uint64_t prev = v->n ? v->last + 1 : 0;
	uint32_t len;

	/* the offset before and the length, filled in below */
	ec_buf_add(&out, &prev, 8);
	ec_buf_add(&out, "\0\0\0\0", 4);
	ec_sheet_record(&r->sheet, rec);
	for (int i = 0; i < V_N; i++) {
		int c = r->c_cell[i];
		size_t n;
		const char *p = cell_text(r, rec, c, &n);
		const char *l;

		ec_buf_reset(&b);
		switch (i) {
		case V_ID:
			if (r->o.mask)
				ec_mask_id(p, n, &b);
			else
				ec_buf_add(&b, p, n);
			break;
		case V_PHONE:
		case V_GPHONE:
			if (r->o.mask)
				ec_mask_phone(p, n, &b);
			else
				ec_buf_add(&b, p, n);
			break;
		case V_AGE:
			if (c >= 0 && r->sheet.col_field[c] < 0) {
				/* No age column: the policy computes it. */
				struct ec_value val;
				ec_sheet_value(&r->sheet, c, &val);
				if (!val.blank && val.type == EC_T_INT)
					ec_buf_addf(&b, "%lld",
					    (long long)val.i);
			} else {
				ec_buf_add(&b, p, n);
			}
			break;
		case V_RISK:
			l = value_label(r, c, p, n);
			if (l)
				ec_buf_adds(&b, l);
			else
				ec_buf_add(&b, p, n);
			break;
		case V_OVERDUE:
			if (n == 0) {
				/* Never visited: no days to count. */
				size_t sn;
				const char *s = cell_text(r, rec, r->c_status,
				    &sn);
				l = value_label(r, r->c_status, s, sn);
				if (l)
					ec_buf_adds(&b, l);
			} else {
				ec_buf_add(&b, p, n);
			}
			break;
		default:
			ec_buf_add(&b, p, n);
			break;
		}
		len = (uint32_t)b.len;
		ec_buf_add(&out, &len, 4);
		ec_buf_add(&out, b.p ? b.p : "", b.len);
	}
	len = (uint32_t)(out.len - SPILL_HEAD);
	memcpy(out.p + 8, &len, 4);
	v->last = spill_add(&r->spill, out.p, out.len);
	v->n++;
	ec_buf_release(&b);
	ec_buf_release(&out);
	return 0;
}

static void
village_path(const struct village *v, struct ec_buf *b)
{
	for (int i = 0; i < 3; i++) {
		if (!*v->place[i])
			continue;
		if (b->len)
			ec_buf_addc(b, ' ');
		ec_buf_adds(b, v->place[i]);
	}
}

/*
 * A sheet of village vil: n of its people, the first numbered from + 1
 * (none: vil NULL); with place, the place columns too (CSV).
 */
static void
sheet_table(struct ec_reporter *r, struct table *t, struct village *vil,
    const struct person *people, size_t n, size_t from, int place)
{
	static const char *const cls[V_N] = {
		NULL, "code", "num", "code", NULL, "code", NULL, "code", "num",
	};
	size_t first, col_fill;

	memset(t, 0, sizeof *t);
	t->cls = "sheet";
	for (int i = 0; place && i < 3; i++)
		table_col(t, r->c_place[i] >= 0 ?
		    column_label(r, r->c_place[i]) : place_columns[i], 0, NULL);
	first = t->ncols;
	table_key(t, label(r, "row_number"), 1, "num");
	for (int i = 0; i < V_N; i++) {
		const char *head = r->c_cell[i] >= 0 ?
		    column_label(r, r->c_cell[i]) : sheet_columns[i];
		if (i == V_NAME)
			table_key(t, head, 0, "name");
		else
			t->cols[table_col(t, head, i == V_AGE ||
			    i == V_OVERDUE, cls[i])].group = i < V_RISK ? 1 : 2;
	}
	col_fill = table_col(t, label(r, "visit_done_date"), 0, "fill");
	t->cols[col_fill].fill = 1;
	t->cols[col_fill].group = 2;
	for (size_t j = 0; vil && j < n; j++) {
		size_t row = table_row(t, ROW_PLAIN);

		for (int i = 0; place && i < 3; i++)
			table_set(t, row, (size_t)i, vil->place[i], NULL, 0);
		table_set_int(t, row, first, (int64_t)(from + j) + 1, 0);
		for (int i = 0; i < V_N; i++)
			table_set(t, row, first + 1 + (size_t)i,
			    people[j].cell[i], NULL, 0);
		table_set(t, row, col_fill, "", NULL, 0);
	}
}

/* Lets the caller write out what b holds, once it is 64 KiB or more. */
static void
maybe_flush(struct ec_reporter *r, struct ec_buf *b)
{
	if (r->flush && b->len >= 64 * 1024)
		r->flush(r->flush_ctx, b);
}

/*
 * The sheet of village v (none: NULL) in parts of SHEET_ROWS people, each
 * made into a table, handed to put, and written out, so that memory does
 * not grow with the village: a part holds about 1 MB.  Returns -1 when
 * the spill cannot be read.
 */
#define SHEET_ROWS	1024

typedef void put_fn(struct ec_reporter *r, struct ec_buf *b,
    const struct table *t, size_t from);

static int
sheet_parts(struct ec_reporter *r, struct ec_buf *b, struct village *v,
    int place, put_fn *put)
{
	struct roll roll;
	struct table t;
	size_t from = 0;

	if (!v) {
		sheet_table(r, &t, NULL, NULL, 0, 0, place);
		put(r, b, &t, 0);
		table_free(&t);
		return 0;
	}
	if (village_roll(r, v, &roll) != 0) {
		roll_free(&roll);
		return -1;
	}
	do {
		size_t n = v->n - from < SHEET_ROWS ? v->n - from : SHEET_ROWS;
		char *blob;
		struct person *people = roll_people(r, &roll, from, n, &blob);
		if (!people) {
			roll_free(&roll);
			return -1;
		}
		sheet_table(r, &t, v, people, n, from, place);
		put(r, b, &t, from);
		table_free(&t);
		free(people);
		free(blob);
		maybe_flush(r, b);
		from += n;
	} while (from < v->n);
	roll_free(&roll);
	return 0;
}

/*
 * The parts of a sheet in each format: CSV's very first with the header;
 * each text part laid out by itself, under its own column heads (a page
 * of a village of thousands); Markdown's and HTML's one table.
 */
static void
put_csv(struct ec_reporter *r, struct ec_buf *b, const struct table *t,
    size_t from)
{
	if (!r->csv_started)
		csv_table(b, t);
	else
		csv_rows(b, t);
	r->csv_started = 1;
}

static void
put_text(struct ec_reporter *r, struct ec_buf *b, const struct table *t,
    size_t from)
{
	if (from)
		ec_buf_addc(b, '\n');
	text_table(b, t);
}

static void
put_md(struct ec_reporter *r, struct ec_buf *b, const struct table *t,
    size_t from)
{
	if (!from)
		md_table_head(b, t);
	md_rows(b, t);
}

static void
put_html(struct ec_reporter *r, struct ec_buf *b, const struct table *t,
    size_t from)
{
	if (!from)
		html_table_head(b, t);
	html_rows(b, t);
}

static int
sheets_write(struct ec_reporter *r, struct ec_buf *b)
{
	const char *title = r->o.title ? r->o.title :
	    label(r, "visit_sheet_title");
	const char *sep = r->o.format == EC_FORMAT_TEXT ? "  " : " · ";
	struct ec_buf meta = EC_BUF_INIT, head = EC_BUF_INIT;
	char date[11], count[24];
	int rc = 0;

	ec_date_format(r->o.asof, date);
	if (r->o.format == EC_FORMAT_CSV) {
		/* one table, written a village at a time */
		r->csv_started = 0;
		for (size_t k = 0; k < (r->nvil ? r->nvil : 1); k++)
			if (sheet_parts(r, b, r->nvil ? &r->vil[k] : NULL, 1,
			    put_csv) != 0)
				return -1;
		return 0;
	}
	if (r->o.format == EC_FORMAT_HTML)
		html_head(r, b, title);
	if (r->o.format == EC_FORMAT_MARKDOWN) {
		ec_buf_adds(b, "# ");
		add_md(b, title);
		ec_buf_adds(b, "\n");
	}
	/* No one on the list still says so, dated. */
	for (size_t k = 0; k < (r->nvil ? r->nvil : 1) && rc == 0; k++) {
		struct village *v = r->nvil ? &r->vil[k] : NULL;

		ec_buf_reset(&meta);
		ec_buf_reset(&head);
		add_meta(r, &meta, "as_of", date);
		ec_buf_adds(&meta, sep);
		ec_fmt_int(count, v ? (int64_t)v->n : 0);
		add_meta(r, &meta, "people", count);
		if (v)
			village_path(v, &head);
		switch (r->o.format) {
		case EC_FORMAT_TEXT:
			if (k)
				ec_buf_addc(b, '\n');
			if (head.len) {
				struct ec_buf full = EC_BUF_INIT;
				ec_buf_addf(&full, "%s  %s", title, head.p);
				text_title(b, full.p);
				ec_buf_release(&full);
			} else {
				text_title(b, title);
			}
			ec_buf_adds(b, meta.p);
			ec_buf_addc(b, '\n');
			if (v) {
				ec_buf_addc(b, '\n');
				rc = sheet_parts(r, b, v, 0, put_text);
			}
			break;
		case EC_FORMAT_MARKDOWN:
			ec_buf_addc(b, '\n');
			if (head.len) {
				ec_buf_adds(b, "## ");
				add_md(b, head.p);
				ec_buf_adds(b, "\n\n");
			}
			add_md(b, meta.p);
			ec_buf_addc(b, '\n');
			if (v) {
				ec_buf_addc(b, '\n');
				rc = sheet_parts(r, b, v, 0, put_md);
			}
			break;
		case EC_FORMAT_HTML:
			ec_buf_adds(b, "<section class=\"village\">\n<h1>");
			add_html(b, title);
			ec_buf_adds(b, "</h1>\n");
			if (head.len) {
				ec_buf_adds(b, "<h2>");
				add_html(b, head.p);
				ec_buf_adds(b, "</h2>\n");
			}
			ec_buf_adds(b, "<p class=\"meta\">");
			add_html(b, meta.p);
			ec_buf_adds(b, "</p>\n");
			if (v) {
				rc = sheet_parts(r, b, v, 0, put_html);
				html_table_end(b);
			}
			ec_buf_adds(b, "</section>\n");
			break;
		case EC_FORMAT_CSV:
			break;
		}
		maybe_flush(r, b);
	}
	if (r->o.format == EC_FORMAT_HTML)
		html_tail(b);
	ec_buf_release(&meta);
	ec_buf_release(&head);
	return rc;
}

/* ---- the reporter ---- */

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
	for (size_t i = 0; i < r->nb; i++)
		free(r->bname[i]);
	free(r->bname);
	free(r->bcol);
	for (size_t k = 0; k < r->nvil; k++)
		for (int i = 0; i < 3; i++)
			free(r->vil[k].place[i]);
	free(r->vil);
	if (r->spill.fd >= 0)
		close(r->spill.fd);
	ec_buf_release(&r->spill.buf);
	if (r->have_sheet)
		ec_sheet_release(&r->sheet);
	free(r);
}

int
ec_reporter_header(struct ec_reporter *r, const struct ec_csv_record *h,
    char *err, size_t errlen)
{
	r->f_level = field_named(h, "level");
	r->f_records = field_named(h, "records");
	if (r->f_level >= 0 && r->f_records >= 0) {
		rollup_header(r, h);
		return 0;
	}
	if (field_named(h, "visit_status") >= 0)
		return visits_header(r, h, err, errlen);
	snprintf(err, errlen, "not a rollup nor a visit-due output (expected "
	    "the columns level and records, or visit_status)");
	return -1;
}

enum ec_report_input
ec_reporter_input(const struct ec_reporter *r)
{
	return r->input;
}

int
ec_reporter_record(struct ec_reporter *r, const struct ec_csv_record *rec,
    int *field, char *err, size_t errlen)
{
	*field = -1;
	if (r->input == EC_INPUT_ROLLUP)
		return rollup_record(r, rec, field, err, errlen);
	if (r->input == EC_INPUT_VISITS)
		return visits_record(r, rec);
	snprintf(err, errlen, "no header read");
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
ec_reporter_write(struct ec_reporter *r, struct ec_buf *out, char *err,
    size_t errlen)
{
	if (r->input == EC_INPUT_ROLLUP)
		summary_write(r, out);
	else if (r->input == EC_INPUT_VISITS &&
	    (r->spill.err || sheets_write(r, out) != 0)) {
		snprintf(err, errlen, "cannot keep the visit list in a "
		    "temporary file in %s (TMPDIR): %s",
		    r->spill.dir ? r->spill.dir : "/tmp",
		    strerror(r->spill.err ? r->spill.err : EIO));
		return -1;
	}
	return 0;
}
