/*
 * policy_schema.c - the checks every section of the policy file makes:
 * the keys a mapping may have (and where a stray one belongs), values of
 * the expected kind, column names, and expressions compiled against the
 * columns, each tool's rules reading only what the tools before it
 * wrote.  Messages name the key and point at the node, or at the byte of
 * an expression.
 */
#include "policy_internal.h"

#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "util.h"

#define MAX_DAYS	100000		/* days: about 270 years */

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

/* Separators of a LIST value (value.h): no flag or reason may hold one. */
static const char *const list_seps[] = {
	";", ",", "\xef\xbc\x9b", "\xe3\x80\x81", "\xef\xbc\x8c",
};

/* Errors */

int
pol_fail_pos(struct loader *L, size_t line, size_t col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ec_yerror_vset(&L->err, line, col, fmt, ap);
	va_end(ap);
	return -1;
}

int
pol_fail(struct loader *L, const struct ec_ynode *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ec_yerror_vset(&L->err, n->line + 1, n->col + 1, fmt, ap);
	va_end(ap);
	return -1;
}

int
pol_fail_at(struct loader *L, const struct ec_ynode *n, size_t off,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ec_yerror_vset_at(&L->err, L->tree, n, off, fmt, ap);
	va_end(ap);
	return -1;
}

/* Schema helpers */

int
pol_want_map(struct loader *L, const struct ec_ynode *n, const char *what)
{
	if (n->kind == EC_Y_MAP)
		return 0;
	return pol_fail(L, n, "'%s' must be a mapping, not %s", what,
	    ec_ynode_kind_name(n));
}

int
pol_want_seq(struct loader *L, const struct ec_ynode *n, const char *what)
{
	if (n->kind == EC_Y_SEQ)
		return 0;
	return pol_fail(L, n, "'%s' must be a sequence, not %s", what,
	    ec_ynode_kind_name(n));
}

/* A non-blank scalar. */
int
pol_want_text(struct loader *L, const struct ec_ynode *n, const char *what)
{
	size_t len;

	if (n->kind != EC_Y_SCALAR)
		return pol_fail(L, n, "'%s' must be text, not %s", what,
		    ec_ynode_kind_name(n));
	len = n->n;
	ec_trim(n->s, &len);
	if (len == 0)
		return pol_fail(L, n, "'%s' must not be empty", what);
	return 0;
}

/* A copy of the scalar without surrounding white space. */
char *
pol_trimmed(const struct ec_ynode *n)
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

int
pol_want_int(struct loader *L, const struct ec_ynode *n, const char *what,
    long long *out)
{
	if (n->kind != EC_Y_SCALAR || parse_ll(n->s, n->n, out) == -1) {
		size_t neg = n->kind == EC_Y_SCALAR && n->n > 1 &&
		    n->s[0] == '-';
		if (n->kind == EC_Y_SCALAR && n->n > neg &&
		    ec_all_digits(n->s + neg, n->n - neg))
			return pol_fail(L, n, "'%s' is too large a number "
			    "(at most %lld)", what, LLONG_MAX);
		return pol_fail(L, n, "'%s' must be a whole number", what);
	}
	return 0;
}

/* A whole number of days (or points): 0 or more. */
int
pol_want_count(struct loader *L, const struct ec_ynode *n, const char *what,
    long long *out)
{
	if (pol_want_int(L, n, what, out) == -1)
		return -1;
	if (*out < 0)
		return pol_fail(L, n, "'%s' must not be negative", what);
	return 0;
}

/*
 * A number of days: 0 to MAX_DAYS, so that a date plus it is still a
 * date (visit-due's next_due), as --due-within's bound.
 */
int
pol_want_days(struct loader *L, const struct ec_ynode *n, const char *what,
    long long *out)
{
	if (pol_want_count(L, n, what, out) == -1)
		return -1;
	if (*out > MAX_DAYS)
		return pol_fail(L, n, "'%s' must be at most %d (days)", what,
		    MAX_DAYS);
	return 0;
}

/*
 * Checks the keys of mapping m against f[0..nf) and stores each value
 * node (NULL when absent) in val[], and the key node in key[] when key is
 * not NULL.  ctx names m in messages (NULL: the top level).
 */
