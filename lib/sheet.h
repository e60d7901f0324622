/*
 * sheet.h - a CSV sheet seen through the policy: its header mapped to the
 * policy's columns, each record's cells read as typed values, the
 * columns a tool computes evaluated on demand, and the checks of a sheet
 * (types, required values, cross-column checks, unique IDs).
 *
 * Every policy column has a source for the sheet: a field of the input,
 * a definition of the policy (elder-classify's columns, computed when the
 * input lacks them), a hook of the tool (risk-score's columns, say), or
 * nothing (blank).  A column a tool writes itself is "owned": it is always
 * computed, and an input field of the same name is dropped from the
 * output, so running a tool twice replaces its columns.
 *
 * Values are computed once per record and cached; strings in them point
 * into the record or the sheet and are valid until the next record.
 * Ownership: a sheet (ec_sheet_new) owns its copies of the header; it
 * borrows the policy and the record.
 */
#ifndef EC_SHEET_H
#define EC_SHEET_H

#include <stddef.h>
#include <stdint.h>

#include "csv.h"
#include "diag.h"
#include "expr.h"
#include "policy.h"
#include "util.h"

enum ec_source {
	EC_SRC_NONE = 0,
	EC_SRC_FIELD,
	EC_SRC_DERIVED,
	EC_SRC_HOOK,
};

struct ec_sheet;

/* Computes an owned column the policy does not define. */
typedef void (*ec_sheet_hook_fn)(void *ctx, struct ec_sheet *s, int col,
	struct ec_value *out);

/* A problem found by ec_sheet_check. */
struct ec_problem {
	enum ec_severity sev;
	const char *kind;	/* static key, for counting */
	int field;		/* header index, or -1 for the whole record */
	const char *msg;
};

typedef void (*ec_problem_fn)(void *ctx, const struct ec_problem *p);

struct ec_idset;

/*
 * A sheet of policy p's columns, read with asof as the as-of date (for
 * ages and the checks of dates); free it with ec_sheet_free (NULL is
 * nothing to free).
 */
struct ec_sheet *ec_sheet_new(const struct ec_policy *p, ec_date asof);
void ec_sheet_free(struct ec_sheet *s);

/*
 * Maps the header record to the policy's columns (exact match after
 * trimming, ASCII letters in any case, of the canonical name, the zh label
 * or an alias; a column the tools write, such as age, by its canonical
 * name only, so that a census's own 年龄 column is kept as data).
 * Returns 0, or -1 with a message when two fields name the same column.
 */
int ec_sheet_bind(struct ec_sheet *s, const struct ec_csv_record *header,
	struct ec_error *err);

/*
 * Checks unique values against set, shared by the sheets of several
 * files: files[file_no] is this sheet's file (both borrowed).
 */
void ec_sheet_share_seen(struct ec_sheet *s, struct ec_idset *set,
	size_t file_no, const char *const *files);

/* The tool writes col: compute it (from the policy, else from hook). */
void ec_sheet_own(struct ec_sheet *s, int col, ec_sheet_hook_fn hook,
	void *ctx);

/*
 * Appends to msg one line per required column of rules (required, or
 * required when a condition holds) missing from the header; returns how
 * many.
 */
size_t ec_sheet_missing(struct ec_sheet *s, const struct ec_sheet_rules *r,
	struct ec_buf *msg);

/*
 * Has the reading thread of r parse the cells of each record into typed
 * values (the bulk of the work of reading a sheet) while the caller's
 * thread works on earlier records: once a few hundred records have been
 * read, the cells of the columns the tool has read so far; with
 * balance, of the records it has time for (see ec_csv_prepare).  Call it
 * once the sheet is bound and its owned columns set, with the reader of
 * the records it will see; the reader must be freed before the sheet.
 */
void ec_sheet_prepare(struct ec_sheet *s, struct ec_csv_reader *r,
	int balance);

