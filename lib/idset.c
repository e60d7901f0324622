#define _DEFAULT_SOURCE		/* madvise's MADV_HUGEPAGE */
#include "idset.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "util.h"

/*
 * The table: open addressing, linear probing, Robin Hood order, one
 * 64-bit word a slot.  A key (under 2^57: 17 decimal digits) is mixed by
 * a bijection of 57 bits into h; the table's top bits of h are the home
 * slot, and only the other bits of h, the remainder, are kept, beside
 * the displacement from home and the line:
 *
 *	| line: bits | remainder: 57 - bits | displacement: 7 |
 *
 * where the table has 2^bits slots.  Home and remainder give h back,
 * and h the key, so nothing is lost; a slot costs 8 bytes where key and
 * line side by side cost 16.  A slot of 0 is empty (lines start at 1).
 *
 * Robin Hood: an entry further from its home than the one in a slot
 * takes the slot, and the other moves on.  Displacements stay short,
 * and a look-up stops at the first entry closer to home than itself.
 *
 * The line the caller gives may carry a file's number above its 48 bits
 * (several files share one set).  The set keeps a position instead: the
 * lines of each file counted on from the largest position given before
 * that file began, so that a line of a second file does not take 48 bits.
 * The segments (a file and where its positions start) turn a position
 * back into file and line.
 *
 * What does not fit goes to the spill, a plain table of h and line, 16
 * bytes a slot: a line of 2^bits or more, a displacement over 127 (it
 * takes thousands of keys of one home, or a file made to do it), a key
 * of 2^57 or more.  A table twice the size takes back what then fits.
 */
#define KEY_BITS	57
#define KEY_MASK	((UINT64_C(1) << KEY_BITS) - 1)
#define DISP_BITS	7
#define DISP_MAX	((UINT64_C(1) << DISP_BITS) - 1)
#define MIN_BITS	10
#define MAX_BITS	40

struct spill_slot {
	uint64_t h;		/* h of a key; the key itself from 2^57 */
	uint64_t line;		/* 0: empty */
};

#define LINE_BITS	48
#define LINE_MASK	((UINT64_C(1) << LINE_BITS) - 1)

struct segment {
	uint64_t file;		/* the file, as given above LINE_BITS */
	uint64_t base;		/* its positions are base + line */
};

struct ec_idset {
	uint64_t *t;
	unsigned bits;		/* 2^bits slots */
	size_t count;		/* entries in t */
	int mapped;		/* t is mmap(2)ed, not malloc(3)ed */
	struct spill_slot *spill;
	size_t spill_cap, spill_count;
	struct segment *seg;
	size_t nseg, seg_cap;
	uint64_t maxpos;	/* the largest position given */
};

/* The position of line (file above LINE_BITS, line below). */
static uint64_t
position(struct ec_idset *s, uint64_t line)
{
	uint64_t file = line >> LINE_BITS, pos;

	if (s->nseg == 0 || s->seg[s->nseg - 1].file != file) {
		if (s->nseg == s->seg_cap) {
			s->seg_cap = s->seg_cap ? s->seg_cap * 2 : 4;
			s->seg = ec_xrealloc(s->seg,
			    s->seg_cap * sizeof *s->seg);
		}
		s->seg[s->nseg].file = file;
		s->seg[s->nseg].base = s->maxpos;
		s->nseg++;
	}
	pos = s->seg[s->nseg - 1].base + (line & LINE_MASK);
	if (pos > s->maxpos)
		s->maxpos = pos;
	return pos;
}

/* The line (file above LINE_BITS) of position pos, 0 for 0. */
static uint64_t
line_of(const struct ec_idset *s, uint64_t pos)
{
	size_t lo = 0, hi = s->nseg;

	if (pos == 0)
		return 0;
	/* the last segment that starts before pos */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->seg[mid].base < pos)
			lo = mid;
		else
			hi = mid;
	}
	return s->seg[lo].file << LINE_BITS | (pos - s->seg[lo].base);
}

/* A bijection of [0, 2^57): xor-shifts and odd multipliers, mod 2^57. */
static uint64_t
mix(uint64_t k)
{
	k ^= k >> 31;
	k = (k * UINT64_C(0x7fb5d329728ea185)) & KEY_MASK;
	k ^= k >> 27;
	k = (k * UINT64_C(0x81dadef4bc2dd44d)) & KEY_MASK;
	k ^= k >> 33;
	return k;
}

