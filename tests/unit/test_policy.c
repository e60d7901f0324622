#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "policy.h"
#include "util.h"

/*
 * Most error cases are the default policy with one mistake put in, so
 * that positions are those of a realistic file.  Every expected line and
 * column was counted by hand in examples/policy.yaml (1-based, columns in
 * characters, as libyaml counts them); the comments show the count.
 */

/* The default policy with the only occurrence of from replaced by to. */
static char *
mutate(const char *from, const char *to)
{
	const char *t = ec_policy_default_text;
	const char *at = strstr(t, from);
	size_t a, nf = strlen(from), nt = strlen(to), len;
	char *s;

	assert_non_null(at);
	assert_null(strstr(at + 1, from));
	a = (size_t)(at - t);
	len = ec_policy_default_len - nf + nt;
	s = ec_xmalloc(len + 1);
	memcpy(s, t, a);
	memcpy(s + a, to, nt);
	memcpy(s + a + nt, at + nf, ec_policy_default_len - a - nf);
	s[len] = '\0';
	return s;
}

static void
expect_error_text(const char *text, size_t line, size_t col, const char *msg,
    struct ec_policy_error *out)
{
	struct ec_policy_error err;
	struct ec_policy *p;

	memset(&err, 0x55, sizeof(err));
	p = ec_policy_load(text, strlen(text), &err);
	if (p != NULL)
		ec_policy_free(p);
	assert_null(p);
	assert_string_equal(err.msg, msg);
	assert_int_equal(err.line, line);
	assert_int_equal(err.column, col);
	if (out != NULL)
		*out = err;
}

/* Loads the default with one change and expects msg at line:col. */
static void
expect_error(const char *from, const char *to, size_t line, size_t col,
    const char *msg, struct ec_policy_error *out)
{
	char *s = mutate(from, to);

	expect_error_text(s, line, col, msg, out);
	free(s);
}

static struct ec_policy *
load_default(void)
{
	struct ec_policy_error err;
	struct ec_policy *p;

	p = ec_policy_load(ec_policy_default_text, ec_policy_default_len,
	    &err);
	if (p == NULL)
		fail_msg("default policy: %zu:%zu: %s", err.line, err.column,
		    err.msg);
	return p;
}

static int
lookup(const struct ec_policy *p, const char *vocab, const char *s)
{
	int v = ec_policy_vocab(p, vocab);

	assert_true(v >= 0);
	return ec_vocab_lookup(&p->vocabs[v], s, strlen(s));
}

static int
token(const struct ec_policy *p, const char *vocab, const char *t)
{
	int v = ec_policy_vocab(p, vocab);

	assert_true(v >= 0);
	return ec_vocab_token(&p->vocabs[v], t);
}

