/*
 * spec.h - the collector's YAML spec: which commands run and where their
 * output lands in the bundle.
 *
 * Owns: the built-in default spec text (every workstation/pod-side
 * command of the guide), parsing a spec with libyaml into steps, and
 * checking it (known scopes, relative output paths, sane caps).
 *
 * A step:
 *   name     unique id; "pods", "version" and "api-resources" feed later steps
 *   argv     command; "{var}" placeholders are filled per instance; an element
 *            that is exactly "{kubectl_flags}" expands to the --kubeconfig/
 *            --context/--cache-dir flags in use; an element starting with "?"
 *            is dropped when one of its placeholders is empty
 *   fallback argv tried when argv[0] is not installed (nslookup -> getent)
 *   output   path in the bundle (templated); output_all: path used when a
 *            per-namespace step runs once for all namespaces
 *   type     analyzer type of the output (k8s-json, log, df, ...)
 *   scope    once | per-namespace | per-pod | per-container |
 *            per-restarted-container | per-file
 *   from     step whose output lists the pods (default "pods")
 *   match    per-pod only: substrings; a pod is used when its namespace, name
 *            or service account contains one
 *   files    per-file only: glob patterns; unreadable files are skipped
 *   requires variables that must be set (e.g. iperf_server)
 *   requires_readable  files that must be readable (etcd certificates)
 *   requires_resource  an api-resources name (backups.velero.io); skipped
 *            when discovery worked and does not list it
 *   cleanup  file removed after the step, whatever happened (dd's file)
 *   timeout, max_output, cost (lower runs first), merge_stderr,
 *   secrets (output is a Secret list: must parse, data always stripped),
 *   max_instances
 */
#ifndef PODMORTEM_SPEC_H
#define PODMORTEM_SPEC_H

#include <stddef.h>

#include "podmortem/error.h"

#define PM_SPEC_MAX (1u << 20)

enum pm_scope {
	PM_SCOPE_ONCE,
	PM_SCOPE_NAMESPACE,
	PM_SCOPE_POD,
	PM_SCOPE_CONTAINER,
	PM_SCOPE_RESTARTED,
	PM_SCOPE_FILE
};

struct pm_strv {
	char **v;
	size_t n;
};

struct pm_spec_step {
	char *name;
	struct pm_strv argv;
	struct pm_strv fallback;
	char *output;
	char *output_all;
	char *type;
	char *from;
	char *requires_resource;
	char *cleanup;
	struct pm_strv match;
	struct pm_strv files;
	struct pm_strv requires;
	struct pm_strv requires_readable;
	enum pm_scope scope;
	long timeout_ms;
	long long max_output;
	long max_instances;
	int cost;
	int merge_stderr;
	int secrets;
};

struct pm_spec {
	long default_timeout_ms;
	long long default_max_output;
	size_t nsteps;
	struct pm_spec_step *steps;
};

const char *pm_spec_default_text(void);
void pm_spec_init(struct pm_spec *s);
void pm_spec_release(struct pm_spec *s);
int pm_spec_parse(struct pm_spec *s, const char *text, size_t len, const char *path,
		  struct pm_error *err);
const char *pm_scope_name(enum pm_scope sc);
/* "90s", "5m", "1h30m", "250ms", "2d" -> milliseconds; -1 when invalid. */
long long pm_duration_parse(const char *s);
/* "64MiB", "512KiB", "1000" -> bytes; -1 when invalid. */
long long pm_size_parse(const char *s);

#endif
