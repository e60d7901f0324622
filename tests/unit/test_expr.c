/*
 * test_expr.c - the expression language: parsing and precedence, types,
 * blank semantics, the functions, limits, and every compile error with
 * its exact message and offset.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "expr.h"
#include "util.h"
#include "value.h"

/* The fake record: one value per slot, and how often each was read. */
enum {
	S_N, S_M, S_AGE, S_NAME, S_SEX, S_LEVEL, S_BIRTH, S_A, S_B, S_C,
	S_GROUPS, S_PHONE, S_ID, NSLOTS
};

static const struct {
	const char *name;
	enum ec_type type;
} columns[NSLOTS] = {
	[S_N] = { "n", EC_T_INT },
	[S_M] = { "m", EC_T_INT },
	[S_AGE] = { "age", EC_T_INT },
	[S_NAME] = { "name", EC_T_STR },
	[S_SEX] = { "sex", EC_T_STR },
	[S_LEVEL] = { "level", EC_T_STR },
	[S_BIRTH] = { "birth", EC_T_DATE },
	[S_A] = { "a", EC_T_BOOL },
	[S_B] = { "b", EC_T_BOOL },
	[S_C] = { "c", EC_T_BOOL },
	[S_GROUPS] = { "groups", EC_T_LIST },
	[S_PHONE] = { "phone", EC_T_STR },
	[S_ID] = { "id", EC_T_STR },
};

static struct ec_value record[NSLOTS];
static int fetches[NSLOTS];

static int
resolve(void *ctx, const char *name, size_t len, enum ec_type *type)
{
	for (int i = 0; i < NSLOTS; i++)
		if (strlen(columns[i].name) == len &&
		    memcmp(columns[i].name, name, len) == 0) {
			*type = columns[i].type;
			return i;
		}
	return -1;
}

static int
in_words(const char *const *words, const char *s, size_t n)
{
	for (; *words; words++)
		if (strlen(*words) == n && memcmp(*words, s, n) == 0)
			return 0;
	return -1;
}

/* sex, level and groups are enum-like; other text takes anything. */
static int
literal(void *ctx, int slot, const char *s, size_t n)
{
	static const char *const sexes[] = { "male", "female", NULL };
	static const char *const levels[] = { "low", "medium", "high", NULL };
	static const char *const groups[] = { "poor", "alone", "disabled",
	    "oldest_old", NULL };

	switch (slot) {
	case S_SEX: return in_words(sexes, s, n);
	case S_LEVEL: return in_words(levels, s, n);
	case S_GROUPS: return in_words(groups, s, n);
	default: return 0;
	}
}

static void
fetch(void *ctx, int slot, struct ec_value *out)
{
	assert_true(slot >= 0 && slot < NSLOTS);
	fetches[slot]++;
	*out = record[slot];
}

static const struct ec_expr_resolver resolver = { resolve, literal, NULL };
static struct ec_expr_env env;

static ec_date
ymd(int y, int m, int d)
{
	ec_date date;

	assert_int_equal(ec_date_from_ymd(y, m, d, &date), 0);
	return date;
}

static void
set_str(int slot, const char *s)
{
	record[slot] = ec_value_str(columns[slot].type, s, strlen(s));
}

static void
set_blank(int slot)
{
	record[slot] = ec_value_blank(columns[slot].type);
}

static int
setup(void **state)
{
	record[S_N] = ec_value_int(EC_T_INT, 5);
	record[S_M] = ec_value_int(EC_T_INT, 3);
	record[S_AGE] = ec_value_int(EC_T_INT, 74);
	set_str(S_NAME, "Li Hua");
	set_str(S_SEX, "female");
	set_str(S_LEVEL, "high");
	record[S_BIRTH] = ec_value_int(EC_T_DATE, ymd(1949, 12, 31));
	record[S_A] = ec_value_int(EC_T_BOOL, 1);
	record[S_B] = ec_value_int(EC_T_BOOL, 0);
	record[S_C] = ec_value_int(EC_T_BOOL, 0);
	set_str(S_GROUPS, "poor\xef\xbc\x9b alone");	/* poor； alone */
	set_str(S_PHONE, "13800138000");
	set_str(S_ID, "11010519491231002X");
	memset(fetches, 0, sizeof(fetches));
	env.today = ymd(2024, 6, 15);
	env.leap_rule = EC_LEAP_MAR1;
	env.fetch = fetch;
	env.ctx = NULL;
	return 0;
}

static struct ec_expr *
compile(const char *src)
{
	struct ec_expr_error err;
	struct ec_expr *e;

	e = ec_expr_compile(src, strlen(src), &resolver, &err);
	if (e == NULL)
		fail_msg("%.60s: offset %zu: %s", src, err.offset, err.msg);
	return e;
}

static struct ec_value
eval_src(const char *src, enum ec_type type)
{
	struct ec_expr *e = compile(src);
	struct ec_value v;

	if (ec_expr_type(e) != type)
		fail_msg("%.60s: type %s, not %s", src,
		    ec_type_name(ec_expr_type(e)), ec_type_name(type));
	ec_expr_eval(e, &env, &v);
	ec_expr_free(e);
	if (v.type != type)
		fail_msg("%.60s: value of type %s", src, ec_type_name(v.type));
	return v;
}

static void
expect_bool(const char *src, int want)
{
	struct ec_expr *e = compile(src);
	struct ec_value v;

	assert_int_equal(ec_expr_type(e), EC_T_BOOL);
	ec_expr_eval(e, &env, &v);
	if (v.blank || v.type != EC_T_BOOL || v.i != want)
		fail_msg("%.60s: got %s%lld, want %d", src,
		    v.blank ? "blank " : "", (long long)v.i, want);
	if (ec_expr_test(e, &env) != want)
		fail_msg("%.60s: ec_expr_test disagrees", src);
	ec_expr_free(e);
}

