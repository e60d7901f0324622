#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "csv.h"
#include "scan.h"
#include "util.h"

/* What a scan or the reader gave: the column of each record kept. */
struct got {
	size_t n;
	size_t line[512];
	char *cell[512];
};

static void
got_free(struct got *g)
{
	for (size_t i = 0; i < g->n; i++)
		free(g->cell[i]);
	g->n = 0;
}

static int
collect(void *ctx, size_t line, const char *p, size_t n)
{
	struct got *g = ctx;

	assert_true(g->n < 512);
	g->line[g->n] = line;
	g->cell[g->n++] = ec_xmemdup(p, n);
	return 0;
}

static int
file_of(const char *text, size_t len)
{
	FILE *f = tmpfile();
	int fd;

	assert_non_null(f);
	fd = dup(fileno(f));
	fclose(f);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

/*
 * Scans text for column col of records as wide as the header, and checks
 * it found what the reader finds before the line it stopped at (all of
 * it when it did not stop).  Returns 1 when it went through.
 */
static int
agree(const char *text, size_t len, size_t col, size_t *emitted)
{
	struct ec_csv_options opt = { ',', NULL, 0 };
	struct ec_csv_record *rec;
	struct got want = { 0 }, got = { 0 };
	char err[256];
	size_t stop = 0, nheader;
	int fd = file_of(text, len), rc;
	struct ec_csv_reader *r = ec_csv_reader_new(fd, &opt, err, sizeof err);

	assert_non_null(r);
	if (ec_csv_next(r, &rec) != EC_CSV_RECORD) {
		ec_csv_reader_free(r);
		close(fd);
		return 0;
	}
	nheader = rec->nfields;
	if (col >= nheader)
		col = nheader - 1;
	enum ec_csv_status st;
	while ((st = ec_csv_next(r, &rec)) == EC_CSV_RECORD)
		if (!rec->error && rec->nfields == nheader)
			collect(&want, rec->line, rec->fields[col].p,
			    rec->fields[col].n);
	assert_int_equal(st, EC_CSV_EOF);
	ec_csv_reader_free(r);

	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	rc = ec_scan_column(fd, ',', nheader, col, collect, &got, &stop);
	close(fd);
	assert_true(rc == 0 || rc == 1);
	if (rc == 1) {
		/* only the reader's records before the line it stopped at */
		size_t k = 0;
		while (k < want.n && want.line[k] < stop)
			k++;
		for (size_t i = k; i < want.n; i++)
			free(want.cell[i]);
		want.n = k;
	}
	if (got.n != want.n)
		fail_msg("%zu records scanned, the reader has %zu (stop %zu, "
		    "rc %d) in:\n%.*s", got.n, want.n, stop, rc, (int)len, text);
	for (size_t i = 0; i < got.n; i++) {
		if (got.line[i] != want.line[i] ||
		    strcmp(got.cell[i], want.cell[i]) != 0)
			fail_msg("record %zu: line %zu '%s', the reader's line "
			    "%zu '%s', in:\n%.*s", i, got.line[i], got.cell[i],
			    want.line[i], want.cell[i], (int)len, text);
	}
	*emitted += got.n;
	got_free(&got);
	got_free(&want);
	return rc == 0;
}

static uint64_t rng_state;

static unsigned
rnd(unsigned n)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (unsigned)((rng_state * UINT64_C(0x2545f4914f6cdd1d)) >> 33) % n;
}

static unsigned plain_bits = 5;	/* a plain stretch has fewer bits */

static void
add_plain(struct ec_buf *b)
{
	static const char *const bits[] = { "a", "b", "1", "é", " ", "张",
	    "5120", "" };
	for (unsigned i = rnd(plain_bits); i > 0; i--)
		ec_buf_adds(b, bits[rnd(EC_ARRAY_LEN(bits))]);
}

/*
 * A sheet of records, mostly well formed: quoted fields holding
 * delimiters, doubled quotes and line breaks; LF or CRLF; blank lines,
 * a BOM, no last line end; and now and then what only the reader may
 * judge: a stray quote, a lone CR, a quote never closed, a line break in
 * a quoted field of any column.
 */
