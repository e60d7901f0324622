/*
 * report - turn a rollup into the supervision summary, or a visit-due
 * output into printable visit sheets, as text, Markdown, HTML or CSV.
 *
 * Not a filter: the whole input is read before anything is written, since
 * a column is as wide as its widest cell.  Malformed records are reported
 * and left out as by every tool; the report is written all the same, with
 * status 1.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "report.h"
#include "text.h"

static const char usage[] =
"usage: report [-f text|markdown|html|csv] [--title text] [--lang zh|en]\n"
"              [--no-mask] [-d delim] [-E encoding] [-o file] [-p policy]\n"
"              [--as-of YYYY-MM-DD] [--bom] [--rejects file] [--stats]\n"
"              [file]\n";

enum {
	OPT_TITLE = OPT_TOOL,
	OPT_LANG,
	OPT_NO_MASK,
};

static const struct option longopts[] = {
	{ "as-of", required_argument, NULL, OPT_AS_OF },
	{ "bom", no_argument, NULL, OPT_BOM },
	{ "delimiter", required_argument, NULL, 'd' },
	{ "encoding", required_argument, NULL, 'E' },
	{ "format", required_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' },
	{ "lang", required_argument, NULL, OPT_LANG },
	{ "no-mask", no_argument, NULL, OPT_NO_MASK },
	{ "output", required_argument, NULL, 'o' },
	{ "policy", required_argument, NULL, 'p' },
	{ "rejects", required_argument, NULL, OPT_REJECTS },
	{ "stats", no_argument, NULL, OPT_STATS },
	{ "title", required_argument, NULL, OPT_TITLE },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

static const struct {
	const char *name;
	enum ec_format format;
} formats[] = {
	{ "text", EC_FORMAT_TEXT },
	{ "markdown", EC_FORMAT_MARKDOWN },
	{ "md", EC_FORMAT_MARKDOWN },
	{ "html", EC_FORMAT_HTML },
	{ "csv", EC_FORMAT_CSV },
};

/* --rejects: a record left out, as it came, with its line and error. */
static void
reject(struct tool *t, const struct ec_csv_record *rec, const char *col,
    const char *msg)
{
	char line[24];

	t->nrejected++;
	t->status = EXIT_DATA;
	if (!t->rej_open)
		return;
	if (rec->error && rec->raw)
		ec_csv_write_field(&t->rej, rec->raw, rec->raw_len);
	else
		ec_csv_write_fields(&t->rej, rec->fields, rec->nfields);
	ec_csv_write_field(&t->rej, line, ec_fmt_int(line, (int64_t)rec->line));
	ec_buf_reset(&t->errors);
	if (col)
		ec_buf_addf(&t->errors, "%s: ", col);
	ec_buf_adds(&t->errors, msg);
	ec_csv_write_field(&t->rej, t->errors.p, t->errors.len);
	ec_csv_end_record(&t->rej);
}

/* The header as written, trimmed, for a message about field f. */
static char *
column_name(const struct ec_csv_record *h, int f)
{
	size_t n = h->fields[f].n;
	const char *p = ec_trim(h->fields[f].p, &n);

	return ec_xmemdup(p, n);
}

