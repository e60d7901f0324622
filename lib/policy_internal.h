/*
 * policy_internal.h - what the parts of the policy loader share: the
 * state of a load, the strict checks every section makes
 * (policy_schema.c) and the rules of each tool (policy_rules.c), which
 * the top level (policy_load.c) calls.  Not part of the public API: see
 * policy.h.
 *
 * Every function that checks returns 0, or -1 with the problem kept in
 * the loader (the first one only: a load ends at it).
 */
#ifndef EC_POLICY_INTERNAL_H
#define EC_POLICY_INTERNAL_H

#include <stddef.h>

#include "policy.h"
#include "ytree.h"

/* The names a string literal compared with a LIST column may take. */
struct names {
	const char **v;
	size_t n;
};

struct colname {
	const char *name;
	int col;
};

struct loader {
	const struct ec_ytree *tree;	/* the policy file, read */
	struct ec_yerror err;		/* the first problem */
	struct ec_policy *p;

	struct names *lits;		/* per column; v NULL: any literal */
	size_t nlits;
	int *classify_at;		/* per column: classify entry or -1 */
	struct colname *byname;		/* the columns in order of name */
	const struct ec_ynode **names;	/* names to check for duplicates */
	size_t nnames, capnames;
	unsigned char *seen;		/* see pol_seen_reset */
	size_t nseen;

	/* The expression being compiled, for the resolver. */
	const char *src;
	size_t srclen;
	int classify_limit;		/* computed at or after it: forbidden */
	enum ec_tool stage;		/* whose rules; NONE: rollup's, any */
	int forbidden;			/* first forbidden column read, or -1 */
	size_t forbidden_off;
};

/* The keys a mapping may have. */
struct field {
	const char *key;
	int required;
};

/* policy_schema.c: errors */

/* An error at the start of node n. */
int pol_fail(struct loader *L, const struct ec_ynode *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/*
 * An error at byte off of scalar n's value (an expression or a message),
 * with the value as the excerpt.
 */
int pol_fail_at(struct loader *L, const struct ec_ynode *n, size_t off,
	const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* An error at 1-based line and col. */
int pol_fail_pos(struct loader *L, size_t line, size_t col, const char *fmt,
	...) __attribute__((format(printf, 4, 5)));

/* policy_schema.c: values of the expected kind; what names them */

int pol_get_fields(struct loader *L, const struct ec_ynode *m,
	const char *ctx, const struct field *f, size_t nf,
	const struct ec_ynode **val, const struct ec_ynode **key);
int pol_want_map(struct loader *L, const struct ec_ynode *n,
	const char *what);
int pol_want_seq(struct loader *L, const struct ec_ynode *n,
	const char *what);
int pol_want_text(struct loader *L, const struct ec_ynode *n,
	const char *what);
char *pol_trimmed(const struct ec_ynode *n);
int pol_want_int(struct loader *L, const struct ec_ynode *n,
	const char *what, long long *out);
int pol_want_count(struct loader *L, const struct ec_ynode *n,
	const char *what, long long *out);
int pol_want_days(struct loader *L, const struct ec_ynode *n,
	const char *what, long long *out);
int pol_want_item(struct loader *L, const struct ec_ynode *n,
	const char *what);
int pol_want_strings(struct loader *L, const struct ec_ynode *n,
	const char *what, char ***out, size_t *nout);
int pol_want_item_name(struct loader *L, const struct ec_ynode *n,
	const char *what);

/* policy_schema.c: columns, once loaded */

void pol_index_columns(struct loader *L);
int pol_lookup(const struct loader *L, const char *s, size_t n);
int pol_want_column(struct loader *L, const struct ec_ynode *n,
	const char *what, int *out);
int pol_want_columns(struct loader *L, const struct ec_ynode *n,
	const char *what, int **out, size_t *nout);
unsigned char *pol_seen_reset(struct loader *L, size_t n);

/* policy_schema.c: expressions, compiled against the columns */

struct ec_expr *pol_compile(struct loader *L, const struct ec_ynode *n,
	const char *what, enum ec_type want, int col);
struct ec_expr *pol_condition(struct loader *L, const struct ec_ynode *n,
	const char *what);
int pol_check_message(struct loader *L, const struct ec_ynode *n);

/* policy_rules.c: the sections of the tools' rules */

void pol_prescan_names(struct loader *L, const struct ec_ynode *classify,
	const struct ec_ynode *risk);
int pol_load_census(struct loader *L, const struct ec_ynode *n);
int pol_load_classify(struct loader *L, const struct ec_ynode *n);
int pol_load_risk(struct loader *L, const struct ec_ynode *n);
int pol_load_visits(struct loader *L, const struct ec_ynode *n);
int pol_load_health(struct loader *L, const struct ec_ynode *n);
int pol_load_rollup(struct loader *L, const struct ec_ynode *n);

#endif
