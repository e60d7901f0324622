#include "sheet.h"

#include <stdlib.h>
#include <string.h>

#include "header.h"
#include "idnum.h"
#include "idset.h"
#include "phone.h"
#include "text.h"
#include "vocabmap.h"

struct ec_vlast;
struct ec_sheet_prep;
struct pcell;

/* An ID number as a cell holds it, parsed. */
struct ec_idcell {
	char number[18];	/* upgraded to 18 characters */
	ec_date birth;
	int male;
	uint64_t key;		/* ec_idset_key(number), 0: not valid */
};

/*
 * The sheet's state is its own: the tools ask (ec_sheet_field ...) and
 * hook their columns (ec_sheet_own), so that how values are cached and
 * prepared can change here alone.
 */
struct ec_sheet {
	const struct ec_policy *pol;
	ec_date asof;
	struct ec_expr_env env;
	struct ec_expr_cache cache;

	size_t nfields;
	char **header;		/* as written */
	int *col_field;		/* per column: header index or -1 */
	int *field_col;		/* per field: column or -1 */
	unsigned char *drop;	/* per field: 1 when an owned column */
	unsigned char *src;	/* per column: enum ec_source */
	const struct ec_derived **def;	/* per column: its definition */
	ec_sheet_hook_fn *hook;
	void **hook_ctx;

	const struct ec_csv_record *rec;
	uint32_t gen;
	uint32_t *stamp;	/* per column: gen when val is current */
	uint32_t *busy;		/* per column: gen while being computed */
	struct ec_value *val;
	unsigned char *bad;	/* per column: the cell holds a bad value */
	struct ec_buf *text;	/* per column: bytes of computed text */
	struct ec_idcell *idcell;	/* per column: its ID, parsed here */
	struct ec_sheet_prep *prep;	/* see ec_sheet_prepare */
	const struct pcell *prow;	/* the record's cells, parsed there */
	unsigned char *read;	/* per column: the tool read its cells */
	struct ec_buf msg;

	struct ec_idset *seen;	/* unique values, when checked */
	int own_seen;		/* the sheet made seen and frees it */
	size_t file_no;		/* which of files this sheet reads */
	const char *const *files;	/* names, for "first seen in" */
	struct ec_vocabmap *vmaps;	/* per vocabulary: spelling -> value */
	struct ec_vlast *vlast;	/* per column: the last spelling read */
	unsigned char *vtype;	/* per column: enum ec_type of its values */
	int *yes;		/* per vocabulary: the index of "yes", or -1 */
	int *id_cols;		/* the ID columns the header has */
	size_t nid_cols;
	const struct ec_sheet_rules *req_rules;	/* req is for these */
	unsigned char *req;	/* per column: required by req_rules */
};

static void
fetch(void *ctx, int slot, struct ec_value *out)
{
	ec_sheet_value(ctx, slot, out);
}

#define VMAP_MAX_KEY EC_VOCABMAP_MAX_KEY

/*
 * A column's cells repeat themselves (是, 否, 独居 ..., and a person's ID
 * down a visit log): the spellings last read in each column and their
 * values are kept, and a cell that spells one again costs a comparison
 * or two.
 */
#define SPELLINGS 8
#define SPELLING_MAX 22

struct spelling {
	unsigned char n;
	char s[SPELLING_MAX];
	int value;
};

/*
 * The dates of a date column lately read, by their text: the dates of a
 * visit log repeat (a year has 366 of them), and a cell found here costs
 * a hash instead of a parse.  Only valid dates of at most 16 bytes are
 * kept; a slot holds the last one that hashed to it.
 */
#define DATE_SLOTS 1024
#define DATE_KEY_MAX 16

struct date_slot {
	uint64_t w[2];		/* the text, zero-padded */
	ec_date d;
	unsigned char n;	/* 0: empty */
};

struct ec_vlast {
	struct spelling spell[SPELLINGS];	/* of a vocabulary */
	unsigned nspell, turn;
	char s[VMAP_MAX_KEY];	/* of an ID column: the last ID read */
	size_t n;		/* 0: nothing kept */
	struct ec_idcell id;	/* and what it spells */
	struct date_slot *dates;	/* of a date column, once read */
};

/*
 * The cells of a record as the reading thread parsed them, field by
 * field, then the ID numbers of its ID columns (a value of an ID column
 * points at its number there).
 */
struct pcell {
	union {
		int64_t i;
		const char *s;
	} u;
	uint32_t n;		/* fields are at most EC_CSV_FIELD_MAX */
	unsigned char blank;
	signed char rc;		/* parse_cell's, or NOT_PARSED */
};

#define NOT_PARSED 2		/* a cell the tool was not seen reading */

/*
 * Records read before the reading thread starts parsing cells: the tool
 * reads them here, and the cells it reads are those the reading thread
 * then parses (the others are left to be parsed here if ever needed).
 */
#define PREPARE_AFTER 256

struct ec_sheet_prep {
	struct ec_sheet *s;	/* read only: bound before, not changed after */
	struct ec_vlast *vlast;	/* the reading thread's own */
	int *id_slot;		/* per field: its ID cell, or -1 */
	unsigned char *want;	/* per field: parse it there */
	size_t nfields, size;
	struct ec_csv_reader *r;	/* NULL once handed the function */
	size_t countdown;	/* records until then */
	int balance;		/* see ec_csv_prepare */
};

static void prepare_start(struct ec_sheet *s);

