/*
 * The module itself, not its archive member: every way of scanning
 * UTF-8 is held to the same answers, on any processor that runs it.
 */
#include "../../lib/text.c"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define IDSP	"\xe3\x80\x80"	/* U+3000 IDEOGRAPHIC SPACE */

/*
 * Copies s[0..n) into a heap block of exactly n bytes, so that AddressSanitizer
 * (or valgrind) reports any read past the end the caller allowed.
 */
static char *
exact(const char *s, size_t n)
{
	char *p = malloc(n ? n : 1);

	assert_non_null(p);
	if (n)
		memcpy(p, s, n);
	return p;
}

/* ec_trim on a string literal; the trimmed text as offset and length. */
static void
trim_is(const char *s, size_t off, size_t len)
{
	size_t n = strlen(s);
	char *p = exact(s, n);
	const char *t = ec_trim(p, &n);

	if (n != len || (len && t != p + off))
		fail_msg("trim \"%s\": got offset %td length %zu, want %zu %zu",
		    s, t - p, n, off, len);
	free(p);
}

static void
test_trim_ascii(void **state)
{
	trim_is("abc", 0, 3);
	trim_is("  abc  ", 2, 3);
	trim_is("\t\n\v\f\r abc \r\n\f\v\t", 6, 3);
	trim_is("a b", 0, 3);		/* inner space stays */
	trim_is(" a \t b ", 1, 5);
	trim_is("x", 0, 1);
	trim_is(" x", 1, 1);
	trim_is("x ", 0, 1);
}

static void
test_trim_ideographic_space(void **state)
{
	trim_is(IDSP "张三" IDSP, 3, 6);
	trim_is(IDSP IDSP "张三" IDSP IDSP, 6, 6);
	trim_is(IDSP "a", 3, 1);
	trim_is("a" IDSP, 0, 1);
	/* Mixed with ASCII space in any order, at both ends. */
	trim_is(" " IDSP "\t" IDSP " 李四 " IDSP "\r\n" IDSP, 9, 6);
	/* Inside the text it stays. */
	trim_is("张" IDSP "三", 0, 9);
}

static void
test_trim_blank(void **state)
{
	size_t n = 0;
	const char *s = "";

	assert_ptr_equal(ec_trim(s, &n), s);
	assert_int_equal(n, 0);
	trim_is(" ", 0, 0);
	trim_is("\t\r\n", 0, 0);
	trim_is(IDSP, 0, 0);
	trim_is(IDSP " " IDSP, 0, 0);
}

static void
test_trim_not_space(void **state)
{
	/* Only the listed characters are white space. */
	trim_is("\xc2\xa0" "a" "\xc2\xa0", 0, 5);	/* U+00A0 */
	trim_is("\xe3\x80\x81" "a", 0, 4);		/* 、 is not space */
	trim_is("\x1c" "a" "\x1f", 0, 3);		/* FS, US */
	trim_is("\x0e" "a" "\x08", 0, 3);		/* just beside \t..\r */
	/* Part of U+3000 at an end is not U+3000. */
	trim_is("a\xe3\x80", 0, 3);
	trim_is("\x80\x80" "a", 0, 3);
	/* A NUL is not white space. */
	{
		char s[] = { '\0', 'a', '\0' };
		size_t n = sizeof s;
		const char *t = ec_trim(s, &n);

		assert_ptr_equal(t, s);
		assert_int_equal(n, 3);
	}
}

/*
 * Every length up to 24, equal, and differing in one byte at each place
 * (by one bit, low or high): the answer memcmp gives.
 */
