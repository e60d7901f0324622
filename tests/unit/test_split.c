/*
 * The module itself, not its archive member: the file name rule is
 * tested on its own, as the static safe_name.
 */
#include "../../lib/split.c"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "fixture.h"

/* Safe file names */

static const char *
safe(const char *s)
{
	static char out[SAFE_NAME_MAX + 1];
	size_t n = safe_name(s, strlen(s), out);

	assert_int_equal(n, strlen(out));
	assert_true(n > 0 && n <= SAFE_NAME_MAX);
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
	char out[SAFE_NAME_MAX + 1];

	assert_int_equal(safe_name("", 0, out), 6);
	assert_string_equal(out, "_blank");
	/* A NUL inside a value is a control character like any other. */
	assert_int_equal(safe_name("a\0b", 3, out), 3);
	assert_string_equal(out, "a_b");
}

static void
test_safe_name_long(void **state)
{
	char s[400], out[SAFE_NAME_MAX + 1];
	size_t n;

	/* 40 CJK characters are 120 bytes: 33 of them (99 bytes) fit. */
	s[0] = '\0';
	for (int i = 0; i < 40; i++)
		strcat(s, "长");
	n = safe_name(s, strlen(s), out);
	assert_int_equal(n, 99);
	assert_int_equal(ec_utf8_check(out, n), n);
	assert_memory_equal(out, s, 99);
	/* ASCII is cut at exactly 100. */
	memset(s, 'x', 150);
	assert_int_equal(safe_name(s, 150, out), 100);
	/* One byte, then CJK: 1 + 33 * 3 = 100. */
	s[0] = 'a';
	s[1] = '\0';
	for (int i = 0; i < 40; i++)
		strcat(s, "村");
	assert_int_equal(safe_name(s, strlen(s), out), 100);
	/* A long device-named value: the '_' costs the last character. */
	memcpy(s, "CON.", 4);
	memset(s + 4, 'y', 96);
	n = safe_name(s, 100, out);
	assert_int_equal(n, 100);
	assert_memory_equal(out, "_CON.yyy", 8);
	assert_int_equal(out[99], 'y');
}

/*
 * Bytes that are not UTF-8 are '_' each: overlong forms, surrogates,
 * code points past U+10FFFF, cut sequences, stray continuation bytes.
 */
static void
test_safe_name_invalid_utf8(void **state)
{
	assert_string_equal(safe("a\xc0\x80z"), "a__z");
	assert_string_equal(safe("\xed\xa0\x80"), "___");
	assert_string_equal(safe("\xf4\x90\x80\x80"), "____");
	assert_string_equal(safe("\xf8\x88\x80\x80\x80"), "_____");
	assert_string_equal(safe("a\xe7\x8e"), "a__");
	assert_string_equal(safe("\x80x"), "_x");
	assert_string_equal(safe("\xe7\x8e\x8b\x8b"), "\xe7\x8e\x8b_");
	/* No-break space (U+00A0) is no C1 control; U+0085 is. */
	assert_string_equal(safe("a\xc2\xa0" "b"), "a\xc2\xa0" "b");
	assert_string_equal(safe("\xc2\x9f"), "_");
	/* A dot after a replaced byte no longer leads. */
	assert_string_equal(safe("\x01.x"), "_.x");
	assert_string_equal(safe("..\x01"), "___");
}

/* Four-byte characters are cut whole too. */
static void
test_safe_name_long_4byte(void **state)
{
	char s[200], out[SAFE_NAME_MAX + 1];

	s[0] = '\0';
	for (int i = 0; i < 26; i++)
		strcat(s, "\xf0\x9f\x98\x80");
	assert_int_equal(safe_name(s, strlen(s), out), 100);
	/* Its last three bytes left: three '_' and 24 whole, 99 bytes. */
	assert_int_equal(safe_name(s + 1, strlen(s + 1), out), 99);
	assert_memory_equal(out, "___\xf0", 4);
	/* 'a' and 24 of them: 97 bytes; the 25th would be 101. */
	s[0] = 'a';
	s[1] = '\0';
	for (int i = 0; i < 26; i++)
		strcat(s, "\xf0\x9f\x98\x80");
	assert_int_equal(safe_name(s, strlen(s), out), 97);
	assert_int_equal(ec_utf8_check(out, 97), 97);
}

