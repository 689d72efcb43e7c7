/* Tests for report_html.c and timeline.c, and the escaping of report_md.c:
 * hostile bundle text renders as plain text in both reports, output is
 * deterministic, the timeline stays bounded, source context is found. */
#include "pmtest.h"
#include "podmortem/report.h"
#include "podmortem/timeline.h"

#include <sys/stat.h>
#include <unistd.h>

#define H_SCRIPT "<script>alert(1)</script>"
#define H_IMG "\"><img src=x onerror=alert(1)>"
#define H_JS "javascript:alert(1)"
#define H_MDLINK "[x](javascript:alert(1))"

static char dir[256];

static void put(const char *rel, const char *text)
{
	char path[512], *slash;
	FILE *f;
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	for (slash = path + strlen(dir) + 1; (slash = strchr(slash, '/')); slash++) {
		*slash = 0;
		mkdir(path, 0700);
		*slash = '/';
	}
	f = fopen(path, "w");
	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* JSON string escaping of the hostile strings is done by hand below:
 * only '"' needs it. */
static void make_bundle(void)
{
	snprintf(dir, sizeof(dir), "%s/pm-html-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	CHECK(mkdtemp(dir) != NULL);
	put("manifest.json",
	    "{\"format\":1,\"collector\":{\"name\":\"podmortem-collect\",\"version\":\"0.1.0\"},"
	    "\"cluster\":{\"context\":\"ctx<script>alert(1)</script>\",\"server\":\"https://203.0.113.10:6443\","
	    "\"version\":\"v1.29.2\"},\"collected_at\":\"2026-12-04T10:00:00Z\",\"items\":[]}");
	put("cluster/pods.json",
	    "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[{\"apiVersion\":\"v1\",\"kind\":\"Pod\","
	    "\"metadata\":{\"name\":\"api" H_SCRIPT "\",\"namespace\":\"shop\","
	    "\"creationTimestamp\":\"2026-12-04T09:00:00Z\","
	    "\"labels\":{\"app\":\"\\\"><img src=x onerror=alert(1)>\",\"link\":\"" H_MDLINK "\"}},"
	    "\"spec\":{\"nodeName\":\"worker-1\",\"containers\":[{\"name\":\"api\","
	    "\"image\":\"registry.example.com/" H_JS "\"}]},"
	    "\"status\":{\"phase\":\"Pending\",\"containerStatuses\":[{\"name\":\"api\","
	    "\"image\":\"x\",\"ready\":false,\"restartCount\":3,"
	    "\"state\":{\"waiting\":{\"reason\":\"ImagePullBackOff\",\"message\":\""
	    H_SCRIPT " \\\"><img src=x onerror=alert(1)> " H_JS " " H_MDLINK "\"}},"
	    "\"lastState\":{\"terminated\":{\"reason\":\"Error" H_SCRIPT "\",\"exitCode\":1,"
	    "\"finishedAt\":\"2026-12-04T09:40:00Z\"}}}]}}]}");
	put("cluster/events.json",
	    "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[{\"apiVersion\":\"v1\",\"kind\":\"Event\","
	    "\"metadata\":{\"name\":\"e1\",\"namespace\":\"shop\"},"
	    "\"involvedObject\":{\"kind\":\"Pod\",\"name\":\"api" H_SCRIPT "\",\"namespace\":\"shop\"},"
	    "\"reason\":\"Failed" H_SCRIPT "\",\"type\":\"Warning\",\"count\":4,"
	    "\"message\":\"\\\"><img src=x onerror=alert(1)> " H_MDLINK "\","
	    "\"firstTimestamp\":\"2026-12-04T09:10:00Z\",\"lastTimestamp\":\"2026-12-04T09:50:00Z\"}]}");
	put("logs/shop/api/api.log",
	    "time=\"2026-12-04T09:20:00Z\" level=info msg=\"starting\"\n"
	    "time=\"2026-12-04T09:20:01Z\" level=error msg=\"" H_SCRIPT " \\\"><img src=x onerror=alert(1)> " H_MDLINK "\"\n"
	    "time=\"2026-12-04T09:20:02Z\" level=info msg=\"retrying\"\n");
}

static void analyze(struct pm_analysis *a, const char *lang)
{
	struct pm_analyze_opts o;
	struct pm_error err;
	static char rules[4096];
	pm_analyze_opts_init(&o);
	snprintf(rules, sizeof(rules), "%s", pmt_src("rules"));
	o.bundle = dir;
	o.rules_dir = rules;
	o.in_memory = 1;
	o.lang = lang;
	pm_analysis_init(a);
	pm_error_init(&err);
	if (pm_analyze(&o, a, &err)) {
		fprintf(stderr, "analyze: %s (run through ctest)\n", err.msg);
		exit(1);
	}
}

static int count(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/* Every href is a fragment or https; nothing else can navigate. */
static void check_hrefs(const char *html)
{
	for (const char *p = html; (p = strstr(p, "href=\"")); p++) {
		p += 6;
		CHECK(*p == '#' || !strncmp(p, "https://", 8));
	}
}

static void test_html_hostile(void)
{
	struct pm_analysis a;
	struct pm_buf b1 = PM_BUF_INIT(PM_REPORT_MAX), b2 = PM_BUF_INIT(PM_REPORT_MAX);
	struct pm_error err;
	const char *h;

	analyze(&a, "en");
	CHECK(a.results.nfindings >= 1);
	CHECK_INT(pm_report_html(&a, &b1, &err), 0);
	CHECK_INT(pm_report_html(&a, &b2, &err), 0);
	h = pm_buf_cstr(&b1);
	/* determinism */
	CHECK_INT(b1.len, b2.len);
	CHECK(b1.len == b2.len && !memcmp(b1.data, b2.data, b1.len));
	/* the only script element is ours; no element from the data */
	CHECK_INT(count(h, "<script"), 1);
	CHECK_INT(count(h, "<img"), 0);
	CHECK_INT(count(h, "onerror=alert(1)>"), 0);
	CHECK(strstr(h, "&lt;script&gt;alert(1)&lt;/script&gt;") != NULL);
	CHECK(strstr(h, "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;") != NULL);
	CHECK(strstr(h, "[x](javascript:alert(1))") != NULL);  /* plain text */
	CHECK_INT(count(h, "href=\"javascript"), 0);
	check_hrefs(h);
	/* the hostile text reached the page (pod name, evidence, event, log) */
	CHECK(count(h, "api&lt;script&gt;alert(1)&lt;/script&gt;") >= 2);
	/* no bundle data inside the script */
	{
		const char *s = strstr(h, "<script>");
		const char *e = s ? strstr(s, "</script>") : NULL;
		CHECK(s && e);
		if (s && e) {
			CHECK(!memmem(s, (size_t)(e - s), "alert", 5));
			CHECK(!memmem(s, (size_t)(e - s), "shop", 4));
		}
	}
	/* CSP allows nothing but the inline script by hash */
	CHECK(strstr(h, "default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-") != NULL);
	CHECK(strstr(h, "<svg class=\"timeline\"") != NULL);
	/* the summary facts and the sections */
	CHECK(strstr(h, "2026-12-04T10:00:00Z") != NULL);
	CHECK(strstr(h, "restore.pod-start") != NULL);
	pm_buf_release(&b1);
	pm_buf_release(&b2);
	pm_analysis_release(&a);
}

static void test_markdown_hostile(void)
{
	struct pm_analysis a;
	struct pm_buf b1 = PM_BUF_INIT(PM_REPORT_MAX), b2 = PM_BUF_INIT(PM_REPORT_MAX);
	struct pm_error err;
	const char *m;

	analyze(&a, "en");
	CHECK_INT(pm_report_markdown(&a, &b1, &err), 0);
	CHECK_INT(pm_report_markdown(&a, &b2, &err), 0);
	m = pm_buf_cstr(&b1);
	CHECK(b1.len == b2.len && !memcmp(b1.data, b2.data, b1.len));
	/* no raw HTML and no link syntax outside code fences */
	{
		int fence = 0;
		char *copy = strdup(m), *save = NULL;
		for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			if (!strncmp(line, "```", 3)) {
				fence = !fence;
				continue;
			}
			if (fence)
				continue;
			CHECK(!strchr(line, '<'));
			CHECK(!strstr(line, "]("));
			/* a javascript: URL may stand as text, never as a link target */
			CHECK(!strstr(line, "(javascript:") || strstr(line, "\\(javascript:"));
			CHECK(!strstr(line, "https://"));
		}
		CHECK_INT(fence, 0);
		free(copy);
	}
	CHECK(strstr(m, "&lt;script&gt;alert(1)&lt;/script&gt;") != NULL);
	CHECK(strstr(m, "\\[x\\]\\(javascript:alert(1))") != NULL);
	pm_buf_release(&b1);
	pm_buf_release(&b2);
	pm_analysis_release(&a);
}

static void test_zh_labels(void)
{
	struct pm_analysis a;
	struct pm_buf b = PM_BUF_INIT(PM_REPORT_MAX);
	struct pm_error err;
	analyze(&a, "zh");
	CHECK_INT(pm_report_html(&a, &b, &err), 0);
	CHECK(strstr(pm_buf_cstr(&b), "<html lang=\"zh\">") != NULL);
	CHECK(strstr(pm_buf_cstr(&b), "故障时间线") != NULL);
	CHECK(strstr(pm_buf_cstr(&b), "容器镜像拉取失败") != NULL);  /* rule text */
	CHECK(!strstr(pm_buf_cstr(&b), "Incident timeline"));
	/* the Markdown speaks Chinese too, rule texts and its own labels */
	pm_buf_reset(&b);
	CHECK_INT(pm_report_markdown(&a, &b, &err), 0);
	CHECK(strstr(pm_buf_cstr(&b), "# podmortem 诊断报告") != NULL);
	CHECK(strstr(pm_buf_cstr(&b), "## 发现的问题") != NULL);
	CHECK(strstr(pm_buf_cstr(&b), "容器镜像拉取失败") != NULL);
	CHECK(!strstr(pm_buf_cstr(&b), "## Findings"));
	CHECK(!strstr(pm_buf_cstr(&b), "Next steps"));
	pm_buf_release(&b);
	pm_analysis_release(&a);
}

static void test_source_context(void)
{
	struct pm_analysis a;
	json_t *f, *ctx = NULL, *lines;
	analyze(&a, "en");
	f = json_pack("{s:s}", "source", "logs/shop/api/api.log:2");
	CHECK_INT(pm_report_source_context(&a, f, &ctx), 0);
	CHECK(ctx != NULL);
	if (ctx) {
		lines = json_object_get(ctx, "lines");
		CHECK_STR(json_string_value(json_object_get(ctx, "what")), "log");
		CHECK_INT(json_array_size(lines), 3);
		CHECK(json_is_true(json_object_get(json_array_get(lines, 1), "hit")));
		CHECK(!json_is_true(json_object_get(json_array_get(lines, 0), "hit")));
		CHECK(strstr(json_string_value(json_object_get(json_array_get(lines, 1), "text")),
			     H_SCRIPT) != NULL);
		json_decref(ctx);
	}
	json_decref(f);
	/* an object without a line: found by the finding's resource */
	f = json_pack("{s:s,s:{s:s,s:s,s:s}}", "source", "cluster/pods.json", "resource",
		      "kind", "Pod", "namespace", "shop", "name", "api" H_SCRIPT);
	CHECK_INT(pm_report_source_context(&a, f, &ctx), 0);
	CHECK(ctx && !strcmp(json_string_value(json_object_get(ctx, "what")), "object"));
	json_decref(ctx);
	json_decref(f);
	/* a source nothing is known about */
	f = json_pack("{s:s}", "source", "nowhere.txt:5");
	CHECK_INT(pm_report_source_context(&a, f, &ctx), 0);
	CHECK(ctx == NULL);
	json_decref(f);
	pm_analysis_release(&a);
}

static void test_escape(void)
{
	struct pm_buf b = PM_BUF_INIT(4096);
	pm_html_escape(&b, "a&b<c>d\"e'f", 0);
	CHECK_STR(pm_buf_cstr(&b), "a&amp;b&lt;c&gt;d&quot;e&#39;f");
	pm_buf_reset(&b);
	pm_html_escape(&b, "x\xff\xc0\xafy\x01z\xe4\xb8\xad", 0);  /* bad UTF-8, control, CJK */
	CHECK_STR(pm_buf_cstr(&b), "x\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDy z\xe4\xb8\xad");
	pm_buf_reset(&b);
	pm_html_escape(&b, "abcdef", 3);
	CHECK_STR(pm_buf_cstr(&b), "abc\xE2\x80\xA6");
	pm_buf_reset(&b);
	pm_html_escape(&b, "\xe4\xb8\xad\xe4\xb8\xad", 4);  /* never cuts inside a character */
	CHECK_STR(pm_buf_cstr(&b), "\xe4\xb8\xad\xE2\x80\xA6");
	pm_buf_release(&b);
}

/* Thousands of events and log minutes: lanes fold, marks merge. */
static void test_timeline_bounded(void)
{
	struct pm_store *st;
	struct pm_error err;
	struct pm_buf b = PM_BUF_INIT(64u << 20), b2 = PM_BUF_INIT(64u << 20);
	struct pm_timeline_stats s, s2;
	int64_t now = 1796378400; /* 2026-12-04T10:00:00Z */

	CHECK_INT(pm_store_open_memory(&st, &err), 0);
	CHECK_INT(pm_store_exec(st,
		"CREATE TABLE events(reason, kind, object_namespace, name, count, first_time,"
		" last_time, message, type, event);"
		"WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i+1 FROM n WHERE i<2999)"
		" INSERT INTO events SELECT 'Reason' || (i % 25), 'Pod', 'ns', 'p' || i, i % 7,"
		" strftime('%Y-%m-%dT%H:%M:%SZ', 1796378400 - 86400 + i * 25, 'unixepoch'),"
		" strftime('%Y-%m-%dT%H:%M:%SZ', 1796378400 - 86400 + i * 25 + 60, 'unixepoch'),"
		" '<b>m</b>', 'Warning', 'e' || i FROM n;"
		/* the log tables are core tables, already there; log_minutes
		 * as the log sink would count these lines */
		"INSERT INTO log_files(id, path, namespace, pod, first_id, last_id)"
		" VALUES (1, 'x0.log', 'ns', 'pod0', 1, 3334),"
		" (2, 'x1.log', 'ns', 'pod1', 3335, 6667), (3, 'x2.log', 'ns', 'pod2', 6668, 10000);"
		"WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i+1 FROM n WHERE i<9999)"
		" INSERT INTO log_rows(id, file, level, time, message)"
		" SELECT i + 1, 1 + i * 3 / 10000, 'error',"
		" strftime('%Y-%m-%dT%H:%M:%SZ', 1796378400 - 20000 + i * 2, 'unixepoch'), 'boom' FROM n;"
		"INSERT INTO log_minutes SELECT file, substr(time, 1, 16) || ':00Z', count(*),"
		" 0, count(*), 0, min(id) FROM log_rows GROUP BY 1, 2;"
		"CREATE TABLE backups(namespace, name, phase, started_at, completed_at, created,"
		" failure_reason, errors, warnings);"
		"INSERT INTO backups VALUES ('velero', 'b1', 'Failed', '2026-12-04T09:00:00Z',"
		" '2026-12-04T09:10:00Z', NULL, 'x', 1, 0);"
		"INSERT INTO backups VALUES ('velero', 'old', 'Completed', '2025-01-01T00:00:00Z',"
		" '2025-01-01T00:10:00Z', NULL, NULL, 0, 0);", &err), 0);
	CHECK_INT(pm_timeline_svg(st, now, "en", &b, &s, &err), 0);
	CHECK_INT(pm_timeline_svg(st, now, "en", &b2, &s2, &err), 0);
	CHECK(b.len == b2.len && !memcmp(b.data, b2.data, b.len));
	CHECK(s.lanes <= 4 * PM_TIMELINE_LANES);
	CHECK(s.lanes >= 1 + PM_TIMELINE_LANES + 3);  /* 1 backup, 9 reasons + other, 3 pods */
	CHECK(s.marks <= s.lanes * PM_TIMELINE_MARKS);
	CHECK(s.merged > 0);
	CHECK_INT(s.dropped, 1);   /* the backup from 2025 is out of range */
	CHECK(strstr(pm_buf_cstr(&b), "other (16)") != NULL);
	CHECK(!strstr(pm_buf_cstr(&b), "<b>"));
	CHECK(strstr(pm_buf_cstr(&b), "&lt;b&gt;m&lt;/b&gt;") != NULL);
	CHECK_INT(count(pm_buf_cstr(&b), "<title>"), count(pm_buf_cstr(&b), "</title>"));
	CHECK(count(pm_buf_cstr(&b), "<title>") >= s.marks);
	/* no times at all: a note, no svg */
	pm_buf_reset(&b);
	CHECK_INT(pm_store_exec(st, "DELETE FROM events; DELETE FROM log_rows; DELETE FROM log_minutes;"
		"DELETE FROM log_files; DELETE FROM backups;",
				&err), 0);
	CHECK_INT(pm_timeline_svg(st, now, "en", &b, &s, &err), 0);
	CHECK(!strstr(pm_buf_cstr(&b), "<svg"));
	CHECK_INT(s.marks, 0);
	pm_buf_release(&b);
	pm_buf_release(&b2);
	pm_store_close(st);
}

int main(void)
{
	char cmd[512];
	make_bundle();
	RUN(test_escape);
	RUN(test_html_hostile);
	RUN(test_markdown_hostile);
	RUN(test_zh_labels);
	RUN(test_source_context);
	RUN(test_timeline_bounded);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		fprintf(stderr, "could not remove %s\n", dir);
	DONE();
}
