/*
 * ytree.c - reads a YAML document with libyaml into a tree of nodes that
 * keep their positions, and finds where a byte of a scalar stands in the
 * text, for errors.
 *
 * The tree lives in an arena freed at once; libyaml does most of the
 * work of a read, and a malloc per node was most of the rest.
 */
#include "ytree.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "text.h"
#include "util.h"

#define MAX_DEPTH	32		/* nested mappings and sequences */
#define MAX_SCALAR	65536		/* bytes of one scalar */

static int fail_pos(struct ec_yerror *, size_t, size_t, const char *, ...)
	__attribute__((format(printf, 4, 5)));
static int fail(struct ec_yerror *, const struct ec_ynode *, const char *,
	...) __attribute__((format(printf, 3, 4)));

/* Errors */

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

int
ec_yerror_vset(struct ec_yerror *err, size_t line, size_t col,
    const char *fmt, va_list ap)
{
	if (err->failed)
		return -1;
	err->failed = 1;
	err->line = line;
	err->column = col;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	utf8_clip(err->msg, sizeof(err->msg));
	return -1;
}

/* An error at 1-based line and col. */
static int
fail_pos(struct ec_yerror *err, size_t line, size_t col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ec_yerror_vset(err, line, col, fmt, ap);
	va_end(ap);
	return -1;
}

/* An error at the start of node n. */
static int
fail(struct ec_yerror *err, const struct ec_ynode *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ec_yerror_vset(err, n->line + 1, n->col + 1, fmt, ap);
	va_end(ap);
	return -1;
}

