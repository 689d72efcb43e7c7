/*
 * parse.h - the table of parsers, one per source format.
 *
 * Like libarchive's per-format readers: each parser names the manifest
 * `type` it reads, the DDL of the tables it fills, a sniffer that scores
 * a file with no manifest item by its path and first bytes, and a parse
 * function that streams a pm_input into rows.  A parser records what it
 * cannot read with pm_parse_gap() and carries on; it returns < 0 only
 * when the file as a whole is unusable.
 */
#ifndef PODMORTEM_PARSE_H
#define PODMORTEM_PARSE_H

#include <stddef.h>

#include "podmortem/error.h"
#include "podmortem/input.h"
#include "podmortem/manifest.h"
#include "podmortem/store.h"

struct pm_logsink;

struct pm_parse_ctx {
	struct pm_store *store;
	struct pm_input *in;
	const struct pm_item *item;         /* NULL: no manifest item */
	const struct pm_manifest *manifest; /* bundle facts (collected_at) */
	struct pm_error *err;
	struct pm_logsink *logs;  /* where log lines go; NULL: parser's own */
	long rows;    /* rows the parser added */
	long bad;     /* records it could not read */
	long gaps;    /* gaps recorded for this file */
};

struct pm_parser {
	const char *type;   /* manifest type, e.g. "df" */
	const char *ddl;    /* CREATE TABLE statements of its tables, or NULL */
	/* 0 = not mine ... 100 = certainly mine; NULL = never sniffed */
	int (*sniff)(const char *path, const unsigned char *head, size_t n);
	int (*parse)(struct pm_parse_ctx *ctx);
};

/* All registered parsers, in table order. */
const struct pm_parser *const *pm_parsers(size_t *count);
const struct pm_parser *pm_parser_find(const char *type);
/* Best sniffer score over the table; NULL when nobody scores >= 50. */
const struct pm_parser *pm_parser_sniff(const char *path,
					const unsigned char *head, size_t n);

/*
 * Records a parse gap for the current file (line 0: the file as a whole).
 * After 20 gaps per file further ones are only counted, and one summary
 * gap is written by pm_parse_finish().  Returns 0.
 */
int pm_parse_gap(struct pm_parse_ctx *ctx, long line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The error a parser returns when its input stream failed (rc < 0). */
int pm_parse_read_failed(struct pm_parse_ctx *ctx, int rc);
/* Writes the summary gaps (suppressed gaps, cut lines, truncation). */
void pm_parse_finish(struct pm_parse_ctx *ctx);

/* Helpers parsers share. */
const char *pm_item_host(const struct pm_parse_ctx *ctx); /* "" if none */
/* "12Gi", "1.5G", "512M", "100k" -> bytes; si: k=1000 (df -H). -1 if bad. */
long long pm_parse_size(const char *s, size_t n, int si);

#endif
