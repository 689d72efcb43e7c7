/*
 * schema.c - the SQL of bundle.db: core tables filled during the load,
 * and derived tables built from `objects` after it (pm_store_derive).
 *
 * Time convention: every time column is UTC text "YYYY-MM-DDTHH:MM:SSZ".
 * Booleans are 0/1.  JSON columns hold JSON text (use json_extract).
 * Bump PM_SCHEMA_VERSION (store.h) when a column changes meaning.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>

#include "podmortem/timeutil.h"

const char pm_schema_core_sql[] =
"-- one row: the facts of the bundle; collected_at is 'now' for every rule\n"
"CREATE TABLE bundle(\n"
"  format INTEGER, collector_name TEXT, collector_version TEXT,\n"
"  context TEXT, server TEXT, k8s_version TEXT, collected_at TEXT,\n"
"  source TEXT, manifest_present INTEGER, analyzer_version TEXT);\n"
"-- one row per manifest item: how each file was collected\n"
"CREATE TABLE collection(\n"
"  path TEXT, type TEXT, command TEXT, exit_code INTEGER, stderr TEXT,\n"
"  started_at TEXT, duration_ms INTEGER, timed_out INTEGER,\n"
"  truncated INTEGER, namespace TEXT, pod TEXT, container TEXT,\n"
"  previous INTEGER, host TEXT, redactions INTEGER);\n"
"-- inventory of the bundle: every entry seen, and what became of it\n"
"-- status: parsed, partial (some records unreadable), failed, skipped, refused\n"
"CREATE TABLE files(\n"
"  path TEXT, size INTEGER, type TEXT, type_from TEXT, status TEXT,\n"
"  rows INTEGER, detail TEXT);\n"
"-- coverage gaps: what could not be collected or read\n"
"-- category: collect, read, parse, unsafe, truncated, manifest\n"
"CREATE TABLE gaps(\n"
"  id INTEGER PRIMARY KEY, path TEXT, line INTEGER, category TEXT,\n"
"  reason TEXT);\n"
"-- every Kubernetes object found in k8s-json / k8s-yaml files\n"
"CREATE TABLE objects(\n"
"  id INTEGER PRIMARY KEY, api_version TEXT, kind TEXT, namespace TEXT,\n"
"  name TEXT, uid TEXT, created TEXT, labels TEXT, annotations TEXT,\n"
"  object TEXT, source TEXT, source_line INTEGER);\n"
"-- container and component logs, one row per logical line\n"
"-- (CRI partial lines joined; line = number of the first physical line)\n"
"-- time: UTC per the store convention (CRI or leading stamp wins over the\n"
"--   inner one; klog's year chosen so time is not after collected_at)\n"
"-- time_text: the time as written; level: fatal, error, warning, info,\n"
"--   debug (NULL when unknown)\n"
"-- message: the msg of logfmt/JSON, the text after klog's header, else\n"
"--   the line; invalid UTF-8 and NUL bytes are stored as U+FFFD\n"
"-- fields: JSON object of the other logfmt/JSON keys (backup, error,\n"
"--   logSource, ...); klog: logSource and structured key=value pairs\n"
"-- template: message with numbers <N>, ids/UUIDs <ID>, IPs <IP>,\n"
"--   durations <DUR>, times <TS> and quoted values \"<S>\" masked\n"
"-- format: plain, json, klog, logfmt, rfc3339, cri, cri/<inner>,\n"
"--   rfc3339/<inner> (a leading stamp as kubectl logs --timestamps adds)\n"
"-- stream: stdout or stderr for CRI lines, else NULL\n"
"CREATE TABLE log_lines(\n"
"  id INTEGER PRIMARY KEY, path TEXT, namespace TEXT, pod TEXT,\n"
"  container TEXT, previous INTEGER, line INTEGER, time TEXT,\n"
"  time_text TEXT, level TEXT, message TEXT, fields TEXT, template TEXT,\n"
"  format TEXT, stream TEXT);\n"
"-- text files no parser claims, kept whole (capped) for rules to search\n"
"CREATE TABLE texts(path TEXT, content TEXT);\n"
"-- results of the rule run\n"
"CREATE TABLE findings(\n"
"  rule TEXT, section TEXT, severity TEXT, title TEXT, message TEXT,\n"
"  kind TEXT, namespace TEXT, name TEXT, evidence TEXT, source TEXT);\n"
"CREATE TABLE rule_runs(\n"
"  rule TEXT, section TEXT, status TEXT, reason TEXT, findings INTEGER);\n";

/* Derived tables: plain SQL over objects, so anyone can read how a
 * column was made.  ts() normalises any time to the convention above. */
