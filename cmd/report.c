/*
 * report - turn a rollup into the supervision summary, or a visit-due
 * output into printable visit sheets, as text, Markdown, HTML or CSV.
 *
 * Not a filter: the whole input is read before anything is written, since
 * a column is as wide as its widest cell.  The records are read by the
 * common loop (lib/filter.h), which writes none of them: malformed ones
 * are reported and left out as by every tool; the report is written all
 * the same, with status 1.
 */
#include <stdlib.h>
#include <string.h>

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
	COMMON_LONG,
	{ "format", required_argument, NULL, 'f' },
	{ "lang", required_argument, NULL, OPT_LANG },
	{ "no-mask", no_argument, NULL, OPT_NO_MASK },
	{ "title", required_argument, NULL, OPT_TITLE },
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

/* The report's header is the input's (the loop has bound it to a sheet). */
static int
bind(struct tool *t, struct ec_sheet *s)
{
	struct ec_error err;

	if (ec_reporter_header(t->ctx, t->run.rec, &err) != 0)
		tool_fatal(t, "%s:%zu: %s", t->run.file, t->run.rec->line,
		    err.msg);
	return 0;
}

/*
 * A record goes into the report, not to the output (0); a malformed one
 * is left out of both, and said so.
 */
static int
record(struct tool *t, struct ec_sheet *s)
{
	struct ec_error err;
	struct ec_problem p = { EC_ERROR, "value", -1, err.msg };

	if (ec_reporter_record(t->ctx, ec_sheet_current(s), &p.field,
	    &err) == 0)
		return 0;
	tool_problem(t, &p);
	return -1;
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
	struct ec_error err;
	int opt, status;
	const struct filter f = { bind, record, NULL, 0 };

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
	t.ctx = r;
	t.own_output = 1;
	tool_run_inputs(&t, &f, argv + optind, argc - optind);
	/* Every record read and not rejected went into the report. */
	t.nwritten += t.nskipped;
	t.nskipped = 0;
	if (ec_reporter_write(r, &out, &err) != 0) {
		ec_buf_release(&out);
		ec_reporter_free(r);
		tool_fatal(&t, "%s", err.msg);
	}
	ec_reporter_free(r);
	if (out.len)
		ec_csv_write_raw(&t.out, out.p, out.len);
	ec_buf_release(&out);
	status = tool_finish(&t);
	return status;
}
