/*
 * fixture.h - what the unit tests build sheets from: the default policy
 * as cmocka's state, the as-of date, synthetic ID numbers with their
 * check characters, CSV records made by hand, sheets bound to a header,
 * and rows of the census with named cells set.
 *
 * Header only: every function is static inline, so that a test includes
 * it and uses what it needs.  A record points into its struct rec and into
 * the caller's strings, which must outlive it.  Anything wrong fails the
 * test.
 */
#ifndef TEST_FIXTURE_H
#define TEST_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv.h"
#include "date.h"
#include "policy.h"
#include "sheet.h"
#include "util.h"
#include "value.h"

/* Setup and teardown (of a group or a test): *state is the default policy. */
static inline int
policy_setup(void **state)
{
	struct ec_policy_error err;
	struct ec_policy *p;

	p = ec_policy_load(ec_policy_default_text, ec_policy_default_len,
	    &err);
	if (p == NULL) {
		fprintf(stderr, "default policy: %zu:%zu: %s\n", err.line,
		    err.column, err.msg);
		return -1;
	}
	*state = p;
	return 0;
}

static inline int
policy_teardown(void **state)
{
	ec_policy_free(*state);
	return 0;
}

static inline ec_date
ymd(int y, int m, int d)
{
	ec_date t = 0;

	assert_int_equal(ec_date_from_ymd(y, m, d, &t), 0);
	return t;
}

/* The as-of date of the tests unless one says otherwise. */
static inline ec_date
asof_default(void)
{
	return ymd(2026, 11, 30);
}

static inline int
column_of(const struct ec_policy *p, const char *name)
{
	int c = ec_policy_column(p, name);

	if (c < 0)
		fail_msg("no column '%s' in the policy", name);
	return c;
}

/*
 * An ID number with its check character, by the test's own ISO 7064
 * MOD 11-2, independent of lib/idnum.c.
 */
static inline const char *
make_id(char out[19], const char *addr6, const char *birth8,
    const char *seq3)
{
	static const int w[17] = {
		7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2
	};
	int sum = 0;

	assert_int_equal(strlen(addr6), 6);
	assert_int_equal(strlen(birth8), 8);
	assert_int_equal(strlen(seq3), 3);
	memcpy(out, addr6, 6);
	memcpy(out + 6, birth8, 8);
	memcpy(out + 14, seq3, 3);
	for (int i = 0; i < 17; i++)
		sum += (out[i] - '0') * w[i];
	out[17] = "10X98765432"[sum % 11];
	out[18] = '\0';
	return out;
}

/* A record of line: cells[0..n), or the fields of text cut at commas. */
struct rec {
	struct ec_str f[64];
	struct ec_csv_record r;
};

static inline const struct ec_csv_record *
mkrec(struct rec *b, size_t line, const char *const *cells, size_t n)
{
	assert_true(n <= EC_ARRAY_LEN(b->f));
	memset(b, 0, sizeof *b);
	for (size_t i = 0; i < n; i++) {
		b->f[i].p = cells[i];
		b->f[i].n = strlen(cells[i]);
	}
	b->r.line = line;
	b->r.nfields = n;
	b->r.fields = b->f;
	return &b->r;
}

/* No quoting: every comma ends a field. */
static inline const struct ec_csv_record *
mkrec_text(struct rec *b, size_t line, const char *text)
{
	const char *p = text, *c;

	memset(b, 0, sizeof *b);
	for (;;) {
		assert_true(b->r.nfields < EC_ARRAY_LEN(b->f));
		c = strchr(p, ',');
		b->f[b->r.nfields].p = p;
		b->f[b->r.nfields++].n = c ? (size_t)(c - p) : strlen(p);
		if (c == NULL)
			break;
		p = c + 1;
	}
	b->r.line = line;
	b->r.fields = b->f;
	return &b->r;
}

/* A sheet of p bound to header (the sheet keeps its own copy). */
static inline struct ec_sheet *
open_sheet_rec(const struct ec_policy *p, ec_date asof,
    const struct ec_csv_record *header)
{
	struct ec_sheet *s = ec_sheet_new(p, asof);
	struct ec_error err = { "" };

	if (ec_sheet_bind(s, header, &err) != 0)
		fail_msg("bind: %s", err.msg);
	return s;
}

