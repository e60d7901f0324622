#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "csv.h"
#include "policy.h"
#include "rollup.h"
#include "rollupcsv.h"
#include "util.h"

/*
 * The rollup CSV (lib/rollupcsv.h): what is written reads back the same,
 * and two rollups read back and merged write the rollup of both.
 */

static char *by[] = { "county", "village" };
static char *metric[] = { "left_behind", "say \"hi\"" };

/* The walk of r written as a rollup CSV, as a string. */
static int
put_row(void *ctx, const struct ec_rollup_row *row)
{
	ec_rollupcsv_write_row(ctx, by, 2, row, 3);
	return 0;
}

static char *
write_rollup(struct ec_rollup *r)
{
	char path[] = "/tmp/test_rollupcsv.XXXXXX";
	int fd = mkstemp(path);
	struct ec_csv_writer w;
	char *text;
	off_t len;

	assert_true(fd >= 0);
	unlink(path);
	ec_csv_writer_init(&w, fd);
	ec_rollupcsv_write_header(&w, by, 2, metric, 2);
	assert_int_equal(ec_rollup_walk(r, put_row, &w), 0);
	assert_int_equal(ec_csv_writer_flush(&w), 0);
	ec_csv_writer_release(&w);
	len = lseek(fd, 0, SEEK_CUR);
	text = ec_xmalloc((size_t)len + 1);
	assert_int_equal(pread(fd, text, (size_t)len, 0), (ssize_t)len);
	text[len] = '\0';
	close(fd);
	return text;
}

static void
add(struct ec_rollup *r, const char *county, const char *village,
    uint64_t a, uint64_t b, uint64_t c)
{
	struct ec_str keys[2] = {
		{ county, strlen(county) }, { village, strlen(village) },
	};
	uint64_t counts[3] = { a, b, c };

	assert_int_equal(ec_rollup_add(r, keys, counts), 0);
}

static void
no_problem(void *ctx, int field, const char *msg)
{
	fail_msg("field %d: %s", field, msg);
}

struct problems {
	struct ec_buf b;
};

static void
note_problem(void *ctx, int field, const char *msg)
{
	struct problems *p = ctx;

	ec_buf_addf(&p->b, "%d: %s\n", field, msg);
}

/* Reads text as a rollup CSV, EXACT, adding its groups' rows to into. */
static void
read_rollup(const char *text, struct ec_rollup *into)
{
	char path[] = "/tmp/test_rollupcsv.XXXXXX";
	int fd = mkstemp(path);
	struct ec_csv_reader *rd;
	struct ec_csv_record *rec;
	struct ec_rollupcsv rc;
	struct ec_rollup_row row;
	struct ec_buf msg = EC_BUF_INIT;
	struct ec_error err;

	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(write(fd, text, strlen(text)),
	    (ssize_t)strlen(text));
	lseek(fd, 0, SEEK_SET);
	rd = ec_csv_reader_new(fd, NULL, &err);
	assert_non_null(rd);
	assert_int_equal(ec_csv_next(rd, &rec), EC_CSV_RECORD);
	assert_int_equal(ec_rollupcsv_header(&rc, EC_ROLLUPCSV_EXACT,
	    rec->fields, rec->nfields, &msg), 0);
	assert_int_equal(rc.nb, 2);
	assert_int_equal(rc.nm, 2);
	assert_string_equal(rc.head[rc.count_field[1]].p, "say \"hi\"");
	assert_int_equal(ec_rollupcsv_field(&rc, "LEFT_BEHIND"), 4);
	assert_int_equal(ec_rollupcsv_field(&rc, "county"), -1);
	while (ec_csv_next(rd, &rec) == EC_CSV_RECORD) {
		assert_int_equal(ec_rollupcsv_read(&rc, rec->fields, &row,
		    no_problem, NULL), 0);
		if (row.depth == rc.nb)
			assert_int_equal(ec_rollup_add(into, row.keys,
			    row.counts), 0);
	}
	ec_rollupcsv_release(&rc);
	ec_csv_reader_free(rd);
	ec_buf_release(&msg);
	close(fd);
}

/* The groups of a rollup by one column: how many, and group A's counts. */
struct leaf {
	size_t n;
	uint64_t c0, c1;
};

