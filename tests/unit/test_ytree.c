#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ytree.h"

/* Positions below are 1-based, columns in characters, counted by hand. */

static int
set(struct ec_yerror *err, size_t line, size_t col, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = ec_yerror_vset(err, line, col, fmt, ap);
	va_end(ap);
	return rc;
}

static int
set_at(struct ec_yerror *err, const struct ec_ytree *t,
    const struct ec_ynode *n, size_t off, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = ec_yerror_vset_at(err, t, n, off, fmt, ap);
	va_end(ap);
	return rc;
}

static void
read_ok(struct ec_ytree *t, const char *text)
{
	struct ec_yerror err;

	memset(&err, 0, sizeof(err));
	assert_int_equal(ec_ytree_read(t, text, strlen(text), "document",
	    &err), 0);
	assert_false(err.failed);
}

static void
expect_error(const char *text, const char *what, size_t line, size_t col,
    const char *msg)
{
	struct ec_ytree t;
	struct ec_yerror err;

	memset(&err, 0, sizeof(err));
	assert_int_equal(ec_ytree_read(&t, text, strlen(text), what, &err),
	    -1);
	assert_true(err.failed);
	assert_string_equal(err.msg, msg);
	assert_int_equal(err.line, line);
	assert_int_equal(err.column, col);
	assert_null(t.root);
	assert_null(t.arena);
}

static const char doc[] =
    "name: \"a\\tb\"\n"
    "list:\n"
    "  - one\n"
    "  - 'it''s'\n"
    "map: {k: v}\n";

static void
test_tree(void **state)
{
	struct ec_ytree t;
	const struct ec_ynode *r, *v;

	(void)state;
	read_ok(&t, doc);
	r = t.root;
	assert_non_null(r);
	assert_int_equal(r->kind, EC_Y_MAP);
	assert_string_equal(ec_ynode_kind_name(r), "a mapping");
	assert_int_equal(ec_ymap_len(r), 3);
	assert_string_equal(ec_ymap_key(r, 0)->s, "name");
	assert_string_equal(ec_ymap_key(r, 2)->s, "map");

	v = ec_ymap_val(r, 0);
	assert_int_equal(v->kind, EC_Y_SCALAR);
	assert_string_equal(v->s, "a\tb");
	assert_int_equal(v->n, 3);
	assert_int_equal(v->line, 0);
	assert_int_equal(v->col, 6);

	v = ec_ymap_val(r, 1);
	assert_int_equal(v->kind, EC_Y_SEQ);
	assert_string_equal(ec_ynode_kind_name(v), "a sequence");
	assert_int_equal(v->nkids, 2);
	assert_string_equal(v->kids[0]->s, "one");
	assert_int_equal(v->kids[0]->line, 2);
	assert_int_equal(v->kids[0]->col, 4);
	assert_string_equal(v->kids[1]->s, "it's");
	assert_string_equal(ec_ynode_kind_name(v->kids[1]), "text");

	v = ec_ymap_val(r, 2);
	assert_int_equal(v->kind, EC_Y_MAP);
	assert_string_equal(ec_ymap_val(v, 0)->s, "v");
	assert_int_equal(ec_ymap_val(v, 0)->line, 4);
	assert_int_equal(ec_ymap_val(v, 0)->col, 9);
	ec_ytree_release(&t);
	assert_null(t.arena);
}

static void
test_empty(void **state)
{
	struct ec_ytree t;

	(void)state;
	read_ok(&t, "");
	assert_null(t.root);
	ec_ytree_release(&t);
	read_ok(&t, "a:\n");
	assert_string_equal(ec_ynode_kind_name(ec_ymap_val(t.root, 0)),
	    "an empty value");
	ec_ytree_release(&t);
}