static void
test_default_content(void **state)
{
	struct ec_policy *p = load_default();
	int c;

	assert_string_equal(p->name, "ziyang-2018");
	assert_int_equal(p->nregion, 1);
	assert_string_equal(p->region[0], "51");
	assert_int_equal(p->leap_rule, EC_LEAP_MAR1);
	assert_int_equal(p->nvocabs, 12);
	assert_int_equal(p->ncolumns, 46);
	assert_int_equal(p->nclassify, 5);
	assert_int_equal(p->nfactors, 10);
	assert_int_equal(p->nlevels, 3);
	assert_int_equal(p->noverrides, 1);
	assert_int_equal(p->nintervals, 3);
	assert_int_equal(p->nmetrics, 17);
	assert_int_equal(p->nlabels_zh, 15);
	assert_int_equal(p->nlabels_en, 15);

	/* Columns are numbered in policy order. */
	assert_int_equal(ec_policy_column(p, "id_number"), 0);
	assert_int_equal(ec_policy_column(p, "alert_report"), 45);
	assert_int_equal(ec_policy_column(p, "nosuch"), -1);
	c = ec_policy_column(p, "sex");
	assert_int_equal(p->columns[c].type, EC_COL_ENUM);
	assert_int_equal(p->columns[c].vocab, ec_policy_vocab(p, "sex"));
	assert_string_equal(p->columns[c].zh, "性别");
	c = ec_policy_column(p, "supporter_nearby");
	assert_int_equal(p->columns[c].type, EC_COL_BOOL);
	assert_int_equal(p->columns[c].vocab, ec_policy_vocab(p, "yesno"));
	c = ec_policy_column(p, "children_total");
	assert_int_equal(p->columns[c].type, EC_COL_INT);
	assert_true(p->columns[c].has_min);
	assert_int_equal(p->columns[c].min, 0);
	assert_false(p->columns[c].has_max);
	assert_int_equal(p->columns[c].vocab, -1);
	c = ec_policy_column(p, "village");
	assert_int_equal(p->columns[c].naliases, 5);
	assert_string_equal(p->columns[c].aliases[1], "村社区");

	/* Vocabularies: tokens and ASCII aliases in any case, labels exactly. */
	assert_int_equal(lookup(p, "yesno", "是"), token(p, "yesno", "yes"));
	assert_int_equal(lookup(p, "yesno", "YES"), token(p, "yesno", "yes"));
	assert_int_equal(lookup(p, "yesno", "y"), token(p, "yesno", "yes"));
	assert_int_equal(lookup(p, "yesno", "True"), token(p, "yesno", "yes"));
	assert_int_equal(lookup(p, "yesno", " 1\t"), token(p, "yesno", "yes"));
	assert_int_equal(lookup(p, "yesno", "\xe3\x80\x80否\xe3\x80\x80"),
	    token(p, "yesno", "no"));
	assert_int_equal(lookup(p, "yesno", "无"), token(p, "yesno", "no"));
	assert_int_equal(lookup(p, "yesno", "maybe"), -1);
	assert_int_equal(lookup(p, "yesno", ""), -1);
	assert_int_equal(lookup(p, "living_arrangement", "独居"), 0);
	assert_int_equal(lookup(p, "living_arrangement", "alone"), 0);
	assert_int_equal(lookup(p, "living_arrangement", "ALONE"), 0);
	assert_int_equal(lookup(p, "living_arrangement", "独自"), -1);
	assert_int_equal(lookup(p, "living_arrangement", "配偶同住"), 1);
	/* An English label is not an input spelling. */
	assert_int_equal(lookup(p, "living_arrangement", "living alone"), -1);
	assert_int_equal(lookup(p, "poverty", "无"), token(p, "poverty", "none"));
	assert_int_equal(token(p, "risk_level", "high"), 2);
	assert_int_equal(token(p, "risk_level", "HIGH"), -1);
	assert_int_equal(ec_policy_vocab(p, "nosuch"), -1);

	/* The census rules. */
	assert_int_equal(p->census.nrequired, 11);
	assert_int_equal(p->census.required[0], ec_policy_column(p, "id_number"));
	assert_int_equal(p->census.nrequired_when, 2);
	assert_int_equal(p->census.required_when_col[0],
	    ec_policy_column(p, "away_months"));
	assert_int_equal(p->census.unique, ec_policy_column(p, "id_number"));
	assert_int_equal(p->census.nchecks, 5);
	assert_true(p->census.checks[0].is_error);
	assert_false(p->census.checks[3].is_error);
	assert_int_equal(p->census.checks[3].column,
	    ec_policy_column(p, "id_number"));
	assert_string_equal(p->census.checks[3].message,
	    "age {age} is under 60");
	assert_int_equal(p->census.checks[0].line, 145);
	assert_int_equal(p->visit_log.nrequired, 3);
	assert_int_equal(p->visit_log.unique, -1);

	/* classify, risk, visits, rollup. */
	assert_int_equal(p->classify[0].column, ec_policy_column(p, "age"));
	assert_non_null(p->classify[0].expr);
	assert_int_equal(ec_expr_type(p->classify[0].expr), EC_T_INT);
	assert_null(p->classify[2].expr);
	assert_int_equal(p->classify[2].nflags, 4);
	assert_string_equal(p->classify[2].flag_names[3], "oldest_old");
	assert_string_equal(p->factors[9].name, "no_family_doctor");
	assert_int_equal(p->factors[3].points, 40);
	assert_int_equal(p->levels[0].value, token(p, "risk_level", "high"));
	assert_true(p->levels[0].has_min);
	assert_int_equal(p->levels[0].min, 50);
	assert_int_equal(p->levels[1].min, 25);
	assert_false(p->levels[2].has_min);
	assert_string_equal(p->overrides[0].name, "disabled_alone");
	assert_int_equal(p->overrides[0].value, token(p, "risk_level", "high"));
	assert_int_equal(p->intervals[0].days, 7);
	assert_int_equal(p->intervals[2].days, 30);
	assert_non_null(p->intervals[2].when);
	assert_int_equal(p->home_visit_days, 30);
	assert_int_equal(p->due_soon_days, 3);
	assert_int_equal(p->report_within_days, 1);
	assert_int_equal(p->alert_window_days, 30);
	assert_non_null(p->programme);
	assert_non_null(p->health_eligible);
	assert_non_null(p->health_done);
	assert_int_equal(p->nrollup_by, 2);
	assert_int_equal(p->rollup_by[1], ec_policy_column(p, "township"));
	assert_string_equal(p->metrics[16].name, "alerts_unreported");
	assert_string_equal(p->metrics[6].en, "aged 80+");

	assert_string_equal(ec_policy_label(p, "zh", "total"), "合计");
	assert_string_equal(ec_policy_label(p, "en", "visit_done_date"),
	    "date visited (fill in)");
	assert_null(ec_policy_label(p, "en", "nosuch"));
	assert_null(ec_policy_label(p, "fr", "total"));

	assert_int_equal(ec_coltype_value_type(EC_COL_PHONE), EC_T_STR);
	assert_int_equal(ec_coltype_value_type(EC_COL_ID), EC_T_STR);
	assert_int_equal(ec_coltype_value_type(EC_COL_BOOL), EC_T_BOOL);
	assert_int_equal(ec_coltype_value_type(EC_COL_DATE), EC_T_DATE);
	assert_int_equal(ec_coltype_value_type(EC_COL_LIST), EC_T_LIST);
	ec_policy_free(p);
	ec_policy_free(NULL);
}

