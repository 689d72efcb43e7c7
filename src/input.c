/* input.c - capped line and block reading over a pm_read_fn. */
#include "podmortem/input.h"
#include "podmortem/error.h"

#include <stdlib.h>
#include <string.h>

#define READ_CHUNK 65536

struct mem_src {
	const unsigned char *p;
	size_t len, pos;
};

void pm_input_init(struct pm_input *in, const char *path, pm_read_fn read,
		   void *ctx, uint64_t max_bytes, size_t max_line)
{
	memset(in, 0, sizeof(*in));
	in->path = path;
	in->size = -1;
	in->read = read;
	in->ctx = ctx;
	in->max_bytes = max_bytes;
	in->max_line = max_line;
	pm_buf_init(&in->line, max_line + 1);
}

static ssize_t mem_read(void *ctx, void *dst, size_t n)
{
	struct mem_src *m = ctx;
	size_t left = m->len - m->pos;
	if (n > left)
		n = left;
	memcpy(dst, m->p + m->pos, n);
	m->pos += n;
	return (ssize_t)n;
}

void pm_input_init_mem(struct pm_input *in, const char *path,
		       const void *data, size_t len, size_t max_line)
{
	struct mem_src *m = calloc(1, sizeof(*m));

	pm_input_init(in, path, mem_read, m, (uint64_t)len, max_line);
	in->size = (int64_t)len;
	if (!m) {
		in->ioerr = 1;
		in->eof = 1;
		return;
	}
	m->p = data;
	m->len = len;
}

void pm_input_release(struct pm_input *in)
{
	if (in->read == mem_read)
		free(in->ctx);
	free(in->rbuf);
	pm_buf_release(&in->line);
	in->rbuf = NULL;
	in->ctx = NULL;
}

/* Refills rbuf; returns bytes now available, 0 at end, <0 on error. */
static ssize_t fill(struct pm_input *in)
{
	uint64_t room;
	size_t want;
	ssize_t n;

	if (in->rpos < in->rlen)
		return (ssize_t)(in->rlen - in->rpos);
	if (in->eof)
		return 0;
	if (!in->rbuf) {
		in->rbuf = malloc(READ_CHUNK);
		if (!in->rbuf)
			return PM_ENOMEM;
		in->rcap = READ_CHUNK;
	}
	in->rpos = in->rlen = 0;
	room = in->max_bytes - in->consumed;
	if (room == 0) {
		/* probe one byte to tell "exactly at cap" from "cut" */
		unsigned char c;
		n = in->read(in->ctx, &c, 1);
		if (n > 0)
			in->truncated = 1;
		in->eof = 1;
		return 0;
	}
	want = in->rcap;
	if ((uint64_t)want > room)
		want = (size_t)room;
	n = in->read(in->ctx, in->rbuf, want);
	if (n < 0) {
		in->ioerr = 1;
		in->eof = 1;
		return PM_EIO;
	}
	if (n == 0) {
		in->eof = 1;
		return 0;
	}
	in->rlen = (size_t)n;
	in->consumed += (uint64_t)n;
	return n;
}

int pm_input_getline(struct pm_input *in, const char **line, size_t *len)
{
	int cut = 0, any = 0;
	ssize_t first = fill(in);

	/* A whole line in the read buffer is handed out in place, its '\n'
	 * (consumed, never seen again, not even by peek) made the NUL: the
	 * copy below was a sizable share of reading big logs. */
	if (first > 0) {
		unsigned char *start = in->rbuf + in->rpos;
		unsigned char *nl = memchr(start, '\n', (size_t)first);
		if (nl && (size_t)(nl - start) <= in->max_line) {
			size_t n = (size_t)(nl - start);
			*nl = '\0';
			in->rpos += n + 1;
			in->lineno++;
			if (n && start[n - 1] == '\r')
				start[--n] = '\0';
			*line = (const char *)start;
			*len = n;
			return 1;
		}
	}
	pm_buf_reset(&in->line);
	for (;;) {
		ssize_t avail = fill(in);
		unsigned char *start, *nl;
		size_t take;

		if (avail < 0)
			return (int)avail;
		if (avail == 0) {
			if (!any)
				return 0;
			break;
		}
		any = 1;
		start = in->rbuf + in->rpos;
		nl = memchr(start, '\n', (size_t)avail);
		take = nl ? (size_t)(nl - start) : (size_t)avail;
		if (!cut) {
			size_t room = in->max_line - in->line.len;
			size_t put = take < room ? take : room;
			pm_buf_add(&in->line, start, put);
			if (put < take)
				cut = 1;
		}
		in->rpos += take + (nl ? 1 : 0);
		if (nl)
			break;
	}
	if (cut)
		in->long_lines++;
	in->lineno++;
	if (in->line.len && in->line.data[in->line.len - 1] == '\r')
		in->line.data[--in->line.len] = '\0';
	*line = pm_buf_cstr(&in->line);
	*len = in->line.len;
	return 1;
}

ssize_t pm_input_read(struct pm_input *in, void *dst, size_t n)
{
	ssize_t avail = fill(in);
	if (avail <= 0)
		return avail;
	if ((size_t)avail < n)
		n = (size_t)avail;
	memcpy(dst, in->rbuf + in->rpos, n);
	in->rpos += n;
	return (ssize_t)n;
}

const unsigned char *pm_input_peek(struct pm_input *in, size_t want,
				   size_t *got)
{
	/* Only the first block is peekable; that is all sniffing needs. */
	ssize_t avail = fill(in);
	*got = 0;
	if (avail <= 0)
		return NULL;
	(void)want;
	*got = (size_t)avail < want ? (size_t)avail : want;
	return in->rbuf + in->rpos;
}

int pm_input_slurp(struct pm_input *in, struct pm_buf *out)
{
	for (;;) {
		ssize_t avail = fill(in);
		if (avail < 0)
			return (int)avail;
		if (avail == 0)
			return pm_buf_check(out);
		if (pm_buf_add(out, in->rbuf + in->rpos, (size_t)avail))
			return pm_buf_check(out);
		in->rpos += (size_t)avail;
	}
}
