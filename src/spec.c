/* spec.c - the built-in collection spec and its libyaml parser; see spec.h. */
#include "podmortem/spec.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#define STEPS_MAX 1000
#define LIST_MAX 256

static const char default_spec[] =
	"# podmortem-collect spec, format 1: what to run and where its output goes.\n"
	"# Edit a copy and pass it with --spec FILE.  See spec.h for the fields.\n"
	"# Placeholders: {kubectl_flags} {scope_flag} {namespace} {pod} {container}\n"
	"# {serviceaccount} {file} {file_name} {host} {api_host} {probe_path}\n"
	"# {iperf_server} {since} {max_output} {pid}; \"?arg\" is dropped when a\n"
	"# placeholder in it is empty.\n"
	"version: 1\n"
	"defaults:\n"
	"  timeout: 60s\n"
	"  max_output: 64MiB\n"
	"steps:\n"
	"  - name: version\n"
	"    cost: 0\n"
	"    scope: once\n"
	"    type: text\n"
	"    output: cluster/version.json\n"
	"    argv: [kubectl, \"{kubectl_flags}\", version, -o, json]\n"
	"    timeout: 20s\n"
	"  - name: cluster-info\n"
	"    cost: 0\n"
	"    scope: once\n"
	"    type: cluster-info\n"
	"    output: cluster/cluster-info.txt\n"
	"    argv: [kubectl, \"{kubectl_flags}\", cluster-info]\n"
	"    timeout: 20s\n"
	"  - name: api-resources\n"
	"    cost: 0\n"
	"    scope: once\n"
	"    type: text\n"
	"    output: cluster/api-resources.txt\n"
	"    argv: [kubectl, \"{kubectl_flags}\", api-resources, -o, name]\n"
	"    timeout: 30s\n"
	"  - name: namespaces\n"
	"    cost: 1\n"
	"    scope: once\n"
	"    type: k8s-json\n"
	"    output: cluster/namespaces.json\n"
	"    argv: [kubectl, \"{kubectl_flags}\", get, namespaces, -o, json]\n"
	"  - name: nodes\n"
	"    cost: 1\n"
	"    scope: once\n"
	"    type: k8s-json\n"
	"    output: cluster/nodes.json\n"
	"    argv: [kubectl, \"{kubectl_flags}\", get, nodes, -o, json]\n"
	"  - name: persistentvolumes\n"
	"    cost: 1\n"
	"    scope: once\n"
	"    type: k8s-json\n"
	"    output: cluster/persistentvolumes.json\n"
	"    argv: [kubectl, \"{kubectl_flags}\", get, persistentvolumes, -o, json]\n"
	"  - name: storageclasses\n"
	"    cost: 1\n"
	"    scope: once\n"
	"    type: k8s-json\n"
	"    output: cluster/storageclasses.json\n"
	"    argv: [kubectl, \"{kubectl_flags}\", get, storageclasses, -o, json]\n"
	"  - name: volumeattachments\n"
	"    cost: 1\n"
	"    scope: once\n"
	"    type: k8s-json\n"
	"    output: cluster/volumeattachments.json\n"
	"    argv: [kubectl, \"{kubectl_flags}\", get, volumeattachments, -o, json]\n"
	"  - name: clusterroles\n"
	"    cost: 1\n"
	"    scope: once\n"
	"    type: k8s-json\n"
	"    output: cluster/clusterroles.json\n"
	"    argv: [kubectl, \"{kubectl_flags}\", get, clusterroles, -o, json]\n"
	"  - name: clusterrolebindings\n"
	"    cost: 1\n"
	"    scope: once\n"
	"    type: k8s-json\n"
	"    output: cluster/clusterrolebindings.json\n"
	"    argv: [kubectl, \"{kubectl_flags}\", get, clusterrolebindings, -o, json]\n"
	"  - name: pods\n"
	"    cost: 1\n"
	"    scope: per-namespace\n"
	"    type: k8s-json\n"
	"    output: \"namespaces/{namespace}/pods.json\"\n"
	"    output_all: cluster/pods.json\n"
	"    argv: [kubectl, \"{kubectl_flags}\", get, pods, \"{scope_flag}\", -o, json]\n"
	"  - name: events\n"
	"    cost: 1\n"
	"    scope: per-namespace\n"
	"    type: k8s-json\n"
	"    output: \"namespaces/{namespace}/events.json\"\n"
	"    output_all: cluster/events.json\n"
	"    argv: [kubectl, \"{kubectl_flags}\", get, events, \"{scope_flag}\", -o, json]\n"
	"  - name: persistentvolumeclaims\n"
	"    cost: 1\n"
	"    scope: per-namespace\n"
	"    type: k8s-json\n"
	"    output: \"namespaces/{namespace}/persistentvolumeclaims.json\"\n"
	"    output_all: cluster/persistentvolumeclaims.json\n"
	"    argv: [kubectl, \"{kubectl_flags}\", get, persistentvolumeclaims, \"{scope_flag}\", -o, json]\n"
	"  - name: services\n"
	"    cost: 1\n"
	"    scope: per-namespace\n"
	"    type: k8s-json\n"
	"    output: \"namespaces/{namespace}/services.json\"\n"
	"    output_all: cluster/services.json\n"
	"    argv: [kubectl, \"{kubectl_flags}\", get, services, \"{scope_flag}\", -o, json]\n"
	"  - name: endpoints\n"
	"    cost: 1\n"
	"    scope: per-namespace\n"
	"    type: k8s-json\n"
	"    output: \"namespaces/{namespace}/endpoints.json\"\n"
	"    output_all: cluster/endpoints.json\n"
	"    argv: [kubectl, \"{kubectl_flags}\", get, endpoints, \"{scope_flag}\", -o, json]\n"
	"  - name: networkpolicies\n"
	"    cost: 1\n"
	"    scope: per-namespace\n"
	"    type: k8s-json\n"
	"    output: \"namespaces/{namespace}/networkpolicies.json\"\n"
	"    output_all: cluster/networkpolicies.json\n"
	"    argv: [kubectl, \"{kubectl_flags}\", get, networkpolicies, \"{scope_flag}\", -o, json]\n"
	"  - name: serviceaccounts\n"
	"    cost: 1\n"
	"    scope: per-namespace\n"
	"    type: k8s-json\n"
	"    output: \"namespaces/{namespace}/serviceaccounts.json\"\n"
	"    output_all: cluster/serviceaccounts.json\n"
	"    argv: [kubectl, \"{kubectl_flags}\", get, serviceaccounts, \"{scope_flag}\", -o, json]\n"
	"  - name: roles\n"
	"    cost: 1\n"
	"    scope: per-namespace\n"
	"    type: k8s-json\n"
	"    output: \"namespaces/{namespace}/roles.json\"\n"
	"    output_all: cluster/roles.json\n"
	"    argv: [kubectl, \"{kubectl_flags}\", get, roles, \"{scope_flag}\", -o, json]\n"
	"  - name: rolebindings\n"
	"    cost: 1\n"
	"    scope: per-namespace\n"
	"    type: k8s-json\n"
	"    output: \"namespaces/{namespace}/rolebindings.json\"\n"
	"    output_all: cluster/rolebindings.json\n"
	"    argv: [kubectl, \"{kubectl_flags}\", get, rolebindings, \"{scope_flag}\", -o, json]\n"
	"  - name: configmaps\n"
	"    cost: 1\n"
	"    scope: per-namespace\n"
	"    type: k8s-json\n"
	"    output: \"namespaces/{namespace}/configmaps.json\"\n"
	"    output_all: cluster/configmaps.json\n"
	"    argv: [kubectl, \"{kubectl_flags}\", get, configmaps, \"{scope_flag}\", -o, json]\n"
	"  - name: deployments\n"
	"    cost: 1\n"
	"    scope: per-namespace\n"
	"    type: k8s-json\n"
	"    output: \"namespaces/{namespace}/deployments.json\"\n"
	"    output_all: cluster/deployments.json\n"
	"    argv: [kubectl, \"{kubectl_flags}\", get, deployments, \"{scope_flag}\", -o, json]\n"
	"  - name: statefulsets\n"
	"    cost: 1\n"
	"    scope: per-namespace\n"
	"    type: k8s-json\n"
	"    output: \"namespaces/{namespace}/statefulsets.json\"\n"
	"    output_all: cluster/statefulsets.json\n"
	"    argv: [kubectl, \"{kubectl_flags}\", get, statefulsets, \"{scope_flag}\", -o, json]\n"
	"  - name: daemonsets\n"
	"    cost: 1\n"
	"    scope: per-namespace\n"
	"    type: k8s-json\n"
	"    output: \"namespaces/{namespace}/daemonsets.json\"\n"
	"    output_all: cluster/daemonsets.json\n"
	"    argv: [kubectl, \"{kubectl_flags}\", get, daemonsets, \"{scope_flag}\", -o, json]\n"
	"  - name: jobs\n"
	"    cost: 1\n"
	"    scope: per-namespace\n"
	"    type: k8s-json\n"
	"    output: \"namespaces/{namespace}/jobs.json\"\n"
	"    output_all: cluster/jobs.json\n"
	"    argv: [kubectl, \"{kubectl_flags}\", get, jobs, \"{scope_flag}\", -o, json]\n"
	"  - name: secrets\n"
	"    cost: 1\n"
	"    scope: per-namespace\n"
	"    type: k8s-json\n"
	"    output: \"namespaces/{namespace}/secrets.json\"\n"
	"    output_all: cluster/secrets.json\n"
	"    argv: [kubectl, \"{kubectl_flags}\", get, secrets, \"{scope_flag}\", -o, json]\n"
	"    secrets: true\n"
	"  - name: componentstatuses\n"
	"    cost: 1\n"
	"    scope: once\n"
	"    type: componentstatuses\n"
	"    output: cluster/componentstatuses.txt\n"
	"    argv: [kubectl, \"{kubectl_flags}\", get, componentstatuses]\n"
	"  - name: can-i-list\n"
	"    cost: 1\n"
	"    scope: once\n"
	"    type: can-i-list\n"
	"    output: auth/can-i-list.txt\n"
	"    argv: [kubectl, \"{kubectl_flags}\", auth, can-i, --list]\n"
	"  - name: backups\n"
	"    cost: 2\n"
	"    scope: per-namespace\n"
	"    type: k8s-json\n"
	"    output: \"namespaces/{namespace}/backups.json\"\n"
	"    output_all: cluster/backups.json\n"
	"    argv: [kubectl, \"{kubectl_flags}\", get, backups.velero.io, \"{scope_flag}\", -o, json]\n"
	"    requires_resource: backups.velero.io\n"
	"  - name: restores\n"
	"    cost: 2\n"
	"    scope: per-namespace\n"
	"    type: k8s-json\n"
	"    output: \"namespaces/{namespace}/restores.json\"\n"
	"    output_all: cluster/restores.json\n"
	"    argv: [kubectl, \"{kubectl_flags}\", get, restores.velero.io, \"{scope_flag}\", -o, json]\n"
	"    requires_resource: restores.velero.io\n"
	"  - name: schedules\n"
	"    cost: 2\n"
	"    scope: per-namespace\n"
	"    type: k8s-json\n"
	"    output: \"namespaces/{namespace}/schedules.json\"\n"
	"    output_all: cluster/schedules.json\n"
	"    argv: [kubectl, \"{kubectl_flags}\", get, schedules.velero.io, \"{scope_flag}\", -o, json]\n"
	"    requires_resource: schedules.velero.io\n"
	"  - name: backupstoragelocations\n"
	"    cost: 2\n"
	"    scope: per-namespace\n"
	"    type: k8s-json\n"
	"    output: \"namespaces/{namespace}/backupstoragelocations.json\"\n"
	"    output_all: cluster/backupstoragelocations.json\n"
	"    argv: [kubectl, \"{kubectl_flags}\", get, backupstoragelocations.velero.io, \"{scope_flag}\", -o, json]\n"
	"    requires_resource: backupstoragelocations.velero.io\n"
	"  - name: volumesnapshotlocations\n"
	"    cost: 2\n"
	"    scope: per-namespace\n"
	"    type: k8s-json\n"
	"    output: \"namespaces/{namespace}/volumesnapshotlocations.json\"\n"
	"    output_all: cluster/volumesnapshotlocations.json\n"
	"    argv: [kubectl, \"{kubectl_flags}\", get, volumesnapshotlocations.velero.io, \"{scope_flag}\", -o, json]\n"
	"    requires_resource: volumesnapshotlocations.velero.io\n"
	"  - name: podvolumebackups\n"
	"    cost: 2\n"
	"    scope: per-namespace\n"
	"    type: k8s-json\n"
	"    output: \"namespaces/{namespace}/podvolumebackups.json\"\n"
	"    output_all: cluster/podvolumebackups.json\n"
	"    argv: [kubectl, \"{kubectl_flags}\", get, podvolumebackups.velero.io, \"{scope_flag}\", -o, json]\n"
	"    requires_resource: podvolumebackups.velero.io\n"
	"  - name: podvolumerestores\n"
	"    cost: 2\n"
	"    scope: per-namespace\n"
	"    type: k8s-json\n"
	"    output: \"namespaces/{namespace}/podvolumerestores.json\"\n"
	"    output_all: cluster/podvolumerestores.json\n"
	"    argv: [kubectl, \"{kubectl_flags}\", get, podvolumerestores.velero.io, \"{scope_flag}\", -o, json]\n"
	"    requires_resource: podvolumerestores.velero.io\n"
	"  - name: datauploads\n"
	"    cost: 2\n"
	"    scope: per-namespace\n"
	"    type: k8s-json\n"
	"    output: \"namespaces/{namespace}/datauploads.json\"\n"
	"    output_all: cluster/datauploads.json\n"
	"    argv: [kubectl, \"{kubectl_flags}\", get, datauploads.velero.io, \"{scope_flag}\", -o, json]\n"
	"    requires_resource: datauploads.velero.io\n"
	"  - name: datadownloads\n"
	"    cost: 2\n"
	"    scope: per-namespace\n"
	"    type: k8s-json\n"
	"    output: \"namespaces/{namespace}/datadownloads.json\"\n"
	"    output_all: cluster/datadownloads.json\n"
	"    argv: [kubectl, \"{kubectl_flags}\", get, datadownloads.velero.io, \"{scope_flag}\", -o, json]\n"
	"    requires_resource: datadownloads.velero.io\n"
	"  - name: prometheusrules\n"
	"    cost: 2\n"
	"    scope: per-namespace\n"
	"    type: k8s-json\n"
	"    output: \"namespaces/{namespace}/prometheusrules.json\"\n"
	"    output_all: cluster/prometheusrules.json\n"
	"    argv: [kubectl, \"{kubectl_flags}\", get, prometheusrules.monitoring.coreos.com, \"{scope_flag}\", -o, json]\n"
	"    requires_resource: prometheusrules.monitoring.coreos.com\n"
	"  - name: servicemonitors\n"
	"    cost: 2\n"
	"    scope: per-namespace\n"
	"    type: k8s-json\n"
	"    output: \"namespaces/{namespace}/servicemonitors.json\"\n"
	"    output_all: cluster/servicemonitors.json\n"
	"    argv: [kubectl, \"{kubectl_flags}\", get, servicemonitors.monitoring.coreos.com, \"{scope_flag}\", -o, json]\n"
	"    requires_resource: servicemonitors.monitoring.coreos.com\n"
	"  - name: alertmanagerconfigs\n"
	"    cost: 2\n"
	"    scope: per-namespace\n"
	"    type: k8s-json\n"
	"    output: \"namespaces/{namespace}/alertmanagerconfigs.json\"\n"
	"    output_all: cluster/alertmanagerconfigs.json\n"
	"    argv: [kubectl, \"{kubectl_flags}\", get, alertmanagerconfigs.monitoring.coreos.com, \"{scope_flag}\", -o, json]\n"
	"    requires_resource: alertmanagerconfigs.monitoring.coreos.com\n"
	"  - name: top-nodes\n"
	"    cost: 2\n"
	"    scope: once\n"
	"    type: top-nodes\n"
	"    output: cluster/top-nodes.txt\n"
	"    argv: [kubectl, \"{kubectl_flags}\", top, nodes]\n"
	"    timeout: 30s\n"
	"  - name: top-pods\n"
	"    cost: 2\n"
	"    scope: per-namespace\n"
	"    type: top-pods\n"
	"    output: \"namespaces/{namespace}/top-pods.txt\"\n"
	"    output_all: cluster/top-pods.txt\n"
	"    argv: [kubectl, \"{kubectl_flags}\", top, pods, \"{scope_flag}\"]\n"
	"    timeout: 30s\n"
	"  - name: can-i-list-sa\n"
	"    cost: 3\n"
	"    scope: per-pod\n"
	"    type: can-i-list\n"
	"    output: \"auth/can-i-list__{namespace}__{serviceaccount}.txt\"\n"
	"    argv: [kubectl, \"{kubectl_flags}\", auth, can-i, --list, \"--namespace={namespace}\", \"--as=system:serviceaccount:{namespace}:{serviceaccount}\"]\n"
	"    match: [velero, backup, restore, node-agent, restic, kopia]\n"
	"  - name: df-h\n"
	"    cost: 3\n"
	"    scope: once\n"
	"    type: df\n"
	"    output: \"host/{host}/df-h.txt\"\n"
	"    argv: [df, -h]\n"
	"    timeout: 20s\n"
	"  - name: df-i\n"
	"    cost: 3\n"
	"    scope: once\n"
	"    type: df\n"
	"    output: \"host/{host}/df-i.txt\"\n"
	"    argv: [df, -i]\n"
	"    timeout: 20s\n"
	"  - name: dns\n"
	"    cost: 3\n"
	"    scope: once\n"
	"    type: dns\n"
	"    output: \"host/{host}/dns-{api_host}.txt\"\n"
	"    argv: [nslookup, \"{api_host}\"]\n"
	"    fallback: [getent, ahosts, \"{api_host}\"]\n"
	"    timeout: 20s\n"
	"    requires: [api_host]\n"
	"    merge_stderr: true\n"
	"  - name: x509\n"
	"    cost: 3\n"
	"    scope: per-file\n"
	"    type: x509\n"
	"    output: \"host/{host}/x509/{file_name}.txt\"\n"
	"    argv: [openssl, x509, -in, \"{file}\", -noout, -text]\n"
	"    timeout: 10s\n"
	"    files: [\"/etc/kubernetes/pki/*.crt\", \"/etc/kubernetes/pki/etcd/*.crt\"]\n"
	"  - name: logs\n"
	"    cost: 4\n"
	"    scope: per-container\n"
	"    type: log\n"
	"    output: \"logs/{namespace}/{pod}/{container}.log\"\n"
	"    argv: [kubectl, \"{kubectl_flags}\", logs, \"--namespace={namespace}\", \"{pod}\", \"--container={container}\", --timestamps, \"--limit-bytes={max_output}\", \"?--since={since}\"]\n"
	"    timeout: 60s\n"
	"    max_output: 8MiB\n"
	"    max_instances: 2000\n"
	"  - name: logs-previous\n"
	"    cost: 4\n"
	"    scope: per-restarted-container\n"
	"    type: log\n"
	"    output: \"logs/{namespace}/{pod}/{container}.previous.log\"\n"
	"    argv: [kubectl, \"{kubectl_flags}\", logs, \"--namespace={namespace}\", \"{pod}\", \"--container={container}\", --previous, --timestamps, \"--limit-bytes={max_output}\", \"?--since={since}\"]\n"
	"    timeout: 60s\n"
	"    max_output: 8MiB\n"
	"    max_instances: 1000\n"
	"  - name: ping\n"
	"    cost: 5\n"
	"    scope: once\n"
	"    type: ping\n"
	"    output: \"host/{host}/ping-{api_host}.txt\"\n"
	"    argv: [ping, -c, 3, -W, 2, \"{api_host}\"]\n"
	"    timeout: 20s\n"
	"    requires: [api_host]\n"
	"    merge_stderr: true\n"
	"  - name: etcd-health\n"
	"    cost: 5\n"
	"    scope: once\n"
	"    type: etcd-health\n"
	"    output: \"host/{host}/etcd-health.txt\"\n"
	"    argv: [etcdctl, \"--endpoints=https://127.0.0.1:2379\", \"--cacert=/etc/kubernetes/pki/etcd/ca.crt\", \"--cert=/etc/kubernetes/pki/etcd/healthcheck-client.crt\", \"--key=/etc/kubernetes/pki/etcd/healthcheck-client.key\", endpoint, health]\n"
	"    timeout: 20s\n"
	"    requires_readable: [/etc/kubernetes/pki/etcd/ca.crt, /etc/kubernetes/pki/etcd/healthcheck-client.crt, /etc/kubernetes/pki/etcd/healthcheck-client.key]\n"
	"    merge_stderr: true\n"
	"  - name: dd\n"
	"    cost: 6\n"
	"    scope: once\n"
	"    type: dd\n"
	"    output: \"host/{host}/dd.txt\"\n"
	"    argv: [dd, \"if=/dev/zero\", \"of={probe_path}/podmortem-dd-{pid}.tmp\", \"bs=1M\", \"count=32\", \"oflag=dsync\"]\n"
	"    timeout: 60s\n"
	"    requires: [probe_path]\n"
	"    cleanup: \"{probe_path}/podmortem-dd-{pid}.tmp\"\n"
	"    merge_stderr: true\n"
	"  - name: iperf3\n"
	"    cost: 6\n"
	"    scope: once\n"
	"    type: iperf3\n"
	"    output: \"host/{host}/iperf3.json\"\n"
	"    argv: [iperf3, -c, \"{iperf_server}\", -J, -t, 5]\n"
	"    timeout: 30s\n"
	"    requires: [iperf_server]\n"
	;

