#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "csv.h"
#include "date.h"
#include "policy.h"
#include "risk.h"
#include "sheet.h"
#include "util.h"

#include "fixture.h"

/*
 * The default policy's risk standard (§四(二) of the plan, risk-score(1))
 * on records built by hand.  Every record is the base one below with a
 * few cells changed; the base scores nothing: aged 76 on the as-of date,
 * living with a spouse, ability intact, not poor, no chronic disease, no
 * mental illness, a valid guardian phone and a family doctor.  Expected
 * scores are the sums of the points of the standard's table, counted by
 * hand in the comments.
 */

#define AGE_76 "512002195003150029"	/* born 1950-03-15 */
#define AGE_80 "512002194611300137"	/* 80 on the as-of date exactly */
#define AGE_79 "512002194612010246"	/* 80 the day after */
#define AGE_86 "51200219400101001X"	/* born 1940-01-01 */

static const char *const columns[] = {
	"id_number", "name", "county", "township", "village",
	"living_arrangement", "children_total", "children_away",
	"away_months", "supporter_nearby", "ability_level", "poverty",
	"chronic_diseases", "severe_mental_illness", "guardian_phone",
	"family_doctor",
};
#define NCOLS EC_ARRAY_LEN(columns)

static const char *const base[NCOLS] = {
	AGE_76, "李秀英", "雁江区", "松涛镇", "白塔村",
	"spouse", "2", "2",
	"12", "no", "intact", "none",
	"", "no", "13900002222",
	"yes",
};

static struct ec_policy *
load_text(const char *text, size_t len)
{
	struct ec_policy_error err;
	struct ec_policy *p = ec_policy_load(text, len, &err);

	if (p == NULL)
		fail_msg("policy: %zu:%zu: %s", err.line, err.column, err.msg);
	return p;
}

/* The default policy with the only occurrence of from replaced by to. */
static struct ec_policy *
load_changed(const char *from, const char *to)
{
	const char *t = ec_policy_default_text;
	const char *at = strstr(t, from);
	struct ec_buf b = EC_BUF_INIT;
	struct ec_policy *p;

	assert_non_null(at);
	assert_null(strstr(at + 1, from));
	ec_buf_add(&b, t, (size_t)(at - t));
	ec_buf_adds(&b, to);
	ec_buf_adds(&b, at + strlen(from));
	p = load_text(b.p, b.len);
	ec_buf_release(&b);
	return p;
}

/* A sheet bound to a header, with the risk columns computed by r. */
struct bench {
	struct ec_sheet *s;
	struct ec_risk r;
	struct rec rec;
	size_t n;
};

static void
bench_open(struct bench *b, const struct ec_policy *p,
    const char *const *names, size_t n)
{
	memset(b, 0, sizeof *b);
	b->n = n;
	b->s = open_sheet(p, asof_default(), names, n);
	ec_risk_init(&b->r, p);
}

static void
bench_close(struct bench *b)
{
	ec_risk_release(&b->r);
	ec_sheet_free(b->s);
}

/* Starts on a record whose cells are cells[0..b->n). */
static void
bench_record(struct bench *b, const char *const *cells, size_t line)
{
	ec_sheet_record(b->s, mkrec(&b->rec, line, cells, b->n));
}

static void
expect_cells(struct bench *b, long long score, const char *level,
    const char *reasons)
{
	char want[24], *got;

	snprintf(want, sizeof want, "%lld", score);
	got = cell_text(b->s, "risk_score");
	assert_string_equal(got, want);
	free(got);
	got = cell_text(b->s, "risk_level");
	assert_string_equal(got, level);
	free(got);
	got = cell_text(b->s, "risk_reasons");
	assert_string_equal(got, reasons);
	free(got);
}

/*
 * The base record with the changes given as column, value pairs (NULL
 * ends them), scored under p: score, level and reasons must be these.
 */
