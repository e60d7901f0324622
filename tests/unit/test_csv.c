/*
 * test_csv - the CSV reader and writer: RFC 4180, the conformance cases,
 * line numbers, malformed records and encodings, each input read again
 * with every read size from 1 byte to its length.
 */
#define _GNU_SOURCE		/* F_GETPIPE_SZ */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <csv.h>

#include "csv.h"

/*
 * Reads text as a file with at most k bytes per read(2) and renders the
 * records as "LINE:[f1][f2]" lines ("LINE!error:[...]" for a malformed
 * one, "FATAL LINE message" at the end when reading failed).
 */
static char *
render(const char *text, size_t len, size_t k, const char *enc, char delim)
{
	char path[] = "/tmp/test_csv.XXXXXX";
	int fd = mkstemp(path);
	struct ec_csv_options opt = { delim, enc, k };
	struct ec_buf out = EC_BUF_INIT;
	struct ec_csv_record *rec;
	enum ec_csv_status st;
	struct ec_error err;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	lseek(fd, 0, SEEK_SET);
	unlink(path);
	struct ec_csv_reader *r = ec_csv_reader_new(fd, &opt, &err);
	assert_non_null(r);
	while ((st = ec_csv_next(r, &rec)) == EC_CSV_RECORD) {
		ec_buf_addf(&out, "%zu", rec->line);
		if (rec->error)
			ec_buf_addf(&out, "!%d", (int)rec->error);
		ec_buf_addc(&out, ':');
		for (size_t i = 0; i < rec->nfields; i++) {
			ec_buf_addc(&out, '[');
			ec_buf_add(&out, rec->fields[i].p, rec->fields[i].n);
			ec_buf_addc(&out, ']');
		}
		ec_buf_addc(&out, '\n');
	}
	if (st == EC_CSV_FATAL) {
		size_t line;
		const char *m = ec_csv_reader_error(r, &line);
		ec_buf_addf(&out, "FATAL %zu %s\n", line, m);
	}
	ec_csv_reader_free(r);
	close(fd);
	if (!out.p)
		return strdup("");
	return out.p;
}

/* Every read size gives the expected records. */
static void
expect_enc(const char *text, size_t len, const char *want, const char *enc,
    char delim)
{
	char *got = render(text, len, 0, enc, delim);
	assert_string_equal(got, want);
	free(got);
	for (size_t k = 1; k <= len; k++) {
		got = render(text, len, k, enc, delim);
		if (strcmp(got, want) != 0)
			fail_msg("read size %zu: got\n%s\nwant\n%s", k, got, want);
		free(got);
	}
}

static void
expect(const char *text, const char *want)
{
	expect_enc(text, strlen(text), want, NULL, ',');
}

static void
test_simple(void **state)
{
	expect("a,b,c\n1,2,3\n", "1:[a][b][c]\n2:[1][2][3]\n");
	expect("a,b,c\r\n1,2,3\r\n", "1:[a][b][c]\n2:[1][2][3]\n");
	expect("a,b,c\n1,2,3", "1:[a][b][c]\n2:[1][2][3]\n");
	expect("a,b,c\r1,2,3\r", "1:[a][b][c]\n2:[1][2][3]\n");
	/*
	 * The line end is the first outside quotes: a CR the writer quoted
	 * in the first field is not the file's (found by fuzz_csv).
	 */
	expect("\"a\rb\",c\nd,e\n", "1:[a\rb][c]\n2:[d][e]\n");
	expect("\"a\nb\",c\rd,e\r", "1:[a\nb][c]\n2:[d][e]\n");
	/* a quote never closed: the first line end of any kind, as before */
	expect("\"a\rb,c\nd,e\n", "1!2:\n2:[b][c]\n2:[d][e]\n");
}

static void
test_empty(void **state)
{
	expect("", "");
	expect("a,b,c\n", "1:[a][b][c]\n");
	expect("a,b,c\n1,,\n2,3,4\n", "1:[a][b][c]\n2:[1][][]\n3:[2][3][4]\n");
	expect("a,b,c\r\n1,,\r\n2,3,4\r\n",
	    "1:[a][b][c]\n2:[1][][]\n3:[2][3][4]\n");
	expect("a,b\n\n\n1,2\n\n", "1:[a][b]\n4:[1][2]\n");
	expect("a\n\"\"\n", "1:[a]\n2:[]\n");
}

