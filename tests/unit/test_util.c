#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "util.h"

/* The buffer's invariant: NUL-terminated inside its capacity. */
static void
buf_is(const struct ec_buf *b, const char *want, size_t wantlen)
{
	assert_non_null(b->p);
	assert_int_equal(b->len, wantlen);
	assert_true(b->cap > b->len);
	assert_memory_equal(b->p, want, wantlen);
	assert_int_equal(b->p[b->len], '\0');
}

#define BUF_IS(b, lit)	buf_is((b), (lit), sizeof(lit) - 1)

static void
test_buf_init(void **state)
{
	struct ec_buf b = EC_BUF_INIT;

	assert_null(b.p);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	/* Reset and release of a buffer never used are harmless. */
	ec_buf_reset(&b);
	assert_null(b.p);
	ec_buf_release(&b);
	assert_null(b.p);
}

static void
test_buf_add(void **state)
{
	struct ec_buf b = EC_BUF_INIT;

	/* Adding nothing still makes p a valid empty string. */
	ec_buf_add(&b, "", 0);
	BUF_IS(&b, "");
	ec_buf_add(&b, "abc", 3);
	BUF_IS(&b, "abc");
	ec_buf_add(&b, "defgh", 2);
	BUF_IS(&b, "abcde");
	ec_buf_adds(&b, "张三");
	BUF_IS(&b, "abcde张三");
	ec_buf_addc(&b, ';');
	BUF_IS(&b, "abcde张三;");
	ec_buf_add(&b, "x\0y", 3);
	BUF_IS(&b, "abcde张三;x\0y");
	ec_buf_release(&b);
}

static void
test_buf_addc_first(void **state)
{
	struct ec_buf b = EC_BUF_INIT;

	ec_buf_addc(&b, 'x');
	BUF_IS(&b, "x");
	ec_buf_addc(&b, '\0');
	BUF_IS(&b, "x\0");
	ec_buf_release(&b);
}

static void
test_buf_addf(void **state)
{
	struct ec_buf b = EC_BUF_INIT;

	ec_buf_addf(&b, "%s", "");
	BUF_IS(&b, "");
	ec_buf_addf(&b, "%d-%s-%zu", -42, "x", (size_t)7);
	BUF_IS(&b, "-42-x-7");
	/* The argument is text, not a format. */
	ec_buf_addf(&b, " %s", "100%s%n");
	BUF_IS(&b, "-42-x-7 100%s%n");
	ec_buf_reset(&b);
	ec_buf_addf(&b, "%lld", (long long)INT64_MIN);
	BUF_IS(&b, "-9223372036854775808");
	ec_buf_release(&b);
}

static void
test_buf_growth(void **state)
{
	struct ec_buf b = EC_BUF_INIT;
	char big[5000];

	/* Byte by byte across several doublings. */
	for (size_t i = 0; i < 10000; i++) {
		ec_buf_addc(&b, (char)('a' + i % 26));
		assert_true(b.cap > b.len);
	}
	assert_int_equal(b.len, 10000);
	for (size_t i = 0; i < 10000; i++)
		if (b.p[i] != (char)('a' + i % 26))
			fail_msg("byte %zu is %c", i, b.p[i]);
	assert_int_equal(b.p[10000], '\0');
	ec_buf_release(&b);

	/* One add far beyond the first capacity, then a long addf. */
	memset(big, 'z', sizeof big);
	ec_buf_add(&b, big, sizeof big);
	assert_int_equal(b.len, sizeof big);
	assert_true(b.cap > sizeof big);
	assert_int_equal(b.p[sizeof big], '\0');
	ec_buf_addf(&b, "%.*s|%0300d", 3000, big, 5);
	assert_int_equal(b.len, 5000 + 3000 + 1 + 300);
	assert_int_equal(b.p[8000], '|');
	assert_int_equal(b.p[8300], '5');
	assert_int_equal(b.p[8299], '0');
	assert_int_equal(b.p[8301], '\0');
	ec_buf_release(&b);
}

static void
test_buf_reset(void **state)
{
	struct ec_buf b = EC_BUF_INIT;
	char *p;
	size_t cap;

	ec_buf_adds(&b, "first message");
	p = b.p;
	cap = b.cap;
	ec_buf_reset(&b);
	/* Empty but keeps its memory for the next message. */
	assert_ptr_equal(b.p, p);
	assert_int_equal(b.cap, cap);
	BUF_IS(&b, "");
	ec_buf_adds(&b, "second");
	BUF_IS(&b, "second");
	ec_buf_release(&b);
}

static void
test_buf_release(void **state)
{
	struct ec_buf b = EC_BUF_INIT;

	ec_buf_adds(&b, "something");
	ec_buf_release(&b);
	assert_null(b.p);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	/* Twice is harmless, and the buffer can be used again. */
	ec_buf_release(&b);
	ec_buf_adds(&b, "again");
	BUF_IS(&b, "again");
	ec_buf_release(&b);
}

static void
fmt_is(int64_t v, const char *want)
{
	/* Exactly the promised 21 bytes, so an overrun is caught. */
	char *out = malloc(21);
	size_t n;

	assert_non_null(out);
	memset(out, '#', 21);
	n = ec_fmt_int(out, v);
	assert_string_equal(out, want);
	assert_int_equal(n, strlen(want));
	free(out);
}