static void
expect_risk(const struct ec_policy *p, long long score, const char *level,
    const char *reasons, ...)
{
	struct bench b;
	const char *cells[NCOLS];
	const char *col;
	va_list ap;

	memcpy(cells, base, sizeof cells);
	va_start(ap, reasons);
	while ((col = va_arg(ap, const char *)) != NULL) {
		const char *val = va_arg(ap, const char *);
		size_t i;
		for (i = 0; i < NCOLS && strcmp(columns[i], col) != 0; i++)
			;
		assert_true(i < NCOLS);
		cells[i] = val;
	}
	va_end(ap);

	bench_open(&b, p, columns, NCOLS);
	ec_risk_own(b.s, &b.r);
	bench_record(&b, cells, 2);
	expect_cells(&b, score, level, reasons);
	/* The struct holds the same: the sheet asked it. */
	assert_int_equal(b.r.score, score);
	assert_string_equal(b.r.reasons.p ? b.r.reasons.p : "", reasons);
	bench_close(&b);
}

static void
test_base(void **state)
{
	expect_risk(*state, 0, "low", "", NULL);
}

static void
test_each_factor(void **state)
{
	const struct ec_policy *p = *state;

	expect_risk(p, 25, "medium", "alone",
	    "living_arrangement", "alone", NULL);
	expect_risk(p, 25, "medium", "alone",
	    "living_arrangement", "独居", NULL);
	expect_risk(p, 15, "low", "oldest_old", "id_number", AGE_86, NULL);
	expect_risk(p, 15, "low", "poor", "poverty", "dibao", NULL);
	expect_risk(p, 15, "low", "poor", "poverty", "tekun", NULL);
	expect_risk(p, 15, "low", "poor", "poverty", "建档立卡", NULL);
	expect_risk(p, 20, "low", "mental_illness",
	    "severe_mental_illness", "yes", NULL);
	expect_risk(p, 20, "low", "mental_illness",
	    "severe_mental_illness", "是", NULL);
	expect_risk(p, 10, "low", "chronic_multi",
	    "chronic_diseases", "高血压;糖尿病", NULL);
	expect_risk(p, 10, "low", "no_guardian_contact",
	    "guardian_phone", "", NULL);
	expect_risk(p, 5, "low", "no_family_doctor",
	    "family_doctor", "no", NULL);
}

static void
test_ability(void **state)
{
	const struct ec_policy *p = *state;

	expect_risk(p, 0, "low", "", "ability_level", "intact", NULL);
	expect_risk(p, 10, "low", "ability_mild", "ability_level", "mild",
	    NULL);
	expect_risk(p, 25, "medium", "ability_moderate",
	    "ability_level", "moderate", NULL);
	expect_risk(p, 40, "medium", "ability_severe",
	    "ability_level", "severe", NULL);
	expect_risk(p, 40, "medium", "ability_severe",
	    "ability_level", "total", NULL);
	expect_risk(p, 40, "medium", "ability_severe",
	    "ability_level", "完全失能", NULL);
	/* Not a value of the vocabulary: blank, so no factor. */
	expect_risk(p, 0, "low", "", "ability_level", "轻度实能", NULL);
}

static void
test_oldest_old_boundary(void **state)
{
	const struct ec_policy *p = *state;

	expect_risk(p, 15, "low", "oldest_old", "id_number", AGE_80, NULL);
	expect_risk(p, 0, "low", "", "id_number", AGE_79, NULL);
	/* A wrong check character: no age, so not oldest_old. */
	expect_risk(p, 0, "low", "", "id_number", "512002194001010011",
	    NULL);
}

/*
 * The default points are all multiples of 5, so 24 and 49 cannot be
 * reached: 20 and 45 are the scores just under the thresholds.
 */
static void
test_boundaries(void **state)
{
	const struct ec_policy *p = *state;

	/* mental_illness 20: low */
	expect_risk(p, 20, "low", "mental_illness",
	    "severe_mental_illness", "yes", NULL);
	/* poor 15 + no_guardian_contact 10 = 25: medium */
	expect_risk(p, 25, "medium", "poor;no_guardian_contact",
	    "poverty", "dibao", "guardian_phone", "", NULL);
	/* alone 25 + no_family_doctor 5 = 30: medium */
	expect_risk(p, 30, "medium", "alone;no_family_doctor",
	    "living_arrangement", "alone", "family_doctor", "no", NULL);
	/* alone 25 + poor 15 + no_family_doctor 5 = 45: medium */
	expect_risk(p, 45, "medium", "alone;poor;no_family_doctor",
	    "living_arrangement", "alone", "poverty", "dibao",
	    "family_doctor", "no", NULL);
	/* ability_severe 40 + no_family_doctor 5 = 45: medium */
	expect_risk(p, 45, "medium", "ability_severe;no_family_doctor",
	    "ability_level", "severe", "family_doctor", "否", NULL);
	/* alone 25 + ability_mild 10 + poor 15 = 50: high on points */
	expect_risk(p, 50, "high", "alone;ability_mild;poor",
	    "living_arrangement", "alone", "ability_level", "mild",
	    "poverty", "tekun", NULL);
	/* alone 25 + ability_moderate 25 = 50: high, and the override */
	expect_risk(p, 50, "high", "alone;ability_moderate;disabled_alone",
	    "living_arrangement", "alone", "ability_level", "moderate",
	    NULL);
	/* oldest_old 15 + poor 15 + mental_illness 20 = 50: high */
	expect_risk(p, 50, "high", "oldest_old;poor;mental_illness",
	    "id_number", AGE_86, "poverty", "dibao",
	    "severe_mental_illness", "1", NULL);
}

