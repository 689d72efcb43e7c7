/*
 * manifest.h - manifest.json of bundle format v1.
 *
 * Holds the bundle facts (collector, cluster, collected_at: the "now" of
 * every rule) and one item per collected file.  Parsing is tolerant: a
 * bad item is skipped and counted, not fatal.
 */
#ifndef PODMORTEM_MANIFEST_H
#define PODMORTEM_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#include "podmortem/error.h"

#define PM_MANIFEST_MAX (64u << 20)

struct pm_item {
	char *path;
	char *type;
	char *command;      /* argv as JSON array text, NULL when absent */
	char *stderr_text;
	char *started_at;   /* normalised UTC, NULL when absent */
	char *ns;           /* namespace */
	char *pod;
	char *container;
	char *host;
	char *step;         /* the collector's step name */
	long long duration_ms;
	long redactions;
	int exit_code;
	int has_exit_code;
	int timed_out;
	int truncated;
	int previous;
	int not_run;        /* the collector's deadline came before it */
};

struct pm_manifest {
	int present;        /* 0: bundle had no manifest */
	int format;
	char *collector_name;
	char *collector_version;
	char *context;
	char *server;
	char *k8s_version;
	char *collected_at; /* normalised UTC, NULL when unknown */
	int64_t collected_epoch;
	size_t nitems;
	struct pm_item *items;   /* sorted by path */
	long bad_items;
};

void pm_manifest_init(struct pm_manifest *m);
void pm_manifest_release(struct pm_manifest *m);
int pm_manifest_parse(struct pm_manifest *m, const char *data, size_t len,
		      const char *path, struct pm_error *err);
const struct pm_item *pm_manifest_find(const struct pm_manifest *m,
				       const char *path);

#endif
