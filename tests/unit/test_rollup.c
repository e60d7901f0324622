/*
 * The module itself, not its archive member: the groups' counts and the
 * walk of what an input can give are tested where they live, as statics.
 */
#include "../../lib/rollup.c"

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
#include "rollup.h"
#include "sheet.h"
#include "util.h"

#include "fixture.h"

/*
 * Counting by a hierarchy (lib/rollup.h): groups, the order of the walk
 * with its subtotals and total, merging the rollups of parts into the
 * rollup of the whole, overflow; and which metrics an input can give.
 */

/* The tuple "a/b/c" (at most 4 values) as keys. */
static size_t
tuple(const char *text, struct ec_str *keys, char *copy)
{
	size_t n = 0;
	char *p = copy;

	strcpy(copy, text);
	for (;;) {
		char *slash = strchr(p, '/');
		keys[n].p = p;
		keys[n].n = slash ? (size_t)(slash - p) : strlen(p);
		n++;
		if (!slash)
			break;
		p = slash + 1;
	}
	return n;
}

/* Adds c to each count of the group text. */
static void
add(struct ec_rollup *r, const char *text, uint64_t c0, uint64_t c1)
{
	struct ec_str keys[4];
	char copy[64];
	uint64_t c[2] = { c0, c1 };

	tuple(text, keys, copy);
	assert_int_equal(ec_rollup_add(r, keys, c), 0);
}

/*
 * The walk as text, one row a line: the values with '*' where rolled
 * up, then the counts.
 */
static int
show_row(void *ctx, const struct ec_rollup_row *row)
{
	struct ec_buf *b = ((void **)ctx)[0];
	size_t nkeys = *(size_t *)((void **)ctx)[1];
	size_t ncounts = *(size_t *)((void **)ctx)[2];

	for (size_t k = 0; k < nkeys; k++) {
		if (k)
			ec_buf_addc(b, '/');
		if (k < row->depth)
			ec_buf_add(b, row->keys[k].p, row->keys[k].n);
		else
			ec_buf_addc(b, '*');
	}
	for (size_t i = 0; i < ncounts; i++)
		ec_buf_addf(b, " %llu", (unsigned long long)row->counts[i]);
	ec_buf_addc(b, '\n');
	return 0;
}

static char *
walk(struct ec_rollup *r, size_t nkeys, size_t ncounts)
{
	struct ec_buf b = EC_BUF_INIT;
	void *ctx[3] = { &b, &nkeys, &ncounts };

	assert_int_equal(ec_rollup_walk(r, show_row, ctx), 0);
	return b.p;
}

/* The groups of r (rows of depth nkeys), counted through the walk. */
struct groups {
	size_t nkeys, n;
};

static int
count_group(void *ctx, const struct ec_rollup_row *row)
{
	struct groups *g = ctx;

	g->n += row->depth == g->nkeys;
	return 0;
}

static size_t
ngroups(struct ec_rollup *r, size_t nkeys)
{
	struct groups g = { nkeys, 0 };

	assert_int_equal(ec_rollup_walk(r, count_group, &g), 0);
	return g.n;
}

static void
test_groups(void **state)
{
	struct ec_rollup *r = ec_rollup_new(2, 2);
	struct ec_str k1[2] = { { "ab", 2 }, { "c", 1 } };
	struct ec_str k2[2] = { { "a", 1 }, { "bc", 2 } };
	struct ec_str k3[2] = { { "ab", 2 }, { "c", 1 } };
	uint64_t *c;

	/* A new group starts at zero; the same tuple finds it again. */
	c = group_counts(r, k1);
	assert_int_equal(c[0], 0);
	assert_int_equal(c[1], 0);
	c[0] = 5;
	/* The values are kept apart: ("ab","c") is not ("a","bc"). */
	c = group_counts(r, k2);
	assert_int_equal(c[0], 0);
	c[1] = 7;
	/* A copy of the keys, not the same pointers. */
	c = group_counts(r, k3);
	assert_int_equal(c[0], 5);
	assert_int_equal(ngroups(r, 2), 2);
	ec_rollup_free(r);
}