/* Every factor at once: 25+40+15+15+20+10+10+5 = 140. */
static void
test_all(void **state)
{
	expect_risk(*state, 140, "high",
	    "alone;ability_severe;oldest_old;poor;mental_illness;"
	    "chronic_multi;no_guardian_contact;no_family_doctor;"
	    "disabled_alone",
	    "id_number", AGE_86, "living_arrangement", "alone",
	    "ability_level", "total", "poverty", "registered_poor",
	    "severe_mental_illness", "yes", "chronic_diseases", "a,b,c",
	    "guardian_phone", "none", "family_doctor", "no", NULL);
}

/* 24 and 49 under a policy whose chronic_multi scores 9. */
static void
test_boundaries_exact(void **state)
{
	struct ec_policy *p = load_changed(
	    "{name: chronic_multi, points: 10,",
	    "{name: chronic_multi, points: 9,");

	/* poor 15 + chronic_multi 9 = 24: low */
	expect_risk(p, 24, "low", "poor;chronic_multi", "poverty", "dibao",
	    "chronic_diseases", "a;b", NULL);
	/* alone 25: medium */
	expect_risk(p, 25, "medium", "alone", "living_arrangement", "alone",
	    NULL);
	/* ability_severe 40 + chronic_multi 9 = 49: medium */
	expect_risk(p, 49, "medium", "ability_severe;chronic_multi",
	    "ability_level", "severe", "chronic_diseases", "a;b", NULL);
	/* alone 25 + poor 15 + ability_mild 10 = 50: high */
	expect_risk(p, 50, "high", "alone;ability_mild;poor",
	    "living_arrangement", "alone", "poverty", "dibao",
	    "ability_level", "mild", NULL);
	ec_policy_free(p);
}

/*
 * Under the default points the override never changes the level (alone
 * and moderate already make 50); with alone at 20 it must.
 */
static void
test_override_below_high(void **state)
{
	struct ec_policy *p = load_changed("{name: alone, points: 25,",
	    "{name: alone, points: 20,");

	/* alone 20 + ability_moderate 25 = 45: medium, made high */
	expect_risk(p, 45, "high", "alone;ability_moderate;disabled_alone",
	    "living_arrangement", "alone", "ability_level", "moderate",
	    NULL);
	/*
	 * alone 20 + ability_severe 40 + no_guardian_contact 10 +
	 * no_family_doctor 5 = 75: the override's reason comes last.
	 */
	expect_risk(p, 75, "high",
	    "alone;ability_severe;no_guardian_contact;no_family_doctor;"
	    "disabled_alone",
	    "living_arrangement", "alone", "ability_level", "severe",
	    "guardian_phone", "", "family_doctor", "no", NULL);
	/* alone 20 alone: medium is out of reach (25), low */
	expect_risk(p, 20, "low", "alone", "living_arrangement", "alone",
	    NULL);
	ec_policy_free(p);
}