#define TRUE(src) expect_bool(src, 1)
#define FALSE(src) expect_bool(src, 0)

static void
expect_int(const char *src, int64_t want)
{
	struct ec_value v = eval_src(src, EC_T_INT);

	if (v.blank || v.i != want)
		fail_msg("%.60s: got %s%lld, want %lld", src,
		    v.blank ? "blank " : "", (long long)v.i, (long long)want);
}

static void
expect_date(const char *src, ec_date want)
{
	struct ec_value v = eval_src(src, EC_T_DATE);

	if (v.blank || v.i != want)
		fail_msg("%.60s: got %s%lld, want %d", src,
		    v.blank ? "blank " : "", (long long)v.i, (int)want);
}

static void
expect_str(const char *src, const char *want)
{
	struct ec_expr *e = compile(src);
	struct ec_value v;

	assert_int_equal(ec_expr_type(e), EC_T_STR);
	ec_expr_eval(e, &env, &v);
	if (v.blank || v.n != strlen(want) || memcmp(v.s, want, v.n) != 0)
		fail_msg("%.60s: got %s'%.*s', want '%s'", src,
		    v.blank ? "blank " : "", (int)v.n, v.s ? v.s : "", want);
	ec_expr_free(e);
}

static void
expect_blank(const char *src, enum ec_type type)
{
	struct ec_value v = eval_src(src, type);

	if (!v.blank)
		fail_msg("%.60s: got %lld, want blank", src, (long long)v.i);
}

static void
expect_error_n(const char *src, size_t len, size_t off, const char *msg)
{
	struct ec_expr_error err;
	struct ec_expr *e;

	e = ec_expr_compile(src, len, &resolver, &err);
	if (e != NULL) {
		ec_expr_free(e);
		fail_msg("%.60s: compiled, want \"%s\"", src, msg);
	}
	if (strcmp(err.msg, msg) != 0 || err.offset != off)
		fail_msg("%.60s: got %zu \"%s\", want %zu \"%s\"", src,
		    err.offset, err.msg, off, msg);
}

static void
expect_error(const char *src, size_t off, const char *msg)
{
	expect_error_n(src, strlen(src), off, msg);
}

static void
test_precedence(void **state)
{
	TRUE("1 + 2 * 3 == 7");
	TRUE("(1 + 2) * 3 == 9");
	TRUE("2 * 3 + 1 == 7");
	TRUE("10 - 3 - 2 == 5");
	TRUE("100 / 10 / 5 == 2");
	TRUE("7 % 4 * 2 == 6");
	TRUE("1 + 7 % 4 == 4");
	/* a true, b false: (not a) and b is false, not (a and b) true. */
	FALSE("not a and b");
	TRUE("not (a and b)");
	/* a or (b and c) is true, (a or b) and c false. */
	TRUE("a or b and c");
	FALSE("(a or b) and c");
	TRUE("b and c or a");
	TRUE("not b or c");
	FALSE("not (b or a)");
	TRUE("not not a");
	/* Comparisons bind tighter than not, and, or. */
	TRUE("n == 5 and m == 3");
	TRUE("n == 4 or m == 3");
	TRUE("not n == 4");
	TRUE("n + 1 > m * 2 - 1");
	/* Unary minus binds tighter than * and can repeat. */
	TRUE("-2 * 3 == -6");
	TRUE("- 2 - 3 == -5");
	TRUE("2 - -3 == 5");
	TRUE("--3 == 3");
	TRUE("-(2 - 3) == 1");
	TRUE("-n + 1 == -4");
	TRUE("((((n)))) == 5");
	TRUE("a\n and\tn\r\n== 5");
}

static void
test_operators(void **state)
{
	TRUE("n == 5");
	FALSE("n == 6");
	TRUE("n != 6");
	FALSE("n != 5");
	TRUE("m < n");
	FALSE("n < n");
	TRUE("n <= n");
	FALSE("n <= m");
	TRUE("n > m");
	FALSE("n > n");
	TRUE("n >= n");
	FALSE("m >= n");
	expect_int("n + m", 8);
	expect_int("n - m", 2);
	expect_int("m - n", -2);
	expect_int("n * m", 15);
	expect_int("n / m", 1);
	expect_int("n % m", 2);
	/* Division truncates toward zero, as in C. */
	expect_int("-7 / 2", -3);
	expect_int("-7 % 2", -1);
	expect_int("7 % -2", 1);
	expect_int("0", 0);
	expect_int("007", 7);
	expect_int("9223372036854775807", INT64_MAX);
	expect_int("-9223372036854775807", -INT64_MAX);

	/* Text: bytewise, a prefix before the longer string. */
	TRUE("name == 'Li Hua'");
	TRUE("name == \"Li Hua\"");
	FALSE("name == 'li hua'");
	TRUE("name != 'Li'");
	TRUE("'abc' < 'abd'");
	TRUE("'ab' < 'abc'");
	FALSE("'abc' < 'ab'");
	TRUE("'b' > 'abc'");
	TRUE("'' < 'a'");
	TRUE("'' == \"\"");
	TRUE("'\xe4\xb8\xad' > 'z'");		/* 中: UTF-8 bytes after ASCII */
	TRUE("'abc' <= 'abc'");
	TRUE("'abc' >= 'abc'");
	TRUE("'it''s' == \"it's\"");
	TRUE("\"say \"\"hi\"\"\" == 'say \"hi\"'");
	expect_str("'it''s'", "it's");
	expect_str("''''", "'");
	expect_str("name", "Li Hua");

	/* Bool: equality only; yes and true, no and false are the same. */
	TRUE("a == yes");
	TRUE("a == true");
	TRUE("b == no");
	TRUE("b == false");
	TRUE("a != b");
	TRUE("yes == true");
	TRUE("no != yes");
	TRUE("true");
	FALSE("false");
	TRUE("yes");
	FALSE("no");

	/* Dates. */
	TRUE("birth < today");
	TRUE("today > birth");
	TRUE("birth <= birth");
	TRUE("today == today");
	TRUE("birth != today");
	expect_date("today", ymd(2024, 6, 15));

	/* An empty value that is not blank may have no bytes at all. */
	record[S_NAME] = ec_value_str(EC_T_STR, NULL, 0);
	record[S_PHONE] = ec_value_str(EC_T_STR, NULL, 0);
	record[S_ID] = ec_value_str(EC_T_STR, NULL, 0);
	record[S_GROUPS] = ec_value_str(EC_T_LIST, NULL, 0);
	TRUE("name == ''");
	TRUE("name < 'a'");
	FALSE("name > ''");
	TRUE("name in ['', 'a']");
	FALSE("name in groups");
	FALSE("'poor' in groups");
	FALSE("blank(name)");
	FALSE("valid_phone(phone)");
	expect_int("count(groups)", 0);
	expect_blank("id_birth(id)", EC_T_DATE);
}

