/*
 * The module itself, not its archive member: the tests look keys up
 * without adding them, make keys of one home slot with its hash, and
 * watch the table's size and what it keeps aside.
 */
#include "../../lib/idset.c"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define RUN_MASK	((UINT64_C(1) << 56) - 1)	/* 7.2e16 < 10^17 */

/*
 * The i-th of a run of distinct keys in the range of real ones: an odd
 * multiplier is a bijection modulo 2^56, so no two i < 2^56 collide, and
 * the +1 keeps 0 (an empty slot) out, as ec_idset_key does.
 */
static uint64_t
key_of(uint64_t i)
{
	return ((i * UINT64_C(0x9e3779b97f4a7c15)) & RUN_MASK) + 1;
}

/* The line of key, or 0: the look-up ec_idset_add makes first. */
static uint64_t
get(const struct ec_idset *s, uint64_t key)
{
	return lookup(s, key_hash(key));
}

/* The slots of the table, and the IDs kept beside it. */
static size_t
capacity(const struct ec_idset *s)
{
	return (size_t)1 << s->bits;
}

static size_t
spilled(const struct ec_idset *s)
{
	return s->spill_count;
}

static uint64_t
key(const char *id)
{
	/* Exactly 18 bytes, no NUL: the key must not read past them. */
	char *p = malloc(18);
	uint64_t k;

	assert_non_null(p);
	assert_int_equal(strlen(id), 18);
	memcpy(p, id, 18);
	k = ec_idset_key(p);
	free(p);
	return k;
}

static void
test_key(void **state)
{
	assert_true(key("11010519491231002X") ==
	    UINT64_C(11010519491231002) + 1);
	/* The check character follows from the rest, so it is not kept. */
	assert_true(key("110105194912310021") == key("11010519491231002X"));
	assert_true(key("110105194912310028") == key("11010519491231002X"));
	assert_true(key("110105194912310031") ==
	    UINT64_C(11010519491231003) + 1);
	/* All zeros still gives a key that is not the empty slot. */
	assert_true(key("000000000000000000") == 1);
	assert_true(key("999999999999999999") == UINT64_C(100000000000000000));
	assert_true(key("440301195001010010") ==
	    UINT64_C(44030119500101001) + 1);
}

static void
test_empty(void **state)
{
	struct ec_idset *s = ec_idset_new();

	assert_int_equal(ec_idset_count(s), 0);
	assert_true(get(s, 1) == 0);
	assert_true(get(s, key_of(5)) == 0);
	ec_idset_free(s);
	ec_idset_free(NULL);
}

static void
test_add_twice(void **state)
{
	struct ec_idset *s = ec_idset_new();
	uint64_t k = key("11010519491231002X");

	assert_true(ec_idset_add(s, k, 2) == 0);
	assert_int_equal(ec_idset_count(s), 1);
	assert_true(get(s, k) == 2);
	/* Seen again: the first line is returned and kept. */
	assert_true(ec_idset_add(s, k, 17) == 2);
	assert_true(ec_idset_add(s, k, 1) == 2);
	assert_int_equal(ec_idset_count(s), 1);
	assert_true(get(s, k) == 2);
	/* Its neighbours are other people. */
	assert_true(get(s, k + 1) == 0);
	assert_true(get(s, k - 1) == 0);
	assert_true(ec_idset_add(s, k + 1, 30) == 0);
	assert_int_equal(ec_idset_count(s), 2);
	assert_true(get(s, k) == 2);
	assert_true(get(s, k + 1) == 30);
	ec_idset_free(s);
}

static void
test_million(void **state)
{
	struct ec_idset *s = ec_idset_new();
	const uint64_t n = 1000000;

	for (uint64_t i = 0; i < n; i++)
		if (ec_idset_add(s, key_of(i), i + 2) != 0)
			fail_msg("key %llu taken on add",
			    (unsigned long long)i);
	assert_int_equal(ec_idset_count(s), n);
	for (uint64_t i = 0; i < n; i++)
		if (get(s, key_of(i)) != i + 2)
			fail_msg("key %llu: line %llu", (unsigned long long)i,
			    (unsigned long long)get(s, key_of(i)));
	/* Keys never added: the next ones of the same run. */
	for (uint64_t i = n; i < n + n / 20; i++)
		if (get(s, key_of(i)) != 0)
			fail_msg("absent key %llu found",
			    (unsigned long long)i);
	/* A second pass of adds reports every first line. */
	for (uint64_t i = 0; i < n; i += 97)
		if (ec_idset_add(s, key_of(i), 1) != i + 2)
			fail_msg("re-add %llu", (unsigned long long)i);
	assert_int_equal(ec_idset_count(s), n);
	/* 8 bytes a slot, 0.7 full at most: 16 MiB, and nothing aside */
	assert_int_equal(capacity(s), 1 << 21);
	assert_int_equal(spilled(s), 0);
	ec_idset_free(s);
}

