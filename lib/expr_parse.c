/*
 * expr_parse.c - the parser of the expression language: recursive
 * descent over the grammar in expr.h, building the syntax tree and
 * checking its types as it goes, so that every error is found when the
 * policy is loaded rather than on some record.
 *
 * Recursion is bounded: every level of nesting (parentheses, a function
 * call, "not", unary minus) counts against EXPR_MAX_DEPTH, and chains of
 * binary operators are parsed by loops into one n-ary node.
 */
#include "expr_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "text.h"
#include "util.h"

/* Longest name or literal quoted whole in a message. */
#define SHOW_MAX 60

struct parser {
	const char *src;
	size_t len;
	struct expr_token cur;
	const struct ec_expr_resolver *r;
	struct ec_expr *e;
	struct ec_expr_error *err;
	int depth;
};

static const struct {
	const char *name;
	enum expr_func func;
	enum ec_type arg;	/* 0: any type */
	const char *arg_name;	/* for messages */
	enum ec_type ret;
} functions[] = {
	{ "blank", EXPR_F_BLANK, 0, "", EC_T_BOOL },
	{ "count", EXPR_F_COUNT, EC_T_LIST, "a list", EC_T_INT },
	{ "valid_phone", EXPR_F_VALID_PHONE, EC_T_STR, "text", EC_T_BOOL },
	{ "id_birth", EXPR_F_ID_BIRTH, EC_T_STR, "text", EC_T_DATE },
	{ "id_sex", EXPR_F_ID_SEX, EC_T_STR, "text", EC_T_STR },
	{ "age", EXPR_F_AGE, EC_T_DATE, "a date", EC_T_INT },
	{ "year", EXPR_F_YEAR, EC_T_DATE, "a date", EC_T_INT },
};

static struct expr_node *parse_expr(struct parser *);
static void *fail(struct parser *, size_t, const char *, ...)
	__attribute__((format(printf, 3, 4)));

static void *
fail(struct parser *p, size_t off, const char *fmt, ...)
{
	va_list ap;

	p->err->offset = off;
	va_start(ap, fmt);
	vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, ap);
	va_end(ap);
	return NULL;
}

/*
 * How many bytes of s[0..n) to quote in a message: all of it, or the
 * first SHOW_MAX cut at a character boundary, so that a message never
 * ends in half a UTF-8 sequence.  more() adds the ellipsis.
 */
static int
show(const char *s, size_t n)
{
	return (int)ec_utf8_clip(s, n, SHOW_MAX);
}

static const char *
more(size_t n)
{
	return n > SHOW_MAX ? "..." : "";
}

/* The token as a message shows it: 'foo', 'bar' (a string) or end. */
static void
describe(const struct parser *p, const struct expr_token *t, char *buf,
    size_t size)
{
	const char *s = p->src + t->off;

	if (t->kind == EXPR_T_EOF)
		snprintf(buf, size, "end of expression");
	else if (t->kind == EXPR_T_STRING)
		snprintf(buf, size, "%.*s%s", show(s, t->len), s,
		    more(t->len));
	else
		snprintf(buf, size, "'%.*s%s'", show(s, t->len), s,
		    more(t->len));
}

static int
advance(struct parser *p)
{
	return expr_scan(p->src, p->len, p->cur.off + p->cur.len, &p->cur,
	    p->err);
}

/*
 * The kind of the token after the current one.  A token that does not
 * scan reads as the end: the error is reported when the parser gets
 * there, unless an earlier one is found first.
 */
static enum expr_tok
peek(const struct parser *p)
{
	struct expr_token t;
	struct ec_expr_error scratch;

	if (expr_scan(p->src, p->len, p->cur.off + p->cur.len, &t,
	    &scratch) == -1)
		return EXPR_T_EOF;
	return t.kind;
}

static int
enter(struct parser *p, size_t off)
{
	if (p->depth >= EXPR_MAX_DEPTH) {
		fail(p, off, "expression nested too deeply");
		return -1;
	}
	p->depth++;
	return 0;
}