static void
test_short_eq(void **state)
{
	char a[24], b[24];

	(void)state;
	for (size_t i = 0; i < sizeof a; i++)
		a[i] = (char)(0x41 + i * 7);
	for (size_t n = 0; n <= sizeof a; n++) {
		memcpy(b, a, sizeof a);
		assert_int_equal(ec_short_eq(a, b, n), 1);
		for (size_t at = 0; at < n; at++) {
			for (int bit = 0; bit < 8; bit += 7) {
				memcpy(b, a, sizeof a);
				b[at] = (char)(b[at] ^ (1 << bit));
				if (ec_short_eq(a, b, n) != 0)
					fail_msg("n %zu, byte %zu bit %d: equal",
					    n, at, bit);
			}
		}
		/* bytes past n do not count */
		memcpy(b, a, sizeof a);
		if (n < sizeof a) {
			b[n] ^= 1;
			assert_int_equal(ec_short_eq(a, b, n), 1);
		}
	}
}

static void
test_ascii_case_eq(void **state)
{
	assert_int_equal(ec_ascii_case_eq("yes", 3, "YES", 3), 1);
	assert_int_equal(ec_ascii_case_eq("Yes", 3, "yEs", 3), 1);
	assert_int_equal(ec_ascii_case_eq("AZaz", 4, "azAZ", 4), 1);
	assert_int_equal(ec_ascii_case_eq("", 0, "", 0), 1);
	assert_int_equal(ec_ascii_case_eq("是", 3, "是", 3), 1);
	assert_int_equal(ec_ascii_case_eq("yes", 3, "yes ", 4), 0);
	assert_int_equal(ec_ascii_case_eq("yes", 3, "yet", 3), 0);
	assert_int_equal(ec_ascii_case_eq("a", 1, "", 0), 0);
	/* Only letters fold: these pairs differ by 0x20 too. */
	assert_int_equal(ec_ascii_case_eq("@", 1, "`", 1), 0);
	assert_int_equal(ec_ascii_case_eq("[", 1, "{", 1), 0);
	assert_int_equal(ec_ascii_case_eq("]", 1, "}", 1), 0);
	assert_int_equal(ec_ascii_case_eq("^", 1, "~", 1), 0);
	assert_int_equal(ec_ascii_case_eq("1", 1, "\x11", 1), 0);
	/* No folding beyond ASCII: É (C3 89) and é (C3 A9). */
	assert_int_equal(ec_ascii_case_eq("\xc3\x89", 2, "\xc3\xa9", 2), 0);
	/* The lengths rule, not NUL. */
	assert_int_equal(ec_ascii_case_eq("A\0b", 3, "a\0B", 3), 1);
	assert_int_equal(ec_ascii_case_eq("A\0b", 3, "a\0c", 3), 0);
	assert_int_equal(ec_ascii_case_eq("abc", 2, "ABd", 2), 1);
}

static void
test_all_digits(void **state)
{
	assert_int_equal(ec_all_digits("0123456789", 10), 1);
	assert_int_equal(ec_all_digits("7", 1), 1);
	assert_int_equal(ec_all_digits("", 0), 0);
	assert_int_equal(ec_all_digits("12a", 3), 0);
	assert_int_equal(ec_all_digits("12a", 2), 1);
	assert_int_equal(ec_all_digits(" 1", 2), 0);
	assert_int_equal(ec_all_digits("1 ", 2), 0);
	assert_int_equal(ec_all_digits("/", 1), 0);	/* '0' - 1 */
	assert_int_equal(ec_all_digits(":", 1), 0);	/* '9' + 1 */
	assert_int_equal(ec_all_digits("-1", 2), 0);
	assert_int_equal(ec_all_digits("\xef\xbc\x91", 3), 0);	/* １ */
	assert_int_equal(ec_all_digits("\xb0", 1), 0);	/* '0' | 0x80 */
	assert_int_equal(ec_all_digits("1\0" "2", 3), 0);
}

/*
 * An independent UTF-8 checker: decodes the code point and rejects it by
 * value (overlong, surrogate, too large) rather than by byte ranges.
 */
