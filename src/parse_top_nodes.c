/*
 * parse_top_nodes.c - the "top-nodes" type: `kubectl top nodes` into
 * `node_usage`.  Columns NAME CPU(cores) CPU% MEMORY(bytes) MEMORY%
 * (newer kubectl: CPU(%) / MEMORY(%)), with or without the header;
 * "<unknown>" is NULL.  "error: Metrics API not available" is recorded
 * as a collection gap, not a parse failure.
 */
#include "podmortem/parse.h"
#include "podmortem/textcols.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static const char top_nodes_ddl[] =
"-- kubectl top nodes, one row per node line.  cpu_millicores: \"117m\" is\n"
"-- 117, \"2\" is 2000.  memory_bytes: \"1387Mi\" in bytes.  *_pct: percent of\n"
"-- allocatable as kubectl printed it.  NULL where kubectl said <unknown>.\n"
"CREATE TABLE node_usage(\n"
"  path TEXT, line INTEGER, node TEXT, cpu_millicores INTEGER,\n"
"  cpu_pct REAL, memory_bytes INTEGER, memory_pct REAL);\n";

static const char insert_sql[] =
	"INSERT INTO node_usage(path, line, node, cpu_millicores, cpu_pct,"
	" memory_bytes, memory_pct) VALUES (?1,?2,?3,?4,?5,?6,?7)";

static double pct(struct pm_tc_field f)
{
	double v = pm_tc_percent(f.p, f.n);
	return v < 0 ? NAN : v;
}

/* 1 when f is a value or kubectl's "<unknown>" */
static int unknown(struct pm_tc_field f)
{
	return pm_tc_eq(f, "<unknown>");
}

static int row(struct pm_parse_ctx *ctx, struct pm_tc_field *t)
{
	sqlite3_stmt *s;
	long long cpu = pm_tc_millicores(t[1].p, t[1].n);
	long long mem = pm_parse_size(t[3].p, t[3].n, 0);
	double cp = pct(t[2]), mp = pct(t[4]);

	if ((cpu < 0 && !unknown(t[1])) || (mem < 0 && !unknown(t[3])) ||
	    (isnan(cp) && !unknown(t[2])) || (isnan(mp) && !unknown(t[4])))
		return 1;
	if (!(s = pm_store_stmt(ctx->store, insert_sql, ctx->err)))
		return ctx->err->code;
	pm_bind_text(s, 1, ctx->in->path, -1);
	sqlite3_bind_int64(s, 2, ctx->in->lineno);
	pm_tc_bind_field(s, 3, t[0]);
	pm_tc_bind_i64(s, 4, cpu);
	pm_tc_bind_dbl(s, 5, cp);
	pm_tc_bind_i64(s, 6, mem);
	pm_tc_bind_dbl(s, 7, mp);
	if (pm_store_run(ctx->store, s, ctx->err))
		return ctx->err->code;
	ctx->rows++;
	return 0;
}

static int top_nodes_parse(struct pm_parse_ctx *ctx)
{
	const char *line;
	size_t len;
	int rc, header = 0, any = 0;

	while ((rc = pm_input_getline(ctx->in, &line, &len)) == 1) {
		struct pm_tc_field t[8];
		int k = pm_tc_split(line, len, t, 8);

		if (!k)
			continue;
		any = 1;
		if (pm_tc_eq(t[0], "NAME") && k >= 2 && pm_tc_starts(t[1].p, t[1].n, "CPU")) {
			header = 1;
			continue;
		}
		if (pm_tc_starts(t[0].p, t[0].n, "error:") ||
		    pm_tc_starts(t[0].p, t[0].n, "Error")) {
			char msg[256];
			snprintf(msg, sizeof(msg), "%.*s", (int)(len > 200 ? 200 : len), line);
			pm_store_gap(ctx->store, ctx->in->path, ctx->in->lineno,
				     "collect", msg);
			ctx->gaps++;
			continue;
		}
		if (k == 5 && (rc = row(ctx, t)) <= 0) {
			if (rc < 0)
				return rc;
			continue;
		}
		/* before a header: wrapper text around the table */
		if (header || k == 5)
			pm_parse_gap(ctx, ctx->in->lineno, "unreadable top nodes line");
	}
	if (rc < 0)
		return pm_parse_read_failed(ctx, rc);
	if (!any)
		pm_parse_gap(ctx, 0, "empty kubectl top nodes output");
	else if (!ctx->rows && !ctx->gaps)
		pm_parse_gap(ctx, 0, "no node usage found");
	return 0;
}

static int top_nodes_sniff(const char *path, const unsigned char *head, size_t n)
{
	const char *b = pm_tc_basename(path);
	const char *h = (const char *)head;

	if (!strcmp(b, "top-nodes.txt"))
		return 95;
	if (!head)
		return 0;
	if (pm_tc_find(h, n, "CPU(cores)") &&
	    (pm_tc_find(h, n, "MEMORY%") || pm_tc_find(h, n, "MEMORY(%)")))
		return 80;
	return 0;
}

const struct pm_parser pm_parser_top_nodes = {
	.type = "top-nodes",
	.ddl = top_nodes_ddl,
	.sniff = top_nodes_sniff,
	.parse = top_nodes_parse,
};
