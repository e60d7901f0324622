/*
 * expr_eval.c - the evaluator of the expression language: a walk over
 * the tree the parser built and type-checked.
 *
 * Evaluation allocates nothing and cannot fail: whatever has no answer
 * (a blank operand, an overflow, a division by zero, an invalid ID
 * number) is blank, and blank then propagates as expr.h describes.  The
 * recursion is as deep as the nesting of the source, which the parser
 * bounds; chains of and, or, + and * are walked by loops.
 */
#include "expr_internal.h"

#include <stdlib.h>
#include <string.h>

#include "idnum.h"
#include "phone.h"
#include "text.h"

/*
 * Day numbers of 1000-01-01 and 9999-12-31, the range date.h supports:
 * date arithmetic that leaves it is blank rather than a day the date
 * functions cannot handle.
 */
#define DATE_MIN (-354285)
#define DATE_MAX 2932896

static struct ec_value eval(const struct expr_node *,
	const struct ec_expr_env *);

static struct ec_value
bool_value(int b)
{
	return ec_value_int(EC_T_BOOL, b != 0);
}

/*
 * Bytewise: the shorter of two strings with a common prefix is less.  An
 * empty value may come with a NULL pointer, which memcmp must not see.
 */
static int
compare_str(const char *a, size_t an, const char *b, size_t bn)
{
	size_t n = an < bn ? an : bn;
	int c = n ? memcmp(a, b, n) : 0;

	if (c != 0 || an == bn)
		return c;
	return an < bn ? -1 : 1;
}

/* Texts of different lengths differ: most == and in never need memcmp. */
static int
equal_str(const struct ec_value *a, const struct ec_value *b)
{
	return a->n == b->n &&
	    (a->s == b->s || a->n == 0 || memcmp(a->s, b->s, a->n) == 0);
}

static int
equal_values(const struct ec_value *a, const struct ec_value *b)
{
	if (a->type == EC_T_STR)
		return equal_str(a, b);
	return a->i == b->i;
}

/*
 * The value of an operand: a literal or a column known for the record
 * is used where it lies, anything else is evaluated into *tmp.  Most
 * operands are one of the first two, and copying values costs more than
 * comparing them.
 */
static const struct ec_value *
operand(const struct expr_node *n, const struct ec_expr_env *env,
    struct ec_value *tmp)
{
	if (n->kind == EXPR_LIT)
		return &n->v;
	if (n->kind == EXPR_SLOT && env->stamp &&
	    env->stamp[n->slot] == env->gen)
		return &env->vals[n->slot];
	*tmp = eval(n, env);
	return tmp;
}

static int
compare(const struct expr_node *n, const struct ec_expr_env *env)
{
	struct ec_value ta, tb;
	const struct ec_value *a, *b;
	int c;

	a = operand(n->kids[0], env, &ta);
	if (a->blank)
		return 0;
	b = operand(n->kids[1], env, &tb);
	if (b->blank)
		return 0;
	if (n->kids[0]->type == EC_T_STR) {
		if (n->kind == EXPR_EQ)
			return equal_str(a, b);
		if (n->kind == EXPR_NE)
			return !equal_str(a, b);
		c = compare_str(a->s, a->n, b->s, b->n);
	} else
		c = (a->i > b->i) - (a->i < b->i);
	switch (n->kind) {
	case EXPR_EQ: return c == 0;
	case EXPR_NE: return c != 0;
	case EXPR_LT: return c < 0;
	case EXPR_LE: return c <= 0;
	case EXPR_GT: return c > 0;
	default: return c >= 0;
	}
}

static struct ec_value
eval_compare(const struct expr_node *n, const struct ec_expr_env *env)
{
	return bool_value(compare(n, env));
}

/*
 * "x in ..." and "x not in ..." are both false for a blank x or a blank
 * list, like every comparison: "not (x in ...)" is what is true there.
 */
static int
member(const struct expr_node *n, const struct ec_expr_env *env)
{
	const struct expr_node *list = n->kids[1];
	struct ec_value ta, tb;
	const struct ec_value *a, *b;
	const char *item;
	size_t pos = 0, len;
	int found = 0;

	a = operand(n->kids[0], env, &ta);
	if (a->blank)
		return 0;
	if (n->kind == EXPR_IN_LIST) {
		for (size_t i = 0; i < list->nkids && !found; i++)
			found = equal_values(a, &list->kids[i]->v);
	} else {
		b = operand(list, env, &tb);
		if (b->blank)
			return 0;
		while (!found && ec_list_next(b->s, b->n, &pos, &item, &len))
			found = len == a->n &&
			    (len == 0 || memcmp(item, a->s, len) == 0);
	}
	return found != n->negate;
}