const char pm_schema_derived_sql[] =
"CREATE INDEX objects_kind ON objects(kind, namespace, name);\n"
"CREATE TABLE pods AS SELECT\n"
"  namespace, name, uid, created,\n"
"  json_extract(object,'$.spec.nodeName') AS node,\n"
"  json_extract(object,'$.status.phase') AS phase,\n"
"  json_extract(object,'$.status.reason') AS reason,\n"
"  json_extract(object,'$.status.message') AS message,\n"
"  coalesce(json_extract(object,'$.spec.serviceAccountName'),\n"
"           json_extract(object,'$.spec.serviceAccount')) AS service_account,\n"
"  ts(json_extract(object,'$.status.startTime')) AS start_time,\n"
"  json_extract(object,'$.metadata.ownerReferences[0].kind') AS owner_kind,\n"
"  json_extract(object,'$.metadata.ownerReferences[0].name') AS owner_name,\n"
"  (SELECT json_extract(c.value,'$.status') FROM json_each(object,'$.status.conditions') c\n"
"     WHERE json_extract(c.value,'$.type')='Ready') AS ready,\n"
"  (SELECT coalesce(sum(json_extract(c.value,'$.restartCount')),0)\n"
"     FROM json_each(object,'$.status.containerStatuses') c) AS restarts,\n"
"  labels, json_extract(object,'$.spec') AS spec, source\n"
"FROM objects WHERE kind='Pod';\n"
"CREATE TABLE containers AS\n"
"WITH c AS (\n"
"  SELECT o.namespace, o.name AS pod, 0 AS init, s.value AS spec, o.object AS obj, o.source\n"
"    FROM objects o, json_each(o.object,'$.spec.containers') s WHERE o.kind='Pod'\n"
"  UNION ALL\n"
"  SELECT o.namespace, o.name, 1, s.value, o.object, o.source\n"
"    FROM objects o, json_each(o.object,'$.spec.initContainers') s WHERE o.kind='Pod'),\n"
"cs AS (\n"
"  SELECT c.*, (SELECT st.value FROM json_each(c.obj,\n"
"      CASE c.init WHEN 1 THEN '$.status.initContainerStatuses' ELSE '$.status.containerStatuses' END) st\n"
"      WHERE json_extract(st.value,'$.name')=json_extract(c.spec,'$.name')) AS st FROM c)\n"
"SELECT namespace, pod, json_extract(spec,'$.name') AS name, init,\n"
"  json_extract(spec,'$.image') AS image,\n"
"  json_extract(obj,'$.spec.nodeName') AS node,\n"
"  json_extract(st,'$.ready') AS ready,\n"
"  coalesce(json_extract(st,'$.restartCount'),0) AS restarts,\n"
"  CASE WHEN json_type(st,'$.state.waiting') IS NOT NULL THEN 'waiting'\n"
"       WHEN json_type(st,'$.state.terminated') IS NOT NULL THEN 'terminated'\n"
"       WHEN json_type(st,'$.state.running') IS NOT NULL THEN 'running' END AS state,\n"
"  coalesce(json_extract(st,'$.state.waiting.reason'),json_extract(st,'$.state.terminated.reason')) AS reason,\n"
"  coalesce(json_extract(st,'$.state.waiting.message'),json_extract(st,'$.state.terminated.message')) AS message,\n"
"  json_extract(st,'$.state.terminated.exitCode') AS exit_code,\n"
"  json_extract(st,'$.lastState.terminated.reason') AS last_reason,\n"
"  json_extract(st,'$.lastState.terminated.exitCode') AS last_exit_code,\n"
"  json_extract(st,'$.lastState.terminated.message') AS last_message,\n"
"  ts(json_extract(st,'$.lastState.terminated.finishedAt')) AS last_finished_at,\n"
"  ts(json_extract(st,'$.state.running.startedAt')) AS started_at,\n"
"  json_extract(spec,'$.resources.requests.cpu') AS cpu_request,\n"
"  json_extract(spec,'$.resources.limits.cpu') AS cpu_limit,\n"
"  json_extract(spec,'$.resources.requests.memory') AS memory_request,\n"
"  json_extract(spec,'$.resources.limits.memory') AS memory_limit,\n"
"  quantity(json_extract(spec,'$.resources.limits.cpu')) AS cpu_limit_cores,\n"
"  quantity(json_extract(spec,'$.resources.limits.memory')) AS memory_limit_bytes,\n"
"  json_extract(spec,'$.env') AS env, json_extract(spec,'$.envFrom') AS env_from,\n"
"  json_extract(spec,'$.ports') AS ports, json_extract(spec,'$.securityContext') AS security_context,\n"
"  json_extract(spec,'$.readinessProbe') AS readiness_probe,\n"
"  json_extract(spec,'$.livenessProbe') AS liveness_probe,\n"
"  source FROM cs;\n"
"CREATE TABLE pod_conditions AS SELECT o.namespace, o.name AS pod,\n"
"  json_extract(c.value,'$.type') AS type, json_extract(c.value,'$.status') AS status,\n"
"  json_extract(c.value,'$.reason') AS reason, json_extract(c.value,'$.message') AS message,\n"
"  ts(json_extract(c.value,'$.lastTransitionTime')) AS last_transition\n"
"FROM objects o, json_each(o.object,'$.status.conditions') c WHERE o.kind='Pod';\n"
"CREATE TABLE events AS SELECT\n"
"  namespace, name AS event,\n"
"  coalesce(json_extract(object,'$.involvedObject.kind'),json_extract(object,'$.regarding.kind')) AS kind,\n"
"  coalesce(json_extract(object,'$.involvedObject.name'),json_extract(object,'$.regarding.name')) AS name,\n"
"  coalesce(json_extract(object,'$.involvedObject.namespace'),json_extract(object,'$.regarding.namespace'),namespace) AS object_namespace,\n"
"  json_extract(object,'$.reason') AS reason, json_extract(object,'$.type') AS type,\n"
"  coalesce(json_extract(object,'$.message'),json_extract(object,'$.note')) AS message,\n"
"  coalesce(json_extract(object,'$.count'),json_extract(object,'$.series.count'),json_extract(object,'$.deprecatedCount')) AS count,\n"
"  ts(coalesce(json_extract(object,'$.firstTimestamp'),json_extract(object,'$.eventTime'),json_extract(object,'$.deprecatedFirstTimestamp'),created)) AS first_time,\n"
"  ts(coalesce(json_extract(object,'$.lastTimestamp'),json_extract(object,'$.series.lastObservedTime'),json_extract(object,'$.deprecatedLastTimestamp'),json_extract(object,'$.eventTime'),created)) AS last_time,\n"
"  coalesce(json_extract(object,'$.source.component'),json_extract(object,'$.reportingController'),json_extract(object,'$.reportingComponent')) AS component,\n"
"  coalesce(json_extract(object,'$.source.host'),json_extract(object,'$.reportingInstance')) AS host,\n"
"  source\n"
"FROM objects WHERE kind='Event';\n"
"CREATE TABLE nodes AS SELECT name, created,\n"
"  (SELECT json_extract(c.value,'$.status') FROM json_each(object,'$.status.conditions') c\n"
"     WHERE json_extract(c.value,'$.type')='Ready') AS ready,\n"
"  coalesce(json_extract(object,'$.spec.unschedulable'),0) AS unschedulable,\n"
"  json_extract(object,'$.spec.taints') AS taints,\n"
"  json_extract(object,'$.status.nodeInfo.kubeletVersion') AS kubelet_version,\n"
"  quantity(json_extract(object,'$.status.allocatable.cpu')) AS cpu_allocatable,\n"
"  quantity(json_extract(object,'$.status.allocatable.memory')) AS memory_allocatable,\n"
"  (SELECT json_extract(a.value,'$.address') FROM json_each(object,'$.status.addresses') a\n"
"     WHERE json_extract(a.value,'$.type')='InternalIP') AS internal_ip,\n"
"  labels, source\n"
"FROM objects WHERE kind='Node';\n"
"CREATE TABLE node_conditions AS SELECT o.name AS node,\n"
"  json_extract(c.value,'$.type') AS type, json_extract(c.value,'$.status') AS status,\n"
"  json_extract(c.value,'$.reason') AS reason, json_extract(c.value,'$.message') AS message,\n"
"  ts(json_extract(c.value,'$.lastTransitionTime')) AS last_transition\n"
"FROM objects o, json_each(o.object,'$.status.conditions') c WHERE o.kind='Node';\n"
"CREATE TABLE pvcs AS SELECT namespace, name, created,\n"
"  json_extract(object,'$.status.phase') AS phase,\n"
"  json_extract(object,'$.spec.storageClassName') AS storage_class,\n"
"  json_extract(object,'$.spec.volumeName') AS volume_name,\n"
"  json_extract(object,'$.spec.accessModes') AS access_modes,\n"
"  json_extract(object,'$.spec.resources.requests.storage') AS requested,\n"
"  quantity(json_extract(object,'$.spec.resources.requests.storage')) AS requested_bytes,\n"
"  json_extract(object,'$.status.capacity.storage') AS capacity,\n"
"  json_extract(object,'$.spec.volumeMode') AS volume_mode, source\n"
"FROM objects WHERE kind='PersistentVolumeClaim';\n"
"CREATE TABLE pvs AS SELECT name, created,\n"
"  json_extract(object,'$.status.phase') AS phase,\n"
"  json_extract(object,'$.status.reason') AS reason,\n"
"  json_extract(object,'$.status.message') AS message,\n"
"  json_extract(object,'$.spec.storageClassName') AS storage_class,\n"
"  json_extract(object,'$.spec.capacity.storage') AS capacity,\n"
"  json_extract(object,'$.spec.accessModes') AS access_modes,\n"
"  json_extract(object,'$.spec.persistentVolumeReclaimPolicy') AS reclaim_policy,\n"
"  json_extract(object,'$.spec.claimRef.namespace') AS claim_namespace,\n"
"  json_extract(object,'$.spec.claimRef.name') AS claim_name,\n"
"  coalesce(json_extract(object,'$.spec.csi.driver'),\n"
"    CASE WHEN json_type(object,'$.spec.nfs') IS NOT NULL THEN 'nfs'\n"
"         WHEN json_type(object,'$.spec.iscsi') IS NOT NULL THEN 'iscsi'\n"
"         WHEN json_type(object,'$.spec.hostPath') IS NOT NULL THEN 'hostPath'\n"
"         WHEN json_type(object,'$.spec.local') IS NOT NULL THEN 'local' END) AS driver,\n"
"  json_extract(object,'$.spec.nodeAffinity') AS node_affinity, source\n"
"FROM objects WHERE kind='PersistentVolume';\n"
"CREATE TABLE storage_classes AS SELECT name, created,\n"
"  json_extract(object,'$.provisioner') AS provisioner,\n"
"  json_extract(object,'$.reclaimPolicy') AS reclaim_policy,\n"
"  json_extract(object,'$.volumeBindingMode') AS binding_mode,\n"
"  coalesce(json_extract(object,'$.allowVolumeExpansion'),0) AS allow_expansion,\n"
"  CASE json_extract(annotations,'$.\"storageclass.kubernetes.io/is-default-class\"')\n"
"    WHEN 'true' THEN 1 ELSE 0 END AS is_default,\n"
"  json_extract(object,'$.parameters') AS parameters, source\n"
"FROM objects WHERE kind='StorageClass';\n"
"CREATE TABLE services AS SELECT namespace, name, created,\n"
"  json_extract(object,'$.spec.type') AS type,\n"
"  json_extract(object,'$.spec.clusterIP') AS cluster_ip,\n"
"  json_extract(object,'$.spec.selector') AS selector,\n"
"  json_extract(object,'$.spec.ports') AS ports, source\n"
"FROM objects WHERE kind='Service';\n"
"CREATE TABLE endpoints AS SELECT namespace, name,\n"
"  (SELECT count(*) FROM json_each(object,'$.subsets') s, json_each(s.value,'$.addresses')) AS ready_addresses,\n"
"  (SELECT count(*) FROM json_each(object,'$.subsets') s, json_each(s.value,'$.notReadyAddresses')) AS not_ready_addresses,\n"
"  json_extract(object,'$.subsets') AS subsets, source\n"
"FROM objects WHERE kind='Endpoints';\n"
"CREATE TABLE network_policies AS SELECT namespace, name,\n"
"  json_extract(object,'$.spec.podSelector') AS pod_selector,\n"
"  json_extract(object,'$.spec.policyTypes') AS policy_types,\n"
"  json_extract(object,'$.spec.ingress') AS ingress,\n"
"  json_extract(object,'$.spec.egress') AS egress, source\n"
"FROM objects WHERE kind='NetworkPolicy';\n"
"CREATE TABLE service_accounts AS SELECT namespace, name, created, source\n"
"FROM objects WHERE kind='ServiceAccount';\n"
"CREATE TABLE roles AS SELECT namespace, name, json_extract(object,'$.rules') AS rules, source\n"
"FROM objects WHERE kind='Role';\n"
"CREATE TABLE cluster_roles AS SELECT name, json_extract(object,'$.rules') AS rules, source\n"
"FROM objects WHERE kind='ClusterRole';\n"
"CREATE TABLE role_bindings AS SELECT namespace, name,\n"
"  json_extract(object,'$.roleRef.kind') AS role_kind,\n"
"  json_extract(object,'$.roleRef.name') AS role_name,\n"
"  json_extract(object,'$.subjects') AS subjects, source\n"
"FROM objects WHERE kind='RoleBinding';\n"
"CREATE TABLE cluster_role_bindings AS SELECT name,\n"
"  json_extract(object,'$.roleRef.kind') AS role_kind,\n"
"  json_extract(object,'$.roleRef.name') AS role_name,\n"
"  json_extract(object,'$.subjects') AS subjects, source\n"
"FROM objects WHERE kind='ClusterRoleBinding';\n"
"-- Velero\n"
"CREATE TABLE backups AS SELECT namespace, name, created,\n"
"  json_extract(object,'$.status.phase') AS phase,\n"
"  json_extract(object,'$.status.failureReason') AS failure_reason,\n"
"  ts(json_extract(object,'$.status.startTimestamp')) AS started_at,\n"
"  ts(json_extract(object,'$.status.completionTimestamp')) AS completed_at,\n"
"  json_extract(object,'$.status.errors') AS errors,\n"
"  json_extract(object,'$.status.warnings') AS warnings,\n"
"  json_extract(object,'$.status.progress.itemsBackedUp') AS items_backed_up,\n"
"  json_extract(object,'$.status.progress.totalItems') AS total_items,\n"
"  json_extract(object,'$.status.validationErrors') AS validation_errors,\n"
"  json_extract(object,'$.spec.includedNamespaces') AS included_namespaces,\n"
"  json_extract(object,'$.spec.storageLocation') AS storage_location,\n"
"  json_extract(object,'$.metadata.labels.\"velero.io/schedule-name\"') AS schedule,\n"
"  source\n"
"FROM objects WHERE kind='Backup';\n"
"CREATE TABLE restores AS SELECT namespace, name, created,\n"
"  json_extract(object,'$.spec.backupName') AS backup_name,\n"
"  json_extract(object,'$.status.phase') AS phase,\n"
"  json_extract(object,'$.status.failureReason') AS failure_reason,\n"
"  ts(json_extract(object,'$.status.startTimestamp')) AS started_at,\n"
"  ts(json_extract(object,'$.status.completionTimestamp')) AS completed_at,\n"
"  json_extract(object,'$.status.errors') AS errors,\n"
"  json_extract(object,'$.status.warnings') AS warnings,\n"
"  json_extract(object,'$.status.validationErrors') AS validation_errors,\n"
"  source\n"
"FROM objects WHERE kind='Restore';\n"
"CREATE TABLE backup_storage_locations AS SELECT namespace, name,\n"
"  json_extract(object,'$.spec.provider') AS provider,\n"
"  json_extract(object,'$.spec.objectStorage.bucket') AS bucket,\n"
"  json_extract(object,'$.status.phase') AS phase,\n"
"  json_extract(object,'$.status.message') AS message,\n"
"  ts(json_extract(object,'$.status.lastValidationTime')) AS last_validated, source\n"
"FROM objects WHERE kind='BackupStorageLocation';\n"
"CREATE TABLE schedules AS SELECT namespace, name,\n"
"  json_extract(object,'$.spec.schedule') AS schedule,\n"
"  json_extract(object,'$.status.phase') AS phase,\n"
"  ts(json_extract(object,'$.status.lastBackup')) AS last_backup, source\n"
"FROM objects WHERE kind='Schedule';\n"
"CREATE TABLE pod_volume_ops AS SELECT kind, namespace, name,\n"
"  json_extract(object,'$.spec.pod.namespace') AS pod_namespace,\n"
"  json_extract(object,'$.spec.pod.name') AS pod,\n"
"  json_extract(object,'$.spec.volume') AS volume,\n"
"  json_extract(object,'$.spec.node') AS node,\n"
"  json_extract(object,'$.status.phase') AS phase,\n"
"  json_extract(object,'$.status.message') AS message,\n"
"  coalesce(json_extract(object,'$.metadata.labels.\"velero.io/backup-name\"'),\n"
"           json_extract(object,'$.metadata.labels.\"velero.io/restore-name\"')) AS parent, source\n"
"FROM objects WHERE kind IN ('PodVolumeBackup','PodVolumeRestore','DataUpload','DataDownload');\n"
"CREATE INDEX events_obj ON events(object_namespace, kind, name);\n"
"CREATE INDEX log_lines_pod ON log_lines(namespace, pod, container);\n"
"CREATE INDEX pods_name ON pods(namespace, name);\n"
"CREATE INDEX containers_pod ON containers(namespace, pod);\n"
"ANALYZE;\n";

