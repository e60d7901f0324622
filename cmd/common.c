#include "common.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dups.h"
#include "idset.h"
#include "scan.h"
#include "text.h"

static void
on_signal(int sig)
{
	ec_outfile_cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

void
tool_init(struct tool *t, const char *prog, const char *usage)
{
	memset(t, 0, sizeof *t);
	t->prog = prog;
	t->usage = usage;
	t->delim = ',';
	t->unique = -1;
	t->stdin_no = t->stdin_copy = t->stdin_fd = -1;
	if (ec_date_today(&t->asof) != 0)
		t->asof = 0;
	ec_diag_init(&t->diag, prog, stderr, EC_DIAG_CAP);
	t->outfile.fd = t->rejfile.fd = -1;
	/* A closed pipe is the reader's choice, not an error: see write. */
	signal(SIGPIPE, SIG_IGN);
	/* Whatever way the tool exits, no temporary file stays. */
	atexit(ec_outfile_cleanup);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
}

/*
 * After --help or --version: a write that failed is an error (a closed
 * pipe is not: the reader had what it wanted).
 */
static void __attribute__((noreturn))
exit_printed(struct tool *t)
{
	if ((fflush(stdout) != 0 || ferror(stdout)) && errno != EPIPE) {
		fprintf(stderr, "%s: stdout: write error: %s\n", t->prog,
		    strerror(errno));
		exit(EXIT_FATAL);
	}
	exit(EXIT_OK);
}

void
tool_usage_error(struct tool *t)
{
	fprintf(stderr, "%s", t->usage);
	exit(EXIT_FATAL);
}

void
tool_fatal(struct tool *t, const char *fmt, ...)
{
	va_list ap;

	if (t->out_open && t->out_path)
		ec_outfile_abort(&t->outfile);
	else if (t->out_open)
		ec_csv_writer_flush(&t->out);
	if (t->rej_open)
		ec_outfile_abort(&t->rejfile);
	fprintf(stderr, "%s: ", t->prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_FATAL);
}

int
tool_parse_delim(const char *arg)
{
	if (strcmp(arg, "\\t") == 0 || strcmp(arg, "\t") == 0)
		return '\t';
	if (strlen(arg) != 1 || arg[0] == '"' || arg[0] == '\n' ||
	    arg[0] == '\r')
		return -1;
	return (unsigned char)arg[0];
}

int
tool_option(struct tool *t, int opt, const char *arg)
{
	int d;

	switch (opt) {
	case 'd':
		if ((d = tool_parse_delim(arg)) < 0)
			tool_fatal(t, "bad delimiter '%s' (one character, or "
			    "\\t for tab)", arg);
		t->delim = (char)d;
		return 1;
	case 'E':
		t->encoding = arg;
		return 1;
	case 'h':
		fputs(t->usage, stdout);
		exit_printed(t);
	case 'o':
		t->out_path = arg;
		return 1;
	case 'p':
		t->policy_path = arg;
		return 1;
	case OPT_AS_OF:
		if (ec_date_parse(arg, strlen(arg), &t->asof) != EC_DATE_OK)
			tool_fatal(t, "bad --as-of date '%s' (write it as "
			    "YYYY-MM-DD)", arg);
		return 1;
	case OPT_BOM:
		t->bom = 1;
		return 1;
	case OPT_REJECTS:
		t->rejects_path = arg;
		return 1;
	case OPT_STATS:
		t->stats = 1;
		return 1;
	case OPT_VERSION:
		printf("%s (eldercare) %s\n", t->prog, EC_VERSION);
		exit_printed(t);
	}
	return 0;
}

/* Reads a whole file (at most 16 MiB); NULL with errno on failure. */
static char *
slurp(const char *path, size_t *len)
{
	struct ec_buf b = EC_BUF_INIT;
	char chunk[65536];
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return NULL;
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || b.len > 16 * 1024 * 1024) {
			int e = n < 0 ? errno : EFBIG;
			close(fd);
			ec_buf_release(&b);
			errno = e;
			return NULL;
		}
		if (n == 0)
			break;
		ec_buf_add(&b, chunk, (size_t)n);
	}
	close(fd);
	*len = b.len;
	if (!b.p)
		return ec_xstrdup("");
	return b.p;
}