static void
test_short_circuit(void **state)
{
	FALSE("b and n == 5");
	assert_int_equal(fetches[S_N], 0);
	TRUE("a or n == 5");
	assert_int_equal(fetches[S_N], 0);
	FALSE("a and b and n == 5");
	assert_int_equal(fetches[S_N], 0);
	TRUE("b or a or n == 5");
	assert_int_equal(fetches[S_N], 0);
	/* expect_bool evaluates twice: ec_expr_eval, then ec_expr_test. */
	TRUE("a and n == 5");
	assert_int_equal(fetches[S_N], 2);
	FALSE("b or n == 4");
	assert_int_equal(fetches[S_N], 4);
}

static void
test_blank(void **state)
{
	set_blank(S_N);
	set_blank(S_A);
	set_blank(S_NAME);
	set_blank(S_BIRTH);
	set_blank(S_GROUPS);
	set_blank(S_ID);

	/* Comparisons with a blank operand are false, on either side. */
	FALSE("n == 1");
	FALSE("n != 1");
	FALSE("n < 1");
	FALSE("n <= 1");
	FALSE("n > 1");
	FALSE("n >= 1");
	FALSE("1 != n");
	FALSE("n == n");
	FALSE("name == 'x'");
	FALSE("name != 'x'");
	FALSE("birth < today");
	FALSE("a == yes");
	FALSE("a == no");
	FALSE("a != yes");
	/* "in" and "not in" too; "not (x in ...)" is what holds. */
	FALSE("n in [1, 2]");
	FALSE("n not in [1, 2]");
	TRUE("not (n in [1, 2])");
	FALSE("name in ['x']");
	FALSE("'poor' in groups");
	FALSE("'poor' not in groups");
	FALSE("name in groups");
	FALSE("id_sex(id) in ['male', 'female']");
	/* Arithmetic with a blank operand is blank. */
	expect_blank("n", EC_T_INT);
	expect_blank("n + 1", EC_T_INT);
	expect_blank("1 + n", EC_T_INT);
	expect_blank("1 - n - 1", EC_T_INT);
	expect_blank("n * 2", EC_T_INT);
	expect_blank("2 * n", EC_T_INT);
	expect_blank("n / 2", EC_T_INT);
	expect_blank("n % 2", EC_T_INT);
	expect_blank("-n", EC_T_INT);
	expect_blank("birth + 1", EC_T_DATE);
	expect_blank("1 + birth", EC_T_DATE);
	expect_blank("today - birth", EC_T_INT);
	/* not of blank is true; blank is false in and, or. */
	TRUE("not a");
	expect_blank("a", EC_T_BOOL);
	FALSE("a and true");
	FALSE("true and a");
	TRUE("a or true");
	FALSE("a or false");
	TRUE("not a and not b");
	/* Functions of blank are blank, but blank(), count(), valid_phone(). */
	TRUE("blank(n)");
	TRUE("blank(a)");
	TRUE("blank(name)");
	TRUE("blank(groups)");
	TRUE("blank(n + 1)");
	FALSE("blank(m)");
	FALSE("blank(today)");
	FALSE("blank('')");
	expect_int("count(groups)", 0);
	expect_blank("id_birth(id)", EC_T_DATE);
	expect_blank("id_sex(id)", EC_T_STR);
	expect_blank("age(birth)", EC_T_INT);
	expect_blank("year(birth)", EC_T_INT);
	expect_blank("age(id_birth(id))", EC_T_INT);
	/*
	 * An empty text that points nowhere, as a computed value may be,
	 * with and without the ID cache (found by fuzz_expr).
	 */
	record[S_ID] = ec_value_str(EC_T_STR, NULL, 0);
	expect_blank("id_birth(id)", EC_T_DATE);
	expect_blank("id_sex(id)", EC_T_STR);
	FALSE("valid_phone(id)");
	FALSE("id in groups");
	struct ec_expr_cache cache;
	memset(&cache, 0, sizeof cache);
	env.cache = &cache;
	expect_blank("id_birth(id)", EC_T_DATE);
	expect_blank("id_sex(id)", EC_T_STR);
	env.cache = NULL;
	set_blank(S_PHONE);
	FALSE("valid_phone(phone)");
	TRUE("not valid_phone(phone)");
	FALSE("blank(valid_phone(phone))");
}

