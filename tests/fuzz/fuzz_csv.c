/*
 * fuzz_csv.c - libFuzzer harness of the CSV reader (lib/csv.h), and of
 * the writer through a round trip.
 *
 * The first four bytes choose the dialect and the way the rest comes:
 *
 *	byte 0	bits 0-2: delimiter , TAB ; | SPACE, byte 1 itself, , ,
 *		bits 3-4: encoding: none, "utf-8", "gb18030", "gbk"
 *		bit 5: free the reader after a few records (the reading
 *		       thread may be blocked in read(2): the cancel path)
 *		bit 6: write the records with the writer, read them again
 *		       and compare
 *		bit 7: a regular file read with read_max, instead of a
 *		       socket
 *	byte 1	the delimiter, for bits 0-2 = 5
 *	byte 2	bits 0-1: largest chunk (16, 256, 4096, 65536 bytes, and
 *		at most half the reader's read size);
 *		with the other bits, the seed of the chunk sizes
 *	byte 3	more of the seed; read_max; how many records before the
 *		reader is freed
 *
 * The rest is the input.  By default it comes through an AF_UNIX
 * SOCK_SEQPACKET socket written by a thread in chunks of sizes drawn
 * from the seed, so every read(2) of the reader returns exactly one
 * chunk: boundaries fall wherever the input says, as in libcsv's own
 * test and the simdcsv harnesses.
 *
 * Checked for every record: line numbers start at 1 and never go back,
 * a record has fields, no field is over EC_CSV_FIELD_MAX, fields are
 * UTF-8, a one-line record's raw text split at the delimiter gives its
 * fields when it has no quote (elder-classify copies it on that
 * promise), a broken record has its raw text.  At the end: the reader
 * fails only when the input is not valid in its encoding (iconv's
 * verdict for GB18030), and always then unless a line was refused as too
 * long (its rest is skipped unread); the round trip gives the same
 * fields.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <iconv.h>
#include <pthread.h>
#include <semaphore.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "csv.h"
#include "fuzz.h"
#include "util.h"

#define HDR 4

struct feed {
	int fd;
	const uint8_t *p;
	size_t n;
	uint64_t seed;
	size_t maxchunk;
};

/*
 * The feeding thread lives across inputs: starting and joining a thread
 * for each one cost, under ASan, more than the reader's own work (the
 * stacks unmapped, every CPU's TLB flushed).  go posts a feed, done
 * says it is sent and its end closed.
 */
static struct feed feed_job;
static sem_t feed_go, feed_done;

/* Sends each input in chunks, one message each, then closes (EOF). */
static void *
feeder(void *arg)
{
	(void)arg;
	for (;;) {
		struct feed *f = &feed_job;
		size_t off = 0;

		while (sem_wait(&feed_go) != 0)
			FUZZ_CHECK(errno == EINTR);
		while (off < f->n) {
			size_t k = 1 + fuzz_rand(&f->seed) % f->maxchunk;
			if (k > f->n - off)
				k = f->n - off;
			ssize_t w = send(f->fd, f->p + off, k, MSG_NOSIGNAL);
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0)
				break;	/* the reader was freed, its end closed */
			FUZZ_CHECK((size_t)w == k);
			off += k;
		}
		close(f->fd);
		sem_post(&feed_done);
	}
	return NULL;
}

static int
memfd(void)
{
	int fd = memfd_create("fuzz_csv", 0);

	FUZZ_CHECK(fd >= 0);
	return fd;
}

static void
fill_fd(int fd, const void *p, size_t n)
{
	FUZZ_CHECK(ftruncate(fd, 0) == 0);
	FUZZ_CHECK(pwrite(fd, p, n, 0) == (ssize_t)n);
	FUZZ_CHECK(lseek(fd, 0, SEEK_SET) == 0);
}

/* Does iconv convert all of p[0..n) from enc to UTF-8? */
static int
converts(const char *enc, const uint8_t *p, size_t n)
{
	iconv_t cd = iconv_open("UTF-8", enc);
	char out[4096];
	char *in = (char *)p;
	size_t inleft = n;
	int ok = 1;

	FUZZ_CHECK(cd != (iconv_t)-1);
	while (inleft > 0) {
		char *o = out;
		size_t oleft = sizeof out;
		if (iconv(cd, &in, &inleft, &o, &oleft) == (size_t)-1 &&
		    errno != E2BIG) {
			ok = 0;	/* EILSEQ, or EINVAL: cut off at the end */
			break;
		}
	}
	iconv_close(cd);
	return ok;
}

