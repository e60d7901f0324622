#include "idnum.h"

#include <string.h>

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The offset of the first non-digit in s[0..n), or n. */
static size_t
first_nondigit(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && is_digit(s[i]); i++)
		continue;
	return i;
}

static int
number(const char *s, size_t n)
{
	int v = 0;

	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* The check character ('0'-'9' or 'X') for the first 17 digits. */
static char
check_char(const char digits[17])
{
	static const int weight[17] = {
		7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2
	};
	int sum = 0;

	for (int i = 0; i < 17; i++)
		sum += (digits[i] - '0') * weight[i];
	return "10X98765432"[sum % 11];
}

/* Hands the details to a caller that asked for them. */
static enum ec_id_status
failed(enum ec_id_status st, const struct ec_id_error *e,
    struct ec_id_error *err)
{
	if (err != NULL)
		*err = *e;
	return st;
}

enum ec_id_status
ec_id_parse(const char *s, size_t n, struct ec_id *id,
    struct ec_id_error *err)
{
	struct ec_id_error e;
	char num[19], want;
	ec_date birth;
	int upgraded;

	memset(&e, 0, sizeof(e));
	e.length = n;
	if (n == 18) {
		e.pos = first_nondigit(s, 17);
		if (e.pos < 17 ||
		    (!is_digit(s[17]) && s[17] != 'X' && s[17] != 'x'))
			return failed(EC_ID_CHAR, &e, err);
		memcpy(num, s, 18);
		if (num[17] == 'x')
			num[17] = 'X';
		upgraded = 0;
	} else if (n == 15) {
		if ((e.pos = first_nondigit(s, 15)) < 15)
			return failed(EC_ID_CHAR, &e, err);
		memcpy(num, s, 6);
		/* Sequence codes 996-999 were given to those born in the 1800s. */
		memcpy(num + 6, memcmp(s + 12, "996", 3) >= 0 ? "18" : "19", 2);
		memcpy(num + 8, s + 6, 9);
		num[17] = check_char(num);
		upgraded = 1;
	} else {
		return failed(EC_ID_LENGTH, &e, err);
	}
	num[18] = '\0';
	/* pos is only meaningful with EC_ID_CHAR. */
	e.pos = 0;

	if (ec_date_from_ymd(number(num + 6, 4), number(num + 10, 2),
	    number(num + 12, 2), &birth) != 0) {
		memcpy(e.birth, num + 6, 8);
		e.birth[8] = '\0';
		return failed(EC_ID_BIRTH, &e, err);
	}
	/* An upgraded number's check character is ours, so always right. */
	if ((want = check_char(num)) != num[17]) {
		e.found = s[17];
		e.expected = want;
		return failed(EC_ID_CHECK, &e, err);
	}

	if (id != NULL) {
		memcpy(id->number, num, sizeof(id->number));
		id->birth = birth;
		id->sex = (num[16] - '0') % 2 ? EC_SEX_MALE : EC_SEX_FEMALE;
		id->upgraded = upgraded;
	}
	return EC_ID_OK;
}