/*
 * Keys of one home slot, more than a displacement can say: those pushed
 * past it are kept aside, and still found; a larger table, where they
 * have two homes, takes them back.
 */
static void
test_one_home(void **state)
{
	struct ec_idset *s = ec_idset_new();
	uint64_t keys[300];
	size_t n = 0;

	/* home = the top 10 of the hash's 57 bits, in 1024 slots */
	for (uint64_t k = 1; n < 300; k++)
		if (key_hash(k) >> 47 == 1023)	/* wraps around */
			keys[n++] = k;
	for (size_t i = 0; i < n; i++)
		assert_true(ec_idset_add(s, keys[i], i + 2) == 0);
	assert_int_equal(capacity(s), 1024);
	assert_int_equal(ec_idset_count(s), 300);
	assert_int_equal(spilled(s), 300 - 128);
	for (size_t i = 0; i < n; i++) {
		assert_true(get(s, keys[i]) == i + 2);
		assert_true(ec_idset_add(s, keys[i], 99999) == i + 2);
	}
	for (uint64_t k = 1; k < keys[n - 1]; k++)
		if (get(s, k) != 0 && key_hash(k) >> 47 != 1023)
			fail_msg("absent key %llu found", (unsigned long long)k);
	/* Other keys, to 2^11 slots: the 300 now have homes 2046 and 2047. */
	for (uint64_t i = 0; i < 500; i++)
		assert_true(ec_idset_add(s, key_of(i), 1000 + i) == 0);
	assert_int_equal(capacity(s), 2048);
	assert_int_equal(ec_idset_count(s), 800);
	assert_true(spilled(s) < 300 - 128);
	for (size_t i = 0; i < n; i++)
		assert_true(get(s, keys[i]) == i + 2);
	for (uint64_t i = 0; i < 500; i++)
		assert_true(get(s, key_of(i)) == 1000 + i);
	ec_idset_free(s);
}

/*
 * Few IDs on many lines (a sheet of mostly blank IDs): lines past the
 * table's size are kept aside rather than growing a table mostly empty.
 */
static void
test_sparse_lines(void **state)
{
	struct ec_idset *s = ec_idset_new();

	for (uint64_t i = 0; i < 100; i++)
		assert_true(ec_idset_add(s, key_of(i), 2 + i * 100000) == 0);
	assert_int_equal(capacity(s), 1024);
	assert_int_equal(spilled(s), 99);	/* line 2 fits */
	for (uint64_t i = 0; i < 100; i++)
		assert_true(get(s, key_of(i)) == 2 + i * 100000);
	/* Once a third full, the table grows for a line. */
	for (uint64_t i = 100; i < 400; i++)
		assert_true(ec_idset_add(s, key_of(i), 20000000 + i) == 0);
	assert_int_equal(capacity(s), 2048);
	for (uint64_t i = 0; i < 100; i++)
		assert_true(get(s, key_of(i)) == 2 + i * 100000);
	for (uint64_t i = 100; i < 400; i++)
		assert_true(get(s, key_of(i)) == 20000000 + i);
	ec_idset_free(s);
}

#define FILE_LINE(f, l)	((uint64_t)(f) << 48 | (uint64_t)(l))

/*
 * Several files, their number above the line's 48 bits: every first
 * line comes back with its file, and a second file does not push its
 * lines out of the table.
 */