/* When several overrides hold, the level listed first wins. */
static void
test_several_overrides(void **state)
{
	struct ec_policy *p = load_changed("  overrides:\n",
	    "  overrides:\n"
	    "    - {name: alone_low, level: low, when: \"living_arrangement "
	    "== 'alone'\"}\n"
	    "    - {name: poor_medium, level: medium, when: \"poverty != "
	    "'none'\"}\n");

	/* alone 25 + ability_moderate 25 = 50; low, high: high */
	expect_risk(p, 50, "high",
	    "alone;ability_moderate;alone_low;disabled_alone",
	    "living_arrangement", "alone", "ability_level", "moderate",
	    NULL);
	/* alone 25 + poor 15 = 40; low, medium: medium */
	expect_risk(p, 40, "medium", "alone;poor;alone_low;poor_medium",
	    "living_arrangement", "alone", "poverty", "dibao", NULL);
	/* alone 25 + oldest_old 15 + poor 15 = 55: an override sets */
	/* the level, even below the points' one: low, medium: medium */
	expect_risk(p, 55, "medium",
	    "alone;oldest_old;poor;alone_low;poor_medium",
	    "living_arrangement", "alone", "poverty", "dibao",
	    "id_number", AGE_86, NULL);
	/* alone 25 alone: low */
	expect_risk(p, 25, "low", "alone;alone_low",
	    "living_arrangement", "alone", NULL);
	ec_policy_free(p);
}

static void
test_family_doctor(void **state)
{
	const struct ec_policy *p = *state;

	expect_risk(p, 5, "low", "no_family_doctor", "family_doctor", "no",
	    NULL);
	expect_risk(p, 5, "low", "no_family_doctor", "family_doctor", "N",
	    NULL);
	expect_risk(p, 5, "low", "no_family_doctor", "family_doctor", "无",
	    NULL);
	/* Only an explicit no: blank or a bad value score nothing. */
	expect_risk(p, 0, "low", "", "family_doctor", "", NULL);
	expect_risk(p, 0, "low", "", "family_doctor", "  ", NULL);
	expect_risk(p, 0, "low", "", "family_doctor", "maybe", NULL);
	expect_risk(p, 0, "low", "", "family_doctor", "是", NULL);
}

static void
test_guardian_phone(void **state)
{
	const struct ec_policy *p = *state;

	expect_risk(p, 10, "low", "no_guardian_contact",
	    "guardian_phone", "", NULL);
	expect_risk(p, 10, "low", "no_guardian_contact",
	    "guardian_phone", "\xe3\x80\x80", NULL);	/* U+3000 */
	expect_risk(p, 10, "low", "no_guardian_contact",
	    "guardian_phone", "12345", NULL);
	expect_risk(p, 10, "low", "no_guardian_contact",
	    "guardian_phone", "12900001111", NULL);
	expect_risk(p, 0, "low", "", "guardian_phone", "13900002222", NULL);
	expect_risk(p, 0, "low", "", "guardian_phone", "+86 139-0000-2222",
	    NULL);
	expect_risk(p, 0, "low", "", "guardian_phone", "0832-2345678", NULL);
	expect_risk(p, 0, "low", "", "guardian_phone", "028-82345678", NULL);
}

static void
test_chronic(void **state)
{
	const struct ec_policy *p = *state;
	static const char *const two[] = {
		"高血压;糖尿病", "高血压；糖尿病", "高血压、糖尿病",
		"高血压,糖尿病", "高血压，糖尿病", " 高血压 ; 糖尿病 ",
	};

	for (size_t i = 0; i < EC_ARRAY_LEN(two); i++)
		expect_risk(p, 10, "low", "chronic_multi",
		    "chronic_diseases", two[i], NULL);
	expect_risk(p, 0, "low", "", "chronic_diseases", "高血压", NULL);
	expect_risk(p, 0, "low", "", "chronic_diseases", "高血压;", NULL);
	expect_risk(p, 0, "low", "", "chronic_diseases", "；、高血压，", NULL);
	expect_risk(p, 10, "low", "chronic_multi",
	    "chronic_diseases", "a;b;c", NULL);
}

/* Optional columns the input lacks are blank. */
static void
test_absent_optional(void **state)
{
	const struct ec_policy *p = *state;
	struct bench b;

	/* Without guardian_phone and family_doctor (the last two). */
	bench_open(&b, p, columns, NCOLS - 2);
	ec_risk_own(b.s, &b.r);
	bench_record(&b, base, 2);
	/* no_guardian_contact for the missing phone; no family doctor: 0 */
	expect_cells(&b, 10, "low", "no_guardian_contact");
	bench_close(&b);
}

