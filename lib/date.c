#include "date.h"

#include <string.h>
#include <time.h>

#define YEAR_MIN	1000
#define YEAR_MAX	9999

/* 年, 月 and 日 in UTF-8. */
#define CJK_YEAR	"\xe5\xb9\xb4"
#define CJK_MONTH	"\xe6\x9c\x88"
#define CJK_DAY		"\xe6\x97\xa5"
#define CJK_LEN		3

static int
is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
month_days(int y, int m)
{
	static const int days[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	if (m == 2 && is_leap(y))
		return 29;
	return days[m - 1];
}

/*
 * Howard Hinnant's days_from_civil.  The year is counted from March so
 * that the leap day falls at the end of it, which makes the day of the
 * year a linear function of the month.
 */
static int32_t
days_from_civil(int y, int m, int d)
{
	int era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int32_t)(era * 146097 + doe - 719468);
}

int
ec_date_from_ymd(int y, int m, int d, ec_date *out)
{
	if (y < YEAR_MIN || y > YEAR_MAX || m < 1 || m > 12 || d < 1 ||
	    d > month_days(y, m))
		return -1;
	*out = days_from_civil(y, m, d);
	return 0;
}

/*
 * Hinnant's civil_from_days, the inverse of days_from_civil.  The shift
 * is done in 64 bits so that a day number far outside 1000-9999 gives a
 * wrong year rather than undefined behaviour.
 */
static void
to_ymd(ec_date date, int *y, int *m, int *d)
{
	int64_t z;
	int era, doe, yoe, doy, mp, mm;

	z = (int64_t)date + 719468;
	era = (int)((z >= 0 ? z : z - 146096) / 146097);
	doe = (int)(z - (int64_t)era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	mm = mp < 10 ? mp + 3 : mp - 9;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mm;
	*y = yoe + era * 400 + (mm <= 2);
}

int
ec_date_year(ec_date date)
{
	int y, m, d;

	to_ymd(date, &y, &m, &d);
	return y;
}

/* Reads exactly len digits at s[*i]; -1 unless they are all there. */
static int
fixed_digits(const char *s, size_t n, size_t *i, size_t len)
{
	int v = 0;

	if (n - *i < len)
		return -1;
	for (size_t k = 0; k < len; k++) {
		char c = s[*i + k];
		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (c - '0');
	}
	*i += len;
	return v;
}

/* Reads one or two digits at s[*i]; -1 when there is none. */
static int
short_number(const char *s, size_t n, size_t *i)
{
	int v = 0;
	size_t k = 0;

	while (k < 2 && *i + k < n && s[*i + k] >= '0' && s[*i + k] <= '9') {
		v = v * 10 + (s[*i + k] - '0');
		k++;
	}
	if (k == 0)
		return -1;
	*i += k;
	return v;
}

/* Consumes the UTF-8 word w at s[*i]; 0 when it is there. */
static int
word(const char *s, size_t n, size_t *i, const char *w)
{
	if (n - *i < CJK_LEN || memcmp(s + *i, w, CJK_LEN) != 0)
		return -1;
	*i += CJK_LEN;
	return 0;
}

enum ec_date_status
ec_date_parse(const char *s, size_t n, ec_date *out)
{
	size_t i = 0;
	int y, m, d;

	if ((y = fixed_digits(s, n, &i, 4)) < 0)
		return EC_DATE_SYNTAX;
	if (i < n && s[i] >= '0' && s[i] <= '9') {
		/* The compact form: the final length check keeps it to 8. */
		if ((m = fixed_digits(s, n, &i, 2)) < 0 ||
		    (d = fixed_digits(s, n, &i, 2)) < 0)
			return EC_DATE_SYNTAX;
	} else if (i < n && (s[i] == '-' || s[i] == '/' || s[i] == '.')) {
		char sep = s[i++];

		if ((m = short_number(s, n, &i)) < 0 || i >= n ||
		    s[i++] != sep || (d = short_number(s, n, &i)) < 0)
			return EC_DATE_SYNTAX;
	} else if (word(s, n, &i, CJK_YEAR) == 0) {
		if ((m = short_number(s, n, &i)) < 0 ||
		    word(s, n, &i, CJK_MONTH) != 0 ||
		    (d = short_number(s, n, &i)) < 0 ||
		    word(s, n, &i, CJK_DAY) != 0)
			return EC_DATE_SYNTAX;
	} else {
		return EC_DATE_SYNTAX;
	}
	if (i != n)
		return EC_DATE_SYNTAX;
	if (ec_date_from_ymd(y, m, d, out) != 0)
		return EC_DATE_INVALID;
	return EC_DATE_OK;
}

size_t
ec_date_format(ec_date date, char out[11])
{
	int y, m, d;

	to_ymd(date, &y, &m, &d);
	/*
	 * Only years 1000-9999 have four digits; keeping the length fixed
	 * for anything else is better than writing past the buffer.
	 */
	if (y < 0)
		y = -y;
	y %= 10000;
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + d / 10);
	out[9] = (char)('0' + d % 10);
	out[10] = '\0';
	return 10;
}

int
ec_date_age(ec_date birth, ec_date asof, enum ec_leap_rule rule)
{
	int by, bm, bd, ay, am, ad, age;

	to_ymd(birth, &by, &bm, &bd);
	to_ymd(asof, &ay, &am, &ad);
	/* Where this year's birthday falls when 29 February does not exist. */
	if (bm == 2 && bd == 29 && !is_leap(ay)) {
		if (rule == EC_LEAP_FEB28) {
			bd = 28;
		} else {
			bm = 3;
			bd = 1;
		}
	}
	age = ay - by;
	if (am < bm || (am == bm && ad < bd))
		age--;
	return age;
}

int
ec_date_today(ec_date *out)
{
	struct tm tm;
	time_t now;

	if ((now = time(NULL)) == (time_t)-1 || localtime_r(&now, &tm) == NULL)
		return -1;
	return ec_date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
	    out);
}
