#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "date.h"
#include "idnum.h"
#include "idset.h"
#include "outfile.h"
#include "split.h"
#include "text.h"
#include "visits.h"

/* The as-of date of these tests, and the default policy's numbers. */
static ec_date asof;

static ec_date
day(const char *s)
{
	ec_date d;

	assert_int_equal(ec_date_parse(s, strlen(s), &d), EC_DATE_OK);
	return d;
}

static int
setup_asof(void **state)
{
	asof = day("2026-11-30");
	return 0;
}

/* The key of an ID number as visit-due makes it: parsed, normalised. */
static uint64_t
key(const char *idnum)
{
	struct ec_id id;

	assert_int_equal(ec_id_parse(idnum, strlen(idnum), &id, NULL),
	    EC_ID_OK);
	return ec_idset_key(id.number);
}

static struct ec_visits *
index_new(void)
{
	return ec_visits_new(asof, 30, 1);
}

static void
add(struct ec_visits *v, uint64_t k, const char *date, int home, int sit,
    const char *reported)
{
	struct ec_visit x;

	x.key = k;
	x.date = day(date);
	x.home = home;
	x.situation = sit;
	x.reported = reported != NULL;
	x.reported_date = reported ? day(reported) : 0;
	assert_int_equal(ec_visits_add(v, &x), 1);
}

static void
test_15_and_18_digits(void **state)
{
	struct ec_visits *v = index_new();
	struct ec_visit_entry *e;

	/* A 15-digit census number is its upgraded 18-character form. */
	assert_true(key("512002481212013") == key("512002194812120132"));
	add(v, key("512002194812120132"), "2026-11-01", 1, -1, NULL);
	e = ec_visits_find(v, key("512002481212013"));
	assert_non_null(e);
	assert_int_equal(e->last, day("2026-11-01"));
	/* A lowercase x is the same person too. */
	add(v, key("11010519491231002x"), "2026-11-02", 0, -1, NULL);
	assert_non_null(ec_visits_find(v, key("11010519491231002X")));
	assert_null(ec_visits_find(v, key("512002194802020031")));
	assert_null(ec_visits_find(v, 0));
	assert_int_equal(ec_visits_count(v), 2);
	ec_visits_free(v);
}

static void
test_latest_wins(void **state)
{
	struct ec_visits *v = index_new();
	uint64_t k = key("512002195003010026");
	struct ec_visit_entry *e;

	/* Logs are not in date order: the latest date wins, not the row. */
	add(v, k, "2026-11-10", 1, -1, NULL);
	add(v, k, "2026-11-20", 0, -1, NULL);
	add(v, k, "2026-11-05", 1, -1, NULL);
	add(v, k, "2026-11-15", 0, -1, NULL);
	e = ec_visits_find(v, k);
	assert_int_equal(e->last, day("2026-11-20"));
	assert_int_equal(e->last_home, day("2026-11-10"));
	assert_int_equal(e->alert, 0);
	assert_int_equal(e->report, EC_REPORT_NONE);
	assert_int_equal(e->matched, 0);
	assert_int_equal(ec_visits_count(v), 1);
	ec_visits_free(v);
}

static void
test_never_at_home(void **state)
{
	struct ec_visits *v = index_new();
	uint64_t k = key("512002195205050018");

	add(v, k, "2026-11-03", 0, -1, NULL);
	assert_int_equal(ec_visits_find(v, k)->last, day("2026-11-03"));
	assert_int_equal(ec_visits_find(v, k)->last_home, EC_VISITS_NEVER);
	ec_visits_free(v);
}

static void
test_after_asof_ignored(void **state)
{
	struct ec_visits *v = index_new();
	struct ec_visit x = { key("512002195003010026"), 0, 1, 2, 0, 0 };

	x.date = day("2026-12-01");
	assert_int_equal(ec_visits_add(v, &x), 0);
	assert_null(ec_visits_find(v, x.key));
	/* On the as-of date itself: counted. */
	x.date = asof;
	assert_int_equal(ec_visits_add(v, &x), 1);
	assert_int_equal(ec_visits_find(v, x.key)->last, asof);
	ec_visits_free(v);
}

