#include "common.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "idset.h"
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

/*
 * Repeated IDs are found with a set of the IDs seen in every input
 * (idset.h), which grows with the sheet: see elder-classify(1), BUGS.
 */
#define ESTIMATE_AFTER 65536	/* records, before the set of IDs is sized */

static void
run_file(struct tool *t, const struct filter *f, const char *path,
    char ***first_header, size_t *first_n)
{
	struct ec_csv_record *rec;
	struct ec_sheet sheet;
	char err[512];
	int fd = tool_open_input(t, path);
	enum ec_csv_status st;

	t->file = t->names[t->file_no];
	struct ec_csv_reader *r = tool_reader(t, fd, t->file, t->encoding,
	    "-E", &rec);

	ec_sheet_init(&sheet, t->pol, t->asof);
	ec_sheet_share_seen(&sheet, t->seen, t->file_no, t->names);
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
		if (size > 0 && t->file_records <= ESTIMATE_AFTER && t->seen) {
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
			if (t->file_records == ESTIMATE_AFTER && ids > 0)
				ec_idset_reserve(t->seen, ids + more);
		}
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
	if (st == EC_CSV_FATAL)
		tool_reader_fatal(t, r, t->file, "-E");
	ec_diag_finish(&t->diag, t->file);
	if (t->check) {
		printf("%s: %zu records, %zu valid, %zu with errors, %zu "
		    "warnings\n", t->file, t->file_records, t->file_valid,
		    t->file_invalid, t->file_warnings);
	}
	t->sheet = NULL;
	ec_csv_reader_free(r);	/* its thread may read the sheet */
	ec_sheet_release(&sheet);
	if (fd != STDIN_FILENO)
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
	for (int i = 0; i < nfiles; i++) {
		t->file_no = (size_t)i;
		run_file(t, f, files[i], &first, &first_n);
	}
	for (size_t i = 0; i < first_n; i++)
		free(first[i]);
	free(first);
	ec_idset_free(t->seen);
	t->seen = NULL;
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
