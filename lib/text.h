/*
 * text.h - the byte-level text helpers every module needs: trimming,
 * ASCII case folding, UTF-8 checking, stepping and clipping, and how many
 * columns of a terminal a string takes.  Nothing here allocates.
 *
 * Widths come from utf8proc (Unicode's East Asian Width), with the rules
 * the tools have always kept: a character is 2 columns when it is wide (W)
 * or full-width (F): Chinese characters, full-width punctuation such as
 * （）：，, Hangul syllables, kana, most emoji, and the unassigned code
 * points of the CJK blocks.  It is 0 for control characters, for marks
 * that sit on the character before them, for the Hangul medial vowels and
 * final consonants (which join the syllable before them), and for the
 * zero-width space, joiners and byte order mark; 1 for everything else,
 * ambiguous characters, spacing marks and other format characters
 * included.  Bytes that are not valid UTF-8 count as one column each
 * (they show as a replacement character).
 */
#ifndef EC_TEXT_H
#define EC_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/*
 * Narrows s[0..*n) to drop surrounding white space: ASCII space, tab, CR,
 * LF, VT, FF and the full-width space U+3000.  Returns the new start.
 */
static inline const char *ec_trim(const char *s, size_t *n);

/* ec_trim past its first two looks: out of line. */
const char *ec_trim_slow(const char *s, size_t *n);

static inline const char *
ec_trim(const char *s, size_t *n)
{
	size_t len = *n;

	/* Most cells have nothing to trim: say so after two looks. */
	if (len && (unsigned char)s[0] > ' ' && (unsigned char)s[0] != 0xe3 &&
	    (unsigned char)s[len - 1] > ' ' && (unsigned char)s[len - 1] != 0x80)
		return s;
	return ec_trim_slow(s, n);
}

/*
 * 1 when a[0..n) and b[0..n) are equal, n at most 24: inline loads,
 * overlapping at the ends, for short texts compared often, where
 * memcmp's call and its checks cost more than the comparison.
 */
static inline int
ec_short_eq(const char *a, const char *b, size_t n)
{
	uint64_t x, y, u, v;
	uint32_t h, k, h2, k2;

	if (n >= 8) {
		memcpy(&x, a, 8);
		memcpy(&y, b, 8);
		memcpy(&u, a + n - 8, 8);
		memcpy(&v, b + n - 8, 8);
		if ((x ^ y) | (u ^ v))
			return 0;
		if (n <= 16)
			return 1;
		memcpy(&x, a + 8, 8);
		memcpy(&y, b + 8, 8);
		return x == y;
	}
	if (n >= 4) {
		memcpy(&h, a, 4);
		memcpy(&k, b, 4);
		memcpy(&h2, a + n - 4, 4);
		memcpy(&k2, b + n - 4, 4);
		return h == k && h2 == k2;
	}
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return 0;
	return 1;
}

/* 1 when a[0..an) and b[0..bn) are equal with ASCII letters in any case. */
int ec_ascii_case_eq(const char *a, size_t an, const char *b, size_t bn);

/* 1 when every byte is an ASCII digit (and n > 0). */
int ec_all_digits(const char *s, size_t n);

/*
 * The offset of the first byte of s[0..n) that is not part of valid UTF-8
 * (overlong forms, surrogates and code points above U+10FFFF are
 * invalid), or n when all of it is valid.
 */
size_t ec_utf8_check(const char *s, size_t n);

/*
 * The length in bytes that a UTF-8 sequence with lead byte c claims: 1
 * for ASCII and for a byte that leads nothing (a continuation byte), else
 * 2, 3 or 4 (4 for F5-FF too).  The sequence may still be invalid.
 */
static inline size_t
ec_utf8_len(unsigned char c)
{
	return c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
}

/*
 * The longest prefix of s[0..n) that is at most max bytes and does not
 * end inside a character: n when n <= max, else max less the bytes of a
 * character cut in two.  For text that must never end in half a sequence.
 */
size_t ec_utf8_clip(const char *s, size_t n, size_t max);

/* The characters in s[0..n): the bytes that are not continuation bytes. */
size_t ec_utf8_chars(const char *s, size_t n);

/* The columns code point cp takes: 0, 1 or 2 (see the top). */
int ec_cp_width(uint32_t cp);

/*
 * Decodes the character at s[0..n) (n > 0): stores it in *cp and returns
 * its length in bytes; an invalid byte is U+FFFD of length 1.
 */
size_t ec_utf8_decode(const char *s, size_t n, uint32_t *cp);

/* The columns s[0..n) takes. */
size_t ec_width(const char *s, size_t n);

/*
 * The same, also saying in *seen whether s holds a space or a tab
 * (EC_SEEN_BLANK), a double quote (EC_SEEN_QUOTE) and a carriage return
 * (EC_SEEN_CR), in the same pass.
 */
#define EC_SEEN_BLANK 1u
#define EC_SEEN_QUOTE 2u
#define EC_SEEN_CR 4u
size_t ec_utf8_scan(const char *s, size_t n, unsigned *seen);

/*
 * ec_utf8_scan that also marks where the byte delim (not NUL) is: bit
 * i % 64 of marks[i / 64] is set when s[i] is delim.  marks holds
 * n / 64 + 1 words.  A CSV reader cuts a line at its delimiters with
 * the marks instead of looking for each again.  Both take sixteen bytes
 * at a time with SSSE3, thirty-two with AVX2, and run in plain C where
 * the processor has neither.
 */
size_t ec_utf8_scan_marks(const char *s, size_t n, unsigned *seen,
	char delim, uint64_t *marks);

#endif