/* The fields of one-line record rec, split from its raw text. */
static int
raw_splits_to_fields(const struct ec_csv_record *rec, char delim)
{
	const char *p = rec->raw, *end = rec->raw + rec->raw_len;
	size_t i = 0;

	for (;;) {
		const char *q = memchr(p, delim, (size_t)(end - p));
		const char *fe = q ? q : end;
		if (i >= rec->nfields || rec->fields[i].n != (size_t)(fe - p) ||
		    (fe > p && memcmp(rec->fields[i].p, p, (size_t)(fe - p))))
			return 0;
		i++;
		if (!q)
			break;
		p = q + 1;
	}
	return i == rec->nfields;
}

/*
 * Appends a record's fields to b, length-prefixed, for comparison.  (The
 * writer quotes a field starting with a BOM, so that one at the very
 * start of what it writes is not taken for the file's BOM.)
 */
static void
save(struct ec_buf *b, const struct ec_csv_record *rec)
{
	ec_buf_add(b, &rec->nfields, sizeof rec->nfields);
	for (size_t i = 0; i < rec->nfields; i++) {
		const char *p = rec->fields[i].p ? rec->fields[i].p : "";
		size_t n = rec->fields[i].n;
		ec_buf_add(b, &n, sizeof n);
		ec_buf_add(b, p, n);
	}
}

