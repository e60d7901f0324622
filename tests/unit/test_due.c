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
#include "date.h"
#include "due.h"
#include "idnum.h"
#include "idset.h"
#include "policy.h"
#include "sheet.h"
#include "util.h"
#include "visits.h"

#include "fixture.h"

/*
 * The default policy's visit rules (visit-due(1), §三(二)) on census
 * records built by hand, with visits put into the index directly: high
 * risk every 7 days, medium 14, low 30; due soon 3 days before; a home
 * visit every 30 days for the special; alerts of the last 30 days,
 * reported within a day.  The as-of date is 2026-11-30.
 */

#define PERSON "512002195003150029"	/* born 1950-03-15: 76 */
#define OTHER "51200219400101001X"	/* born 1940-01-01 */

static const char *const columns[] = {
	"id_number", "left_behind", "risk_level", "special", "age",
	"last_health_check", "county", "township", "village",
};
#define NCOLS EC_ARRAY_LEN(columns)
enum { ID, LEFT_BEHIND, RISK, SPECIAL, AGE, CHECKED, COUNTY, TOWNSHIP,
	VILLAGE };

/* In the programme, high risk, not special, 76, checked this year. */
static const char *const base[NCOLS] = {
	PERSON, "yes", "high", "no", "76", "2026-03-01", "雁江区", "松涛镇",
	"白塔村",
};

static ec_date asof;

/* n days before the as-of date. */
static ec_date
ago(int n)
{
	return (ec_date)(asof - n);
}

static uint64_t
key(const char *idnum)
{
	struct ec_id id;

	assert_int_equal(ec_id_parse(idnum, strlen(idnum), &id, NULL),
	    EC_ID_OK);
	return ec_idset_key(id.number);
}

static int
setup(void **state)
{
	asof = asof_default();
	return policy_setup(state);
}

/* A census sheet whose visit columns d computes, with index v. */
struct bench {
	const struct ec_policy *p;
	struct ec_sheet *s;
	struct ec_visits *v;
	struct ec_due d;
	struct rec rec;
	const char *cells[NCOLS];
	size_t line;
};

static void
bench_open(struct bench *b, const struct ec_policy *p)
{
	memset(b, 0, sizeof *b);
	b->p = p;
	memcpy(b->cells, base, sizeof b->cells);
	b->line = 1;
	b->s = open_sheet(p, asof, columns, NCOLS);
	b->v = ec_visits_new(asof, p->alert_window_days,
	    p->report_within_days);
	ec_due_init(&b->d, p, b->v);
	ec_due_own(b->s, &b->d);
}

static void
bench_close(struct bench *b)
{
	ec_due_release(&b->d);
	ec_visits_free(b->v);
	ec_sheet_free(b->s);
}

/* A visit of PERSON: sit is a situation token or NULL; rep days after. */
static void
visit(struct bench *b, ec_date date, int home, const char *sit, int rep)
{
	const struct ec_vocab *v = b->d.situations;
	struct ec_visit x = { key(PERSON), date, home, -1, rep >= 0,
	    (ec_date)(date + rep) };

	if (sit)
		x.situation = ec_vocab_token(v, sit);
	assert_int_equal(ec_visits_add(b->v, &x), 1);
}

/* Starts on the record b->cells. */
static void
bench_record(struct bench *b)
{
	ec_sheet_record(b->s, mkrec(&b->rec, ++b->line, b->cells, NCOLS));
}

/* Column col of the record, as written in output. */
static void
expect_cell(struct bench *b, const char *col, const char *want)
{
	char *got = cell_text(b->s, col);

	if (strcmp(got, want) != 0)
		fail_msg("%s: '%s', not '%s'", col, got, want);
	free(got);
}

static void
expect_date(struct bench *b, const char *col, ec_date d)
{
	char text[11];

	ec_date_format(d, text);
	expect_cell(b, col, text);
}

/* The record with its last visit n days ago, at risk level risk. */
static const struct ec_due_result *
last_visit(struct bench *b, const char *risk, int n)
{
	visit(b, ago(n), 0, NULL, -1);
	b->cells[RISK] = risk;
	bench_record(b);
	return ec_due_compute(&b->d, b->s);
}

