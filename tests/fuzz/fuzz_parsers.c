/*
 * fuzz_parsers.c - libFuzzer harness of the cell parsers: ID numbers
 * (idnum.h), dates (date.h), telephone numbers (phone.h), and with them
 * the text helpers every cell goes through (text.h: trimming, the UTF-8
 * check, display widths; value.h: list items), on the input, on its prefixes
 * up to 40 bytes and on its suffixes from the first 8 offsets.
 *
 * Round trips where the API makes them plain:
 *   - a date that parses formats as YYYY-MM-DD, which parses to the
 *     same day; its year, month and day give it back; a person born on
 *     it is 0 that day, k years old on the k-th birthday (29 February
 *     by the leap rule) and k-1 the day before;
 *   - an ID number that parses is 18 characters with the right check
 *     character; it parses again to itself, the same birth and sex; its
 *     birth date is the one written in it; a 15-digit one is upgraded
 *     with its digits in place; a failure says what failed, where;
 *   - a telephone number keeps its kind with a hyphen put anywhere and,
 *     plain digits, with +86 before it;
 *   - the UTF-8 check finds the first bad byte a reference decoder
 *     finds, and says whether there is a blank or a quote; trimming
 *     takes only white space; list items are trimmed, non-empty,
 *     without separators, and as many as ec_list_count says.
 */
#include <string.h>

#include "date.h"
#include "fuzz.h"
#include "idnum.h"
#include "phone.h"
#include "text.h"
#include "value.h"

static int
digit(char c)
{
	return c >= '0' && c <= '9';
}

/* How many digits s[0..n) starts with (s is not NUL-terminated). */
static size_t
lead_digits(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && digit(s[i]))
		i++;
	return i;
}