/* The split writer, each test in a fresh directory (fixture.h). */

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

/*
 * The files the values get: each group is written its value, and the
 * commit makes every group's file.
 */
static void
test_split_names(void **state)
{
	static const char *const named[][2] = {
		{ "../x", "___x.csv" },
		{ "a/b", "a_b.csv" },
		{ "CON", "_CON.csv" },
		{ "con.txt", "_con.txt.csv" },
		{ "", "_blank.csv" },
		/* Two values, one name: the second gets -2, the third -3. */
		{ "a:b", "a_b-2.csv" },
		{ "a_b", "a_b-3.csv" },
		/* Names differing in letter case only are one on Windows. */
		{ "Con", "_Con-2.csv" },
		{ "x", "x.csv" },
		{ "X", "X-2.csv" },
		/* A value named like a suffixed one does not take its name. */
		{ "x-2", "x-2-2.csv" },
		{ "_blank", "_blank-2.csv" },
	};
	const size_t nnamed = sizeof named / sizeof named[0];
	const char *dir = *state;
	struct ec_split *sp = ec_split_new(dir, "h\n", 2, 8);
	char long_a[200], long_b[200], name_a[200], name_b[200], want[300];
	struct ec_error err;
	size_t nfiles = 0;

	for (size_t i = 0; i < nnamed; i++)
		assert_int_equal(group(sp, named[i][0]), i);
	/* Long names equal in their first 100 bytes. */
	memset(long_a, 'v', 150);
	long_a[150] = '\0';
	memcpy(long_b, long_a, 151);
	long_b[149] = 'w';
	size_t ga = group(sp, long_a), gb = group(sp, long_b);
	/* The same value is the same group. */
	assert_int_equal(group(sp, "a/b"), 1);
	assert_int_equal(group(sp, "../x"), 0);
	/* Nothing written: no file made. */
	assert_string_equal(listing(dir), "");

	for (size_t i = 0; i < nnamed; i++) {
		const char *v = named[i][0];
		assert_int_equal(ec_split_write(sp, i, v, strlen(v), &err), 0);
	}
	assert_int_equal(ec_split_write(sp, ga, long_a, 150, &err), 0);
	assert_int_equal(ec_split_write(sp, gb, long_b, 150, &err), 0);
	assert_int_equal(ec_split_commit(sp, &err), 0);
	ec_split_free(sp);
	for (size_t i = 0; i < nnamed; i++) {
		snprintf(want, sizeof want, "h\n%s", named[i][0]);
		assert_string_equal(slurp(dir, named[i][1]), want);
	}
	snprintf(name_a, sizeof name_a, "%.100s.csv", long_a);
	snprintf(name_b, sizeof name_b, "%.100s-2.csv", long_b);
	assert_int_equal(strlen(name_a), 104);
	assert_int_equal(strlen(name_b), 106);
	snprintf(want, sizeof want, "h\n%s", long_a);
	assert_string_equal(slurp(dir, name_a), want);
	snprintf(want, sizeof want, "h\n%s", long_b);
	assert_string_equal(slurp(dir, name_b), want);
	/* One file a group, and nothing else. */
	for (const char *l = listing(dir); *l; l++)
		nfiles += *l == '\n';
	assert_int_equal(nfiles, 14);
}

