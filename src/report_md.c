/*
 * report_md.c - report.md: GitHub-flavoured Markdown for tickets.
 * Everything from the bundle is escaped: no raw HTML, no live links
 * (not even GFM autolinks), commands and source lines in fences longer
 * than any backtick run they contain.  A compact summary comes first so
 * the top of the file can be pasted into a ticket on its own.
 */
#include "podmortem/report.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Inline text: Markdown punctuation and HTML escaped, newlines folded. */
/* Fixed labels in English and Chinese (--lang zh); rule texts come
 * from the rule pack. */
static const char *const LABELS[][2] = {
	{ "\nSource context (", "\n源上下文（" },
	{ "):\n\n", "）：\n\n" },
	{ "- Rule: `", "- 规则：`" },
	{ "- Resource: ", "- 资源：" },
	{ "- Source: ", "- 来源：" },
	{ "\n| evidence | value |\n|---|---|\n", "\n| 证据 | 值 |\n|---|---|\n" },
	{ "Likely causes:", "可能原因：" },
	{ "\nNext steps:\n\n", "\n下一步诊断：\n\n" },
	{ "Fix:", "解决方案：" },
	{ "Links:", "参考链接：" },
	{ "\n**Top findings**\n\n", "\n**主要问题**\n\n" },
	{ "# podmortem diagnosis", "# podmortem 诊断报告" },
	{ "| critical | error | warning | info | coverage gaps |\n",
	  "| 严重 | 错误 | 警告 | 信息 | 覆盖缺口 |\n" },
	{ "| bundle | cluster | context | collected at | collector |\n",
	  "| 诊断包 | 集群 | 上下文 | 采集时间 | 采集工具 |\n" },
	{ "Worst: ", "最严重：" },
	{ "\n## Sections of the guide\n\n| section | state | findings |\n|---|---|---|\n", "\n## 排查指南各章节\n\n| 章节 | 状态 | 问题数 |\n|---|---|---|\n" },
	{ "problem found", "发现问题" },
	{ "checked, fine", "已检查，正常" },
	{ "checked in part (some rules lacked data)", "部分检查（部分规则缺少数据）" },
	{ "could not check", "无法检查" },
	{ "\n## Findings\n", "\n## 发现的问题\n" },
	{ "\nNo findings.\n", "\n没有发现问题。\n" },
	{ "\n## Coverage\n\n", "\n## 覆盖范围\n\n" },
	{ "Everything in the bundle was read.\n", "诊断包中的内容均已读取。\n" },
	{ "\nRules skipped:\n\n| rule | reason |\n|---|---|\n", "\n跳过的规则：\n\n| 规则 | 原因 |\n|---|---|\n" },
	{ "\nRules that failed:\n\n", "\n执行失败的规则：\n\n" },
};

static int is_zh(const struct pm_analysis *a)
{
	return a->rules.lang && !strcmp(a->rules.lang, "zh");
}

static const char *tr(const struct pm_analysis *a, const char *en)
{
	if (!is_zh(a))
		return en;
	for (size_t i = 0; i < sizeof(LABELS) / sizeof(LABELS[0]); i++)
		if (!strcmp(LABELS[i][0], en))
			return LABELS[i][1];
	return en;
}

/*
 * Inline text from the bundle.  Escaped always: what opens emphasis, code,
 * links, tables and HTML; '@', ':' before "//" and '.' after "www" so GFM
 * makes no autolink.  At the start only: what would open a heading, list
 * or quote there.  The rest stays readable as plain text in a ticket.
 */
static void md_text(struct pm_buf *b, const char *s)
{
	const char *start = s, *p;

	if (s && *s && strchr("#+-=!>", *s)) {
		pm_buf_addc(b, '\\');
		pm_buf_addc(b, *s++);
	}
	for (p = s; p && *p >= '0' && *p <= '9'; p++)
		;
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		int esc = strchr("\\`*_[]|~@", c) != NULL ||
			  (c == ':' && s[1] == '/' && s[2] == '/') ||
			  (c == '(' && s > start && s[-1] == ']') ||
			  (c == '.' && s - start >= 3 && !strncasecmp(s - 3, "www", 3)) ||
			  ((c == '.' || c == ')') && s == p && p > start);
		if (c == '<')
			pm_buf_adds(b, "&lt;");
		else if (c == '>')
			pm_buf_adds(b, "&gt;");
		else if (c == '&')
			pm_buf_adds(b, "&amp;");
		else if (c == '\n' || c == '\r' || c == '\t')
			pm_buf_addc(b, ' ');
		else if (esc) {
			pm_buf_addc(b, '\\');
			pm_buf_addc(b, (char)c);
		} else if (c < 0x20 || c == 0x7f)
			pm_buf_addc(b, ' ');
		else
			pm_buf_addc(b, (char)c);
	}
}