static void
test_quotes(void **state)
{
	expect("first,last,address,city,zip\n"
	    "John,Doe,120 any st.,\"Anytown, WW\",08123\n",
	    "1:[first][last][address][city][zip]\n"
	    "2:[John][Doe][120 any st.][Anytown, WW][08123]\n");
	expect("a,b\n1,\"ha \"\"ha\"\" ha\"\n3,4\n",
	    "1:[a][b]\n2:[1][ha \"ha\" ha]\n3:[3][4]\n");
	expect("key,val\n1,\"{\"\"type\"\": \"\"Point\"\"}\"\n",
	    "1:[key][val]\n2:[1][{\"type\": \"Point\"}]\n");
}

static void
test_newlines(void **state)
{
	expect("a,b,c\n1,2,3\n\"Once upon \na time\",5,6\n7,8,9\n",
	    "1:[a][b][c]\n2:[1][2][3]\n3:[Once upon \na time][5][6]\n"
	    "5:[7][8][9]\n");
	expect("a,b,c\r\n1,2,3\r\n\"Once upon \r\na time\",5,6\r\n7,8,9\r\n",
	    "1:[a][b][c]\n2:[1][2][3]\n3:[Once upon \r\na time][5][6]\n"
	    "5:[7][8][9]\n");
	expect("a,b\n1,\"ha \n\"\"ha\"\" \nha\"\n3,4\n",
	    "1:[a][b]\n2:[1][ha \n\"ha\" \nha]\n5:[3][4]\n");
}

static void
test_spaces_kept(void **state)
{
	expect(" a , b \n 1 ,\t2\t\n", "1:[ a ][ b ]\n2:[ 1 ][\t2\t]\n");
}

static void
test_utf8_and_bom(void **state)
{
	expect("a,b,c\n1,2,3\n4,5,\xca\xa4\n",
	    "1:[a][b][c]\n2:[1][2][3]\n3:[4][5][\xca\xa4]\n");
	expect("\xef\xbb\xbf\xe5\xa7\x93\xe5\x90\x8d,b\n\xe5\xbc\xa0,1\n",
	    "1:[\xe5\xa7\x93\xe5\x90\x8d][b]\n2:[\xe5\xbc\xa0][1]\n");
}

static void
test_bad_utf8(void **state)
{
	expect("a,b\n1,2\n3,\xff\n4,5\n",
	    "1:[a][b]\n2:[1][2]\n"
	    "FATAL 3 invalid UTF-8 (is the file GB18030? try -E gb18030)\n");
	/* GB18030 bytes read as UTF-8 */
	expect("a\n\xd5\xc5\xc8\xfd\n",
	    "1:[a]\n"
	    "FATAL 2 invalid UTF-8 (is the file GB18030? try -E gb18030)\n");
	/* a cut character at the end of the file */
	expect("a\n\xe5\xbc",
	    "1:[a]\n"
	    "FATAL 2 invalid UTF-8 (is the file GB18030? try -E gb18030)\n");
}

static void
test_gb18030(void **state)
{
	/* 张三 and a four-byte GB18030 sequence (U+20000) */
	static const char in[] = "\xd0\xd5\xc3\xfb,b\n\xd5\xc5\xc8\xfd,"
	    "\x95\x32\x82\x36\n";
	expect_enc(in, sizeof in - 1,
	    "1:[\xe5\xa7\x93\xe5\x90\x8d][b]\n"
	    "2:[\xe5\xbc\xa0\xe4\xb8\x89][\xf0\xa0\x80\x80]\n", "GB18030", ',');
	static const char bad[] = "a\n1\n\x81\x20\n";
	expect_enc(bad, sizeof bad - 1,
	    "1:[a]\n2:[1]\nFATAL 3 not valid GB18030 text (is the file UTF-8? then leave out -E)\n", "GB18030",
	    ',');
}

/* -d's argument: one byte, or \t for tab; never a quote, CR or LF. */
static void
test_parse_delim(void **state)
{
	assert_int_equal(ec_csv_parse_delim(";"), ';');
	assert_int_equal(ec_csv_parse_delim("\\t"), '\t');
	assert_int_equal(ec_csv_parse_delim("\t"), '\t');
	assert_int_equal(ec_csv_parse_delim("\xa3"), 0xa3);
	assert_int_equal(ec_csv_parse_delim(""), -1);
	assert_int_equal(ec_csv_parse_delim(";;"), -1);
	assert_int_equal(ec_csv_parse_delim("\""), -1);
	assert_int_equal(ec_csv_parse_delim("\n"), -1);
	assert_int_equal(ec_csv_parse_delim("\r"), -1);
}