static void
test_in(void **state)
{
	TRUE("sex in ['male', 'female']");
	TRUE("sex in ['female']");
	FALSE("sex in ['male']");
	TRUE("sex not in ['male']");
	FALSE("sex not in ['male', 'female']");
	TRUE("n in [1, 5, 9]");
	FALSE("n in [1, -5, 9]");
	TRUE("-n in [1, -5, 9]");
	TRUE("n not in [1, 9]");
	FALSE("n in []");
	TRUE("n not in []");
	TRUE("name in ['Li Hua', \"Wang\"]");
	FALSE("name in ['Li']");
	TRUE("n + 1 in [6]");
	TRUE("id_sex(id) in ['female']");
	TRUE("not n in [1]");

	/* Items are trimmed and split on ; , and the full-width ； 、 ， */
	TRUE("'poor' in groups");
	TRUE("'alone' in groups");
	FALSE("'disabled' in groups");
	TRUE("'disabled' not in groups");
	FALSE("'alone' not in groups");
	TRUE("'poor' in groups and ('oldest_old' in groups or "
	    "'alone' in groups)");
	set_str(S_GROUPS, " alone \xe3\x80\x81 ;; disabled\xef\xbc\x8cpoor ");
	TRUE("'alone' in groups");
	TRUE("'disabled' in groups");
	TRUE("'poor' in groups");
	expect_int("count(groups)", 3);
	/* Not a substring search. */
	set_str(S_GROUPS, "oldest_old");
	set_str(S_NAME, "old");
	FALSE("name in groups");
	set_str(S_NAME, "oldest");
	FALSE("name in groups");
	set_str(S_NAME, "oldest_old");
	TRUE("name in groups");
	set_str(S_GROUPS, "");
	FALSE("'poor' in groups");
	TRUE("'poor' not in groups");
}

static void
test_functions(void **state)
{
	/* blank */
	FALSE("blank(n)");
	FALSE("blank(groups)");
	/* count */
	expect_int("count(groups)", 2);
	TRUE("count(groups) > 0");
	set_str(S_GROUPS, "a, b; ;c\xe3\x80\x81");
	expect_int("count(groups)", 3);
	set_str(S_GROUPS, " ; ");
	expect_int("count(groups)", 0);
	/* valid_phone */
	TRUE("valid_phone(phone)");
	TRUE("valid_phone('13800138000')");
	FALSE("valid_phone('12345')");
	FALSE("valid_phone('')");
	FALSE("not valid_phone(phone)");
	set_str(S_PHONE, "00000000000");
	TRUE("not valid_phone(phone)");
	/* id_birth, id_sex */
	expect_date("id_birth('11010519491231002X')", ymd(1949, 12, 31));
	expect_date("id_birth(id)", ymd(1949, 12, 31));
	TRUE("birth == id_birth(id)");
	FALSE("birth != id_birth(id)");
	expect_str("id_sex('11010519491231002X')", "female");
	expect_str("id_sex('510100195001010031')", "male");
	TRUE("sex == id_sex(id)");
	FALSE("sex != id_sex(id)");
	expect_blank("id_birth('11010519491231002Y')", EC_T_DATE);
	expect_blank("id_birth('11010519491231003X')", EC_T_DATE);
	expect_blank("id_birth('12345')", EC_T_DATE);
	expect_blank("id_sex('12345')", EC_T_STR);
	FALSE("birth == id_birth('12345')");
	/* age, year */
	expect_int("age(birth)", 74);
	expect_int("age(id_birth(id))", 74);
	expect_int("age(today)", 0);
	expect_int("year(birth)", 1949);
	expect_int("year(today)", 2024);
	TRUE("year(birth) + 75 == year(today)");
	/* age is also a column: a call only with parentheses. */
	TRUE("age == 74 and age(birth) == 74");
}

static void
test_age_boundaries(void **state)
{
	env.today = ymd(2024, 6, 15);
	record[S_BIRTH] = ec_value_int(EC_T_DATE, ymd(1964, 6, 15));
	expect_int("age(birth)", 60);
	TRUE("age(birth) >= 60");
	record[S_BIRTH] = ec_value_int(EC_T_DATE, ymd(1964, 6, 16));
	expect_int("age(birth)", 59);
	FALSE("age(birth) >= 60");
	record[S_BIRTH] = ec_value_int(EC_T_DATE, ymd(1964, 6, 14));
	expect_int("age(birth)", 60);
	record[S_BIRTH] = ec_value_int(EC_T_DATE, ymd(2025, 1, 1));
	TRUE("age(birth) < 0");

	/* The environment's 29 February rule reaches age(). */
	record[S_BIRTH] = ec_value_int(EC_T_DATE, ymd(1964, 2, 29));
	env.today = ymd(2023, 2, 28);
	env.leap_rule = EC_LEAP_MAR1;
	expect_int("age(birth)", 58);
	env.leap_rule = EC_LEAP_FEB28;
	expect_int("age(birth)", 59);
	env.today = ymd(2023, 3, 1);
	expect_int("age(birth)", 59);
	env.leap_rule = EC_LEAP_MAR1;
	expect_int("age(birth)", 59);
	env.today = ymd(2024, 2, 29);
	expect_int("age(birth)", 60);
	expect_int("age(id_birth('110105196402290013'))", 60);
	env.today = ymd(2024, 2, 28);
	expect_int("age(id_birth('110105196402290013'))", 59);
}

