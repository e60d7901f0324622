/*
 * The module itself, not its archive member: the check character of any
 * 17 digits (a birth date or none) is its static check_char.
 */
#include "../../lib/idnum.c"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>

#include <cmocka.h>

#include "date.h"
#include "idnum.h"

/*
 * ISO 7064 MOD 11-2 the other way: the recursive form of the standard
 * rather than the weight table check_char uses.
 */
static char
independent_check(const char *digits)
{
	int p = 0, v;

	for (int i = 0; i < 17; i++)
		p = (p + (digits[i] - '0')) * 2 % 11;
	v = (12 - p) % 11;
	return v == 10 ? 'X' : (char)('0' + v);
}

/* The standard's test: all 18 weighted by 2^(17-i) mod 11 sum to 1. */
static int
sums_to_one(const char *id)
{
	int sum = 0, w = 1;

	for (int i = 17; i >= 0; i--) {
		int a = id[i] == 'X' ? 10 : id[i] - '0';

		sum += a * w;
		w = w * 2 % 11;
	}
	return sum % 11 == 1;
}

static ec_date
ymd(int y, int m, int d)
{
	ec_date v = 0;

	assert_int_equal(ec_date_from_ymd(y, m, d, &v), 0);
	return v;
}

static enum ec_id_status
parse(const char *s, struct ec_id *id, struct ec_id_error *err)
{
	return ec_id_parse(s, strlen(s), id, err);
}

/* Parses a number that must be valid and checks everything about it. */
static void
valid(const char *in, const char *number, int y, int m, int d,
    enum ec_sex sex, int upgraded)
{
	struct ec_id id;
	struct ec_id_error err;

	memset(&id, 0, sizeof(id));
	assert_int_equal(parse(in, &id, &err), EC_ID_OK);
	assert_string_equal(id.number, number);
	assert_int_equal(id.birth, ymd(y, m, d));
	assert_int_equal(id.sex, sex);
	assert_int_equal(id.upgraded, upgraded);
	/* The vector itself, checked without the code under test. */
	assert_int_equal(independent_check(number), number[17]);
	assert_true(sums_to_one(number));
	assert_int_equal(check_char(number), number[17]);
}

static void
test_check_char(void **state)
{
	assert_int_equal(check_char("11010519491231002"), 'X');
	assert_int_equal(check_char("44052418800101001"), '4');
	assert_int_equal(check_char("00000000000000000"), '1');
	assert_int_equal(independent_check("00000000000000000"), '1');
	/* Every check character, each from a different sum. */
	{
		static const char *const d[] = {
			"51200219430512003", "51202119380808004",
			"51202219491001005", "51202119360229002",
			"51200218400101997", "44052418800101998",
			"13050319670401001", "51202119450615995",
			"51202218991231996", "51202218991231999",
		};

		for (size_t i = 0; i < sizeof(d) / sizeof(d[0]); i++)
			assert_int_equal(check_char(d[i]),
			    independent_check(d[i]));
	}
	/* A sweep of one position: the check character changes each time. */
	{
		char d[18] = "11010519491231000";

		for (char c = '0'; c <= '9'; c++) {
			d[16] = c;
			assert_int_equal(check_char(d),
			    independent_check(d));
		}
	}
}

static void
test_standard_examples(void **state)
{
	valid("11010519491231002X", "11010519491231002X", 1949, 12, 31,
	    EC_SEX_FEMALE, 0);
	valid("440524188001010014", "440524188001010014", 1880, 1, 1,
	    EC_SEX_MALE, 0);
	assert_int_equal(ymd(1949, 12, 31), -7306);
	assert_int_equal(ymd(1880, 1, 1), -32872);
}

static void
test_lowercase_x(void **state)
{
	valid("11010519491231002x", "11010519491231002X", 1949, 12, 31,
	    EC_SEX_FEMALE, 0);
}

static void
test_sichuan(void **state)
{
	/* 512002 Yanjiang, 512021 Anyue, 512022 Lezhi. */
	valid("512002194305120031", "512002194305120031", 1943, 5, 12,
	    EC_SEX_MALE, 0);
	valid("512021193808080048", "512021193808080048", 1938, 8, 8,
	    EC_SEX_FEMALE, 0);
	valid("512022194910010055", "512022194910010055", 1949, 10, 1,
	    EC_SEX_MALE, 0);
	valid("512021193602290023", "512021193602290023", 1936, 2, 29,
	    EC_SEX_FEMALE, 0);
}