/* A record with only risk_level, for the compiled interval rules. */
static void
fetch_level(void *ctx, int slot, struct ec_value *out)
{
	const char *level = ctx;

	*out = ec_value_str(EC_T_STR, level, strlen(level));
}

static void
test_default_intervals(void **state)
{
	struct ec_policy *p = load_default();
	static const char *const levels[] = { "high", "medium", "low" };
	struct ec_expr_env env;

	memset(&env, 0, sizeof(env));
	env.fetch = fetch_level;
	for (size_t i = 0; i < 3; i++) {
		size_t k;

		env.ctx = (void *)levels[i];
		for (k = 0; k < p->nintervals; k++)
			if (ec_expr_test(p->intervals[k].when, &env))
				break;
		assert_int_equal(k, i);
	}
	ec_policy_free(p);
}

static void
test_yaml_syntax(void **state)
{
	/* policy: @ziyang-2018: '@' at 9:9 is reserved. */
	expect_error("policy: ziyang-2018", "policy: @ziyang-2018", 9, 9,
	    "found character that cannot start any token while scanning "
	    "for the next token", NULL);
}

static void
test_yaml_tab(void **state)
{
	/* libyaml itself reports a tab that indents. */
	expect_error_text("policy: x\nvisits:\n\tdays: 3\n", 3, 1,
	    "found character that cannot start any token while scanning "
	    "for the next token", NULL);
}

static void
test_yaml_alias(void **state)
{
	char *s = mutate("region: [\"51\"]", "region: &r [\"51\"]");
	char *t;

	/* leap_birthday: *r: the alias at 13:16. */
	t = strstr(s, "leap_birthday: mar1");
	assert_non_null(t);
	memcpy(t + 15, "*r  ", 4);
	expect_error_text(s, 13, 16, "YAML aliases are not allowed", NULL);
	free(s);
}

static void
test_yaml_nesting(void **state)
{
	char to[200];
	size_t n = 0;

	/*
	 * region: at 11:1 is inside the root mapping (depth 1); the k-th [
	 * stands at column 8 + k with depth 1 + k, so the 32nd, at column
	 * 40, is the first too deep.
	 */
	n += (size_t)snprintf(to, sizeof(to), "region: ");
	for (int i = 0; i < 40; i++)
		to[n++] = '[';
	to[n++] = '\0';
	expect_error("region: [\"51\"]", to, 11, 40, "nesting too deep", NULL);
}