static struct expr_node *
new_node(struct parser *p, enum expr_kind kind, enum ec_type type,
    size_t off)
{
	struct ec_expr *e = p->e;
	struct expr_node *n;

	/* Registered at once, so that an error anywhere frees it. */
	if (e->nnodes == e->capnodes) {
		e->capnodes = e->capnodes ? 2 * e->capnodes : 16;
		e->nodes = ec_xrealloc(e->nodes,
		    e->capnodes * sizeof(*e->nodes));
	}
	n = ec_xcalloc(1, sizeof(*n));
	n->kind = kind;
	n->type = type;
	n->off = off;
	e->nodes[e->nnodes++] = n;
	return n;
}

static void
add_kid(struct expr_node *n, struct expr_node *kid, char op)
{
	if (n->nkids == n->capkids) {
		n->capkids = n->capkids ? 2 * n->capkids : 2;
		n->kids = ec_xrealloc(n->kids, n->capkids * sizeof(*n->kids));
		if (n->kind == EXPR_SUM || n->kind == EXPR_PRODUCT)
			n->ops = ec_xrealloc(n->ops, n->capkids);
	}
	if (n->ops)
		n->ops[n->nkids] = op;
	n->kids[n->nkids++] = kid;
}

static struct expr_node *
string_literal(struct parser *p, const struct expr_token *t)
{
	struct expr_node *n = new_node(p, EXPR_LIT, EC_T_STR, t->off);
	size_t len;

	n->str = expr_unquote(p->src, t, &len);
	n->v = ec_value_str(EC_T_STR, n->str, len);
	return n;
}

static struct expr_node *
int_literal(struct parser *p, size_t off, int64_t i)
{
	struct expr_node *n = new_node(p, EXPR_LIT, EC_T_INT, off);

	n->v = ec_value_int(EC_T_INT, i);
	return n;
}

/* A list literal is no value: it may only stand right of "in". */
static int
is_value(struct parser *p, const struct expr_node *n)
{
	if (n->kind != EXPR_LIST)
		return 1;
	fail(p, n->off, "a list of literals can only stand after 'in'");
	return 0;
}

static int
want_bool(struct parser *p, const struct expr_node *n, const char *op)
{
	if (!is_value(p, n))
		return -1;
	if (n->type == EC_T_BOOL)
		return 0;
	fail(p, n->off, "'%s' needs bool operands, not %s", op,
	    ec_type_name(n->type));
	return -1;
}

/* Asks the resolver whether lit is one of the values of slot. */
static int
check_literal(struct parser *p, const struct expr_node *slot,
    const struct expr_node *lit)
{
	const char *name = p->src + slot->off;

	if (p->r == NULL || p->r->literal == NULL ||
	    p->r->literal(p->r->ctx, slot->slot, lit->v.s, lit->v.n) == 0)
		return 0;
	fail(p, lit->off, "'%.*s%s' is not a value of %.*s%s",
	    show(lit->v.s, lit->v.n), lit->v.s, more(lit->v.n),
	    show(name, slot->name_len), name, more(slot->name_len));
	return -1;
}

static struct expr_node *
parse_list(struct parser *p)
{
	struct expr_node *n = new_node(p, EXPR_LIST, 0, p->cur.off);
	struct expr_node *k;
	char what[80];

	if (advance(p) == -1)
		return NULL;
	if (p->cur.kind == EXPR_T_RBRACK)
		return advance(p) == -1 ? NULL : n;
	for (;;) {
		size_t off = p->cur.off;

		if (p->cur.kind == EXPR_T_MINUS) {
			if (advance(p) == -1)
				return NULL;
			if (p->cur.kind != EXPR_T_INT) {
				describe(p, &p->cur, what, sizeof(what));
				return fail(p, p->cur.off,
				    "expected an integer after '-', found %s",
				    what);
			}
			/* No overflow: the scanner's INT is >= 0. */
			k = int_literal(p, off, -p->cur.i);
		} else if (p->cur.kind == EXPR_T_INT) {
			k = int_literal(p, off, p->cur.i);
		} else if (p->cur.kind == EXPR_T_STRING) {
			k = string_literal(p, &p->cur);
		} else {
			describe(p, &p->cur, what, sizeof(what));
			return fail(p, p->cur.off,
			    "expected a string or an integer, found %s", what);
		}
		add_kid(n, k, 0);
		if (advance(p) == -1)
			return NULL;
		if (p->cur.kind == EXPR_T_RBRACK)
			return advance(p) == -1 ? NULL : n;
		if (p->cur.kind != EXPR_T_COMMA) {
			describe(p, &p->cur, what, sizeof(what));
			return fail(p, p->cur.off,
			    "expected ',' or ']', found %s", what);
		}
		if (advance(p) == -1)
			return NULL;
	}
}