static struct ec_value
eval_in(const struct expr_node *n, const struct ec_expr_env *env)
{
	return bool_value(member(n, env));
}

/*
 * The truth of a condition, without making a value of each step: most
 * of what a policy evaluates is and, or, not and comparisons.  Blank
 * counts as false.
 */
static int
test(const struct expr_node *n, const struct ec_expr_env *env)
{
	struct ec_value t;
	const struct ec_value *v;

	switch (n->kind) {
	case EXPR_NOT:
		return !test(n->kids[0], env);
	case EXPR_AND:
		for (size_t i = 0; i < n->nkids; i++)
			if (!test(n->kids[i], env))
				return 0;
		return 1;
	case EXPR_OR:
		for (size_t i = 0; i < n->nkids; i++)
			if (test(n->kids[i], env))
				return 1;
		return 0;
	case EXPR_EQ:
	case EXPR_NE:
	case EXPR_LT:
	case EXPR_LE:
	case EXPR_GT:
	case EXPR_GE:
		return compare(n, env);
	case EXPR_IN_LIST:
	case EXPR_IN_VALUE:
		return member(n, env);
	default:
		v = operand(n, env, &t);
		return !v->blank && v->i != 0;
	}
}

static struct ec_value
date_value(int64_t d)
{
	if (d < DATE_MIN || d > DATE_MAX)
		return ec_value_blank(EC_T_DATE);
	return ec_value_int(EC_T_DATE, d);
}

/*
 * Left to right, the type of the running result following the rules
 * the parser checked: int +- int and date - date are int, the rest date.
 */
static struct ec_value
eval_sum(const struct expr_node *n, const struct ec_expr_env *env)
{
	struct ec_value acc, b;
	int64_t r;

	acc = eval(n->kids[0], env);
	if (acc.blank)
		return ec_value_blank(n->type);
	acc.type = n->kids[0]->type;
	for (size_t i = 1; i < n->nkids; i++) {
		b = eval(n->kids[i], env);
		if (b.blank)
			return ec_value_blank(n->type);
		if (n->ops[i] == '+' ?
		    __builtin_add_overflow(acc.i, b.i, &r) :
		    __builtin_sub_overflow(acc.i, b.i, &r))
			return ec_value_blank(n->type);
		if (acc.type == n->kids[i]->type)
			acc = ec_value_int(EC_T_INT, r);
		else
			acc = date_value(r);
		if (acc.blank)
			return ec_value_blank(n->type);
	}
	return acc;
}

static struct ec_value
eval_product(const struct expr_node *n, const struct ec_expr_env *env)
{
	struct ec_value a, b;
	int64_t r;

	a = eval(n->kids[0], env);
	if (a.blank)
		return a;
	r = a.i;
	for (size_t i = 1; i < n->nkids; i++) {
		b = eval(n->kids[i], env);
		if (b.blank)
			return b;
		switch (n->ops[i]) {
		case '*':
			if (__builtin_mul_overflow(r, b.i, &r))
				return ec_value_blank(EC_T_INT);
			break;
		case '/':
			/* INT64_MIN / -1 overflows; it traps on x86. */
			if (b.i == 0 || (b.i == -1 && r == INT64_MIN))
				return ec_value_blank(EC_T_INT);
			r /= b.i;
			break;
		default:
			if (b.i == 0)
				return ec_value_blank(EC_T_INT);
			/* INT64_MIN % -1 is undefined in C, yet 0. */
			r = b.i == -1 ? 0 : r % b.i;
			break;
		}
	}
	return ec_value_int(EC_T_INT, r);
}

