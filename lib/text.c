#include "text.h"

#include <stdint.h>
#include <string.h>

#include <utf8proc.h>

static int
ascii_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

const char *
ec_trim_slow(const char *s, size_t *n)
{
	size_t len = *n;

	for (;;) {
		if (len && ascii_space((unsigned char)*s)) {
			s++, len--;
		} else if (len >= 3 && memcmp(s, "\xe3\x80\x80", 3) == 0) {
			s += 3, len -= 3;
		} else {
			break;
		}
	}
	for (;;) {
		if (len && ascii_space((unsigned char)s[len - 1]))
			len--;
		else if (len >= 3 && memcmp(s + len - 3, "\xe3\x80\x80", 3) == 0)
			len -= 3;
		else
			break;
	}
	*n = len;
	return s;
}

static unsigned char
fold(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

int
ec_ascii_case_eq(const char *a, size_t an, const char *b, size_t bn)
{
	if (an != bn)
		return 0;
	for (size_t i = 0; i < an; i++)
		if (fold((unsigned char)a[i]) != fold((unsigned char)b[i]))
			return 0;
	return 1;
}

int
ec_all_digits(const char *s, size_t n)
{
	if (!n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

size_t
ec_utf8_clip(const char *s, size_t n, size_t max)
{
	if (n <= max)
		return n;
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	return max;
}

size_t
ec_utf8_chars(const char *s, size_t n)
{
	size_t chars = 0;

	for (size_t i = 0; i < n; i++)
		chars += ((unsigned char)s[i] & 0xc0) != 0x80;
	return chars;
}

/*
 * utf8proc's widths, where the tools' rules (text.h) differ from its own:
 * it counts the Hangul medial vowels and final consonants as 1, the
 * unassigned code points of the CJK blocks as 1 (EastAsianWidth.txt makes
 * them W), and spacing marks, line and paragraph separators, surrogates
 * and every format character as 0.  Code points Unicode 15 added (the
 * version of Debian's utf8proc 2.8) take utf8proc's width.
 */
int
ec_cp_width(uint32_t cp)
{
	if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
		return 0;
	if (cp < 0x300)
		return 1;
	if ((cp >= 0x1160 && cp <= 0x11ff) || (cp >= 0xd7b0 && cp <= 0xd7ff))
		return 0;
	if ((cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x4e00 && cp <= 0x9fff) ||
	    (cp >= 0xf900 && cp <= 0xfaff) ||
	    (cp >= 0x20000 && cp <= 0x2fffd) ||
	    (cp >= 0x30000 && cp <= 0x3fffd))
		return 2;
	if (cp > 0x10ffff)
		return 1;
	switch (utf8proc_category((utf8proc_int32_t)cp)) {
	case UTF8PROC_CATEGORY_MC:
		/* The Hangul tone marks and two ideographic ones are wide. */
		return (cp >= 0x302e && cp <= 0x302f) ||
		    (cp >= 0x16ff0 && cp <= 0x16ff1) ? 2 : 1;
	case UTF8PROC_CATEGORY_ZL:
	case UTF8PROC_CATEGORY_ZP:
	case UTF8PROC_CATEGORY_CS:
		return 1;
	case UTF8PROC_CATEGORY_CF:
		/* Only these hide; the others (bidi marks, tags) show. */
		return !((cp >= 0x200b && cp <= 0x200f) ||
		    (cp >= 0x2060 && cp <= 0x2064) || cp == 0xfeff);
	default:
		return utf8proc_charwidth((utf8proc_int32_t)cp);
	}
}

size_t
ec_utf8_decode(const char *s, size_t n, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t c, min;
	size_t len;

	if (n == 0) {
		*cp = 0;
		return 0;
	}
	c = p[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		c &= 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		c &= 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		c &= 0x07;
		min = 0x10000;
	} else {
		*cp = 0xfffd;
		return 1;
	}
	if (len > n) {
		*cp = 0xfffd;
		return 1;
	}
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80) {
			*cp = 0xfffd;
			return 1;
		}
		c = (c << 6) | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) {
		*cp = 0xfffd;
		return 1;
	}
	*cp = c;
	return len;
}

size_t
ec_width(const char *s, size_t n)
{
	size_t w = 0;
	uint32_t cp;

	for (size_t i = 0; i < n; ) {
		if ((unsigned char)s[i] < 0x80) {
			/* The common case, without a call. */
			w += (unsigned char)s[i] >= 0x20 && s[i] != 0x7f;
			i++;
			continue;
		}
		i += ec_utf8_decode(s + i, n - i, &cp);
		w += (size_t)ec_cp_width(cp);
	}
	return w;
}

/*
 * A shift-based DFA (after Per Vognsen): row[byte] holds, for every state
 * s (a multiple of 6), the next state in bits s..s+5.  States: 0 accept,
 * 6 error, then the continuation bytes still wanted, with the narrower
 * ranges after E0, ED, F0 and F4.  Generated, and checked against a
 * reference decoder; utf8_slow spells the same rules out.  Bits 60, 61
 * and 62, which no state reaches, mark the rows of space and tab, of the
 * double quote, and of the carriage return.
 */
static const uint64_t utf8_dfa[256] = {
	0x0006186186186180ULL, 0x0006186186186180ULL, 0x0006186186186180ULL,
	0x0006186186186180ULL, 0x0006186186186180ULL, 0x0006186186186180ULL,
	0x0006186186186180ULL, 0x0006186186186180ULL, 0x0006186186186180ULL,
	0x1006186186186180ULL, 0x0006186186186180ULL, 0x0006186186186180ULL,
	0x0006186186186180ULL, 0x4006186186186180ULL, 0x0006186186186180ULL,
	0x0006186186186180ULL, 0x0006186186186180ULL, 0x0006186186186180ULL,
	0x0006186186186180ULL, 0x0006186186186180ULL, 0x0006186186186180ULL,
	0x0006186186186180ULL, 0x0006186186186180ULL, 0x0006186186186180ULL,
	0x0006186186186180ULL, 0x0006186186186180ULL, 0x0006186186186180ULL,
	0x0006186186186180ULL, 0x0006186186186180ULL, 0x0006186186186180ULL,
	0x0006186186186180ULL, 0x0006186186186180ULL, 0x1006186186186180ULL,
	0x0006186186186180ULL, 0x2006186186186180ULL, 0x0006186186186180ULL,
	0x0006186186186180ULL, 0x0006186186186180ULL, 0x0006186186186180ULL,
	0x0006186186186180ULL, 0x0006186186186180ULL, 0x0006186186186180ULL,
	0x0006186186186180ULL, 0x0006186186186180ULL, 0x0006186186186180ULL,
	0x0006186186186180ULL, 0x0006186186186180ULL, 0x0006186186186180ULL,
	0x0006186186186180ULL, 0x0006186186186180ULL, 0x0006186186186180ULL,
	0x0006186186186180ULL, 0x0006186186186180ULL, 0x0006186186186180ULL,
	0x0006186186186180ULL, 0x0006186186186180ULL, 0x0006186186186180ULL,
	0x0006186186186180ULL, 0x0006186186186180ULL, 0x0006186186186180ULL,
	0x0006186186186180ULL, 0x0006186186186180ULL, 0x0006186186186180ULL,
	0x0006186186186180ULL, 0x0006186186186180ULL, 0x0006186186186180ULL,
	0x0006186186186180ULL, 0x0006186186186180ULL, 0x0006186186186180ULL,
	0x0006186186186180ULL, 0x0006186186186180ULL, 0x0006186186186180ULL,
	0x0006186186186180ULL, 0x0006186186186180ULL, 0x0006186186186180ULL,
	0x0006186186186180ULL, 0x0006186186186180ULL, 0x0006186186186180ULL,
	0x0006186186186180ULL, 0x0006186186186180ULL, 0x0006186186186180ULL,
	0x0006186186186180ULL, 0x0006186186186180ULL, 0x0006186186186180ULL,
	0x0006186186186180ULL, 0x0006186186186180ULL, 0x0006186186186180ULL,
	0x0006186186186180ULL, 0x0006186186186180ULL, 0x0006186186186180ULL,
	0x0006186186186180ULL, 0x0006186186186180ULL, 0x0006186186186180ULL,
	0x0006186186186180ULL, 0x0006186186186180ULL, 0x0006186186186180ULL,
	0x0006186186186180ULL, 0x0006186186186180ULL, 0x0006186186186180ULL,
	0x0006186186186180ULL, 0x0006186186186180ULL, 0x0006186186186180ULL,
	0x0006186186186180ULL, 0x0006186186186180ULL, 0x0006186186186180ULL,
	0x0006186186186180ULL, 0x0006186186186180ULL, 0x0006186186186180ULL,
	0x0006186186186180ULL, 0x0006186186186180ULL, 0x0006186186186180ULL,
	0x0006186186186180ULL, 0x0006186186186180ULL, 0x0006186186186180ULL,
	0x0006186186186180ULL, 0x0006186186186180ULL, 0x0006186186186180ULL,
	0x0006186186186180ULL, 0x0006186186186180ULL, 0x0006186186186180ULL,
	0x0006186186186180ULL, 0x0006186186186180ULL, 0x0006186186186180ULL,
	0x0006186186186180ULL, 0x0006186186186180ULL, 0x0006186186186180ULL,
	0x0006186186186180ULL, 0x0006186186186180ULL, 0x001218c192300186ULL,
	0x001218c192300186ULL, 0x001218c192300186ULL, 0x001218c192300186ULL,
	0x001218c192300186ULL, 0x001218c192300186ULL, 0x001218c192300186ULL,
	0x001218c192300186ULL, 0x001218c192300186ULL, 0x001218c192300186ULL,
	0x001218c192300186ULL, 0x001218c192300186ULL, 0x001218c192300186ULL,
	0x001218c192300186ULL, 0x001218c192300186ULL, 0x001218c192300186ULL,
	0x000648c192300186ULL, 0x000648c192300186ULL, 0x000648c192300186ULL,
	0x000648c192300186ULL, 0x000648c192300186ULL, 0x000648c192300186ULL,
	0x000648c192300186ULL, 0x000648c192300186ULL, 0x000648c192300186ULL,
	0x000648c192300186ULL, 0x000648c192300186ULL, 0x000648c192300186ULL,
	0x000648c192300186ULL, 0x000648c192300186ULL, 0x000648c192300186ULL,
	0x000648c192300186ULL, 0x0006486312300186ULL, 0x0006486312300186ULL,
	0x0006486312300186ULL, 0x0006486312300186ULL, 0x0006486312300186ULL,
	0x0006486312300186ULL, 0x0006486312300186ULL, 0x0006486312300186ULL,
	0x0006486312300186ULL, 0x0006486312300186ULL, 0x0006486312300186ULL,
	0x0006486312300186ULL, 0x0006486312300186ULL, 0x0006486312300186ULL,
	0x0006486312300186ULL, 0x0006486312300186ULL, 0x0006486312300186ULL,
	0x0006486312300186ULL, 0x0006486312300186ULL, 0x0006486312300186ULL,
	0x0006486312300186ULL, 0x0006486312300186ULL, 0x0006486312300186ULL,
	0x0006486312300186ULL, 0x0006486312300186ULL, 0x0006486312300186ULL,
	0x0006486312300186ULL, 0x0006486312300186ULL, 0x0006486312300186ULL,
	0x0006486312300186ULL, 0x0006486312300186ULL, 0x0006486312300186ULL,
	0x0006186186186186ULL, 0x0006186186186186ULL, 0x000618618618618cULL,
	0x000618618618618cULL, 0x000618618618618cULL, 0x000618618618618cULL,
	0x000618618618618cULL, 0x000618618618618cULL, 0x000618618618618cULL,
	0x000618618618618cULL, 0x000618618618618cULL, 0x000618618618618cULL,
	0x000618618618618cULL, 0x000618618618618cULL, 0x000618618618618cULL,
	0x000618618618618cULL, 0x000618618618618cULL, 0x000618618618618cULL,
	0x000618618618618cULL, 0x000618618618618cULL, 0x000618618618618cULL,
	0x000618618618618cULL, 0x000618618618618cULL, 0x000618618618618cULL,
	0x000618618618618cULL, 0x000618618618618cULL, 0x000618618618618cULL,
	0x000618618618618cULL, 0x000618618618618cULL, 0x000618618618618cULL,
	0x000618618618618cULL, 0x000618618618618cULL, 0x000618618618619eULL,
	0x0006186186186192ULL, 0x0006186186186192ULL, 0x0006186186186192ULL,
	0x0006186186186192ULL, 0x0006186186186192ULL, 0x0006186186186192ULL,
	0x0006186186186192ULL, 0x0006186186186192ULL, 0x0006186186186192ULL,
	0x0006186186186192ULL, 0x0006186186186192ULL, 0x0006186186186192ULL,
	0x00061861861861a4ULL, 0x0006186186186192ULL, 0x0006186186186192ULL,
	0x00061861861861aaULL, 0x0006186186186198ULL, 0x0006186186186198ULL,
	0x0006186186186198ULL, 0x00061861861861b0ULL, 0x0006186186186186ULL,
	0x0006186186186186ULL, 0x0006186186186186ULL, 0x0006186186186186ULL,
	0x0006186186186186ULL, 0x0006186186186186ULL, 0x0006186186186186ULL,
	0x0006186186186186ULL, 0x0006186186186186ULL, 0x0006186186186186ULL,
	0x0006186186186186ULL,
};

/*
 * The ways of scanning: in plain C, a byte at a time (marks may be NULL),
 * where the processor has no SSSE3; sixteen bytes at a time with SSSE3,
 * thirty-two with AVX2.  The tests hold them all to the same answers.
 */
enum { SCAN_PORTABLE, SCAN_SSSE3, SCAN_AVX2 };

static size_t utf8_slow(const unsigned char *s, size_t n);
static size_t scan_portable(const char *str, size_t n, unsigned *seen_out,
    char delim, uint64_t *marks);

#define ONES 0x0101010101010101ULL
#define HIGH_BITS (ONES << 7)

/* Nonzero when one of the eight bytes of w (all below 0x80) is c. */
static inline uint64_t
has_byte(uint64_t w, unsigned char c)
{
	uint64_t x = w ^ ONES * c;

	return (x - ONES) & ~x & HIGH_BITS;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define UTF8_SIMD 1

/*
 * Sixteen bytes at a time with SSSE3, after Keiser and Lemire,
 * "Validating UTF-8 in less than one instruction per byte" (Software:
 * Practice and Experience, 2021).  Each byte is looked at with the one
 * before it: three table lookups (the earlier byte's high and low
 * nibble, the byte's high nibble) give a bit for each kind of error the
 * pair can show, and their AND is what the pair really shows.  The bits:
 */
#define E_SHORT 0x01	/* lead or ASCII then lead or ASCII after a lead */
#define E_LONG 0x02	/* ASCII then continuation */
#define E_OVER3 0x04	/* E0 then 80..9F */
#define E_LARGE 0x08	/* F4 then 90..BF, or F5..FF then 90..BF */
#define E_SURR 0x10	/* ED then A0..BF */
#define E_OVER2 0x20	/* C0 or C1 then continuation */
#define E_L1000 0x40	/* F0 then 80..8F, or F5..FF then 80..8F */
#define E_TWO 0x80	/* continuation then continuation */
/* the pair errors that do not depend on the earlier byte's low nibble */
#define E_CARRY (E_SHORT | E_LONG | E_TWO)

/*
 * Two continuations in a row are right exactly where the byte two back
 * is E0..FF or three back is F0..FF: the E_TWO bit is flipped there, and
 * whatever bit is left is an error.  A block that ends inside a sequence
 * is followed by one of zeros, whose ASCII then shows E_SHORT.
 */
__attribute__((target("ssse3"))) static size_t
utf8_scan_ssse3(const unsigned char *s, size_t n, unsigned *seen_out,
    char delim, uint64_t *marks)
{
	const __m128i hi1 = _mm_setr_epi8(
	    E_LONG, E_LONG, E_LONG, E_LONG, E_LONG, E_LONG, E_LONG, E_LONG,
	    (char)E_TWO, (char)E_TWO, (char)E_TWO, (char)E_TWO,
	    E_SHORT | E_OVER2, E_SHORT, E_SHORT | E_OVER3 | E_SURR,
	    E_SHORT | E_LARGE | E_L1000);
	const __m128i lo1 = _mm_setr_epi8(
	    (char)(E_CARRY | E_OVER3 | E_OVER2 | E_L1000),
	    (char)(E_CARRY | E_OVER2), (char)E_CARRY, (char)E_CARRY,
	    (char)(E_CARRY | E_LARGE),
	    (char)(E_CARRY | E_LARGE | E_L1000),
	    (char)(E_CARRY | E_LARGE | E_L1000),
	    (char)(E_CARRY | E_LARGE | E_L1000),
	    (char)(E_CARRY | E_LARGE | E_L1000),
	    (char)(E_CARRY | E_LARGE | E_L1000),
	    (char)(E_CARRY | E_LARGE | E_L1000),
	    (char)(E_CARRY | E_LARGE | E_L1000),
	    (char)(E_CARRY | E_LARGE | E_L1000),
	    (char)(E_CARRY | E_LARGE | E_L1000 | E_SURR),
	    (char)(E_CARRY | E_LARGE | E_L1000),
	    (char)(E_CARRY | E_LARGE | E_L1000));
	const __m128i hi2 = _mm_setr_epi8(
	    E_SHORT, E_SHORT, E_SHORT, E_SHORT,
	    E_SHORT, E_SHORT, E_SHORT, E_SHORT,
	    (char)(E_LONG | E_OVER2 | E_TWO | E_OVER3 | E_L1000),
	    (char)(E_LONG | E_OVER2 | E_TWO | E_OVER3 | E_LARGE),
	    (char)(E_LONG | E_OVER2 | E_TWO | E_SURR | E_LARGE),
	    (char)(E_LONG | E_OVER2 | E_TWO | E_SURR | E_LARGE),
	    E_SHORT, E_SHORT, E_SHORT, E_SHORT);
	const __m128i nib = _mm_set1_epi8(0x0f);
	const __m128i blank = _mm_set1_epi8(' '), tab = _mm_set1_epi8('\t');
	const __m128i quote = _mm_set1_epi8('"'), cr = _mm_set1_epi8('\r');
	const __m128i dl = _mm_set1_epi8(delim);
	unsigned char *mk = (unsigned char *)marks;	/* x86: little-endian */
	__m128i prev = _mm_setzero_si128(), err = _mm_setzero_si128();
	__m128i sb = _mm_setzero_si128(), sq = _mm_setzero_si128();
	__m128i sc = _mm_setzero_si128();
	unsigned char tail[16];
	size_t i = 0;

	if (marks)
		marks[n / 64] = 0;	/* the blocks write all words before */
	for (;;) {
		__m128i in;
		int last = n - i < 16;
		if (!last) {
			in = _mm_loadu_si128((const __m128i *)(s + i));
		} else {
			memset(tail, 0, sizeof tail);
			if (n > i)	/* s may be NULL when n is 0 */
				memcpy(tail, s + i, n - i);
			in = _mm_loadu_si128((const __m128i *)tail);
		}
		sb = _mm_or_si128(sb, _mm_or_si128(_mm_cmpeq_epi8(in, blank),
		    _mm_cmpeq_epi8(in, tab)));
		sq = _mm_or_si128(sq, _mm_cmpeq_epi8(in, quote));
		sc = _mm_or_si128(sc, _mm_cmpeq_epi8(in, cr));
		if (marks) {
			uint16_t m = (uint16_t)_mm_movemask_epi8(
			    _mm_cmpeq_epi8(in, dl));
			memcpy(mk + i / 8, &m, 2);
		}
		__m128i p1 = _mm_alignr_epi8(in, prev, 15);
		__m128i pair = _mm_and_si128(_mm_and_si128(
		    _mm_shuffle_epi8(hi1,
			_mm_and_si128(_mm_srli_epi16(p1, 4), nib)),
		    _mm_shuffle_epi8(lo1, _mm_and_si128(p1, nib))),
		    _mm_shuffle_epi8(hi2,
			_mm_and_si128(_mm_srli_epi16(in, 4), nib)));
		__m128i p2 = _mm_alignr_epi8(in, prev, 14);
		__m128i p3 = _mm_alignr_epi8(in, prev, 13);
		__m128i must = _mm_or_si128(
		    _mm_subs_epu8(p2, _mm_set1_epi8((char)(0xe0 - 0x80))),
		    _mm_subs_epu8(p3, _mm_set1_epi8((char)(0xf0 - 0x80))));
		must = _mm_and_si128(must, _mm_set1_epi8((char)0x80));
		err = _mm_or_si128(err, _mm_xor_si128(must, pair));
		if (last)
			break;
		prev = in;
		i += 16;
	}
	if (seen_out)
		*seen_out = (_mm_movemask_epi8(sb) ? EC_SEEN_BLANK : 0) |
		    (_mm_movemask_epi8(sq) ? EC_SEEN_QUOTE : 0) |
		    (_mm_movemask_epi8(sc) ? EC_SEEN_CR : 0);
	if (_mm_movemask_epi8(_mm_cmpeq_epi8(err, _mm_setzero_si128())) ==
	    0xffff)
		return n;
	return utf8_slow(s, n);
}
/*
 * The same, thirty-two bytes at a time with AVX2.  The lookups work in
 * each sixteen-byte lane: the bytes before a block's are those of
 * [prev's high lane, in's low lane] shifted into place lane by lane.
 */
__attribute__((target("avx2"))) static size_t
utf8_scan_avx2(const unsigned char *s, size_t n, unsigned *seen_out,
    char delim, uint64_t *marks)
{
	const __m256i hi1 = _mm256_setr_epi8(
	    E_LONG, E_LONG, E_LONG, E_LONG, E_LONG, E_LONG, E_LONG, E_LONG,
	    (char)E_TWO, (char)E_TWO, (char)E_TWO, (char)E_TWO,
	    E_SHORT | E_OVER2, E_SHORT, E_SHORT | E_OVER3 | E_SURR,
	    E_SHORT | E_LARGE | E_L1000,
	    E_LONG, E_LONG, E_LONG, E_LONG, E_LONG, E_LONG, E_LONG, E_LONG,
	    (char)E_TWO, (char)E_TWO, (char)E_TWO, (char)E_TWO,
	    E_SHORT | E_OVER2, E_SHORT, E_SHORT | E_OVER3 | E_SURR,
	    E_SHORT | E_LARGE | E_L1000);
	const __m256i lo1 = _mm256_setr_epi8(
	    (char)(E_CARRY | E_OVER3 | E_OVER2 | E_L1000),
	    (char)(E_CARRY | E_OVER2), (char)E_CARRY, (char)E_CARRY,
	    (char)(E_CARRY | E_LARGE),
	    (char)(E_CARRY | E_LARGE | E_L1000),
	    (char)(E_CARRY | E_LARGE | E_L1000),
	    (char)(E_CARRY | E_LARGE | E_L1000),
	    (char)(E_CARRY | E_LARGE | E_L1000),
	    (char)(E_CARRY | E_LARGE | E_L1000),
	    (char)(E_CARRY | E_LARGE | E_L1000),
	    (char)(E_CARRY | E_LARGE | E_L1000),
	    (char)(E_CARRY | E_LARGE | E_L1000),
	    (char)(E_CARRY | E_LARGE | E_L1000 | E_SURR),
	    (char)(E_CARRY | E_LARGE | E_L1000),
	    (char)(E_CARRY | E_LARGE | E_L1000),
	    (char)(E_CARRY | E_OVER3 | E_OVER2 | E_L1000),
	    (char)(E_CARRY | E_OVER2), (char)E_CARRY, (char)E_CARRY,
	    (char)(E_CARRY | E_LARGE),
	    (char)(E_CARRY | E_LARGE | E_L1000),
	    (char)(E_CARRY | E_LARGE | E_L1000),
	    (char)(E_CARRY | E_LARGE | E_L1000),
	    (char)(E_CARRY | E_LARGE | E_L1000),
	    (char)(E_CARRY | E_LARGE | E_L1000),
	    (char)(E_CARRY | E_LARGE | E_L1000),
	    (char)(E_CARRY | E_LARGE | E_L1000),
	    (char)(E_CARRY | E_LARGE | E_L1000),
	    (char)(E_CARRY | E_LARGE | E_L1000 | E_SURR),
	    (char)(E_CARRY | E_LARGE | E_L1000),
	    (char)(E_CARRY | E_LARGE | E_L1000));
	const __m256i hi2 = _mm256_setr_epi8(
	    E_SHORT, E_SHORT, E_SHORT, E_SHORT,
	    E_SHORT, E_SHORT, E_SHORT, E_SHORT,
	    (char)(E_LONG | E_OVER2 | E_TWO | E_OVER3 | E_L1000),
	    (char)(E_LONG | E_OVER2 | E_TWO | E_OVER3 | E_LARGE),
	    (char)(E_LONG | E_OVER2 | E_TWO | E_SURR | E_LARGE),
	    (char)(E_LONG | E_OVER2 | E_TWO | E_SURR | E_LARGE),
	    E_SHORT, E_SHORT, E_SHORT, E_SHORT,
	    E_SHORT, E_SHORT, E_SHORT, E_SHORT,
	    E_SHORT, E_SHORT, E_SHORT, E_SHORT,
	    (char)(E_LONG | E_OVER2 | E_TWO | E_OVER3 | E_L1000),
	    (char)(E_LONG | E_OVER2 | E_TWO | E_OVER3 | E_LARGE),
	    (char)(E_LONG | E_OVER2 | E_TWO | E_SURR | E_LARGE),
	    (char)(E_LONG | E_OVER2 | E_TWO | E_SURR | E_LARGE),
	    E_SHORT, E_SHORT, E_SHORT, E_SHORT);
	const __m256i nib = _mm256_set1_epi8(0x0f);
	const __m256i blank = _mm256_set1_epi8(' '), tab = _mm256_set1_epi8('\t');
	const __m256i quote = _mm256_set1_epi8('"'), cr = _mm256_set1_epi8('\r');
	const __m256i dl = _mm256_set1_epi8(delim);
	__m256i prev = _mm256_setzero_si256(), err = _mm256_setzero_si256();
	__m256i sb = _mm256_setzero_si256(), sq = _mm256_setzero_si256();
	__m256i sc = _mm256_setzero_si256();
	unsigned char *mk = (unsigned char *)marks;	/* x86: little-endian */
	unsigned char tail[32];
	size_t i = 0;

	if (marks)
		marks[n / 64] = 0;	/* the blocks write all words before */
	for (;;) {
		__m256i in;
		int last = n - i < 32;
		if (!last) {
			in = _mm256_loadu_si256((const __m256i *)(s + i));
		} else {
			memset(tail, 0, sizeof tail);
			if (n > i)	/* s may be NULL when n is 0 */
				memcpy(tail, s + i, n - i);
			in = _mm256_loadu_si256((const __m256i *)tail);
		}
		sb = _mm256_or_si256(sb, _mm256_or_si256(
		    _mm256_cmpeq_epi8(in, blank), _mm256_cmpeq_epi8(in, tab)));
		sq = _mm256_or_si256(sq, _mm256_cmpeq_epi8(in, quote));
		sc = _mm256_or_si256(sc, _mm256_cmpeq_epi8(in, cr));
		if (marks) {
			uint32_t m = (uint32_t)_mm256_movemask_epi8(
			    _mm256_cmpeq_epi8(in, dl));
			memcpy(mk + i / 8, &m, 4);
		}
		/* [prev's high lane, in's low lane] */
		__m256i before = _mm256_permute2x128_si256(prev, in, 0x21);
		__m256i p1 = _mm256_alignr_epi8(in, before, 15);
		__m256i pair = _mm256_and_si256(_mm256_and_si256(
		    _mm256_shuffle_epi8(hi1,
			_mm256_and_si256(_mm256_srli_epi16(p1, 4), nib)),
		    _mm256_shuffle_epi8(lo1, _mm256_and_si256(p1, nib))),
		    _mm256_shuffle_epi8(hi2,
			_mm256_and_si256(_mm256_srli_epi16(in, 4), nib)));
		__m256i p2 = _mm256_alignr_epi8(in, before, 14);
		__m256i p3 = _mm256_alignr_epi8(in, before, 13);
		__m256i must = _mm256_or_si256(
		    _mm256_subs_epu8(p2, _mm256_set1_epi8((char)(0xe0 - 0x80))),
		    _mm256_subs_epu8(p3, _mm256_set1_epi8((char)(0xf0 - 0x80))));
		must = _mm256_and_si256(must, _mm256_set1_epi8((char)0x80));
		err = _mm256_or_si256(err, _mm256_xor_si256(must, pair));
		if (last)
			break;
		prev = in;
		i += 32;
	}
	if (seen_out)
		*seen_out = (_mm256_movemask_epi8(sb) ? EC_SEEN_BLANK : 0) |
		    (_mm256_movemask_epi8(sq) ? EC_SEEN_QUOTE : 0) |
		    (_mm256_movemask_epi8(sc) ? EC_SEEN_CR : 0);
	if (_mm256_testz_si256(err, err))
		return n;
	return utf8_slow(s, n);
}
#endif

static size_t
scan(int impl, const char *str, size_t n, unsigned *seen_out, char delim,
    uint64_t *marks)
{
	switch (impl) {
#ifdef UTF8_SIMD
	case SCAN_AVX2:
		return utf8_scan_avx2((const unsigned char *)str, n, seen_out,
		    delim, marks);
	case SCAN_SSSE3:
		return utf8_scan_ssse3((const unsigned char *)str, n, seen_out,
		    delim, marks);
#endif
	default:
		return scan_portable(str, n, seen_out, delim, marks);
	}
}

/* Whether this processor runs impl. */
static int
scan_has(int impl)
{
	switch (impl) {
	case SCAN_PORTABLE:
		return 1;
#ifdef UTF8_SIMD
	case SCAN_SSSE3:
		return __builtin_cpu_supports("ssse3");
	case SCAN_AVX2:
		return __builtin_cpu_supports("avx2");
#endif
	default:
		return 0;
	}
}

/*
 * The fastest scan this processor runs, found once (two reading threads
 * may find it at once: they store the same value, atomically).
 */
static int
best_impl(void)
{
	static int found = -1;
	int impl = __atomic_load_n(&found, __ATOMIC_RELAXED);

	if (impl < 0) {
		int best = SCAN_PORTABLE;
#ifdef UTF8_SIMD
		__builtin_cpu_init();
#endif
		if (scan_has(SCAN_AVX2))
			best = SCAN_AVX2;
		else if (scan_has(SCAN_SSSE3))
			best = SCAN_SSSE3;
		impl = best;
		__atomic_store_n(&found, impl, __ATOMIC_RELAXED);
	}
	return impl;
}

size_t
ec_utf8_scan(const char *str, size_t n, unsigned *seen_out)
{
	return scan(best_impl(), str, n, seen_out, 0, NULL);
}

size_t
ec_utf8_scan_marks(const char *str, size_t n, unsigned *seen_out, char delim,
    uint64_t *marks)
{
	return scan(best_impl(), str, n, seen_out, delim, marks);
}

static size_t
scan_portable(const char *str, size_t n, unsigned *seen_out,
    char delim, uint64_t *marks)
{
	if (marks) {
		memset(marks, 0, (n / 64 + 1) * sizeof *marks);
		for (size_t i = 0; i < n; i++)
			marks[i / 64] |= (uint64_t)(str[i] == delim) << (i % 64);
	}
	const unsigned char *s = (const unsigned char *)str;
	uint64_t state = 0, seen = 0;

	/*
	 * Valid text is the rule: run the DFA, a load and a shift a byte,
	 * and look for where a bad sequence starts only when there is one.
	 * A line's ASCII start (the ID number and date a census or visit
	 * log begins with) is taken eight bytes at a time first, its
	 * blanks, quotes and CRs found with the zero-byte test of "Bit
	 * Twiddling Hacks".
	 */
	uint64_t blank = 0, quote = 0, cr = 0;
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		if (w & HIGH_BITS)
			break;
		blank |= has_byte(w, ' ') | has_byte(w, '\t');
		quote |= has_byte(w, '"');
		cr |= has_byte(w, '\r');
	}
	seen = (uint64_t)(blank != 0) << 60 | (uint64_t)(quote != 0) << 61 |
	    (uint64_t)(cr != 0) << 62;
	for (; i < n; i++) {
		uint64_t row = utf8_dfa[s[i]];
		seen |= row;
		state = (row >> state) & 63;
	}
	if (seen_out)
		*seen_out = (seen >> 60 & 1 ? EC_SEEN_BLANK : 0) |
		    (seen >> 61 & 1 ? EC_SEEN_QUOTE : 0) |
		    (seen >> 62 & 1 ? EC_SEEN_CR : 0);
	return state == 0 ? n : utf8_slow(s, n);
}

size_t
ec_utf8_check(const char *str, size_t n)
{
	return ec_utf8_scan(str, n, NULL);
}

/* The offset of the first byte of a bad sequence, or n. */
static size_t
utf8_slow(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		/* Eight ASCII bytes at a time: census text is mostly digits. */
		while (i + 8 <= n) {
			unsigned long long w;
			memcpy(&w, s + i, 8);
			if (w & 0x8080808080808080ULL)
				break;
			i += 8;
		}
		if (i >= n)
			break;
		unsigned char c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		/* Chinese text is mostly three-byte sequences: check them first. */
		if ((c & 0xf0) == 0xe0 && i + 2 < n) {
			unsigned char c1 = s[i + 1], c2 = s[i + 2];
			if ((c1 & 0xc0) == 0x80 && (c2 & 0xc0) == 0x80 &&
			    (c != 0xe0 || c1 >= 0xa0) && (c != 0xed || c1 <= 0x9f)) {
				i += 3;
				continue;
			}
			return i;
		}
		size_t len;
		unsigned lo = 0x80, hi = 0xbf;
		if (c >= 0xc2 && c <= 0xdf) {
			len = 2;
		} else if (c >= 0xe0 && c <= 0xef) {
			len = 3;
			if (c == 0xe0)
				lo = 0xa0;
			else if (c == 0xed)
				hi = 0x9f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			len = 4;
			if (c == 0xf0)
				lo = 0x90;
			else if (c == 0xf4)
				hi = 0x8f;
		} else {
			return i;
		}
		if (i + len > n)
			return i;
		if (s[i + 1] < lo || s[i + 1] > hi)
			return i;
		for (size_t k = 2; k < len; k++)
			if ((s[i + k] & 0xc0) != 0x80)
				return i;
		i += len;
	}
	return n;
}
