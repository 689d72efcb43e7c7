/*
 * report.h - the diagnosis as findings.json and report.md (report_html
 * adds report.html).  Every writer reads the same model: the analysis
 * results plus the gaps and bundle facts in the store.  Output depends
 * only on the bundle and the rules: no clock, no host names, sorted.
 */
#ifndef PODMORTEM_REPORT_H
#define PODMORTEM_REPORT_H

#include <jansson.h>

#include "podmortem/analyze.h"
#include "podmortem/buf.h"

#define PM_REPORT_MAX (256u << 20)

/* The whole diagnosis as one JSON value (the findings.json document). */
json_t *pm_report_model(const struct pm_analysis *a);
int pm_report_json(const struct pm_analysis *a, struct pm_buf *out,
		   struct pm_error *err);
int pm_report_markdown(const struct pm_analysis *a, struct pm_buf *out,
		       struct pm_error *err);
/* report.html: one self-contained page (report_html.c). */
int pm_report_html(const struct pm_analysis *a, struct pm_buf *out,
		   struct pm_error *err);
/* Writes findings.json, report.md and report.html into a->outdir. */
int pm_report_write_all(const struct pm_analysis *a, struct pm_error *err);

/* Counts of findings by severity: out[PM_SEV_INFO..PM_SEV_CRITICAL]. */
void pm_report_counts(const struct pm_analysis *a, long out[5]);
/* One line, e.g. "2 critical, 1 error: backup failed ..." */
void pm_report_verdict(const struct pm_analysis *a, char *out, size_t n);

/*
 * HTML-escapes s (& < > " ' ) for text and attribute values alike.
 * Invalid UTF-8 becomes U+FFFD, control characters other than tab and
 * newline become spaces; at most max bytes of s are used (0: no limit),
 * a cut marked with an ellipsis.
 */
void pm_html_escape(struct pm_buf *b, const char *s, size_t max);

/*
 * The lines around a finding's source ("path" or "path:line"): the log
 * lines line-3..line+3 of that file, the object's JSON (for objects: the
 * one at that line, else the finding's resource in that file), or the
 * coverage gap recorded there.  *out gets {path, line, what: "log" |
 * "object" | "gap", lines: [{n, text, hit}], more: lines left out}, or
 * NULL when nothing is known.  Returns 0 or a negative PM_E* code.
 */
int pm_report_source_context(const struct pm_analysis *a, json_t *finding,
			     json_t **out);

#endif
