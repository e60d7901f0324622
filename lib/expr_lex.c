/*
 * expr_lex.c - the scanner of the expression language: one token at a
 * time, on demand, so that the parser reports the leftmost problem.
 */
#include "expr_internal.h"

#include <stdio.h>
#include <string.h>

#include "text.h"
#include "util.h"

static const struct {
	const char *word;
	enum expr_tok kind;
} keywords[] = {
	{ "and", EXPR_T_AND },
	{ "or", EXPR_T_OR },
	{ "not", EXPR_T_NOT },
	{ "in", EXPR_T_IN },
	{ "true", EXPR_T_TRUE },
	{ "false", EXPR_T_FALSE },
	{ "yes", EXPR_T_YES },
	{ "no", EXPR_T_NO },
	{ "today", EXPR_T_TODAY },
};

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	    c == '\f';
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
is_name_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int
scan_error(struct ec_expr_error *err, size_t off, const char *msg)
{
	err->offset = off;
	snprintf(err->msg, sizeof(err->msg), "%s", msg);
	return -1;
}

/*
 * Shows the character at s[0..n) in a message: itself when it is
 * printable ASCII or a whole valid UTF-8 sequence (a full-width comma
 * typed by mistake should be recognisable), else as \xNN.
 */
static int
unexpected_char(struct ec_expr_error *err, const char *s, size_t n,
    size_t off)
{
	unsigned char c = (unsigned char)s[0];
	size_t clen = 0;

	if (c >= 0xc2 && c <= 0xdf)
		clen = 2;
	else if (c >= 0xe0 && c <= 0xef)
		clen = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		clen = 4;
	err->offset = off;
	if (c > 0x20 && c < 0x7f)
		snprintf(err->msg, sizeof(err->msg),
		    "unexpected character '%c'", c);
	else if (clen && clen <= n && ec_utf8_check(s, clen) == clen)
		snprintf(err->msg, sizeof(err->msg),
		    "unexpected character '%.*s'", (int)clen, s);
	else
		snprintf(err->msg, sizeof(err->msg),
		    "unexpected character '\\x%02x'", c);
	return -1;
}

int
expr_scan(const char *src, size_t len, size_t pos, struct expr_token *t,
    struct ec_expr_error *err)
{
	size_t i;

	while (pos < len && is_space(src[pos]))
		pos++;
	t->off = pos;
	t->len = 0;
	t->i = 0;
	if (pos >= len) {
		t->kind = EXPR_T_EOF;
		return 0;
	}

	const char *s = src + pos;
	size_t n = len - pos;
	char c = s[0];

	if (is_name_start(c)) {
		for (i = 1; i < n && (is_name_start(s[i]) || is_digit(s[i]));
		    i++)
			;
		t->kind = EXPR_T_NAME;
		t->len = i;
		for (size_t k = 0; k < EC_ARRAY_LEN(keywords); k++)
			if (strlen(keywords[k].word) == i &&
			    memcmp(keywords[k].word, s, i) == 0)
				t->kind = keywords[k].kind;
		return 0;
	}
	if (is_digit(c)) {
		int64_t v = 0;
		for (i = 0; i < n && is_digit(s[i]); i++) {
			if (__builtin_mul_overflow(v, 10, &v) ||
			    __builtin_add_overflow(v, s[i] - '0', &v))
				return scan_error(err, pos,
				    "integer too large");
		}
		t->kind = EXPR_T_INT;
		t->len = i;
		t->i = v;
		return 0;
	}
	if (c == '\'' || c == '"') {
		for (i = 1; i < n; i++) {
			if (s[i] != c)
				continue;
			if (i + 1 < n && s[i + 1] == c) {
				i++;
				continue;
			}
			t->kind = EXPR_T_STRING;
			t->len = i + 1;
			return 0;
		}
		return scan_error(err, pos, "unterminated string");
	}

	t->len = 1;
	if (n >= 2 && s[1] == '=') {
		t->len = 2;
		switch (c) {
		case '=': t->kind = EXPR_T_EQ; return 0;
		case '!': t->kind = EXPR_T_NE; return 0;
		case '<': t->kind = EXPR_T_LE; return 0;
		case '>': t->kind = EXPR_T_GE; return 0;
		default: t->len = 1; break;
		}
	}
	switch (c) {
	case '<': t->kind = EXPR_T_LT; return 0;
	case '>': t->kind = EXPR_T_GT; return 0;
	case '+': t->kind = EXPR_T_PLUS; return 0;
	case '-': t->kind = EXPR_T_MINUS; return 0;
	case '*': t->kind = EXPR_T_STAR; return 0;
	case '/': t->kind = EXPR_T_SLASH; return 0;
	case '%': t->kind = EXPR_T_PERCENT; return 0;
	case '(': t->kind = EXPR_T_LPAREN; return 0;
	case ')': t->kind = EXPR_T_RPAREN; return 0;
	case '[': t->kind = EXPR_T_LBRACK; return 0;
	case ']': t->kind = EXPR_T_RBRACK; return 0;
	case ',': t->kind = EXPR_T_COMMA; return 0;
	default: break;
	}
	return unexpected_char(err, s, n, pos);
}

char *
expr_unquote(const char *src, const struct expr_token *t, size_t *n)
{
	const char *s = src + t->off + 1;
	size_t len = t->len - 2, j = 0;
	char q = src[t->off];
	char *out = ec_xmalloc(len + 1);

	for (size_t i = 0; i < len; i++) {
		out[j++] = s[i];
		/* The scanner saw to it that a quote inside is doubled. */
		if (s[i] == q)
			i++;
	}
	out[j] = '\0';
	*n = j;
	return out;
}
