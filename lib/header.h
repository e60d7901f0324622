/*
 * header.h - which policy column a header names: the one place where a
 * header's text is compared with a column's spellings or with another
 * name, for the sheet's
 * binding (sheet.h) and for the names a tool is given (rollup -b,
 * visit-due --split-by) or reads back (a rollup's levels, for report).
 *
 * A text names a column when, trimmed, it is the column's canonical
 * name, its zh label or one of its aliases, ASCII letters in any case.
 * A column the tools write (elder-classify's derived columns, risk-score's
 * and visit-due's) is named by its canonical name only: a census's own
 * 年龄 column is data, not the age elder-classify computes.  A name the
 * user gives (rollup -b 风险等级, visit-due --split-by 走访状态), or a
 * level of a rollup report reads (which computes no column a header could
 * hide), means a column, computed or not: it is any spelling of any
 * column.  The policy makes every spelling name one column at most
 * (policy.h).
 *
 * Ownership: nothing is kept; the policy and the text are borrowed.
 * Errors: none; -1 is "no column".
 */
#ifndef EC_HEADER_H
#define EC_HEADER_H

#include <stddef.h>

#include "policy.h"

/* The policy column that header text[0..n) names, or -1. */
int ec_header_column(const struct ec_policy *p, const char *text, size_t n);

/* The policy column that name[0..n), given by the user, means, or -1. */
int ec_header_named(const struct ec_policy *p, const char *name, size_t n);

/*
 * 1 when header text a[0..an) and b[0..bn) are the same name, as
 * written (both trimmed, ASCII letters in any case), else 0.
 */
int ec_header_same(const char *a, size_t an, const char *b, size_t bn);

/*
 * Appends to b " (its header may be: NAME, 中文, ALIAS...)": the
 * spellings of column c a header may use, for a message that says it is
 * missing.
 */
void ec_header_spellings(struct ec_buf *b, const struct ec_column *c);

#endif
