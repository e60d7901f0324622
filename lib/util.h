/*
 * util.h - memory, growable buffers, byte slices and the error of a
 * failure.
 *
 * The allocators never return NULL: on exhaustion they print one line and
 * exit with status 2 (the only place in lib/ that exits).  An ec_buf owns
 * its bytes; an ec_str borrows them.  A function of lib/ that can fail
 * (a file, a header, an encoding) says why in the caller's ec_error;
 * problems of single records go to a sheet's ec_problem_fn instead.
 */
#ifndef EC_UTIL_H
#define EC_UTIL_H

#include <stddef.h>
#include <stdint.h>

#define EC_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

void *ec_xmalloc(size_t n);
void *ec_xcalloc(size_t n, size_t size);
void *ec_xrealloc(void *p, size_t n);
char *ec_xstrdup(const char *s);
/* n zeroed bytes aligned to align (a power of two), freed by free(3). */
void *ec_xaligned(size_t align, size_t n);

/* A NUL-terminated copy of n bytes. */
char *ec_xmemdup(const void *p, size_t n);

/* Room for a file's name (up to 4096 bytes on Linux) and what it did. */
#define EC_ERROR_MAX 8192

/* Why something failed, as the command prints it after "TOOL: ". */
struct ec_error {
	char msg[EC_ERROR_MAX];
};

/* Sets e's message, printf-like (cut at EC_ERROR_MAX - 1 bytes). */
void ec_error_set(struct ec_error *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A borrowed run of bytes, not NUL-terminated. */
struct ec_str {
	const char *p;
	size_t n;
};

/* A growable byte buffer; p is always NUL-terminated once anything is added. */
struct ec_buf {
	char *p;
	size_t len;
	size_t cap;
};

#define EC_BUF_INIT { NULL, 0, 0 }

void ec_buf_grow(struct ec_buf *b, size_t extra);
void ec_buf_add(struct ec_buf *b, const void *p, size_t n);
void ec_buf_adds(struct ec_buf *b, const char *s);
void ec_buf_addc(struct ec_buf *b, char c);
void ec_buf_addf(struct ec_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void ec_buf_reset(struct ec_buf *b);
void ec_buf_release(struct ec_buf *b);

/*
 * Writes all of p[0..n) to fd, again after a short write or EINTR.
 * Returns 0, or the errno of the failure (EIO for a write of nothing).
 */
int ec_write_all(int fd, const void *p, size_t n);

/*
 * A list of names given as "a,b,c" (an option such as -b or --split-by):
 * ec_names_add appends each comma-separated name of arg, trimmed, as an
 * owned copy; it returns -1 at an empty name (the names before it are
 * added).  ec_names_release frees them all.
 */
struct ec_names {
	char **v;
	size_t n;
};
int ec_names_add(struct ec_names *l, const char *arg);
void ec_names_release(struct ec_names *l);

/*
 * The whole of the file at path, NUL-terminated, its length in *len;
 * NULL with errno (EFBIG once it holds more than max bytes) on failure.
 */
char *ec_read_file(const char *path, size_t max, size_t *len);

/* Mixes the bits of x (MurmurHash3's finaliser), for hash tables. */
static inline uint64_t
ec_hash64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

/*
 * FNV-1a over p[0..n), going on from h (start with EC_HASH_SEED), for
 * hash tables of strings.
 */
#define EC_HASH_SEED 14695981039346656037ULL

static inline uint64_t
ec_hash_bytes(const void *p, size_t n, uint64_t h)
{
	const unsigned char *s = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ s[i]) * 1099511628211ULL;
	return h;
}

/* Decimal of v into out (at least 21 bytes); returns the length. */
size_t ec_fmt_int(char *out, int64_t v);

#endif
