/*
 * parse_can_i.c - the "can-i" type: `kubectl auth can-i` answers into
 * `permissions` (table owned by parse_can_i_list.c).  Lines "<verb>
 * <resource>: yes|no", or one bare "yes"/"no" (kubectl may add " - <why>")
 * whose question is the item command: can-i <verb> <resource>.
 */
#include "podmortem/parse.h"
#include "podmortem/textcols.h"

#include <string.h>

extern const char pm_permissions_insert_sql[];

static int answer(struct pm_tc_field f)
{
	if (pm_tc_starts(f.p, f.n, "yes") && (f.n == 3 || f.p[3] == ' '))
		return 1;
	if (pm_tc_starts(f.p, f.n, "no") && (f.n == 2 || f.p[2] == ' '))
		return 0;
	return -1;
}

static int put(struct pm_parse_ctx *ctx, const char *subj, const char *ns,
	       struct pm_tc_field verb, struct pm_tc_field res, int allowed)
{
	sqlite3_stmt *s = pm_store_stmt(ctx->store, pm_permissions_insert_sql, ctx->err);
	int url = res.n && res.p[0] == '/';

	if (!s)
		return ctx->err->code;
	pm_bind_text(s, 1, ctx->in->path, -1);
	sqlite3_bind_int64(s, 2, ctx->in->lineno);
	pm_bind_text(s, 3, subj, -1);
	pm_bind_text(s, 4, ns[0] ? ns : NULL, -1);
	if (url)
		pm_tc_bind_field(s, 7, res);
	else
		pm_tc_bind_field(s, 5, res);
	pm_tc_bind_field(s, 8, verb);
	sqlite3_bind_int(s, 9, allowed);
	pm_bind_text(s, 10, "can-i", -1);
	if (pm_store_run(ctx->store, s, ctx->err))
		return ctx->err->code;
	ctx->rows++;
	return 0;
}

/* verb and resource from "... auth can-i <verb> <resource> [flags]" */
static int question(const struct pm_tc_argv *a, struct pm_tc_field *verb,
		    struct pm_tc_field *res)
{
	static const char *const valued[] = {"-n", "--namespace", "--as",
		"--as-group", "--subresource", "--context", "--kubeconfig"};
	int i, k = 0, seen = 0;

	for (i = 0; i < a->argc && !seen; i++)
		seen = !strcmp(a->argv[i], "can-i");
	for (; i < a->argc && k < 2; i++) {
		const char *s = a->argv[i];
		if (s[0] == '-') {
			for (size_t j = 0; j < sizeof(valued) / sizeof(valued[0]); j++)
				if (!strcmp(s, valued[j]))
					i++;
			continue;
		}
		if (k == 0)
			verb->p = s, verb->n = strlen(s);
		else
			res->p = s, res->n = strlen(s);
		k++;
	}
	return seen && k == 2;
}

static int can_i_parse(struct pm_parse_ctx *ctx)
{
	char subj[320], ns[256];
	struct pm_tc_argv a;
	const char *line;
	size_t len;
	int rc, any = 0;

	pm_tc_argv_ctx(&a, ctx);
	pm_tc_auth_subject(ctx, subj, sizeof(subj), ns, sizeof(ns));
	while ((rc = pm_input_getline(ctx->in, &line, &len)) == 1) {
		struct pm_tc_field all, verb = {NULL, 0}, res = {NULL, 0}, w[3];
		const char *s = line, *c;
		size_t n = pm_tc_trim(&s, len);
		int yes = -1;

		if (!n)
			continue;
		any = 1;
		if (pm_tc_starts(s, n, "Warning:") || pm_tc_starts(s, n, "warning:"))
			continue;
		all.p = s;
		all.n = n;
		/* a bare "yes" / "no - <why>": the question is the command */
		yes = answer(all);
		if (yes >= 0 && !question(&a, &verb, &res))
			yes = -1;
		/* "<verb> <resource>: yes": the last ": " splits question and answer */
		/* ": " must lie inside the trimmed line (a trailing ':' followed by
		 * the trimmed blank made the answer length negative) */
		for (c = n >= 2 ? s + n - 2 : s; yes < 0 && c > s && !(c[0] == ':' && c[1] == ' '); c--)
			;
		if (yes < 0 && c > s) {
			struct pm_tc_field ans = {c + 2, (size_t)(s + n - c - 2)};
			ans.n = pm_tc_trim(&ans.p, ans.n);
			yes = answer(ans);
			if (yes >= 0 && pm_tc_split(s, (size_t)(c - s), w, 3) == 2) {
				verb = w[0];
				res = w[1];
			} else {
				yes = -1;
			}
		}
		if (yes < 0) {
			pm_parse_gap(ctx, ctx->in->lineno, "unreadable can-i line: %.*s",
				     (int)(n > 120 ? 120 : n), s);
			continue;
		}
		if ((rc = put(ctx, subj, ns, verb, res, yes)))
			return rc;
	}
	if (rc < 0)
		return pm_parse_read_failed(ctx, rc);
	if (!any)
		pm_parse_gap(ctx, 0, "empty can-i output");
	return 0;
}

static int can_i_sniff(const char *path, const unsigned char *head, size_t n)
{
	const char *b = pm_tc_basename(path);
	const char *h = (const char *)head;

	if (pm_tc_path_dir(path, "auth") && !strncmp(b, "can-i__", 7))
		return 95;
	if (!head)
		return 0;
	if ((pm_tc_find(h, n, ": yes\n") || pm_tc_find(h, n, ": no\n")) &&
	    !pm_tc_find(h, n, "{"))
		return 55;
	return 0;
}

const struct pm_parser pm_parser_can_i = {
	.type = "can-i",
	.ddl = NULL,
	.sniff = can_i_sniff,
	.parse = can_i_parse,
};