static size_t
ref_check(const unsigned char *s, size_t n)
{
	static const unsigned long min[5] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t i = 0;

	while (i < n) {
		unsigned long cp;
		size_t len;

		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((s[i] & 0xe0) == 0xc0)
			len = 2, cp = s[i] & 0x1f;
		else if ((s[i] & 0xf0) == 0xe0)
			len = 3, cp = s[i] & 0x0f;
		else if ((s[i] & 0xf8) == 0xf0)
			len = 4, cp = s[i] & 0x07;
		else
			return i;
		if (i + len > n)
			return i;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return i;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if (cp < min[len] || (cp >= 0xd800 && cp <= 0xdfff) ||
		    cp > 0x10ffff)
			return i;
		i += len;
	}
	return n;
}

/* ec_utf8_scan_marks done as impl says, or portably where it cannot. */
static size_t
scan_with(int impl, const char *s, size_t n, unsigned *seen, char delim,
    uint64_t *marks)
{
	return scan(scan_has(impl) ? impl : SCAN_PORTABLE, s, n, seen, delim,
	    marks);
}

/*
 * ec_utf8_check of s, which every way of scanning this processor runs
 * must answer alike.
 */
static size_t
check(const char *s, size_t n)
{
	char *p = exact(s, n);
	size_t r = ec_utf8_check(p, n);

	for (int impl = SCAN_PORTABLE; impl <= SCAN_AVX2; impl++) {
		size_t got = scan_with(impl, p, n, NULL, 0, NULL);
		if (got != r)
			fail_msg("scan %d says %zu, ec_utf8_check %zu", impl,
			    got, r);
	}
	free(p);
	return r;
}

/* sizeof - 1, so that literals may hold NUL and high bytes. */
#define CHECK(lit)	check((lit), sizeof(lit) - 1)

static void
test_utf8_valid(void **state)
{
	assert_int_equal(check("", 0), 0);
	assert_int_equal(CHECK("abc"), 3);
	assert_int_equal(CHECK("\0"), 1);
	assert_int_equal(CHECK("\x7f"), 1);
	assert_int_equal(CHECK("\xc2\x80"), 2);			/* U+0080 */
	assert_int_equal(CHECK("\xc3\xa9"), 2);			/* é */
	assert_int_equal(CHECK("\xdf\xbf"), 2);			/* U+07FF */
	assert_int_equal(CHECK("\xe0\xa0\x80"), 3);		/* U+0800 */
	assert_int_equal(CHECK("\xe4\xb8\x80"), 3);		/* 一 */
	assert_int_equal(CHECK("\xed\x9f\xbf"), 3);		/* U+D7FF */
	assert_int_equal(CHECK("\xee\x80\x80"), 3);		/* U+E000 */
	assert_int_equal(CHECK("\xef\xbf\xbf"), 3);		/* U+FFFF */
	assert_int_equal(CHECK("\xf0\x90\x80\x80"), 4);		/* U+10000 */
	assert_int_equal(CHECK("\xf0\x9f\x98\x80"), 4);		/* 😀 */
	assert_int_equal(CHECK("\xf3\xbf\xbf\xbf"), 4);		/* U+FFFFF */
	assert_int_equal(CHECK("\xf4\x8f\xbf\xbf"), 4);		/* U+10FFFF */
	assert_int_equal(CHECK("张三，男，1949年" IDSP), 25);
}

static void
test_utf8_overlong(void **state)
{
	assert_int_equal(CHECK("\xc0\x80"), 0);
	assert_int_equal(CHECK("\xc0\xaf"), 0);
	assert_int_equal(CHECK("\xc1\xbf"), 0);
	assert_int_equal(CHECK("\xe0\x80\x80"), 0);
	assert_int_equal(CHECK("\xe0\x9f\xbf"), 0);
	assert_int_equal(CHECK("\xf0\x80\x80\x80"), 0);
	assert_int_equal(CHECK("\xf0\x8f\xbf\xbf"), 0);
	assert_int_equal(CHECK("ab\xc0\x80"), 2);
	assert_int_equal(CHECK("ab\xe0\x80\x80"), 2);
	assert_int_equal(CHECK("ab\xf0\x80\x80\x80"), 2);
}

