/*
 * parse_text.c - the "text" type: files no specific parser reads
 * (kubectl describe output, the collector's log, version output).
 * Kept whole, up to a cap, in `texts` so rules can search them.
 */
#include "podmortem/parse.h"

#include <string.h>

#define TEXT_MAX (4u << 20)

static int text_parse(struct pm_parse_ctx *ctx)
{
	static const char sql[] = "INSERT INTO texts(path, content) VALUES (?1, ?2)";
	struct pm_buf b = PM_BUF_INIT(TEXT_MAX);
	sqlite3_stmt *s;
	int rc = pm_input_slurp(ctx->in, &b);

	if (rc == PM_ETOOBIG)
		pm_parse_gap(ctx, 0, "only the first %u bytes kept as text",
			     TEXT_MAX);
	else if (rc) {
		pm_buf_release(&b);
		return pm_error_setat(ctx->err, rc, ctx->in->path, 0,
				      "cannot read: %s", pm_status_name(rc));
	}
	s = pm_store_stmt(ctx->store, sql, ctx->err);
	if (!s) {
		pm_buf_release(&b);
		return ctx->err->code;
	}
	pm_bind_text(s, 1, ctx->in->path, -1);
	/* bind as text even with NUL bytes: sqlite keeps the length */
	pm_bind_text(s, 2, pm_buf_cstr(&b), (int)b.len);
	rc = pm_store_run(ctx->store, s, ctx->err);
	pm_buf_release(&b);
	if (!rc)
		ctx->rows++;
	return rc;
}

static int text_sniff(const char *path, const unsigned char *head, size_t n)
{
	size_t len = strlen(path);
	/* last resort for readable files */
	if (len > 4 && (!strcmp(path + len - 4, ".txt") ||
			!strcmp(path + len - 4, ".out")))
		return 50;
	return memchr(head, '\0', n) ? 0 : 10;
}

const struct pm_parser pm_parser_text = {
	.type = "text",
	.ddl = NULL,
	.sniff = text_sniff,
	.parse = text_parse,
};
