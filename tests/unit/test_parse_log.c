/*
 * test_parse_log.c - the "log" parser: every format, CRI joining, klog
 * years, levels, fields, templates, hostile bytes and real samples.
 */
#include "parsetest.h"

#include "podmortem/timeutil.h"

extern const struct pm_parser pm_parser_log;

static struct pm_manifest man;

/* Parses s with a manifest collected at `collected` (NULL: none). */
static int run_at(const char *path, const char *s, size_t len,
		  const char *collected, size_t max_line)
{
	struct pm_input in;
	struct pm_error err;
	struct pm_parse_ctx ctx;
	int rc;

	if (pt_store)
		pm_store_close(pt_store);
	pm_error_init(&err);
	if (pm_store_open_memory(&pt_store, &err)) {
		fprintf(stderr, "store: %s\n", err.msg);
		exit(1);
	}
	pm_manifest_init(&man);
	if (collected) {
		man.collected_at = (char *)collected;
		pm_time_parse(collected, strlen(collected), &man.collected_epoch,
			      NULL);
	}
	pm_input_init_mem(&in, path, s, len, max_line);
	memset(&ctx, 0, sizeof(ctx));
	ctx.store = pt_store;
	ctx.in = &in;
	ctx.manifest = &man;
	ctx.err = &err;
	rc = pm_parser_log.parse(&ctx);
	pm_parse_finish(&ctx);
	pm_input_release(&in);
	return rc;
}

static int run(const char *s)
{
	return run_at("logs/velero/velero-abc/velero.log", s, strlen(s),
		      "2026-12-04T10:00:00Z", 65536);
}

/* column of the row with line number `line` */
static const char *col(const char *c, int line)
{
	char sql[256];
	snprintf(sql, sizeof(sql), "SELECT %s FROM log_lines WHERE line=%d", c,
		 line);
	return pt_q(sql);
}

static void test_cri(void)
{
	const char *s =
		"2024-05-01T10:00:00.123456789Z stdout F hello world\n"
		"2024-05-01T10:00:01.000000000Z stderr P first part, \n"
		"2024-05-01T10:00:01.500000000Z stdout F interleaved\n"
		"2024-05-01T10:00:02.000000000Z stderr P second part, \n"
		"2024-05-01T10:00:03.000000000Z stderr F end\n"
		"2024-05-01T10:00:04+02:00 stdout F\n";
	CHECK_INT(run(s), 0);
	CHECK_INT(pt_count("log_lines"), 4);
	CHECK_STR(col("message", 1), "hello world");
	CHECK_STR(col("format", 1), "cri");
	CHECK_STR(col("stream", 1), "stdout");
	CHECK_STR(col("time", 1), "2024-05-01T10:00:00Z");
	CHECK_STR(col("time_text", 1), "2024-05-01T10:00:00.123456789Z");
	CHECK_STR(col("namespace", 1), "velero");
	CHECK_STR(col("pod", 1), "velero-abc");
	CHECK_STR(col("container", 1), "velero");
	/* P P F on stderr joined, numbered by the first part */
	CHECK_STR(col("message", 2), "first part, second part, end");
	CHECK_STR(col("stream", 2), "stderr");
	CHECK_STR(col("time", 2), "2024-05-01T10:00:03Z");
	CHECK_STR(col("message", 3), "interleaved");
	CHECK_STR(col("message", 6), "");
	CHECK_STR(col("time", 6), "2024-05-01T08:00:04Z");
	CHECK_STR(pt_q("SELECT count(*) FROM log_lines WHERE line IN (4,5)"), "0");
}

static void test_cri_partial_cap(void)
{
	/* 40 partials of 1000 bytes joined under a 4096-byte cap */
	static char buf[64 * 1024];
	char part[1001];
	size_t off = 0;
	memset(part, 'x', 1000);
	part[1000] = '\0';
	for (int i = 0; i < 40; i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off,
			"2024-05-01T10:00:00Z stdout P %s\n", part);
	off += (size_t)snprintf(buf + off, sizeof(buf) - off,
		"2024-05-01T10:00:01Z stdout F tail\n"
		"2024-05-01T10:00:02Z stdout F next\n"
		"2024-05-01T10:00:03Z stdout P unterminated at eof\n");
	CHECK_INT(run_at("x.log", buf, off, NULL, 4096), 0);
	CHECK_INT(pt_count("log_lines"), 3);
	CHECK_STR(pt_q("SELECT length(message) FROM log_lines WHERE line=1"), "4096");
	CHECK_STR(pt_q("SELECT count(*) FROM gaps WHERE category='truncated' AND line=1"), "1");
	CHECK_STR(col("message", 42), "next");
	CHECK_STR(col("message", 43), "unterminated at eof");
	CHECK_STR(col("time", 43), "(null)");
}

