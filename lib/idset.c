#define _DEFAULT_SOURCE		/* madvise's MADV_HUGEPAGE */
#include "idset.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "util.h"

/*
 * Open addressing with linear probing.  A slot keeps its key and line
 * side by side, so that looking one up costs one cache miss: with
 * millions of IDs the table is far larger than the cache.
 */
struct slot {
	uint64_t key;		/* 0: empty */
	uint64_t line;
};

struct ec_idset {
	struct slot *t;
	size_t cap, count;
	int mapped;		/* t is mmap(2)ed, not malloc(3)ed */
};

/*
 * A zeroed table of cap slots.  A large one asks for huge pages: every
 * lookup lands on a page of its own, and with 4 KiB pages nearly every
 * one would also miss the TLB.
 */
#define HUGE_PAGE (2 * 1024 * 1024)

static struct slot *
table(size_t cap, int *mapped)
{
	size_t bytes = cap * sizeof(struct slot);
	void *p = MAP_FAILED;

	/* Fresh pages are zero. */
	if (bytes >= HUGE_PAGE)
		p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	*mapped = p != MAP_FAILED;
	if (!*mapped)
		return ec_xcalloc(cap, sizeof(struct slot));
	madvise(p, bytes, MADV_HUGEPAGE);	/* a hint: failure is fine */
	return p;
}

static void
table_free(struct slot *t, size_t cap, int mapped)
{
	if (mapped)
		munmap(t, cap * sizeof(struct slot));
	else
		free(t);
}

struct ec_idset *
ec_idset_new(void)
{
	struct ec_idset *s = ec_xcalloc(1, sizeof *s);

	s->cap = 1024;
	s->t = ec_xcalloc(s->cap, sizeof *s->t);
	return s;
}

void
ec_idset_free(struct ec_idset *s)
{
	if (!s)
		return;
	table_free(s->t, s->cap, s->mapped);
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
find(const struct ec_idset *s, uint64_t key)
{
	size_t mask = s->cap - 1, i = ec_hash64(key) & mask;

	while (s->t[i].key && s->t[i].key != key)
		i = (i + 1) & mask;
	return i;
}

static void
resize(struct ec_idset *s, size_t cap)
{
	struct slot *old = s->t;
	size_t oldcap = s->cap;
	int oldmapped = s->mapped;

	s->cap = cap;
	s->t = table(s->cap, &s->mapped);
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].key)
			s->t[find(s, old[i].key)] = old[i];
	table_free(old, oldcap, oldmapped);
}

uint64_t
ec_idset_add(struct ec_idset *s, uint64_t key, uint64_t line)
{
	if ((s->count + 1) * 10 > s->cap * 7)
		resize(s, s->cap * 2);
	size_t i = find(s, key);
	if (s->t[i].key)
		return s->t[i].line;
	s->t[i].key = key;
	s->t[i].line = line;
	s->count++;
	return 0;
}

void
ec_idset_reserve(struct ec_idset *s, size_t n)
{
	size_t cap = s->cap;

	/* the load add keeps, and no more than 2^40 slots whatever n says */
	while (cap < (size_t)1 << 40 && n > cap / 10 * 7)
		cap *= 2;
	if (cap > s->cap)
		resize(s, cap);
}

size_t
ec_idset_capacity(const struct ec_idset *s)
{
	return s->cap;
}

void
ec_idset_prefetch(const struct ec_idset *s, uint64_t key)
{
	__builtin_prefetch(&s->t[ec_hash64(key) & (s->cap - 1)], 1);
}

uint64_t
ec_idset_get(const struct ec_idset *s, uint64_t key)
{
	size_t i = find(s, key);

	return s->t[i].key ? s->t[i].line : 0;
}

size_t
ec_idset_count(const struct ec_idset *s)
{
	return s->count;
}