static void
test_interval_by_risk(void **state)
{
	const char *const risk[] = { "high", "medium", "low" };
	const char *const days[] = { "7", "14", "30" };

	for (size_t i = 0; i < 3; i++) {
		struct bench b;
		bench_open(&b, *state);
		const struct ec_due_result *r = last_visit(&b, risk[i], 10);
		expect_cell(&b, "interval_days", days[i]);
		assert_int_equal(r->interval, atoi(days[i]));
		expect_date(&b, "last_visit", ago(10));
		expect_date(&b, "next_due", ago(10 - atoi(days[i])));
		bench_close(&b);
	}
}

/*
 * days_overdue is the as-of date less next_due: over 0 is overdue, 0 to
 * -3 due soon, below that ok.
 */
static void
test_overdue_boundaries(void **state)
{
	static const struct {
		int ago;
		const char *days, *status;
	} cases[] = {
		{ 3, "-4", "ok" },
		{ 4, "-3", "due_soon" },
		{ 7, "0", "due_soon" },
		{ 8, "1", "overdue" },
		{ 40, "33", "overdue" },
		{ 0, "-7", "ok" },
	};

	for (size_t i = 0; i < EC_ARRAY_LEN(cases); i++) {
		struct bench b;
		bench_open(&b, *state);
		last_visit(&b, "high", cases[i].ago);
		expect_date(&b, "next_due", ago(cases[i].ago - 7));
		expect_cell(&b, "days_overdue", cases[i].days);
		expect_cell(&b, "visit_status", cases[i].status);
		bench_close(&b);
	}
}

static void
test_never_visited(void **state)
{
	struct bench b;

	bench_open(&b, *state);
	bench_record(&b);
	expect_cell(&b, "last_visit", "");
	expect_cell(&b, "interval_days", "7");
	expect_cell(&b, "next_due", "");
	expect_cell(&b, "days_overdue", "");
	expect_cell(&b, "visit_status", "never_visited");
	/* Another person's visits are not theirs. */
	visit(&b, ago(1), 1, NULL, -1);
	b.cells[ID] = OTHER;
	bench_record(&b);
	expect_cell(&b, "visit_status", "never_visited");
	b.cells[ID] = PERSON;
	bench_record(&b);
	expect_cell(&b, "visit_status", "ok");
	bench_close(&b);
}

static void
test_not_in_programme(void **state)
{
	struct bench b;

	bench_open(&b, *state);
	visit(&b, ago(40), 1, NULL, -1);
	b.cells[LEFT_BEHIND] = "no";
	b.cells[SPECIAL] = "yes";
	bench_record(&b);
	expect_date(&b, "last_visit", ago(40));
	expect_date(&b, "last_home_visit", ago(40));
	expect_cell(&b, "interval_days", "");
	expect_cell(&b, "next_due", "");
	expect_cell(&b, "days_overdue", "");
	expect_cell(&b, "visit_status", "not_applicable");
	expect_cell(&b, "home_visit_status", "not_applicable");
	bench_close(&b);
}

/* The special get a home visit every 30 days. */
static void
test_home_visit(void **state)
{
	struct bench b;

	bench_open(&b, *state);
	b.cells[SPECIAL] = "yes";
	visit(&b, ago(2), 0, NULL, -1);
	bench_record(&b);
	expect_cell(&b, "last_home_visit", "");
	expect_cell(&b, "home_visit_status", "never");
	visit(&b, ago(31), 1, NULL, -1);
	bench_record(&b);
	expect_date(&b, "last_home_visit", ago(31));
	expect_cell(&b, "home_visit_status", "overdue");
	visit(&b, ago(30), 1, NULL, -1);
	bench_record(&b);
	expect_cell(&b, "home_visit_status", "ok");
	b.cells[SPECIAL] = "no";
	bench_record(&b);
	expect_cell(&b, "home_visit_status", "not_applicable");
	bench_close(&b);
}