static void
run(struct tool *t, struct ec_reporter *r, const char *path)
{
	struct ec_csv_record *rec;
	char **header = NULL;
	size_t nheader = 0;
	char err[512];
	int fd = tool_open_input(t, path);
	enum ec_csv_status st;
	struct ec_csv_reader *rd;

	t->file = strcmp(path, "-") == 0 ? "<stdin>" : path;
	rd = tool_reader(t, fd, t->file, t->encoding, "-E", &rec);
	if (ec_reporter_header(r, rec, err, sizeof err) != 0)
		tool_fatal(t, "%s:%zu: %s", t->file, rec->line, err);
	nheader = rec->nfields;
	if (t->rej_open) {
		ec_csv_write_fields(&t->rej, rec->fields, rec->nfields);
		ec_csv_write_field(&t->rej, "_line", 5);
		ec_csv_write_field(&t->rej, "_errors", 7);
		ec_csv_end_record(&t->rej);
	}
	header = ec_xcalloc(nheader, sizeof *header);
	for (size_t i = 0; i < nheader; i++)
		header[i] = column_name(rec, (int)i);

	while ((st = ec_csv_next(rd, &rec)) == EC_CSV_RECORD) {
		const char *col = NULL, *kind;
		int field;

		t->nread++;
		if (rec->error) {
			kind = "csv";
			snprintf(err, sizeof err, "%s",
			    ec_csv_rec_strerror(rec->error));
		} else if (rec->nfields != nheader) {
			kind = "fields";
			snprintf(err, sizeof err, "record has %zu field%s, the "
			    "header has %zu", rec->nfields,
			    rec->nfields == 1 ? "" : "s", nheader);
		} else if (ec_reporter_record(r, rec, &field, err,
		    sizeof err) != 0) {
			kind = "value";
			if (field >= 0)
				col = header[field];
		} else {
			t->nwritten++;
			continue;
		}
		/* Left out of the report, and said so. */
		ec_diag_data(&t->diag, EC_ERROR, kind, t->file, rec->line, col,
		    err);
		reject(t, rec, col, err);
	}
	if (st == EC_CSV_FATAL)
		tool_reader_fatal(t, rd, t->file, "-E");
	ec_diag_finish(&t->diag, t->file);
	for (size_t i = 0; i < nheader; i++)
		free(header[i]);
	free(header);
	ec_csv_reader_free(rd);
	if (fd != STDIN_FILENO)
		close(fd);
}

/* The report as it is made, to the output (reporter's flush). */
static void
write_out(void *ctx, struct ec_buf *out)
{
	struct tool *t = ctx;

	ec_csv_write_raw(&t->out, out->p, out->len);
	ec_buf_reset(out);
}

int
main(int argc, char **argv)
{
	struct tool t;
	struct ec_report_options o;
	struct ec_reporter *r;
	struct ec_buf out = EC_BUF_INIT;
	char err[512];
	int opt, status;

	tool_init(&t, "report", usage);
	argv[0] = (char *)t.prog;	/* getopt's messages name the tool */
	memset(&o, 0, sizeof o);
	o.format = EC_FORMAT_TEXT;
	o.lang = "zh";
	o.mask = 1;
	while ((opt = getopt_long(argc, argv, "f:" COMMON_SHORT, longopts,
	    NULL)) != -1) {
		size_t i;

		if (tool_option(&t, opt, optarg))
			continue;
		switch (opt) {
		case 'f':
			for (i = 0; i < EC_ARRAY_LEN(formats); i++)
				if (strcmp(optarg, formats[i].name) == 0)
					break;
			if (i == EC_ARRAY_LEN(formats))
				tool_fatal(&t, "bad format '%s' (text, "
				    "markdown, html or csv)", optarg);
			o.format = formats[i].format;
			break;
		case OPT_TITLE:
			o.title = optarg;
			break;
		case OPT_LANG:
			if (strcmp(optarg, "zh") != 0 &&
			    strcmp(optarg, "en") != 0)
				tool_fatal(&t, "bad language '%s' (zh or en)",
				    optarg);
			o.lang = optarg;
			break;
		case OPT_NO_MASK:
			o.mask = 0;
			break;
		default:
			tool_usage_error(&t);
		}
	}
	if (argc - optind > 1)
		tool_usage_error(&t);
	o.asof = t.asof;
	tool_load_policy(&t);
	tool_open_output(&t);
	r = ec_reporter_new(t.pol, &o);
	ec_reporter_flush_to(r, write_out, &t);
	run(&t, r, optind < argc ? argv[optind] : "-");
	if (ec_reporter_write(r, &out, err, sizeof err) != 0) {
		ec_buf_release(&out);
		ec_reporter_free(r);
		tool_fatal(&t, "%s", err);
	}
	ec_reporter_free(r);
	if (out.len)
		ec_csv_write_raw(&t.out, out.p, out.len);
	ec_buf_release(&out);
	status = tool_finish(&t);
	return status;
}
