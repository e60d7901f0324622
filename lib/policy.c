/*
 * policy.c - loads the policy file and answers questions about it.
 *
 * Loading is two walks.  libyaml's events are first built into a small
 * tree of nodes; the YAML-level rules are enforced there (no aliases, no
 * duplicate keys, bounded nesting and scalar size) and every node keeps
 * its position.  The schema walk then goes over the tree with the key
 * tables below, fills struct ec_policy and compiles every expression
 * against the columns.
 *
 * The tree lives in an arena freed at once; libyaml does most of the
 * work of a load, and a malloc per node was most of the rest.
 *
 * The first problem ends the load and the policy built so far is freed,
 * so every state it can be left in must be freeable: arrays are
 * allocated zeroed at their full length before they are filled, and
 * counts never exceed what was allocated.
 */
#include "policy.h"

#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "text.h"
#include "util.h"

#define MAX_DEPTH	32		/* nested mappings and sequences */
#define MAX_SCALAR	65536		/* bytes of one scalar */
#define MAX_COMBOS	100000		/* value combinations tried for intervals */
#define MAX_REGION	6		/* digits of an address code */
#define MAX_DAYS	100000		/* days: about 270 years */

enum ykind {
	Y_SCALAR,
	Y_SEQ,
	Y_MAP,
};

struct ynode {
	enum ykind kind;
	int style;		/* scalar: its yaml_scalar_style_t */
	int nprops;		/* anchor and tag written before it */
	size_t line, col;	/* 0-based, libyaml's start mark */
	char *s;		/* scalar: the value, NUL-terminated */
	size_t n;
	struct ynode **kids;	/* seq: items; map: key, value, key, value ... */
	size_t nkids;
};

/* The names a string literal compared with a LIST column may take. */
struct names {
	const char **v;
	size_t n;
};

struct colname {
	const char *name;
	int col;
};

struct chunk;

struct loader {
	const char *text;
	size_t len;
	struct ec_policy *p;
	struct ec_policy_error *err;
	int failed;
	struct chunk *arena;		/* the tree's memory */

	struct names *lits;		/* per column; v NULL: any literal */
	size_t nlits;
	int *classify_at;		/* per column: its classify entry, or -1 */
	struct colname *byname;		/* the columns in order of name */
	const struct ynode **names;	/* names to check for duplicates */
	size_t nnames, capnames;
	unsigned char *seen;		/* see seen_reset */
	size_t nseen;

	/* The expression being compiled, for the resolver. */
	const char *src;
	size_t srclen;
	int classify_limit;		/* columns computed at or after: forbidden */
	enum ec_tool stage;		/* whose rules; NONE: rollup's, any */
	int forbidden;			/* the first forbidden column read, or -1 */
	size_t forbidden_off;
};

/* The keys a mapping may have. */
struct field {
	const char *key;
	int required;
};

/* Keys that belong to exactly one section, to say where a stray one goes. */
static const struct {
	const char *key;
	const char *section;	/* NULL: the top level */
} homes[] = {
	{ "policy", NULL }, { "region", NULL }, { "leap_birthday", NULL },
	{ "vocabularies", NULL }, { "columns", NULL }, { "census", NULL },
	{ "classify", NULL }, { "risk", NULL }, { "visits", NULL },
	{ "health_check", NULL }, { "rollup", NULL }, { "labels", NULL },
	{ "required_when", "census" }, { "unique", "census" },
	{ "checks", "census" },
	{ "factors", "risk" }, { "levels", "risk" }, { "overrides", "risk" },
	{ "programme", "visits" }, { "intervals", "visits" },
	{ "home_visit", "visits" }, { "due_soon_days", "visits" },
	{ "report_within_days", "visits" }, { "alert_window_days", "visits" },
	{ "eligible", "health_check" }, { "done", "health_check" },
	{ "by", "rollup" }, { "metrics", "rollup" },
};

static const struct {
	const char *name;
	enum ec_coltype type;
} coltypes[] = {
	{ "text", EC_COL_TEXT }, { "id", EC_COL_ID }, { "enum", EC_COL_ENUM },
	{ "bool", EC_COL_BOOL }, { "int", EC_COL_INT }, { "date", EC_COL_DATE },
	{ "phone", EC_COL_PHONE }, { "list", EC_COL_LIST },
};

/* The tools' names, by enum ec_tool. */
static const char *const stage_tools[] = {
	"", "elder-classify", "risk-score", "visit-due",
};

static enum ec_tool
writer_of(const char *name)
{
	const struct ec_tool_column *tc = ec_tool_column(name);

	return tc != NULL ? tc->writer : EC_TOOL_NONE;
}

/* Words of the expression language: a column so named could not be read. */
static const char *const keywords[] = {
	"and", "or", "not", "in", "true", "false", "yes", "no", "today",
};

/* Separators of a LIST value (value.h): no flag or reason may hold one. */
static const char *const list_seps[] = {
	";", ",", "\xef\xbc\x9b", "\xe3\x80\x81", "\xef\xbc\x8c",
};

static int fail(struct loader *, const struct ynode *, const char *, ...)
	__attribute__((format(printf, 3, 4)));
static int fail_at(struct loader *, const struct ynode *, size_t,
	const char *, ...) __attribute__((format(printf, 4, 5)));
static int fail_pos(struct loader *, size_t, size_t, const char *, ...)
	__attribute__((format(printf, 4, 5)));
static int vfail(struct loader *, size_t, size_t, const char *, va_list)
	__attribute__((format(printf, 4, 0)));

/* Positions and messages */

/* Cuts a message truncated by snprintf back to a character boundary. */
static void
utf8_clip(char *s, size_t size)
{
	size_t n = strlen(s), k, want;

	if (n + 1 < size)
		return;
	k = n;
	while (k > 0 && ((unsigned char)s[k - 1] & 0xc0) == 0x80)
		k--;
	if (k == 0)
		return;
	want = ((unsigned char)s[k - 1] & 0xe0) == 0xc0 ? 2 :
	    ((unsigned char)s[k - 1] & 0xf0) == 0xe0 ? 3 :
	    ((unsigned char)s[k - 1] & 0xf8) == 0xf0 ? 4 : 1;
	if (n - (k - 1) < want)
		s[k - 1] = '\0';
}

static int
vfail(struct loader *L, size_t line, size_t col, const char *fmt, va_list ap)
{
	if (L->failed)
		return -1;
	L->failed = 1;
	L->err->line = line;
	L->err->column = col;
	vsnprintf(L->err->msg, sizeof(L->err->msg), fmt, ap);
	utf8_clip(L->err->msg, sizeof(L->err->msg));
	return -1;
}

/* An error at 1-based line and col. */
static int
fail_pos(struct loader *L, size_t line, size_t col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(L, line, col, fmt, ap);
	va_end(ap);
	return -1;
}

/* An error at the start of node n. */
static int
fail(struct loader *L, const struct ynode *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(L, n->line + 1, n->col + 1, fmt, ap);
	va_end(ap);
	return -1;
}

/* The length of a line break at t[0..n), or 0: libyaml's set of them. */
static size_t
line_break(const char *t, size_t n)
{
	const unsigned char *u = (const unsigned char *)t;

	if (n == 0)
		return 0;
	if (u[0] == '\r')
		return n > 1 && u[1] == '\n' ? 2 : 1;
	if (u[0] == '\n')
		return 1;
	if (n >= 2 && u[0] == 0xc2 && u[1] == 0x85)
		return 2;
	if (n >= 3 && u[0] == 0xe2 && u[1] == 0x80 &&
	    (u[2] == 0xa8 || u[2] == 0xa9))
		return 3;
	return 0;
}

static size_t
char_len(const char *t, size_t n)
{
	size_t k = 1;

	while (k < n && ((unsigned char)t[k] & 0xc0) == 0x80)
		k++;
	return k;
}

/*
 * The byte offset of 0-based line and col (in characters, as libyaml
 * counts them).  libyaml's mark.index counts characters too, not bytes,
 * so it cannot be used to index the text directly.
 */