/* Several records through one sheet: each is computed afresh. */
static void
test_records(void **state)
{
	const struct ec_policy *p = *state;
	struct bench b;
	const char *cells[NCOLS];

	bench_open(&b, p, columns, NCOLS);
	ec_risk_own(b.s, &b.r);
	memcpy(cells, base, sizeof cells);
	cells[5] = "alone";
	cells[10] = "severe";
	bench_record(&b, cells, 2);
	expect_cells(&b, 65, "high", "alone;ability_severe;disabled_alone");
	bench_record(&b, base, 3);
	expect_cells(&b, 0, "low", "");
	cells[5] = "spouse";
	bench_record(&b, cells, 4);
	expect_cells(&b, 40, "medium", "ability_severe");
	bench_close(&b);
}

/* A second run: the input's risk columns are dropped and recomputed. */
static void
test_own_replaces(void **state)
{
	const struct ec_policy *p = *state;
	const char *names[NCOLS + 3], *cells[NCOLS + 3];
	struct bench b;
	int c;

	memcpy(names, columns, sizeof columns);
	memcpy(cells, base, sizeof base);
	names[NCOLS] = "risk_score";
	names[NCOLS + 1] = "risk_level";
	names[NCOLS + 2] = "risk_reasons";
	cells[NCOLS] = "99";
	cells[NCOLS + 1] = "high";
	cells[NCOLS + 2] = "alone";
	bench_open(&b, p, names, NCOLS + 3);
	ec_risk_own(b.s, &b.r);
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(ec_sheet_dropped(b.s, NCOLS + i), 1);
	assert_int_equal(ec_sheet_dropped(b.s, 0), 0);
	c = ec_policy_column(p, "risk_score");
	assert_int_equal(ec_sheet_source(b.s, c), EC_SRC_HOOK);
	bench_record(&b, cells, 2);
	expect_cells(&b, 0, "low", "");
	bench_close(&b);
}

/* Providers: only for the columns the input lacks. */
static void
test_provide(void **state)
{
	const struct ec_policy *p = *state;
	const char *names[NCOLS + 1], *cells[NCOLS + 1];
	struct bench b;
	struct ec_buf msg = EC_BUF_INIT;
	int score = ec_policy_column(p, "risk_score");
	int level = ec_policy_column(p, "risk_level");

	memcpy(names, columns, sizeof columns);
	memcpy(cells, base, sizeof base);
	names[NCOLS] = "risk_level";
	cells[NCOLS] = "high";
	bench_open(&b, p, names, NCOLS + 1);
	assert_int_equal(ec_risk_provide(b.s, &b.r), 2);
	assert_int_equal(ec_sheet_source(b.s, level), EC_SRC_FIELD);
	assert_int_equal(ec_sheet_source(b.s, score), EC_SRC_HOOK);
	assert_int_equal(ec_sheet_dropped(b.s, NCOLS), 0);
	assert_int_equal(ec_risk_missing(b.s, &b.r, &p->census, &msg), 0);
	bench_record(&b, cells, 2);
	/* The input's level is read as it is; the rest is computed. */
	expect_cells(&b, 0, "high", "");
	bench_close(&b);

	/* Nothing to provide: nothing computed, nothing missing. */
	{
		const char *all[] = { "risk_score", "risk_level",
		    "risk_reasons", "id_number" };
		bench_open(&b, p, all, EC_ARRAY_LEN(all));
		assert_int_equal(ec_risk_provide(b.s, &b.r), 0);
		assert_int_equal(ec_risk_missing(b.s, &b.r, &p->census,
		    &msg), 0);
		bench_close(&b);
	}
	assert_null(msg.p);
}

