#include "visits.h"

#include <stdlib.h>

#include "util.h"

/*
 * 64 shards, each an open-addressing table with linear probing: the
 * hash's top bits pick the shard, its low bits the slot.  A shard grows
 * (doubles) alone, so the memory needed while growing is the table plus
 * one shard, not the table twice.  Loads stay between 0.4 and 0.8: a
 * 24-byte slot costs 30 to 60 bytes per person.
 */
#define SHARD_BITS	6
#define NSHARDS		(1 << SHARD_BITS)
#define SHARD_MIN	16

struct shard {
	struct ec_visit_entry *t;
	size_t cap, count;
};

struct ec_visits {
	struct shard shard[NSHARDS];
	ec_date asof;
	long long window;	/* alert_window_days */
	long long within;	/* report_within_days */
};

struct ec_visits *
ec_visits_new(ec_date asof, long long alert_window_days,
    long long report_within_days)
{
	struct ec_visits *v = ec_xcalloc(1, sizeof *v);

	v->asof = asof;
	v->window = alert_window_days;
	v->within = report_within_days;
	for (size_t i = 0; i < NSHARDS; i++) {
		v->shard[i].cap = SHARD_MIN;
		v->shard[i].t = ec_xcalloc(SHARD_MIN, sizeof *v->shard[i].t);
	}
	return v;
}

void
ec_visits_free(struct ec_visits *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < NSHARDS; i++)
		free(v->shard[i].t);
	free(v);
}

static struct shard *
shard_of(const struct ec_visits *v, uint64_t h)
{
	return (struct shard *)&v->shard[h >> (64 - SHARD_BITS)];
}

/* The slot of key in sh: its own, or the empty one where it would go. */
static struct ec_visit_entry *
slot(const struct shard *sh, uint64_t key, uint64_t h)
{
	size_t mask = sh->cap - 1, i = h & mask;

	while (sh->t[i].key && sh->t[i].key != key)
		i = (i + 1) & mask;
	return &sh->t[i];
}

static void
grow(struct shard *sh)
{
	struct ec_visit_entry *old = sh->t;
	size_t oldcap = sh->cap;

	sh->cap *= 2;
	sh->t = ec_xcalloc(sh->cap, sizeof *sh->t);
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].key)
			*slot(sh, old[i].key, ec_hash64(old[i].key)) = old[i];
	free(old);
}

/* The report status of a visit reported (or not) as given. */
static enum ec_report
report_status(const struct ec_visits *v, ec_date visit, int reported,
    ec_date reported_date)
{
	if (!reported)
		return EC_REPORT_MISSING;
	/* A report dated before the visit was made at once all the same. */
	if ((long long)reported_date - visit <= v->within)
		return EC_REPORT_ON_TIME;
	return EC_REPORT_LATE;
}

int
ec_visits_add(struct ec_visits *v, const struct ec_visit *visit)
{
	uint64_t h = ec_hash64(visit->key);
	struct shard *sh = shard_of(v, h);
	struct ec_visit_entry *e;
	long long age = (long long)v->asof - visit->date;

	if (age < 0)
		return 0;
	if ((sh->count + 1) * 5 > sh->cap * 4)
		grow(sh);
	e = slot(sh, visit->key, h);
	if (!e->key) {
		e->key = visit->key;
		e->last = e->last_home = e->alert_date = EC_VISITS_NEVER;
		e->alert = 0;
		e->report = EC_REPORT_NONE;
		e->matched = 0;
		sh->count++;
	}
	if (visit->date > e->last)
		e->last = visit->date;
	if (visit->home && visit->date > e->last_home)
		e->last_home = visit->date;
	/* ">=": of two alerts on one day, the later row is the news. */
	if (visit->situation >= 0 && visit->situation < UINT16_MAX &&
	    age <= v->window &&
	    (!e->alert || visit->date >= e->alert_date)) {
		e->alert_date = visit->date;
		e->alert = (uint16_t)(visit->situation + 1);
		e->report = (uint8_t)report_status(v, visit->date,
		    visit->reported, visit->reported_date);
	}
	return 1;
}

struct ec_visit_entry *
ec_visits_find(const struct ec_visits *v, uint64_t key)
{
	uint64_t h = ec_hash64(key);
	struct ec_visit_entry *e;

	if (key == 0)
		return NULL;
	e = slot(shard_of(v, h), key, h);
	return e->key ? e : NULL;
}

void
ec_visits_prefetch(const struct ec_visits *v, uint64_t key)
{
	uint64_t h = ec_hash64(key);
	const struct shard *sh = shard_of(v, h);

	__builtin_prefetch(&sh->t[h & (sh->cap - 1)]);
}

size_t
ec_visits_unmatched(const struct ec_visits *v)
{
	size_t n = 0;

	for (size_t i = 0; i < NSHARDS; i++)
		for (size_t j = 0; j < v->shard[i].cap; j++)
			n += v->shard[i].t[j].key && !v->shard[i].t[j].matched;
	return n;
}
