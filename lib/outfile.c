#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

#define MAX_OPEN 256

/* The temporary files not yet committed, for ec_outfile_cleanup. */
static char *volatile pending[MAX_OPEN];

static void
track(char *tmp, int add)
{
	for (size_t i = 0; i < MAX_OPEN; i++) {
		if (add && pending[i] == NULL) {
			pending[i] = tmp;
			return;
		}
		if (!add && pending[i] == tmp) {
			pending[i] = NULL;
			return;
		}
	}
}

int
ec_outfile_open(struct ec_outfile *o, const char *path, char *err,
    size_t errlen)
{
	const char *slash = strrchr(path, '/');
	size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
	struct ec_buf b = EC_BUF_INIT;
	mode_t mask;

	ec_buf_add(&b, path, dirlen);
	ec_buf_addc(&b, '.');
	ec_buf_adds(&b, path + dirlen);
	ec_buf_adds(&b, ".XXXXXX");
	o->fd = mkstemp(b.p);
	if (o->fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		ec_buf_release(&b);
		return -1;
	}
	/* mkstemp makes 0600; the target gets what the umask allows. */
	mask = umask(0);
	umask(mask);
	fchmod(o->fd, 0666 & ~mask);
	o->tmp = b.p;
	o->path = ec_xstrdup(path);
	track(o->tmp, 1);
	return 0;
}

int
ec_outfile_commit(struct ec_outfile *o, char *err, size_t errlen)
{
	int rc = 0;

	if (fsync(o->fd) != 0 && errno != EINVAL && errno != EROFS) {
		snprintf(err, errlen, "%s: %s", o->path, strerror(errno));
		rc = -1;
	}
	if (close(o->fd) != 0 && rc == 0) {
		snprintf(err, errlen, "%s: %s", o->path, strerror(errno));
		rc = -1;
	}
	o->fd = -1;
	if (rc == 0 && rename(o->tmp, o->path) != 0) {
		snprintf(err, errlen, "%s: %s", o->path, strerror(errno));
		rc = -1;
	}
	if (rc != 0)
		unlink(o->tmp);
	track(o->tmp, 0);
	free(o->tmp);
	free(o->path);
	o->tmp = o->path = NULL;
	return rc;
}

void
ec_outfile_abort(struct ec_outfile *o)
{
	if (!o->tmp)
		return;
	if (o->fd >= 0)
		close(o->fd);
	unlink(o->tmp);
	track(o->tmp, 0);
	free(o->tmp);
	free(o->path);
	o->tmp = o->path = NULL;
	o->fd = -1;
}

void
ec_outfile_cleanup(void)
{
	for (size_t i = 0; i < MAX_OPEN; i++)
		if (pending[i])
			unlink(pending[i]);
}