static void
test_missing(void **state)
{
	const struct ec_policy *p = *state;
	const char *names[NCOLS];
	struct ec_buf msg = EC_BUF_INIT;
	struct bench b;

	/* No id_number, no age: age cannot be computed. */
	bench_open(&b, p, columns + 1, NCOLS - 1);
	ec_risk_own(b.s, &b.r);
	assert_int_equal(ec_risk_missing(b.s, &b.r, &p->census, &msg), 1);
	assert_string_equal(msg.p, "required column 'id_number' is missing, "
	    "and the risk score needs it for age (its header may be: "
	    "id_number, 身份证号, 身份证号码, 公民身份号码, 身份证)\n");
	bench_close(&b);

	/* No id_number but an age: nothing is missing. */
	memcpy(names, columns + 1, (NCOLS - 1) * sizeof *names);
	names[NCOLS - 1] = "age";
	bench_open(&b, p, names, NCOLS);
	ec_risk_own(b.s, &b.r);
	ec_buf_reset(&msg);
	assert_int_equal(ec_risk_missing(b.s, &b.r, &p->census, &msg), 0);
	bench_close(&b);

	/* Neither living_arrangement nor poverty: each named once. */
	memcpy(names, columns, sizeof names);
	names[5] = "居住";
	names[11] = "贫困";
	bench_open(&b, p, names, NCOLS);
	ec_risk_own(b.s, &b.r);
	ec_buf_reset(&msg);
	assert_int_equal(ec_risk_missing(b.s, &b.r, &p->census, &msg), 2);
	assert_string_equal(msg.p, "required column 'living_arrangement' is "
	    "missing, and the risk score needs it for the factor 'alone' "
	    "(its header may be: living_arrangement, 居住情况)\n"
	    "required column 'poverty' is missing, and the risk score needs "
	    "it for the factor 'poor' (its header may be: poverty, 困难类型, "
	    "经济困难类型)\n");
	bench_close(&b);

	/*
	 * Up to living_arrangement only: ability_level and poverty are
	 * missing; the optional columns the factors read are not.
	 */
	bench_open(&b, p, columns, 6);
	ec_risk_own(b.s, &b.r);
	ec_buf_reset(&msg);
	assert_int_equal(ec_risk_missing(b.s, &b.r, &p->census, &msg), 2);
	assert_non_null(strstr(msg.p, "'ability_level'"));
	assert_non_null(strstr(msg.p, "'poverty'"));
	assert_null(strstr(msg.p, "chronic_diseases"));
	assert_null(strstr(msg.p, "family_doctor"));
	bench_close(&b);
	ec_buf_release(&msg);
}

/* The overrides may read the score; a factor that reads the level sees */
/* a blank, and the level it ends with is the one the sheet keeps. */
/*
 * Rules that read what they compute would go round in a circle: the
 * policy loader refuses them, so risk never meets one.
 */
static void
test_reads_itself(void **state)
{
	static const char *const changes[][3] = {
		{ "when: \"ability_level in ['moderate', 'severe', 'total'] and "
		  "living_arrangement == 'alone'\"",
		  "when: \"risk_score >= 40 and living_arrangement == 'alone'\"",
		  "'risk_score' is what these rules compute: they cannot read "
		  "it" },
		{ "when: \"family_doctor == no\"",
		  "when: \"family_doctor == no or risk_level == 'high'\"",
		  "'risk_level' is what these rules compute: they cannot read "
		  "it" },
	};

	for (size_t i = 0; i < EC_ARRAY_LEN(changes); i++) {
		const char *t = ec_policy_default_text;
		const char *at = strstr(t, changes[i][0]);
		struct ec_buf b = EC_BUF_INIT;
		struct ec_policy_error err;

		assert_non_null(at);
		ec_buf_add(&b, t, (size_t)(at - t));
		ec_buf_adds(&b, changes[i][1]);
		ec_buf_adds(&b, at + strlen(changes[i][0]));
		assert_null(ec_policy_load(b.p, b.len, &err));
		assert_string_equal(err.msg, changes[i][2]);
		ec_buf_release(&b);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base),
		cmocka_unit_test(test_each_factor),
		cmocka_unit_test(test_ability),
		cmocka_unit_test(test_oldest_old_boundary),
		cmocka_unit_test(test_boundaries),
		cmocka_unit_test(test_all),
		cmocka_unit_test(test_boundaries_exact),
		cmocka_unit_test(test_override_below_high),
		cmocka_unit_test(test_several_overrides),
		cmocka_unit_test(test_family_doctor),
		cmocka_unit_test(test_guardian_phone),
		cmocka_unit_test(test_chronic),
		cmocka_unit_test(test_absent_optional),
		cmocka_unit_test(test_records),
		cmocka_unit_test(test_own_replaces),
		cmocka_unit_test(test_provide),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_reads_itself),
	};

	return cmocka_run_group_tests_name("risk", tests, policy_setup,
	    policy_teardown);
}