static void
test_dates(void **state)
{
	char src[100];

	expect_int("today - birth", ymd(2024, 6, 15) - ymd(1949, 12, 31));
	expect_int("today - birth", 27195);
	expect_int("birth - today", -27195);
	expect_int("today - today", 0);
	expect_date("birth + 1", ymd(1950, 1, 1));
	expect_date("1 + birth", ymd(1950, 1, 1));
	expect_date("birth - 365", ymd(1948, 12, 31));
	expect_date("today + 30 - 30", ymd(2024, 6, 15));
	expect_date("today - 1 + 2 - 1", ymd(2024, 6, 15));
	expect_int("today + 10 - today", 10);
	expect_int("today - birth - 195", 27000);
	expect_date("today + 2 * 7", ymd(2024, 6, 29));
	TRUE("today - 30 > birth");
	TRUE("today - birth >= 60 * 365");
	TRUE("year(today + 200) == 2025");
	/* Years 1000-9999 only, as in date.h: beyond is blank. */
	snprintf(src, sizeof(src), "today - %d",
	    (int)(ymd(2024, 6, 15) - ymd(1000, 1, 1)));
	expect_date(src, ymd(1000, 1, 1));
	snprintf(src, sizeof(src), "today - %d",
	    (int)(ymd(2024, 6, 15) - ymd(1000, 1, 1)) + 1);
	expect_blank(src, EC_T_DATE);
	snprintf(src, sizeof(src), "today + %d",
	    (int)(ymd(9999, 12, 31) - ymd(2024, 6, 15)));
	expect_date(src, ymd(9999, 12, 31));
	snprintf(src, sizeof(src), "today + %d",
	    (int)(ymd(9999, 12, 31) - ymd(2024, 6, 15)) + 1);
	expect_blank(src, EC_T_DATE);
	expect_blank("today + 9223372036854775807", EC_T_DATE);
	expect_blank("today - 9223372036854775807 - 9", EC_T_DATE);
	expect_blank("year(today + 4000000)", EC_T_INT);
	/* A blank date in a chain stays blank to the end. */
	expect_blank("today + 4000000 - today", EC_T_INT);
}

static void
test_overflow(void **state)
{
	expect_blank("9223372036854775807 + 1", EC_T_INT);
	expect_blank("1 + 9223372036854775807", EC_T_INT);
	expect_blank("-9223372036854775807 - 2", EC_T_INT);
	expect_int("-9223372036854775807 - 1", INT64_MIN);
	expect_blank("-(-9223372036854775807 - 1)", EC_T_INT);
	expect_blank("9223372036854775807 * 2", EC_T_INT);
	expect_blank("-9223372036854775807 * 3", EC_T_INT);
	expect_blank("4294967296 * 4294967296", EC_T_INT);
	expect_int("4294967296 * 2147483647", 4294967296LL * 2147483647LL);
	expect_blank("(-9223372036854775807 - 1) / -1", EC_T_INT);
	expect_int("(-9223372036854775807 - 1) % -1", 0);
	expect_int("(-9223372036854775807 - 1) / 1", INT64_MIN);
	/* An overflow anywhere in the chain makes it blank. */
	expect_blank("9223372036854775807 + 1 - 1", EC_T_INT);
	expect_blank("(9223372036854775807 + 1) * 0", EC_T_INT);
	FALSE("9223372036854775807 + 1 > 0");
	FALSE("9223372036854775807 + 1 <= 0");
	TRUE("blank(9223372036854775807 + 1)");
}

static void
test_division_by_zero(void **state)
{
	expect_blank("1 / 0", EC_T_INT);
	expect_blank("1 % 0", EC_T_INT);
	expect_blank("0 / 0", EC_T_INT);
	expect_blank("n / (m - 3)", EC_T_INT);
	expect_blank("n % (n - n)", EC_T_INT);
	expect_blank("1 / 0 * 0", EC_T_INT);
	expect_blank("1 + 1 / 0", EC_T_INT);
	FALSE("1 / 0 == 0");
	FALSE("1 / 0 != 0");
	TRUE("blank(n / 0)");
	expect_int("0 / 5", 0);
}