static void
test_alert_window(void **state)
{
	struct ec_visits *v = index_new();
	uint64_t today = key("512021194506060011");
	uint64_t edge = key("512002194703030058");
	uint64_t out = key("512002195306060071");

	/* 0 days before the as-of date: in the window. */
	add(v, today, "2026-11-30", 0, 6, "2026-11-30");
	assert_int_equal(ec_visits_find(v, today)->alert, 7);
	assert_int_equal(ec_visits_find(v, today)->alert_date, asof);
	/* 30 days before: still in it. */
	add(v, edge, "2026-10-31", 0, 1, NULL);
	assert_int_equal(ec_visits_find(v, edge)->alert, 2);
	assert_int_equal(ec_visits_find(v, edge)->report, EC_REPORT_MISSING);
	/* 31 days before: out, though the visit counts as a visit. */
	add(v, out, "2026-10-30", 0, 5, "2026-10-30");
	assert_int_equal(ec_visits_find(v, out)->alert, 0);
	assert_int_equal(ec_visits_find(v, out)->report, EC_REPORT_NONE);
	assert_int_equal(ec_visits_find(v, out)->last, day("2026-10-30"));
	ec_visits_free(v);
}

static void
test_report(void **state)
{
	struct ec_visits *v = index_new();
	uint64_t same = key("512021195009090038");
	uint64_t next = key("512002194812120132");
	uint64_t late = key("512002194910100047");
	uint64_t missing = key("512002194703030058");

	add(v, same, "2026-11-10", 0, 5, "2026-11-10");
	add(v, next, "2026-11-01", 1, 3, "2026-11-02");
	add(v, late, "2026-11-20", 1, 2, "2026-11-22");
	add(v, missing, "2026-11-20", 0, 1, NULL);
	assert_int_equal(ec_visits_find(v, same)->report, EC_REPORT_ON_TIME);
	assert_int_equal(ec_visits_find(v, next)->report, EC_REPORT_ON_TIME);
	assert_int_equal(ec_visits_find(v, late)->report, EC_REPORT_LATE);
	assert_int_equal(ec_visits_find(v, missing)->report,
	    EC_REPORT_MISSING);
	/* The deadline is the policy's: 0 days makes the next day late. */
	struct ec_visits *strict = ec_visits_new(asof, 30, 0);
	assert_int_equal(ec_visits_report(strict, day("2026-11-01"), 1,
	    day("2026-11-02")), EC_REPORT_LATE);
	assert_int_equal(ec_visits_report(strict, day("2026-11-01"), 1,
	    day("2026-11-01")), EC_REPORT_ON_TIME);
	/* A report dated before the visit was made at once all the same. */
	assert_int_equal(ec_visits_report(v, day("2026-11-02"), 1,
	    day("2026-11-01")), EC_REPORT_ON_TIME);
	ec_visits_free(strict);
	ec_visits_free(v);
}

static void
test_latest_alert_wins(void **state)
{
	struct ec_visits *v = index_new();
	uint64_t k = key("512002194910100047");
	uint64_t tie = key("512021194902020062");
	struct ec_visit_entry *e;

	add(v, k, "2026-11-20", 1, 2, "2026-11-22");
	add(v, k, "2026-11-10", 0, 6, "2026-11-10");	/* earlier: loses */
	add(v, k, "2026-11-25", 0, 0 - 1, NULL);	/* nothing found */
	e = ec_visits_find(v, k);
	assert_int_equal(e->alert, 3);
	assert_int_equal(e->report, EC_REPORT_LATE);
	assert_int_equal(e->last, day("2026-11-25"));
	/* The same day twice: the later row is the news. */
	add(v, tie, "2026-11-25", 0, 5, "2026-11-25");
	add(v, tie, "2026-11-25", 1, 4, NULL);
	e = ec_visits_find(v, tie);
	assert_int_equal(e->alert, 5);
	assert_int_equal(e->report, EC_REPORT_MISSING);
	ec_visits_free(v);
}

static void
test_matched(void **state)
{
	struct ec_visits *v = index_new();
	uint64_t a = key("512002195003010026"), b = key("510104194505050011");

	add(v, a, "2026-11-01", 0, -1, NULL);
	add(v, b, "2026-11-05", 1, -1, NULL);
	add(v, b, "2026-11-12", 0, 2, "2026-11-12");
	assert_int_equal(ec_visits_unmatched(v), 2);
	ec_visits_find(v, a)->matched = 1;
	assert_int_equal(ec_visits_unmatched(v), 1);
	/* A later visit keeps the flag (the census comes after anyway). */
	add(v, a, "2026-11-02", 0, -1, NULL);
	assert_int_equal(ec_visits_find(v, a)->matched, 1);
	ec_visits_free(v);
}

