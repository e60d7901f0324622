#include "phone.h"

#include <string.h>

/* Longer input is not a telephone number and would not fit the buffer. */
#define PHONE_MAX	40

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * The area code's length at the start of d[0..n), or 0 when d does not
 * start with one.  Only Beijing (010) and the 02X cities have three
 * digits; 00 is the international prefix, not an area code.
 */
static size_t
area_len(const char *d, size_t n)
{
	if (n < 3 || d[0] != '0')
		return 0;
	if (d[1] == '1')
		return d[2] == '0' ? 3 : 0;
	if (d[1] == '2')
		return 3;
	if (d[1] == '0' || n < 4)
		return 0;
	return 4;
}

enum ec_phone_kind
ec_phone_classify(const char *s, size_t n)
{
	char buf[PHONE_MAX], d[PHONE_MAX];
	size_t len = 0, nd = 0, i = 0, paren = 0, area;

	if (n == 0 || n > PHONE_MAX)
		return EC_PHONE_INVALID;
	/* Most numbers in a census are eleven plain digits of a mobile. */
	if (n == 11 && s[0] == '1' && s[1] >= '3' && s[1] <= '9') {
		size_t k = 2;
		while (k < 11 && is_digit(s[k]))
			k++;
		if (k == 11)
			return EC_PHONE_MOBILE;
	}
	/* Spaces and hyphens may fall anywhere, even inside +86. */
	for (size_t k = 0; k < n; k++) {
		if (s[k] == ' ' || s[k] == '-')
			continue;
		if (!is_digit(s[k]) && s[k] != '+' && s[k] != '(' &&
		    s[k] != ')')
			return EC_PHONE_INVALID;
		buf[len++] = s[k];
	}

	if (len >= 3 && memcmp(buf, "+86", 3) == 0)
		i = 3;
	else if (len >= 4 && memcmp(buf, "0086", 4) == 0)
		i = 4;
	if (i < len && buf[i] == '(') {
		for (i++; i < len && is_digit(buf[i]); i++)
			d[nd++] = buf[i];
		if (i == len || buf[i] != ')' || nd == 0)
			return EC_PHONE_INVALID;
		paren = nd;
		i++;
	}
	/* A + or parenthesis anywhere else fails here. */
	for (; i < len; i++) {
		if (!is_digit(buf[i]))
			return EC_PHONE_INVALID;
		d[nd++] = buf[i];
	}

	if (paren == 0 && nd == 11 && d[0] == '1' && d[1] >= '3')
		return EC_PHONE_MOBILE;
	area = area_len(d, nd);
	/* Parentheses must hold exactly the area code. */
	if (paren != 0 && paren != area)
		return EC_PHONE_INVALID;
	if (area > 0 && (nd - area == 7 || nd - area == 8) && d[area] >= '2')
		return EC_PHONE_LANDLINE;
	return EC_PHONE_INVALID;
}
