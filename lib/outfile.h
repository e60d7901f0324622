/*
 * outfile.h - output files that appear whole or not at all.
 *
 * The data goes to a hidden temporary file beside the target
 * (.NAME.PID.XXXXXX), which is renamed over the target only on commit.  A
 * process that dies before that leaves the target as it was.  The
 * temporary files still open are listed so that a signal handler can
 * remove them (ec_outfile_cleanup is async-signal-safe).  Where Linux's
 * O_TMPFILE works, ec_outfile_open's file has no name until commit links
 * it (.NAME.PID.N) just before the rename: even SIGKILL leaves nothing.  A directory
 * is refused at once.  A target
 * that exists and is neither a regular file nor a directory (a device, a
 * FIFO: /dev/stdout, /dev/null) is opened and written in place, since a
 * rename would replace it; then tmp is NULL.
 */
#ifndef EC_OUTFILE_H
#define EC_OUTFILE_H

#include <stddef.h>

#include "util.h"

struct ec_outfile {
	char *path;		/* the target (owned) */
	char *tmp;		/* the temporary file (owned), or NULL */
	int fd;
	int anon;		/* the file has no name yet (O_TMPFILE) */
};

/* 0, or -1 with a message in err. */
int ec_outfile_open(struct ec_outfile *o, const char *path,
	struct ec_error *err);

/*
 * The same, but whatever path is now (a FIFO, a device, a symbolic link
 * to one), a temporary file is made and renamed over it: for names made
 * from data, where what stands under the name was not chosen by the user.
 */
int ec_outfile_replace(struct ec_outfile *o, const char *path,
	struct ec_error *err);

/*
 * fsyncs and closes the temporary file (naming it, if it had no name):
 * all of a commit that a full disk can make fail, so that several files
 * can all be made ready before any is renamed.  0, or -1 with a message
 * (the temporary file removed).
 */
int ec_outfile_ready(struct ec_outfile *o, struct ec_error *err);

/*
 * Makes the file ready unless it is, and renames it over the target; 0,
 * or -1 with a message (the temporary file removed).
 */
int ec_outfile_commit(struct ec_outfile *o, struct ec_error *err);

/* Closes and removes the temporary file. */
void ec_outfile_abort(struct ec_outfile *o);

/*
 * A scratch file for a tool's own use (records waiting to be sorted, say)
 * in ec_scratch_dir(): with no name where O_TMPFILE works, else removed
 * as soon as made, so that it is gone once closed, whatever way the
 * process ends.  Returns its descriptor, or -1 with errno.
 */
int ec_scratch_open(void);

/* Where scratch files go: $TMPDIR, else /tmp. */
const char *ec_scratch_dir(void);

/*
 * Removes every temporary file still open: for signal handlers and
 * atexit(3), so that no exit leaves one behind.
 */
void ec_outfile_cleanup(void);

/*
 * Removes from dir the temporary files of runs killed before they could
 * (SIGKILL, a power cut): regular files named .NAME.PID.XXXXXX, as
 * ec_outfile_replace names them, where NAME ends with suffix (".csv"),
 * no process PID runs here, and the file was last written min_age
 * seconds ago or more (a run on another machine writing the same
 * directory over NFS has a PID this one cannot see).  Returns how many.
 */
size_t ec_outfile_sweep(const char *dir, const char *suffix, long min_age);

#endif
