#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>

#include <cmocka.h>

#include "width.h"

static size_t
width(const char *s)
{
	return ec_width(s, strlen(s));
}

static void
test_ascii(void **state)
{
	assert_int_equal(width(""), 0);
	assert_int_equal(width("a"), 1);
	assert_int_equal(width("100.0%"), 6);
	assert_int_equal(width("512002********123X"), 18);
	/* Control characters take no column; the renderer replaces them. */
	assert_int_equal(width("\t"), 0);
	assert_int_equal(width("a\x7f"), 1);
}

static void
test_cjk(void **state)
{
	assert_int_equal(width("中"), 2);
	assert_int_equal(width("王建国"), 6);
	/* Full-width punctuation, as in 县（区） and 走访日期（填写）. */
	assert_int_equal(width("（）：，"), 8);
	assert_int_equal(width("县（区）"), 8);
	assert_int_equal(width("县(区)"), 6);
	assert_int_equal(width("\u3000"), 2);	/* ideographic space */
	assert_int_equal(width("한글"), 4);
	assert_int_equal(width("あア"), 4);
	assert_int_equal(width("\U00020000"), 2);	/* CJK extension B */
	assert_int_equal(width("\U0001F600"), 2);	/* an emoji */
	/* Half-width katakana and forms are narrow. */
	assert_int_equal(width("\uff71"), 1);
}

static void
test_combining(void **state)
{
	assert_int_equal(width("e\u0301"), 1);	/* é as e and an accent */
	assert_int_equal(width("\u0301"), 0);
	assert_int_equal(width("か\u3099"), 2);	/* が as か and a mark */
	assert_int_equal(width("a\u200bb"), 2);	/* zero-width space */
	assert_int_equal(width("\u200d"), 0);
	assert_int_equal(width("\ufeff"), 0);
	assert_int_equal(width("\U000E0100"), 0);	/* variation selector */
}

static void
test_mixed(void **state)
{
	assert_int_equal(width("王建国 abc"), 10);
	assert_int_equal(width("安岳县 兴隆镇"), 13);
	assert_int_equal(width("统计日期：2026-11-30"), 20);
	assert_int_equal(width("阿不都·买买提"), 13);	/* · is narrow */
}

static void
test_boundaries(void **state)
{
	static const struct {
		uint32_t cp;
		int w;
	} t[] = {
		{ 0x1f, 0 }, { 0x20, 1 }, { 0x7e, 1 }, { 0x9f, 0 },
		{ 0xa0, 1 }, { 0x2ff, 1 }, { 0x300, 0 }, { 0x36f, 0 },
		{ 0x370, 1 }, { 0x10ff, 1 }, { 0x1100, 2 }, { 0x115f, 2 },
		{ 0x1160, 0 }, { 0x11ff, 0 }, { 0x1200, 1 }, { 0x2e7f, 1 },
		{ 0x2e80, 2 }, { 0x3000, 2 }, { 0x303e, 2 }, { 0x303f, 1 },
		{ 0x3041, 2 }, { 0x3099, 0 }, { 0x309a, 0 }, { 0x33ff, 2 },
		{ 0x3400, 2 }, { 0x4dbf, 2 }, { 0x4dc0, 1 }, { 0x4e00, 2 },
		{ 0x9fff, 2 }, { 0xa000, 2 }, { 0xa4c6, 2 }, { 0xa4c7, 1 },
		{ 0xabff, 1 }, { 0xac00, 2 }, { 0xd7a3, 2 }, { 0xd7a4, 1 },
		{ 0xd7b0, 0 }, { 0xf8ff, 1 }, { 0xf900, 2 }, { 0xfaff, 2 },
		{ 0xfe00, 0 }, { 0xfe0f, 0 }, { 0xfe10, 2 }, { 0xfe30, 2 },
		{ 0xfe4f, 2 }, { 0xff00, 1 }, { 0xff01, 2 }, { 0xff60, 2 },
		{ 0xff61, 1 }, { 0xffdf, 1 }, { 0xffe0, 2 }, { 0xffe6, 2 },
		{ 0xffe7, 1 }, { 0xfffd, 1 }, { 0x1f300, 2 }, { 0x1ffff, 1 },
		{ 0x20000, 2 }, { 0x2a6df, 2 }, { 0x2fffd, 2 }, { 0x2fffe, 1 },
		{ 0x30000, 2 }, { 0x3fffd, 2 }, { 0x3fffe, 1 }, { 0x40000, 1 },
		{ 0xe0001, 1 }, { 0xe0100, 0 }, { 0xe01ef, 0 }, { 0x10ffff, 1 },
	};

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (ec_cp_width(t[i].cp) != t[i].w)
			fail_msg("U+%04X: width %d, expected %d",
			    (unsigned)t[i].cp, ec_cp_width(t[i].cp), t[i].w);
}

static void
test_decode(void **state)
{
	uint32_t cp;

	assert_int_equal(ec_utf8_decode("a", 1, &cp), 1);
	assert_int_equal(cp, 'a');
	assert_int_equal(ec_utf8_decode("中", 3, &cp), 3);
	assert_int_equal(cp, 0x4e2d);
	assert_int_equal(ec_utf8_decode("\xf0\x9f\x98\x80", 4, &cp), 4);
	assert_int_equal(cp, 0x1f600);
	/* Invalid: one byte each, shown as U+FFFD, one column. */
	assert_int_equal(ec_utf8_decode("\xc0\x80", 2, &cp), 1);
	assert_int_equal(cp, 0xfffd);
	assert_int_equal(ec_utf8_decode("\xed\xa0\x80", 3, &cp), 1);
	assert_int_equal(cp, 0xfffd);
	assert_int_equal(ec_utf8_decode("\xe4\xb8", 2, &cp), 1);
	assert_int_equal(cp, 0xfffd);
	assert_int_equal(ec_utf8_decode("\xff", 1, &cp), 1);
	assert_int_equal(width("\xe4\xb8"), 2);
	assert_int_equal(width("\xff中"), 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ascii),
		cmocka_unit_test(test_cjk),
		cmocka_unit_test(test_combining),
		cmocka_unit_test(test_mixed),
		cmocka_unit_test(test_boundaries),
		cmocka_unit_test(test_decode),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
