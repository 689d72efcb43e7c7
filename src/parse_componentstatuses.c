/*
 * parse_componentstatuses.c - the "componentstatuses" type: `kubectl
 * get componentstatuses` into `component_statuses`.
 *
 * NAME and STATUS are single words; MESSAGE and ERROR may hold spaces,
 * so the line is cut at the ERROR header's offset (kubectl pads every
 * column to the widest cell, header included).  A line whose message runs
 * past that offset keeps it all as message.  The deprecation warning
 * line of v1.19+ is skipped.
 */
#include "podmortem/parse.h"
#include "podmortem/textcols.h"

#include <string.h>

static const char cs_ddl[] =
"-- kubectl get componentstatuses, one row per component.  status:\n"
"-- Healthy / Unhealthy / Unknown.  message, error: as printed (NULL when\n"
"-- empty), e.g. message 'Get \"https://127.0.0.1:10259/healthz\": dial tcp\n"
"-- 127.0.0.1:10259: connect: connection refused'.\n"
"CREATE TABLE component_statuses(\n"
"  path TEXT, line INTEGER, name TEXT, status TEXT, message TEXT,\n"
"  error TEXT);\n";

static const char insert_sql[] =
	"INSERT INTO component_statuses(path, line, name, status, message, error)"
	" VALUES (?1,?2,?3,?4,?5,?6)";

static int cs_row(struct pm_parse_ctx *ctx, const char *line, size_t len,
		  long err_off)
{
	struct pm_tc_field t[3], msg = {NULL, 0}, err = {NULL, 0};
	int k = pm_tc_split(line, len, t, 3);
	sqlite3_stmt *s;

	if (k < 2)
		return 1;
	if (k == 3) {
		const char *end = line + len;
		msg.p = t[2].p;
		if (err_off > 0 && (size_t)err_off < len && line + err_off >= msg.p &&
		    (line[err_off - 1] == ' ' || line[err_off - 1] == '\t')) {
			err.p = line + err_off;
			err.n = pm_tc_trim(&err.p, (size_t)(end - err.p));
			end = line + err_off;
		}
		msg.n = pm_tc_trim(&msg.p, (size_t)(end - msg.p));
	}
	if (!(s = pm_store_stmt(ctx->store, insert_sql, ctx->err)))
		return ctx->err->code;
	pm_bind_text(s, 1, ctx->in->path, -1);
	sqlite3_bind_int64(s, 2, ctx->in->lineno);
	pm_tc_bind_field(s, 3, t[0]);
	pm_tc_bind_field(s, 4, t[1]);
	pm_tc_bind_field(s, 5, msg);
	pm_tc_bind_field(s, 6, err);
	if (pm_store_run(ctx->store, s, ctx->err))
		return ctx->err->code;
	ctx->rows++;
	return 0;
}

static int cs_parse(struct pm_parse_ctx *ctx)
{
	static const char *const names[] = {"NAME", "STATUS", "MESSAGE", "ERROR"};
	long offs[4] = {-1, -1, -1, -1};
	const char *line;
	size_t len;
	int rc, header = 0, any = 0;

	while ((rc = pm_input_getline(ctx->in, &line, &len)) == 1) {
		const char *s = line;
		size_t n = pm_tc_trim(&s, len);

		if (!n)
			continue;
		any = 1;
		if (pm_tc_starts(s, n, "Warning:"))
			continue;
		if (pm_tc_starts(s, n, "NAME ") && pm_tc_find(s, n, "STATUS")) {
			pm_tc_header(line, len, names, 4, offs);
			header = 1;
			continue;
		}
		if (pm_tc_starts(s, n, "error:") || pm_tc_starts(s, n, "Error from server") ||
		    pm_tc_starts(s, n, "No resources found")) {
			pm_store_gap(ctx->store, ctx->in->path, ctx->in->lineno,
				     "collect", s);
			ctx->gaps++;
			continue;
		}
		if ((rc = cs_row(ctx, line, len, offs[3])) < 0)
			return rc;
		if (rc)
			pm_parse_gap(ctx, ctx->in->lineno, "unreadable componentstatus line");
	}
	if (rc < 0)
		return pm_parse_read_failed(ctx, rc);
	if (!any)
		pm_parse_gap(ctx, 0, "empty componentstatuses output");
	else if (!header && ctx->rows)
		pm_parse_gap(ctx, 0, "no header: message and error not told apart");
	return 0;
}

static int cs_sniff(const char *path, const unsigned char *head, size_t n)
{
	const char *b = pm_tc_basename(path);
	const char *h = (const char *)head;

	if (!strcmp(b, "componentstatuses.txt"))
		return 95;
	if (!head)
		return 0;
	if (pm_tc_find(h, n, "ComponentStatus is deprecated") ||
	    (pm_tc_find(h, n, "NAME ") && pm_tc_find(h, n, " STATUS ") &&
	     pm_tc_find(h, n, " MESSAGE ") && pm_tc_find(h, n, " ERROR")))
		return 80;
	return 0;
}

const struct pm_parser pm_parser_componentstatuses = {
	.type = "componentstatuses",
	.ddl = cs_ddl,
	.sniff = cs_sniff,
	.parse = cs_parse,
};
