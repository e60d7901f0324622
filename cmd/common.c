#include "common.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
tool_option(struct tool *t, int opt, const char *arg)
{
	int d;

	switch (opt) {
	case 'd':
		if ((d = ec_csv_parse_delim(arg)) < 0)
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
		if (!(text = ec_read_file(path, 16 * 1024 * 1024, &len)))
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
	struct ec_buf msg = EC_BUF_INIT;
	ec_policy_error_format(&err, path, &msg);
	fprintf(stderr, "%s: %s\n", t->prog, msg.p);
	exit(EXIT_FATAL);
}

void
tool_open_writer(struct tool *t, const char *path, struct ec_outfile *of,
    struct ec_csv_writer *w)
{
	struct ec_error err;

	if (path && strcmp(path, "-") != 0) {
		if (ec_outfile_open(of, path, &err) != 0)
			tool_fatal(t, "%s", err.msg);
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
		tool_open_writer(t, t->out_path, &t->outfile, &t->out);
		t->out_open = 1;
	}
	/* --check --rejects: the records to mend, and nothing else. */
	if (t->rejects_path) {
		tool_open_writer(t, t->rejects_path, &t->rejfile, &t->rej);
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

int
tool_header_problems(struct tool *t, struct ec_buf *msg)
{
	return ec_diag_header(&t->diag, t->run.file, msg);
}

void
tool_problem(void *ctx, const struct ec_problem *p)
{
	struct tool *t = ctx;

	ec_filter_problem(&t->run, p);
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

void
tool_commit_writer(struct tool *t, const char *path, struct ec_outfile *of,
    struct ec_csv_writer *w)
{
	struct ec_error err;

	if (ec_csv_writer_flush(w) != 0)
		tool_fatal(t, "%s: write error: %s", path, strerror(w->err));
	if (ec_outfile_commit(of, &err) != 0)
		tool_fatal(t, "%s", err.msg);
	ec_csv_writer_release(w);
}

void
tool_reader_fatal(struct tool *t, struct ec_csv_reader *r, const char *file,
    const char *option)
{
	struct ec_error err;

	ec_filter_reader_error(r, file, option, &err);
	tool_fatal(t, "%s", err.msg);
}

struct ec_csv_reader *
tool_reader(struct tool *t, int fd, const char *file, const char *encoding,
    const char *option, struct ec_csv_record **header)
{
	struct ec_csv_options opt = { t->delim, encoding, 0 };
	struct ec_csv_reader *r;
	struct ec_error err;

	if (!(r = ec_filter_reader(fd, &opt, file, option, header, &err)))
		tool_fatal(t, "%s", err.msg);
	return r;
}

/* The tool's callbacks, given the tool. */
static int
bind_tool(void *ctx, struct ec_sheet *s)
{
	struct tool *t = ctx;

	return t->filter->bind(t, s);
}

static int
record_tool(void *ctx, struct ec_sheet *s)
{
	struct tool *t = ctx;

	return t->filter->record(t, s);
}

/* Prints why the loop stopped, and exits as the tool always has. */
static void __attribute__((noreturn))
run_failed(struct tool *t, enum ec_filter_status st, struct ec_error *err)
{
	if (st == EC_FILTER_OUT_FAILED)
		check_write(t, &t->out);
	else if (st == EC_FILTER_REJ_FAILED)
		check_write(t, &t->rej);
	else if (st == EC_FILTER_ERROR)
		tool_fatal(t, "%s", err->msg);
	/* bind refused the header, and said why */
	exit(EXIT_FATAL);
}

static void
run_file(struct tool *t, const char *path)
{
	struct ec_error err;
	int fd = tool_open_input(t, path);
	enum ec_filter_status st = ec_filter_file(&t->run, fd, &err);
	const struct ec_filter *run = &t->run;

	if (st != EC_FILTER_OK)
		run_failed(t, st, &err);
	if (t->check) {
		printf("%s: %zu records, %zu valid, %zu with errors, %zu "
		    "warnings\n", run->file, run->file_records,
		    run->file_valid, run->file_invalid, run->file_warnings);
	}
	if (fd != STDIN_FILENO)
		close(fd);
}

void
tool_run_inputs(struct tool *t, const struct filter *f, char **files,
    int nfiles)
{
	char *dash = "-";
	const char **names;
	struct ec_filter *run = &t->run;

	if (t->check)
		t->diag.cap = 0;
	if (nfiles == 0) {
		files = &dash;
		nfiles = 1;
	}
	names = ec_xcalloc((size_t)nfiles, sizeof *names);
	for (int i = 0; i < nfiles; i++)
		names[i] = strcmp(files[i], "-") == 0 ? "<stdin>" : files[i];
	ec_filter_init(run, names);
	run->pol = t->pol;
	run->asof = t->asof;
	run->delim = t->delim;
	run->encoding = t->encoding;
	run->out = t->check ? NULL : &t->out;
	run->own_output = t->own_output;
	run->rej = t->rej_open ? &t->rej : NULL;
	run->diag = &t->diag;
	run->bind = bind_tool;
	run->record = record_tool;
	run->ctx = t;
	run->append = f->append;
	run->nappend = f->nappend;
	t->filter = f;
	for (int i = 0; i < nfiles; i++)
		run_file(t, files[i]);
	t->nread += run->nread;
	t->nwritten += run->nwritten;
	t->nrejected += run->nrejected;
	t->nskipped += run->nskipped;
	if (run->nrejected > 0 && t->status < EXIT_DATA)
		t->status = EXIT_DATA;
	ec_filter_release(run);
	free(names);
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
	struct ec_error err;

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
	    ec_outfile_ready(&t->outfile, &err) != 0)
		tool_fatal(t, "%s", err.msg);
	if (t->rej_open && ec_outfile_ready(&t->rejfile, &err) != 0)
		tool_fatal(t, "%s", err.msg);
	if (t->out_open && t->out_path &&
	    ec_outfile_commit(&t->outfile, &err) != 0)
		tool_fatal(t, "%s", err.msg);
	if (t->rej_open && ec_outfile_commit(&t->rejfile, &err) != 0)
		tool_fatal(t, "%s", err.msg);
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
	ec_policy_free(t->pol);
	t->pol = NULL;
	if (t->check && t->diag.errors)
		return EXIT_DATA;
	return t->status;
}
