#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "outfile.h"

#include "fixture.h"

static const char *
in(const char *dir, const char *name)
{
	static char path[4][512];
	static int k;

	/* A few at a time may be live, so rotate. */
	k = (k + 1) % 4;
	snprintf(path[k], sizeof path[k], "%s/%s", dir, name);
	return path[k];
}

/* The names in dir, sorted, separated by '|'. */
static const char *
listing(const char *dir)
{
	static char out[1024];
	char *names[32];
	size_t n = 0, o = 0;
	DIR *d = opendir(dir);
	struct dirent *e;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		assert_true(n < 32);
		names[n++] = strdup(e->d_name);
	}
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
		o += (size_t)snprintf(out + o, sizeof out - o, "%s%s",
		    i ? "|" : "", names[i]);
		free(names[i]);
	}
	return out;
}

static const char *
contents(const char *path)
{
	static char buf[4096];
	int fd = open(path, O_RDONLY);
	ssize_t n;

	assert_true(fd >= 0);
	n = read(fd, buf, sizeof buf - 1);
	assert_true(n >= 0);
	buf[n] = '\0';
	close(fd);
	return buf;
}

static void
put(const char *path, const char *s, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, s, strlen(s)), (ssize_t)strlen(s));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static void
emit(struct ec_outfile *o, const char *s)
{
	assert_int_equal(write(o->fd, s, strlen(s)), (ssize_t)strlen(s));
}

static mode_t
mode_of(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_mode & 07777;
}

static int
exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

static void
test_open_hidden_temp(void **state)
{
	const char *dir = *state, *path = in(dir, "census.csv");
	struct ec_outfile o;
	struct ec_error err = { "" };
	char prefix[512];
	mode_t old = umask(022);

	assert_int_equal(ec_outfile_replace(&o, path, &err), 0);
	assert_string_equal(err.msg, "");
	assert_true(o.fd >= 0);
	assert_string_equal(o.path, path);
	/* Beside the target: DIR/.census.csv.PID. and six characters. */
	snprintf(prefix, sizeof prefix, "%s/.census.csv.%ld.", dir,
	    (long)getpid());
	assert_int_equal(strncmp(o.tmp, prefix, strlen(prefix)), 0);
	assert_int_equal(strlen(o.tmp), strlen(prefix) + 6);
	assert_string_not_equal(o.tmp + strlen(prefix), "XXXXXX");
	assert_string_equal(listing(dir), o.tmp + strlen(dir) + 1);
	/* The target does not exist until commit. */
	assert_false(exists(path));
	assert_int_equal(mode_of(o.tmp), 0644);
	ec_outfile_abort(&o);
	umask(old);
}

/*
 * ec_outfile_open's file has no name at all (O_TMPFILE) until commit,
 * where the file system allows it: nothing shows in the directory while
 * it is written, nothing is left when it is dropped.
 */
static void
test_open_unnamed(void **state)
{
	const char *dir = *state, *path = in(dir, "census.csv");
	struct ec_outfile o;
	struct ec_error err = { "" };
	mode_t old = umask(022);

	assert_int_equal(ec_outfile_open(&o, path, &err), 0);
	if (!o.anon) {
		ec_outfile_abort(&o);
		umask(old);
		skip();		/* no O_TMPFILE here: the named way is tested */
	}
	assert_null(o.tmp);
	emit(&o, "id\n");
	assert_string_equal(listing(dir), "");
	assert_int_equal(ec_outfile_commit(&o, &err), 0);
	assert_string_equal(err.msg, "");
	assert_string_equal(listing(dir), "census.csv");
	assert_string_equal(contents(path), "id\n");
	assert_int_equal(mode_of(path), 0644);

	/* Dropped: the old file stands, nothing else appears. */
	assert_int_equal(ec_outfile_open(&o, path, &err), 0);
	emit(&o, "half");
	ec_outfile_abort(&o);
	assert_string_equal(listing(dir), "census.csv");
	assert_string_equal(contents(path), "id\n");

	/* Two at once: the last committed wins, nothing is left over. */
	struct ec_outfile a, b;
	assert_int_equal(ec_outfile_open(&a, path, &err), 0);
	assert_int_equal(ec_outfile_open(&b, path, &err), 0);
	emit(&a, "first\n");
	emit(&b, "second\n");
	assert_int_equal(ec_outfile_commit(&a, &err), 0);
	assert_string_equal(contents(path), "first\n");
	assert_int_equal(ec_outfile_commit(&b, &err), 0);
	assert_string_equal(contents(path), "second\n");
	assert_string_equal(listing(dir), "census.csv");
	umask(old);
}