static void
test_wrong_check(void **state)
{
	static const struct {
		const char *in;
		char found, expected;
	} t[] = {
		{ "110105194912310021", '1', 'X' },
		{ "440524188001010015", '5', '4' },
		{ "44052418800101001X", 'X', '4' },
		{ "44052418800101001x", 'x', '4' },
		{ "512002194305120030", '0', '1' },
		{ "512021193808080040", '0', '8' },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct ec_id id;
		struct ec_id_error err;

		memset(&id, 0x5a, sizeof(id));
		memset(&err, 0x5a, sizeof(err));
		assert_int_equal(parse(t[i].in, &id, &err), EC_ID_CHECK);
		assert_int_equal(err.found, t[i].found);
		assert_int_equal(err.expected, t[i].expected);
		assert_int_equal(err.length, 18);
		assert_int_equal(err.pos, 0);
		assert_int_equal(err.birth[0], '\0');
		/* *id is left alone on failure. */
		assert_int_equal(id.upgraded, 0x5a5a5a5a);
		assert_int_equal(t[i].expected, independent_check(t[i].in));
	}
}

static void
test_length(void **state)
{
	static const char *const t[] = {
		"", "1", "11010519491231002", "11010519491231002X0",
		"1101051949123100", "11010549123100", "1101054912310020",
		"11010519491231002X11010519491231002X",
		/* Length is judged before the characters. */
		"1101051949123100X", "ABCDEFGHIJKLMNOPQ",
		"11010519491231002\xef\xbc\xb8",
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct ec_id_error err;

		memset(&err, 0x5a, sizeof(err));
		assert_int_equal(parse(t[i], NULL, &err), EC_ID_LENGTH);
		assert_int_equal(err.length, strlen(t[i]));
		assert_int_equal(err.pos, 0);
		assert_int_equal(err.found, '\0');
		assert_int_equal(err.expected, '\0');
	}
}

static void
test_char(void **state)
{
	static const struct {
		const char *in;
		size_t pos;
	} t[] = {
		{ "X10105194912310021", 0 },
		{ "11010A19491231002X", 5 },
		{ "110105194912310 2X", 15 },
		{ "1101051949123100XX", 16 },
		{ "11010519491231002Y", 17 },
		{ "11010519491231002-", 17 },
		{ "110105194912310\xef\xbc\xb8", 15 },
		{ "11010519491231002\n", 17 },
		{ "-11010519491231002", 0 },
		{ "11010519491231002 ", 17 },
		/* 15 characters: every one must be a digit, X included. */
		{ "11010549123100X", 14 },
		{ "11010549123100x", 14 },
		{ "1101054912310A2", 13 },
		{ "a10105491231002", 0 },
		{ "110105 91231002", 6 },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct ec_id_error err;

		memset(&err, 0x5a, sizeof(err));
		if (parse(t[i].in, NULL, &err) != EC_ID_CHAR)
			fail_msg("not EC_ID_CHAR: %s", t[i].in);
		assert_int_equal(err.pos, t[i].pos);
		assert_int_equal(err.length, strlen(t[i].in));
	}
	/* A NUL is a bad byte like any other. */
	{
		struct ec_id_error err;

		assert_int_equal(ec_id_parse("110105\0" "9491231002", 15, NULL,
		    &err), EC_ID_CHAR);
		assert_int_equal(err.pos, 6);
	}
}

