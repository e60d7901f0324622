#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "date.h"

/* Day numbers worked out independently (Python's datetime.date). */
#define D_1000_01_01	(-354285)
#define D_9999_12_31	2932896
#define D_2018_10_10	17814

static ec_date
ymd(int y, int m, int d)
{
	ec_date v = 0;

	assert_int_equal(ec_date_from_ymd(y, m, d, &v), 0);
	return v;
}

static enum ec_date_status
parse(const char *s, ec_date *out)
{
	return ec_date_parse(s, strlen(s), out);
}

static void
test_parse_forms(void **state)
{
	static const char *const forms[] = {
		"2018-10-10", "2018/10/10", "2018.10.10", "20181010",
		"2018年10月10日",
	};

	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		ec_date d = -1;

		assert_int_equal(parse(forms[i], &d), EC_DATE_OK);
		assert_int_equal(d, D_2018_10_10);
	}
}

static void
test_parse_short_fields(void **state)
{
	static const char *const forms[] = {
		"2018-1-5", "2018/1/5", "2018.1.5", "2018年1月5日",
		"2018-01-5", "2018-1-05", "2018年01月05日",
	};
	ec_date want = ymd(2018, 1, 5);

	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		ec_date d = -1;

		assert_int_equal(parse(forms[i], &d), EC_DATE_OK);
		assert_int_equal(d, want);
	}
}

static void
test_parse_syntax(void **state)
{
	static const char *const bad[] = {
		"", "2018", "2018-10", "2018-10-", "2018-", "-", "2018--10",
		"2018-10-10 ", " 2018-10-10", "+2018-10-10", "-2018-10-10",
		"2018-+1-10", "2018-10--1", "2018-10/10", "2018/10-10",
		"2018.10/10", "2018_10_10", "2018 10 10", "2018,10,10",
		"20181010x", "x20181010", "2018101", "201810101",
		"12018-10-10", "120181010", "018-10-10", "18-10-10",
		"2018-010-10", "2018-10-010", "2018-1a-10", "2018-10-1a",
		"201８-10-10", "2018-10-10日", "2018年10月10",
		"2018年10月10号", "2018年10-10日", "2018年1010日",
		"2018年10月日", "2018年月10日", "2018年", "2018年10月",
		"2018\xe5\xb9", "2018年10月10\xe6\x97", "2018-10-10\n",
		"10/10/2018", "10-10-2018", "2018-10-10T00:00",
		"2018年10月10日 ", "二〇一八年十月十日", "2018-10-10-",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ec_date d = 12345;

		if (parse(bad[i], &d) != EC_DATE_SYNTAX)
			fail_msg("accepted as syntax: \"%s\"", bad[i]);
		assert_int_equal(d, 12345);
	}
}

static void
test_parse_embedded_nul(void **state)
{
	ec_date d;

	/* The length, not a NUL, ends the input. */
	assert_int_equal(ec_date_parse("2018-10-10\0", 11, &d),
	    EC_DATE_SYNTAX);
	assert_int_equal(ec_date_parse("2018-10-1\0", 10, &d),
	    EC_DATE_SYNTAX);
	assert_int_equal(ec_date_parse("2018-10-10xyz", 10, &d), EC_DATE_OK);
	assert_int_equal(d, D_2018_10_10);
	assert_int_equal(ec_date_parse("20181010", 0, &d), EC_DATE_SYNTAX);
}

static void
test_parse_invalid(void **state)
{
	static const char *const bad[] = {
		"2018-02-29", "2018-13-01", "2018-00-10", "2018-04-31",
		"2018-10-00", "2018-10-32", "2018-6-31", "2018/9/31",
		"2018.11.31", "1900-02-29", "2023-02-29", "2100-02-29",
		"20180229", "20181301", "20180000", "2018年2月30日",
		"2018年0月1日", "0999-12-31", "0000-01-01", "09991231",
		"2018-99-99",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ec_date d = 12345;

		if (parse(bad[i], &d) != EC_DATE_INVALID)
			fail_msg("not EC_DATE_INVALID: \"%s\"", bad[i]);
		assert_int_equal(d, 12345);
	}
}

static void
test_parse_leap_days(void **state)
{
	ec_date d;

	assert_int_equal(parse("2000-02-29", &d), EC_DATE_OK);
	assert_int_equal(d, 11016);
	assert_int_equal(parse("2024-02-29", &d), EC_DATE_OK);
	assert_int_equal(d, 19782);
	assert_int_equal(parse("1600.2.29", &d), EC_DATE_OK);
	assert_int_equal(d, -135081);
	assert_int_equal(parse("1000-01-01", &d), EC_DATE_OK);
	assert_int_equal(d, D_1000_01_01);
	assert_int_equal(parse("9999年12月31日", &d), EC_DATE_OK);
	assert_int_equal(d, D_9999_12_31);
}