static void
make_sheet(struct ec_buf *b, unsigned nf, int odd)
{
	const char *eol = rnd(3) == 0 ? "\r\n" : "\n";
	unsigned rows = 1 + rnd(12);

	ec_buf_reset(b);
	if (rnd(8) == 0)
		ec_buf_adds(b, "\xef\xbb\xbf");
	for (unsigned r = 0; r <= rows; r++) {
		unsigned n = rnd(6) == 0 ? 1 + rnd(nf + 2) : nf;
		if (rnd(10) == 0)
			ec_buf_adds(b, eol);	/* a blank line */
		for (unsigned f = 0; f < n; f++) {
			if (f)
				ec_buf_addc(b, ',');
			switch (rnd(odd ? 14 : 10)) {
			case 0:
			case 1:
				ec_buf_addc(b, '"');
				add_plain(b);
				ec_buf_adds(b, rnd(2) ? "," : "\"\"");
				if (rnd(6) == 0)
					ec_buf_adds(b, rnd(8) ? "\n" : "\r\n");
				add_plain(b);
				ec_buf_addc(b, '"');
				break;
			case 2:
				ec_buf_adds(b, "\"\"");
				break;
			case 10:
				ec_buf_addc(b, '"');	/* stray */
				add_plain(b);
				break;
			case 11:
				ec_buf_addc(b, '\r');	/* lone */
				break;
			case 12:
				ec_buf_adds(b, "\"a\" ");	/* after the quote */
				break;
			case 13:
				ec_buf_adds(b, " \"a\"");	/* before it */
				break;
			default:
				add_plain(b);
				break;
			}
		}
		if (r < rows || rnd(2))
			ec_buf_adds(b, eol);
	}
	if (odd && rnd(4) == 0)
		ec_buf_adds(b, "\"never closed,");
}

/*
 * Sheets made from seed, of 1 to width fields, each checked against the
 * reader for a column picked at random.  Prints and returns through the
 * sheets scanned through, and how many records the scan gave.
 */
static void
sweep(uint64_t seed, size_t cases, unsigned width, size_t *through,
    size_t *emitted)
{
	struct ec_buf b = EC_BUF_INIT;

	*through = *emitted = 0;
	rng_state = seed;
	for (size_t i = 0; i < cases; i++) {
		int odd = i % 3 == 2;
		make_sheet(&b, 1 + rnd(width), odd);
		*through += agree(b.p, b.len, rnd(width), emitted);
	}
	print_message("%zu of %zu sheets through, %zu records\n", *through,
	    cases, *emitted);
	ec_buf_release(&b);
}

static void
test_random_sheets(void **state)
{
	size_t through, emitted, cases = 6000;

	(void)state;
	sweep(0x9e3779b97f4a7c15ULL, cases, 5, &through, &emitted);
	/* the scan has to do its work, not leave all of it to the reader */
	assert_true(through > cases / 2);	/* 3109 */
	assert_true(emitted > cases * 2);	/* 16209 */
}

/* The same sheets, each line looked at byte by byte: the same answers. */
static void
test_random_sheets_portable(void **state)
{
	size_t through, emitted, t2, e2;

	(void)state;
	sweep(0x9e3779b97f4a7c15ULL, 6000, 5, &through, &emitted);
	ec_scan_use_portable(1);
	sweep(0x9e3779b97f4a7c15ULL, 6000, 5, &t2, &e2);
	assert_int_equal(t2, through);
	assert_int_equal(e2, emitted);
	plain_bits = 60;
	sweep(0x2545f4914f6cdd1dULL, 3000, 8, &through, &emitted);
	plain_bits = 5;
	ec_scan_use_portable(0);
	assert_true(through > 3000 / 3);	/* 1423 */
}

/*
 * The same with fields up to 200 bytes: lines the scan looks at 32 bytes
 * a step, with line ends, quotes, CRs and the column's delimiters on
 * either side of each step's edge.
 */
static void
test_random_long_sheets(void **state)
{
	size_t through, emitted, cases = 3000;

	(void)state;
	plain_bits = 60;
	sweep(0x2545f4914f6cdd1dULL, cases, 8, &through, &emitted);
	plain_bits = 5;
	assert_true(through > cases / 3);	/* 1423 */
	assert_true(emitted > cases * 2);	/* 7905 */
}

