/*
 * test_filter - the record loop (lib/filter.h) as elder-classify drives
 * it, with the default policy: small census sheets, written to unlinked
 * temporary files, go through it; the output, the rejects file and the
 * messages are compared byte for byte, and the counts one by one.  What
 * stops a run comes back as a status and a message, never an exit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "filter.h"
#include "policy.h"

#include "fixture.h"

#define HEADER "id_number,name,county,township,village,living_arrangement," \
	"children_total,children_away,away_months,supporter_nearby," \
	"supporter_capable,ability_level,poverty,guardian_phone"
#define APPENDED "age,left_behind,groups,special,focus"
#define PLACE "\xe9\x9b\x81\xe6\xb1\x9f\xe5\x8c\xba,\xe6\x9d\xbe\xe6\xb6\x9b" \
	"\xe9\x95\x87,\xe7\x99\xbd\xe5\xa1\x94\xe6\x9d\x91"
#define REST "spouse,1,1,6,no,,intact,none,13800001111"
#define ID60 "51200219661130011X"	/* 60 on 2026-11-30 */
#define ID59 "512002196612010114"	/* 59 the day before 60 */

/* elder-classify, as far as the loop sees it, and what it saw. */
struct run {
	struct ec_policy *pol;
	struct ec_filter f;
	struct ec_diag diag;
	char *messages;		/* the diag's stream */
	size_t messages_len;
	FILE *msgf;
	struct ec_csv_writer out, rej;
	int out_fd, rej_fd;
	int *append;
	size_t nappend;
	struct ec_buf missing;	/* what bind found missing */
	struct ec_error err;
};

