/*
 * fuzz_expr.c - libFuzzer harness of the expression language
 * (lib/expr.h): the input compiled as an expression against a fixed set
 * of typed columns (those of the default policy that its expressions
 * read, so that they seed the corpus), then, when it compiles, evaluated
 * on a few fixed
 * records (one of them all blank, others at the edges: the largest
 * integers, the first and last dates, empty and space-only text, an
 * empty string with no pointer) on several days.
 *
 * It is compiled twice, with and without a checker of string literals:
 * what compiles with it compiles without it, to the same type.  Each
 * record is evaluated four ways that must agree: fetching every value,
 * with a cache of the ID number, with every value given in advance
 * (then fetch must not be called), and ec_expr_test for a bool.  A value
 * has the expression's type, a bool is 0 or 1, a date stays within
 * 1000-9999, and the columns ec_expr_slots reports exist.
 */
#include <string.h>

#include "expr.h"
#include "fuzz.h"

/* The default policy's columns that its expressions read, by type. */
enum {
	S_ID, S_NAME, S_SEX, S_BIRTH, S_PHONE, S_LIVING, S_TOTAL, S_AWAY,
	S_MONTHS, S_NEARBY, S_CAPABLE, S_ABILITY, S_POVERTY, S_CHRONIC,
	S_MENTAL, S_GPHONE, S_DOCTOR, S_CHECK, S_VISIT, S_AGE, S_LEFT,
	S_GROUPS, S_SPECIAL, S_FOCUS, S_RISK, S_STATUS, S_HOME, S_HEALTH,
	S_ALERT, S_REPORT, NSLOTS
};

static const char *const sexes[] = { "male", "female", NULL };
static const char *const living[] = { "alone", "spouse", "relatives",
    "other", NULL };
static const char *const abilities[] = { "intact", "mild", "moderate",
    "severe", "total", NULL };
static const char *const poverty[] = { "none", "dibao", "tekun",
    "registered_poor", NULL };
static const char *const groups[] = { "alone", "disabled", "poor",
    "oldest_old", NULL };
static const char *const levels[] = { "low", "medium", "high", NULL };
static const char *const statuses[] = { "never_visited", "overdue",
    "due_soon", "ok", "not_applicable", NULL };
static const char *const home[] = { "ok", "overdue", "never",
    "not_applicable", NULL };
static const char *const health[] = { "yes", "no", "not_applicable", NULL };
static const char *const situations[] = { "none", "wandering", "abuse",
    "critical_illness", "mental_illness", "hardship", "other", NULL };
static const char *const reports[] = { "on_time", "late", "missing", NULL };

static const struct {
	const char *name;
	enum ec_type type;
	const char *const *words;	/* the vocabulary of its literals */
} columns[NSLOTS] = {
	[S_ID] = { "id_number", EC_T_STR, NULL },
	[S_NAME] = { "name", EC_T_STR, NULL },
	[S_SEX] = { "sex", EC_T_STR, sexes },
	[S_BIRTH] = { "birth_date", EC_T_DATE, NULL },
	[S_PHONE] = { "phone", EC_T_STR, NULL },
	[S_LIVING] = { "living_arrangement", EC_T_STR, living },
	[S_TOTAL] = { "children_total", EC_T_INT, NULL },
	[S_AWAY] = { "children_away", EC_T_INT, NULL },
	[S_MONTHS] = { "away_months", EC_T_INT, NULL },
	[S_NEARBY] = { "supporter_nearby", EC_T_BOOL, NULL },
	[S_CAPABLE] = { "supporter_capable", EC_T_BOOL, NULL },
	[S_ABILITY] = { "ability_level", EC_T_STR, abilities },
	[S_POVERTY] = { "poverty", EC_T_STR, poverty },
	[S_CHRONIC] = { "chronic_diseases", EC_T_LIST, NULL },
	[S_MENTAL] = { "severe_mental_illness", EC_T_BOOL, NULL },
	[S_GPHONE] = { "guardian_phone", EC_T_STR, NULL },
	[S_DOCTOR] = { "family_doctor", EC_T_BOOL, NULL },
	[S_CHECK] = { "last_health_check", EC_T_DATE, NULL },
	[S_VISIT] = { "visit_date", EC_T_DATE, NULL },
	[S_AGE] = { "age", EC_T_INT, NULL },
	[S_LEFT] = { "left_behind", EC_T_BOOL, NULL },
	[S_GROUPS] = { "groups", EC_T_LIST, groups },
	[S_SPECIAL] = { "special", EC_T_BOOL, NULL },
	[S_FOCUS] = { "focus", EC_T_BOOL, NULL },
	[S_RISK] = { "risk_level", EC_T_STR, levels },
	[S_STATUS] = { "visit_status", EC_T_STR, statuses },
	[S_HOME] = { "home_visit_status", EC_T_STR, home },
	[S_HEALTH] = { "health_check_due", EC_T_STR, health },
	[S_ALERT] = { "alert", EC_T_STR, situations },
	[S_REPORT] = { "alert_report", EC_T_STR, reports },
};

