/*
 * idset.h - a set of ID numbers with the line each was first seen on,
 * for finding duplicates.  An 18-character ID is a 64-bit key (its 17
 * digits; the check character follows from them).  The table keeps key
 * and line in 8 bytes a slot (idset.c says how), from 0.35 to 0.7 full:
 * 11 to 23 bytes per ID, and up to 34 for the moment the table doubles
 * (the old one and the new one).
 */
#ifndef EC_IDSET_H
#define EC_IDSET_H

#include <stddef.h>
#include <stdint.h>

struct ec_idset;

struct ec_idset *ec_idset_new(void);
void ec_idset_free(struct ec_idset *set);

/* The 64-bit key of a normalised 18-character ID. */
uint64_t ec_idset_key(const char id[18]);

/*
 * Adds key seen on line; returns 0 when new, else the line it was first
 * seen on (the set keeps that one).  Lines start at 1.  Files sharing a
 * set put their number above the line's 48 bits: (file << 48 | line);
 * the set keeps them compactly while the files come one after another.
 */
uint64_t ec_idset_add(struct ec_idset *set, uint64_t key, uint64_t line);

/*
 * Starts loading the slot of key into the cache: a table of millions of
 * IDs misses the cache on every look-up, and the caller can do other
 * work while the slot comes.
 */
void ec_idset_prefetch(const struct ec_idset *set, uint64_t key);

size_t ec_idset_count(const struct ec_idset *set);

/*
 * Makes room for n IDs in all at once: a caller that knows about how
 * many will come spares the table its doublings, each of which holds
 * the old table and the new one at the same time.  Too large a guess
 * costs memory: the IDs land all over the table.
 */
void ec_idset_reserve(struct ec_idset *set, size_t n);

#endif
