/* buf.c - capped growable buffer; see buf.h for the sticky-error contract. */
#include "podmortem/buf.h"
#include "podmortem/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void pm_buf_init(struct pm_buf *b, size_t max)
{
	b->data = NULL;
	b->len = b->alloc = 0;
	b->max = max;
	b->err = 0;
}

void pm_buf_release(struct pm_buf *b)
{
	free(b->data);
	pm_buf_init(b, b->max);
}

void pm_buf_reset(struct pm_buf *b)
{
	b->len = 0;
	b->err = 0;
	if (b->data)
		b->data[0] = '\0';
}

static int grow(struct pm_buf *b, size_t need)
{
	size_t want;
	char *p;

	if (need <= b->alloc)
		return 0;
	want = b->alloc ? b->alloc : 64;
	while (want < need)
		want = want > ((size_t)-1) / 2 ? need : want * 2;
	if (want > b->max + 1)
		want = b->max + 1;
	p = realloc(b->data, want);
	if (!p)
		return b->err = PM_ENOMEM;
	b->data = p;
	b->alloc = want;
	return 0;
}

int pm_buf_add_slow(struct pm_buf *b, const void *p, size_t n)
{
	if (b->err)
		return b->err;
	if (n > b->max - b->len || b->len > b->max)
		return b->err = PM_ETOOBIG;
	if (grow(b, b->len + n + 1))
		return b->err;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int pm_buf_adds(struct pm_buf *b, const char *s)
{
	return pm_buf_add(b, s, strlen(s));
}

int pm_buf_addc_slow(struct pm_buf *b, char c)
{
	return pm_buf_add(b, &c, 1);
}

int pm_buf_addf(struct pm_buf *b, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	int n;

	if (b->err)
		return b->err;
	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return b->err = PM_ERR;
	if ((size_t)n < sizeof(small))
		return pm_buf_add(b, small, (size_t)n);
	if ((size_t)n > b->max - b->len)
		return b->err = PM_ETOOBIG;
	if (grow(b, b->len + (size_t)n + 1))
		return b->err;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

int pm_buf_check(struct pm_buf *b)
{
	int e = b->err;
	b->err = 0;
	return e;
}

const char *pm_buf_cstr(const struct pm_buf *b)
{
	return b->data ? b->data : "";
}

char *pm_buf_detach(struct pm_buf *b, size_t *len)
{
	char *p = b->data;
	if (!p) {
		p = calloc(1, 1);
	}
	if (len)
		*len = b->len;
	b->data = NULL;
	b->len = b->alloc = 0;
	b->err = 0;
	return p;
}
