#include "vocabmap.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

static size_t
fold(const char *s, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		out[i] = c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
	}
	return n;
}

static void
put(struct ec_vocabmap *m, const char *s, int value)
{
	char key[EC_VOCABMAP_MAX_KEY];
	size_t n = strlen(s);

	if (n == 0 || n > EC_VOCABMAP_MAX_KEY)
		return;		/* found by the slow path instead */
	fold(s, n, key);
	size_t i = ec_hash_bytes(key, n, EC_HASH_SEED) & m->mask;
	while (m->e[i].s) {
		if (m->e[i].n == n && memcmp(m->e[i].s, key, n) == 0)
			return;	/* the first value to claim it keeps it */
		i = (i + 1) & m->mask;
	}
	m->e[i].s = ec_xmemdup(key, n);
	m->e[i].n = n;
	m->e[i].value = value;
}

void
ec_vocabmap_init(struct ec_vocabmap *m, const struct ec_vocab *v)
{
	size_t count = 0, cap = 16;

	for (size_t i = 0; i < v->nvalues; i++)
		count += 2 + v->values[i].naliases;
	while (cap < count * 2)
		cap *= 2;
	m->e = ec_xcalloc(cap, sizeof *m->e);
	m->mask = cap - 1;
	for (size_t i = 0; i < v->nvalues; i++) {
		const struct ec_vocab_value *val = &v->values[i];
		put(m, val->token, (int)i);
		if (val->zh)
			put(m, val->zh, (int)i);
		for (size_t j = 0; j < val->naliases; j++)
			put(m, val->aliases[j], (int)i);
	}
}

void
ec_vocabmap_release(struct ec_vocabmap *m)
{
	if (!m->e)
		return;
	for (size_t j = 0; j <= m->mask; j++)
		free(m->e[j].s);
	free(m->e);
	m->e = NULL;
}

int
ec_vocabmap_lookup(const struct ec_vocabmap *m, const struct ec_vocab *v,
    const char *p, size_t n)
{
	char key[EC_VOCABMAP_MAX_KEY];

	if (n > EC_VOCABMAP_MAX_KEY)
		return ec_vocab_lookup(v, p, n);
	fold(p, n, key);
	size_t i = ec_hash_bytes(key, n, EC_HASH_SEED) & m->mask;
	for (; m->e[i].s; i = (i + 1) & m->mask)
		if (m->e[i].n == n && memcmp(m->e[i].s, key, n) == 0)
			return m->e[i].value;
	return -1;
}
