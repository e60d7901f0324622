/*
 * fuzz_scan.c - libFuzzer harness of the column scan (lib/scan.h)
 * against the CSV reader (lib/csv.h), which it must agree with.
 *
 * Byte 0 chooses the delimiter (bits 0-1: , TAB ; |) and the column
 * (bits 2-4); the rest is a UTF-8 file.  The reader reads it all and
 * keeps, of each record after the header that is well formed and as wide
 * as the header, its line and that column's field.  The scan must give
 * exactly those, in order, up to the line where it stopped (or to the
 * end, when it did not stop), and up to the reader's last record when
 * the reader stopped at bytes that are not UTF-8 (the tools stop there).
 */
#define _GNU_SOURCE
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "csv.h"
#include "fuzz.h"
#include "scan.h"
#include "util.h"

struct cells {
	size_t n, cap;
	size_t *line;
	struct ec_buf *text;
};

static int
keep(void *ctx, size_t line, const char *p, size_t n)
{
	struct cells *c = ctx;

	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		c->line = ec_xrealloc(c->line, c->cap * sizeof *c->line);
		c->text = ec_xrealloc(c->text, c->cap * sizeof *c->text);
	}
	c->line[c->n] = line;
	memset(&c->text[c->n], 0, sizeof c->text[c->n]);
	ec_buf_add(&c->text[c->n], p, n);
	c->n++;
	return 0;
}

static void
cells_free(struct cells *c)
{
	for (size_t i = 0; i < c->n; i++)
		ec_buf_release(&c->text[i]);
	free(c->line);
	free(c->text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char delims[] = { ',', '\t', ';', '|' };
	struct ec_csv_options opt = { ',', NULL, 0 };
	struct ec_csv_reader *r;
	struct ec_csv_record *rec;
	struct cells want = { 0 }, got = { 0 };
	enum ec_csv_status st;
	size_t col, nheader, stop = 0, last;
	char err[256];
	int fd, rc;

	if (size < 1)
		return 0;
	opt.delim = delims[data[0] & 3];
	col = (data[0] >> 2) & 7;
	if ((fd = memfd_create("fuzz_scan", 0)) < 0)
		return 0;
	FUZZ_CHECK(write(fd, data + 1, size - 1) == (ssize_t)(size - 1));
	FUZZ_CHECK(lseek(fd, 0, SEEK_SET) == 0);

	r = ec_csv_reader_new(fd, &opt, err, sizeof err);
	FUZZ_CHECK(r != NULL);
	if (ec_csv_next(r, &rec) != EC_CSV_RECORD || rec->error) {
		ec_csv_reader_free(r);
		close(fd);
		return 0;
	}
	nheader = rec->nfields;
	last = rec->line;
	if (col >= nheader)
		col = nheader - 1;
	while ((st = ec_csv_next(r, &rec)) == EC_CSV_RECORD) {
		last = rec->line;
		if (!rec->error && rec->nfields == nheader)
			keep(&want, rec->line, rec->fields[col].p,
			    rec->fields[col].n);
	}
	ec_csv_reader_free(r);

	FUZZ_CHECK(lseek(fd, 0, SEEK_SET) == 0);
	rc = ec_scan_column(fd, opt.delim, nheader, col, keep, &got, &stop);
	close(fd);
	FUZZ_CHECK(rc == 0 || rc == 1);
	size_t limit = rc == 1 ? stop : (size_t)-1;
	/*
	 * Bytes that are not UTF-8: the reader stops, and the tools with it,
	 * after its last record; the scan goes on (what it finds past that
	 * point is never asked about).
	 */
	if (st == EC_CSV_FATAL && last + 1 < limit)
		limit = last + 1;
	size_t nw = 0, ng = 0;
	while (nw < want.n && want.line[nw] < limit)
		nw++;
	while (ng < got.n && got.line[ng] < limit)
		ng++;
	FUZZ_CHECK(nw == ng);
	for (size_t i = 0; i < nw; i++) {
		FUZZ_CHECK(got.line[i] == want.line[i]);
		FUZZ_CHECK(got.text[i].len == want.text[i].len);
		FUZZ_CHECK(want.text[i].len == 0 || memcmp(got.text[i].p,
		    want.text[i].p, want.text[i].len) == 0);
	}
	cells_free(&want);
	cells_free(&got);
	return 0;
}