const char *pm_spec_default_text(void)
{
	return default_spec;
}

const char *pm_scope_name(enum pm_scope sc)
{
	switch (sc) {
	case PM_SCOPE_ONCE: return "once";
	case PM_SCOPE_NAMESPACE: return "per-namespace";
	case PM_SCOPE_POD: return "per-pod";
	case PM_SCOPE_CONTAINER: return "per-container";
	case PM_SCOPE_RESTARTED: return "per-restarted-container";
	case PM_SCOPE_FILE: return "per-file";
	}
	return "?";
}

long long pm_duration_parse(const char *s)
{
	long long total = 0;
	int any = 0;

	if (!s || !*s)
		return -1;
	while (*s) {
		long long v = 0, mult;
		int digits = 0;
		while (isdigit((unsigned char)*s)) {
			if (v > 100000000LL)
				return -1;
			v = v * 10 + (*s++ - '0');
			digits++;
		}
		if (!digits)
			return -1;
		if (!strncmp(s, "ms", 2)) { mult = 1; s += 2; }
		else if (*s == 's') { mult = 1000; s++; }
		else if (*s == 'm') { mult = 60000; s++; }
		else if (*s == 'h') { mult = 3600000; s++; }
		else if (*s == 'd') { mult = 86400000; s++; }
		else if (!*s && !any) { mult = 1000; } /* bare number: seconds */
		else return -1;
		total += v * mult;
		any = 1;
	}
	return total;
}