static int
one_leaf(void *ctx, const struct ec_rollup_row *row)
{
	struct leaf *l = ctx;

	if (row->depth != 1)
		return 0;
	l->n++;
	if (row->keys[0].n == 1 && row->keys[0].p[0] == 'A') {
		l->c0 = row->counts[0];
		l->c1 = row->counts[1];
	}
	return 0;
}

static void
test_round_trip(void **state)
{
	struct ec_rollup *a = ec_rollup_new(2, 3), *b = ec_rollup_new(2, 3);
	struct ec_rollup *again = ec_rollup_new(2, 3);
	struct ec_rollup *both = ec_rollup_new(2, 3);
	struct ec_rollup *whole = ec_rollup_new(2, 3);
	char *ta, *tb, *tagain, *tboth, *twhole;

	add(a, "安岳县", "十里村", 5, 2, 0);
	add(a, "安岳县", "a,b", 3, 0, 0);
	add(a, "乐至县", "东村", 7, 7, 18446744073709551615ULL);
	add(b, "安岳县", "十里村", 1, 1, 0);
	add(b, "资阳", "\"q\"", 2, 1, 1);
	ta = write_rollup(a);
	assert_string_equal(ta,
	    "county,village,level,records,left_behind,\"say \"\"hi\"\"\"\n"
	    "乐至县,东村,village,7,7,18446744073709551615\n"
	    "乐至县,,county,7,7,18446744073709551615\n"
	    "安岳县,\"a,b\",village,3,0,0\n"
	    "安岳县,十里村,village,5,2,0\n"
	    "安岳县,,county,8,2,0\n"
	    ",,total,15,9,18446744073709551615\n");
	read_rollup(ta, again);
	tagain = write_rollup(again);
	assert_string_equal(tagain, ta);

	/* Two rollups merged write the rollup of both, byte for byte. */
	free(ta);
	ec_rollup_free(a);
	a = ec_rollup_new(2, 3);
	add(a, "安岳县", "十里村", 5, 2, 1);
	add(a, "安岳县", "a,b", 3, 0, 0);
	ta = write_rollup(a);
	tb = write_rollup(b);
	read_rollup(ta, both);
	read_rollup(tb, both);
	tboth = write_rollup(both);
	add(whole, "安岳县", "十里村", 6, 3, 1);
	add(whole, "安岳县", "a,b", 3, 0, 0);
	add(whole, "资阳", "\"q\"", 2, 1, 1);
	twhole = write_rollup(whole);
	assert_string_equal(tboth, twhole);
	assert_string_equal(tboth,
	    "county,village,level,records,left_behind,\"say \"\"hi\"\"\"\n"
	    "安岳县,\"a,b\",village,3,0,0\n"
	    "安岳县,十里村,village,6,3,1\n"
	    "安岳县,,county,9,3,1\n"
	    "资阳,\"\"\"q\"\"\",village,2,1,1\n"
	    "资阳,,county,2,1,1\n"
	    ",,total,11,4,2\n");
	free(ta);
	free(tb);
	free(tagain);
	free(tboth);
	free(twhole);
	ec_rollup_free(a);
	ec_rollup_free(b);
	ec_rollup_free(again);
	ec_rollup_free(both);
	ec_rollup_free(whole);
}

/* Reads one row of text (a header and a row) in mode; its problems. */
static char *
problems_of(const char *text, enum ec_rollupcsv_mode mode, size_t *depth,
    uint64_t *records)
{
	char path[] = "/tmp/test_rollupcsv.XXXXXX";
	int fd = mkstemp(path);
	struct ec_csv_reader *rd;
	struct ec_csv_record *rec;
	struct ec_rollupcsv rc;
	struct ec_rollup_row row;
	struct problems p = { EC_BUF_INIT };
	struct ec_buf msg = EC_BUF_INIT;
	static const char *const also[] = { "", "village" };
	struct ec_error err;

	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(write(fd, text, strlen(text)),
	    (ssize_t)strlen(text));
	lseek(fd, 0, SEEK_SET);
	rd = ec_csv_reader_new(fd, NULL, &err);
	assert_non_null(rd);
	assert_int_equal(ec_csv_next(rd, &rec), EC_CSV_RECORD);
	if (ec_rollupcsv_header(&rc, mode, rec->fields, rec->nfields,
	    &msg) != 0) {
		ec_buf_addf(&p.b, "header: %s\n", msg.p);
	} else {
		rc.by_also = also;
		assert_int_equal(ec_csv_next(rd, &rec), EC_CSV_RECORD);
		if (ec_rollupcsv_read(&rc, rec->fields, &row, note_problem,
		    &p) == 0) {
			*depth = row.depth;
			*records = row.counts[0];
		}
	}
	ec_rollupcsv_release(&rc);
	ec_csv_reader_free(rd);
	ec_buf_release(&msg);
	close(fd);
	if (!p.b.p)
		return ec_xstrdup("");
	return p.b.p;
}