static void
test_errors(void **state)
{
	/* Names. */
	expect_error("nn == 1", 0, "unknown column 'nn'");
	expect_error("n == 1 and foo", 11, "unknown column 'foo'");
	expect_error("frob(n)", 0, "unknown function 'frob'");
	expect_error("n + Age(birth)", 4, "unknown function 'Age'");
	expect_error("n == 1 and count (frob(n)) > 0", 18,
	    "unknown function 'frob'");
	/* Arity and argument types. */
	expect_error("1 + age(birth, today)", 4,
	    "age() takes 1 argument, not 2");
	expect_error("count()", 0, "count() takes 1 argument, not 0");
	expect_error("blank()", 0, "blank() takes 1 argument, not 0");
	expect_error("count(n)", 6, "count() takes a list, not int");
	expect_error("age(name)", 4, "age() takes a date, not text");
	expect_error("year(n)", 5, "year() takes a date, not int");
	expect_error("valid_phone(n)", 12, "valid_phone() takes text, not int");
	expect_error("id_birth(birth)", 9, "id_birth() takes text, not date");
	expect_error("id_sex(groups)", 7, "id_sex() takes text, not list");
	/* Types of operators. */
	expect_error("n == 'x'", 2, "cannot compare int with text");
	expect_error("birth < n", 6, "cannot compare date with int");
	expect_error("a == 1", 2, "cannot compare bool with int");
	expect_error("groups == 'poor'", 7, "cannot compare list with text");
	expect_error("groups == groups", 7, "cannot compare list with list");
	expect_error("a < b", 2, "cannot order bool values");
	expect_error("n and a", 0, "'and' needs bool operands, not int");
	expect_error("a and b and name", 12,
	    "'and' needs bool operands, not text");
	expect_error("a or n + 1", 5, "'or' needs bool operands, not int");
	expect_error("not n", 4, "'not' needs a bool operand, not int");
	expect_error("name + 1", 5, "cannot apply '+' to text and int");
	expect_error("birth + birth", 6, "cannot apply '+' to date and date");
	expect_error("n - birth", 2, "cannot apply '-' to int and date");
	expect_error("1 + 2 - a", 6, "cannot apply '-' to int and bool");
	expect_error("birth * 2", 6, "cannot apply '*' to date and int");
	expect_error("2 * 3 / today", 6, "cannot apply '/' to int and date");
	expect_error("n % a", 2, "cannot apply '%' to int and bool");
	expect_error("-name", 0, "cannot negate text");
	expect_error("n + -today", 4, "cannot negate date");
	/* in */
	expect_error("n in ['a']", 6, "cannot compare int with text");
	expect_error("sex in ['male', 1]", 16, "cannot compare text with int");
	expect_error("a in [1]", 0,
	    "'in' a list of literals needs int or text on the left, not bool");
	expect_error("n in groups", 0,
	    "'in' a list needs text on the left, not int");
	expect_error("'x' in name", 7, "'in' needs a list on the right, not text");
	expect_error("[1, 2]", 0, "a list of literals can only stand after 'in'");
	expect_error("n == [1]", 5,
	    "a list of literals can only stand after 'in'");
	expect_error("count([1])", 6,
	    "a list of literals can only stand after 'in'");
	expect_error("n in [1] + 1", 5,
	    "a list of literals can only stand after 'in'");
	expect_error("not [1]", 4,
	    "a list of literals can only stand after 'in'");
	/* Literals the resolver does not know. */
	expect_error("sex == 'man'", 7, "'man' is not a value of sex");
	expect_error("'mal' == sex", 0, "'mal' is not a value of sex");
	expect_error("sex != 'Male'", 7, "'Male' is not a value of sex");
	expect_error("sex in ['male', 'other']", 16,
	    "'other' is not a value of sex");
	expect_error("sex not in ['x']", 12, "'x' is not a value of sex");
	expect_error("level != \"top\"", 9, "'top' is not a value of level");
	expect_error("'rich' in groups", 0, "'rich' is not a value of groups");
	expect_error("a and 'rich' not in groups", 6,
	    "'rich' is not a value of groups");
	expect_error("(sex) == 'it''s'", 9, "'it's' is not a value of sex");
	/* Scanning. */
	expect_error("name == 'it''s", 8, "unterminated string");
	expect_error("name == \"abc", 8, "unterminated string");
	expect_error("'", 0, "unterminated string");
	expect_error("n == 1 $", 7, "unexpected character '$'");
	expect_error("n = 1", 2, "unexpected character '='");
	expect_error("n ! 1", 2, "unexpected character '!'");
	expect_error("a && b", 2, "unexpected character '&'");
	expect_error("a\xef\xbc\x8c" "b", 1, "unexpected character '\xef\xbc\x8c'");
	expect_error("a \x80", 2, "unexpected character '\\x80'");
	expect_error("a \xef\xbc", 2, "unexpected character '\\xef'");
	expect_error("n ==\x01", 4, "unexpected character '\\x01'");
	expect_error_n("n == \0", 6, 5, "unexpected character '\\x00'");
	expect_error("99999999999999999999", 0, "integer too large");
	expect_error("n > 9223372036854775808", 4, "integer too large");
	/* Syntax. */
	expect_error("n == 1 2", 7, "unexpected '2' after the expression");
	expect_error("(n == 1) )", 9, "unexpected ')' after the expression");
	expect_error("n == 1 == 2", 7, "unexpected '==' after the expression");
	expect_error("a not b", 2, "unexpected 'not' after the expression");
	expect_error("n == 1 'x'", 7, "unexpected 'x' after the expression");
	expect_error("n == 1 \"x\"", 7, "unexpected \"x\" after the expression");
	expect_error("", 0, "empty expression");
	expect_error(" \t\n ", 0, "empty expression");
	expect_error("1 +", 3, "unexpected end of expression");
	expect_error("1 + * 2", 4, "unexpected '*'");
	expect_error("()", 1, "unexpected ')'");
	expect_error("n in", 4, "unexpected end of expression");
	expect_error("not", 3, "unexpected end of expression");
	expect_error("(1 + 2", 6, "expected ')', found end of expression");
	expect_error("(a b)", 3, "expected ')', found 'b'");
	expect_error("age(birth", 9, "expected ',' or ')', found end of expression");
	expect_error("age(birth today)", 10, "expected ',' or ')', found 'today'");
	expect_error("n in [1 2]", 8, "expected ',' or ']', found '2'");
	expect_error("n in [1,]", 8, "expected a string or an integer, found ']'");
	expect_error("n in [a]", 6, "expected a string or an integer, found 'a'");
	expect_error("n in [-'a']", 7,
	    "expected an integer after '-', found 'a'");
	expect_error("n in [true]", 6,
	    "expected a string or an integer, found 'true'");
}

static void
test_long_names(void **state)
{
	char src[200], want[200];

	/* Long names and literals are cut in messages, not overflowed. */
	memset(src, 'x', 100);
	src[100] = '\0';
	snprintf(want, sizeof(want), "unknown column '%.60s...'", src);
	expect_error(src, 0, want);
	/* Cut at a character boundary: 21 three-byte characters. */
	strcpy(src, "sex == '");
	for (int i = 0; i < 21; i++)
		strcat(src, "\xe4\xb8\xad");
	strcat(src, "'");
	strcpy(want, "'");
	for (int i = 0; i < 20; i++)
		strcat(want, "\xe4\xb8\xad");
	strcat(want, "...' is not a value of sex");
	expect_error(src, 7, want);
}

/* A source of n copies of unit between head and tail. */
static char *
repeat(const char *head, const char *unit, size_t n, const char *tail)
{
	size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail);
	char *s = ec_xmalloc(hl + ul * n + tl + 1), *p = s;

	memcpy(p, head, hl);
	p += hl;
	for (size_t i = 0; i < n; i++, p += ul)
		memcpy(p, unit, ul);
	memcpy(p, tail, tl + 1);
	return s;
}

static char *
nested(size_t depth)
{
	char *s = ec_xmalloc(2 * depth + 2);

	memset(s, '(', depth);
	s[depth] = '1';
	memset(s + depth + 1, ')', depth);
	s[2 * depth + 1] = '\0';
	return s;
}

