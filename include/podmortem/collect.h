/*
 * collect.h - the collector's run engine.
 *
 * Owns: resolving the cluster (context, server, API host) through
 * kubectl, expanding spec steps into command instances (per namespace,
 * pod, container, file), running them with fork/exec in their own
 * process groups, -j at a time, cheap steps first, each under its own
 * timeout (SIGTERM, then SIGKILL of the group) and output cap, the whole
 * run under a deadline; redacting every output before it reaches the
 * archive; and writing manifest.json and collector.log last.  A failing,
 * missing or hanging command never stops the run: it becomes a manifest
 * item.  Nothing here prints: progress goes to an optional callback.
 */
#ifndef PODMORTEM_COLLECT_H
#define PODMORTEM_COLLECT_H

#include <stddef.h>

#include "podmortem/error.h"
#include "podmortem/spec.h"

#define PM_COLLECT_VERSION "0.1.0"

struct pm_collect_opts {
	const char *output;        /* NULL: ./podmortem-<context>-<stamp>.tar.gz */
	const char *kubeconfig;    /* NULL: kubectl's own default */
	const char *context;       /* NULL: the kubeconfig's current context */
	const char *const *namespaces; /* -n values; none means all namespaces */
	size_t nnamespaces;
	const char *since;         /* kubectl logs --since, NULL for all */
	const struct pm_spec *spec;
	int jobs;                  /* parallel steps, >= 1 */
	long timeout_ms;           /* > 0: overrides every step's timeout */
	long deadline_ms;          /* whole run */
	const char *probe_path;    /* NULL: the output file's folder */
	const char *iperf_server;
	int redact;                /* 0 only with --no-redact */
	/* Called for progress lines (no newline); NULL for silence. */
	void (*progress)(void *ctx, const char *line);
	void *progress_ctx;
};

struct pm_collect_result {
	char path[4096];           /* the bundle written */
	long items;
	long failed;               /* nonzero exit, timed out or not run */
	long timed_out;
	long not_run;
	long redactions;
	long long bytes;           /* uncompressed payload */
	long long archive_bytes;   /* size of the .tar.gz */
	long duration_ms;
};

/*
 * Runs the whole collection.  Returns 0 when a bundle was written (even
 * with failed steps), PM_EIO when no bundle could be written at all,
 * PM_EUSAGE for bad options.
 */
int pm_collect_run(const struct pm_collect_opts *o, struct pm_collect_result *res,
		   struct pm_error *err);

#endif