static inline struct ec_sheet *
open_sheet(const struct ec_policy *p, ec_date asof,
    const char *const *names, size_t n)
{
	struct rec h;

	return open_sheet_rec(p, asof, mkrec(&h, 1, names, n));
}

/* The text the sheet holds for column name, as written in output. */
static inline char *
cell_text(struct ec_sheet *s, const char *name)
{
	struct ec_buf out = EC_BUF_INIT;
	struct ec_value v;
	char *text;

	ec_sheet_value(s, column_of(ec_sheet_policy(s), name), &v);
	ec_value_write(s, &v, &out);
	text = ec_xstrdup(out.p ? out.p : "");
	ec_buf_release(&out);
	return text;
}

/* The census header, canonical names in the policy's order. */
enum { NCENSUS = 23 };
static const char *const census_hdr[NCENSUS] = {
	"id_number",		/* 0 */
	"name",			/* 1 */
	"sex",			/* 2 */
	"birth_date",		/* 3 */
	"county",		/* 4 */
	"township",		/* 5 */
	"village",		/* 6 */
	"phone",		/* 7 */
	"living_arrangement",	/* 8 */
	"children_total",	/* 9 */
	"children_away",	/* 10 */
	"away_months",		/* 11 */
	"supporter_nearby",	/* 12 */
	"supporter_capable",	/* 13 */
	"ability_level",	/* 14 */
	"poverty",		/* 15 */
	"chronic_diseases",	/* 16 */
	"severe_mental_illness",	/* 17 */
	"guardian_name",	/* 18 */
	"guardian_phone",	/* 19 */
	"care_agreement",	/* 20 */
	"family_doctor",	/* 21 */
	"last_health_check",	/* 22 */
};

static inline struct ec_sheet *
open_census(const struct ec_policy *p, ec_date asof)
{
	return open_sheet(p, asof, census_hdr, NCENSUS);
}

/* A census row; c[0] may point into id.  Never copy one. */
struct row {
	const char *c[NCENSUS];
	char id[19];
	struct rec rec;
};

static inline void
row_set(struct row *r, const char *name, const char *val)
{
	for (size_t i = 0; i < NCENSUS; i++)
		if (strcmp(census_hdr[i], name) == 0) {
			r->c[i] = val;
			return;
		}
	fail_msg("no census column '%s'", name);
}

/*
 * A valid left-behind man born 1950-01-01 (76 on 2026-11-30), living
 * alone, both children away for a year, no supporter nearby: no problem.
 */
static inline void
row_init(struct row *r)
{
	static const char *const def[NCENSUS] = {
		NULL, "张三", "男", "1950-01-01", "雁江区", "松涛镇",
		"白塔村", "13800001111", "alone", "2", "2", "12", "no", "",
		"intact", "none", "", "", "张小", "13900002222", "", "yes",
		"2026-03-01",
	};

	memcpy(r->c, def, sizeof def);
	r->c[0] = make_id(r->id, "512002", "19500101", "001");
}

/* Sets the ID (with its check character) and clears sex and birth date. */
static inline void
row_id(struct row *r, const char *addr6, const char *birth8,
    const char *seq3)
{
	r->c[0] = make_id(r->id, addr6, birth8, seq3);
	row_set(r, "sex", "");
	row_set(r, "birth_date", "");
}

static inline const struct ec_csv_record *
row_rec(struct row *r, size_t line)
{
	return mkrec(&r->rec, line, r->c, NCENSUS);
}

/*
 * A fresh directory for each test (its name the state), and at the end
 * what the test left in it removed: files and empty directories, one
 * level.
 */
static inline int
fresh_dir_setup(void **state)
{
	char *dir = strdup("/tmp/ec-test.XXXXXX");

	if (!dir || !mkdtemp(dir)) {
		free(dir);
		return -1;
	}
	*state = dir;
	return 0;
}

static inline int
fresh_dir_teardown(void **state)
{
	char *dir = *state, path[512];
	DIR *d = opendir(dir);
	struct dirent *e;

	if (d) {
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 ||
			    strcmp(e->d_name, "..") == 0)
				continue;
			snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
			if (unlink(path) != 0)
				rmdir(path);
		}
		closedir(d);
	}
	rmdir(dir);
	free(dir);
	return 0;
}


#endif
