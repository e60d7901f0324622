#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "header.h"
#include "policy.h"

#include "fixture.h"

/*
 * Which column a header names (lib/header.h), through the default
 * policy: every spelling, in any ASCII case, trimmed; a column the tools
 * write by its canonical name only, unless the user names it.
 */

static int
col(void **state, const char *text)
{
	return ec_header_column(*state, text, strlen(text));
}

static int
named(void **state, const char *text)
{
	return ec_header_named(*state, text, strlen(text));
}

static int
pcol(void **state, const char *name)
{
	return ec_policy_column(*state, name);
}

static void
test_header_canonical(void **state)
{
	assert_int_equal(col(state, "id_number"), pcol(state, "id_number"));
	assert_int_equal(col(state, "village"), pcol(state, "village"));
	assert_true(pcol(state, "village") >= 0);
}

static void
test_header_zh(void **state)
{
	assert_int_equal(col(state, "身份证号"), pcol(state, "id_number"));
	assert_int_equal(col(state, "村(社区)"), pcol(state, "village"));
}

static void
test_header_alias(void **state)
{
	assert_int_equal(col(state, "公民身份号码"), pcol(state, "id_number"));
	assert_int_equal(col(state, "村"), pcol(state, "village"));
	assert_int_equal(col(state, "失能等级"), pcol(state, "ability_level"));
}

static void
test_header_case(void **state)
{
	assert_int_equal(col(state, "ID_Number"), pcol(state, "id_number"));
	assert_int_equal(col(state, "VILLAGE"), pcol(state, "village"));
	/* Only ASCII letters fold. */
	assert_int_equal(col(state, "ｖillage"), -1);
}

static void
test_header_trimmed(void **state)
{
	const char *t = "  village\t";

	assert_int_equal(col(state, t), pcol(state, "village"));
	assert_int_equal(col(state, " 村 "), pcol(state, "village"));
	/* the length given, not the NUL */
	assert_int_equal(ec_header_column(*state, "villagex", 7),
	    pcol(state, "village"));
	assert_int_equal(col(state, "vil lage"), -1);
	assert_int_equal(col(state, ""), -1);
	assert_int_equal(col(state, "   "), -1);
}

static void
test_header_output_canonical_only(void **state)
{
	/* elder-classify's: a census's own 年龄 stays data */
	assert_int_equal(col(state, "age"), pcol(state, "age"));
	assert_int_equal(col(state, "AGE"), pcol(state, "age"));
	assert_int_equal(col(state, "年龄"), -1);
	/* risk-score's and visit-due's */
	assert_int_equal(col(state, "risk_level"), pcol(state, "risk_level"));
	assert_int_equal(col(state, "风险等级"), -1);
	assert_int_equal(col(state, "走访状态"), -1);
	assert_int_equal(col(state, "next_due"), pcol(state, "next_due"));
}

static void
test_header_named(void **state)
{
	/* What the user names: any spelling of any column. */
	assert_int_equal(named(state, "年龄"), pcol(state, "age"));
	assert_int_equal(named(state, " 风险等级 "), pcol(state, "risk_level"));
	assert_int_equal(named(state, "走访状态"), pcol(state, "visit_status"));
	assert_int_equal(named(state, "村"), pcol(state, "village"));
	assert_int_equal(named(state, "Village"), pcol(state, "village"));
	assert_int_equal(named(state, "no such column"), -1);
}

/* The spellings a message about a missing column offers. */
static void
test_header_spellings(void **state)
{
	const struct ec_policy *p = *state;
	struct ec_buf b = EC_BUF_INIT;

	ec_header_spellings(&b, &p->columns[pcol(state, "village")]);
	assert_string_equal(b.p, " (its header may be: village, 村(社区), "
	    "村（社区）, 村社区, 村, 村（居）, 村(居))");
	ec_buf_reset(&b);
	ec_header_spellings(&b, &p->columns[pcol(state, "age")]);
	assert_string_equal(b.p, " (its header may be: age, 年龄)");
	ec_buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_canonical),
		cmocka_unit_test(test_header_spellings),
		cmocka_unit_test(test_header_zh),
		cmocka_unit_test(test_header_alias),
		cmocka_unit_test(test_header_case),
		cmocka_unit_test(test_header_trimmed),
		cmocka_unit_test(test_header_output_canonical_only),
		cmocka_unit_test(test_header_named),
	};

	return cmocka_run_group_tests_name("header", tests, policy_setup,
	    policy_teardown);
}