long long pm_size_parse(const char *s)
{
	char *end;
	long long v;
	static const struct { const char *suf; long long mult; } units[] = {
		{ "", 1 }, { "B", 1 }, { "K", 1000 }, { "KB", 1000 }, { "KiB", 1024 },
		{ "M", 1000000 }, { "MB", 1000000 }, { "MiB", 1 << 20 },
		{ "G", 1000000000LL }, { "GB", 1000000000LL }, { "GiB", 1LL << 30 } };
	size_t i;

	if (!s || !isdigit((unsigned char)*s))
		return -1;
	v = strtoll(s, &end, 10);
	if (v < 0 || v > (1LL << 40))
		return -1;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcmp(end, units[i].suf))
			return v * units[i].mult;
	return -1;
}

static void strv_free(struct pm_strv *v)
{
	size_t i;
	for (i = 0; i < v->n; i++)
		free(v->v[i]);
	free(v->v);
	v->v = NULL;
	v->n = 0;
}

static void step_free(struct pm_spec_step *st)
{
	free(st->name);
	strv_free(&st->argv);
	strv_free(&st->fallback);
	free(st->output);
	free(st->output_all);
	free(st->type);
	free(st->from);
	free(st->requires_resource);
	free(st->cleanup);
	strv_free(&st->match);
	strv_free(&st->files);
	strv_free(&st->requires);
	strv_free(&st->requires_readable);
}

