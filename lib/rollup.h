/*
 * rollup.h - counts by a hierarchy, as SQL's GROUP BY ROLLUP: groups keyed
 * by a tuple of byte strings (county, township, village ...), each with
 * the same number of unsigned 64-bit counts, walked in order with a
 * subtotal for every prefix of the tuple and a grand total.
 *
 * Order of the walk: groups sorted by their tuples, compared value by
 * value, bytewise (a value that is a prefix of another comes first); a
 * subtotal comes right after the last group it sums, as though its
 * rolled-up values were greater than any value; the total comes last.
 * For (county, township): (A,a1) (A,a2) (A,-) (B,b1) (B,-) (-,-).
 *
 * Memory is per group (its tuple's bytes and its counts), never per
 * record; a one-entry cache of the last group found makes a run of
 * records of the same group (a sheet sorted by village) cost no hashing.
 *
 * Also here: whether the columns an expression of the policy reads are
 * there to be read or computed (ec_rollup_unavailable), to leave out the
 * metrics an input cannot give; and what a rollup of a sheet counts by
 * and counts (ec_rollup_plan_count), as rollup(1)'s -b and -m ask.
 *
 * Ownership: an ec_rollup owns copies of its tuples and its counts; a
 * plan its names and arrays.  Nothing here prints or exits; an overflow
 * is returned, never wrapped, and a plan that cannot be made says why in
 * a message for the tool to print.
 */
#ifndef EC_ROLLUP_H
#define EC_ROLLUP_H

#include <stddef.h>
#include <stdint.h>

#include "expr.h"
#include "policy.h"
#include "risk.h"
#include "sheet.h"
#include "util.h"

struct ec_rollup;

/* A rollup of tuples of nkeys values (at least 1), ncounts counts each. */
struct ec_rollup *ec_rollup_new(size_t nkeys, size_t ncounts);
void ec_rollup_free(struct ec_rollup *r);

/*
 * Adds add[0..ncounts) to the counts of the group keys[0..nkeys).
 * Returns 0, or -1 when a count would pass UINT64_MAX: then nothing is
 * added (the group is made all the same).
 */
int ec_rollup_add(struct ec_rollup *r, const struct ec_str *keys,
	const uint64_t *add);

/* One row of the walk. */
struct ec_rollup_row {
	/*
	 * How many values the row has: nkeys for a group, 1 to nkeys - 1
	 * for a subtotal (the rest are rolled up), 0 for the total.
	 */
	size_t depth;
	const struct ec_str *keys;	/* keys[0..depth) */
	const uint64_t *counts;		/* ncounts */
};

typedef int (*ec_rollup_fn)(void *ctx, const struct ec_rollup_row *row);

/*
 * Calls fn for every row, in order (a rollup with no group has the total
 * row alone, with zero counts).  Returns 0; -1 when a total would pass
 * UINT64_MAX, found before fn is first called; or the first nonzero value
 * fn returns, which stops the walk.
 */
int ec_rollup_walk(struct ec_rollup *r, ec_rollup_fn fn, void *ctx);

/*
 * What a rollup counts by and counts, settled by the first input's
 * header: the -b columns (their names in the output, their fields in
 * the input) and the metrics (their names in the output, and what says
 * a record meets one: counting, its condition; merging, the field of its
 * count, rollupcsv.h).
 */
struct ec_rollup_plan {
	size_t nb;
	char **by_name;
	int *by_field;
	size_t nm;
	char **m_name;
	const struct ec_expr **m_when;
	int *m_field;
	struct ec_str *keys;	/* room for a record's -b values */
};

void ec_rollup_plan_release(struct ec_rollup_plan *pl);

/*
 * Whether m[0..nm) are metrics of p: 0, or -1 with why in msg.
 */
int ec_rollup_check_metrics(const struct ec_policy *p, char *const *m,
	size_t nm, struct ec_buf *msg);

/*
 * Counting the records of s, bound to its header: the -b columns by[0..nb)
 * (by a policy column's spellings, else by a header as written), and the
 * metrics m[0..nm) (checked by ec_rollup_check_metrics), or when none
 * are asked for every metric of the policy that s can give (risk: the
 * standard computing risk-score's columns for s, or NULL), each of the
 * others left out with a line in notes.  Returns 0, or -1 with why in
 * msg.
 */
int ec_rollup_plan_count(struct ec_rollup_plan *pl, const struct ec_sheet *s,
	const struct ec_risk *risk, char *const *by, size_t nb, char *const *m,
	size_t nm, struct ec_buf *notes, struct ec_buf *msg);

/*
 * The fields of the -b columns by[0..pl->nb) again in s, a later input
 * with the first's header: 0, or -1 with why in msg.
 */
int ec_rollup_plan_rebind(struct ec_rollup_plan *pl, const struct ec_sheet *s,
	char *const *by, struct ec_buf *msg);

/*
 * Counts the current record of s into r (a rollup of pl->nb values and
 * 1 + pl->nm counts) as pl says: one more in its group, and in each
 * metric it meets.  Returns 0; -1 when a -b value is blank, each one
 * reported to fn as an error of its field (a blank would read as a
 * rolled-up value), and nothing is counted; -2 when its group has as
 * many records as can be counted.
 */
int ec_rollup_count(struct ec_rollup *r, const struct ec_rollup_plan *pl,
	struct ec_sheet *s, ec_problem_fn fn, void *ctx);

#endif
