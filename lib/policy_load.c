/*
 * policy_load.c - loads the policy file: reads it into a tree
 * (ytree.h), then walks the tree with the key tables, fills struct
 * ec_policy and compiles every expression against the columns.  The top
 * level, the vocabularies, the columns and the labels are here; each
 * tool's rules are in policy_rules.c.
 *
 * The first problem ends the load and the policy built so far is freed,
 * so every state it can be left in must be freeable: arrays are
 * allocated zeroed at their full length before they are filled, and
 * counts never exceed what was allocated.
 */
#include "policy_internal.h"

#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "util.h"

#define MAX_REGION	6		/* digits of an address code */

static const struct {
	const char *name;
	enum ec_coltype type;
} coltypes[] = {
	{ "text", EC_COL_TEXT }, { "id", EC_COL_ID }, { "enum", EC_COL_ENUM },
	{ "bool", EC_COL_BOOL }, { "int", EC_COL_INT }, { "date", EC_COL_DATE },
	{ "phone", EC_COL_PHONE }, { "list", EC_COL_LIST },
};

/* Words of the expression language: a column so named could not be read. */
static const char *const keywords[] = {
	"and", "or", "not", "in", "true", "false", "yes", "no", "today",
};

/* Sections */

static int
load_vocab_value(struct loader *L, struct ec_vocab_value *val,
    const struct ec_ynode *k, const struct ec_ynode *v,
    const struct ec_ynode **fv)
{
	static const struct field f[] = {
		{ "zh", 1 }, { "en", 1 }, { "aliases", 0 },
	};

	if (pol_want_item_name(L, k, "value") == -1)
		return -1;
	val->token = ec_xstrdup(k->s);
	val->token_n = strlen(val->token);
	if (pol_want_map(L, v, k->s) == -1 ||
	    pol_get_fields(L, v, k->s, f, EC_ARRAY_LEN(f), fv, NULL) == -1)
		return -1;
	if (pol_want_text(L, fv[0], "zh") == -1)
		return -1;
	val->zh = pol_trimmed(fv[0]);
	if (pol_want_text(L, fv[1], "en") == -1)
		return -1;
	val->en = pol_trimmed(fv[1]);
	if (fv[2] != NULL && pol_want_strings(L, fv[2], "aliases",
	    &val->aliases, &val->naliases) == -1)
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
	const struct ec_ynode *at;
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
	return pol_fail(L, bad->at, "%s '%s' is already used by %s '%s'", kind,
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
    int owner, const struct ec_ynode *at)
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
load_vocab(struct loader *L, struct ec_vocab *voc, const struct ec_ynode *k,
    const struct ec_ynode *v)
{
	struct spelling *sp = NULL;
	size_t nsp = 0, cap = 0;
	int rc = -1;

	if (pol_want_text(L, k, "vocabulary") == -1)
		return -1;
	voc->name = ec_xstrdup(k->s);
	if (pol_want_map(L, v, k->s) == -1)
		return -1;
	if (ec_ymap_len(v) == 0)
		return pol_fail(L, k, "vocabulary '%s' is empty", k->s);
	voc->values = ec_xcalloc(ec_ymap_len(v), sizeof(*voc->values));
	for (size_t i = 0; i < ec_ymap_len(v); i++) {
		const struct ec_ynode *fv[3];
		const struct ec_ynode *vk = ec_ymap_key(v, i);
		const struct ec_ynode *vv = ec_ymap_val(v, i);
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
load_vocabs(struct loader *L, const struct ec_ynode *n)
{
	struct ec_policy *p = L->p;
	int y;

	if (pol_want_map(L, n, "vocabularies") == -1)
		return -1;
	p->vocabs = ec_xcalloc(ec_ymap_len(n), sizeof(*p->vocabs));
	for (size_t i = 0; i < ec_ymap_len(n); i++)
		if (load_vocab(L, &p->vocabs[p->nvocabs++], ec_ymap_key(n, i),
		    ec_ymap_val(n, i)) == -1)
			return -1;
	if ((y = ec_policy_vocab(p, "yesno")) >= 0) {
		const struct ec_vocab *v = &p->vocabs[y];

		/* Vocabularies are numbered in policy order. */
		if (v->nvalues != 2 || ec_vocab_token(v, "yes") < 0 ||
		    ec_vocab_token(v, "no") < 0)
			return pol_fail(L, ec_ymap_key(n, (size_t)y),
			    "vocabulary 'yesno' must have exactly the values "
			    "'yes' and 'no'");
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
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9')))
			return 0;
	return 1;
}

enum { C_TYPE, C_VOCAB, C_MIN, C_MAX, C_ZH, C_EN, C_ALIASES };

/* A column's vocabulary: enum columns name one, bool columns use yesno. */
static int
load_column_vocab(struct loader *L, struct ec_column *c,
    const struct ec_ynode *const *fv)
{
	const struct ec_ynode *vn = fv[C_VOCAB];
	struct ec_policy *p = L->p;

	if (vn != NULL) {
		if (c->type != EC_COL_ENUM && c->type != EC_COL_BOOL)
			return pol_fail(L, vn, "'vocabulary' is only for "
			    "enum and bool columns");
		if (pol_want_text(L, vn, "vocabulary") == -1)
			return -1;
		if (c->type == EC_COL_BOOL && strcmp(vn->s, "yesno") != 0)
			return pol_fail(L, vn, "a bool column uses the "
			    "vocabulary 'yesno', not '%s'", vn->s);
		if ((c->vocab = ec_policy_vocab(p, vn->s)) < 0)
			return pol_fail(L, vn, "unknown vocabulary '%s'",
			    vn->s);
	} else if (c->type == EC_COL_ENUM)
		return pol_fail(L, fv[C_TYPE], "enum column '%s' needs a "
		    "'vocabulary'", c->name);
	if (c->type == EC_COL_BOOL &&
	    (c->vocab = ec_policy_vocab(p, "yesno")) < 0)
		return pol_fail(L, fv[C_TYPE], "bool column '%s' needs the "
		    "vocabulary 'yesno'", c->name);
	return 0;
}

/* The bounds of an int column. */
static int
load_column_bounds(struct loader *L, struct ec_column *c,
    const struct ec_ynode *const *fv)
{
	if ((fv[C_MIN] != NULL || fv[C_MAX] != NULL) && c->type != EC_COL_INT)
		return pol_fail(L, fv[C_MIN] ? fv[C_MIN] : fv[C_MAX],
		    "'%s' is only for int columns", fv[C_MIN] ? "min" : "max");
	if (fv[C_MIN] != NULL) {
		if (pol_want_int(L, fv[C_MIN], "min", &c->min) == -1)
			return -1;
		c->has_min = 1;
	}
	if (fv[C_MAX] != NULL) {
		if (pol_want_int(L, fv[C_MAX], "max", &c->max) == -1)
			return -1;
		c->has_max = 1;
	}
	if (c->has_min && c->has_max && c->min > c->max)
		return pol_fail(L, fv[C_MIN], "'min' is more than 'max'");
	return 0;
}

static int
load_column(struct loader *L, struct ec_column *c, const struct ec_ynode *k,
    const struct ec_ynode *v, const struct ec_ynode **fv)
{
	static const struct field f[] = {
		{ "type", 1 }, { "vocabulary", 0 }, { "min", 0 }, { "max", 0 },
		{ "zh", 1 }, { "en", 1 }, { "aliases", 0 },
	};
	size_t i;

	c->vocab = -1;
	if (!is_name(k->s, k->n))
		return pol_fail(L, k, "column name '%s' must be letters, "
		    "digits and _, not starting with a digit", k->s);
	for (i = 0; i < EC_ARRAY_LEN(keywords); i++)
		if (strcmp(k->s, keywords[i]) == 0)
			return pol_fail(L, k, "column name '%s' is a word of "
			    "the expression language", k->s);
	c->name = ec_xstrdup(k->s);
	if (pol_want_map(L, v, k->s) == -1 ||
	    pol_get_fields(L, v, k->s, f, EC_ARRAY_LEN(f), fv, NULL) == -1)
		return -1;
	if (pol_want_text(L, fv[C_TYPE], "type") == -1)
		return -1;
	for (i = 0; i < EC_ARRAY_LEN(coltypes); i++)
		if (strcmp(fv[C_TYPE]->s, coltypes[i].name) == 0)
			break;
	if (i == EC_ARRAY_LEN(coltypes))
		return pol_fail(L, fv[C_TYPE], "unknown column type '%s' "
		    "(text, id, enum, bool, int, date, phone or list)",
		    fv[C_TYPE]->s);
	c->type = coltypes[i].type;
	if (load_column_vocab(L, c, fv) == -1 ||
	    load_column_bounds(L, c, fv) == -1)
		return -1;
	if (pol_want_text(L, fv[C_ZH], "zh") == -1)
		return -1;
	c->zh = pol_trimmed(fv[C_ZH]);
	if (pol_want_text(L, fv[C_EN], "en") == -1)
		return -1;
	c->en = pol_trimmed(fv[C_EN]);
	if (fv[C_ALIASES] != NULL && pol_want_strings(L, fv[C_ALIASES],
	    "aliases", &c->aliases, &c->naliases) == -1)
		return -1;
	return 0;
}

/* The columns the tools rely on are there, with their type and tokens. */
static int
check_tool_columns(struct loader *L, const struct ec_ynode *key,
    const struct ec_ynode *cols)
{
	const struct ec_policy *p = L->p;
	int alert, situation;

	/* Columns are numbered in policy order: c's key is key c of cols. */
	for (size_t i = 0; i < ec_tool_ncolumns; i++) {
		const struct ec_tool_column *tc = &ec_tool_columns[i];
		int c = ec_policy_column(p, tc->name);
		const struct ec_ynode *at;
		const struct ec_vocab *v;

		if (c < 0)
			return pol_fail(L, key, "missing column '%s' (the "
			    "tools need it)", tc->name);
		at = ec_ymap_key(cols, (size_t)c);
		if (p->columns[c].type != tc->type) {
			for (size_t t = 0; t < EC_ARRAY_LEN(coltypes); t++)
				if (coltypes[t].type == tc->type)
					return pol_fail(L, at, "column '%s' "
					    "must have type %s", tc->name,
					    coltypes[t].name);
		}
		if (tc->type != EC_COL_ENUM)
			continue;
		v = &p->vocabs[p->columns[c].vocab];
		for (size_t t = 0; tc->tokens[t] != NULL; t++)
			if (ec_vocab_token(v, tc->tokens[t]) < 0)
				return pol_fail(L, at,
				    "vocabulary '%s' of column '%s' needs the "
				    "value '%s'", v->name, tc->name,
				    tc->tokens[t]);
	}
	/* visit-due copies a situation into alert. */
	alert = ec_policy_column(p, "alert");
	situation = ec_policy_column(p, "situation");
	if (p->columns[alert].vocab != p->columns[situation].vocab)
		return pol_fail(L, ec_ymap_key(cols, (size_t)alert),
		    "column 'alert' must have the vocabulary of 'situation'");
	return 0;
}

static int
load_columns(struct loader *L, const struct ec_ynode *key,
    const struct ec_ynode *n)
{
	struct ec_policy *p = L->p;
	struct spelling *sp = NULL;
	size_t nsp = 0, cap = 0;
	int rc = -1;

	if (pol_want_map(L, n, "columns") == -1)
		return -1;
	p->columns = ec_xcalloc(ec_ymap_len(n), sizeof(*p->columns));
	for (size_t i = 0; i < ec_ymap_len(n); i++) {
		const struct ec_ynode *fv[7];
		struct ec_column *c = &p->columns[p->ncolumns++];

		if (load_column(L, c, ec_ymap_key(n, i), ec_ymap_val(n, i),
		    fv) == -1)
			goto out;
		/* Headers match any of these, trimmed, in any ASCII case. */
		add_spelling(&sp, &nsp, &cap, c->name, (int)i,
		    ec_ymap_key(n, i));
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
load_label_set(struct loader *L, const struct ec_ynode *n, const char *lang,
    struct ec_label **out, size_t *nout)
{
	if (pol_want_map(L, n, lang) == -1)
		return -1;
	*out = ec_xcalloc(ec_ymap_len(n), sizeof(**out));
	for (size_t i = 0; i < ec_ymap_len(n); i++) {
		struct ec_label *l = &(*out)[(*nout)++];
		const struct ec_ynode *k = ec_ymap_key(n, i);

		if (pol_want_text(L, k, "label") == -1)
			return -1;
		l->key = ec_xstrdup(k->s);
		if (pol_want_text(L, ec_ymap_val(n, i), k->s) == -1)
			return -1;
		l->text = ec_xstrdup(ec_ymap_val(n, i)->s);
	}
	return 0;
}

static int
load_labels(struct loader *L, const struct ec_ynode *n)
{
	struct ec_policy *p = L->p;

	if (pol_want_map(L, n, "labels") == -1)
		return -1;
	for (size_t i = 0; i < ec_ymap_len(n); i++) {
		const struct ec_ynode *k = ec_ymap_key(n, i);

		if (strcmp(k->s, "zh") == 0) {
			if (load_label_set(L, ec_ymap_val(n, i), "zh",
			    &p->labels_zh, &p->nlabels_zh) == -1)
				return -1;
		} else if (strcmp(k->s, "en") == 0) {
			if (load_label_set(L, ec_ymap_val(n, i), "en",
			    &p->labels_en, &p->nlabels_en) == -1)
				return -1;
		} else
			return pol_fail(L, k, "unknown language '%s' in "
			    "'labels' (zh or en)", k->s);
	}
	return 0;
}

static int
load_region(struct loader *L, const struct ec_ynode *s)
{
	struct ec_policy *p = L->p;

	if (pol_want_strings(L, s, "region", &p->region, &p->nregion) == -1)
		return -1;
	for (size_t i = 0; i < p->nregion; i++)
		if (!ec_all_digits(p->region[i], strlen(p->region[i])) ||
		    strlen(p->region[i]) > MAX_REGION)
			return pol_fail(L, s->kids[i], "region '%s' must be 1 "
			    "to 6 digits of an address code", p->region[i]);
	return 0;
}

static int
load_leap(struct loader *L, const struct ec_ynode *n)
{
	if (pol_want_text(L, n, "leap_birthday") == -1)
		return -1;
	if (strcmp(n->s, "mar1") == 0)
		L->p->leap_rule = EC_LEAP_MAR1;
	else if (strcmp(n->s, "feb28") == 0)
		L->p->leap_rule = EC_LEAP_FEB28;
	else
		return pol_fail(L, n, "'leap_birthday' must be mar1 or "
		    "feb28, not '%s'", n->s);
	return 0;
}

enum {
	T_POLICY, T_REGION, T_LEAP, T_VOCABS, T_COLUMNS, T_CENSUS, T_CLASSIFY,
	T_RISK, T_VISITS, T_HEALTH, T_ROLLUP, T_LABELS, T_N
};

static int
load_policy(struct loader *L, const struct ec_ynode *root)
{
	static const struct field f[T_N] = {
		{ "policy", 1 }, { "region", 0 }, { "leap_birthday", 0 },
		{ "vocabularies", 1 }, { "columns", 1 }, { "census", 1 },
		{ "classify", 1 }, { "risk", 1 }, { "visits", 1 },
		{ "health_check", 1 }, { "rollup", 1 }, { "labels", 0 },
	};
	const struct ec_ynode *fv[T_N], *key[T_N];
	struct ec_policy *p = L->p;

	if (root == NULL)
		return pol_fail_pos(L, 1, 1, "the policy is empty");
	if (root->kind != EC_Y_MAP)
		return pol_fail(L, root, "the policy must be a mapping, not %s",
		    ec_ynode_kind_name(root));
	if (pol_get_fields(L, root, NULL, f, T_N, fv, key) == -1)
		return -1;

	if (pol_want_text(L, fv[T_POLICY], "policy") == -1)
		return -1;
	p->name = pol_trimmed(fv[T_POLICY]);
	if (fv[T_REGION] != NULL && load_region(L, fv[T_REGION]) == -1)
		return -1;
	p->leap_rule = EC_LEAP_MAR1;
	if (fv[T_LEAP] != NULL && load_leap(L, fv[T_LEAP]) == -1)
		return -1;
	if (load_vocabs(L, fv[T_VOCABS]) == -1 ||
	    load_columns(L, key[T_COLUMNS], fv[T_COLUMNS]) == -1)
		return -1;

	pol_index_columns(L);
	L->classify_at = ec_xcalloc(p->ncolumns, sizeof(int));
	for (size_t i = 0; i < p->ncolumns; i++)
		L->classify_at[i] = -1;
	L->classify_limit = -1;
	pol_prescan_names(L, fv[T_CLASSIFY], fv[T_RISK]);

	/* Each tool's rules may read only what the tools before it wrote. */
	L->stage = EC_TOOL_CLASSIFY;
	if (pol_load_census(L, fv[T_CENSUS]) == -1 ||
	    pol_load_classify(L, fv[T_CLASSIFY]) == -1)
		return -1;
	L->stage = EC_TOOL_RISK_SCORE;
	if (pol_load_risk(L, fv[T_RISK]) == -1)
		return -1;
	L->stage = EC_TOOL_VISIT_DUE;
	if (pol_load_visits(L, fv[T_VISITS]) == -1 ||
	    pol_load_health(L, fv[T_HEALTH]) == -1)
		return -1;
	L->stage = EC_TOOL_NONE;
	if (pol_load_rollup(L, fv[T_ROLLUP]) == -1)
		return -1;
	if (fv[T_LABELS] != NULL && load_labels(L, fv[T_LABELS]) == -1)
		return -1;
	return 0;
}

/* The error as policy.h gives it. */
static void
copy_error(struct ec_policy_error *to, const struct ec_yerror *from)
{
	_Static_assert(sizeof(to->msg) == sizeof(from->msg) &&
	    sizeof(to->excerpt) == sizeof(from->excerpt),
	    "ec_policy_error and ec_yerror differ");
	to->line = from->line;
	to->column = from->column;
	memcpy(to->msg, from->msg, sizeof(to->msg));
	memcpy(to->excerpt, from->excerpt, sizeof(to->excerpt));
	to->caret = from->caret;
	to->has_excerpt = from->has_excerpt;
}

static void
loader_release(struct loader *L)
{
	if (L->lits != NULL) {
		for (size_t i = 0; i < L->nlits; i++)
			free(L->lits[i].v);
		free(L->lits);
	}
	free(L->classify_at);
	free(L->byname);
	free(L->names);
	free(L->seen);
}

struct ec_policy *
ec_policy_load(const char *text, size_t len, struct ec_policy_error *err)
{
	struct ec_policy_error scratch;
	struct ec_ytree tree;
	struct loader L;
	struct ec_policy *p = NULL;

	if (err == NULL)
		err = &scratch;
	memset(err, 0, sizeof(*err));
	memset(&L, 0, sizeof(L));
	L.tree = &tree;
	L.classify_limit = -1;
	if (ec_ytree_read(&tree, text, len, "policy", &L.err) == 0) {
		p = ec_xcalloc(1, sizeof(*p));
		p->census.unique = -1;
		p->visit_log.unique = -1;
		L.p = p;
		if (load_policy(&L, tree.root) == -1) {
			ec_policy_free(p);
			p = NULL;
		}
		ec_ytree_release(&tree);
	}
	loader_release(&L);
	if (L.err.failed)
		copy_error(err, &L.err);
	return p;
}