static void
test_commit(void **state)
{
	const char *dir = *state, *path = in(dir, "out.csv");
	struct ec_outfile o;
	struct ec_error err = { "" };
	mode_t old = umask(022);

	assert_int_equal(ec_outfile_open(&o, path, &err), 0);
	emit(&o, "身份证号,姓名\n");
	emit(&o, "11010519491231002X,张三\n");
	assert_false(exists(path));
	assert_int_equal(ec_outfile_commit(&o, &err), 0);
	assert_string_equal(err.msg, "");
	assert_string_equal(contents(path),
	    "身份证号,姓名\n11010519491231002X,张三\n");
	assert_int_equal(mode_of(path), 0644);
	/* Only the target is left, and o lets go of everything. */
	assert_string_equal(listing(dir), "out.csv");
	assert_null(o.tmp);
	assert_null(o.path);
	assert_int_equal(o.fd, -1);
	umask(old);
}

static void
test_commit_empty(void **state)
{
	const char *dir = *state, *path = in(dir, "empty.csv");
	struct ec_outfile o;
	struct ec_error err = { "" };

	assert_int_equal(ec_outfile_open(&o, path, &err), 0);
	assert_int_equal(ec_outfile_commit(&o, &err), 0);
	assert_string_equal(contents(path), "");
	assert_string_equal(listing(dir), "empty.csv");
}

static void
test_mode_follows_umask(void **state)
{
	static const mode_t masks[] = { 0, 002, 022, 027, 077, 0777 };
	const char *dir = *state, *path = in(dir, "m.csv");
	struct ec_outfile o;
	struct ec_error err;
	mode_t old = umask(0);

	for (size_t i = 0; i < sizeof masks / sizeof masks[0]; i++) {
		umask(masks[i]);
		assert_int_equal(ec_outfile_open(&o, path, &err), 0);
		assert_int_equal(ec_outfile_commit(&o, &err), 0);
		if (mode_of(path) != (0666 & ~masks[i]))
			fail_msg("umask %03o: mode %03o", (unsigned)masks[i],
			    (unsigned)mode_of(path));
	}
	umask(old);
	assert_string_equal(listing(dir), "m.csv");
}

static void
test_abort(void **state)
{
	const char *dir = *state, *path = in(dir, "out.csv");
	struct ec_outfile o;
	struct ec_error err;

	assert_int_equal(ec_outfile_open(&o, path, &err), 0);
	emit(&o, "half a file");
	ec_outfile_abort(&o);
	/* Neither target nor temporary file. */
	assert_string_equal(listing(dir), "");
	assert_null(o.tmp);
	assert_null(o.path);
	assert_int_equal(o.fd, -1);
	/* A second abort finds nothing to do. */
	ec_outfile_abort(&o);
	assert_string_equal(listing(dir), "");
}

static void
test_abort_keeps_old(void **state)
{
	const char *dir = *state, *path = in(dir, "out.csv");
	struct ec_outfile o;
	struct ec_error err;

	put(path, "old\n", 0600);
	assert_int_equal(ec_outfile_open(&o, path, &err), 0);
	emit(&o, "new\n");
	ec_outfile_abort(&o);
	assert_string_equal(contents(path), "old\n");
	assert_int_equal(mode_of(path), 0600);
	assert_string_equal(listing(dir), "out.csv");
}