static void test_klog(void)
{
	const char *s =
		"I0915 20:50:39.344687       1 serving.go:331] Generated self-signed cert in-memory\n"
		"E1204 09:59:00.000000    3153 cni.go:333] \"Failed to retrieve\" err=\"no ns\" pod=\"kube-system/x\"\n"
		"W1204 10:00:00.5 1 a.go:1] short\n"
		"F0916 21:39:11.582328       1 server.go:490] failed complete: open /var/lib/kube-proxy/configuration.conf: no such file or directory\n";
	CHECK_INT(run(s), 0);
	CHECK_STR(col("format", 1), "klog");
	CHECK_STR(col("level", 1), "info");
	CHECK_STR(col("time", 1), "2026-09-15T20:50:39Z");
	CHECK_STR(col("time_text", 1), "0915 20:50:39.344687");
	CHECK_STR(col("message", 1), "Generated self-signed cert in-memory");
	CHECK_STR(col("json_extract(fields,'$.logSource')", 1), "serving.go:331");
	CHECK_STR(col("level", 2), "error");
	CHECK_STR(col("message", 2), "Failed to retrieve");
	CHECK_STR(col("json_extract(fields,'$.err')", 2), "no ns");
	CHECK_STR(col("json_extract(fields,'$.pod')", 2), "kube-system/x");
	CHECK_STR(col("level", 3), "warning");
	CHECK_STR(col("level", 4), "fatal");
	CHECK_STR(pt_q("SELECT count(*) FROM log_lines WHERE json_valid(fields)=0"), "0");
}

static void test_klog_new_year(void)
{
	const char *s =
		"I1231 23:59:30.000000 1 a.go:1] before midnight\n"
		"I0101 00:05:00.000000 1 a.go:1] after midnight\n"
		"I0101 00:30:00.000000 1 a.go:1] a little after collected_at\n"
		"I0229 12:00:00.000000 1 a.go:1] leap day\n";
	CHECK_INT(run_at("k.log", s, strlen(s), "2027-01-01T00:10:00Z", 4096), 0);
	CHECK_STR(col("time", 1), "2026-12-31T23:59:30Z");
	CHECK_STR(col("time", 2), "2027-01-01T00:05:00Z");
	CHECK_STR(col("time", 3), "2027-01-01T00:30:00Z");
	CHECK_STR(col("time", 4), "2024-02-29T12:00:00Z");
	/* without collected_at the year is unknown: no time, text kept */
	CHECK_INT(run_at("k.log", s, strlen(s), NULL, 4096), 0);
	CHECK_STR(col("time", 1), "(null)");
	CHECK_STR(col("time_text", 1), "1231 23:59:30.000000");
}