void
tool_load_policy(struct tool *t)
{
	const char *path = t->policy_path;
	const char *env = getenv("ELDERCARE_POLICY");
	struct ec_policy_error err;
	char *text = NULL;
	size_t len;

	if (!path && env && *env)
		path = env;
	if (path) {
		if (!(text = slurp(path, &len)))
			tool_fatal(t, "%s: %s", path, strerror(errno));
		t->pol = ec_policy_load(text, len, &err);
	} else {
		path = "(default policy)";
		t->pol = ec_policy_load(ec_policy_default_text,
		    ec_policy_default_len, &err);
	}
	free(text);
	if (t->pol)
		return;
	fprintf(stderr, "%s: %s:%zu:%zu: %s\n", t->prog, path, err.line,
	    err.column, err.msg);
	if (err.has_excerpt) {
		fprintf(stderr, "    %s\n    ", err.excerpt);
		/* A Chinese character takes two columns of the terminal. */
		size_t caret = strnlen(err.excerpt, err.caret);
		for (size_t i = 0; i < caret; i++)
			if (err.excerpt[i] == '\t')
				fputc('\t', stderr);
		for (size_t w = ec_width(err.excerpt, caret); w > 0; w--)
			fputc(' ', stderr);
		fputs("^\n", stderr);
	}
	exit(EXIT_FATAL);
}

static void
open_writer(struct tool *t, const char *path, struct ec_outfile *of,
    struct ec_csv_writer *w)
{
	char err[512];

	if (path && strcmp(path, "-") != 0) {
		if (ec_outfile_open(of, path, err, sizeof err) != 0)
			tool_fatal(t, "%s", err);
		ec_csv_writer_init(w, of->fd);
	} else {
		ec_csv_writer_init(w, STDOUT_FILENO);
	}
	if (t->bom)
		ec_csv_write_raw(w, "\xef\xbb\xbf", 3);
}

void
tool_open_output(struct tool *t)
{
	if (t->out_path && strcmp(t->out_path, "-") == 0)
		t->out_path = NULL;
	if (!t->check) {
		open_writer(t, t->out_path, &t->outfile, &t->out);
		t->out_open = 1;
	}
	/* --check --rejects: the records to mend, and nothing else. */
	if (t->rejects_path) {
		open_writer(t, t->rejects_path, &t->rejfile, &t->rej);
		t->rej_open = 1;
	}
}

int
tool_open_input(struct tool *t, const char *path)
{
	int fd;
	struct stat st;

	if (strcmp(path, "-") == 0)
		return STDIN_FILENO;
	if ((fd = open(path, O_RDONLY)) < 0)
		tool_fatal(t, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode))
		tool_fatal(t, "%s: %s", path, strerror(EISDIR));
	return fd;
}

/* The header of field f as written, trimmed, for messages. */
static const char *
column_name(struct tool *t, int f, struct ec_buf *b)
{
	size_t n = strlen(t->sheet->header[f]);
	const char *p = ec_trim(t->sheet->header[f], &n);

	ec_buf_reset(b);
	ec_buf_add(b, p, n);
	return b->p;
}

int
tool_header_problems(struct tool *t, struct ec_buf *msg)
{
	return tool_header_problems_in(t, t->file, msg);
}

int
tool_header_problems_in(struct tool *t, const char *file, struct ec_buf *msg)
{
	int any = 0;

	for (char *line = msg->p, *nl; line && *line; line = nl + 1) {
		if (!(nl = strchr(line, '\n')))
			nl = line + strlen(line) - 1;
		else
			*nl = '\0';
		fprintf(stderr, "%s: %s:1: %s\n", t->prog, file, line);
		any = 1;
	}
	ec_buf_release(msg);
	return any ? -1 : 0;
}

void
tool_problem(void *ctx, const struct ec_problem *p)
{
	struct tool *t = ctx;
	struct ec_buf col = EC_BUF_INIT;
	const char *name = p->field >= 0 ? column_name(t, p->field, &col) : NULL;

	ec_diag_data(&t->diag, p->sev, p->kind, t->file, t->rec->line, name,
	    p->msg);
	if (p->sev == EC_ERROR) {
		t->rec_errors++;
		if (t->errors.len)
			ec_buf_adds(&t->errors, "; ");
		if (name)
			ec_buf_addf(&t->errors, "%s: ", name);
		ec_buf_adds(&t->errors, p->msg);
	} else {
		t->file_warnings++;
	}
	ec_buf_release(&col);
}

static void
check_write(struct tool *t, struct ec_csv_writer *w)
{
	if (!w->err)
		return;
	if (w->err == EPIPE && w == &t->out && !t->out_path) {
		/* The reader has all it wanted: stop quietly. */
		if (t->rej_open)
			ec_outfile_abort(&t->rejfile);
		exit(t->status == EXIT_FATAL ? EXIT_FATAL : EXIT_OK);
	}
	int e = w->err;
	w->err = 0;
	tool_fatal(t, "%s: write error: %s",
	    w == &t->rej ? t->rejects_path :
	    t->out_path ? t->out_path : "stdout", strerror(e));
}

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
		/*
		 * What a broken record's fields are is not known: its text
		 * goes as it came, in one field, and the file stays CSV.
		 */
		ec_csv_write_field(&t->rej, rec->raw, rec->raw_len);
	} else {
		ec_csv_write_fields(&t->rej, rec->fields, rec->nfields);
	}
	ec_csv_write_field(&t->rej, line, ec_fmt_int(line, (int64_t)rec->line));
	ec_csv_write_field(&t->rej, t->errors.p ? t->errors.p : "",
	    t->errors.len);
	ec_csv_end_record(&t->rej);
	check_write(t, &t->rej);
}

