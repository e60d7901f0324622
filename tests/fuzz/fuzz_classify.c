/*
 * fuzz_classify.c - libFuzzer harness of elder-classify end to end: the
 * input, after one byte of options, is the census, classified with the
 * default policy (the one compiled in, examples/policy.yaml).
 *
 * The inputs go through the tools' own record loop (lib/filter.h) with
 * elder-classify's bind and record: a CSV reader of each input (from a
 * memfd), the sheet bound to the header, the classify columns owned, the
 * census checks reporting with ec_filter_problem to a diag on /dev/null,
 * the records written, or rejected to a rejects writer.  Where the tool
 * would exit, the loop returns, and the harness frees what it holds and
 * stops, so that LeakSanitizer sees every iteration whole.
 *
 *	option byte	bit 0: tab-separated (-d '\t')
 *			bit 1: -E gb18030
 *			bit 2: -l (left-behind people only)
 *			bit 3: --check
 *			bit 4: --rejects
 *			bit 5: two inputs, split at the first form feed
 *			bits 6-7: --as-of 2026-11-30, 2024-02-29,
 *			          1000-01-01, 9999-12-31
 *
 * Checked: every record read is written, rejected or not selected
 * (read = written + rejected + not selected, the contract's "nothing is
 * lost"); a record the checks reject had an error message; every
 * appended value of a record kept has its column's type and is written
 * as UTF-8; and the output, read again, is CSV of the header and one
 * record per record written, each as wide as the header.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "filter.h"
#include "fuzz.h"

static struct ec_policy *pol;
static FILE *devnull;
static int in_fd[2] = { -1, -1 }, out_fd = -1, null_fd = -1;

struct classify {
	struct ec_filter *f;
	struct ec_diag *diag;
	int left_only;
	int left_behind;
	int *append;
	size_t nappend;
	size_t nvalid;		/* valid records, written or not */
	struct ec_buf scratch;
};

/* elder-classify's bind, without its message on stderr. */
static int
bind(void *ctx, struct ec_sheet *s)
{
	struct classify *c = ctx;
	struct ec_buf msg = EC_BUF_INIT;
	size_t missing;

	for (size_t i = 0; i < c->nappend; i++)
		ec_sheet_own(s, c->append[i], NULL, NULL);
	missing = ec_sheet_missing(s, &c->f->pol->census, &msg);
	FUZZ_CHECK((missing > 0) == (msg.len > 0));
	ec_buf_release(&msg);
	return missing ? -1 : 0;
}

/* The values the loop is about to write: of their types, and UTF-8. */
static void
check_values(struct classify *c, struct ec_sheet *s)
{
	for (size_t i = 0; i < c->nappend; i++) {
		int col = c->append[i];
		struct ec_value v;
		ec_sheet_value(s, col, &v);
		FUZZ_CHECK(v.type ==
		    ec_coltype_value_type(c->f->pol->columns[col].type));
		if (!v.blank && v.type == EC_T_BOOL)
			FUZZ_CHECK(v.i == 0 || v.i == 1);
		ec_buf_reset(&c->scratch);
		ec_value_write(s, &v, &c->scratch);
		FUZZ_CHECK(fuzz_utf8_ok(c->scratch.p, c->scratch.len));
	}
}

/* elder-classify's record. */
static int
record(void *ctx, struct ec_sheet *s)
{
	struct classify *c = ctx;
	struct ec_value v;
	size_t before = c->diag->errors;
	int keep;

	if (ec_sheet_check(s, &c->f->pol->census, 1, ec_filter_problem,
	    c->f) > 0) {
		/* No record is rejected without a message. */
		FUZZ_CHECK(c->diag->errors > before);
		return -1;
	}
	c->nvalid++;
	keep = 1;
	if (c->left_only) {
		ec_sheet_value(s, c->left_behind, &v);
		keep = !v.blank && v.i;
	}
	if (keep && c->f->out)
		check_values(c, s);
	return keep;
}

/* The output read again: the header, then nwritten records as wide. */
static void
check_output(const struct ec_filter *f)
{
	struct ec_csv_reader *r;
	struct ec_csv_record *rec;
	enum ec_csv_status st;
	size_t n = 0, width = 0;
	struct ec_error err;

	/* Appended columns may make a record too long to read again. */
	int too_long = fuzz_fd_longest_record(out_fd) + 2 > EC_CSV_RECORD_MAX;

	FUZZ_CHECK(lseek(out_fd, 0, SEEK_SET) == 0);
	r = ec_csv_reader_new(out_fd, NULL, &err);
	FUZZ_CHECK(r != NULL);
	while ((st = ec_csv_next(r, &rec)) == EC_CSV_RECORD) {
		if (rec->error == EC_CSV_ERECORD_SIZE && too_long) {
			ec_csv_reader_free(r);
			return;
		}
		FUZZ_CHECK(rec->error == EC_CSV_OK);
		if (n++ == 0)
			width = rec->nfields;
		FUZZ_CHECK(rec->nfields == width);
	}
	FUZZ_CHECK(st == EC_CSV_EOF);
	FUZZ_CHECK(n == (f->first ? 1 + f->nwritten : 0));
	ec_csv_reader_free(r);
}

