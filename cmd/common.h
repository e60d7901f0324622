/*
 * common.h - what every eldercare command does the same way: the shared
 * options, loading the policy, opening the inputs and the outputs (-o
 * and --rejects written atomically), running the record loop of
 * lib/filter.h over the inputs, messages, --stats, and the exit status.
 * Only cmd/ prints and exits; lib/ reports.
 */
#ifndef EC_COMMON_H
#define EC_COMMON_H

#include <sys/types.h>

#include <getopt.h>
#include <stdio.h>

#include "csv.h"
#include "diag.h"
#include "filter.h"
#include "outfile.h"
#include "policy.h"
#include "sheet.h"

enum {
	EXIT_OK = 0,
	EXIT_DATA = 1,		/* records rejected, or --check found errors */
	EXIT_FATAL = 2,		/* usage, policy, encoding or I/O */
};

/* Long options shared by every tool (values above any short option). */
enum {
	OPT_AS_OF = 256,
	OPT_BOM,
	OPT_REJECTS,
	OPT_STATS,
	OPT_HELP,
	OPT_VERSION,
	OPT_TOOL,		/* first value free for a tool's own options */
};

#define COMMON_SHORT "d:E:ho:p:"
#define COMMON_LONG \
	{ "as-of", required_argument, NULL, OPT_AS_OF }, \
	{ "bom", no_argument, NULL, OPT_BOM }, \
	{ "delimiter", required_argument, NULL, 'd' }, \
	{ "encoding", required_argument, NULL, 'E' }, \
	{ "help", no_argument, NULL, 'h' }, \
	{ "output", required_argument, NULL, 'o' }, \
	{ "policy", required_argument, NULL, 'p' }, \
	{ "rejects", required_argument, NULL, OPT_REJECTS }, \
	{ "stats", no_argument, NULL, OPT_STATS }, \
	{ "version", no_argument, NULL, OPT_VERSION }

struct tool;

/* What a filter does with the records of its input. */
struct filter {
	/*
	 * After a header is bound: claim owned columns, check what is
	 * missing; returns 0 or -1 (a message printed, exit 2).
	 */
	int (*bind)(struct tool *t, struct ec_sheet *s);
	/*
	 * One valid-looking record: 1 to write it, 0 to leave it out (a
	 * selection), -1 when it is rejected (problems already reported
	 * with tool_problem).
	 */
	int (*record)(struct tool *t, struct ec_sheet *s);
	/* Columns appended to the output, in order (policy columns). */
	const int *append;
	size_t nappend;
};

struct tool {
	const char *prog;
	const char *usage;

	/* options */
	const char *policy_path;
	const char *encoding;
	char delim;
	int bom;
	const char *out_path;
	const char *rejects_path;
	int stats;
	int check;		/* validate only: no output, every message */
	int own_output;		/* writes its own header: none copied */
	ec_date asof;

	struct ec_policy *pol;
	struct ec_diag diag;

	struct ec_csv_writer out;
	struct ec_outfile outfile;
	int out_open;
	struct ec_csv_writer rej;
	struct ec_outfile rejfile;
	int rej_open;

	/*
	 * The loop over the inputs (lib/filter.h), while it runs: run.file
	 * and run.rec are the input and the record being read.
	 */
	struct ec_filter run;
	const struct filter *filter;

	/* Over the run: the loop's counts, and what the tool adds. */
	size_t nread, nwritten, nrejected, nskipped;
	int status;		/* the worst exit status so far */
	void *ctx;		/* the tool's own state */
};

void tool_init(struct tool *t, const char *prog, const char *usage);

/*
 * Handles an option every tool has; returns 1 when it was one, 0 when
 * not (the tool's own).  Exits on --help, --version and bad values.
 */
int tool_option(struct tool *t, int opt, const char *arg);

/* Prints usage to stderr and exits 2. */
void tool_usage_error(struct tool *t) __attribute__((noreturn));

/* Prints "prog: message" to stderr and exits 2, removing partial output. */
void tool_fatal(struct tool *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

/* Loads -p FILE, $ELDERCARE_POLICY or the default policy; exits 2 on error. */
void tool_load_policy(struct tool *t);

/*
 * Opens a CSV writer of path through an atomic output file (stdout when
 * path is NULL or "-"), with a BOM under --bom; tool_commit_writer
 * flushes it and renames the file into place.  Both exit 2 on failure.
 */
void tool_open_writer(struct tool *t, const char *path,
	struct ec_outfile *of, struct ec_csv_writer *w);
void tool_commit_writer(struct tool *t, const char *path,
	struct ec_outfile *of, struct ec_csv_writer *w);

/* Opens stdout or -o FILE (and --rejects FILE). */
void tool_open_output(struct tool *t);

/* Runs f over the files (none: stdin).  Returns the exit status. */
int tool_run_filter(struct tool *t, const struct filter *f, char **files,
	int nfiles);

/*
 * tool_run_filter without its tool_finish: for a tool that has more to
 * write after the last input (records held back to be sorted, say) before
 * it calls tool_finish itself.
 */
void tool_run_inputs(struct tool *t, const struct filter *f, char **files,
	int nfiles);

/*
 * Prints each line of msg (ec_sheet_missing's, say) as a message about
 * the header of the current file; returns -1 when there was one, else 0.
 */
int tool_header_problems(struct tool *t, struct ec_buf *msg);

/* Reports a problem of the current record (the sheet's problem callback). */
void tool_problem(void *ctx, const struct ec_problem *p);

/* Flushes and closes the outputs, prints --stats; returns the status. */
int tool_finish(struct tool *t);

/*
 * A CSV reader of fd, in encoding, with the header read into *header.
 * file names it in messages, and option the option that chose the
 * encoding (-E, --visits-encoding) in the reader's advice.  Exits 2 with
 * a message when the encoding is unknown, the file is empty or its header
 * cannot be read.
 */
struct ec_csv_reader *tool_reader(struct tool *t, int fd, const char *file,
	const char *encoding, const char *option, struct ec_csv_record **header);

/* Exits 2 with the reader's fatal error, as for tool_reader. */
void tool_reader_fatal(struct tool *t, struct ec_csv_reader *r,
	const char *file, const char *option) __attribute__((noreturn));

/* Opens a file for reading, or stdin for "-"; exits 2 on failure. */
int tool_open_input(struct tool *t, const char *path);

#endif