void pm_spec_init(struct pm_spec *s)
{
	memset(s, 0, sizeof(*s));
}

void pm_spec_release(struct pm_spec *s)
{
	size_t i;
	for (i = 0; i < s->nsteps; i++)
		step_free(&s->steps[i]);
	free(s->steps);
	pm_spec_init(s);
}

/* ---- libyaml document helpers ---- */

struct ydoc {
	yaml_document_t doc;
	const char *path;
	struct pm_error *err;
};

static yaml_node_t *ynode(struct ydoc *d, int id)
{
	return id ? yaml_document_get_node(&d->doc, id) : NULL;
}

static const char *yscalar(yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int fail(struct ydoc *d, yaml_node_t *n, const char *fmt, const char *a, const char *b)
{
	char msg[600];
	snprintf(msg, sizeof(msg), fmt, a ? a : "", b ? b : "");
	return pm_error_setat(d->err, PM_EPARSE, d->path,
			      n ? (long)n->start_mark.line + 1 : 0, "%s", msg);
}

static int get_str(struct ydoc *d, yaml_node_t *v, const char *key, char **out)
{
	const char *s = yscalar(v);
	if (!s)
		return fail(d, v, "%s: expected a string", key, NULL);
	free(*out);
	*out = strdup(s);
	return *out ? 0 : PM_ENOMEM;
}

static int get_list(struct ydoc *d, yaml_node_t *v, const char *key, struct pm_strv *out)
{
	yaml_node_item_t *it;
	size_t n, i = 0;

	if (!v || v->type != YAML_SEQUENCE_NODE)
		return fail(d, v, "%s: expected a list", key, NULL);
	n = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
	if (n > LIST_MAX)
		return fail(d, v, "%s: list too long", key, NULL);
	strv_free(out);
	out->v = calloc(n + 1, sizeof(char *));
	if (!out->v)
		return PM_ENOMEM;
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
		const char *s = yscalar(ynode(d, *it));
		if (!s)
			return fail(d, v, "%s: list items must be strings", key, NULL);
		out->v[i] = strdup(s);
		if (!out->v[i])
			return PM_ENOMEM;
		out->n = ++i;
	}
	return 0;
}

