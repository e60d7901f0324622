#include "diag.h"

#include <string.h>

#include "text.h"

void
ec_diag_init(struct ec_diag *d, const char *prog, FILE *out, size_t cap)
{
	memset(d, 0, sizeof *d);
	d->prog = prog;
	d->out = out;
	d->cap = cap;
}

static struct ec_diag_kind *
kind_of(struct ec_diag *d, const char *key)
{
	for (size_t i = 0; i < d->nkinds; i++)
		if (d->kinds[i].key == key || strcmp(d->kinds[i].key, key) == 0)
			return &d->kinds[i];
	if (d->nkinds == EC_DIAG_KINDS)
		return &d->kinds[EC_DIAG_KINDS - 1];
	struct ec_diag_kind *k = &d->kinds[d->nkinds++];
	k->key = key;
	k->count = 0;
	k->sample[0] = '\0';
	return k;
}

void
ec_diag_data(struct ec_diag *d, enum ec_severity sev, const char *kind,
    const char *file, size_t line, const char *column, const char *msg)
{
	struct ec_diag_kind *k = kind_of(d, kind);

	if (sev == EC_ERROR)
		d->errors++;
	else
		d->warnings++;
	if (k->count++ == 0) {
		/* Keep whole characters: the sample is printed at the end. */
		size_t n = ec_utf8_clip(msg, strlen(msg), sizeof k->sample - 1);
		memcpy(k->sample, msg, n);
		k->sample[n] = '\0';
	}
	if (d->cap && k->count > d->cap)
		return;
	if (column)
		fprintf(d->out, "%s: %s:%zu: %s: %s: %s\n", d->prog, file, line,
		    column, sev == EC_ERROR ? "error" : "warning", msg);
	else
		fprintf(d->out, "%s: %s:%zu: %s: %s\n", d->prog, file, line,
		    sev == EC_ERROR ? "error" : "warning", msg);
}

void
ec_diag_finish(struct ec_diag *d, const char *file)
{
	for (size_t i = 0; i < d->nkinds; i++) {
		struct ec_diag_kind *k = &d->kinds[i];
		if (d->cap && k->count > d->cap) {
			fprintf(d->out, "%s: %s: %zu more messages like "
			    "'%s' not shown\n", d->prog, file,
			    k->count - d->cap, k->sample);
		}
		k->count = 0;
	}
	d->nkinds = 0;
}

void
ec_diag_quote(struct ec_buf *b, const char *p, size_t n)
{
	size_t i = 0, shown = 0;

	ec_buf_addc(b, '\'');
	while (i < n) {
		unsigned char c = (unsigned char)p[i];
		size_t len = ec_utf8_len(c);
		if (shown >= 40) {
			ec_buf_adds(b, "...");
			break;
		}
		int whole = i + len <= n;
		for (size_t k = 1; whole && k < len; k++)
			whole = ((unsigned char)p[i + k] & 0xc0) == 0x80;
		if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xc0) ||
		    c > 0xf4 || !whole) {
			ec_buf_addf(b, "\\x%02x", c);
			i++;
			shown += 4;
			continue;
		}
		ec_buf_add(b, p + i, len);
		i += len;
		shown += len == 1 ? 1 : 2;
	}
	ec_buf_addc(b, '\'');
}

int
ec_diag_header(struct ec_diag *d, const char *file, struct ec_buf *msg)
{
	int any = 0;

	for (char *line = msg->p, *nl; line && *line; line = nl + 1) {
		if (!(nl = strchr(line, '\n')))
			nl = line + strlen(line) - 1;
		else
			*nl = '\0';
		fprintf(d->out, "%s: %s:1: %s\n", d->prog, file, line);
		any = 1;
	}
	ec_buf_release(msg);
	return any ? -1 : 0;
}
