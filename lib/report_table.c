/*
 * report_table.c - the table every report is made into, and its
 * renderers: text aligned by display width (text.h), split into blocks
 * that each repeat the key columns when wider than a terminal; Markdown;
 * CSV; HTML, one file with its CSS inline and nothing that would reach
 * the network.
 */
#include "report_internal.h"

#include <stdlib.h>
#include <string.h>

#include "text.h"

#define TEXT_COLUMNS	80	/* a terminal's width: text fits it */
#define GAP		2	/* spaces between text columns */
#define CELL_MAX	24	/* a longer text cell wraps */
#define HEAD_MAX	16	/* a longer header wraps (at its spaces) */
#define FILL_MIN	12	/* room to write a date by hand */

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

void
report_add_html(struct ec_buf *b, const char *s)
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
void
report_add_md(struct ec_buf *b, const char *s)
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

size_t
report_table_col(struct table *t, const char *head, int right, const char *cls)
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

size_t
report_table_key(struct table *t, const char *head, int right, const char *cls)
{
	size_t c = report_table_col(t, head, right, cls);

	t->cols[c].key = 1;
	t->nkeys++;
	return c;
}

size_t
report_table_row(struct table *t, int kind)
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

void
report_table_set(struct table *t, size_t row, size_t col, const char *text,
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

void
report_table_set_int(struct table *t, size_t row, size_t col, int64_t v,
    int flag)
{
	char s[24];

	ec_fmt_int(s, v);
	report_table_set(t, row, col, s, NULL, flag);
}

void
report_table_free(struct table *t)
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
void
report_text_table(struct ec_buf *b, const struct table *t)
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
void
report_text_title(struct ec_buf *b, const char *title)
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

void
report_md_table_head(struct ec_buf *b, const struct table *t)
{
	ec_buf_addc(b, '|');
	for (size_t c = 0; c < t->ncols; c++) {
		if (t->cols[c].csv_only)
			continue;
		ec_buf_addc(b, ' ');
		report_add_md(b, t->cols[c].head);
		ec_buf_adds(b, " |");
	}
	ec_buf_adds(b, "\n|");
	for (size_t c = 0; c < t->ncols; c++)
		if (!t->cols[c].csv_only)
			ec_buf_adds(b, t->cols[c].right ? " ---: |" : " --- |");
	ec_buf_addc(b, '\n');
}

void
report_md_rows(struct ec_buf *b, const struct table *t)
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
			report_add_md(b, text_of(x));
			if (x->flag)
				ec_buf_addc(b, '!');
			if (bold)
				ec_buf_adds(b, "**");
			ec_buf_adds(b, " |");
		}
		ec_buf_addc(b, '\n');
	}
}

void
report_md_table(struct ec_buf *b, const struct table *t)
{
	report_md_table_head(b, t);
	report_md_rows(b, t);
}

/* ---- CSV ---- */

void
report_csv_rows(struct ec_buf *b, const struct table *t)
{
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++) {
			const struct tcell *x = cell(t, r, c);
			const char *v = x->csv ? x->csv : text_of(x);

			if (c)
				ec_buf_addc(b, ',');
			ec_csv_quote_field(b, v, strlen(v));
		}
		ec_buf_addc(b, '\n');
	}
}

void
report_csv_table(struct ec_buf *b, const struct table *t)
{
	for (size_t c = 0; c < t->ncols; c++) {
		if (c)
			ec_buf_addc(b, ',');
		ec_csv_quote_field(b, t->cols[c].head,
		    strlen(t->cols[c].head));
	}
	ec_buf_addc(b, '\n');
	report_csv_rows(b, t);
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
void
report_html_head(struct ec_buf *b, int en, const char *title)
{
	ec_buf_adds(b, "<!DOCTYPE html>\n<html lang=\"");
	ec_buf_adds(b, en ? "en" : "zh-CN");
	ec_buf_adds(b, "\">\n<head>\n<meta charset=\"utf-8\">\n");
	/* Even data cannot make the page fetch anything. */
	ec_buf_adds(b, "<meta http-equiv=\"Content-Security-Policy\" "
	    "content=\"default-src 'none'; style-src 'unsafe-inline'\">\n");
	ec_buf_adds(b, "<title>");
	report_add_html(b, title);
	ec_buf_adds(b, "</title>\n<style>\n"
	    "@page { size: A4 landscape; margin: 12mm; }\n");
	ec_buf_adds(b, css);
	ec_buf_adds(b, "</style>\n</head>\n<body>\n");
}

void
report_html_table_head(struct ec_buf *b, const struct table *t)
{
	ec_buf_adds(b, "<table");
	if (t->cls)
		ec_buf_addf(b, " class=\"%s\"", t->cls);
	ec_buf_adds(b, ">\n<thead>\n<tr>");
	for (size_t c = 0; c < t->ncols; c++) {
		if (t->cols[c].csv_only)
			continue;
		ec_buf_adds(b, "<th>");
		report_add_html(b, t->cols[c].head);
		ec_buf_adds(b, "</th>");
	}
	ec_buf_adds(b, "</tr>\n</thead>\n<tbody>\n");
}

void
report_html_rows(struct ec_buf *b, const struct table *t)
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
			report_add_html(b, text_of(x));
			if (x->flag)
				ec_buf_addc(b, '!');
			ec_buf_adds(b, "</td>");
		}
		ec_buf_adds(b, "</tr>\n");
	}
}

void
report_html_table_end(struct ec_buf *b)
{
	ec_buf_adds(b, "</tbody>\n</table>\n");
}

void
report_html_table(struct ec_buf *b, const struct table *t)
{
	report_html_table_head(b, t);
	report_html_rows(b, t);
	report_html_table_end(b);
}

void
report_html_tail(struct ec_buf *b)
{
	ec_buf_adds(b, "</body>\n</html>\n");
}
