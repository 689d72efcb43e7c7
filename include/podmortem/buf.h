/*
 * buf.h - a growable byte buffer with a hard size cap.
 *
 * Every read of bundle data lands in one of these.  Once an append would
 * pass the cap (or malloc fails) the buffer stops growing and remembers
 * the error; later appends are ignored until pm_buf_check() reports and
 * clears it, so a parse loop can append freely and check once (like
 * curl's dynbuf or SQLite's sqlite3_str).  data is always NUL-terminated.
 */
#ifndef PODMORTEM_BUF_H
#define PODMORTEM_BUF_H

#include <stddef.h>
#include <string.h>

struct pm_buf {
	char *data;   /* NULL until the first append */
	size_t len;
	size_t alloc;
	size_t max;   /* cap on len; 0 means "no appends allowed" */
	int err;      /* sticky: PM_ETOOBIG or PM_ENOMEM */
};

#define PM_BUF_INIT(cap) { NULL, 0, 0, (cap), 0 }

void pm_buf_init(struct pm_buf *b, size_t max);
void pm_buf_release(struct pm_buf *b);
/* Empties the buffer and clears the sticky error; keeps the memory. */
void pm_buf_reset(struct pm_buf *b);
int pm_buf_add_slow(struct pm_buf *b, const void *p, size_t n);
/* Inline: the parsers' hot loops append small pieces many times a line. */
static inline int pm_buf_add(struct pm_buf *b, const void *p, size_t n)
{
	if (!b->err && n <= b->max - b->len && b->len <= b->max &&
	    b->len + n < b->alloc) {
		if (n)
			memcpy(b->data + b->len, p, n);
		b->len += n;
		b->data[b->len] = '\0';
		return 0;
	}
	return pm_buf_add_slow(b, p, n);
}
int pm_buf_adds(struct pm_buf *b, const char *s);
int pm_buf_addc_slow(struct pm_buf *b, char c);
/* Inline: parsers add one byte at a time in their hot loops. */
static inline int pm_buf_addc(struct pm_buf *b, char c)
{
	if (!b->err && b->len < b->max && b->len + 2 <= b->alloc) {
		b->data[b->len++] = c;
		b->data[b->len] = '\0';
		return 0;
	}
	return pm_buf_addc_slow(b, c);
}
int pm_buf_addf(struct pm_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Returns the sticky error (0 when none) and clears it. */
int pm_buf_check(struct pm_buf *b);
/* Always a valid C string, "" for an empty buffer. */
const char *pm_buf_cstr(const struct pm_buf *b);
/* Hands the memory to the caller (who frees it) and empties b. */
char *pm_buf_detach(struct pm_buf *b, size_t *len);

#endif
