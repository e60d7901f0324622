/*
 * report_mask.c - ID and phone numbers masked for a report (report.h).
 */
#include "report.h"

#include <string.h>

#include "text.h"

void
ec_mask_id(const char *s, size_t n, struct ec_buf *out)
{
	size_t nchars = 0, i = 0, k;
	uint32_t cp;

	/* By characters, so that a stray Chinese character stays whole. */
	for (i = 0; i < n; i += ec_utf8_decode(s + i, n - i, &cp))
		nchars++;
	for (i = 0, k = 0; i < n; k++) {
		size_t len = ec_utf8_decode(s + i, n - i, &cp);
		if (nchars > 10 && (k < 6 || k >= nchars - 4))
			ec_buf_add(out, s + i, len);
		else
			ec_buf_addc(out, '*');
		i += len;
	}
}

static int
phone_byte(char c)
{
	return (c >= '0' && c <= '9') || c == ' ' || c == '-' || c == '(' ||
	    c == ')' || c == '+';
}

void
ec_mask_phone(const char *s, size_t n, struct ec_buf *out)
{
	size_t i = 0;

	while (i < n) {
		size_t j = i, skip = i, ndig = 0, d = 0, keep, g;

		if (!phone_byte(s[i])) {
			ec_buf_addc(out, s[i++]);
			continue;
		}
		while (j < n && phone_byte(s[j]))
			j++;
		/* The country code is no secret: it stays, uncounted. */
		while (skip < j && s[skip] == ' ')
			skip++;
		if (j - skip >= 3 && memcmp(s + skip, "+86", 3) == 0)
			skip += 3;
		else if (j - skip >= 4 && memcmp(s + skip, "0086", 4) == 0)
			skip += 4;
		else
			skip = i;
		for (size_t k = skip; k < j; k++)
			ndig += s[k] >= '0' && s[k] <= '9';
		/* A landline's area code, written apart, stays whole. */
		keep = 3;
		for (g = skip; g < j && (s[g] < '0' || s[g] > '9'); g++)
			;
		if (g < j && s[g] == '0') {
			size_t e = g;
			while (e < j && s[e] >= '0' && s[e] <= '9')
				e++;
			if (e - g == 4 && ndig >= 9)
				keep = 4;
		}
		ec_buf_add(out, s + i, skip - i);
		for (size_t k = skip; k < j; k++) {
			int show = 1;
			if (s[k] < '0' || s[k] > '9') {
				ec_buf_addc(out, s[k]);
				continue;
			}
			if (ndig >= 8)
				show = d < keep || d >= ndig - 4;
			else if (ndig >= 5)
				show = d >= ndig - 4;
			ec_buf_addc(out, show ? s[k] : '*');
			d++;
		}
		i = j;
	}
}