static void test_syslog_and_go_dates(void)
{
	const char *s =
		"Dec 31 23:59:30 node-1 kubelet[3153]: E1231 23:59:30.123456    3153 pod_workers.go:1298] \"Error syncing pod\" err=\"failed to mount\"\n"
		"Jan  1 00:05:00 node-1 containerd[811]: time=\"2027-01-01T00:05:00Z\" level=warning msg=\"slow pull\" image=nginx\n"
		"Jan  1 00:06:00 node-1 CRON[99]: (root) CMD (run-parts /etc/cron.hourly)\n"
		"Jan  1 00:07:00 node-1 kernel: ERROR: disk sda I/O error\n"
		"Foo  1 00:07:00 node-1 kernel: not a month\n"
		"2027/01/01 00:08:00 ERROR: dial tcp 10.0.0.5:5432: connect: connection refused\n";
	CHECK_INT(run_at("logs/kube-system/node-1/kubelet.log", s, strlen(s),
			 "2027-01-01T00:10:00Z", 4096), 0);
	/* syslog has no year either: the one that keeps it before collected_at */
	CHECK_STR(col("time", 1), "2026-12-31T23:59:30Z");
	CHECK_STR(col("format", 1), "syslog/klog");
	CHECK_STR(col("level", 1), "error");
	CHECK_STR(col("json_extract(fields,'$.host')", 1), "node-1");
	CHECK_STR(col("json_extract(fields,'$.syslogTag')", 1), "kubelet[3153]");
	CHECK_STR(col("json_extract(fields,'$.err')", 1), "failed to mount");
	CHECK_STR(col("time", 2), "2027-01-01T00:05:00Z");
	CHECK_STR(col("format", 2), "syslog/logfmt");
	CHECK_STR(col("json_extract(fields,'$.image')", 2), "nginx");
	CHECK_STR(col("format", 3), "syslog");
	CHECK_STR(col("message", 3), "(root) CMD (run-parts /etc/cron.hourly)");
	CHECK_STR(col("time_text", 3), "Jan  1 00:06:00");
	CHECK_STR(col("level", 4), "error");
	CHECK_STR(col("format", 5), "plain");
	/* Go's log package: 2006/01/02 15:04:05 */
	CHECK_STR(col("time", 6), "2027-01-01T00:08:00Z");
	CHECK_STR(col("format", 6), "rfc3339");
	CHECK_STR(col("level", 6), "error");
}

static void test_docker_json_file(void)
{
	const char *s =
		"{\"log\":\"E1204 09:00:00.123456       1 controller.go:12] sync failed: timeout\\n\",\"stream\":\"stderr\",\"time\":\"2026-12-04T09:00:00.123456789Z\"}\n"
		"{\"log\":\"plain text line\\n\",\"stream\":\"stdout\",\"time\":\"2026-12-04T09:00:01Z\"}\n"
		"{\"log\":\"time=\\\"2026-12-04T08:00:00Z\\\" level=error msg=\\\"upload failed\\\" backup=velero/b1\\n\",\"stream\":\"stdout\",\"time\":\"2026-12-04T09:00:02Z\"}\n"
		"{\"log\":\"{\\\"log\\\":\\\"nested\\\",\\\"time\\\":\\\"x\\\"}\",\"stream\":\"stdout\",\"time\":\"2026-12-04T09:00:03Z\"}\n"
		"{\"level\":\"info\",\"msg\":\"ordinary JSON\",\"log\":\"not a wrapper\"}\n";
	CHECK_INT(run(s), 0);
	CHECK_STR(col("format", 1), "docker/klog");
	CHECK_STR(col("level", 1), "error");
	CHECK_STR(col("stream", 1), "stderr");
	CHECK_STR(col("message", 1), "sync failed: timeout");
	/* the wrapper's time wins over the inner one, as with CRI */
	CHECK_STR(col("time", 1), "2026-12-04T09:00:00Z");
	CHECK_STR(col("format", 2), "docker");
	CHECK_STR(col("message", 2), "plain text line");
	CHECK_STR(col("format", 3), "docker/logfmt");
	CHECK_STR(col("time", 3), "2026-12-04T09:00:02Z");
	CHECK_STR(col("json_extract(fields,'$.backup')", 3), "velero/b1");
	/* a wrapper inside a wrapper is read once, not recursively */
	CHECK_STR(col("format", 4), "docker/json");
	CHECK_STR(col("format", 5), "json");
	CHECK_STR(col("message", 5), "ordinary JSON");
}