static void
test_utf8_surrogate_and_range(void **state)
{
	assert_int_equal(CHECK("\xed\xa0\x80"), 0);		/* U+D800 */
	assert_int_equal(CHECK("\xed\xaf\xbf"), 0);		/* U+DBFF */
	assert_int_equal(CHECK("\xed\xb0\x80"), 0);		/* U+DC00 */
	assert_int_equal(CHECK("\xed\xbf\xbf"), 0);		/* U+DFFF */
	assert_int_equal(CHECK("\xf4\x90\x80\x80"), 0);		/* U+110000 */
	assert_int_equal(CHECK("\xf4\xbf\xbf\xbf"), 0);
	assert_int_equal(CHECK("\xf5\x80\x80\x80"), 0);
	assert_int_equal(CHECK("\xf7\xbf\xbf\xbf"), 0);
	assert_int_equal(CHECK("\xf8\x88\x80\x80\x80"), 0);	/* 5 bytes */
	assert_int_equal(CHECK("\xfc\x84\x80\x80\x80\x80"), 0);	/* 6 bytes */
	assert_int_equal(CHECK("\xfe"), 0);
	assert_int_equal(CHECK("\xff"), 0);
	assert_int_equal(CHECK("\x80"), 0);			/* lone tail */
	assert_int_equal(CHECK("\xbf"), 0);
	assert_int_equal(CHECK("张\xed\xa0\x80"), 3);
	assert_int_equal(CHECK("张\xf4\x90\x80\x80"), 3);
}

static void
test_utf8_bad_continuation(void **state)
{
	assert_int_equal(CHECK("\xc3" "A"), 0);
	assert_int_equal(CHECK("\xc3\xc3\xa9"), 0);
	assert_int_equal(CHECK("\xe4" "A\x80"), 0);
	assert_int_equal(CHECK("\xe4\xb8" "A"), 0);
	assert_int_equal(CHECK("\xe4\xb8\xc0"), 0);
	assert_int_equal(CHECK("\xf0\x9f" "A\x80"), 0);
	assert_int_equal(CHECK("\xf0\x9f\x98" "A"), 0);
	assert_int_equal(CHECK("\xf0\x9f\x98\xc0"), 0);
	/* A two-byte character then a stray tail: the tail is reported. */
	assert_int_equal(CHECK("\xc3\xa9\x80"), 2);
	assert_int_equal(CHECK("\xe4\xb8\x80\x80"), 3);
}

static void
test_utf8_truncated(void **state)
{
	assert_int_equal(CHECK("\xc3"), 0);
	assert_int_equal(CHECK("a\xc3"), 1);
	assert_int_equal(CHECK("ab\xe5"), 2);
	assert_int_equal(CHECK("ab\xe5\xbc"), 2);
	assert_int_equal(CHECK("\xf0\x9f\x98"), 0);
	assert_int_equal(CHECK("张三\xf0\x9f"), 6);
	assert_int_equal(CHECK("0123456789\xf0"), 10);
	/* Cut by n although the buffer holds the rest. */
	assert_int_equal(check("\xe5\xbc\xa0", 2), 0);
	assert_int_equal(check("a\xf0\x9f\x98\x80", 4), 1);
	assert_int_equal(check("a\xf0\x9f\x98\x80", 5), 5);
}

/*
 * lead, run ASCII digits, the bad bytes, then (unless the bad bytes are a
 * cut character, which must end the text) more ASCII: the error must be
 * reported exactly where the bad bytes start.
 */
static void
bad_after(const char *lead, size_t run, const char *bad, int cut)
{
	char buf[128];
	size_t ll = strlen(lead), bl = strlen(bad), n = 0, got;

	memcpy(buf, lead, ll);
	n += ll;
	memset(buf + n, '7', run);
	n += run;
	memcpy(buf + n, bad, bl);
	n += bl;
	if (!cut) {
		memset(buf + n, '8', 9);
		n += 9;
	}
	if ((got = check(buf, n)) != ll + run)
		fail_msg("%zu-byte lead, %zu ASCII, bad %02x: got %zu, "
		    "want %zu", ll, run, (unsigned char)bad[0], got, ll + run);
}

