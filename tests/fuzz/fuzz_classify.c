/*
 * fuzz_classify.c - libFuzzer harness of elder-classify end to end: the
 * input, after one byte of options, is the census, classified with the
 * default policy (the one compiled in, examples/policy.yaml).
 *
 * elder-classify's main exits on every fatal problem (no header, a
 * missing column, a bad encoding), so the harness drives the same
 * library calls in the same order as cmd/common.c's run_file with
 * elder-classify's bind and record: a CSV reader of the input (from a
 * memfd), the sheet bound to the header, the classify columns owned, the
 * census checks with tool_problem (from cmd/common.c) reporting to a
 * diag on /dev/null, the records written, or rejected to a rejects
 * writer.  Where the tool would exit, the harness frees what it holds
 * and stops, so that LeakSanitizer sees every iteration whole.
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
 * lost"); a rejected record had an error message; every appended value
 * has its column's type and is written as UTF-8; and the output, read
 * again, is CSV of the header and one record per record written, each
 * as wide as the header.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common.h"
#include "fuzz.h"
#include "idset.h"

static struct ec_policy *pol;
static FILE *devnull;
static int in_fd[2] = { -1, -1 }, out_fd = -1, null_fd = -1;

struct classify {
	int left_only;
	int left_behind;
	int *append;
	size_t nappend;
};

struct run {
	struct tool t;
	struct classify c;
	const struct filter *f;
	char **first;
	size_t first_n;
	size_t nvalid;		/* valid records, written or not */
};

/* elder-classify's bind, without its message on stderr. */
static int
bind(struct tool *t, struct ec_sheet *s)
{
	struct classify *c = t->ctx;
	struct ec_buf msg = EC_BUF_INIT;
	size_t missing;

	for (size_t i = 0; i < c->nappend; i++)
		ec_sheet_own(s, c->append[i], NULL, NULL);
	missing = ec_sheet_missing(s, &t->pol->census, &msg);
	FUZZ_CHECK((missing > 0) == (msg.len > 0));
	ec_buf_release(&msg);
	return missing ? -1 : 0;
}

/* elder-classify's record. */
static int
record(struct tool *t, struct ec_sheet *s)
{
	struct classify *c = t->ctx;
	struct ec_value v;

	if (ec_sheet_check(s, &t->pol->census, 1, tool_problem, t) > 0)
		return -1;
	if (!c->left_only)
		return 1;
	ec_sheet_value(s, c->left_behind, &v);
	return !v.blank && v.i;
}

/* The rest is cmd/common.c's, where it is static. */

static void
write_header(struct tool *t, const struct filter *f, struct ec_sheet *s,
    const struct ec_csv_record *h)
{
	if (t->rej_open) {
		ec_csv_write_fields(&t->rej, h->fields, h->nfields);
		ec_csv_write_field(&t->rej, "_line", 5);
		ec_csv_write_field(&t->rej, "_errors", 7);
		ec_csv_end_record(&t->rej);
	}
	if (t->check || t->own_output)
		return;
	for (size_t i = 0; i < h->nfields; i++)
		if (!s->drop[i])
			ec_csv_write_field(&t->out, h->fields[i].p, h->fields[i].n);
	for (size_t i = 0; i < f->nappend; i++) {
		const char *name = t->pol->columns[f->append[i]].name;
		ec_csv_write_field(&t->out, name, strlen(name));
	}
	ec_csv_end_record(&t->out);
}

static void
reject(struct tool *t, const struct ec_csv_record *rec)
{
	char line[24];

	t->nrejected++;
	t->file_invalid++;
	if (t->status < EXIT_DATA)
		t->status = EXIT_DATA;
	if (!t->rej_open)
		return;
	if (rec->error && rec->raw) {
		ec_csv_write_field(&t->rej, rec->raw, rec->raw_len);
	} else {
		ec_csv_write_fields(&t->rej, rec->fields, rec->nfields);
	}
	ec_csv_write_field(&t->rej, line, ec_fmt_int(line, (int64_t)rec->line));
	ec_csv_write_field(&t->rej, t->errors.p ? t->errors.p : "",
	    t->errors.len);
	ec_csv_end_record(&t->rej);
	FUZZ_CHECK(t->rej.err == 0);
}

static void
record_problem(struct tool *t, const char *kind, const char *msg)
{
	struct ec_problem p = { EC_ERROR, kind, -1, msg };

	tool_problem(t, &p);
}