static void test_logfmt(void)
{
	const char *s =
		"time=\"2020-11-23T12:58:31+03:00\" level=error msg=\"error restoring hello-service: Service \\\"hello-service\\\" is invalid: spec.ports[0].nodePort: Invalid value: 31536: provided port is already allocated\" logSource=\"pkg/restore/restore.go:1170\" restore=velero/test-with-3-svc-20201123125825\n"
		"time=\"2025-03-01T18:41:30Z\" level=warn msg=hi error=\"read |0: file\\nclosed\" flag\n"
		"level=debug msg=\"no time\" backup=velero/b1\n";
	CHECK_INT(run(s), 0);
	CHECK_STR(col("format", 1), "logfmt");
	CHECK_STR(col("level", 1), "error");
	CHECK_STR(col("time", 1), "2020-11-23T09:58:31Z");
	CHECK_STR(col("time_text", 1), "2020-11-23T12:58:31+03:00");
	CHECK_STR(col("message", 1),
		  "error restoring hello-service: Service \"hello-service\" is invalid: spec.ports[0].nodePort: Invalid value: 31536: provided port is already allocated");
	CHECK_STR(col("json_extract(fields,'$.logSource')", 1), "pkg/restore/restore.go:1170");
	CHECK_STR(col("json_extract(fields,'$.restore')", 1), "velero/test-with-3-svc-20201123125825");
	CHECK_STR(col("json_type(fields,'$.msg')", 1), "(null)");
	CHECK_STR(col("template", 1),
		  "error restoring hello-service: Service \"<S>\" is invalid: spec.ports[<N>].nodePort: Invalid value: <N>: provided port is already allocated");
	CHECK_STR(col("level", 2), "warning");
	CHECK_STR(col("message", 2), "hi");
	CHECK_STR(col("json_extract(fields,'$.error')", 2), "read |0: file\nclosed");
	CHECK_STR(col("json_extract(fields,'$.flag')", 2), "1");
	CHECK_STR(col("level", 3), "debug");
	CHECK_STR(col("time", 3), "(null)");
	CHECK_STR(col("json_extract(fields,'$.backup')", 3), "velero/b1");
}

static void test_json(void)
{
	const char *s =
		"{\"level\":\"info\",\"ts\":1714557600.5,\"logger\":\"ctrl\",\"msg\":\"Reconciling \\\"b1\\\" \\u00e9\",\"backup\":{\"name\":\"b1\"}}\n"
		"{\"severity\":\"ERROR\",\"time\":\"2024-05-01T10:00:00Z\",\"message\":\"boom\",\"error\":\"x\"}\n"
		"{\"lvl\":\"crit\",\"timestamp\":1714557600123,\"msg\":\"ms\"}\n"
		"{\"level\":50,\"time\":1714557600,\"msg\":\"pino\"}\n"
		"{\"level\":\"trace\",\"msg\":\"t\"}\n"
		"{\"msg\":\"broken\"\n"
		"{\"level\":\"panic\",\"err\":\"e\"}\n";
	CHECK_INT(run(s), 0);
	CHECK_STR(col("format", 1), "json");
	CHECK_STR(col("level", 1), "info");
	CHECK_STR(col("time", 1), "2024-05-01T10:00:00Z");
	CHECK_STR(col("time_text", 1), "1714557600.5");
	CHECK_STR(col("message", 1), "Reconciling \"b1\" \xc3\xa9");
	CHECK_STR(col("json_extract(fields,'$.logger')", 1), "ctrl");
	CHECK_STR(col("json_extract(fields,'$.backup.name')", 1), "b1");
	CHECK_STR(col("level", 2), "error");
	CHECK_STR(col("message", 2), "boom");
	CHECK_STR(col("fields", 2), "{\"error\":\"x\"}");
	CHECK_STR(col("level", 3), "fatal");
	CHECK_STR(col("time", 3), "2024-05-01T10:00:00Z");
	CHECK_STR(col("level", 4), "error");
	CHECK_STR(col("level", 5), "debug");
	CHECK_STR(col("format", 6), "plain");
	CHECK_STR(col("level", 7), "fatal");
	/* no msg key: the whole line is the message */
	CHECK_STR(col("message", 7), "{\"level\":\"panic\",\"err\":\"e\"}");
}