static void
test_delimiter(void **state)
{
	static const char in[] = "a\tb\n1,2\t\"x\ty\"\n";
	expect_enc(in, sizeof in - 1, "1:[a][b]\n2:[1,2][x\ty]\n", NULL, '\t');
	static const char semi[] = "a;b\n1;2\n";
	expect_enc(semi, sizeof semi - 1, "1:[a][b]\n2:[1][2]\n", NULL, ';');
}

static void
test_malformed(void **state)
{
	/* a stray quote inside an unquoted field */
	expect("a,b\n1,2\"x\n3,4\n", "1:[a][b]\n2!1:[1]\n3:[3][4]\n");
	/* text after a closing quote */
	expect("a,b\n\"1\"x,2\n3,4\n", "1:[a][b]\n2!1:\n3:[3][4]\n");
	/* a quote never closed: reading goes on at the next line */
	expect("a,b\n\"x\n1,2\n3,4\n",
	    "1:[a][b]\n2!2:\n3:[1][2]\n4:[3][4]\n");
	expect("a,b\n1,\"x", "1:[a][b]\n2!2:[1]\n");
	/* a quote closed lines later by a quote in another record */
	expect("a,b\n\"x,y\n1,2\n3,\"4\n5,6\n",
	    "1:[a][b]\n2!1:\n3:[1][2]\n4!2:[3]\n5:[5][6]\n");
	/* only broken records: no field at all (found by fuzz_csv) */
	expect("\"1\"x\n", "1!1:\n");
	expect("\"1\"x", "1!1:\n");
}

/*
 * A CR or LF where a record would begin is skipped, also in a line with
 * no quote (found by fuzz_csv: the fields were taken one byte early).
 */
static void
test_stray_line_ends(void **state)
{
	expect("h\nb\r\rc\n", "1:[h]\n2:[b]\n2:[c]\n");
	expect("a,b\n\r1,2\n", "1:[a][b]\n2:[1][2]\n");
	expect("a,b\n\r\r1,2\n3,4\n", "1:[a][b]\n2:[1][2]\n3:[3][4]\n");
	/* CR line ends, then an LF at the start of a line */
	expect("a,b\rc,d\r\nx,y\r", "1:[a][b]\n2:[c][d]\n3:[x][y]\n");
}

static void
test_field_cap(void **state)
{
	size_t big = EC_CSV_FIELD_MAX + 10;
	char *in = malloc(big + 64);
	size_t n = 0;

	/* an unterminated quote followed by many lines */
	n += (size_t)sprintf(in, "a,b\n1,\"");
	for (size_t i = 0; n < big; i++)
		n += (size_t)sprintf(in + n, "line %zu,\n", i);
	n += (size_t)sprintf(in + n, "x,y\n");
	char *got = render(in, n, 0, NULL, ',');
	/* The broken record, then every line after it as a record of its own. */
	assert_memory_equal(got, "1:[a][b]\n2!3:[1]\n3:[line 1][]\n", 30);
	assert_non_null(strstr(got, ":[x][y]\n"));
	free(got);
	free(in);
}

/*
 * The reference: libcsv itself, as the reader sets it up (strict, spaces
 * kept), on the whole text at once; "[f1][f2]" lines, one per record.
 */
static int
keep_space(unsigned char c)
{
	return 0;
}

static void
ref_field(void *s, size_t len, void *data)
{
	struct ec_buf *b = data;

	ec_buf_addc(b, '[');
	ec_buf_add(b, s, len);
	ec_buf_addc(b, ']');
}

static void
ref_row(int c, void *data)
{
	ec_buf_addc(data, '\n');
}

static char *
reference(const char *text, size_t len)
{
	struct csv_parser p;
	struct ec_buf out = EC_BUF_INIT;

	csv_init(&p, CSV_STRICT | CSV_STRICT_FINI);
	csv_set_space_func(&p, keep_space);
	assert_int_equal(csv_parse(&p, text, len, ref_field, ref_row, &out),
	    len);
	assert_int_equal(csv_fini(&p, ref_field, ref_row, &out), 0);
	csv_free(&p);
	ec_buf_adds(&out, "");
	return out.p;
}

/*
 * Lines without quotes are split without libcsv: on random files of
 * delimiters, spaces, tabs and UTF-8 text, with LF, CRLF or CR line ends
 * and lone CRs, the reader gives the records libcsv gives, whatever the
 * read size.
 */