static void
record_problem(struct tool *t, const char *kind, const char *msg)
{
	struct ec_problem p = { EC_ERROR, kind, -1, msg };

	tool_problem(t, &p);
}

static void
write_record(struct tool *t, const struct filter *f, struct ec_sheet *s,
    const struct ec_csv_record *rec, int keep_all)
{
	/*
	 * A line with no quote holds no field that needs quoting: copy it
	 * as it came, as the fields would be written again anyway.
	 */
	if (keep_all && rec->plain && t->delim == ',') {
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
		struct ec_value v;
		ec_sheet_value(s, f->append[i], &v);
		ec_value_write_field(&v, &t->out);
	}
	ec_csv_end_record(&t->out);
	check_write(t, &t->out);
}

void
tool_reader_fatal(struct tool *t, struct ec_csv_reader *r, const char *file,
    const char *option)
{
	struct ec_buf b = EC_BUF_INIT;
	size_t line;
	const char *m = ec_csv_reader_error(r, &line), *e;

	/* The reader's advice names -E: say the option this file goes by. */
	while ((e = strstr(m, "-E")) != NULL &&
	    (e[2] == ' ' || e[2] == ')' || e[2] == '\0')) {
		ec_buf_add(&b, m, (size_t)(e - m));
		ec_buf_adds(&b, option);
		m = e + 2;
	}
	ec_buf_adds(&b, m);
	if (line)
		tool_fatal(t, "%s:%zu: %s", file, line, b.p);
	tool_fatal(t, "%s: %s", file, b.p);
}

struct ec_csv_reader *
tool_reader(struct tool *t, int fd, const char *file, const char *encoding,
    const char *option, struct ec_csv_record **header)
{
	struct ec_csv_options opt = { t->delim, encoding, 0 };
	struct ec_csv_reader *r;
	enum ec_csv_status st;
	char err[512];

	if (!(r = ec_csv_reader_new(fd, &opt, err, sizeof err)))
		tool_fatal(t, "%s: %s (eldercare reads UTF-8, GB18030 and GBK)",
		    option, err);
	if (fd == STDIN_FILENO && t->stdin_copy >= 0 && !t->stdin_again)
		ec_csv_reader_tee(r, t->stdin_copy);
	st = ec_csv_next(r, header);
	if (st == EC_CSV_FATAL)
		tool_reader_fatal(t, r, file, option);
	if (st == EC_CSV_EOF)
		tool_fatal(t, "%s: no header: the file is empty", file);
	if ((*header)->error)
		tool_fatal(t, "%s:%zu: header: %s", file, (*header)->line,
		    ec_csv_rec_strerror((*header)->error));
	return r;
}