static void md_fence(struct pm_buf *b, const char *s, const char *lang)
{
	int run = 0, longest = 0;
	for (const char *p = s; *p; p++) {
		run = *p == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	for (int i = 0; i < (longest < 3 ? 3 : longest + 1); i++)
		pm_buf_addc(b, '`');
	pm_buf_adds(b, lang);
	pm_buf_addc(b, '\n');
	pm_buf_adds(b, s);
	pm_buf_addc(b, '\n');
	for (int i = 0; i < (longest < 3 ? 3 : longest + 1); i++)
		pm_buf_addc(b, '`');
	pm_buf_addc(b, '\n');
}

static void md_code_block(struct pm_buf *b, const char *s)
{
	md_fence(b, s, "sh");
}

static const char *js(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static void value_md(struct pm_buf *b, json_t *v)
{
	if (json_is_string(v))
		md_text(b, json_string_value(v));
	else if (json_is_integer(v))
		pm_buf_addf(b, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		pm_buf_addf(b, "%.4g", json_real_value(v));
	else if (json_is_null(v))
		pm_buf_adds(b, "\xE2\x80\x94"); /* em dash */
	else {
		char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		md_text(b, s);
		free(s);
	}
}

static void md_list(struct pm_buf *b, const char *head, json_t *arr)
{
	size_t i;
	json_t *v;
	if (!json_array_size(arr))
		return;
	pm_buf_addf(b, "\n%s\n\n", head);
	json_array_foreach(arr, i, v) {
		pm_buf_adds(b, "- ");
		md_text(b, json_string_value(v));
		pm_buf_addc(b, '\n');
	}
}

/* The log, text or gap lines around the source (objects' JSON is too
 * long for a ticket; report.html shows it). */
static void md_source(const struct pm_analysis *a, struct pm_buf *b, json_t *f)
{
	json_t *ctx = NULL, *l;
	struct pm_buf t = PM_BUF_INIT(64u << 10);
	size_t i;
	if (pm_report_source_context(a, f, &ctx) || !ctx)
		return;
	if (strcmp(js(ctx, "what"), "object")) {
		json_array_foreach(json_object_get(ctx, "lines"), i, l) {
			const char *x = js(l, "text");
			pm_buf_addf(&t, "%s%5lld | ", json_is_true(json_object_get(l, "hit"))
				    ? ">" : " ", (long long)json_integer_value(json_object_get(l, "n")));
			/* one physical line each, bounded */
			for (size_t k = 0; x[k] && k < 400; k++)
				pm_buf_addc(&t, x[k] == '\n' || x[k] == '\r' ? ' ' : x[k]);
			pm_buf_addc(&t, '\n');
		}
		if (!pm_buf_check(&t) && t.len) {
			t.data[--t.len] = 0;
			pm_buf_adds(b, tr(a, "\nSource context ("));
			md_text(b, js(ctx, "what"));
			pm_buf_adds(b, tr(a, "):\n\n"));
			md_fence(b, pm_buf_cstr(&t), "text");
		}
	}
	pm_buf_release(&t);
	json_decref(ctx);
}

static void finding_md(const struct pm_analysis *a, struct pm_buf *b, json_t *f, int n)
{
	json_t *res = json_object_get(f, "resource"), *ev, *v;
	const char *k;
	size_t i;

	pm_buf_addf(b, "\n#### %d. [%s] ", n, js(f, "severity"));
	md_text(b, js(f, "title"));
	pm_buf_adds(b, "\n\n");
	md_text(b, js(f, "message"));
	pm_buf_adds(b, "\n\n");
	pm_buf_adds(b, tr(a, "- Rule: `"));
	md_text(b, js(f, "rule"));
	pm_buf_adds(b, "`\n");
	if (*js(res, "name")) {
		pm_buf_adds(b, tr(a, "- Resource: "));
		md_text(b, js(res, "kind"));
		pm_buf_adds(b, " ");
		if (*js(res, "namespace")) {
			md_text(b, js(res, "namespace"));
			pm_buf_adds(b, "/");
		}
		md_text(b, js(res, "name"));
		pm_buf_addc(b, '\n');
	}
	if (*js(f, "source")) {
		pm_buf_adds(b, tr(a, "- Source: "));
		md_text(b, js(f, "source"));
		pm_buf_addc(b, '\n');
	}
	ev = json_object_get(f, "evidence");
	if (json_object_size(ev)) {
		pm_buf_adds(b, tr(a, "\n| evidence | value |\n|---|---|\n"));
		json_object_foreach(ev, k, v) {
			pm_buf_adds(b, "| ");
			md_text(b, k);
			pm_buf_adds(b, " | ");
			value_md(b, v);
			pm_buf_adds(b, " |\n");
		}
	}
	md_source(a, b, f);
	md_list(b, tr(a, "Likely causes:"), json_object_get(f, "causes"));
	if (json_array_size(json_object_get(f, "diagnose"))) {
		pm_buf_adds(b, tr(a, "\nNext steps:\n\n"));
		json_array_foreach(json_object_get(f, "diagnose"), i, v)
			md_code_block(b, json_string_value(v));
	}
	md_list(b, tr(a, "Fix:"), json_object_get(f, "remediation"));
	md_list(b, tr(a, "Links:"), json_object_get(f, "links"));
}

/* The ticket summary: the worst findings, one line each. */
static void top_findings(const struct pm_analysis *a, struct pm_buf *b, json_t *fs)
{
	size_t i, n = json_array_size(fs);
	json_t *f;
	if (!n)
		return;
	pm_buf_adds(b, tr(a, "\n**Top findings**\n\n"));
	json_array_foreach(fs, i, f) {
		json_t *res = json_object_get(f, "resource");
		if (i == 10) {
			pm_buf_addf(b, "\n\xE2\x80\xA6 and %zu more below\n", n - 10);
			break;
		}
		pm_buf_addf(b, "%zu. **%s** ", i + 1, js(f, "severity"));
		md_text(b, js(f, "message"));
		if (*js(res, "name")) {
			pm_buf_adds(b, " \xE2\x80\x94 ");
			md_text(b, js(res, "kind"));
			pm_buf_adds(b, " ");
			if (*js(res, "namespace")) {
				md_text(b, js(res, "namespace"));
				pm_buf_adds(b, "/");
			}
			md_text(b, js(res, "name"));
		}
		pm_buf_addc(b, '\n');
	}
}

/* One table row per element of arr, the cells named by cols. */
static void md_rows(struct pm_buf *b, json_t *arr, const char *const *cols)
{
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v) {
		for (const char *const *c = cols; *c; c++) {
			pm_buf_adds(b, "| ");
			value_md(b, json_object_get(v, *c));
			pm_buf_addc(b, ' ');
		}
		pm_buf_adds(b, "|\n");
	}
}

int pm_report_markdown(const struct pm_analysis *a, struct pm_buf *b,
		       struct pm_error *err)
{
	json_t *m = pm_report_model(a), *bundle, *sum, *v, *sec;
	size_t i, j;
	int n = 0;

	bundle = json_object_get(m, "bundle");
	sum = json_object_get(m, "summary");
	pm_buf_adds(b, tr(a, "# podmortem diagnosis"));
	if (*js(json_object_get(bundle, "cluster"), "context")) {
		pm_buf_adds(b, ": ");
		md_text(b, js(json_object_get(bundle, "cluster"), "context"));
	}
	pm_buf_adds(b, "\n\n");
	pm_buf_adds(b, "**");
	if (is_zh(a)) {
		/* the verdict in findings.json is English; say it again here */
		long c = (long)json_integer_value(json_object_get(sum, "critical"));
		long e = (long)json_integer_value(json_object_get(sum, "error"));
		long w = (long)json_integer_value(json_object_get(sum, "warning"));
		if (c + e + w == 0)
			pm_buf_adds(b, json_integer_value(json_object_get(sum, "gaps"))
				    ? "在可读取的内容中未发现问题（见覆盖缺口）" : "未发现问题");
		else
			pm_buf_addf(b, "%s：%ld 个严重，%ld 个错误，%ld 个警告",
				    c ? "发现严重问题" : e ? "发现问题" : "存在警告", c, e, w);
	} else {
		md_text(b, js(sum, "verdict"));
	}
	pm_buf_adds(b, "**\n\n");
	if (json_is_object(json_object_get(sum, "worst"))) {
		pm_buf_adds(b, tr(a, "Worst: "));
		md_text(b, js(json_object_get(sum, "worst"), "message"));
		pm_buf_adds(b, "\n\n");
	}
	pm_buf_adds(b, tr(a, "| critical | error | warning | info | coverage gaps |\n"));
	pm_buf_addf(b, "|---|---|---|---|---|\n| %lld | %lld | %lld | %lld | %lld |\n\n",
		    json_integer_value(json_object_get(sum, "critical")),
		    json_integer_value(json_object_get(sum, "error")),
		    json_integer_value(json_object_get(sum, "warning")),
		    json_integer_value(json_object_get(sum, "info")),
		    json_integer_value(json_object_get(sum, "gaps")));
	pm_buf_adds(b, tr(a, "| bundle | cluster | context | collected at | collector |\n"));
	pm_buf_adds(b, "|---|---|---|---|---|\n| ");
	md_text(b, js(bundle, "source"));
	pm_buf_adds(b, " | ");
	md_text(b, js(json_object_get(bundle, "cluster"), "server"));
	pm_buf_adds(b, " ");
	md_text(b, js(json_object_get(bundle, "cluster"), "version"));
	pm_buf_adds(b, " | ");
	md_text(b, js(json_object_get(bundle, "cluster"), "context"));
	pm_buf_adds(b, " | ");
	md_text(b, js(bundle, "collected_at"));
	pm_buf_adds(b, " | ");
	md_text(b, js(json_object_get(bundle, "collector"), "name"));
	pm_buf_adds(b, " ");
	md_text(b, js(json_object_get(bundle, "collector"), "version"));
	pm_buf_adds(b, " |\n");

	top_findings(a, b, json_object_get(m, "findings"));
	pm_buf_adds(b, tr(a, "\n## Sections of the guide\n\n| section | state | findings |\n|---|---|---|\n"));
	json_array_foreach(json_object_get(m, "sections"), i, sec) {
		const char *st = js(sec, "state");
		pm_buf_adds(b, "| ");
		md_text(b, js(sec, "key"));
		pm_buf_adds(b, " \xE2\x80\x94 ");
		md_text(b, js(sec, "title"));
		pm_buf_addf(b, " | %s | %lld |\n",
			    tr(a, !strcmp(st, "problem") ? "problem found"
				  : !strcmp(st, "ok") ? "checked, fine"
				  : !strcmp(st, "partial") ? "checked in part (some rules lacked data)"
				  : "could not check"),
			    json_integer_value(json_object_get(sec, "findings")));
	}

	pm_buf_adds(b, tr(a, "\n## Findings\n"));
	if (!json_array_size(json_object_get(m, "findings")))
		pm_buf_adds(b, tr(a, "\nNo findings.\n"));
	json_array_foreach(json_object_get(m, "sections"), i, sec) {
		int head = 0;
		json_array_foreach(json_object_get(m, "findings"), j, v) {
			if (strcmp(js(v, "section"), js(sec, "key")))
				continue;
			if (!head++) {
				pm_buf_adds(b, "\n### ");
				md_text(b, js(sec, "title"));
				pm_buf_adds(b, " (`");
				md_text(b, js(sec, "key"));
				pm_buf_adds(b, "`)\n");
			}
			finding_md(a, b, v, ++n);
		}
	}
	/* findings whose section is not in sections.yaml still show */
	json_array_foreach(json_object_get(m, "findings"), j, v) {
		int known = 0;
		json_array_foreach(json_object_get(m, "sections"), i, sec)
			known |= !strcmp(js(v, "section"), js(sec, "key"));
		if (!known)
			finding_md(a, b, v, ++n);
	}

	pm_buf_adds(b, tr(a, "\n## Coverage\n\n"));
	if (!json_array_size(json_object_get(m, "gaps")))
		pm_buf_adds(b, tr(a, "Everything in the bundle was read.\n"));
	else {
		static const char *const cols[] = { "category", "path", "line", "reason", NULL };
		pm_buf_adds(b, "What could not be collected or read:\n\n"
			    "| category | file | line | reason |\n|---|---|---|---|\n");
		md_rows(b, json_object_get(m, "gaps"), cols);
	}
	if (json_array_size(json_object_get(m, "skipped"))) {
		static const char *const cols[] = { "rule", "reason", NULL };
		pm_buf_adds(b, tr(a, "\nRules skipped:\n\n| rule | reason |\n|---|---|\n"));
		md_rows(b, json_object_get(m, "skipped"), cols);
	}
	if (json_array_size(json_object_get(m, "rule_errors"))) {
		pm_buf_adds(b, tr(a, "\nRules that failed:\n\n"));
		json_array_foreach(json_object_get(m, "rule_errors"), i, v) {
			pm_buf_adds(b, "- ");
			md_text(b, js(v, "error"));
			pm_buf_addc(b, '\n');
		}
	}
	json_decref(m);
	if (pm_buf_check(b))
		return pm_error_set(err, PM_ETOOBIG, "report.md: too large");
	return 0;
}
