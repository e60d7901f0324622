#include "value.h"

#include <string.h>

#include "csv.h"
#include "text.h"
#include "util.h"

const char *
ec_type_name(enum ec_type t)
{
	switch (t) {
	case EC_T_BOOL: return "bool";
	case EC_T_INT: return "int";
	case EC_T_STR: return "text";
	case EC_T_DATE: return "date";
	case EC_T_LIST: return "list";
	}
	return "?";
}

/* The length of the separator at s[0..n), or 0: ; , and ； 、 ， */
static size_t
separator(const char *s, size_t n)
{
	if (*s == ';' || *s == ',')
		return 1;
	if (n >= 3 && (memcmp(s, "\xef\xbc\x9b", 3) == 0 ||	/* ； */
	    memcmp(s, "\xe3\x80\x81", 3) == 0 ||		/* 、 */
	    memcmp(s, "\xef\xbc\x8c", 3) == 0))			/* ， */
		return 3;
	return 0;
}

int
ec_list_next(const char *s, size_t n, size_t *pos, const char **item,
    size_t *item_len)
{
	size_t i = *pos;

	while (i < n) {
		size_t start = i, sep = 0;
		while (i < n && (sep = separator(s + i, n - i)) == 0)
			i++;
		size_t len = i - start;
		const char *p = ec_trim(s + start, &len);
		i += sep;
		if (len) {
			*pos = i;
			*item = p;
			*item_len = len;
			return 1;
		}
	}
	*pos = n;
	return 0;
}

size_t
ec_list_count(const char *s, size_t n)
{
	size_t pos = 0, count = 0, len;
	const char *item;

	while (ec_list_next(s, n, &pos, &item, &len))
		count++;
	return count;
}

/*
 * The text of a non-blank value as written in output, in tmp or where
 * it lies; *clean is 1 when it cannot need CSV quotes (numbers, dates,
 * yes and no).
 */
static const char *
value_text(const struct ec_value *v, char tmp[24], size_t *n, int *clean)
{
	*clean = 1;
	switch (v->type) {
	case EC_T_BOOL:
		*n = v->i ? 3 : 2;
		return v->i ? "yes" : "no";
	case EC_T_INT:
		*n = ec_fmt_int(tmp, v->i);
		return tmp;
	case EC_T_DATE:
		*n = ec_date_format((ec_date)v->i, tmp);
		return tmp;
	case EC_T_STR:
	case EC_T_LIST:
		break;
	}
	*clean = 0;
	*n = v->n;
	return v->n ? v->s : "";
}

void
ec_value_write(const struct ec_sheet *s, const struct ec_value *v,
    struct ec_buf *out)
{
	char tmp[24];
	size_t n;
	int clean;

	if (v->blank)
		return;
	const char *p = value_text(v, tmp, &n, &clean);
	ec_buf_add(out, p, n);
}

void
ec_value_write_field(const struct ec_value *v, struct ec_csv_writer *w)
{
	char tmp[24];
	size_t n;
	int clean;

	if (v->blank) {
		ec_csv_write_clean(w, "", 0);
		return;
	}
	const char *p = value_text(v, tmp, &n, &clean);
	if (clean)
		ec_csv_write_clean(w, p, n);
	else
		ec_csv_write_field(w, p, n);
}
