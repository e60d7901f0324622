/*
 * The module itself, not its archive member: the test weighs the index's
 * tables.
 */
#include "../../lib/visits.c"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "date.h"
#include "idnum.h"
#include "idset.h"

/* The as-of date of these tests, and the default policy's numbers. */
static ec_date asof;

static ec_date
day(const char *s)
{
	ec_date d;

	assert_int_equal(ec_date_parse(s, strlen(s), &d), EC_DATE_OK);
	return d;
}

static int
setup_asof(void **state)
{
	asof = day("2026-11-30");
	return 0;
}

/* The key of an ID number as visit-due makes it: parsed, normalised. */
static uint64_t
key(const char *idnum)
{
	struct ec_id id;

	assert_int_equal(ec_id_parse(idnum, strlen(idnum), &id, NULL),
	    EC_ID_OK);
	return ec_idset_key(id.number);
}

static struct ec_visits *
index_new(void)
{
	return ec_visits_new(asof, 30, 1);
}

static void
add(struct ec_visits *v, uint64_t k, const char *date, int home, int sit,
    const char *reported)
{
	struct ec_visit x;

	x.key = k;
	x.date = day(date);
	x.home = home;
	x.situation = sit;
	x.reported = reported != NULL;
	x.reported_date = reported ? day(reported) : 0;
	assert_int_equal(ec_visits_add(v, &x), 1);
}

static void
test_15_and_18_digits(void **state)
{
	struct ec_visits *v = index_new();
	struct ec_visit_entry *e;

	/* A 15-digit census number is its upgraded 18-character form. */
	assert_true(key("512002481212013") == key("512002194812120132"));
	add(v, key("512002194812120132"), "2026-11-01", 1, -1, NULL);
	e = ec_visits_find(v, key("512002481212013"));
	assert_non_null(e);
	assert_int_equal(e->last, day("2026-11-01"));
	/* A lowercase x is the same person too. */
	add(v, key("11010519491231002x"), "2026-11-02", 0, -1, NULL);
	assert_non_null(ec_visits_find(v, key("11010519491231002X")));
	assert_null(ec_visits_find(v, key("512002194802020031")));
	assert_null(ec_visits_find(v, 0));
	/* Two people, neither matched yet. */
	assert_int_equal(ec_visits_unmatched(v), 2);
	ec_visits_free(v);
}

static void
test_latest_wins(void **state)
{
	struct ec_visits *v = index_new();
	uint64_t k = key("512002195003010026");
	struct ec_visit_entry *e;

	/* Logs are not in date order: the latest date wins, not the row. */
	add(v, k, "2026-11-10", 1, -1, NULL);
	add(v, k, "2026-11-20", 0, -1, NULL);
	add(v, k, "2026-11-05", 1, -1, NULL);
	add(v, k, "2026-11-15", 0, -1, NULL);
	e = ec_visits_find(v, k);
	assert_int_equal(e->last, day("2026-11-20"));
	assert_int_equal(e->last_home, day("2026-11-10"));
	assert_int_equal(e->alert, 0);
	assert_int_equal(e->report, EC_REPORT_NONE);
	assert_int_equal(e->matched, 0);
	assert_int_equal(ec_visits_unmatched(v), 1);
	ec_visits_free(v);
}

static void
test_never_at_home(void **state)
{
	struct ec_visits *v = index_new();
	uint64_t k = key("512002195205050018");

	add(v, k, "2026-11-03", 0, -1, NULL);
	assert_int_equal(ec_visits_find(v, k)->last, day("2026-11-03"));
	assert_int_equal(ec_visits_find(v, k)->last_home, EC_VISITS_NEVER);
	ec_visits_free(v);
}

static void
test_after_asof_ignored(void **state)
{
	struct ec_visits *v = index_new();
	struct ec_visit x = { key("512002195003010026"), 0, 1, 2, 0, 0 };

	x.date = day("2026-12-01");
	assert_int_equal(ec_visits_add(v, &x), 0);
	assert_null(ec_visits_find(v, x.key));
	/* On the as-of date itself: counted. */
	x.date = asof;
	assert_int_equal(ec_visits_add(v, &x), 1);
	assert_int_equal(ec_visits_find(v, x.key)->last, asof);
	ec_visits_free(v);
}

static void
test_alert_window(void **state)
{
	struct ec_visits *v = index_new();
	uint64_t today = key("512021194506060011");
	uint64_t edge = key("512002194703030058");
	uint64_t out = key("512002195306060071");

	/* 0 days before the as-of date: in the window. */
	add(v, today, "2026-11-30", 0, 6, "2026-11-30");
	assert_int_equal(ec_visits_find(v, today)->alert, 7);
	assert_int_equal(ec_visits_find(v, today)->alert_date, asof);
	/* 30 days before: still in it. */
	add(v, edge, "2026-10-31", 0, 1, NULL);
	assert_int_equal(ec_visits_find(v, edge)->alert, 2);
	assert_int_equal(ec_visits_find(v, edge)->report, EC_REPORT_MISSING);
	/* 31 days before: out, though the visit counts as a visit. */
	add(v, out, "2026-10-30", 0, 5, "2026-10-30");
	assert_int_equal(ec_visits_find(v, out)->alert, 0);
	assert_int_equal(ec_visits_find(v, out)->report, EC_REPORT_NONE);
	assert_int_equal(ec_visits_find(v, out)->last, day("2026-10-30"));
	ec_visits_free(v);
}