static int get_bool(struct ydoc *d, yaml_node_t *v, const char *key, int *out)
{
	const char *s = yscalar(v);
	if (s && (!strcmp(s, "true") || !strcmp(s, "yes")))
		*out = 1;
	else if (s && (!strcmp(s, "false") || !strcmp(s, "no")))
		*out = 0;
	else
		return fail(d, v, "%s: expected true or false", key, NULL);
	return 0;
}

static int get_duration(struct ydoc *d, yaml_node_t *v, const char *key, long *out)
{
	long long ms = pm_duration_parse(yscalar(v));
	if (ms <= 0 || ms > 86400000LL)
		return fail(d, v, "%s: bad duration \"%s\"", key, yscalar(v));
	*out = (long)ms;
	return 0;
}

static int get_size(struct ydoc *d, yaml_node_t *v, const char *key, long long *out)
{
	long long b = pm_size_parse(yscalar(v));
	if (b <= 0)
		return fail(d, v, "%s: bad size \"%s\"", key, yscalar(v));
	*out = b;
	return 0;
}

static int get_int(struct ydoc *d, yaml_node_t *v, const char *key, long lo, long hi, long *out)
{
	const char *s = yscalar(v);
	char *end;
	long x;
	if (!s)
		return fail(d, v, "%s: expected a number", key, NULL);
	x = strtol(s, &end, 10);
	if (*end || end == s || x < lo || x > hi)
		return fail(d, v, "%s: bad number \"%s\"", key, s);
	*out = x;
	return 0;
}

