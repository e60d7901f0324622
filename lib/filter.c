#include "filter.h"

#include <sys/types.h>
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idset.h"
#include "text.h"

/*
 * Repeated IDs are found with a set of the IDs seen in every input
 * (idset.h), which grows with the sheet: see elder-classify(1), BUGS.
 */
#define ESTIMATE_AFTER 65536	/* records, before the set of IDs is sized */

void
ec_filter_init(struct ec_filter *f, const char *const *names)
{
	memset(f, 0, sizeof *f);
	f->delim = ',';
	f->names = names;
	/* Duplicates are looked for across all the inputs, as one sheet. */
	f->seen = ec_idset_new();
}

void
ec_filter_release(struct ec_filter *f)
{
	for (size_t i = 0; i < f->first_n; i++)
		free(f->first[i]);
	free(f->first);
	f->first = NULL;
	f->first_n = 0;
	ec_idset_free(f->seen);
	f->seen = NULL;
	ec_buf_release(&f->errors);
}

void
ec_filter_reader_error(const struct ec_csv_reader *r, const char *file,
    const char *option, struct ec_error *err)
{
	struct ec_buf b = EC_BUF_INIT;
	size_t line;
	const char *m = ec_csv_reader_error(r, &line), *e;

	/* The reader's advice names -E: say the option this file goes by. */
	while ((e = strstr(m, "-E")) != NULL &&
	    (e[2] == ' ' || e[2] == ')' || e[2] == '\0')) {
		ec_buf_add(&b, m, (size_t)(e - m));
		ec_buf_adds(&b, option);
		m = e + 2;
	}
	ec_buf_adds(&b, m);
	if (line)
		ec_error_set(err, "%s:%zu: %s", file, line, b.p);
	else
		ec_error_set(err, "%s: %s", file, b.p);
	ec_buf_release(&b);
}

struct ec_csv_reader *
ec_filter_reader(int fd, const struct ec_csv_options *opt, const char *file,
    const char *option, struct ec_csv_record **header, struct ec_error *err)
{
	struct ec_csv_reader *r;
	enum ec_csv_status st;
	struct ec_error why;

	if (!(r = ec_csv_reader_new(fd, opt, &why))) {
		ec_error_set(err, "%s: %s (eldercare reads UTF-8, GB18030 and "
		    "GBK)", option, why.msg);
		return NULL;
	}
	st = ec_csv_next(r, header);
	if (st == EC_CSV_FATAL)
		ec_filter_reader_error(r, file, option, err);
	else if (st == EC_CSV_EOF)
		ec_error_set(err, "%s: no header: the file is empty", file);
	else if ((*header)->error)
		ec_error_set(err, "%s:%zu: header: %s", file, (*header)->line,
		    ec_csv_rec_strerror((*header)->error));
	else
		return r;
	ec_csv_reader_free(r);
	return NULL;
}

