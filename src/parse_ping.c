/*
 * parse_ping.c - the "ping" type: a ping run into `pings`, one row per
 * statistics block (or per run that failed before one).
 *
 * iputils ("3 packets transmitted, 0 received, +3 errors, 100% packet
 * loss", "rtt min/avg/max/mdev = ..."), busybox and macOS ("4 packets
 * received", "round-trip min/avg/max[/stddev] = ...").  Errors: name
 * resolution ("unknown host", "Name or service not known", "bad
 * address"), "Destination Host Unreachable", "+N errors".
 */
#include "podmortem/parse.h"
#include "podmortem/textcols.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char ping_ddl[] =
"-- ping runs, one row per statistics block (or per run that failed\n"
"-- before printing one).  target: the name pinged (PING line, the\n"
"-- statistics header, else the command's last argument or the path\n"
"-- ping-<target>.txt).  loss_pct: as printed.  rtt_*_ms: milliseconds.\n"
"-- error: why replies were missing: a resolver message, \"Destination\n"
"-- Host Unreachable\" or \"N errors\"; NULL when ping said nothing.\n"
"CREATE TABLE pings(\n"
"  host TEXT, path TEXT, line INTEGER, target TEXT, transmitted INTEGER,\n"
"  received INTEGER, loss_pct REAL, rtt_min_ms REAL, rtt_avg_ms REAL,\n"
"  rtt_max_ms REAL, error TEXT);\n";

static const char insert_sql[] =
	"INSERT INTO pings(host, path, line, target, transmitted, received,"
	" loss_pct, rtt_min_ms, rtt_avg_ms, rtt_max_ms, error)"
	" VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)";

struct ping_run {
	long line;
	char target[256];
	long long tx, rx;
	double loss, rtt[3];
	char error[256];
	int stats;   /* the statistics line was seen */
};

static void run_reset(struct ping_run *r)
{
	r->line = 0;
	r->target[0] = r->error[0] = '\0';
	r->tx = r->rx = -1;
	r->loss = r->rtt[0] = r->rtt[1] = r->rtt[2] = NAN;
	r->stats = 0;
}

static int emit(struct pm_parse_ctx *ctx, struct ping_run *r,
		const char *fallback)
{
	sqlite3_stmt *s = pm_store_stmt(ctx->store, insert_sql, ctx->err);
	char host[256];

	if (!s)
		return ctx->err->code;
	pm_bind_text(s, 1, pm_tc_host(ctx, host, sizeof(host)), -1);
	pm_bind_text(s, 2, ctx->in->path, -1);
	sqlite3_bind_int64(s, 3, r->line);
	pm_bind_text(s, 4, r->target[0] ? r->target
			    : fallback[0] ? fallback : NULL, -1);
	pm_tc_bind_i64(s, 5, r->tx);
	pm_tc_bind_i64(s, 6, r->rx);
	pm_tc_bind_dbl(s, 7, r->loss);
	for (int i = 0; i < 3; i++)
		pm_tc_bind_dbl(s, 8 + i, r->rtt[i]);
	pm_bind_text(s, 11, r->error[0] ? r->error : NULL, -1);
	if (pm_store_run(ctx->store, s, ctx->err))
		return ctx->err->code;
	ctx->rows++;
	run_reset(r);
	return 0;
}

static void set_error(struct ping_run *r, const char *s, size_t n)
{
	if (!r->error[0])
		snprintf(r->error, sizeof(r->error), "%.*s", (int)n, s);
}

/* "N packets transmitted, M [packets ]received, [+D duplicates, ]
 *  [+E errors, ]X% packet loss[, time T]" */
static int stats_line(struct ping_run *r, const char *s, size_t n)
{
	struct pm_tc_field t[24];
	int k = pm_tc_split(s, n, t, 24);

	if (k < 4 || !pm_tc_find(s, n, " transmitted"))
		return 0;
	r->tx = pm_tc_int(t[0].p, t[0].n);
	if (r->tx < 0)
		return 0;
	for (int i = 1; i < k; i++) {
		struct pm_tc_field w = t[i];
		if (w.n && w.p[w.n - 1] == ',')
			w.n--;
		if (pm_tc_starts(w.p, w.n, "received") && r->rx < 0) {
			int j = i - 1;
			if (j > 0 && pm_tc_eq(t[j], "packets"))
				j--;
			r->rx = pm_tc_int(t[j].p, t[j].n);
		} else if (pm_tc_eq(w, "errors") && t[i - 1].p[0] == '+' &&
			   !r->error[0]) {
			snprintf(r->error, sizeof(r->error), "%.*s errors",
				 (int)t[i - 1].n - 1, t[i - 1].p + 1);
		} else if (pm_tc_eq(w, "packet") && t[i - 1].n > 1) {
			r->loss = pm_tc_percent(t[i - 1].p, t[i - 1].n);
			if (r->loss < 0)
				r->loss = NAN;
		}
	}
	r->stats = 1;
	return 1;
}

