#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "policy.h"
#include "report.h"
#include "report_internal.h"
#include "text.h"

#include "fixture.h"

static struct ec_policy *
policy(size_t len)
{
	struct ec_policy_error err;
	struct ec_policy *p = ec_policy_load(ec_policy_default_text, len, &err);

	if (!p)
		fail_msg("policy: %zu:%zu: %s", err.line, err.column, err.msg);
	return p;
}

static void
mask_id(const char *in, const char *want)
{
	struct ec_buf b = EC_BUF_INIT;

	ec_mask_id(in, strlen(in), &b);
	assert_string_equal(b.p ? b.p : "", want);
	ec_buf_release(&b);
}

static void
mask_phone(const char *in, const char *want)
{
	struct ec_buf b = EC_BUF_INIT;

	ec_mask_phone(in, strlen(in), &b);
	assert_string_equal(b.p ? b.p : "", want);
	ec_buf_release(&b);
}

static void
test_mask_id(void **state)
{
	mask_id("51200219400101001X", "512002********001X");
	mask_id("512002400101001", "512002*****1001");
	mask_id("12345678901", "123456*8901");
	mask_id("1234567890", "**********");
	mask_id("12345", "*****");
	mask_id("", "");
	/* By characters: a Chinese character is one. */
	mask_id("身份证号码未登记的老人", "身份证号码未*记的老人");
}

static void
test_mask_phone(void **state)
{
	mask_phone("13812341234", "138****1234");
	mask_phone("138-1234-5678", "138-****-5678");
	mask_phone("138 1234 5678", "138 **** 5678");
	mask_phone("+86 138 1234 5678", "+86 138 **** 5678");
	mask_phone("+8613812345678", "+86138****5678");
	mask_phone("0086-13812345678", "0086-138****5678");
	mask_phone("028-12345678", "028-****5678");
	mask_phone("0832-3371388", "0832-***1388");
	mask_phone("(0832)3371388", "(0832)***1388");
	mask_phone("08323371388", "083****1388");
	mask_phone("1234567", "***4567");
	mask_phone("12345", "*2345");
	mask_phone("1234", "1234");
	mask_phone("", "");
	mask_phone("无", "无");
	mask_phone("13812345678/13912345678", "138****5678/139****5678");
	mask_phone("13812345678、0832-3371388", "138****5678、0832-***1388");
	mask_phone("13812345678（儿子）", "138****5678（儿子）");
}

static void
test_rates(void **state)
{
	char s[32];

	assert_int_equal(report_rate_percent(6, 7, s), 5);
	assert_string_equal(s, "85.7%");
	report_rate_percent(10, 10, s);
	assert_string_equal(s, "100.0%");
	report_rate_percent(0, 5, s);
	assert_string_equal(s, "0.0%");
	report_rate_percent(1, 3, s);
	assert_string_equal(s, "33.3%");
	report_rate_percent(2, 3, s);
	assert_string_equal(s, "66.7%");
	/* Half a tenth rounds up. */
	report_rate_percent(1, 16, s);
	assert_string_equal(s, "6.3%");
	report_rate_percent(13, 16, s);
	assert_string_equal(s, "81.3%");
	report_rate_percent(-1, 4, s);
	assert_string_equal(s, "-25.0%");
	/* No denominator, no rate: neither 0% nor 100%. */
	assert_int_equal(report_rate_percent(0, 0, s), 1);
	assert_string_equal(s, "-");
	report_rate_percent(3, 0, s);
	assert_string_equal(s, "-");

	report_rate_fraction(6, 7, s);
	assert_string_equal(s, "0.857");
	report_rate_fraction(10, 10, s);
	assert_string_equal(s, "1.000");
	report_rate_fraction(1, 3, s);
	assert_string_equal(s, "0.333");
	report_rate_fraction(1, 16, s);
	assert_string_equal(s, "0.063");
	assert_int_equal(report_rate_fraction(0, 0, s), 0);
	assert_string_equal(s, "");
}

static const char rollup_header[] =
    "county,township,level,records,left_behind,special,focus,alone,"
    "disabled,poor,oldest_old,risk_high,risk_medium,risk_low,"
    "visit_overdue,never_visited,home_visit_overdue,"
    "health_check_eligible,health_check_due,alerts,alerts_unreported";

