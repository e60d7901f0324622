/*
 * phone.h - mainland Chinese telephone numbers.
 *
 * A number is first stripped of spaces, hyphens and a leading +86 or 0086
 * (and of parentheses around an area code).  What is left is a mobile
 * number (11 digits, 1[3-9]...) or a landline (an area code: 010 or 02X, or
 * 0 and three more digits, then a 7- or 8-digit subscriber number that
 * does not start with 0 or 1).  Nothing here allocates.
 */
#ifndef EC_PHONE_H
#define EC_PHONE_H

#include <stddef.h>

enum ec_phone_kind {
	EC_PHONE_INVALID = 0,
	EC_PHONE_MOBILE,
	EC_PHONE_LANDLINE,
};

/* Classifies s[0..n) (already trimmed); blank is EC_PHONE_INVALID. */
enum ec_phone_kind ec_phone_classify(const char *s, size_t n);

#endif
