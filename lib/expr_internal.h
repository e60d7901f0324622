/*
 * expr_internal.h - what the scanner (expr_lex.c), the parser
 * (expr_parse.c) and the evaluator (expr_eval.c) of the expression
 * language share.  Not part of the public API: see expr.h.
 */
#ifndef EC_EXPR_INTERNAL_H
#define EC_EXPR_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "expr.h"
#include "value.h"

/*
 * Deepest nesting of parentheses, function calls, "not" and unary minus.
 * The parser and the evaluator recurse once per level, so this bounds
 * their stack use whatever the input.
 */
#define EXPR_MAX_DEPTH 256

enum expr_tok {
	EXPR_T_EOF = 0,
	EXPR_T_NAME,
	EXPR_T_INT,
	EXPR_T_STRING,
	EXPR_T_EQ,		/* == */
	EXPR_T_NE,		/* != */
	EXPR_T_LT,
	EXPR_T_LE,
	EXPR_T_GT,
	EXPR_T_GE,
	EXPR_T_PLUS,
	EXPR_T_MINUS,
	EXPR_T_STAR,
	EXPR_T_SLASH,
	EXPR_T_PERCENT,
	EXPR_T_LPAREN,
	EXPR_T_RPAREN,
	EXPR_T_LBRACK,
	EXPR_T_RBRACK,
	EXPR_T_COMMA,
	EXPR_T_AND,
	EXPR_T_OR,
	EXPR_T_NOT,
	EXPR_T_IN,
	EXPR_T_TRUE,
	EXPR_T_FALSE,
	EXPR_T_YES,
	EXPR_T_NO,
	EXPR_T_TODAY,
};

struct expr_token {
	enum expr_tok kind;
	size_t off;		/* where it starts in the source */
	size_t len;		/* its bytes in the source, quotes included */
	int64_t i;		/* INT: the value */
};

/*
 * Scans the token at or after src[pos] (white space skipped) into *t.
 * Returns 0, or -1 with *err filled.  At the end of the source the token
 * is EXPR_T_EOF at offset len.
 */
int expr_scan(const char *src, size_t len, size_t pos, struct expr_token *t,
	struct ec_expr_error *err);

/*
 * The text a STRING token stands for, quotes removed and doubled quotes
 * undone, as an allocated NUL-terminated copy; *n is its length.
 */
char *expr_unquote(const char *src, const struct expr_token *t, size_t *n);

enum expr_kind {
	EXPR_LIT,		/* v */
	EXPR_TODAY,
	EXPR_SLOT,		/* slot */
	EXPR_LIST,		/* kids: LIT nodes; only after "in" */
	EXPR_NEG,		/* kids[0] */
	EXPR_NOT,		/* kids[0] */
	EXPR_AND,		/* kids[0..nkids), n-ary */
	EXPR_OR,		/* kids[0..nkids), n-ary */
	EXPR_EQ,		/* kids[0], kids[1] */
	EXPR_NE,
	EXPR_LT,
	EXPR_LE,
	EXPR_GT,
	EXPR_GE,
	EXPR_IN_LIST,		/* kids[0] in kids[1], an EXPR_LIST; negate */
	EXPR_IN_VALUE,		/* kids[0] in kids[1], of type LIST; negate */
	EXPR_SUM,		/* kids[0] ops[1] kids[1] ops[2] ..., left first */
	EXPR_PRODUCT,		/* likewise with * / % */
	EXPR_CALL,		/* func(kids...) */
};

enum expr_func {
	EXPR_F_BLANK,
	EXPR_F_COUNT,
	EXPR_F_VALID_PHONE,
	EXPR_F_ID_BIRTH,
	EXPR_F_ID_SEX,
	EXPR_F_AGE,
	EXPR_F_YEAR,
};

/*
 * A node of the syntax tree.  Chains of and, or, + - and * / % are one
 * node with many kids rather than a left-deep tree, so that a long flat
 * expression costs no stack depth when evaluated.
 */
struct expr_node {
	enum expr_kind kind;
	enum ec_type type;	/* static type; 0 for an EXPR_LIST */
	size_t off;		/* where it starts in the source, for messages */
	size_t name_len;	/* EXPR_SLOT: the name as written at off */
	struct ec_value v;	/* EXPR_LIT */
	char *str;		/* EXPR_LIT of text: the bytes v.s points to */
	int slot;		/* EXPR_SLOT */
	int negate;		/* EXPR_IN_*: "not in" */
	enum expr_func func;	/* EXPR_CALL */
	struct expr_node **kids;
	char *ops;		/* EXPR_SUM, EXPR_PRODUCT: ops[i] before kids[i] */
	size_t nkids;
	size_t capkids;
};

struct ec_expr {
	struct expr_node *root;
	/* Every node, in the order made: for freeing and ec_expr_slots. */
	struct expr_node **nodes;
	size_t nnodes;
	size_t capnodes;
};

#endif