static struct expr_node *
parse_call(struct parser *p, const struct expr_token *name)
{
	const char *s = p->src + name->off;
	struct expr_node *n, *k;
	size_t f;
	char what[80];

	for (f = 0; f < EC_ARRAY_LEN(functions); f++)
		if (strlen(functions[f].name) == name->len &&
		    memcmp(functions[f].name, s, name->len) == 0)
			break;
	if (f == EC_ARRAY_LEN(functions))
		return fail(p, name->off, "unknown function '%.*s%s'",
		    show(s, name->len), s, more(name->len));
	n = new_node(p, EXPR_CALL, functions[f].ret, name->off);
	n->func = functions[f].func;

	if (advance(p) == -1 || enter(p, p->cur.off) == -1 ||
	    advance(p) == -1)
		return NULL;
	if (p->cur.kind != EXPR_T_RPAREN) {
		for (;;) {
			if ((k = parse_expr(p)) == NULL)
				return NULL;
			add_kid(n, k, 0);
			if (p->cur.kind == EXPR_T_RPAREN)
				break;
			if (p->cur.kind != EXPR_T_COMMA) {
				describe(p, &p->cur, what, sizeof(what));
				return fail(p, p->cur.off,
				    "expected ',' or ')', found %s", what);
			}
			if (advance(p) == -1)
				return NULL;
		}
	}
	if (advance(p) == -1)
		return NULL;
	p->depth--;

	if (n->nkids != 1)
		return fail(p, name->off, "%s() takes 1 argument, not %zu",
		    functions[f].name, n->nkids);
	k = n->kids[0];
	if (!is_value(p, k))
		return NULL;
	if (functions[f].arg != 0 && k->type != functions[f].arg)
		return fail(p, k->off, "%s() takes %s, not %s",
		    functions[f].name, functions[f].arg_name,
		    ec_type_name(k->type));
	return n;
}

static struct expr_node *
parse_name(struct parser *p)
{
	struct expr_token name = p->cur;
	const char *s = p->src + name.off;
	struct expr_node *n;
	enum ec_type type = 0;
	int slot = -1;

	if (peek(p) == EXPR_T_LPAREN)
		return parse_call(p, &name);
	if (p->r != NULL && p->r->resolve != NULL)
		slot = p->r->resolve(p->r->ctx, s, name.len, &type);
	if (slot < 0)
		return fail(p, name.off, "unknown column '%.*s%s'",
		    show(s, name.len), s, more(name.len));
	/* Type 0 would pass for a list literal. */
	if (type < EC_T_BOOL || type > EC_T_LIST)
		return fail(p, name.off, "column '%.*s%s' has no type",
		    show(s, name.len), s, more(name.len));
	n = new_node(p, EXPR_SLOT, type, name.off);
	n->slot = slot;
	n->name_len = name.len;
	return advance(p) == -1 ? NULL : n;
}