int
ec_filter_same_header(char *const *first, size_t n,
    const struct ec_csv_record *h)
{
	if (h->nfields != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (strlen(first[i]) != h->fields[i].n ||
		    memcmp(first[i], h->fields[i].p, h->fields[i].n) != 0)
			return 0;
	return 1;
}

/*
 * 0 when the output and the rejects file header h makes are no wider
 * than a reader takes (EC_CSV_FIELDS_MAX); else -1 and why in err.
 */
static int
check_width(const struct ec_filter *f, const struct ec_csv_record *h,
    struct ec_error *err)
{
	size_t out = 0, rej = f->rej ? h->nfields + 2 : 0;
	char msg[512];		/* where the message has always been cut */

	if (f->out && !f->own_output) {
		out = f->nappend;
		for (size_t i = 0; i < h->nfields; i++)
			out += !ec_sheet_dropped(f->sheet, i);
	}
	if (out <= EC_CSV_FIELDS_MAX && rej <= EC_CSV_FIELDS_MAX)
		return 0;
	snprintf(msg, sizeof msg, "%s:%zu: header: %zu columns: %s would "
	    "have %zu, more than the %d a tool reads", f->file, h->line,
	    h->nfields, out > EC_CSV_FIELDS_MAX ? "the output" :
	    "the rejects file", out > EC_CSV_FIELDS_MAX ? out : rej,
	    EC_CSV_FIELDS_MAX);
	ec_error_set(err, "%s", msg);
	return -1;
}

static void
write_header(struct ec_filter *f, const struct ec_csv_record *h)
{
	if (f->rej) {
		ec_csv_write_fields(f->rej, h->fields, h->nfields);
		ec_csv_write_field(f->rej, "_line", 5);
		ec_csv_write_field(f->rej, "_errors", 7);
		ec_csv_end_record(f->rej);
	}
	if (!f->out || f->own_output)
		return;
	for (size_t i = 0; i < h->nfields; i++)
		if (!ec_sheet_dropped(f->sheet, i))
			ec_csv_write_field(f->out, h->fields[i].p,
			    h->fields[i].n);
	for (size_t i = 0; i < f->nappend; i++) {
		const char *name = f->pol->columns[f->append[i]].name;
		ec_csv_write_field(f->out, name, strlen(name));
	}
	ec_csv_end_record(f->out);
}

/* The header as written of field i, trimmed, for messages. */
static const char *
column_name(const struct ec_filter *f, int i, struct ec_buf *b)
{
	const char *h = ec_sheet_header(f->sheet, (size_t)i);
	size_t n = strlen(h);
	const char *p = ec_trim(h, &n);

	ec_buf_reset(b);
	ec_buf_add(b, p, n);
	return b->p;
}

void
ec_filter_problem(void *ctx, const struct ec_problem *p)
{
	struct ec_filter *f = ctx;
	struct ec_buf col = EC_BUF_INIT;
	const char *name = p->field >= 0 ? column_name(f, p->field, &col) :
	    NULL;

	ec_diag_data(f->diag, p->sev, p->kind, f->file, f->rec->line, name,
	    p->msg);
	if (p->sev == EC_ERROR) {
		f->rec_errors++;
		if (f->errors.len)
			ec_buf_adds(&f->errors, "; ");
		if (name)
			ec_buf_addf(&f->errors, "%s: ", name);
		ec_buf_adds(&f->errors, p->msg);
	} else {
		f->file_warnings++;
	}
	ec_buf_release(&col);
}

static void
record_problem(struct ec_filter *f, const char *kind, const char *msg)
{
	struct ec_problem p = { EC_ERROR, kind, -1, msg };

	ec_filter_problem(f, &p);
}

/* Counts rec rejected, and writes it to the rejects file: 0, or -1. */
static int
reject(struct ec_filter *f, const struct ec_csv_record *rec)
{
	char line[24];

	f->nrejected++;
	f->file_invalid++;
	if (!f->rej)
		return 0;
	if (rec->error && rec->raw) {
		/*
		 * What a broken record's fields are is not known: its text
		 * goes as it came, in one field, and the file stays CSV.
		 */
		ec_csv_write_field(f->rej, rec->raw, rec->raw_len);
	} else {
		ec_csv_write_fields(f->rej, rec->fields, rec->nfields);
	}
	ec_csv_write_field(f->rej, line, ec_fmt_int(line, (int64_t)rec->line));
	ec_csv_write_field(f->rej, f->errors.p ? f->errors.p : "",
	    f->errors.len);
	ec_csv_end_record(f->rej);
	return f->rej->err ? -1 : 0;
}

/* Writes rec and the appended columns to out: 0, or -1. */
static int
write_record(struct ec_filter *f, const struct ec_csv_record *rec,
    int keep_all)
{
	struct ec_csv_writer *w = f->out;

	/*
	 * A line with no quote holds no field that needs quoting: copy it
	 * as it came, as the fields would be written again anyway.
	 */
	if (keep_all && rec->plain && f->delim == ',') {
		ec_csv_write_raw(w, rec->raw, rec->raw_len);
		w->nfields = (int)rec->nfields;
		w->last_empty = 0;
	} else {
		for (size_t i = 0; i < rec->nfields; i++)
			if (!ec_sheet_dropped(f->sheet, i))
				ec_csv_write_field(w, rec->fields[i].p,
				    rec->fields[i].n);
	}
	for (size_t i = 0; i < f->nappend; i++) {
		struct ec_value v;
		ec_sheet_value(f->sheet, f->append[i], &v);
		ec_value_write_field(&v, w);
	}
	ec_csv_end_record(w);
	return w->err ? -1 : 0;
}

/*
 * Of a regular file, the size over the length of the first records says
 * about how many come: the set of IDs makes room for them at once
 * instead of doubling its way there.  The first 65536 (11 MB of a
 * census, many villages) make an estimate that a few odd lines at the
 * start cannot throw far off; a smaller file needs none.
 */
static void
estimate(struct ec_filter *f, off_t size, size_t *first_bytes,
    const struct ec_csv_record *rec)
{
	if (size <= 0 || f->file_records > ESTIMATE_AFTER)
		return;
	/* its bytes, or near enough: quotes are not counted */
	if (rec->raw) {
		*first_bytes += rec->raw_len + 1;
	} else {
		for (size_t i = 0; i < rec->nfields; i++)
			*first_bytes += rec->fields[i].n + 1;
	}
	/* the file's records in all, and those still to come */
	size_t ids = ec_idset_count(f->seen), all = (size_t)
	    ((double)size / (double)*first_bytes * ESTIMATE_AFTER);
	size_t more = all > ESTIMATE_AFTER ? all - ESTIMATE_AFTER : 0;
	if (f->file_records == ESTIMATE_AFTER && ids > 0)
		ec_idset_reserve(f->seen, ids + more);
}

/* One record: rejected, left out or written. */
static enum ec_filter_status
one_record(struct ec_filter *f, const struct ec_csv_record *rec,
    size_t nheader, int keep_all)
{
	f->rec_errors = 0;
	ec_buf_reset(&f->errors);
	f->rec = rec;
	if (rec->error) {
		record_problem(f, "csv", ec_csv_rec_strerror(rec->error));
		return reject(f, rec) ? EC_FILTER_REJ_FAILED : EC_FILTER_OK;
	}
	if (rec->nfields != nheader) {
		char msg[120];
		snprintf(msg, sizeof msg, "record has %zu field%s, the header "
		    "has %zu", rec->nfields, rec->nfields == 1 ? "" : "s",
		    nheader);
		record_problem(f, "fields", msg);
		return reject(f, rec) ? EC_FILTER_REJ_FAILED : EC_FILTER_OK;
	}
	ec_sheet_record(f->sheet, rec);
	int rc = f->record(f->ctx, f->sheet);
	if (rc < 0 || f->rec_errors)
		return reject(f, rec) ? EC_FILTER_REJ_FAILED : EC_FILTER_OK;
	f->file_valid++;
	if (rc == 0 || !f->out) {
		f->nskipped += f->out != NULL;
		return EC_FILTER_OK;
	}
	f->nwritten++;
	return write_record(f, rec, keep_all) ? EC_FILTER_OUT_FAILED :
	    EC_FILTER_OK;
}

/*
 * The records of r after its header of nheader fields, to the end of the
 * input (size bytes, or 0 when that is not known).
 */
static enum ec_filter_status
read_records(struct ec_filter *f, struct ec_csv_reader *r, off_t size,
    size_t nheader, struct ec_error *err)
{
	struct ec_csv_record *rec;
	enum ec_csv_status st;
	enum ec_filter_status fs;
	size_t first_bytes = 1;
	int keep_all = 1;

	for (size_t i = 0; i < nheader; i++)
		keep_all &= !ec_sheet_dropped(f->sheet, i);
	while ((st = ec_csv_next(r, &rec)) == EC_CSV_RECORD) {
		f->nread++;
		f->file_records++;
		estimate(f, size, &first_bytes, rec);
		fs = one_record(f, rec, nheader, keep_all);
		if (fs != EC_FILTER_OK)
			return fs;
	}
	if (st == EC_CSV_FATAL) {
		ec_filter_reader_error(r, f->file, "-E", err);
		return EC_FILTER_ERROR;
	}
	ec_diag_finish(f->diag, f->file);
	return EC_FILTER_OK;
}

/*
 * The header h of the input: bound to the policy's and the tool's
 * columns, and written if it is the first input's, else the same as
 * that one.
 */
static enum ec_filter_status
start_file(struct ec_filter *f, struct ec_csv_reader *r,
    const struct ec_csv_record *h, struct ec_error *err)
{
	struct ec_error why;

	ec_sheet_share_seen(f->sheet, f->seen, f->file_no - 1, f->names);
	if (ec_sheet_bind(f->sheet, h, &why) != 0) {
		ec_error_set(err, "%s:%zu: %s", f->file, h->line, why.msg);
		return EC_FILTER_ERROR;
	}
	f->rec = h;
	if (f->bind(f->ctx, f->sheet) != 0)
		return EC_FILTER_REFUSED;
	if (check_width(f, h, err) != 0)
		return EC_FILTER_ERROR;
	ec_sheet_prepare(f->sheet, r, 1);
	if (!f->first) {
		f->first = ec_xcalloc(h->nfields, sizeof *f->first);
		for (size_t i = 0; i < h->nfields; i++)
			f->first[i] = ec_xmemdup(h->fields[i].p,
			    h->fields[i].n);
		f->first_n = h->nfields;
		write_header(f, h);
	} else if (!ec_filter_same_header(f->first, f->first_n, h)) {
		ec_error_set(err, "%s:%zu: the header differs from the first "
		    "file's", f->file, h->line);
		return EC_FILTER_ERROR;
	}
	return EC_FILTER_OK;
}

enum ec_filter_status
ec_filter_file(struct ec_filter *f, int fd, struct ec_error *err)
{
	struct ec_csv_options opt = { f->delim, f->encoding, 0 };
	struct ec_csv_record *h;
	struct ec_csv_reader *r;
	struct stat sb;
	enum ec_filter_status st;

	f->file = f->names[f->file_no++];
	f->file_records = f->file_valid = f->file_invalid = 0;
	f->file_warnings = 0;
	if (!(r = ec_filter_reader(fd, &opt, f->file, "-E", &h, err)))
		return EC_FILTER_ERROR;
	f->sheet = ec_sheet_new(f->pol, f->asof);
	st = start_file(f, r, h, err);
	if (st == EC_FILTER_OK) {
		off_t size = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) ?
		    sb.st_size : 0;
		st = read_records(f, r, size, h->nfields, err);
	}
	ec_csv_reader_free(r);	/* its thread may read the sheet */
	ec_sheet_free(f->sheet);
	f->sheet = NULL;
	return st;
}