static void
test_yaml_other(void **state)
{
	char *big;

	expect_error_text("", 1, 1, "the policy is empty", NULL);
	expect_error_text("# nothing\n", 1, 1, "the policy is empty", NULL);
	expect_error_text("- a\n", 1, 1,
	    "the policy must be a mapping, not a sequence", NULL);
	expect_error_text("policy: x\n---\npolicy: y\n", 2, 1,
	    "only one YAML document is allowed", NULL);
	expect_error_text("policy: \xff\n", 1, 9,
	    "the policy is not valid UTF-8", NULL);
	expect_error_text("policy: \"a\\0b\"\n", 1, 9,
	    "NUL characters are not allowed", NULL);
	expect_error_text("policy: x\n? [a]\n: b\n", 2, 3,
	    "keys must be text, not a sequence", NULL);

	big = ec_xmalloc(70000);
	memcpy(big, "policy: ", 8);
	memset(big + 8, 'x', 65537);
	big[8 + 65537] = '\0';
	expect_error_text(big, 1, 9, "text longer than 64 KiB", NULL);
	free(big);
}

static void
test_unknown_key(void **state)
{
	expect_error("leap_birthday: mar1", "leap_birthdy: mar1", 13, 1,
	    "unknown key 'leap_birthdy' at the top level", NULL);
	expect_error("  intervals:\n", "  intervls:\n", 209, 3,
	    "unknown key 'intervls' in 'visits'", NULL);
}

static void
test_misplaced_key(void **state)
{
	/* due_soon_days pushed into health_check, whose first key is 221:3. */
	expect_error("  eligible: \"age >= 65\"",
	    "  due_soon_days: 3\n  eligible: \"age >= 65\"", 221, 3,
	    "'due_soon_days' belongs in 'visits', not in 'health_check'", NULL);
	expect_error("leap_birthday: mar1", "leap_birthday: mar1\nfactors: []",
	    14, 1, "'factors' belongs in 'risk', not at the top level", NULL);
}

static void
test_duplicate_key(void **state)
{
	/* "  home_visit: {when: "special", days: 30, days: 31}": 43. */
	expect_error("\"special\", days: 30}", "\"special\", days: 30, days: 31}",
	    213, 43,
	    "duplicate key 'days'", NULL);
	/* A second key, even far from the first, is the one named. */
	expect_error("  report_within_days: 1\n",
	    "  report_within_days: 1\n  due_soon_days: 3\n", 216, 3,
	    "duplicate key 'due_soon_days'", NULL);
}

static void
test_duplicate_names(void **state)
{
	/* columns has many keys, which are sorted to find repeats. */
	expect_error("  name: {type: text, zh: 姓名, en: name}\n",
	    "  name: {type: text, zh: 姓名, en: name}\n"
	    "  name: {type: text, zh: 名字, en: name}\n", 84, 3,
	    "duplicate key 'name'", NULL);
	expect_error("{name: special, when: \"left_behind and special\"",
	    "{name: left_behind, when: \"left_behind and special\"", 230, 14,
	    "duplicate metric 'left_behind'", NULL);
	expect_error("{level: medium, min: 25}", "{level: high, min: 25}", 198,
	    15, "duplicate level 'high'", NULL);
	/* "  required: [id_number, visit_date, id_number]" */
	expect_error("required: [id_number, visit_date, mode]",
	    "required: [id_number, visit_date, id_number]", 217, 37,
	    "duplicate column 'id_number' in 'required'", NULL);
	/* An override may not take a factor's name: both are reasons. */
	expect_error("    - name: disabled_alone\n", "    - name: poor\n", 201, 13,
	    "duplicate risk factor 'poor'", NULL);
}

static void
test_missing_key(void **state)
{
	/* The mapping starts at its first key, programme at 208:3. */
	expect_error("  due_soon_days: 3\n", "", 208, 3,
	    "missing key 'due_soon_days' in 'visits'", NULL);
}

