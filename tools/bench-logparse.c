/*
 * bench-logparse.c - lines per second of the "log" parser on a generated
 * file (default 100 MB of mixed CRI/logfmt, klog, JSON and plain lines)
 * loaded into a bundle.db in a temporary folder.  Not part of the build:
 *   cc -O2 -Iinclude tools/bench-logparse.c build/libpodmortem_core.a \
 *      $(pkg-config --libs libarchive yaml-0.1 jansson sqlite3 zlib) -lm -lpthread
 * usage: bench-logparse [megabytes] [db path]
 */
#include "podmortem/parse.h"
#include "podmortem/store.h"
#include "podmortem/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

extern const struct pm_parser pm_parser_log;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	size_t mb = argc > 1 ? (size_t)atoi(argv[1]) : 100;
	const char *dbpath = argc > 2 ? argv[2] : "/tmp/bench-logparse.db";
	size_t cap = mb << 20, len = 0;
	char *data = malloc(cap + 4096);
	long lines = 0;
	struct pm_store *st;
	struct pm_error err;
	struct pm_input in;
	struct pm_parse_ctx ctx;
	struct pm_manifest man;
	double t0, t1;
	int rc;

	if (!data)
		return 1;
	while (len < cap) {
		char ts[40];
		long i = lines;
		snprintf(ts, sizeof(ts), "2026-12-04T%02ld:%02ld:%02ld.%09ldZ",
			 (i / 3600) % 24, (i / 60) % 60, i % 60, i % 1000000000);
		switch (i % 4) {
		case 0:
			len += (size_t)sprintf(data + len,
				"%s stderr F time=\"2026-12-04T09:00:%02ldZ\" level=%s msg=\"Backed up %ld items out of an estimated total of %ld\" backup=velero/daily-%ld logSource=\"pkg/backup/backup.go:%ld\" progress=\n",
				ts, i % 60, i % 7 ? "info" : "error", i, i * 3, i % 30, i % 900);
			break;
		case 1:
			len += (size_t)sprintf(data + len,
				"%s stderr F E1204 09:%02ld:%02ld.%06ld       1 reconciler.go:%ld] \"Failed to sync\" err=\"dial tcp 10.96.0.%ld:443: i/o timeout after %ldms\" pod=\"ns/app-586bddbc54-%05ld\"\n",
				ts, (i / 60) % 60, i % 60, i % 1000000, i % 400, i % 255, i % 1000, i % 99999);
			break;
		case 2:
			len += (size_t)sprintf(data + len,
				"%s stdout F {\"level\":\"info\",\"ts\":%ld.%03ld,\"logger\":\"controller\",\"msg\":\"Reconciling PodVolumeBackup\",\"uid\":\"3f2a1b4c-1d2e-4f5a-8b9c-%012ld\",\"took\":\"%ldms\"}\n",
				ts, 1796378400L + i, i % 1000, i, i % 5000);
			break;
		default:
			len += (size_t)sprintf(data + len,
				"%s stdout F GET /healthz 200 %ld bytes from 10.244.%ld.%ld in %ld.%03lds\n",
				ts, i % 10000, i % 255, i % 250, i % 5, i % 1000);
		}
		lines++;
	}
	pm_error_init(&err);
	if (pm_store_open(&st, dbpath, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	pm_manifest_init(&man);
	man.collected_at = (char *)"2026-12-04T10:00:00Z";
	man.collected_epoch = pm_time_from_civil(2026, 12, 4, 10, 0, 0);
	pm_input_init_mem(&in, "logs/velero/velero-1/velero.log", data, len,
			  1u << 20);
	memset(&ctx, 0, sizeof(ctx));
	ctx.store = st;
	ctx.in = &in;
	ctx.manifest = &man;
	ctx.err = &err;
	t0 = now();
	pm_store_begin(st, &err);
	rc = pm_parser_log.parse(&ctx);
	pm_store_commit(st, &err);
	t1 = now();
	printf("%zu MB, %ld lines, rc %d, rows %ld: %.2f s, %.0f lines/s, %.1f MB/s\n",
	       len >> 20, lines, rc, ctx.rows, t1 - t0,
	       (double)lines / (t1 - t0), (double)len / (1 << 20) / (t1 - t0));
	pm_input_release(&in);
	pm_store_close(st);
	free(data);
	return rc ? 1 : 0;
}