/* Where key goes: its top bits choose the home slot. */
static uint64_t
key_hash(uint64_t key)
{
	return key <= KEY_MASK ? mix(key) : key;
}

/*
 * A zeroed table of 2^bits slots.  A large one asks for huge pages:
 * every look-up lands on a page of its own, and with 4 KiB pages nearly
 * every one would also miss the TLB.
 */
#define HUGE_PAGE (2 * 1024 * 1024)

static uint64_t *
table(unsigned bits, int *mapped)
{
	size_t bytes = (sizeof(uint64_t)) << bits;
	void *p = MAP_FAILED;

	/* Fresh pages are zero. */
	if (bytes >= HUGE_PAGE)
		p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	*mapped = p != MAP_FAILED;
	if (!*mapped)
		return ec_xcalloc((size_t)1 << bits, sizeof(uint64_t));
	madvise(p, bytes, MADV_HUGEPAGE);	/* a hint: failure is fine */
	return p;
}

static void
table_free(uint64_t *t, unsigned bits, int mapped)
{
	if (mapped)
		munmap(t, (sizeof(uint64_t)) << bits);
	else
		free(t);
}

struct ec_idset *
ec_idset_new(void)
{
	struct ec_idset *s = ec_xcalloc(1, sizeof *s);

	s->bits = MIN_BITS;
	s->t = table(s->bits, &s->mapped);
	return s;
}