static void
test_wrong_type(void **state)
{
	expect_error("home_visit: {when: \"special\", days: 30}",
	    "home_visit: [special, 30]", 213, 15,
	    "'home_visit' must be a mapping, not a sequence", NULL);
	expect_error("  due_soon_days: 3\n", "  due_soon_days:\n", 214, 17,
	    "'due_soon_days' must be a whole number", NULL);
}

static void
test_bad_integer(void **state)
{
	expect_error("due_soon_days: 3", "due_soon_days: 3.5", 214, 18,
	    "'due_soon_days' must be a whole number", NULL);
	/* "    - {when: "risk_level == 'high'", days: 7}": 7 at 44. */
	expect_error("'high'\", days: 7}", "'high'\", days: 7x}", 210, 44,
	    "'days' must be a whole number", NULL);
	expect_error("'high'\", days: 7}",
	    "'high'\", days: 99999999999999999999}", 210, 44,
	    "'days' is too large a number (at most 9223372036854775807)",
	    NULL);
}

static void
test_negative_days(void **state)
{
	/* "    - {when: "risk_level == 'medium'", days: 14}": 14 at 46. */
	expect_error("days: 14}", "days: -14}", 211, 46,
	    "'days' must not be negative", NULL);
	/* A date plus days must stay a date: next_due once wrapped round. */
	expect_error("days: 14}", "days: 9223372036854775807}", 211, 46,
	    "'days' must be at most 100000 (days)", NULL);
	expect_error("due_soon_days: 3", "due_soon_days: 100001", 214, 18,
	    "'due_soon_days' must be at most 100000 (days)", NULL);
}

static void
test_expr_unknown_column(void **state)
{
	struct ec_policy_error err;

	/* The expression starts after the quote at 210:14. */
	expect_error("{when: \"risk_level == 'high'\"",
	    "{when: \"risk_levl == 'high'\"", 210, 15,
	    "unknown column 'risk_levl'", &err);
	assert_true(err.has_excerpt);
	assert_string_equal(err.excerpt, "risk_levl == 'high'");
	assert_int_equal(err.caret, 0);

	/*
	 * The second line of a folded double-quoted scalar: "and" at 168:12,
	 * the name at 168:16; in the folded value it is at byte 74.
	 */
	expect_error("and away_months >= 6", "and away_monts >= 6", 168, 16,
	    "unknown column 'away_monts'", &err);
	assert_int_equal(err.caret, 74);
	assert_int_equal(strncmp(err.excerpt + err.caret, "away_monts", 10), 0);

	/* After Chinese characters, columns count characters, not bytes. */
	expect_error("programme: \"left_behind\"",
	    "programme: \"'独居' == name and zzz\"", 208, 32,
	    "unknown column 'zzz'", &err);
	assert_int_equal(err.caret, 21);
}

static void
test_expr_positions(void **state)
{
	/* Single quotes with doubled quotes: zzz at 208:50. */
	expect_error("programme: \"left_behind\"",
	    "programme: 'left_behind and ''x'' == ''y'' and zzz'", 208, 50,
	    "unknown column 'zzz'", NULL);
	/* A plain scalar over lines: zzz at 211:9. */
	expect_error("programme: \"left_behind\"",
	    "programme: left_behind and\n    name == 'a'\n\n    and zzz",
	    211, 9, "unknown column 'zzz'", NULL);
	/* A literal block: zzz at 210:5. */
	expect_error("programme: \"left_behind\"",
	    "programme: |\n    left_behind and\n    zzz", 210, 5,
	    "unknown column 'zzz'", NULL);
	/* Escapes in double quotes: \u00e9 is six characters of text. */
	expect_error("programme: \"left_behind\"",
	    "programme: \"left_behind and '\\u00e9' == name and zzz\"", 208, 52,
	    "unknown column 'zzz'", NULL);
	/* A tag before the value. */
	expect_error("programme: \"left_behind\"",
	    "programme: !!str left_behind and zzz", 208, 36,
	    "unknown column 'zzz'", NULL);
}