/*
 * Ready: written out and closed, under a hidden name (even a file made
 * with O_TMPFILE), the target untouched; then renamed by commit, or
 * removed by abort.
 */
static void
test_ready(void **state)
{
	const char *dir = *state, *a = in(dir, "a.csv"), *b = in(dir, "b.csv");
	struct ec_outfile oa, ob;
	struct ec_error err = { "" };

	put(a, "old a\n", 0644);
	put(b, "old b\n", 0644);
	assert_int_equal(ec_outfile_open(&oa, a, &err), 0);
	assert_int_equal(ec_outfile_replace(&ob, b, &err), 0);
	emit(&oa, "new a\n");
	emit(&ob, "new b\n");
	assert_int_equal(ec_outfile_ready(&oa, &err), 0);
	assert_int_equal(ec_outfile_ready(&ob, &err), 0);
	assert_int_equal(oa.fd, -1);
	assert_int_equal(ob.fd, -1);
	assert_non_null(oa.tmp);
	assert_non_null(ob.tmp);
	assert_string_equal(contents(oa.tmp), "new a\n");
	assert_string_equal(contents(ob.tmp), "new b\n");
	assert_string_equal(contents(a), "old a\n");
	assert_string_equal(contents(b), "old b\n");
	/* one renamed, the other given up: nothing else is left */
	assert_int_equal(ec_outfile_commit(&oa, &err), 0);
	ec_outfile_abort(&ob);
	assert_string_equal(err.msg, "");
	assert_string_equal(contents(a), "new a\n");
	assert_string_equal(contents(b), "old b\n");
	assert_string_equal(listing(dir), "a.csv|b.csv");
	assert_null(oa.tmp);
	assert_null(ob.tmp);
}

static void
test_commit_replaces_whole(void **state)
{
	const char *dir = *state, *path = in(dir, "out.csv");
	struct ec_outfile o;
	struct ec_error err;
	char buf[64];
	int oldfd;
	ssize_t n;

	put(path, "a longer old file of three lines\n2\n3\n", 0644);
	oldfd = open(path, O_RDONLY);
	assert_true(oldfd >= 0);
	assert_int_equal(ec_outfile_open(&o, path, &err), 0);
	emit(&o, "new\n");
	/* Until commit the old file is there, whole. */
	assert_string_equal(contents(path),
	    "a longer old file of three lines\n2\n3\n");
	assert_int_equal(ec_outfile_commit(&o, &err), 0);
	/* Not overwritten in place: nothing of the old is left over. */
	assert_string_equal(contents(path), "new\n");
	assert_string_equal(listing(dir), "out.csv");
	/* A reader of the old file still sees it all (it was replaced). */
	n = read(oldfd, buf, sizeof buf - 1);
	assert_true(n >= 0);
	buf[n] = '\0';
	assert_string_equal(buf, "a longer old file of three lines\n2\n3\n");
	close(oldfd);
}

static void
test_cleanup(void **state)
{
	const char *dir = *state;
	struct ec_outfile a, b, c;
	struct ec_error err;
	char *atmp;

	assert_int_equal(ec_outfile_replace(&a, in(dir, "a.csv"), &err), 0);
	assert_int_equal(ec_outfile_replace(&b, in(dir, "b.csv"), &err), 0);
	assert_int_equal(ec_outfile_replace(&c, in(dir, "c.csv"), &err), 0);
	emit(&a, "a");
	emit(&b, "b");
	emit(&c, "c");
	assert_int_equal(ec_outfile_commit(&c, &err), 0);
	/* As a signal handler would: the temporaries go, c.csv stays. */
	ec_outfile_cleanup();
	assert_string_equal(listing(dir), "c.csv");
	assert_string_equal(contents(in(dir, "c.csv")), "c");

	/* Aborting after a cleanup is still safe and frees everything. */
	atmp = strdup(a.tmp);
	assert_non_null(atmp);
	ec_outfile_abort(&a);
	ec_outfile_abort(&b);
	/* Once aborted, a temporary is no longer cleanup's business. */
	put(atmp, "someone else's\n", 0644);
	ec_outfile_cleanup();
	assert_string_equal(contents(atmp), "someone else's\n");
	unlink(atmp);
	free(atmp);
	assert_string_equal(listing(dir), "c.csv");
}