static void
test_cases(void **state)
{
	static const struct {
		const char *text;
		size_t col;
		int through;
	} t[] = {
		{ "id,n\n1,a\n\n2,b\r\n\"3\",\"c\nd\"\n\"4\"\"\",e", 0, 1 },
		{ "\xef\xbb\xbfid,n\n1,a\n", 0, 1 },
		{ "id,n\n1,a\n2,b,c\n3\n4,d\n", 0, 1 },	/* widths */
		{ "id,n\n1,a\n2,b\"c\n3,d\n", 0, 0 },	/* a stray quote */
		{ "id,n\n1,a\r2,b\r", 0, 0 },		/* CR line ends */
		{ "id,n\n1,a\n\"2\n\",b\n", 0, 0 },	/* break in the column */
		{ "id,n\n1,a\n\"2\",\"b\n\"\n3,c\n", 1, 0 },
		{ "id,n\n1,a\n\"2\",\"b\n\"\n3,c\n", 0, 1 },
		{ "id,n\n1,\"a\n", 0, 0 },		/* never closed */
		{ "", 0, 0 },
		{ "id\n", 0, 1 },
		{ "id\n\n\n1\n", 0, 1 },
	};
	size_t emitted = 0;

	(void)state;
	for (size_t i = 0; i < EC_ARRAY_LEN(t); i++) {
		if (agree(t[i].text, strlen(t[i].text), t[i].col, &emitted) !=
		    t[i].through)
			fail_msg("case %zu: went through: %d", i, !t[i].through);
	}
}

/* Record k holds k; a note with a line break in every 1000th. */
static int
in_order(void *ctx, size_t line, const char *p, size_t n)
{
	size_t *k = ctx;
	char want[24];

	++*k;
	snprintf(want, sizeof want, "%zu", *k);
	if (n != strlen(want) || memcmp(p, want, n) != 0 ||
	    line != 1 + *k + (*k - 1) / 1000)
		fail_msg("record %zu: '%.*s' on line %zu", *k, (int)n, p, line);
	return 0;
}

/* Many reads' worth: records cut where a read ends, CRLF and LF mixed. */
static void
test_long_file(void **state)
{
	struct ec_buf b = EC_BUF_INIT;
	size_t stop, k = 0;
	int fd;

	(void)state;
	ec_buf_adds(&b, "id,name,note\n");
	for (int i = 1; i <= 200000; i++) {
		ec_buf_addf(&b, "%d,name %d,", i, i);
		if (i % 1000 == 0)
			ec_buf_adds(&b, "\"a, \"\"quoted\"\"\nnote\"");
		ec_buf_adds(&b, i % 7 ? "\n" : "\r\n");
	}
	fd = file_of(b.p, b.len);
	assert_int_equal(ec_scan_column(fd, ',', 3, 0, in_order, &k, &stop), 0);
	close(fd);
	assert_int_equal(k, 200000);
	ec_buf_release(&b);
}

/* A caller that stops at the 5000th cell: the scan stops with it. */
static int
stop_at_5000(void *ctx, size_t line, const char *p, size_t n)
{
	size_t *k = ctx;

	(void)line, (void)p, (void)n;
	if (++*k < 5000)
		return 0;
	errno = ENOSPC;
	return -1;
}

static void
test_caller_stops(void **state)
{
	struct ec_buf b = EC_BUF_INIT;
	size_t stop = 0, k = 0;
	int fd;

	(void)state;
	ec_buf_adds(&b, "id\n");
	for (int i = 1; i <= 100000; i++)
		ec_buf_addf(&b, "%d\n", i);
	fd = file_of(b.p, b.len);
	errno = 0;
	assert_int_equal(ec_scan_column(fd, ',', 1, 0, stop_at_5000, &k,
	    &stop), -1);
	assert_int_equal(errno, ENOSPC);
	assert_int_equal(k, 5000);
	close(fd);
	ec_buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_long_sheets),
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_random_sheets),
		cmocka_unit_test(test_random_sheets_portable),
		cmocka_unit_test(test_long_file),
		cmocka_unit_test(test_caller_stops),
	};

	return cmocka_run_group_tests_name("scan", tests, NULL, NULL);
}