/* The caret goes where the byte stands in the text, quotes undone. */
static void
test_error_at(void **state)
{
	struct ec_ytree t;
	struct ec_yerror err;
	const struct ec_ynode *n;

	(void)state;
	read_ok(&t, doc);

	/* 'it''s', byte 3 (s): line 4, column 10, after the doubled quote. */
	memset(&err, 0, sizeof(err));
	n = ec_ymap_val(t.root, 1)->kids[1];
	assert_int_equal(set_at(&err, &t, n, 3, "bad %s", "s"), -1);
	assert_string_equal(err.msg, "bad s");
	assert_int_equal(err.line, 4);
	assert_int_equal(err.column, 10);
	assert_true(err.has_excerpt);
	assert_string_equal(err.excerpt, "it's");
	assert_int_equal(err.caret, 3);

	/* "a\tb", byte 2 (b): past the escape, column 11. */
	memset(&err, 0, sizeof(err));
	n = ec_ymap_val(t.root, 0);
	set_at(&err, &t, n, 2, "bad b");
	assert_int_equal(err.line, 1);
	assert_int_equal(err.column, 11);
	assert_string_equal(err.excerpt, "a\tb");
	assert_int_equal(err.caret, 2);

	/* The first problem is kept. */
	assert_int_equal(set(&err, 9, 9, "later"), -1);
	set_at(&err, &t, ec_ymap_val(t.root, 1)->kids[0], 0, "later");
	assert_string_equal(err.msg, "bad b");
	assert_int_equal(err.line, 1);
	assert_int_equal(err.column, 11);
	assert_int_equal(err.caret, 2);
	ec_ytree_release(&t);
}

/* A block scalar's value starts on the line after its header. */
static void
test_error_at_block(void **state)
{
	struct ec_ytree t;
	struct ec_yerror err;

	(void)state;
	read_ok(&t, "e: |\n  one\n  two x\n");
	memset(&err, 0, sizeof(err));
	set_at(&err, &t, ec_ymap_val(t.root, 0), 8, "here");
	assert_string_equal(ec_ymap_val(t.root, 0)->s, "one\ntwo x\n");
	assert_int_equal(err.line, 3);
	assert_int_equal(err.column, 7);
	assert_string_equal(err.excerpt, "two x");
	assert_int_equal(err.caret, 4);
	ec_ytree_release(&t);
}

static void
test_errors(void **state)
{
	(void)state;
	expect_error("a: 1\nb: 2\na: 3\n", "policy", 3, 1,
	    "duplicate key 'a'");
	expect_error("a: &x 1\nb: *x\n", "policy", 2, 4,
	    "YAML aliases are not allowed");
	expect_error("a: 1\n---\nb: 2\n", "policy", 2, 1,
	    "only one YAML document is allowed");
	expect_error("a: \xff\n", "thing", 1, 4,
	    "the thing is not valid UTF-8");
	expect_error("? [1]\n: 2\n", "policy", 1, 3,
	    "keys must be text, not a sequence");
	expect_error("a: [1\n", "policy", 2, 1,
	    "did not find expected ',' or ']' while parsing a flow sequence");
}

static void
test_deep(void **state)
{
	char text[200];
	size_t i;

	(void)state;
	for (i = 0; i < 40; i++)
		text[i] = '[';
	text[i] = '\0';
	expect_error(text, "policy", 1, 33, "nesting too deep");
}

/* Many keys: the sorted look for duplicates reports the second one. */
static void
test_many_keys(void **state)
{
	char text[2000];
	size_t n = 0;

	(void)state;
	for (int i = 0; i < 40; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "k%d: 1\n",
		    i == 30 ? 7 : i);
	expect_error(text, "policy", 31, 1, "duplicate key 'k7'");
}

static void
test_first_duplicate(void **state)
{
	struct ec_ytree t;
	const struct ec_ynode *v[4];

	(void)state;
	read_ok(&t, "- b\n- a\n- b\n- a\n");
	for (size_t i = 0; i < 4; i++)
		v[i] = t.root->kids[i];
	assert_ptr_equal(ec_ynodes_first_duplicate(v, 4), t.root->kids[2]);
	v[0] = t.root->kids[0];
	v[1] = t.root->kids[1];
	assert_null(ec_ynodes_first_duplicate(v, 2));
	ec_ytree_release(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tree),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_error_at),
		cmocka_unit_test(test_error_at_block),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_deep),
		cmocka_unit_test(test_many_keys),
		cmocka_unit_test(test_first_duplicate),
	};

	return cmocka_run_group_tests_name("ytree", tests, NULL, NULL);
}
