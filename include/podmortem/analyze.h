/*
 * analyze.h - one analysis from bundle to findings.
 *
 * Reads the manifest (first pass), loads every entry through its parser
 * into bundle.db (second pass, one transaction), builds the derived
 * tables, runs the rules.  Writing the reports is report.h's job.
 */
#ifndef PODMORTEM_ANALYZE_H
#define PODMORTEM_ANALYZE_H

#include "podmortem/bundle.h"
#include "podmortem/error.h"
#include "podmortem/manifest.h"
#include "podmortem/rules.h"
#include "podmortem/store.h"

struct pm_analyze_opts {
	const char *bundle;     /* .tar.gz, .tgz, .tar or a directory */
	const char *outdir;     /* NULL: beside the bundle, <name>-podmortem */
	const char *rules_dir;  /* NULL: PODMORTEM_RULES or the built-in path */
	const char *lang;       /* "en" (default) or "zh" */
	int fts;                /* also build the log search index */
	int in_memory;          /* store in memory, write nothing (rule tests) */
	int threads;            /* 1: load on one thread; else log lines are
				 * written by a second thread while parsing */
	struct pm_bundle_limits limits;
};

struct pm_analysis {
	struct pm_store *store;
	struct pm_manifest manifest;
	struct pm_ruleset rules;
	struct pm_results results;
	char outdir[4096];
	char source[512];       /* the bundle's file name */
	long files;             /* entries read */
	long gaps;
	int damaged;            /* the archive could not be read to its end */
	char exclude[4096];     /* output folder inside a bundle folder: not read */
	/* wall time of each phase in ms, for --timings and benchmarks only:
	 * never written to a report (reports depend on the bundle alone) */
	double ms_manifest, ms_load, ms_derive, ms_fts, ms_rules;
};

void pm_analyze_opts_init(struct pm_analyze_opts *o);
void pm_analysis_init(struct pm_analysis *a);
void pm_analysis_release(struct pm_analysis *a);
/* Default output folder for a bundle path. */
void pm_analyze_default_outdir(const char *bundle, char *out, size_t n);
/* The rules folder to use when none is given. */
const char *pm_analyze_default_rules(void);

/*
 * Returns 0 when a diagnosis was made (possibly with gaps); PM_EIO /
 * PM_EPARSE when the bundle cannot be read at all; other codes when the
 * output folder or the store cannot be written.
 */
int pm_analyze(const struct pm_analyze_opts *o, struct pm_analysis *a,
	       struct pm_error *err);

#endif
