/*
 * due.h - the policy's visit rules (§三(二) 定期巡访, §三(五) 健康体检)
 * applied to the current record of a census sheet, with the visit index
 * (visits.h) for what the visit logs said of that person: the columns
 * visit-due writes, which visits to list, and in what order.
 *
 * For a person in the programme, the interval is the days of the first
 * interval rule that holds; the next visit is due that many days after
 * the last, and the days overdue are the as-of date less that day.  The
 * visit status is never_visited, overdue (days overdue over 0), due_soon
 * (within due_soon_days before the day) or ok.  A person the home-visit
 * rule covers is home-visited ok when the last home visit is at most
 * home_visit_days old, overdue when older, never when there was none.
 * The health check is due ("yes") for the eligible whose check is not
 * done, "no" when it is, not_applicable otherwise.  The alert and its
 * report are the index's (visits.h).  Everyone outside the programme is
 * not_applicable, with no interval, due date or days overdue.
 *
 * An ec_due computes them once per record of its sheet and serves them
 * as the hooks of the sheet's columns (ec_due_own).  It also reads the
 * visit logs into the index (ec_due_read_log), and an ec_due_list holds
 * the records of --overdue to be sorted.
 *
 * Ownership: an ec_due borrows the policy and the index; the strings of
 * its results are the policy's, or static.  Nothing here prints or
 * exits: problems of the visit logs go to the caller's callbacks.
 */
#ifndef EC_DUE_H
#define EC_DUE_H

#include <stddef.h>
#include <stdint.h>

#include "csv.h"
#include "policy.h"
#include "sheet.h"
#include "util.h"
#include "visits.h"

struct ec_risk;

/* visit-due's columns, in the order of visit-due(1). */
enum ec_due_col {
	EC_DUE_LAST_VISIT,
	EC_DUE_LAST_HOME_VISIT,
	EC_DUE_INTERVAL_DAYS,
	EC_DUE_NEXT_DUE,
	EC_DUE_DAYS_OVERDUE,
	EC_DUE_VISIT_STATUS,
	EC_DUE_HOME_VISIT_STATUS,
	EC_DUE_HEALTH_CHECK_DUE,
	EC_DUE_ALERT,
	EC_DUE_ALERT_REPORT,
	EC_DUE_NCOLS
};

/* The results of one record. */
struct ec_due_result {
	int prog;		/* in the visiting programme */
	int has_interval;	/* an interval rule holds */
	ec_date last;		/* or EC_VISITS_NEVER */
	ec_date last_home;	/* or EC_VISITS_NEVER */
	ec_date next_due;	/* when prog, has_interval and last */
	long long interval, overdue;
	/* Tokens, or NULL for a blank. */
	const char *status, *home, *health, *alert, *report;
};

/* Which records the tool lists (visit-due(1): --overdue ...). */
enum ec_due_select {
	EC_DUE_ALL = 0,
	EC_DUE_OVERDUE,
	EC_DUE_WITHIN,
	EC_DUE_ALERTS,
};

struct ec_due {
	const struct ec_policy *pol;
	struct ec_visits *index;
	int cols[EC_DUE_NCOLS];	/* the policy's columns, in that order */
	int id_col;
	int visit_date_col, mode_col, situation_col, reported_col;
	int key_cols[3];	/* county, township, village, or -1 */
	const struct ec_vocab *situations;
	int none_tok;
	unsigned char *interval_reads;	/* per column: an interval rule reads it */
	struct ec_sheet_rules idrules;	/* the ID number alone */
	struct ec_buf scratch;

	/* The result for the record of generation gen of sheet. */
	const struct ec_sheet *sheet;
	uint32_t gen;
	struct ec_due_result r;
};

void ec_due_init(struct ec_due *d, const struct ec_policy *p,
	struct ec_visits *index);
void ec_due_release(struct ec_due *d);

/*
 * The results of the current record of s, computed the first time they
 * are asked for.  The person's entry in the index is marked matched.
 */
const struct ec_due_result *ec_due_compute(struct ec_due *d,
	struct ec_sheet *s);

/*
 * The tool writes the columns: s computes them with d, and drops an
 * input field that holds one of them.  Call after ec_sheet_bind.
 */
void ec_due_own(struct ec_sheet *s, struct ec_due *d);

/*
 * Appends to msg one line for each required column of the census that
 * the rules read, directly or through a definition, and the input lacks
 * (the ID number among them), then risk's (ec_risk_missing) when the
 * rules read a column that risk computes.  Returns how many lines.
 */