static void
test_plain_lines(void **state)
{
	static const char *const bits[] = {
		"a", "bc", ",", ",", " ", "\t", "\xe4\xb8\xad", "\r", NULL, NULL,
	};
	static const char *const ends[] = { "\n", "\r\n", "\r" };
	unsigned seed = 12345;

	for (int round = 0; round < 600; round++) {
		const char *end = ends[round % 3];
		char text[512];
		size_t len = 0;
		int n = (int)((seed = seed * 1103515245 + 12345) >> 16) % 80;
		for (int i = 0; i < n; i++) {
			seed = seed * 1103515245 + 12345;
			const char *b = bits[(seed >> 16) % EC_ARRAY_LEN(bits)];
			/* a lone CR ends a record in a file of CRLF or LF too */
			if (!b || (end[0] == '\r' && !end[1] && b[0] == '\r'))
				b = end;
			memcpy(text + len, b, strlen(b));
			len += strlen(b);
		}
		char *want = reference(text, len);
		for (size_t k = 0; k <= len; k += 1 + k / 4) {
			char *got = render(text, len, k, NULL, ',');
			/* drop the line numbers */
			struct ec_buf fields = EC_BUF_INIT;
			for (char *l = got; *l; ) {
				char *nl = strchr(l, '\n');
				char *colon = strchr(l, ':');
				assert_non_null(nl);
				if (!colon || colon > nl)
					fail_msg("round %d, read size %zu: %s",
					    round, k, got);
				ec_buf_add(&fields, colon + 1,
				    (size_t)(nl - colon));
				l = nl + 1;
			}
			ec_buf_adds(&fields, "");
			if (strcmp(fields.p, want) != 0)
				fail_msg("round %d, read size %zu: got\n%s\n"
				    "want\n%s", round, k, fields.p, want);
			ec_buf_release(&fields);
			free(got);
		}
		free(want);
	}
}

/*
 * The reader against libcsv on 3 MB of well-formed CSV: records of 1 to
 * 40 fields, of 700 bytes on average and up to 6 KB, quoted fields with
 * delimiters, doubled
 * quotes, CRs and LFs in them, LF or CRLF line ends.  Enough records to
 * fill many batches of the reading thread (1024 records or 512 KB),
 * handed over in the middle of records of every kind.
 */
static void
test_many_batches(void **state)
{
	static const char *const bits[] = {
		"a", "bc", "\xe4\xb8\xad\xe6\x96\x87", " ", "1234567890",
	};
	static const char *const qbits[] = {
		",", "\"\"", "\n", "\r\n", "x", "\xe5\xbc\xa0",
	};
	struct ec_buf in = EC_BUF_INIT;
	unsigned seed = 4242;
#define RND(n) ((seed = seed * 1103515245 + 12345) >> 16) % (n)

	for (int round = 0; round < 2; round++) {
		const char *end = round ? "\r\n" : "\n";
		ec_buf_reset(&in);
		while (in.len < 3 * 1024 * 1024) {
			int nf = 1 + (int)RND(40);
			/* now and then one long record */
			size_t big = RND(50) == 0 ? 6000 : 1400;
			for (int f = 0; f < nf; f++) {
				size_t want = RND(big / (size_t)nf + 2);
				int quoted = RND(4) == 0;
				if (f)
					ec_buf_addc(&in, ',');
				if (quoted)
					ec_buf_addc(&in, '"');
				for (size_t k = 0; k < want; ) {
					const char *b = quoted && RND(3) == 0 ?
					    qbits[RND(EC_ARRAY_LEN(qbits))] :
					    bits[RND(EC_ARRAY_LEN(bits))];
					ec_buf_adds(&in, b);
					k += strlen(b);
				}
				if (quoted)
					ec_buf_addc(&in, '"');
				else if (want == 0 && nf == 1)
					ec_buf_addc(&in, 'z');	/* no blank line */
			}
			ec_buf_adds(&in, end);
		}
		char *want = reference(in.p, in.len);
		const size_t sizes[] = { 0, 65537 };
		for (size_t k = (size_t)round; k < 2; k += 2) {
			char *got = render(in.p, in.len, sizes[k], NULL, ',');
			struct ec_buf fields = EC_BUF_INIT;
			for (char *l = got; *l; ) {
				char *colon = strchr(l, ':');
				assert_non_null(colon);
				if (strchr(l, '!') && strchr(l, '!') < colon)
					fail_msg("round %d: a record refused: %.80s",
					    round, l);
				/* to the end of this record's fields */
				char *e = colon + 1;
				while (*e == '[') {
					e = strchr(e, ']');
					/* a ']' inside a field: none in bits */
					e++;
				}
				assert_true(*e == '\n');
				ec_buf_add(&fields, colon + 1, (size_t)(e - colon));
				l = e + 1;
			}
			ec_buf_adds(&fields, "");
			if (strcmp(fields.p, want) != 0)
				fail_msg("round %d, read size %zu: the records "
				    "differ from libcsv's", round, sizes[k]);
			ec_buf_release(&fields);
			free(got);
		}
		free(want);
	}
#undef RND
	ec_buf_release(&in);
}