static void
check(const char *text, enum ec_rollupcsv_mode mode, const char *want,
    size_t want_depth)
{
	size_t depth = 99;
	uint64_t records = 0;
	char *got = problems_of(text, mode, &depth, &records);

	assert_string_equal(got, want);
	if (!*want)
		assert_int_equal(depth, want_depth);
	free(got);
}

static void
test_exact(void **state)
{
	const enum ec_rollupcsv_mode X = EC_ROLLUPCSV_EXACT;

	check("county,village,level,records\nA,,county,3\n", X, "", 1);
	check("county,village,level,records\n,,total,3\n", X, "", 0);
	check("county,Level,records\nA,county,3\n", X,
	    "header: not a rollup output: no column 'level'\n", 0);
	check("level,records\ntotal,3\n", X,
	    "header: not a rollup output: no -b column before 'level'\n", 0);
	check("county,level,n,records\nA,county,1,3\n", X,
	    "header: not a rollup output: no column 'records' after "
	    "'level'\n", 0);
	check("county,village,level,records\nA,,County,3\n", X,
	    "2: unknown level 'County' (one of: county, village, total)\n",
	    0);
	check("county,village,level,records,m\nA,B,county,x,"
	    "18446744073709551616\n", X,
	    "1: not blank in a row of level 'county'\n"
	    "3: 'x' is not a count (a whole number, 0 or more)\n"
	    "4: '18446744073709551616' is more than rollup can count "
	    "(18446744073709551615)\n", 0);
}

static void
test_loose(void **state)
{
	const enum ec_rollupcsv_mode L = EC_ROLLUPCSV_LOOSE;

	/* In any case, a level by another name, or by the values. */
	check("county,village,LEVEL,Records\nA,B,Village,3\n", L, "", 2);
	check("county,village,level,records\nA,B,TOTAL,3\n", L, "", 0);
	check("county,town,level,records\nA,B,village,3\n", L, "", 2);
	check("county,village,level,records\nA,,?,3\n", L, "", 1);
	check("county,village,level,records\nA,B,village,1234567890123456\n",
	    L, "3: '1234567890123456' is too large a count for report (at "
	    "most 15 digits)\n", 0);
	check("county,level\nA,county\n", L,
	    "header: not a rollup output: no columns 'level' and "
	    "'records'\n", 0);
}

static void
test_check_names(void **state)
{
	char *b1[] = { "county", "total" }, *b2[] = { "a", "a" };
	char *m1[] = { "x", "x" }, *m2[] = { "county" };
	struct ec_buf m = EC_BUF_INIT;

	assert_int_equal(ec_rollupcsv_check_names(by, 2, metric, 2, &m), 0);
	assert_int_equal(ec_rollupcsv_check_names(b1, 2, NULL, 0, &m), -1);
	assert_string_equal(m.p, "-b: the column 'total' has the name of "
	    "rollup's own 'total'");
	ec_buf_reset(&m);
	assert_int_equal(ec_rollupcsv_check_names(b2, 2, NULL, 0, &m), -1);
	assert_string_equal(m.p, "-b: the column 'a' is named twice");
	ec_buf_reset(&m);
	assert_int_equal(ec_rollupcsv_check_names(by, 2, m2, 1, &m), -1);
	assert_string_equal(m.p, "-b: the column 'county' has the name of a "
	    "metric");
	ec_buf_reset(&m);
	assert_int_equal(ec_rollupcsv_check_names(by, 1, m1, 2, &m), -1);
	assert_string_equal(m.p, "-m: the metric 'x' is named twice");
	ec_buf_release(&m);
}

