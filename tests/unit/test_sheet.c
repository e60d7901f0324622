/*
 * test_sheet - a CSV sheet seen through the default policy: the header
 * bound to the policy's columns, cells read as typed values, the census
 * checks with their exact messages, the columns elder-classify computes,
 * owned columns, and the text of values in output.
 *
 * Records are built by hand from arrays of strings (fixture.h); ID
 * numbers are made with their check characters computed there (ISO 7064
 * MOD 11-2), and a few of them are spelled out as computed by hand.  Unless a test says
 * otherwise the as-of date is 2026-11-30.  The test compiles sheet.c
 * itself, to reach the sheet's state (the generation counter's wrap).
 */
#include "../../lib/sheet.c"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv.h"
#include "idnum.h"
#include "idset.h"
#include "policy.h"
#include "sheet.h"
#include "value.h"

#include "fixture.h"

#define FWSP "\xe3\x80\x80"	/* U+3000, the full-width space */
#define MAXF 32

/* ---- helpers ---------------------------------------------------------- */

/* Problems reported to the callback, copied. */
struct prob {
	enum ec_severity sev;
	const char *kind;
	int field;
	char *msg;
};

struct probs {
	const struct ec_policy *pol;
	struct prob p[MAXF];
	size_t n;
	struct ec_buf text;
};

static void
collect(void *ctx, const struct ec_problem *pr)
{
	struct probs *ps = ctx;

	assert_true(ps->n < MAXF);
	assert_non_null(pr->kind);
	assert_non_null(pr->msg);
	ps->p[ps->n].sev = pr->sev;
	ps->p[ps->n].kind = pr->kind;
	ps->p[ps->n].field = pr->field;
	ps->p[ps->n].msg = ec_xstrdup(pr->msg);
	ps->n++;
}

static void
probs_reset(struct probs *ps)
{
	for (size_t i = 0; i < ps->n; i++)
		free(ps->p[i].msg);
	ps->n = 0;
	ec_buf_reset(&ps->text);
}

static void
probs_release(struct probs *ps)
{
	probs_reset(ps);
	ec_buf_release(&ps->text);
}

/*
 * "E kind field: msg" lines.  The kind of a cross-column check is its
 * message template (the very pointer of the policy): shown as checkN.
 */
static const char *
render(struct probs *ps)
{
	const struct ec_sheet_rules *r = &ps->pol->census;

	ec_buf_reset(&ps->text);
	ec_buf_adds(&ps->text, "");
	for (size_t i = 0; i < ps->n; i++) {
		const struct prob *q = &ps->p[i];
		char kind[32];

		snprintf(kind, sizeof kind, "%s", q->kind);
		for (size_t k = 0; k < r->nchecks; k++)
			if (q->kind == r->checks[k].message)
				snprintf(kind, sizeof kind, "check%zu", k);
		ec_buf_addf(&ps->text, "%s %s %d: %s\n",
		    q->sev == EC_ERROR ? "E" : "W", kind, q->field, q->msg);
	}
	return ps->text.p;
}

/*
 * Checks rec on the census rules: exactly want, and nerr errors.  With
 * fresh, the IDs seen before are forgotten (a set of the test's own for
 * this record), so that one person can be checked again and again.
 */
static void
check_rec(struct ec_sheet *s, struct probs *ps,
    const struct ec_csv_record *rec, int region, int fresh, size_t nerr,
    const char *want)
{
	struct ec_idset *set = NULL;
	size_t got, e = 0;

	probs_reset(ps);
	if (fresh) {
		set = ec_idset_new();
		ec_sheet_share_seen(s, set, 0, NULL);
	}
	ec_sheet_record(s, rec);
	got = ec_sheet_check(s, &ec_sheet_policy(s)->census, region, collect, ps);
	if (fresh) {
		ec_sheet_share_seen(s, NULL, 0, NULL);
		ec_idset_free(set);
	}
	const char *text = render(ps);
	if (strcmp(text, want) != 0)
		fail_msg("line %zu: got\n%s---\nwant\n%s---", rec->line, text,
		    want);
	for (size_t i = 0; i < ps->n; i++)
		e += ps->p[i].sev == EC_ERROR;
	assert_int_equal(got, nerr);
	assert_int_equal(got, e);
}

static void
check_rules(struct ec_sheet *s, struct probs *ps,
    const struct ec_csv_record *rec, int region, size_t nerr,
    const char *want)
{
	check_rec(s, ps, rec, region, 1, nerr, want);
}

static void
check_row(struct ec_sheet *s, struct probs *ps, struct row *r,
    size_t line, size_t nerr, const char *want)
{
	check_rec(s, ps, row_rec(r, line), 1, 1, nerr, want);
}

/* The same, remembering the IDs seen (unique). */
static void
check_row_seen(struct ec_sheet *s, struct probs *ps, struct row *r,
    size_t line, size_t nerr, const char *want)
{
	check_rec(s, ps, row_rec(r, line), 1, 0, nerr, want);
}

/* The value of column c in a one-field sheet holding cell. */
static struct ec_value
test_cell_value(struct ec_sheet *s, struct rec *b, int c, const char *cell)
{
	const char *cells[1];
	struct ec_value v;

	cells[0] = cell;
	ec_sheet_record(s, mkrec(b, 2, cells, 1));
	ec_sheet_value(s, c, &v);
	return v;
}

static void
expect_str(struct ec_sheet *s, int c, enum ec_type t, const char *cell,
    const char *want)
{
	struct rec b;
	struct ec_value v = test_cell_value(s, &b, c, cell);

	if ((int)v.type != (int)t)
		fail_msg("'%s': type %d, want %d", cell, (int)v.type, (int)t);
	if (want == NULL) {
		if (!v.blank)
			fail_msg("'%s': '%.*s', want blank", cell, (int)v.n,
			    v.s);
		return;
	}
	if (v.blank)
		fail_msg("'%s': blank, want '%s'", cell, want);
	if (v.n != strlen(want) || memcmp(v.s, want, v.n) != 0)
		fail_msg("'%s': '%.*s', want '%s'", cell, (int)v.n, v.s, want);
	assert_int_equal(ec_sheet_bad(s, c), 0);
}

static void
expect_int(struct ec_sheet *s, int c, enum ec_type t, const char *cell,
    int64_t want)
{
	struct rec b;
	struct ec_value v = test_cell_value(s, &b, c, cell);

	if ((int)v.type != (int)t)
		fail_msg("'%s': type %d, want %d", cell, (int)v.type, (int)t);
	if (v.blank)
		fail_msg("'%s': blank, want %lld", cell, (long long)want);
	if (v.i != want)
		fail_msg("'%s': %lld, want %lld", cell, (long long)v.i,
		    (long long)want);
	assert_int_equal(ec_sheet_bad(s, c), 0);
}

/* An invalid cell reads as blank and is marked bad. */
static void
expect_bad(struct ec_sheet *s, int c, enum ec_type t, const char *cell)
{
	struct rec b;
	struct ec_value v = test_cell_value(s, &b, c, cell);

	assert_int_equal(v.type, t);
	if (!v.blank)
		fail_msg("'%s': not blank", cell);
	if (!ec_sheet_bad(s, c))
		fail_msg("'%s': not marked bad", cell);
}

/* A blank cell reads as blank and is not bad. */
static void
expect_blank(struct ec_sheet *s, int c, enum ec_type t, const char *cell)
{
	struct rec b;
	struct ec_value v = test_cell_value(s, &b, c, cell);

	assert_int_equal(v.type, t);
	if (!v.blank)
		fail_msg("'%s': not blank", cell);
	assert_int_equal(ec_sheet_bad(s, c), 0);
}

/* elder-classify's columns of the current record, as written. */
static const char *const classify_cols[] = {
	"age", "left_behind", "groups", "special", "focus",
};

static const char *
classified(struct ec_sheet *s, const struct ec_csv_record *rec,
    struct ec_buf *b)
{
	ec_buf_reset(b);
	ec_buf_adds(b, "");
	ec_sheet_record(s, rec);
	for (size_t i = 0; i < EC_ARRAY_LEN(classify_cols); i++) {
		struct ec_value v;
		ec_buf_addf(b, "%s%s=", i ? " " : "", classify_cols[i]);
		ec_sheet_value(s, column_of(ec_sheet_policy(s),
		    classify_cols[i]), &v);
		ec_value_write(s, &v, b);
	}
	return b->p;
}

static void
expect_classified(struct ec_sheet *s, struct row *r, const char *want)
{
	struct ec_buf b = EC_BUF_INIT;

	const char *got = classified(s, row_rec(r, 2), &b);
	if (strcmp(got, want) != 0) {
		char msg[512];
		snprintf(msg, sizeof msg, "%s", got);
		ec_buf_release(&b);
		fail_msg("ID %s: got\n%s\nwant\n%s", r->c[0], msg, want);
	}
	ec_buf_release(&b);
}

/* ---- cells parsed by the reading thread ------------------------------- */

/*
 * Reads path as a census and renders every record's problems and
 * classified columns; with prepare, the reading thread parses the cells
 * (2: of the batches it has time for).
 * *prepared counts the records it did.  The first lazy records are
 * skipped unread: the reading thread is then set to parse no cell, and
 * they are all parsed here.
 */
static char *
read_census(const struct ec_policy *p, const char *path, int prepare,
    size_t lazy, size_t *prepared)
{
	FILE *fp = fopen(path, "r");
	struct ec_csv_reader *r;
	struct ec_csv_record *rec;
	struct ec_sheet *s;
	struct probs ps = { .pol = p };
	struct ec_buf out = EC_BUF_INIT, b = EC_BUF_INIT;
	struct ec_idset *seen = ec_idset_new();
	struct ec_error err;

	assert_non_null(fp);
	r = ec_csv_reader_new(fileno(fp), NULL, &err);
	assert_non_null(r);
	assert_int_equal(ec_csv_next(r, &rec), EC_CSV_RECORD);
	s = ec_sheet_new(p, asof_default());
	ec_sheet_share_seen(s, seen, 0, NULL);
	assert_int_equal(ec_sheet_bind(s, rec, &err), 0);
	if (prepare)
		ec_sheet_prepare(s, r, prepare == 2);
	*prepared = 0;
	while (ec_csv_next(r, &rec) == EC_CSV_RECORD) {
		*prepared += rec->prep != NULL;
		probs_reset(&ps);
		ec_sheet_record(s, rec);
		if (lazy) {
			lazy--;
			continue;
		}
		/* classified first: its cells are not read by the check */
		classified(s, rec, &b);
		size_t nerr = ec_sheet_check(s, &p->census, 1, collect, &ps);
		ec_buf_addf(&out, "%zu %zu\n%s%s\n", rec->line, nerr,
		    render(&ps), b.p);
	}
	ec_csv_reader_free(r);
	ec_sheet_free(s);
	ec_idset_free(seen);
	probs_release(&ps);
	ec_buf_release(&b);
	fclose(fp);
	return out.p;
}

static void same_census(const struct ec_policy *p, const char *path,
	size_t lazy);

/*
 * Twelve thousand records of every kind, good and bad: what the sheet
 * makes of them is the same whether their cells were parsed in the
 * reading thread or in the caller's, also when the reading thread was
 * set to parse none.
 */