static void
test_many_people(void **state)
{
	struct ec_visits *v = index_new();
	const uint64_t n = 300000;

	assert_int_equal(sizeof(struct ec_visit_entry), 24);
	for (uint64_t i = 0; i < n; i++) {
		struct ec_visit x = { i * 7919 + 1, asof - (ec_date)(i % 90),
		    (int)(i & 1), (int)(i % 3) - 1, (int)(i & 2), asof };
		ec_visits_add(v, &x);
		x.date = asof - 100;
		ec_visits_add(v, &x);
	}
	assert_int_equal(ec_visits_count(v), n);
	for (uint64_t i = 0; i < n; i++) {
		struct ec_visit_entry *e = ec_visits_find(v, i * 7919 + 1);
		if (!e || e->last != asof - (ec_date)(i % 90))
			fail_msg("person %llu lost", (unsigned long long)i);
	}
	assert_null(ec_visits_find(v, n * 7919 + 1));
	/* The promise of visits.h: under 64 bytes a person. */
	assert_true(ec_visits_bytes(v) < 64 * n);
	ec_visits_free(v);
}

/* Safe file names */

static const char *
safe(const char *s)
{
	static char out[EC_SAFE_NAME_MAX + 1];
	size_t n = ec_safe_name(s, strlen(s), out);

	assert_int_equal(n, strlen(out));
	assert_true(n > 0 && n <= EC_SAFE_NAME_MAX);
	assert_null(strchr(out, '/'));
	assert_null(strchr(out, '\\'));
	assert_true(out[0] != '.');
	assert_int_equal(ec_utf8_check(out, n), n);
	return out;
}

static void
test_safe_name_separators(void **state)
{
	assert_string_equal(safe("../x"), "___x");
	assert_string_equal(safe("a/b"), "a_b");
	assert_string_equal(safe("a\\b"), "a_b");
	assert_string_equal(safe("/etc/passwd"), "_etc_passwd");
	assert_string_equal(safe(".."), "__");
	assert_string_equal(safe("."), "_");
	assert_string_equal(safe(".hidden"), "_hidden");
	assert_string_equal(safe("a.b"), "a.b");
	assert_string_equal(safe("a:b*c?d\"e<f>g|h"), "a_b_c_d_e_f_g_h");
	assert_string_equal(safe("tab\there"), "tab_here");
	assert_string_equal(safe("nl\nx\x7f"), "nl_x_");
	/* C1 controls (U+0080-U+009F), and bytes that are not UTF-8. */
	assert_string_equal(safe("a\xc2\x85z"), "a_z");
	assert_string_equal(safe("a\xff\xfez"), "a__z");
	assert_string_equal(safe("\xe7\x99\xbd"), "\xe7\x99\xbd");
	assert_string_equal(safe("白塔村"), "白塔村");
	assert_string_equal(safe("a b"), "a b");
}

static void
test_safe_name_devices(void **state)
{
	assert_string_equal(safe("CON"), "_CON");
	assert_string_equal(safe("con"), "_con");
	assert_string_equal(safe("Con.txt"), "_Con.txt");
	assert_string_equal(safe("con.txt"), "_con.txt");
	assert_string_equal(safe("CON .txt"), "_CON .txt");
	assert_string_equal(safe("nul.tar.gz"), "_nul.tar.gz");
	assert_string_equal(safe("PRN"), "_PRN");
	assert_string_equal(safe("aux"), "_aux");
	assert_string_equal(safe("COM1"), "_COM1");
	assert_string_equal(safe("com9.csv"), "_com9.csv");
	assert_string_equal(safe("LPT1"), "_LPT1");
	assert_string_equal(safe("lpt9"), "_lpt9");
	/* Not devices. */
	assert_string_equal(safe("COM10"), "COM10");
	assert_string_equal(safe("COM0"), "COM0");
	assert_string_equal(safe("CONSOLE"), "CONSOLE");
	assert_string_equal(safe("ACON"), "ACON");
	assert_string_equal(safe("_CON"), "_CON");
}