struct ec_sheet *
ec_sheet_new(const struct ec_policy *p, ec_date asof)
{
	struct ec_sheet *s = ec_xcalloc(1, sizeof *s);
	size_t n = p->ncolumns;

	s->pol = p;
	s->asof = asof;
	s->env.today = asof;
	s->env.leap_rule = p->leap_rule;
	s->env.fetch = fetch;
	s->env.ctx = s;
	s->env.cache = &s->cache;
	s->col_field = ec_xmalloc(n * sizeof *s->col_field);
	s->src = ec_xcalloc(n, sizeof *s->src);
	s->def = ec_xcalloc(n, sizeof *s->def);
	s->hook = ec_xcalloc(n, sizeof *s->hook);
	s->hook_ctx = ec_xcalloc(n, sizeof *s->hook_ctx);
	s->stamp = ec_xcalloc(n, sizeof *s->stamp);
	s->busy = ec_xcalloc(n, sizeof *s->busy);
	s->val = ec_xcalloc(n, sizeof *s->val);
	s->bad = ec_xcalloc(n, sizeof *s->bad);
	s->text = ec_xcalloc(n, sizeof *s->text);
	s->env.vals = s->val;
	s->env.stamp = s->stamp;
	for (size_t i = 0; i < n; i++)
		s->col_field[i] = -1;
	s->vtype = ec_xmalloc(n);
	for (size_t i = 0; i < n; i++)
		s->vtype[i] = (unsigned char)ec_coltype_value_type(p->columns[i].type);
	s->yes = ec_xmalloc(p->nvocabs * sizeof *s->yes);
	for (size_t i = 0; i < p->nvocabs; i++)
		s->yes[i] = ec_vocab_token(&p->vocabs[i], "yes");
	s->id_cols = ec_xmalloc(n * sizeof *s->id_cols);
	s->vlast = ec_xcalloc(n, sizeof *s->vlast);
	s->idcell = ec_xcalloc(n, sizeof *s->idcell);
	s->vmaps = ec_xcalloc(p->nvocabs, sizeof *s->vmaps);
	for (size_t i = 0; i < p->nvocabs; i++)
		ec_vocabmap_init(&s->vmaps[i], &p->vocabs[i]);
	for (size_t i = 0; i < p->nclassify; i++) {
		const struct ec_derived *d = &p->classify[i];
		s->def[d->column] = d;
		s->src[d->column] = EC_SRC_DERIVED;
	}
	return s;
}

static void
prep_free(struct ec_sheet *s)
{
	if (!s->prep)
		return;
	for (size_t i = 0; i < s->pol->ncolumns; i++)
		free(s->prep->vlast[i].dates);
	free(s->prep->vlast);
	free(s->prep->id_slot);
	free(s->prep->want);
	free(s->prep);
	free(s->read);
	s->prep = NULL;
	s->read = NULL;
	s->prow = NULL;
}

void
ec_sheet_free(struct ec_sheet *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nfields; i++)
		free(s->header[i]);
	for (size_t i = 0; i < s->pol->ncolumns; i++)
		ec_buf_release(&s->text[i]);
	free(s->header);
	free(s->col_field);
	free(s->field_col);
	free(s->drop);
	free(s->src);
	free(s->def);
	free(s->hook);
	free(s->hook_ctx);
	free(s->stamp);
	free(s->busy);
	free(s->val);
	free(s->bad);
	free(s->text);
	ec_buf_release(&s->msg);
	if (s->own_seen)
		ec_idset_free(s->seen);
	free(s->req);
	free(s->vtype);
	free(s->yes);
	free(s->id_cols);
	for (size_t i = 0; i < s->pol->nvocabs; i++)
		ec_vocabmap_release(&s->vmaps[i]);
	free(s->vmaps);
	for (size_t i = 0; i < s->pol->ncolumns; i++)
		free(s->vlast[i].dates);
	free(s->vlast);
	free(s->idcell);
	prep_free(s);
	free(s);
}

int
ec_sheet_bind(struct ec_sheet *s, const struct ec_csv_record *h,
    struct ec_error *err)
{
	const struct ec_policy *p = s->pol;

	s->nfields = h->nfields;
	s->header = ec_xcalloc(h->nfields, sizeof *s->header);
	s->field_col = ec_xmalloc(h->nfields * sizeof *s->field_col);
	s->drop = ec_xcalloc(h->nfields, 1);
	for (size_t f = 0; f < h->nfields; f++) {
		int c;

		s->header[f] = ec_xmemdup(h->fields[f].p, h->fields[f].n);
		s->field_col[f] = -1;
		if ((c = ec_header_column(p, h->fields[f].p,
		    h->fields[f].n)) < 0)
			continue;
		if (s->col_field[c] >= 0) {
			ec_error_set(err, "fields %d ('%s') and %zu ('%s') "
			    "both hold the column '%s'", s->col_field[c] + 1,
			    s->header[s->col_field[c]], f + 1, s->header[f],
			    p->columns[c].name);
			return -1;
		}
		s->col_field[c] = (int)f;
		s->field_col[f] = c;
		if (s->src[c] != EC_SRC_DERIVED)
			s->src[c] = EC_SRC_FIELD;
	}
	/* A column the input has is read, not computed again ... */
	for (size_t c = 0; c < p->ncolumns; c++) {
		if (s->col_field[c] < 0)
			continue;
		s->src[c] = EC_SRC_FIELD;
		if (p->columns[c].type == EC_COL_ID)
			s->id_cols[s->nid_cols++] = (int)c;
	}
	return 0;
}

void
ec_sheet_share_seen(struct ec_sheet *s, struct ec_idset *set, size_t file_no,
    const char *const *files)
{
	if (s->own_seen)
		ec_idset_free(s->seen);
	s->seen = set;
	s->own_seen = 0;
	s->file_no = file_no;
	s->files = files;
}

void
ec_sheet_own(struct ec_sheet *s, int col, ec_sheet_hook_fn hook, void *ctx)
{
	/* ... unless the tool writes it: then it is computed, and replaced. */
	if (s->def[col]) {
		s->src[col] = EC_SRC_DERIVED;
	} else {
		s->src[col] = EC_SRC_HOOK;
		s->hook[col] = hook;
		s->hook_ctx[col] = ctx;
	}
	if (s->col_field[col] >= 0)
		s->drop[s->col_field[col]] = 1;
}