/* Reads back what the writer wrote to fd: the same records, from 0. */
static void
read_again(int fd, const struct ec_buf *want)
{
	struct ec_csv_reader *r;
	struct ec_csv_record *rec;
	struct ec_buf got = EC_BUF_INIT;
	enum ec_csv_status st;
	struct ec_error err;

	/* Quotes added may make a record too long to read again. */
	int too_long = fuzz_fd_longest_record(fd) + 2 > EC_CSV_RECORD_MAX;

	FUZZ_CHECK(lseek(fd, 0, SEEK_SET) == 0);
	r = ec_csv_reader_new(fd, NULL, &err);
	FUZZ_CHECK(r != NULL);
	while ((st = ec_csv_next(r, &rec)) == EC_CSV_RECORD) {
		if (rec->error == EC_CSV_ERECORD_SIZE && too_long)
			goto out;
		FUZZ_CHECK(rec->error == EC_CSV_OK);
		save(&got, rec);
	}
	FUZZ_CHECK(st == EC_CSV_EOF);
	FUZZ_CHECK(got.len == want->len);
	FUZZ_CHECK(got.len == 0 || memcmp(got.p, want->p, got.len) == 0);
out:
	ec_buf_release(&got);
	ec_csv_reader_free(r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char delims[8] = { ',', '\t', ';', '|', ' ', 0, ',', ',' };
	static const char *const encodings[4] = {
		NULL, "utf-8", "gb18030", "gbk"
	};
	static const size_t chunks[4] = { 16, 256, 4096, 65536 };
	static int file_fd = -1, out_fd = -1;

	if (size < HDR)
		return 0;
	if (file_fd < 0) {
		pthread_t th;
		file_fd = memfd();
		out_fd = memfd();
		FUZZ_CHECK(sem_init(&feed_go, 0, 0) == 0);
		FUZZ_CHECK(sem_init(&feed_done, 0, 0) == 0);
		FUZZ_CHECK(pthread_create(&th, NULL, feeder, NULL) == 0);
		FUZZ_CHECK(pthread_detach(th) == 0);
	}

	uint8_t o = data[0];
	char delim = delims[o & 7];
	if ((o & 7) == 5)
		delim = (char)data[1];
	if (delim == 0 || delim == '"' || delim == '\n' || delim == '\r')
		delim = ',';	/* what ec_csv_parse_delim refuses */
	const char *enc = encodings[(o >> 3) & 3];
	int stop_early = o & 0x20, round_trip = o & 0x40, regular = o & 0x80;
	size_t stop_after = data[3] % 8;
	int utf8_fields = (unsigned char)delim < 0x80;
	const uint8_t *in = data + HDR;
	size_t n = size - HDR;

	/*
	 * A read of a SOCK_SEQPACKET socket shorter than the message drops
	 * the rest of it: chunks are never longer than the reader's reads
	 * (EC_CSV_READ_SIZE, less the few bytes of a character cut in two
	 * that iconv keeps).
	 */
	size_t maxchunk = chunks[data[2] & 3];
	if (maxchunk > EC_CSV_READ_SIZE / 2)
		maxchunk = EC_CSV_READ_SIZE / 2;
	struct ec_csv_options opt = { delim, enc, 0 };
	int fd;

	if (regular) {
		fill_fd(file_fd, in, n);
		fd = file_fd;
		opt.read_max = 1 + data[3] % 64;
	} else {
		int sv[2];
		FUZZ_CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == 0);
		fd = sv[0];
		feed_job = (struct feed){ sv[1], in, n,
		    ((uint64_t)data[2] << 8 | data[3]) + 1, maxchunk };
		sem_post(&feed_go);
	}

	struct ec_error err;
	struct ec_csv_reader *r = ec_csv_reader_new(fd, &opt, &err);
	FUZZ_CHECK(r != NULL);

	struct ec_csv_writer w;
	struct ec_buf want = EC_BUF_INIT;
	if (round_trip) {
		FUZZ_CHECK(ftruncate(out_fd, 0) == 0);
		FUZZ_CHECK(lseek(out_fd, 0, SEEK_SET) == 0);
		ec_csv_writer_init(&w, out_fd);
	}

	/* An upper bound of the lines: every CR and LF may end one. */
	size_t max_line = 1;
	for (size_t i = 0; i < n; i++)
		max_line += in[i] == '\n' || in[i] == '\r';

	struct ec_csv_record *rec;
	enum ec_csv_status st;
	size_t last = 1, nrec = 0;
	int all_utf8 = 1, stopped = 0, too_long = 0;
	while ((st = ec_csv_next(r, &rec)) == EC_CSV_RECORD) {
		FUZZ_CHECK(rec->line >= last && rec->line <= max_line);
		last = rec->line;
		if (rec->error) {
			FUZZ_CHECK(rec->error == EC_CSV_EQUOTE ||
			    rec->error == EC_CSV_EUNTERMINATED ||
			    rec->error == EC_CSV_EFIELD_SIZE ||
			    rec->error == EC_CSV_ERECORD_SIZE ||
			    rec->error == EC_CSV_EFIELD_COUNT);
			FUZZ_CHECK(rec->raw != NULL || rec->raw_len == 0);
			FUZZ_CHECK(rec->raw_len <= EC_CSV_FIELD_MAX);
			too_long |= rec->error == EC_CSV_EFIELD_SIZE ||
			    rec->error == EC_CSV_ERECORD_SIZE;
		} else {
			FUZZ_CHECK(rec->nfields > 0);
			for (size_t i = 0; i < rec->nfields; i++) {
				const struct ec_str *f = &rec->fields[i];
				FUZZ_CHECK(f->n <= EC_CSV_FIELD_MAX);
				FUZZ_CHECK(f->n == 0 || f->p != NULL);
				if (utf8_fields)
					FUZZ_CHECK(fuzz_utf8_ok(f->p, f->n));
				else
					all_utf8 &= fuzz_utf8_ok(f->p, f->n);
			}
			if (rec->raw) {
				FUZZ_CHECK(!memchr(rec->raw, '\n', rec->raw_len));
				if (!memchr(rec->raw, '"', rec->raw_len))
					FUZZ_CHECK(raw_splits_to_fields(rec,
					    delim));
			}
			if (round_trip) {
				ec_csv_write_fields(&w, rec->fields,
				    rec->nfields);
				ec_csv_end_record(&w);
				save(&want, rec);
			}
		}
		if (stop_early && ++nrec > stop_after) {
			stopped = 1;
			break;
		}
	}
	if (!stopped) {
		FUZZ_CHECK(st == EC_CSV_EOF || st == EC_CSV_FATAL);
		size_t line;
		const char *m = ec_csv_reader_error(r, &line);
		if (st == EC_CSV_FATAL)
			FUZZ_CHECK(m[0] != '\0' && line <= max_line);
		/*
		 * A read never fails here: only the encoding can.  The rest
		 * of a line refused as too long is skipped unread (csv.h):
		 * bad bytes there may go unseen.
		 */
		int valid = enc && strcmp(enc, "utf-8") != 0 ?
		    converts(enc, in, n) : fuzz_utf8_ok(in, n);
		if (st == EC_CSV_FATAL)
			FUZZ_CHECK(!valid);
		else
			FUZZ_CHECK(valid || too_long);
	}
	ec_csv_reader_free(r);

	if (round_trip) {
		FUZZ_CHECK(ec_csv_writer_flush(&w) == 0);
		ec_csv_writer_release(&w);
		if (all_utf8)
			read_again(out_fd, &want);
		ec_buf_release(&want);
	}
	if (!regular) {
		close(fd);	/* a feeder still sending stops */
		while (sem_wait(&feed_done) != 0)
			FUZZ_CHECK(errno == EINTR);
	}
	return 0;
}
