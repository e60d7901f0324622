#include "text.h"

#include <string.h>

static int
ascii_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

const char *
ec_trim(const char *s, size_t *n)
{
	size_t len = *n;

	/* Most cells have nothing to trim: say so after two looks. */
	if (len && (unsigned char)s[0] > ' ' && (unsigned char)s[0] != 0xe3 &&
	    (unsigned char)s[len - 1] > ' ' && (unsigned char)s[len - 1] != 0x80)
		return s;

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
ec_utf8_check(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
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