static void
test_missing_dir(void **state)
{
	const char *dir = *state, *path = in(dir, "nope/out.csv");
	struct ec_outfile o;
	struct ec_error err = { "" };
	char want[600];

	assert_int_equal(ec_outfile_open(&o, path, &err), -1);
	/* The message names the target, not the temporary file. */
	snprintf(want, sizeof want, "%s: No such file or directory", path);
	assert_string_equal(err.msg, want);
	assert_string_equal(listing(dir), "");
}

static void
test_short_err(void **state)
{
	const char *dir = *state;
	struct ec_outfile o;
	struct ec_error err;
	struct ec_buf path = EC_BUF_INIT;

	/* A name longer than the message has room for. */
	ec_buf_addf(&path, "%s/nope/", dir);
	while (path.len < 2 * EC_ERROR_MAX)
		ec_buf_adds(&path, "x/");
	ec_buf_adds(&path, "out.csv");
	memset(err.msg, '#', sizeof err.msg);
	assert_int_equal(ec_outfile_open(&o, path.p, &err), -1);
	/* Cut to fit, and still a string. */
	assert_int_equal(strlen(err.msg), EC_ERROR_MAX - 1);
	assert_memory_equal(err.msg, path.p, EC_ERROR_MAX - 1);
	ec_buf_release(&path);
}

static void
test_relative_path(void **state)
{
	const char *dir = *state;
	struct ec_outfile o;
	struct ec_error err;
	int here = open(".", O_RDONLY);

	assert_true(here >= 0);
	assert_int_equal(chdir(dir), 0);
	assert_int_equal(ec_outfile_replace(&o, "plain.csv", &err), 0);
	assert_string_equal(o.path, "plain.csv");
	char prefix[64];
	snprintf(prefix, sizeof prefix, ".plain.csv.%ld.", (long)getpid());
	assert_int_equal(strncmp(o.tmp, prefix, strlen(prefix)), 0);
	assert_int_equal(strlen(o.tmp), strlen(prefix) + 6);
	emit(&o, "x\n");
	assert_int_equal(ec_outfile_commit(&o, &err), 0);
	assert_int_equal(fchdir(here), 0);
	close(here);
	assert_string_equal(contents(in(dir, "plain.csv")), "x\n");
	assert_string_equal(listing(dir), "plain.csv");
}

static void
test_commit_fails(void **state)
{
	const char *dir = *state, *path = in(dir, "sub");
	struct ec_outfile o;
	struct ec_error err = { "" };
	char want[600];

	/* A directory is refused at once, with nothing made. */
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(ec_outfile_open(&o, path, &err), -1);
	assert_true(strlen(path) < sizeof want - 20);
	strcpy(want, path);
	strcat(want, ": Is a directory");
	assert_string_equal(err.msg, want);
	assert_string_equal(listing(dir), "sub");
	/* One put in the way later: rename fails, and the temp goes. */
	assert_int_equal(rmdir(path), 0);
	assert_int_equal(ec_outfile_open(&o, path, &err), 0);
	assert_int_equal(mkdir(path, 0755), 0);
	emit(&o, "data\n");
	assert_int_equal(ec_outfile_commit(&o, &err), -1);
	assert_true(strlen(path) < sizeof want - 20);
	strcpy(want, path);
	strcat(want, ": Is a directory");
	assert_string_equal(err.msg, want);
	assert_string_equal(listing(dir), "sub");
	assert_null(o.tmp);
	assert_null(o.path);
	assert_int_equal(o.fd, -1);
}