/*
 * A line that cannot be a record is refused before it is all read, and
 * the records after it are read: a field of 3 MiB with no delimiter, a
 * line of 65 MiB of short fields, each whole or begun inside a quote.
 */
static void
test_long_line(void **state)
{
	size_t big = 3 * EC_CSV_FIELD_MAX, huge = EC_CSV_RECORD_MAX + 4096;
	char *in = malloc(huge + 64), *got;
	size_t n;
	const size_t sizes[] = { 0, 4096, 65537, 1000003 };

	for (size_t k = 0; k < EC_ARRAY_LEN(sizes); k++) {
		n = (size_t)sprintf(in, "a,b\n1,");
		memset(in + n, 'x', big);
		n += big;
		n += (size_t)sprintf(in + n, "\n2,3\n");
		got = render(in, n, sizes[k], NULL, ',');
		assert_string_equal(got, "1:[a][b]\n2!3:\n3:[2][3]\n");
		free(got);
		/* The same at the end of the file, without a line end. */
		got = render(in, n - 5, sizes[k], NULL, ',');
		assert_string_equal(got, "1:[a][b]\n2!3:\n");
		free(got);
	}
	/*
	 * The first line refused before its end was seen: the line end is
	 * looked for again in what comes after it (this once spun for ever
	 * on the last CR).  The alarm turns a hang into a failure.
	 */
	alarm(60);
	static const char *const ends[] = { "\r", "\n", "\r\n" };
	for (size_t e = 0; e < EC_ARRAY_LEN(ends); e++) {
		for (size_t k = 0; k < EC_ARRAY_LEN(sizes); k++) {
			n = (size_t)sprintf(in, "a,");
			memset(in + n, 'x', big);
			n += big;
			n += (size_t)sprintf(in + n, ",b%s1,2%s3,4%s", ends[e],
			    ends[e], ends[e]);
			got = render(in, n, sizes[k], NULL, ',');
			assert_string_equal(got,
			    "1!3:\n2:[1][2]\n3:[3][4]\n");
			free(got);
		}
	}
	alarm(0);
	/*
	 * The line refused, then in the part of it skipped a GB18030
	 * character cut off by the end of the file: the error names the
	 * line (it once named the next).
	 */
	for (size_t k = 0; k < EC_ARRAY_LEN(sizes); k++) {
		n = (size_t)sprintf(in, "a,");
		memset(in + n, 'x', big);
		n += big;
		n += (size_t)sprintf(in + n, "\x81");
		got = render(in, n, sizes[k], "gb18030", ',');
		assert_string_equal(got, "1!3:\nFATAL 1 not valid GB18030 text "
		    "(is the file UTF-8? then leave out -E)\n");
		free(got);
	}
	/* Begun inside a quote: the record, then its second line alone. */
	n = (size_t)sprintf(in, "a,b\n1,\"y\n");
	memset(in + n, 'x', big);
	n += big;
	n += (size_t)sprintf(in + n, "\n2,3\n");
	got = render(in, n, 0, NULL, ',');
	assert_string_equal(got, "1:[a][b]\n2!3:[1]\n3!3:\n4:[2][3]\n");
	free(got);
	/* Short fields, too many bytes. */
	n = (size_t)sprintf(in, "a,b\n");
	while (n < huge)
		n += (size_t)sprintf(in + n, "x,");
	n += (size_t)sprintf(in + n, "\n2,3\n");
	got = render(in, n, 0, NULL, ',');
	assert_string_equal(got, "1:[a][b]\n2!4:\n3:[2][3]\n");
	free(got);
	free(in);
}

/*
 * A field of EC_CSV_FIELD_MAX bytes is read, one byte more is refused,
 * wherever it stands: quoted or not, before a delimiter, a line end or
 * the end of the file (libcsv needs more room for some than others).
 */
