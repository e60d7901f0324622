#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "text.h"

static void
oom(size_t n)
{
	fprintf(stderr, "eldercare: out of memory (%zu bytes)\n", n);
	exit(2);
}

void *
ec_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom(n);
	return p;
}

void *
ec_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		oom(n * size);
	return p;
}

void *
ec_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		oom(n);
	return q;
}

char *
ec_xstrdup(const char *s)
{
	return ec_xmemdup(s, strlen(s));
}

void *
ec_xaligned(size_t align, size_t n)
{
	/* aligned_alloc wants a size that is a multiple of align. */
	size_t size = (n + align - 1) & ~(align - 1);
	void *p = aligned_alloc(align, size ? size : align);

	if (!p)
		oom(size);
	memset(p, 0, size);
	return p;
}

char *
ec_xmemdup(const void *p, size_t n)
{
	char *q = ec_xmalloc(n + 1);

	if (n)
		memcpy(q, p, n);
	q[n] = '\0';
	return q;
}

void
ec_buf_grow(struct ec_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;

	if (need <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	b->p = ec_xrealloc(b->p, cap);
	b->cap = cap;
}

void
ec_buf_add(struct ec_buf *b, const void *p, size_t n)
{
	if (b->len + n + 1 > b->cap)
		ec_buf_grow(b, n);
	if (n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
ec_buf_adds(struct ec_buf *b, const char *s)
{
	ec_buf_add(b, s, strlen(s));
}

void
ec_buf_addc(struct ec_buf *b, char c)
{
	ec_buf_grow(b, 1);
	b->p[b->len++] = c;
	b->p[b->len] = '\0';
}

void
ec_buf_addf(struct ec_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	ec_buf_grow(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void
ec_buf_reset(struct ec_buf *b)
{
	b->len = 0;
	if (b->p)
		b->p[0] = '\0';
}

void
ec_buf_release(struct ec_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

void
ec_error_set(struct ec_error *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
}

size_t
ec_fmt_int(char *out, int64_t v)
{
	char tmp[24];
	size_t n = 0, len = 0;
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		out[len++] = '-';
	while (n)
		out[len++] = tmp[--n];
	out[len] = '\0';
	return len;
}

int
ec_write_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n > 0) {
		ssize_t w = write(fd, c, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? errno : EIO;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

char *
ec_read_file(const char *path, size_t max, size_t *len)
{
	struct ec_buf b = EC_BUF_INIT;
	char chunk[65536];
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return NULL;
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || b.len > max) {
			int e = n < 0 ? errno : EFBIG;
			close(fd);
			ec_buf_release(&b);
			errno = e;
			return NULL;
		}
		if (n == 0)
			break;
		ec_buf_add(&b, chunk, (size_t)n);
	}
	close(fd);
	*len = b.len;
	if (!b.p)
		return ec_xstrdup("");
	return b.p;
}

int
ec_names_add(struct ec_names *l, const char *arg)
{
	for (const char *p = arg;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		const char *name = ec_trim(p, &len);

		if (len == 0)
			return -1;
		l->v = ec_xrealloc(l->v, (l->n + 1) * sizeof *l->v);
		l->v[l->n++] = ec_xmemdup(name, len);
		if (!comma)
			return 0;
		p = comma + 1;
	}
}

void
ec_names_release(struct ec_names *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}
