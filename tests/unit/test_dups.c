#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <cmocka.h>

#include "dups.h"

/* The first pass's input: keys at ascending positions. */
struct seen {
	uint64_t key, pos;
};

static uint64_t rng_state;

static uint64_t
rng(void)
{
	/* xorshift64*: the same sequence on every machine */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * UINT64_C(0x2545f4914f6cdd1d);
}

/*
 * n IDs from a pool of distinct keys (pool small: many repeats), at
 * positions that skip lines and cross into a second and third file.
 */
static int wide_keys;	/* keys of all 64 bits, not 17 digits */

static struct seen *
make(size_t n, uint64_t pool, uint64_t seed)
{
	struct seen *s = malloc(n * sizeof *s);
	uint64_t pos = 1;

	assert_non_null(s);
	rng_state = seed;
	for (size_t i = 0; i < n; i++) {
		if (i == n / 3 || i == 2 * n / 3)
			pos = ((pos >> 48) + 1) << 48 | 2;	/* the next file */
		s[i].key = (rng() % pool) * UINT64_C(0x9e3779b97f4a7c15) %
		    UINT64_C(100000000000000000) + 1;
		if (wide_keys)	/* on disk, varints of up to 10 bytes */
			s[i].key = s[i].key * UINT64_C(0xff51afd7ed558ccd) | 1;
		s[i].pos = pos;
		pos += 1 + rng() % 3;
	}
	return s;
}

/* What a set of the IDs seen so far says: the first position, or 0. */
static uint64_t *
expected(const struct seen *s, size_t n)
{
	uint64_t *first = calloc(n, sizeof *first);

	assert_non_null(first);
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < i; j++)
			if (s[j].key == s[i].key) {
				first[i] = s[j].pos;
				break;
			}
	return first;
}

static void
check(size_t n, uint64_t pool, size_t mem, int skip, size_t *runs)
{
	struct seen *s = make(n, pool, 0x2545f4914f6cdd1dULL ^ n ^ pool);
	uint64_t *want = expected(s, n);
	struct ec_dups *d = ec_dups_new(mem);
	size_t repeats = 0;

	for (size_t i = 0; i < n; i++)
		assert_int_equal(ec_dups_add(d, s[i].key, s[i].pos), 0);
	assert_int_equal(ec_dups_finish(d), 0);
	for (size_t i = 0; i < n; i++) {
		repeats += want[i] != 0;
		/* The second pass may ask about fewer than the first saw. */
		if (skip && i % 7 == 3)
			continue;
		if (ec_dups_first(d, s[i].pos) != want[i])
			fail_msg("n %zu pool %llu mem %zu: position %llx: got "
			    "%llx, want %llx", n, (unsigned long long)pool, mem,
			    (unsigned long long)s[i].pos,
			    (unsigned long long)ec_dups_first(d, s[i].pos),
			    (unsigned long long)want[i]);
	}
	/* Positions between those seen are no repeats. */
	assert_int_equal(ec_dups_first(d, s[n - 1].pos + 1), 0);
	assert_int_equal(ec_dups_count(d), repeats);
	assert_int_equal(ec_dups_error(d), 0);
	*runs = ec_dups_runs(d);
	ec_dups_free(d);
	free(want);
	free(s);
}

static void
test_in_memory(void **state)
{
	size_t runs;

	(void)state;
	check(5000, 1000, 4u << 20, 0, &runs);
	assert_int_equal(runs, 0);
	check(5000, 1000, 4u << 20, 1, &runs);
	assert_int_equal(runs, 0);
}

static void
test_spilled(void **state)
{
	size_t runs;

	(void)state;
	/* 1 KiB: runs of 32 keys and of 16 repeats, merged 16 at a time */
	check(5000, 1000, 1024, 0, &runs);
	assert_true(runs > 150);
	check(5000, 1000, 1024, 1, &runs);
	/* keys repeated many times, each across many runs */
	check(4000, 10, 1024, 0, &runs);
	/* few repeats: the repeats stay in memory */
	check(3000, UINT64_C(1) << 40, 1024, 0, &runs);
	/* one key: the merges' split is it, and one merge has none */
	check(2000, 1, 1024, 0, &runs);
	check(2000, 2, 1024, 1, &runs);
	/* keys of every size: a's rises take from 1 byte to 10 */
	wide_keys = 1;
	check(5000, 1000, 1024, 0, &runs);
	check(3000, UINT64_C(1) << 40, 1024, 0, &runs);
	wide_keys = 0;
	check(3000, UINT64_C(1) << 40, 64 << 10, 0, &runs);
}

