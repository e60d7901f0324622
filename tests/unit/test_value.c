#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "value.h"

#define IDSP	"\xe3\x80\x80"	/* U+3000 IDEOGRAPHIC SPACE */

/*
 * The items of the list s[0..n) joined with '|', after checking that
 * every item points into s (values never own memory) and that
 * ec_list_count agrees.  The list is copied to a block of exactly n bytes
 * so that a read past n is caught by the sanitizers.
 */
static const char *
items_n(const char *s, size_t n)
{
	static char out[512];
	char *p = malloc(n ? n : 1);
	size_t pos = 0, len, count = 0, o = 0;
	const char *item;

	assert_non_null(p);
	if (n)
		memcpy(p, s, n);
	out[0] = '\0';
	while (ec_list_next(p, n, &pos, &item, &len)) {
		assert_true(item >= p && item + len <= p + n);
		assert_true(len > 0);
		assert_true(pos <= n);
		assert_true(o + len + 2 < sizeof out);
		if (count++)
			out[o++] = '|';
		memcpy(out + o, item, len);
		o += len;
		out[o] = '\0';
	}
	/* At the end pos stays at n, and asking again still says no. */
	assert_int_equal(pos, n);
	assert_int_equal(ec_list_next(p, n, &pos, &item, &len), 0);
	assert_int_equal(pos, n);
	assert_int_equal(ec_list_count(p, n), count);
	free(p);
	return out;
}

static const char *
items(const char *s)
{
	return items_n(s, strlen(s));
}

static void
test_type_name(void **state)
{
	assert_string_equal(ec_type_name(EC_T_BOOL), "bool");
	assert_string_equal(ec_type_name(EC_T_INT), "int");
	assert_string_equal(ec_type_name(EC_T_STR), "text");
	assert_string_equal(ec_type_name(EC_T_DATE), "date");
	assert_string_equal(ec_type_name(EC_T_LIST), "list");
	assert_string_equal(ec_type_name((enum ec_type)0), "?");
	assert_string_equal(ec_type_name((enum ec_type)99), "?");
}

static void
test_constructors(void **state)
{
	struct ec_value v;

	v = ec_value_blank(EC_T_DATE);
	assert_int_equal(v.blank, 1);
	assert_int_equal(v.type, EC_T_DATE);
	assert_int_equal(v.i, 0);
	assert_null(v.s);
	assert_int_equal(v.n, 0);
	v = ec_value_int(EC_T_INT, INT64_MIN);
	assert_int_equal(v.blank, 0);
	assert_int_equal(v.type, EC_T_INT);
	assert_true(v.i == INT64_MIN);
	v = ec_value_str(EC_T_LIST, "a;b", 3);
	assert_int_equal(v.blank, 0);
	assert_int_equal(v.type, EC_T_LIST);
	assert_string_equal(v.s, "a;b");
	assert_int_equal(v.n, 3);
}

static void
test_each_separator(void **state)
{
	assert_string_equal(items("高血压;糖尿病"), "高血压|糖尿病");
	assert_string_equal(items("高血压；糖尿病"), "高血压|糖尿病");
	assert_string_equal(items("高血压、糖尿病"), "高血压|糖尿病");
	assert_string_equal(items("高血压,糖尿病"), "高血压|糖尿病");
	assert_string_equal(items("高血压，糖尿病"), "高血压|糖尿病");
	assert_string_equal(items("a;b;c"), "a|b|c");
}

static void
test_mixed_separators(void **state)
{
	assert_string_equal(items("a;b；c、d,e，f"), "a|b|c|d|e|f");
	assert_string_equal(items("张三；李四、王五,赵六，钱七;孙八"),
	    "张三|李四|王五|赵六|钱七|孙八");
	assert_int_equal(ec_list_count("张三；李四、王五,赵六，钱七;孙八",
	    strlen("张三；李四、王五,赵六，钱七;孙八")), 6);
}

static void
test_empty_items(void **state)
{
	assert_string_equal(items(";;a;;"), "a");
	assert_string_equal(items("a;；、,，b"), "a|b");
	assert_string_equal(items("，a，"), "a");
	assert_string_equal(items("a; ;b"), "a|b");
	assert_string_equal(items("a;" IDSP "、b"), "a|b");
	assert_string_equal(items(";"), "");
	assert_string_equal(items("；、，"), "");
	assert_int_equal(ec_list_count("; ,;", 4), 0);
}

