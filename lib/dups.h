/*
 * dups.h - repeated ID numbers found by sorting, in bounded memory, for
 * inputs that can be read twice.
 *
 * A set of every ID seen (idset.h) grows with the sheet: 266 MiB for
 * 1.6 x 10^7 people.  When the census is a file, a first pass instead
 * adds the key and position of each ID, in the order read; finishing
 * sorts them by key (in runs on disk, merged, once they outgrow the
 * memory given) and keeps each repeat with the position of its first
 * sighting, in the order of position.  The second pass, reading the same
 * records again, asks about each position in turn.
 *
 * A position is what the set keeps, (file << 48 | line), so positions
 * read in order ascend.
 */
#ifndef EC_DUPS_H
#define EC_DUPS_H

#include <stddef.h>
#include <stdint.h>

struct ec_dups;

/*
 * About mem bytes at most, whatever the number of IDs (4 MiB keeps a
 * run of 131072 IDs), and half as much again while a run is written by
 * a thread of its own; more are written to an unnamed file in $TMPDIR,
 * else /tmp, at most 20 bytes an ID (4.4 for a synthetic sheet of three
 * counties: an ID and its line are written as their changes from the
 * ID and line before them in the run).  Finishing takes two threads.
 */
struct ec_dups *ec_dups_new(size_t mem);
void ec_dups_free(struct ec_dups *d);

/*
 * The first pass: key (never 0) seen at pos, each pos greater than the
 * last.  Returns 0, or -1 with errno when the temporary file cannot be
 * made or written (then the caller finds duplicates another way).
 */
int ec_dups_add(struct ec_dups *d, uint64_t key, uint64_t pos);

/* Ends the first pass: finds the repeats.  0, or -1 with errno. */
int ec_dups_finish(struct ec_dups *d);

/*
 * The second pass: when the ID at pos was seen before, the position of
 * its first sighting, else 0.  Positions asked must ascend; positions
 * between them may be skipped.  A read error of the temporary file
 * answers 0 from then on, and ec_dups_error says so.
 */
uint64_t ec_dups_first(struct ec_dups *d, uint64_t pos);

/* The errno of a failed read in the second pass, else 0. */
int ec_dups_error(const struct ec_dups *d);

/* Repeats found; and the sorted runs written to disk (both for tests). */
size_t ec_dups_count(const struct ec_dups *d);
size_t ec_dups_runs(const struct ec_dups *d);

#endif