/* Many groups: the table grows, every group is found again. */
static void
test_many_groups(void **state)
{
	struct ec_rollup *r = ec_rollup_new(3, 1);
	char a[16], b[16], c[16];
	struct ec_str k[3];

	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < 5000; i++) {
			snprintf(a, sizeof a, "c%d", i % 7);
			snprintf(b, sizeof b, "t%d", i % 101);
			snprintf(c, sizeof c, "v%d", i);
			k[0].p = a, k[0].n = strlen(a);
			k[1].p = b, k[1].n = strlen(b);
			k[2].p = c, k[2].n = strlen(c);
			uint64_t *n = group_counts(r, k);
			assert_int_equal(n[0], (uint64_t)pass);
			n[0]++;
		}
	}
	assert_int_equal(ngroups(r, 3), 5000);
	ec_rollup_free(r);
}

/*
 * Three levels, added in no order: each subtotal comes right after its
 * children, the total last; values compare bytewise, a prefix first.
 */
static void
test_order(void **state)
{
	struct ec_rollup *r = ec_rollup_new(3, 2);
	char *got;

	add(r, "B/z/1", 1, 0);
	add(r, "A/y/1", 2, 1);
	add(r, "A/x/2", 3, 0);
	add(r, "A/x/1", 4, 1);
	add(r, "A/x/10", 5, 0);
	add(r, "A/xa/1", 6, 1);
	add(r, "B/z/1", 10, 10);	/* the same group again */
	got = walk(r, 3, 2);
	assert_string_equal(got,
	    "A/x/1 4 1\n"
	    "A/x/10 5 0\n"
	    "A/x/2 3 0\n"
	    "A/x/* 12 1\n"
	    "A/xa/1 6 1\n"
	    "A/xa/* 6 1\n"
	    "A/y/1 2 1\n"
	    "A/y/* 2 1\n"
	    "A/*/* 20 3\n"
	    "B/z/1 11 10\n"
	    "B/z/* 11 10\n"
	    "B/*/* 11 10\n"
	    "*/*/* 31 13\n");
	free(got);
	ec_rollup_free(r);
}

/* Bytewise is UTF-8 code point order: 乐 U+4E50 < 安 U+5B89 < 雁 U+96C1. */
static void
test_order_utf8(void **state)
{
	struct ec_rollup *r = ec_rollup_new(2, 1);
	char *got;

	add(r, "雁江区/松涛镇", 4, 0);
	add(r, "安岳县/岳阳镇", 1, 0);
	add(r, "雁江区/宝台镇", 1, 0);
	add(r, "乐至县/天池镇", 1, 0);
	got = walk(r, 2, 1);
	assert_string_equal(got,
	    "乐至县/天池镇 1\n"
	    "乐至县/* 1\n"
	    "安岳县/岳阳镇 1\n"
	    "安岳县/* 1\n"
	    "雁江区/宝台镇 1\n"
	    "雁江区/松涛镇 4\n"
	    "雁江区/* 5\n"
	    "*/* 7\n");
	free(got);
	ec_rollup_free(r);
}

/* One level: the groups and the total, no subtotal; none: the total. */
static void
test_one_level_and_empty(void **state)
{
	struct ec_rollup *r = ec_rollup_new(1, 2);
	char *got;

	add(r, "b", 1, 1);
	add(r, "a", 2, 0);
	got = walk(r, 1, 2);
	assert_string_equal(got, "a 2 0\nb 1 1\n* 3 1\n");
	free(got);
	ec_rollup_free(r);

	r = ec_rollup_new(3, 2);
	got = walk(r, 3, 2);
	assert_string_equal(got, "*/*/* 0 0\n");
	free(got);
	ec_rollup_free(r);
}

/* What the merge does: the leaf rows of each part added up. */
static int
add_leaves(void *ctx, const struct ec_rollup_row *row)
{
	struct ec_rollup *whole = ctx;

	if (row->depth == 3)
		assert_int_equal(ec_rollup_add(whole, row->keys, row->counts),
		    0);
	return 0;
}

/*
 * Parts of a sheet rolled up one by one and merged give the rollup of
 * the whole, groups that only one part has included.
 */
