/*
 * diag.h - messages about data, as TOOL: FILE:LINE: COLUMN: message.
 *
 * The command owns an ec_diag and says where messages go; the library
 * hands it problems.  Messages are counted by kind (a short key such as
 * "id-check"); past the cap for a kind they are counted, not printed, and
 * ec_diag_finish prints one line per kind saying how many were held back.
 * Values taken from the data are passed as arguments, never as formats.
 */
#ifndef EC_DIAG_H
#define EC_DIAG_H

#include <stddef.h>
#include <stdio.h>

#include "util.h"

#define EC_DIAG_CAP 100
#define EC_DIAG_KINDS 64

enum ec_severity {
	EC_WARNING = 0,
	EC_ERROR = 1,
};

struct ec_diag_kind {
	const char *key;	/* static string */
	char sample[120];	/* the first message of the kind */
	size_t count;
};

struct ec_diag {
	const char *prog;
	FILE *out;
	size_t cap;		/* 0: print every message */
	struct ec_diag_kind kinds[EC_DIAG_KINDS];
	size_t nkinds;
	size_t errors, warnings;	/* data messages, printed or not */
};

void ec_diag_init(struct ec_diag *d, const char *prog, FILE *out,
	size_t cap);

/*
 * A data problem at file:line, in column (the header as written, or NULL
 * for a problem of the whole record).
 */
void ec_diag_data(struct ec_diag *d, enum ec_severity sev, const char *kind,
	const char *file, size_t line, const char *column, const char *msg);

/*
 * Problems of the header of file, one a line of msg (ec_sheet_missing's,
 * say), each printed as a message about line 1; msg is released.
 * Returns -1 when there was one, else 0.
 */
int ec_diag_header(struct ec_diag *d, const char *file, struct ec_buf *msg);

/* Prints the counts of messages held back, for file. */
void ec_diag_finish(struct ec_diag *d, const char *file);

/*
 * Appends a value from the data to b for a message: quoted with '', cut
 * to about 40 bytes at a character boundary, control bytes as \xNN.
 */
void ec_diag_quote(struct ec_buf *b, const char *p, size_t n);

#endif
