/*
 * ytree.h - a YAML document read with libyaml into a tree of nodes that
 * keep where they stand, and the errors that point into it: at a line
 * and column, or at a byte of a scalar's value, with the line of the
 * value as an excerpt and the byte as a caret.
 *
 * Reading enforces the YAML-level rules of a policy file (see
 * eldercare-policy(5)): valid UTF-8, one document, no aliases, no
 * duplicate keys, keys that are text, bounded nesting and scalar size,
 * no NUL characters.
 *
 * Ownership: an ec_ytree owns its nodes, kept in one arena that
 * ec_ytree_release frees at once; it borrows the text, which must
 * outlive it.  Errors: the first problem is kept in an ec_yerror, and
 * every later one is ignored, so that a caller may go on after it.
 */
#ifndef EC_YTREE_H
#define EC_YTREE_H

#include <stdarg.h>
#include <stddef.h>

enum ec_ykind {
	EC_Y_SCALAR,
	EC_Y_SEQ,
	EC_Y_MAP,
};

struct ec_ynode {
	enum ec_ykind kind;
	int style;		/* scalar: its yaml_scalar_style_t */
	int nprops;		/* anchor and tag written before it */
	size_t line, col;	/* 0-based, libyaml's start mark */
	char *s;		/* scalar: the value, NUL-terminated */
	size_t n;
	struct ec_ynode **kids;	/* seq: items; map: key, value, key ... */
	size_t nkids;
};

struct ec_ychunk;

struct ec_ytree {
	const char *text;	/* the document, borrowed */
	size_t len;
	struct ec_ynode *root;	/* NULL for an empty document */
	struct ec_ychunk *arena;	/* the nodes' memory */
};

struct ec_yerror {
	int failed;		/* 1 once a problem is kept */
	size_t line, column;	/* 1-based, in the document */
	char msg[300];		/* lowercase, no full stop */
	char excerpt[300];	/* for a byte of a scalar: its line ... */
	size_t caret;		/* ... and the byte offset of the problem */
	int has_excerpt;
};

/*
 * Reads text[0..len) into *t.  what names the document in messages
 * ("policy": "the policy is not valid UTF-8").  Returns 0, or -1 with
 * *err filled and nothing left to release.
 */
int ec_ytree_read(struct ec_ytree *t, const char *text, size_t len,
	const char *what, struct ec_yerror *err);

void ec_ytree_release(struct ec_ytree *t);

/* A mapping's pairs: key i and value i, for i below ec_ymap_len. */
static inline size_t
ec_ymap_len(const struct ec_ynode *m)
{
	return m->nkids / 2;
}

static inline const struct ec_ynode *
ec_ymap_key(const struct ec_ynode *m, size_t i)
{
	return m->kids[2 * i];
}

static inline const struct ec_ynode *
ec_ymap_val(const struct ec_ynode *m, size_t i)
{
	return m->kids[2 * i + 1];
}

/* "a mapping", "a sequence", "an empty value" or "text", for messages. */
const char *ec_ynode_kind_name(const struct ec_ynode *n);

/*
 * The first scalar (in document order) of v[0..n) whose text an earlier
 * one has, or NULL.  v is reordered: sorting keeps very many names from
 * costing quadratic time.
 */
const struct ec_ynode *ec_ynodes_first_duplicate(const struct ec_ynode **v,
	size_t n);

/* Keeps an error at 1-based line and col, unless one is kept already. */
int ec_yerror_vset(struct ec_yerror *err, size_t line, size_t col,
	const char *fmt, va_list ap) __attribute__((format(printf, 4, 0)));

/*
 * Keeps an error at byte off of scalar n's value, with the line of the
 * value holding it as the excerpt, unless one is kept already.  The
 * position is found by walking the text along the value, undoing quotes,
 * escapes and line folding.  Both return -1.
 */
int ec_yerror_vset_at(struct ec_yerror *err, const struct ec_ytree *t,
	const struct ec_ynode *n, size_t off, const char *fmt, va_list ap)
	__attribute__((format(printf, 5, 0)));

#endif