static void
test_merge(void **state)
{
	struct ec_rollup *whole = ec_rollup_new(3, 2);
	struct ec_rollup *part[3], *merged = ec_rollup_new(3, 2);
	uint64_t seed = 42;
	char *want, *got;

	for (int i = 0; i < 3; i++)
		part[i] = ec_rollup_new(3, 2);
	for (int i = 0; i < 3000; i++) {
		char text[32];
		seed = seed * 6364136223846793005u + 1442695040888963407u;
		unsigned x = (unsigned)(seed >> 33);
		int p = i < 1000 ? 0 : i < 2500 ? 1 : 2;
		/* County D only in the third part. */
		if (p == 2 && x % 5 == 0)
			snprintf(text, sizeof text, "D/t%u/v%u", x % 3, x % 11);
		else
			snprintf(text, sizeof text, "C%u/t%u/v%u", x % 3,
			    (x / 3) % 4, (x / 12) % 9);
		add(whole, text, 1, x % 2);
		add(part[p], text, 1, x % 2);
	}
	for (int i = 0; i < 3; i++) {
		assert_int_equal(ec_rollup_walk(part[i], add_leaves, merged), 0);
		ec_rollup_free(part[i]);
	}
	want = walk(whole, 3, 2);
	got = walk(merged, 3, 2);
	assert_string_equal(got, want);
	assert_non_null(strstr(got, "\nD/*/* "));
	free(want);
	free(got);
	ec_rollup_free(whole);
	ec_rollup_free(merged);
}

static int
never(void *ctx, const struct ec_rollup_row *row)
{
	fail_msg("a row was passed before the overflow was found");
	return 0;
}

static int
stop_at_two(void *ctx, const struct ec_rollup_row *row)
{
	return ++*(int *)ctx == 2 ? 7 : 0;
}

static void
test_overflow_and_stop(void **state)
{
	struct ec_rollup *r = ec_rollup_new(1, 2);
	struct ec_str k = { "a", 1 }, k2 = { "b", 1 };
	uint64_t big[2] = { UINT64_MAX - 1, 1 }, two[2] = { 2, 2 };
	uint64_t one[2] = { 1, 0 };
	int n = 0;

	/* A count that would wrap is refused, and nothing is added. */
	assert_int_equal(ec_rollup_add(r, &k, big), 0);
	assert_int_equal(ec_rollup_add(r, &k, two), -1);
	assert_int_equal(group_counts(r, &k)[0], UINT64_MAX - 1);
	assert_int_equal(group_counts(r, &k)[1], 1);
	assert_int_equal(ec_rollup_add(r, &k, one), 0);
	assert_int_equal(group_counts(r, &k)[0], UINT64_MAX);

	/* Fn's nonzero value stops the walk and is returned. */
	assert_int_equal(ec_rollup_walk(r, stop_at_two, &n), 7);
	assert_int_equal(n, 2);

	/* Two groups that fit, a total that does not: found first. */
	assert_int_equal(ec_rollup_add(r, &k2, one), 0);
	assert_int_equal(ec_rollup_walk(r, never, NULL), -1);
	ec_rollup_free(r);
}

/* A sheet bound to the header names[0..n), risk columns provided. */
struct bench {
	struct ec_sheet *s;
	struct ec_risk r;
};

static void
bench_open(struct bench *b, const struct ec_policy *p, const char *names)
{
	struct rec h;

	b->s = open_sheet_rec(p, 0, mkrec_text(&h, 1, names));
	ec_risk_init(&b->r, p);
	ec_risk_provide(b->s, &b->r);
}

static void
bench_close(struct bench *b)
{
	ec_risk_release(&b->r);
	ec_sheet_free(b->s);
}

/* "ok", or "COLUMN" / "COLUMN via COLUMN" for what metric name lacks. */
static void
expect_lack(struct bench *b, const char *metric, const char *want)
{
	const struct ec_policy *p = ec_sheet_policy(b->s);
	char got[100];
	int via, col = -2;

	for (size_t i = 0; i < p->nmetrics; i++)
		if (strcmp(p->metrics[i].name, metric) == 0)
			col = unavailable(b->s, p->metrics[i].when,
			    &b->r, &p->census, &via);
	assert_int_not_equal(col, -2);
	if (col < 0)
		snprintf(got, sizeof got, "ok");
	else if (via < 0)
		snprintf(got, sizeof got, "%s", p->columns[col].name);
	else
		snprintf(got, sizeof got, "%s via %s", p->columns[col].name,
		    p->columns[via].name);
	assert_string_equal(got, want);
}

#define CENSUS "id_number,name,county,township,village,living_arrangement," \
	"children_total,children_away,away_months,supporter_nearby," \
	"supporter_capable,ability_level,poverty"

