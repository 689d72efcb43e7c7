/*
 * report.c - the report model (findings.json) and writing the reports.
 */
#include "podmortem/report.h"
#include "podmortem/outdir.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *jstr_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

void pm_report_counts(const struct pm_analysis *a, long out[5])
{
	memset(out, 0, 5 * sizeof(long));
	for (size_t i = 0; i < a->results.nfindings; i++)
		out[a->results.findings[i].severity]++;
}

/* One line: control characters become spaces, and a UTF-8 sequence cut
 * by the buffer's end is dropped so the text stays valid. */
static void one_line(char *s)
{
	size_t len = strlen(s), i = len;
	for (char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
		i--;
	if (i > 0 && (unsigned char)s[i - 1] >= 0xC0) {
		unsigned char lead = (unsigned char)s[i - 1];
		size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
		if (len - (i - 1) < need)
			s[i - 1] = '\0';
	}
}

void pm_report_verdict(const struct pm_analysis *a, char *out, size_t n)
{
	long c[5];
	pm_report_counts(a, c);
	if (c[PM_SEV_CRITICAL] + c[PM_SEV_ERROR] + c[PM_SEV_WARNING] == 0) {
		snprintf(out, n, "No problem found%s",
			 a->gaps ? " in what could be read (see coverage gaps)" : "");
		return;
	}
	snprintf(out, n, "%s: %ld critical, %ld error, %ld warning",
		 c[PM_SEV_CRITICAL] ? "Critical problems found"
		 : c[PM_SEV_ERROR] ? "Problems found" : "Warnings",
		 c[PM_SEV_CRITICAL], c[PM_SEV_ERROR], c[PM_SEV_WARNING]);
}

static json_t *bundle_json(const struct pm_analysis *a)
{
	const struct pm_manifest *m = &a->manifest;
	json_t *b = json_object();
	json_object_set_new(b, "source", json_string(a->source));
	json_object_set_new(b, "manifest", json_boolean(m->present));
	json_object_set_new(b, "format", m->present ? json_integer(m->format) : json_null());
	json_object_set_new(b, "collector", json_pack("{s:o,s:o}",
		"name", jstr_or_null(m->collector_name),
		"version", jstr_or_null(m->collector_version)));
	json_object_set_new(b, "cluster", json_pack("{s:o,s:o,s:o}",
		"context", jstr_or_null(m->context),
		"server", jstr_or_null(m->server),
		"version", jstr_or_null(m->k8s_version)));
	json_object_set_new(b, "collected_at", jstr_or_null(m->collected_at));
	json_object_set_new(b, "files", json_integer(a->files));
	json_object_set_new(b, "damaged", json_boolean(a->damaged));
	return b;
}

static json_t *finding_json(const struct pm_analysis *a, const struct pm_finding *f)
{
	const struct pm_ruleset *rs = &a->rules;
	json_t *o = json_object(), *l;
	const char *t;

	json_object_set_new(o, "rule", json_string(f->rule->id));
	json_object_set_new(o, "section", json_string(f->rule->section));
	json_object_set_new(o, "severity", json_string(pm_severity_name(f->severity)));
	t = pm_rule_text(rs, f->rule->doc, "title");
	json_object_set_new(o, "title", jstr_or_null(t));
	json_object_set_new(o, "message", json_string(f->message));
	json_object_set_new(o, "resource", json_pack("{s:o,s:o,s:o}",
		"kind", jstr_or_null(f->kind), "namespace", jstr_or_null(f->ns),
		"name", jstr_or_null(f->name)));
	/* evidence keys sorted for stable bytes */
	{
		char *ev = json_dumps(f->evidence, JSON_SORT_KEYS | JSON_COMPACT);
		json_object_set_new(o, "evidence", ev ? json_loads(ev, 0, NULL) : json_object());
		free(ev);
	}
	json_object_set_new(o, "source", jstr_or_null(f->source));
	json_object_set_new(o, "diagnose", json_incref(f->diagnose));
	l = pm_rule_list(rs, f->rule->doc, "causes");
	json_object_set_new(o, "causes", l ? json_incref(l) : json_array());
	l = pm_rule_list(rs, f->rule->doc, "remediation");
	json_object_set_new(o, "remediation", l ? json_incref(l) : json_array());
	l = json_object_get(f->rule->doc, "links");
	json_object_set_new(o, "links", json_is_array(l) ? json_incref(l) : json_array());
	return o;
}

static json_t *gaps_json(const struct pm_analysis *a)
{
	static const char sql[] =
		"SELECT path, line, category, reason FROM gaps"
		" ORDER BY category, path, line, reason";
	json_t *arr = json_array();
	sqlite3_stmt *s;

	if (sqlite3_prepare_v2(pm_store_db(a->store), sql, -1, &s, NULL) != SQLITE_OK)
		return arr;
	while (sqlite3_step(s) == SQLITE_ROW) {
		json_t *g = json_object();
		const char *p = (const char *)sqlite3_column_text(s, 0);
		json_object_set_new(g, "path", jstr_or_null(p));
		json_object_set_new(g, "line", sqlite3_column_type(s, 1) == SQLITE_NULL
			? json_null() : json_integer(sqlite3_column_int64(s, 1)));
		json_object_set_new(g, "category",
			jstr_or_null((const char *)sqlite3_column_text(s, 2)));
		json_object_set_new(g, "reason",
			jstr_or_null((const char *)sqlite3_column_text(s, 3)));
		json_array_append_new(arr, g);
	}
	sqlite3_finalize(s);
	return arr;
}

/* Every section of the guide: problem, ok (every rule ran, none fired),
 * partial (some rules could not run, those that ran found nothing) or
 * unchecked (no rule could run). */
static json_t *sections_json(const struct pm_analysis *a)
{
	const struct pm_ruleset *rs = &a->rules;
	json_t *arr = json_array(), *sec;
	size_t i;

	json_array_foreach(rs->sections, i, sec) {
		const char *key = json_string_value(json_object_get(sec, "key"));
		long nf = 0, passed = 0, skipped = 0, errors = 0;
		json_t *o;
		const char *state;
		if (!key)
			continue;
		for (size_t r = 0; r < a->results.nruns; r++) {
			const struct pm_rule_result *rr = &a->results.runs[r];
			if (strcmp(rr->rule->section, key))
				continue;
			switch (rr->status) {
			case PM_RULE_FIRED: nf += (long)rr->findings; break;
			case PM_RULE_PASSED: passed++; break;
			case PM_RULE_SKIPPED: skipped++; break;
			default: errors++; break;
			}
		}
		/* "ok" only when every rule of the section ran: a section
		 * whose data was partly missing is never called healthy */
		state = nf ? "problem"
			: passed && !skipped && !errors ? "ok"
			: passed ? "partial" : "unchecked";
		o = json_object();
		json_object_set_new(o, "key", json_string(key));
		json_object_set_new(o, "title", jstr_or_null(pm_rule_text(rs, sec, "title")));
		json_object_set_new(o, "state", json_string(state));
		json_object_set_new(o, "findings", json_integer(nf));
		json_object_set_new(o, "rules_passed", json_integer(passed));
		json_object_set_new(o, "rules_skipped", json_integer(skipped));
		json_object_set_new(o, "rules_failed", json_integer(errors));
		json_array_append_new(arr, o);
	}
	return arr;
}

json_t *pm_report_model(const struct pm_analysis *a)
{
	json_t *root = json_object(), *findings = json_array(), *skipped = json_array();
	json_t *errors = json_array(), *summary = json_object();
	long c[5], nskip = 0, npass = 0, nfired = 0, nerr = 0;
	char verdict[1024];

	pm_report_counts(a, c);
	for (size_t i = 0; i < a->results.nfindings; i++)
		json_array_append_new(findings, finding_json(a, &a->results.findings[i]));
	for (size_t i = 0; i < a->results.nruns; i++) {
		const struct pm_rule_result *r = &a->results.runs[i];
		if (r->status == PM_RULE_SKIPPED) {
			nskip++;
			json_array_append_new(skipped, json_pack("{s:s,s:s,s:s}",
				"rule", r->rule->id, "section", r->rule->section,
				"reason", r->reason ? r->reason : ""));
		} else if (r->status == PM_RULE_ERROR) {
			nerr++;
			json_array_append_new(errors, json_pack("{s:s,s:s}",
				"rule", r->rule->id, "error", r->reason ? r->reason : ""));
		} else if (r->status == PM_RULE_FIRED) {
			nfired++;
		} else {
			npass++;
		}
	}
	for (size_t i = 0; i < a->rules.nerrors; i++)
		json_array_append_new(errors, json_pack("{s:n,s:s}", "rule",
			"error", a->rules.errors[i].message));
	pm_report_verdict(a, verdict, sizeof(verdict));
	json_object_set_new(summary, "verdict", json_string(verdict));
	if (a->results.nfindings && a->results.findings[0].severity > PM_SEV_INFO) {
		char worst[1024];
		snprintf(worst, sizeof(worst), "%s", a->results.findings[0].message);
		one_line(worst);
		json_object_set_new(summary, "worst", json_pack("{s:s,s:s}",
			"rule", a->results.findings[0].rule->id, "message", worst));
	} else {
		json_object_set_new(summary, "worst", json_null());
	}
	json_object_set_new(summary, "critical", json_integer(c[PM_SEV_CRITICAL]));
	json_object_set_new(summary, "error", json_integer(c[PM_SEV_ERROR]));
	json_object_set_new(summary, "warning", json_integer(c[PM_SEV_WARNING]));
	json_object_set_new(summary, "info", json_integer(c[PM_SEV_INFO]));
	json_object_set_new(summary, "rules", json_pack("{s:i,s:i,s:i,s:i,s:i}",
		"total", (int)a->rules.n, "fired", (int)nfired, "passed", (int)npass,
		"skipped", (int)nskip, "errors", (int)(nerr + (long)a->rules.nerrors)));
	json_object_set_new(summary, "gaps", json_integer(a->gaps));

	json_object_set_new(root, "podmortem", json_string(PM_VERSION));
	json_object_set_new(root, "bundle", bundle_json(a));
	json_object_set_new(root, "summary", summary);
	json_object_set_new(root, "sections", sections_json(a));
	json_object_set_new(root, "findings", findings);
	json_object_set_new(root, "skipped", skipped);
	json_object_set_new(root, "rule_errors", errors);
	json_object_set_new(root, "gaps", gaps_json(a));
	return root;
}

static int dump_cb(const char *buf, size_t size, void *data)
{
	return pm_buf_add(data, buf, size) ? -1 : 0;
}

int pm_report_json(const struct pm_analysis *a, struct pm_buf *out,
		   struct pm_error *err)
{
	json_t *m = pm_report_model(a);
	int rc = json_dump_callback(m, dump_cb, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(m);
	if (rc || pm_buf_add(out, "\n", 1))
		return pm_error_set(err, PM_ETOOBIG, "findings.json: too large");
	return 0;
}

typedef int (*writer_fn)(const struct pm_analysis *, struct pm_buf *, struct pm_error *);

static int write_one(const struct pm_analysis *a, const char *name, writer_fn fn,
		     struct pm_error *err)
{
	struct pm_buf b = PM_BUF_INIT(PM_REPORT_MAX);
	int rc = fn(a, &b, err);
	if (!rc)
		rc = pm_outdir_write(a->outdir, name, b.data ? b.data : "", b.len, err);
	pm_buf_release(&b);
	return rc;
}

int pm_report_write_all(const struct pm_analysis *a, struct pm_error *err)
{
	int rc;
	if ((rc = write_one(a, "findings.json", pm_report_json, err)))
		return rc;
	if ((rc = write_one(a, "report.md", pm_report_markdown, err)))
		return rc;
	return write_one(a, "report.html", pm_report_html, err);
}