/* Whether year y has a 29 February. */
static int
is_leap(int y)
{
	ec_date v;

	return ec_date_from_ymd(y, 2, 29, &v) == 0;
}

static void
test_is_leap(void **state)
{
	assert_int_equal(is_leap(1900), 0);
	assert_int_equal(is_leap(2000), 1);
	assert_int_equal(is_leap(2023), 0);
	assert_int_equal(is_leap(2024), 1);
	assert_int_equal(is_leap(2100), 0);
	assert_int_equal(is_leap(1600), 1);
	assert_int_equal(is_leap(1944), 1);
	assert_int_equal(is_leap(2025), 0);
}

static void
test_known_days(void **state)
{
	assert_int_equal(ymd(1970, 1, 1), 0);
	assert_int_equal(ymd(1970, 1, 2), 1);
	assert_int_equal(ymd(1969, 12, 31), -1);
	assert_int_equal(ymd(2000, 3, 1), 11017);
	assert_int_equal(ymd(2000, 2, 29), 11016);
	assert_int_equal(ymd(2018, 10, 10), D_2018_10_10);
	assert_int_equal(ymd(1944, 2, 29), -9438);
	assert_int_equal(ymd(1880, 1, 1), -32872);
	assert_int_equal(ymd(1000, 1, 1), D_1000_01_01);
	assert_int_equal(ymd(9999, 12, 31), D_9999_12_31);
}

static void
test_from_ymd_range(void **state)
{
	ec_date d = 777;

	assert_int_equal(ec_date_from_ymd(999, 12, 31, &d), -1);
	assert_int_equal(ec_date_from_ymd(10000, 1, 1, &d), -1);
	assert_int_equal(ec_date_from_ymd(0, 1, 1, &d), -1);
	assert_int_equal(ec_date_from_ymd(-1, 1, 1, &d), -1);
	assert_int_equal(ec_date_from_ymd(2018, 0, 1, &d), -1);
	assert_int_equal(ec_date_from_ymd(2018, 13, 1, &d), -1);
	assert_int_equal(ec_date_from_ymd(2018, 1, 0, &d), -1);
	assert_int_equal(ec_date_from_ymd(2018, 1, 32, &d), -1);
	assert_int_equal(ec_date_from_ymd(2018, 2, 29, &d), -1);
	assert_int_equal(ec_date_from_ymd(1900, 2, 29, &d), -1);
	assert_int_equal(d, 777);
}

/* The value of the n digits at s. */
static int
digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* Whether s is y-m-d written YYYY-MM-DD (without snprintf: every day). */
static int
is_ymd(const char *s, int y, int m, int d)
{
	return s[4] == '-' && s[7] == '-' && s[10] == '\0' &&
	    digits(s, 4) == y && digits(s + 5, 2) == m && digits(s + 8, 2) == d;
}

/*
 * Every day of 1000-9999 in order: consecutive day numbers, the way back,
 * the year and, for a sample, the text.
 */