static void
test_prepared_same(void **state)
{
	const struct ec_policy *p = *state;
	char path[] = "/tmp/test_sheet.XXXXXX";
	int fd = mkstemp(path);
	FILE *fp = fdopen(fd, "w");
	char id[19], birth[16], seq[16];

	assert_non_null(fp);
	for (size_t i = 0; i < NCENSUS; i++)
		fprintf(fp, "%s%s", i ? "," : "", census_hdr[i]);
	fputc('\n', fp);
	for (int i = 0; i < 12000; i++) {
		snprintf(birth, sizeof birth, "19%02d%02d%02d", 20 + i % 50,
		    1 + i % 12, 1 + i % 28);
		snprintf(seq, sizeof seq, "%03d", i % 1000);
		make_id(id, i % 7 ? "512002" : "500111", birth, seq);
		switch (i % 13) {
		case 1: id[17] = id[17] == '0' ? '1' : '0'; break; /* check */
		case 2: id[3] = 'A'; break;
		case 3: memmove(id + 6, id + 8, 10); id[15] = '\0'; break;
		}
		const char *living = (const char *[]){ "alone", "独居",
		    " with_spouse ", "同子女", "somewhere" }[i % 5];
		const char *ability = (const char *[]){ "intact", "mild",
		    "moderate", "重度失能", "total", "bad" }[i % 6];
		fprintf(fp, "%s,张%d,%s,%s,雁江区,松涛镇,白塔村,%s,%s,"
		    "%d,%d,%s,%s,%s,%s,%s,%s,%s,张小,%s,,%s,%s\n",
		    i % 17 == 5 ? "" : i % 101 == 3 ? "512002195001010012" : id,
		    i, i % 4 == 0 ? "男" : i % 4 == 1 ? "女" : "",
		    i % 9 == 0 ? "1950-01-01" : i % 9 == 1 ? "1950-02-30" : "",
		    i % 11 == 0 ? "12345" : "13800001111", living,
		    i % 5, i % 7 == 0 ? 9 : i % 4,
		    i % 3 ? "12" : i % 2 ? "x" : "3",
		    i % 2 ? "no" : "是", i % 3 ? "" : "否", ability,
		    i % 8 ? "none" : "dibao", i % 6 ? "" : "高血压;糖尿病",
		    i % 19 ? "" : "是",
		    i % 10 ? "13900002222" : "", i % 2 ? "yes" : "",
		    i % 15 ? "2026-03-01" : "2027-01-01");
	}
	assert_int_equal(fclose(fp), 0);

	for (size_t lazy = 0; lazy <= 300; lazy += 300)
		same_census(p, path, lazy);
	unlink(path);
}

static void
same_census(const struct ec_policy *p, const char *path, size_t lazy)
{
	size_t n1, n2, n3;
	char *plain = read_census(p, path, 0, lazy, &n1);
	char *prep = read_census(p, path, 1, lazy, &n2);
	char *some = read_census(p, path, 2, lazy, &n3);
	assert_int_equal(n1, 0);
	/* At most the batches read before the header was bound are not. */
	assert_true(n2 >= 6000);
	/* How many with balance depends on the threads' speeds. */
	if (strcmp(some, plain) != 0)
		fail_msg("balanced: not the same");
	free(some);
	if (strcmp(prep, plain) != 0) {
		size_t k = 0, line = 0;
		while (prep[k] == plain[k]) {
			if (prep[k++] == '\n')
				line = k;
		}
		fail_msg("prepared, from\n%.300s\n---\nnot prepared, from\n"
		    "%.300s", prep + line, plain + line);
	}
	free(plain);
	free(prep);
}

/* ---- the ID helper ---------------------------------------------------- */

static void
test_id_helper(void **state)
{
	char id[19];

	/* Worked by hand (and with a script): sum % 11 -> "10X98765432". */
	assert_string_equal(make_id(id, "512002", "19500101", "001"),
	    "512002195001010014");
	assert_string_equal(make_id(id, "110105", "19491231", "002"),
	    "11010519491231002X");
	assert_string_equal(make_id(id, "512002", "19400101", "001"),
	    "51200219400101001X");
	assert_string_equal(make_id(id, "512002", "18200229", "996"),
	    "512002182002299961");
	assert_string_equal(make_id(id, "512002", "19640229", "005"),
	    "512002196402290058");
	/* The library agrees. */
	assert_int_equal(ec_id_parse("512002195001010014", 18, NULL, NULL),
	    EC_ID_OK);
	assert_int_equal(ec_id_parse("11010519491231002X", 18, NULL, NULL),
	    EC_ID_OK);
}

/* ---- header binding --------------------------------------------------- */

static void
test_bind_names(void **state)
{
	struct ec_policy *p = *state;
	struct ec_sheet *s;
	static const char *const hdr[] = {
		" ID_Number ",			/* 0: canonical, any case */
		"姓名",				/* 1: zh label */
		FWSP "县（区）" FWSP,		/* 2: alias, full-width spaces */
		" 乡镇\t",			/* 3: alias */
		"村(社区)",			/* 4: zh label */
		"PHONE",			/* 5 */
		"监护人",			/* 6: alias of guardian_name */
		"外出时长（月）",		/* 7: alias of away_months */
		"Living_Arrangement",		/* 8 */
		"失能等级",			/* 9: alias of ability_level */
		"备注",				/* 10: not a column */
		"Children_Total" FWSP,		/* 11 */
		"最近体检日期",			/* 12: alias */
	};
	static const char *const want[] = {
		"id_number", "name", "county", "township", "village", "phone",
		"guardian_name", "away_months", "living_arrangement",
		"ability_level", NULL, "children_total", "last_health_check",
	};

	s = open_sheet(p, asof_default(), hdr, EC_ARRAY_LEN(hdr));
	assert_int_equal(ec_sheet_nfields(s), EC_ARRAY_LEN(hdr));
	for (size_t f = 0; f < EC_ARRAY_LEN(hdr); f++) {
		/* The header is kept as written. */
		assert_string_equal(ec_sheet_header(s, f), hdr[f]);
		assert_int_equal(ec_sheet_dropped(s, f), 0);
		if (want[f] == NULL) {
			assert_int_equal(s->field_col[f], -1);
			continue;
		}
		int c = column_of(p, want[f]);
		if (s->field_col[f] != c)
			fail_msg("field %zu '%s': column %d, want %d (%s)", f,
			    hdr[f], s->field_col[f], c, want[f]);
		assert_int_equal(ec_sheet_field(s, c), (int)f);
		assert_int_equal(ec_sheet_source(s, c), EC_SRC_FIELD);
	}
	/* Columns not in the header: derived ones computed, others none. */
	assert_int_equal(ec_sheet_field(s, column_of(p, "sex")), -1);
	assert_int_equal(ec_sheet_source(s, column_of(p, "sex")), EC_SRC_NONE);
	assert_int_equal(ec_sheet_source(s, column_of(p, "risk_score")), EC_SRC_NONE);
	assert_int_equal(ec_sheet_source(s, column_of(p, "age")), EC_SRC_DERIVED);
	assert_int_equal(ec_sheet_source(s, column_of(p, "left_behind")), EC_SRC_DERIVED);
	assert_int_equal(ec_sheet_source(s, column_of(p, "groups")), EC_SRC_DERIVED);
	assert_int_equal(ec_sheet_source(s, column_of(p, "special")), EC_SRC_DERIVED);
	assert_int_equal(ec_sheet_source(s, column_of(p, "focus")), EC_SRC_DERIVED);
	ec_sheet_free(s);

	/* Every zh label and alias of the census binds, in any case. */
	static const char *const zh[] = {
		"身份证号码", "姓名", "性别", "出生日期", "区县", "镇乡", "村（居）",
		"本人电话", "居住情况", "子女数", "县外务工子女数", "外出时长",
		"身边有赡养人", "赡养人有赡养能力", "能力等级", "经济困难类型",
		"慢性病种类", "严重精神障碍", "监护人姓名", "监护人联系电话",
		"委托照顾协议", "家庭医生签约", "最近健康体检日期",
	};
	s = open_sheet(p, asof_default(), zh, EC_ARRAY_LEN(zh));
	for (size_t f = 0; f < NCENSUS; f++)
		assert_int_equal(s->field_col[f], column_of(p, census_hdr[f]));
	ec_sheet_free(s);
}

static void
test_bind_tool_columns(void **state)
{
	struct ec_policy *p = *state;
	struct ec_sheet *s;
	static const char *const hdr[] = {
		"身份证号",	/* 0 */
		"年龄",		/* 1: zh of age: data, unbound */
		"风险等级",	/* 2: zh of risk_level: unbound */
		"留守",		/* 3: zh of left_behind: unbound */
		"最近走访",	/* 4: zh of last_visit: unbound */
		"Risk_Level ",	/* 5: canonical, any case: bound */
		" AGE",		/* 6: bound */
		"groups",	/* 7: bound */
		"走访状态",	/* 8: zh of visit_status: unbound */
	};

	s = open_sheet(p, asof_default(), hdr, EC_ARRAY_LEN(hdr));
	assert_int_equal(s->field_col[0], column_of(p, "id_number"));
	assert_int_equal(s->field_col[1], -1);
	assert_int_equal(s->field_col[2], -1);
	assert_int_equal(s->field_col[3], -1);
	assert_int_equal(s->field_col[4], -1);
	assert_int_equal(s->field_col[5], column_of(p, "risk_level"));
	assert_int_equal(s->field_col[6], column_of(p, "age"));
	assert_int_equal(s->field_col[7], column_of(p, "groups"));
	assert_int_equal(s->field_col[8], -1);
	/* A column the input has is read, not computed. */
	assert_int_equal(ec_sheet_source(s, column_of(p, "age")), EC_SRC_FIELD);
	assert_int_equal(ec_sheet_source(s, column_of(p, "groups")), EC_SRC_FIELD);
	assert_int_equal(ec_sheet_source(s, column_of(p, "risk_level")), EC_SRC_FIELD);
	assert_int_equal(ec_sheet_source(s, column_of(p, "left_behind")), EC_SRC_DERIVED);
	assert_int_equal(ec_sheet_field(s, column_of(p, "left_behind")), -1);
	assert_int_equal(ec_sheet_field(s, column_of(p, "visit_status")), -1);
	ec_sheet_free(s);

	/* With 年龄 only, age is computed from the ID. */
	static const char *const hdr2[] = { "身份证号", "年龄" };
	s = open_sheet(p, asof_default(), hdr2, 2);
	assert_int_equal(s->field_col[1], -1);
	assert_int_equal(ec_sheet_field(s, column_of(p, "age")), -1);
	assert_int_equal(ec_sheet_source(s, column_of(p, "age")), EC_SRC_DERIVED);
	{
		static const char *const cells[] = {
			"512002195001010014", "12",
		};
		struct rec b;
		struct ec_value v;
		ec_sheet_record(s, mkrec(&b, 2, cells, 2));
		ec_sheet_value(s, column_of(p, "age"), &v);
		assert_false(v.blank);
		assert_int_equal(v.i, 76);
	}
	ec_sheet_free(s);
}

static void
expect_bind_error(const struct ec_policy *p, const char *const *hdr,
    size_t n, const char *want)
{
	struct ec_sheet *s;
	struct rec h;
	struct ec_error err = { "" };

	s = ec_sheet_new(p, asof_default());
	assert_int_equal(ec_sheet_bind(s, mkrec(&h, 1, hdr, n), &err), -1);
	assert_string_equal(err.msg, want);
	ec_sheet_free(s);
}

static void
test_bind_duplicate(void **state)
{
	struct ec_policy *p = *state;

	static const char *const h1[] = { "身份证号", "name", "ID_Number" };
	expect_bind_error(p, h1, 3, "fields 1 ('身份证号') and 3 "
	    "('ID_Number') both hold the column 'id_number'");
	static const char *const h2[] = { "name", "县区", " 区县 ", "县" };
	expect_bind_error(p, h2, 4, "fields 2 ('县区') and 3 (' 区县 ') "
	    "both hold the column 'county'");
	static const char *const h3[] = { "age", "年龄", "Age" };
	expect_bind_error(p, h3, 3, "fields 1 ('age') and 3 ('Age') both "
	    "hold the column 'age'");
	static const char *const h4[] = {
		"外出时长(月)", "x", "y", "z", FWSP "外出时长" FWSP,
	};
	expect_bind_error(p, h4, 5, "fields 1 ('外出时长(月)') and 5 ('"
	    FWSP "外出时长" FWSP "') both hold the column 'away_months'");

	/* A sheet never bound is released all the same. */
	{
		ec_sheet_free(ec_sheet_new(p, asof_default()));
	}

	/* Names of no column may repeat. */
	static const char *const h5[] = { "年龄", "年龄", "备注", "备注" };
	struct ec_sheet *s;
	s = open_sheet(p, asof_default(), h5, 4);
	for (size_t f = 0; f < 4; f++)
		assert_int_equal(s->field_col[f], -1);
	ec_sheet_free(s);
}