/* Positions */

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
byte_at(const struct ec_ytree *y, size_t line, size_t col)
{
	const char *t = y->text;
	size_t n = y->len, i = 0, k;

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
pos_of(const struct ec_ytree *y, size_t off, size_t *line, size_t *col)
{
	const char *t = y->text;
	size_t i = 0, k;

	*line = *col = 0;
	if (y->len >= 3 && memcmp(t, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < off && i < y->len) {
		if ((k = line_break(t + i, y->len - i)) > 0) {
			i += k;
			(*line)++;
			*col = 0;
		} else {
			i += char_len(t + i, y->len - i);
			(*col)++;
		}
	}
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* The UTF-8 length of code point c. */
static size_t
utf8_len(unsigned long c)
{
	return c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
}

static int
is_block(int style)
{
	return style == YAML_LITERAL_SCALAR_STYLE ||
	    style == YAML_FOLDED_SCALAR_STYLE;
}

/*
 * A place in the text, walked along a scalar's value: byte r, 0-based
 * line ln and column cl (in characters).
 */
struct walk {
	const char *t;
	size_t len;
	size_t r, ln, cl;
};

static void
walk_byte(struct walk *w)
{
	w->r++;
	w->cl++;
}

/* Past a line break of k bytes. */
static void
walk_break(struct walk *w, size_t k)
{
	w->r += k;
	w->ln++;
	w->cl = 0;
}

static size_t
walk_line_break(const struct walk *w)
{
	return line_break(w->t + w->r, w->len - w->r);
}

/* Flow scalars drop the white space that starts a continuation line. */
static void
skip_indent(struct walk *w)
{
	while (w->r < w->len && is_space(w->t[w->r]))
		walk_byte(w);
}

/* Anchors and tags come before the value, maybe a line before. */
static void
walk_props(struct walk *w, int nprops)
{
	size_t k;

	for (int p = 0; p < nprops; p++) {
		while (w->r < w->len && !is_space(w->t[w->r]) &&
		    !walk_line_break(w))
			walk_byte(w);
		for (;;) {
			if (w->r < w->len && is_space(w->t[w->r]))
				walk_byte(w);
			else if ((k = walk_line_break(w)) > 0)
				walk_break(w, k);
			else
				break;
		}
	}
}

/* Past an opening quote, or the header line of a block scalar. */
static void
walk_open(struct walk *w, int style)
{
	if (style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
	    style == YAML_DOUBLE_QUOTED_SCALAR_STYLE) {
		walk_byte(w);
	} else if (is_block(style)) {
		while (w->r < w->len && !walk_line_break(w))
			w->r++;
		if (w->r < w->len)
			walk_break(w, walk_line_break(w));
	}
}

/*
 * Past the escape at w->r of a double-quoted scalar.  Returns the bytes
 * of the value it stands for: none for an escaped line break.
 */
static size_t
walk_escape(struct walk *w)
{
	const char *t = w->t;
	size_t r = w->r, len = w->len, k;
	char e = t[r + 1];
	size_t hex = e == 'x' ? 2 : e == 'u' ? 4 : e == 'U' ? 8 : 0;
	unsigned long cp = 0;

	if ((k = line_break(t + r + 1, len - r - 1)) > 0) {
		walk_break(w, 1 + k);
		skip_indent(w);
		return 0;
	}
	for (size_t h = 0; h < hex && r + 2 + h < len; h++) {
		char d = t[r + 2 + h];

		cp = cp * 16 + (unsigned long)(d >= 'a' ? d - 'a' + 10 :
		    d >= 'A' ? d - 'A' + 10 : d - '0');
	}
	if (hex)
		k = utf8_len(cp);
	else if (e == 'N' || e == '_')
		k = 2;
	else if (e == 'L' || e == 'P')
		k = 3;
	else
		k = 1;
	w->r += 2 + hex;
	w->cl += 2 + hex;
	return k;
}

/*
 * One step of the text along byte *i of scalar n's value: equal bytes
 * advance both, white space and line breaks of the text that the value
 * lacks are skipped, quote and escape syntax is undone.  -1 when lost.
 */
static int
walk_step(struct walk *w, const struct ec_ynode *n, size_t *i)
{
	const char *v = n->s;
	unsigned char c = (unsigned char)w->t[w->r];
	size_t k = walk_line_break(w);

	if (k > 0) {
		/* A break kept, or folded into one space. */
		if (v[*i] == '\n' || v[*i] == ' ')
			(*i)++;
		walk_break(w, k);
		if (!is_block(n->style))
			skip_indent(w);
		return 0;
	}
	if (n->style == YAML_SINGLE_QUOTED_SCALAR_STYLE && c == '\'' &&
	    w->r + 1 < w->len && w->t[w->r + 1] == '\'') {
		walk_byte(w);
		return 0;
	}
	if (n->style == YAML_DOUBLE_QUOTED_SCALAR_STYLE && c == '\\' &&
	    w->r + 1 < w->len) {
		*i += walk_escape(w);
		return 0;
	}
	if ((unsigned char)v[*i] == c) {
		k = char_len(w->t + w->r, w->len - w->r);
		if (*i + k > n->n || memcmp(v + *i, w->t + w->r, k) != 0)
			return -1;
		*i += k;
		w->r += k;
		w->cl++;
		return 0;
	}
	if (is_space((char)c)) {
		walk_byte(w);
		return 0;
	}
	return -1;
}

/*
 * At the target, byte i of the value: skips what the value lacks there,
 * and past its end to a closing quote.
 */
static void
walk_past(struct walk *w, const struct ec_ynode *n, size_t i)
{
	int quoted = n->style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
	    n->style == YAML_DOUBLE_QUOTED_SCALAR_STYLE;

	while (w->r < w->len) {
		char c = w->t[w->r];
		size_t k = walk_line_break(w);

		if ((k == 0 && !is_space(c)) ||
		    !(i < n->n ? n->s[i] != c : quoted))
			break;
		if (k > 0)
			walk_break(w, k);
		else
			walk_byte(w);
	}
}

/*
 * Where byte off of scalar n's value stands in the text, 1-based.
 * libyaml marks only where a scalar starts, and its value differs from
 * the text by quotes, escapes and line folding, so the text is walked
 * along the value.  Where the walk gets lost it stops, which still names
 * the right line in practice.
 */
static void
scalar_pos(const struct ec_ytree *y, const struct ec_ynode *n, size_t off,
    size_t *line, size_t *col)
{
	struct walk w;
	size_t i = 0;
	int lost = 0;

	w.t = y->text;
	w.len = y->len;
	w.r = byte_at(y, n->line, n->col);
	w.ln = n->line;
	w.cl = n->col;
	walk_props(&w, n->nprops);
	walk_open(&w, n->style);
	if (off > n->n)
		off = n->n;
	while (!lost && w.r < w.len && i < off)
		lost = walk_step(&w, n, &i) == -1;
	if (!lost)
		walk_past(&w, n, i);
	*line = w.ln + 1;
	*col = w.cl + 1;
}

/*
 * Copies the line of s[0..n) holding byte off into the error's excerpt,
 * cut to fit around off at character boundaries.
 */
static void
set_excerpt(struct ec_yerror *err, const char *s, size_t n, size_t off)
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

int
ec_yerror_vset_at(struct ec_yerror *err, const struct ec_ytree *t,
    const struct ec_ynode *n, size_t off, const char *fmt, va_list ap)
{
	size_t line, col;

	if (err->failed)
		return -1;
	scalar_pos(t, n, off, &line, &col);
	ec_yerror_vset(err, line, col, fmt, ap);
	set_excerpt(err, n->s, n->n, off);
	return -1;
}

/* The tree */

const char *
ec_ynode_kind_name(const struct ec_ynode *n)
{
	if (n->kind == EC_Y_MAP)
		return "a mapping";
	if (n->kind == EC_Y_SEQ)
		return "a sequence";
	if (n->n == 0 && n->style == YAML_PLAIN_SCALAR_STYLE)
		return "an empty value";
	return "text";
}

/* The arena of the tree: chunks of memory, freed at once. */
#define ARENA_CHUNK	16384
#define ARENA_ALIGN(n)	(((n) + 15) & ~(size_t)15)

struct ec_ychunk {
	struct ec_ychunk *next;
	size_t size, used;
};

static void *
arena_alloc(struct ec_ytree *y, size_t n)
{
	size_t hdr = ARENA_ALIGN(sizeof(struct ec_ychunk));
	struct ec_ychunk *c = y->arena;
	void *p;

	n = ARENA_ALIGN(n);
	if (c == NULL || c->size - c->used < n) {
		size_t size = n > ARENA_CHUNK ? n : ARENA_CHUNK;

		c = ec_xmalloc(hdr + size);
		c->next = y->arena;
		c->size = size;
		c->used = 0;
		y->arena = c;
	}
	p = (char *)c + hdr + c->used;
	c->used += n;
	return p;
}

void
ec_ytree_release(struct ec_ytree *y)
{
	struct ec_ychunk *c, *next;

	for (c = y->arena; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	y->arena = NULL;
	y->root = NULL;
}

static struct ec_ynode *
new_node(struct ec_ytree *y, enum ec_ykind kind, const yaml_mark_t *m,
    int nprops)
{
	struct ec_ynode *n = arena_alloc(y, sizeof(*n));

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
	struct ec_ynode *node;
	struct ec_ynode **items;
	size_t n, cap;
};

/* A read under way. */
struct reader {
	struct ec_ytree *y;
	struct ec_yerror *err;
	struct open stack[MAX_DEPTH];
	size_t depth;
	int ndocs;
};

/* Adds n to the open collection, or makes it the root. */
static int
attach(struct reader *rd, struct ec_ynode *n)
{
	struct open *up;

	if (rd->depth == 0) {
		rd->y->root = n;
		return 0;
	}
	up = &rd->stack[rd->depth - 1];
	if (up->n == up->cap) {
		up->cap = up->cap ? up->cap * 2 : 16;
		up->items = ec_xrealloc(up->items,
		    up->cap * sizeof(*up->items));
	}
	up->items[up->n++] = n;
	if (up->node->kind == EC_Y_MAP && up->n % 2 == 1 &&
	    n->kind != EC_Y_SCALAR)
		return fail(rd->err, n, "keys must be text, not %s",
		    ec_ynode_kind_name(n));
	return 0;
}

static struct ec_ynode *
close_node(struct reader *rd)
{
	struct open *o = &rd->stack[--rd->depth];

	o->node->nkids = o->n;
	o->node->kids = arena_alloc(rd->y, o->n * sizeof(*o->node->kids));
	if (o->n > 0)
		memcpy(o->node->kids, o->items, o->n * sizeof(*o->items));
	o->n = 0;
	return o->node;
}

static int
same_key(const struct ec_ynode *a, const struct ec_ynode *b)
{
	return a->n == b->n && memcmp(a->s, b->s, a->n) == 0;
}

/* Orders keys by their bytes, then by where they stand. */
static int
cmp_keys(const void *a, const void *b)
{
	const struct ec_ynode *x = *(const struct ec_ynode *const *)a;
	const struct ec_ynode *y = *(const struct ec_ynode *const *)b;
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

const struct ec_ynode *
ec_ynodes_first_duplicate(const struct ec_ynode **v, size_t n)
{
	const struct ec_ynode *dup = NULL;

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
check_keys(struct ec_yerror *err, const struct ec_ynode *m)
{
	const struct ec_ynode **k, *dup;
	size_t n = ec_ymap_len(m);

	if (n <= 16) {
		for (size_t i = 1; i < n; i++)
			for (size_t j = 0; j < i; j++)
				if (same_key(ec_ymap_key(m, i),
				    ec_ymap_key(m, j)))
					return fail(err, ec_ymap_key(m, i),
					    "duplicate key '%s'",
					    ec_ymap_key(m, i)->s);
		return 0;
	}
	k = ec_xcalloc(n, sizeof(*k));
	for (size_t i = 0; i < n; i++)
		k[i] = ec_ymap_key(m, i);
	dup = ec_ynodes_first_duplicate(k, n);
	free(k);
	if (dup != NULL)
		return fail(err, dup, "duplicate key '%s'", dup->s);
	return 0;
}

static void
yaml_fail(const struct ec_ytree *y, struct ec_yerror *err,
    const yaml_parser_t *yp)
{
	size_t line, col;

	switch (yp->error) {
	case YAML_READER_ERROR:
		/* The reader gives a byte offset, not a mark. */
		pos_of(y, yp->problem_offset, &line, &col);
		fail_pos(err, line + 1, col + 1, "%s",
		    yp->problem ? yp->problem : "unreadable input");
		break;
	case YAML_SCANNER_ERROR:
	case YAML_PARSER_ERROR:
		if (yp->context)
			fail_pos(err, yp->problem_mark.line + 1,
			    yp->problem_mark.column + 1, "%s %s",
			    yp->problem, yp->context);
		else
			fail_pos(err, yp->problem_mark.line + 1,
			    yp->problem_mark.column + 1, "%s",
			    yp->problem ? yp->problem : "YAML syntax error");
		break;
	default:
		fail_pos(err, 1, 1, "%s", yp->problem ? yp->problem :
		    "the YAML parser failed");
		break;
	}
}

/* An error at the start of event ev. */
static int
fail_event(struct reader *rd, const yaml_event_t *ev, const char *msg)
{
	return fail_pos(rd->err, ev->start_mark.line + 1,
	    ev->start_mark.column + 1, "%s", msg);
}

static int
add_scalar(struct reader *rd, const yaml_event_t *ev)
{
	struct ec_ynode *n;
	int nprops;

	if (ev->data.scalar.length > MAX_SCALAR)
		return fail_event(rd, ev, "text longer than 64 KiB");
	/* Every string is used as a C string. */
	if (memchr(ev->data.scalar.value, '\0', ev->data.scalar.length) !=
	    NULL)
		return fail_event(rd, ev, "NUL characters are not allowed");
	nprops = (ev->data.scalar.anchor != NULL) +
	    (ev->data.scalar.tag != NULL);
	n = new_node(rd->y, EC_Y_SCALAR, &ev->start_mark, nprops);
	n->n = ev->data.scalar.length;
	n->s = arena_alloc(rd->y, n->n + 1);
	memcpy(n->s, ev->data.scalar.value, n->n + 1);
	n->style = (int)ev->data.scalar.style;
	return attach(rd, n);
}

static int
open_collection(struct reader *rd, const yaml_event_t *ev)
{
	struct ec_ynode *n;
	int nprops;

	if (rd->depth == MAX_DEPTH)
		return fail_event(rd, ev, "nesting too deep");
	if (ev->type == YAML_SEQUENCE_START_EVENT) {
		nprops = (ev->data.sequence_start.anchor != NULL) +
		    (ev->data.sequence_start.tag != NULL);
		n = new_node(rd->y, EC_Y_SEQ, &ev->start_mark, nprops);
	} else {
		nprops = (ev->data.mapping_start.anchor != NULL) +
		    (ev->data.mapping_start.tag != NULL);
		n = new_node(rd->y, EC_Y_MAP, &ev->start_mark, nprops);
	}
	if (attach(rd, n) == -1)
		return -1;
	rd->stack[rd->depth++].node = n;
	return 0;
}

/* Takes one event into the tree.  1 at the end of the stream. */
static int
add_event(struct reader *rd, const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_STREAM_END_EVENT:
		return 1;
	case YAML_DOCUMENT_START_EVENT:
		if (++rd->ndocs > 1)
			return fail_event(rd, ev,
			    "only one YAML document is allowed");
		return 0;
	case YAML_ALIAS_EVENT:
		/* Refusing them also refuses alias bombs. */
		return fail_event(rd, ev, "YAML aliases are not allowed");
	case YAML_SCALAR_EVENT:
		return add_scalar(rd, ev);
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		return open_collection(rd, ev);
	case YAML_SEQUENCE_END_EVENT:
		close_node(rd);
		return 0;
	case YAML_MAPPING_END_EVENT:
		return check_keys(rd->err, close_node(rd));
	default:
		return 0;
	}
}

int
ec_ytree_read(struct ec_ytree *y, const char *text, size_t len,
    const char *what, struct ec_yerror *err)
{
	yaml_parser_t yp;
	yaml_event_t ev;
	struct reader rd;
	size_t bad;
	int rc = 0;

	memset(y, 0, sizeof(*y));
	y->text = text;
	y->len = len;
	/* libyaml would check UTF-8 too, but give only a byte offset. */
	if ((bad = ec_utf8_check(text, len)) < len) {
		size_t line, col;

		pos_of(y, bad, &line, &col);
		return fail_pos(err, line + 1, col + 1,
		    "the %s is not valid UTF-8", what);
	}
	if (!yaml_parser_initialize(&yp))
		return fail_pos(err, 1, 1, "out of memory");
	memset(&rd, 0, sizeof(rd));
	rd.y = y;
	rd.err = err;
	yaml_parser_set_input_string(&yp, (const unsigned char *)text, len);
	while (rc == 0) {
		if (!yaml_parser_parse(&yp, &ev)) {
			yaml_fail(y, err, &yp);
			rc = -1;
			break;
		}
		rc = add_event(&rd, &ev);
		yaml_event_delete(&ev);
	}
	for (size_t i = 0; i < MAX_DEPTH; i++)
		free(rd.stack[i].items);
	yaml_parser_delete(&yp);
	if (rc == -1) {
		ec_ytree_release(y);
		return -1;
	}
	return 0;
}
