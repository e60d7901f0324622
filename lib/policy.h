/*
 * policy.h - the policy file: vocabularies, columns and their header
 * aliases, the census checks, and the rules of every tool, loaded from
 * YAML with libyaml and checked strictly.  The format is documented in
 * eldercare-policy(5); examples/policy.yaml is the default policy and is
 * compiled into every binary (ec_policy_default_text).
 *
 * Ownership: an ec_policy owns everything reachable from it, strings and
 * compiled expressions included; ec_policy_free releases it all.
 *
 * Columns are numbered by their place in the policy's columns: section;
 * that number is also the slot every compiled expression of the policy
 * reads (see expr.h), so an expression can be evaluated against any
 * record whose fetch function maps a column number to its value.
 */
#ifndef EC_POLICY_H
#define EC_POLICY_H

#include <stddef.h>

#include "date.h"
#include "expr.h"

extern const char ec_policy_default_text[];
extern const size_t ec_policy_default_len;

/* The type of a column, as written in the policy. */
enum ec_coltype {
	EC_COL_TEXT = 1,
	EC_COL_ID,	/* resident ID number; value: the normalised 18 chars */
	EC_COL_ENUM,	/* value: the canonical token of its vocabulary */
	EC_COL_BOOL,	/* vocabulary yesno; value: BOOL */
	EC_COL_INT,
	EC_COL_DATE,
	EC_COL_PHONE,	/* text, warned about when not a valid number */
	EC_COL_LIST,
};

struct ec_vocab_value {
	char *token;		/* canonical token, e.g. "alone" */
	size_t token_n;		/* its length */
	char *zh;		/* Chinese label, also accepted as input */
	char *en;		/* English label */
	char **aliases;		/* other accepted spellings */
	size_t naliases;
};

struct ec_vocab {
	char *name;
	struct ec_vocab_value *values;
	size_t nvalues;
};

struct ec_column {
	char *name;		/* canonical name, e.g. "children_away" */
	enum ec_coltype type;
	int vocab;		/* index into vocabs (ENUM, BOOL), else -1 */
	int has_min, has_max;
	long long min, max;	/* INT bounds when has_min/has_max */
	char *zh, *en;		/* labels; zh is also a header alias */
	char **aliases;		/* other header spellings */
	size_t naliases;
};

/* A cross-column check of a sheet (census or visit log). */
struct ec_check {
	int column;		/* the column the message is about */
	int is_error;		/* 1: error (record rejected), 0: warning */
	struct ec_expr *when;	/* BOOL: the problem is there when true */
	char *message;		/* may hold {column} to show a raw value */
	size_t line;		/* where it stands in the policy file */
};

/* What makes a sheet acceptable. */
struct ec_sheet_rules {
	int *required;		/* columns that must be present and filled */
	size_t nrequired;
	int *required_when_col;	/* column i is required when ... */
	struct ec_expr **required_when;	/* ... this BOOL holds */
	size_t nrequired_when;
	int unique;		/* column whose values must be unique, or -1 */
	struct ec_check *checks;
	size_t nchecks;
};

/* A column computed by elder-classify: an expression or a set of flags. */
struct ec_derived {
	int column;		/* the column it writes */
	struct ec_expr *expr;	/* NULL for flags */
	char **flag_names;	/* flags: names, written ;-separated in order */
	struct ec_expr **flags;	/* flags: BOOL each */
	size_t nflags;
};

struct ec_risk_factor {
	char *name;
	long long points;
	struct ec_expr *when;
};

struct ec_risk_level {
	int value;		/* index into the risk_level vocabulary */
	int has_min;		/* 0 only for the last, catch-all level */
	long long min;
};

struct ec_risk_override {
	char *name;
	int value;		/* the level it sets (risk_level vocabulary) */
	struct ec_expr *when;
};

struct ec_interval {
	struct ec_expr *when;	/* NULL: always */
	long long days;
};

struct ec_metric {
	char *name;
	struct ec_expr *when;
	char *zh, *en;
};

struct ec_label {
	char *key, *text;
};

struct ec_policy {
	char *name;
	char **region;		/* ID address-code prefixes */
	size_t nregion;
	enum ec_leap_rule leap_rule;

	struct ec_vocab *vocabs;
	size_t nvocabs;
	struct ec_column *columns;
	size_t ncolumns;