static void
test_files(void **state)
{
	struct ec_idset *s = ec_idset_new();

	/* file 0: lines 2..1001; file 1 has no IDs; file 2: 2..1001 */
	for (uint64_t i = 0; i < 1000; i++)
		assert_true(ec_idset_add(s, key_of(i), FILE_LINE(0, i + 2)) ==
		    0);
	for (uint64_t i = 0; i < 1000; i++) {
		uint64_t k = key_of(i % 2 ? i : 1000 + i);
		uint64_t first = ec_idset_add(s, k, FILE_LINE(2, i + 2));
		assert_true(first == (i % 2 ? FILE_LINE(0, i + 2) : 0));
	}
	assert_int_equal(ec_idset_count(s), 1500);
	assert_int_equal(spilled(s), 0);
	assert_true(get(s, key_of(0)) == FILE_LINE(0, 2));
	assert_true(get(s, key_of(999)) == FILE_LINE(0, 1001));
	assert_true(get(s, key_of(1000)) == FILE_LINE(2, 2));
	assert_true(get(s, key_of(1998)) == FILE_LINE(2, 1000));
	/* Back to file 0 (no tool does it): still told apart. */
	assert_true(ec_idset_add(s, key_of(5000), FILE_LINE(0, 7)) == 0);
	assert_true(ec_idset_add(s, key_of(5001), FILE_LINE(2, 7)) == 0);
	assert_true(get(s, key_of(5000)) == FILE_LINE(0, 7));
	assert_true(get(s, key_of(5001)) == FILE_LINE(2, 7));
	assert_true(get(s, key_of(998)) == FILE_LINE(0, 1000));
	/* A file number as large as it gets. */
	assert_true(ec_idset_add(s, key_of(6000), FILE_LINE(65535, 3)) == 0);
	assert_true(get(s, key_of(6000)) == FILE_LINE(65535, 3));
	ec_idset_free(s);
}

/*
 * Real IDs come in runs: one county, one birthday, consecutive sequence
 * numbers.  Consecutive keys must not cluster in the table.
 */
static void
test_consecutive_ids(void **state)
{
	struct ec_idset *s = ec_idset_new();
	char id[64];
	size_t added = 0;

	for (int day = 1; day <= 28; day++) {
		for (int seq = 0; seq < 1000; seq++) {
			snprintf(id, sizeof id, "4303211950%02d%02d%03dX",
			    2, day, seq);
			uint64_t k = ec_idset_key(id);
			if (ec_idset_add(s, k, added + 1) != 0)
				fail_msg("%s taken", id);
			added++;
		}
	}
	assert_int_equal(ec_idset_count(s), added);
	snprintf(id, sizeof id, "4303211950%02d%02d%03d1", 2, 14, 500);
	assert_true(get(s, ec_idset_key(id)) == 13 * 1000 + 501);
	snprintf(id, sizeof id, "4303211950%02d%02d%03d1", 2, 29, 0);
	assert_true(get(s, ec_idset_key(id)) == 0);
	ec_idset_free(s);
}

/*
 * An absent key is looked up after every add through the first grows of
 * the table: a table let to fill up would never find its end.
 */
static void
test_absent_at_every_size(void **state)
{
	struct ec_idset *s = ec_idset_new();

	for (uint64_t i = 0; i < 5000; i++) {
		assert_true(ec_idset_add(s, key_of(i), i + 1) == 0);
		if (get(s, key_of(i + 1)) != 0)
			fail_msg("absent key found after %llu adds",
			    (unsigned long long)i + 1);
		if (get(s, key_of(i)) != i + 1)
			fail_msg("key %llu lost", (unsigned long long)i);
	}
	assert_int_equal(ec_idset_count(s), 5000);
	ec_idset_free(s);
}

static void
test_large_lines(void **state)
{
	static const uint64_t lines[] = {
		UINT64_C(0xffffffff),		/* 2^32 - 1 */
		UINT64_C(1) << 32,
		(UINT64_C(1) << 32) + 5,
		UINT64_C(0x1234567890),
		UINT64_C(0x8000000001),
		(UINT64_C(1) << 40) - 1,	/* the largest that fits */
	};
	const size_t nl = sizeof lines / sizeof lines[0];
	struct ec_idset *s = ec_idset_new();

	for (size_t i = 0; i < nl; i++)
		assert_true(ec_idset_add(s, key_of(i), lines[i]) == 0);
	for (size_t i = 0; i < nl; i++) {
		assert_true(get(s, key_of(i)) == lines[i]);
		assert_true(ec_idset_add(s, key_of(i), 3) == lines[i]);
	}
	/* Through several grows of the table the high bits move along. */
	for (uint64_t i = nl; i < 20000; i++)
		assert_true(ec_idset_add(s, key_of(i), i) == 0);
	for (size_t i = 0; i < nl; i++)
		if (get(s, key_of(i)) != lines[i])
			fail_msg("line %#llx came back as %#llx",
			    (unsigned long long)lines[i],
			    (unsigned long long)get(s, key_of(i)));
	ec_idset_free(s);
}

