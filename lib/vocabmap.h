/*
 * vocabmap.h - every spelling of a vocabulary's values (token, zh label,
 * aliases), ASCII-lowercased, in a small open-addressing table: a cell
 * is looked up with one hash instead of a walk over every spelling.
 * Where two values claim a spelling, the first keeps it, as in
 * ec_vocab_lookup, which answers for spellings too long to be kept.
 *
 * Ownership: a map owns copies of the spellings; it borrows nothing.
 * Errors: none (out of memory exits, as everywhere).
 */
#ifndef EC_VOCABMAP_H
#define EC_VOCABMAP_H

#include <stddef.h>

#include "policy.h"

/* The longest spelling kept, in bytes. */
#define EC_VOCABMAP_MAX_KEY 64

struct ec_vocabmap {
	struct ec_vocabmap_ent {
		char *s;	/* folded spelling (owned), NULL: empty */
		size_t n;
		int value;
	} *e;
	size_t mask;
};

void ec_vocabmap_init(struct ec_vocabmap *m, const struct ec_vocab *v);
void ec_vocabmap_release(struct ec_vocabmap *m);

/* The value p[0..n) (trimmed) spells in v, m's vocabulary, or -1. */
int ec_vocabmap_lookup(const struct ec_vocabmap *m, const struct ec_vocab *v,
	const char *p, size_t n);

#endif