/* Starts on a record (with as many fields as the header). */
void ec_sheet_record(struct ec_sheet *s, const struct ec_csv_record *rec);

/* The typed value of column col in the current record. */
void ec_sheet_value(struct ec_sheet *s, int col, struct ec_value *out);

/*
 * ec_idset_key() of the current record's ID number in ID column col, or
 * 0 when it is blank (or bad).
 */
uint64_t ec_sheet_id_key(struct ec_sheet *s, int col);

/*
 * The same key of the next record, when the reading thread has made it
 * already, else 0: to prefetch where it will be looked up.
 */
uint64_t ec_sheet_next_id_key(const struct ec_sheet *s, int col);

/*
 * What a sheet knows of its header and record, for the tools: the
 * number of fields, field f's header text as written (owned by the
 * sheet), the header field of column col (-1 when absent), whether
 * field f is left out of the output (a column the tool writes itself), where column col's values come
 * from, the record being read (borrowed, until the next one) and the
 * policy.
 */
size_t ec_sheet_nfields(const struct ec_sheet *s);
const char *ec_sheet_header(const struct ec_sheet *s, size_t f);
int ec_sheet_field(const struct ec_sheet *s, int col);
int ec_sheet_dropped(const struct ec_sheet *s, size_t f);
enum ec_source ec_sheet_source(const struct ec_sheet *s, int col);
const struct ec_csv_record *ec_sheet_current(const struct ec_sheet *s);
const struct ec_policy *ec_sheet_policy(const struct ec_sheet *s);

/* The as-of date the sheet was made with. */
ec_date ec_sheet_asof(const struct ec_sheet *s);

/*
 * A number that changes with every record (ec_sheet_record): what a
 * hook computes once per record is current while it stays the same.
 */
uint32_t ec_sheet_gen(const struct ec_sheet *s);

/*
 * Whether column col's cell in the current record holds a bad value
 * (read as blank); known once its value has been asked for.
 */
int ec_sheet_bad(const struct ec_sheet *s, int col);

/* Whether col is computed by a hook given ctx (ec_sheet_own). */
int ec_sheet_computed_by(const struct ec_sheet *s, int col, const void *ctx);

/*
 * Sets col's value for the current record, as its hook computed it
 * (ahead of being asked, or to replace what it handed out while busy).
 */
void ec_sheet_provide(struct ec_sheet *s, int col, const struct ec_value *v);

/*
 * A column an expression needs, as ec_sheet_inputs finds it: where its
 * values come from (never EC_SRC_DERIVED: a derived column is followed
 * into what its definition reads), and via, the derived column whose
 * definition reads it (the innermost), or -1 when the expression reads it
 * itself.
 */
typedef void (*ec_sheet_input_fn)(void *ctx, int col, enum ec_source src,
	int via);

/*
 * Calls fn once for each column e (which may be NULL) needs: each column
 * it reads, in the order it names them, a derived column followed through
 * its expression or flags to the columns those read.  A hook's column is
 * not followed: what the hook reads is its tool's to say.
 */
void ec_sheet_inputs(const struct ec_sheet *s, const struct ec_expr *e,
	ec_sheet_input_fn fn, void *ctx);

/*
 * Whether r requires col: always, or when a condition holds (a column
 * the tools read in order to compute another is needed either way).
 */
int ec_sheet_rules_requires(const struct ec_sheet_rules *r, int col);

/* Test of a BOOL expression on the current record. */
int ec_sheet_test(struct ec_sheet *s, const struct ec_expr *e);

/*
 * Checks the current record against rules: each cell of a known column
 * for its type, required values, the cross-column checks, and (when
 * rules->unique is set) that the value was not seen before; with region,
 * also the ID's address code.  Reports each problem to fn; returns the
 * number of errors.
 */
size_t ec_sheet_check(struct ec_sheet *s, const struct ec_sheet_rules *r,
	int region, ec_problem_fn fn, void *ctx);

#endif