int
tool_same_header(char **first, size_t n, const struct ec_csv_record *h)
{
	if (h->nfields != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (strlen(first[i]) != h->fields[i].n ||
		    memcmp(first[i], h->fields[i].p, h->fields[i].n) != 0)
			return 0;
	return 1;
}

int
tool_check_width(const struct tool *t, const struct filter *f,
    const struct ec_sheet *s, const struct ec_csv_record *h, char *msg,
    size_t size)
{
	size_t out = 0, rej = t->rej_open ? h->nfields + 2 : 0;

	if (!t->check && !t->own_output) {
		out = f->nappend;
		for (size_t i = 0; i < h->nfields; i++)
			out += !s->drop[i];
	}
	if (out <= EC_CSV_FIELDS_MAX && rej <= EC_CSV_FIELDS_MAX)
		return 0;
	snprintf(msg, size, "%s:%zu: header: %zu columns: %s would have %zu, "
	    "more than the %d a tool reads", t->file, h->line, h->nfields,
	    out > EC_CSV_FIELDS_MAX ? "the output" : "the rejects file",
	    out > EC_CSV_FIELDS_MAX ? out : rej, EC_CSV_FIELDS_MAX);
	return -1;
}

#define ESTIMATE_AFTER 65536	/* records, before the set of IDs is sized */

/*
 * Repeated IDs.  A set of the IDs seen finds them in one pass, but grows
 * with the sheet (16 bytes an ID: 266 MiB for 1.6 x 10^7 people), and
 * elder-classify's memory must not.  Files can be read twice: a first
 * pass reads every input for its IDs and sorts them (dups.h: DUPS_MEMORY,
 * and about 5 bytes an ID in a temporary file), and the records then go
 * through once, each looked up in the repeats the sort found.  It comes
 * before the first record when the inputs have BIG_SHEET bytes or more,
 * else when the set reaches IDS_IN_MEMORY, or is about to by the size of
 * the file (a sheet of narrow records): a county's sheet of 10^5 people
 * never takes it.  Stdin is read twice as well: a file from where it
 * began, a pipe from a copy made as it is read (tool.stdin_copy); only
 * when no copy can be made do its IDs stay in the set.  The test suite
 * sets ELDERCARE_TEST_IDS_IN_MEMORY (0: every sheet takes two passes).
 */
#define IDS_IN_MEMORY	131072		/* 2 MiB of set */
#define BIG_SHEET	(24u << 20)	/* more records than that, usually */
#define DUPS_MEMORY	(2u << 20)

/*
 * Whether every input can be read twice: files can, and so can standard
 * input, from where it begins when it is a file, and from a copy made as
 * it is read when it is a pipe (if a scratch file can be made for it).
 * *size is then the inputs' bytes, or -1 when a pipe's are not known.
 */
static int
can_reread(struct tool *t, char **files, int nfiles, double *size)
{
	struct stat st;

	*size = 0;
	for (int i = 0; i < nfiles; i++) {
		if (strcmp(files[i], "-") != 0) {
			if (stat(files[i], &st) != 0 || !S_ISREG(st.st_mode))
				return 0;
			*size += *size < 0 ? 0 : (double)st.st_size;
			continue;
		}
		if (t->stdin_no >= 0)	/* read twice over already */
			return 0;
		t->stdin_no = i;
		if (fstat(STDIN_FILENO, &st) != 0)
			return 0;
		if (S_ISREG(st.st_mode)) {
			if ((t->stdin_start = lseek(STDIN_FILENO, 0,
			    SEEK_CUR)) < 0)
				return 0;
			t->stdin_fd = STDIN_FILENO;
			*size += *size < 0 ? 0 :
			    (double)(st.st_size - t->stdin_start);
		} else {
			*size = -1;
		}
	}
	if (t->stdin_no >= 0 && t->stdin_fd < 0) {
		if ((t->stdin_copy = ec_scratch_open()) < 0)
			return 0;
		t->stdin_fd = t->stdin_copy;
		t->stdin_start = 0;
	}
	return 1;
}

static void __attribute__((noreturn))
temp_fatal(struct tool *t, int err)
{
	tool_fatal(t, "the ID numbers of a large sheet are sorted in a "
	    "temporary file in %s (TMPDIR): %s", ec_scratch_dir(),
	    strerror(err));
}

static void __attribute__((noreturn))
copy_fatal(struct tool *t, int err)
{
	tool_fatal(t, "standard input is copied to a temporary file in %s "
	    "(TMPDIR) to be read twice: %s", ec_scratch_dir(), strerror(err));
}

#define FEED_SIZE	(1u << 20)

/*
 * When the copy of a pipe runs out of room before the first pass, the
 * pass is given up and the IDs stay in the set; but the bytes read from
 * the pipe are now in the copy (and rest), not in the pipe.  From then on
 * stdin is read through a pipe of our own that a thread fills with the
 * copy, the rest, and what the pipe still holds: the same bytes.
 */
struct stdin_feed {
	char *rest;		/* read from stdin, not written to the copy */
	size_t rest_len;
	int copy;		/* the copy, read from its start */
	int out;		/* our pipe's end the thread writes */
	int err;		/* the thread's failure to read, or 0 */
	int running;
	pthread_t thread;
};

/*
 * Passes fd on to our pipe to its end: read from *at on when at is not
 * NULL, else from where it stands.  Returns -1 when reading failed
 * (f->err) or the reader is gone.
 */
static int
pass_on(struct stdin_feed *f, int fd, off_t *at, char *buf)
{
	for (;;) {
		ssize_t n = at ? pread(fd, buf, FEED_SIZE, *at) :
		    read(fd, buf, FEED_SIZE);
		if (n == 0)
			return 0;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			f->err = errno;
			return -1;
		}
		if (ec_write_all(f->out, buf, (size_t)n) != 0)
			return -1;
		if (at)
			*at += n;
	}
}

static void *
feed(void *arg)
{
	struct stdin_feed *f = arg;
	char *buf = ec_xmalloc(FEED_SIZE);
	off_t at = 0;

	if (pass_on(f, f->copy, &at, buf) == 0 &&
	    ec_write_all(f->out, f->rest, f->rest_len) == 0)
		pass_on(f, STDIN_FILENO, NULL, buf);
	close(f->out);
	free(buf);
	return NULL;
}

