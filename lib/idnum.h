/*
 * idnum.h - resident identity numbers (GB 11643-1999, 公民身份号码).
 *
 * An 18-character number is a 6-digit address code, an 8-digit birth date,
 * a 3-digit sequence code (odd for men, even for women) and a check
 * character (ISO 7064 MOD 11-2, 0-9 or X).  A 15-digit legacy number has a
 * 6-digit date (YYMMDD) and no check character; it is upgraded by inserting
 * the century (19, or 18 when the sequence code is 996-999) and computing
 * the check character.  A lowercase x is read as X.  Nothing here
 * allocates.
 */
#ifndef EC_IDNUM_H
#define EC_IDNUM_H

#include <stddef.h>

#include "date.h"

enum ec_id_status {
	EC_ID_OK = 0,
	EC_ID_LENGTH,		/* not 18 characters nor 15 digits */
	EC_ID_CHAR,		/* a character that is not a digit (or X last) */
	EC_ID_CHECK,		/* the check character is wrong */
	EC_ID_BIRTH,		/* the birth date inside does not exist */
};

enum ec_sex {
	EC_SEX_MALE = 1,
	EC_SEX_FEMALE = 2,
};

struct ec_id {
	char number[19];	/* the normalised 18 characters and a NUL */
	ec_date birth;
	enum ec_sex sex;
	int upgraded;		/* 1 when read from a 15-digit number */
};

/* What went wrong, for the message; filled on every status but OK. */
struct ec_id_error {
	size_t length;		/* characters (bytes) in the input */
	size_t pos;		/* EC_ID_CHAR: 0-based position of the bad byte */
	char found;		/* EC_ID_CHECK: the check character given */
	char expected;		/* EC_ID_CHECK: the one the digits call for */
	char birth[9];		/* EC_ID_BIRTH: the 8 date digits, NUL-ended */
};

/*
 * Parses s[0..n) (already trimmed).  On EC_ID_OK fills *id; otherwise
 * fills *err when err is not NULL.
 */
enum ec_id_status ec_id_parse(const char *s, size_t n, struct ec_id *id,
	struct ec_id_error *err);

#endif