static void
test_field_max(void **state)
{
	static const char *const ends[] = { ",z\n", "\n", "" };
	size_t max = EC_CSV_FIELD_MAX;
	char *in = malloc(max + 64), *got;

	for (int quoted = 0; quoted < 2; quoted++) {
		for (size_t e = 0; e < EC_ARRAY_LEN(ends); e++) {
			for (size_t extra = 0; extra < 2; extra++) {
				size_t n = (size_t)sprintf(in, "a\n%s",
				    quoted ? "\"" : "");
				memset(in + n, 'x', max + extra);
				n += max + extra;
				n += (size_t)sprintf(in + n, "%s%s2\n",
				    quoted ? "\"" : "", ends[e]);
				if (!*ends[e])	/* the field ends the file */
					n -= 2;
				got = render(in, n, 0, NULL, ',');
				struct ec_buf want = EC_BUF_INIT;
				ec_buf_adds(&want, "1:[a]\n");
				if (extra) {
					ec_buf_adds(&want, "2!3:");
				} else {
					ec_buf_adds(&want, "2:[");
					ec_buf_add(&want, in + n - max -
					    (quoted ? 1 : 0) - strlen(ends[e]) -
					    (*ends[e] ? 2 : 0), max);
					ec_buf_adds(&want, "]");
				}
				if (e == 0 && !extra)
					ec_buf_adds(&want, "[z]");
				ec_buf_adds(&want, "\n");
				if (*ends[e])
					ec_buf_adds(&want, "3:[2]\n");
				/*
				 * Refused, the record keeps what was read of
				 * its fields, or none: what follows "2!3:"
				 * up to the next record is not compared.
				 */
				int same = strcmp(got, want.p) == 0;
				if (extra) {
					const char *next = strstr(got, "\n3:");
					size_t head = strlen("1:[a]\n2!3:");
					same = strncmp(got, want.p, head) == 0 &&
					    (*ends[e] ? next &&
					    strcmp(next, "\n3:[2]\n") == 0 :
					    !next);
				}
				if (!same)
					fail_msg("quoted %d, end %zu, %zu more: "
					    "%.60s", quoted, e, extra, got);
				ec_buf_release(&want);
				free(got);
			}
		}
	}
	free(in);
}

/*
 * Records of lines long enough to fill a batch while a record begun on
 * one line goes on to the next: the batch is handed over in the middle
 * of the record, whose fields move to the next batch.  (They once moved
 * counted from the old batch's row, and the record came out refused as
 * having too many fields.)
 */
static void
test_record_across_batches(void **state)
{
	struct ec_buf in = EC_BUF_INIT, want = EC_BUF_INIT;
	size_t line = 2;

	ec_buf_adds(&in, "a,b,c\n");
	ec_buf_adds(&want, "1:[a][b][c]\n");
	for (int i = 0; i < 3000; i++) {
		char num[16], pad[1024];
		size_t w = 300 + (size_t)(i * 37 % 700);
		snprintf(num, sizeof num, "%d", i);
		memset(pad, 'y', w);
		pad[w] = '\0';
		ec_buf_addf(&in, "%s,%s,\"one\ntwo %s\"\n", num, pad, num);
		ec_buf_addf(&want, "%zu:[%s][%s][one\ntwo %s]\n", line, num,
		    pad, num);
		line += 2;
	}
	char *got = render(in.p, in.len, 0, NULL, ',');
	assert_string_equal(got, want.p);
	free(got);
	got = render(in.p, in.len, 4096, NULL, ',');
	assert_string_equal(got, want.p);
	free(got);
	ec_buf_release(&in);
	ec_buf_release(&want);
}

/* At most EC_CSV_FIELDS_MAX fields, in the header as in any record. */
static void
test_field_count(void **state)
{
	size_t n = 0;
	char *in = malloc(5 * EC_CSV_FIELDS_MAX + 64);
	char path[] = "/tmp/test_csvn.XXXXXX";
	int fd = mkstemp(path);
	struct ec_csv_record *rec;
	struct ec_error err;

	for (size_t i = 0; i < EC_CSV_FIELDS_MAX; i++)
		n += (size_t)sprintf(in + n, "%sa", i ? "," : "");
	n += (size_t)sprintf(in + n, "\n");
	for (size_t i = 0; i <= EC_CSV_FIELDS_MAX; i++)
		n += (size_t)sprintf(in + n, "%sb", i ? "," : "");
	n += (size_t)sprintf(in + n, "\nc\n");
	assert_true(fd >= 0);
	assert_int_equal(write(fd, in, n), (ssize_t)n);
	lseek(fd, 0, SEEK_SET);
	unlink(path);
	struct ec_csv_reader *r = ec_csv_reader_new(fd, NULL, &err);
	assert_int_equal(ec_csv_next(r, &rec), EC_CSV_RECORD);
	assert_int_equal(rec->error, EC_CSV_OK);
	assert_int_equal(rec->nfields, EC_CSV_FIELDS_MAX);
	assert_int_equal(ec_csv_next(r, &rec), EC_CSV_RECORD);
	assert_int_equal(rec->line, 2);
	assert_int_equal(rec->error, EC_CSV_EFIELD_COUNT);
	assert_int_equal(ec_csv_next(r, &rec), EC_CSV_RECORD);
	assert_int_equal(rec->line, 3);
	assert_int_equal(rec->nfields, 1);
	assert_int_equal(ec_csv_next(r, &rec), EC_CSV_EOF);
	ec_csv_reader_free(r);
	close(fd);
	free(in);
}