static void
test_sweep(void **state)
{
	static const int mdays[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	ec_date want = D_1000_01_01, after = 0;
	long count = 0;

	for (int y = 1000; y <= 9999; y++) {
		int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

		for (int m = 1; m <= 12; m++) {
			int last = mdays[m - 1] + (m == 2 && leap);

			for (int d = 1; d <= last; d++) {
				ec_date v;
				char back[11];

				if (ec_date_from_ymd(y, m, d, &v) != 0 ||
				    v != want)
					fail_msg("%04d-%02d-%02d", y, m, d);
				if (ec_date_format(v, back) != 10 ||
				    !is_ymd(back, y, m, d))
					fail_msg("back %d", (int)v);
				if (ec_date_year(v) != y)
					fail_msg("year %d", (int)v);
				if (v % 61 == 0 || d == 1 || d == last) {
					char got[11], exp[40];

					snprintf(exp, sizeof(exp),
					    "%04d-%02d-%02d", y, m, d);
					if (ec_date_format(v, got) != 10 ||
					    strcmp(got, exp) != 0)
						fail_msg("format %s", exp);
				}
				want++;
				count++;
			}
			if (ec_date_from_ymd(y, m, last + 1, &after) == 0)
				fail_msg("%04d-%02d-%02d", y, m, last + 1);
		}
	}
	assert_int_equal(count, 9000L * 365 + 2182);
	assert_int_equal(want, D_9999_12_31 + 1);
}

static void
test_format(void **state)
{
	char out[11];

	memset(out, 'z', sizeof(out));
	assert_int_equal(ec_date_format(0, out), 10);
	assert_string_equal(out, "1970-01-01");
	assert_int_equal(ec_date_format(D_2018_10_10, out), 10);
	assert_string_equal(out, "2018-10-10");
	assert_int_equal(ec_date_format(11016, out), 10);
	assert_string_equal(out, "2000-02-29");
	assert_int_equal(ec_date_format(-1, out), 10);
	assert_string_equal(out, "1969-12-31");
	assert_int_equal(ec_date_format(D_1000_01_01, out), 10);
	assert_string_equal(out, "1000-01-01");
	assert_int_equal(ec_date_format(D_9999_12_31, out), 10);
	assert_string_equal(out, "9999-12-31");
}

static void
test_parse_format_round_trip(void **state)
{
	static const char *const in[][2] = {
		{ "2018/1/5", "2018-01-05" },
		{ "2018.12.31", "2018-12-31" },
		{ "19491231", "1949-12-31" },
		{ "1944年2月29日", "1944-02-29" },
	};

	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		ec_date d;
		char out[11];

		assert_int_equal(parse(in[i][0], &d), EC_DATE_OK);
		ec_date_format(d, out);
		assert_string_equal(out, in[i][1]);
	}
}

static int
age(int by, int bm, int bd, int ay, int am, int ad, enum ec_leap_rule r)
{
	return ec_date_age(ymd(by, bm, bd), ymd(ay, am, ad), r);
}

/* Ages on the day before the birthday, on it and after, for both rules. */
static void
test_age_boundaries(void **state)
{
	for (int r = EC_LEAP_MAR1; r <= EC_LEAP_FEB28; r++) {
		enum ec_leap_rule rule = (enum ec_leap_rule)r;

		assert_int_equal(age(1958, 10, 10, 2018, 10, 9, rule), 59);
		assert_int_equal(age(1958, 10, 10, 2018, 10, 10, rule), 60);
		assert_int_equal(age(1958, 10, 10, 2018, 10, 11, rule), 60);

		assert_int_equal(age(1958, 10, 10, 2023, 10, 9, rule), 64);
		assert_int_equal(age(1958, 10, 10, 2023, 10, 10, rule), 65);
		assert_int_equal(age(1958, 10, 10, 2023, 10, 11, rule), 65);

		assert_int_equal(age(1944, 7, 1, 2024, 6, 30, rule), 79);
		assert_int_equal(age(1944, 7, 1, 2024, 7, 1, rule), 80);
		assert_int_equal(age(1944, 7, 1, 2024, 7, 2, rule), 80);

		/* Across the year's end. */
		assert_int_equal(age(1950, 12, 31, 2015, 12, 30, rule), 64);
		assert_int_equal(age(1950, 12, 31, 2015, 12, 31, rule), 65);
		assert_int_equal(age(1950, 12, 31, 2016, 1, 1, rule), 65);
		assert_int_equal(age(1950, 1, 1, 2014, 12, 31, rule), 64);
		assert_int_equal(age(1950, 1, 1, 2015, 1, 1, rule), 65);

		/* A 1 March birthday does not move in a leap year. */
		assert_int_equal(age(1960, 3, 1, 2020, 2, 29, rule), 59);
		assert_int_equal(age(1960, 3, 1, 2020, 3, 1, rule), 60);
		assert_int_equal(age(1960, 3, 1, 2025, 2, 28, rule), 64);
		assert_int_equal(age(1960, 3, 1, 2025, 3, 1, rule), 65);
		/* Nor does 28 February. */
		assert_int_equal(age(1960, 2, 28, 2025, 2, 27, rule), 64);
		assert_int_equal(age(1960, 2, 28, 2025, 2, 28, rule), 65);
		assert_int_equal(age(1960, 2, 28, 2024, 2, 28, rule), 64);

		/* Birth day itself, and before birth. */
		assert_int_equal(age(2000, 5, 5, 2000, 5, 5, rule), 0);
		assert_int_equal(age(2000, 5, 5, 2001, 5, 4, rule), 0);
		assert_int_equal(age(2000, 5, 5, 2000, 5, 4, rule), -1);
		assert_int_equal(age(2000, 5, 5, 1999, 5, 5, rule), -1);
		assert_int_equal(age(2000, 5, 5, 1999, 5, 4, rule), -2);

		/* The extremes of the range. */
		assert_int_equal(ec_date_age(D_1000_01_01, D_9999_12_31,
		    rule), 8999);
	}
}