/* 65 and over, once a calendar year. */
static void
test_health_check(void **state)
{
	static const struct {
		const char *age, *checked, *due;
	} cases[] = {
		{ "76", "2026-01-01", "no" },
		{ "76", "2025-12-31", "yes" },
		{ "76", "", "yes" },
		{ "65", "2025-12-31", "yes" },
		{ "64", "2025-12-31", "not_applicable" },
	};
	struct bench b;

	bench_open(&b, *state);
	for (size_t i = 0; i < EC_ARRAY_LEN(cases); i++) {
		b.cells[AGE] = cases[i].age;
		b.cells[CHECKED] = cases[i].checked;
		bench_record(&b);
		expect_cell(&b, "health_check_due", cases[i].due);
	}
	/* Outside the programme too. */
	b.cells[AGE] = "76";
	b.cells[LEFT_BEHIND] = "no";
	bench_record(&b);
	expect_cell(&b, "health_check_due", "yes");
	bench_close(&b);
}

/* An alert found 0 to 30 days ago, reported within a day or not. */
static void
test_alert(void **state)
{
	static const struct {
		int ago, rep;
		const char *alert, *report;
	} cases[] = {
		{ 31, 0, "", "" },
		{ 30, 0, "abuse", "on_time" },
		{ 0, 0, "abuse", "on_time" },
		{ 10, 1, "abuse", "on_time" },
		{ 10, 2, "abuse", "late" },
		{ 10, -1, "abuse", "missing" },
	};

	for (size_t i = 0; i < EC_ARRAY_LEN(cases); i++) {
		struct bench b;
		bench_open(&b, *state);
		visit(&b, ago(cases[i].ago), 0, "abuse", cases[i].rep);
		bench_record(&b);
		expect_cell(&b, "alert", cases[i].alert);
		expect_cell(&b, "alert_report", cases[i].report);
		bench_close(&b);
	}
}

static void
test_selected(void **state)
{
	struct ec_due_result r = { 0 };

	r.last = EC_VISITS_NEVER;
	assert_true(ec_due_selected(&r, EC_DUE_ALL, 0));
	assert_false(ec_due_selected(&r, EC_DUE_OVERDUE, 0));
	r.prog = 1;
	assert_true(ec_due_selected(&r, EC_DUE_OVERDUE, 0));
	assert_true(ec_due_selected(&r, EC_DUE_WITHIN, 0));
	assert_false(ec_due_selected(&r, EC_DUE_ALERTS, 0));
	r.last = asof;
	r.overdue = 0;
	assert_false(ec_due_selected(&r, EC_DUE_OVERDUE, 0));
	assert_true(ec_due_selected(&r, EC_DUE_WITHIN, 0));
	r.overdue = -3;
	assert_false(ec_due_selected(&r, EC_DUE_WITHIN, 2));
	assert_true(ec_due_selected(&r, EC_DUE_WITHIN, 3));
	r.overdue = 1;
	assert_true(ec_due_selected(&r, EC_DUE_OVERDUE, 0));
	r.alert = "abuse";
	assert_true(ec_due_selected(&r, EC_DUE_ALERTS, 0));
	r.prog = 0;
	assert_false(ec_due_selected(&r, EC_DUE_ALERTS, 0));
}

/* What ec_due_check reports, one line per problem. */
static void
gather(void *ctx, const struct ec_problem *p)
{
	ec_buf_addf(ctx, "%s %d %s\n", p->kind, p->field, p->msg);
}

static void
test_check(void **state)
{
	struct ec_buf got = EC_BUF_INIT;
	struct bench b;

	bench_open(&b, *state);
	bench_record(&b);
	assert_int_equal(ec_due_check(&b.d, b.s, gather, &got), 0);
	assert_null(got.p);

	b.cells[ID] = "";
	bench_record(&b);
	assert_int_equal(ec_due_check(&b.d, b.s, gather, &got), -1);
	assert_string_equal(got.p, "blank 0 required value is blank\n");

	ec_buf_reset(&got);
	b.cells[ID] = PERSON;
	b.cells[RISK] = "";
	bench_record(&b);
	assert_int_equal(ec_due_check(&b.d, b.s, gather, &got), -1);
	assert_string_equal(got.p, "interval 2 no visit interval rule holds: "
	    "risk_level is blank\n");

	/* Outside the programme no interval is needed. */
	ec_buf_reset(&got);
	b.cells[LEFT_BEHIND] = "no";
	bench_record(&b);
	assert_int_equal(ec_due_check(&b.d, b.s, gather, &got), 0);
	assert_int_equal(got.len, 0);
	ec_buf_release(&got);
	bench_close(&b);
}

