#define _GNU_SOURCE		/* O_TMPFILE */
#include "outfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

/*
 * The temporary files not yet committed, for ec_outfile_cleanup, which a
 * signal handler may call at any moment: a list that only grows, whose
 * nodes are published whole and emptied, never freed, so the handler
 * never meets a half-made or freed node.  A node is reused when empty.
 */
struct pending {
	char *volatile path;
	struct pending *next;
};

static struct pending *volatile pending;

static void
track(char *tmp, int add)
{
	struct pending *p;

	for (p = pending; p; p = p->next) {
		if (add && p->path == NULL) {
			p->path = tmp;
			return;
		}
		if (!add && p->path == tmp) {
			p->path = NULL;
			return;
		}
	}
	if (!add)
		return;
	p = ec_xmalloc(sizeof *p);
	p->path = tmp;
	p->next = pending;
	pending = p;
}

int
ec_outfile_open(struct ec_outfile *o, const char *path,
    struct ec_error *err)
{
	struct stat st;

	/*
	 * A device or a pipe (/dev/stdout, /dev/null, a FIFO) is written
	 * as it is: a rename would replace it with a file.
	 */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) &&
	    !S_ISDIR(st.st_mode)) {
		if ((o->fd = open(path, O_WRONLY)) < 0) {
			ec_error_set(err, "%s: %s", path, strerror(errno));
			return -1;
		}
		o->tmp = NULL;
		o->anon = 0;
		o->path = ec_xstrdup(path);
		return 0;
	}
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		ec_error_set(err, "%s: %s", path, strerror(EISDIR));
		return -1;
	}
#ifdef O_TMPFILE
	/*
	 * Where the file system can, the data goes to a file with no name
	 * at all (O_TMPFILE), named only at commit: a process killed even
	 * by SIGKILL then leaves nothing behind.  Naming it goes through
	 * /proc/self/fd, so without /proc the named way is taken.
	 */
	const char *slash = strrchr(path, '/');
	char *dir = slash ? ec_xmemdup(path, (size_t)(slash - path) + 1) :
	    ec_xstrdup(".");
	o->fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
	free(dir);
	if (o->fd >= 0) {
		char proc[64];
		snprintf(proc, sizeof proc, "/proc/self/fd/%d", o->fd);
		if (access(proc, F_OK) == 0) {
			o->tmp = NULL;
			o->anon = 1;
			o->path = ec_xstrdup(path);
			return 0;
		}
		close(o->fd);
	}
#endif
	return ec_outfile_replace(o, path, err);
}

/*
 * Gives the unnamed file of o a hidden name beside the target, for the
 * rename: 0, or -1 with errno.  The name is listed for cleanup.
 */
static int
name_anon(struct ec_outfile *o)
{
	const char *slash = strrchr(o->path, '/');
	size_t dirlen = slash ? (size_t)(slash - o->path) + 1 : 0;
	char proc[64];

	snprintf(proc, sizeof proc, "/proc/self/fd/%d", o->fd);
	for (unsigned n = 0; n < 100; n++) {
		struct ec_buf b = EC_BUF_INIT;
		ec_buf_add(&b, o->path, dirlen);
		ec_buf_addc(&b, '.');
		ec_buf_adds(&b, o->path + dirlen);
		ec_buf_addf(&b, ".%ld.%u", (long)getpid(), n);
		if (linkat(AT_FDCWD, proc, AT_FDCWD, b.p,
		    AT_SYMLINK_FOLLOW) == 0) {
			o->tmp = b.p;
			track(o->tmp, 1);
			return 0;
		}
		ec_buf_release(&b);
		if (errno != EEXIST)
			return -1;
	}
	errno = EEXIST;
	return -1;
}

int
ec_outfile_replace(struct ec_outfile *o, const char *path,
    struct ec_error *err)
{
	const char *slash = strrchr(path, '/');
	size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
	struct ec_buf b = EC_BUF_INIT;
	struct stat st;
	mode_t mask;

	/* Found now, not by the rename at the end of the work. */
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		ec_error_set(err, "%s: %s", path, strerror(EISDIR));
		return -1;
	}
	ec_buf_add(&b, path, dirlen);
	ec_buf_addc(&b, '.');
	ec_buf_adds(&b, path + dirlen);
	/* Whose it is: ec_outfile_sweep knows a dead run's by it. */
	ec_buf_addf(&b, ".%ld.XXXXXX", (long)getpid());
	o->fd = mkstemp(b.p);
	if (o->fd < 0) {
		ec_error_set(err, "%s: %s", path, strerror(errno));
		ec_buf_release(&b);
		return -1;
	}
	/* mkstemp makes 0600; the target gets what the umask allows. */
	mask = umask(0);
	umask(mask);
	fchmod(o->fd, 0666 & ~mask);
	o->tmp = b.p;
	o->anon = 0;
	o->path = ec_xstrdup(path);
	track(o->tmp, 1);
	return 0;
}

