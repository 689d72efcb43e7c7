/*
 * parse_dd.c - the "dd" type: the summary of a dd write/read test into
 * `disk_throughput`, one row per summary line (or per failed run).
 *
 * Forms: GNU old "N bytes (105 MB) copied, 0.5 s, 210 MB/s", GNU new
 * "N bytes (105 MB, 100 MiB) copied, ...", busybox "..., 0.04 seconds,
 * 2.2GB/s", BSD "N bytes transferred in 0.5 secs (R bytes/sec)".  Lines
 * "dd: ..." are errors, attached to the run they belong to.
 */
#include "podmortem/parse.h"
#include "podmortem/textcols.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char dd_ddl[] =
"-- dd runs: one row per summary line, or per run that ended in an error.\n"
"-- target: the of= (else if=) argument of the item command.\n"
"-- bytes: bytes copied; seconds: elapsed; bytes_per_sec: bytes/seconds\n"
"-- (dd's own rounded rate when seconds is 0).  dsync: 1 when the command\n"
"-- had oflag=dsync/sync or conv=fdatasync/fsync, 0 when it had neither,\n"
"-- NULL when the command is unknown.  error: dd's message (\"dd: \" cut).\n"
"CREATE TABLE disk_throughput(\n"
"  host TEXT, path TEXT, line INTEGER, target TEXT, bytes INTEGER,\n"
"  seconds REAL, bytes_per_sec REAL, dsync INTEGER, error TEXT);\n";

static const char insert_sql[] =
	"INSERT INTO disk_throughput(host, path, line, target, bytes, seconds,"
	" bytes_per_sec, dsync, error) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)";

struct dd_run {
	long line;
	long long bytes;
	double seconds, rate;
	char error[512];
};

/* "210 MB/s", "2.2GB/s", "1.5 GiB/s", "209715200 bytes/sec" */
static double rate_of(const char *s, size_t n)
{
	double v;
	size_t used, k = 0;
	char unit[16];

	n = pm_tc_trim(&s, n);
	if (pm_tc_number(s, n, &v, &used))
		return NAN;
	s += used;
	n -= used;
	n = pm_tc_trim(&s, n);
	while (k < n && k < sizeof(unit) - 1 && s[k] != '/')
		unit[k] = s[k], k++;
	unit[k] = '\0';
	if (!k || !strcmp(unit, "B") || !strcmp(unit, "bytes"))
		return v;
	/* kB/MB/GB are powers of 1000 in dd, KiB/MiB/GiB of 1024 */
	{
		char one[20];
		int l = snprintf(one, sizeof(one), "1%s", unit);
		long long m = pm_parse_size(one, (size_t)l, 1);
		return m > 0 ? v * (double)m : NAN;
	}
}

/* Reads a summary line into r; 1 when it was one. */
static int summary(const char *s, size_t n, struct dd_run *r)
{
	const char *p, *e = s + n;
	double v;
	size_t used;
	long long bytes;
	struct pm_tc_field f[2];

	if (pm_tc_split(s, n, f, 2) < 2 || !pm_tc_starts(f[1].p, f[1].n, "byte"))
		return 0;
	bytes = pm_tc_int(f[0].p, f[0].n);
	if (bytes < 0)
		return 0;
	if ((p = pm_tc_find(s, n, " copied, "))) {
		p += 9;
		if (pm_tc_number(p, (size_t)(e - p), &v, &used))
			return 0;
		p += used;
		/* " s, 210 MB/s" or " seconds, 2.2GB/s" */
		p = memchr(p, ',', (size_t)(e - p));
		r->rate = p ? rate_of(p + 1, (size_t)(e - p - 1)) : NAN;
	} else if ((p = pm_tc_find(s, n, " transferred in "))) {
		p += 16;
		if (pm_tc_number(p, (size_t)(e - p), &v, &used))
			return 0;
		p = memchr(p, '(', (size_t)(e - p));
		r->rate = p ? rate_of(p + 1, (size_t)(e - p - 1)) : NAN;
	} else {
		return 0;
	}
	r->bytes = bytes;
	r->seconds = v;
	if (v > 0)
		r->rate = (double)bytes / v;
	return 1;
}