/* Starts the thread; returns the end of the pipe to read stdin from. */
static int
feed_start(struct tool *t)
{
	struct stdin_feed *f = t->feed;
	int p[2];

	if (pipe(p) != 0)
		tool_fatal(t, "<stdin>: %s", strerror(errno));
	fcntl(p[0], F_SETFD, FD_CLOEXEC);
	fcntl(p[1], F_SETFD, FD_CLOEXEC);
	f->copy = t->stdin_copy;
	f->out = p[1];
	if (pthread_create(&f->thread, NULL, feed, f) != 0)
		tool_fatal(t, "<stdin>: cannot start a thread");
	f->running = 1;
	return p[0];
}

/* Once stdin is read through: whether all of it came. */
static void
feed_finish(struct tool *t)
{
	struct stdin_feed *f = t->feed;

	if (!f || !f->running)
		return;
	pthread_join(f->thread, NULL);
	f->running = 0;
	if (f->err)
		tool_fatal(t, "<stdin>: read error: %s", strerror(f->err));
}

/*
 * The rest of a pipe on stdin, into its copy (which then holds it all).
 * Returns -1 when the copy runs out of room: t->feed then holds what was
 * read and not written.
 */
static int
copy_rest_of_stdin(struct tool *t)
{
	char *buf = ec_xmalloc(FEED_SIZE);
	ssize_t got;

	while ((got = read(STDIN_FILENO, buf, FEED_SIZE)) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			tool_fatal(t, "<stdin>: read error: %s",
			    strerror(errno));
		off_t end = lseek(t->stdin_copy, 0, SEEK_END);
		if (end >= 0 && ec_write_all(t->stdin_copy, buf,
		    (size_t)got) == 0)
			continue;
		/* Whatever part was written is taken back. */
		if (end < 0 || ftruncate(t->stdin_copy, end) != 0)
			copy_fatal(t, errno);
		t->feed = ec_xcalloc(1, sizeof *t->feed);
		t->feed->rest = buf;
		t->feed->rest_len = (size_t)got;
		return -1;
	}
	free(buf);
	return 0;
}

/* The first pass's state, for the scan's calls. */
struct first_pass {
	struct tool *t;
	struct ec_dups *d;
	struct ec_sheet *sheet;
	size_t file_no;
};

static int
scanned_id(void *ctx, size_t line, const char *p, size_t n)
{
	struct first_pass *fp = ctx;
	uint64_t key = ec_sheet_cell_id_key(fp->sheet, fp->t->unique, p, n);

	if (key && ec_dups_add(fp->d, key, (uint64_t)line |
	    (uint64_t)fp->file_no << 48) != 0)
		temp_fatal(fp->t, errno);
	return 0;
}

/*
 * Adds the IDs of one input to d as run_file will check them: those of
 * each record not rejected before its cells are read.  A UTF-8 file is
 * scanned for its ID column alone (scan.h) up to where its framing is
 * not plain; the reader reads the rest, or all of a file in another
 * encoding.  Returns 0 when the input was read through, else -1:
 * run_file will stop where this stopped (the same bytes, the same
 * reader), and needs no more.
 */
static int
first_pass_file(struct tool *t, struct ec_dups *d, int fd, off_t start,
    size_t file_no)
{
	struct ec_csv_options opt = { t->delim, t->encoding, 0 };
	struct ec_csv_reader *r;
	struct ec_csv_record *rec;
	struct ec_sheet sheet;
	enum ec_csv_status st = EC_CSV_EOF;
	const char *enc = t->encoding;
	char err[512];
	int rc = -1, col = t->unique;
	size_t from = 0;	/* the reader's first line to add */

	if (lseek(fd, start, SEEK_SET) != start ||
	    !(r = ec_csv_reader_new(fd, &opt, err, sizeof err)))
		return -1;
	ec_sheet_init(&sheet, t->pol, t->asof);
	if (ec_csv_next(r, &rec) != EC_CSV_RECORD || rec->error ||
	    ec_sheet_bind(&sheet, rec, err, sizeof err) != 0)
		goto done;
	if (sheet.col_field[col] < 0) {
		rc = 0;		/* no IDs here to check */
		goto done;
	}
	size_t nheader = rec->nfields;
	if (!enc || ec_ascii_case_eq(enc, strlen(enc), "utf-8", 5) ||
	    ec_ascii_case_eq(enc, strlen(enc), "utf8", 4)) {
		struct first_pass fp = { t, d, &sheet, file_no };
		ec_csv_reader_free(r);
		r = NULL;
		if (lseek(fd, start, SEEK_SET) != start)
			goto done;
		int s = ec_scan_column(fd, t->delim, nheader,
		    (size_t)sheet.col_field[col], scanned_id, &fp, &from);
		if (s < 0)
			goto done;
		if (s == 0) {
			rc = 0;
			goto done;
		}
		/* From the line it stopped at, the reader, from the start. */
		if (lseek(fd, start, SEEK_SET) != start ||
		    !(r = ec_csv_reader_new(fd, &opt, err, sizeof err)) ||
		    ec_csv_next(r, &rec) != EC_CSV_RECORD)
			goto done;
	}
	ec_sheet_prepare(&sheet, r, 1);
	while ((st = ec_csv_next(r, &rec)) == EC_CSV_RECORD) {
		struct ec_value v;
		if (rec->line < from || rec->error || rec->nfields != nheader)
			continue;
		ec_sheet_record(&sheet, rec);
		ec_sheet_value(&sheet, col, &v);
		if (!v.blank && ec_dups_add(d, ec_sheet_id_key(&sheet, col),
		    (uint64_t)rec->line | (uint64_t)file_no << 48) != 0)
			temp_fatal(t, errno);
	}
	rc = st == EC_CSV_FATAL ? -1 : 0;
done:
	ec_csv_reader_free(r);
	ec_sheet_release(&sheet);
	return rc;
}