static void
test_safe_name_blank(void **state)
{
	char out[EC_SAFE_NAME_MAX + 1];

	assert_int_equal(ec_safe_name("", 0, out), 6);
	assert_string_equal(out, "_blank");
	/* A NUL inside a value is a control character like any other. */
	assert_int_equal(ec_safe_name("a\0b", 3, out), 3);
	assert_string_equal(out, "a_b");
}

static void
test_safe_name_long(void **state)
{
	char s[400], out[EC_SAFE_NAME_MAX + 1];
	size_t n;

	/* 40 CJK characters are 120 bytes: 33 of them (99 bytes) fit. */
	s[0] = '\0';
	for (int i = 0; i < 40; i++)
		strcat(s, "长");
	n = ec_safe_name(s, strlen(s), out);
	assert_int_equal(n, 99);
	assert_int_equal(ec_utf8_check(out, n), n);
	assert_memory_equal(out, s, 99);
	/* ASCII is cut at exactly 100. */
	memset(s, 'x', 150);
	assert_int_equal(ec_safe_name(s, 150, out), 100);
	/* One byte, then CJK: 1 + 33 * 3 = 100. */
	s[0] = 'a';
	s[1] = '\0';
	for (int i = 0; i < 40; i++)
		strcat(s, "村");
	assert_int_equal(ec_safe_name(s, strlen(s), out), 100);
	/* A long device-named value: the '_' costs the last character. */
	memcpy(s, "CON.", 4);
	memset(s + 4, 'y', 96);
	n = ec_safe_name(s, 100, out);
	assert_int_equal(n, 100);
	assert_memory_equal(out, "_CON.yyy", 8);
	assert_int_equal(out[99], 'y');
}

/* The split writer, in a fresh directory. */

static int
dir_setup(void **state)
{
	char *dir = strdup("/tmp/ec-test-visits.XXXXXX");

	if (!dir || !mkdtemp(dir)) {
		free(dir);
		return -1;
	}
	*state = dir;
	asof = day("2026-11-30");
	return 0;
}

static int
dir_teardown(void **state)
{
	char *dir = *state, path[512];
	DIR *d = opendir(dir);
	struct dirent *e;

	if (d) {
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 ||
			    strcmp(e->d_name, "..") == 0)
				continue;
			snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
			unlink(path);
		}
		closedir(d);
	}
	rmdir(dir);
	free(dir);
	return 0;
}

/* The names in dir, sorted, one per line ("" when none). */
static char *
listing(const char *dir)
{
	static char out[8192];
	char *names[256];
	size_t n = 0;
	DIR *d = opendir(dir);
	struct dirent *e;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL && n < 256)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			names[n++] = strdup(e->d_name);
	closedir(d);
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0;
		    j--) {
			char *t = names[j];
			names[j] = names[j - 1];
			names[j - 1] = t;
		}
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		strcat(out, names[i]);
		strcat(out, "\n");
		free(names[i]);
	}
	return out;
}