static void
write_record(struct tool *t, const struct filter *f, struct ec_sheet *s,
    const struct ec_csv_record *rec, struct ec_buf *scratch, int keep_all)
{
	if (keep_all && rec->raw && t->delim == ',' &&
	    !memchr(rec->raw, '"', rec->raw_len)) {
		ec_csv_write_raw(&t->out, rec->raw, rec->raw_len);
		t->out.nfields = (int)rec->nfields;
		t->out.last_empty = 0;
	} else {
		for (size_t i = 0; i < rec->nfields; i++)
			if (!s->drop[i])
				ec_csv_write_field(&t->out, rec->fields[i].p,
				    rec->fields[i].n);
	}
	for (size_t i = 0; i < f->nappend; i++) {
		int col = f->append[i];
		struct ec_value v;
		ec_sheet_value(s, col, &v);
		FUZZ_CHECK(v.type ==
		    ec_coltype_value_type(t->pol->columns[col].type));
		if (!v.blank && v.type == EC_T_BOOL)
			FUZZ_CHECK(v.i == 0 || v.i == 1);
		ec_buf_reset(scratch);
		ec_value_write(s, &v, scratch);
		FUZZ_CHECK(fuzz_utf8_ok(scratch->p, scratch->len));
		ec_csv_write_field(&t->out, scratch->p ? scratch->p : "",
		    scratch->len);
	}
	ec_csv_end_record(&t->out);
	FUZZ_CHECK(t->out.err == 0);
}

/*
 * run_file: 0 when the file was read to its end, -1 where elder-classify
 * would have exited with status 2.
 */
static int
run_file(struct run *u, int fd)
{
	struct tool *t = &u->t;
	const struct filter *f = u->f;
	struct ec_csv_options opt = { t->delim, t->encoding, 0 };
	struct ec_csv_record *rec;
	struct ec_sheet sheet;
	struct ec_buf scratch = EC_BUF_INIT;
	enum ec_csv_status st;
	char err[512];
	int rc = -1;

	t->file = t->names[t->file_no];
	struct ec_csv_reader *r = ec_csv_reader_new(fd, &opt, err, sizeof err);
	FUZZ_CHECK(r != NULL);
	st = ec_csv_next(r, &rec);
	if (st != EC_CSV_RECORD || rec->error) {
		ec_csv_reader_free(r);
		return -1;
	}

	ec_sheet_init(&sheet, t->pol, t->asof);
	ec_sheet_share_seen(&sheet, t->seen, t->file_no, t->names);
	if (ec_sheet_bind(&sheet, rec, err, sizeof err) != 0)
		goto out;
	t->sheet = &sheet;
	t->rec = rec;
	if (f->bind(t, &sheet) != 0)
		goto out;
	if (tool_check_width(t, f, &sheet, rec, err, sizeof err) != 0)
		goto out;
	if (!u->first) {
		u->first = ec_xcalloc(rec->nfields, sizeof *u->first);
		for (size_t i = 0; i < rec->nfields; i++)
			u->first[i] = ec_xmemdup(rec->fields[i].p,
			    rec->fields[i].n);
		u->first_n = rec->nfields;
		write_header(t, f, &sheet, rec);
	} else if (!tool_same_header(u->first, u->first_n, rec)) {
		goto out;
	}

	size_t nheader = rec->nfields;
	int keep_all = 1;
	for (size_t i = 0; i < nheader; i++)
		keep_all &= !sheet.drop[i];
	while ((st = ec_csv_next(r, &rec)) == EC_CSV_RECORD) {
		size_t errors_before = t->diag.errors;
		t->rec = rec;
		t->rec_errors = 0;
		ec_buf_reset(&t->errors);
		t->nread++;
		t->file_records++;
		if (rec->error) {
			record_problem(t, "csv", ec_csv_rec_strerror(rec->error));
			reject(t, rec);
			continue;
		}
		if (rec->nfields != nheader) {
			char msg[120];
			snprintf(msg, sizeof msg, "record has %zu field%s, the "
			    "header has %zu", rec->nfields,
			    rec->nfields == 1 ? "" : "s", nheader);
			record_problem(t, "fields", msg);
			reject(t, rec);
			continue;
		}
		ec_sheet_record(&sheet, rec);
		int k = f->record(t, &sheet);
		if (k < 0 || t->rec_errors) {
			/* No record is rejected without a message. */
			FUZZ_CHECK(t->rec_errors > 0 &&
			    t->diag.errors > errors_before);
			reject(t, rec);
			continue;
		}
		t->file_valid++;
		u->nvalid++;
		if (k == 0 || t->check) {
			t->nskipped += !t->check;
			continue;
		}
		t->nwritten++;
		write_record(t, f, &sheet, rec, &scratch, keep_all);
	}
	if (st == EC_CSV_EOF) {
		ec_diag_finish(&t->diag, t->file);
		rc = 0;
	}
out:
	t->sheet = NULL;
	ec_sheet_release(&sheet);
	ec_buf_release(&scratch);
	ec_csv_reader_free(r);
	return rc;
}