static void
test_unavailable(void **state)
{
	const struct ec_policy *p = *state;
	struct bench b;

	/*
	 * A raw census: elder-classify's and risk-score's columns are
	 * computed; visit-due's cannot be.  The optional columns the risk
	 * standard reads (family_doctor, guardian_phone ...) are blank.
	 */
	bench_open(&b, p, CENSUS);
	expect_lack(&b, "left_behind", "ok");
	expect_lack(&b, "focus", "ok");
	expect_lack(&b, "oldest_old", "ok");
	expect_lack(&b, "risk_high", "ok");
	expect_lack(&b, "health_check_eligible", "ok");
	expect_lack(&b, "visit_overdue", "visit_status");
	expect_lack(&b, "home_visit_overdue", "home_visit_status");
	expect_lack(&b, "health_check_due", "health_check_due");
	expect_lack(&b, "alerts_unreported", "alert_report");
	bench_close(&b);

	/* Chinese headers do as well; the visit columns by their names. */
	bench_open(&b, p, "身份证号,县(区),乡(镇),居住情况,子女数,"
	    "县外务工子女数,外出时长(月),身边有赡养人,赡养人有赡养能力,"
	    "能力等级,困难类型,visit_status,alert");
	expect_lack(&b, "visit_overdue", "ok");
	expect_lack(&b, "never_visited", "ok");
	expect_lack(&b, "alerts", "ok");
	expect_lack(&b, "alerts_unreported", "alert_report");
	expect_lack(&b, "risk_low", "ok");
	bench_close(&b);

	/* What a definition needs and the census requires must be there. */
	bench_open(&b, p, "name,county,township,village,living_arrangement,"
	    "children_total,children_away,away_months,supporter_nearby,"
	    "supporter_capable,ability_level,poverty");
	expect_lack(&b, "left_behind", "id_number via age");
	expect_lack(&b, "risk_medium", "id_number via age");
	/* What the metric reads itself is named first. */
	expect_lack(&b, "visit_overdue", "visit_status");
	bench_close(&b);

	/* ... including what it requires under a condition. */
	bench_open(&b, p, "id_number,county,township,children_total,"
	    "children_away,supporter_nearby,living_arrangement,ability_level,"
	    "poverty");
	expect_lack(&b, "left_behind", "away_months via left_behind");
	bench_close(&b);

	/* The columns themselves in the input: nothing else is needed. */
	bench_open(&b, p, "county,township,left_behind,groups,special,focus,"
	    "risk_level,age");
	expect_lack(&b, "left_behind", "ok");
	expect_lack(&b, "alone", "ok");
	expect_lack(&b, "risk_high", "ok");
	expect_lack(&b, "health_check_eligible", "ok");
	bench_close(&b);

	/* No living_arrangement: neither alone nor the risk levels. */
	bench_open(&b, p, "id_number,county,township,left_behind,children_total,"
	    "children_away,away_months,supporter_nearby,supporter_capable,"
	    "ability_level,poverty");
	expect_lack(&b, "left_behind", "ok");
	expect_lack(&b, "alone", "living_arrangement via groups");
	expect_lack(&b, "risk_high", "living_arrangement via risk_level");
	expect_lack(&b, "disabled", "living_arrangement via groups");
	bench_close(&b);
}

/*
 * A column a metric reads itself must be there, even an optional one
 * that the risk standard may read blank.
 */
static void
test_unavailable_direct(void **state)
{
	static const char from[] = "    - {name: alerts_unreported,";
	static const char add_metric[] = "    - {name: no_doctor, when: "
	    "\"risk_level == 'high' and family_doctor == no\", zh: 未签约, "
	    "en: no family doctor}\n";
	const char *t = ec_policy_default_text, *at = strstr(t, from);
	struct ec_buf text = EC_BUF_INIT;
	struct ec_policy_error err;
	struct ec_policy *p;
	struct bench b;

	assert_non_null(at);
	ec_buf_add(&text, t, (size_t)(at - t));
	ec_buf_adds(&text, add_metric);
	ec_buf_adds(&text, at);
	p = ec_policy_load(text.p, text.len, &err);
	if (!p)
		fail_msg("policy: %zu:%zu: %s", err.line, err.column, err.msg);
	bench_open(&b, p, CENSUS);
	expect_lack(&b, "no_doctor", "family_doctor");
	bench_close(&b);
	bench_open(&b, p, CENSUS ",family_doctor");
	expect_lack(&b, "no_doctor", "ok");
	bench_close(&b);
	ec_policy_free(p);
	ec_buf_release(&text);
}