static struct ec_value
eval_call(const struct expr_node *n, const struct ec_expr_env *env)
{
	struct ec_value a = eval(n->kids[0], env);
	struct ec_id id;
	struct ec_expr_cache local, *c;
	const char *s;
	size_t len;

	switch (n->func) {
	case EXPR_F_BLANK:
		return bool_value(a.blank);
	case EXPR_F_COUNT:
		return ec_value_int(EC_T_INT,
		    a.blank ? 0 : (int64_t)ec_list_count(a.s, a.n));
	case EXPR_F_VALID_PHONE:
		/*
		 * A missing number is no valid number: false, not blank,
		 * so that "not valid_phone(guardian_phone)" holds for a
		 * guardian without a phone.
		 */
		if (a.blank)
			return bool_value(0);
		len = a.n;
		s = ec_trim(a.s, &len);
		return bool_value(ec_phone_classify(s, len) !=
		    EC_PHONE_INVALID);
	default:
		break;
	}
	if (a.blank)
		return ec_value_blank(n->type);
	switch (n->func) {
	case EXPR_F_ID_BIRTH:
	case EXPR_F_ID_SEX:
		len = a.n;
		s = ec_trim(a.s, &len);
		c = env->cache ? env->cache : &local;
		/* An empty text may point nowhere: no memcmp, no memcpy. */
		if (!env->cache || len != c->id_len || len > sizeof c->id ||
		    (len > 0 && memcmp(s, c->id, len) != 0)) {
			c->id_ok = len > 0 &&
			    ec_id_parse(s, len, &id, NULL) == EC_ID_OK;
			c->id_len = len <= sizeof c->id ? len : 0;
			if (c->id_len > 0)
				memcpy(c->id, s, c->id_len);
			if (c->id_ok) {
				c->birth = id.birth;
				c->male = id.sex == EC_SEX_MALE;
			}
		}
		if (!c->id_ok)
			return ec_value_blank(n->type);
		if (n->func == EXPR_F_ID_BIRTH)
			return ec_value_int(EC_T_DATE, c->birth);
		if (c->male)
			return ec_value_str(EC_T_STR, "male", 4);
		return ec_value_str(EC_T_STR, "female", 6);
	case EXPR_F_AGE:
		return ec_value_int(EC_T_INT,
		    ec_date_age((ec_date)a.i, env->today, env->leap_rule));
	case EXPR_F_YEAR:
		return ec_value_int(EC_T_INT, ec_date_year((ec_date)a.i));
	default:
		return ec_value_blank(n->type);
	}
}

static struct ec_value
eval(const struct expr_node *n, const struct ec_expr_env *env)
{
	struct ec_value v;

	switch (n->kind) {
	case EXPR_LIT:
		return n->v;
	case EXPR_TODAY:
		return ec_value_int(EC_T_DATE, env->today);
	case EXPR_SLOT:
		/*
		 * The fetch function sets all of v: writing parts of it
		 * here would stall the copy that returns it.
		 */
		if (env->stamp && env->stamp[n->slot] == env->gen)
			return env->vals[n->slot];
		env->fetch(env->ctx, n->slot, &v);
		return v;
	case EXPR_NEG:
		v = eval(n->kids[0], env);
		if (v.blank || v.i == INT64_MIN)
			return ec_value_blank(EC_T_INT);
		return ec_value_int(EC_T_INT, -v.i);
	case EXPR_NOT:
	case EXPR_AND:
	case EXPR_OR:
		return bool_value(test(n, env));
	case EXPR_EQ:
	case EXPR_NE:
	case EXPR_LT:
	case EXPR_LE:
	case EXPR_GT:
	case EXPR_GE:
		return eval_compare(n, env);
	case EXPR_IN_LIST:
	case EXPR_IN_VALUE:
		return eval_in(n, env);
	case EXPR_SUM:
		return eval_sum(n, env);
	case EXPR_PRODUCT:
		return eval_product(n, env);
	case EXPR_CALL:
		return eval_call(n, env);
	case EXPR_LIST:
		break;
	}
	/* The parser lets no list literal be evaluated on its own. */
	return ec_value_blank(n->type);
}

void
ec_expr_eval(const struct ec_expr *e, const struct ec_expr_env *env,
    struct ec_value *out)
{
	*out = eval(e->root, env);
}

int
ec_expr_test(const struct ec_expr *e, const struct ec_expr_env *env)
{
	/* Anything but a true BOOL is no: a caller's type error stays safe. */
	return e->root->type == EC_T_BOOL && test(e->root, env);
}

enum ec_type
ec_expr_type(const struct ec_expr *e)
{
	return e->root->type;
}

void
ec_expr_slots(const struct ec_expr *e, void (*fn)(void *, int), void *arg)
{
	for (size_t i = 0; i < e->nnodes; i++)
		if (e->nodes[i]->kind == EXPR_SLOT)
			fn(arg, e->nodes[i]->slot);
}

void
ec_expr_free(struct ec_expr *e)
{
	if (e == NULL)
		return;
	for (size_t i = 0; i < e->nnodes; i++) {
		struct expr_node *n = e->nodes[i];

		free(n->str);
		free(n->kids);
		free(n->ops);
		free(n);
	}
	free(e->nodes);
	free(e);
}
