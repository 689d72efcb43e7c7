/*
 * input.h - a capped byte stream over one bundle file.
 *
 * Parsers never see libarchive or file descriptors: they read a
 * struct pm_input line by line or in blocks.  The stream enforces the
 * per-file byte cap and the per-line cap; what it had to cut is counted
 * (truncated, long_lines) so the caller can report it as a coverage gap.
 */
#ifndef PODMORTEM_INPUT_H
#define PODMORTEM_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "podmortem/buf.h"

/* Fills up to n bytes; returns bytes read, 0 at end, <0 on error. */
typedef ssize_t (*pm_read_fn)(void *ctx, void *dst, size_t n);

struct pm_input {
	const char *path;      /* normalised path inside the bundle */
	int64_t size;          /* size announced by the archive, -1 unknown */
	pm_read_fn read;
	void *ctx;
	uint64_t max_bytes;    /* bytes past this are not read: truncated */
	size_t max_line;       /* longer lines are cut to this */

	/* state */
	unsigned char *rbuf;
	size_t rpos, rlen, rcap;
	uint64_t consumed;     /* bytes handed to the caller so far */
	long lineno;           /* number of the last line returned */
	long long_lines;       /* lines cut at max_line */
	int truncated;         /* stopped at max_bytes */
	int eof;
	int ioerr;             /* the underlying read failed */
	struct pm_buf line;
};

void pm_input_init(struct pm_input *in, const char *path, pm_read_fn read,
		   void *ctx, uint64_t max_bytes, size_t max_line);
void pm_input_release(struct pm_input *in);
/* Over a memory block (tests, fuzzers, nested data). */
void pm_input_init_mem(struct pm_input *in, const char *path,
		       const void *data, size_t len, size_t max_line);
/*
 * Next line without its "\n" (and "\r"), NUL-terminated; *line stays
 * valid until the next call on in (it may point into the read buffer).
 * Returns 1 for a line, 0 at end, <0 when the read failed.
 */
int pm_input_getline(struct pm_input *in, const char **line, size_t *len);
/* Raw bytes; returns count, 0 at end, <0 on error. */
ssize_t pm_input_read(struct pm_input *in, void *dst, size_t n);
/* First up to want bytes without consuming them (for sniffing). */
const unsigned char *pm_input_peek(struct pm_input *in, size_t want,
				   size_t *got);
/* The rest of the stream into out (whose own cap also applies). */
int pm_input_slurp(struct pm_input *in, struct pm_buf *out);

#endif
