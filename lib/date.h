/*
 * date.h - calendar dates as day numbers, the date forms of the census,
 * and age in completed years.
 *
 * A date is the number of days since 1970-01-01 in the proleptic Gregorian
 * calendar.  Years 1000-9999 only: no census holds anything else, and the
 * limit keeps every computation far from overflow.  Nothing here allocates.
 */
#ifndef EC_DATE_H
#define EC_DATE_H

#include <stddef.h>
#include <stdint.h>

typedef int32_t ec_date;

enum ec_date_status {
	EC_DATE_OK = 0,
	EC_DATE_SYNTAX,		/* not one of the accepted forms */
	EC_DATE_INVALID,	/* well formed, but no such day (2018-02-30) */
};

/* How a 29 February birthday is kept in a common year. */
enum ec_leap_rule {
	EC_LEAP_MAR1 = 0,	/* on 1 March (the default policy's rule) */
	EC_LEAP_FEB28,		/* on 28 February */
};

/* 0 and *out set when y-m-d exists in years 1000-9999, else -1. */
int ec_date_from_ymd(int y, int m, int d, ec_date *out);

/*
 * Parses s[0..n) in one of the forms 2018-10-10, 2018/10/10, 2018.10.10,
 * 20181010 or 2018年10月10日.  Month and day may have one digit in the
 * separated forms (2018-1-5, 2018年1月5日).  No surrounding white space is
 * accepted: the caller trims.
 */
enum ec_date_status ec_date_parse(const char *s, size_t n, ec_date *out);

/* Writes YYYY-MM-DD and a NUL to out; returns 10. */
size_t ec_date_format(ec_date date, char out[11]);

/*
 * Completed years from birth to asof under rule (negative when asof is
 * before birth).
 */
int ec_date_age(ec_date birth, ec_date asof, enum ec_leap_rule rule);

/* The year of a date. */
int ec_date_year(ec_date date);

/* Today in local time; 0 on success. */
int ec_date_today(ec_date *out);

#endif