static int
memfd(const char *name)
{
	int fd = memfd_create(name, 0);

	FUZZ_CHECK(fd >= 0);
	return fd;
}

static void
fill_fd(int fd, const void *p, size_t n)
{
	FUZZ_CHECK(ftruncate(fd, 0) == 0);
	FUZZ_CHECK(n == 0 || pwrite(fd, p, n, 0) == (ssize_t)n);
	FUZZ_CHECK(lseek(fd, 0, SEEK_SET) == 0);
}

static void
init(void)
{
	struct ec_policy_error err;

	pol = ec_policy_load(ec_policy_default_text, ec_policy_default_len,
	    &err);
	FUZZ_CHECK(pol != NULL);
	devnull = fopen("/dev/null", "w");
	null_fd = open("/dev/null", O_WRONLY);
	FUZZ_CHECK(devnull && null_fd >= 0);
	in_fd[0] = memfd("census-1.csv");
	in_fd[1] = memfd("census-2.csv");
	out_fd = memfd("out.csv");
}

/* The inputs, split at the first form feed when two; how many. */
static size_t
fill_inputs(const uint8_t *in, size_t n, int two)
{
	const uint8_t *ff = two ? memchr(in, '\f', n) : NULL;
	size_t n1 = ff ? (size_t)(ff - in) : n;

	fill_fd(in_fd[0], in, n1);
	if (!ff)
		return 1;
	fill_fd(in_fd[1], in + n1 + 1, n - n1 - 1);
	return 2;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[2] = { "census-1.csv", "census-2.csv" };
	static const int days[4][3] = {
		{ 2026, 11, 30 }, { 2024, 2, 29 }, { 1000, 1, 1 }, { 9999, 12, 31 }
	};
	struct classify c;
	struct ec_filter f;
	struct ec_diag diag;
	struct ec_csv_writer out, rej;
	struct ec_error err;

	if (size < 1)
		return 0;
	if (!pol)
		init();

	uint8_t o = data[0];
	size_t nfiles = fill_inputs(data + 1, size - 1, o & 0x20);

	/* elder-classify's main: the options, then the policy's columns. */
	memset(&c, 0, sizeof c);
	ec_filter_init(&f, names);
	f.delim = o & 1 ? '\t' : ',';
	f.encoding = o & 2 ? "gb18030" : NULL;
	c.left_only = !!(o & 4);
	int check = !!(o & 8);
	FUZZ_CHECK(ec_date_from_ymd(days[o >> 6][0], days[o >> 6][1],
	    days[o >> 6][2], &f.asof) == 0);
	f.pol = pol;
	ec_diag_init(&diag, "elder-classify", devnull,
	    check ? 0 : EC_DIAG_CAP);
	f.diag = &diag;
	c.f = &f;
	c.diag = &diag;
	c.nappend = pol->nclassify;
	c.append = ec_xmalloc(c.nappend * sizeof *c.append);
	for (size_t i = 0; i < c.nappend; i++)
		c.append[i] = pol->classify[i].column;
	c.left_behind = ec_policy_column(pol, "left_behind");
	FUZZ_CHECK(c.left_behind >= 0);
	f.bind = bind;
	f.record = record;
	f.ctx = &c;
	f.append = c.append;
	f.nappend = c.nappend;

	/* tool_open_output, to a memfd (and the rejects to /dev/null). */
	FUZZ_CHECK(ftruncate(out_fd, 0) == 0);
	FUZZ_CHECK(lseek(out_fd, 0, SEEK_SET) == 0);
	if (!check) {
		ec_csv_writer_init(&out, out_fd);
		f.out = &out;
	}
	if (o & 0x10) {
		ec_csv_writer_init(&rej, null_fd);
		f.rej = &rej;
	}

	/* tool_run_inputs, stopping where the tool would exit. */
	enum ec_filter_status st = EC_FILTER_OK;
	for (size_t i = 0; i < nfiles && st == EC_FILTER_OK; i++)
		st = ec_filter_file(&f, in_fd[i], &err);
	/* Writes to a memfd and to /dev/null do not fail. */
	FUZZ_CHECK(st == EC_FILTER_OK || st == EC_FILTER_ERROR ||
	    st == EC_FILTER_REFUSED);
	if (st == EC_FILTER_ERROR)
		FUZZ_CHECK(err.msg[0] != '\0');

	/* Nothing is lost: every record read left one way or another. */
	FUZZ_CHECK(f.nread == f.nwritten + f.nrejected + f.nskipped +
	    (check ? c.nvalid : 0));
	FUZZ_CHECK(diag.errors >= f.nrejected);

	/* tool_finish, but for the files: the output read again. */
	if (f.out) {
		FUZZ_CHECK(ec_csv_writer_flush(&out) == 0);
		ec_csv_writer_release(&out);
		check_output(&f);
	}
	if (f.rej) {
		FUZZ_CHECK(ec_csv_writer_flush(&rej) == 0);
		ec_csv_writer_release(&rej);
	}
	ec_filter_release(&f);
	ec_buf_release(&c.scratch);
	free(c.append);
	return 0;
}