static void
test_report(void **state)
{
	struct ec_visits *v = index_new();
	uint64_t same = key("512021195009090038");
	uint64_t next = key("512002194812120132");
	uint64_t late = key("512002194910100047");
	uint64_t missing = key("512002194703030058");

	add(v, same, "2026-11-10", 0, 5, "2026-11-10");
	add(v, next, "2026-11-01", 1, 3, "2026-11-02");
	add(v, late, "2026-11-20", 1, 2, "2026-11-22");
	add(v, missing, "2026-11-20", 0, 1, NULL);
	assert_int_equal(ec_visits_find(v, same)->report, EC_REPORT_ON_TIME);
	assert_int_equal(ec_visits_find(v, next)->report, EC_REPORT_ON_TIME);
	assert_int_equal(ec_visits_find(v, late)->report, EC_REPORT_LATE);
	assert_int_equal(ec_visits_find(v, missing)->report,
	    EC_REPORT_MISSING);
	/* The deadline is the policy's: 0 days makes the next day late. */
	struct ec_visits *strict = ec_visits_new(asof, 30, 0);
	add(strict, next, "2026-11-01", 1, 3, "2026-11-02");
	assert_int_equal(ec_visits_find(strict, next)->report, EC_REPORT_LATE);
	add(strict, same, "2026-11-01", 0, 5, "2026-11-01");
	assert_int_equal(ec_visits_find(strict, same)->report,
	    EC_REPORT_ON_TIME);
	/* A report dated before the visit was made at once all the same. */
	uint64_t before = key("512021194902020062");
	add(v, before, "2026-11-02", 0, 1, "2026-11-01");
	assert_int_equal(ec_visits_find(v, before)->report, EC_REPORT_ON_TIME);
	ec_visits_free(strict);
	ec_visits_free(v);
}

static void
test_latest_alert_wins(void **state)
{
	struct ec_visits *v = index_new();
	uint64_t k = key("512002194910100047");
	uint64_t tie = key("512021194902020062");
	struct ec_visit_entry *e;

	add(v, k, "2026-11-20", 1, 2, "2026-11-22");
	add(v, k, "2026-11-10", 0, 6, "2026-11-10");	/* earlier: loses */
	add(v, k, "2026-11-25", 0, 0 - 1, NULL);	/* nothing found */
	e = ec_visits_find(v, k);
	assert_int_equal(e->alert, 3);
	assert_int_equal(e->report, EC_REPORT_LATE);
	assert_int_equal(e->last, day("2026-11-25"));
	/* The same day twice: the later row is the news. */
	add(v, tie, "2026-11-25", 0, 5, "2026-11-25");
	add(v, tie, "2026-11-25", 1, 4, NULL);
	e = ec_visits_find(v, tie);
	assert_int_equal(e->alert, 5);
	assert_int_equal(e->report, EC_REPORT_MISSING);
	ec_visits_free(v);
}

static void
test_matched(void **state)
{
	struct ec_visits *v = index_new();
	uint64_t a = key("512002195003010026"), b = key("510104194505050011");

	add(v, a, "2026-11-01", 0, -1, NULL);
	add(v, b, "2026-11-05", 1, -1, NULL);
	add(v, b, "2026-11-12", 0, 2, "2026-11-12");
	assert_int_equal(ec_visits_unmatched(v), 2);
	ec_visits_find(v, a)->matched = 1;
	assert_int_equal(ec_visits_unmatched(v), 1);
	/* A later visit keeps the flag (the census comes after anyway). */
	add(v, a, "2026-11-02", 0, -1, NULL);
	assert_int_equal(ec_visits_find(v, a)->matched, 1);
	ec_visits_free(v);
}

/* The bytes the index holds: itself and its shards' tables. */
static size_t
index_bytes(const struct ec_visits *v)
{
	size_t n = sizeof *v;

	for (size_t i = 0; i < NSHARDS; i++)
		n += v->shard[i].cap * sizeof *v->shard[i].t;
	return n;
}

static void
test_many_people(void **state)
{
	struct ec_visits *v = index_new();
	const uint64_t n = 300000;

	assert_int_equal(sizeof(struct ec_visit_entry), 24);
	for (uint64_t i = 0; i < n; i++) {
		struct ec_visit x = { i * 7919 + 1, asof - (ec_date)(i % 90),
		    (int)(i & 1), (int)(i % 3) - 1, (int)(i & 2), asof };
		ec_visits_add(v, &x);
		x.date = asof - 100;
		ec_visits_add(v, &x);
	}
	assert_int_equal(ec_visits_unmatched(v), n);
	for (uint64_t i = 0; i < n; i++) {
		struct ec_visit_entry *e = ec_visits_find(v, i * 7919 + 1);
		if (!e || e->last != asof - (ec_date)(i % 90))
			fail_msg("person %llu lost", (unsigned long long)i);
	}
	assert_null(ec_visits_find(v, n * 7919 + 1));
	/* The promise of visits.h: under 64 bytes a person. */
	assert_true(index_bytes(v) < 64 * n);
	ec_visits_free(v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_15_and_18_digits),
		cmocka_unit_test(test_latest_wins),
		cmocka_unit_test(test_never_at_home),
		cmocka_unit_test(test_after_asof_ignored),
		cmocka_unit_test(test_alert_window),
		cmocka_unit_test(test_report),
		cmocka_unit_test(test_latest_alert_wins),
		cmocka_unit_test(test_matched),
		cmocka_unit_test(test_many_people),
	};

	return cmocka_run_group_tests_name("visits", tests, setup_asof, NULL);
}