static struct ec_reporter *
reporter(struct ec_policy *p, enum ec_format f, const char *lang)
{
	struct ec_report_options o;

	memset(&o, 0, sizeof o);
	o.format = f;
	o.lang = lang;
	o.mask = 1;
	o.asof = asof_default();
	return ec_reporter_new(p, &o);
}

/*
 * What a reporter took its input for, as it shows: the first line of
 * the report written with no record, the title of a summary or of visit
 * sheets ("" when it writes nothing).
 */
static const char *
report_title(struct ec_reporter *r)
{
	static char line[256];
	struct ec_buf b = EC_BUF_INIT;
	struct ec_error err;
	size_t n;

	assert_int_equal(ec_reporter_write(r, &b, &err), 0);
	n = b.p ? strcspn(b.p, "\n") : 0;
	assert_true(n < sizeof line);
	memcpy(line, b.p ? b.p : "", n);
	line[n] = '\0';
	ec_buf_release(&b);
	return line;
}

static void
test_header(void **state)
{
	struct ec_policy *p = policy(ec_policy_default_len);
	struct ec_reporter *r;
	struct rec x;
	struct ec_error err;
	int field;

	r = reporter(p, EC_FORMAT_TEXT, "zh");
	assert_int_equal(ec_reporter_header(r, mkrec_text(&x, 1,
	    "身份证号,姓名,age,left_behind"), &err), -1);
	assert_string_equal(err.msg, "not a rollup nor a visit-due output "
	    "(expected the columns level and records, or visit_status)");
	/* Neither: no record is taken, and there is nothing to write. */
	assert_int_equal(ec_reporter_record(r, mkrec_text(&x, 2,
	    "51200219400101001X,张三,86,1"), &field, &err), -1);
	assert_string_equal(err.msg, "no header read");
	assert_string_equal(report_title(r), "");
	ec_reporter_free(r);

	r = reporter(p, EC_FORMAT_TEXT, "zh");
	assert_int_equal(ec_reporter_header(r,
	    mkrec_text(&x, 1, rollup_header), &err), 0);
	assert_string_equal(report_title(r), "农村留守老年人关爱服务统计");
	ec_reporter_free(r);

	/* Chinese census headers, the tools' columns by their names. */
	r = reporter(p, EC_FORMAT_TEXT, "zh");
	assert_int_equal(ec_reporter_header(r, mkrec_text(&x, 1,
	    "身份证号,姓名,村(社区),age,risk_level,visit_status"), &err), 0);
	assert_string_equal(report_title(r), "农村留守老年人走访表");
	ec_reporter_free(r);

	r = reporter(p, EC_FORMAT_TEXT, "zh");
	assert_int_equal(ec_reporter_header(r, mkrec_text(&x, 1,
	    "身份证号,村(社区),visit_status"), &err), -1);
	assert_string_equal(err.msg, "a visit-due output, but the column "
	    "'name' is missing (its header may be: name, 姓名)");
	ec_reporter_free(r);
	ec_policy_free(p);
}

static void
test_bad_count(void **state)
{
	struct ec_policy *p = policy(ec_policy_default_len);
	struct ec_reporter *r = reporter(p, EC_FORMAT_CSV, "zh");
	struct rec x;
	struct ec_error err;
	int field;

	assert_int_equal(ec_reporter_header(r, mkrec_text(&x, 1,
	    "county,level,records,left_behind"), &err), 0);
	assert_int_equal(ec_reporter_record(r, mkrec_text(&x, 2,
	    "安岳县,county,十,3"), &field, &err), -1);
	assert_int_equal(field, 2);
	assert_string_equal(err.msg, "'十' is not a count (a whole number, "
	    "0 or more)");
	assert_int_equal(ec_reporter_record(r, mkrec_text(&x, 3,
	    "安岳县,county,10,-3"), &field, &err), -1);
	assert_int_equal(field, 3);
	assert_int_equal(ec_reporter_record(r, mkrec_text(&x, 4,
	    "安岳县,county, 10 ,3"), &field, &err), 0);
	ec_reporter_free(r);
	ec_policy_free(p);
}