/* Day numbers of 1000-01-01 and 9999-12-31 (date.h's range). */
#define DATE_MIN (-354285)
#define DATE_MAX 2932896

#define NROWS 5
static struct ec_value rows[NROWS][NSLOTS];
static const struct ec_value *row;
static int fetches;

static int
resolve(void *ctx, const char *name, size_t len, enum ec_type *type)
{
	for (int i = 0; i < NSLOTS; i++)
		if (strlen(columns[i].name) == len &&
		    memcmp(columns[i].name, name, len) == 0) {
			*type = columns[i].type;
			return i;
		}
	return -1;
}

/* A column with a vocabulary takes its words; other text anything. */
static int
literal(void *ctx, int slot, const char *s, size_t n)
{
	const char *const *w = columns[slot].words;

	if (!w)
		return 0;
	for (; *w; w++)
		if (strlen(*w) == n && memcmp(*w, s, n) == 0)
			return 0;
	return -1;
}

static void
fetch(void *ctx, int slot, struct ec_value *out)
{
	FUZZ_CHECK(slot >= 0 && slot < NSLOTS);
	fetches++;
	*out = row[slot];
}

static void
slot_ok(void *arg, int slot)
{
	FUZZ_CHECK(slot >= 0 && slot < NSLOTS);
}

static ec_date
ymd(int y, int m, int d)
{
	ec_date date;

	FUZZ_CHECK(ec_date_from_ymd(y, m, d, &date) == 0);
	return date;
}

static struct ec_value
str(int slot, const char *s)
{
	return ec_value_str(columns[slot].type, s, s ? strlen(s) : 0);
}

/* Record r's value of column c. */
static struct ec_value
value(int r, int c)
{
	enum ec_type t = columns[c].type;
	const char *const *w = columns[c].words;

	if (r == 1 || (r == 4 && c % 2))
		return ec_value_blank(t);
	if (r == 4)
		r = 0;
	switch (c) {
	case S_ID:
		return str(c, (const char *[]){ "11010519491231002X", NULL,
		    "110105491231002", " 11010519491231002x ",
		    "110105194902300021" }[r]);
	case S_PHONE:
	case S_GPHONE:
		return str(c, (const char *[]){ "13800138000", NULL,
		    "+86 (010) 1234-5678", " ", NULL }[r]);
	case S_BIRTH:
		return ec_value_int(t, (ec_date[]){ ymd(1949, 12, 31), 0,
		    DATE_MIN, DATE_MAX, 0 }[r]);
	case S_CHECK:
	case S_VISIT:
		return ec_value_int(t, (ec_date[]){ ymd(2024, 2, 29), 0,
		    ymd(1000, 2, 28), ymd(2000, 2, 29), 0 }[r]);
	case S_CHRONIC:
	case S_GROUPS:
		/* poor； alone */
		return str(c, (const char *[]){ "poor\xef\xbc\x9b alone", NULL,
		    ";;,\xef\xbc\x8c \xe3\x80\x81",
		    " oldest_old ,disabled,poor\xe3\x80\x81" "alone", NULL }[r]);
	}
	switch (t) {
	case EC_T_INT:
		return ec_value_int(t, (int64_t[]){ 2 + c % 3 * 70, 0,
		    c % 2 ? INT64_MAX : INT64_MIN, -(c % 2), 0 }[r]);
	case EC_T_BOOL:
		return ec_value_int(t, (int64_t[]){ c % 2, 0, 0, 1, 0 }[r]);
	default:
		/* text: a word, none (no pointer), spaces only */
		return str(c, (const char *[]){ w ? w[c % 2] : "Li Hua", NULL,
		    NULL, c % 2 ? "  " : "\xe3\x80\x80", NULL }[r]);
	}
}

