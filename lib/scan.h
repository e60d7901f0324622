/*
 * scan.h - one column of a UTF-8 CSV file, found fast, for a first pass
 * that needs nothing else (elder-classify's repeated IDs, dups.h).
 *
 * The reader (csv.h) checks the UTF-8 of every line and splits every
 * field; this scan looks for line ends, quotes and delimiters only, and
 * frames records as the reader does wherever that is plain: LF or CRLF
 * line ends, blank lines skipped, a UTF-8 byte order mark skipped,
 * fields quoted whole with quotes inside doubled, line breaks inside
 * quotes.  It stops at the first record where framing is not plain (a
 * stray quote, a quote never closed, a CR that does not end a line, a
 * line break inside the column's own field, a record of 1 MiB or more,
 * too many fields) and says on which line that record starts: the
 * caller reads on from there with the reader.  It checks no UTF-8: bytes
 * the reader would stop at are scanned as data.
 */
#ifndef EC_SCAN_H
#define EC_SCAN_H

#include <stddef.h>

/*
 * Called with the field col (unquoted) of each record after the header
 * that has nfields fields, and the line where the record starts.
 * Returns 0, or -1 to stop the scan.
 */
typedef int ec_scan_fn(void *ctx, size_t line, const char *p, size_t n);

/*
 * Scans fd from where it stands.  Returns 0 at the end of the file; 1
 * when it stopped before the record that starts on *line (all those
 * before it done); -1 with errno on a read error, or when fn returned -1
 * (errno as fn left it).
 */
int ec_scan_column(int fd, char delim, size_t nfields, size_t col,
	ec_scan_fn *fn, void *ctx, size_t *line);

/*
 * For tests: with yes, lines are looked at byte by byte, as on a machine
 * without AVX2, rather than 32 bytes a step.
 */
void ec_scan_use_portable(int yes);

#endif