static struct expr_node *
parse_primary(struct parser *p)
{
	struct expr_token t = p->cur;
	struct expr_node *n;
	char what[80];

	switch (t.kind) {
	case EXPR_T_INT:
		n = int_literal(p, t.off, t.i);
		break;
	case EXPR_T_STRING:
		n = string_literal(p, &t);
		break;
	case EXPR_T_TRUE:
	case EXPR_T_YES:
	case EXPR_T_FALSE:
	case EXPR_T_NO:
		n = new_node(p, EXPR_LIT, EC_T_BOOL, t.off);
		n->v = ec_value_int(EC_T_BOOL,
		    t.kind == EXPR_T_TRUE || t.kind == EXPR_T_YES);
		break;
	case EXPR_T_TODAY:
		n = new_node(p, EXPR_TODAY, EC_T_DATE, t.off);
		break;
	case EXPR_T_LBRACK:
		return parse_list(p);
	case EXPR_T_NAME:
		return parse_name(p);
	case EXPR_T_LPAREN:
		if (enter(p, t.off) == -1 || advance(p) == -1 ||
		    (n = parse_expr(p)) == NULL)
			return NULL;
		if (p->cur.kind != EXPR_T_RPAREN) {
			describe(p, &p->cur, what, sizeof(what));
			return fail(p, p->cur.off, "expected ')', found %s",
			    what);
		}
		p->depth--;
		break;
	default:
		describe(p, &t, what, sizeof(what));
		return fail(p, t.off, "unexpected %s", what);
	}
	return advance(p) == -1 ? NULL : n;
}

static struct expr_node *
parse_unary(struct parser *p)
{
	struct expr_node *n, *k;
	size_t off = p->cur.off;

	if (p->cur.kind != EXPR_T_MINUS)
		return parse_primary(p);
	if (enter(p, off) == -1 || advance(p) == -1 ||
	    (k = parse_unary(p)) == NULL || !is_value(p, k))
		return NULL;
	p->depth--;
	if (k->type != EC_T_INT)
		return fail(p, off, "cannot negate %s",
		    ec_type_name(k->type));
	n = new_node(p, EXPR_NEG, EC_T_INT, off);
	add_kid(n, k, 0);
	return n;
}

static struct expr_node *
parse_product(struct parser *p)
{
	struct expr_node *n, *k;

	if ((k = parse_unary(p)) == NULL)
		return NULL;
	if (p->cur.kind != EXPR_T_STAR && p->cur.kind != EXPR_T_SLASH &&
	    p->cur.kind != EXPR_T_PERCENT)
		return k;
	if (!is_value(p, k))
		return NULL;
	n = new_node(p, EXPR_PRODUCT, EC_T_INT, k->off);
	add_kid(n, k, 0);
	while (p->cur.kind == EXPR_T_STAR || p->cur.kind == EXPR_T_SLASH ||
	    p->cur.kind == EXPR_T_PERCENT) {
		size_t off = p->cur.off;
		char op = p->src[off];
		enum ec_type lt = n->nkids == 1 ? n->kids[0]->type : EC_T_INT;

		if (advance(p) == -1 || (k = parse_unary(p)) == NULL ||
		    !is_value(p, k))
			return NULL;
		if (lt != EC_T_INT || k->type != EC_T_INT)
			return fail(p, off, "cannot apply '%c' to %s and %s",
			    op, ec_type_name(lt), ec_type_name(k->type));
		add_kid(n, k, op);
	}
	return n;
}

/* The type of l op r for + and -, or 0 when there is none. */
static enum ec_type
sum_type(enum ec_type l, char op, enum ec_type r)
{
	if (l == EC_T_INT && r == EC_T_INT)
		return EC_T_INT;
	if (l == EC_T_DATE && r == EC_T_INT)
		return EC_T_DATE;
	if (l == EC_T_INT && r == EC_T_DATE && op == '+')
		return EC_T_DATE;
	if (l == EC_T_DATE && r == EC_T_DATE && op == '-')
		return EC_T_INT;
	return 0;
}