size_t ec_due_missing(struct ec_sheet *s, const struct ec_due *d,
	const struct ec_risk *risk, struct ec_buf *msg);

/*
 * Whether visit-due can take the current record of s: its ID number is
 * neither blank nor bad, and for a person of the programme an interval
 * rule holds.  Returns 0, or -1 after reporting to fn why not: what the
 * sheet says of a bad ID number, or which column the interval rules read
 * is blank or bad.
 */
int ec_due_check(struct ec_due *d, struct ec_sheet *s, ec_problem_fn fn,
	void *ctx);

/*
 * Appends the current record of s as the CSV writer would write it: its
 * fields not dropped, then the columns of d, and the line end.
 */
void ec_due_record_text(struct ec_due *d, struct ec_sheet *s,
	struct ec_buf *b);

/* The same of the header of s, after a UTF-8 BOM when bom. */
void ec_due_header_text(const struct ec_due *d, const struct ec_sheet *s,
	int bom, struct ec_buf *b);

/* 1 when sel lists a record with results r (within: --due-within's). */
int ec_due_selected(const struct ec_due_result *r, enum ec_due_select sel,
	long long within);

/*
 * What --split-by groups records by (visit-due(1)): a field of the input,
 * named by a policy column's spelling (ec_header_named) or else by its
 * header as written, or a column visit-due computes or reads computed
 * (visit_status, risk_level ...); a field the output drops is not one.
 */
struct ec_due_split {
	int field;		/* the input field, or -1 ... */
	int col;		/* ... the computed column */
	struct ec_buf text;	/* a computed value's text */
};

/*
 * Binds name to the header of s (bound, its owned columns set): 0, or -1
 * with why in msg when no field or column is so named, or two fields are.
 */
int ec_due_split_bind(struct ec_due_split *sp, const struct ec_sheet *s,
	const char *name, struct ec_buf *msg);

/*
 * The group of the current record of s: its cell, trimmed, or the text
 * of the computed value (*n bytes; valid until the next call).
 */
const char *ec_due_split_value(struct ec_due_split *sp, struct ec_sheet *s,
	size_t *n);

void ec_due_split_release(struct ec_due_split *sp);

/*
 * Reading a visit log, twice.  The first reading puts its valid visits
 * into the index and reports the problems of the others; the second
 * reads no further than the first did and hands each visit the first
 * put in, of a person the census did not match, to unmatched.
 */
struct ec_due_log {
	size_t records;		/* records read the first time */
	size_t rejected;	/* of which rejected */
	unsigned char *indexed;	/* bit i: record i (from 0) was indexed */
	size_t indexed_cap;
};

/*
 * column: the header, trimmed, of the field at fault (NULL: the whole
 * record), of the ID's field for an unmatched visit; valid during the
 * call.
 */
struct ec_due_reading {
	/* A problem of the record that starts on line (first reading only). */
	void (*problem)(void *ctx, size_t line, const char *column,
	    const struct ec_problem *p);
	/* A visit of nobody in the census (second reading). */
	void (*unmatched)(void *ctx, size_t line, const char *column,
	    const struct ec_csv_record *rec);
	void *ctx;
};

/*
 * Reads the records of r (its header read already, nheader fields) into
 * vs, a sheet of the visit log bound to that header.  Returns EC_CSV_EOF
 * or EC_CSV_FATAL (the reader says why).
 */
enum ec_csv_status ec_due_read_log(struct ec_due *d, struct ec_due_log *log,
	struct ec_csv_reader *r, struct ec_sheet *vs, size_t nheader,
	int again, const struct ec_due_reading *cb);
void ec_due_log_release(struct ec_due_log *log);

/*
 * The records of --overdue, held to be sorted: by county, township and
 * village (their text, byte by byte), the never visited first, then the
 * most overdue first, else in the order added.
 */
struct ec_due_held;
struct ec_due_list {
	struct ec_due_held *held;
	size_t n, cap;
	struct ec_buf arena;	/* the sort keys and texts */
	struct ec_buf scratch;
};

/*
 * Holds text[0..n), the output of the current record of s (results r),
 * for group (a --split-by group, or SIZE_MAX).
 */
void ec_due_list_add(struct ec_due_list *l, const struct ec_due *d,
	struct ec_sheet *s, const struct ec_due_result *r, const char *text,
	size_t n, size_t group);
void ec_due_list_sort(struct ec_due_list *l);
/* The text of record i (in sorted order), its length and group. */
const char *ec_due_list_text(const struct ec_due_list *l, size_t i,
	size_t *n, size_t *group);
void ec_due_list_release(struct ec_due_list *l);

#endif