static void
test_same_target_twice(void **state)
{
	const char *dir = *state, *path = in(dir, "out.csv");
	struct ec_outfile a, b;
	struct ec_error err;

	assert_int_equal(ec_outfile_replace(&a, path, &err), 0);
	assert_int_equal(ec_outfile_replace(&b, path, &err), 0);
	assert_string_not_equal(a.tmp, b.tmp);
	emit(&a, "first\n");
	emit(&b, "second\n");
	assert_int_equal(ec_outfile_commit(&a, &err), 0);
	assert_string_equal(contents(path), "first\n");
	assert_int_equal(ec_outfile_commit(&b, &err), 0);
	assert_string_equal(contents(path), "second\n");
	assert_string_equal(listing(dir), "out.csv");
}

/*
 * A target that is a FIFO (or a device: /dev/stdout, /dev/null) is
 * written in place: a rename would put a file where it was.
 */
static void
test_fifo_written_in_place(void **state)
{
	const char *dir = *state, *path = in(dir, "pipe");
	struct ec_outfile o;
	struct stat st;
	struct ec_error err;
	char buf[16];
	int rd;
	ssize_t n;

	assert_int_equal(mkfifo(path, 0600), 0);
	/* A reader first, so that opening it to write does not block. */
	rd = open(path, O_RDONLY | O_NONBLOCK);
	assert_true(rd >= 0);
	assert_int_equal(ec_outfile_open(&o, path, &err), 0);
	assert_null(o.tmp);
	assert_int_equal(write(o.fd, "row\n", 4), 4);
	assert_int_equal(ec_outfile_commit(&o, &err), 0);
	n = read(rd, buf, sizeof buf);
	assert_int_equal(n, 4);
	assert_memory_equal(buf, "row\n", 4);
	close(rd);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	assert_string_equal(listing(dir), "pipe");
	/* Aborted, it is left as it is too. */
	rd = open(path, O_RDONLY | O_NONBLOCK);
	assert_int_equal(ec_outfile_open(&o, path, &err), 0);
	ec_outfile_abort(&o);
	close(rd);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
}

/*
 * ec_outfile_replace writes a new file over whatever stands under the
 * name, a FIFO with no reader (which would block an open) or a link to
 * a file elsewhere (which stays as it was).
 */
static void
test_replace(void **state)
{
	const char *dir = *state, *path = in(dir, "pipe"),
	    *link = in(dir, "link"), *other = in(dir, "other");
	struct ec_outfile o;
	struct stat st;
	struct ec_error err;

	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(ec_outfile_replace(&o, path, &err), 0);
	assert_non_null(o.tmp);
	assert_int_equal(write(o.fd, "row\n", 4), 4);
	assert_int_equal(ec_outfile_commit(&o, &err), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_size, 4);

	put(other, "theirs\n", 0644);
	assert_int_equal(symlink(other, link), 0);
	assert_int_equal(ec_outfile_replace(&o, link, &err), 0);
	assert_int_equal(write(o.fd, "ours\n", 5), 5);
	assert_int_equal(ec_outfile_commit(&o, &err), 0);
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_string_equal(contents(other), "theirs\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f)	cmocka_unit_test_setup_teardown(f, fresh_dir_setup, fresh_dir_teardown)
		T(test_open_hidden_temp),
		T(test_open_unnamed),
		T(test_commit),
		T(test_commit_empty),
		T(test_mode_follows_umask),
		T(test_abort),
		T(test_abort_keeps_old),
		T(test_ready),
		T(test_commit_replaces_whole),
		T(test_cleanup),
		T(test_missing_dir),
		T(test_short_err),
		T(test_relative_path),
		T(test_commit_fails),
		T(test_same_target_twice),
		T(test_fifo_written_in_place),
		T(test_replace),
#undef T
	};

	return cmocka_run_group_tests_name("outfile", tests, NULL, NULL);
}
