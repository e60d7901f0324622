#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "diag.h"
#include "text.h"
#include "util.h"

/* What the diagnostics print, captured in memory. */
struct out {
	FILE *f;
	char *p;
	size_t n;
	size_t mark;	/* where out_text starts */
};

static int
out_setup(void **state)
{
	struct out *o = calloc(1, sizeof *o);

	if (!o)
		return -1;
	o->f = open_memstream(&o->p, &o->n);
	if (!o->f) {
		free(o);
		return -1;
	}
	*state = o;
	return 0;
}

static int
out_teardown(void **state)
{
	struct out *o = *state;

	fclose(o->f);
	free(o->p);
	free(o);
	return 0;
}

/* Everything printed since the last out_clear. */
static const char *
out_text(struct out *o)
{
	assert_int_equal(fflush(o->f), 0);
	return o->p + o->mark;
}

/*
 * Forgets what was printed so far.  The stream stays as it is (ec_diag
 * holds it); only the start of what out_text shows moves.
 */
static void
out_clear(struct out *o)
{
	assert_int_equal(fflush(o->f), 0);
	o->mark = o->n;
}

static size_t
lines(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void
test_column_message(void **state)
{
	struct out *o = *state;
	struct ec_diag d;

	ec_diag_init(&d, "elder-classify", o->f, EC_DIAG_CAP);
	ec_diag_data(&d, EC_ERROR, "id-check", "census.csv", 12, "身份证号",
	    "the check character should be X, not 1");
	assert_string_equal(out_text(o), "elder-classify: census.csv:12: "
	    "身份证号: error: the check character should be X, not 1\n");
	assert_int_equal(d.errors, 1);
	assert_int_equal(d.warnings, 0);
}

static void
test_record_message(void **state)
{
	struct out *o = *state;
	struct ec_diag d;

	ec_diag_init(&d, "elder-classify", o->f, EC_DIAG_CAP);
	ec_diag_data(&d, EC_ERROR, "fields", "村/a.csv", 3, NULL,
	    "the record has 7 fields; the header has 9");
	assert_string_equal(out_text(o), "elder-classify: 村/a.csv:3: "
	    "error: the record has 7 fields; the header has 9\n");
}

static void
test_warning_wording(void **state)
{
	struct out *o = *state;
	struct ec_diag d;

	ec_diag_init(&d, "p", o->f, 0);
	ec_diag_data(&d, EC_WARNING, "phone", "f.csv", 2, "联系电话", "w1");
	ec_diag_data(&d, EC_WARNING, "phone", "f.csv", 4, NULL, "w2");
	ec_diag_data(&d, EC_ERROR, "date", "f.csv", 1000000, "出生日期", "e1");
	assert_string_equal(out_text(o),
	    "p: f.csv:2: 联系电话: warning: w1\n"
	    "p: f.csv:4: warning: w2\n"
	    "p: f.csv:1000000: 出生日期: error: e1\n");
	assert_int_equal(d.errors, 1);
	assert_int_equal(d.warnings, 2);
}

static void
test_message_not_format(void **state)
{
	struct out *o = *state;
	struct ec_diag d;

	/* Data goes in as text: a % in it is printed, not interpreted. */
	ec_diag_init(&d, "p", o->f, 0);
	ec_diag_data(&d, EC_ERROR, "integer", "%s.csv", 1, "%n", "'100%s' %d");
	assert_string_equal(out_text(o),
	    "p: %s.csv:1: %n: error: '100%s' %d\n");
}

static void
test_cap(void **state)
{
	struct out *o = *state;
	struct ec_diag d;

	ec_diag_init(&d, "p", o->f, 2);
	ec_diag_data(&d, EC_ERROR, "date", "f.csv", 2, "出生日期", "first");
	ec_diag_data(&d, EC_ERROR, "date", "f.csv", 3, "出生日期", "second");
	ec_diag_data(&d, EC_ERROR, "date", "f.csv", 4, "出生日期", "third");
	assert_string_equal(out_text(o),
	    "p: f.csv:2: 出生日期: error: first\n"
	    "p: f.csv:3: 出生日期: error: second\n");
	/* Held back but still counted. */
	assert_int_equal(d.errors, 3);
	out_clear(o);
	ec_diag_finish(&d, "f.csv");
	assert_string_equal(out_text(o),
	    "p: f.csv: 1 more messages like 'first' not shown\n");
}

static void
test_cap_per_kind(void **state)
{
	struct out *o = *state;
	struct ec_diag d;
	/* Kinds match by text, not by address. */
	char k1[] = "phone", k2[] = "phone";

	ec_diag_init(&d, "p", o->f, 1);
	ec_diag_data(&d, EC_WARNING, k1, "f", 1, NULL, "p1");
	ec_diag_data(&d, EC_ERROR, "date", "f", 2, NULL, "d1");
	ec_diag_data(&d, EC_WARNING, k2, "f", 3, NULL, "p2");
	ec_diag_data(&d, EC_ERROR, "date", "f", 4, NULL, "d2");
	ec_diag_data(&d, EC_ERROR, "date", "f", 5, NULL, "d3");
	ec_diag_data(&d, EC_ERROR, "range", "f", 6, NULL, "r1");
	assert_string_equal(out_text(o),
	    "p: f:1: warning: p1\n"
	    "p: f:2: error: d1\n"
	    "p: f:6: error: r1\n");
	assert_int_equal(d.errors, 4);
	assert_int_equal(d.warnings, 2);
	out_clear(o);
	/* One line per kind over the cap, in the order the kinds came. */
	ec_diag_finish(&d, "f");
	assert_string_equal(out_text(o),
	    "p: f: 1 more messages like 'p1' not shown\n"
	    "p: f: 2 more messages like 'd1' not shown\n");
}

static void
test_cap_zero(void **state)
{
	struct out *o = *state;
	struct ec_diag d;

	ec_diag_init(&d, "p", o->f, 0);
	for (size_t i = 1; i <= 250; i++)
		ec_diag_data(&d, EC_ERROR, "date", "f", i, "c", "bad date");
	assert_int_equal(lines(out_text(o)), 250);
	out_clear(o);
	ec_diag_finish(&d, "f");
	assert_string_equal(out_text(o), "");
}

static void
test_default_cap(void **state)
{
	struct out *o = *state;
	struct ec_diag d;

	ec_diag_init(&d, "p", o->f, EC_DIAG_CAP);
	for (size_t i = 1; i <= EC_DIAG_CAP; i++)
		ec_diag_data(&d, EC_ERROR, "k", "f", i, NULL, "m");
	assert_int_equal(lines(out_text(o)), EC_DIAG_CAP);
	out_clear(o);
	/* Exactly at the cap nothing was held back. */
	ec_diag_finish(&d, "f");
	assert_string_equal(out_text(o), "");

	for (size_t i = 1; i <= EC_DIAG_CAP + 37; i++)
		ec_diag_data(&d, EC_ERROR, "k", "g", i, NULL, "m");
	assert_int_equal(lines(out_text(o)), EC_DIAG_CAP);
	out_clear(o);
	ec_diag_finish(&d, "g");
	assert_string_equal(out_text(o),
	    "p: g: 37 more messages like 'm' not shown\n");
}

static void
test_finish_starts_afresh(void **state)
{
	struct out *o = *state;
	struct ec_diag d;

	ec_diag_init(&d, "p", o->f, 1);
	ec_diag_data(&d, EC_ERROR, "k", "a.csv", 1, NULL, "from a");
	ec_diag_data(&d, EC_ERROR, "k", "a.csv", 2, NULL, "from a again");
	ec_diag_finish(&d, "a.csv");
	out_clear(o);
	/* The next file has its own counts and its own sample. */
	ec_diag_data(&d, EC_ERROR, "k", "b.csv", 1, NULL, "from b");
	ec_diag_data(&d, EC_ERROR, "k", "b.csv", 2, NULL, "from b again");
	ec_diag_finish(&d, "b.csv");
	assert_string_equal(out_text(o),
	    "p: b.csv:1: error: from b\n"
	    "p: b.csv: 1 more messages like 'from b' not shown\n");
	out_clear(o);
	ec_diag_finish(&d, "b.csv");
	assert_string_equal(out_text(o), "");
}

/*
 * BUG (lib/diag.c, ec_diag_data): the sample of a kind is cut to 119
 * bytes with snprintf, which does not respect UTF-8, so the
 * "... more messages like '...' not shown" line can end in half a
 * character.  The message is the one lib/sheet.c writes for a bad
 * ability level under examples/policy.yaml: 130 bytes, and the cut
 * leaves "完全" and two of the three bytes of 失.
 */
static void
test_cap_sample_utf8(void **state)
{
	struct out *o = *state;
	struct ec_diag d;
	const char *msg = "unknown value 'x' (one of: 能力完好/intact, "
	    "轻度失能/mild, 中度失能/moderate, 重度失能/severe, "
	    "完全失能/total)";
	const char *t;

	assert_int_equal(strlen(msg), 130);
	ec_diag_init(&d, "elder-classify", o->f, 1);
	ec_diag_data(&d, EC_ERROR, "vocabulary", "c.csv", 2, "能力等级", msg);
	ec_diag_data(&d, EC_ERROR, "vocabulary", "c.csv", 3, "能力等级", msg);
	out_clear(o);
	ec_diag_finish(&d, "c.csv");
	t = out_text(o);
	/* Whatever is kept of the sample, the line must stay UTF-8. */
	if (ec_utf8_check(t, strlen(t)) != strlen(t))
		fail_msg("BUG: finish line is not UTF-8 at byte %zu: %s",
		    ec_utf8_check(t, strlen(t)), t);
}

static const char *
quote(const char *p, size_t n)
{
	static char out[256];
	struct ec_buf b = EC_BUF_INIT;
	char *copy = malloc(n ? n : 1);

	/* An exact copy, so that a read past n is caught. */
	assert_non_null(copy);
	if (n)
		memcpy(copy, p, n);
	ec_diag_quote(&b, copy, n);
	assert_true(b.len < sizeof out);
	memcpy(out, b.p, b.len + 1);
	ec_buf_release(&b);
	free(copy);
	return out;
}

#define QUOTE(lit)	quote((lit), sizeof(lit) - 1)

static void
test_quote_plain(void **state)
{
	struct ec_buf b = EC_BUF_INIT;

	assert_string_equal(QUOTE("abc"), "'abc'");
	assert_string_equal(QUOTE(""), "''");
	assert_string_equal(QUOTE("张三"), "'张三'");
	assert_string_equal(QUOTE("😀"), "'😀'");
	assert_string_equal(QUOTE("1949-13-01"), "'1949-13-01'");
	/* A quote inside is left as it is. */
	assert_string_equal(QUOTE("it's"), "'it's'");
	assert_string_equal(QUOTE("%s%n"), "'%s%n'");
	/* It appends. */
	ec_buf_adds(&b, "value ");
	ec_diag_quote(&b, "x", 1);
	ec_buf_adds(&b, " is bad");
	assert_string_equal(b.p, "value 'x' is bad");
	ec_buf_release(&b);
}

static void
test_quote_control(void **state)
{
	assert_string_equal(QUOTE("a\tb\n"), "'a\\x09b\\x0a'");
	assert_string_equal(QUOTE("a\0b"), "'a\\x00b'");
	assert_string_equal(QUOTE("\r"), "'\\x0d'");
	assert_string_equal(QUOTE("\x1b[31m"), "'\\x1b[31m'");
	assert_string_equal(QUOTE("\x7f"), "'\\x7f'");
	assert_string_equal(QUOTE("\x1f "), "'\\x1f '");
	/* A stray continuation byte is shown the same way. */
	assert_string_equal(QUOTE("a\x80" "b"), "'a\\x80b'");
	assert_string_equal(QUOTE("\xbf"), "'\\xbf'");
}

static void
test_quote_cut(void **state)
{
	const char *a50 = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

	/* 40 bytes are shown whole; one more and it is cut there. */
	assert_string_equal(quote(a50, 40),
	    "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'");
	assert_string_equal(quote(a50, 41),
	    "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...'");
	assert_string_equal(quote(a50, 50),
	    "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...'");
	/* Never inside a character: 39 bytes, then 张 whole, then the cut. */
	assert_string_equal(
	    QUOTE("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa张三"),
	    "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa张...'");
	assert_string_equal(QUOTE("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa张"),
	    "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa张'");
	/*
	 * A wide character counts 2 toward the 40 (its width on a
	 * terminal), so twenty Chinese characters (60 bytes) are shown.
	 */
	assert_string_equal(QUOTE("一二三四五六七八九十一二三四五六七八九十"),
	    "'一二三四五六七八九十一二三四五六七八九十'");
	assert_string_equal(QUOTE("一二三四五六七八九十一二三四五六七八九十甲"),
	    "'一二三四五六七八九十一二三四五六七八九十...'");
	/* Each \xNN counts 4: ten tabs fill it. */
	assert_string_equal(QUOTE("\t\t\t\t\t\t\t\t\t\t"),
	    "'\\x09\\x09\\x09\\x09\\x09\\x09\\x09\\x09\\x09\\x09'");
	assert_string_equal(QUOTE("\t\t\t\t\t\t\t\t\t\tx"),
	    "'\\x09\\x09\\x09\\x09\\x09\\x09\\x09\\x09\\x09\\x09...'");
}

static void
test_quote_cut_char(void **state)
{
	/* A character cut short by the end of the value: bytes as \xNN. */
	assert_string_equal(QUOTE("ab\xe5\xbc"), "'ab\\xe5\\xbc'");
	assert_string_equal(QUOTE("\xe5"), "'\\xe5'");
	assert_string_equal(QUOTE("张\xf0\x9f\x98"), "'张\\xf0\\x9f\\x98'");
	assert_string_equal(QUOTE("\xc3"), "'\\xc3'");
	/* Only s[0..n) is looked at, though more follows in memory. */
	assert_string_equal(quote("张三", 4), "'张\\xe4'");
}

/*
 * BUG (lib/diag.c, ec_diag_quote): a lead byte is trusted for its length,
 * so the bytes after it are copied raw even when they are not
 * continuation bytes; a newline after a stray lead byte then breaks the
 * one-line message, against "control bytes as \xNN".  Not reachable from
 * CSV input today (the reader rejects invalid UTF-8 first).
 */
static void
test_quote_bad_lead(void **state)
{
	assert_string_equal(QUOTE("\xc3\n"), "'\\xc3\\x0a'");
	assert_string_equal(QUOTE("\xe5\tab"), "'\\xe5\\x09ab'");
	assert_string_equal(QUOTE("\xff\n\n\n"), "'\\xff\\x0a\\x0a\\x0a'");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f)	cmocka_unit_test_setup_teardown(f, out_setup, out_teardown)
		T(test_column_message),
		T(test_record_message),
		T(test_warning_wording),
		T(test_message_not_format),
		T(test_cap),
		T(test_cap_per_kind),
		T(test_cap_zero),
		T(test_default_cap),
		T(test_finish_starts_afresh),
		T(test_cap_sample_utf8),
		cmocka_unit_test(test_quote_plain),
		cmocka_unit_test(test_quote_control),
		cmocka_unit_test(test_quote_cut),
		cmocka_unit_test(test_quote_cut_char),
		cmocka_unit_test(test_quote_bad_lead),
#undef T
	};

	return cmocka_run_group_tests_name("diag", tests, NULL, NULL);
}