static void
test_depth(void **state)
{
	char *s;

	s = nested(256);
	expect_int(s, 1);
	free(s);
	s = nested(257);
	expect_error(s, 256, "expression nested too deeply");
	free(s);
	s = nested(100000);
	expect_error(s, 256, "expression nested too deeply");
	free(s);
	/* Unclosed: the limit is met before the missing ')'. */
	s = repeat("", "(", 100000, "");
	expect_error(s, 256, "expression nested too deeply");
	free(s);

	s = repeat("", "not ", 256, "a");
	TRUE(s);
	free(s);
	s = repeat("", "not ", 100000, "a");
	expect_error(s, 256 * 4, "expression nested too deeply");
	free(s);
	s = repeat("", "- ", 256, "1");
	expect_int(s, 1);
	free(s);
	s = repeat("", "-", 100000, "1");
	expect_error(s, 256, "expression nested too deeply");
	free(s);
	s = repeat("", "year(", 100000, "today");
	expect_error(s, 256 * 5 + 4, "expression nested too deeply");
	free(s);
	/* Each kind of nesting counts against the same limit. */
	s = repeat("", "(not -", 100, "1");
	expect_error(s, 256 / 3 * 6 + 1, "expression nested too deeply");
	free(s);
}

static void
test_long_chains(void **state)
{
	char *s;

	/* Chains are loops, not recursion: 10^5 terms cost no stack. */
	s = repeat("1", " + 1", 99999, "");
	expect_int(s, 100000);
	free(s);
	s = repeat("0", " - 1", 99999, " == -99999");
	TRUE(s);
	free(s);
	s = repeat("n", " * 1", 99999, "");
	expect_int(s, 5);
	free(s);
	s = repeat("a", " and a", 99999, "");
	TRUE(s);
	free(s);
	s = repeat("b", " or b", 99999, " or a");
	TRUE(s);
	free(s);
	s = repeat("today", " + 1 - 1", 50000, "");
	expect_date(s, ymd(2024, 6, 15));
	free(s);
	s = repeat("n in [", "1, ", 100000, "5]");
	TRUE(s);
	free(s);
	/* A type error at the end of a long chain. */
	s = repeat("1", " + 1", 99999, " + a");
	expect_error(s, 4 * 99999 + 2, "cannot apply '+' to int and bool");
	free(s);
}

static void
collect(void *arg, int slot)
{
	int *seen = arg;

	seen[slot]++;
}

static void
test_slots(void **state)
{
	struct ec_expr *e;
	int seen[NSLOTS];

	memset(seen, 0, sizeof(seen));
	e = compile("n + m > 1 and sex == 'male' and n < 10 or "
	    "'poor' in groups or age(birth) > 60 or blank(phone)");
	ec_expr_slots(e, collect, seen);
	ec_expr_free(e);
	assert_int_equal(seen[S_N], 2);
	assert_int_equal(seen[S_M], 1);
	assert_int_equal(seen[S_SEX], 1);
	assert_int_equal(seen[S_GROUPS], 1);
	assert_int_equal(seen[S_BIRTH], 1);
	assert_int_equal(seen[S_PHONE], 1);
	assert_int_equal(seen[S_AGE], 0);
	assert_int_equal(seen[S_NAME], 0);
	assert_int_equal(seen[S_A], 0);

	memset(seen, 0, sizeof(seen));
	e = compile("1 + 2 == 3 and today > id_birth('11010519491231002X')");
	ec_expr_slots(e, collect, seen);
	ec_expr_free(e);
	for (int i = 0; i < NSLOTS; i++)
		assert_int_equal(seen[i], 0);
}

static void
test_types(void **state)
{
	static const struct {
		const char *src;
		enum ec_type type;
	} cases[] = {
		{ "n + 1", EC_T_INT },
		{ "today", EC_T_DATE },
		{ "today - 1", EC_T_DATE },
		{ "today - birth", EC_T_INT },
		{ "id_sex(id)", EC_T_STR },
		{ "'x'", EC_T_STR },
		{ "groups", EC_T_LIST },
		{ "a", EC_T_BOOL },
		{ "n == 1", EC_T_BOOL },
		{ "count(groups)", EC_T_INT },
		{ "id_birth(id)", EC_T_DATE },
		{ "(valid_phone(phone))", EC_T_BOOL },
	};
	struct ec_expr *e;

	for (size_t i = 0; i < EC_ARRAY_LEN(cases); i++) {
		e = compile(cases[i].src);
		assert_int_equal(ec_expr_type(e), cases[i].type);
		ec_expr_free(e);
	}
	/* ec_expr_test says no to anything that is not a true BOOL. */
	e = compile("n");
	assert_int_equal(ec_expr_test(e, &env), 0);
	ec_expr_free(e);
	set_blank(S_A);
	e = compile("a");
	assert_int_equal(ec_expr_test(e, &env), 0);
	ec_expr_free(e);
}

static void
test_owns_copies(void **state)
{
	const char text[] = "name == 'Li Hua' and sex in ['female'] and "
	    "'poor' in groups and 'x' == 'x'";
	char *src = ec_xmemdup(text, sizeof(text) - 1);
	struct ec_expr *e;
	struct ec_value v;

	e = ec_expr_compile(src, strlen(src), &resolver, NULL);
	assert_non_null(e);
	memset(src, '?', strlen(src));
	free(src);
	assert_int_equal(ec_expr_test(e, &env), 1);
	ec_expr_free(e);

	/* A string result points into the expression, valid until freed. */
	src = ec_xstrdup("'kept'");
	e = ec_expr_compile(src, strlen(src), &resolver, NULL);
	free(src);
	ec_expr_eval(e, &env, &v);
	assert_int_equal(v.n, 4);
	assert_memory_equal(v.s, "kept", 4);
	ec_expr_free(e);

	/* Only len bytes are read: no NUL needed. */
	e = ec_expr_compile("n == 5 garbage", 6, &resolver, NULL);
	assert_non_null(e);
	assert_int_equal(ec_expr_test(e, &env), 1);
	ec_expr_free(e);

	ec_expr_free(NULL);
}