/* Village first, then the never visited, then the most overdue. */
static void
test_list_order(void **state)
{
	static const struct {
		const char *village;
		int ago;		/* -1: never visited */
	} cases[] = {
		{ "b", 10 }, { "b", -1 }, { "a", 8 }, { "b", 20 }, { "a", 8 },
		{ "a", 9 },
	};
	static const size_t order[] = { 5, 2, 4, 1, 3, 0 };
	struct ec_due_list l;
	struct bench b;
	char text[2];

	memset(&l, 0, sizeof l);
	bench_open(&b, *state);
	for (size_t i = 0; i < EC_ARRAY_LEN(cases); i++) {
		struct ec_due_result r = { 0 };
		r.prog = 1;
		r.last = cases[i].ago < 0 ? EC_VISITS_NEVER : ago(cases[i].ago);
		r.overdue = cases[i].ago - 7;
		b.cells[VILLAGE] = cases[i].village;
		bench_record(&b);
		text[0] = (char)('0' + i);
		ec_due_list_add(&l, &b.d, b.s, &r, text, 1, i);
	}
	ec_due_list_sort(&l);
	assert_int_equal(l.n, EC_ARRAY_LEN(order));
	for (size_t i = 0; i < l.n; i++) {
		size_t n, group;
		const char *t = ec_due_list_text(&l, i, &n, &group);
		assert_int_equal(n, 1);
		assert_int_equal(group, order[i]);
		assert_int_equal(t[0], '0' + (int)order[i]);
	}
	ec_due_list_release(&l);
	bench_close(&b);
}

static void
test_record_text(void **state)
{
	struct ec_buf out = EC_BUF_INIT;
	struct bench b;

	bench_open(&b, *state);
	visit(&b, ago(8), 0, NULL, -1);
	b.cells[VILLAGE] = "白塔村, \"东\"";
	bench_record(&b);
	ec_due_record_text(&b.d, b.s, &out);
	assert_string_equal(out.p, PERSON ",yes,high,no,76,2026-03-01,雁江区,"
	    "松涛镇,\"白塔村, \"\"东\"\"\",2026-11-22,,7,2026-11-29,1,overdue,"
	    "not_applicable,no,,\n");
	ec_buf_reset(&out);
	ec_due_header_text(&b.d, b.s, 0, &out);
	assert_string_equal(out.p, "id_number,left_behind,risk_level,special,"
	    "age,last_health_check,county,township,village,last_visit,"
	    "last_home_visit,interval_days,next_due,days_overdue,"
	    "visit_status,home_visit_status,health_check_due,alert,"
	    "alert_report\n");
	ec_buf_release(&out);
	bench_close(&b);
}

/* Reading a visit log: what was said, and what the second reading finds. */
struct said {
	struct ec_buf problems;
	struct ec_buf unmatched;
};

static void
log_problem(void *ctx, size_t line, const char *column,
    const struct ec_problem *p)
{
	struct said *s = ctx;

	ec_buf_addf(&s->problems, "%zu %s %s%s%s\n", line, p->kind,
	    column ? column : "", column ? ": " : "", p->msg);
}

static void
log_unmatched(void *ctx, size_t line, const char *column,
    const struct ec_csv_record *rec)
{
	struct said *s = ctx;

	ec_buf_addf(&s->unmatched, "%zu %s\n", line, column);
}

static void
read_log(struct bench *b, struct ec_due_log *log, int fd, int again,
    struct said *said)
{
	const struct ec_csv_options opt = { ',', NULL, 0 };
	const struct ec_due_reading cb = { log_problem, log_unmatched, said };
	struct ec_csv_record *rec;
	struct ec_sheet *vs;
	struct ec_error err;

	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	struct ec_csv_reader *r = ec_csv_reader_new(fd, &opt, &err);
	assert_non_null(r);
	assert_int_equal(ec_csv_next(r, &rec), EC_CSV_RECORD);
	vs = open_sheet_rec(b->p, asof, rec);
	assert_int_equal(ec_due_read_log(&b->d, log, r, vs, rec->nfields,
	    again, &cb), EC_CSV_EOF);
	ec_csv_reader_free(r);
	ec_sheet_free(vs);
}