/* Bundle paths must stay inside the bundle folder. */
static int path_ok(const char *p)
{
	const char *seg = p;
	if (!*p || *p == '/' || strstr(p, "//") || strchr(p, '\\'))
		return 0;
	while (seg) {
		if (!strncmp(seg, "..", 2) && (seg[2] == '/' || seg[2] == '\0'))
			return 0;
		if (seg[0] == '.' && (seg[1] == '/' || seg[1] == '\0'))
			return 0;
		seg = strchr(seg, '/');
		if (seg)
			seg++;
	}
	return 1;
}

static int parse_step(struct ydoc *d, yaml_node_t *m, struct pm_spec_step *st, struct pm_spec *s)
{
	yaml_node_pair_t *p;
	int rc = 0;
	long l;

	if (!m || m->type != YAML_MAPPING_NODE)
		return fail(d, m, "a step must be a mapping", NULL, NULL);
	st->timeout_ms = s->default_timeout_ms;
	st->max_output = s->default_max_output;
	st->max_instances = 5000;
	st->scope = PM_SCOPE_ONCE;
	for (p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top && !rc; p++) {
		const char *k = yscalar(ynode(d, p->key));
		yaml_node_t *v = ynode(d, p->value);
		if (!k)
			return fail(d, m, "step keys must be strings", NULL, NULL);
		if (!strcmp(k, "name")) rc = get_str(d, v, k, &st->name);
		else if (!strcmp(k, "argv")) rc = get_list(d, v, k, &st->argv);
		else if (!strcmp(k, "fallback")) rc = get_list(d, v, k, &st->fallback);
		else if (!strcmp(k, "output")) rc = get_str(d, v, k, &st->output);
		else if (!strcmp(k, "output_all")) rc = get_str(d, v, k, &st->output_all);
		else if (!strcmp(k, "type")) rc = get_str(d, v, k, &st->type);
		else if (!strcmp(k, "from")) rc = get_str(d, v, k, &st->from);
		else if (!strcmp(k, "requires_resource")) rc = get_str(d, v, k, &st->requires_resource);
		else if (!strcmp(k, "cleanup")) rc = get_str(d, v, k, &st->cleanup);
		else if (!strcmp(k, "match")) rc = get_list(d, v, k, &st->match);
		else if (!strcmp(k, "files")) rc = get_list(d, v, k, &st->files);
		else if (!strcmp(k, "requires")) rc = get_list(d, v, k, &st->requires);
		else if (!strcmp(k, "requires_readable")) rc = get_list(d, v, k, &st->requires_readable);
		else if (!strcmp(k, "timeout")) rc = get_duration(d, v, k, &st->timeout_ms);
		else if (!strcmp(k, "max_output")) rc = get_size(d, v, k, &st->max_output);
		else if (!strcmp(k, "merge_stderr")) rc = get_bool(d, v, k, &st->merge_stderr);
		else if (!strcmp(k, "secrets")) rc = get_bool(d, v, k, &st->secrets);
		else if (!strcmp(k, "cost")) {
			rc = get_int(d, v, k, 0, 100, &l);
			st->cost = (int)l;
		} else if (!strcmp(k, "max_instances")) {
			rc = get_int(d, v, k, 0, 100000, &st->max_instances);
		} else if (!strcmp(k, "scope")) {
			const char *sc = yscalar(v);
			enum pm_scope x;
			for (x = PM_SCOPE_ONCE; x <= PM_SCOPE_FILE; x++)
				if (sc && !strcmp(sc, pm_scope_name(x)))
					break;
			if (x > PM_SCOPE_FILE)
				return fail(d, v, "unknown scope \"%s\"", sc, NULL);
			st->scope = x;
		} else {
			return fail(d, v, "unknown step field \"%s\"", k, NULL);
		}
	}
	if (rc)
		return rc;
	if (!st->name || !st->argv.n || !st->output || !st->type)
		return fail(d, m, "step %s: name, argv, output and type are required",
			    st->name ? st->name : "(unnamed)", NULL);
	if (!path_ok(st->output) || (st->output_all && !path_ok(st->output_all)))
		return fail(d, m, "step %s: output must be a relative path inside the bundle",
			    st->name, NULL);
	if (st->scope == PM_SCOPE_FILE && !st->files.n)
		return fail(d, m, "step %s: per-file needs files", st->name, NULL);
	if (!strcmp(st->output, "manifest.json") || !strcmp(st->output, "collector.log"))
		return fail(d, m, "step %s: %s is written by the collector", st->name, st->output);
	if (st->scope >= PM_SCOPE_POD && st->scope <= PM_SCOPE_RESTARTED && !st->from) {
		st->from = strdup("pods");
		if (!st->from)
			return PM_ENOMEM;
	}
	return 0;
}