int
pol_get_fields(struct loader *L, const struct ec_ynode *m, const char *ctx,
    const struct field *f, size_t nf, const struct ec_ynode **val,
    const struct ec_ynode **key)
{
	size_t i, j;

	for (j = 0; j < nf; j++) {
		val[j] = NULL;
		if (key)
			key[j] = NULL;
	}
	for (i = 0; i < ec_ymap_len(m); i++) {
		const struct ec_ynode *k = ec_ymap_key(m, i);

		for (j = 0; j < nf; j++)
			if (strcmp(k->s, f[j].key) == 0)
				break;
		if (j < nf) {
			val[j] = ec_ymap_val(m, i);
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
				return pol_fail(L, k, "'%s' belongs at the "
				    "top level, not in '%s'", k->s,
				    ctx ? ctx : "?");
			if (ctx == NULL)
				return pol_fail(L, k, "'%s' belongs in '%s', "
				    "not at the top level", k->s, home);
			return pol_fail(L, k, "'%s' belongs in '%s', not in "
			    "'%s'", k->s, home, ctx);
		}
		if (ctx == NULL)
			return pol_fail(L, k, "unknown key '%s' at the top "
			    "level", k->s);
		return pol_fail(L, k, "unknown key '%s' in '%s'", k->s, ctx);
	}
	for (j = 0; j < nf; j++) {
		if (!f[j].required || val[j] != NULL)
			continue;
		if (ctx == NULL)
			return pol_fail(L, m, "missing key '%s' at the top "
			    "level", f[j].key);
		return pol_fail(L, m, "missing key '%s' in '%s'", f[j].key,
		    ctx);
	}
	return 0;
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
void
pol_index_columns(struct loader *L)
{
	const struct ec_policy *p = L->p;

	L->byname = ec_xcalloc(p->ncolumns, sizeof(*L->byname));
	for (size_t i = 0; i < p->ncolumns; i++) {
		L->byname[i].name = p->columns[i].name;
		L->byname[i].col = (int)i;
	}
	qsort(L->byname, p->ncolumns, sizeof(*L->byname), cmp_columns);
}

int
pol_lookup(const struct loader *L, const char *s, size_t n)
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
int
pol_want_column(struct loader *L, const struct ec_ynode *n, const char *what,
    int *out)
{
	if (pol_want_text(L, n, what) == -1)
		return -1;
	if ((*out = pol_lookup(L, n->s, n->n)) < 0)
		return pol_fail(L, n, "unknown column '%s'", n->s);
	return 0;
}

/* n zeroed flags, for finding repeats among small numbers. */
unsigned char *
pol_seen_reset(struct loader *L, size_t n)
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
int
pol_want_item(struct loader *L, const struct ec_ynode *n, const char *what)
{
	size_t len = n->n;

	if (n->kind != EC_Y_SCALAR)
		return pol_fail(L, n, "items of '%s' must be text, not %s",
		    what, ec_ynode_kind_name(n));
	ec_trim(n->s, &len);
	if (len == 0)
		return pol_fail(L, n, "an item of '%s' is empty", what);
	return 0;
}

/* A sequence of distinct column names. */
int
pol_want_columns(struct loader *L, const struct ec_ynode *n, const char *what,
    int **out, size_t *nout)
{
	unsigned char *seen;

	if (pol_want_seq(L, n, what) == -1)
		return -1;
	*out = ec_xcalloc(n->nkids, sizeof(**out));
	seen = pol_seen_reset(L, L->p->ncolumns);
	for (size_t i = 0; i < n->nkids; i++) {
		int c;

		if (pol_want_item(L, n->kids[i], what) == -1)
			return -1;
		if ((c = pol_lookup(L, n->kids[i]->s, n->kids[i]->n)) < 0)
			return pol_fail(L, n->kids[i], "unknown column '%s'",
			    n->kids[i]->s);
		if (seen[c])
			return pol_fail(L, n->kids[i], "duplicate column '%s' "
			    "in '%s'", n->kids[i]->s, what);
		seen[c] = 1;
		(*out)[(*nout)++] = c;
	}
	return 0;
}

/* A sequence of text, trimmed. */
int
pol_want_strings(struct loader *L, const struct ec_ynode *n, const char *what,
    char ***out, size_t *nout)
{
	if (pol_want_seq(L, n, what) == -1)
		return -1;
	*out = ec_xcalloc(n->nkids, sizeof(**out));
	for (size_t i = 0; i < n->nkids; i++) {
		if (pol_want_item(L, n->kids[i], what) == -1)
			return -1;
		(*out)[(*nout)++] = pol_trimmed(n->kids[i]);
	}
	return 0;
}

/* A name written into a LIST value must not split into two items. */
int
pol_want_item_name(struct loader *L, const struct ec_ynode *n, const char *what)
{
	size_t len = n->n;

	if (pol_want_text(L, n, what) == -1)
		return -1;
	for (size_t i = 0; i < EC_ARRAY_LEN(list_seps); i++)
		if (strstr(n->s, list_seps[i]) != NULL)
			return pol_fail(L, n, "%s '%s' must not hold a list "
			    "separator", what, n->s);
	if (ec_trim(n->s, &len) != n->s || len != n->n)
		return pol_fail(L, n, "%s '%s' must not begin or end with "
		    "white space", what, n->s);
	return 0;
}

/* Expressions */

static int
resolve(void *ctx, const char *name, size_t len, enum ec_type *type)
{
	struct loader *L = ctx;
	int c = pol_lookup(L, name, len);

	if (c < 0)
		return -1;
	*type = ec_coltype_value_type(L->p->columns[c].type);
	enum ec_tool w = writer_of(L->p->columns[c].name);
	if (((L->classify_limit >= 0 &&
	    L->classify_at[c] >= L->classify_limit) ||
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
struct ec_expr *
pol_compile(struct loader *L, const struct ec_ynode *n, const char *what,
    enum ec_type want, int col)
{
	struct ec_expr_resolver r = { resolve, literal, L };
	struct ec_expr_error xe;
	struct ec_expr *e;
	enum ec_type t;

	if (pol_want_text(L, n, what) == -1)
		return NULL;
	L->src = n->s;
	L->srclen = n->n;
	L->forbidden = -1;
	if ((e = ec_expr_compile(n->s, n->n, &r, &xe)) == NULL) {
		pol_fail_at(L, n, xe.offset, "%s", xe.msg);
		return NULL;
	}
	if (L->forbidden >= 0) {
		const char *name = L->p->columns[L->forbidden].name;
		enum ec_tool w = writer_of(name);

		size_t off = L->forbidden_off;

		if (w != EC_TOOL_NONE && w == L->stage)
			pol_fail_at(L, n, off, "'%s' is what these rules "
			    "compute: they cannot read it", name);
		else if (w != EC_TOOL_NONE)
			pol_fail_at(L, n, off, "'%s' is written later, by %s: "
			    "%s cannot read it", name, stage_tools[w],
			    stage_tools[L->stage]);
		else if (L->classify_at[L->forbidden] == L->classify_limit)
			pol_fail_at(L, n, off, "'%s' is the column being "
			    "computed", name);
		else
			pol_fail_at(L, n, off, "'%s' is computed by a later "
			    "classify entry", name);
		ec_expr_free(e);
		return NULL;
	}
	t = ec_expr_type(e);
	if (want != 0 && t != want) {
		if (want == EC_T_BOOL)
			pol_fail_at(L, n, 0, "'%s' must be a condition (true "
			    "or false), not %s", what, ec_type_name(t));
		else
			pol_fail_at(L, n, 0, "'%s' must be %s (the type of "
			    "column '%s'), not %s", what, ec_type_name(want),
			    L->p->columns[col].name, ec_type_name(t));
		ec_expr_free(e);
		return NULL;
	}
	return e;
}

struct ec_expr *
pol_condition(struct loader *L, const struct ec_ynode *n, const char *what)
{
	return pol_compile(L, n, what, EC_T_BOOL, -1);
}

/* Every {name} in message n must be a column. */
int
pol_check_message(struct loader *L, const struct ec_ynode *n)
{
	const char *s = n->s;

	for (size_t i = 0; i < n->n; i++) {
		size_t j;

		if (s[i] != '{')
			continue;
		for (j = i + 1; j < n->n && s[j] != '}'; j++)
			;
		if (j == n->n)
			return pol_fail_at(L, n, i, "unclosed '{' in "
			    "'message'");
		if (pol_lookup(L, s + i + 1, j - i - 1) < 0)
			return pol_fail_at(L, n, i + 1, "unknown column '%.*s' "
			    "in 'message'", (int)(j - i - 1), s + i + 1);
		i = j;
	}
	return 0;
}