static void
test_writer(void **state)
{
	char path[] = "/tmp/test_csvw.XXXXXX";
	int fd = mkstemp(path);
	struct ec_csv_writer w;
	char buf[256];

	ec_csv_writer_init(&w, fd);
	ec_csv_write_field(&w, "plain", 5);
	ec_csv_write_field(&w, "a,b", 3);
	ec_csv_write_field(&w, "say \"hi\"", 8);
	ec_csv_write_field(&w, "two\nlines", 9);
	ec_csv_write_field(&w, "cr\r", 3);
	ec_csv_write_field(&w, " sp ", 4);
	ec_csv_write_field(&w, "", 0);
	ec_csv_end_record(&w);
	ec_csv_write_field(&w, "", 0);
	ec_csv_end_record(&w);
	assert_int_equal(ec_csv_writer_flush(&w), 0);
	ec_csv_writer_release(&w);
	lseek(fd, 0, SEEK_SET);
	ssize_t n = read(fd, buf, sizeof buf - 1);
	buf[n] = '\0';
	assert_string_equal(buf, "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\","
	    "\"cr\r\", sp ,\n\"\"\n");
	close(fd);
	unlink(path);
}

/* A field quoted into a buffer is quoted as the writer quotes it. */
static void
test_quote_field(void **state)
{
	static const char *const fields[] = {
		"plain", "a,b", "say \"hi\"", "two\nlines", "cr\r", " sp ", "",
		"\xef\xbb\xbf" "bom",
	};
	char path[] = "/tmp/test_csvq.XXXXXX";
	int fd = mkstemp(path);
	struct ec_csv_writer w;
	struct ec_buf b = EC_BUF_INIT;
	char buf[256];

	assert_true(fd >= 0);
	unlink(path);
	ec_csv_writer_init(&w, fd);
	for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
		if (i)
			ec_buf_addc(&b, ',');
		ec_csv_write_field(&w, fields[i], strlen(fields[i]));
		ec_csv_quote_field(&b, fields[i], strlen(fields[i]));
	}
	assert_int_equal(ec_csv_writer_flush(&w), 0);
	ec_csv_writer_release(&w);
	assert_int_equal(pread(fd, buf, sizeof buf, 0), (ssize_t)b.len);
	assert_memory_equal(buf, b.p, b.len);
	ec_buf_release(&b);
	close(fd);
}

/* A field starting with a BOM is quoted: at the start of a file, a
 * reader would take it for the file's BOM and drop it. */
static void
test_writer_bom(void **state)
{
	char path[] = "/tmp/test_csvb.XXXXXX";
	int fd = mkstemp(path);
	struct ec_csv_writer w;
	char buf[64];

	ec_csv_writer_init(&w, fd);
	ec_csv_write_field(&w, "\xef\xbb\xbfid", 5);
	ec_csv_write_field(&w, "x\xef\xbb\xbf", 4);
	ec_csv_end_record(&w);
	assert_int_equal(ec_csv_writer_flush(&w), 0);
	ec_csv_writer_release(&w);
	lseek(fd, 0, SEEK_SET);
	ssize_t n = read(fd, buf, sizeof buf - 1);
	buf[n] = '\0';
	assert_string_equal(buf, "\"\xef\xbb\xbfid\",x\xef\xbb\xbf\n");
	char *got = render(buf, (size_t)n, 0, NULL, ',');
	assert_string_equal(got, "1:[\xef\xbb\xbfid][x\xef\xbb\xbf]\n");
	free(got);
	close(fd);
	unlink(path);
}

/* Exact bytes of fields quoted in memory, after what a buffer held. */
static void
test_quote(void **state)
{
	static const char *const fields[] = {
		"plain", "a,b", "say \"hi\"", "two\nlines", "cr\r", " sp ", "",
		"\xef\xbb\xbfid", "x\xef\xbb\xbf",
	};
	static const char *const want[] = {
		"plain", "\"a,b\"", "\"say \"\"hi\"\"\"", "\"two\nlines\"",
		"\"cr\r\"", " sp ", "", "\"\xef\xbb\xbfid\"", "x\xef\xbb\xbf",
	};
	struct ec_buf b = EC_BUF_INIT;

	for (size_t i = 0; i < EC_ARRAY_LEN(fields); i++) {
		ec_buf_reset(&b);
		ec_buf_adds(&b, "<");
		ec_csv_quote_field(&b, fields[i], strlen(fields[i]));
		assert_int_equal(b.len, strlen(want[i]) + 1);
		assert_string_equal(b.p + 1, want[i]);
	}
	ec_buf_release(&b);
}