/*
 * The first pass, over every input from the start; then the sheet being
 * read, if any, looks its records up in the repeats found.  Returns -1,
 * the IDs left in the set, when a pipe on stdin could not all be copied
 * (t->feed: stdin is read through it from then on).
 */
static int
two_passes(struct tool *t, struct ec_sheet *sheet)
{
	struct ec_dups *d;

	t->can_reread = 0;
	if (t->stdin_copy >= 0 && !t->stdin_again &&
	    copy_rest_of_stdin(t) != 0)
		return -1;
	ec_idset_free(t->seen);	/* first: its room is the sort's */
	t->seen = NULL;
	if (sheet)
		ec_sheet_use_dups(sheet, NULL);
	d = ec_dups_new(DUPS_MEMORY);
	t->stdin_again = t->stdin_no >= 0;
	for (int i = 0; i < t->npaths; i++) {
		int rc;
		if (i == t->stdin_no) {
			rc = first_pass_file(t, d, t->stdin_fd, t->stdin_start,
			    (size_t)i);
		} else {
			int fd = open(t->paths[i], O_RDONLY | O_CLOEXEC);
			rc = fd < 0 ? -1 : first_pass_file(t, d, fd, 0,
			    (size_t)i);
			if (fd >= 0)
				close(fd);
		}
		if (rc != 0)
			break;
	}
	if (ec_dups_finish(d) != 0)
		temp_fatal(t, errno);
	if (sheet)
		ec_sheet_use_dups(sheet, d);
	t->dups = d;
	return 0;
}

/*
 * The first pass, when it comes while standard input is being read: it
 * is read again, from its copy if a pipe, by a new reader brought to the
 * record in hand.  Returns the reader to go on with (r, when the copy
 * had failed: the IDs then stay in the set).  When the copy runs out of
 * room now, the IDs stay in the set too, and the new reader reads the
 * same bytes through t->feed.
 */
static struct ec_csv_reader *
two_passes_in_stdin(struct tool *t, struct ec_sheet *sheet,
    struct ec_csv_reader *r, struct ec_csv_record **rec, int *fd)
{
	struct ec_csv_options opt = { t->delim, t->encoding, 0 };
	size_t line = (*rec)->line;
	char err[512];
	int e;

	if (t->stdin_copy >= 0 && ec_csv_reader_tee_error(r) != 0) {
		t->can_reread = 0;
		return r;
	}
	if (t->stdin_copy >= 0)
		ec_csv_reader_read_to_end(r);
	else
		ec_csv_reader_stop(r);
	e = t->stdin_copy >= 0 ? ec_csv_reader_tee_error(r) : 0;
	ec_csv_reader_free(r);
	if (e != 0)
		copy_fatal(t, e);
	if (two_passes(t, sheet) != 0) {
		*fd = feed_start(t);
	} else {
		*fd = t->stdin_fd;
		if (lseek(*fd, t->stdin_start, SEEK_SET) != t->stdin_start)
			tool_fatal(t, "<stdin>: %s", strerror(errno));
	}
	if (!(r = ec_csv_reader_new(*fd, &opt, err, sizeof err)))
		tool_fatal(t, "%s", err);
	ec_sheet_reprepare(sheet, r);
	enum ec_csv_status st;
	while ((st = ec_csv_next(r, rec)) == EC_CSV_RECORD && (*rec)->line < line)
		;
	if (st == EC_CSV_FATAL)
		tool_reader_fatal(t, r, t->file, "-E");
	if (st != EC_CSV_RECORD || (*rec)->line != line)
		tool_fatal(t, "<stdin>: changed while it was read again");
	return r;
}