static void
test_missing(void **state)
{
	struct ec_policy *p = *state;
	struct ec_sheet *s;
	struct ec_buf msg = EC_BUF_INIT;
	static const char *const hdr[] = { "id_number", "姓名", "年龄" };

	s = open_sheet(p, asof_default(), hdr, 3);
	assert_int_equal(ec_sheet_missing(s, &p->census, &msg), 11);
	assert_string_equal(msg.p,
	    "required column 'county' is missing (its header may be: "
	    "county, 县(区), 县（区）, 县区, 区县, 县)\n"
	    "required column 'township' is missing (its header may be: "
	    "township, 乡(镇), 乡（镇）, 乡镇, 镇乡, 乡镇（街道）, 乡镇(街道))\n"
	    "required column 'village' is missing (its header may be: "
	    "village, 村(社区), 村（社区）, 村社区, 村, 村（居）, 村(居))\n"
	    "required column 'living_arrangement' is missing (its header "
	    "may be: living_arrangement, 居住情况)\n"
	    "required column 'children_total' is missing (its header may "
	    "be: children_total, 子女数)\n"
	    "required column 'children_away' is missing (its header may "
	    "be: children_away, 县外务工子女数)\n"
	    "required column 'supporter_nearby' is missing (its header may "
	    "be: supporter_nearby, 身边有赡养人)\n"
	    "required column 'ability_level' is missing (its header may be: "
	    "ability_level, 能力等级, 失能等级)\n"
	    "required column 'poverty' is missing (its header may be: "
	    "poverty, 困难类型, 经济困难类型)\n"
	    "required column 'away_months' is missing (its header may be: "
	    "away_months, 外出时长(月), 外出时长（月）, 外出时长)\n"
	    "required column 'supporter_capable' is missing (its header may "
	    "be: supporter_capable, 赡养人有赡养能力)\n");
	ec_buf_release(&msg);
	ec_sheet_free(s);

	/* The whole census header lacks nothing. */
	s = open_census(p, asof_default());
	assert_int_equal(ec_sheet_missing(s, &p->census, &msg), 0);
	assert_null(msg.p);
	ec_sheet_free(s);

	/* Only what is required when a condition holds. */
	static const char *const h2[] = {
		"身份证号", "姓名", "县(区)", "乡(镇)", "村(社区)", "居住情况",
		"子女数", "县外务工子女数", "身边有赡养人", "能力等级", "困难类型",
	};
	s = open_sheet(p, asof_default(), h2, EC_ARRAY_LEN(h2));
	assert_int_equal(ec_sheet_missing(s, &p->census, &msg), 2);
	assert_string_equal(msg.p,
	    "required column 'away_months' is missing (its header may be: "
	    "away_months, 外出时长(月), 外出时长（月）, 外出时长)\n"
	    "required column 'supporter_capable' is missing (its header may "
	    "be: supporter_capable, 赡养人有赡养能力)\n");
	ec_buf_release(&msg);
	ec_sheet_free(s);

	/* The visit log's rules. */
	static const char *const h3[] = { "身份证号", "走访人" };
	s = open_sheet(p, asof_default(), h3, 2);
	assert_int_equal(ec_sheet_missing(s, &p->visit_log, &msg), 2);
	assert_string_equal(msg.p,
	    "required column 'visit_date' is missing (its header may be: "
	    "visit_date, 走访日期)\n"
	    "required column 'mode' is missing (its header may be: mode, "
	    "走访方式)\n");
	ec_buf_release(&msg);
	ec_sheet_free(s);
}

/* ---- typed values ----------------------------------------------------- */

static void
test_value_id(void **state)
{
	struct ec_policy *p = *state;
	struct ec_sheet *s;
	static const char *const hdr[] = { "身份证号" };
	int c = column_of(p, "id_number");

	s = open_sheet(p, asof_default(), hdr, 1);
	expect_str(s, c, EC_T_STR, "512002195001010014",
	    "512002195001010014");
	/* 15 digits: century 19 inserted, check character computed. */
	expect_str(s, c, EC_T_STR, "512002500101001", "512002195001010014");
	/* ... or 18 for sequence codes 996-999. */
	expect_str(s, c, EC_T_STR, "512002200229996", "512002182002299961");
	expect_str(s, c, EC_T_STR, "51200219400101001x",
	    "51200219400101001X");
	expect_str(s, c, EC_T_STR, FWSP " 11010519491231002x\t" FWSP,
	    "11010519491231002X");
	expect_bad(s, c, EC_T_STR, "51200219500101001");	/* 17 */
	expect_bad(s, c, EC_T_STR, "5120021950010100141");	/* 19 */
	expect_bad(s, c, EC_T_STR, "5120021950010100A4");
	expect_bad(s, c, EC_T_STR, "512002195001010015");	/* check */
	expect_bad(s, c, EC_T_STR, "512002195002300013");	/* 02-30 */
	expect_bad(s, c, EC_T_STR, "512002202701010018");	/* future */
	expect_blank(s, c, EC_T_STR, "");
	expect_blank(s, c, EC_T_STR, " " FWSP " ");
	ec_sheet_free(s);
}