/* Which records say they are their line cut at the delimiters. */
static void
test_plain(void **state)
{
	static const char text[] = "a,b\n\"x\",y\nc,\"d\ne\"\n\r\nf, g\r\nh\n";
	char path[] = "/tmp/test_csvp.XXXXXX";
	int fd = mkstemp(path);
	struct ec_csv_options opt = { ',', NULL, 0 };
	struct ec_buf out = EC_BUF_INIT;
	struct ec_csv_record *rec;
	struct ec_error err;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, sizeof text - 1),
	    (ssize_t)sizeof text - 1);
	lseek(fd, 0, SEEK_SET);
	unlink(path);
	struct ec_csv_reader *r = ec_csv_reader_new(fd, &opt, &err);
	assert_non_null(r);
	while (ec_csv_next(r, &rec) == EC_CSV_RECORD) {
		ec_buf_addf(&out, "%zu:%d", rec->line, rec->plain);
		if (rec->plain)
			ec_buf_addf(&out, "[%.*s]", (int)rec->raw_len, rec->raw);
		ec_buf_addc(&out, ' ');
	}
	assert_string_equal(out.p, "1:1[a,b] 2:0 3:0 6:1[f, g] 7:1[h] ");
	ec_buf_release(&out);
	ec_csv_reader_free(r);
	close(fd);
}

static void
test_writer_full(void **state)
{
	struct ec_csv_writer w;
	int fd = open("/dev/full", O_WRONLY);

	if (fd < 0)
		skip();
	ec_csv_writer_init(&w, fd);
	ec_csv_write_field(&w, "x", 1);
	ec_csv_end_record(&w);
	assert_int_equal(ec_csv_writer_flush(&w), -1);
	assert_int_not_equal(w.err, 0);
	ec_csv_writer_release(&w);
	close(fd);
}

/*
 * A pipe the writer writes to, or the reader reads, is grown to 1 MiB
 * (or as far as /proc/sys/fs/pipe-max-size lets it), so that a tool and
 * the next in a pipeline take turns at every 1 MiB, not every 64 KiB.
 */
static void
test_pipe_grown(void **state)
{
#ifdef F_GETPIPE_SZ
	FILE *f = fopen("/proc/sys/fs/pipe-max-size", "r");
	long max = 0;
	int a[2], b[2];
	struct ec_error err;

	if (!f || fscanf(f, "%ld", &max) != 1) {
		if (f)
			fclose(f);
		skip();
	}
	fclose(f);
	long want = max < 1024 * 1024 ? max : 1024 * 1024;
	assert_int_equal(pipe(a), 0);
	assert_int_equal(pipe(b), 0);
	struct ec_csv_writer w;
	ec_csv_writer_init(&w, a[1]);
	assert_int_equal(fcntl(a[1], F_GETPIPE_SZ), want);
	ec_csv_writer_release(&w);
	close(b[1]);	/* the reader meets EOF at once */
	struct ec_csv_reader *r = ec_csv_reader_new(b[0], NULL, &err);
	assert_non_null(r);
	assert_int_equal(fcntl(b[0], F_GETPIPE_SZ), want);
	ec_csv_reader_free(r);
	close(a[0]);
	close(a[1]);
	close(b[0]);
#else
	skip();
#endif
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simple),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_quotes),
		cmocka_unit_test(test_newlines),
		cmocka_unit_test(test_spaces_kept),
		cmocka_unit_test(test_utf8_and_bom),
		cmocka_unit_test(test_bad_utf8),
		cmocka_unit_test(test_gb18030),
		cmocka_unit_test(test_delimiter),
		cmocka_unit_test(test_parse_delim),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_stray_line_ends),
		cmocka_unit_test(test_field_cap),
		cmocka_unit_test(test_plain_lines),
		cmocka_unit_test(test_many_batches),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_field_max),
		cmocka_unit_test(test_record_across_batches),
		cmocka_unit_test(test_field_count),
		cmocka_unit_test(test_writer),
		cmocka_unit_test(test_quote_field),
		cmocka_unit_test(test_writer_full),
		cmocka_unit_test(test_writer_bom),
		cmocka_unit_test(test_quote),
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_pipe_grown),
	};
	return cmocka_run_group_tests_name("csv", tests, NULL, NULL);
}