static void
test_expr_syntax(void **state)
{
	struct ec_policy_error err;

	/* "  eligible: "age => 65"": the value at 221:14, = at 221:18. */
	expect_error("eligible: \"age >= 65\"", "eligible: \"age => 65\"",
	    221, 18, "unexpected character '='", &err);
	assert_string_equal(err.excerpt, "age => 65");
	assert_int_equal(err.caret, 4);
	expect_error("eligible: \"age >= 65\"", "eligible: \"age >= 65 and\"",
	    221, 27, "unexpected end of expression", &err);
	assert_int_equal(err.caret, 13);
}

static void
test_expr_not_condition(void **state)
{
	expect_error("programme: \"left_behind\"", "programme: \"age\"", 208, 15,
	    "'programme' must be a condition (true or false), not int", NULL);
	/* "    - {name: alone, points: 25, when: "...": the value at 42. */
	expect_error("points: 25, when: \"living_arrangement == 'alone'\"",
	    "points: 25, when: \"living_arrangement\"", 186, 40,
	    "'when' must be a condition (true or false), not text", NULL);
	/* classify expr must give the type of its column. */
	expect_error("expr: \"age(id_birth(id_number))\"",
	    "expr: \"id_birth(id_number)\"", 165, 12,
	    "'expr' must be int (the type of column 'age'), not date", NULL);
}

static void
test_enum_literal(void **state)
{
	/* 'hihg' is byte 14 of the value that starts at 210:15. */
	expect_error("{when: \"risk_level == 'high'\"",
	    "{when: \"risk_level == 'hihg'\"", 210, 29,
	    "'hihg' is not a value of risk_level", NULL);
	/* A literal in a flags list column must be one of its flags. */
	expect_error("'poor' in groups and", "'pooor' in groups and", 178, 28,
	    "'pooor' is not a value of groups", NULL);
	/* risk_reasons holds factor and override names. */
	expect_error("{name: alone, when: \"left_behind and 'alone' in groups\"",
	    "{name: alone, when: \"left_behind and 'alone_x' in risk_reasons\"",
	    232, 44, "'alone_x' is not a value of risk_reasons", NULL);
}

static void
test_unknown_vocabulary(void **state)
{
	/* "  sex: {type: enum, vocabulary: sexx, ...": sexx at 33. */
	expect_error("vocabulary: sex,", "vocabulary: sexx,", 84, 33,
	    "unknown vocabulary 'sexx'", NULL);
}

static void
test_vocabularies(void **state)
{
	expect_error("  sex:\n    male: {zh: 男, en: male}\n"
	    "    female: {zh: 女, en: female}\n", "  sex: {}\n", 23, 3,
	    "vocabulary 'sex' is empty", NULL);
	/* 女 is female's zh label already. */
	expect_error("    male: {zh: 男, en: male}",
	    "    male: {zh: 男, en: male, aliases: [女]}", 25, 18,
	    "alias '女' is already used by value 'male'", NULL);
	expect_error("\"no\": {zh: 否, en: \"no\", aliases: [无, N,",
	    "\"no\": {zh: 否, en: \"no\", aliases: [无, y,", 22, 42,
	    "alias 'y' is already used by value 'yes'", NULL);
	expect_error("    \"no\": {zh: 否, en: \"no\",",
	    "    \"nope\": {zh: 否, en: \"no\",", 20, 3,
	    "vocabulary 'yesno' must have exactly the values 'yes' and 'no'",
	    NULL);
	expect_error("  supporter_nearby: {type: bool,",
	    "  supporter_nearby: {type: bool, vocabulary: sex,", 94, 46,
	    "a bool column uses the vocabulary 'yesno', not 'sex'", NULL);
	expect_error("  name: {type: text,", "  name: {type: text, vocabulary: sex,",
	    83, 34, "'vocabulary' is only for enum and bool columns", NULL);
	expect_error("  sex: {type: enum, vocabulary: sex,", "  sex: {type: enum,",
	    84, 15, "enum column 'sex' needs a 'vocabulary'", NULL);
}