static void
test_split_write_commit(void **state)
{
	const char *dir = *state;
	struct ec_error err;
	struct ec_split *sp = ec_split_new(dir, "id,village\n", 11, 4);
	size_t g1 = group(sp, "白塔村"), g2 = group(sp, "../x");

	/* A value with nothing written still gets its file: the header. */
	group(sp, "空村");

	assert_int_equal(ec_split_write(sp, g1, "1,白塔村\n", 12, &err), 0);
	assert_int_equal(ec_split_write(sp, g2, "2,../x\n", 7, &err), 0);
	assert_int_equal(ec_split_write(sp, g1, "3,白塔村\n", 12, &err), 0);
	/* Before the commit: only hidden temporary files. */
	char *l = listing(dir);
	assert_int_equal(l[0], '.');
	assert_non_null(strstr(l, "\n."));
	assert_int_equal(ec_split_commit(sp, &err), 0);
	assert_string_equal(listing(dir), "___x.csv\n白塔村.csv\n空村.csv\n");
	assert_string_equal(slurp(dir, "白塔村.csv"),
	    "id,village\n1,白塔村\n3,白塔村\n");
	assert_string_equal(slurp(dir, "___x.csv"), "id,village\n2,../x\n");
	assert_string_equal(slurp(dir, "空村.csv"), "id,village\n");
	ec_split_free(sp);
	assert_string_equal(listing(dir), "___x.csv\n白塔村.csv\n空村.csv\n");
}

/* The file descriptors this process has open. */
static int
open_fds(void)
{
	int n = 0;

	for (int fd = 0; fd < 1024; fd++)
		n += fcntl(fd, F_GETFD) != -1;
	return n;
}

/* 20 groups written in turn through 3 open files at most. */
static void
test_split_bounded_open(void **state)
{
	const char *dir = *state;
	struct ec_error err;
	char value[16], line[32], want[512];
	int before = open_fds();
	struct ec_split *sp = ec_split_new(dir, "h\n", 2, 3);

	for (int round = 0; round < 5; round++) {
		for (int g = 0; g < 20; g++) {
			snprintf(value, sizeof value, "v%02d", g);
			snprintf(line, sizeof line, "%d,%d\n", g, round);
			assert_int_equal(ec_split_write(sp, group(sp, value),
			    line, strlen(line), &err), 0);
			assert_true(open_fds() - before <= 3);
		}
	}
	assert_int_equal(ec_split_commit(sp, &err), 0);
	assert_int_equal(open_fds() - before, 0);
	snprintf(want, sizeof want, "h\n7,0\n7,1\n7,2\n7,3\n7,4\n");
	assert_string_equal(slurp(dir, "v07.csv"), want);
	ec_split_free(sp);
}

static void
test_split_abort(void **state)
{
	const char *dir = *state;
	struct ec_error err;
	struct ec_split *sp = ec_split_new(dir, "h\n", 2, 1);

	assert_int_equal(ec_split_write(sp, group(sp, "a"), "1\n", 2, &err), 0);
	assert_int_equal(ec_split_write(sp, group(sp, "b"), "2\n", 2, &err), 0);
	assert_int_not_equal(listing(dir)[0], '\0');
	/* Freed before the commit: no file, no temporary file. */
	ec_split_free(sp);
	assert_string_equal(listing(dir), "");
}

static void
test_split_cleanup(void **state)
{
	const char *dir = *state;
	struct ec_error err;
	struct ec_split *sp = ec_split_new(dir, "h\n", 2, 2);

	for (int g = 0; g < 5; g++) {
		char v[4] = { 'g', (char)('0' + g), '\0', '\0' };
		assert_int_equal(ec_split_write(sp, group(sp, v), "x\n", 2,
		    &err), 0);
	}
	/* What a signal handler does: every temporary file goes. */
	ec_outfile_cleanup();
	assert_string_equal(listing(dir), "");
	/* The commit then finds its files gone, and says so. */
	assert_int_equal(ec_split_commit(sp, &err), -1);
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
	struct ec_error err;
	char v[4] = "g0";
	struct ec_split *sp = ec_split_new(dir, "h\n", 2, 2);

	for (int g = 0; g < 5; g++) {
		char name[24];
		snprintf(name, sizeof name, "g%d.csv", g);
		put_file(dir, name, "old\n");
	}
	for (int g = 0; g < 5; g++) {
		v[1] = (char)('0' + g);
		assert_int_equal(ec_split_write(sp, group(sp, v), "new\n", 4,
		    &err), 0);
	}
	/* g3 was closed to keep two open; the commit must open it again. */
	remove_temp_of(dir, "g3.csv");
	assert_int_equal(ec_split_commit(sp, &err), -1);
	assert_non_null(strstr(err.msg, "g3.csv"));
	ec_split_free(sp);
	assert_string_equal(listing(dir),
	    "g0.csv\ng1.csv\ng2.csv\ng3.csv\ng4.csv\n");
	for (int g = 0; g < 5; g++) {
		char name[24];
		snprintf(name, sizeof name, "g%d.csv", g);
		assert_string_equal(slurp(dir, name), "old\n");
	}
}