static struct expr_node *
parse_sum(struct parser *p)
{
	struct expr_node *n, *k;

	if ((k = parse_product(p)) == NULL)
		return NULL;
	if (p->cur.kind != EXPR_T_PLUS && p->cur.kind != EXPR_T_MINUS)
		return k;
	if (!is_value(p, k))
		return NULL;
	n = new_node(p, EXPR_SUM, k->type, k->off);
	add_kid(n, k, 0);
	while (p->cur.kind == EXPR_T_PLUS || p->cur.kind == EXPR_T_MINUS) {
		size_t off = p->cur.off;
		char op = p->src[off];
		enum ec_type t;

		if (advance(p) == -1 || (k = parse_product(p)) == NULL ||
		    !is_value(p, k))
			return NULL;
		if ((t = sum_type(n->type, op, k->type)) == 0)
			return fail(p, off, "cannot apply '%c' to %s and %s",
			    op, ec_type_name(n->type), ec_type_name(k->type));
		n->type = t;
		add_kid(n, k, op);
	}
	return n;
}

static struct expr_node *
parse_in(struct parser *p, struct expr_node *l, int negate)
{
	struct expr_node *n, *r;
	enum expr_kind kind;

	if (advance(p) == -1 || (r = parse_sum(p)) == NULL ||
	    !is_value(p, l))
		return NULL;
	if (r->kind == EXPR_LIST) {
		if (l->type != EC_T_INT && l->type != EC_T_STR)
			return fail(p, l->off, "'in' a list of literals needs "
			    "int or text on the left, not %s",
			    ec_type_name(l->type));
		for (size_t i = 0; i < r->nkids; i++) {
			struct expr_node *k = r->kids[i];

			if (k->type != l->type)
				return fail(p, k->off,
				    "cannot compare %s with %s",
				    ec_type_name(l->type),
				    ec_type_name(k->type));
			if (l->kind == EXPR_SLOT && l->type == EC_T_STR &&
			    check_literal(p, l, k) == -1)
				return NULL;
		}
		kind = EXPR_IN_LIST;
	} else {
		if (r->type != EC_T_LIST)
			return fail(p, r->off,
			    "'in' needs a list on the right, not %s",
			    ec_type_name(r->type));
		if (l->type != EC_T_STR)
			return fail(p, l->off,
			    "'in' a list needs text on the left, not %s",
			    ec_type_name(l->type));
		if (l->kind == EXPR_LIT && r->kind == EXPR_SLOT &&
		    check_literal(p, r, l) == -1)
			return NULL;
		kind = EXPR_IN_VALUE;
	}
	n = new_node(p, kind, EC_T_BOOL, l->off);
	n->negate = negate;
	add_kid(n, l, 0);
	add_kid(n, r, 0);
	return n;
}

static struct expr_node *
parse_cmp(struct parser *p)
{
	struct expr_node *n, *l, *r;
	struct expr_token op;
	enum expr_kind kind;

	if ((l = parse_sum(p)) == NULL)
		return NULL;
	op = p->cur;
	switch (op.kind) {
	case EXPR_T_EQ: kind = EXPR_EQ; break;
	case EXPR_T_NE: kind = EXPR_NE; break;
	case EXPR_T_LT: kind = EXPR_LT; break;
	case EXPR_T_LE: kind = EXPR_LE; break;
	case EXPR_T_GT: kind = EXPR_GT; break;
	case EXPR_T_GE: kind = EXPR_GE; break;
	case EXPR_T_IN:
		return parse_in(p, l, 0);
	case EXPR_T_NOT:
		/* Otherwise the "not" is a syntax error, found by the caller. */
		if (peek(p) != EXPR_T_IN)
			return l;
		if (advance(p) == -1)
			return NULL;
		return parse_in(p, l, 1);
	default:
		return l;
	}
	if (advance(p) == -1 || (r = parse_sum(p)) == NULL ||
	    !is_value(p, l) || !is_value(p, r))
		return NULL;
	if (l->type != r->type || l->type == EC_T_LIST)
		return fail(p, op.off, "cannot compare %s with %s",
		    ec_type_name(l->type), ec_type_name(r->type));
	if (l->type == EC_T_BOOL && kind != EXPR_EQ && kind != EXPR_NE)
		return fail(p, op.off, "cannot order bool values");
	if ((kind == EXPR_EQ || kind == EXPR_NE) && l->type == EC_T_STR) {
		if (l->kind == EXPR_SLOT && r->kind == EXPR_LIT &&
		    check_literal(p, l, r) == -1)
			return NULL;
		if (r->kind == EXPR_SLOT && l->kind == EXPR_LIT &&
		    check_literal(p, r, l) == -1)
			return NULL;
	}
	n = new_node(p, kind, EC_T_BOOL, l->off);
	add_kid(n, l, 0);
	add_kid(n, r, 0);
	return n;
}

