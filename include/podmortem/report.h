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
/* Writes findings.json, report.md (and report.html) into a->outdir. */
int pm_report_write_all(const struct pm_analysis *a, struct pm_error *err);

/* Counts of findings by severity: out[PM_SEV_INFO..PM_SEV_CRITICAL]. */
void pm_report_counts(const struct pm_analysis *a, long out[5]);
/* One line, e.g. "2 critical, 1 error: backup failed ..." */
void pm_report_verdict(const struct pm_analysis *a, char *out, size_t n);

#endif
