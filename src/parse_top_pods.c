/*
 * parse_top_pods.c - the "top-pods" type: `kubectl top pods` into
 * `pod_usage`.  Header forms: [NAMESPACE] [POD] NAME CPU(cores)
 * MEMORY(bytes) (POD appears with --containers, NAMESPACE with -A).
 * Without a header (--no-headers) the item command tells which.
 */
#include "podmortem/parse.h"
#include "podmortem/textcols.h"

#include <stdio.h>
#include <string.h>

static const char top_pods_ddl[] =
"-- kubectl top pods, one row per line.  namespace: the NAMESPACE column,\n"
"-- else the command's -n or the item's namespace (NULL when unknown).\n"
"-- container: only with --containers.  cpu_millicores: \"3m\" is 3.\n"
"-- memory_bytes: \"84Mi\" in bytes.\n"
"CREATE TABLE pod_usage(\n"
"  path TEXT, line INTEGER, namespace TEXT, pod TEXT, container TEXT,\n"
"  cpu_millicores INTEGER, memory_bytes INTEGER);\n";

static const char insert_sql[] =
	"INSERT INTO pod_usage(path, line, namespace, pod, container,"
	" cpu_millicores, memory_bytes) VALUES (?1,?2,?3,?4,?5,?6,?7)";

struct layout {
	int has_ns, has_container, known;
};

static int row(struct pm_parse_ctx *ctx, const struct layout *l,
	       const char *ns, struct pm_tc_field *t, int k)
{
	struct pm_tc_field nsf = {ns, ns ? strlen(ns) : 0}, pod, ctr = {NULL, 0};
	int i = 0;
	long long cpu, mem;
	sqlite3_stmt *s;

	if (k != 3 + l->has_ns + l->has_container)
		return 1;
	if (l->has_ns)
		nsf = t[i++];
	pod = t[i++];
	if (l->has_container)
		ctr = t[i++];
	cpu = pm_tc_millicores(t[i].p, t[i].n);
	mem = pm_parse_size(t[i + 1].p, t[i + 1].n, 0);
	if (cpu < 0 || mem < 0)
		return 1;
	if (!(s = pm_store_stmt(ctx->store, insert_sql, ctx->err)))
		return ctx->err->code;
	pm_bind_text(s, 1, ctx->in->path, -1);
	sqlite3_bind_int64(s, 2, ctx->in->lineno);
	pm_tc_bind_field(s, 3, nsf);
	pm_tc_bind_field(s, 4, pod);
	pm_tc_bind_field(s, 5, ctr);
	pm_tc_bind_i64(s, 6, cpu);
	pm_tc_bind_i64(s, 7, mem);
	if (pm_store_run(ctx->store, s, ctx->err))
		return ctx->err->code;
	ctx->rows++;
	return 0;
}

static int top_pods_parse(struct pm_parse_ctx *ctx)
{
	struct pm_tc_argv a;
	struct layout l = {0, 0, 0};
	const char *ns;
	const char *line;
	size_t len;
	int rc, any = 0;

	pm_tc_argv_ctx(&a, ctx);
	l.has_ns = pm_tc_argv_has(&a, "-A") || pm_tc_argv_has(&a, "--all-namespaces");
	l.has_container = pm_tc_argv_has(&a, "--containers") ||
			  pm_tc_argv_has(&a, "--containers=true");
	l.known = a.argc > 0;
	ns = pm_tc_argv_value(&a, "--namespace");
	if (!ns)
		ns = pm_tc_argv_value(&a, "-n");
	if (!ns && ctx->item)
		ns = ctx->item->ns;
	while ((rc = pm_input_getline(ctx->in, &line, &len)) == 1) {
		struct pm_tc_field t[8];
		int k = pm_tc_split(line, len, t, 8);

		if (!k)
			continue;
		any = 1;
		if (pm_tc_find(line, len, "CPU(cores)") &&
		    pm_tc_find(line, len, "NAME")) {
			l.has_ns = pm_tc_eq(t[0], "NAMESPACE");
			l.has_container = pm_tc_find(line, len, "POD ") != NULL;
			l.known = 1;
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
		if (pm_tc_starts(line, len, "No resources found"))
			continue;
		if (!l.known && k == 4)
			l.has_ns = 1; /* no header, no command: -A is likelier */
		if ((rc = row(ctx, &l, ns, t, k)) < 0)
			return rc;
		if (rc > 0 && l.known)
			pm_parse_gap(ctx, ctx->in->lineno, "unreadable top pods line");
	}
	if (rc < 0)
		return pm_parse_read_failed(ctx, rc);
	if (!any)
		pm_parse_gap(ctx, 0, "empty kubectl top pods output");
	return 0;
}

static int top_pods_sniff(const char *path, const unsigned char *head, size_t n)
{
	const char *b = pm_tc_basename(path);
	const char *h = (const char *)head;

	if (!strcmp(b, "top-pods.txt"))
		return 95;
	if (!head)
		return 0;
	if (pm_tc_find(h, n, "CPU(cores)") && pm_tc_find(h, n, "MEMORY(bytes)") &&
	    !pm_tc_find(h, n, "MEMORY%") && !pm_tc_find(h, n, "MEMORY(%)"))
		return 80;
	return 0;
}

const struct pm_parser pm_parser_top_pods = {
	.type = "top-pods",
	.ddl = top_pods_ddl,
	.sniff = top_pods_sniff,
	.parse = top_pods_parse,
};