static char *
render(struct ec_policy *p, enum ec_format f, const char *lang,
    const char *header, const char *const *rows, size_t n)
{
	struct ec_reporter *r = reporter(p, f, lang);
	struct ec_buf b = EC_BUF_INIT;
	struct rec x;
	struct ec_error err;
	int field;

	if (ec_reporter_header(r, mkrec_text(&x, 1, header), &err) != 0)
		fail_msg("%s", err.msg);
	for (size_t i = 0; i < n; i++)
		if (ec_reporter_record(r, mkrec_text(&x, i + 2, rows[i]),
		    &field, &err) != 0)
			fail_msg("%s", err.msg);
	if (ec_reporter_write(r, &b, &err) != 0)
		fail_msg("%s", err.msg);
	ec_reporter_free(r);
	return b.p;
}

static void
test_summary_csv(void **state)
{
	static const char *const rows[] = {
		"安岳县,兴隆镇,township,40,12,7,2,5,3,4,2,4,5,3,2,1,2,10,3,2,1",
		"安岳县,岳阳镇,township,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0",
		"安岳县,,county,40,12,7,2,5,3,4,2,4,5,3,2,1,2,10,3,2,1",
		",,total,40,12,7,2,5,3,4,2,4,5,3,2,1,2,10,3,2,1",
	};
	struct ec_policy *p = policy(ec_policy_default_len);
	char *s = render(p, EC_FORMAT_CSV, "zh", rollup_header, rows, 4);

	assert_string_equal(s,
	    "县(区),乡(镇),老年人数,留守老年人,特殊困难,高风险,走访逾期,"
	    "从未走访,上门逾期,特殊情况,未及时报告,留守率,走访覆盖率,"
	    "体检覆盖率,未及时报告率,需关注\n"
	    "安岳县,兴隆镇,40,12,7,4,2,1,2,2,1,0.300,0.750,0.700,0.500,"
	    "走访覆盖率;未及时报告\n"
	    "安岳县,岳阳镇,0,0,0,0,0,0,0,0,0,,,,,\n"
	    "安岳县,小计,40,12,7,4,2,1,2,2,1,0.300,0.750,0.700,0.500,"
	    "走访覆盖率;未及时报告\n"
	    "合计,,40,12,7,4,2,1,2,2,1,0.300,0.750,0.700,0.500,"
	    "走访覆盖率;未及时报告\n");
	free(s);
	ec_policy_free(p);
}

static void
test_summary_missing_metrics(void **state)
{
	/* A rollup of a census not through visit-due: no visit rates. */
	static const char *const rows[] = {
		"雁江区,county,12,5",
		",total,12,5",
	};
	struct ec_policy *p = policy(ec_policy_default_len);
	char *s = render(p, EC_FORMAT_CSV, "en",
	    "county,level,records,left_behind", rows, 2);

	assert_string_equal(s,
	    "county,elderly,left-behind,left-behind rate,attention\n"
	    "雁江区,12,5,0.417,\n"
	    "total,12,5,0.417,\n");
	free(s);
	ec_policy_free(p);
}

static void
test_summary_text_aligned(void **state)
{
	static const char *const rows[] = {
		"雁江区,county,12,5",
		"Anyue County,county,1000,500",
		",total,1012,505",
	};
	struct ec_policy *p = policy(ec_policy_default_len);
	char *s = render(p, EC_FORMAT_TEXT, "zh",
	    "county,level,records,left_behind", rows, 3);

	/* Every line of the table ends in the same column. */
	assert_string_equal(s,
	    "农村留守老年人关爱服务统计\n"
	    "==========================\n"
	    "统计日期：2026-11-30\n"
	    "\n"
	    "县(区)        老年人数  留守老年人  留守率\n"
	    "------------  --------  ----------  ------\n"
	    "雁江区              12           5   41.7%\n"
	    "Anyue County      1000         500   50.0%\n"
	    "------------  --------  ----------  ------\n"
	    "合计              1012         505   49.9%\n");
	free(s);
	ec_policy_free(p);
}

static void
test_default_labels(void **state)
{
	/* A policy of its own without labels: the built-in words. */
	static const char *const rows[] = { "total,3" };
	const char *labels = strstr(ec_policy_default_text, "\nlabels:");
	struct ec_policy *p;
	char *s;

	assert_non_null(labels);
	p = policy((size_t)(labels - ec_policy_default_text) + 1);
	assert_int_equal(p->nlabels_zh, 0);
	s = render(p, EC_FORMAT_MARKDOWN, "en", "level,records", rows, 1);
	assert_string_equal(s,
	    "# Care for rural left-behind elderly\n"
	    "\n"
	    "as of: 2026-11-30\n"
	    "\n"
	    "|  | elderly |\n"
	    "| --- | ---: |\n"
	    "| **total** | **3** |\n");
	free(s);
	ec_policy_free(p);
}