static void
test_read_log(void **state)
{
	static const char text[] =
	    "id_number,visit_date,mode,situation,reported_date\n"
	    PERSON ",2026-11-01,home,none,\n"
	    OTHER ",2026-11-20,phone,abuse,2026-11-19\n"
	    PERSON ",2026-11-02\n"
	    PERSON ",2026-11-31,phone,,\n"
	    PERSON ",2026-11-25,phone,abuse,2026-11-27\n"
	    PERSON ",2026-11-28,video,none,\n";
	char path[] = "/tmp/test_due.XXXXXX";
	struct said said = { EC_BUF_INIT, EC_BUF_INIT };
	struct ec_due_log log;
	struct bench b;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(write(fd, text, sizeof text - 1),
	    (ssize_t)(sizeof text - 1));
	memset(&log, 0, sizeof log);
	bench_open(&b, *state);
	read_log(&b, &log, fd, 0, &said);
	assert_int_equal(log.records, 6);
	assert_int_equal(log.rejected, 2);
	assert_string_equal(said.problems.p,
	    "3 report-before-visit reported_date: reported_date 2026-11-19 "
	    "is before visit_date 2026-11-20\n"
	    "4 fields record has 2 fields, the header has 5\n"
	    "5 date visit_date: '2026-11-31' is not a date that exists\n");
	/* Two people indexed, none matched to the census yet. */
	assert_int_equal(ec_visits_unmatched(b.v), 2);

	bench_record(&b);
	/* "none" found is no alert: the alert stays the earlier one. */
	expect_date(&b, "last_visit", ago(2));
	expect_date(&b, "last_home_visit", ago(29));
	expect_cell(&b, "alert", "abuse");
	expect_cell(&b, "alert_report", "late");

	/* OTHER is not in the census: their one visit is found again. */
	ec_buf_reset(&said.problems);
	read_log(&b, &log, fd, 1, &said);
	assert_int_equal(said.problems.len, 0);
	assert_string_equal(said.unmatched.p, "3 id_number\n");
	ec_buf_release(&said.problems);
	ec_buf_release(&said.unmatched);
	ec_due_log_release(&log);
	bench_close(&b);
	close(fd);
}

/* --split-by: a field by any spelling, else as written; or computed. */
static void
test_split_by(void **state)
{
	struct bench b;
	struct ec_due_split sp = { 0 };
	struct ec_buf msg = EC_BUF_INIT;
	const char *v;
	size_t n;

	bench_open(&b, *state);
	assert_int_equal(ec_due_split_bind(&sp, b.s, " 村 ", &msg), 0);
	assert_int_equal(sp.field, VILLAGE);
	b.cells[VILLAGE] = " 白塔村 ";
	bench_record(&b);
	v = ec_due_split_value(&sp, b.s, &n);
	assert_int_equal(n, strlen("白塔村"));
	assert_memory_equal(v, "白塔村", n);

	/* A column visit-due computes, by its zh label. */
	assert_int_equal(ec_due_split_bind(&sp, b.s, "走访状态", &msg), 0);
	assert_int_equal(sp.field, -1);
	assert_int_equal(sp.col, ec_policy_column(b.p, "visit_status"));
	v = ec_due_split_value(&sp, b.s, &n);
	assert_int_equal(n, strlen("never_visited"));
	assert_memory_equal(v, "never_visited", n);

	assert_int_equal(ec_due_split_bind(&sp, b.s, "phone", &msg), -1);
	assert_string_equal(msg.p, "--split-by: no column 'phone' in the "
	    "header, nor one visit-due computes");
	ec_due_split_release(&sp);
	ec_buf_release(&msg);
	bench_close(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_interval_by_risk),
		cmocka_unit_test(test_overdue_boundaries),
		cmocka_unit_test(test_never_visited),
		cmocka_unit_test(test_split_by),
		cmocka_unit_test(test_not_in_programme),
		cmocka_unit_test(test_home_visit),
		cmocka_unit_test(test_health_check),
		cmocka_unit_test(test_alert),
		cmocka_unit_test(test_selected),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_list_order),
		cmocka_unit_test(test_record_text),
		cmocka_unit_test(test_read_log),
	};

	return cmocka_run_group_tests(tests, setup, policy_teardown);
}
