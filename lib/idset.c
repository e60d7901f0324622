#include "idset.h"

#include <stdlib.h>

#include "util.h"

struct ec_idset {
	uint64_t *keys;		/* 0: empty slot */
	uint32_t *lines;	/* low 32 bits of the line ... */
	uint8_t *hi;		/* ... and the next 8 */
	size_t cap, count;
};

static uint64_t
hash(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

struct ec_idset *
ec_idset_new(void)
{
	struct ec_idset *s = ec_xcalloc(1, sizeof *s);

	s->cap = 1024;
	s->keys = ec_xcalloc(s->cap, sizeof *s->keys);
	s->lines = ec_xcalloc(s->cap, sizeof *s->lines);
	s->hi = ec_xcalloc(s->cap, sizeof *s->hi);
	return s;
}

void
ec_idset_free(struct ec_idset *s)
{
	if (!s)
		return;
	free(s->keys);
	free(s->lines);
	free(s->hi);
	free(s);
}

uint64_t
ec_idset_key(const char id[18])
{
	uint64_t k = 0;

	for (int i = 0; i < 17; i++)
		k = k * 10 + (uint64_t)(id[i] - '0');
	return k + 1;
}

static size_t
slot(const struct ec_idset *s, uint64_t key)
{
	size_t mask = s->cap - 1, i = hash(key) & mask;

	while (s->keys[i] && s->keys[i] != key)
		i = (i + 1) & mask;
	return i;
}

static void
grow(struct ec_idset *s)
{
	struct ec_idset old = *s;

	s->cap *= 2;
	s->keys = ec_xcalloc(s->cap, sizeof *s->keys);
	s->lines = ec_xcalloc(s->cap, sizeof *s->lines);
	s->hi = ec_xcalloc(s->cap, sizeof *s->hi);
	for (size_t i = 0; i < old.cap; i++) {
		if (!old.keys[i])
			continue;
		size_t j = slot(s, old.keys[i]);
		s->keys[j] = old.keys[i];
		s->lines[j] = old.lines[i];
		s->hi[j] = old.hi[i];
	}
	free(old.keys);
	free(old.lines);
	free(old.hi);
}

uint64_t
ec_idset_add(struct ec_idset *s, uint64_t key, uint64_t line)
{
	if ((s->count + 1) * 10 > s->cap * 7)
		grow(s);
	size_t i = slot(s, key);
	if (s->keys[i])
		return (uint64_t)s->lines[i] | (uint64_t)s->hi[i] << 32;
	s->keys[i] = key;
	s->lines[i] = (uint32_t)line;
	s->hi[i] = (uint8_t)(line >> 32);
	s->count++;
	return 0;
}

uint64_t
ec_idset_get(const struct ec_idset *s, uint64_t key)
{
	size_t i = slot(s, key);

	return s->keys[i] ? ((uint64_t)s->lines[i] | (uint64_t)s->hi[i] << 32) : 0;
}

size_t
ec_idset_count(const struct ec_idset *s)
{
	return s->count;
}