static void
test_default_labels_same(void **state)
{
	/* The built-in words are the default policy's, in both languages. */
	static const char *const rows[] = {
		"安岳县,兴隆镇,township,40,12,7,2,5,3,4,2,4,5,3,2,1,2,10,3,2,1",
		"安岳县,,county,40,12,7,2,5,3,4,2,4,5,3,2,1,2,10,3,2,1",
		",,total,40,12,7,2,5,3,4,2,4,5,3,2,1,2,10,3,2,1",
	};
	static const char visit_header[] =
	    "id_number,name,village,risk_level,days_overdue,visit_status";
	static const char *const people[] = {
		"51200219400101001X,王建国,白塔村,high,,never_visited",
	};
	const char *labels = strstr(ec_policy_default_text, "\nlabels:");
	struct ec_policy *full = policy(ec_policy_default_len);
	struct ec_policy *bare = policy((size_t)(labels -
	    ec_policy_default_text) + 1);
	static const char *const langs[] = { "zh", "en" };

	for (size_t l = 0; l < 2; l++) {
		for (int f = EC_FORMAT_TEXT; f <= EC_FORMAT_CSV; f++) {
			char *a = render(full, (enum ec_format)f, langs[l],
			    rollup_header, rows, 3);
			char *b = render(bare, (enum ec_format)f, langs[l],
			    rollup_header, rows, 3);
			assert_string_equal(a, b);
			free(a);
			free(b);
			a = render(full, (enum ec_format)f, langs[l],
			    visit_header, people, 1);
			b = render(bare, (enum ec_format)f, langs[l],
			    visit_header, people, 1);
			assert_string_equal(a, b);
			free(a);
			free(b);
		}
	}
	ec_policy_free(full);
	ec_policy_free(bare);
}

static void
test_sheet_masks(void **state)
{
	struct ec_policy *p = policy(ec_policy_default_len);
	struct ec_report_options o;
	struct ec_reporter *r;
	struct ec_buf b = EC_BUF_INIT;
	struct rec x;
	struct ec_error err;
	int field;

	for (int mask = 1; mask >= 0; mask--) {
		memset(&o, 0, sizeof o);
		o.format = EC_FORMAT_CSV;
		o.lang = "en";
		o.mask = mask;
		o.asof = asof_default();
		r = ec_reporter_new(p, &o);
		assert_int_equal(ec_reporter_header(r, mkrec_text(&x, 1,
		    "id_number,name,village,phone,guardian_phone,risk_level,"
		    "days_overdue,visit_status"), &err), 0);
		assert_int_equal(ec_reporter_record(r, mkrec_text(&x, 2,
		    "51200219400101001X,王建国,白塔村,13812345678,"
		    "0832-3371388,high,,never_visited"), &field, &err), 0);
		ec_buf_reset(&b);
		assert_int_equal(ec_reporter_write(r, &b, &err), 0);
		ec_reporter_free(r);
		/* No age column: computed from the ID number. */
		assert_string_equal(b.p, mask ?
		    "county,township,village,No.,name,ID number,age,phone,"
		    "guardian,guardian phone,risk level,last visit,"
		    "days overdue,date visited (fill in)\n"
		    ",,白塔村,1,王建国,512002********001X,86,138****5678,,"
		    "0832-***1388,high,,never visited,\n" :
		    "county,township,village,No.,name,ID number,age,phone,"
		    "guardian,guardian phone,risk level,last visit,"
		    "days overdue,date visited (fill in)\n"
		    ",,白塔村,1,王建国,51200219400101001X,86,13812345678,,"
		    "0832-3371388,high,,never visited,\n");
	}
	ec_buf_release(&b);
	ec_policy_free(p);
}

static void
test_html_escapes(void **state)
{
	static const char *const rows[] = {
		"<b>&\"'村,county,1,1",
		",total,1,1",
	};
	struct ec_policy *p = policy(ec_policy_default_len);
	char *s = render(p, EC_FORMAT_HTML, "zh",
	    "county,level,records,left_behind", rows, 2);

	assert_non_null(strstr(s, "<td class=\"name\">&lt;b&gt;&amp;&quot;"
	    "&#39;村</td>"));
	assert_null(strstr(s, "<b>"));
	/* Nothing that could reach the network. */
	assert_null(strstr(s, "//"));
	assert_null(strstr(s, "src="));
	assert_null(strstr(s, "url("));
	assert_null(strstr(s, "<script"));
	free(s);
	ec_policy_free(p);
}

