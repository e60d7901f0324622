/*
 * value.h - the typed value of a column or an expression, and its text
 * in output.
 *
 * Values never own memory: a string points into the record being read or
 * into a compiled expression, and is valid as long as they are.
 */
#ifndef EC_VALUE_H
#define EC_VALUE_H

#include <stddef.h>
#include <stdint.h>

#include "date.h"

/* The type of a column, a slot or an expression. */
enum ec_type {
	EC_T_BOOL = 1,
	EC_T_INT,
	EC_T_STR,
	EC_T_DATE,
	EC_T_LIST,	/* text holding items separated by ; ； 、 , ， */
};

struct ec_value {
	int blank;		/* 1: no value (empty cell, bad value, n/a) */
	enum ec_type type;
	int64_t i;		/* BOOL (0/1), INT, DATE (day number) */
	const char *s;		/* STR, LIST: the bytes, not NUL-terminated */
	size_t n;
};

static inline struct ec_value
ec_value_blank(enum ec_type t)
{
	struct ec_value v = { 1, t, 0, NULL, 0 };
	return v;
}

static inline struct ec_value
ec_value_int(enum ec_type t, int64_t i)
{
	struct ec_value v = { 0, t, i, NULL, 0 };
	return v;
}

static inline struct ec_value
ec_value_str(enum ec_type t, const char *s, size_t n)
{
	struct ec_value v = { 0, t, 0, s, n };
	return v;
}

/* The name of a type, for messages: "bool", "int", "text", "date", "list". */
const char *ec_type_name(enum ec_type t);

/*
 * Iterates the items of a LIST: *pos starts at 0; each call stores the next
 * non-empty item, trimmed of white space, and returns 1, or returns 0 at
 * the end.  Separators: ; ； 、 , ，
 */
int ec_list_next(const char *s, size_t n, size_t *pos, const char **item,
	size_t *item_len);

/* The number of non-empty items of a LIST. */
size_t ec_list_count(const char *s, size_t n);

struct ec_buf;
struct ec_csv_writer;
struct ec_sheet;

/*
 * Appends the text of a value as written in output (yes/no for BOOL);
 * s, the sheet it was read from, is not needed for it.
 */
void ec_value_write(const struct ec_sheet *s, const struct ec_value *v,
	struct ec_buf *out);

/* Writes that text as the next field of w, quoted if it must be. */
void ec_value_write_field(const struct ec_value *v, struct ec_csv_writer *w);

#endif