/*
 * What stands under a name is replaced at the commit, never written
 * through: a symbolic link to a file outside is itself replaced, and
 * the file it pointed to keeps what it had.
 */
static void
test_split_replaces_link(void **state)
{
	const char *dir = *state;
	struct ec_error err;
	char target[600], link[600];
	struct ec_split *sp = ec_split_new(dir, "h\n", 2, 2);
	struct stat st;

	put_file(dir, "outside", "keep\n");
	snprintf(target, sizeof target, "%s/outside", dir);
	snprintf(link, sizeof link, "%s/a.csv", dir);
	assert_int_equal(symlink(target, link), 0);
	assert_int_equal(ec_split_write(sp, group(sp, "a"), "1\n", 2, &err), 0);
	assert_int_equal(ec_split_commit(sp, &err), 0);
	ec_split_free(sp);
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_string_equal(slurp(dir, "a.csv"), "h\n1\n");
	assert_string_equal(slurp(dir, "outside"), "keep\n");
	assert_string_equal(listing(dir), "a.csv\noutside\n");
}

static void
test_split_missing_dir(void **state)
{
	struct ec_error err;
	char dir[600];
	struct ec_split *sp;

	snprintf(dir, sizeof dir, "%s/none", (char *)*state);
	sp = ec_split_new(dir, "h\n", 2, 2);
	assert_int_equal(ec_split_write(sp, group(sp, "a"), "1\n", 2, &err),
	    -1);
	assert_non_null(strstr(err.msg,
	    "/none/a.csv: No such file or directory"));
	ec_split_free(sp);
}

/* The --out-dir: made when missing, kept when there, refused if a file. */
static void
test_split_make_dir(void **state)
{
	const char *dir = *state;
	char sub[512], file[512];
	size_t swept = 7;
	FILE *f;

	assert_int_equal(ec_split_make_dir(dir, 3600, &swept), 0);
	assert_int_equal(swept, 0);
	snprintf(sub, sizeof sub, "%s/sub", dir);
	assert_int_equal(ec_split_make_dir(sub, 3600, &swept), 0);
	assert_int_equal(ec_split_make_dir(sub, 3600, &swept), 0);
	assert_int_equal(rmdir(sub), 0);
	snprintf(file, sizeof file, "%s/file", dir);
	assert_non_null(f = fopen(file, "w"));
	fclose(f);
	assert_int_equal(ec_split_make_dir(file, 3600, &swept), ENOTDIR);
	snprintf(sub, sizeof sub, "%s/none/sub", dir);
	assert_int_equal(ec_split_make_dir(sub, 3600, &swept), ENOENT);
}

#define D(f)	cmocka_unit_test_setup_teardown(f, fresh_dir_setup, fresh_dir_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_safe_name_separators),
		cmocka_unit_test(test_safe_name_devices),
		cmocka_unit_test(test_safe_name_blank),
		cmocka_unit_test(test_safe_name_long),
		cmocka_unit_test(test_safe_name_invalid_utf8),
		cmocka_unit_test(test_safe_name_long_4byte),
		D(test_split_names),
		D(test_split_write_commit),
		D(test_split_bounded_open),
		D(test_split_abort),
		D(test_split_cleanup),
		D(test_split_commit_all_or_nothing),
		D(test_split_replaces_link),
		D(test_split_missing_dir),
		D(test_split_make_dir),
	};

	return cmocka_run_group_tests_name("split", tests, NULL, NULL);
}