/* The flush of a reporter: what it is given, in order. */
static void
collect(void *ctx, struct ec_buf *out)
{
	struct ec_buf *all = ctx;

	assert_true(out->len >= 64 * 1024);
	ec_buf_add(all, out->p, out->len);
	ec_buf_reset(out);
}

/* The sheets of 3000 people of 30 villages, mixed (not by village). */
static void
long_list(const struct ec_policy *p, enum ec_format format,
    struct ec_buf *out, struct ec_buf *flushed)
{
	struct ec_report_options o;
	struct ec_reporter *r;
	struct rec x;
	struct ec_error err;
	char line[256];
	int field;

	memset(&o, 0, sizeof o);
	o.format = format;
	o.lang = "zh";
	o.mask = 1;
	o.asof = asof_default();
	r = ec_reporter_new(p, &o);
	if (flushed)
		ec_reporter_flush_to(r, collect, flushed);
	assert_int_equal(ec_reporter_header(r, mkrec_text(&x, 1,
	    "id_number,name,township,village,phone,risk_level,"
	    "days_overdue,visit_status"), &err), 0);
	for (int i = 0; i < 3000; i++) {
		snprintf(line, sizeof line, "51200219400101%03d%c,老人%d,"
		    "镇%d,村%02d,138%08d,%s,%d,overdue", i % 1000,
		    "0123456789X"[i % 11], i, i % 3, (i * 7) % 30, i,
		    i % 2 ? "high" : "low", i % 50 + 1);
		assert_int_equal(ec_reporter_record(r,
		    mkrec_text(&x, (size_t)i + 2, line), &field, &err), 0);
	}
	assert_int_equal(ec_reporter_write(r, out, &err), 0);
	ec_reporter_free(r);
}

/*
 * A long list, written out as it is made: what the flush took and what
 * is left make the same report as one written whole, in every format;
 * the people come back from the temporary file in their order.
 */
static void
test_sheets_flushed(void **state)
{
	static const enum ec_format formats[] = {
		EC_FORMAT_TEXT, EC_FORMAT_MARKDOWN, EC_FORMAT_HTML,
		EC_FORMAT_CSV,
	};
	struct ec_policy *p = policy(ec_policy_default_len);

	for (size_t f = 0; f < 4; f++) {
		struct ec_buf whole = EC_BUF_INIT, part = EC_BUF_INIT,
		    flushed = EC_BUF_INIT;
		long_list(p, formats[f], &whole, NULL);
		long_list(p, formats[f], &part, &flushed);
		assert_true(flushed.len > 0);
		assert_true(part.len < 64 * 1024 + whole.len / 30);
		ec_buf_add(&flushed, part.p, part.len);
		assert_int_equal(flushed.len, whole.len);
		assert_memory_equal(flushed.p, whole.p, whole.len);
		if (formats[f] == EC_FORMAT_CSV) {
			/* village 村07 holds people 1, 31, 61 ... in order */
			const char *a = strstr(whole.p, ",老人1,");
			const char *b = strstr(whole.p, ",老人31,");
			const char *c = strstr(whole.p, ",老人61,");
			assert_non_null(a);
			assert_true(a < b && b < c);
			assert_non_null(strstr(whole.p,
			    "\n,镇1,村07,1,老人1,"));
			assert_non_null(strstr(whole.p,
			    "\n,镇1,村07,2,老人31,"));
		}
		ec_buf_release(&whole);
		ec_buf_release(&part);
		ec_buf_release(&flushed);
	}
	ec_policy_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mask_id),
		cmocka_unit_test(test_mask_phone),
		cmocka_unit_test(test_rates),
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_bad_count),
		cmocka_unit_test(test_summary_csv),
		cmocka_unit_test(test_summary_missing_metrics),
		cmocka_unit_test(test_summary_text_aligned),
		cmocka_unit_test(test_default_labels),
		cmocka_unit_test(test_default_labels_same),
		cmocka_unit_test(test_sheet_masks),
		cmocka_unit_test(test_sheets_flushed),
		cmocka_unit_test(test_html_escapes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