/*
 * Bad bytes after runs of ASCII of every length up to 40, so the error
 * lands at each offset within and after the eight-byte words, and after a
 * multi-byte character that leaves the words misaligned.
 */
static void
test_utf8_fast_path(void **state)
{
	static const struct {
		const char *s;
		int cut;	/* a truncated character: must end the text */
	} bad[] = {
		{ "\x80", 0 }, { "\xff", 0 }, { "\xc0\x80", 0 },
		{ "\xe0\x80\x80", 0 }, { "\xed\xa0\x80", 0 },
		{ "\xf0\x80\x80\x80", 0 }, { "\xf4\x90\x80\x80", 0 },
		{ "\xc3" "A", 0 }, { "\xc3", 1 }, { "\xe5\xbc", 1 },
		{ "\xf0\x9f\x98", 1 },
	};
	static const char *const lead[] = {
		"", "\xc3\xa9", "张", "\xf0\x9f\x98\x80",
	};

	assert_int_equal(CHECK("12345678\x80"), 8);
	assert_int_equal(CHECK("1234567\x80" "12345678"), 7);
	assert_int_equal(CHECK("0123456789012345\xff"), 16);
	assert_int_equal(CHECK("0123456789" "0123456789"), 20);
	assert_int_equal(CHECK("张" "0123456789abcdef" "\xed\xa0\x80"), 19);
	for (size_t l = 0; l < sizeof lead / sizeof lead[0]; l++)
		for (size_t b = 0; b < sizeof bad / sizeof bad[0]; b++)
			for (size_t run = 0; run <= 40; run++)
				bad_after(lead[l], run, bad[b].s, bad[b].cut);
}

/* a b t0 t1 after off ASCII bytes, against the reference decoder. */
static void
sweep_one(int impl, unsigned a, unsigned b, const unsigned char *tail,
    size_t off)
{
	unsigned char s[40];
	size_t got, want;

	memset(s, 'x', off);
	s[off] = (unsigned char)a;
	s[off + 1] = (unsigned char)b;
	s[off + 2] = tail[0];
	s[off + 3] = tail[1];
	got = scan_with(impl, (char *)s, off + 4, NULL, 0, NULL);
	want = ref_check(s, off + 4);
	if (got != want)
		fail_msg("scan %d: %02x %02x %02x %02x after %zu: got %zu, "
		    "want %zu", impl, a, b, tail[0], tail[1], off, got, want);
}

/*
 * Every first and second byte, with tails that do and do not continue,
 * at offsets 0 and offs[0..n): across the boundaries of the way impl
 * scans.  Skipped where this processor lacks impl's instructions, so
 * that the count of tests run says what was tested.
 */
static void
sweep(int impl, const size_t *offs, size_t n)
{
	static const unsigned char tails[][2] = {
		{ 0x80, 0x80 }, { 0xbf, 0xbf }, { 0x41, 0x80 }, { 0x80, 0x41 },
	};

	if (!scan_has(impl))
		skip();
	for (size_t t = 0; t < sizeof tails / sizeof tails[0]; t++)
		for (unsigned a = 0; a < 256; a++)
			for (unsigned b = 0; b < 256; b++)
				for (size_t o = 0; o < n; o++)
					sweep_one(impl, a, b, tails[t], offs[o]);
}

/* The portable scan's eight-byte words. */
static void
test_utf8_sweep_portable(void **state)
{
	static const size_t offs[] = { 0, 6, 8 };

	sweep(SCAN_PORTABLE, offs, sizeof offs / sizeof offs[0]);
}

/* The SSSE3 scan's sixteen-byte blocks. */
static void
test_utf8_sweep_ssse3(void **state)
{
	static const size_t offs[] = { 0, 13, 14, 15, 16 };

	sweep(SCAN_SSSE3, offs, sizeof offs / sizeof offs[0]);
}

