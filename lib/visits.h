/*
 * visits.h - the visit index of visit-due: one small entry per person
 * visited, never the visits themselves (visit-due(1)).
 *
 * A person is the 64-bit key ec_idset_key() makes of the normalised
 * 18-character ID number, so a 15-digit number in one file and its
 * 18-character form in another are the same person.  Each visit added
 * updates its person's entry: the last visit, the last home visit, and
 * the latest visit within the alert window (0 to alert_window_days days
 * before the as-of date) that found a situation, with whether it was
 * reported on time.  "Latest" ties go to the visit added last, that is
 * the later row.  Visits dated after the as-of date are not counted
 * (visit-due rejects them before they get here).
 *
 * The entries live in an open-addressing table of 24-byte slots, split
 * into 64 shards that grow one at a time, so the table stays between 30
 * and 60 bytes per person and growing it never needs the whole table
 * twice over.
 *
 * Ownership: the index owns its entries; a pointer from ec_visits_find
 * is valid until the next ec_visits_add.  Nothing here prints, exits or
 * fails but allocation (which exits, see util.h).
 */
#ifndef EC_VISITS_H
#define EC_VISITS_H

#include <stddef.h>
#include <stdint.h>

#include "date.h"

/* A date an entry does not have (never visited, never at home). */
#define EC_VISITS_NEVER INT32_MIN

/* How the situation found on the alert visit was reported. */
enum ec_report {
	EC_REPORT_NONE = 0,	/* no alert */
	EC_REPORT_ON_TIME,	/* within report_within_days of the visit */
	EC_REPORT_LATE,		/* later */
	EC_REPORT_MISSING,	/* no reported_date */
};

/* One visit, as read from a visit log. */
struct ec_visit {
	uint64_t key;		/* ec_idset_key of the normalised ID */
	ec_date date;
	int home;		/* the mode is a home visit */
	int situation;		/* token index of what was found; -1: none */
	int reported;		/* 1: reported_date holds a date */
	ec_date reported_date;
};

/* What is kept of one person: 24 bytes. */
struct ec_visit_entry {
	uint64_t key;		/* 0: an empty slot */
	ec_date last;		/* last visit, or EC_VISITS_NEVER */
	ec_date last_home;	/* last home visit, or EC_VISITS_NEVER */
	ec_date alert_date;	/* the alert visit's date, when alert */
	uint16_t alert;		/* situation token index + 1; 0: no alert */
	uint8_t report;		/* enum ec_report of the alert */
	uint8_t matched;	/* set by the caller: the census has them */
};

struct ec_visits;

/*
 * An empty index for the as-of date asof, an alert window of
 * alert_window_days days before it (0 and alert_window_days included) and
 * a report deadline of report_within_days days after a visit.
 */
struct ec_visits *ec_visits_new(ec_date asof, long long alert_window_days,
	long long report_within_days);
void ec_visits_free(struct ec_visits *v);

/*
 * Counts a visit.  Returns 1, or 0 when it lies after the as-of date (it
 * is ignored).  A situation index over 65534 is taken for none.
 */
int ec_visits_add(struct ec_visits *v, const struct ec_visit *visit);

/* The entry of key, or NULL when nobody with that key was visited. */
struct ec_visit_entry *ec_visits_find(const struct ec_visits *v,
	uint64_t key);

/* Starts bringing key's slot into the cache, for an ec_visits_find soon. */
void ec_visits_prefetch(const struct ec_visits *v, uint64_t key);

/* The people in the index not matched. */
size_t ec_visits_unmatched(const struct ec_visits *v);

#endif