void
ec_idset_free(struct ec_idset *s)
{
	if (!s)
		return;
	table_free(s->t, s->bits, s->mapped);
	free(s->spill);
	free(s->seg);
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

/* The spill: linear probing on h, grown at 0.7 full. */
static size_t
spill_find(const struct ec_idset *s, uint64_t h)
{
	size_t mask = s->spill_cap - 1, i = ec_hash64(h) & mask;

	while (s->spill[i].line && s->spill[i].h != h)
		i = (i + 1) & mask;
	return i;
}

static void
spill_put(struct ec_idset *s, uint64_t h, uint64_t line)
{
	if ((s->spill_count + 1) * 10 > s->spill_cap * 7) {
		struct spill_slot *old = s->spill;
		size_t oldcap = s->spill_cap;
		s->spill_cap = oldcap ? oldcap * 2 : 64;
		s->spill = ec_xcalloc(s->spill_cap, sizeof *s->spill);
		for (size_t i = 0; i < oldcap; i++)
			if (old[i].line)
				s->spill[spill_find(s, old[i].h)] = old[i];
		free(old);
	}
	size_t i = spill_find(s, h);
	s->spill[i].h = h;
	s->spill[i].line = line;
	s->spill_count++;
}

static uint64_t
spill_get(const struct ec_idset *s, uint64_t h)
{
	return s->spill_count ? s->spill[spill_find(s, h)].line : 0;
}

/* The line of h in the table, or 0. */
static uint64_t
table_get(const struct ec_idset *s, uint64_t h)
{
	if (h > KEY_MASK)
		return 0;
	unsigned rbits = KEY_BITS - s->bits;
	size_t mask = ((size_t)1 << s->bits) - 1, i = (size_t)(h >> rbits);
	uint64_t want = (h & ((UINT64_C(1) << rbits) - 1)) << DISP_BITS;
	uint64_t rmask = ((UINT64_C(1) << rbits) - 1) << DISP_BITS;

	for (uint64_t d = 0; d <= DISP_MAX; d++, i = (i + 1) & mask) {
		uint64_t v = s->t[i];
		if (v == 0 || (v & DISP_MAX) < d)
			return 0;	/* Robin Hood: it would be here */
		if ((v & DISP_MAX) == d && (v & rmask) == want)
			return v >> (rbits + DISP_BITS);
	}
	return 0;
}

/*
 * Puts h, absent, in the table, or in the spill what does not fit: h
 * itself, or an entry pushed more than DISP_MAX slots from its home.
 */
static void
table_put(struct ec_idset *s, uint64_t h, uint64_t line)
{
	unsigned rbits = KEY_BITS - s->bits;
	size_t mask = ((size_t)1 << s->bits) - 1;

	if (h > KEY_MASK || line == 0 || line > mask) {
		spill_put(s, h, line);
		return;
	}
	size_t i = (size_t)(h >> rbits);
	uint64_t carry = line << (rbits + DISP_BITS) |
	    (h & ((UINT64_C(1) << rbits) - 1)) << DISP_BITS;

	s->count++;
	for (;;) {
		uint64_t v = s->t[i];
		if (v == 0) {
			s->t[i] = carry;
			return;
		}
		if ((v & DISP_MAX) < (carry & DISP_MAX)) {
			s->t[i] = carry;
			carry = v;
		}
		i = (i + 1) & mask;
		if ((carry & DISP_MAX) == DISP_MAX) {
			/* h again from where carry's home was */
			size_t home = (i - 1 - DISP_MAX) & mask;
			uint64_t rem = (carry >> DISP_BITS) &
			    ((UINT64_C(1) << rbits) - 1);
			s->count--;
			spill_put(s, (uint64_t)home << rbits | rem,
			    carry >> (rbits + DISP_BITS));
			return;
		}
		carry++;
	}
}

/* Moves everything to a table of 2^bits slots; the spill is tried again. */
static void
resize(struct ec_idset *s, unsigned bits)
{
	uint64_t *old = s->t;
	unsigned oldbits = s->bits, oldr = KEY_BITS - oldbits;
	size_t oldcap = (size_t)1 << oldbits;
	int oldmapped = s->mapped;
	struct spill_slot *spill = s->spill;
	size_t spill_cap = s->spill_cap;

	s->bits = bits;
	s->t = table(bits, &s->mapped);
	s->count = 0;
	s->spill = NULL;
	s->spill_cap = s->spill_count = 0;
	for (size_t i = 0; i < oldcap; i++) {
		uint64_t v = old[i];
		if (v == 0)
			continue;
		size_t home = (i - (size_t)(v & DISP_MAX)) & (oldcap - 1);
		uint64_t rem = (v >> DISP_BITS) & ((UINT64_C(1) << oldr) - 1);
		table_put(s, (uint64_t)home << oldr | rem,
		    v >> (oldr + DISP_BITS));
	}
	table_free(old, oldbits, oldmapped);
	for (size_t i = 0; i < spill_cap; i++)
		if (spill[i].line)
			table_put(s, spill[i].h, spill[i].line);
	free(spill);
}

/*
 * Grows the table before one more entry, at 0.7 full; or for a line that
 * does not fit, while it is over 0.3 full (a file of few IDs and many
 * lines keeps them in the spill rather than a table mostly empty).
 */
static void
make_room(struct ec_idset *s, uint64_t line)
{
	size_t n = s->count + s->spill_count + 1;

	while (s->bits < MAX_BITS) {
		size_t cap = (size_t)1 << s->bits;
		if (n * 10 > cap * 7 ||
		    (line >= (uint64_t)cap && n * 10 > cap * 3))
			resize(s, s->bits + 1);
		else
			break;
	}
}

/* The line of h, or 0 when absent. */
static uint64_t
lookup(const struct ec_idset *s, uint64_t h)
{
	uint64_t pos = table_get(s, h);

	return line_of(s, pos ? pos : spill_get(s, h));
}

uint64_t
ec_idset_add(struct ec_idset *s, uint64_t key, uint64_t line)
{
	uint64_t h = key_hash(key), first;

	if ((first = lookup(s, h)) != 0)
		return first;
	line = position(s, line);
	make_room(s, line);
	table_put(s, h, line);
	return 0;
}

void
ec_idset_reserve(struct ec_idset *s, size_t n)
{
	unsigned bits = s->bits;

	/* the load add keeps, and no more than 2^40 slots whatever n says */
	while (bits < MAX_BITS && n > (((size_t)1 << bits) / 10 * 7))
		bits++;
	if (bits > s->bits)
		resize(s, bits);
}

void
ec_idset_prefetch(const struct ec_idset *s, uint64_t key)
{
	uint64_t h = key_hash(key);

	if (h <= KEY_MASK)
		__builtin_prefetch(&s->t[h >> (KEY_BITS - s->bits)], 1);
}

size_t
ec_idset_count(const struct ec_idset *s)
{
	return s->count + s->spill_count;
}
