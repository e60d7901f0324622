/*
 * fuzz.h - what the libFuzzer harnesses of tests/fuzz/ share: a check
 * that aborts (libFuzzer then keeps the input as a crash), a small
 * generator of numbers decided by the input, and a reference UTF-8
 * validator written from RFC 3629's table, independent of lib/text.c.
 */
#ifndef EC_FUZZ_H
#define EC_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An invariant of the code under test: its violation is a finding. */
#define FUZZ_CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, \
		    __LINE__, #cond); \
		abort(); \
	} \
} while (0)

/* xorshift64*: numbers the input decides (through its seed). */
static inline uint64_t
fuzz_rand(uint64_t *state)
{
	uint64_t x = *state ? *state : 0x9e3779b97f4a7c15ULL;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545f4914f6cdd1dULL;
}

/*
 * The length of the longest record of CSV text p[0..n) as the writer
 * writes it (records end at an LF outside quotes), its line end counted.
 * What a tool writes is longer than what it read (quotes, appended
 * columns): a record over the reader's limit may be refused when read
 * again, and only such a one.
 */
static inline size_t
fuzz_longest_record(const char *p, size_t n)
{
	size_t longest = 0, start = 0;
	int quoted = 0;

	for (size_t i = 0; i < n; i++) {
		if (p[i] == '"')
			quoted = !quoted;
		else if (p[i] == '\n' && !quoted) {
			if (i + 1 - start > longest)
				longest = i + 1 - start;
			start = i + 1;
		}
	}
	return n - start > longest ? n - start : longest;
}

/* The longest record (as above) of what was written to fd. */
static inline size_t
fuzz_fd_longest_record(int fd)
{
	off_t size = lseek(fd, 0, SEEK_END);
	char *text;
	size_t longest;

	FUZZ_CHECK(size >= 0);
	text = malloc((size_t)size + 1);
	FUZZ_CHECK(text != NULL);
	FUZZ_CHECK(pread(fd, text, (size_t)size, 0) == size);
	longest = fuzz_longest_record(text, (size_t)size);
	free(text);
	return longest;
}

/*
 * The offset of the first byte of p[0..n) that does not start a
 * well-formed UTF-8 sequence (RFC 3629, table 3-7), or n.
 */
static inline size_t
fuzz_utf8_bad(const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i], lo = 0x80, hi = 0xbf;
		size_t len;

		if (c < 0x80)
			len = 1;
		else if (c >= 0xc2 && c <= 0xdf)
			len = 2;
		else if (c >= 0xe0 && c <= 0xef)
			len = 3;
		else if (c >= 0xf0 && c <= 0xf4)
			len = 4;
		else
			return i;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
		else if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
		if (n - i < len)
			return i;
		for (size_t k = 1; k < len; k++) {
			unsigned b = s[i + k];
			if (k == 1 ? b < lo || b > hi : (b & 0xc0) != 0x80)
				return i;
		}
		i += len;
	}
	return n;
}

/* 1 when p[0..n) is well-formed UTF-8. */
static inline int
fuzz_utf8_ok(const void *p, size_t n)
{
	return fuzz_utf8_bad(p, n) == n;
}

#endif