static struct expr_node *
parse_not(struct parser *p)
{
	struct expr_node *n, *k;
	size_t off = p->cur.off;

	if (p->cur.kind != EXPR_T_NOT)
		return parse_cmp(p);
	if (enter(p, off) == -1 || advance(p) == -1 ||
	    (k = parse_not(p)) == NULL || !is_value(p, k))
		return NULL;
	p->depth--;
	if (k->type != EC_T_BOOL)
		return fail(p, k->off, "'not' needs a bool operand, not %s",
		    ec_type_name(k->type));
	n = new_node(p, EXPR_NOT, EC_T_BOOL, off);
	add_kid(n, k, 0);
	return n;
}

static struct expr_node *
parse_and(struct parser *p)
{
	struct expr_node *n, *k;

	if ((k = parse_not(p)) == NULL)
		return NULL;
	if (p->cur.kind != EXPR_T_AND)
		return k;
	if (want_bool(p, k, "and") == -1)
		return NULL;
	n = new_node(p, EXPR_AND, EC_T_BOOL, k->off);
	add_kid(n, k, 0);
	while (p->cur.kind == EXPR_T_AND) {
		if (advance(p) == -1 || (k = parse_not(p)) == NULL ||
		    want_bool(p, k, "and") == -1)
			return NULL;
		add_kid(n, k, 0);
	}
	return n;
}

static struct expr_node *
parse_or(struct parser *p)
{
	struct expr_node *n, *k;

	if ((k = parse_and(p)) == NULL)
		return NULL;
	if (p->cur.kind != EXPR_T_OR)
		return k;
	if (want_bool(p, k, "or") == -1)
		return NULL;
	n = new_node(p, EXPR_OR, EC_T_BOOL, k->off);
	add_kid(n, k, 0);
	while (p->cur.kind == EXPR_T_OR) {
		if (advance(p) == -1 || (k = parse_and(p)) == NULL ||
		    want_bool(p, k, "or") == -1)
			return NULL;
		add_kid(n, k, 0);
	}
	return n;
}

static struct expr_node *
parse_expr(struct parser *p)
{
	return parse_or(p);
}

struct ec_expr *
ec_expr_compile(const char *src, size_t len, const struct ec_expr_resolver *r,
    struct ec_expr_error *err)
{
	struct ec_expr_error scratch;
	struct parser p;
	struct expr_node *root;
	char what[80];

	if (err == NULL)
		err = &scratch;
	memset(err, 0, sizeof(*err));
	memset(&p, 0, sizeof(p));
	p.src = src;
	p.len = len;
	p.r = r;
	p.err = err;
	p.e = ec_xcalloc(1, sizeof(*p.e));

	if (advance(&p) == -1)
		goto fail;
	if (p.cur.kind == EXPR_T_EOF) {
		fail(&p, 0, "empty expression");
		goto fail;
	}
	if ((root = parse_expr(&p)) == NULL || !is_value(&p, root))
		goto fail;
	if (p.cur.kind != EXPR_T_EOF) {
		describe(&p, &p.cur, what, sizeof(what));
		fail(&p, p.cur.off, "unexpected %s after the expression", what);
		goto fail;
	}
	p.e->root = root;
	return p.e;
fail:
	ec_expr_free(p.e);
	return NULL;
}