static size_t
byte_at(const struct loader *L, size_t line, size_t col)
{
	const char *t = L->text;
	size_t n = L->len, i = 0, k;

	if (n >= 3 && memcmp(t, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (line > 0 && i < n) {
		if ((k = line_break(t + i, n - i)) > 0) {
			i += k;
			line--;
		} else
			i += char_len(t + i, n - i);
	}
	while (col > 0 && i < n && line_break(t + i, n - i) == 0) {
		i += char_len(t + i, n - i);
		col--;
	}
	return i;
}

/* The 0-based line and column of byte offset off. */
static void
pos_of(const struct loader *L, size_t off, size_t *line, size_t *col)
{
	const char *t = L->text;
	size_t i = 0, k;

	*line = *col = 0;
	if (L->len >= 3 && memcmp(t, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < off && i < L->len) {
		if ((k = line_break(t + i, L->len - i)) > 0) {
			i += k;
			(*line)++;
			*col = 0;
		} else {
			i += char_len(t + i, L->len - i);
			(*col)++;
		}
	}
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* Flow scalars drop the white space that starts a continuation line. */
static void
skip_indent(const char *t, size_t len, size_t *r, size_t *cl)
{
	while (*r < len && is_space(t[*r]))
		(*r)++, (*cl)++;
}

/* The UTF-8 length of code point c. */
static size_t
utf8_len(unsigned long c)
{
	return c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
}

/*
 * Where byte off of scalar n's value stands in the file.  libyaml marks
 * only where a scalar starts, and its value differs from the text by
 * quotes, escapes and line folding, so the text is walked along the value:
 * equal bytes advance both, white space and line breaks of the text that
 * the value lacks are skipped, quote and escape syntax is undone.  Where
 * the walk gets lost it stops, which still names the right line in
 * practice.
 */
static void
scalar_pos(const struct loader *L, const struct ynode *n, size_t off,
    size_t *line, size_t *col)
{
	const char *t = L->text, *v = n->s;
	size_t len = L->len, r, k, i = 0;
	size_t ln = n->line, cl = n->col;
	int style = n->style;
	int quoted = style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
	    style == YAML_DOUBLE_QUOTED_SCALAR_STYLE;

	r = byte_at(L, n->line, n->col);
	/* Anchors and tags come before the value, maybe a line before. */
	for (int p = 0; p < n->nprops; p++) {
		while (r < len && !is_space(t[r]) && !line_break(t + r, len - r))
			r++, cl++;
		for (;;) {
			if (r < len && is_space(t[r]))
				r++, cl++;
			else if ((k = line_break(t + r, len - r)) > 0)
				r += k, ln++, cl = 0;
			else
				break;
		}
	}
	if (quoted) {
		r++, cl++;
	} else if (style == YAML_LITERAL_SCALAR_STYLE ||
	    style == YAML_FOLDED_SCALAR_STYLE) {
		while (r < len && !line_break(t + r, len - r))
			r++;
		if (r < len) {
			r += line_break(t + r, len - r);
			ln++, cl = 0;
		}
	}
	if (off > n->n)
		off = n->n;
	while (r < len) {
		unsigned char c = (unsigned char)t[r];

		k = line_break(t + r, len - r);
		if (i >= off) {
			/*
			 * At the target: skip what the value lacks there, and
			 * past its end to a closing quote.
			 */
			if ((k > 0 || is_space((char)c)) &&
			    (i < n->n ? v[i] != (char)c : quoted)) {
				if (k > 0)
					r += k, ln++, cl = 0;
				else
					r++, cl++;
				continue;
			}
			break;
		}
		if (k > 0) {
			/* A break kept, or folded into one space. */
			if (v[i] == '\n' || v[i] == ' ')
				i++;
			r += k;
			ln++, cl = 0;
			if (style != YAML_LITERAL_SCALAR_STYLE &&
			    style != YAML_FOLDED_SCALAR_STYLE)
				skip_indent(t, len, &r, &cl);
			continue;
		}
		if (style == YAML_SINGLE_QUOTED_SCALAR_STYLE && c == '\'' &&
		    r + 1 < len && t[r + 1] == '\'') {
			r++, cl++;
			continue;
		}
		if (style == YAML_DOUBLE_QUOTED_SCALAR_STYLE && c == '\\' &&
		    r + 1 < len) {
			char e = t[r + 1];
			size_t hex = e == 'x' ? 2 : e == 'u' ? 4 : e == 'U' ? 8 : 0;
			unsigned long cp = 0;

			if ((k = line_break(t + r + 1, len - r - 1)) > 0) {
				r += 1 + k;
				ln++, cl = 0;
				skip_indent(t, len, &r, &cl);
				continue;
			}
			for (size_t h = 0; h < hex && r + 2 + h < len; h++) {
				char d = t[r + 2 + h];

				cp = cp * 16 + (unsigned long)(d >= 'a' ?
				    d - 'a' + 10 : d >= 'A' ? d - 'A' + 10 :
				    d - '0');
			}
			if (hex)
				k = utf8_len(cp);
			else if (e == 'N' || e == '_')
				k = 2;
			else if (e == 'L' || e == 'P')
				k = 3;
			else
				k = 1;
			r += 2 + hex;
			cl += 2 + hex;
			i += k;
			continue;
		}
		if ((unsigned char)v[i] == c) {
			k = char_len(t + r, len - r);
			if (i + k > n->n || memcmp(v + i, t + r, k) != 0)
				break;
			i += k;
			r += k;
			cl++;
			continue;
		}
		if (is_space((char)c)) {
			r++, cl++;
			continue;
		}
		break;
	}
	*line = ln + 1;
	*col = cl + 1;
}

/*
 * Copies the line of s[0..n) holding byte off into the error's excerpt,
 * cut to fit around off at character boundaries.
 */
static void
set_excerpt(struct ec_policy_error *err, const char *s, size_t n, size_t off)
{
	size_t a = 0, b, max = sizeof(err->excerpt) - 1;

	if (off > n)
		off = n;
	for (size_t i = 0; i < off; i++)
		if (s[i] == '\n')
			a = i + 1;
	for (b = off; b < n && s[b] != '\n'; b++)
		;
	if (b - a > max) {
		if (off - a > max / 2)
			a = off - max / 2;
		while (a < off && ((unsigned char)s[a] & 0xc0) == 0x80)
			a++;
		if (b - a > max) {
			b = a + max;
			while (b > off && ((unsigned char)s[b] & 0xc0) == 0x80)
				b--;
		}
	}
	memcpy(err->excerpt, s + a, b - a);
	err->excerpt[b - a] = '\0';
	err->caret = off - a;
	err->has_excerpt = 1;
}

/*
 * An error at byte off of scalar n's value (an expression or a message),
 * with the value as the excerpt.
 */
static int
fail_at(struct loader *L, const struct ynode *n, size_t off,
    const char *fmt, ...)
{
	va_list ap;
	size_t line, col;

	if (L->failed)
		return -1;
	scalar_pos(L, n, off, &line, &col);
	va_start(ap, fmt);
	vfail(L, line, col, fmt, ap);
	va_end(ap);
	set_excerpt(L->err, n->s, n->n, off);
	return -1;
}

/* The tree */

static const struct ynode *
map_key(const struct ynode *m, size_t i)
{
	return m->kids[2 * i];
}

static const struct ynode *
map_val(const struct ynode *m, size_t i)
{
	return m->kids[2 * i + 1];
}

static size_t
map_len(const struct ynode *m)
{
	return m->nkids / 2;
}

static const char *
kind_name(const struct ynode *n)
{
	if (n->kind == Y_MAP)
		return "a mapping";
	if (n->kind == Y_SEQ)
		return "a sequence";
	if (n->n == 0 && n->style == YAML_PLAIN_SCALAR_STYLE)
		return "an empty value";
	return "text";
}

/* The arena of the tree: chunks of memory, freed at once. */
#define ARENA_CHUNK	16384
#define ARENA_ALIGN(n)	(((n) + 15) & ~(size_t)15)

struct chunk {
	struct chunk *next;
	size_t size, used;
};

static void *
arena_alloc(struct loader *L, size_t n)
{
	size_t hdr = ARENA_ALIGN(sizeof(struct chunk));
	struct chunk *c = L->arena;
	void *p;

	n = ARENA_ALIGN(n);
	if (c == NULL || c->size - c->used < n) {
		size_t size = n > ARENA_CHUNK ? n : ARENA_CHUNK;

		c = ec_xmalloc(hdr + size);
		c->next = L->arena;
		c->size = size;
		c->used = 0;
		L->arena = c;
	}
	p = (char *)c + hdr + c->used;
	c->used += n;
	return p;
}

static void
arena_free(struct loader *L)
{
	struct chunk *c, *next;

	for (c = L->arena; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	L->arena = NULL;
}

static struct ynode *
new_node(struct loader *L, enum ykind kind, const yaml_mark_t *m,
    int nprops)
{
	struct ynode *n = arena_alloc(L, sizeof(*n));

	memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->line = m->line;
	n->col = m->column;
	n->nprops = nprops;
	return n;
}

/*
 * A collection being read: its items gather in a buffer reused for every
 * collection at this depth, and move to the arena when it ends.
 */
struct open {
	struct ynode *node;
	struct ynode **items;
	size_t n, cap;
};

/* Adds n to the open collection, or makes it the root. */
static int
attach(struct loader *L, struct open *stack, size_t depth,
    struct ynode **root, struct ynode *n)
{
	struct open *up;

	if (depth == 0) {
		*root = n;
		return 0;
	}
	up = &stack[depth - 1];
	if (up->n == up->cap) {
		up->cap = up->cap ? up->cap * 2 : 16;
		up->items = ec_xrealloc(up->items,
		    up->cap * sizeof(*up->items));
	}
	up->items[up->n++] = n;
	if (up->node->kind == Y_MAP && up->n % 2 == 1 && n->kind != Y_SCALAR)
		return fail(L, n, "keys must be text, not %s", kind_name(n));
	return 0;
}

static void
close_node(struct loader *L, struct open *o)
{
	o->node->nkids = o->n;
	o->node->kids = arena_alloc(L, o->n * sizeof(*o->node->kids));
	if (o->n > 0)
		memcpy(o->node->kids, o->items, o->n * sizeof(*o->items));
	o->n = 0;
}

static int
same_key(const struct ynode *a, const struct ynode *b)
{
	return a->n == b->n && memcmp(a->s, b->s, a->n) == 0;
}

/* Orders keys by their bytes, then by where they stand. */
static int
cmp_keys(const void *a, const void *b)
{
	const struct ynode *x = *(const struct ynode *const *)a;
	const struct ynode *y = *(const struct ynode *const *)b;
	size_t n = x->n < y->n ? x->n : y->n;
	int c = memcmp(x->s, y->s, n);

	if (c != 0)
		return c;
	if (x->n != y->n)
		return x->n < y->n ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->col < y->col ? -1 : x->col > y->col;
}

/*
 * The first node (in policy order) of v[0..n) whose text an earlier one
 * has, or NULL.  Sorting keeps very many names from costing quadratic
 * time; v is reordered.
 */
static const struct ynode *
first_duplicate(const struct ynode **v, size_t n)
{
	const struct ynode *dup = NULL;

	qsort(v, n, sizeof(*v), cmp_keys);
	for (size_t i = 1; i < n; i++) {
		if (!same_key(v[i], v[i - 1]))
			continue;
		if (dup == NULL || v[i]->line < dup->line ||
		    (v[i]->line == dup->line && v[i]->col < dup->col))
			dup = v[i];
	}
	return dup;
}

/* A duplicate key is reported at its second appearance. */
static int
check_keys(struct loader *L, const struct ynode *m)
{
	const struct ynode **k, *dup;
	size_t n = map_len(m);

	if (n <= 16) {
		for (size_t i = 1; i < n; i++)
			for (size_t j = 0; j < i; j++)
				if (same_key(map_key(m, i), map_key(m, j)))
					return fail(L, map_key(m, i),
					    "duplicate key '%s'", map_key(m, i)->s);
		return 0;
	}
	k = ec_xcalloc(n, sizeof(*k));
	for (size_t i = 0; i < n; i++)
		k[i] = map_key(m, i);
	dup = first_duplicate(k, n);
	free(k);
	if (dup != NULL)
		return fail(L, dup, "duplicate key '%s'", dup->s);
	return 0;
}

static void
yaml_fail(struct loader *L, const yaml_parser_t *yp)
{
	size_t line, col;

	switch (yp->error) {
	case YAML_READER_ERROR:
		/* The reader gives a byte offset, not a mark. */
		pos_of(L, yp->problem_offset, &line, &col);
		fail_pos(L, line + 1, col + 1, "%s",
		    yp->problem ? yp->problem : "unreadable input");
		break;
	case YAML_SCANNER_ERROR:
	case YAML_PARSER_ERROR:
		if (yp->context)
			fail_pos(L, yp->problem_mark.line + 1,
			    yp->problem_mark.column + 1, "%s %s",
			    yp->problem, yp->context);
		else
			fail_pos(L, yp->problem_mark.line + 1,
			    yp->problem_mark.column + 1, "%s",
			    yp->problem ? yp->problem : "YAML syntax error");
		break;
	default:
		fail_pos(L, 1, 1, "%s", yp->problem ? yp->problem :
		    "the YAML parser failed");
		break;
	}
}

static int
build_tree(struct loader *L, struct ynode **root)
{
	yaml_parser_t yp;
	yaml_event_t ev;
	struct open stack[MAX_DEPTH];
	struct ynode *n;
	size_t depth = 0, bad;
	int ndocs = 0, done = 0, rc = -1, nprops;

	*root = NULL;
	/* libyaml would check UTF-8 too, but give only a byte offset. */
	if ((bad = ec_utf8_check(L->text, L->len)) < L->len) {
		size_t line, col;

		pos_of(L, bad, &line, &col);
		return fail_pos(L, line + 1, col + 1,
		    "the policy is not valid UTF-8");
	}
	if (!yaml_parser_initialize(&yp))
		return fail_pos(L, 1, 1, "out of memory");
	memset(stack, 0, sizeof(stack));
	yaml_parser_set_input_string(&yp, (const unsigned char *)L->text,
	    L->len);
	while (!done) {
		if (!yaml_parser_parse(&yp, &ev)) {
			yaml_fail(L, &yp);
			goto out;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++ndocs > 1) {
				fail_pos(L, ev.start_mark.line + 1,
				    ev.start_mark.column + 1,
				    "only one YAML document is allowed");
				goto bad;
			}
			break;
		case YAML_ALIAS_EVENT:
			/* Refusing them also refuses alias bombs. */
			fail_pos(L, ev.start_mark.line + 1,
			    ev.start_mark.column + 1,
			    "YAML aliases are not allowed");
			goto bad;
		case YAML_SCALAR_EVENT:
			if (ev.data.scalar.length > MAX_SCALAR) {
				fail_pos(L, ev.start_mark.line + 1,
				    ev.start_mark.column + 1,
				    "text longer than 64 KiB");
				goto bad;
			}
			/* Every string is used as a C string. */
			if (memchr(ev.data.scalar.value, '\0',
			    ev.data.scalar.length) != NULL) {
				fail_pos(L, ev.start_mark.line + 1,
				    ev.start_mark.column + 1,
				    "NUL characters are not allowed");
				goto bad;
			}
			nprops = (ev.data.scalar.anchor != NULL) +
			    (ev.data.scalar.tag != NULL);
			n = new_node(L, Y_SCALAR, &ev.start_mark, nprops);
			n->n = ev.data.scalar.length;
			n->s = arena_alloc(L, n->n + 1);
			memcpy(n->s, ev.data.scalar.value, n->n + 1);
			n->style = (int)ev.data.scalar.style;
			if (attach(L, stack, depth, root, n) == -1)
				goto bad;
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (depth == MAX_DEPTH) {
				fail_pos(L, ev.start_mark.line + 1,
				    ev.start_mark.column + 1, "nesting too deep");
				goto bad;
			}
			if (ev.type == YAML_SEQUENCE_START_EVENT) {
				nprops = (ev.data.sequence_start.anchor != NULL) +
				    (ev.data.sequence_start.tag != NULL);
				n = new_node(L, Y_SEQ, &ev.start_mark, nprops);
			} else {
				nprops = (ev.data.mapping_start.anchor != NULL) +
				    (ev.data.mapping_start.tag != NULL);
				n = new_node(L, Y_MAP, &ev.start_mark, nprops);
			}
			if (attach(L, stack, depth, root, n) == -1)
				goto bad;
			stack[depth++].node = n;
			break;
		case YAML_SEQUENCE_END_EVENT:
			close_node(L, &stack[--depth]);
			break;
		case YAML_MAPPING_END_EVENT:
			close_node(L, &stack[--depth]);
			if (check_keys(L, stack[depth].node) == -1)
				goto bad;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	rc = 0;
	goto out;
bad:
	yaml_event_delete(&ev);
out:
	for (size_t i = 0; i < MAX_DEPTH; i++)
		free(stack[i].items);
	yaml_parser_delete(&yp);
	return rc;
}

/* Schema helpers */

static int
want_map(struct loader *L, const struct ynode *n, const char *what)
{
	if (n->kind == Y_MAP)
		return 0;
	return fail(L, n, "'%s' must be a mapping, not %s", what, kind_name(n));
}

static int
want_seq(struct loader *L, const struct ynode *n, const char *what)
{
	if (n->kind == Y_SEQ)
		return 0;
	return fail(L, n, "'%s' must be a sequence, not %s", what,
	    kind_name(n));
}

/* A non-blank scalar. */
static int
want_text(struct loader *L, const struct ynode *n, const char *what)
{
	size_t len;

	if (n->kind != Y_SCALAR)
		return fail(L, n, "'%s' must be text, not %s", what,
		    kind_name(n));
	len = n->n;
	ec_trim(n->s, &len);
	if (len == 0)
		return fail(L, n, "'%s' must not be empty", what);
	return 0;
}

/* A copy of the scalar without surrounding white space. */
static char *
trimmed(const struct ynode *n)
{
	size_t len = n->n;
	const char *s = ec_trim(n->s, &len);

	return ec_xmemdup(s, len);
}

/* Strict: an optional minus, digits only, in range. */
static int
parse_ll(const char *s, size_t n, long long *out)
{
	unsigned long long v = 0, lim = LLONG_MAX;
	size_t i = 0;
	int neg = 0;

	if (n > 0 && s[0] == '-') {
		neg = 1;
		i = 1;
		lim = (unsigned long long)LLONG_MAX + 1;
	}
	if (i == n)
		return -1;
	for (; i < n; i++) {
		unsigned d;

		if (s[i] < '0' || s[i] > '9')
			return -1;
		d = (unsigned)(s[i] - '0');
		if (v > (lim - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	if (!neg)
		*out = (long long)v;
	else if (v == (unsigned long long)LLONG_MAX + 1)
		*out = LLONG_MIN;
	else
		*out = -(long long)v;
	return 0;
}

static int
want_int(struct loader *L, const struct ynode *n, const char *what,
    long long *out)
{
	if (n->kind != Y_SCALAR || parse_ll(n->s, n->n, out) == -1) {
		size_t neg = n->kind == Y_SCALAR && n->n > 1 && n->s[0] == '-';
		if (n->kind == Y_SCALAR && n->n > neg &&
		    ec_all_digits(n->s + neg, n->n - neg))
			return fail(L, n, "'%s' is too large a number (at most "
			    "%lld)", what, LLONG_MAX);
		return fail(L, n, "'%s' must be a whole number", what);
	}
	return 0;
}

/* A whole number of days (or points): 0 or more. */
static int
want_count(struct loader *L, const struct ynode *n, const char *what,
    long long *out)
{
	if (want_int(L, n, what, out) == -1)
		return -1;
	if (*out < 0)
		return fail(L, n, "'%s' must not be negative", what);
	return 0;
}

/*
 * A number of days: 0 to MAX_DAYS, so that a date plus it is still a
 * date (visit-due's next_due), as --due-within's bound.
 */
static int
want_days(struct loader *L, const struct ynode *n, const char *what,
    long long *out)
{
	if (want_count(L, n, what, out) == -1)
		return -1;
	if (*out > MAX_DAYS)
		return fail(L, n, "'%s' must be at most %d (days)", what,
		    MAX_DAYS);
	return 0;
}

/*
 * Checks the keys of mapping m against f[0..nf) and stores each value
 * node (NULL when absent) in val[], and the key node in key[] when key is
 * not NULL.  ctx names m in messages (NULL: the top level).
 */
static int
get_fields(struct loader *L, const struct ynode *m, const char *ctx,
    const struct field *f, size_t nf, const struct ynode **val,
    const struct ynode **key)
{
	size_t i, j;

	for (j = 0; j < nf; j++) {
		val[j] = NULL;
		if (key)
			key[j] = NULL;
	}
	for (i = 0; i < map_len(m); i++) {
		const struct ynode *k = map_key(m, i);

		for (j = 0; j < nf; j++)
			if (strcmp(k->s, f[j].key) == 0)
				break;
		if (j < nf) {
			val[j] = map_val(m, i);
			if (key)
				key[j] = k;
			continue;
		}
		for (j = 0; j < EC_ARRAY_LEN(homes); j++)
			if (strcmp(k->s, homes[j].key) == 0)
				break;
		if (j < EC_ARRAY_LEN(homes)) {
			const char *home = homes[j].section;

			if (home == NULL)
				return fail(L, k, "'%s' belongs at the top level, "
				    "not in '%s'", k->s, ctx ? ctx : "?");
			if (ctx == NULL)
				return fail(L, k, "'%s' belongs in '%s', not at "
				    "the top level", k->s, home);
			return fail(L, k, "'%s' belongs in '%s', not in '%s'",
			    k->s, home, ctx);
		}
		if (ctx == NULL)
			return fail(L, k, "unknown key '%s' at the top level",
			    k->s);
		return fail(L, k, "unknown key '%s' in '%s'", k->s, ctx);
	}
	for (j = 0; j < nf; j++) {
		if (!f[j].required || val[j] != NULL)
			continue;
		if (ctx == NULL)
			return fail(L, m, "missing key '%s' at the top level",
			    f[j].key);
		return fail(L, m, "missing key '%s' in '%s'", f[j].key, ctx);
	}
	return 0;
}

static int
find_column(const struct ec_policy *p, const char *s, size_t n)
{
	for (size_t i = 0; i < p->ncolumns; i++) {
		const char *name = p->columns[i].name;

		if (name != NULL && strncmp(name, s, n) == 0 &&
		    name[n] == '\0')
			return (int)i;
	}
	return -1;
}

/* Orders a name s[0..n) against a NUL-terminated one, like strcmp. */
static int
cmp_name(const char *s, size_t n, const char *name)
{
	size_t m = strlen(name);
	int c = memcmp(s, name, n < m ? n : m);

	if (c != 0 || n == m)
		return c;
	return n < m ? -1 : 1;
}

static int
cmp_columns(const void *a, const void *b)
{
	return strcmp(((const struct colname *)a)->name,
	    ((const struct colname *)b)->name);
}

/*
 * Every expression looks its names up: a sorted index keeps a policy
 * with very many columns from costing quadratic time.
 */
static void
index_columns(struct loader *L)
{
	const struct ec_policy *p = L->p;

	L->byname = ec_xcalloc(p->ncolumns, sizeof(*L->byname));
	for (size_t i = 0; i < p->ncolumns; i++) {
		L->byname[i].name = p->columns[i].name;
		L->byname[i].col = (int)i;
	}
	qsort(L->byname, p->ncolumns, sizeof(*L->byname), cmp_columns);
}

static int
lookup(const struct loader *L, const char *s, size_t n)
{
	size_t lo = 0, hi = L->p->ncolumns;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp_name(s, n, L->byname[mid].name);

		if (c == 0)
			return L->byname[mid].col;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

/* The column named by scalar n. */
static int
want_column(struct loader *L, const struct ynode *n, const char *what,
    int *out)
{
	if (want_text(L, n, what) == -1)
		return -1;
	if ((*out = lookup(L, n->s, n->n)) < 0)
		return fail(L, n, "unknown column '%s'", n->s);
	return 0;
}

/* n zeroed flags, for finding repeats among small numbers. */
static unsigned char *
seen_reset(struct loader *L, size_t n)
{
	if (n > L->nseen) {
		free(L->seen);
		L->seen = ec_xmalloc(n);
		L->nseen = n;
	}
	memset(L->seen, 0, n);
	return L->seen;
}

/* An item of sequence what: non-blank text. */
static int
want_item(struct loader *L, const struct ynode *n, const char *what)
{
	size_t len = n->n;

	if (n->kind != Y_SCALAR)
		return fail(L, n, "items of '%s' must be text, not %s", what,
		    kind_name(n));
	ec_trim(n->s, &len);
	if (len == 0)
		return fail(L, n, "an item of '%s' is empty", what);
	return 0;
}

/* A sequence of distinct column names. */
static int
want_columns(struct loader *L, const struct ynode *n, const char *what,
    int **out, size_t *nout)
{
	unsigned char *seen;

	if (want_seq(L, n, what) == -1)
		return -1;
	*out = ec_xcalloc(n->nkids, sizeof(**out));
	seen = seen_reset(L, L->p->ncolumns);
	for (size_t i = 0; i < n->nkids; i++) {
		int c;

		if (want_item(L, n->kids[i], what) == -1)
			return -1;
		if ((c = lookup(L, n->kids[i]->s, n->kids[i]->n)) < 0)
			return fail(L, n->kids[i], "unknown column '%s'",
			    n->kids[i]->s);
		if (seen[c])
			return fail(L, n->kids[i], "duplicate column '%s' in "
			    "'%s'", n->kids[i]->s, what);
		seen[c] = 1;
		(*out)[(*nout)++] = c;
	}
	return 0;
}

/* A sequence of text, trimmed. */
static int
want_strings(struct loader *L, const struct ynode *n, const char *what,
    char ***out, size_t *nout)
{
	if (want_seq(L, n, what) == -1)
		return -1;
	*out = ec_xcalloc(n->nkids, sizeof(**out));
	for (size_t i = 0; i < n->nkids; i++) {
		if (want_item(L, n->kids[i], what) == -1)
			return -1;
		(*out)[(*nout)++] = trimmed(n->kids[i]);
	}
	return 0;
}

/* A name written into a LIST value must not split into two items. */
static int
want_item_name(struct loader *L, const struct ynode *n, const char *what)
{
	size_t len = n->n;

	if (want_text(L, n, what) == -1)
		return -1;
	for (size_t i = 0; i < EC_ARRAY_LEN(list_seps); i++)
		if (strstr(n->s, list_seps[i]) != NULL)
			return fail(L, n, "%s '%s' must not hold a list "
			    "separator", what, n->s);
	if (ec_trim(n->s, &len) != n->s || len != n->n)
		return fail(L, n, "%s '%s' must not begin or end with white "
		    "space", what, n->s);
	return 0;
}

/* Expressions */

static int
resolve(void *ctx, const char *name, size_t len, enum ec_type *type)
{
	struct loader *L = ctx;
	int c = lookup(L, name, len);

	if (c < 0)
		return -1;
	*type = ec_coltype_value_type(L->p->columns[c].type);
	enum ec_tool w = writer_of(L->p->columns[c].name);
	if (((L->classify_limit >= 0 && L->classify_at[c] >= L->classify_limit) ||
	    (L->stage != EC_TOOL_NONE && w != EC_TOOL_NONE && w >= L->stage)) &&
	    L->forbidden < 0) {
		L->forbidden = c;
		/* The parser passes a pointer into the source. */
		if ((uintptr_t)name >= (uintptr_t)L->src &&
		    (uintptr_t)name < (uintptr_t)L->src + L->srclen)
			L->forbidden_off = (size_t)((uintptr_t)name -
			    (uintptr_t)L->src);
		else
			L->forbidden_off = 0;
	}
	return c;
}

static int
literal(void *ctx, int slot, const char *s, size_t n)
{
	struct loader *L = ctx;
	const struct ec_column *c = &L->p->columns[slot];
	const struct names *nm;

	switch (c->type) {
	case EC_COL_ENUM:
		for (size_t i = 0; i < L->p->vocabs[c->vocab].nvalues; i++) {
			const char *t = L->p->vocabs[c->vocab].values[i].token;

			if (strncmp(t, s, n) == 0 && t[n] == '\0')
				return 0;
		}
		return -1;
	case EC_COL_LIST:
		nm = &L->lits[slot];
		if (nm->v == NULL)
			return 0;
		for (size_t i = 0; i < nm->n; i++)
			if (strncmp(nm->v[i], s, n) == 0 && nm->v[i][n] == '\0')
				return 0;
		return -1;
	default:
		return 0;
	}
}

/*
 * Compiles scalar n, named what in messages.  want is the type the result
 * must have, or 0.  col names the column it is compared with (classify).
 */
static struct ec_expr *
compile(struct loader *L, const struct ynode *n, const char *what,
    enum ec_type want, int col)
{
	struct ec_expr_resolver r = { resolve, literal, L };
	struct ec_expr_error xe;
	struct ec_expr *e;
	enum ec_type t;

	if (want_text(L, n, what) == -1)
		return NULL;
	L->src = n->s;
	L->srclen = n->n;
	L->forbidden = -1;
	if ((e = ec_expr_compile(n->s, n->n, &r, &xe)) == NULL) {
		fail_at(L, n, xe.offset, "%s", xe.msg);
		return NULL;
	}
	if (L->forbidden >= 0) {
		const char *name = L->p->columns[L->forbidden].name;
		enum ec_tool w = writer_of(name);

		if (w != EC_TOOL_NONE && w == L->stage)
			fail_at(L, n, L->forbidden_off, "'%s' is what these "
			    "rules compute: they cannot read it", name);
		else if (w != EC_TOOL_NONE)
			fail_at(L, n, L->forbidden_off, "'%s' is written later, "
			    "by %s: %s cannot read it", name, stage_tools[w],
			    stage_tools[L->stage]);
		else if (L->classify_at[L->forbidden] == L->classify_limit)
			fail_at(L, n, L->forbidden_off, "'%s' is the column "
			    "being computed", name);
		else
			fail_at(L, n, L->forbidden_off, "'%s' is computed by a "
			    "later classify entry", name);
		ec_expr_free(e);
		return NULL;
	}
	t = ec_expr_type(e);
	if (want != 0 && t != want) {
		if (want == EC_T_BOOL)
			fail_at(L, n, 0, "'%s' must be a condition (true or "
			    "false), not %s", what, ec_type_name(t));
		else
			fail_at(L, n, 0, "'%s' must be %s (the type of column "
			    "'%s'), not %s", what, ec_type_name(want),
			    L->p->columns[col].name, ec_type_name(t));
		ec_expr_free(e);
		return NULL;
	}
	return e;
}

static struct ec_expr *
condition(struct loader *L, const struct ynode *n, const char *what)
{
	return compile(L, n, what, EC_T_BOOL, -1);
}

/* Every {name} in message n must be a column. */
static int
check_message(struct loader *L, const struct ynode *n)
{
	const char *s = n->s;

	for (size_t i = 0; i < n->n; i++) {
		size_t j;

		if (s[i] != '{')
			continue;
		for (j = i + 1; j < n->n && s[j] != '}'; j++)
			;
		if (j == n->n)
			return fail_at(L, n, i, "unclosed '{' in 'message'");
		if (lookup(L, s + i + 1, j - i - 1) < 0)
			return fail_at(L, n, i + 1, "unknown column '%.*s' in "
			    "'message'", (int)(j - i - 1), s + i + 1);
		i = j;
	}
	return 0;
}

/* Sections */

static int
load_vocab_value(struct loader *L, struct ec_vocab_value *val,
    const struct ynode *k, const struct ynode *v, const struct ynode **fv)
{
	static const struct field f[] = {
		{ "zh", 1 }, { "en", 1 }, { "aliases", 0 },
	};

	if (want_item_name(L, k, "value") == -1)
		return -1;
	val->token = ec_xstrdup(k->s);
	val->token_n = strlen(val->token);
	if (want_map(L, v, k->s) == -1 ||
	    get_fields(L, v, k->s, f, EC_ARRAY_LEN(f), fv, NULL) == -1)
		return -1;
	if (want_text(L, fv[0], "zh") == -1)
		return -1;
	val->zh = trimmed(fv[0]);
	if (want_text(L, fv[1], "en") == -1)
		return -1;
	val->en = trimmed(fv[1]);
	if (fv[2] != NULL && want_strings(L, fv[2], "aliases", &val->aliases,
	    &val->naliases) == -1)
		return -1;
	return 0;
}

/*
 * Every spelling of a value (token, zh label, aliases) must name only it
 * within its vocabulary; likewise every header spelling of a column.
 * Spellings match with ASCII letters in any case.
 */
struct spelling {
	const char *s;
	size_t n;
	int owner;
	size_t order;		/* where it stands in the policy */
	const struct ynode *at;
};

static unsigned char
fold(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

static int
cmp_spellings(const void *a, const void *b)
{
	const struct spelling *x = a, *y = b;
	size_t n = x->n < y->n ? x->n : y->n;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = fold((unsigned char)x->s[i]);
		unsigned char d = fold((unsigned char)y->s[i]);

		if (c != d)
			return c < d ? -1 : 1;
	}
	if (x->n != y->n)
		return x->n < y->n ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/*
 * Reports the first spelling (in policy order) that an earlier one of
 * another owner already has.  Sorting keeps a policy with very many
 * spellings from costing quadratic time.  name(arg, i) names owner i.
 */
static int
check_spellings(struct loader *L, struct spelling *sp, size_t n,
    const char *kind, const char *owner_kind,
    const char *(*name)(const void *, int), const void *arg)
{
	const struct spelling *bad = NULL, *first = NULL;
	size_t i, g;

	for (i = 0; i < n; i++)
		sp[i].order = i;
	qsort(sp, n, sizeof(*sp), cmp_spellings);
	for (g = 0; g < n; g = i) {
		for (i = g + 1; i < n && ec_ascii_case_eq(sp[i].s, sp[i].n,
		    sp[g].s, sp[g].n); i++) {
			if (sp[i].owner == sp[g].owner)
				continue;
			if (bad == NULL || sp[i].order < bad->order) {
				bad = &sp[i];
				first = &sp[g];
			}
			break;
		}
		while (i < n && ec_ascii_case_eq(sp[i].s, sp[i].n, sp[g].s,
		    sp[g].n))
			i++;
	}
	if (bad == NULL)
		return 0;
	return fail(L, bad->at, "%s '%s' is already used by %s '%s'", kind,
	    bad->s, owner_kind, name(arg, first->owner));
}

static const char *
value_name(const void *arg, int i)
{
	const struct ec_vocab *v = arg;

	return v->values[i].token;
}

static const char *
column_name(const void *arg, int i)
{
	const struct ec_policy *p = arg;

	return p->columns[i].name;
}

static void
add_spelling(struct spelling **sp, size_t *n, size_t *cap, const char *s,
    int owner, const struct ynode *at)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		*sp = ec_xrealloc(*sp, *cap * sizeof(**sp));
	}
	(*sp)[*n].s = s;
	(*sp)[*n].n = strlen(s);
	(*sp)[*n].owner = owner;
	(*sp)[(*n)++].at = at;
}

static int
load_vocab(struct loader *L, struct ec_vocab *voc, const struct ynode *k,
    const struct ynode *v)
{
	struct spelling *sp = NULL;
	size_t nsp = 0, cap = 0;
	int rc = -1;

	if (want_text(L, k, "vocabulary") == -1)
		return -1;
	voc->name = ec_xstrdup(k->s);
	if (want_map(L, v, k->s) == -1)
		return -1;
	if (map_len(v) == 0)
		return fail(L, k, "vocabulary '%s' is empty", k->s);
	voc->values = ec_xcalloc(map_len(v), sizeof(*voc->values));
	for (size_t i = 0; i < map_len(v); i++) {
		const struct ynode *fv[3];
		const struct ynode *vk = map_key(v, i), *vv = map_val(v, i);
		struct ec_vocab_value *val = &voc->values[voc->nvalues++];

		if (load_vocab_value(L, val, vk, vv, fv) == -1)
			goto out;
		add_spelling(&sp, &nsp, &cap, val->token, (int)i, vk);
		add_spelling(&sp, &nsp, &cap, val->zh, (int)i, fv[0]);
		for (size_t j = 0; j < val->naliases; j++)
			add_spelling(&sp, &nsp, &cap, val->aliases[j], (int)i,
			    fv[2]->kids[j]);
	}
	rc = check_spellings(L, sp, nsp, "alias", "value", value_name, voc);
out:
	free(sp);
	return rc;
}

static int
load_vocabs(struct loader *L, const struct ynode *n)
{
	struct ec_policy *p = L->p;
	int y;

	if (want_map(L, n, "vocabularies") == -1)
		return -1;
	p->vocabs = ec_xcalloc(map_len(n), sizeof(*p->vocabs));
	for (size_t i = 0; i < map_len(n); i++)
		if (load_vocab(L, &p->vocabs[p->nvocabs++], map_key(n, i),
		    map_val(n, i)) == -1)
			return -1;
	if ((y = ec_policy_vocab(p, "yesno")) >= 0) {
		const struct ec_vocab *v = &p->vocabs[y];

		/* Vocabularies are numbered in policy order. */
		if (v->nvalues != 2 || ec_vocab_token(v, "yes") < 0 ||
		    ec_vocab_token(v, "no") < 0)
			return fail(L, map_key(n, (size_t)y), "vocabulary "
			    "'yesno' must have exactly the values 'yes' and "
			    "'no'");
	}
	return 0;
}

static int
is_name(const char *s, size_t n)
{
	if (n == 0 || (s[0] >= '0' && s[0] <= '9'))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!(s[i] == '_' || (s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9')))
			return 0;
	return 1;
}

enum { C_TYPE, C_VOCAB, C_MIN, C_MAX, C_ZH, C_EN, C_ALIASES };

static int
load_column(struct loader *L, struct ec_column *c, const struct ynode *k,
    const struct ynode *v, const struct ynode **fv)
{
	static const struct field f[] = {
		{ "type", 1 }, { "vocabulary", 0 }, { "min", 0 }, { "max", 0 },
		{ "zh", 1 }, { "en", 1 }, { "aliases", 0 },
	};
	struct ec_policy *p = L->p;
	size_t i;

	c->vocab = -1;
	if (!is_name(k->s, k->n))
		return fail(L, k, "column name '%s' must be letters, digits "
		    "and _, not starting with a digit", k->s);
	for (i = 0; i < EC_ARRAY_LEN(keywords); i++)
		if (strcmp(k->s, keywords[i]) == 0)
			return fail(L, k, "column name '%s' is a word of the "
			    "expression language", k->s);
	c->name = ec_xstrdup(k->s);
	if (want_map(L, v, k->s) == -1 ||
	    get_fields(L, v, k->s, f, EC_ARRAY_LEN(f), fv, NULL) == -1)
		return -1;
	if (want_text(L, fv[C_TYPE], "type") == -1)
		return -1;
	for (i = 0; i < EC_ARRAY_LEN(coltypes); i++)
		if (strcmp(fv[C_TYPE]->s, coltypes[i].name) == 0)
			break;
	if (i == EC_ARRAY_LEN(coltypes))
		return fail(L, fv[C_TYPE], "unknown column type '%s' (text, "
		    "id, enum, bool, int, date, phone or list)",
		    fv[C_TYPE]->s);
	c->type = coltypes[i].type;

	if (fv[C_VOCAB] != NULL) {
		if (c->type != EC_COL_ENUM && c->type != EC_COL_BOOL)
			return fail(L, fv[C_VOCAB], "'vocabulary' is only for "
			    "enum and bool columns");
		if (want_text(L, fv[C_VOCAB], "vocabulary") == -1)
			return -1;
		if (c->type == EC_COL_BOOL &&
		    strcmp(fv[C_VOCAB]->s, "yesno") != 0)
			return fail(L, fv[C_VOCAB], "a bool column uses the "
			    "vocabulary 'yesno', not '%s'", fv[C_VOCAB]->s);
		if ((c->vocab = ec_policy_vocab(p, fv[C_VOCAB]->s)) < 0)
			return fail(L, fv[C_VOCAB], "unknown vocabulary '%s'",
			    fv[C_VOCAB]->s);
	} else if (c->type == EC_COL_ENUM)
		return fail(L, fv[C_TYPE], "enum column '%s' needs a "
		    "'vocabulary'", c->name);
	if (c->type == EC_COL_BOOL &&
	    (c->vocab = ec_policy_vocab(p, "yesno")) < 0)
		return fail(L, fv[C_TYPE], "bool column '%s' needs the "
		    "vocabulary 'yesno'", c->name);

	if ((fv[C_MIN] != NULL || fv[C_MAX] != NULL) && c->type != EC_COL_INT)
		return fail(L, fv[C_MIN] ? fv[C_MIN] : fv[C_MAX],
		    "'%s' is only for int columns", fv[C_MIN] ? "min" : "max");
	if (fv[C_MIN] != NULL) {
		if (want_int(L, fv[C_MIN], "min", &c->min) == -1)
			return -1;
		c->has_min = 1;
	}
	if (fv[C_MAX] != NULL) {
		if (want_int(L, fv[C_MAX], "max", &c->max) == -1)
			return -1;
		c->has_max = 1;
	}
	if (c->has_min && c->has_max && c->min > c->max)
		return fail(L, fv[C_MIN], "'min' is more than 'max'");

	if (want_text(L, fv[C_ZH], "zh") == -1)
		return -1;
	c->zh = trimmed(fv[C_ZH]);
	if (want_text(L, fv[C_EN], "en") == -1)
		return -1;
	c->en = trimmed(fv[C_EN]);
	if (fv[C_ALIASES] != NULL && want_strings(L, fv[C_ALIASES], "aliases",
	    &c->aliases, &c->naliases) == -1)
		return -1;
	return 0;
}

/* The columns the tools rely on are there, with their type and tokens. */
static int
check_tool_columns(struct loader *L, const struct ynode *key,
    const struct ynode *cols)
{
	const struct ec_policy *p = L->p;
	int alert, situation;

	/* Columns are numbered in policy order: c's key is map_key(cols, c). */
	for (size_t i = 0; i < ec_tool_ncolumns; i++) {
		const struct ec_tool_column *tc = &ec_tool_columns[i];
		int c = ec_policy_column(p, tc->name);
		const struct ec_vocab *v;

		if (c < 0)
			return fail(L, key, "missing column '%s' (the tools "
			    "need it)", tc->name);
		if (p->columns[c].type != tc->type) {
			for (size_t t = 0; t < EC_ARRAY_LEN(coltypes); t++)
				if (coltypes[t].type == tc->type)
					return fail(L, map_key(cols, (size_t)c),
					    "column '%s' must have type %s",
					    tc->name, coltypes[t].name);
		}
		if (tc->type != EC_COL_ENUM)
			continue;
		v = &p->vocabs[p->columns[c].vocab];
		for (size_t t = 0; tc->tokens[t] != NULL; t++)
			if (ec_vocab_token(v, tc->tokens[t]) < 0)
				return fail(L, map_key(cols, (size_t)c),
				    "vocabulary '%s' of column '%s' needs the "
				    "value '%s'", v->name, tc->name,
				    tc->tokens[t]);
	}
	/* visit-due copies a situation into alert. */
	alert = ec_policy_column(p, "alert");
	situation = ec_policy_column(p, "situation");
	if (p->columns[alert].vocab != p->columns[situation].vocab)
		return fail(L, map_key(cols, (size_t)alert), "column 'alert' "
		    "must have the vocabulary of 'situation'");
	return 0;
}

static int
load_columns(struct loader *L, const struct ynode *key, const struct ynode *n)
{
	struct ec_policy *p = L->p;
	struct spelling *sp = NULL;
	size_t nsp = 0, cap = 0;
	int rc = -1;

	if (want_map(L, n, "columns") == -1)
		return -1;
	p->columns = ec_xcalloc(map_len(n), sizeof(*p->columns));
	for (size_t i = 0; i < map_len(n); i++) {
		const struct ynode *fv[7];
		struct ec_column *c = &p->columns[p->ncolumns++];

		if (load_column(L, c, map_key(n, i), map_val(n, i), fv) == -1)
			goto out;
		/* Headers match any of these, trimmed, in any ASCII case. */
		add_spelling(&sp, &nsp, &cap, c->name, (int)i, map_key(n, i));
		add_spelling(&sp, &nsp, &cap, c->zh, (int)i, fv[C_ZH]);
		for (size_t j = 0; j < c->naliases; j++)
			add_spelling(&sp, &nsp, &cap, c->aliases[j], (int)i,
			    fv[C_ALIASES]->kids[j]);
	}
	if (check_spellings(L, sp, nsp, "header alias", "column", column_name,
	    p) == -1)
		goto out;
	rc = check_tool_columns(L, key, n);
out:
	free(sp);
	return rc;
}

static int
load_check(struct loader *L, struct ec_check *ck, const struct ynode *n)
{
	static const struct field f[] = {
		{ "column", 1 }, { "error", 0 }, { "warning", 0 },
		{ "message", 1 },
	};
	const struct ynode *fv[EC_ARRAY_LEN(f)];
	const struct ynode *cond;

	ck->line = n->line + 1;
	if (want_map(L, n, "checks") == -1 ||
	    get_fields(L, n, "checks", f, EC_ARRAY_LEN(f), fv, NULL) == -1 ||
	    want_column(L, fv[0], "column", &ck->column) == -1)
		return -1;
	if (fv[1] != NULL && fv[2] != NULL)
		return fail(L, fv[2], "a check has 'error' or 'warning', "
		    "not both");
	if (fv[1] == NULL && fv[2] == NULL)
		return fail(L, n, "missing key 'error' or 'warning' in "
		    "'checks'");
	ck->is_error = fv[1] != NULL;
	cond = fv[1] ? fv[1] : fv[2];
	if ((ck->when = condition(L, cond, ck->is_error ? "error" :
	    "warning")) == NULL)
		return -1;
	if (want_text(L, fv[3], "message") == -1 ||
	    check_message(L, fv[3]) == -1)
		return -1;
	ck->message = ec_xstrdup(fv[3]->s);
	return 0;
}

static int
load_census(struct loader *L, const struct ynode *n)
{
	static const struct field f[] = {
		{ "required", 1 }, { "required_when", 0 }, { "unique", 0 },
		{ "checks", 0 },
	};
	const struct ynode *fv[EC_ARRAY_LEN(f)];
	struct ec_sheet_rules *s = &L->p->census;

	if (want_map(L, n, "census") == -1 ||
	    get_fields(L, n, "census", f, EC_ARRAY_LEN(f), fv, NULL) == -1)
		return -1;
	if (want_columns(L, fv[0], "required", &s->required,
	    &s->nrequired) == -1)
		return -1;
	if (fv[1] != NULL) {
		const struct ynode *m = fv[1];

		if (want_map(L, m, "required_when") == -1)
			return -1;
		s->required_when_col = ec_xcalloc(map_len(m), sizeof(int));
		s->required_when = ec_xcalloc(map_len(m),
		    sizeof(struct ec_expr *));
		for (size_t i = 0; i < map_len(m); i++) {
			size_t k = s->nrequired_when++;

			if (want_column(L, map_key(m, i), "required_when",
			    &s->required_when_col[k]) == -1 ||
			    (s->required_when[k] = condition(L, map_val(m, i),
			    map_key(m, i)->s)) == NULL)
				return -1;
		}
	}
	if (fv[2] != NULL && want_column(L, fv[2], "unique", &s->unique) == -1)
		return -1;
	/* Uniqueness is kept as a compact set of ID numbers. */
	if (fv[2] != NULL && L->p->columns[s->unique].type != EC_COL_ID)
		return fail(L, fv[2], "'unique' must name an ID column, and "
		    "'%s' is not one", fv[2]->s);
	if (fv[3] != NULL) {
		if (want_seq(L, fv[3], "checks") == -1)
			return -1;
		s->checks = ec_xcalloc(fv[3]->nkids, sizeof(*s->checks));
		for (size_t i = 0; i < fv[3]->nkids; i++)
			if (load_check(L, &s->checks[s->nchecks++],
			    fv[3]->kids[i]) == -1)
				return -1;
	}
	return 0;
}

/*
 * The names a literal compared with a LIST column may take are known
 * before any expression is compiled, since a census check may test a
 * flag that classify defines further down.  Nothing is checked here; the
 * real walk does that.
 */
static void
prescan_names(struct loader *L, const struct ynode *classify,
    const struct ynode *risk)
{
	struct ec_policy *p = L->p;
	int c;

	L->lits = ec_xcalloc(p->ncolumns, sizeof(*L->lits));
	L->nlits = p->ncolumns;
	if (classify != NULL && classify->kind == Y_SEQ) {
		for (size_t i = 0; i < classify->nkids; i++) {
			const struct ynode *e = classify->kids[i];
			const struct ynode *name = NULL, *flags = NULL;

			if (e->kind != Y_MAP)
				continue;
			for (size_t j = 0; j < map_len(e); j++) {
				if (strcmp(map_key(e, j)->s, "name") == 0)
					name = map_val(e, j);
				else if (strcmp(map_key(e, j)->s, "flags") == 0)
					flags = map_val(e, j);
			}
			if (name == NULL || flags == NULL ||
			    name->kind != Y_SCALAR || flags->kind != Y_MAP ||
			    (c = lookup(L, name->s, name->n)) < 0 ||
			    L->lits[c].v != NULL)
				continue;
			L->lits[c].v = ec_xcalloc(map_len(flags) + 1,
			    sizeof(char *));
			for (size_t j = 0; j < map_len(flags); j++)
				L->lits[c].v[L->lits[c].n++] =
				    map_key(flags, j)->s;
		}
	}
	c = ec_policy_column(p, "risk_reasons");
	if (c < 0 || risk == NULL || risk->kind != Y_MAP)
		return;
	L->lits[c].v = ec_xcalloc(1, sizeof(char *));
	for (size_t i = 0; i < map_len(risk); i++) {
		const struct ynode *seq = map_val(risk, i);
		const char *k = map_key(risk, i)->s;

		if ((strcmp(k, "factors") != 0 && strcmp(k, "overrides") != 0) ||
		    seq->kind != Y_SEQ)
			continue;
		L->lits[c].v = ec_xrealloc(L->lits[c].v,
		    (L->lits[c].n + seq->nkids + 1) * sizeof(char *));
		for (size_t j = 0; j < seq->nkids; j++) {
			const struct ynode *e = seq->kids[j];

			if (e->kind != Y_MAP)
				continue;
			for (size_t m = 0; m < map_len(e); m++)
				if (strcmp(map_key(e, m)->s, "name") == 0 &&
				    map_val(e, m)->kind == Y_SCALAR)
					L->lits[c].v[L->lits[c].n++] =
					    map_val(e, m)->s;
		}
	}
}

static int
load_derived(struct loader *L, struct ec_derived *d, const struct ynode *n,
    int index)
{
	static const struct field f[] = {
		{ "name", 1 }, { "expr", 0 }, { "flags", 0 },
	};
	const struct ynode *fv[EC_ARRAY_LEN(f)];
	const struct ec_column *c;

	d->column = -1;
	if (want_map(L, n, "classify") == -1 ||
	    get_fields(L, n, "classify", f, EC_ARRAY_LEN(f), fv, NULL) == -1 ||
	    want_column(L, fv[0], "name", &d->column) == -1)
		return -1;
	c = &L->p->columns[d->column];
	if (ec_tool_column(c->name) != NULL)
		return fail(L, fv[0], "column '%s' is read or written by "
		    "the tools themselves, not computed by classify", c->name);
	if (L->classify_at[d->column] != index)
		return fail(L, fv[0], "column '%s' is already computed by "
		    "classify", c->name);
	if (fv[1] != NULL && fv[2] != NULL)
		return fail(L, fv[2], "a classify entry has 'expr' or 'flags', "
		    "not both");
	if (fv[1] == NULL && fv[2] == NULL)
		return fail(L, n, "missing key 'expr' or 'flags' in "
		    "'classify'");
	L->classify_limit = index;
	if (fv[1] != NULL) {
		d->expr = compile(L, fv[1], "expr",
		    ec_coltype_value_type(c->type), d->column);
		return d->expr == NULL ? -1 : 0;
	}
	if (c->type != EC_COL_LIST)
		return fail(L, fv[2], "'flags' writes a list column, and "
		    "'%s' is not one", c->name);
	if (want_map(L, fv[2], "flags") == -1)
		return -1;
	if (map_len(fv[2]) == 0)
		return fail(L, fv[2], "'flags' is empty");
	d->flag_names = ec_xcalloc(map_len(fv[2]), sizeof(char *));
	d->flags = ec_xcalloc(map_len(fv[2]), sizeof(struct ec_expr *));
	for (size_t i = 0; i < map_len(fv[2]); i++) {
		const struct ynode *k = map_key(fv[2], i);
		size_t j = d->nflags++;

		if (want_item_name(L, k, "flag") == -1)
			return -1;
		d->flag_names[j] = ec_xstrdup(k->s);
		if ((d->flags[j] = condition(L, map_val(fv[2], i), k->s)) ==
		    NULL)
			return -1;
	}
	return 0;
}

static int
load_classify(struct loader *L, const struct ynode *n)
{
	struct ec_policy *p = L->p;
	int rc = 0;

	if (want_seq(L, n, "classify") == -1)
		return -1;
	/*
	 * Each entry may read the columns of the entries before it only:
	 * elder-classify computes them in order.
	 */
	for (size_t i = 0; i < n->nkids; i++) {
		const struct ynode *e = n->kids[i];
		int c;

		if (e->kind != Y_MAP)
			continue;
		for (size_t j = 0; j < map_len(e); j++)
			if (strcmp(map_key(e, j)->s, "name") == 0 &&
			    map_val(e, j)->kind == Y_SCALAR &&
			    (c = lookup(L, map_val(e, j)->s,
			    map_val(e, j)->n)) >= 0 && L->classify_at[c] < 0)
				L->classify_at[c] = (int)i;
	}
	p->classify = ec_xcalloc(n->nkids, sizeof(*p->classify));
	for (size_t i = 0; i < n->nkids && rc == 0; i++)
		rc = load_derived(L, &p->classify[p->nclassify++], n->kids[i],
		    (int)i);
	L->classify_limit = -1;
	return rc;
}

/* A value of the vocabulary of the risk_level column. */
static int
want_level(struct loader *L, const struct ynode *n, int *out)
{
	const struct ec_policy *p = L->p;
	const struct ec_vocab *v =
	    &p->vocabs[p->columns[ec_policy_column(p, "risk_level")].vocab];

	if (want_text(L, n, "level") == -1)
		return -1;
	if ((*out = ec_vocab_token(v, n->s)) < 0)
		return fail(L, n, "'%s' is not a value of vocabulary '%s'",
		    n->s, v->name);
	return 0;
}

/* Remembers a name node, to look for duplicates once all are known. */
static void
keep_name(struct loader *L, const struct ynode *n)
{
	if (L->nnames == L->capnames) {
		L->capnames = L->capnames ? L->capnames * 2 : 64;
		L->names = ec_xrealloc(L->names,
		    L->capnames * sizeof(*L->names));
	}
	L->names[L->nnames++] = n;
}

/* Factor and override names go into risk_reasons: one meaning each. */
static int
check_reasons(struct loader *L)
{
	const struct ynode *dup = first_duplicate(L->names, L->nnames);

	L->nnames = 0;
	if (dup != NULL)
		return fail(L, dup, "duplicate risk factor '%s'", dup->s);
	return 0;
}

static int
load_risk(struct loader *L, const struct ynode *n)
{
	static const struct field f[] = {
		{ "factors", 1 }, { "levels", 1 }, { "overrides", 0 },
	};
	static const struct field ff[] = {
		{ "name", 1 }, { "points", 1 }, { "when", 1 },
	};
	static const struct field lf[] = {
		{ "level", 1 }, { "min", 0 },
	};
	static const struct field of[] = {
		{ "name", 1 }, { "level", 1 }, { "when", 1 },
	};
	const struct ynode *fv[EC_ARRAY_LEN(f)], *v[3];
	struct ec_policy *p = L->p;
	const struct ynode *s;
	unsigned char *seen;

	if (want_map(L, n, "risk") == -1 ||
	    get_fields(L, n, "risk", f, EC_ARRAY_LEN(f), fv, NULL) == -1)
		return -1;

	s = fv[0];
	if (want_seq(L, s, "factors") == -1)
		return -1;
	p->factors = ec_xcalloc(s->nkids, sizeof(*p->factors));
	for (size_t i = 0; i < s->nkids; i++) {
		struct ec_risk_factor *rf = &p->factors[i];

		if (want_map(L, s->kids[i], "factors") == -1 ||
		    get_fields(L, s->kids[i], "factors", ff, 3, v, NULL) == -1 ||
		    want_item_name(L, v[0], "name") == -1)
			return -1;
		keep_name(L, v[0]);
		rf->name = ec_xstrdup(v[0]->s);
		p->nfactors++;
		if (want_count(L, v[1], "points", &rf->points) == -1 ||
		    (rf->when = condition(L, v[2], "when")) == NULL)
			return -1;
	}

	s = fv[1];
	if (want_seq(L, s, "levels") == -1)
		return -1;
	if (s->nkids == 0)
		return fail(L, s, "'levels' is empty");
	p->levels = ec_xcalloc(s->nkids, sizeof(*p->levels));
	seen = seen_reset(L, p->vocabs[p->columns[ec_policy_column(p,
	    "risk_level")].vocab].nvalues);
	for (size_t i = 0; i < s->nkids; i++) {
		struct ec_risk_level *rl = &p->levels[p->nlevels++];
		const struct ynode *k[2];

		if (want_map(L, s->kids[i], "levels") == -1 ||
		    get_fields(L, s->kids[i], "levels", lf, 2, v, k) == -1 ||
		    want_level(L, v[0], &rl->value) == -1)
			return -1;
		if (seen[rl->value])
			return fail(L, v[0], "duplicate level '%s'", v[0]->s);
		seen[rl->value] = 1;
		if (i + 1 == s->nkids) {
			if (v[1] != NULL)
				return fail(L, k[1], "the last level must have "
				    "no 'min': it takes every lower score");
			break;
		}
		if (v[1] == NULL)
			return fail(L, s->kids[i], "missing key 'min' in "
			    "'levels': only the last level has none");
		if (want_int(L, v[1], "min", &rl->min) == -1)
			return -1;
		rl->has_min = 1;
		if (i > 0 && rl->min >= p->levels[i - 1].min)
			return fail(L, v[1], "'min' must be less than the 'min' "
			    "of the level before (%lld)", p->levels[i - 1].min);
	}

	s = fv[2];
	if (s == NULL)
		return check_reasons(L);
	if (want_seq(L, s, "overrides") == -1)
		return -1;
	p->overrides = ec_xcalloc(s->nkids, sizeof(*p->overrides));
	for (size_t i = 0; i < s->nkids; i++) {
		struct ec_risk_override *ro = &p->overrides[i];

		if (want_map(L, s->kids[i], "overrides") == -1 ||
		    get_fields(L, s->kids[i], "overrides", of, 3, v, NULL) ==
		    -1 || want_item_name(L, v[0], "name") == -1)
			return -1;
		keep_name(L, v[0]);
		ro->name = ec_xstrdup(v[0]->s);
		p->noverrides++;
		if (want_level(L, v[1], &ro->value) == -1 ||
		    (ro->when = condition(L, v[2], "when")) == NULL)
			return -1;
	}
	return check_reasons(L);
}

/* Interval coverage */

struct combo {
	const struct ec_policy *p;
	int *slots;		/* the columns the rules read */
	size_t nslots, cap;
	size_t *at;		/* per slot: the index of its current value */
	unsigned char *seen;	/* per column: in slots */
};

static void
add_slot(void *arg, int slot)
{
	struct combo *c = arg;

	if (c->seen[slot])
		return;
	c->seen[slot] = 1;
	if (c->nslots == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 8;
		c->slots = ec_xrealloc(c->slots, c->cap * sizeof(int));
	}
	c->slots[c->nslots++] = slot;
}

static void
fetch_combo(void *arg, int slot, struct ec_value *out)
{
	const struct combo *c = arg;
	const struct ec_column *col = &c->p->columns[slot];

	for (size_t i = 0; i < c->nslots; i++) {
		const struct ec_vocab_value *v;

		if (c->slots[i] != slot)
			continue;
		v = &c->p->vocabs[col->vocab].values[c->at[i]];
		if (col->type == EC_COL_BOOL)
			*out = ec_value_int(EC_T_BOOL,
			    strcmp(v->token, "yes") == 0);
		else
			*out = ec_value_str(EC_T_STR, v->token,
			    strlen(v->token));
		return;
	}
	*out = ec_value_blank(ec_coltype_value_type(col->type));
}

/*
 * Every record must get an interval.  When the rules read only enum and
 * bool columns of small enough domains, every combination of their
 * values is tried; otherwise only a last rule without a condition
 * proves it.
 */
static int
check_intervals(struct loader *L, const struct ynode *key)
{
	const struct ec_policy *p = L->p;
	struct combo c;
	struct ec_expr_env env;
	unsigned long long total = 1;
	int rc = 0;

	if (p->nintervals > 0 && p->intervals[p->nintervals - 1].when == NULL)
		return 0;
	memset(&c, 0, sizeof(c));
	c.p = p;
	c.seen = seen_reset(L, p->ncolumns);
	for (size_t i = 0; i < p->nintervals; i++)
		ec_expr_slots(p->intervals[i].when, add_slot, &c);
	for (size_t i = 0; i < c.nslots && total <= MAX_COMBOS; i++) {
		const struct ec_column *col = &p->columns[c.slots[i]];

		if (col->type != EC_COL_ENUM && col->type != EC_COL_BOOL) {
			total = MAX_COMBOS + 1;
			break;
		}
		total *= p->vocabs[col->vocab].nvalues;
	}
	if (total > MAX_COMBOS) {
		free(c.slots);
		return fail(L, key, "the last interval rule must have no "
		    "'when', so that every person gets an interval");
	}
	c.at = ec_xcalloc(c.nslots ? c.nslots : 1, sizeof(size_t));
	memset(&env, 0, sizeof(env));
	env.today = 0;
	env.leap_rule = p->leap_rule;
	env.fetch = fetch_combo;
	env.ctx = &c;
	for (;;) {
		size_t i;

		for (i = 0; i < p->nintervals; i++)
			if (ec_expr_test(p->intervals[i].when, &env))
				break;
		if (i == p->nintervals) {
			struct ec_buf b = EC_BUF_INIT;

			for (size_t s = 0; s < c.nslots; s++) {
				const struct ec_column *col =
				    &p->columns[c.slots[s]];

				ec_buf_addf(&b, "%s%s is '%s'", s ? " and " : "",
				    col->name,
				    p->vocabs[col->vocab].values[c.at[s]].token);
			}
			if (c.nslots)
				rc = fail(L, key, "no visit interval applies "
				    "when %s", b.p);
			else
				rc = fail(L, key, "no visit interval applies "
				    "to anyone");
			ec_buf_release(&b);
			break;
		}
		/* The next combination, odometer-wise. */
		for (i = 0; i < c.nslots; i++) {
			const struct ec_column *col = &p->columns[c.slots[i]];

			if (++c.at[i] < p->vocabs[col->vocab].nvalues)
				break;
			c.at[i] = 0;
		}
		if (i == c.nslots)
			break;
	}
	free(c.at);
	free(c.slots);
	return rc;
}

static int
load_visits(struct loader *L, const struct ynode *n)
{
	static const struct field f[] = {
		{ "programme", 1 }, { "intervals", 1 }, { "home_visit", 1 },
		{ "due_soon_days", 1 }, { "report_within_days", 1 },
		{ "alert_window_days", 1 }, { "required", 1 },
	};
	static const struct field inf[] = {
		{ "when", 0 }, { "days", 1 },
	};
	static const struct field hf[] = {
		{ "when", 1 }, { "days", 1 },
	};
	const struct ynode *fv[EC_ARRAY_LEN(f)], *key[EC_ARRAY_LEN(f)];
	const struct ynode *v[2], *s;
	struct ec_policy *p = L->p;

	if (want_map(L, n, "visits") == -1 ||
	    get_fields(L, n, "visits", f, EC_ARRAY_LEN(f), fv, key) == -1)
		return -1;
	if ((p->programme = condition(L, fv[0], "programme")) == NULL)
		return -1;

	s = fv[1];
	if (want_seq(L, s, "intervals") == -1)
		return -1;
	if (s->nkids == 0)
		return fail(L, s, "'intervals' is empty");
	p->intervals = ec_xcalloc(s->nkids, sizeof(*p->intervals));
	for (size_t i = 0; i < s->nkids; i++) {
		struct ec_interval *in = &p->intervals[p->nintervals++];

		if (i > 0 && p->intervals[i - 1].when == NULL)
			return fail(L, s->kids[i], "unreachable interval rule");
		if (want_map(L, s->kids[i], "intervals") == -1 ||
		    get_fields(L, s->kids[i], "intervals", inf, 2, v, NULL) ==
		    -1)
			return -1;
		if (v[0] != NULL &&
		    (in->when = condition(L, v[0], "when")) == NULL)
			return -1;
		if (want_days(L, v[1], "days", &in->days) == -1)
			return -1;
	}
	if (check_intervals(L, key[1]) == -1)
		return -1;

	if (want_map(L, fv[2], "home_visit") == -1 ||
	    get_fields(L, fv[2], "home_visit", hf, 2, v, NULL) == -1 ||
	    (p->home_visit_when = condition(L, v[0], "when")) == NULL ||
	    want_days(L, v[1], "days", &p->home_visit_days) == -1)
		return -1;
	if (want_days(L, fv[3], "due_soon_days", &p->due_soon_days) == -1 ||
	    want_days(L, fv[4], "report_within_days",
	    &p->report_within_days) == -1 ||
	    want_days(L, fv[5], "alert_window_days",
	    &p->alert_window_days) == -1)
		return -1;
	return want_columns(L, fv[6], "required", &p->visit_log.required,
	    &p->visit_log.nrequired);
}

static int
load_health(struct loader *L, const struct ynode *n)
{
	static const struct field f[] = {
		{ "eligible", 1 }, { "done", 1 },
	};
	const struct ynode *fv[EC_ARRAY_LEN(f)];

	if (want_map(L, n, "health_check") == -1 ||
	    get_fields(L, n, "health_check", f, EC_ARRAY_LEN(f), fv, NULL) ==
	    -1)
		return -1;
	if ((L->p->health_eligible = condition(L, fv[0], "eligible")) == NULL ||
	    (L->p->health_done = condition(L, fv[1], "done")) == NULL)
		return -1;
	return 0;
}

static int
load_rollup(struct loader *L, const struct ynode *n)
{
	static const struct field f[] = {
		{ "by", 1 }, { "metrics", 1 },
	};
	static const struct field mf[] = {
		{ "name", 1 }, { "when", 1 }, { "zh", 1 }, { "en", 1 },
	};
	const struct ynode *fv[EC_ARRAY_LEN(f)], *v[EC_ARRAY_LEN(mf)], *s, *dup;
	struct ec_policy *p = L->p;

	if (want_map(L, n, "rollup") == -1 ||
	    get_fields(L, n, "rollup", f, EC_ARRAY_LEN(f), fv, NULL) == -1 ||
	    want_columns(L, fv[0], "by", &p->rollup_by, &p->nrollup_by) == -1)
		return -1;
	s = fv[1];
	if (want_seq(L, s, "metrics") == -1)
		return -1;
	p->metrics = ec_xcalloc(s->nkids, sizeof(*p->metrics));
	for (size_t i = 0; i < s->nkids; i++) {
		struct ec_metric *m = &p->metrics[p->nmetrics++];

		if (want_map(L, s->kids[i], "metrics") == -1 ||
		    get_fields(L, s->kids[i], "metrics", mf, EC_ARRAY_LEN(mf),
		    v, NULL) == -1 || want_text(L, v[0], "name") == -1)
			return -1;
		/* rollup's own output columns. */
		if (strcmp(v[0]->s, "records") == 0 ||
		    strcmp(v[0]->s, "level") == 0)
			return fail(L, v[0], "metric name '%s' is taken by "
			    "rollup's own column", v[0]->s);
		keep_name(L, v[0]);
		m->name = trimmed(v[0]);
		if ((m->when = condition(L, v[1], "when")) == NULL ||
		    want_text(L, v[2], "zh") == -1 ||
		    want_text(L, v[3], "en") == -1)
			return -1;
		m->zh = trimmed(v[2]);
		m->en = trimmed(v[3]);
	}
	if ((dup = first_duplicate(L->names, L->nnames)) != NULL)
		return fail(L, dup, "duplicate metric '%s'", dup->s);
	L->nnames = 0;
	return 0;
}

static int
load_label_set(struct loader *L, const struct ynode *n, const char *lang,
    struct ec_label **out, size_t *nout)
{
	if (want_map(L, n, lang) == -1)
		return -1;
	*out = ec_xcalloc(map_len(n), sizeof(**out));
	for (size_t i = 0; i < map_len(n); i++) {
		struct ec_label *l = &(*out)[(*nout)++];

		if (want_text(L, map_key(n, i), "label") == -1)
			return -1;
		l->key = ec_xstrdup(map_key(n, i)->s);
		if (want_text(L, map_val(n, i), map_key(n, i)->s) == -1)
			return -1;
		l->text = ec_xstrdup(map_val(n, i)->s);
	}
	return 0;
}

static int
load_labels(struct loader *L, const struct ynode *n)
{
	struct ec_policy *p = L->p;

	if (want_map(L, n, "labels") == -1)
		return -1;
	for (size_t i = 0; i < map_len(n); i++) {
		const struct ynode *k = map_key(n, i);

		if (strcmp(k->s, "zh") == 0) {
			if (load_label_set(L, map_val(n, i), "zh", &p->labels_zh,
			    &p->nlabels_zh) == -1)
				return -1;
		} else if (strcmp(k->s, "en") == 0) {
			if (load_label_set(L, map_val(n, i), "en", &p->labels_en,
			    &p->nlabels_en) == -1)
				return -1;
		} else
			return fail(L, k, "unknown language '%s' in 'labels' "
			    "(zh or en)", k->s);
	}
	return 0;
}

enum {
	T_POLICY, T_REGION, T_LEAP, T_VOCABS, T_COLUMNS, T_CENSUS, T_CLASSIFY,
	T_RISK, T_VISITS, T_HEALTH, T_ROLLUP, T_LABELS, T_N
};

static int
load_policy(struct loader *L, const struct ynode *root)
{
	static const struct field f[T_N] = {
		{ "policy", 1 }, { "region", 0 }, { "leap_birthday", 0 },
		{ "vocabularies", 1 }, { "columns", 1 }, { "census", 1 },
		{ "classify", 1 }, { "risk", 1 }, { "visits", 1 },
		{ "health_check", 1 }, { "rollup", 1 }, { "labels", 0 },
	};
	const struct ynode *fv[T_N], *key[T_N];
	struct ec_policy *p = L->p;

	if (root == NULL)
		return fail_pos(L, 1, 1, "the policy is empty");
	if (root->kind != Y_MAP)
		return fail(L, root, "the policy must be a mapping, not %s",
		    kind_name(root));
	if (get_fields(L, root, NULL, f, T_N, fv, key) == -1)
		return -1;

	if (want_text(L, fv[T_POLICY], "policy") == -1)
		return -1;
	p->name = trimmed(fv[T_POLICY]);
	if (fv[T_REGION] != NULL) {
		const struct ynode *s = fv[T_REGION];

		if (want_strings(L, s, "region", &p->region, &p->nregion) == -1)
			return -1;
		for (size_t i = 0; i < p->nregion; i++)
			if (!ec_all_digits(p->region[i], strlen(p->region[i])) ||
			    strlen(p->region[i]) > MAX_REGION)
				return fail(L, s->kids[i], "region '%s' must be "
				    "1 to 6 digits of an address code",
				    p->region[i]);
	}
	p->leap_rule = EC_LEAP_MAR1;
	if (fv[T_LEAP] != NULL) {
		if (want_text(L, fv[T_LEAP], "leap_birthday") == -1)
			return -1;
		if (strcmp(fv[T_LEAP]->s, "mar1") == 0)
			p->leap_rule = EC_LEAP_MAR1;
		else if (strcmp(fv[T_LEAP]->s, "feb28") == 0)
			p->leap_rule = EC_LEAP_FEB28;
		else
			return fail(L, fv[T_LEAP], "'leap_birthday' must be "
			    "mar1 or feb28, not '%s'", fv[T_LEAP]->s);
	}
	if (load_vocabs(L, fv[T_VOCABS]) == -1 ||
	    load_columns(L, key[T_COLUMNS], fv[T_COLUMNS]) == -1)
		return -1;

	index_columns(L);
	L->classify_at = ec_xcalloc(p->ncolumns, sizeof(int));
	for (size_t i = 0; i < p->ncolumns; i++)
		L->classify_at[i] = -1;
	L->classify_limit = -1;
	prescan_names(L, fv[T_CLASSIFY], fv[T_RISK]);

	/* Each tool's rules may read only what the tools before it wrote. */
	L->stage = EC_TOOL_CLASSIFY;
	if (load_census(L, fv[T_CENSUS]) == -1 ||
	    load_classify(L, fv[T_CLASSIFY]) == -1)
		return -1;
	L->stage = EC_TOOL_RISK_SCORE;
	if (load_risk(L, fv[T_RISK]) == -1)
		return -1;
	L->stage = EC_TOOL_VISIT_DUE;
	if (load_visits(L, fv[T_VISITS]) == -1 ||
	    load_health(L, fv[T_HEALTH]) == -1)
		return -1;
	L->stage = EC_TOOL_NONE;
	if (load_rollup(L, fv[T_ROLLUP]) == -1)
		return -1;
	if (fv[T_LABELS] != NULL && load_labels(L, fv[T_LABELS]) == -1)
		return -1;
	return 0;
}

/* API */

const struct ec_tool_column ec_tool_columns[] = {
	{ "id_number", EC_COL_ID, { NULL }, EC_TOOL_NONE },
	{ "risk_score", EC_COL_INT, { NULL }, EC_TOOL_RISK_SCORE },
	{ "risk_level", EC_COL_ENUM, { NULL }, EC_TOOL_RISK_SCORE },
	{ "risk_reasons", EC_COL_LIST, { NULL }, EC_TOOL_RISK_SCORE },
	{ "visit_date", EC_COL_DATE, { NULL }, EC_TOOL_NONE },
	{ "mode", EC_COL_ENUM, { "home", NULL }, EC_TOOL_NONE },
	{ "situation", EC_COL_ENUM, { "none", NULL }, EC_TOOL_NONE },
	{ "reported_date", EC_COL_DATE, { NULL }, EC_TOOL_NONE },
	{ "last_visit", EC_COL_DATE, { NULL }, EC_TOOL_VISIT_DUE },
	{ "last_home_visit", EC_COL_DATE, { NULL }, EC_TOOL_VISIT_DUE },
	{ "interval_days", EC_COL_INT, { NULL }, EC_TOOL_VISIT_DUE },
	{ "next_due", EC_COL_DATE, { NULL }, EC_TOOL_VISIT_DUE },
	{ "days_overdue", EC_COL_INT, { NULL }, EC_TOOL_VISIT_DUE },
	{ "visit_status", EC_COL_ENUM, { "never_visited", "overdue",
	    "due_soon", "ok", "not_applicable", NULL }, EC_TOOL_VISIT_DUE },
	{ "home_visit_status", EC_COL_ENUM, { "ok", "overdue", "never",
	    "not_applicable", NULL }, EC_TOOL_VISIT_DUE },
	{ "health_check_due", EC_COL_ENUM, { "yes", "no", "not_applicable",
	    NULL }, EC_TOOL_VISIT_DUE },
	{ "alert", EC_COL_ENUM, { NULL }, EC_TOOL_VISIT_DUE },
	{ "alert_report", EC_COL_ENUM, { "on_time", "late", "missing",
	    NULL }, EC_TOOL_VISIT_DUE },
};

const size_t ec_tool_ncolumns = EC_ARRAY_LEN(ec_tool_columns);

const struct ec_tool_column *
ec_tool_column(const char *name)
{
	for (size_t i = 0; i < ec_tool_ncolumns; i++)
		if (strcmp(ec_tool_columns[i].name, name) == 0)
			return &ec_tool_columns[i];
	return NULL;
}

struct ec_policy *
ec_policy_load(const char *text, size_t len, struct ec_policy_error *err)
{
	struct ec_policy_error scratch;
	struct loader L;
	struct ynode *root = NULL;
	struct ec_policy *p;

	if (err == NULL)
		err = &scratch;
	memset(err, 0, sizeof(*err));
	memset(&L, 0, sizeof(L));
	L.text = text;
	L.len = len;
	L.err = err;
	L.classify_limit = -1;

	if (build_tree(&L, &root) == -1) {
		arena_free(&L);
		return NULL;
	}
	p = ec_xcalloc(1, sizeof(*p));
	p->census.unique = -1;
	p->visit_log.unique = -1;
	L.p = p;
	if (load_policy(&L, root) == -1) {
		ec_policy_free(p);
		p = NULL;
	}
	if (L.lits != NULL) {
		for (size_t i = 0; i < L.nlits; i++)
			free(L.lits[i].v);
		free(L.lits);
	}
	free(L.classify_at);
	free(L.byname);
	free(L.names);
	free(L.seen);
	arena_free(&L);
	return p;
}

static void
free_strings(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void
free_rules(struct ec_sheet_rules *s)
{
	free(s->required);
	for (size_t i = 0; i < s->nrequired_when; i++)
		ec_expr_free(s->required_when[i]);
	free(s->required_when);
	free(s->required_when_col);
	for (size_t i = 0; i < s->nchecks; i++) {
		ec_expr_free(s->checks[i].when);
		free(s->checks[i].message);
	}
	free(s->checks);
}

static void
free_labels(struct ec_label *l, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(l[i].key);
		free(l[i].text);
	}
	free(l);
}

void
ec_policy_free(struct ec_policy *p)
{
	if (p == NULL)
		return;
	free(p->name);
	free_strings(p->region, p->nregion);
	for (size_t i = 0; i < p->nvocabs; i++) {
		struct ec_vocab *v = &p->vocabs[i];

		for (size_t j = 0; j < v->nvalues; j++) {
			free(v->values[j].token);
			free(v->values[j].zh);
			free(v->values[j].en);
			free_strings(v->values[j].aliases,
			    v->values[j].naliases);
		}
		free(v->values);
		free(v->name);
	}
	free(p->vocabs);
	for (size_t i = 0; i < p->ncolumns; i++) {
		free(p->columns[i].name);
		free(p->columns[i].zh);
		free(p->columns[i].en);
		free_strings(p->columns[i].aliases, p->columns[i].naliases);
	}
	free(p->columns);
	free_rules(&p->census);
	free_rules(&p->visit_log);
	for (size_t i = 0; i < p->nclassify; i++) {
		struct ec_derived *d = &p->classify[i];

		ec_expr_free(d->expr);
		for (size_t j = 0; j < d->nflags; j++) {
			free(d->flag_names[j]);
			ec_expr_free(d->flags[j]);
		}
		free(d->flag_names);
		free(d->flags);
	}
	free(p->classify);
	for (size_t i = 0; i < p->nfactors; i++) {
		free(p->factors[i].name);
		ec_expr_free(p->factors[i].when);
	}
	free(p->factors);
	free(p->levels);
	for (size_t i = 0; i < p->noverrides; i++) {
		free(p->overrides[i].name);
		ec_expr_free(p->overrides[i].when);
	}
	free(p->overrides);
	ec_expr_free(p->programme);
	for (size_t i = 0; i < p->nintervals; i++)
		ec_expr_free(p->intervals[i].when);
	free(p->intervals);
	ec_expr_free(p->home_visit_when);
	ec_expr_free(p->health_eligible);
	ec_expr_free(p->health_done);
	free(p->rollup_by);
	for (size_t i = 0; i < p->nmetrics; i++) {
		free(p->metrics[i].name);
		ec_expr_free(p->metrics[i].when);
		free(p->metrics[i].zh);
		free(p->metrics[i].en);
	}
	free(p->metrics);
	free_labels(p->labels_zh, p->nlabels_zh);
	free_labels(p->labels_en, p->nlabels_en);
	free(p);
}

int
ec_policy_column(const struct ec_policy *p, const char *name)
{
	return find_column(p, name, strlen(name));
}

int
ec_policy_vocab(const struct ec_policy *p, const char *name)
{
	for (size_t i = 0; i < p->nvocabs; i++)
		if (p->vocabs[i].name != NULL &&
		    strcmp(p->vocabs[i].name, name) == 0)
			return (int)i;
	return -1;
}

int
ec_vocab_lookup(const struct ec_vocab *v, const char *s, size_t n)
{
	s = ec_trim(s, &n);
	if (n == 0)
		return -1;
	/*
	 * Folding only ASCII letters is exact for Chinese labels and lets
	 * tokens and aliases such as Y or TRUE match in any case.
	 */
	for (size_t i = 0; i < v->nvalues; i++) {
		const struct ec_vocab_value *val = &v->values[i];

		if (ec_ascii_case_eq(s, n, val->token, strlen(val->token)) ||
		    ec_ascii_case_eq(s, n, val->zh, strlen(val->zh)))
			return (int)i;
		for (size_t j = 0; j < val->naliases; j++)
			if (ec_ascii_case_eq(s, n, val->aliases[j],
			    strlen(val->aliases[j])))
				return (int)i;
	}
	return -1;
}

int
ec_vocab_token(const struct ec_vocab *v, const char *token)
{
	for (size_t i = 0; i < v->nvalues; i++)
		if (v->values[i].token != NULL &&
		    strcmp(v->values[i].token, token) == 0)
			return (int)i;
	return -1;
}

const char *
ec_policy_label(const struct ec_policy *p, const char *lang, const char *key)
{
	const struct ec_label *l;
	size_t n;

	if (strcmp(lang, "zh") == 0) {
		l = p->labels_zh;
		n = p->nlabels_zh;
	} else if (strcmp(lang, "en") == 0) {
		l = p->labels_en;
		n = p->nlabels_en;
	} else
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (strcmp(l[i].key, key) == 0)
			return l[i].text;
	return NULL;
}

enum ec_type
ec_coltype_value_type(enum ec_coltype t)
{
	switch (t) {
	case EC_COL_BOOL:
		return EC_T_BOOL;
	case EC_COL_INT:
		return EC_T_INT;
	case EC_COL_DATE:
		return EC_T_DATE;
	case EC_COL_LIST:
		return EC_T_LIST;
	case EC_COL_TEXT:
	case EC_COL_ID:
	case EC_COL_ENUM:
	case EC_COL_PHONE:
		break;
	}
	return EC_T_STR;
}
