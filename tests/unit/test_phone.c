#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>

#include <cmocka.h>

#include "phone.h"

static void
expect(const char *const *t, size_t n, enum ec_phone_kind kind)
{
	for (size_t i = 0; i < n; i++)
		if (ec_phone_classify(t[i], strlen(t[i])) != kind)
			fail_msg("\"%s\" is not %d", t[i], (int)kind);
}

#define EXPECT(t, kind)	expect((t), sizeof(t) / sizeof((t)[0]), (kind))

static void
test_mobile(void **state)
{
	static const char *const t[] = {
		"13812345678", "+86 138 1234 5678", "0086-13812345678",
		"138-1234-5678", "+8613812345678", "008613812345678",
		"+86-138-1234-5678", "138 1234 5678", "0086 138 1234 5678",
		"+ 86 13812345678", "13000000000", "14512345678",
		"15912345678", "16612345678", "17712345678", "18812345678",
		"19912345678", "1-3-8-1-2-3-4-5-6-7-8", "138--1234  5678",
	};

	EXPECT(t, EC_PHONE_MOBILE);
}

static void
test_mobile_invalid(void **state)
{
	static const char *const t[] = {
		"12345678901",		/* second digit 2 */
		"11012345678",		/* second digit 1 */
		"10012345678",		/* second digit 0 */
		"1381234567",		/* 10 digits */
		"138123456789",		/* 12 digits */
		"23812345678",		/* not 1 first */
		"8613812345678",	/* 86 without + */
		"86 138 1234 5678",
		"+08613812345678",
		"++8613812345678",
		"+85213812345678",	/* Hong Kong */
		"+1 138 1234 5678",
		"13812345678+",
		"138+12345678",
		"(138)12345678",	/* no area code to enclose */
		"(13812345678)",
		"138.1234.5678",
		"138/1234/5678",
		"138_1234_5678",
		"１3812345678",		/* full-width 1 */
		"13812345678\n",	/* the caller trims, not us */
		"\t13812345678",
		"13812345678 ext 1",
		"+86",
		"0086",
		"+86138123456789",
	};

	EXPECT(t, EC_PHONE_INVALID);
}

static void
test_landline(void **state)
{
	static const char *const t[] = {
		"028-82345678", "(028)82345678", "0832-2345678",
		"010-87654321", "02882345678", "(028) 8234 5678",
		"(0832)2345678", "0832-23456789", "021-2345678",
		"0755-23456789", "010 6512 3456", "01065123456",
		"+86 028 82345678", "0086-010-87654321", "+86(028)82345678",
		"028-92345678", "0832 9234567", "0571-8888888",
	};

	EXPECT(t, EC_PHONE_LANDLINE);
}

/*
 * Subscriber numbers never start with 0 or 1 (1 begins the service
 * numbers, 110, 114 ...), so these are refused although they look right.
 */
static void
test_landline_subscriber_first_digit(void **state)
{
	static const char *const t[] = {
		"028-0234567", "028-12345678", "(028)12345678",
		"0832-1234567", "02812345678", "010-02345678",
		"0832-0234567", "(0832)12345678",
	};

	EXPECT(t, EC_PHONE_INVALID);
}

static void
test_landline_invalid(void **state)
{
	static const char *const t[] = {
		"12345678",		/* no area code */
		"82345678",
		"2345678",
		"0832-234567",		/* 6 digits */
		"0832-234567890",	/* 9 digits */
		"028-234567890",
		"028-234567",
		"011-82345678",		/* 01 is only 010 */
		"019-82345678",
		"0012-2345678",		/* 00 is the international prefix */
		"0001 23456789",
		"0086-2345678",
		"0012345678",
		"00-82345678",
		"0832-2345678-123",	/* no extensions */
		"0832-2345678#123",
		"028-82345678 ext 12",
		"(28)82345678",		/* the 0 belongs inside */
		"(0282)345678",		/* more than the area code */
		"(02)882345678",	/* less than the area code */
		"()82345678",
		"(028",
		"028)82345678",
		"(028(82345678",
		"028(8234)5678",
		"(028)(82345678)",
		"(028)82345678)",
		"((028))82345678",
		"028.82345678",
		"+86 28 82345678",	/* international form without the 0 */
		"86-028-82345678",
		"0",
		"028",
		"0832",
	};

	EXPECT(t, EC_PHONE_INVALID);
}

static void
test_garbage(void **state)
{
	static const char *const t[] = {
		"abc", "", " ", "  ", "-", "---", "+", "()", "(", ")",
		"+-", "电话", "无", "N/A", "0", "1", "138", "13812345678a",
		"a13812345678",
	};

	EXPECT(t, EC_PHONE_INVALID);
}

static void
test_length_limit(void **state)
{
	char buf[64];

	/* 11 digits and 29 spaces: 40 bytes is the most allowed. */
	memset(buf, ' ', sizeof(buf));
	memcpy(buf, "13812345678", 11);
	assert_int_equal(ec_phone_classify(buf, 40), EC_PHONE_MOBILE);
	assert_int_equal(ec_phone_classify(buf, 41), EC_PHONE_INVALID);
	assert_int_equal(ec_phone_classify(buf, 64), EC_PHONE_INVALID);
	memset(buf, '-', sizeof(buf));
	memcpy(buf + 29, "13812345678", 11);
	assert_int_equal(ec_phone_classify(buf, 40), EC_PHONE_MOBILE);
	memset(buf, '1', sizeof(buf));
	assert_int_equal(ec_phone_classify(buf, 40), EC_PHONE_INVALID);
}

static void
test_length_not_nul(void **state)
{
	/* Only n bytes are read. */
	assert_int_equal(ec_phone_classify("13812345678999", 11),
	    EC_PHONE_MOBILE);
	assert_int_equal(ec_phone_classify("13812345678", 10),
	    EC_PHONE_INVALID);
	assert_int_equal(ec_phone_classify("1381234\0" "5678", 12),
	    EC_PHONE_INVALID);
	assert_int_equal(ec_phone_classify("13812345678", 0),
	    EC_PHONE_INVALID);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mobile),
		cmocka_unit_test(test_mobile_invalid),
		cmocka_unit_test(test_landline),
		cmocka_unit_test(test_landline_subscriber_first_digit),
		cmocka_unit_test(test_landline_invalid),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_length_limit),
		cmocka_unit_test(test_length_not_nul),
	};

	return cmocka_run_group_tests_name("phone", tests, NULL, NULL);
}