static void
missing_line(struct ec_sheet *s, int col, struct ec_buf *msg)
{
	const struct ec_column *c = &s->pol->columns[col];

	ec_buf_addf(msg, "required column '%s' is missing", c->name);
	ec_header_spellings(msg, c);
	ec_buf_addc(msg, '\n');
}

size_t
ec_sheet_missing(struct ec_sheet *s, const struct ec_sheet_rules *r,
    struct ec_buf *msg)
{
	size_t count = 0;

	for (size_t i = 0; i < r->nrequired; i++) {
		if (s->col_field[r->required[i]] < 0 &&
		    s->src[r->required[i]] != EC_SRC_DERIVED) {
			missing_line(s, r->required[i], msg);
			count++;
		}
	}
	for (size_t i = 0; i < r->nrequired_when; i++) {
		if (s->col_field[r->required_when_col[i]] < 0) {
			missing_line(s, r->required_when_col[i], msg);
			count++;
		}
	}
	return count;
}

void
ec_sheet_record(struct ec_sheet *s, const struct ec_csv_record *rec)
{
	s->rec = rec;
	s->prow = s->prep ? rec->prep : NULL;
	if (s->prep && s->prep->r && --s->prep->countdown == 0)
		prepare_start(s);
	if (++s->gen == 0) {
		/* After 2^32 records the stamps wrap: start them afresh. */
		memset(s->stamp, 0, s->pol->ncolumns * sizeof *s->stamp);
		memset(s->busy, 0, s->pol->ncolumns * sizeof *s->busy);
		s->gen = 1;
	}
	s->env.gen = s->gen;
}

/* Problem reporting while parsing a cell; NULL when not wanted. */
struct cellprob {
	const char *kind;
	enum ec_severity sev;
};

static void
say(struct ec_sheet *s, struct cellprob *pr, enum ec_severity sev,
    const char *kind)
{
	if (pr) {
		pr->kind = kind;
		pr->sev = sev;
	}
}

static void
vocab_list(struct ec_sheet *s, const struct ec_vocab *v)
{
	ec_buf_adds(&s->msg, " (one of:");
	for (size_t i = 0; i < v->nvalues; i++) {
		if (v->values[i].zh)
			ec_buf_addf(&s->msg, " %s", v->values[i].zh);
		ec_buf_addf(&s->msg, "%s%s", v->values[i].zh ? "/" : " ",
		    v->values[i].token);
		if (i + 1 < v->nvalues)
			ec_buf_addc(&s->msg, ',');
	}
	ec_buf_addc(&s->msg, ')');
}