static void
test_value_enum(void **state)
{
	struct ec_policy *p = *state;
	struct ec_sheet *s;
	static const char *const h1[] = { "居住情况" };
	static const char *const h2[] = { "困难类型" };
	static const char *const h3[] = { "sex" };
	static const char *const h4[] = { "能力等级" };
	int c;

	s = open_sheet(p, asof_default(), h1, 1);
	c = column_of(p, "living_arrangement");
	expect_str(s, c, EC_T_STR, "独居", "alone");
	expect_str(s, c, EC_T_STR, "alone", "alone");
	expect_str(s, c, EC_T_STR, "ALONE", "alone");
	expect_str(s, c, EC_T_STR, " Spouse" FWSP, "spouse");
	expect_str(s, c, EC_T_STR, "与配偶同住", "spouse");
	expect_str(s, c, EC_T_STR, "配偶同住", "spouse");
	expect_str(s, c, EC_T_STR, FWSP "与亲属同住", "relatives");
	expect_str(s, c, EC_T_STR, "其他", "other");
	expect_bad(s, c, EC_T_STR, "独自");
	expect_bad(s, c, EC_T_STR, "alone;spouse");
	/* Longer than the lookup table's keys: the slow path, still no. */
	expect_bad(s, c, EC_T_STR, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	expect_blank(s, c, EC_T_STR, "");
	ec_sheet_free(s);

	s = open_sheet(p, asof_default(), h2, 1);
	c = column_of(p, "poverty");
	expect_str(s, c, EC_T_STR, "无", "none");
	expect_str(s, c, EC_T_STR, "否", "none");
	expect_str(s, c, EC_T_STR, "低保户", "dibao");
	expect_str(s, c, EC_T_STR, "特困人员", "tekun");
	expect_str(s, c, EC_T_STR, "Registered_Poor", "registered_poor");
	expect_str(s, c, EC_T_STR, "建档立卡贫困户", "registered_poor");
	expect_bad(s, c, EC_T_STR, "富裕");
	ec_sheet_free(s);

	s = open_sheet(p, asof_default(), h3, 1);
	c = column_of(p, "sex");
	expect_str(s, c, EC_T_STR, "男", "male");
	expect_str(s, c, EC_T_STR, "FEMALE", "female");
	expect_bad(s, c, EC_T_STR, "M");
	ec_sheet_free(s);

	s = open_sheet(p, asof_default(), h4, 1);
	c = column_of(p, "ability_level");
	expect_str(s, c, EC_T_STR, "重度失能", "severe");
	expect_str(s, c, EC_T_STR, "Total", "total");
	expect_bad(s, c, EC_T_STR, "失能");
	ec_sheet_free(s);
}

static void
test_value_bool(void **state)
{
	struct ec_policy *p = *state;
	struct ec_sheet *s;
	static const char *const hdr[] = { "身边有赡养人" };
	int c = column_of(p, "supporter_nearby");

	s = open_sheet(p, asof_default(), hdr, 1);
	expect_int(s, c, EC_T_BOOL, "是", 1);
	expect_int(s, c, EC_T_BOOL, "否", 0);
	expect_int(s, c, EC_T_BOOL, "有", 1);
	expect_int(s, c, EC_T_BOOL, "无", 0);
	expect_int(s, c, EC_T_BOOL, "Y", 1);
	expect_int(s, c, EC_T_BOOL, "y", 1);
	expect_int(s, c, EC_T_BOOL, "n", 0);
	expect_int(s, c, EC_T_BOOL, "N", 0);
	expect_int(s, c, EC_T_BOOL, "1", 1);
	expect_int(s, c, EC_T_BOOL, "0", 0);
	expect_int(s, c, EC_T_BOOL, "true", 1);
	expect_int(s, c, EC_T_BOOL, "FALSE", 0);
	expect_int(s, c, EC_T_BOOL, "Yes", 1);
	expect_int(s, c, EC_T_BOOL, FWSP "no ", 0);
	expect_bad(s, c, EC_T_BOOL, "maybe");
	expect_bad(s, c, EC_T_BOOL, "2");
	expect_bad(s, c, EC_T_BOOL, "是的");
	expect_blank(s, c, EC_T_BOOL, "");
	expect_blank(s, c, EC_T_BOOL, FWSP);
	ec_sheet_free(s);
}

static void
test_value_int(void **state)
{
	struct ec_policy *p = *state;
	struct ec_sheet *s;
	static const char *const hdr[] = { "子女数" };
	int c = column_of(p, "children_total");

	s = open_sheet(p, asof_default(), hdr, 1);
	expect_int(s, c, EC_T_INT, "3", 3);
	expect_int(s, c, EC_T_INT, " 0 ", 0);
	expect_int(s, c, EC_T_INT, "+2", 2);
	expect_int(s, c, EC_T_INT, "007", 7);
	expect_int(s, c, EC_T_INT, "-0", 0);
	expect_int(s, c, EC_T_INT, FWSP "12" FWSP, 12);
	expect_int(s, c, EC_T_INT, "123456789012345678",
	    INT64_C(123456789012345678));
	expect_bad(s, c, EC_T_INT, "-1");		/* min 0 */
	expect_bad(s, c, EC_T_INT, "两个");
	expect_bad(s, c, EC_T_INT, "1.5");
	expect_bad(s, c, EC_T_INT, "1 2");
	expect_bad(s, c, EC_T_INT, "-");
	expect_bad(s, c, EC_T_INT, "+");
	expect_bad(s, c, EC_T_INT, "1234567890123456789");	/* 19 digits */
	expect_blank(s, c, EC_T_INT, "");
	ec_sheet_free(s);
}

static void
test_value_date(void **state)
{
	struct ec_policy *p = *state;
	struct ec_sheet *s;
	static const char *const hdr[] = { "最近健康体检", "出生日期" };
	int c = column_of(p, "last_health_check");
	ec_date d = ymd(2018, 10, 10);

	s = open_sheet(p, asof_default(), hdr, 1);
	expect_int(s, c, EC_T_DATE, "2018-10-10", d);
	expect_int(s, c, EC_T_DATE, "2018/10/10", d);
	expect_int(s, c, EC_T_DATE, "2018.10.10", d);
	expect_int(s, c, EC_T_DATE, "20181010", d);
	expect_int(s, c, EC_T_DATE, "2018年10月10日", d);
	expect_int(s, c, EC_T_DATE, " 2018-10-10" FWSP, d);
	expect_int(s, c, EC_T_DATE, "2018-1-5", ymd(2018, 1, 5));
	expect_int(s, c, EC_T_DATE, "2018/1/05", ymd(2018, 1, 5));
	expect_int(s, c, EC_T_DATE, "2018年1月5日", ymd(2018, 1, 5));
	expect_int(s, c, EC_T_DATE, "2024-02-29", ymd(2024, 2, 29));
	expect_int(s, c, EC_T_DATE, "2026-11-30", ymd(2026, 11, 30));
	expect_bad(s, c, EC_T_DATE, "2018-13-01");
	expect_bad(s, c, EC_T_DATE, "2018-02-29");
	expect_bad(s, c, EC_T_DATE, "2018-10-32");
	expect_bad(s, c, EC_T_DATE, "10/10/2018");
	expect_bad(s, c, EC_T_DATE, "2018-10/10");
	expect_bad(s, c, EC_T_DATE, "2018101");
	expect_bad(s, c, EC_T_DATE, "2018年10月10");
	expect_bad(s, c, EC_T_DATE, "2026-12-01");	/* after as-of */
	expect_blank(s, c, EC_T_DATE, "");
	ec_sheet_free(s);

	s = open_sheet(p, asof_default(), hdr + 1, 1);
	c = column_of(p, "birth_date");
	expect_int(s, c, EC_T_DATE, "1950年1月1日", ymd(1950, 1, 1));
	expect_int(s, c, EC_T_DATE, "19500101", ymd(1950, 1, 1));
	expect_bad(s, c, EC_T_DATE, "1950-02-30");
	ec_sheet_free(s);
}

static void
test_value_text_list_phone(void **state)
{
	struct ec_policy *p = *state;
	struct ec_sheet *s;
	static const char *const h1[] = { "慢性病" };
	static const char *const h2[] = { "联系电话" };
	static const char *const h3[] = { "姓名" };
	int c;

	s = open_sheet(p, asof_default(), h1, 1);
	c = column_of(p, "chronic_diseases");
	expect_str(s, c, EC_T_LIST, "高血压；糖尿病", "高血压；糖尿病");
	expect_str(s, c, EC_T_LIST, " 高血压、 糖尿病," FWSP,
	    "高血压、 糖尿病,");
	expect_blank(s, c, EC_T_LIST, "");
	{
		struct rec b;
		struct ec_value v = test_cell_value(s, &b, c,
		    "高血压；糖尿病、关节炎");
		assert_int_equal(ec_list_count(v.s, v.n), 3);
	}
	ec_sheet_free(s);

	s = open_sheet(p, asof_default(), h2, 1);
	c = column_of(p, "phone");
	expect_str(s, c, EC_T_STR, " 138 0000 1111 ", "138 0000 1111");
	expect_str(s, c, EC_T_STR, "028-12345678", "028-12345678");
	/* An invalid number is a warning: the value stands. */
	expect_str(s, c, EC_T_STR, "12345", "12345");
	expect_blank(s, c, EC_T_STR, FWSP);
	ec_sheet_free(s);

	s = open_sheet(p, asof_default(), h3, 1);
	c = column_of(p, "name");
	expect_str(s, c, EC_T_STR, FWSP " 张三\t", "张三");
	expect_str(s, c, EC_T_STR, "张 三", "张 三");
	expect_blank(s, c, EC_T_STR, "   ");
	ec_sheet_free(s);
}

/* A row of blank cells: every column blank, typed as its column. */
static void
test_value_blank_row(void **state)
{
	struct ec_policy *p = *state;
	struct ec_sheet *s;
	struct row r;
	struct ec_value v;

	for (size_t i = 0; i < NCENSUS; i++)
		r.c[i] = "";
	s = open_census(p, asof_default());
	ec_sheet_record(s, row_rec(&r, 2));
	for (size_t i = 0; i < NCENSUS; i++) {
		int c = column_of(p, census_hdr[i]);
		ec_sheet_value(s, c, &v);
		if (!v.blank)
			fail_msg("%s not blank", census_hdr[i]);
		assert_int_equal(v.type,
		    ec_coltype_value_type(p->columns[c].type));
		assert_int_equal(ec_sheet_bad(s, c), 0);
	}
	/* A column the sheet lacks is blank too. */
	ec_sheet_value(s, column_of(p, "visit_date"), &v);
	assert_true(v.blank);
	assert_int_equal(v.type, EC_T_DATE);
	ec_sheet_value(s, column_of(p, "risk_level"), &v);
	assert_true(v.blank);
	assert_int_equal(v.type, EC_T_STR);
	/* Computed from blanks: age blank, the flags false, groups empty. */
	ec_sheet_value(s, column_of(p, "age"), &v);
	assert_true(v.blank);
	assert_int_equal(v.type, EC_T_INT);
	ec_sheet_value(s, column_of(p, "left_behind"), &v);
	assert_false(v.blank);
	assert_int_equal(v.type, EC_T_BOOL);
	assert_int_equal(v.i, 0);
	ec_sheet_value(s, column_of(p, "groups"), &v);
	assert_false(v.blank);
	assert_int_equal(v.type, EC_T_LIST);
	assert_int_equal(v.n, 0);
	ec_sheet_free(s);
}

/* ---- checks ----------------------------------------------------------- */

static void
test_check_valid(void **state)
{
	struct ec_policy *p = *state;
	struct ec_sheet *s;
	struct probs ps = { .pol = p };
	struct row r;

	s = open_census(p, asof_default());
	row_init(&r);
	check_row(s, &ps, &r, 2, 0, "");
	/* The same person in Chinese words, spaces around values. */
	row_init(&r);
	row_set(&r, "id_number", FWSP "512002500101001 ");	/* 15 digits */
	row_set(&r, "birth_date", "1950年1月1日");
	row_set(&r, "living_arrangement", " 独居 ");
	row_set(&r, "supporter_nearby", "否");
	row_set(&r, "ability_level", "能力完好");
	row_set(&r, "poverty", "无");
	row_set(&r, "family_doctor", "是");
	row_set(&r, "phone", "+86 138-0000-1111");
	row_set(&r, "guardian_phone", "028-22345678");
	check_row(s, &ps, &r, 3, 0, "");
	ec_sheet_free(s);
	probs_release(&ps);
}

static void
test_check_id(void **state)
{
	struct ec_policy *p = *state;
	struct ec_sheet *s;
	struct probs ps = { .pol = p };
	struct row r;

	s = open_census(p, asof_default());
	row_init(&r);
	row_set(&r, "id_number", "51200219500101001");
	check_row(s, &ps, &r, 2, 1, "E id-length 0: ID number has 17 "
	    "characters; it needs 18 (or 15 digits)\n");
	row_set(&r, "id_number", " 5120021950010100145 ");
	check_row(s, &ps, &r, 3, 1, "E id-length 0: ID number has 19 "
	    "characters; it needs 18 (or 15 digits)\n");
	row_set(&r, "id_number", "5120021950010100A4");
	check_row(s, &ps, &r, 4, 1, "E id-char 0: ID number has 'A' at "
	    "position 17, where only a digit may stand\n");
	row_set(&r, "id_number", "51200219500101001Y");
	check_row(s, &ps, &r, 5, 1, "E id-char 0: ID number has 'Y' at "
	    "position 18, where only a digit may stand\n");
	row_set(&r, "id_number", "5120025001O1001");	/* 15, letter O */
	check_row(s, &ps, &r, 6, 1, "E id-char 0: ID number has 'O' at "
	    "position 11, where only a digit may stand\n");
	row_set(&r, "id_number", "512002195001010015");
	check_row(s, &ps, &r, 7, 1, "E id-check 0: wrong check character "
	    "in the ID number: '5' where the digits call for '4'\n");
	row_set(&r, "id_number", "11010519491231002" "1");
	row_set(&r, "sex", "");
	row_set(&r, "birth_date", "");
	check_row(s, &ps, &r, 8, 1, "E id-check 0: wrong check character "
	    "in the ID number: '1' where the digits call for 'X'\n");
	row_id(&r, "512002", "19500230", "001");
	check_row(s, &ps, &r, 9, 1, "E id-birth 0: the birth date in the "
	    "ID number (19500230) does not exist\n");
	/* A 15-digit number with a day that does not exist. */
	row_set(&r, "id_number", "512002490229001");
	check_row(s, &ps, &r, 10, 1, "E id-birth 0: the birth date in the "
	    "ID number (19490229) does not exist\n");
	row_id(&r, "512002", "20270101", "001");
	check_row(s, &ps, &r, 11, 1, "E id-future 0: the birth date in the "
	    "ID number (2027-01-01) is after the as-of date 2026-11-30\n");
	row_id(&r, "512002", "20261201", "001");
	check_row(s, &ps, &r, 12, 1, "E id-future 0: the birth date in the "
	    "ID number (2026-12-01) is after the as-of date 2026-11-30\n");
	/* Born on the as-of date: no error, but far under 60. */
	row_id(&r, "512002", "20261130", "001");
	check_row(s, &ps, &r, 13, 0,
	    "W check3 0: age 0 is under 60\n");
	/* A valid lowercase x, sex and birth date matching. */
	row_init(&r);
	row_set(&r, "id_number", "51200219400101001x");
	row_set(&r, "birth_date", "1940-01-01");
	check_row(s, &ps, &r, 14, 0, "");
	ec_sheet_free(s);
	probs_release(&ps);
}

static void
test_check_required(void **state)
{
	struct ec_policy *p = *state;
	struct ec_sheet *s;
	struct probs ps = { .pol = p };
	struct row r;

	s = open_census(p, asof_default());
	row_init(&r);
	row_set(&r, "name", "");
	check_row(s, &ps, &r, 2, 1,
	    "E blank 1: required value is blank\n");
	row_init(&r);
	row_set(&r, "name", FWSP " ");
	row_set(&r, "county", "\t");
	row_set(&r, "living_arrangement", " ");
	row_set(&r, "children_total", "");
	row_set(&r, "poverty", FWSP);
	check_row(s, &ps, &r, 3, 5,
	    "E blank 1: required value is blank\n"
	    "E blank 4: required value is blank\n"
	    "E blank 8: required value is blank\n"
	    "E blank 9: required value is blank\n"
	    "E blank 15: required value is blank\n");
	row_init(&r);
	row_set(&r, "id_number", "");
	row_set(&r, "township", "");
	row_set(&r, "village", "");
	row_set(&r, "children_away", "");
	row_set(&r, "supporter_nearby", "");
	row_set(&r, "ability_level", "");
	check_row(s, &ps, &r, 4, 6,
	    "E blank 0: required value is blank\n"
	    "E blank 5: required value is blank\n"
	    "E blank 6: required value is blank\n"
	    "E blank 10: required value is blank\n"
	    "E blank 12: required value is blank\n"
	    "E blank 14: required value is blank\n");
	/* Optional columns may be blank. */
	row_init(&r);
	row_set(&r, "sex", "");
	row_set(&r, "birth_date", "");
	row_set(&r, "phone", "");
	row_set(&r, "family_doctor", "");
	row_set(&r, "last_health_check", "");
	row_set(&r, "guardian_name", "");
	check_row(s, &ps, &r, 5, 0, "");
	ec_sheet_free(s);
	probs_release(&ps);
}

static void
test_check_vocabulary(void **state)
{
	struct ec_policy *p = *state;
	struct ec_sheet *s;
	struct probs ps = { .pol = p };
	struct row r;

	s = open_census(p, asof_default());
	row_init(&r);
	row_set(&r, "living_arrangement", " 独自 ");
	check_row(s, &ps, &r, 2, 1, "E vocabulary 8: unknown value '独自' "
	    "(one of: 独居/alone, 与配偶同住/spouse, 与其他亲属同住/relatives, "
	    "其他/other)\n");
	row_init(&r);
	row_set(&r, "sex", "M");
	row_set(&r, "supporter_nearby", "maybe");
	row_set(&r, "ability_level", "ok");
	row_set(&r, "poverty", "富裕");
	row_set(&r, "family_doctor", "签了");
	check_row(s, &ps, &r, 3, 5,
	    "E vocabulary 2: unknown value 'M' (one of: 男/male, 女/female)\n"
	    "E vocabulary 12: unknown value 'maybe' (one of: 是/yes, 否/no)\n"
	    "E vocabulary 14: unknown value 'ok' (one of: 能力完好/intact, "
	    "轻度失能/mild, 中度失能/moderate, 重度失能/severe, "
	    "完全失能/total)\n"
	    "E vocabulary 15: unknown value '富裕' (one of: 无/none, "
	    "低保/dibao, 特困/tekun, 建档立卡/registered_poor)\n"
	    "E vocabulary 21: unknown value '签了' (one of: 是/yes, 否/no)\n");
	/* A long value is cut in the message. */
	row_init(&r);
	row_set(&r, "living_arrangement", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	check_row(s, &ps, &r, 4, 1, "E vocabulary 8: unknown value "
	    "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...' (one of: "
	    "独居/alone, 与配偶同住/spouse, 与其他亲属同住/relatives, "
	    "其他/other)\n");
	ec_sheet_free(s);
	probs_release(&ps);
}

static void
test_check_integer(void **state)
{
	struct ec_policy *p = *state;
	struct ec_sheet *s;
	struct probs ps = { .pol = p };
	struct row r;

	s = open_census(p, asof_default());
	row_init(&r);
	row_set(&r, "children_total", "两个");
	check_row(s, &ps, &r, 2, 1,
	    "E integer 9: '两个' is not a whole number\n");
	row_init(&r);
	row_set(&r, "children_away", " 1.5 ");
	check_row(s, &ps, &r, 3, 1,
	    "E integer 10: '1.5' is not a whole number\n");
	row_init(&r);
	row_set(&r, "children_total", "-1");
	check_row(s, &ps, &r, 4, 1,
	    "E range 9: -1 is out of range (at least 0)\n");
	row_init(&r);
	row_set(&r, "away_months", "-3");
	row_set(&r, "children_away", "-2");
	check_row(s, &ps, &r, 5, 2,
	    "E range 10: -2 is out of range (at least 0)\n"
	    "E range 11: -3 is out of range (at least 0)\n");
	/* Past 18 digits a number is too large, not "not a number". */
	row_init(&r);
	row_set(&r, "children_total", "9223372036854775807");
	row_set(&r, "children_away", "0000000000000000000002");
	check_row(s, &ps, &r, 6, 1,
	    "E integer 9: '9223372036854775807' is too large a number (at "
	    "most 18 digits)\n");
	ec_sheet_free(s);
	probs_release(&ps);
}

static void
test_check_dates(void **state)
{
	struct ec_policy *p = *state;
	struct ec_sheet *s;
	struct probs ps = { .pol = p };
	struct row r;

	s = open_census(p, asof_default());
	row_init(&r);
	row_set(&r, "last_health_check", "10/10/2018");
	check_row(s, &ps, &r, 2, 1, "E date 22: '10/10/2018' is not a "
	    "date (write it as 2018-10-10)\n");
	row_set(&r, "last_health_check", "2019-13-45");
	check_row(s, &ps, &r, 3, 1,
	    "E date 22: '2019-13-45' is not a date that exists\n");
	row_set(&r, "last_health_check", "2019-02-29");
	check_row(s, &ps, &r, 4, 1,
	    "E date 22: '2019-02-29' is not a date that exists\n");
	row_set(&r, "last_health_check", "2027-01-01");
	check_row(s, &ps, &r, 5, 1, "E date-future 22: date 2027-01-01 is "
	    "after the as-of date 2026-11-30\n");
	row_set(&r, "last_health_check", "2026年12月1日");
	check_row(s, &ps, &r, 6, 1, "E date-future 22: date 2026-12-01 is "
	    "after the as-of date 2026-11-30\n");
	row_set(&r, "last_health_check", "2026-11-30");
	check_row(s, &ps, &r, 7, 0, "");
	/* A bad birth date is not also compared with the ID's. */
	row_init(&r);
	row_set(&r, "birth_date", "1950-02-30");
	check_row(s, &ps, &r, 8, 1,
	    "E date 3: '1950-02-30' is not a date that exists\n");
	ec_sheet_free(s);
	probs_release(&ps);
}

static void
test_check_required_when(void **state)
{
	struct ec_policy *p = *state;
	struct ec_sheet *s;
	struct probs ps = { .pol = p };
	struct row r;

	s = open_census(p, asof_default());
	/* away_months is required when children_away > 0. */
	row_init(&r);
	row_set(&r, "away_months", "");
	check_row(s, &ps, &r, 2, 1,
	    "E blank 11: required value is blank\n");
	row_set(&r, "away_months", FWSP);
	check_row(s, &ps, &r, 3, 1,
	    "E blank 11: required value is blank\n");
	row_set(&r, "children_away", "0");
	check_row(s, &ps, &r, 4, 0, "");
	/* children_away bad: reported once, away_months not asked for. */
	row_set(&r, "children_away", "x");
	check_row(s, &ps, &r, 5, 1,
	    "E integer 10: 'x' is not a whole number\n");
	/* A bad away_months is not also blank. */
	row_init(&r);
	row_set(&r, "away_months", "半年");
	check_row(s, &ps, &r, 6, 1,
	    "E integer 11: '半年' is not a whole number\n");

	/* supporter_capable is required when supporter_nearby is yes. */
	row_init(&r);
	row_set(&r, "supporter_nearby", "是");
	row_set(&r, "supporter_capable", "");
	check_row(s, &ps, &r, 7, 1,
	    "E blank 13: required value is blank\n");
	row_set(&r, "supporter_nearby", "Y");
	row_set(&r, "supporter_capable", "否");
	check_row(s, &ps, &r, 8, 0, "");
	row_set(&r, "supporter_nearby", "n");
	row_set(&r, "supporter_capable", "");
	check_row(s, &ps, &r, 9, 0, "");
	row_set(&r, "supporter_nearby", "1");
	row_set(&r, "supporter_capable", "能");
	check_row(s, &ps, &r, 10, 1, "E vocabulary 13: unknown value '能' "
	    "(one of: 是/yes, 否/no)\n");
	ec_sheet_free(s);
	probs_release(&ps);
}

static void
test_check_cross(void **state)
{
	struct ec_policy *p = *state;
	struct ec_sheet *s;
	struct probs ps = { .pol = p };
	struct row r;

	s = open_census(p, asof_default());
	/* children_away > children_total, the raw cells quoted. */
	row_init(&r);
	row_set(&r, "children_away", " 3 ");
	check_row(s, &ps, &r, 2, 1, "E check0 10: children_away '3' is "
	    "more than children_total '2'\n");
	row_set(&r, "children_total", "0");
	row_set(&r, "children_away", "+1");
	check_row(s, &ps, &r, 3, 1, "E check0 10: children_away '+1' is "
	    "more than children_total '0'\n");
	/* birth_date against the ID. */
	row_init(&r);
	row_set(&r, "birth_date", "1950-01-02");
	check_row(s, &ps, &r, 4, 1, "E check1 3: '1950-01-02' does not "
	    "match the birth date in the ID number\n");
	row_set(&r, "birth_date", FWSP "1950年1月2日");
	check_row(s, &ps, &r, 5, 1, "E check1 3: '1950年1月2日' does not "
	    "match the birth date in the ID number\n");
	row_set(&r, "birth_date", "19500101");
	check_row(s, &ps, &r, 6, 0, "");
	row_set(&r, "birth_date", "1950.1.1");
	check_row(s, &ps, &r, 7, 0, "");
	/* sex against the ID (sequence 001: a man; 002: a woman). */
	row_init(&r);
	row_set(&r, "sex", "女");
	check_row(s, &ps, &r, 8, 1, "E check2 2: '女' does not match the "
	    "sex in the ID number\n");
	row_set(&r, "sex", " Female ");
	check_row(s, &ps, &r, 9, 1, "E check2 2: 'Female' does not match "
	    "the sex in the ID number\n");
	row_set(&r, "sex", "MALE");
	check_row(s, &ps, &r, 10, 0, "");
	row_set(&r, "id_number", "512002195001010022");
	row_set(&r, "sex", "男");
	check_row(s, &ps, &r, 11, 1, "E check2 2: '男' does not match the "
	    "sex in the ID number\n");
	row_set(&r, "sex", "女");
	check_row(s, &ps, &r, 12, 0, "");
	/* Both at once, in the policy's order. */
	row_set(&r, "sex", "男");
	row_set(&r, "birth_date", "1950-01-31");
	row_set(&r, "children_away", "5");
	check_row(s, &ps, &r, 13, 3,
	    "E check0 10: children_away '5' is more than children_total '2'\n"
	    "E check1 3: '1950-01-31' does not match the birth date in the "
	    "ID number\n"
	    "E check2 2: '男' does not match the sex in the ID number\n");

	/* Age under 60: a warning on the ID column, the age computed. */
	row_init(&r);
	row_id(&r, "512002", "19700505", "001");
	check_row(s, &ps, &r, 14, 0, "W check3 0: age 56 is under 60\n");
	row_id(&r, "512002", "19661201", "001");
	check_row(s, &ps, &r, 15, 0, "W check3 0: age 59 is under 60\n");
	row_id(&r, "512002", "19661130", "001");	/* 60 today */
	check_row(s, &ps, &r, 16, 0, "");

	/* A left-behind person with no guardian phone. */
	row_init(&r);
	row_set(&r, "guardian_phone", "");
	check_row(s, &ps, &r, 17, 0, "W check4 19: left-behind person has "
	    "no guardian phone\n");
	row_set(&r, "guardian_phone", FWSP " ");
	check_row(s, &ps, &r, 18, 0, "W check4 19: left-behind person has "
	    "no guardian phone\n");
	/* ... not left behind: the supporter nearby is capable. */
	row_set(&r, "supporter_nearby", "yes");
	row_set(&r, "supporter_capable", "yes");
	check_row(s, &ps, &r, 19, 0, "");
	/* ... an invalid guardian phone is not a blank one. */
	row_init(&r);
	row_set(&r, "guardian_phone", "12345");
	check_row(s, &ps, &r, 20, 0, "W phone 19: '12345' is neither a "
	    "mobile number nor a landline with its area code\n");
	ec_sheet_free(s);
	probs_release(&ps);
}

static void
test_check_phone_region(void **state)
{
	struct ec_policy *p = *state;
	struct ec_sheet *s;
	struct probs ps = { .pol = p };
	struct row r;

	s = open_census(p, asof_default());
	row_init(&r);
	row_set(&r, "phone", " 12345 ");
	check_row(s, &ps, &r, 2, 0, "W phone 7: '12345' is neither a "
	    "mobile number nor a landline with its area code\n");
	row_set(&r, "phone", "1380000111");
	check_row(s, &ps, &r, 3, 0, "W phone 7: '1380000111' is neither a "
	    "mobile number nor a landline with its area code\n");
	row_set(&r, "phone", "0086 13800001111");
	check_row(s, &ps, &r, 4, 0, "");
	row_set(&r, "phone", "(028)22345678");
	check_row(s, &ps, &r, 5, 0, "");

	/* An ID first issued outside Sichuan (51): a warning. */
	row_init(&r);
	row_set(&r, "id_number", "11010519491231002X");
	row_set(&r, "sex", "女");
	row_set(&r, "birth_date", "1949-12-31");
	check_row(s, &ps, &r, 6, 0, "W region 0: the ID number's address "
	    "code 110105 is outside the policy's region (51)\n");
	/* ... not looked at without region. */
	check_rules(s, &ps, row_rec(&r, 7), 0, 0, "");
	/* ... an upgraded 15-digit number too. */
	row_set(&r, "id_number", "110105491231002");
	check_row(s, &ps, &r, 8, 0, "W region 0: the ID number's address "
	    "code 110105 is outside the policy's region (51)\n");
	ec_sheet_free(s);
	probs_release(&ps);
}

static void
test_check_duplicate(void **state)
{
	struct ec_policy *p = *state;
	struct ec_sheet *s;
	struct probs ps = { .pol = p };
	struct row r;

	s = open_census(p, asof_default());
	row_init(&r);
	check_row_seen(s, &ps, &r, 2, 0, "");
	check_row_seen(s, &ps, &r, 3, 1, "E duplicate -1: duplicate ID number, "
	    "first seen on line 2\n");
	/* The same person's 15-digit number. */
	row_set(&r, "id_number", "512002500101001");
	check_row_seen(s, &ps, &r, 4, 1, "E duplicate -1: duplicate ID number, "
	    "first seen on line 2\n");
	/* x and X are the same. */
	row_set(&r, "id_number", "51200219400101001x");
	row_set(&r, "birth_date", "");
	check_row_seen(s, &ps, &r, 5, 0, "");
	row_set(&r, "id_number", " 51200219400101001X ");
	check_row_seen(s, &ps, &r, 7, 1, "E duplicate -1: duplicate ID number, "
	    "first seen on line 5\n");
	/* An invalid ID is not counted as seen, nor a blank one. */
	row_set(&r, "id_number", "51200219400101001");
	check_row_seen(s, &ps, &r, 8, 1, "E id-length 0: ID number has 17 "
	    "characters; it needs 18 (or 15 digits)\n");
	row_set(&r, "id_number", "");
	check_row_seen(s, &ps, &r, 9, 1,
	    "E blank 0: required value is blank\n");
	check_row_seen(s, &ps, &r, 10, 1,
	    "E blank 0: required value is blank\n");
	/* The duplicate comes with the record's other problems. */
	row_init(&r);
	row_set(&r, "name", "");
	row_set(&r, "guardian_phone", "");
	check_row_seen(s, &ps, &r, 11, 2,
	    "E blank 1: required value is blank\n"
	    "E duplicate -1: duplicate ID number, first seen on line 2\n"
	    "W check4 19: left-behind person has no guardian phone\n");
	/* A shared set replaces the sheet's own (freed: see valgrind). */
	{
		struct ec_idset *set = ec_idset_new();
		static const char *const files[] = { "c.csv" };
		ec_sheet_share_seen(s, set, 0, files);
		check_row_seen(s, &ps, &r, 12, 1,
		    "E blank 1: required value is blank\n"
		    "W check4 19: left-behind person has no guardian phone\n");
		check_row_seen(s, &ps, &r, 13, 2,
		    "E blank 1: required value is blank\n"
		    "E duplicate -1: duplicate ID number, first seen on line "
		    "12\n"
		    "W check4 19: left-behind person has no guardian phone\n");
		ec_sheet_free(s);
		assert_int_equal(ec_idset_count(set), 1);
		ec_idset_free(set);
	}
	probs_release(&ps);
}

static void
test_check_duplicate_shared(void **state)
{
	struct ec_policy *p = *state;
	struct ec_sheet *a, *b;
	struct probs ps = { .pol = p };
	struct row r;
	struct ec_idset *set = ec_idset_new();
	static const char *const files[] = { "a.csv", "b.csv" };
	char id1[19], id2[19], id3[19];

	make_id(id1, "512002", "19500101", "001");
	make_id(id2, "512002", "19450607", "003");
	make_id(id3, "512002", "19380909", "005");

	a = open_census(p, asof_default());
	ec_sheet_share_seen(a, set, 0, files);
	row_init(&r);
	row_set(&r, "birth_date", "");
	row_set(&r, "id_number", id1);
	check_row_seen(a, &ps, &r, 2, 0, "");
	row_set(&r, "id_number", id2);
	check_row_seen(a, &ps, &r, 3, 0, "");
	row_set(&r, "id_number", id2);
	check_row_seen(a, &ps, &r, 4, 1, "E duplicate -1: duplicate ID number, "
	    "first seen on line 3\n");
	ec_sheet_free(a);	/* the set is borrowed: still there */
	assert_int_equal(ec_idset_count(set), 2);

	b = open_census(p, asof_default());
	ec_sheet_share_seen(b, set, 1, files);
	row_set(&r, "id_number", id2);
	check_row_seen(b, &ps, &r, 2, 1, "E duplicate -1: duplicate ID number, "
	    "first seen in a.csv on line 3\n");
	row_set(&r, "id_number", id3);
	check_row_seen(b, &ps, &r, 3, 0, "");
	row_set(&r, "id_number", id3);
	check_row_seen(b, &ps, &r, 4, 1, "E duplicate -1: duplicate ID number, "
	    "first seen on line 3\n");
	row_set(&r, "id_number", "512002500101001");	/* id1, 15 digits */
	check_row_seen(b, &ps, &r, 5, 1, "E duplicate -1: duplicate ID number, "
	    "first seen in a.csv on line 2\n");
	ec_sheet_free(b);
	assert_int_equal(ec_idset_count(set), 3);
	/* Seen again: the first line, of the second file, comes back. */
	assert_int_equal(ec_idset_add(set, ec_idset_key(id3), 99),
	    (UINT64_C(1) << 48) | 3);
	ec_idset_free(set);
	probs_release(&ps);
}

/* A check about a column the header lacks is skipped. */
static void
test_check_absent_column(void **state)
{
	struct ec_policy *p = *state;
	struct ec_sheet *s;
	struct probs ps = { .pol = p };
	struct rec b;
	static const char *const hdr[] = {
		"id_number", "name", "county", "township", "village",
		"living_arrangement", "children_total", "children_away",
		"away_months", "supporter_nearby", "supporter_capable",
		"ability_level", "poverty",
	};
	/* Left behind, no guardian phone column: no warning. */
	static const char *const r1[] = {
		"512002195001010014", "张三", "雁江区", "松涛镇", "白塔村",
		"alone", "2", "2", "12", "no", "", "intact", "none",
	};
	/* Under 60, more children away than in all: fields 0 and 7. */
	static const char *const r2[] = {
		"512002197005050012", "李四", "雁江区", "松涛镇", "白塔村",
		"alone", "2", "3", "12", "no", "", "intact", "none",
	};
	char id[19];

	/* r2's ID, checked: 1970-05-05, sequence 001. */
	assert_string_equal(make_id(id, "512002", "19700505", "001"), r2[0]);
	s = open_sheet(p, asof_default(), hdr, EC_ARRAY_LEN(hdr));
	assert_int_equal(ec_sheet_field(s, column_of(p, "guardian_phone")), -1);
	check_rules(s, &ps, mkrec(&b, 2, r1, EC_ARRAY_LEN(r1)), 1, 0,
	    "");
	check_rules(s, &ps, mkrec(&b, 3, r2, EC_ARRAY_LEN(r2)), 1, 1,
	    "E check0 7: children_away '3' is more than children_total '2'\n"
	    "W check3 0: age 56 is under 60\n");
	ec_sheet_free(s);

	/* Without the ID column: no age, no duplicate, no region check. */
	s = open_sheet(p, asof_default(), hdr + 1, EC_ARRAY_LEN(hdr) - 1);
	check_rules(s, &ps, mkrec(&b, 2, r2 + 1,
	    EC_ARRAY_LEN(r2) - 1), 1, 1,
	    "E check0 6: children_away '3' is more than children_total '2'\n");
	check_rules(s, &ps, mkrec(&b, 3, r2 + 1,
	    EC_ARRAY_LEN(r2) - 1), 1, 1,
	    "E check0 6: children_away '3' is more than children_total '2'\n");
	ec_sheet_free(s);
	probs_release(&ps);
}

/* Many problems in one record: the return value counts the errors. */
static void
test_check_count(void **state)
{
	struct ec_policy *p = *state;
	struct ec_sheet *s;
	struct probs ps = { .pol = p };
	struct row r;

	s = open_census(p, asof_default());
	row_init(&r);
	row_set(&r, "id_number", "11010519491231002X");
	row_set(&r, "sex", "女");
	row_set(&r, "birth_date", "1949-12-31");
	row_set(&r, "name", "");
	row_set(&r, "phone", "12345");
	row_set(&r, "living_arrangement", "独自");
	row_set(&r, "children_total", "x");
	row_set(&r, "last_health_check", "2030-01-01");
	check_row(s, &ps, &r, 2, 4,
	    "E blank 1: required value is blank\n"
	    "W phone 7: '12345' is neither a mobile number nor a landline "
	    "with its area code\n"
	    "E vocabulary 8: unknown value '独自' (one of: 独居/alone, "
	    "与配偶同住/spouse, 与其他亲属同住/relatives, 其他/other)\n"
	    "E integer 9: 'x' is not a whole number\n"
	    "E date-future 22: date 2030-01-01 is after the as-of date "
	    "2026-11-30\n"
	    "W region 0: the ID number's address code 110105 is outside the "
	    "policy's region (51)\n");
	/* The next record starts afresh. */
	row_init(&r);
	check_row(s, &ps, &r, 3, 0, "");
	ec_sheet_free(s);
	probs_release(&ps);
}

/* ---- derived columns -------------------------------------------------- */

static void
test_derived(void **state)
{
	struct ec_policy *p = *state;
	struct ec_sheet *s;
	struct row r;

	s = open_census(p, asof_default());
	row_init(&r);
	expect_classified(s, &r, "age=76 left_behind=yes groups=alone "
	    "special=yes focus=no");
	/* 80 on the as-of date: oldest old; poor and disabled: focus. */
	row_init(&r);
	row_id(&r, "512002", "19461130", "003");
	row_set(&r, "living_arrangement", "与配偶同住");
	row_set(&r, "ability_level", "重度失能");
	row_set(&r, "poverty", "低保");
	expect_classified(s, &r, "age=80 left_behind=yes "
	    "groups=disabled;poor;oldest_old special=yes focus=yes");
	/* A day short of 80. */
	row_init(&r);
	row_id(&r, "512002", "19461201", "003");
	row_set(&r, "ability_level", "moderate");
	row_set(&r, "poverty", "tekun");
	expect_classified(s, &r, "age=79 left_behind=yes "
	    "groups=alone;disabled;poor special=yes focus=yes");
	/* Every group, in the policy's order. */
	row_init(&r);
	row_id(&r, "512002", "19400101", "001");
	row_set(&r, "ability_level", "完全失能");
	row_set(&r, "poverty", "建档立卡");
	expect_classified(s, &r, "age=86 left_behind=yes "
	    "groups=alone;disabled;poor;oldest_old special=yes focus=yes");
	/* Poor and oldest old but not disabled nor ... focus needs both. */
	row_init(&r);
	row_id(&r, "512002", "19400101", "001");
	row_set(&r, "living_arrangement", "spouse");
	row_set(&r, "ability_level", "mild");
	row_set(&r, "poverty", "dibao");
	expect_classified(s, &r, "age=86 left_behind=yes "
	    "groups=poor;oldest_old special=yes focus=yes");
	row_set(&r, "poverty", "none");
	expect_classified(s, &r, "age=86 left_behind=yes "
	    "groups=oldest_old special=yes focus=no");
	/* 60 today: left behind, no group. */
	row_init(&r);
	row_id(&r, "512002", "19661130", "001");
	row_set(&r, "living_arrangement", "spouse");
	row_set(&r, "ability_level", "mild");
	expect_classified(s, &r, "age=60 left_behind=yes groups= "
	    "special=no focus=no");
	/* 59: not left behind. */
	row_id(&r, "512002", "19661201", "001");
	expect_classified(s, &r, "age=59 left_behind=no groups= "
	    "special=no focus=no");
	/* away_months: 6 is enough, 5 is not. */
	row_init(&r);
	row_set(&r, "away_months", "6");
	expect_classified(s, &r, "age=76 left_behind=yes groups=alone "
	    "special=yes focus=no");
	row_set(&r, "away_months", "5");
	expect_classified(s, &r, "age=76 left_behind=no groups=alone "
	    "special=no focus=no");
	/* A supporter nearby: left behind only if not capable. */
	row_init(&r);
	row_set(&r, "supporter_nearby", "是");
	row_set(&r, "supporter_capable", "否");
	expect_classified(s, &r, "age=76 left_behind=yes groups=alone "
	    "special=yes focus=no");
	row_set(&r, "supporter_capable", "是");
	expect_classified(s, &r, "age=76 left_behind=no groups=alone "
	    "special=no focus=no");
	/* Not all children away; no children. */
	row_init(&r);
	row_set(&r, "children_away", "1");
	expect_classified(s, &r, "age=76 left_behind=no groups=alone "
	    "special=no focus=no");
	row_set(&r, "children_total", "0");
	row_set(&r, "children_away", "0");
	row_set(&r, "away_months", "");
	expect_classified(s, &r, "age=76 left_behind=no groups=alone "
	    "special=no focus=no");
	/* Every group, not left behind: neither special nor focus. */
	row_init(&r);
	row_id(&r, "512002", "19400101", "001");
	row_set(&r, "ability_level", "severe");
	row_set(&r, "poverty", "dibao");
	row_set(&r, "away_months", "3");
	expect_classified(s, &r, "age=86 left_behind=no "
	    "groups=alone;disabled;poor;oldest_old special=no focus=no");
	/* No age without a valid ID. */
	row_init(&r);
	row_set(&r, "id_number", "512002195001010015");
	expect_classified(s, &r, "age= left_behind=no groups=alone "
	    "special=no focus=no");
	row_set(&r, "id_number", "");
	expect_classified(s, &r, "age= left_behind=no groups=alone "
	    "special=no focus=no");
	/* The 15-digit number gives the same age. */
	row_set(&r, "id_number", "512002500101001");
	expect_classified(s, &r, "age=76 left_behind=yes groups=alone "
	    "special=yes focus=no");
	ec_sheet_free(s);
}

/* The policy's 29 February rule: mar1 (and feb28 when changed). */
static void
test_leap_birthday(void **state)
{
	struct ec_policy *p = *state;
	struct ec_sheet *s;
	struct probs ps = { .pol = p };
	struct row r;
	static const struct {
		int y, m, d;
		const char *want;
	} cases[] = {
		{ 2024, 2, 28, "age=59 left_behind=no groups=alone "
		    "special=no focus=no" },
		{ 2024, 2, 29, "age=60 left_behind=yes groups=alone "
		    "special=yes focus=no" },
		{ 2025, 2, 28, "age=60 left_behind=yes groups=alone "
		    "special=yes focus=no" },
		{ 2025, 3, 1, "age=61 left_behind=yes groups=alone "
		    "special=yes focus=no" },
	};

	assert_int_equal(p->leap_rule, EC_LEAP_MAR1);
	for (size_t i = 0; i < EC_ARRAY_LEN(cases); i++) {
		s = open_census(p, ymd(cases[i].y, cases[i].m, cases[i].d));
		row_init(&r);
		row_id(&r, "512002", "19640229", "005");
		row_set(&r, "last_health_check", "");
		expect_classified(s, &r, cases[i].want);
		ec_sheet_free(s);
	}
	/* The under-60 warning on the day before. */
	s = open_census(p, ymd(2024, 2, 28));
	row_init(&r);
	row_id(&r, "512002", "19640229", "005");
	row_set(&r, "last_health_check", "");
	row_set(&r, "birth_date", "1964-02-29");
	check_row(s, &ps, &r, 2, 0, "W check3 0: age 59 is under 60\n");
	ec_sheet_free(s);

	/* 80 in a common year 1900 (born 1820-02-29, sequence 996). */
	s = open_census(p, ymd(1900, 2, 28));
	row_init(&r);
	row_set(&r, "id_number", "512002200229996");
	row_set(&r, "sex", "");
	row_set(&r, "birth_date", "");
	expect_classified(s, &r, "age=79 left_behind=yes groups=alone "
	    "special=yes focus=no");
	ec_sheet_free(s);
	s = open_census(p, ymd(1900, 3, 1));
	expect_classified(s, &r, "age=80 left_behind=yes "
	    "groups=alone;oldest_old special=yes focus=no");
	ec_sheet_free(s);

	/* Under feb28 the birthday is a day earlier. */
	p->leap_rule = EC_LEAP_FEB28;
	s = open_census(p, ymd(2025, 2, 28));
	row_init(&r);
	row_id(&r, "512002", "19640229", "005");
	row_set(&r, "last_health_check", "");
	expect_classified(s, &r, "age=61 left_behind=yes groups=alone "
	    "special=yes focus=no");
	ec_sheet_free(s);
	s = open_census(p, ymd(1900, 2, 28));
	row_set(&r, "id_number", "512002200229996");
	expect_classified(s, &r, "age=80 left_behind=yes "
	    "groups=alone;oldest_old special=yes focus=no");
	ec_sheet_free(s);
	p->leap_rule = EC_LEAP_MAR1;
	probs_release(&ps);
}

/* An owned column: its input field dropped, its value computed. */
static void
test_own(void **state)
{
	struct ec_policy *p = *state;
	struct ec_sheet *s;
	struct probs ps = { .pol = p };
	struct rec b;
	const char *hdr[NCENSUS + 5];
	const char *cells[NCENSUS + 5];
	struct row r;

	for (size_t i = 0; i < NCENSUS; i++)
		hdr[i] = census_hdr[i];
	hdr[NCENSUS] = "age";			/* 23 */
	hdr[NCENSUS + 1] = "Left_Behind";	/* 24 */
	hdr[NCENSUS + 2] = "风险分";		/* 25: unbound */
	hdr[NCENSUS + 3] = "groups";		/* 26 */
	hdr[NCENSUS + 4] = "focus";		/* 27 */
	row_init(&r);
	for (size_t i = 0; i < NCENSUS; i++)
		cells[i] = r.c[i];
	cells[NCENSUS] = "45";
	cells[NCENSUS + 1] = "no";
	cells[NCENSUS + 2] = "99";
	cells[NCENSUS + 3] = "bogus";
	cells[NCENSUS + 4] = "maybe";

	/* Not owned: the input's columns are read and checked. */
	s = open_sheet(p, asof_default(), hdr, NCENSUS + 5);
	assert_int_equal(ec_sheet_source(s, column_of(p, "age")), EC_SRC_FIELD);
	assert_int_equal(ec_sheet_source(s, column_of(p, "special")), EC_SRC_DERIVED);
	const struct ec_csv_record *rec = mkrec(&b, 2, cells, NCENSUS + 5);
	check_rules(s, &ps, rec, 1, 1,
	    "E vocabulary 27: unknown value 'maybe' (one of: 是/yes, "
	    "否/no)\n"
	    "W check3 0: age '45' is under 60\n");
	{
		struct ec_buf out = EC_BUF_INIT;
		assert_string_equal(classified(s, rec, &out), "age=45 "
		    "left_behind=no groups=bogus special=no focus=");
		ec_buf_release(&out);
	}
	ec_sheet_free(s);

	/* Owned, as elder-classify does: computed, the fields dropped. */
	s = open_sheet(p, asof_default(), hdr, NCENSUS + 5);
	for (size_t i = 0; i < EC_ARRAY_LEN(classify_cols); i++)
		ec_sheet_own(s, column_of(p, classify_cols[i]), NULL, NULL);
	for (size_t f = 0; f < NCENSUS + 5; f++) {
		int want = f == NCENSUS || f == NCENSUS + 1 ||
		    f == NCENSUS + 3 || f == NCENSUS + 4;
		if (ec_sheet_dropped(s, f) != want)
			fail_msg("field %zu '%s': drop %d", f, hdr[f],
			    ec_sheet_dropped(s, f));
	}
	for (size_t i = 0; i < EC_ARRAY_LEN(classify_cols); i++)
		assert_int_equal(ec_sheet_source(s, column_of(p, classify_cols[i])),
		    EC_SRC_DERIVED);
	check_rules(s, &ps, rec, 1, 0, "");
	{
		struct ec_buf out = EC_BUF_INIT;
		assert_string_equal(classified(s, rec, &out), "age=76 "
		    "left_behind=yes groups=alone special=yes focus=no");
		ec_buf_release(&out);
	}
	/* The under-60 message shows the computed age, not the cell. */
	row_id(&r, "512002", "19700505", "001");
	cells[0] = r.c[0];
	cells[2] = "";
	cells[3] = "";
	rec = mkrec(&b, 3, cells, NCENSUS + 5);
	check_rules(s, &ps, rec, 1, 0,
	    "W check3 0: age 56 is under 60\n");
	ec_sheet_free(s);
	probs_release(&ps);
}

struct hookctx {
	int calls;
	int col;
};

static void
hook(void *ctx, struct ec_sheet *s, int col, struct ec_value *out)
{
	struct hookctx *h = ctx;
	struct ec_value age;

	assert_int_equal(col, h->col);
	h->calls++;
	/* A hook may read other columns. */
	ec_sheet_value(s, column_of(ec_sheet_policy(s), "age"), &age);
	*out = ec_value_int(EC_T_INT, age.blank ? -1 : age.i * 10);
}

static void
test_own_hook(void **state)
{
	struct ec_policy *p = *state;
	struct ec_sheet *s;
	struct rec b;
	struct hookctx h = { 0, column_of(p, "risk_score") };
	struct hookctx h2 = { 0, column_of(p, "risk_level") };
	static const char *const hdr[] = { "risk_score", "身份证号", "风险等级" };
	static const char *const c1[] = { "7", "512002195001010014", "高" };
	static const char *const c2[] = { "7", "512002197005050012", "高" };
	struct ec_value v;
	int score = column_of(p, "risk_score");
	int level = column_of(p, "risk_level");
	int age = column_of(p, "age");

	s = open_sheet(p, asof_default(), hdr, 3);
	assert_int_equal(s->field_col[0], score);
	assert_int_equal(s->field_col[2], -1);
	ec_sheet_own(s, score, hook, &h);
	ec_sheet_own(s, level, hook, &h2);
	ec_sheet_own(s, age, hook, &h);	/* defined: the hook unused */
	assert_int_equal(ec_sheet_source(s, score), EC_SRC_HOOK);
	assert_int_equal(ec_sheet_source(s, level), EC_SRC_HOOK);
	assert_int_equal(ec_sheet_source(s, age), EC_SRC_DERIVED);
	assert_false(ec_sheet_computed_by(s, age, &h));
	assert_int_equal(ec_sheet_dropped(s, 0), 1);
	assert_int_equal(ec_sheet_dropped(s, 1), 0);
	assert_int_equal(ec_sheet_dropped(s, 2), 0);

	ec_sheet_record(s, mkrec(&b, 2, c1, 3));
	ec_sheet_value(s, score, &v);
	assert_false(v.blank);
	assert_int_equal(v.i, 760);
	ec_sheet_value(s, score, &v);		/* cached */
	assert_int_equal(v.i, 760);
	assert_int_equal(h.calls, 1);
	ec_sheet_record(s, mkrec(&b, 3, c2, 3));
	ec_sheet_value(s, score, &v);
	assert_int_equal(v.i, 560);
	assert_int_equal(h.calls, 2);
	assert_int_equal(h2.calls, 0);
	ec_sheet_free(s);
}

/* ec_sheet_test evaluates the policy's expressions on the record. */
static void
test_sheet_test(void **state)
{
	struct ec_policy *p = *state;
	struct ec_sheet *s;
	struct row r;

	s = open_census(p, asof_default());
	row_init(&r);
	ec_sheet_record(s, row_rec(&r, 2));
	assert_int_equal(ec_sheet_test(s, p->programme), 1);
	assert_int_equal(ec_sheet_test(s, p->health_eligible), 1);
	assert_int_equal(ec_sheet_test(s, p->health_done), 1);
	row_set(&r, "away_months", "2");
	row_set(&r, "last_health_check", "2025-12-31");
	ec_sheet_record(s, row_rec(&r, 3));
	assert_int_equal(ec_sheet_test(s, p->programme), 0);
	assert_int_equal(ec_sheet_test(s, p->health_done), 0);
	row_id(&r, "512002", "19620101", "001");	/* 64 */
	ec_sheet_record(s, row_rec(&r, 4));
	assert_int_equal(ec_sheet_test(s, p->health_eligible), 0);
	ec_sheet_free(s);
}

static void
expect_written(struct ec_sheet *s, int c, const char *cell,
    const char *want)
{
	struct rec b;
	struct ec_buf out = EC_BUF_INIT;
	struct ec_value v = test_cell_value(s, &b, c, cell);

	ec_buf_adds(&out, "<");
	ec_value_write(s, &v, &out);
	ec_buf_adds(&out, ">");
	if (strcmp(out.p, want) != 0) {
		char got[128];
		snprintf(got, sizeof got, "%s", out.p);
		ec_buf_release(&out);
		fail_msg("'%s': got %s, want %s", cell, got, want);
	}
	ec_buf_release(&out);
}

static void
test_value_write(void **state)
{
	struct ec_policy *p = *state;
	struct ec_sheet *s;
	struct ec_buf out = EC_BUF_INIT;
	struct ec_value v;

#define ONE(hdrname, cname, ...) do { \
	static const char *const h_[] = { hdrname }; \
	s = open_sheet(p, asof_default(), h_, 1); \
	int c_ = column_of(p, cname); \
	__VA_ARGS__ \
	ec_sheet_free(s); \
} while (0)

	ONE("身边有赡养人", "supporter_nearby",
	    expect_written(s, c_, "是", "<yes>");
	    expect_written(s, c_, "N", "<no>");
	    expect_written(s, c_, "true", "<yes>");
	    expect_written(s, c_, "0", "<no>");
	    expect_written(s, c_, "", "<>");
	    expect_written(s, c_, "maybe", "<>"););
	ONE("子女数", "children_total",
	    expect_written(s, c_, "007", "<7>");
	    expect_written(s, c_, "+12", "<12>");
	    expect_written(s, c_, "0", "<0>");
	    expect_written(s, c_, " ", "<>"););
	ONE("最近健康体检", "last_health_check",
	    expect_written(s, c_, "2018年10月10日", "<2018-10-10>");
	    expect_written(s, c_, "2018.1.5", "<2018-01-05>");
	    expect_written(s, c_, "20240229", "<2024-02-29>");
	    expect_written(s, c_, "2018-02-30", "<>"););
	ONE("居住情况", "living_arrangement",
	    expect_written(s, c_, " 独居 ", "<alone>");
	    expect_written(s, c_, "与亲属同住", "<relatives>"););
	ONE("公民身份号码", "id_number",
	    expect_written(s, c_, "512002500101001", "<512002195001010014>");
	    expect_written(s, c_, "51200219400101001x",
	        "<51200219400101001X>"););
	ONE("姓名", "name",
	    expect_written(s, c_, FWSP "张三 ", "<张三>"););
	ONE("慢性病", "chronic_diseases",
	    expect_written(s, c_, "高血压；糖尿病", "<高血压；糖尿病>"););
#undef ONE

	/* Values made by hand; output appends. */
	s = open_census(p, asof_default());
	ec_buf_adds(&out, "x=");
	v = ec_value_int(EC_T_INT, -12);
	ec_value_write(s, &v, &out);
	ec_buf_adds(&out, ",");
	v = ec_value_int(EC_T_BOOL, 1);
	ec_value_write(s, &v, &out);
	ec_buf_adds(&out, ",");
	v = ec_value_int(EC_T_DATE, ymd(1000, 1, 1));
	ec_value_write(s, &v, &out);
	ec_buf_adds(&out, ",");
	v = ec_value_str(EC_T_LIST, "a;b", 3);
	ec_value_write(s, &v, &out);
	ec_buf_adds(&out, ",");
	v = ec_value_str(EC_T_STR, "abc", 2);
	ec_value_write(s, &v, &out);
	ec_buf_adds(&out, ",");
	v = ec_value_blank(EC_T_STR);
	ec_value_write(s, &v, &out);
	v = ec_value_blank(EC_T_INT);
	ec_value_write(s, &v, &out);
	assert_string_equal(out.p, "x=-12,yes,1000-01-01,a;b,ab,");
	ec_buf_release(&out);
	/* A blank value adds nothing, not even a NUL to an empty buffer. */
	v = ec_value_blank(EC_T_BOOL);
	ec_value_write(s, &v, &out);
	assert_null(out.p);
	assert_int_equal(out.len, 0);
	/* Groups of a record with none: an empty list, written empty. */
	{
		struct row r;
		row_init(&r);
		row_set(&r, "living_arrangement", "spouse");
		ec_sheet_record(s, row_rec(&r, 2));
		ec_sheet_value(s, column_of(p, "groups"), &v);
		assert_false(v.blank);
		ec_value_write(s, &v, &out);
		assert_int_equal(out.len, 0);
		ec_buf_release(&out);
	}
	ec_sheet_free(s);
}

/* The same values as fields of a CSV record, quoted where they must be. */
static void
test_value_write_field(void **state)
{
	char path[] = "/tmp/test_sheet_vw.XXXXXX";
	int fd = mkstemp(path);
	struct ec_csv_writer w;
	struct ec_value v[] = {
		ec_value_blank(EC_T_INT),
		ec_value_int(EC_T_INT, -12),
		ec_value_int(EC_T_INT, INT64_MIN),
		ec_value_int(EC_T_BOOL, 1),
		ec_value_int(EC_T_BOOL, 0),
		ec_value_int(EC_T_DATE, ymd(1000, 1, 1)),
		ec_value_str(EC_T_LIST, "alone;poor", 10),
		ec_value_str(EC_T_STR, "a,\"b\"", 5),
		ec_value_str(EC_T_STR, "", 0),
		ec_value_blank(EC_T_BOOL),
	};
	char buf[256];

	assert_true(fd >= 0);
	ec_csv_writer_init(&w, fd);
	for (size_t i = 0; i < EC_ARRAY_LEN(v); i++)
		ec_value_write_field(&v[i], &w);
	ec_csv_end_record(&w);
	/* a record of one blank value must not be a blank line */
	ec_value_write_field(&v[0], &w);
	ec_csv_end_record(&w);
	ec_value_write_field(&v[4], &w);
	ec_csv_end_record(&w);
	assert_int_equal(ec_csv_writer_flush(&w), 0);
	ec_csv_writer_release(&w);
	lseek(fd, 0, SEEK_SET);
	ssize_t n = read(fd, buf, sizeof buf - 1);
	assert_true(n >= 0);
	buf[n] = '\0';
	assert_string_equal(buf, ",-12,-9223372036854775808,yes,no,1000-01-01,"
	    "alone;poor,\"a,\"\"b\"\"\",,\n\"\"\nno\n");
	close(fd);
	unlink(path);
}

/* ---- the columns an expression needs ---------------------------------- */

static int
resolve(void *ctx, const char *name, size_t len, enum ec_type *type)
{
	const struct ec_policy *p = ctx;
	char buf[64];

	if (len >= sizeof buf)
		return -1;
	memcpy(buf, name, len);
	buf[len] = '\0';
	int c = ec_policy_column(p, buf);
	if (c >= 0)
		*type = ec_coltype_value_type(p->columns[c].type);
	return c;
}

struct visited {
	int calls[64];		/* per column: how many times visited */
	enum ec_source src[64];
	int via[64];
	size_t n;
};

static void
count_input(void *ctx, int col, enum ec_source src, int via)
{
	struct visited *in = ctx;

	assert_true(col >= 0 && col < 64);
	in->calls[col]++;
	in->src[col] = src;
	in->via[col] = via;
	in->n++;
}

/*
 * special is "left_behind and count(groups) > 0": with both in the
 * input, an expression that reads special (twice) needs exactly those
 * two, each once, by way of special; never special itself.
 */
static void
test_inputs(void **state)
{
	struct ec_policy *p = *state;
	static const char *const hdr[] = { "id_number", "left_behind",
	    "groups", "poverty" };
	static const char src[] = "special or (not special and "
	    "poverty == 'none')";
	struct ec_expr_resolver res = { resolve, NULL, p };
	struct ec_expr *e = ec_expr_compile(src, strlen(src), &res, NULL);
	int special = column_of(p, "special");
	int lb = column_of(p, "left_behind"), groups = column_of(p, "groups");
	int poverty = column_of(p, "poverty");
	struct visited in;
	struct ec_sheet *s;

	assert_non_null(e);
	assert_true(p->ncolumns <= 64);
	s = open_sheet(p, asof_default(), hdr, EC_ARRAY_LEN(hdr));
	memset(&in, 0, sizeof in);
	ec_sheet_inputs(s, e, count_input, &in);
	assert_int_equal(in.n, 3);
	assert_int_equal(in.calls[lb], 1);
	assert_int_equal(in.calls[groups], 1);
	assert_int_equal(in.calls[poverty], 1);
	assert_int_equal(in.src[lb], EC_SRC_FIELD);
	assert_int_equal(in.via[lb], special);
	assert_int_equal(in.via[groups], special);
	assert_int_equal(in.via[poverty], -1);
	ec_sheet_free(s);

	/*
	 * A census without them: special is followed through left_behind
	 * and groups to the census columns, each visited once, and age
	 * (defined) to the ID number.
	 */
	s = open_census(p, asof_default());
	memset(&in, 0, sizeof in);
	ec_sheet_inputs(s, e, count_input, &in);
	for (size_t c = 0; c < p->ncolumns; c++) {
		assert_true(in.calls[c] <= 1);
		if (in.calls[c])
			assert_int_not_equal(ec_sheet_source(s, (int)c),
			    EC_SRC_DERIVED);
	}
	assert_int_equal(in.calls[column_of(p, "id_number")], 1);
	assert_int_equal(in.via[column_of(p, "id_number")],
	    column_of(p, "age"));
	assert_int_equal(in.calls[column_of(p, "away_months")], 1);
	assert_int_equal(in.via[column_of(p, "away_months")], lb);
	assert_int_equal(in.via[poverty], groups);
	assert_int_equal(in.calls[lb] + in.calls[groups], 0);
	in.n = 0;
	ec_sheet_inputs(s, NULL, count_input, &in);	/* no expression */
	assert_int_equal(in.n, 0);
	ec_sheet_free(s);
	ec_expr_free(e);
}

/*
 * Values are per record.  (That they stay so when the record counter
 * wraps after 2^32 records is no longer reached from here: the counter
 * is the sheet's own.)
 */
static void
test_generation_wrap(void **state)
{
	struct ec_policy *p = *state;
	struct ec_sheet *s;
	struct row r1, r2;
	struct ec_value v;
	int age = column_of(p, "age");
	int groups = column_of(p, "groups");

	s = open_census(p, asof_default());
	row_init(&r1);
	row_init(&r2);
	row_id(&r2, "512002", "19400101", "001");
	row_set(&r2, "poverty", "dibao");

	ec_sheet_record(s, row_rec(&r1, 2));
	assert_int_equal(ec_sheet_gen(s), 1);
	ec_sheet_value(s, age, &v);
	assert_int_equal(v.i, 76);
	ec_sheet_value(s, groups, &v);
	assert_int_equal(v.n, strlen("alone"));

	/* The next record gets fresh values. */
	ec_sheet_record(s, row_rec(&r2, 3));
	ec_sheet_value(s, age, &v);
	assert_int_equal(v.i, 86);

	/* Jump to the last generation, then wrap to 1 again. */
	s->gen = UINT32_MAX - 1;
	ec_sheet_record(s, row_rec(&r1, 4));
	assert_int_equal(ec_sheet_gen(s), UINT32_MAX);
	ec_sheet_record(s, row_rec(&r2, 5));
	assert_int_equal(ec_sheet_gen(s), 1);
	/* Not record 2's values, stamped 1 long ago. */
	ec_sheet_value(s, age, &v);
	assert_int_equal(v.i, 86);
	ec_sheet_value(s, groups, &v);
	assert_int_equal(v.n, strlen("alone;poor;oldest_old"));
	assert_memory_equal(v.s, "alone;poor;oldest_old", v.n);
	ec_sheet_free(s);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, policy_setup, \
    policy_teardown)
	const struct CMUnitTest tests[] = {
		T(test_id_helper),
		T(test_bind_names),
		T(test_bind_tool_columns),
		T(test_bind_duplicate),
		T(test_missing),
		T(test_value_id),
		T(test_value_enum),
		T(test_value_bool),
		T(test_value_int),
		T(test_value_date),
		T(test_value_text_list_phone),
		T(test_value_blank_row),
		T(test_check_valid),
		T(test_check_id),
		T(test_check_required),
		T(test_check_vocabulary),
		T(test_check_integer),
		T(test_check_dates),
		T(test_check_required_when),
		T(test_check_cross),
		T(test_check_phone_region),
		T(test_check_duplicate),
		T(test_check_duplicate_shared),
		T(test_check_absent_column),
		T(test_check_count),
		T(test_derived),
		T(test_leap_birthday),
		T(test_own),
		T(test_own_hook),
		T(test_sheet_test),
		T(test_value_write),
		T(test_value_write_field),
		T(test_generation_wrap),
		T(test_inputs),
		T(test_prepared_same),
	};
#undef T
	return cmocka_run_group_tests_name("sheet", tests, NULL, NULL);
}