/* ts(x): any RFC 3339 text to the store's convention, NULL otherwise. */
static void fn_ts(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *s = (const char *)sqlite3_value_text(argv[0]);
	char out[PM_TIME_LEN];
	int64_t t;

	(void)argc;
	if (!s || !pm_time_parse(s, strlen(s), &t, NULL)) {
		sqlite3_result_null(ctx);
		return;
	}
	pm_time_format(t, out);
	sqlite3_result_text(ctx, out, -1, SQLITE_TRANSIENT);
}

/* quantity(x): a Kubernetes quantity ("500m", "2Gi", "1.5") as a number:
 * cores for CPU, bytes for memory and storage.  NULL when unreadable. */
static void fn_quantity(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *s = (const char *)sqlite3_value_text(argv[0]);
	char *end;
	double v, mul = 1;
	(void)argc;

	if (!s || !*s) {
		sqlite3_result_null(ctx);
		return;
	}
	v = strtod(s, &end);
	if (end == s) {
		sqlite3_result_null(ctx);
		return;
	}
	if (!strcmp(end, "m")) mul = 1e-3;
	else if (!strcmp(end, "u")) mul = 1e-6;
	else if (!strcmp(end, "n")) mul = 1e-9;
	else if (!strcmp(end, "k")) mul = 1e3;
	else if (!strcmp(end, "M")) mul = 1e6;
	else if (!strcmp(end, "G")) mul = 1e9;
	else if (!strcmp(end, "T")) mul = 1e12;
	else if (!strcmp(end, "P")) mul = 1e15;
	else if (!strcmp(end, "Ki")) mul = 1024.0;
	else if (!strcmp(end, "Mi")) mul = 1048576.0;
	else if (!strcmp(end, "Gi")) mul = 1073741824.0;
	else if (!strcmp(end, "Ti")) mul = 1099511627776.0;
	else if (!strcmp(end, "Pi")) mul = 1125899906842624.0;
	else if (*end) {
		sqlite3_result_null(ctx);
		return;
	}
	sqlite3_result_double(ctx, v * mul);
}

void pm_schema_register_functions(sqlite3 *db)
{
	int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC;
	sqlite3_create_function(db, "ts", 1, flags, NULL, fn_ts, NULL, NULL);
	sqlite3_create_function(db, "quantity", 1, flags, NULL, fn_quantity,
				NULL, NULL);
}
