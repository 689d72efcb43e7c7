/*
 * yamlconv.h - YAML documents as jansson values.
 *
 * One reader for both bundle YAML (multi-document manifests) and our
 * own rule files.  Plain scalars get YAML 1.1 core types (null, bool,
 * int, float), quoted ones stay strings.  Aliases are shared, and the
 * size they would expand to is counted against a cap so an alias bomb
 * stops with an error instead of eating memory.
 */
#ifndef PODMORTEM_YAMLCONV_H
#define PODMORTEM_YAMLCONV_H

#include <jansson.h>

#include "podmortem/error.h"
#include "podmortem/input.h"
#include "podmortem/jsonscan.h"

#define PM_YAML_MAX_NODES 2000000L
#define PM_YAML_MAX_DEPTH 256

struct pm_yaml_stats {
	long documents;  /* non-empty documents handed to fn */
};

/*
 * Streams every document of in to fn (as pm_jsonscan does; documents
 * that are not mappings are passed too, fn decides).  Returns 0, or < 0
 * with err naming the file, line and column of the first YAML error;
 * documents before the error have been delivered.
 */
int pm_yaml_documents(struct pm_input *in, pm_object_fn fn, void *arg,
		      struct pm_yaml_stats *stats, struct pm_error *err);
/* The first document of a string; *out is a new reference. */
int pm_yaml_load(const char *text, size_t len, const char *path,
		 json_t **out, struct pm_error *err);

#endif
