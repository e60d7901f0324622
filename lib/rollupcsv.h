/*
 * rollupcsv.h - the rollup CSV, as rollup(1) writes it and as rollup
 * --merge and report(1) read it.  Its header: the -b columns, "level",
 * "records", then the metrics.  A row per row of the walk (rollup.h): the
 * values of its -b columns (blank where rolled up), its level (the name
 * of the deepest -b column it has a value of, or "total"), the number of
 * records, then each metric's count.
 *
 * It is read two ways:
 *   EC_ROLLUPCSV_EXACT, rollup --merge's, which adds the counts up: the
 *     file as rollup wrote it, "level" as written with "records" right
 *     after it, a level spelt as its column's header, values blank
 *     exactly where rolled up, counts up to UINT64_MAX.
 *   EC_ROLLUPCSV_LOOSE, report's, of a rollup a person may have edited:
 *     level and records anywhere, in any case; a level in any case, by
 *     its header or by another name the caller gives; a level it cannot
 *     tell is that of the deepest value the row has; counts of at most 15
 *     digits (report computes rates in doubles).  Only the counts are
 *     checked, and a row's reading stops at its first problem.
 *
 * Ownership: an ec_rollupcsv owns copies of the header's fields and the
 * arrays a row is read into; a row read borrows them until the next.
 * Nothing here prints or exits: a problem is handed to the caller with
 * the field at fault.
 */
#ifndef EC_ROLLUPCSV_H
#define EC_ROLLUPCSV_H

#include <stddef.h>
#include <stdint.h>

#include "csv.h"
#include "rollup.h"
#include "util.h"

/* Writes the header: by[0..nb), level, records, metric[0..nm). */
void ec_rollupcsv_write_header(struct ec_csv_writer *w, char *const *by,
	size_t nb, char *const *metric, size_t nm);

/*
 * Writes a row of the walk with ncounts counts (records first); by names
 * the -b columns, for its level.
 */
void ec_rollupcsv_write_row(struct ec_csv_writer *w, char *const *by,
	size_t nb, const struct ec_rollup_row *row, size_t ncounts);

/*
 * Whether a header of by[0..nb) and metric[0..nm) can be read back: each
 * name once, and no -b column named level, records or total (the
 * total's level).  0, or -1 with why in msg (as rollup's -b and -m).
 */
int ec_rollupcsv_check_names(char *const *by, size_t nb,
	char *const *metric, size_t nm, struct ec_buf *msg);

enum ec_rollupcsv_mode {
	EC_ROLLUPCSV_EXACT,	/* rollup --merge */
	EC_ROLLUPCSV_LOOSE,	/* report */
};

struct ec_rollupcsv {
	enum ec_rollupcsv_mode mode;
	size_t nfields;
	struct ec_str *head;	/* the header's fields, trimmed, NUL-ended */
	size_t nb;		/* the -b columns: fields 0 .. nb - 1 */
	int level, records;	/* the fields of level and of records */
	/*
	 * LOOSE: another name each -b column's level may have (a policy
	 * column's), "" for none; borrowed, set by the caller, or NULL.
	 */
	const char *const *by_also;
	size_t nm;		/* the counts read besides records ... */
	int *count_field;	/* ... and their fields */
	struct ec_str *keys;	/* nb: a row's -b values, trimmed */
	uint64_t *counts;	/* 1 + nm: a row's records, then its counts */
};

/*
 * Reads header h[0..n) as a rollup's.  The counts read are then those of
 * every field after records (EXACT), or none (LOOSE) until
 * ec_rollupcsv_count_fields.  Returns 0, or -1 with why in msg when h is
 * not a rollup's (rc must still be released).
 */
int ec_rollupcsv_header(struct ec_rollupcsv *rc, enum ec_rollupcsv_mode mode,
	const struct ec_str *h, size_t n, struct ec_buf *msg);
void ec_rollupcsv_release(struct ec_rollupcsv *rc);

/*
 * The field of the count named name (ASCII letters in any case), or -1:
 * EXACT, the first after records; LOOSE, the first of the header, unless
 * it is a -b column.
 */
int ec_rollupcsv_field(const struct ec_rollupcsv *rc, const char *name);

/* Reads the counts of fields[0..n) in that order, besides records. */
void ec_rollupcsv_count_fields(struct ec_rollupcsv *rc, const int *fields,
	size_t n);

/* A problem of a row: its field and a sentence. */
typedef void ec_rollupcsv_problem_fn(void *ctx, int field, const char *msg);

/*
 * Reads row f (as many fields as the header) into *row: its depth (0:
 * the total; k: a row of the k-th -b column's level), rc->keys (every
 * -b value, as written, trimmed) and rc->counts.  Returns 0, or -1 when
 * it has problems, each handed to fn(ctx, ...).
 */
int ec_rollupcsv_read(struct ec_rollupcsv *rc, const struct ec_str *f,
	struct ec_rollup_row *row, ec_rollupcsv_problem_fn *fn, void *ctx);

/*
 * Merging rollups: the plan of one whose first input's header in has,
 * for the -b columns by[0..nb) (by name, or as a column of p by any of
 * its spellings) and the metrics m[0..nm) (by name), or when none are
 * asked for all of in's.  Returns 0, or -1 with why in msg.
 */
int ec_rollupcsv_plan(struct ec_rollup_plan *pl, struct ec_rollupcsv *in,
	const struct ec_policy *p, char *const *by, size_t nb,
	char *const *m, size_t nm, struct ec_buf *msg);

/*
 * Merging a row of fields f (as many as in's header) into r as pl says: a
 * row of the deepest level adds its counts to its group; the subtotals
 * and the total are made again from those, so they are only checked for
 * their form.  Returns 0; -1 when the row has problems, each handed to
 * fn(ctx, ...); -2 when a count would pass UINT64_MAX (nothing added).
 */
int ec_rollupcsv_merge(struct ec_rollupcsv *in, const struct ec_rollup_plan *pl,
	struct ec_rollup *r, const struct ec_str *f,
	ec_rollupcsv_problem_fn *fn, void *ctx);

#endif