static void
test_columns(void **state)
{
	/* "  name: {type: text, zh: 姓名, en: name, aliases: [身份证]}" */
	expect_error("  name: {type: text, zh: 姓名, en: name}",
	    "  name: {type: text, zh: 姓名, en: name, aliases: [身份证]}",
	    83, 50, "header alias '身份证' is already used by column 'id_number'",
	    NULL);
	/* Aliases match trimmed and in any ASCII case. */
	expect_error("  name: {type: text, zh: 姓名, en: name}",
	    "  name: {type: text, zh: 姓名, en: name, aliases: [\" ID_Number\"]}",
	    83, 50, "header alias 'ID_Number' is already used by column "
	    "'id_number'", NULL);
	expect_error("  name: {type: text,", "  name: {type: txt,", 83, 16,
	    "unknown column type 'txt' (text, id, enum, bool, int, date, "
	    "phone or list)", NULL);
	expect_error("  name: {type: text,", "  name-x: {type: text,", 83, 3,
	    "column name 'name-x' must be letters, digits and _, not "
	    "starting with a digit", NULL);
	expect_error("  children_total: {type: int, min: 0,",
	    "  children_total: {type: int, min: 0, max: -1,", 91, 36,
	    "'min' is more than 'max'", NULL);
	expect_error("  risk_reasons: {type: list,", "  risk_reasons: {type: text,",
	    120, 3, "column 'risk_reasons' must have type list", NULL);
	expect_error("  alert_report: {type: enum, vocabulary: alert_report, "
	    "zh: 报告情况, en: reported}\n", "", 81, 1,
	    "missing column 'alert_report' (the tools need it)", NULL);
	expect_error("    due_soon: {zh: 即将到期, en: due soon}\n", "", 126, 3,
	    "vocabulary 'visit_status' of column 'visit_status' needs the "
	    "value 'due_soon'", NULL);
}

static void
test_duplicate_alias(void **state)
{
	/* Also claimed by two columns: 县 of county given to village. */
	expect_error("aliases: [村（社区）, 村社区,", "aliases: [县, 村社区,",
	    88, 59, "header alias '县' is already used by column 'county'", NULL);
}

static void
test_uncovered_intervals(void **state)
{
	expect_error("    - {when: \"risk_level == 'low'\", days: 30}\n", "",
	    209, 3, "no visit interval applies when risk_level is 'low'", NULL);
	expect_error("{when: \"risk_level == 'high'\", days: 7}",
	    "{when: \"risk_level == 'high' and special\", days: 7}", 209, 3,
	    "no visit interval applies when risk_level is 'high' and "
	    "special is 'no'", NULL);
	expect_error("{when: \"risk_level == 'low'\", days: 30}",
	    "{when: \"risk_score < 10\", days: 30}", 209, 3,
	    "the last interval rule must have no 'when', so that every "
	    "person gets an interval", NULL);
	/* A last rule without a condition covers everyone. */
	{
		char *s = mutate("{when: \"risk_level == 'low'\", days: 30}",
		    "{days: 30}");
		struct ec_policy_error err;
		struct ec_policy *p = ec_policy_load(s, strlen(s), &err);

		assert_non_null(p);
		assert_null(p->intervals[2].when);
		ec_policy_free(p);
		free(s);
	}
}

static void
test_unreachable_interval(void **state)
{
	expect_error("{when: \"risk_level == 'medium'\", days: 14}", "{days: 14}",
	    212, 7, "unreachable interval rule", NULL);
}

static void
test_message_placeholder(void **state)
{
	struct ec_policy_error err;

	/* "      message: "age {agee} is under 60"": agee at 22. */
	expect_error("{age} is under 60", "{agee} is under 60", 156, 22,
	    "unknown column 'agee' in 'message'", &err);
	assert_string_equal(err.excerpt, "age {agee} is under 60");
	assert_int_equal(err.caret, 5);
	expect_error("{age} is under 60", "{age is under 60", 156, 21,
	    "unclosed '{' in 'message'", NULL);
}