static int emit(struct pm_parse_ctx *ctx, const char *host,
		const struct pm_tc_argv *a, const struct dd_run *r)
{
	sqlite3_stmt *s = pm_store_stmt(ctx->store, insert_sql, ctx->err);
	const char *target = pm_tc_argv_value(a, "of=");
	const char *oflag = pm_tc_argv_value(a, "oflag=");
	const char *conv = pm_tc_argv_value(a, "conv=");

	if (!s)
		return ctx->err->code;
	if (!target)
		target = pm_tc_argv_value(a, "if=");
	pm_bind_text(s, 1, host, -1);
	pm_bind_text(s, 2, ctx->in->path, -1);
	sqlite3_bind_int64(s, 3, r->line);
	pm_bind_text(s, 4, target, -1);
	pm_tc_bind_i64(s, 5, r->bytes);
	pm_tc_bind_dbl(s, 6, r->seconds);
	pm_tc_bind_dbl(s, 7, r->rate);
	if (a->argc)
		sqlite3_bind_int(s, 8, (oflag && strstr(oflag, "sync")) ||
				 (conv && strstr(conv, "sync")));
	pm_bind_text(s, 9, r->error[0] ? r->error : NULL, -1);
	if (pm_store_run(ctx->store, s, ctx->err))
		return ctx->err->code;
	ctx->rows++;
	return 0;
}

static void run_reset(struct dd_run *r)
{
	r->line = 0;
	r->bytes = -1;
	r->seconds = r->rate = NAN;
	r->error[0] = '\0';
}

static int dd_parse(struct pm_parse_ctx *ctx)
{
	struct pm_tc_argv a;
	struct dd_run r;
	char host[256];
	const char *line;
	size_t len;
	int rc, any = 0;

	pm_tc_argv_ctx(&a, ctx);
	pm_tc_host(ctx, host, sizeof(host));
	run_reset(&r);
	while ((rc = pm_input_getline(ctx->in, &line, &len)) == 1) {
		const char *s = line;
		size_t n = pm_tc_trim(&s, len);
		double d;
		size_t used;

		if (!n)
			continue;
		any = 1;
		if (summary(s, n, &r)) {
			r.line = ctx->in->lineno;
			if ((rc = emit(ctx, host, &a, &r)))
				return rc;
			run_reset(&r);
		} else if (pm_tc_starts(s, n, "dd: ")) {
			/* the first error of a run says most */
			if (!r.error[0])
				snprintf(r.error, sizeof(r.error), "%.*s",
					 (int)(n - 4), s + 4);
			if (!r.line)
				r.line = ctx->in->lineno;
		} else if (pm_tc_number(s, n, &d, &used) == 0 &&
			   pm_tc_find(s, n, " records ")) {
			continue; /* "100+0 records in/out" */
		} else {
			pm_parse_gap(ctx, ctx->in->lineno,
				     "unreadable dd line: %.*s",
				     (int)(n > 120 ? 120 : n), s);
		}
	}
	if (rc < 0)
		return pm_parse_read_failed(ctx, rc);
	if (r.error[0] && (rc = emit(ctx, host, &a, &r)))
		return rc;
	if (!any)
		pm_parse_gap(ctx, 0, "empty dd output");
	else if (!ctx->rows)
		pm_parse_gap(ctx, 0, "no dd summary found");
	return 0;
}

static int dd_sniff(const char *path, const unsigned char *head, size_t n)
{
	const char *b = pm_tc_basename(path);
	const char *h = (const char *)head;

	if (pm_tc_path_dir(path, "host") && !strncmp(b, "dd", 2) &&
	    (b[2] == '.' || b[2] == '-'))
		return 90;
	if (!head)
		return 0;
	if (pm_tc_find(h, n, " records in\n") ||
	    (pm_tc_find(h, n, " bytes (") && pm_tc_find(h, n, ") copied, ")) ||
	    pm_tc_find(h, n, " bytes transferred in "))
		return 75;
	return 0;
}

const struct pm_parser pm_parser_dd = {
	.type = "dd",
	.ddl = dd_ddl,
	.sniff = dd_sniff,
	.parse = dd_parse,
};