static void test_rfc3339_plain(void)
{
	const char *s =
		"2024-05-01 10:00:00,123 ERROR something failed after 250ms\n"
		"2025-03-18T10:32:55Z\tINFO\tStarting EventSource\t{\"controller\": \"podvolumebackup\", \"source\": \"kind source: *v1.PodVolumeBackup\"}\n"
		"2024-05-01T10:00:00.000000001Z time=\"2024-05-01T09:00:00Z\" level=warning msg=wrapped\n"
		"2024-05-01T10:00:00Z E0501 10:00:00.000000 1 x.go:1] wrapped klog\n"
		"Error: context deadline exceeded\n"
		"[WARN] disk almost full\n"
		"just some text 42\n"
		"warning: Immediate deletion does not wait\n"
		"Flag --port has been deprecated, see --secure-port instead.\n";
	CHECK_INT(run(s), 0);
	CHECK_STR(col("format", 1), "rfc3339");
	CHECK_STR(col("time", 1), "2024-05-01T10:00:00Z");
	CHECK_STR(col("time_text", 1), "2024-05-01 10:00:00,123");
	CHECK_STR(col("level", 1), "error");
	CHECK_STR(col("message", 1), "ERROR something failed after 250ms");
	CHECK_STR(col("template", 1), "ERROR something failed after <DUR>");
	CHECK_STR(col("level", 2), "info");
	CHECK_STR(col("json_extract(fields,'$.controller')", 2), "podvolumebackup");
	CHECK_STR(col("message", 2), "INFO\tStarting EventSource");
	CHECK_STR(col("format", 3), "rfc3339/logfmt");
	CHECK_STR(col("time", 3), "2024-05-01T10:00:00Z");
	CHECK_STR(col("message", 3), "wrapped");
	CHECK_STR(col("level", 3), "warning");
	CHECK_STR(col("format", 4), "rfc3339/klog");
	CHECK_STR(col("level", 4), "error");
	CHECK_STR(col("format", 5), "plain");
	CHECK_STR(col("level", 5), "error");
	CHECK_STR(col("time", 5), "(null)");
	CHECK_STR(col("level", 6), "warning");
	CHECK_STR(col("level", 7), "(null)");
	CHECK_STR(col("template", 7), "just some text <N>");
	CHECK_STR(col("level", 8), "warning");
	CHECK_STR(col("level", 9), "(null)");
}

static void test_cri_inner(void)
{
	const char *s =
		"2024-05-01T10:00:00.1Z stderr F time=\"2024-05-01T09:59:59Z\" level=error msg=\"backup failed\" backup=velero/b1\n"
		"2024-05-01T10:00:01.1Z stderr F E0501 10:00:01.000000       1 controller.go:12] sync failed\n"
		"2024-05-01T10:00:02.1Z stdout F {\"level\":\"warn\",\"msg\":\"j\"}\n"
		"2024-05-01T10:00:03.1Z stdout F 2024-05-01 10:00:03 INFO started\n";
	CHECK_INT(run(s), 0);
	CHECK_STR(col("format", 1), "cri/logfmt");
	CHECK_STR(col("message", 1), "backup failed");
	CHECK_STR(col("level", 1), "error");
	/* the runtime's stamp wins over the inner one */
	CHECK_STR(col("time", 1), "2024-05-01T10:00:00Z");
	CHECK_STR(col("time_text", 1), "2024-05-01T10:00:00.1Z");
	CHECK_STR(col("json_extract(fields,'$.backup')", 1), "velero/b1");
	CHECK_STR(col("format", 2), "cri/klog");
	CHECK_STR(col("level", 2), "error");
	CHECK_STR(col("message", 2), "sync failed");
	CHECK_STR(col("format", 3), "cri/json");
	CHECK_STR(col("level", 3), "warning");
	CHECK_STR(col("format", 4), "cri/rfc3339");
	CHECK_STR(col("level", 4), "info");
}

static void test_template(void)
{
	const char *s =
		"pod app-586bddbc54-4wscr on 10.244.0.5:8080 uid 3f2a1b4c-1d2e-4f5a-8b9c-0d1e2f3a4b5c took 1m30.5s at 2024-05-01T10:00:00Z size 512Mi id 0x1f container 91afc30e7c7784ccbaed382bd1da6a434e5ecf28812b1b95f7d4e42df6ff7be4 can't resolve '(null)' v1.29 x509 903.138\xc2\xb5s\n"
		"pod app-747ffc844f-4wscr on 10.244.1.17:9090 uid 00000000-0000-0000-0000-000000000001 took 3s at 2025-01-01T00:00:00Z size 1Mi id 0xff container deadbeef00 can't resolve 'x' v1.0 x509 1ms\n";
	CHECK_INT(run(s), 0);
	CHECK_STR(col("template", 1),
		  "pod app-<ID>-4wscr on <IP> uid <ID> took <DUR> at <TS> size <N>Mi id <ID> container <ID> can't resolve '<S>' v1.<N> x509 <DUR>");
	CHECK_STR(pt_q("SELECT count(DISTINCT template) FROM log_lines"), "1");
}