static void
run_file(struct tool *t, const struct filter *f, const char *path,
    char ***first_header, size_t *first_n)
{
	struct ec_csv_record *rec;
	struct ec_sheet sheet;
	char err[512];
	int fd = tool_open_input(t, path);
	enum ec_csv_status st;

	if (fd == STDIN_FILENO && t->stdin_again) {
		/* a first pass read it: from where it began, or its copy */
		fd = t->stdin_fd;
		if (lseek(fd, t->stdin_start, SEEK_SET) != t->stdin_start)
			tool_fatal(t, "<stdin>: %s", strerror(errno));
	} else if (fd == STDIN_FILENO && t->feed) {
		fd = feed_start(t);	/* its copy, then the pipe */
	}

	t->file = t->names[t->file_no];
	struct ec_csv_reader *r = tool_reader(t, fd, t->file, t->encoding,
	    "-E", &rec);

	ec_sheet_init(&sheet, t->pol, t->asof);
	ec_sheet_share_seen(&sheet, t->seen, t->file_no, t->names);
	if (t->dups)
		ec_sheet_use_dups(&sheet, t->dups);
	if (ec_sheet_bind(&sheet, rec, err, sizeof err) != 0)
		tool_fatal(t, "%s:%zu: %s", t->file, rec->line, err);
	t->sheet = &sheet;
	t->rec = rec;
	if (f->bind(t, &sheet) != 0)
		exit(EXIT_FATAL);
	if (tool_check_width(t, f, &sheet, rec, err, sizeof err) != 0)
		tool_fatal(t, "%s", err);
	ec_sheet_prepare(&sheet, r, 1);
	if (!*first_header) {
		*first_header = ec_xcalloc(rec->nfields, sizeof **first_header);
		for (size_t i = 0; i < rec->nfields; i++)
			(*first_header)[i] = ec_xmemdup(rec->fields[i].p,
			    rec->fields[i].n);
		*first_n = rec->nfields;
		write_header(t, f, &sheet, rec);
	} else if (!tool_same_header(*first_header, *first_n, rec)) {
		tool_fatal(t, "%s:%zu: the header differs from the first "
		    "file's", t->file, rec->line);
	}

	/*
	 * Of a regular file, the size over the length of the first records
	 * says about how many come: the set of IDs makes room for them at
	 * once instead of doubling its way there.  The first 65536 (11 MB
	 * of a census, many villages) make an estimate that a few odd lines
	 * at the start cannot throw far off; a smaller file needs none.
	 */
	struct stat sb;
	off_t size = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) ? sb.st_size : 0;
	size_t first_bytes = 1;

	size_t nheader = rec->nfields;
	int keep_all = 1;
	for (size_t i = 0; i < nheader; i++)
		keep_all &= !sheet.drop[i];
	t->file_records = t->file_valid = t->file_invalid = 0;
	t->file_warnings = 0;
	while ((st = ec_csv_next(r, &rec)) == EC_CSV_RECORD) {
		t->rec_errors = 0;
		ec_buf_reset(&t->errors);
		t->nread++;
		t->file_records++;
		int again = t->can_reread &&
		    ec_idset_count(t->seen) >= t->ids_in_memory;
		if (!again && size > 0 && t->file_records <= ESTIMATE_AFTER &&
		    t->seen) {
			/* its bytes, or near enough: quotes are not counted */
			if (rec->raw) {
				first_bytes += rec->raw_len + 1;
			} else {
				for (size_t i = 0; i < rec->nfields; i++)
					first_bytes += rec->fields[i].n + 1;
			}
			/* the file's records in all, and those still to come */
			size_t ids = ec_idset_count(t->seen), all = (size_t)
			    ((double)size / (double)first_bytes * ESTIMATE_AFTER);
			size_t more = all > ESTIMATE_AFTER ?
			    all - ESTIMATE_AFTER : 0;
			if (t->file_records != ESTIMATE_AFTER || ids == 0)
				;
			else if (t->can_reread && ids + more > t->ids_in_memory)
				again = 1;
			else
				ec_idset_reserve(t->seen, ids + more);
		}
		if (again && t->file_no == (size_t)t->stdin_no &&
		    !t->stdin_again)
			r = two_passes_in_stdin(t, &sheet, r, &rec, &fd);
		else if (again)
			two_passes(t, &sheet);
		t->rec = rec;
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
		int rc = f->record(t, &sheet);
		if (rc < 0 || t->rec_errors) {
			reject(t, rec);
			continue;
		}
		t->file_valid++;
		if (rc == 0 || t->check) {
			t->nskipped += !t->check;
			continue;
		}
		t->nwritten++;
		write_record(t, f, &sheet, rec, keep_all);
	}
	if (st == EC_CSV_EOF)
		feed_finish(t);
	if (st == EC_CSV_FATAL)
		tool_reader_fatal(t, r, t->file, "-E");
	if (t->dups && ec_dups_error(t->dups))
		tool_fatal(t, "reading back the ID numbers of the first pass "
		    "(a temporary file in $TMPDIR or /tmp): %s",
		    strerror(ec_dups_error(t->dups)));
	ec_diag_finish(&t->diag, t->file);
	if (t->check) {
		printf("%s: %zu records, %zu valid, %zu with errors, %zu "
		    "warnings\n", t->file, t->file_records, t->file_valid,
		    t->file_invalid, t->file_warnings);
	}
	t->sheet = NULL;
	/* A pipe whose copy failed part way cannot be read again. */
	if (fd == STDIN_FILENO && t->stdin_copy >= 0 && !t->stdin_again &&
	    ec_csv_reader_tee_error(r) != 0)
		t->can_reread = 0;
	ec_csv_reader_free(r);	/* its thread may read the sheet */
	ec_sheet_release(&sheet);
	if (fd != STDIN_FILENO && fd != t->stdin_copy)
		close(fd);
}

