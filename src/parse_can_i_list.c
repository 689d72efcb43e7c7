/*
 * parse_can_i_list.c - the "can-i-list" type: `kubectl auth can-i
 * --list` into `permissions`, one row per (resource or URL, verb).
 * Owns the permissions table, which the "can-i" parser fills too.
 *
 * Columns are split by brackets, not by header offsets: Resources is one
 * word or empty, then three bracketed lists ([] when empty) that may
 * hold spaces: Non-Resource URLs, Resource Names, Verbs.
 */
#include "podmortem/parse.h"
#include "podmortem/textcols.h"

#include <string.h>

static const char permissions_ddl[] =
"-- RBAC permissions as kubectl reported them.  subject: who was asked\n"
"-- about (\"system:serviceaccount:<ns>:<sa>\" from auth/*__<ns>__<sa>.txt,\n"
"-- the command's --as, else \"self\": the collector's identity).\n"
"-- namespace: where it was asked (NULL: cluster-wide / unknown).\n"
"-- resource: \"pods\", \"deployments.apps\", \"*.*\"; NULL for a URL.\n"
"-- resource_names: JSON array, NULL when any name.  non_resource_url:\n"
"-- \"/healthz\".  verb: one verb (\"*\" = all).  allowed: 0/1.\n"
"-- source_kind: 'can-i-list' (a --list table) or 'can-i' (one answer).\n"
"CREATE TABLE permissions(\n"
"  path TEXT, line INTEGER, subject TEXT, namespace TEXT, resource TEXT,\n"
"  resource_names TEXT, non_resource_url TEXT, verb TEXT,\n"
"  allowed INTEGER, source_kind TEXT);\n";

const char pm_permissions_insert_sql[] =
	"INSERT INTO permissions(path, line, subject, namespace, resource,"
	" resource_names, non_resource_url, verb, allowed, source_kind)"
	" VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)";

/* Splits into words and whole "[...]" groups; returns the count. */
static int bracket_split(const char *s, size_t n, struct pm_tc_field *f, int max)
{
	size_t i = 0;
	int k = 0;

	while (k < max) {
		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i >= n)
			break;
		f[k].p = s + i;
		if (s[i] == '[') {
			const char *e = memchr(s + i, ']', n - i);
			i = e ? (size_t)(e - s) + 1 : n;
		} else {
			while (i < n && s[i] != ' ' && s[i] != '\t')
				i++;
		}
		f[k].n = (size_t)(s + i - f[k].p);
		k++;
	}
	return k;
}

static int closed_list(struct pm_tc_field f)
{
	return f.n >= 2 && f.p[0] == '[' && f.p[f.n - 1] == ']';
}

static int put(struct pm_parse_ctx *ctx, const char *subj, const char *ns,
	       struct pm_tc_field res, const char *names, struct pm_tc_field url,
	       struct pm_tc_field verb)
{
	sqlite3_stmt *s = pm_store_stmt(ctx->store, pm_permissions_insert_sql, ctx->err);

	if (!s)
		return ctx->err->code;
	pm_bind_text(s, 1, ctx->in->path, -1);
	sqlite3_bind_int64(s, 2, ctx->in->lineno);
	pm_bind_text(s, 3, subj, -1);
	pm_bind_text(s, 4, ns[0] ? ns : NULL, -1);
	pm_tc_bind_field(s, 5, res);
	pm_bind_text(s, 6, names, -1);
	pm_tc_bind_field(s, 7, url);
	pm_tc_bind_field(s, 8, verb);
	sqlite3_bind_int(s, 9, 1);
	pm_bind_text(s, 10, "can-i-list", -1);
	if (pm_store_run(ctx->store, s, ctx->err))
		return ctx->err->code;
	ctx->rows++;
	return 0;
}

static int list_line(struct pm_parse_ctx *ctx, const char *subj, const char *ns,
		     const char *s, size_t n)
{
	struct pm_tc_field f[5], res = {NULL, 0}, v[64], u[64], none = {NULL, 0};
	struct pm_buf names = PM_BUF_INIT(8192);
	int k = bracket_split(s, n, f, 5), i = 0, nv, nu, nn, rc = 0;

	if (k == 4 && f[0].p[0] != '[')
		res = f[i++];
	if (k - i != 3 || !closed_list(f[i]) || !closed_list(f[i + 1]) ||
	    !closed_list(f[i + 2]))
		return 1;
	nu = pm_tc_split(f[i].p + 1, f[i].n - 2, u, 64);
	nn = pm_tc_split(f[i + 1].p + 1, f[i + 1].n - 2, v, 64);
	if (nn) {
		pm_buf_addc(&names, '[');
		for (int j = 0; j < nn; j++) {
			if (j)
				pm_buf_addc(&names, ',');
			pm_tc_json_str(&names, v[j].p, v[j].n);
		}
		pm_buf_addc(&names, ']');
	}
	nv = pm_tc_split(f[i + 2].p + 1, f[i + 2].n - 2, v, 64);
	if (!nv || (!res.n && !nu) || pm_buf_check(&names)) {
		pm_buf_release(&names);
		return 1;
	}
	for (int j = 0; j < nv && !rc; j++) {
		if (res.n)
			rc = put(ctx, subj, ns, res, nn ? pm_buf_cstr(&names) : NULL,
				 none, v[j]);
		for (int m = 0; m < nu && !rc; m++)
			rc = put(ctx, subj, ns, none, NULL, u[m], v[j]);
	}
	pm_buf_release(&names);
	return rc;
}

static int can_i_list_parse(struct pm_parse_ctx *ctx)
{
	char subj[320], ns[256];
	const char *line;
	size_t len;
	int rc, any = 0;

	pm_tc_auth_subject(ctx, subj, sizeof(subj), ns, sizeof(ns));
	while ((rc = pm_input_getline(ctx->in, &line, &len)) == 1) {
		const char *s = line;
		size_t n = pm_tc_trim(&s, len);

		if (!n)
			continue;
		any = 1;
		if (pm_tc_starts(s, n, "Resources ") && pm_tc_find(s, n, "Verbs"))
			continue;
		if (pm_tc_starts(s, n, "Warning:") || pm_tc_starts(s, n, "warning:"))
			continue;
		if ((rc = list_line(ctx, subj, ns, s, n)) < 0)
			return rc;
		if (rc)
			pm_parse_gap(ctx, ctx->in->lineno, "unreadable can-i --list line: %.*s",
				     (int)(n > 120 ? 120 : n), s);
	}
	if (rc < 0)
		return pm_parse_read_failed(ctx, rc);
	if (!any)
		pm_parse_gap(ctx, 0, "empty can-i --list output");
	return 0;
}

static int can_i_list_sniff(const char *path, const unsigned char *head, size_t n)
{
	const char *b = pm_tc_basename(path);
	const char *h = (const char *)head;

	if (pm_tc_path_dir(path, "auth") && !strncmp(b, "can-i-list", 10))
		return 95;
	if (!head)
		return 0;
	if (pm_tc_find(h, n, "Resources") && pm_tc_find(h, n, "Non-Resource URLs") &&
	    pm_tc_find(h, n, "Verbs"))
		return 85;
	return 0;
}

const struct pm_parser pm_parser_can_i_list = {
	.type = "can-i-list",
	.ddl = permissions_ddl,
	.sniff = can_i_list_sniff,
	.parse = can_i_list_parse,
};