static int
num(const char *s, size_t n)
{
	int v = 0;

	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* Whether year y (1000-9999) has a 29 February. */
static int
is_leap(int y)
{
	ec_date d;

	return ec_date_from_ymd(y, 2, 29, &d) == 0;
}

/* Age at the k-th birthday, and the day before it. */
static void
check_birthdays(ec_date b, int y, int m, int d, int k)
{
	for (int rule = EC_LEAP_MAR1; rule <= EC_LEAP_FEB28; rule++) {
		int bm = m, bd = d;
		ec_date at;

		if (y + k > 9999)
			return;
		if (m == 2 && d == 29 && !is_leap(y + k)) {
			bm = rule == EC_LEAP_FEB28 ? 2 : 3;
			bd = rule == EC_LEAP_FEB28 ? 28 : 1;
		}
		FUZZ_CHECK(ec_date_from_ymd(y + k, bm, bd, &at) == 0);
		FUZZ_CHECK(ec_date_age(b, at, rule) == k);
		if (k > 0)
			FUZZ_CHECK(ec_date_age(b, at - 1, rule) == k - 1);
	}
}

static void
fuzz_date(const char *s, size_t n)
{
	ec_date date, again;
	char out[11];
	int y, m, d;

	enum ec_date_status st = ec_date_parse(s, n, &date);
	FUZZ_CHECK(st == EC_DATE_OK || st == EC_DATE_SYNTAX ||
	    st == EC_DATE_INVALID);
	if (st != EC_DATE_OK)
		return;
	/* 20181010 is the shortest form, 2018年10月10日 the longest. */
	FUZZ_CHECK(n >= 8 && n <= 17);
	FUZZ_CHECK(ec_date_format(date, out) == 10 && out[10] == '\0');
	FUZZ_CHECK(ec_date_parse(out, 10, &again) == EC_DATE_OK);
	FUZZ_CHECK(again == date);
	FUZZ_CHECK(out[4] == '-' && out[7] == '-');
	y = num(out, 4);
	m = num(out + 5, 2);
	d = num(out + 8, 2);
	FUZZ_CHECK(y >= 1000 && y <= 9999);
	FUZZ_CHECK(ec_date_year(date) == y);
	FUZZ_CHECK(ec_date_from_ymd(y, m, d, &again) == 0 && again == date);
	FUZZ_CHECK(ec_date_age(date, date, EC_LEAP_MAR1) == 0);
	FUZZ_CHECK(ec_date_age(date, date, EC_LEAP_FEB28) == 0);
	check_birthdays(date, y, m, d, 1);
	check_birthdays(date, y, m, d, 60);
	check_birthdays(date, y, m, d, 80 + d % 30);
}

static void
fuzz_id(const char *s, size_t n)
{
	struct ec_id id, again;
	struct ec_id_error err;
	char birth[11], wrong[18];

	memset(&err, 0xa5, sizeof err);
	enum ec_id_status st = ec_id_parse(s, n, &id, &err);
	if (st != EC_ID_OK) {
		FUZZ_CHECK(err.length == n);
		FUZZ_CHECK((st == EC_ID_LENGTH) == (n != 15 && n != 18));
		/* Without details to fill, the same verdict. */
		FUZZ_CHECK(ec_id_parse(s, n, NULL, NULL) == st);
	}
	switch (st) {
	case EC_ID_OK:
		break;
	case EC_ID_LENGTH:
		return;
	case EC_ID_CHAR:
		FUZZ_CHECK(err.pos < n && lead_digits(s, n) == err.pos);
		return;
	case EC_ID_CHECK:
		FUZZ_CHECK(n == 18 && err.found == s[17]);
		FUZZ_CHECK(err.expected != err.found &&
		    !(err.found == 'x' && err.expected == 'X'));
		return;
	case EC_ID_BIRTH:
		FUZZ_CHECK(strlen(err.birth) == 8);
		FUZZ_CHECK(strspn(err.birth, "0123456789") == 8);
		return;
	default:
		FUZZ_CHECK(!"a status ec_id_parse does not have");
	}
	FUZZ_CHECK(n == 15 || n == 18);
	FUZZ_CHECK(strlen(id.number) == 18);
	FUZZ_CHECK(strspn(id.number, "0123456789") >= 17);
	/* Any other check character is wrong, and this one expected. */
	memcpy(wrong, id.number, 18);
	wrong[17] = id.number[17] == '0' ? '1' : '0';
	FUZZ_CHECK(ec_id_parse(wrong, 18, NULL, &err) == EC_ID_CHECK &&
	    err.expected == id.number[17]);
	FUZZ_CHECK(id.sex == ((id.number[16] - '0') % 2 ? EC_SEX_MALE :
	    EC_SEX_FEMALE));
	FUZZ_CHECK(id.upgraded == (n == 15));
	if (n == 18) {
		FUZZ_CHECK(memcmp(id.number, s, 17) == 0);
		FUZZ_CHECK(id.number[17] == s[17] ||
		    (s[17] == 'x' && id.number[17] == 'X'));
	} else {
		FUZZ_CHECK(memcmp(id.number, s, 6) == 0);
		FUZZ_CHECK(memcmp(id.number + 8, s + 6, 9) == 0);
	}
	ec_date_format(id.birth, birth);
	FUZZ_CHECK(memcmp(id.number + 6, birth, 4) == 0 &&
	    memcmp(id.number + 10, birth + 5, 2) == 0 &&
	    memcmp(id.number + 12, birth + 8, 2) == 0);
	FUZZ_CHECK(ec_id_parse(id.number, 18, &again, NULL) == EC_ID_OK);
	FUZZ_CHECK(memcmp(again.number, id.number, sizeof id.number) == 0);
	FUZZ_CHECK(again.birth == id.birth && again.sex == id.sex &&
	    !again.upgraded);
}

static void
fuzz_phone(const char *s, size_t n, size_t at)
{
	char buf[64];
	enum ec_phone_kind k = ec_phone_classify(s, n);

	FUZZ_CHECK(k == EC_PHONE_INVALID || k == EC_PHONE_MOBILE ||
	    k == EC_PHONE_LANDLINE);
	if (n == 0 || n >= 40)
		return;
	/* A hyphen anywhere changes nothing. */
	at %= n + 1;
	memcpy(buf, s, at);
	buf[at] = '-';
	memcpy(buf + at + 1, s + at, n - at);
	FUZZ_CHECK(ec_phone_classify(buf, n + 1) == k);
	/* Nor does +86 before plain digits (that do not start with 0086). */
	if (n + 3 <= 40 && lead_digits(s, n) == n &&
	    !(n >= 4 && memcmp(s, "0086", 4) == 0)) {
		memcpy(buf, "+86", 3);
		memcpy(buf + 3, s, n);
		FUZZ_CHECK(ec_phone_classify(buf, n + 3) == k);
	}
	if (k == EC_PHONE_MOBILE && lead_digits(s, n) == n &&
	    !(n >= 4 && memcmp(s, "0086", 4) == 0))
		FUZZ_CHECK(n == 11 && s[0] == '1');
}

static int
trimmed_away(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		if (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r'))
			i++;
		else if (n - i >= 3 && memcmp(s + i, "\xe3\x80\x80", 3) == 0)
			i += 3;
		else
			return 0;
	}
	return 1;
}

static int
is_separator(const char *s, size_t n)
{
	return *s == ';' || *s == ',' || (n >= 3 &&
	    (memcmp(s, "\xef\xbc\x9b", 3) == 0 ||
	    memcmp(s, "\xe3\x80\x81", 3) == 0 ||
	    memcmp(s, "\xef\xbc\x8c", 3) == 0));
}

static void
fuzz_text(const char *s, size_t n)
{
	unsigned seen = 7;
	size_t bad = fuzz_utf8_bad(s, n), len = n;

	FUZZ_CHECK(ec_utf8_scan(s, n, &seen) == bad);
	FUZZ_CHECK(ec_utf8_check(s, n) == bad);
	FUZZ_CHECK(!!(seen & EC_SEEN_BLANK) ==
	    (memchr(s, ' ', n) || memchr(s, '\t', n)));
	FUZZ_CHECK(!!(seen & EC_SEEN_QUOTE) == !!memchr(s, '"', n));
	FUZZ_CHECK(!!(seen & EC_SEEN_CR) == !!memchr(s, '\r', n));
	FUZZ_CHECK((seen & ~(EC_SEEN_BLANK | EC_SEEN_QUOTE | EC_SEEN_CR)) ==
	    0);

	const char *t = ec_trim(s, &len);
	FUZZ_CHECK(t >= s && len <= n - (size_t)(t - s));
	FUZZ_CHECK(trimmed_away(s, (size_t)(t - s)));
	FUZZ_CHECK(trimmed_away(t + len, n - (size_t)(t - s) - len));
	size_t again = len;
	FUZZ_CHECK(ec_trim(t, &again) == t && again == len);
	FUZZ_CHECK(ec_ascii_case_eq(s, n, s, n));
	FUZZ_CHECK(ec_width(s, n) <= 2 * n);

	size_t pos = 0, ilen, count = 0;
	const char *item;
	while (ec_list_next(s, n, &pos, &item, &ilen)) {
		FUZZ_CHECK(ilen > 0 && item >= s && item + ilen <= s + n);
		size_t tl = ilen;
		FUZZ_CHECK(ec_trim(item, &tl) == item && tl == ilen);
		for (size_t i = 0; i < ilen; i++)
			FUZZ_CHECK(!is_separator(item + i, ilen - i));
		FUZZ_CHECK(++count <= n);
	}
	FUZZ_CHECK(pos == n);
	FUZZ_CHECK(ec_list_count(s, n) == count);
}

static void
one(const char *s, size_t n, size_t at)
{
	fuzz_date(s, n);
	fuzz_id(s, n);
	fuzz_phone(s, n, at);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;

	fuzz_text(s, size);
	one(s, size, size / 2);
	for (size_t e = 0; e < size && e <= 40; e++)
		one(s, e, e / 3);
	for (size_t b = 1; b < size && b <= 8; b++)
		one(s + b, size - b, b);
	return 0;
}