static void
setup(void)
{
	for (int r = 0; r < NROWS; r++)
		for (int c = 0; c < NSLOTS; c++)
			rows[r][c] = value(r, c);
}

static int
same_value(const struct ec_value *a, const struct ec_value *b)
{
	if (a->blank != b->blank || a->type != b->type)
		return 0;
	if (a->blank)
		return 1;
	if (a->type == EC_T_STR || a->type == EC_T_LIST)
		return a->n == b->n && (a->n == 0 || memcmp(a->s, b->s, a->n) == 0);
	return a->i == b->i;
}

static void
value_ok(const struct ec_value *v, enum ec_type type)
{
	FUZZ_CHECK(v->type == type);
	FUZZ_CHECK(v->blank == 0 || v->blank == 1);
	if (v->blank)
		return;
	switch (type) {
	case EC_T_BOOL:
		FUZZ_CHECK(v->i == 0 || v->i == 1);
		break;
	case EC_T_DATE:
		FUZZ_CHECK(v->i >= DATE_MIN && v->i <= DATE_MAX);
		break;
	case EC_T_STR:
	case EC_T_LIST:
		FUZZ_CHECK(v->n == 0 || v->s != NULL);
		break;
	default:
		break;
	}
}

/* Evaluates e on every record, every way: out[r] is record r's value. */
static void
evaluate(const struct ec_expr *e, struct ec_value *out)
{
	static const int days[][3] = {
		{ 2024, 6, 15 }, { 2023, 2, 28 }, { 1000, 1, 1 }, { 9999, 12, 31 },
	};
	enum ec_type type = ec_expr_type(e);
	uint32_t stamp[NSLOTS];

	ec_expr_slots(e, slot_ok, NULL);
	for (int r = 0; r < NROWS; r++) {
		row = rows[r];
		const int *d = days[r % 4];
		struct ec_expr_env env = { 0 };
		struct ec_expr_cache cache;
		struct ec_value v, vc, vs;

		env.today = ymd(d[0], d[1], d[2]);
		env.leap_rule = r % 2 ? EC_LEAP_FEB28 : EC_LEAP_MAR1;
		env.fetch = fetch;

		ec_expr_eval(e, &env, &v);
		value_ok(&v, type);

		memset(&cache, 0, sizeof cache);
		env.cache = &cache;
		ec_expr_eval(e, &env, &vc);
		FUZZ_CHECK(same_value(&v, &vc));
		/* Again: now the cache holds this record's ID. */
		ec_expr_eval(e, &env, &vc);
		FUZZ_CHECK(same_value(&v, &vc));

		for (int i = 0; i < NSLOTS; i++)
			stamp[i] = 7;
		env.vals = row;
		env.stamp = stamp;
		env.gen = 7;
		fetches = 0;
		ec_expr_eval(e, &env, &vs);
		FUZZ_CHECK(fetches == 0);
		FUZZ_CHECK(same_value(&v, &vs));

		int t = ec_expr_test(e, &env);
		FUZZ_CHECK(t == (type == EC_T_BOOL && !v.blank && v.i));
		out[r] = v;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	const struct ec_expr_resolver strict = { resolve, literal, NULL };
	const struct ec_expr_resolver loose = { resolve, NULL, NULL };
	struct ec_expr_error err;
	struct ec_value v1[NROWS], v2[NROWS];

	if (!ready) {
		setup();
		ready = 1;
	}
	const char *src = (const char *)data;
	struct ec_expr *e1 = ec_expr_compile(src, size, &strict, &err);
	if (!e1) {
		FUZZ_CHECK(err.offset <= size);
		FUZZ_CHECK(memchr(err.msg, '\0', sizeof err.msg) && err.msg[0]);
	}
	struct ec_expr *e2 = ec_expr_compile(src, size, &loose, &err);
	if (e1)
		FUZZ_CHECK(e2 != NULL && ec_expr_type(e1) == ec_expr_type(e2));
	if (!e2) {
		FUZZ_CHECK(err.offset <= size);
		FUZZ_CHECK(memchr(err.msg, '\0', sizeof err.msg) && err.msg[0]);
		return 0;
	}
	evaluate(e2, v2);
	if (e1) {
		evaluate(e1, v1);
		for (int r = 0; r < NROWS; r++)
			FUZZ_CHECK(same_value(&v1[r], &v2[r]));
	}
	ec_expr_free(e1);
	ec_expr_free(e2);
	return 0;
}