/* The AVX2 scan's sixteen-byte lanes and thirty-two-byte blocks. */
static void
test_utf8_sweep_avx2(void **state)
{
	static const size_t offs[] = { 0, 13, 14, 15, 16, 29, 30, 31, 32 };

	sweep(SCAN_AVX2, offs, sizeof offs / sizeof offs[0]);
}

/*
 * What ec_utf8_scan says it saw (blank, quote, CR) and where the text
 * goes bad, on random texts of ASCII runs, characters and bad bytes, for
 * every alignment of the eight-byte words.
 */
static void
test_utf8_seen(void **state)
{
	static const char *const bits[] = {
		"0123", "4567890", ",", "a", " ", "\t", "\"", "\r", "\n",
		"\xc3\xa9", "\xe5\xbc\xa0", "\xf0\x9f\x98\x80", "\x80", "\xe5\xbc",
	};
	unsigned seed = 7;

	for (int round = 0; round < 20000; round++) {
		unsigned char s[24 * 7];	/* 23 bits of at most 7 bytes */
		size_t n = 0;
		int k = (int)((seed = seed * 1103515245 + 12345) >> 16) % 24;
		for (int i = 0; i < k; i++) {
			seed = seed * 1103515245 + 12345;
			/* bad bytes in one text of eight */
			size_t nb = sizeof bits / sizeof bits[0] - (round % 8 ? 2 : 0);
			const char *b = bits[(seed >> 16) % nb];
			memcpy(s + n, b, strlen(b));
			n += strlen(b);
		}
		unsigned seen = 99, port_seen = 99, marks_seen = 99, want = 0;
		size_t got = ec_utf8_scan((char *)s, n, &seen);
		assert_int_equal(got, ref_check(s, n));
		/* the commas marked, and no bit past the end */
		uint64_t marks[sizeof s / 64 + 1], want_marks[sizeof s / 64 + 1];
		memset(want_marks, 0, sizeof want_marks);
		for (size_t i = 0; i < n; i++)
			if (s[i] == ',')
				want_marks[i / 64] |= (uint64_t)1 << (i % 64);
		memset(marks, 0xa5, sizeof marks);
		assert_int_equal(scan_portable((char *)s, n,
		    &port_seen, ',', marks), got);
		assert_int_equal(port_seen, seen);
		assert_memory_equal(marks, want_marks,
		    (n / 64 + 1) * sizeof marks[0]);
		memset(marks, 0xa5, sizeof marks);
		assert_int_equal(ec_utf8_scan_marks((char *)s, n, &marks_seen,
		    ',', marks), got);
		assert_int_equal(marks_seen, seen);
		assert_memory_equal(marks, want_marks,
		    (n / 64 + 1) * sizeof marks[0]);
		for (int impl = SCAN_SSSE3; impl <= SCAN_AVX2; impl++) {
			unsigned impl_seen = 99;
			memset(marks, 0xa5, sizeof marks);
			assert_int_equal(scan_with(impl, (char *)s, n,
			    &impl_seen, ',', marks), got);
			assert_int_equal(impl_seen, seen);
			assert_memory_equal(marks, want_marks,
			    (n / 64 + 1) * sizeof marks[0]);
		}
		if (memchr(s, ' ', n) || memchr(s, '\t', n))
			want |= EC_SEEN_BLANK;
		if (memchr(s, '"', n))
			want |= EC_SEEN_QUOTE;
		if (memchr(s, '\r', n))
			want |= EC_SEEN_CR;
		if (seen != want)
			fail_msg("round %d: seen %u, want %u", round, seen, want);
	}
}

static size_t
width(const char *s)
{
	return ec_width(s, strlen(s));
}

static void
test_width_ascii(void **state)
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
test_width_cjk(void **state)
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
test_width_combining(void **state)
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
test_width_mixed(void **state)
{
	assert_int_equal(width("王建国 abc"), 10);
	assert_int_equal(width("安岳县 兴隆镇"), 13);
	assert_int_equal(width("统计日期：2026-11-30"), 20);
	assert_int_equal(width("阿不都·买买提"), 13);	/* · is narrow */
}

static void
test_width_boundaries(void **state)
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
test_utf8_decode(void **state)
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