static char *
slurp(const char *dir, const char *name)
{
	static char buf[65536];
	char path[512];
	FILE *f;
	size_t n;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static size_t
group(struct ec_split *sp, const char *value)
{
	return ec_split_group(sp, value, strlen(value));
}

static void
test_split_names(void **state)
{
	struct ec_split *sp = ec_split_new(*state, "h\n", 2, 8);
	char long_a[200], long_b[200];

	assert_string_equal(ec_split_name(sp, group(sp, "../x")), "___x.csv");
	assert_string_equal(ec_split_name(sp, group(sp, "a/b")), "a_b.csv");
	assert_string_equal(ec_split_name(sp, group(sp, "CON")), "_CON.csv");
	assert_string_equal(ec_split_name(sp, group(sp, "con.txt")),
	    "_con.txt.csv");
	assert_string_equal(ec_split_name(sp, group(sp, "")), "_blank.csv");
	/* Two values, one name: the second gets -2, the third -3. */
	assert_string_equal(ec_split_name(sp, group(sp, "a:b")),
	    "a_b-2.csv");
	assert_string_equal(ec_split_name(sp, group(sp, "a_b")),
	    "a_b-3.csv");
	/* Names differing in letter case only are one on Windows. */
	assert_string_equal(ec_split_name(sp, group(sp, "Con")),
	    "_Con-2.csv");
	assert_string_equal(ec_split_name(sp, group(sp, "x")), "x.csv");
	assert_string_equal(ec_split_name(sp, group(sp, "X")), "X-2.csv");
	/* A value named like a suffixed one does not take its name. */
	assert_string_equal(ec_split_name(sp, group(sp, "x-2")),
	    "x-2-2.csv");
	assert_string_equal(ec_split_name(sp, group(sp, "_blank")),
	    "_blank-2.csv");
	/* Long names equal in their first 100 bytes. */
	memset(long_a, 'v', 150);
	long_a[150] = '\0';
	memcpy(long_b, long_a, 151);
	long_b[149] = 'w';
	size_t ga = group(sp, long_a), gb = group(sp, long_b);
	assert_int_equal(strlen(ec_split_name(sp, ga)), 104);
	assert_int_equal(strlen(ec_split_name(sp, gb)), 106);
	assert_memory_equal(ec_split_name(sp, gb) + 100, "-2.csv", 6);
	/* The same value is the same group. */
	assert_int_equal(group(sp, "a/b"), 1);
	assert_int_equal(group(sp, "../x"), 0);
	assert_int_equal(ec_split_ngroups(sp), 14);
	/* Nothing written: no file made. */
	assert_string_equal(listing(*state), "");
	ec_split_free(sp);
}

static void
test_split_write_commit(void **state)
{
	const char *dir = *state;
	char err[256];
	struct ec_split *sp = ec_split_new(dir, "id,village\n", 11, 4);
	size_t g1 = group(sp, "白塔村"), g2 = group(sp, "../x");

	/* A value with nothing written still gets its file: the header. */
	group(sp, "空村");

	assert_int_equal(ec_split_write(sp, g1, "1,白塔村\n", 12, err,
	    sizeof err), 0);
	assert_int_equal(ec_split_write(sp, g2, "2,../x\n", 7, err,
	    sizeof err), 0);
	assert_int_equal(ec_split_write(sp, g1, "3,白塔村\n", 12, err,
	    sizeof err), 0);
	/* Before the commit: only hidden temporary files. */
	char *l = listing(dir);
	assert_int_equal(l[0], '.');
	assert_non_null(strstr(l, "\n."));
	assert_int_equal(ec_split_commit(sp, err, sizeof err), 0);
	assert_string_equal(listing(dir), "___x.csv\n白塔村.csv\n空村.csv\n");
	assert_string_equal(slurp(dir, "白塔村.csv"),
	    "id,village\n1,白塔村\n3,白塔村\n");
	assert_string_equal(slurp(dir, "___x.csv"), "id,village\n2,../x\n");
	assert_string_equal(slurp(dir, "空村.csv"), "id,village\n");
	ec_split_free(sp);
	assert_string_equal(listing(dir), "___x.csv\n白塔村.csv\n空村.csv\n");
}

/* 20 groups written in turn through 3 open files at most. */
static void
test_split_bounded_open(void **state)
{
	const char *dir = *state;
	char err[256], value[16], line[32], want[512];
	struct ec_split *sp = ec_split_new(dir, "h\n", 2, 3);

	for (int round = 0; round < 5; round++) {
		for (int g = 0; g < 20; g++) {
			snprintf(value, sizeof value, "v%02d", g);
			snprintf(line, sizeof line, "%d,%d\n", g, round);
			assert_int_equal(ec_split_write(sp, group(sp, value),
			    line, strlen(line), err, sizeof err), 0);
			assert_true(ec_split_nopen(sp) <= 3);
		}
	}
	assert_int_equal(ec_split_commit(sp, err, sizeof err), 0);
	assert_int_equal(ec_split_nopen(sp), 0);
	snprintf(want, sizeof want, "h\n7,0\n7,1\n7,2\n7,3\n7,4\n");
	assert_string_equal(slurp(dir, "v07.csv"), want);
	ec_split_free(sp);
}

static void
test_split_abort(void **state)
{
	const char *dir = *state;
	char err[256];
	struct ec_split *sp = ec_split_new(dir, "h\n", 2, 1);

	assert_int_equal(ec_split_write(sp, group(sp, "a"), "1\n", 2, err,
	    sizeof err), 0);
	assert_int_equal(ec_split_write(sp, group(sp, "b"), "2\n", 2, err,
	    sizeof err), 0);
	assert_int_not_equal(listing(dir)[0], '\0');
	/* Freed before the commit: no file, no temporary file. */
	ec_split_free(sp);
	assert_string_equal(listing(dir), "");
}

static void
test_split_cleanup(void **state)
{
	const char *dir = *state;
	char err[256];
	struct ec_split *sp = ec_split_new(dir, "h\n", 2, 2);

	for (int g = 0; g < 5; g++) {
		char v[4] = { 'g', (char)('0' + g), '\0', '\0' };
		assert_int_equal(ec_split_write(sp, group(sp, v), "x\n", 2,
		    err, sizeof err), 0);
	}
	/* What a signal handler does: every temporary file goes. */
	ec_outfile_cleanup();
	assert_string_equal(listing(dir), "");
	/* The commit then finds its files gone, and says so. */
	assert_int_equal(ec_split_commit(sp, err, sizeof err), -1);
	ec_split_free(sp);
}

/* Writes s to dir/name. */
static void
put_file(const char *dir, const char *name, const char *s)
{
	char path[600];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(s, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* Removes the hidden temporary file of target name in dir. */
static void
remove_temp_of(const char *dir, const char *name)
{
	char prefix[128], path[600];
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	snprintf(prefix, sizeof prefix, ".%s.", name);
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, prefix, strlen(prefix)) != 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		assert_int_equal(unlink(path), 0);
		n++;
	}
	closedir(d);
	assert_int_equal(n, 1);
}

/*
 * A file that cannot be written out at the commit (its temporary file
 * gone, as a full disk would fail it) changes no file: every file is
 * written out before any is renamed, the groups closed to keep under
 * max_open too.
 */
static void
test_split_commit_all_or_nothing(void **state)
{
	const char *dir = *state;
	char err[256], v[4] = "g0";
	struct ec_split *sp = ec_split_new(dir, "h\n", 2, 2);

	for (int g = 0; g < 5; g++) {
		char name[24];
		snprintf(name, sizeof name, "g%d.csv", g);
		put_file(dir, name, "old\n");
	}
	for (int g = 0; g < 5; g++) {
		v[1] = (char)('0' + g);
		assert_int_equal(ec_split_write(sp, group(sp, v), "new\n", 4,
		    err, sizeof err), 0);
	}
	/* g3 was closed to keep two open; the commit must open it again. */
	remove_temp_of(dir, "g3.csv");
	assert_int_equal(ec_split_commit(sp, err, sizeof err), -1);
	assert_non_null(strstr(err, "g3.csv"));
	ec_split_free(sp);
	assert_string_equal(listing(dir),
	    "g0.csv\ng1.csv\ng2.csv\ng3.csv\ng4.csv\n");
	for (int g = 0; g < 5; g++) {
		char name[24];
		snprintf(name, sizeof name, "g%d.csv", g);
		assert_string_equal(slurp(dir, name), "old\n");
	}
}

static void
test_split_missing_dir(void **state)
{
	char err[256], dir[600];
	struct ec_split *sp;

	snprintf(dir, sizeof dir, "%s/none", (char *)*state);
	sp = ec_split_new(dir, "h\n", 2, 2);
	assert_int_equal(ec_split_write(sp, group(sp, "a"), "1\n", 2, err,
	    sizeof err), -1);
	assert_non_null(strstr(err, "/none/a.csv: No such file or directory"));
	ec_split_free(sp);
}

#define D(f)	cmocka_unit_test_setup_teardown(f, dir_setup, dir_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_15_and_18_digits),
		cmocka_unit_test(test_latest_wins),
		cmocka_unit_test(test_never_at_home),
		cmocka_unit_test(test_after_asof_ignored),
		cmocka_unit_test(test_alert_window),
		cmocka_unit_test(test_report),
		cmocka_unit_test(test_latest_alert_wins),
		cmocka_unit_test(test_matched),
		cmocka_unit_test(test_many_people),
		cmocka_unit_test(test_safe_name_separators),
		cmocka_unit_test(test_safe_name_devices),
		cmocka_unit_test(test_safe_name_blank),
		cmocka_unit_test(test_safe_name_long),
		D(test_split_names),
		D(test_split_write_commit),
		D(test_split_bounded_open),
		D(test_split_abort),
		D(test_split_cleanup),
		D(test_split_commit_all_or_nothing),
		D(test_split_missing_dir),
	};

	return cmocka_run_group_tests_name("visits", tests, setup_asof, NULL);
}