static void
test_independent_sets(void **state)
{
	struct ec_idset *a = ec_idset_new(), *b = ec_idset_new();

	assert_true(ec_idset_add(a, 42, 1) == 0);
	assert_true(get(b, 42) == 0);
	assert_true(ec_idset_add(b, 42, 9) == 0);
	assert_true(get(a, 42) == 1);
	assert_true(get(b, 42) == 9);
	ec_idset_free(a);
	ec_idset_free(b);
}

/*
 * New keys and keys seen before, mixed as in a sheet with duplicates,
 * through every grow of the table, against a plain array of first lines:
 * each add answers with the key's first line, or 0 and keeps this one.
 */
static void
test_mixed_against_reference(void **state)
{
	enum { POOL = 60000, HOT = 3000, ADDS = 400000 };
	uint64_t *first = calloc(POOL, sizeof *first);
	struct ec_idset *s = ec_idset_new();
	uint64_t x = 12345, line = 1;
	size_t distinct = 0;

	assert_non_null(first);
	for (int n = 0; n < ADDS; n++, line++) {
		x = x * UINT64_C(6364136223846793005) + 1442695040888963407;
		/* half of the adds among few people, half among all */
		uint64_t j = (x >> 33) % ((x >> 20 & 1) ? HOT : POOL);
		uint64_t got = ec_idset_add(s, key_of(j), line);
		if (got != first[j])
			fail_msg("add %d of key %llu: %llu where %llu", n,
			    (unsigned long long)j, (unsigned long long)got,
			    (unsigned long long)first[j]);
		if (first[j] == 0) {
			first[j] = line;
			distinct++;
		}
	}
	assert_int_equal(ec_idset_count(s), distinct);
	for (uint64_t j = 0; j < POOL; j++)
		if (get(s, key_of(j)) != first[j])
			fail_msg("key %llu: %llu where %llu",
			    (unsigned long long)j,
			    (unsigned long long)get(s, key_of(j)),
			    (unsigned long long)first[j]);
	free(first);
	ec_idset_free(s);
}

/* Room made at once: no doubling after, nothing lost by it, never less. */
static void
test_reserve(void **state)
{
	struct ec_idset *s = ec_idset_new();

	assert_int_equal(capacity(s), 1024);
	for (uint64_t k = 1; k <= 500; k++)
		assert_true(ec_idset_add(s, k * 7919, k) == 0);
	ec_idset_reserve(s, 100000);
	/* 100000 under 0.7 of the slots: 2^18 */
	assert_int_equal(capacity(s), 262144);
	for (uint64_t k = 1; k <= 500; k++)
		assert_true(get(s, k * 7919) == k);
	for (uint64_t k = 501; k <= 100000; k++)
		assert_true(ec_idset_add(s, k * 7919, k) == 0);
	assert_int_equal(capacity(s), 262144);
	assert_int_equal(ec_idset_count(s), 100000);
	assert_true(ec_idset_add(s, 7919, 5) == 1);
	/* a smaller reserve changes nothing */
	ec_idset_reserve(s, 10);
	assert_int_equal(capacity(s), 262144);
	ec_idset_free(s);
	s = ec_idset_new();
	ec_idset_reserve(s, 0);
	assert_int_equal(capacity(s), 1024);
	ec_idset_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_add_twice),
		cmocka_unit_test(test_million),
		cmocka_unit_test(test_one_home),
		cmocka_unit_test(test_sparse_lines),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_consecutive_ids),
		cmocka_unit_test(test_absent_at_every_size),
		cmocka_unit_test(test_large_lines),
		cmocka_unit_test(test_independent_sets),
		cmocka_unit_test(test_mixed_against_reference),
		cmocka_unit_test(test_reserve),
	};

	return cmocka_run_group_tests_name("idset", tests, NULL, NULL);
}
