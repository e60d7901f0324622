/*
 * mangle.c - spoils a CSV file the way hands, editors and broken
 * transfers do, for tests/mangle/run.sh.  Deterministic from its seed.
 *
 *   mangle SEED < good.csv > bad.csv
 *   mangle -c < file.csv      the number of records after the header
 *
 * It makes from 1 to 8 changes, each one of: a byte flipped, dropped or
 * doubled; a quote, a comma, a CR, a LF or a NUL put in; a line dropped,
 * doubled, cut short or swapped with the next; a field made 2 MB long;
 * a line made 3 MB long; GB18030 or bad UTF-8 bytes put in (also cut
 * at the end); the file cut anywhere; a BOM put in; a header name
 * emptied or doubled; the line ends turned CRLF or CR.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng;

static uint64_t
next(void)
{
	/* splitmix64 */
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static size_t
below(size_t n)
{
	return n ? (size_t)(next() % n) : 0;
}

struct text {
	char *p;
	size_t n, cap;
};

static void
reserve(struct text *t, size_t more)
{
	if (t->n + more <= t->cap)
		return;
	while (t->n + more > t->cap)
		t->cap = t->cap ? t->cap * 2 : 65536;
	t->p = realloc(t->p, t->cap);
	if (!t->p) {
		perror("mangle");
		exit(2);
	}
}

/* Replaces len bytes at off with the n bytes of s. */
static void
splice(struct text *t, size_t off, size_t len, const char *s, size_t n)
{
	if (off > t->n)
		off = t->n;
	if (len > t->n - off)
		len = t->n - off;
	reserve(t, n);
	memmove(t->p + off + n, t->p + off + len, t->n - off - len);
	memcpy(t->p + off, s, n);
	t->n = t->n - len + n;
}

/* The start of the line holding off, and its length with its LF. */
static size_t
line_at(const struct text *t, size_t off, size_t *len)
{
	size_t a = off, b = off;

	while (a > 0 && t->p[a - 1] != '\n')
		a--;
	while (b < t->n && t->p[b] != '\n')
		b++;
	*len = (b < t->n ? b + 1 : b) - a;
	return a;
}

static void
mangle(struct text *t)
{
	static const char *const bits[] = {
		"\"", ",", "\r", "\n", "\"\"", ",\"", "\"\n",
		"\xe5\xbc", "\xc0\xaf", "\xed\xa0\x80", "\xff", "\x80",
		"\xd5\xc5\xc8\xfd",			/* 张三 in GB18030 */
		"\x81\x30\x81\x30",			/* a four-byte one */
		"\xef\xbb\xbf", "\xe3\x80\x80",		/* BOM, ideographic space */
		"9999-99-99", "-1", "99999999999999999999", "null", "是否",
	};
	size_t off = below(t->n + 1), len;
	char c;

	switch (below(16)) {
	case 0:		/* a byte flipped */
		if (t->n)
			t->p[below(t->n)] ^= (char)(1u << below(8));
		break;
	case 1:		/* a byte dropped */
		splice(t, off, 1, "", 0);
		break;
	case 2:		/* a byte doubled */
		if (off < t->n) {
			c = t->p[off];
			splice(t, off, 0, &c, 1);
		}
		break;
	case 3:
	case 4:		/* something put in */
		{
			const char *b = bits[below(sizeof bits / sizeof bits[0])];
			splice(t, off, 0, b, strlen(b));
		}
		break;
	case 5:		/* a NUL */
		splice(t, off, 0, "", 1);
		break;
	case 6:		/* a line dropped */
		off = line_at(t, off, &len);
		splice(t, off, len, "", 0);
		break;
	case 7:		/* a line doubled */
		off = line_at(t, off, &len);
		{
			char *copy = malloc(len + 1);
			memcpy(copy, t->p + off, len);
			splice(t, off, 0, copy, len);
			free(copy);
		}
		break;
	case 8:		/* a line cut short */
		off = line_at(t, off, &len);
		if (len > 1)
			splice(t, off + below(len - 1), 0, "\n", 1);
		break;
	case 9:		/* the file cut */
		t->n = off;
		break;
	case 10:	/* a long field or a long line */
		{
			size_t n = below(2) ? 2u << 20 : 3u << 20;
			char *big = malloc(n);
			memset(big, below(2) ? 'x' : ',', n);
			splice(t, off, 0, big, n);
			free(big);
		}
		break;
	case 11:	/* line ends made CRLF */
		for (size_t i = 0; i < t->n; i++)
			if (t->p[i] == '\n' && (i == 0 || t->p[i - 1] != '\r')) {
				splice(t, i, 0, "\r", 1);
				i++;
			}
		break;
	case 12:	/* line ends made CR */
		for (size_t i = 0; i < t->n; i++)
			if (t->p[i] == '\n')
				t->p[i] = '\r';
		break;
	case 13:	/* a header name emptied, or doubled */
		{
			size_t end = 0;
			while (end < t->n && t->p[end] != '\n')
				end++;
			size_t a = below(end + 1), b = a;
			while (a > 0 && t->p[a - 1] != ',')
				a--;
			while (b < end && t->p[b] != ',')
				b++;
			if (below(2)) {
				splice(t, a, b - a, "", 0);
			} else {
				char *name = malloc(b - a + 2);
				memcpy(name, t->p + a, b - a);
				name[b - a] = ',';
				splice(t, a, 0, name, b - a + 1);
				free(name);
			}
		}
		break;
	case 14:	/* two lines swapped */
		{
			size_t a = line_at(t, off, &len), len2;
			if (a + len < t->n) {
				size_t b = line_at(t, a + len, &len2);
				char *first = malloc(len);
				memcpy(first, t->p + a, len);
				memmove(t->p + a, t->p + b, len2);
				memcpy(t->p + a + len2, first, len);
				free(first);
			}
		}
		break;
	default:	/* a BOM at the start, or none at all */
		if (t->n >= 3 && memcmp(t->p, "\xef\xbb\xbf", 3) == 0)
			splice(t, 0, 3, "", 0);
		else
			splice(t, 0, 0, "\xef\xbb\xbf", 3);
		break;
	}
}

/* Records of a file the tools wrote (LF line ends, RFC 4180 quotes). */
static size_t
count(const struct text *t)
{
	size_t lines = 0;
	int quoted = 0;

	for (size_t i = 0; i < t->n; i++) {
		if (t->p[i] == '"')
			quoted = !quoted;
		else if (t->p[i] == '\n' && !quoted)
			lines++;
	}
	if (t->n && t->p[t->n - 1] != '\n')
		lines++;
	return lines ? lines - 1 : 0;
}

int
main(int argc, char **argv)
{
	struct text t = { NULL, 0, 0 };
	size_t got;

	if (argc != 2) {
		fprintf(stderr, "usage: mangle SEED < good.csv > bad.csv\n"
		    "       mangle -c < file.csv\n");
		return 2;
	}
	do {
		reserve(&t, 65536);
		got = fread(t.p + t.n, 1, 65536, stdin);
		t.n += got;
	} while (got > 0);
	if (strcmp(argv[1], "-c") == 0) {
		printf("%zu\n", count(&t));
		return 0;
	}
	rng = strtoull(argv[1], NULL, 10) * 0x2545f4914f6cdd1dULL;
	for (size_t k = 1 + below(8); k > 0; k--)
		mangle(&t);
	if (t.n && fwrite(t.p, 1, t.n, stdout) != t.n)
		return 2;
	free(t.p);
	return fflush(stdout) != 0 ? 2 : 0;
}
