#include "value.h"

#include <string.h>

#include "text.h"

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