/* Plans of a sheet (ec_rollup_plan_count): -b by every spelling. */

static int
plan(struct bench *b, const char *by, const char *m,
    struct ec_rollup_plan *pl, struct ec_buf *notes, struct ec_buf *msg)
{
	char *bv[8], *mv[8], bcopy[200], mcopy[200], *save;
	size_t nb = 0, nm = 0;

	snprintf(bcopy, sizeof bcopy, "%s", by);
	snprintf(mcopy, sizeof mcopy, "%s", m);
	for (char *w = strtok_r(bcopy, ",", &save); w;
	    w = strtok_r(NULL, ",", &save))
		bv[nb++] = w;
	for (char *w = strtok_r(mcopy, ",", &save); w;
	    w = strtok_r(NULL, ",", &save))
		mv[nm++] = w;
	ec_buf_reset(notes);
	ec_buf_reset(msg);
	return ec_rollup_plan_count(pl, b->s, &b->r, bv, nb, mv, nm, notes,
	    msg);
}

static void
test_plan_by(void **state)
{
	const struct ec_policy *p = *state;
	struct ec_buf notes = EC_BUF_INIT, msg = EC_BUF_INIT;
	struct ec_rollup_plan pl;
	struct bench b;

	bench_open(&b, p, "身份证号,县(区), 乡镇 ,Village,片区,left_behind");
	/* A policy column by any spelling: its canonical name out. */
	assert_int_equal(plan(&b, "county,乡(镇),村", "left_behind", &pl,
	    &notes, &msg), 0);
	assert_int_equal(pl.nb, 3);
	assert_string_equal(pl.by_name[0], "county");
	assert_string_equal(pl.by_name[1], "township");
	assert_string_equal(pl.by_name[2], "village");
	assert_int_equal(pl.by_field[0], 1);
	assert_int_equal(pl.by_field[1], 2);
	assert_int_equal(pl.by_field[2], 3);
	assert_int_equal(pl.nm, 1);
	assert_string_equal(pl.m_name[0], "left_behind");
	assert_int_equal(notes.len, 0);
	ec_rollup_plan_release(&pl);

	/* Any other field by its header as written, trimmed. */
	assert_int_equal(plan(&b, "片区", "left_behind", &pl, &notes, &msg),
	    0);
	assert_string_equal(pl.by_name[0], "片区");
	assert_int_equal(pl.by_field[0], 4);
	/* A later input: the fields again. */
	char *by[] = { "片区" };
	assert_int_equal(ec_rollup_plan_rebind(&pl, b.s, by, &msg), 0);
	assert_int_equal(pl.by_field[0], 4);
	ec_rollup_plan_release(&pl);

	assert_int_equal(plan(&b, "village,村", "", &pl, &notes, &msg), -1);
	assert_string_equal(msg.p, "-b: 'village' and '村' are the same "
	    "column");
	ec_rollup_plan_release(&pl);
	assert_int_equal(plan(&b, "phone", "", &pl, &notes, &msg), -1);
	assert_string_equal(msg.p, "-b: the input has no column 'phone' (its "
	    "header may be: phone, 联系电话, 电话, 本人电话)");
	ec_rollup_plan_release(&pl);
	assert_int_equal(plan(&b, "nowhere", "", &pl, &notes, &msg), -1);
	assert_string_equal(msg.p, "-b: the input has no column 'nowhere'");
	ec_rollup_plan_release(&pl);
	bench_close(&b);

	bench_open(&b, p, "x,片区,y,片区");
	assert_int_equal(plan(&b, "片区", "", &pl, &notes, &msg), -1);
	assert_string_equal(msg.p, "-b: fields 2 and 4 are both named '片区'");
	ec_rollup_plan_release(&pl);
	bench_close(&b);
	ec_buf_release(&notes);
	ec_buf_release(&msg);
}

