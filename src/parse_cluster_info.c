/*
 * parse_cluster_info.c - the "cluster-info" type: `kubectl cluster-info`
 * into `cluster_info`, one row per file.  ANSI colour codes are cut
 * first.  Knows "Kubernetes control plane is running at" (older:
 * "Kubernetes master"), CoreDNS/KubeDNS, and the usual failures
 * ("The connection to the server x was refused", "Unable to connect to
 * the server: ...", "error: You must be logged in ...").
 */
#include "podmortem/parse.h"
#include "podmortem/textcols.h"

#include <stdio.h>
#include <string.h>

static const char ci_ddl[] =
"-- kubectl cluster-info, one row per file.  reachable: 1 when the control\n"
"-- plane answered, 0 when kubectl reported an error instead.\n"
"-- server_url, coredns_url: the URLs printed.  error: kubectl's first\n"
"-- error line (\"Unable to connect to the server: dial tcp ...: i/o\n"
"-- timeout\"), NULL when none.\n"
"CREATE TABLE cluster_info(\n"
"  path TEXT, reachable INTEGER, server_url TEXT, coredns_url TEXT,\n"
"  error TEXT);\n";

static const char insert_sql[] =
	"INSERT INTO cluster_info(path, reachable, server_url, coredns_url, error)"
	" VALUES (?1,?2,?3,?4,?5)";

static void url_after(char *dst, size_t cap, const char *s, size_t n,
		      const char *marker)
{
	const char *p = pm_tc_find(s, n, marker);
	struct pm_tc_field f[1];

	if (!p || dst[0])
		return;
	p += strlen(marker);
	if (pm_tc_split(p, (size_t)(s + n - p), f, 1) == 1)
		snprintf(dst, cap, "%.*s", (int)f[0].n, f[0].p);
}

static int ci_parse(struct pm_parse_ctx *ctx)
{
	char server[512] = "", dns[512] = "", error[512] = "", buf[4097];
	const char *line;
	size_t len;
	int rc, any = 0;
	sqlite3_stmt *s;

	while ((rc = pm_input_getline(ctx->in, &line, &len)) == 1) {
		const char *p = buf;
		size_t n = len < sizeof(buf) - 1 ? len : sizeof(buf) - 1;

		memcpy(buf, line, n);
		buf[n] = '\0';
		n = pm_tc_strip_ansi(buf, n);
		n = pm_tc_trim(&p, n);
		if (!n)
			continue;
		any = 1;
		if (pm_tc_starts(p, n, "Kubernetes control plane is running at") ||
		    pm_tc_starts(p, n, "Kubernetes master is running at")) {
			url_after(server, sizeof(server), p, n, " is running at ");
		} else if (pm_tc_starts(p, n, "CoreDNS is running at") ||
			   pm_tc_starts(p, n, "KubeDNS is running at")) {
			url_after(dns, sizeof(dns), p, n, " is running at ");
		} else if (pm_tc_starts(p, n, "The connection to the server") ||
			   pm_tc_starts(p, n, "Unable to connect to the server") ||
			   pm_tc_starts(p, n, "error:") || pm_tc_starts(p, n, "Error ") ||
			   pm_tc_starts(p, n, "Error:")) {
			if (!error[0])
				snprintf(error, sizeof(error), "%.*s", (int)n, p);
		} else if (!pm_tc_find(p, n, " is running at ") &&
			   !pm_tc_starts(p, n, "To further debug")) {
			pm_parse_gap(ctx, ctx->in->lineno, "unreadable cluster-info line");
		}
	}
	if (rc < 0)
		return pm_parse_read_failed(ctx, rc);
	if (!server[0] && !error[0])
		return pm_parse_gap(ctx, 0, any ? "no control plane line or error found"
					    : "empty cluster-info output");
	if (!(s = pm_store_stmt(ctx->store, insert_sql, ctx->err)))
		return ctx->err->code;
	pm_bind_text(s, 1, ctx->in->path, -1);
	sqlite3_bind_int(s, 2, server[0] != '\0');
	pm_bind_text(s, 3, server[0] ? server : NULL, -1);
	pm_bind_text(s, 4, dns[0] ? dns : NULL, -1);
	pm_bind_text(s, 5, error[0] ? error : NULL, -1);
	if (pm_store_run(ctx->store, s, ctx->err))
		return ctx->err->code;
	ctx->rows++;
	return 0;
}

static int ci_sniff(const char *path, const unsigned char *head, size_t n)
{
	const char *b = pm_tc_basename(path);
	const char *h = (const char *)head;

	if (!strcmp(b, "cluster-info.txt"))
		return 95;
	if (!head)
		return 0;
	if (pm_tc_find(h, n, "control plane") && pm_tc_find(h, n, "is running at"))
		return 80;
	if (pm_tc_find(h, n, "Kubernetes master") && pm_tc_find(h, n, "is running at"))
		return 80;
	if (pm_tc_find(h, n, "kubectl cluster-info dump"))
		return 80;
	return 0;
}

const struct pm_parser pm_parser_cluster_info = {
	.type = "cluster-info",
	.ddl = ci_ddl,
	.sniff = ci_sniff,
	.parse = ci_parse,
};