static void test_hostile_bytes(void)
{
	static const char s[] =
		"2024-05-01T10:00:00Z stdout F bad \xff\xfe utf8 \xc3\x28 and NUL \0 here\n"
		"level=error msg=\"x\\x80y\\u0000z\" k=\"\xe2\x82\" e=\"\\ud800\"\n"
		"{\"msg\":\"a\\u0000b\",\"v\":\"\\ud83d\\ude00\"}\n"
		"\xf0\x9f\x98\x80 emoji ok\n";
	CHECK_INT(run_at("h.log", s, sizeof(s) - 1, NULL, 4096), 0);
	CHECK_INT(pt_count("log_lines"), 4);
	CHECK_STR(col("message", 1),
		  "bad \xef\xbf\xbd\xef\xbf\xbd utf8 \xef\xbf\xbd( and NUL \xef\xbf\xbd here");
	CHECK_STR(col("message", 2), "x\xef\xbf\xbdy\xef\xbf\xbdz");
	CHECK_STR(col("json_extract(fields,'$.k')", 2), "\xef\xbf\xbd\xef\xbf\xbd");
	CHECK_STR(col("message", 3), "a\xef\xbf\xbd" "b");
	CHECK_STR(col("message", 4), "\xf0\x9f\x98\x80 emoji ok");
	CHECK_STR(pt_q("SELECT count(*) FROM log_lines WHERE fields IS NOT NULL AND json_valid(fields)=0"), "0");
	/* every stored byte is valid UTF-8: SQLite counts each U+FFFD once */
	CHECK_STR(pt_q("SELECT length(message) FROM log_lines WHERE line=1"), "29");
}

static void test_long_line(void)
{
	size_t big = 1u << 20;
	char *s = malloc(big + 64);
	int n = snprintf(s, 64, "level=error msg=\"");
	memset(s + n, 'a', big);
	memcpy(s + n + big, "\"\nlevel=info msg=after\n", 23);
	CHECK_INT(run_at("l.log", s, (size_t)n + big + 23, NULL, 65536), 0);
	CHECK_INT(pt_count("log_lines"), 2);
	CHECK_STR(pt_q("SELECT count(*) FROM gaps WHERE category='truncated' AND line=1"), "1");
	CHECK_STR(pt_q("SELECT count(*) FROM gaps WHERE category='truncated' AND reason LIKE '%were cut%'"), "1");
	/* the cut line is still stored, its open quote taken to the end */
	CHECK_STR(col("level", 1), "error");
	CHECK(atoi(col("length(message)", 1)) > 60000);
	CHECK_STR(col("message", 2), "after");
	free(s);
}

static void test_peek_hint(void)
{
	/* a logfmt file: the relaxed rule accepts a line with one pair */
	const char *s =
		"time=\"2024-05-01T10:00:00Z\" level=info msg=a\n"
		"time=\"2024-05-01T10:00:01Z\" level=info msg=b\n"
		"status=ok\n";
	CHECK_INT(run(s), 0);
	CHECK_STR(col("format", 3), "logfmt");
	/* the same lone pair in a plain file stays plain */
	CHECK_INT(run("hello\nthere\nstatus=ok\n"), 0);
	CHECK_STR(col("format", 3), "plain");
}

/* lines of a markdown code block that look like logs, as one log file */
static char *doc_lines(const char *doc, const char *must)
{
	size_t n = strlen(doc);
	char *out = malloc(n + 1), *w = out;
	const char *p = doc;
	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		size_t i = 0;
		while (i < len && p[i] == ' ')
			i++;
		if (len - i > 5 && memmem(p + i, len - i, must, strlen(must))) {
			memcpy(w, p + i, len - i);
			w += len - i;
			*w++ = '\n';
		}
		p = nl ? nl + 1 : NULL;
	}
	*w = '\0';
	return out;
}