/* "rtt min/avg/max/mdev = 0.5/0.6/0.7/0.1 ms" or "round-trip ..." */
static int rtt_line(struct ping_run *r, const char *s, size_t n)
{
	const char *p = pm_tc_find(s, n, " = ");
	const char *e = s + n;
	double v[3];

	if (!p || !(pm_tc_starts(s, n, "rtt ") ||
		    pm_tc_starts(s, n, "round-trip ")))
		return 0;
	p += 3;
	for (int i = 0; i < 3; i++) {
		size_t used;
		if (pm_tc_number(p, (size_t)(e - p), &v[i], &used))
			return 0;
		p += used;
		if (i < 2 && (p >= e || *p++ != '/'))
			return 0;
	}
	/* all three or none: a cut line keeps nothing */
	if (p < e && *p == '/')
		p++;
	while (p < e && (*p == '.' || (*p >= '0' && *p <= '9')))
		p++;
	if (!pm_tc_starts(p, (size_t)(e - p), " ms"))
		return 0;
	memcpy(r->rtt, v, sizeof(v));
	return 1;
}

/* "PING name (1.2.3.4) ..." or "--- name ping statistics ---" */
static void take_target(struct ping_run *r, const char *s, size_t n)
{
	size_t l = 0;
	const char *p = s;

	if (pm_tc_starts(s, n, "PING ")) {
		p = s + 5;
		while (p + l < s + n && p[l] != ' ' && p[l] != '(')
			l++;
	} else if (pm_tc_starts(s, n, "--- ")) {
		const char *e = pm_tc_find(s, n, " ping statistics");
		p = s + 4;
		if (!e)
			return;
		l = (size_t)(e - p);
	}
	if (l && !r->target[0])
		snprintf(r->target, sizeof(r->target), "%.*s", (int)l, p);
}

static void fallback_target(const struct pm_parse_ctx *ctx, char *out,
			    size_t n)
{
	struct pm_tc_argv a;
	const char *b = pm_tc_basename(ctx->in->path);

	out[0] = '\0';
	if (pm_tc_argv_ctx(&a, ctx) > 1) {
		snprintf(out, n, "%s", a.argv[a.argc - 1]);
	} else if (!strncmp(b, "ping-", 5)) {
		const char *dot = strrchr(b, '.');
		size_t l = dot && dot > b + 5 ? (size_t)(dot - b - 5) : strlen(b + 5);
		snprintf(out, n, "%.*s", (int)l, b + 5);
	}
}

static int ping_parse(struct pm_parse_ctx *ctx)
{
	struct ping_run r;
	char fb[256];
	const char *line, *p;
	size_t len;
	int rc, any = 0;

	run_reset(&r);
	fallback_target(ctx, fb, sizeof(fb));
	while ((rc = pm_input_getline(ctx->in, &line, &len)) == 1) {
		const char *s = line;
		size_t n = pm_tc_trim(&s, len);

		if (!n)
			continue;
		any = 1;
		if (!r.line)
			r.line = ctx->in->lineno;
		if (pm_tc_starts(s, n, "PING ")) {
			if (r.stats && (rc = emit(ctx, &r, fb)))
				return rc;
			if (!r.line)
				r.line = ctx->in->lineno;
			take_target(&r, s, n);
		} else if (pm_tc_starts(s, n, "--- ")) {
			take_target(&r, s, n);
		} else if (stats_line(&r, s, n)) {
			r.line = ctx->in->lineno;
		} else if (rtt_line(&r, s, n)) {
			continue;
		} else if ((p = pm_tc_find(s, n, "Destination Host Unreachable")) ||
			   (p = pm_tc_find(s, n, "Destination Net Unreachable")) ||
			   (p = pm_tc_find(s, n, "Destination Port Unreachable"))) {
			set_error(&r, p, strlen("Destination Host Unreachable"));
		} else if (pm_tc_starts(s, n, "ping: ")) {
			/* resolver or socket failure: nothing else will come */
			set_error(&r, s + 6, n - 6);
		}
		/* replies, timeouts, ICMP dumps: nothing to keep */
	}
	if (rc < 0)
		return pm_parse_read_failed(ctx, rc);
	if (r.stats || r.error[0])
		return emit(ctx, &r, fb);
	if (!any)
		return pm_parse_gap(ctx, 0, "empty ping output");
	if (!ctx->rows)
		pm_parse_gap(ctx, 0, "no ping statistics found");
	return 0;
}

static int ping_sniff(const char *path, const unsigned char *head, size_t n)
{
	const char *b = pm_tc_basename(path);
	const char *h = (const char *)head;

	if (pm_tc_path_dir(path, "host") && !strncmp(b, "ping", 4))
		return 90;
	if (!head)
		return 0;
	if (pm_tc_starts(h, n, "PING ") || pm_tc_find(h, n, "\nPING ") ||
	    pm_tc_find(h, n, " ping statistics ---"))
		return 80;
	return 0;
}

const struct pm_parser pm_parser_ping = {
	.type = "ping",
	.ddl = ping_ddl,
	.sniff = ping_sniff,
	.parse = ping_parse,
};
