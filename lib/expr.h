/*
 * expr.h - the policy's expression language: compile once, evaluate per
 * record.
 *
 * Grammar, lowest precedence first:
 *
 *	expr    = or
 *	or      = and { "or" and }
 *	and     = not { "and" not }
 *	not     = "not" not | cmp
 *	cmp     = sum [ ( "==" | "!=" | "<" | "<=" | ">" | ">=" ) sum
 *	               | [ "not" ] "in" sum ]
 *	sum     = product { ( "+" | "-" ) product }
 *	product = unary { ( "*" | "/" | "%" ) unary }
 *	unary   = "-" unary | primary
 *	primary = INT | STRING | "true" | "false" | "yes" | "no" | "today"
 *	        | "[" [ literal { "," literal } ] "]"
 *	        | NAME "(" [ expr { "," expr } ] ")" | NAME | "(" expr ")"
 *
 * NAME is a column ([A-Za-z_][A-Za-z0-9_]*), resolved when compiling by the
 * caller's resolver to a slot and a type.  STRING is '...' or "..." (a
 * doubled quote inside stands for one).  Functions: blank(x) -> bool,
 * count(list) -> int, valid_phone(text) -> bool, id_birth(text) -> date,
 * id_sex(text) -> text ('male'/'female'), age(date) -> int (completed
 * years on today, with the environment's 29 February rule), year(date) ->
 * int.
 *
 * Blank values: a comparison or an "in" with a blank operand is false;
 * arithmetic with a blank operand is blank; "not" of blank is true; a
 * blank in "and"/"or" counts as false; functions of a blank return blank
 * (blank() and count() excepted: count of blank is 0).
 *
 * Types are checked when compiling; evaluation allocates nothing.
 */
#ifndef EC_EXPR_H
#define EC_EXPR_H

#include <stddef.h>
#include <stdint.h>

#include "date.h"
#include "value.h"

struct ec_expr;

/*
 * Resolves a column name to a slot (>= 0) and its type; returns -1 when
 * the name is not a known column.
 */
typedef int (*ec_expr_resolve_fn)(void *ctx, const char *name, size_t len,
	enum ec_type *type);

/*
 * Optional: checks that a string literal compared with slot (==, !=, in a
 * literal list, or 'lit' in a list slot) is one of its values; returns 0
 * when it is, -1 when not.  NULL accepts every literal.
 */
typedef int (*ec_expr_literal_fn)(void *ctx, int slot, const char *s,
	size_t n);

struct ec_expr_resolver {
	ec_expr_resolve_fn resolve;
	ec_expr_literal_fn literal;
	void *ctx;
};

/*
 * Fetches the value of a slot for the record being evaluated: sets all
 * of *out, its type being the slot's.
 */
typedef void (*ec_expr_fetch_fn)(void *ctx, int slot, struct ec_value *out);

/* What an expression sees besides its columns. */
struct ec_expr_env {
	ec_date today;
	enum ec_leap_rule leap_rule;
	ec_expr_fetch_fn fetch;
	void *ctx;
	struct ec_expr_cache *cache;	/* NULL, or one the caller zeroed */
	/*
	 * Optional: values already known for this record.  When
	 * stamp[slot] == gen, vals[slot] is used without calling fetch.
	 */
	const struct ec_value *vals;
	const uint32_t *stamp;
	uint32_t gen;
};

/*
 * What evaluation may remember between calls: the last ID number that
 * id_birth() or id_sex() read, so that a record's ID is parsed once
 * however many expressions ask.
 */
struct ec_expr_cache {
	char id[18];
	size_t id_len;
	int id_ok;
	ec_date birth;
	int male;
};

struct ec_expr_error {
	size_t offset;		/* byte offset into the source of the problem */
	char msg[200];		/* lowercase, no full stop */
};

/*
 * Compiles src[0..len).  Returns NULL and fills *err on a syntax error, an
 * unknown column or function, a type error or a literal the resolver
 * rejects.  The result owns a copy of everything it needs (src may be
 * freed) and is freed with ec_expr_free.
 */
struct ec_expr *ec_expr_compile(const char *src, size_t len,
	const struct ec_expr_resolver *r, struct ec_expr_error *err);

void ec_expr_free(struct ec_expr *e);

/* The type of the expression's result. */
enum ec_type ec_expr_type(const struct ec_expr *e);

/* Evaluates e for one record. */
void ec_expr_eval(const struct ec_expr *e, const struct ec_expr_env *env,
	struct ec_value *out);

/* Evaluates a BOOL expression: 1 when true, 0 when false or blank. */
int ec_expr_test(const struct ec_expr *e, const struct ec_expr_env *env);

/*
 * Calls fn for every slot e reads (a slot read twice may be reported
 * twice).
 */
void ec_expr_slots(const struct ec_expr *e, void (*fn)(void *, int),
	void *arg);

#endif