/*
 * Lets go of o's names, its file already closed: the temporary file is
 * no longer listed for removal, and removed if remove says so.
 */
static void
let_go(struct ec_outfile *o, int remove)
{
	if (o->tmp) {
		if (remove)
			unlink(o->tmp);
		track(o->tmp, 0);
	}
	free(o->tmp);
	free(o->path);
	o->tmp = o->path = NULL;
	o->fd = -1;
}

int
ec_outfile_ready(struct ec_outfile *o, struct ec_error *err)
{
	int rc = 0;

	if (fsync(o->fd) != 0 && errno != EINVAL && errno != EROFS) {
		ec_error_set(err, "%s: %s", o->path, strerror(errno));
		rc = -1;
	}
	if (rc == 0 && o->anon && name_anon(o) != 0) {
		ec_error_set(err, "%s: %s", o->path, strerror(errno));
		rc = -1;
	}
	o->anon = 0;
	if (close(o->fd) != 0 && rc == 0) {
		ec_error_set(err, "%s: %s", o->path, strerror(errno));
		rc = -1;
	}
	o->fd = -1;
	if (rc != 0)
		let_go(o, 1);
	return rc;
}

int
ec_outfile_commit(struct ec_outfile *o, struct ec_error *err)
{
	int rc = 0;

	if (o->fd >= 0 && ec_outfile_ready(o, err) != 0)
		return -1;
	if (o->tmp && rename(o->tmp, o->path) != 0) {
		ec_error_set(err, "%s: %s", o->path, strerror(errno));
		rc = -1;
	}
	let_go(o, rc != 0);
	return rc;
}

void
ec_outfile_abort(struct ec_outfile *o)
{
	if (o->anon) {
		/* Closed, the unnamed file is gone. */
		close(o->fd);
		free(o->path);
		o->path = NULL;
		o->fd = -1;
		o->anon = 0;
		return;
	}
	/* Written in place (a device): closed, and nothing to undo. */
	if (o->fd >= 0 && (o->tmp || o->path))
		close(o->fd);
	let_go(o, 1);
}

void
ec_outfile_cleanup(void)
{
	for (struct pending *p = pending; p; p = p->next)
		if (p->path)
			unlink(p->path);
}

/*
 * Is name (in a directory) .NAME.PID.XXXXXX, NAME ending in suffix,
 * XXXXXX what mkstemp(3) makes?  Then *pid is PID.
 */
static int
temp_name(const char *name, const char *suffix, long *pid)
{
	size_t n = strlen(name), sl = strlen(suffix), i;

	if (n < 1 + sl + 1 + 1 + 1 + 6 || name[0] != '.')
		return 0;
	for (i = n - 6; i < n; i++)
		if (!((name[i] >= '0' && name[i] <= '9') ||
		    (name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= 'A' && name[i] <= 'Z')))
			return 0;
	if (name[n - 7] != '.')
		return 0;
	i = n - 7;	/* the dot before XXXXXX; the PID ends here */
	size_t end = i;
	while (i > 0 && name[i - 1] >= '0' && name[i - 1] <= '9')
		i--;
	if (i == end || end - i > 9 || name[i - 1] != '.')
		return 0;
	/* .NAME ends with suffix, NAME not empty */
	size_t name_end = i - 1;
	if (name_end < 1 + sl + 1 ||
	    memcmp(name + name_end - sl, suffix, sl) != 0)
		return 0;
	*pid = strtol(name + i, NULL, 10);
	return *pid > 0;
}

size_t
ec_outfile_sweep(const char *dir, const char *suffix, long min_age)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t removed = 0;
	time_t now = time(NULL);

	if (!d)
		return 0;
	while ((e = readdir(d)) != NULL) {
		struct stat st;
		long pid;
		if (!temp_name(e->d_name, suffix, &pid) ||
		    pid == (long)getpid())
			continue;
		/* Alive, or its number taken by another: not ours to touch. */
		if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !S_ISREG(st.st_mode) || now - st.st_mtime < min_age)
			continue;
		if (unlinkat(dirfd(d), e->d_name, 0) == 0)
			removed++;
	}
	closedir(d);
	return removed;
}

const char *
ec_scratch_dir(void)
{
	const char *dir = getenv("TMPDIR");

	return dir && *dir ? dir : "/tmp";
}

int
ec_scratch_open(void)
{
	const char *dir = ec_scratch_dir();
	struct ec_buf b = EC_BUF_INIT;
	int fd, e;

#ifdef O_TMPFILE
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
#endif
	ec_buf_addf(&b, "%s/.eldercare.XXXXXX", dir);
	fd = mkstemp(b.p);
	e = errno;
	if (fd >= 0)
		unlink(b.p);	/* gone once closed */
	ec_buf_release(&b);
	errno = e;
	return fd;
}