static void test_realdata(void)
{
	const char *f = pmt_realdata("vmware-tanzu_velero/restore-reference.md");
	char *doc, *lines;
	int any = 0;

	if (f && (doc = pt_slurp(f, NULL))) {
		any = 1;
		lines = doc_lines(doc, "level=");
		CHECK(strlen(lines) > 0);
		CHECK_INT(run(lines), 0);
		CHECK_STR(pt_q("SELECT count(*) FROM log_lines WHERE format<>'logfmt'"), "0");
		CHECK_STR(pt_q("SELECT count(*)>=2 FROM log_lines WHERE level='error' AND message LIKE '%nodePort%'"), "1");
		CHECK_STR(pt_q("SELECT count(DISTINCT json_extract(fields,'$.restore')) FROM log_lines"), "2");
		CHECK_STR(pt_q("SELECT time FROM log_lines ORDER BY line LIMIT 1"), "2020-11-23T09:58:31Z");
		free(lines);
		free(doc);
	}
	f = pmt_realdata("KojoRising_CKA_Prep/13.4-Network-Failure.md");
	if (f && (doc = pt_slurp(f, NULL))) {
		any = 1;
		lines = doc_lines(doc, "0916 21:39:11");
		CHECK_INT(run(lines), 0);
		CHECK_STR(pt_q("SELECT format||' '||level||' '||time FROM log_lines WHERE line=1"),
			  "klog fatal 2026-09-16T21:39:11Z");
		CHECK_STR(pt_q("SELECT json_extract(fields,'$.logSource') FROM log_lines"), "server.go:490");
		free(lines);
		free(doc);
	}
	f = pmt_realdata("KojoRising_CKA_Prep/13.2-Controlplane-Failure.md");
	if (f && (doc = pt_slurp(f, NULL))) {
		char *blk = pt_block(doc, "Flag --port has been deprecated", 0,
				     "root@controlplane", 4);
		any = 1;
		CHECK(blk != NULL);
		if (blk) {
			CHECK_INT(run(blk), 0);
			CHECK_STR(pt_q("SELECT group_concat(format||':'||coalesce(level,'-'),' ') FROM log_lines"),
				  "plain:- klog:info plain:-");
			free(blk);
		}
		free(doc);
	}
	f = pmt_realdata("DataDog_integrations-core/velero_tests.yaml");
	if (f && (doc = pt_slurp(f, NULL))) {
		/* sample: "..." values are YAML double-quoted strings */
		char *buf = malloc(strlen(doc) + 1), *w = buf;
		const char *p = doc;
		any = 1;
		while ((p = strstr(p, "sample: \""))) {
			p += 9;
			while (*p && *p != '\n' && !(*p == '"' && (p[1] == '\n' || !p[1]))) {
				if (*p == '\\' && p[1]) {
					p++;
					*w++ = *p == 't' ? '\t' : *p;
				} else
					*w++ = *p;
				p++;
			}
			*w++ = '\n';
		}
		*w = '\0';
		CHECK_INT(run(buf), 0);
		CHECK_STR(pt_q("SELECT count(*) FROM log_lines"), "5");
		CHECK_STR(col("json_extract(fields,'$.backup')", 1), "velero/nginx-backup");
		CHECK_STR(col("json_extract(fields,'$.namespace')", 1), "resource=datadownloads");
		CHECK_STR(col("level", 3), "error");
		CHECK_STR(col("json_extract(fields,'$.error')", 3), "read |0: file already closed");
		CHECK_STR(col("json_extract(fields,'$.controller')", 4), "podvolumebackup");
		CHECK_STR(col("level", 4), "info");
		CHECK_STR(col("level", 5), "info");
		free(buf);
		free(doc);
	}
	if (!any)
		fprintf(stderr, "realdata absent: samples skipped\n");
}

int main(void)
{
	RUN(test_cri);
	RUN(test_cri_partial_cap);
	RUN(test_klog);
	RUN(test_klog_new_year);
	RUN(test_syslog_and_go_dates);
	RUN(test_docker_json_file);
	RUN(test_logfmt);
	RUN(test_json);
	RUN(test_rfc3339_plain);
	RUN(test_cri_inner);
	RUN(test_template);
	RUN(test_hostile_bytes);
	RUN(test_long_line);
	RUN(test_peek_hint);
	RUN(test_realdata);
	if (pt_store)
		pm_store_close(pt_store);
	DONE();
}