/* An unlinked temporary file holding text, at its start. */
static int
temp_fd(const char *text)
{
	char path[] = "/tmp/ec-test-filter.XXXXXX";
	int fd = mkstemp(path);
	size_t n = strlen(text);

	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(write(fd, text, n), (ssize_t)n);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

/* All that was written to fd. */
static char *
contents(int fd)
{
	off_t n = lseek(fd, 0, SEEK_END);
	char *p = calloc(1, (size_t)n + 1);

	assert_non_null(p);
	assert_int_equal(pread(fd, p, (size_t)n, 0), (ssize_t)n);
	return p;
}

static int
bind(void *ctx, struct ec_sheet *s)
{
	struct run *u = ctx;

	for (size_t i = 0; i < u->nappend; i++)
		ec_sheet_own(s, u->append[i], NULL, NULL);
	return ec_sheet_missing(s, &u->pol->census, &u->missing) ? -1 : 0;
}

static int
record(void *ctx, struct ec_sheet *s)
{
	struct run *u = ctx;

	if (ec_sheet_check(s, &u->pol->census, 1, ec_filter_problem,
	    &u->f) > 0)
		return -1;
	return 1;
}

static void
run_init(struct run *u, struct ec_policy *pol, const char *const *names,
    int check)
{
	memset(u, 0, sizeof *u);
	u->pol = pol;
	u->msgf = open_memstream(&u->messages, &u->messages_len);
	assert_non_null(u->msgf);
	ec_diag_init(&u->diag, "elder-classify", u->msgf, EC_DIAG_CAP);
	u->out_fd = temp_fd("");
	u->rej_fd = temp_fd("");
	ec_csv_writer_init(&u->out, u->out_fd);
	ec_csv_writer_init(&u->rej, u->rej_fd);
	u->nappend = pol->nclassify;
	u->append = calloc(u->nappend, sizeof *u->append);
	assert_non_null(u->append);
	for (size_t i = 0; i < u->nappend; i++)
		u->append[i] = pol->classify[i].column;

	ec_filter_init(&u->f, names);
	u->f.pol = pol;
	u->f.asof = asof_default();
	u->f.out = check ? NULL : &u->out;
	u->f.rej = &u->rej;
	u->f.diag = &u->diag;
	u->f.bind = bind;
	u->f.record = record;
	u->f.ctx = u;
	u->f.append = u->append;
	u->f.nappend = u->nappend;
}

/* Reads text as the next input. */
static enum ec_filter_status
run_file(struct run *u, const char *text)
{
	int fd = temp_fd(text);
	enum ec_filter_status st = ec_filter_file(&u->f, fd, &u->err);

	close(fd);
	return st;
}

/* Checks what the run wrote: out, rejects, messages; frees it all. */
static void
run_done(struct run *u, const char *out, const char *rej, const char *msg)
{
	char *p;

	assert_int_equal(ec_csv_writer_flush(&u->out), 0);
	assert_int_equal(ec_csv_writer_flush(&u->rej), 0);
	fflush(u->msgf);
	p = contents(u->out_fd);
	assert_string_equal(p, out);
	free(p);
	p = contents(u->rej_fd);
	assert_string_equal(p, rej);
	free(p);
	assert_string_equal(u->messages ? u->messages : "", msg);

	ec_filter_release(&u->f);
	ec_csv_writer_release(&u->out);
	ec_csv_writer_release(&u->rej);
	close(u->out_fd);
	close(u->rej_fd);
	fclose(u->msgf);
	free(u->messages);
	free(u->append);
	ec_buf_release(&u->missing);
}

/*
 * Records kept (one copied as it came, one with a quoted field written
 * again), a repeated ID and a quote never closed rejected: their text,
 * line and errors in the rejects file.
 */
static void
test_one_file(void **state)
{
	static const char *const names[] = { "t.csv" };
	struct run u;

	run_init(&u, *state, names, 0);
	assert_int_equal(run_file(&u,
	    HEADER "\n"
	    ID60 ",A," PLACE "," REST "\n"
	    ID60 ",B," PLACE "," REST "\n"
	    ID59 ",\"C,x\"," PLACE "," REST "\n"
	    "bad,\"\n"), EC_FILTER_OK);
	assert_int_equal(u.f.nread, 4);
	assert_int_equal(u.f.nwritten, 2);
	assert_int_equal(u.f.nrejected, 2);
	assert_int_equal(u.f.nskipped, 0);
	assert_int_equal(u.f.file_records, 4);
	assert_int_equal(u.f.file_valid, 2);
	assert_int_equal(u.f.file_invalid, 2);
	assert_int_equal(u.f.file_warnings, 1);
	run_done(&u,
	    HEADER "," APPENDED "\n"
	    ID60 ",A," PLACE "," REST ",60,yes,,no,no\n"
	    ID59 ",\"C,x\"," PLACE "," REST ",59,no,,no,no\n",
	    HEADER ",_line,_errors\n"
	    ID60 ",B," PLACE "," REST ",3,\"duplicate ID number, first seen "
	    "on line 2\"\n"
	    "\"bad,\"\"\",5,quoted field not closed before the end of the "
	    "file\n",
	    "elder-classify: t.csv:3: error: duplicate ID number, first seen "
	    "on line 2\n"
	    "elder-classify: t.csv:4: id_number: warning: age 59 is under 60\n"
	    "elder-classify: t.csv:5: error: quoted field not closed before "
	    "the end of the file\n");
}

/*
 * Two inputs are one sheet: one header written, an ID of the first
 * repeated in the second found, and the counts go on over both.
 */
static void
test_two_files(void **state)
{
	static const char *const names[] = { "a.csv", "b.csv" };
	struct run u;

	run_init(&u, *state, names, 0);
	assert_int_equal(run_file(&u, HEADER "\n" ID60 ",A," PLACE "," REST
	    "\n"), EC_FILTER_OK);
	assert_int_equal(run_file(&u, HEADER "\n" ID60 ",B," PLACE "," REST
	    "\n" ID59 ",C," PLACE "," REST "\n"), EC_FILTER_OK);
	assert_int_equal(u.f.nread, 3);
	assert_int_equal(u.f.nwritten, 2);
	assert_int_equal(u.f.nrejected, 1);
	assert_int_equal(u.f.file_records, 2);
	assert_int_equal(u.f.file_invalid, 1);
	run_done(&u,
	    HEADER "," APPENDED "\n"
	    ID60 ",A," PLACE "," REST ",60,yes,,no,no\n"
	    ID59 ",C," PLACE "," REST ",59,no,,no,no\n",
	    HEADER ",_line,_errors\n"
	    ID60 ",B," PLACE "," REST ",2,\"duplicate ID number, first seen "
	    "in a.csv on line 2\"\n",
	    "elder-classify: b.csv:2: error: duplicate ID number, first seen "
	    "in a.csv on line 2\n"
	    "elder-classify: b.csv:3: id_number: warning: age 59 is under "
	    "60\n");
}

/* --check: nothing written, a valid record neither kept nor left out. */
static void
test_check(void **state)
{
	static const char *const names[] = { "t.csv" };
	struct run u;

	run_init(&u, *state, names, 1);
	assert_int_equal(run_file(&u, HEADER "\n" ID60 ",A," PLACE "," REST
	    "\n" "x\n"), EC_FILTER_OK);
	assert_int_equal(u.f.nread, 2);
	assert_int_equal(u.f.nwritten, 0);
	assert_int_equal(u.f.nskipped, 0);
	assert_int_equal(u.f.nrejected, 1);
	assert_int_equal(u.f.file_valid, 1);
	run_done(&u, "",
	    HEADER ",_line,_errors\n"
	    "x,3,\"record has 1 field, the header has 14\"\n",
	    "elder-classify: t.csv:3: error: record has 1 field, the header "
	    "has 14\n");
}

/* A header lacking a column the tool needs stops the run: no exit. */
static void
test_missing_column(void **state)
{
	static const char *const names[] = { "t.csv" };
	struct run u;

	run_init(&u, *state, names, 0);
	assert_int_equal(run_file(&u, "id_number,name\n" ID60 ",A\n"),
	    EC_FILTER_REFUSED);
	assert_non_null(strstr(u.missing.p, "required column 'county' is "
	    "missing"));
	assert_int_equal(u.f.nread, 0);
	run_done(&u, "", "", "");
}

/* What stops a run comes back with its message, as the tool prints it. */
static void
test_errors(void **state)
{
	static const char *const names[] = { "a.csv", "b.csv" };
	struct run u;

	run_init(&u, *state, names, 0);
	assert_int_equal(run_file(&u, HEADER "\n"), EC_FILTER_OK);
	assert_int_equal(run_file(&u, HEADER ",extra\n"), EC_FILTER_ERROR);
	assert_string_equal(u.err.msg,
	    "b.csv:1: the header differs from the first file's");
	run_done(&u, HEADER "," APPENDED "\n", HEADER ",_line,_errors\n", "");

	run_init(&u, *state, names, 0);
	assert_int_equal(run_file(&u, ""), EC_FILTER_ERROR);
	assert_string_equal(u.err.msg, "a.csv: no header: the file is empty");
	run_done(&u, "", "", "");

	run_init(&u, *state, names, 0);
	assert_int_equal(run_file(&u, "name,name\n"), EC_FILTER_ERROR);
	assert_string_equal(u.err.msg, "a.csv:1: fields 1 ('name') and 2 "
	    "('name') both hold the column 'name'");
	run_done(&u, "", "", "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_file),
		cmocka_unit_test(test_two_files),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_missing_column),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, policy_setup, policy_teardown);
}