	struct ec_sheet_rules census;
	struct ec_sheet_rules visit_log;	/* only required is used */

	struct ec_derived *classify;
	size_t nclassify;

	struct ec_risk_factor *factors;
	size_t nfactors;
	struct ec_risk_level *levels;
	size_t nlevels;
	struct ec_risk_override *overrides;
	size_t noverrides;

	struct ec_expr *programme;	/* who is in the visiting programme */
	struct ec_interval *intervals;
	size_t nintervals;
	struct ec_expr *home_visit_when;
	long long home_visit_days;
	long long due_soon_days;
	long long report_within_days;
	long long alert_window_days;

	struct ec_expr *health_eligible;
	struct ec_expr *health_done;

	int *rollup_by;			/* default -b columns */
	size_t nrollup_by;
	struct ec_metric *metrics;
	size_t nmetrics;

	struct ec_label *labels_zh, *labels_en;
	size_t nlabels_zh, nlabels_en;
};

/* The tools that write columns, in the order they run. */
enum ec_tool {
	EC_TOOL_NONE = 0,	/* no tool: a column the tools only read */
	EC_TOOL_CLASSIFY,	/* elder-classify */
	EC_TOOL_RISK_SCORE,	/* risk-score */
	EC_TOOL_VISIT_DUE,	/* visit-due */
};

/*
 * A column the tools read or write by name, whatever the policy says
 * elsewhere, with the vocabulary tokens they read or write: a policy
 * without them would load and then fail in the middle of a run.  A
 * tool's rules can read only what the tools before it wrote.
 */
struct ec_tool_column {
	const char *name;
	enum ec_coltype type;	/* the type the policy must give it */
	const char *tokens[6];	/* tokens its vocabulary needs; NULL-ended */
	enum ec_tool writer;	/* the tool that writes it, or EC_TOOL_NONE */
};

/*
 * All of them, ec_tool_ncolumns long.  The columns of one tool are in the
 * order it writes them (risk-score(1), visit-due(1)).
 */
extern const struct ec_tool_column ec_tool_columns[];
extern const size_t ec_tool_ncolumns;

/* The entry of ec_tool_columns called name, or NULL. */
const struct ec_tool_column *ec_tool_column(const char *name);

/* Where loading failed. */
struct ec_buf;

struct ec_policy_error {
	size_t line, column;	/* 1-based, in the policy file */
	char msg[300];		/* lowercase, no full stop */
	char excerpt[300];	/* for an expression: its source ... */
	size_t caret;		/* ... and the byte offset of the problem */
	int has_excerpt;
};

/*
 * Loads a policy from text[0..len).  Returns NULL and fills *err on any
 * problem: YAML syntax, an unknown or misplaced key, a duplicate key, a
 * wrong type, a missing key, an expression that does not parse or names
 * an unknown column, a visit-interval rule set that can leave a record
 * with no interval.
 */
struct ec_policy *ec_policy_load(const char *text, size_t len,
	struct ec_policy_error *err);

void ec_policy_free(struct ec_policy *p);

/*
 * Appends err as a message about the policy file path: "path:line:col:
 * msg", and for an expression two more lines, its source and a caret
 * under the problem (a Chinese character takes two columns of a
 * terminal, a tab stays a tab).  No newline at the end.
 */
void ec_policy_error_format(const struct ec_policy_error *err,
	const char *path, struct ec_buf *out);

/* The column called name (canonical), or -1. */
int ec_policy_column(const struct ec_policy *p, const char *name);

/* The vocabulary called name, or -1. */
int ec_policy_vocab(const struct ec_policy *p, const char *name);

/*
 * The value index in vocabulary v that s[0..n) (trimmed) spells: a token
 * or an ASCII alias in any letter case, the zh label or another alias
 * exactly.  -1 when none.
 */
int ec_vocab_lookup(const struct ec_vocab *v, const char *s, size_t n);

/* The value index of token in vocabulary v, or -1. */
int ec_vocab_token(const struct ec_vocab *v, const char *token);

/* A label from labels: (lang "zh" or "en"), or NULL. */
const char *ec_policy_label(const struct ec_policy *p, const char *lang,
	const char *key);

/* The expression type of a column's values. */
enum ec_type ec_coltype_value_type(enum ec_coltype t);

#endif