static void
split_fields(char *text, struct ec_str *f, size_t *n)
{
	char *save;

	*n = 0;
	for (char *w = strtok_r(text, ",", &save); w;
	    w = strtok_r(NULL, ",", &save)) {
		f[*n].p = strcmp(w, "-") == 0 ? "" : w;
		f[(*n)++].n = strcmp(w, "-") == 0 ? 0 : strlen(w);
	}
}

/* Merging: the plan of -b and -m among a rollup's columns, and a row. */
static void
test_plan_merge(void **state)
{
	struct ec_policy_error perr;
	struct ec_policy *p = ec_policy_load(ec_policy_default_text,
	    ec_policy_default_len, &perr);
	char head[] = "县,village,level,records,left_behind,focus";
	char head2[sizeof head];
	char row1[] = "A,v1,village,3,2,1", row2[] = "A,-,县,3,2,1";
	struct ec_str h[8], f[8];
	struct ec_rollupcsv in;
	struct ec_rollup_plan pl;
	struct ec_buf msg = EC_BUF_INIT;
	struct ec_rollup *r;
	char *bys[] = { "County" }, *m[] = { "FOCUS" }, *nob[] = { "x" };
	size_t n;

	assert_non_null(p);
	memcpy(head2, head, sizeof head);
	split_fields(head, h, &n);
	assert_int_equal(ec_rollupcsv_header(&in, EC_ROLLUPCSV_EXACT, h, n,
	    &msg), 0);
	/* A -b column by a spelling of its policy column. */
	assert_int_equal(ec_rollupcsv_plan(&pl, &in, p, bys, 1, m, 1, &msg),
	    0);
	assert_int_equal(pl.nb, 1);
	assert_string_equal(pl.by_name[0], "县");
	assert_int_equal(pl.by_field[0], 0);
	assert_int_equal(pl.nm, 1);
	assert_string_equal(pl.m_name[0], "focus");
	r = ec_rollup_new(pl.nb, 1 + pl.nm);
	split_fields(row1, f, &n);
	assert_int_equal(ec_rollupcsv_merge(&in, &pl, r, f, no_problem, NULL),
	    0);
	/* A subtotal is only checked. */
	split_fields(row2, f, &n);
	assert_int_equal(ec_rollupcsv_merge(&in, &pl, r, f, no_problem, NULL),
	    0);
	struct leaf lf = { 0, 0, 0 };
	assert_int_equal(ec_rollup_walk(r, one_leaf, &lf), 0);
	assert_int_equal(lf.n, 1);
	assert_int_equal(lf.c0, 3);
	assert_int_equal(lf.c1, 1);
	ec_rollup_free(r);
	ec_rollup_plan_release(&pl);

	/* None asked for: all of the input's (the plan set in's counts). */
	ec_rollupcsv_release(&in);
	split_fields(head2, h, &n);
	assert_int_equal(ec_rollupcsv_header(&in, EC_ROLLUPCSV_EXACT, h, n,
	    &msg), 0);
	assert_int_equal(ec_rollupcsv_plan(&pl, &in, p, NULL, 0, NULL, 0,
	    &msg), 0);
	assert_int_equal(pl.nb, 2);
	assert_int_equal(pl.nm, 2);
	assert_string_equal(pl.m_name[0], "left_behind");
	ec_rollup_plan_release(&pl);

	assert_int_equal(ec_rollupcsv_plan(&pl, &in, p, nob, 1, NULL, 0,
	    &msg), -1);
	assert_string_equal(msg.p, "-b: the input has no -b column 'x' (it "
	    "has: 县, village)");
	ec_rollup_plan_release(&pl);
	ec_buf_reset(&msg);
	assert_int_equal(ec_rollupcsv_plan(&pl, &in, p, bys, 1, nob, 1,
	    &msg), -1);
	assert_string_equal(msg.p, "-m: the input has no metric 'x'");
	ec_rollup_plan_release(&pl);
	ec_rollupcsv_release(&in);
	ec_buf_release(&msg);
	ec_policy_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_exact),
		cmocka_unit_test(test_loose),
		cmocka_unit_test(test_check_names),
		cmocka_unit_test(test_plan_merge),
	};

	return cmocka_run_group_tests_name("rollupcsv", tests, NULL, NULL);
}