static void
test_birth(void **state)
{
	static const struct {
		const char *in;
		const char *birth;
	} t[] = {
		{ "110105194902300021", "19490230" },
		/* Judged before the check character, which is wrong here. */
		{ "110105194902300020", "19490230" },
		{ "110105194913010021", "19491301" },
		{ "110105194900100021", "19490010" },
		{ "110105194901000021", "19490100" },
		{ "110105190002290021", "19000229" },
		{ "110105195502290021", "19550229" },
		{ "110105099912310021", "09991231" },
		{ "110105000001010021", "00000101" },
		/* 15 digits: the century is inserted first. */
		{ "110105490230002", "19490230" },
		{ "110105000229002", "19000229" },
		{ "110105000229996", "18000229" },
		{ "110105491301002", "19491301" },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct ec_id_error err;

		memset(&err, 0x5a, sizeof(err));
		if (parse(t[i].in, NULL, &err) != EC_ID_BIRTH)
			fail_msg("not EC_ID_BIRTH: %s", t[i].in);
		assert_string_equal(err.birth, t[i].birth);
		assert_int_equal(err.length, strlen(t[i].in));
		assert_int_equal(err.pos, 0);
	}
}

static void
test_upgrade(void **state)
{
	valid("110105491231002", "11010519491231002X", 1949, 12, 31,
	    EC_SEX_FEMALE, 1);
	valid("130503670401001", "130503196704010016", 1967, 4, 1,
	    EC_SEX_MALE, 1);
	valid("512021450615995", "512021194506159951", 1945, 6, 15,
	    EC_SEX_MALE, 1);
	/* 996-999: born in the 1800s. */
	valid("512002400101997", "512002184001019971", 1840, 1, 1,
	    EC_SEX_MALE, 1);
	valid("440524800101998", "440524188001019983", 1880, 1, 1,
	    EC_SEX_FEMALE, 1);
	valid("512022991231996", "512022189912319965", 1899, 12, 31,
	    EC_SEX_FEMALE, 1);
	valid("512022991231999", "51202218991231999X", 1899, 12, 31,
	    EC_SEX_MALE, 1);
	/* 1800 was not a leap year, 1896 was. */
	valid("512002960229997", "512002189602299975", 1896, 2, 29,
	    EC_SEX_MALE, 1);
}

/* The upgraded number is the one an 18-character reading accepts. */
static void
test_upgrade_agrees(void **state)
{
	static const char *const t[] = {
		"110105491231002", "130503670401001", "512002400101997",
		"512022991231999", "512021450615995",
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct ec_id a, b;

		assert_int_equal(parse(t[i], &a, NULL), EC_ID_OK);
		assert_int_equal(parse(a.number, &b, NULL), EC_ID_OK);
		assert_string_equal(a.number, b.number);
		assert_int_equal(a.birth, b.birth);
		assert_int_equal(a.sex, b.sex);
		assert_int_equal(a.upgraded, 1);
		assert_int_equal(b.upgraded, 0);
	}
}

static void
test_null_err(void **state)
{
	struct ec_id id;

	assert_int_equal(parse("11010519491231002", &id, NULL),
	    EC_ID_LENGTH);
	assert_int_equal(parse("11010A19491231002X", &id, NULL), EC_ID_CHAR);
	assert_int_equal(parse("110105194902300021", &id, NULL),
	    EC_ID_BIRTH);
	assert_int_equal(parse("110105194912310021", &id, NULL),
	    EC_ID_CHECK);
	assert_int_equal(parse("11010519491231002X", NULL, NULL), EC_ID_OK);
}

static void
test_sex(void **state)
{
	char n[19] = "51202219491001000";

	/* The 17th character decides, for all ten digits. */
	for (char c = '0'; c <= '9'; c++) {
		struct ec_id id;

		n[16] = c;
		n[17] = independent_check(n);
		n[18] = '\0';
		assert_int_equal(parse(n, &id, NULL), EC_ID_OK);
		assert_int_equal(id.sex,
		    (c - '0') % 2 ? EC_SEX_MALE : EC_SEX_FEMALE);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_char),
		cmocka_unit_test(test_standard_examples),
		cmocka_unit_test(test_lowercase_x),
		cmocka_unit_test(test_sichuan),
		cmocka_unit_test(test_wrong_check),
		cmocka_unit_test(test_length),
		cmocka_unit_test(test_char),
		cmocka_unit_test(test_birth),
		cmocka_unit_test(test_upgrade),
		cmocka_unit_test(test_upgrade_agrees),
		cmocka_unit_test(test_null_err),
		cmocka_unit_test(test_sex),
	};

	return cmocka_run_group_tests_name("idnum", tests, NULL, NULL);
}