static void
test_trimmed(void **state)
{
	assert_string_equal(items(" a ; b\t"), "a|b");
	assert_string_equal(items("\r\na\r\n,\tb\t"), "a|b");
	assert_string_equal(items(IDSP "张三" IDSP "、" IDSP "李四" IDSP),
	    "张三|李四");
	assert_string_equal(items(IDSP " 张三 " IDSP "；" IDSP IDSP "李四"),
	    "张三|李四");
	/* White space inside an item stays. */
	assert_string_equal(items(" 高 血压 ;糖" IDSP "尿病"),
	    "高 血压|糖" IDSP "尿病");
}

static void
test_blank_list(void **state)
{
	size_t pos = 0, len = 99;
	const char *item = NULL;

	assert_int_equal(ec_list_next("", 0, &pos, &item, &len), 0);
	assert_int_equal(pos, 0);
	assert_null(item);		/* untouched when there is none */
	assert_int_equal(len, 99);
	assert_int_equal(ec_list_count("", 0), 0);
	assert_string_equal(items(""), "");
	assert_string_equal(items("   "), "");
	assert_string_equal(items(IDSP), "");
	assert_string_equal(items(" " IDSP "\t" IDSP), "");
	assert_string_equal(items(IDSP ";" IDSP), "");
}

static void
test_not_separators(void **state)
{
	/* Other punctuation, in both widths, leaves one item. */
	static const char *const t[] = {
		"a|b", "a/b", "a b", "a:b", "a.b",
		"a。b",		/* U+3002 (E3 80 82, next to 、) */
		"a：b",		/* U+FF1A */
		"a﹔b",		/* U+FE54 small semicolon */
		"a﹐b",		/* U+FE50 small comma */
		"a" IDSP "b",
	};

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		if (ec_list_count(t[i], strlen(t[i])) != 1)
			fail_msg("\"%s\" is not one item", t[i]);
		assert_string_equal(items(t[i]), t[i]);
	}
}

static void
test_positions(void **state)
{
	const char *s = "a；bb, c";
	size_t n = strlen(s), pos = 0, len;
	const char *item;

	/* pos moves past each item's separator. */
	assert_int_equal(ec_list_next(s, n, &pos, &item, &len), 1);
	assert_ptr_equal(item, s);
	assert_int_equal(len, 1);
	assert_int_equal(pos, 4);
	assert_int_equal(ec_list_next(s, n, &pos, &item, &len), 1);
	assert_ptr_equal(item, s + 4);
	assert_int_equal(len, 2);
	assert_int_equal(pos, 7);
	assert_int_equal(ec_list_next(s, n, &pos, &item, &len), 1);
	assert_ptr_equal(item, s + 8);
	assert_int_equal(len, 1);
	assert_int_equal(pos, 9);
	assert_int_equal(ec_list_next(s, n, &pos, &item, &len), 0);
	assert_int_equal(pos, 9);

	/* A caller may start anywhere an item starts. */
	pos = 4;
	assert_int_equal(ec_list_next(s, n, &pos, &item, &len), 1);
	assert_ptr_equal(item, s + 4);
	assert_int_equal(len, 2);
}

static void
test_length_bounds(void **state)
{
	/* Only s[0..n) counts. */
	assert_string_equal(items_n("a;b;c", 3), "a|b");
	assert_string_equal(items_n("a;b;c", 2), "a");
	assert_string_equal(items_n("a，b", 1), "a");
	/* A separator cut by n is not a separator (nor read past n). */
	assert_string_equal(items_n("a\xef\xbc\x8c" "b", 3), "a\xef\xbc");
	assert_string_equal(items_n("a\xe3\x80\x81", 2), "a\xe3");
	/* A NUL inside is an ordinary byte. */
	assert_int_equal(ec_list_count("a\0b;c", 5), 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_type_name),
		cmocka_unit_test(test_constructors),
		cmocka_unit_test(test_each_separator),
		cmocka_unit_test(test_mixed_separators),
		cmocka_unit_test(test_empty_items),
		cmocka_unit_test(test_trimmed),
		cmocka_unit_test(test_blank_list),
		cmocka_unit_test(test_not_separators),
		cmocka_unit_test(test_positions),
		cmocka_unit_test(test_length_bounds),
	};

	return cmocka_run_group_tests_name("value", tests, NULL, NULL);
}