static void
test_no_resolver(void **state)
{
	struct ec_expr_resolver plain = { resolve, NULL, NULL };
	struct ec_expr_error err;
	struct ec_expr *e;

	e = ec_expr_compile("n", 1, NULL, &err);
	assert_null(e);
	assert_string_equal(err.msg, "unknown column 'n'");
	e = ec_expr_compile("1 + 1 == 2", 10, NULL, &err);
	assert_non_null(e);
	assert_int_equal(ec_expr_test(e, &env), 1);
	ec_expr_free(e);
	/* Without a literal checker every literal is accepted. */
	e = ec_expr_compile("sex == 'man'", 12, &plain, &err);
	assert_non_null(e);
	assert_int_equal(ec_expr_test(e, &env), 0);
	ec_expr_free(e);
	/* err may be NULL. */
	assert_null(ec_expr_compile("frob(", 5, &resolver, NULL));
}

/* The columns of examples/policy.yaml that its expressions use. */
static const struct {
	const char *name;
	enum ec_type type;
} policy_columns[] = {
	{ "id_number", EC_T_STR }, { "sex", EC_T_STR },
	{ "birth_date", EC_T_DATE }, { "living_arrangement", EC_T_STR },
	{ "children_total", EC_T_INT }, { "children_away", EC_T_INT },
	{ "away_months", EC_T_INT }, { "supporter_nearby", EC_T_BOOL },
	{ "supporter_capable", EC_T_BOOL }, { "ability_level", EC_T_STR },
	{ "poverty", EC_T_STR }, { "chronic_diseases", EC_T_LIST },
	{ "severe_mental_illness", EC_T_BOOL },
	{ "guardian_phone", EC_T_STR }, { "family_doctor", EC_T_BOOL },
	{ "last_health_check", EC_T_DATE }, { "age", EC_T_INT },
	{ "left_behind", EC_T_BOOL }, { "groups", EC_T_LIST },
	{ "special", EC_T_BOOL }, { "focus", EC_T_BOOL },
	{ "risk_level", EC_T_STR }, { "visit_status", EC_T_STR },
	{ "home_visit_status", EC_T_STR }, { "health_check_due", EC_T_STR },
	{ "alert", EC_T_STR }, { "alert_report", EC_T_STR },
};

static int
policy_resolve(void *ctx, const char *name, size_t len, enum ec_type *type)
{
	for (size_t i = 0; i < EC_ARRAY_LEN(policy_columns); i++)
		if (strlen(policy_columns[i].name) == len &&
		    memcmp(policy_columns[i].name, name, len) == 0) {
			*type = policy_columns[i].type;
			return (int)i;
		}
	return -1;
}

static void
test_policy_expressions(void **state)
{
	static const char *const bools[] = {
		"children_away > 0",
		"supporter_nearby",
		"children_away > children_total",
		"birth_date != id_birth(id_number)",
		"sex != id_sex(id_number)",
		"age < 60",
		"left_behind and blank(guardian_phone)",
		"age >= 60 and children_total >= 1 and children_away == "
		    "children_total\n           and away_months >= 6 and "
		    "(not supporter_nearby or not supporter_capable)",
		"living_arrangement == 'alone'",
		"ability_level in ['moderate', 'severe', 'total']",
		"poverty != 'none'",
		"age >= 80",
		"left_behind and count(groups) > 0",
		"left_behind and 'poor' in groups and ('oldest_old' in groups "
		    "or 'disabled' in groups)",
		"severe_mental_illness",
		"count(chronic_diseases) >= 2",
		"not valid_phone(guardian_phone)",
		"family_doctor == no",
		"ability_level in ['moderate', 'severe', 'total'] and "
		    "living_arrangement == 'alone'",
		"risk_level == 'high'",
		"year(last_health_check) == year(today)",
		"left_behind and home_visit_status in ['overdue', 'never']",
		"left_behind and not blank(alert)",
		"left_behind and alert_report in ['late', 'missing']",
	};
	struct ec_expr_resolver r = { policy_resolve, NULL, NULL };
	struct ec_expr_error err;
	struct ec_expr *e;
	const char *src;

	for (size_t i = 0; i < EC_ARRAY_LEN(bools); i++) {
		e = ec_expr_compile(bools[i], strlen(bools[i]), &r, &err);
		if (e == NULL)
			fail_msg("%s: %zu: %s", bools[i], err.offset, err.msg);
		assert_int_equal(ec_expr_type(e), EC_T_BOOL);
		ec_expr_free(e);
	}
	src = "age(id_birth(id_number))";
	e = ec_expr_compile(src, strlen(src), &r, &err);
	assert_non_null(e);
	assert_int_equal(ec_expr_type(e), EC_T_INT);
	ec_expr_free(e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_precedence, setup),
		cmocka_unit_test_setup(test_operators, setup),
		cmocka_unit_test_setup(test_short_circuit, setup),
		cmocka_unit_test_setup(test_blank, setup),
		cmocka_unit_test_setup(test_in, setup),
		cmocka_unit_test_setup(test_functions, setup),
		cmocka_unit_test_setup(test_age_boundaries, setup),
		cmocka_unit_test_setup(test_dates, setup),
		cmocka_unit_test_setup(test_overflow, setup),
		cmocka_unit_test_setup(test_division_by_zero, setup),
		cmocka_unit_test_setup(test_errors, setup),
		cmocka_unit_test_setup(test_long_names, setup),
		cmocka_unit_test_setup(test_depth, setup),
		cmocka_unit_test_setup(test_long_chains, setup),
		cmocka_unit_test_setup(test_slots, setup),
		cmocka_unit_test_setup(test_types, setup),
		cmocka_unit_test_setup(test_owns_copies, setup),
		cmocka_unit_test_setup(test_no_resolver, setup),
		cmocka_unit_test_setup(test_policy_expressions, setup),
	};

	return cmocka_run_group_tests_name("expr", tests, NULL, NULL);
}