static int
parse_int(const char *p, size_t n, int64_t *out)
{
	size_t i = 0;
	int neg = 0;
	int64_t v = 0;

	if (n && (p[0] == '-' || p[0] == '+'))
		neg = p[i++] == '-';
	if (i == n)
		return -1;
	while (n - i > 1 && p[i] == '0')
		i++;
	if (n - i > 18)
		return ec_all_digits(p + i, n - i) ? -2 : -1;
	for (; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	*out = neg ? -v : v;
	return 0;
}

/* ec_date_parse, through the column's slots of dates lately read. */
static enum ec_date_status
date_parse(struct ec_vlast *last, const char *p, size_t n, ec_date *d)
{
	uint64_t w[2] = { 0, 0 };

	if (n > DATE_KEY_MAX)
		return ec_date_parse(p, n, d);
	memcpy(w, p, n);
	uint64_t h = (w[0] ^ w[1] * 0x9e3779b97f4a7c15ULL) *
	    0xff51afd7ed558ccdULL;
	if (!last->dates)
		last->dates = ec_xcalloc(DATE_SLOTS, sizeof *last->dates);
	struct date_slot *slot = &last->dates[h >> 54];	/* 10 bits */
	if (slot->n == n && slot->w[0] == w[0] && slot->w[1] == w[1]) {
		*d = slot->d;
		return EC_DATE_OK;
	}
	enum ec_date_status st = ec_date_parse(p, n, d);
	if (st == EC_DATE_OK) {
		slot->w[0] = w[0];
		slot->w[1] = w[1];
		slot->n = (unsigned char)n;
		slot->d = *d;
	}
	return st;
}

/*
 * The cells of each type, for parse_cell: p[0..n) is the trimmed cell,
 * not empty, and t its column's value type.
 */
static int
phone_cell(struct ec_sheet *s, const char *p, size_t n, enum ec_type t,
    struct ec_value *v, struct cellprob *pr)
{
	*v = ec_value_str(t, p, n);
	if (ec_phone_classify(p, n) != EC_PHONE_INVALID)
		return 0;
	if (pr) {
		ec_diag_quote(&s->msg, p, n);
		ec_buf_adds(&s->msg, " is neither a mobile number nor a "
		    "landline with its area code");
		say(s, pr, EC_WARNING, "phone");
	}
	return 1;	/* a warning: the value stands */
}

/* The message of an ID number ec_id_parse refused (status st). */
static void
id_problem(struct ec_sheet *s, struct cellprob *pr, enum ec_id_status st,
    const struct ec_id_error *e, const char *p, size_t n)
{
	switch (st) {
	case EC_ID_OK:
		break;
	case EC_ID_LENGTH:
		ec_buf_addf(&s->msg, "ID number has %zu characters; it needs "
		    "18 (or 15 digits)", ec_utf8_chars(p, n));
		say(s, pr, EC_ERROR, "id-length");
		break;
	case EC_ID_CHAR:
		ec_buf_adds(&s->msg, "ID number has ");
		ec_diag_quote(&s->msg, p + e->pos, 1);
		ec_buf_addf(&s->msg, " at position %zu, where only a digit "
		    "may stand", e->pos + 1);
		say(s, pr, EC_ERROR, "id-char");
		break;
	case EC_ID_BIRTH:
		ec_buf_addf(&s->msg, "the birth date in the ID number (%s) "
		    "does not exist", e->birth);
		say(s, pr, EC_ERROR, "id-birth");
		break;
	case EC_ID_CHECK:
		ec_buf_addf(&s->msg, "wrong check character in the ID number: "
		    "'%c' where the digits call for '%c'", e->found,
		    e->expected);
		say(s, pr, EC_ERROR, "id-check");
		break;
	}
}

static int
id_cell(struct ec_sheet *s, struct ec_vlast *last, const char *p, size_t n,
    enum ec_type t, struct ec_value *v, struct cellprob *pr,
    struct ec_idcell *idc)
{
	struct ec_id id;
	struct ec_id_error e;
	enum ec_id_status st;
	char d1[11], d2[11];

	/* A visit log lists one person's visits one after another. */
	if (n == last->n && memcmp(p, last->s, n) == 0) {
		*idc = last->id;
		*v = ec_value_str(t, idc->number, 18);
		return 0;
	}
	if ((st = ec_id_parse(p, n, &id, &e)) != EC_ID_OK) {
		if (pr)
			id_problem(s, pr, st, &e, p, n);
		return -1;
	}
	if (id.birth > s->asof) {
		if (pr) {
			ec_date_format(id.birth, d1);
			ec_date_format(s->asof, d2);
			ec_buf_addf(&s->msg, "the birth date in the ID number "
			    "(%s) is after the as-of date %s", d1, d2);
			say(s, pr, EC_ERROR, "id-future");
		}
		return -1;
	}
	memcpy(idc->number, id.number, 18);
	idc->birth = id.birth;
	idc->male = id.sex == EC_SEX_MALE;
	idc->key = ec_idset_key(id.number);
	if (n <= VMAP_MAX_KEY) {
		memcpy(last->s, p, n);
		last->n = n;
		last->id = *idc;
	}
	*v = ec_value_str(t, idc->number, 18);
	return 0;
}

/* The value p[0..n) spells in vocabulary k, through last's spellings. */
static inline int
spelled(const struct ec_sheet *s, struct ec_vlast *last, int k,
    const char *p, size_t n)
{
	for (unsigned i = 0; i < last->nspell; i++) {
		const struct spelling *sp = &last->spell[i];
		if (sp->n == n && ec_short_eq(p, sp->s, n))
			return sp->value;
	}
	int value = ec_vocabmap_lookup(&s->vmaps[k], &s->pol->vocabs[k], p,
	    n);
	if (n <= SPELLING_MAX) {
		/* kept in turn, the first ones for good */
		unsigned i = last->nspell < SPELLINGS ? last->nspell++ :
		    SPELLINGS / 2 + last->turn++ % (SPELLINGS / 2);
		memcpy(last->spell[i].s, p, n);
		last->spell[i].n = (unsigned char)n;
		last->spell[i].value = value;
	}
	return value;
}

static int
vocab_cell(struct ec_sheet *s, struct ec_vlast *last,
    const struct ec_column *c, const char *p, size_t n, enum ec_type t,
    struct ec_value *v, struct cellprob *pr)
{
	const struct ec_vocab *voc = &s->pol->vocabs[c->vocab];
	int k = spelled(s, last, c->vocab, p, n);

	if (k < 0) {
		if (pr) {
			ec_buf_adds(&s->msg, "unknown value ");
			ec_diag_quote(&s->msg, p, n);
			vocab_list(s, voc);
			say(s, pr, EC_ERROR, "vocabulary");
		}
		return -1;
	}
	if (c->type == EC_COL_BOOL)
		*v = ec_value_int(t, k == s->yes[c->vocab]);
	else
		*v = ec_value_str(t, voc->values[k].token,
		    voc->values[k].token_n);
	return 0;
}

static int
int_cell(struct ec_sheet *s, const struct ec_column *c, const char *p,
    size_t n, enum ec_type t, struct ec_value *v, struct cellprob *pr)
{
	int64_t i;
	int rc = parse_int(p, n, &i);

	if (rc != 0) {
		if (pr) {
			ec_diag_quote(&s->msg, p, n);
			ec_buf_adds(&s->msg, rc == -2 ? " is too large a number "
			    "(at most 18 digits)" : " is not a whole number");
			say(s, pr, EC_ERROR, "integer");
		}
		return -1;
	}
	if ((c->has_min && i < c->min) || (c->has_max && i > c->max)) {
		if (pr) {
			ec_buf_addf(&s->msg, "%lld is out of range (",
			    (long long)i);
			if (c->has_min)
				ec_buf_addf(&s->msg, "at least %lld", c->min);
			if (c->has_min && c->has_max)
				ec_buf_adds(&s->msg, ", ");
			if (c->has_max)
				ec_buf_addf(&s->msg, "at most %lld", c->max);
			ec_buf_addc(&s->msg, ')');
			say(s, pr, EC_ERROR, "range");
		}
		return -1;
	}
	*v = ec_value_int(t, i);
	return 0;
}

static int
date_cell(struct ec_sheet *s, struct ec_vlast *last, const char *p, size_t n,
    enum ec_type t, struct ec_value *v, struct cellprob *pr)
{
	ec_date d;
	enum ec_date_status st = date_parse(last, p, n, &d);
	char d1[11], d2[11];

	if (st != EC_DATE_OK) {
		if (pr) {
			ec_diag_quote(&s->msg, p, n);
			ec_buf_adds(&s->msg, st == EC_DATE_SYNTAX ?
			    " is not a date (write it as 2018-10-10)" :
			    " is not a date that exists");
			say(s, pr, EC_ERROR, "date");
		}
		return -1;
	}
	if (d > s->asof) {
		if (pr) {
			ec_date_format(d, d1);
			ec_date_format(s->asof, d2);
			ec_buf_addf(&s->msg, "date %s is after the as-of "
			    "date %s", d1, d2);
			say(s, pr, EC_ERROR, "date-future");
		}
		return -1;
	}
	*v = ec_value_int(t, d);
	return 0;
}

/*
 * Reads a cell of column col into *v.  Returns 0 when the cell is valid
 * (or blank), -1 when it holds a bad value: then *v is blank and, when pr
 * is not NULL, s->msg holds the message; 1 for a value that stands with
 * a warning.
 */
static int
parse_cell(struct ec_sheet *s, struct ec_vlast *vlast, int col,
    const char *raw, size_t rawn, struct ec_value *v, struct cellprob *pr,
    struct ec_idcell *idc)
{
	const struct ec_column *c = &s->pol->columns[col];
	enum ec_type t = (enum ec_type)s->vtype[col];
	size_t n = rawn;
	const char *p = ec_trim(raw, &n);

	*v = ec_value_blank(t);
	if (n == 0)
		return 0;
	switch (c->type) {
	case EC_COL_TEXT:
	case EC_COL_LIST:
		*v = ec_value_str(t, p, n);
		return 0;
	case EC_COL_PHONE:
		return phone_cell(s, p, n, t, v, pr);
	case EC_COL_ID:
		return id_cell(s, &vlast[col], p, n, t, v, pr, idc);
	case EC_COL_ENUM:
	case EC_COL_BOOL:
		return vocab_cell(s, &vlast[col], c, p, n, t, v, pr);
	case EC_COL_INT:
		return int_cell(s, c, p, n, t, v, pr);
	case EC_COL_DATE:
		return date_cell(s, &vlast[col], p, n, t, v, pr);
	}
	return 0;
}

/* id_birth() and id_sex() of this ID need not parse it again. */
static void
id_cached(struct ec_sheet *s, const struct ec_idcell *idc)
{
	s->cache.id_ok = 1;
	s->cache.id_len = 18;	/* what the column's value holds */
	memcpy(s->cache.id, idc->number, 18);
	s->cache.birth = idc->birth;
	s->cache.male = idc->male;
}

/* The ID cells of a prepared record, after its fields'. */
static const struct ec_idcell *
id_cells(const struct ec_sheet *s, const void *prow)
{
	return (const struct ec_idcell *)((const struct pcell *)prow +
	    s->nfields);
}

/*
 * Runs in the reading thread: nothing it touches is written by the
 * tool's thread (parse_cell without a cellprob only reads the sheet).
 */
static int
prepare(void *ctx, const struct ec_csv_record *rec, void *area)
{
	struct ec_sheet_prep *pp = ctx;
	struct ec_sheet *s = pp->s;
	struct pcell *pc = area;
	struct ec_idcell *ids = (struct ec_idcell *)(pc + pp->nfields);

	if (rec->nfields != pp->nfields)
		return 0;
	for (size_t f = 0; f < pp->nfields; f++) {
		int col = s->field_col[f];
		struct ec_value v;
		struct ec_idcell *idc = pp->id_slot[f] >= 0 ?
		    &ids[pp->id_slot[f]] : NULL;
		if (!pp->want[f]) {
			pc[f].rc = NOT_PARSED;
			if (idc)
				idc->key = 0;
			continue;
		}
		pc[f].rc = (signed char)parse_cell(s, pp->vlast, col,
		    rec->fields[f].p, rec->fields[f].n, &v, NULL, idc);
		pc[f].blank = (unsigned char)v.blank;
		if (v.type == EC_T_STR || v.type == EC_T_LIST) {
			pc[f].u.s = v.s;
			pc[f].n = (uint32_t)v.n;
		} else {
			pc[f].u.i = v.i;
		}
		if (idc && (pc[f].rc != 0 || v.blank))
			idc->key = 0;
	}
	return 1;
}

void
ec_sheet_prepare(struct ec_sheet *s, struct ec_csv_reader *r, int balance)
{
	struct ec_sheet_prep *pp = ec_xcalloc(1, sizeof *pp);
	size_t nid = 0;

	pp->s = s;
	pp->vlast = ec_xcalloc(s->pol->ncolumns, sizeof *pp->vlast);
	pp->nfields = s->nfields;
	pp->id_slot = ec_xmalloc(s->nfields * sizeof *pp->id_slot);
	for (size_t f = 0; f < s->nfields; f++) {
		int col = s->field_col[f];
		pp->id_slot[f] = col >= 0 &&
		    s->pol->columns[col].type == EC_COL_ID ? (int)nid++ : -1;
	}
	pp->want = ec_xcalloc(s->nfields, 1);
	pp->size = s->nfields * sizeof(struct pcell) +
	    nid * sizeof(struct ec_idcell);
	pp->r = r;
	pp->balance = balance;
	pp->countdown = PREPARE_AFTER;
	s->prep = pp;
	s->read = ec_xcalloc(s->pol->ncolumns, 1);
}

/* Hands the reading thread the cells seen read so far to parse. */
static void
prepare_start(struct ec_sheet *s)
{
	struct ec_sheet_prep *pp = s->prep;

	for (size_t f = 0; f < s->nfields; f++) {
		int col = s->field_col[f];
		pp->want[f] = col >= 0 && !s->drop[f] &&
		    s->src[col] == EC_SRC_FIELD && s->read[col];
	}
	ec_csv_prepare(pp->r, prepare, pp, pp->size, pp->balance);
	pp->r = NULL;
}

/* The value a cell of column col parsed by the reading thread holds. */
static inline struct ec_value
pcell_value_of(enum ec_type t, const struct pcell *pc)
{
	if (pc->blank)
		return ec_value_blank(t);
	if (t == EC_T_STR || t == EC_T_LIST)
		return ec_value_str(t, pc->u.s, pc->n);
	return ec_value_int(t, pc->u.i);
}

static inline struct ec_value
pcell_value(const struct ec_sheet *s, int col, const struct pcell *pc)
{
	return pcell_value_of((enum ec_type)s->vtype[col], pc);
}

/*
 * The value of field f (of column col) of the current record, as the
 * reading thread parsed it or parsed here; with pr, the message of a bad
 * cell is made here (by parsing it again: bad cells are few).
 */
static int
cell_value(struct ec_sheet *s, size_t f, int col, struct ec_value *v,
    struct cellprob *pr)
{
	const struct ec_str *cell = &s->rec->fields[f];
	const struct ec_idcell *idc = &s->idcell[col];
	int rc;

	if (s->prow) {
		const struct pcell *pc = &s->prow[f];
		*v = pcell_value(s, col, pc);
		rc = pc->rc;
		if (rc == NOT_PARSED)
			rc = parse_cell(s, s->vlast, col, cell->p, cell->n, v,
			    pr, &s->idcell[col]);
		else if (rc != 0 && pr)
			rc = parse_cell(s, s->vlast, col, cell->p, cell->n, v,
			    pr, &s->idcell[col]);
		else if (s->prep->id_slot[f] >= 0)
			idc = &id_cells(s, s->prow)[s->prep->id_slot[f]];
	} else {
		rc = parse_cell(s, s->vlast, col, cell->p, cell->n, v, pr,
		    &s->idcell[col]);
		if (s->read)
			s->read[col] = 1;
	}
	if (rc == 0 && !v->blank && s->pol->columns[col].type == EC_COL_ID)
		id_cached(s, idc);
	return rc;
}

uint64_t
ec_sheet_id_key(struct ec_sheet *s, int col)
{
	struct ec_value v;
	int f = s->col_field[col];

	ec_sheet_value(s, col, &v);
	if (v.blank)
		return 0;
	/* The ID's key was made with it, where it was parsed. */
	if (v.s == s->idcell[col].number)
		return s->idcell[col].key;
	if (s->prow && f >= 0 && s->prep->id_slot[f] >= 0) {
		const struct ec_idcell *c = &id_cells(s, s->prow)
		    [s->prep->id_slot[f]];
		if (v.s == c->number && c->key)
			return c->key;
	}
	return ec_idset_key(v.s);
}

uint64_t
ec_sheet_next_id_key(const struct ec_sheet *s, int col)
{
	int f = s->col_field[col];

	if (!s->prow || !s->rec->next_prep || f < 0 ||
	    s->prep->id_slot[f] < 0)
		return 0;
	return id_cells(s, s->rec->next_prep)[s->prep->id_slot[f]].key;
}

static void
compute(struct ec_sheet *s, int col, struct ec_value *out)
{
	const struct ec_derived *d = s->def[col];
	enum ec_type t = (enum ec_type)s->vtype[col];

	if (d->expr) {
		ec_expr_eval(d->expr, &s->env, out);
		return;
	}
	struct ec_buf *b = &s->text[col];
	ec_buf_reset(b);
	for (size_t i = 0; i < d->nflags; i++) {
		if (!ec_expr_test(d->flags[i], &s->env))
			continue;
		if (b->len)
			ec_buf_addc(b, ';');
		ec_buf_adds(b, d->flag_names[i]);
	}
	*out = ec_value_str(t, b->p ? b->p : "", b->len);
}

void
ec_sheet_value(struct ec_sheet *s, int col, struct ec_value *out)
{
	if (s->stamp[col] == s->gen) {
		*out = s->val[col];
		return;
	}
	enum ec_type t = (enum ec_type)s->vtype[col];
	struct ec_value v = ec_value_blank(t);
	switch (s->src[col]) {
	case EC_SRC_NONE:
		break;
	case EC_SRC_FIELD: {
		s->bad[col] = cell_value(s, (size_t)s->col_field[col], col, &v,
		    NULL) < 0;
		break;
	}
	case EC_SRC_DERIVED:
	case EC_SRC_HOOK:
		if (s->busy[col] == s->gen)
			break;		/* a definition that needs itself */
		s->busy[col] = s->gen;
		if (s->src[col] == EC_SRC_DERIVED)
			compute(s, col, &v);
		else
			s->hook[col](s->hook_ctx[col], s, col, &v);
		break;
	}
	s->val[col] = v;
	s->stamp[col] = s->gen;
	*out = v;
}

/* A walk of ec_sheet_inputs. */
struct inputs {
	const struct ec_sheet *s;
	ec_sheet_input_fn fn;
	void *ctx;
	unsigned char *seen;	/* per column: visited */
	int via;		/* the derived column being followed, or -1 */
};

static void input(void *arg, int col);

static void
follow(struct inputs *w, const struct ec_expr *e, int via)
{
	int was = w->via;

	w->via = via;
	ec_expr_slots(e, input, w);
	w->via = was;
}

static void
input(void *arg, int col)
{
	struct inputs *w = arg;
	const struct ec_derived *d = w->s->def[col];

	if (w->seen[col])
		return;
	w->seen[col] = 1;
	if (w->s->src[col] != EC_SRC_DERIVED) {
		w->fn(w->ctx, col, (enum ec_source)w->s->src[col], w->via);
		return;
	}
	if (d->expr)
		follow(w, d->expr, col);
	for (size_t i = 0; i < d->nflags; i++)
		follow(w, d->flags[i], col);
}

void
ec_sheet_inputs(const struct ec_sheet *s, const struct ec_expr *e,
    ec_sheet_input_fn fn, void *ctx)
{
	struct inputs w = { s, fn, ctx, NULL, -1 };

	if (!e)
		return;
	w.seen = ec_xcalloc(s->pol->ncolumns, 1);
	ec_expr_slots(e, input, &w);
	free(w.seen);
}

int
ec_sheet_rules_requires(const struct ec_sheet_rules *r, int col)
{
	for (size_t i = 0; i < r->nrequired; i++)
		if (r->required[i] == col)
			return 1;
	for (size_t i = 0; i < r->nrequired_when; i++)
		if (r->required_when_col[i] == col)
			return 1;
	return 0;
}

int
ec_sheet_test(struct ec_sheet *s, const struct ec_expr *e)
{
	return ec_expr_test(e, &s->env);
}

static void
report(struct ec_sheet *s, ec_problem_fn fn, void *ctx, enum ec_severity sev,
    const char *kind, int field)
{
	struct ec_problem p = { sev, kind, field, s->msg.p ? s->msg.p : "" };

	fn(ctx, &p);
	ec_buf_reset(&s->msg);
}


/* The message of a check, with {column} replaced by that cell's text. */
static void
expand(struct ec_sheet *s, const char *tmpl)
{
	const char *p = tmpl;

	while (*p) {
		const char *open = strchr(p, '{');
		const char *close = open ? strchr(open, '}') : NULL;
		if (!close) {
			ec_buf_adds(&s->msg, p);
			break;
		}
		ec_buf_add(&s->msg, p, (size_t)(open - p));
		char name[64];
		size_t len = (size_t)(close - open - 1);
		int col = -1;
		if (len < sizeof name) {
			memcpy(name, open + 1, len);
			name[len] = '\0';
			col = ec_policy_column(s->pol, name);
		}
		if (col >= 0 && s->col_field[col] >= 0 &&
		    s->src[col] == EC_SRC_FIELD) {
			const struct ec_str *f = &s->rec->fields[s->col_field[col]];
			size_t n = f->n;
			const char *t = ec_trim(f->p, &n);
			ec_diag_quote(&s->msg, t, n);
		} else if (col >= 0) {
			struct ec_value v;
			ec_sheet_value(s, col, &v);
			ec_value_write(s, &v, &s->msg);
		} else {
			ec_buf_add(&s->msg, open, len + 2);
		}
		p = close + 1;
	}
}

/*
 * The key of the current record's unique ID when the reading thread made
 * it (else 0), with the next record's set on its way into the cache.
 */
static uint64_t
prepared_key(struct ec_sheet *s, const struct ec_sheet_rules *r)
{
	if (!s->prow || !s->seen || r->unique < 0 ||
	    s->col_field[r->unique] < 0 ||
	    s->prep->id_slot[s->col_field[r->unique]] < 0)
		return 0;
	int slot = s->prep->id_slot[s->col_field[r->unique]];
	if (s->rec->next_prep) {
		uint64_t next = id_cells(s, s->rec->next_prep)[slot].key;
		if (next)
			ec_idset_prefetch(s->seen, next);
	}
	return id_cells(s, s->prow)[slot].key;
}

/* s->req, per column: required by r. */
static void
required_for(struct ec_sheet *s, const struct ec_sheet_rules *r)
{
	if (s->req_rules == r)
		return;
	if (!s->req)
		s->req = ec_xmalloc(s->pol->ncolumns);
	memset(s->req, 0, s->pol->ncolumns);
	for (size_t i = 0; i < r->nrequired; i++)
		s->req[r->required[i]] = 1;
	s->req_rules = r;
}

static size_t
blank_required(struct ec_sheet *s, ec_problem_fn fn, void *ctx, int field)
{
	ec_buf_adds(&s->msg, "required value is blank");
	report(s, fn, ctx, EC_ERROR, "blank", field);
	return 1;
}

/*
 * A cell the reading thread did not parse, or found bad: read (and
 * reported) here.  *key is set to the unique ID's key when made here.
 */
static size_t
check_cell(struct ec_sheet *s, const struct ec_sheet_rules *r, size_t f,
    int col, ec_problem_fn fn, void *ctx, uint64_t *key)
{
	const struct ec_str *cell = &s->rec->fields[f];
	struct cellprob pr = { NULL, EC_ERROR };
	struct ec_value v;
	int rc = cell_value(s, f, col, &v, &pr);

	s->val[col] = v;
	s->bad[col] = rc < 0;
	s->stamp[col] = s->gen;
	if (!s->prow && col == r->unique && rc == 0 && !v.blank &&
	    s->seen && s->pol->columns[col].type == EC_COL_ID)
		ec_idset_prefetch(s->seen, *key = ec_sheet_id_key(s, col));
	if (rc != 0) {
		report(s, fn, ctx, pr.sev, pr.kind, (int)f);
		return pr.sev == EC_ERROR;
	}
	if (v.blank && s->req[col]) {
		size_t n = cell->n;
		ec_trim(cell->p, &n);
		if (n == 0)
			return blank_required(s, fn, ctx, (int)f);
	}
	return 0;
}

/* Each cell of a known column: its type, and required values. */
static size_t
check_cells(struct ec_sheet *s, const struct ec_sheet_rules *r,
    ec_problem_fn fn, void *ctx, uint64_t *key)
{
	size_t errors = 0;
	/*
	 * The sheet's arrays, held here: a store to bad[] may alias
	 * anything, and would have every one loaded again from s.
	 */
	const int *field_col = s->field_col;
	const unsigned char *drop = s->drop, *vtype = s->vtype;
	const struct pcell *prow = s->prow;
	const int *id_slot = prow ? s->prep->id_slot : NULL;
	struct ec_value *val = s->val;
	unsigned char *bad = s->bad;
	uint32_t *stamp = s->stamp, gen = s->gen;
	const unsigned char *req = s->req;
	size_t nfields = s->nfields;

	for (size_t f = 0; f < nfields; f++) {
		int col = field_col[f];
		if (col < 0 || drop[f])
			continue;
		if (!prow || prow[f].rc != 0) {
			errors += check_cell(s, r, f, col, fn, ctx, key);
			continue;
		}
		/* A good cell parsed there: the common case, inline. */
		const struct pcell *pc = &prow[f];
		val[col] = pcell_value_of((enum ec_type)vtype[col], pc);
		bad[col] = 0;
		stamp[col] = gen;
		if (!pc->blank) {
			if (id_slot[f] >= 0)
				id_cached(s, &id_cells(s, prow)[id_slot[f]]);
		} else if (req[col]) {
			/* a good blank is an empty cell */
			errors += blank_required(s, fn, ctx, (int)f);
		}
	}
	return errors;
}

/* The columns required when a condition holds. */
static size_t
check_required_when(struct ec_sheet *s, const struct ec_sheet_rules *r,
    ec_problem_fn fn, void *ctx)
{
	size_t errors = 0;

	for (size_t i = 0; i < r->nrequired_when; i++) {
		int col = r->required_when_col[i];
		struct ec_value v;
		if (s->col_field[col] < 0)
			continue;
		ec_sheet_value(s, col, &v);
		if (!v.blank || s->bad[col])
			continue;
		if (ec_sheet_test(s, r->required_when[i]))
			errors += blank_required(s, fn, ctx, s->col_field[col]);
	}
	return errors;
}

/* That the unique ID (of key, when known) was not seen before. */
static size_t
check_unique(struct ec_sheet *s, const struct ec_sheet_rules *r,
    ec_problem_fn fn, void *ctx, uint64_t key)
{
	struct ec_value v;

	if (r->unique < 0 || s->col_field[r->unique] < 0 ||
	    s->pol->columns[r->unique].type != EC_COL_ID)
		return 0;
	ec_sheet_value(s, r->unique, &v);
	if (v.blank)
		return 0;
	/* The file's number rides above the line's 48 bits. */
	uint64_t pos = (uint64_t)s->rec->line | (uint64_t)s->file_no << 48;
	if (!s->seen) {
		s->seen = ec_idset_new();
		s->own_seen = 1;
	}
	uint64_t first = ec_idset_add(s->seen, key ? key :
	    ec_sheet_id_key(s, r->unique), pos);
	if (!first)
		return 0;
	size_t file = (size_t)(first >> 48);
	unsigned long long line = first & ((1ULL << 48) - 1);
	if (file != s->file_no && s->files)
		ec_buf_addf(&s->msg, "duplicate ID number, first seen in %s "
		    "on line %llu", s->files[file], line);
	else
		ec_buf_addf(&s->msg, "duplicate ID number, first seen on line "
		    "%llu", line);
	report(s, fn, ctx, EC_ERROR, "duplicate", -1);
	return 1;
}

/* The address codes of the ID numbers, against the policy's region. */
static void
check_region(struct ec_sheet *s, ec_problem_fn fn, void *ctx)
{
	const struct ec_policy *pol = s->pol;

	for (size_t i = 0; i < s->nid_cols; i++) {
		struct ec_value v;
		int c = s->id_cols[i];
		ec_sheet_value(s, c, &v);
		if (v.blank)
			continue;
		int ok = 0;
		for (size_t k = 0; k < pol->nregion && !ok; k++) {
			size_t len = strlen(pol->region[k]);
			ok = len <= v.n && memcmp(v.s, pol->region[k], len) == 0;
		}
		if (ok)
			continue;
		ec_buf_addf(&s->msg, "the ID number's address code %.6s is "
		    "outside the policy's region (", v.s);
		for (size_t k = 0; k < pol->nregion; k++)
			ec_buf_addf(&s->msg, "%s%s", k ? ", " : "",
			    pol->region[k]);
		ec_buf_adds(&s->msg, ")");
		report(s, fn, ctx, EC_WARNING, "region", s->col_field[c]);
	}
}

size_t
ec_sheet_check(struct ec_sheet *s, const struct ec_sheet_rules *r,
    int region, ec_problem_fn fn, void *ctx)
{
	uint64_t key;		/* the unique ID's, once computed */
	size_t errors;

	ec_buf_reset(&s->msg);
	key = prepared_key(s, r);
	required_for(s, r);
	errors = check_cells(s, r, fn, ctx, &key);
	errors += check_required_when(s, r, fn, ctx);
	errors += check_unique(s, r, fn, ctx, key);
	if (region && s->pol->nregion)
		check_region(s, fn, ctx);
	for (size_t i = 0; i < r->nchecks; i++) {
		const struct ec_check *ck = &r->checks[i];
		/* A check about a column the sheet does not have is moot. */
		if (s->col_field[ck->column] < 0 ||
		    !ec_sheet_test(s, ck->when))
			continue;
		expand(s, ck->message);
		errors += ck->is_error;
		report(s, fn, ctx, ck->is_error ? EC_ERROR : EC_WARNING,
		    ck->message, s->col_field[ck->column]);
	}
	return errors;
}

size_t
ec_sheet_nfields(const struct ec_sheet *s)
{
	return s->nfields;
}

const char *
ec_sheet_header(const struct ec_sheet *s, size_t f)
{
	return s->header[f];
}

int
ec_sheet_field(const struct ec_sheet *s, int col)
{
	return s->col_field[col];
}

int
ec_sheet_dropped(const struct ec_sheet *s, size_t f)
{
	return s->drop[f];
}

enum ec_source
ec_sheet_source(const struct ec_sheet *s, int col)
{
	return (enum ec_source)s->src[col];
}

const struct ec_csv_record *
ec_sheet_current(const struct ec_sheet *s)
{
	return s->rec;
}

const struct ec_policy *
ec_sheet_policy(const struct ec_sheet *s)
{
	return s->pol;
}

ec_date
ec_sheet_asof(const struct ec_sheet *s)
{
	return s->asof;
}

uint32_t
ec_sheet_gen(const struct ec_sheet *s)
{
	return s->gen;
}

int
ec_sheet_bad(const struct ec_sheet *s, int col)
{
	return s->bad[col];
}

int
ec_sheet_computed_by(const struct ec_sheet *s, int col, const void *ctx)
{
	return s->src[col] == EC_SRC_HOOK && s->hook_ctx[col] == ctx;
}

void
ec_sheet_provide(struct ec_sheet *s, int col, const struct ec_value *v)
{
	s->val[col] = *v;
	s->stamp[col] = s->gen;
}