static void
test_fmt_int(void **state)
{
	fmt_is(0, "0");
	fmt_is(1, "1");
	fmt_is(-1, "-1");
	fmt_is(9, "9");
	fmt_is(10, "10");
	fmt_is(-10, "-10");
	fmt_is(-7, "-7");
	fmt_is(100, "100");
	fmt_is(1949, "1949");
	fmt_is(-20181010, "-20181010");
	fmt_is(INT64_MAX, "9223372036854775807");
	fmt_is(INT64_MIN, "-9223372036854775808");
	fmt_is(INT64_MIN + 1, "-9223372036854775807");
	fmt_is(INT64_MAX - 1, "9223372036854775806");
}

/* Every power of ten and its neighbours, both signs, against printf. */
static void
test_fmt_int_sweep(void **state)
{
	char out[21], want[32];
	int64_t p = 1;

	for (int e = 0;; e++) {
		int64_t vs[6] = { p - 1, p, p + 1, -(p - 1), -p, -(p + 1) };
		for (size_t i = 0; i < 6; i++) {
			size_t n = ec_fmt_int(out, vs[i]);
			snprintf(want, sizeof want, "%" PRId64, vs[i]);
			assert_string_equal(out, want);
			assert_int_equal(n, strlen(want));
		}
		if (e == 18)
			break;		/* 10^19 would overflow */
		p *= 10;
	}
}

static void
test_xmemdup(void **state)
{
	const char *src = "abcdef";
	char *q;

	q = ec_xmemdup(src, 3);
	assert_ptr_not_equal(q, src);
	assert_string_equal(q, "abc");
	assert_int_equal(q[3], '\0');
	free(q);

	q = ec_xmemdup(src, 0);
	assert_string_equal(q, "");
	free(q);

	/* Bytes, not a string: a NUL inside is copied. */
	q = ec_xmemdup("a\0b", 3);
	assert_memory_equal(q, "a\0b", 3);
	assert_int_equal(q[3], '\0');
	free(q);

	q = ec_xstrdup("张三");
	assert_string_equal(q, "张三");
	free(q);
}

static void
test_alloc(void **state)
{
	unsigned char *p;
	int *v;

	/* Zero-size requests still give a pointer that can be freed. */
	p = ec_xmalloc(0);
	assert_non_null(p);
	free(p);
	p = ec_xcalloc(0, 0);
	assert_non_null(p);
	free(p);
	p = ec_xcalloc(100, 1);
	for (size_t i = 0; i < 100; i++)
		assert_int_equal(p[i], 0);
	free(p);

	v = ec_xmalloc(4 * sizeof *v);
	for (int i = 0; i < 4; i++)
		v[i] = i * 11;
	v = ec_xrealloc(v, 1000 * sizeof *v);
	for (int i = 0; i < 4; i++)
		assert_int_equal(v[i], i * 11);
	free(v);
	v = ec_xrealloc(NULL, sizeof *v);
	assert_non_null(v);
	free(v);
}

static void
test_array_len(void **state)
{
	int a[7];
	const char *s[] = { "a", "b", "c" };

	assert_int_equal(EC_ARRAY_LEN(a), 7);
	assert_int_equal(EC_ARRAY_LEN(s), 3);
}

/* A whole file, an empty one, one too big and one missing. */
/* A comma list of names: trimmed, copied, and an empty one refused. */
static void
test_names(void **state)
{
	struct ec_names l = { NULL, 0 };

	assert_int_equal(ec_names_add(&l, "county, 乡镇 ,village"), 0);
	assert_int_equal(ec_names_add(&l, "helper"), 0);
	assert_int_equal(l.n, 4);
	assert_string_equal(l.v[0], "county");
	assert_string_equal(l.v[1], "乡镇");
	assert_string_equal(l.v[2], "village");
	assert_string_equal(l.v[3], "helper");
	assert_int_equal(ec_names_add(&l, "a,,b"), -1);
	assert_int_equal(l.n, 5);
	assert_string_equal(l.v[4], "a");
	assert_int_equal(ec_names_add(&l, " "), -1);
	assert_int_equal(l.n, 5);
	ec_names_release(&l);
	assert_null(l.v);
	assert_int_equal(l.n, 0);
}

static void
test_read_file(void **state)
{
	char path[] = "/tmp/ec-test-util.XXXXXX";
	int fd = mkstemp(path);
	size_t len = 99;
	char *p;

	assert_true(fd >= 0);
	p = ec_read_file(path, 16, &len);
	assert_non_null(p);
	assert_int_equal(len, 0);
	assert_string_equal(p, "");
	free(p);
	assert_int_equal(write(fd, "a\0b\n", 4), 4);
	close(fd);
	p = ec_read_file(path, 16, &len);
	assert_non_null(p);
	assert_int_equal(len, 4);
	assert_memory_equal(p, "a\0b\n", 5);
	free(p);
	errno = 0;
	assert_null(ec_read_file(path, 3, &len));
	assert_int_equal(errno, EFBIG);
	unlink(path);
	errno = 0;
	assert_null(ec_read_file(path, 16, &len));
	assert_int_equal(errno, ENOENT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf_init),
		cmocka_unit_test(test_buf_add),
		cmocka_unit_test(test_buf_addc_first),
		cmocka_unit_test(test_buf_addf),
		cmocka_unit_test(test_buf_growth),
		cmocka_unit_test(test_buf_reset),
		cmocka_unit_test(test_buf_release),
		cmocka_unit_test(test_fmt_int),
		cmocka_unit_test(test_fmt_int_sweep),
		cmocka_unit_test(test_xmemdup),
		cmocka_unit_test(test_alloc),
		cmocka_unit_test(test_array_len),
		cmocka_unit_test(test_read_file),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