/*
 * Born 1944-02-29: 80 on 2024-02-29, a leap day.  In 2025 there is no
 * 29 February, so the 81st birthday is 1 March under EC_LEAP_MAR1 and
 * 28 February under EC_LEAP_FEB28.
 */
static void
test_age_leap_day(void **state)
{
	const enum ec_leap_rule M = EC_LEAP_MAR1, F = EC_LEAP_FEB28;

	assert_int_equal(age(1944, 2, 29, 2024, 2, 28, M), 79);
	assert_int_equal(age(1944, 2, 29, 2024, 2, 28, F), 79);
	assert_int_equal(age(1944, 2, 29, 2024, 2, 29, M), 80);
	assert_int_equal(age(1944, 2, 29, 2024, 2, 29, F), 80);
	assert_int_equal(age(1944, 2, 29, 2024, 3, 1, M), 80);
	assert_int_equal(age(1944, 2, 29, 2024, 3, 1, F), 80);

	assert_int_equal(age(1944, 2, 29, 2025, 2, 27, M), 80);
	assert_int_equal(age(1944, 2, 29, 2025, 2, 27, F), 80);
	assert_int_equal(age(1944, 2, 29, 2025, 2, 28, M), 80);
	assert_int_equal(age(1944, 2, 29, 2025, 2, 28, F), 81);
	assert_int_equal(age(1944, 2, 29, 2025, 3, 1, M), 81);
	assert_int_equal(age(1944, 2, 29, 2025, 3, 1, F), 81);

	/* Turning 65 in a common year. */
	assert_int_equal(age(1960, 2, 29, 2025, 2, 28, M), 64);
	assert_int_equal(age(1960, 2, 29, 2025, 2, 28, F), 65);
	assert_int_equal(age(1960, 2, 29, 2025, 3, 1, M), 65);
	assert_int_equal(age(1960, 2, 29, 2025, 3, 1, F), 65);

	/* Turning 60 in a leap year: both rules agree. */
	assert_int_equal(age(1964, 2, 29, 2024, 2, 28, M), 59);
	assert_int_equal(age(1964, 2, 29, 2024, 2, 28, F), 59);
	assert_int_equal(age(1964, 2, 29, 2024, 2, 29, M), 60);
	assert_int_equal(age(1964, 2, 29, 2024, 2, 29, F), 60);

	/* 2100 is a common year: the 80th birthday of 2020-02-29. */
	assert_int_equal(age(2020, 2, 29, 2100, 2, 28, M), 79);
	assert_int_equal(age(2020, 2, 29, 2100, 2, 28, F), 80);
	assert_int_equal(age(2020, 2, 29, 2100, 3, 1, M), 80);
}

static void
test_year(void **state)
{
	assert_int_equal(ec_date_year(0), 1970);
	assert_int_equal(ec_date_year(-1), 1969);
	assert_int_equal(ec_date_year(D_2018_10_10), 2018);
	assert_int_equal(ec_date_year(11016), 2000);
	assert_int_equal(ec_date_year(ymd(2000, 12, 31)), 2000);
	assert_int_equal(ec_date_year(ymd(2001, 1, 1)), 2001);
	assert_int_equal(ec_date_year(D_1000_01_01), 1000);
	assert_int_equal(ec_date_year(D_9999_12_31), 9999);
}

static ec_date
local_today(void)
{
	time_t now = time(NULL);
	struct tm tm;

	assert_non_null(localtime_r(&now, &tm));
	return ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

static void
test_today(void **state)
{
	ec_date before, got, after;

	/* Bracketed, in case the test runs across midnight. */
	before = local_today();
	assert_int_equal(ec_date_today(&got), 0);
	after = local_today();
	assert_true(got == before || got == after);
	assert_true(ec_date_year(got) >= 2024);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_forms),
		cmocka_unit_test(test_parse_short_fields),
		cmocka_unit_test(test_parse_syntax),
		cmocka_unit_test(test_parse_embedded_nul),
		cmocka_unit_test(test_parse_invalid),
		cmocka_unit_test(test_parse_leap_days),
		cmocka_unit_test(test_is_leap),
		cmocka_unit_test(test_known_days),
		cmocka_unit_test(test_from_ymd_range),
		cmocka_unit_test(test_sweep),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_parse_format_round_trip),
		cmocka_unit_test(test_age_boundaries),
		cmocka_unit_test(test_age_leap_day),
		cmocka_unit_test(test_year),
		cmocka_unit_test(test_today),
	};

	return cmocka_run_group_tests_name("date", tests, NULL, NULL);
}