static void
test_edges(void **state)
{
	struct ec_dups *d = ec_dups_new(1024);

	(void)state;
	/* nothing added */
	assert_int_equal(ec_dups_finish(d), 0);
	assert_int_equal(ec_dups_first(d, 1), 0);
	assert_int_equal(ec_dups_count(d), 0);
	ec_dups_free(d);

	/* one key, every time: each repeat names line 1 */
	d = ec_dups_new(1024);
	for (uint64_t line = 1; line <= 1000; line++)
		assert_int_equal(ec_dups_add(d, 42, line), 0);
	assert_int_equal(ec_dups_finish(d), 0);
	assert_int_equal(ec_dups_first(d, 1), 0);
	for (uint64_t line = 2; line <= 1000; line++)
		assert_int_equal(ec_dups_first(d, line), 1);
	assert_int_equal(ec_dups_count(d), 999);
	ec_dups_free(d);

	/* keys with every byte set, and keys differing in the top byte */
	d = ec_dups_new(1024);
	for (uint64_t line = 1; line <= 200; line++)
		assert_int_equal(ec_dups_add(d, line % 2 ? UINT64_MAX :
		    UINT64_C(0xff) << 56 | line % 3, line), 0);
	assert_int_equal(ec_dups_finish(d), 0);
	assert_int_equal(ec_dups_first(d, 3), 1);	/* UINT64_MAX */
	assert_int_equal(ec_dups_first(d, 4), 0);	/* 0xff..01, first */
	assert_int_equal(ec_dups_first(d, 6), 0);	/* 0xff..00, first */
	assert_int_equal(ec_dups_first(d, 8), 2);	/* 0xff..02, as 2 */
	assert_int_equal(ec_dups_first(d, 10), 4);	/* 0xff..01, as 4 */
	ec_dups_free(d);
}

static void
test_no_temporary_file(void **state)
{
	const char *old = getenv("TMPDIR");
	char *keep = old ? strdup(old) : NULL;
	struct ec_dups *d = ec_dups_new(1024);
	int rc = 0;

	(void)state;
	setenv("TMPDIR", "/nonexistent/eldercare-test", 1);
	/* the first run that does not fit in memory cannot be written */
	for (uint64_t line = 1; line <= 100 && rc == 0; line++)
		rc = ec_dups_add(d, line, line);
	assert_int_equal(rc, -1);
	ec_dups_free(d);
	/* within memory, no file is needed */
	d = ec_dups_new(4u << 20);
	for (uint64_t line = 1; line <= 100; line++)
		assert_int_equal(ec_dups_add(d, line % 10 + 1, line), 0);
	assert_int_equal(ec_dups_finish(d), 0);
	assert_int_equal(ec_dups_first(d, 11), 1);
	assert_int_equal(ec_dups_count(d), 90);
	ec_dups_free(d);
	if (keep) {
		setenv("TMPDIR", keep, 1);
		free(keep);
	} else {
		unsetenv("TMPDIR");
	}
}

/*
 * A run written in its own thread that does not fit the file size
 * limit: the error comes back by a later add, or by finishing, with the
 * write's errno, never as a short sort.
 */
static void
test_run_not_written(void **state)
{
	struct rlimit old, lim;
	struct ec_dups *d = ec_dups_new(1024);	/* runs of 32 pairs */
	int rc = 0;
	uint64_t line;

	(void)state;
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = 1;	/* not even the first run */
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	signal(SIGXFSZ, SIG_IGN);
	for (line = 1; line <= 1000 && rc == 0; line++)
		rc = ec_dups_add(d, line % 7 + 1, line);
	if (rc == 0)
		rc = ec_dups_finish(d);
	int err = errno;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_DFL);
	assert_int_equal(rc, -1);
	assert_int_equal(err, EFBIG);
	/*
	 * The first run, written as the 33rd pair comes, fails in its
	 * thread; the 65th, which would start the second, learns of it
	 * (the 33rd itself, were no thread to be had).  The loop counts
	 * one past the add that failed.
	 */
	assert_true(line == 66 || line == 34);
	ec_dups_free(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_memory),
		cmocka_unit_test(test_spilled),
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_no_temporary_file),
		cmocka_unit_test(test_run_not_written),
	};

	return cmocka_run_group_tests_name("dups", tests, NULL, NULL);
}