static void
test_classify_rules(void **state)
{
	/* An entry reads only the columns computed before it. */
	expect_error("expr: \"age(id_birth(id_number))\"",
	    "expr: \"age(id_birth(id_number)) + count(groups)\"", 165, 45,
	    "'groups' is computed by a later classify entry", NULL);
	expect_error("expr: \"age(id_birth(id_number))\"", "expr: \"age + 1\"",
	    165, 12, "'age' is the column being computed", NULL);
	expect_error("  - name: special\n", "  - name: age\n    expr: \"1\"\n"
	    "  - name: special\n", 175, 11,
	    "column 'age' is already computed by classify", NULL);
	expect_error("  - name: special\n    expr: \"left_behind and count(groups) > 0\"",
	    "  - name: special\n    flags: {x: \"true\"}", 176, 12,
	    "'flags' writes a list column, and 'special' is not one", NULL);
	expect_error("      poor: \"poverty != 'none'\"",
	    "      po;or: \"poverty != 'none'\"", 173, 7,
	    "flag 'po;or' must not hold a list separator", NULL);
}

static void
test_risk_rules(void **state)
{
	expect_error("    - {level: low}", "    - {level: low, min: 0}", 199, 20,
	    "the last level must have no 'min': it takes every lower score",
	    NULL);
	expect_error("{level: medium, min: 25}", "{level: medium, min: 50}", 198,
	    28, "'min' must be less than the 'min' of the level before (50)",
	    NULL);
	expect_error("{level: medium, min: 25}", "{level: medium}", 198, 7,
	    "missing key 'min' in 'levels': only the last level has none",
	    NULL);
	expect_error("{level: medium, min: 25}", "{level: hi, min: 25}", 198, 15,
	    "'hi' is not a value of vocabulary 'risk_level'", NULL);
	expect_error("{name: ability_mild,", "{name: alone,", 187, 14,
	    "duplicate risk factor 'alone'", NULL);
	expect_error("{name: ability_mild, points: 10", "{name: ability_mild, "
	    "points: -10", 187, 36, "'points' must not be negative", NULL);
}

static void
test_labels(void **state)
{
	expect_error("labels:\n  zh:\n", "labels:\n  fr:\n", 249, 3,
	    "unknown language 'fr' in 'labels' (zh or en)", NULL);
}

/* A tool's rules read only what the tools before it wrote. */
static void
test_pipeline_order(void **state)
{
	expect_error("when: \"severe_mental_illness\"}",
	    "when: \"risk_score > 3\"}", 192, 49,
	    "'risk_score' is what these rules compute: they cannot read it",
	    NULL);
	expect_error("      poor: \"poverty != 'none'\"",
	    "      poor: \"risk_level == 'high'\"", 173, 14,
	    "'risk_level' is written later, by risk-score: elder-classify "
	    "cannot read it", NULL);
	expect_error("  - name: special\n",
	    "  - name: risk_score\n    expr: \"1\"\n  - name: special\n",
	    175, 11, "column 'risk_score' is read or written by the tools "
	    "themselves, not computed by classify", NULL);
	expect_error("  unique: id_number", "  unique: name", 143, 11,
	    "'unique' must name an ID column, and 'name' is not one", NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_content),
		cmocka_unit_test(test_default_intervals),
		cmocka_unit_test(test_yaml_syntax),
		cmocka_unit_test(test_yaml_tab),
		cmocka_unit_test(test_yaml_alias),
		cmocka_unit_test(test_yaml_nesting),
		cmocka_unit_test(test_yaml_other),
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_misplaced_key),
		cmocka_unit_test(test_duplicate_key),
		cmocka_unit_test(test_duplicate_names),
		cmocka_unit_test(test_missing_key),
		cmocka_unit_test(test_wrong_type),
		cmocka_unit_test(test_bad_integer),
		cmocka_unit_test(test_negative_days),
		cmocka_unit_test(test_expr_unknown_column),
		cmocka_unit_test(test_expr_positions),
		cmocka_unit_test(test_expr_syntax),
		cmocka_unit_test(test_expr_not_condition),
		cmocka_unit_test(test_enum_literal),
		cmocka_unit_test(test_unknown_vocabulary),
		cmocka_unit_test(test_vocabularies),
		cmocka_unit_test(test_columns),
		cmocka_unit_test(test_duplicate_alias),
		cmocka_unit_test(test_uncovered_intervals),
		cmocka_unit_test(test_unreachable_interval),
		cmocka_unit_test(test_message_placeholder),
		cmocka_unit_test(test_classify_rules),
		cmocka_unit_test(test_risk_rules),
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_pipeline_order),
	};

	return cmocka_run_group_tests_name("policy", tests, NULL, NULL);
}