/* The output read again: the header, then nwritten records as wide. */
static void
check_output(struct run *u)
{
	struct ec_csv_reader *r;
	struct ec_csv_record *rec;
	enum ec_csv_status st;
	size_t n = 0, width = 0;
	char err[128];

	/* Appended columns may make a record too long to read again. */
	int too_long = fuzz_fd_longest_record(out_fd) + 2 > EC_CSV_RECORD_MAX;

	FUZZ_CHECK(lseek(out_fd, 0, SEEK_SET) == 0);
	r = ec_csv_reader_new(out_fd, NULL, err, sizeof err);
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
	FUZZ_CHECK(n == (u->first ? 1 + u->t.nwritten : 0));
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

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[2] = { "census-1.csv", "census-2.csv" };
	static const int days[4][3] = {
		{ 2026, 11, 30 }, { 2024, 2, 29 }, { 1000, 1, 1 }, { 9999, 12, 31 }
	};
	struct run u;
	struct tool *t = &u.t;

	if (size < 1)
		return 0;
	if (!pol)
		init();

	uint8_t o = data[0];
	const uint8_t *in = data + 1;
	size_t n = size - 1, n1 = n, nfiles = 1;
	if (o & 0x20) {
		const uint8_t *ff = memchr(in, '\f', n);
		if (ff) {
			n1 = (size_t)(ff - in);
			nfiles = 2;
		}
	}
	fill_fd(in_fd[0], in, n1);
	if (nfiles == 2)
		fill_fd(in_fd[1], in + n1 + 1, n - n1 - 1);

	/* elder-classify's main: the options, then the policy's columns. */
	memset(&u, 0, sizeof u);
	t->prog = "elder-classify";
	t->delim = o & 1 ? '\t' : ',';
	t->encoding = o & 2 ? "gb18030" : NULL;
	u.c.left_only = !!(o & 4);
	t->check = !!(o & 8);
	FUZZ_CHECK(ec_date_from_ymd(days[o >> 6][0], days[o >> 6][1],
	    days[o >> 6][2], &t->asof) == 0);
	t->pol = pol;
	ec_diag_init(&t->diag, t->prog, devnull, EC_DIAG_CAP);
	u.c.nappend = pol->nclassify;
	u.c.append = ec_xmalloc(u.c.nappend * sizeof *u.c.append);
	for (size_t i = 0; i < u.c.nappend; i++)
		u.c.append[i] = pol->classify[i].column;
	u.c.left_behind = ec_policy_column(pol, "left_behind");
	FUZZ_CHECK(u.c.left_behind >= 0);
	t->ctx = &u.c;
	struct filter f = { bind, record, u.c.append, u.c.nappend };
	u.f = &f;

	/* tool_open_output, to a memfd (and the rejects to /dev/null). */
	FUZZ_CHECK(ftruncate(out_fd, 0) == 0);
	FUZZ_CHECK(lseek(out_fd, 0, SEEK_SET) == 0);
	if (!t->check) {
		ec_csv_writer_init(&t->out, out_fd);
		t->out_open = 1;
	}
	if (o & 0x10) {
		ec_csv_writer_init(&t->rej, null_fd);
		t->rej_open = 1;
	}

	/* tool_run_inputs */
	if (t->check)
		t->diag.cap = 0;
	t->names = (const char **)names;
	t->seen = ec_idset_new();
	int ok = 1;
	for (size_t i = 0; i < nfiles && ok; i++) {
		t->file_no = i;
		t->file_records = t->file_valid = t->file_invalid = 0;
		t->file_warnings = 0;
		ok = run_file(&u, in_fd[i]) == 0;
	}
	for (size_t i = 0; i < u.first_n; i++)
		free(u.first[i]);

	/* Nothing is lost: every record read left one way or another. */
	FUZZ_CHECK(t->nread == t->nwritten + t->nrejected + t->nskipped +
	    (t->check ? u.nvalid : 0));
	FUZZ_CHECK(t->diag.errors >= t->nrejected);

	/* tool_finish, but for the files: the output read again. */
	if (t->out_open) {
		FUZZ_CHECK(ec_csv_writer_flush(&t->out) == 0);
		ec_csv_writer_release(&t->out);
		check_output(&u);
	}
	if (t->rej_open) {
		FUZZ_CHECK(ec_csv_writer_flush(&t->rej) == 0);
		ec_csv_writer_release(&t->rej);
	}
	free(u.first);
	ec_buf_release(&t->errors);
	ec_idset_free(t->seen);
	free(u.c.append);
	return 0;
}
