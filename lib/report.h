/*
 * report.h - what a person reads (report(1)): the supervision summary
 * of a rollup, and the printable visit sheets of a visit-due output, as
 * text, Markdown, HTML or CSV.
 *
 * A reporter is given the header, which says which of the two it reads,
 * then every record, then writes the report: a column is as wide as its
 * widest cell, so nothing can be written before the last record is in.
 * It keeps a rollup's rows in memory; the people of a visit list wait in
 * an unnamed temporary file ($TMPDIR, else /tmp), and only the villages
 * stay in memory, so that its memory does not grow with the people.  A
 * village's sheet is made, written and let go one at a time.
 *
 * The summary shows, per row of the rollup (units, subtotals, total),
 * the counts that supervision looks at and four rates: left-behind per
 * elderly, visit coverage, health-check coverage and the share of alerts
 * not reported in time.  A rate whose denominator is 0 is "-" (blank in
 * CSV); a count or rate whose columns the rollup lacks is left out.  A
 * visit coverage under 100% and any alert not reported in time are
 * flagged.
 *
 * Labels come from the policy (labels:, column, metric and vocabulary
 * labels) in the language asked for, with built-in defaults for a policy
 * that lacks a label key.  ID and phone numbers are masked unless told.
 *
 * Ownership: the reporter borrows the policy and the options' strings
 * and copies what it keeps.  Nothing here prints or exits.
 */
#ifndef EC_REPORT_H
#define EC_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "csv.h"
#include "date.h"
#include "policy.h"
#include "util.h"

enum ec_format {
	EC_FORMAT_TEXT = 0,
	EC_FORMAT_MARKDOWN,
	EC_FORMAT_HTML,
	EC_FORMAT_CSV,
};

struct ec_report_options {
	enum ec_format format;
	const char *lang;	/* "zh" or "en" */
	const char *title;	/* NULL: the policy's title label */
	int mask;		/* mask ID and phone numbers */
	ec_date asof;		/* shown as the date of the report */
};

struct ec_reporter;

struct ec_reporter *ec_reporter_new(const struct ec_policy *p,
	const struct ec_report_options *o);
void ec_reporter_free(struct ec_reporter *r);

/*
 * Reads the header.  Returns 0, or -1 with a message in err when it is
 * neither a rollup nor a visit-due output, or a visit-due output that
 * lacks id_number or name.
 */
int ec_reporter_header(struct ec_reporter *r, const struct ec_csv_record *h,
	struct ec_error *err);

/*
 * One record with as many fields as the header.  Returns 0, or -1 when
 * it is left out (a rollup count that is not a whole number ≥ 0), with
 * the header index of the field at fault in *field and a message.
 */
int ec_reporter_record(struct ec_reporter *r, const struct ec_csv_record *rec,
	int *field, struct ec_error *err);

/*
 * Has the report written out as it is made: flush(ctx, out) is called
 * whenever out holds 64 KiB or more between two villages, and writes out
 * and empties it, so that a long list is never held whole.
 */
void ec_reporter_flush_to(struct ec_reporter *r,
	void (*flush)(void *ctx, struct ec_buf *out), void *ctx);

/*
 * Appends the report to out (what flush has not taken).  0, or -1 with a
 * message when the visit list's temporary file failed (a full disk).
 */
int ec_reporter_write(struct ec_reporter *r, struct ec_buf *out,
	struct ec_error *err);

/*
 * An ID number with all but its first 6 and last 4 characters as '*'
 * (512002********123X); one of 10 characters or fewer is all '*'.
 */
void ec_mask_id(const char *s, size_t n, struct ec_buf *out);

/*
 * Phone numbers with all but the first 3 and last 4 digits of each as
 * '*' (138****1234, 028-****5678); a 4-digit area code written apart
 * stays whole (0832-***1388).  A leading +86 or 0086 stays, and so do
 * spaces, hyphens and parentheses.  A number of 5 to 7 digits keeps its
 * last 4 only; one of 4 digits or fewer is no phone number and stays.
 * A number is a run of digits, spaces, hyphens, parentheses and +;
 * anything else (/, 、, letters ...) separates two.
 */
void ec_mask_phone(const char *s, size_t n, struct ec_buf *out);

#endif