int pm_spec_parse(struct pm_spec *s, const char *text, size_t len, const char *path,
		  struct pm_error *err)
{
	yaml_parser_t parser;
	struct ydoc d;
	yaml_node_t *root, *steps = NULL;
	yaml_node_pair_t *p;
	yaml_node_item_t *it;
	size_t n, i, j;
	int rc = 0;

	pm_spec_release(s);
	s->default_timeout_ms = 60000;
	s->default_max_output = 64LL << 20;
	if (len > PM_SPEC_MAX)
		return pm_error_setat(err, PM_ETOOBIG, path, 0, "spec larger than %u bytes",
				      PM_SPEC_MAX);
	d.path = path;
	d.err = err;
	if (!yaml_parser_initialize(&parser))
		return pm_error_set(err, PM_ENOMEM, "libyaml init failed");
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &d.doc)) {
		rc = pm_error_setat(err, PM_EPARSE, path, (long)parser.problem_mark.line + 1,
				    "YAML: %s", parser.problem ? parser.problem : "error");
		yaml_parser_delete(&parser);
		return rc;
	}
	yaml_parser_delete(&parser);
	root = yaml_document_get_root_node(&d.doc);
	if (!root || root->type != YAML_MAPPING_NODE) {
		rc = fail(&d, root, "spec must be a mapping with version and steps", NULL, NULL);
		goto out;
	}
	for (p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
		const char *k = yscalar(ynode(&d, p->key));
		yaml_node_t *v = ynode(&d, p->value);
		if (!k) {
			rc = fail(&d, root, "top-level keys must be strings", NULL, NULL);
			goto out;
		}
		if (!strcmp(k, "version")) {
			const char *ver = yscalar(v);
			if (!ver || strcmp(ver, "1")) {
				rc = fail(&d, v, "unsupported spec version \"%s\"", ver, NULL);
				goto out;
			}
		} else if (!strcmp(k, "defaults")) {
			yaml_node_pair_t *q;
			if (!v || v->type != YAML_MAPPING_NODE) {
				rc = fail(&d, v, "defaults must be a mapping", NULL, NULL);
				goto out;
			}
			for (q = v->data.mapping.pairs.start; q < v->data.mapping.pairs.top && !rc; q++) {
				const char *dk = yscalar(ynode(&d, q->key));
				yaml_node_t *dv = ynode(&d, q->value);
				if (dk && !strcmp(dk, "timeout"))
					rc = get_duration(&d, dv, dk, &s->default_timeout_ms);
				else if (dk && !strcmp(dk, "max_output"))
					rc = get_size(&d, dv, dk, &s->default_max_output);
				else
					rc = fail(&d, dv, "unknown default \"%s\"", dk, NULL);
			}
			if (rc)
				goto out;
		} else if (!strcmp(k, "steps")) {
			steps = v;
		} else {
			rc = fail(&d, v, "unknown top-level key \"%s\"", k, NULL);
			goto out;
		}
	}
	if (!steps || steps->type != YAML_SEQUENCE_NODE) {
		rc = fail(&d, root, "steps: expected a list", NULL, NULL);
		goto out;
	}
	n = (size_t)(steps->data.sequence.items.top - steps->data.sequence.items.start);
	if (n == 0 || n > STEPS_MAX) {
		rc = fail(&d, steps, "steps: between 1 and 1000 steps", NULL, NULL);
		goto out;
	}
	s->steps = calloc(n, sizeof(*s->steps));
	if (!s->steps) {
		rc = pm_error_set(err, PM_ENOMEM, "out of memory");
		goto out;
	}
	for (it = steps->data.sequence.items.start; it < steps->data.sequence.items.top; it++) {
		rc = parse_step(&d, ynode(&d, *it), &s->steps[s->nsteps], s);
		s->nsteps++;
		if (rc) {
			if (rc == PM_ENOMEM)
				pm_error_set(err, rc, "out of memory");
			goto out;
		}
	}
	for (i = 0; i < s->nsteps; i++)
		for (j = i + 1; j < s->nsteps; j++)
			if (!strcmp(s->steps[i].name, s->steps[j].name)) {
				rc = fail(&d, root, "duplicate step name \"%s\"", s->steps[i].name, NULL);
				goto out;
			}
out:
	yaml_document_delete(&d.doc);
	if (rc)
		pm_spec_release(s);
	return rc;
}