static void
test_plan_metrics(void **state)
{
	const struct ec_policy *p = *state;
	struct ec_buf notes = EC_BUF_INIT, msg = EC_BUF_INIT;
	struct ec_rollup_plan pl;
	struct bench b;
	char *bad[] = { "focus", "nope" };

	assert_int_equal(ec_rollup_check_metrics(p, bad, 1, &msg), 0);
	assert_int_equal(ec_rollup_check_metrics(p, bad, 2, &msg), -1);
	assert_non_null(strstr(msg.p, "-m: no metric 'nope' in the policy "
	    "(its metrics: left_behind, special, focus, "));

	/* None asked for: those the input cannot give left out, noted. */
	bench_open(&b, p, CENSUS);
	assert_int_equal(plan(&b, "village", "", &pl, &notes, &msg), 0);
	assert_int_equal(pl.nm, p->nmetrics - 6);
	assert_string_equal(pl.m_name[0], "left_behind");
	assert_string_equal(notes.p,
	    "note: metric 'visit_overdue' left out: the input has no column "
	    "'visit_status'\n"
	    "note: metric 'never_visited' left out: the input has no column "
	    "'visit_status'\n"
	    "note: metric 'home_visit_overdue' left out: the input has no "
	    "column 'home_visit_status'\n"
	    "note: metric 'health_check_due' left out: the input has no "
	    "column 'health_check_due'\n"
	    "note: metric 'alerts' left out: the input has no column "
	    "'alert'\n"
	    "note: metric 'alerts_unreported' left out: the input has no "
	    "column 'alert_report'\n");
	ec_rollup_plan_release(&pl);

	/* Asked for by name: one it cannot count is an error. */
	assert_int_equal(plan(&b, "village", "focus,never_visited", &pl,
	    &notes, &msg), -1);
	assert_string_equal(msg.p, "-m: the metric 'never_visited' cannot be "
	    "counted: the input has no column 'visit_status'");
	assert_int_equal(notes.len, 0);
	ec_rollup_plan_release(&pl);
	bench_close(&b);
	ec_buf_release(&notes);
	ec_buf_release(&msg);
}

static void
problem_count(void *ctx, const struct ec_problem *pr)
{
	(*(int *)ctx)++;
	assert_string_equal(pr->kind, "blank");
}

static void
test_plan_count(void **state)
{
	const struct ec_policy *p = *state;
	struct ec_buf notes = EC_BUF_INIT, msg = EC_BUF_INIT;
	struct ec_rollup_plan pl;
	struct ec_rollup *r;
	struct bench b;
	const struct ec_csv_record *rec;
	struct rec x;
	int problems = 0;

	bench_open(&b, p, "county,township,left_behind");
	assert_int_equal(plan(&b, "county,township", "left_behind", &pl,
	    &notes, &msg), 0);
	r = ec_rollup_new(pl.nb, 1 + pl.nm);
	rec = mkrec_text(&x, 2, "A, a1 ,yes");
	ec_sheet_record(b.s, rec);
	assert_int_equal(ec_rollup_count(r, &pl, b.s, problem_count,
	    &problems), 0);
	ec_sheet_record(b.s, rec);
	assert_int_equal(ec_rollup_count(r, &pl, b.s, problem_count,
	    &problems), 0);
	struct ec_str k[2] = { { "A", 1 }, { "a1", 2 } };
	assert_int_equal(group_counts(r, k)[0], 2);
	assert_int_equal(group_counts(r, k)[1], 2);
	/* Blank values: each said, nothing counted. */
	ec_sheet_record(b.s, mkrec_text(&x, 3, ",  ,yes"));
	assert_int_equal(ec_rollup_count(r, &pl, b.s, problem_count,
	    &problems), -1);
	assert_int_equal(problems, 2);
	assert_int_equal(ngroups(r, pl.nb), 1);
	ec_rollup_free(r);
	ec_rollup_plan_release(&pl);
	bench_close(&b);
	ec_buf_release(&notes);
	ec_buf_release(&msg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_groups),
		cmocka_unit_test(test_many_groups),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_order_utf8),
		cmocka_unit_test(test_one_level_and_empty),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_overflow_and_stop),
		cmocka_unit_test(test_unavailable),
		cmocka_unit_test(test_unavailable_direct),
		cmocka_unit_test(test_plan_by),
		cmocka_unit_test(test_plan_metrics),
		cmocka_unit_test(test_plan_count),
	};

	return cmocka_run_group_tests_name("rollup", tests, policy_setup,
	    policy_teardown);
}
