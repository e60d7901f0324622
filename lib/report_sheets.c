/*
 * report_sheets.c - the printable visit sheets of a visit-due output, one
 * per village.  The people wait in an unnamed temporary file, not in
 * memory; a village's sheet is read back, made and written a part at a
 * time.
 */
#include "report_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "outfile.h"
#include "text.h"

/* One person of a visit sheet: the cells as shown. */
struct person {
	const char *cell[V_N];
};

/* ---- visit sheets ---- */

static const char *const sheet_columns[V_N] = {
	"name", "id_number", "age", "phone", "guardian_name",
	"guardian_phone", "risk_level", "last_visit", "days_overdue",
};

static const char *const place_columns[3] = {
	"county", "township", "village",
};

int
report_visits_header(struct ec_reporter *r, const struct ec_csv_record *h,
    struct ec_error *err)
{
	const struct ec_policy *pol = r->pol;

	r->sheet = ec_sheet_new(pol, r->o.asof);
	if (ec_sheet_bind(r->sheet, h, err) != 0)
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

		if (c >= 0 && ec_sheet_field(r->sheet, c) >= 0)
			continue;
		ec_buf_adds(&names, sheet_columns[i]);
		if (c >= 0) {
			const struct ec_column *col = &pol->columns[c];
			if (col->zh)
				ec_buf_addf(&names, ", %s", col->zh);
			for (size_t a = 0; a < col->naliases; a++)
				ec_buf_addf(&names, ", %s", col->aliases[a]);
		}
		ec_error_set(err, "a visit-due output, but the column "
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

	if (col < 0 || ec_sheet_field(r->sheet, col) < 0) {
		*n = 0;
		return "";
	}
	f = &rec->fields[ec_sheet_field(r->sheet, col)];
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

int
report_visits_record(struct ec_reporter *r, const struct ec_csv_record *rec)
{
	struct village *v = village_of(r, rec);
	struct ec_buf b = EC_BUF_INIT, out = EC_BUF_INIT;
	uint64_t prev = v->n ? v->last + 1 : 0;
	uint32_t len;

	/* the offset before and the length, filled in below */
	ec_buf_add(&out, &prev, 8);
	ec_buf_add(&out, "\0\0\0\0", 4);
	ec_sheet_record(r->sheet, rec);
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
			if (c >= 0 && ec_sheet_field(r->sheet, c) < 0) {
				/* No age column: the policy computes it. */
				struct ec_value val;
				ec_sheet_value(r->sheet, c, &val);
				if (!val.blank && val.type == EC_T_INT)
					ec_buf_addf(&b, "%lld",
					    (long long)val.i);
			} else {
				ec_buf_add(&b, p, n);
			}
			break;
		case V_RISK:
			l = report_value_label(r, c, p, n);
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
				l = report_value_label(r, r->c_status, s, sn);
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
		report_table_col(t, r->c_place[i] >= 0 ?
		    report_column_label(r, r->c_place[i]) : place_columns[i],
		    0, NULL);
	first = t->ncols;
	report_table_key(t, report_label(r, "row_number"), 1, "num");
	for (int i = 0; i < V_N; i++) {
		const char *head = r->c_cell[i] >= 0 ?
		    report_column_label(r, r->c_cell[i]) : sheet_columns[i];
		if (i == V_NAME)
			report_table_key(t, head, 0, "name");
		else
			t->cols[report_table_col(t, head, i == V_AGE ||
			    i == V_OVERDUE, cls[i])].group = i < V_RISK ? 1 : 2;
	}
	col_fill = report_table_col(t, report_label(r, "visit_done_date"), 0,
	    "fill");
	t->cols[col_fill].fill = 1;
	t->cols[col_fill].group = 2;
	for (size_t j = 0; vil && j < n; j++) {
		size_t row = report_table_row(t, ROW_PLAIN);

		for (int i = 0; place && i < 3; i++)
			report_table_set(t, row, (size_t)i, vil->place[i],
			    NULL, 0);
		report_table_set_int(t, row, first, (int64_t)(from + j) + 1, 0);
		for (int i = 0; i < V_N; i++)
			report_table_set(t, row, first + 1 + (size_t)i,
			    people[j].cell[i], NULL, 0);
		report_table_set(t, row, col_fill, "", NULL, 0);
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
		report_table_free(&t);
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
		report_table_free(&t);
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
		report_csv_table(b, t);
	else
		report_csv_rows(b, t);
	r->csv_started = 1;
}

static void
put_text(struct ec_reporter *r, struct ec_buf *b, const struct table *t,
    size_t from)
{
	if (from)
		ec_buf_addc(b, '\n');
	report_text_table(b, t);
}

static void
put_md(struct ec_reporter *r, struct ec_buf *b, const struct table *t,
    size_t from)
{
	if (!from)
		report_md_table_head(b, t);
	report_md_rows(b, t);
}

static void
put_html(struct ec_reporter *r, struct ec_buf *b, const struct table *t,
    size_t from)
{
	if (!from)
		report_html_table_head(b, t);
	report_html_rows(b, t);
}

/*
 * The heading of village k (v; none: NULL) and its sheet, in text,
 * Markdown or HTML: its place in head (may be empty), the date and the
 * number of people in meta.
 */
static int
village_write(struct ec_reporter *r, struct ec_buf *b, size_t k,
    struct village *v, const char *title, const struct ec_buf *meta,
    const struct ec_buf *head)
{
	int rc = 0;

	switch (r->o.format) {
	case EC_FORMAT_TEXT:
		if (k)
			ec_buf_addc(b, '\n');
		if (head->len) {
			struct ec_buf full = EC_BUF_INIT;
			ec_buf_addf(&full, "%s  %s", title, head->p);
			report_text_title(b, full.p);
			ec_buf_release(&full);
		} else {
			report_text_title(b, title);
		}
		ec_buf_adds(b, meta->p);
		ec_buf_addc(b, '\n');
		if (v) {
			ec_buf_addc(b, '\n');
			rc = sheet_parts(r, b, v, 0, put_text);
		}
		break;
	case EC_FORMAT_MARKDOWN:
		ec_buf_addc(b, '\n');
		if (head->len) {
			ec_buf_adds(b, "## ");
			report_add_md(b, head->p);
			ec_buf_adds(b, "\n\n");
		}
		report_add_md(b, meta->p);
		ec_buf_addc(b, '\n');
		if (v) {
			ec_buf_addc(b, '\n');
			rc = sheet_parts(r, b, v, 0, put_md);
		}
		break;
	case EC_FORMAT_HTML:
		ec_buf_adds(b, "<section class=\"village\">\n<h1>");
		report_add_html(b, title);
		ec_buf_adds(b, "</h1>\n");
		if (head->len) {
			ec_buf_adds(b, "<h2>");
			report_add_html(b, head->p);
			ec_buf_adds(b, "</h2>\n");
		}
		ec_buf_adds(b, "<p class=\"meta\">");
		report_add_html(b, meta->p);
		ec_buf_adds(b, "</p>\n");
		if (v) {
			rc = sheet_parts(r, b, v, 0, put_html);
			report_html_table_end(b);
		}
		ec_buf_adds(b, "</section>\n");
		break;
	case EC_FORMAT_CSV:
		break;
	}
	return rc;
}

int
report_sheets_write(struct ec_reporter *r, struct ec_buf *b)
{
	const char *title = r->o.title ? r->o.title :
	    report_label(r, "visit_sheet_title");
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
		report_html_head(b, report_is_en(r), title);
	if (r->o.format == EC_FORMAT_MARKDOWN) {
		ec_buf_adds(b, "# ");
		report_add_md(b, title);
		ec_buf_adds(b, "\n");
	}
	/* No one on the list still says so, dated. */
	for (size_t k = 0; k < (r->nvil ? r->nvil : 1) && rc == 0; k++) {
		struct village *v = r->nvil ? &r->vil[k] : NULL;

		ec_buf_reset(&meta);
		ec_buf_reset(&head);
		report_add_meta(r, &meta, "as_of", date);
		ec_buf_adds(&meta, sep);
		ec_fmt_int(count, v ? (int64_t)v->n : 0);
		report_add_meta(r, &meta, "people", count);
		if (v)
			village_path(v, &head);
		rc = village_write(r, b, k, v, title, &meta, &head);
		maybe_flush(r, b);
	}
	if (r->o.format == EC_FORMAT_HTML)
		report_html_tail(b);
	ec_buf_release(&meta);
	ec_buf_release(&head);
	return rc;
}
