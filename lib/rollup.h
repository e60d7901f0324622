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
 * metrics an input cannot give.
 *
 * Ownership: an ec_rollup owns copies of its tuples and its counts.
 * Nothing here prints or exits; an overflow is returned, never wrapped.
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
 * The counts of the group keys[0..nkeys), made with zero counts the first
 * time: an array of ncounts, valid until the next call that makes a
 * group.  The keys are copied.
 */
uint64_t *ec_rollup_counts(struct ec_rollup *r, const struct ec_str *keys);

/*
 * Adds add[0..ncounts) to the counts of the group keys[0..nkeys).
 * Returns 0, or -1 when a count would pass UINT64_MAX: then nothing is
 * added (the group is made all the same).
 */
int ec_rollup_add(struct ec_rollup *r, const struct ec_str *keys,
	const uint64_t *add);

/* The number of groups. */
size_t ec_rollup_ngroups(const struct ec_rollup *r);

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
 * Can s give what e reads?  Walks the columns e reads; a column computed
 * from the policy's definitions (elder-classify's) is followed into the
 * columns its definition reads, and one that the risk standard r computes
 * for s (see ec_risk_provide) into those its factors and overrides read.
 * A column e reads itself must be in the input or be computed; one read
 * only to compute another must be in the input when rules (the census)
 * requires it, or requires it under a condition, and may be absent (blank)
 * otherwise.  Returns a column that fails (one e reads itself rather
 * than one read to compute another), or -1 when none does; then *via is
 * the computed column that needs it, or -1 when e reads it itself.  r
 * may be NULL.
 */
int ec_rollup_unavailable(const struct ec_sheet *s, const struct ec_expr *e,
	const struct ec_risk *r, const struct ec_sheet_rules *rules, int *via);

#endif