void
tool_run_inputs(struct tool *t, const struct filter *f, char **files,
    int nfiles)
{
	char *dash = "-";
	char **first = NULL;
	size_t first_n = 0;

	if (t->check)
		t->diag.cap = 0;
	if (nfiles == 0) {
		files = &dash;
		nfiles = 1;
	}
	t->names = ec_xcalloc((size_t)nfiles, sizeof *t->names);
	for (int i = 0; i < nfiles; i++)
		t->names[i] = strcmp(files[i], "-") == 0 ? "<stdin>" : files[i];
	/* Duplicates are looked for across all the inputs, as one sheet. */
	t->seen = ec_idset_new();
	t->paths = files;
	t->npaths = nfiles;
	t->ids_in_memory = IDS_IN_MEMORY;
	const char *env = getenv("ELDERCARE_TEST_IDS_IN_MEMORY");
	if (env && *env)
		t->ids_in_memory = (size_t)strtoull(env, NULL, 10);
	/* A column the tool makes is not in the file to be read first. */
	int made = 0;
	for (size_t i = 0; i < f->nappend; i++)
		made |= f->append[i] == t->unique;
	double size = -1;
	t->can_reread = t->unique >= 0 && !made &&
	    can_reread(t, files, nfiles, &size);
	if (t->can_reread && (size >= BIG_SHEET || t->ids_in_memory == 0))
		two_passes(t, NULL);
	for (int i = 0; i < nfiles; i++) {
		t->file_no = (size_t)i;
		run_file(t, f, files[i], &first, &first_n);
	}
	for (size_t i = 0; i < first_n; i++)
		free(first[i]);
	free(first);
	ec_idset_free(t->seen);
	ec_dups_free(t->dups);
	t->seen = NULL;
	t->dups = NULL;
	if (t->stdin_copy >= 0)
		close(t->stdin_copy);
	t->stdin_copy = -1;
	if (t->feed)
		free(t->feed->rest);
	free(t->feed);
	t->feed = NULL;
	free(t->names);
}

int
tool_run_filter(struct tool *t, const struct filter *f, char **files,
    int nfiles)
{
	tool_run_inputs(t, f, files, nfiles);
	return tool_finish(t);
}

int
tool_finish(struct tool *t)
{
	char err[512];

	if (t->out_open) {
		ec_csv_writer_flush(&t->out);
		check_write(t, &t->out);
	}
	if (t->rej_open) {
		ec_csv_writer_flush(&t->rej);
		check_write(t, &t->rej);
	}
	/* Both ready before either is renamed: a full disk changes neither. */
	if (t->out_open && t->out_path &&
	    ec_outfile_ready(&t->outfile, err, sizeof err) != 0)
		tool_fatal(t, "%s", err);
	if (t->rej_open && ec_outfile_ready(&t->rejfile, err, sizeof err) != 0)
		tool_fatal(t, "%s", err);
	if (t->out_open && t->out_path &&
	    ec_outfile_commit(&t->outfile, err, sizeof err) != 0)
		tool_fatal(t, "%s", err);
	if (t->rej_open && ec_outfile_commit(&t->rejfile, err, sizeof err) != 0)
		tool_fatal(t, "%s", err);
	if (t->out_open)
		ec_csv_writer_release(&t->out);
	if (t->rej_open)
		ec_csv_writer_release(&t->rej);
	t->out_open = t->rej_open = 0;
	if (t->stats) {
		fprintf(stderr, "%s: read %zu, written %zu, rejected %zu",
		    t->prog, t->nread, t->nwritten, t->nrejected);
		if (t->nskipped)
			fprintf(stderr, ", not selected %zu", t->nskipped);
		fputc('\n', stderr);
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (errno != EPIPE)
			tool_fatal(t, "stdout: %s", strerror(errno));
	}
	ec_buf_release(&t->errors);
	ec_policy_free(t->pol);
	t->pol = NULL;
	if (t->check && t->diag.errors)
		return EXIT_DATA;
	return t->status;
}
