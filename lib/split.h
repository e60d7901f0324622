/*
 * split.h - one output file per value of a column (visit-due's
 * --split-by COLUMN --out-dir DIR): file names safe on every system, and
 * every file written whole or not at all.
 *
 * A value gets the file DIR/NAME.csv, NAME being the value made safe:
 * the bytes / \ : * ? " < > |, control characters (C0, DEL, C1) and
 * bytes that are not UTF-8 become '_', and so do leading dots; a name
 * that Windows reserves for a device (CON, PRN, AUX, NUL, COM1-COM9,
 * LPT1-LPT9, in any case, with or without an extension) gets a '_' in
 * front; an empty value is "_blank"; the name is cut to 100 bytes at a
 * character boundary.  NAME never holds a path separator, never starts
 * with a dot and is never empty, so DIR/NAME.csv stays inside DIR.  Two
 * values whose names are the same (ASCII letters in any case, as Windows
 * and macOS compare them) get NAME-2.csv, NAME-3.csv ... in the order
 * the values come.  Each file is written to a hidden temporary
 * file beside it (outfile.h) and renamed over DIR/NAME.csv by
 * ec_split_commit, so a run that dies leaves every file as it was (a
 * run killed by SIGKILL leaves its temporary files too, for
 * ec_outfile_sweep).
 * Whatever stands under a name (a FIFO, a device, a symbolic link) is
 * replaced, never written through.
 *
 * Open files stay bounded whatever the number of values: at most max_open
 * temporary files are open at once, each with a 64 KiB buffer; when one
 * more is needed the least recently written is flushed and closed, and
 * opened again in append mode when its value comes back.  The temporary
 * files not yet committed are listed with every other output file's for
 * ec_outfile_cleanup (outfile.h), which a signal handler may call.
 *
 * Ownership: a writer owns its groups, names and buffers; the values and
 * bytes given to it are copied.  Errors: the functions that touch files
 * return -1 with a message in err (nothing printed); the writer is then
 * still consistent and may be aborted.
 */
#ifndef EC_SPLIT_H
#define EC_SPLIT_H

#include <stddef.h>

#include "util.h"

struct ec_split;

/*
 * Makes dir for the files unless it is a directory already (another run
 * making it at the same moment is fine), and removes the temporary files
 * that runs killed half-way left there, min_age seconds old or more
 * (ec_outfile_sweep), *swept of them.  0, or an errno value (ENOTDIR
 * when dir is something else).
 */
int ec_split_make_dir(const char *dir, long min_age, size_t *swept);

/*
 * A writer of files under dir (which must exist), each beginning with
 * head[0..headlen) (a BOM, a header line).  max_open: at least 1.
 */
struct ec_split *ec_split_new(const char *dir, const void *head,
	size_t headlen, size_t max_open);

/* Removes the temporary files not committed, and frees everything. */
void ec_split_free(struct ec_split *sp);

/* The group of value s[0..n), made (and named) when new; no file yet. */
size_t ec_split_group(struct ec_split *sp, const char *s, size_t n);

/*
 * Appends p[0..n) to the group's file, creating it (with head) on the
 * first write.  0, or -1 with a message in err.
 */
int ec_split_write(struct ec_split *sp, size_t group, const void *p,
	size_t n, struct ec_error *err);

/*
 * Flushes and syncs every group's file, then renames them all into place,
 * in the order the groups were made; a group never written gets a file
 * holding head alone.  0, or -1 with a message in err (the files not yet
 * renamed stay temporary: ec_split_free removes them).  A write that
 * fails, a full disk, changes no file: only a rename failing, or a
 * signal among the renames, leaves some files new and some old.
 */
int ec_split_commit(struct ec_split *sp, struct ec_error *err);

#endif
