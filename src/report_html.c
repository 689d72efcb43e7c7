/*
 * report_html.c - report.html: the diagnosis as one self-contained page.
 *
 * The page makes no request of any kind: CSS and the one small script are
 * inline, the timeline is inline SVG, a Content-Security-Policy meta tag
 * allows nothing else (default-src 'none'; the script by its SHA-256).
 * Every byte from the bundle goes through pm_html_escape and lands only
 * in element text or quoted attribute values -- never inside <script>,
 * <style> or a URL.  Links come from the rule pack (not the bundle); only
 * https:// ones become <a> (rel=noreferrer noopener), which navigate on a
 * click and never by themselves; anything else is shown as text.
 * Readable without JavaScript; the script only adds filtering and copy
 * buttons.  Same bundle, same bytes: no clock, fixed ordering.
 */
#include "podmortem/report.h"
#include "podmortem/timeline.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CELL_MAX 2000     /* bytes of bundle text in one table cell */
#define MSG_MAX 8000      /* bytes of a finding message */
#define CTX_LINE_MAX 400  /* bytes of one source line */
#define CTX_JSON_LINES 60 /* lines of an object's JSON shown */

/* ---- escaping ---------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s (1..4), 0 when invalid. */
static size_t utf8_len(const unsigned char *s)
{
	unsigned c = s[0];
	size_t n;
	unsigned cp;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		n = 2, cp = c & 0x1F;
	else if (c >= 0xE0 && c <= 0xEF)
		n = 3, cp = c & 0x0F;
	else if (c >= 0xF0 && c <= 0xF4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
		return 0;
	return n;
}

void pm_html_escape(struct pm_buf *b, const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t used = 0;
	while (*p) {
		size_t n = utf8_len(p);
		if (max && used + (n ? n : 1) > max) {
			pm_buf_adds(b, "\xE2\x80\xA6");
			return;
		}
		if (!n) {
			pm_buf_adds(b, "\xEF\xBF\xBD");
			p++, used++;
			continue;
		}
		switch (*p) {
		case '&': pm_buf_adds(b, "&amp;"); break;
		case '<': pm_buf_adds(b, "&lt;"); break;
		case '>': pm_buf_adds(b, "&gt;"); break;
		case '"': pm_buf_adds(b, "&quot;"); break;
		case '\'': pm_buf_adds(b, "&#39;"); break;
		case '\t': case '\n': pm_buf_addc(b, (char)*p); break;
		default:
			if (*p < 0x20 || *p == 0x7F)
				pm_buf_addc(b, ' ');
			else
				pm_buf_add(b, p, n);
		}
		p += n;
		used += n;
	}
}

/* ---- SHA-256 for the script's CSP hash ---------------------------------- */

static const uint32_t K256[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha256_block(uint32_t h[8], const unsigned char *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, k;
	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (int i = 16; i < 64; i++) {
		uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
	for (int i = 0; i < 64; i++) {
		uint32_t t1 = k + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) +
			      ((e & f) ^ (~e & g)) + K256[i] + w[i];
		uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) +
			      ((a & b) ^ (a & c) ^ (b & c));
		k = g, g = f, f = e, e = d + t1, d = c, c = b, b = a, a = t1 + t2;
	}
	h[0] += a, h[1] += b, h[2] += c, h[3] += d;
	h[4] += e, h[5] += f, h[6] += g, h[7] += k;
}

/* "sha256-<base64>" of s, as a CSP source expression. */
static void csp_hash(const char *s, char out[64])
{
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	uint32_t h[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
			  0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
	size_t n = strlen(s), i;
	unsigned char blk[64], dig[33];
	uint64_t bits = (uint64_t)n * 8;
	char *o = out;

	for (i = 0; i + 64 <= n; i += 64)
		sha256_block(h, (const unsigned char *)s + i);
	memset(blk, 0, sizeof(blk));
	memcpy(blk, s + i, n - i);
	blk[n - i] = 0x80;
	if (n - i >= 56) {
		sha256_block(h, blk);
		memset(blk, 0, sizeof(blk));
	}
	for (int j = 0; j < 8; j++)
		blk[63 - j] = (unsigned char)(bits >> (8 * j));
	sha256_block(h, blk);
	for (int j = 0; j < 32; j++)
		dig[j] = (unsigned char)(h[j / 4] >> (24 - 8 * (j % 4)));
	dig[32] = 0;
	o += sprintf(o, "sha256-");
	for (int j = 0; j < 33; j += 3) {
		unsigned v = (unsigned)dig[j] << 16 |
			     (j + 1 < 33 ? (unsigned)dig[j + 1] << 8 : 0) |
			     (j + 2 < 33 ? dig[j + 2] : 0);
		*o++ = b64[(v >> 18) & 63];
		*o++ = b64[(v >> 12) & 63];
		*o++ = j + 1 < 32 ? b64[(v >> 6) & 63] : '=';
		*o++ = j + 2 < 32 ? b64[v & 63] : '=';
	}
	*o = 0;
}

/* ---- the page's own words ----------------------------------------------- */

enum lbl {
	L_TITLE, L_CLUSTER, L_CONTEXT, L_COLLECTED, L_COLLECTOR, L_BUNDLE,
	L_FILES, L_SECTIONS, L_PROBLEM, L_OK, L_UNCHECKED, L_TIMELINE,
	L_FINDINGS, L_NOFINDINGS, L_RESOURCE, L_SOURCE, L_EVIDENCE, L_VALUE,
	L_CAUSES, L_NEXT, L_FIX, L_LINKS, L_COPY, L_COPIED, L_COVERAGE,
	L_GAPS_NONE, L_GAPS, L_CATEGORY, L_FILE, L_LINE, L_REASON, L_SKIPPED,
	L_RULE, L_RULE_ERRORS, L_FILTER, L_ALL_SECTIONS, L_CRITICAL, L_ERROR,
	L_WARNING, L_INFO, L_COVGAPS, L_RULES_RUN, L_NO_PROBLEM, L_NO_PROBLEM_GAPS,
	L_VERDICT_CRIT, L_VERDICT_ERR, L_VERDICT_WARN, L_WORST, L_GENERATED,
	L_NORULES, L_SKIPPED_N, L_SECTION, L_STATE, L_DAMAGED, L_LEGEND_OK,
	L_LEGEND_PARTIAL, L_LEGEND_FAIL, L_LEGEND_RUN, L_LEGEND_WARN,
	L_LEGEND_LOG, L_LEGEND_RESTART, L_MORE_LINES, L_NOSCRIPT, L_PARTLY, L_N
};

static const char *const LBL[L_N][2] = {
	{ "podmortem diagnosis", "podmortem 诊断报告" },
	{ "Cluster", "集群" },
	{ "Context", "上下文" },
	{ "Collected at", "采集时间" },
	{ "Collector", "采集工具" },
	{ "Bundle", "诊断包" },
	{ "Files read", "已读取文件" },
	{ "Sections of the guide", "排查指南各章节" },
	{ "problem found", "发现问题" },
	{ "checked, fine", "已检查，正常" },
	{ "could not check", "无法检查" },
	{ "Incident timeline", "故障时间线" },
	{ "Findings", "发现的问题" },
	{ "No findings.", "未发现问题。" },
	{ "Resource", "资源" },
	{ "Source", "来源" },
	{ "Evidence", "证据" },
	{ "Value", "值" },
	{ "Likely causes", "可能原因" },
	{ "Next steps", "下一步排查命令" },
	{ "Fix", "解决方法" },
	{ "Links", "参考链接" },
	{ "Copy", "复制" },
	{ "Copied", "已复制" },
	{ "Coverage", "覆盖范围" },
	{ "Everything in the bundle was read.", "诊断包中的全部内容均已读取。" },
	{ "What could not be collected or read", "未能采集或读取的内容" },
	{ "Category", "类别" },
	{ "File", "文件" },
	{ "Line", "行" },
	{ "Reason", "原因" },
	{ "Rules skipped", "跳过的规则" },
	{ "Rule", "规则" },
	{ "Rules that failed", "执行失败的规则" },
	{ "Show", "显示" },
	{ "All sections", "全部章节" },
	{ "critical", "严重" },
	{ "error", "错误" },
	{ "warning", "警告" },
	{ "info", "信息" },
	{ "coverage gaps", "覆盖缺口" },
	{ "rules run", "已运行规则" },
	{ "No problem found", "未发现问题" },
	{ "No problem found in what could be read (see coverage gaps)",
	  "在可读取的内容中未发现问题（见覆盖缺口）" },
	{ "Critical problems found", "发现严重问题" },
	{ "Problems found", "发现问题" },
	{ "Warnings", "存在警告" },
	{ "Worst", "最严重" },
	{ "Generated by podmortem", "由 podmortem 生成" },
	{ "no rule yet", "暂无规则" },
	{ "rules skipped", "条规则被跳过" },
	{ "Section", "章节" },
	{ "State", "状态" },
	{ "The archive could not be read to its end; what follows is based on what was read.",
	  "诊断包未能完整读取；以下结论仅基于已读取的部分。" },
	{ "completed", "完成" },
	{ "partially failed", "部分失败" },
	{ "failed", "失败" },
	{ "running", "进行中" },
	{ "warning event", "告警事件" },
	{ "log errors", "日志错误" },
	{ "restart", "重启" },
	{ "more lines", "行未显示" },
	{ "Filtering and copy buttons need JavaScript; everything else is here.",
	  "筛选和复制按钮需要 JavaScript；其余内容均可直接阅读。" },
	{ "checked in part", "部分检查" },
};

/* ---- the fixed parts of the page ---------------------------------------- */

static const char CSS[] =
":root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--soft:#f6f8fa;"
"--crit:#b42318;--crit-bg:#fef3f2;--err:#c4320a;--err-bg:#fff4ed;"
"--warn:#9a6700;--warn-bg:#fff8c5;--info:#0969da;--info-bg:#ddf4ff;"
"--ok:#1a7f37;--ok-bg:#dafbe1;--none:#6e7781;--none-bg:#f6f8fa}\n"
"*{box-sizing:border-box}\n"
"html{-webkit-text-size-adjust:100%}\n"
"body{margin:0;color:var(--fg);background:#fff;font:14px/1.5 system-ui,-apple-system,"
"'Segoe UI',Roboto,'Noto Sans','Helvetica Neue',Arial,'PingFang SC','Microsoft YaHei',"
"'Noto Sans CJK SC',sans-serif}\n"
"code,pre,kbd,.mono{font-family:ui-monospace,SFMono-Regular,'SF Mono',Menlo,Consolas,"
"'Liberation Mono','DejaVu Sans Mono',monospace;font-size:12.5px}\n"
".wrap{max-width:1120px;margin:0 auto;padding:0 24px}\n"
"header.top{background:#f6f8fa;border-bottom:1px solid var(--line);padding:20px 0 18px}\n"
".eyebrow{font-size:12px;letter-spacing:.06em;text-transform:uppercase;color:var(--muted);"
"font-weight:600;margin:0 0 6px}\n"
"h1{font-size:22px;line-height:1.3;margin:0 0 14px;padding-left:12px;border-left:5px solid var(--none);"
"overflow-wrap:anywhere}\n"
"h1.v-critical{border-color:var(--crit)}h1.v-error{border-color:var(--err)}"
"h1.v-warning{border-color:var(--warn)}h1.v-ok{border-color:var(--ok)}\n"
".worst{margin:-6px 0 14px;font-size:15px;color:var(--fg,#333);max-width:70em}\n"
"dl.facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:6px 20px;margin:0}\n"
"dl.facts div{min-width:0}dl.facts dt{font-size:11.5px;color:var(--muted);text-transform:uppercase;"
"letter-spacing:.04em}\n"
"dl.facts dd{margin:0;font-weight:500;overflow-wrap:anywhere}\n"
".counts{display:flex;flex-wrap:wrap;gap:10px;margin:16px 0 0}\n"
".count{min-width:108px;padding:8px 14px;border-radius:8px;border:1px solid var(--line);background:#fff}\n"
".count b{display:block;font-size:22px;line-height:1.2}\n"
".count span{font-size:12px;color:var(--muted)}\n"
".count.critical b{color:var(--crit)}.count.error b{color:var(--err)}"
".count.warning b{color:var(--warn)}.count.info b{color:var(--info)}\n"
".count.zero b{color:#8c959f}\n"
".damaged{margin:14px 0 0;padding:8px 12px;border-radius:6px;background:var(--crit-bg);color:var(--crit)}\n"
"main{padding:8px 0 40px}\n"
"h2{font-size:18px;margin:30px 0 12px;padding-bottom:6px;border-bottom:1px solid var(--line)}\n"
"h3{font-size:16px;margin:24px 0 10px}\n"
"h4{font-size:15px;margin:0;display:inline}\n"
"h5{font-size:12px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);margin:14px 0 6px}\n"
".sections{display:grid;grid-template-columns:repeat(auto-fill,minmax(250px,1fr));gap:8px}\n"
".sec{display:flex;align-items:flex-start;gap:8px;padding:8px 10px;border:1px solid var(--line);"
"border-radius:6px;background:#fff;color:inherit;text-decoration:none}\n"
".sec .dot{flex:none;width:10px;height:10px;border-radius:50%;margin-top:5px;background:var(--none)}\n"
".sec.problem{border-color:#f4c7c3;background:var(--crit-bg)}.sec.problem .dot{background:var(--crit)}\n"
".sec.ok .dot{background:var(--ok)}\n"
".sec.partly .dot{background:linear-gradient(90deg,var(--ok) 50%,var(--none) 50%)}\n"
".sec .st{display:block;font-size:12px;color:var(--muted)}\n"
".sec.problem .st{color:var(--crit);font-weight:600}.sec.ok .st{color:var(--ok)}\n"
".sec .k{font-size:11.5px;color:var(--muted)}\n"
"figure{margin:0}\n"
"svg.timeline{display:block;max-width:100%;height:auto;border:1px solid var(--line);border-radius:6px;"
"background:#fff}\n"
".legend{display:flex;flex-wrap:wrap;gap:6px 16px;margin:8px 0 0;font-size:12px;color:var(--muted)}\n"
".legend i{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:5px;"
"vertical-align:-1px}\n"
".lg-ok{background:#2e7d32}.lg-partial{background:#ef6c00}.lg-fail{background:#c62828}"
".lg-run{background:#1565c0}.lg-warn{background:#f9a825}.lg-log{background:#c62828;border-radius:50%!important}"
".lg-restart{background:#6a1b9a}\n"
".filters{display:flex;flex-wrap:wrap;align-items:center;gap:6px 14px;margin:6px 0 4px;padding:8px 12px;"
"background:var(--soft);border:1px solid var(--line);border-radius:6px;font-size:13px}\n"
".filters label{cursor:pointer}\n"
".filters select{font:inherit;padding:2px 4px}\n"
".finding{border:1px solid var(--line);border-left:5px solid var(--none);border-radius:6px;"
"padding:14px 16px;margin:0 0 14px;background:#fff;break-inside:avoid-page}\n"
".finding.sev-critical{border-left-color:var(--crit)}.finding.sev-error{border-left-color:var(--err)}"
".finding.sev-warning{border-left-color:var(--warn)}.finding.sev-info{border-left-color:var(--info)}\n"
".fhead{display:flex;flex-wrap:wrap;align-items:baseline;gap:4px 10px}\n"
".rule{margin-left:auto;color:var(--muted);font-size:12px}\n"
".badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:11.5px;font-weight:600;"
"text-transform:uppercase;letter-spacing:.03em}\n"
".badge.sev-critical{color:var(--crit);background:var(--crit-bg);border:1px solid #f4c7c3}"
".badge.sev-error{color:var(--err);background:var(--err-bg);border:1px solid #f9dbaf}"
".badge.sev-warning{color:var(--warn);background:var(--warn-bg);border:1px solid #eed888}"
".badge.sev-info{color:var(--info);background:var(--info-bg);border:1px solid #b6e3ff}\n"
".msg{margin:8px 0;font-size:14.5px;overflow-wrap:anywhere}\n"
"dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:6px 0;font-size:13px}\n"
"dl.meta dt{color:var(--muted)}dl.meta dd{margin:0;overflow-wrap:anywhere}\n"
"table{border-collapse:collapse;width:100%;font-size:13px;margin:4px 0}\n"
"th,td{text-align:left;vertical-align:top;padding:5px 10px;border-bottom:1px solid #eaeef2;"
"overflow-wrap:anywhere}\n"
"th{background:var(--soft);font-weight:600;color:var(--muted);font-size:12px}\n"
"table.evidence td:first-child{width:28%;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"
"'DejaVu Sans Mono',monospace;font-size:12.5px;color:var(--muted)}\n"
".ctx{margin:4px 0;border:1px solid var(--line);border-radius:6px;overflow:hidden}\n"
".ctx .path{cursor:pointer;padding:4px 10px;background:var(--soft);border-bottom:1px solid var(--line);font-size:12px;"
"color:var(--muted)}\n"
".ctx:not([open]) .path{border-bottom:0}\n"
".ctx pre{margin:0;padding:6px 0;overflow-x:auto;background:#fff}\n"
".ctx .l{display:block;padding:0 10px;white-space:pre-wrap;overflow-wrap:anywhere}\n"
".ctx .l.hit{background:#fff8c5}\n"
".ctx .n{display:inline-block;min-width:3.5em;color:#8c959f;user-select:none}\n"
".cols{display:grid;grid-template-columns:1fr 1fr;gap:0 24px}\n"
".cols ul{margin:0;padding-left:20px}\n"
".cmd{position:relative;margin:6px 0}\n"
".cmd pre{margin:0;padding:8px 72px 8px 12px;background:#f6f8fa;border:1px solid var(--line);"
"border-radius:6px;white-space:pre-wrap;overflow-wrap:anywhere}\n"
".copy{position:absolute;top:5px;right:6px;font:inherit;font-size:12px;padding:2px 10px;"
"border:1px solid var(--line);border-radius:5px;background:#fff;color:var(--fg);cursor:pointer}\n"
".copy:hover{background:var(--soft)}\n"
".links{margin:0;padding-left:20px;overflow-wrap:anywhere}\n"
"a{color:var(--info)}\n"
".muted{color:var(--muted)}\n"
"footer{border-top:1px solid var(--line);padding:14px 0 30px;color:var(--muted);font-size:12px}\n"
"[hidden]{display:none!important}\n"
"@media (max-width:720px){.cols{grid-template-columns:1fr}.rule{margin-left:0}}\n"
"@media print{body{font-size:11pt}header.top{background:none;border-bottom:2px solid #000}"
".wrap{max-width:none;padding:0}.filters,.copy,noscript{display:none!important}"
"[hidden].finding,.fgroup[hidden]{display:block!important}"
".finding{break-inside:avoid;box-shadow:none}h2,h3{break-after:avoid}"
"a{color:inherit;text-decoration:none}svg.timeline{break-inside:avoid}"
".cmd pre{padding-right:12px}}\n";

/* The one script: filters and copy buttons.  Holds no bundle data. */
static const char SCRIPT[] =
"(function(){'use strict';var d=document;d.documentElement.classList.add('js');"
"var bar=d.getElementById('filters');if(bar){bar.hidden=false;}"
"function apply(){var on={},sel=d.getElementById('f-section'),sec=sel?sel.value:'';"
"var bs=d.querySelectorAll('#filters input[type=checkbox]');"
"for(var i=0;i<bs.length;i++){on[bs[i].value]=bs[i].checked;}"
"var fs=d.querySelectorAll('.finding');"
"for(i=0;i<fs.length;i++){var f=fs[i];f.hidden=!(on[f.getAttribute('data-sev')]!==false&&"
"(!sec||f.getAttribute('data-section')===sec));}"
"var gs=d.querySelectorAll('.fgroup');"
"for(i=0;i<gs.length;i++){gs[i].hidden=!gs[i].querySelector('.finding:not([hidden])');}}"
"if(bar){bar.addEventListener('change',apply);}"
"function done(b){var t=b.textContent;b.textContent=b.getAttribute('data-done');"
"setTimeout(function(){b.textContent=t;},1200);}"
"function fallback(pre,b){var r=d.createRange();r.selectNodeContents(pre);"
"var s=window.getSelection();s.removeAllRanges();s.addRange(r);"
"try{if(d.execCommand('copy')){done(b);}}catch(e){}}"
"var cs=d.querySelectorAll('button.copy');"
"for(var j=0;j<cs.length;j++){(function(b){var pre=b.parentNode.querySelector('pre');"
"b.hidden=false;b.addEventListener('click',function(){var t=pre.textContent;"
"if(navigator.clipboard&&navigator.clipboard.writeText){navigator.clipboard.writeText(t)"
".then(function(){done(b);},function(){fallback(pre,b);});}else{fallback(pre,b);}});})(cs[j]);}"
"})();";

/* ---- helpers ------------------------------------------------------------ */

struct page {
	struct pm_buf *b;
	int zh;
	const struct pm_analysis *a;
};

static const char *L(const struct page *p, enum lbl k)
{
	return LBL[k][p->zh];
}

static const char *js(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static void esc(struct page *p, const char *s)
{
	pm_html_escape(p->b, s, CELL_MAX);
}

static void add(struct page *p, const char *s)
{
	pm_buf_adds(p->b, s);
}

static int sev_rank(const char *s)
{
	return !strcmp(s, "critical") ? 4 : !strcmp(s, "error") ? 3
		: !strcmp(s, "warning") ? 2 : !strcmp(s, "info") ? 1 : 0;
}

/* A severity name from the model, as one of four fixed class names. */
static const char *sev_class(const char *s)
{
	static const char *const n[] = { "info", "info", "warning", "error", "critical" };
	return n[sev_rank(s)];
}

static const char *sev_label(const struct page *p, const char *s)
{
	static const enum lbl n[] = { L_INFO, L_INFO, L_WARNING, L_ERROR, L_CRITICAL };
	return L(p, n[sev_rank(s)]);
}

static void value_html(struct page *p, json_t *v)
{
	if (json_is_string(v))
		esc(p, json_string_value(v));
	else if (json_is_integer(v))
		pm_buf_addf(p->b, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		pm_buf_addf(p->b, "%.4g", json_real_value(v));
	else if (json_is_true(v) || json_is_false(v))
		add(p, json_is_true(v) ? "true" : "false");
	else if (json_is_null(v) || !v)
		add(p, "<span class=\"muted\">\xE2\x80\x94</span>");
	else {
		char *s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
		add(p, "<code>");
		esc(p, s);
		add(p, "</code>");
		free(s);
	}
}

/* ---- source context ----------------------------------------------------- */

static void ctx_line(json_t *lines, long n, const char *text, int hit)
{
	json_array_append_new(lines, json_pack("{s:I,s:s,s:b}", "n", (json_int_t)n,
					       "text", text ? text : "", "hit", hit));
}

/* One integer from a one-row query with one integer parameter. */
static int64_t int_query(sqlite3_stmt *s, int64_t a, int64_t dflt)
{
	int64_t v = dflt;
	sqlite3_bind_int64(s, 1, a);
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return v;
}

/*
 * The first row of the file at or past want-3: a file's rows are
 * log_rows first_id..last_id with line numbers rising, so a binary search
 * over ids finds it without an index over every line.  (Joined CRI
 * partials may step back a little; the window read after it covers that.)
 */
static int64_t ctx_log_seek(struct pm_store *st, int64_t lo, int64_t hi, long want)
{
	static const char sql[] = "SELECT line FROM log_rows WHERE id = ?1";
	struct pm_error e;
	sqlite3_stmt *q = pm_store_stmt(st, sql, &e);
	if (!q)
		return lo;
	while (lo < hi) {
		int64_t mid = lo + (hi - lo) / 2;
		if (int_query(q, mid, 0) < want - 3)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int ctx_log(struct pm_store *st, const char *path, long line, json_t *lines)
{
	static const char fsql[] =
		"SELECT first_id, last_id FROM log_files WHERE path = ?1"
		" AND first_id IS NOT NULL ORDER BY id LIMIT 1";
	static const char sql[] =
		"SELECT line, time_text, level, message, fields FROM log_rows"
		" WHERE id BETWEEN max(?1 - 16, ?3) AND min(?1 + 64, ?4)"
		" AND line BETWEEN ?2-3 AND ?2+3 ORDER BY line, id LIMIT 7";
	sqlite3_stmt *s;
	struct pm_error e;
	int64_t first, last, at;

	if (!(s = pm_store_stmt(st, fsql, &e)))
		return 0;
	sqlite3_bind_text(s, 1, path, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_ROW) {
		sqlite3_reset(s);
		return 0;
	}
	first = sqlite3_column_int64(s, 0);
	last = sqlite3_column_int64(s, 1);
	sqlite3_reset(s);
	at = ctx_log_seek(st, first, last, line);
	if (!(s = pm_store_stmt(st, sql, &e)))
		return 0;
	sqlite3_bind_int64(s, 1, at);
	sqlite3_bind_int64(s, 2, line);
	sqlite3_bind_int64(s, 3, first);
	sqlite3_bind_int64(s, 4, last);
	while (sqlite3_step(s) == SQLITE_ROW) {
		struct pm_buf t = PM_BUF_INIT(CTX_LINE_MAX * 2);
		const char *f = (const char *)sqlite3_column_text(s, 4);
		for (int c = 1; c <= 3; c++) {
			const char *v = (const char *)sqlite3_column_text(s, c);
			if (!v || !*v)
				continue;
			if (t.len)
				pm_buf_addc(&t, ' ');
			if (c == 2)
				pm_buf_addf(&t, "[%s]", v);
			else
				pm_buf_adds(&t, v);
		}
		if (f && strcmp(f, "{}")) {
			pm_buf_addc(&t, ' ');
			pm_buf_adds(&t, f);
		}
		pm_buf_check(&t);
		ctx_line(lines, (long)sqlite3_column_int64(s, 0), pm_buf_cstr(&t),
			 sqlite3_column_int64(s, 0) == line);
		pm_buf_release(&t);
	}
	sqlite3_reset(s);
	return json_array_size(lines) > 0;
}

/* Drops fields that are long and say nothing about the problem. */
static void trim_object(json_t *o)
{
	json_t *md = json_object_get(o, "metadata");
	json_object_del(md, "managedFields");
	json_object_del(json_object_get(md, "annotations"),
			"kubectl.kubernetes.io/last-applied-configuration");
}

static int ctx_object(struct pm_store *st, const char *path, long line, json_t *finding,
		      json_t *lines, long *more)
{
	static const char by_line[] =
		"SELECT object FROM objects WHERE source=?1 AND source_line=?2"
		" ORDER BY id LIMIT 1";
	static const char by_name[] =
		"SELECT object FROM objects WHERE source=?1 AND kind IS ?2"
		" AND coalesce(namespace,'')=?3 AND name IS ?4 ORDER BY id LIMIT 1";
	json_t *res = json_object_get(finding, "resource"), *o;
	struct pm_error err;
	sqlite3_stmt *s;
	const char *text;
	char *dump;
	long n = 0;
	int found = 0;

	if (!(s = pm_store_stmt(st, line > 0 ? by_line : by_name, &err)))
		return 0;
	sqlite3_bind_text(s, 1, path, -1, SQLITE_STATIC);
	if (line > 0)
		sqlite3_bind_int64(s, 2, line);
	else {
		if (!json_is_string(json_object_get(res, "name")))
			return 0;
		sqlite3_bind_text(s, 2, js(res, "kind"), -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 3, js(res, "namespace"), -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 4, js(res, "name"), -1, SQLITE_STATIC);
	}
	if (sqlite3_step(s) == SQLITE_ROW &&
	    (text = (const char *)sqlite3_column_text(s, 0)) &&
	    (o = json_loads(text, 0, NULL))) {
		trim_object(o);
		dump = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		json_decref(o);
		for (char *l = dump, *e; l && *l; l = e ? e + 1 : NULL) {
			e = strchr(l, '\n');
			if (e)
				*e = 0;
			if (n < CTX_JSON_LINES)
				ctx_line(lines, 0, l, 0);
			else
				(*more)++;
			n++;
			if (!e)
				break;
		}
		free(dump);
		found = 1;
	}
	sqlite3_reset(s);
	return found;
}

static int ctx_gap(struct pm_store *st, const char *path, long line, json_t *lines)
{
	static const char sql[] =
		"SELECT line, category, reason FROM gaps WHERE path=?1"
		" AND (?2 = 0 OR line IS NULL OR line=?2) ORDER BY line, id LIMIT 7";
	struct pm_error e;
	sqlite3_stmt *s;
	if (!(s = pm_store_stmt(st, sql, &e)))
		return 0;
	sqlite3_bind_text(s, 1, path, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, line);
	while (sqlite3_step(s) == SQLITE_ROW) {
		struct pm_buf t = PM_BUF_INIT(CTX_LINE_MAX * 2);
		pm_buf_addf(&t, "%s: %s", (const char *)sqlite3_column_text(s, 1)
			    ? (const char *)sqlite3_column_text(s, 1) : "",
			    (const char *)sqlite3_column_text(s, 2)
			    ? (const char *)sqlite3_column_text(s, 2) : "");
		pm_buf_check(&t);
		ctx_line(lines, (long)sqlite3_column_int64(s, 0), pm_buf_cstr(&t), 1);
		pm_buf_release(&t);
	}
	sqlite3_reset(s);
	return json_array_size(lines) > 0;
}

static int ctx_text(struct pm_store *st, const char *path, long line, json_t *lines)
{
	static const char sql[] = "SELECT content FROM texts WHERE path=?1 LIMIT 1";
	struct pm_error err;
	sqlite3_stmt *s;
	const char *c;
	long n = 1;
	if (line <= 0 || !(s = pm_store_stmt(st, sql, &err)))
		return 0;
	sqlite3_bind_text(s, 1, path, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW && (c = (const char *)sqlite3_column_text(s, 0))) {
		for (const char *l = c; *l && n <= line + 3; n++) {
			const char *e = strchr(l, '\n');
			size_t len = e ? (size_t)(e - l) : strlen(l);
			if (n >= line - 3) {
				char *t = strndup(l, len);
				ctx_line(lines, n, t, n == line);
				free(t);
			}
			if (!e)
				break;
			l = e + 1;
		}
	}
	sqlite3_reset(s);
	return json_array_size(lines) > 0;
}

int pm_report_source_context(const struct pm_analysis *a, json_t *finding,
			     json_t **out)
{
	const char *src = json_string_value(json_object_get(finding, "source"));
	/* the store's cached statements: this runs for every finding, twice */
	struct pm_store *st = a->store;
	const char *colon, *what = NULL;
	char path[1024];
	long line = 0, more = 0;
	json_t *lines;

	*out = NULL;
	if (!src || !*src || !st)
		return 0;
	colon = strrchr(src, ':');
	if (colon && colon[1] && strspn(colon + 1, "0123456789") == strlen(colon + 1) &&
	    strlen(colon + 1) < 10) {
		line = strtol(colon + 1, NULL, 10);
		snprintf(path, sizeof(path), "%.*s", (int)(colon - src), src);
	} else {
		snprintf(path, sizeof(path), "%s", src);
	}
	if (!(lines = json_array()))
		return PM_ENOMEM;
	if (line > 0 && ctx_log(st, path, line, lines))
		what = "log";
	else if (ctx_object(st, path, line, finding, lines, &more))
		what = "object";
	else if (ctx_text(st, path, line, lines))
		what = "text";
	else if (ctx_gap(st, path, line, lines))
		what = "gap";
	if (!what) {
		json_decref(lines);
		return 0;
	}
	*out = json_pack("{s:s,s:I,s:s,s:o,s:I}", "path", path, "line", (json_int_t)line,
			 "what", what, "lines", lines, "more", (json_int_t)more);
	return *out ? 0 : PM_ENOMEM;
}

/* ---- the page ----------------------------------------------------------- */

static void head(struct page *p, json_t *m, const char *verdict)
{
	char hash[64];
	json_t *bundle = json_object_get(m, "bundle");
	csp_hash(SCRIPT, hash);
	pm_buf_addf(p->b, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n"
		    "<meta charset=\"utf-8\">\n"
		    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';"
		    " style-src 'unsafe-inline'; script-src '%s'; img-src data:;"
		    " base-uri 'none'; form-action 'none'\">\n"
		    "<meta name=\"referrer\" content=\"no-referrer\">\n"
		    "<meta http-equiv=\"x-dns-prefetch-control\" content=\"off\">\n"
		    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		    "<meta name=\"generator\" content=\"podmortem %s\">\n<title>",
		    p->zh ? "zh" : "en", hash, PM_VERSION);
	esc(p, L(p, L_TITLE));
	if (*js(json_object_get(bundle, "cluster"), "context")) {
		add(p, " \xE2\x80\x94 ");
		esc(p, js(json_object_get(bundle, "cluster"), "context"));
	}
	add(p, ": ");
	pm_html_escape(p->b, verdict, 160);
	add(p, "</title>\n<style>\n");
	add(p, CSS);
	add(p, "</style>\n</head>\n");
}

static void fact(struct page *p, enum lbl k, const char *v1, const char *v2)
{
	if (!*v1 && !*v2)
		return;
	pm_buf_addf(p->b, "<div><dt>%s</dt><dd>", L(p, k));
	esc(p, v1);
	if (*v1 && *v2)
		add(p, " \xC2\xB7 ");
	esc(p, v2);
	add(p, "</dd></div>\n");
}

static void verdict_text(struct page *p, json_t *sum, json_t *findings,
			 struct pm_buf *v)
{
	long c = (long)json_integer_value(json_object_get(sum, "critical"));
	long e = (long)json_integer_value(json_object_get(sum, "error"));
	long w = (long)json_integer_value(json_object_get(sum, "warning"));
	if (!p->zh) {
		pm_buf_adds(v, js(sum, "verdict"));
		return;
	}
	if (c + e + w == 0) {
		pm_buf_adds(v, L(p, json_integer_value(json_object_get(sum, "gaps"))
				 ? L_NO_PROBLEM_GAPS : L_NO_PROBLEM));
		return;
	}
	pm_buf_addf(v, "%s：%ld 个严重，%ld 个错误，%ld 个警告",
		    L(p, c ? L_VERDICT_CRIT : e ? L_VERDICT_ERR : L_VERDICT_WARN),
		    c, e, w);
	(void)findings;
}

static void top(struct page *p, json_t *m, const char *verdict)
{
	json_t *bundle = json_object_get(m, "bundle"), *sum = json_object_get(m, "summary");
	json_t *cl = json_object_get(bundle, "cluster"), *co = json_object_get(bundle, "collector");
	static const struct { const char *key; enum lbl l; } cnt[] = {
		{ "critical", L_CRITICAL }, { "error", L_ERROR },
		{ "warning", L_WARNING }, { "info", L_INFO }, { "gaps", L_COVGAPS },
	};
	long c = (long)json_integer_value(json_object_get(sum, "critical"));
	long e = (long)json_integer_value(json_object_get(sum, "error"));
	long w = (long)json_integer_value(json_object_get(sum, "warning"));
	char files[32];

	pm_buf_addf(p->b, "<body>\n<header class=\"top\" id=\"summary\"><div class=\"wrap\">\n"
		    "<p class=\"eyebrow\">%s</p>\n<h1 class=\"v-%s\" id=\"verdict\">",
		    L(p, L_TITLE), c ? "critical" : e ? "error" : w ? "warning" : "ok");
	esc(p, verdict);
	add(p, "</h1>\n");
	if (json_is_object(json_object_get(sum, "worst"))) {
		pm_buf_addf(p->b, "<p class=\"worst\"><b>%s:</b> ", L(p, L_WORST));
		pm_html_escape(p->b, js(json_object_get(sum, "worst"), "message"), 400);
		add(p, "</p>\n");
	}
	add(p, "<dl class=\"facts\">\n");
	fact(p, L_CLUSTER, js(cl, "server"), js(cl, "version"));
	fact(p, L_CONTEXT, js(cl, "context"), "");
	fact(p, L_COLLECTED, js(bundle, "collected_at"), "");
	fact(p, L_COLLECTOR, js(co, "name"), js(co, "version"));
	fact(p, L_BUNDLE, js(bundle, "source"), "");
	snprintf(files, sizeof(files), "%lld",
		 (long long)json_integer_value(json_object_get(bundle, "files")));
	fact(p, L_FILES, files, "");
	add(p, "</dl>\n<div class=\"counts\">\n");
	for (size_t i = 0; i < sizeof(cnt) / sizeof(cnt[0]); i++) {
		long long n = json_integer_value(json_object_get(sum, cnt[i].key));
		pm_buf_addf(p->b, "<div class=\"count %s%s\"><b>%lld</b><span>%s</span></div>\n",
			    cnt[i].key, n ? "" : " zero", n, L(p, cnt[i].l));
	}
	{
		json_t *r = json_object_get(sum, "rules");
		pm_buf_addf(p->b, "<div class=\"count\"><b>%lld</b><span>%s</span></div>\n",
			    (long long)(json_integer_value(json_object_get(r, "fired")) +
					json_integer_value(json_object_get(r, "passed"))),
			    L(p, L_RULES_RUN));
	}
	add(p, "</div>\n");
	if (json_is_true(json_object_get(bundle, "damaged")))
		pm_buf_addf(p->b, "<p class=\"damaged\">%s</p>\n", L(p, L_DAMAGED));
	add(p, "</div></header>\n");
}

/* Index in the sections array, or -1. */
static long section_index(json_t *sections, const char *key)
{
	size_t i;
	json_t *s;
	json_array_foreach(sections, i, s)
		if (!strcmp(js(s, "key"), key))
			return (long)i;
	return -1;
}

static void sections(struct page *p, json_t *m)
{
	json_t *secs = json_object_get(m, "sections"), *s;
	size_t i;
	pm_buf_addf(p->b, "<section id=\"guide\">\n<h2>%s</h2>\n<div class=\"sections\">\n",
		    L(p, L_SECTIONS));
	json_array_foreach(secs, i, s) {
		const char *st = js(s, "state");
		int problem = !strcmp(st, "problem"), ok = !strcmp(st, "ok");
		int partly = !strcmp(st, "partial");
		long long nf = json_integer_value(json_object_get(s, "findings"));
		long long sk = json_integer_value(json_object_get(s, "rules_skipped"));
		long long ps = json_integer_value(json_object_get(s, "rules_passed"));
		if (problem)
			pm_buf_addf(p->b, "<a class=\"sec problem\" href=\"#s-%zu\">", i);
		else
			pm_buf_addf(p->b, "<div class=\"sec %s\">",
				    ok ? "ok" : partly ? "partly" : "unchecked");
		add(p, "<span class=\"dot\"></span><span><b>");
		esc(p, *js(s, "title") ? js(s, "title") : js(s, "key"));
		add(p, "</b> <span class=\"k mono\">");
		esc(p, js(s, "key"));
		add(p, "</span><span class=\"st\">");
		if (problem)
			pm_buf_addf(p->b, "%s \xC2\xB7 %lld", L(p, L_PROBLEM), nf);
		else if (ok)
			add(p, L(p, L_OK));
		else if (partly)
			pm_buf_addf(p->b, "%s \xC2\xB7 %lld %s", L(p, L_PARTLY), sk + 0,
				    L(p, L_SKIPPED_N));
		else if (sk)
			pm_buf_addf(p->b, "%s \xC2\xB7 %lld %s", L(p, L_UNCHECKED), sk,
				    L(p, L_SKIPPED_N));
		else
			pm_buf_addf(p->b, "%s \xC2\xB7 %s", L(p, L_UNCHECKED), L(p, L_NORULES));
		(void)ps;
		add(p, "</span></span>");
		add(p, problem ? "</a>\n" : "</div>\n");
	}
	add(p, "</div>\n</section>\n");
}

static void timeline(struct page *p, struct pm_error *err)
{
	static const struct { const char *cls; enum lbl l; } lg[] = {
		{ "ok", L_LEGEND_OK }, { "partial", L_LEGEND_PARTIAL },
		{ "fail", L_LEGEND_FAIL }, { "run", L_LEGEND_RUN },
		{ "warn", L_LEGEND_WARN }, { "log", L_LEGEND_LOG },
		{ "restart", L_LEGEND_RESTART },
	};
	pm_buf_addf(p->b, "<section id=\"timeline\">\n<h2>%s</h2>\n<figure>\n",
		    L(p, L_TIMELINE));
	pm_timeline_svg(p->a->store, p->a->manifest.collected_epoch, p->zh ? "zh" : "en",
			p->b, NULL, err);
	add(p, "<figcaption class=\"legend\">");
	for (size_t i = 0; i < sizeof(lg) / sizeof(lg[0]); i++)
		pm_buf_addf(p->b, "<span><i class=\"lg-%s\"></i>%s</span>", lg[i].cls,
			    L(p, lg[i].l));
	add(p, "</figcaption>\n</figure>\n</section>\n");
}

static void list(struct page *p, enum lbl h, json_t *arr)
{
	size_t i;
	json_t *v;
	if (!json_array_size(arr))
		return;
	pm_buf_addf(p->b, "<div><h5>%s</h5><ul>", L(p, h));
	json_array_foreach(arr, i, v) {
		add(p, "<li>");
		esc(p, json_string_value(v));
		add(p, "</li>");
	}
	add(p, "</ul></div>\n");
}

/* Link text always; an <a> only for a plain https URL without quotes,
 * spaces or angle brackets. */
static void link(struct page *p, const char *u)
{
	int ok = !strncmp(u, "https://", 8) && strlen(u) < 2000 &&
		 !u[strcspn(u, "\"'<> \t\r\n\\`")];
	if (ok) {
		add(p, "<a href=\"");
		esc(p, u);
		add(p, "\" rel=\"noreferrer noopener\" target=\"_blank\">");
		esc(p, u);
		add(p, "</a>");
	} else {
		add(p, "<span class=\"mono\">");
		esc(p, u);
		add(p, "</span>");
	}
}

static void source_ctx(struct page *p, json_t *f)
{
	json_t *ctx = NULL, *l;
	size_t i;
	if (pm_report_source_context(p->a, f, &ctx) || !ctx)
		return;
	/* an object's JSON is long: folded (readable without script) */
	pm_buf_addf(p->b, "<details class=\"ctx\"%s><summary class=\"path mono\">",
		    strcmp(js(ctx, "what"), "object") ? " open" : "");
	esc(p, js(ctx, "path"));
	if (json_integer_value(json_object_get(ctx, "line")) > 0)
		pm_buf_addf(p->b, ":%lld",
			    (long long)json_integer_value(json_object_get(ctx, "line")));
	pm_buf_addf(p->b, " \xC2\xB7 %s</summary><pre>", js(ctx, "what"));
	json_array_foreach(json_object_get(ctx, "lines"), i, l) {
		long long n = json_integer_value(json_object_get(l, "n"));
		pm_buf_addf(p->b, "<span class=\"l%s\">",
			    json_is_true(json_object_get(l, "hit")) ? " hit" : "");
		if (n > 0)
			pm_buf_addf(p->b, "<span class=\"n\">%lld</span>", n);
		pm_html_escape(p->b, js(l, "text"), CTX_LINE_MAX);
		add(p, "</span>");
	}
	if (json_integer_value(json_object_get(ctx, "more")) > 0)
		pm_buf_addf(p->b, "<span class=\"l muted\">\xE2\x80\xA6 %lld %s</span>",
			    (long long)json_integer_value(json_object_get(ctx, "more")),
			    L(p, L_MORE_LINES));
	add(p, "</pre></details>\n");
	json_decref(ctx);
}

static void finding(struct page *p, json_t *f, long n, long sec)
{
	json_t *res = json_object_get(f, "resource"), *ev, *v;
	const char *k, *cls = sev_class(js(f, "severity"));
	size_t i;

	pm_buf_addf(p->b, "<article class=\"finding sev-%s\" id=\"f-%ld\" data-sev=\"%s\""
		    " data-section=\"s-%ld\">\n<div class=\"fhead\"><span class=\"badge sev-%s\">%s"
		    "</span><h4>", cls, n, cls, sec, cls, sev_label(p, js(f, "severity")));
	esc(p, *js(f, "title") ? js(f, "title") : js(f, "rule"));
	add(p, "</h4><span class=\"rule mono\">");
	esc(p, js(f, "rule"));
	add(p, "</span></div>\n<p class=\"msg\">");
	pm_html_escape(p->b, js(f, "message"), MSG_MAX);
	add(p, "</p>\n<dl class=\"meta\">");
	if (*js(res, "name")) {
		pm_buf_addf(p->b, "<dt>%s</dt><dd>", L(p, L_RESOURCE));
		esc(p, js(res, "kind"));
		add(p, " <b>");
		if (*js(res, "namespace")) {
			esc(p, js(res, "namespace"));
			add(p, "/");
		}
		esc(p, js(res, "name"));
		add(p, "</b></dd>");
	}
	if (*js(f, "source")) {
		pm_buf_addf(p->b, "<dt>%s</dt><dd class=\"mono\">", L(p, L_SOURCE));
		esc(p, js(f, "source"));
		add(p, "</dd>");
	}
	add(p, "</dl>\n");
	ev = json_object_get(f, "evidence");
	if (json_object_size(ev)) {
		pm_buf_addf(p->b, "<table class=\"evidence\"><thead><tr><th>%s</th><th>%s</th>"
			    "</tr></thead><tbody>\n", L(p, L_EVIDENCE), L(p, L_VALUE));
		json_object_foreach(ev, k, v) {
			add(p, "<tr><td>");
			esc(p, k);
			add(p, "</td><td>");
			value_html(p, v);
			add(p, "</td></tr>\n");
		}
		add(p, "</tbody></table>\n");
	}
	source_ctx(p, f);
	if (json_array_size(json_object_get(f, "causes")) ||
	    json_array_size(json_object_get(f, "remediation"))) {
		add(p, "<div class=\"cols\">\n");
		list(p, L_CAUSES, json_object_get(f, "causes"));
		list(p, L_FIX, json_object_get(f, "remediation"));
		add(p, "</div>\n");
	}
	if (json_array_size(json_object_get(f, "diagnose"))) {
		pm_buf_addf(p->b, "<h5>%s</h5>\n", L(p, L_NEXT));
		json_array_foreach(json_object_get(f, "diagnose"), i, v) {
			add(p, "<div class=\"cmd\"><pre><code>");
			esc(p, json_string_value(v));
			pm_buf_addf(p->b, "</code></pre><button type=\"button\" class=\"copy\""
				    " data-done=\"%s\" hidden>%s</button></div>\n",
				    L(p, L_COPIED), L(p, L_COPY));
		}
	}
	if (json_array_size(json_object_get(f, "links"))) {
		pm_buf_addf(p->b, "<h5>%s</h5><ul class=\"links\">", L(p, L_LINKS));
		json_array_foreach(json_object_get(f, "links"), i, v) {
			add(p, "<li>");
			link(p, json_string_value(v) ? json_string_value(v) : "");
			add(p, "</li>");
		}
		add(p, "</ul>\n");
	}
	add(p, "</article>\n");
}

static void findings(struct page *p, json_t *m)
{
	json_t *secs = json_object_get(m, "sections"), *fs = json_object_get(m, "findings"), *f;
	size_t nsec = json_array_size(secs), i, j;
	long n = 0, *order = calloc(nsec + 1, sizeof(long)), norder = 0;
	static const char *const sev[] = { "critical", "error", "warning", "info" };
	static const enum lbl sevl[] = { L_CRITICAL, L_ERROR, L_WARNING, L_INFO };

	pm_buf_addf(p->b, "<section id=\"findings\">\n<h2>%s</h2>\n", L(p, L_FINDINGS));
	if (!json_array_size(fs)) {
		pm_buf_addf(p->b, "<p class=\"muted\">%s</p>\n</section>\n", L(p, L_NOFINDINGS));
		free(order);
		return;
	}
	/* filters: shown by the script; only fixed values in attributes */
	pm_buf_addf(p->b, "<div class=\"filters\" id=\"filters\" hidden><b>%s</b>", L(p, L_FILTER));
	for (i = 0; i < 4; i++)
		pm_buf_addf(p->b, "<label><input type=\"checkbox\" value=\"%s\" checked> %s</label>",
			    sev[i], L(p, sevl[i]));
	pm_buf_addf(p->b, "<select id=\"f-section\"><option value=\"\">%s</option>",
		    L(p, L_ALL_SECTIONS));
	/* sections in order of their worst finding (findings come worst first);
	 * unknown sections share the slot nsec */
	json_array_foreach(fs, i, f) {
		long s = section_index(secs, js(f, "section"));
		long slot = s < 0 ? (long)nsec : s, k;
		if (!order)
			break;
		for (k = 0; k < norder && order[k] != slot; k++)
			;
		if (k == norder)
			order[norder++] = slot;
	}
	for (long k = 0; order && k < norder; k++) {
		pm_buf_addf(p->b, "<option value=\"s-%ld\">", order[k]);
		esc(p, order[k] < (long)nsec ? js(json_array_get(secs, (size_t)order[k]), "title")
		    : "other");
		add(p, "</option>");
	}
	add(p, "</select></div>\n");
	pm_buf_addf(p->b, "<noscript><p class=\"muted\">%s</p></noscript>\n", L(p, L_NOSCRIPT));
	for (long k = 0; order && k < norder; k++) {
		json_t *sec = order[k] < (long)nsec ? json_array_get(secs, (size_t)order[k]) : NULL;
		pm_buf_addf(p->b, "<div class=\"fgroup\" id=\"s-%ld\">\n<h3>", order[k]);
		if (sec) {
			esc(p, js(sec, "title"));
			add(p, " <span class=\"k mono muted\">");
			esc(p, js(sec, "key"));
			add(p, "</span>");
		} else {
			add(p, "other");
		}
		add(p, "</h3>\n");
		json_array_foreach(fs, j, f) {
			long s = section_index(secs, js(f, "section"));
			if ((s < 0 ? (long)nsec : s) == order[k])
				finding(p, f, ++n, order[k]);
		}
		add(p, "</div>\n");
	}
	free(order);
	add(p, "</section>\n");
}

/* A titled table of JSON rows: one column per key, escaped text, or the
 * value as value_html shows it; mono for names and paths. */
enum { TC_MONO = 1, TC_VALUE = 2 };
struct tcol {
	const char *key;
	enum lbl label;
	int how;
};

static void json_table(struct page *p, enum lbl title, json_t *rows,
		       const struct tcol *cols, size_t ncols)
{
	size_t i;
	json_t *v;

	pm_buf_addf(p->b, "<h3>%s</h3>\n<table><thead><tr>", L(p, title));
	for (size_t c = 0; c < ncols; c++)
		pm_buf_addf(p->b, "<th>%s</th>", L(p, cols[c].label));
	add(p, "</tr></thead><tbody>\n");
	json_array_foreach(rows, i, v) {
		add(p, "<tr>");
		for (size_t c = 0; c < ncols; c++) {
			add(p, cols[c].how & TC_MONO ? "<td class=\"mono\">" : "<td>");
			if (cols[c].how & TC_VALUE)
				value_html(p, json_object_get(v, cols[c].key));
			else
				esc(p, js(v, cols[c].key));
			add(p, "</td>");
		}
		add(p, "</tr>\n");
	}
	add(p, "</tbody></table>\n");
}

static void coverage(struct page *p, json_t *m)
{
	json_t *gaps = json_object_get(m, "gaps"), *sk = json_object_get(m, "skipped");
	json_t *re = json_object_get(m, "rule_errors"), *v;
	size_t i;

	pm_buf_addf(p->b, "<section id=\"coverage\">\n<h2>%s</h2>\n", L(p, L_COVERAGE));
	if (!json_array_size(gaps))
		pm_buf_addf(p->b, "<p>%s</p>\n", L(p, L_GAPS_NONE));
	else {
		static const struct tcol cols[] = {
			{ "category", L_CATEGORY, 0 }, { "path", L_FILE, TC_MONO },
			{ "line", L_LINE, TC_VALUE }, { "reason", L_REASON, 0 },
		};
		json_table(p, L_GAPS, gaps, cols, sizeof(cols) / sizeof(cols[0]));
	}
	if (json_array_size(sk)) {
		static const struct tcol cols[] = {
			{ "rule", L_RULE, TC_MONO }, { "section", L_SECTION, TC_MONO },
			{ "reason", L_REASON, 0 },
		};
		json_table(p, L_SKIPPED, sk, cols, sizeof(cols) / sizeof(cols[0]));
	}
	if (json_array_size(re)) {
		pm_buf_addf(p->b, "<h3>%s</h3>\n<ul>", L(p, L_RULE_ERRORS));
		json_array_foreach(re, i, v) {
			add(p, "<li>");
			if (*js(v, "rule")) {
				add(p, "<span class=\"mono\">");
				esc(p, js(v, "rule"));
				add(p, "</span>: ");
			}
			esc(p, js(v, "error"));
			add(p, "</li>");
		}
		add(p, "</ul>\n");
	}
	add(p, "</section>\n");
}

int pm_report_html(const struct pm_analysis *a, struct pm_buf *b,
		   struct pm_error *err)
{
	struct page p = { b, a->rules.lang && !strcmp(a->rules.lang, "zh"), a };
	json_t *m = pm_report_model(a);
	struct pm_buf verdict = PM_BUF_INIT(1 << 16);
	int rc = 0;

	if (!m)
		return pm_error_set(err, PM_ENOMEM, "report.html: out of memory");
	verdict_text(&p, json_object_get(m, "summary"), json_object_get(m, "findings"), &verdict);
	pm_buf_check(&verdict);
	head(&p, m, pm_buf_cstr(&verdict));
	top(&p, m, pm_buf_cstr(&verdict));
	add(&p, "<main class=\"wrap\">\n");
	sections(&p, m);
	timeline(&p, err);
	findings(&p, m);
	coverage(&p, m);
	add(&p, "</main>\n<footer><div class=\"wrap\">");
	pm_buf_addf(b, "%s %s \xC2\xB7 ", L(&p, L_GENERATED), PM_VERSION);
	esc(&p, js(json_object_get(m, "bundle"), "source"));
	add(&p, "</div></footer>\n<script>");
	add(&p, SCRIPT);
	add(&p, "</script>\n</body>\n</html>\n");
	pm_buf_release(&verdict);
	json_decref(m);
	if (pm_buf_check(b))
		rc = pm_error_set(err, PM_ETOOBIG, "report.html: too large");
	return rc;
}