/*
 * ec_utf8_clip: whole characters only, on a heap copy of exactly n bytes
 * so that a look past s[n] shows.
 */
static void
test_utf8_clip(void **state)
{
	static const struct {
		const char *s;
		size_t max, want;
	} t[] = {
		{ "", 0, 0 }, { "abc", 3, 3 }, { "abc", 9, 3 }, { "abc", 2, 2 },
		{ "abc", 0, 0 },
		/* 王 is three bytes: a cut inside it drops all of it */
		{ "a\xe7\x8e\x8b", 1, 1 }, { "a\xe7\x8e\x8b", 2, 1 },
		{ "a\xe7\x8e\x8b", 3, 1 }, { "a\xe7\x8e\x8b", 4, 4 },
		{ "\xe7\x8e\x8b\xe7\x8e\x8b", 5, 3 },
		{ "\xf0\x9f\x98\x80x", 3, 0 }, { "\xf0\x9f\x98\x80x", 4, 4 },
		/* stray continuation bytes are taken as the end of b */
		{ "ab\x80\x80", 3, 1 },
	};

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		size_t n = strlen(t[i].s);
		char *p = exact(t[i].s, n);
		size_t got = ec_utf8_clip(p, n, t[i].max);
		if (got != t[i].want)
			fail_msg("clip %zu: %zu of %zu, want %zu", i, got,
			    t[i].max, t[i].want);
		free(p);
	}
}

static void
test_utf8_chars_len(void **state)
{
	assert_int_equal(ec_utf8_chars("", 0), 0);
	assert_int_equal(ec_utf8_chars("a1", 2), 2);
	assert_int_equal(ec_utf8_chars("\xe7\x8e\x8b\xe5\xbb\xba", 6), 2);
	assert_int_equal(ec_utf8_chars("e\xcc\x81\xf0\x9f\x98\x80", 7), 3);
	/* a lead byte counts, its missing bytes do not */
	assert_int_equal(ec_utf8_chars("\xe7\x8e", 2), 1);
	assert_int_equal(ec_utf8_len('a'), 1);
	assert_int_equal(ec_utf8_len(0x7f), 1);
	assert_int_equal(ec_utf8_len(0x80), 1);
	assert_int_equal(ec_utf8_len(0xbf), 1);
	assert_int_equal(ec_utf8_len(0xc3), 2);
	assert_int_equal(ec_utf8_len(0xe7), 3);
	assert_int_equal(ec_utf8_len(0xf0), 4);
	assert_int_equal(ec_utf8_len(0xff), 4);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trim_ascii),
		cmocka_unit_test(test_trim_ideographic_space),
		cmocka_unit_test(test_trim_blank),
		cmocka_unit_test(test_trim_not_space),
		cmocka_unit_test(test_short_eq),
		cmocka_unit_test(test_ascii_case_eq),
		cmocka_unit_test(test_all_digits),
		cmocka_unit_test(test_utf8_valid),
		cmocka_unit_test(test_utf8_overlong),
		cmocka_unit_test(test_utf8_surrogate_and_range),
		cmocka_unit_test(test_utf8_bad_continuation),
		cmocka_unit_test(test_utf8_truncated),
		cmocka_unit_test(test_utf8_fast_path),
		cmocka_unit_test(test_utf8_sweep_portable),
		cmocka_unit_test(test_utf8_sweep_ssse3),
		cmocka_unit_test(test_utf8_sweep_avx2),
		cmocka_unit_test(test_utf8_seen),
		cmocka_unit_test(test_utf8_clip),
		cmocka_unit_test(test_utf8_chars_len),
		cmocka_unit_test(test_utf8_decode),
		cmocka_unit_test(test_width_ascii),
		cmocka_unit_test(test_width_cjk),
		cmocka_unit_test(test_width_combining),
		cmocka_unit_test(test_width_mixed),
		cmocka_unit_test(test_width_boundaries),
	};

	return cmocka_run_group_tests_name("text", tests, NULL, NULL);
}
