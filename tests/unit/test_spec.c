/* test_spec.c - the built-in spec parses and covers the guide; bad specs are refused. */
#include "pmtest.h"

#include "podmortem/spec.h"

static const struct pm_spec_step *find(const struct pm_spec *s, const char *name)
{
	size_t i;
	for (i = 0; i < s->nsteps; i++)
		if (!strcmp(s->steps[i].name, name))
			return &s->steps[i];
	return NULL;
}

static void test_default(void)
{
	struct pm_spec s;
	struct pm_error e;
	const struct pm_spec_step *st;
	static const char *need[] = { "version", "cluster-info", "pods", "events", "nodes",
		"namespaces", "persistentvolumes", "persistentvolumeclaims", "storageclasses",
		"volumeattachments", "services", "endpoints", "networkpolicies", "serviceaccounts",
		"roles", "rolebindings", "clusterroles", "clusterrolebindings", "configmaps",
		"secrets", "deployments", "statefulsets", "daemonsets", "jobs", "backups",
		"restores", "schedules", "backupstoragelocations", "volumesnapshotlocations",
		"podvolumebackups", "podvolumerestores", "datauploads", "datadownloads",
		"prometheusrules", "servicemonitors", "alertmanagerconfigs", "logs",
		"logs-previous", "top-nodes", "top-pods", "can-i-list", "can-i-list-sa",
		"componentstatuses", "df-h", "df-i", "dd", "iperf3", "x509", "etcd-health",
		"dns", "ping", NULL };
	const char *t = pm_spec_default_text();
	size_t i;
	int last_cost = -1, sorted = 1;

	pm_spec_init(&s);
	pm_error_init(&e);
	CHECK_INT(pm_spec_parse(&s, t, strlen(t), "builtin", &e), 0);
	if (e.code)
		fprintf(stderr, "%s\n", e.msg);
	for (i = 0; need[i]; i++) {
		if (!find(&s, need[i]))
			fprintf(stderr, "missing step %s\n", need[i]);
		CHECK(find(&s, need[i]) != NULL);
	}
	st = find(&s, "secrets");
	CHECK(st && st->secrets);
	CHECK(st && st->scope == PM_SCOPE_NAMESPACE);
	CHECK_STR(st ? st->output_all : NULL, "cluster/secrets.json");
	st = find(&s, "logs-previous");
	CHECK(st && st->scope == PM_SCOPE_RESTARTED);
	CHECK_STR(st ? st->from : NULL, "pods");
	CHECK_STR(st ? st->output : NULL, "logs/{namespace}/{pod}/{container}.previous.log");
	CHECK(st && st->max_output == 8 << 20);
	st = find(&s, "dd");
	CHECK(st && st->cleanup && st->merge_stderr);
	st = find(&s, "backups");
	CHECK_STR(st ? st->requires_resource : NULL, "backups.velero.io");
	st = find(&s, "version");
	CHECK(st && st->timeout_ms == 20000);
	CHECK(st && st->max_output == 64 << 20);
	/* cheap first: costs never decrease along the list */
	for (i = 0; i < s.nsteps; i++) {
		if (s.steps[i].cost < last_cost)
			sorted = 0;
		last_cost = s.steps[i].cost;
	}
	CHECK(sorted);
	CHECK(find(&s, "logs")->cost > find(&s, "pods")->cost);
	pm_spec_release(&s);
}

static int parse_fails(const char *yaml, const char *want_msg)
{
	struct pm_spec s;
	struct pm_error e;
	int rc;
	pm_spec_init(&s);
	pm_error_init(&e);
	rc = pm_spec_parse(&s, yaml, strlen(yaml), "t.yaml", &e);
	if (rc < 0 && want_msg && !strstr(e.msg, want_msg))
		fprintf(stderr, "message \"%s\" lacks \"%s\"\n", e.msg, want_msg);
	pm_spec_release(&s);
	return rc < 0 && (!want_msg || strstr(e.msg, want_msg));
}

static void test_errors(void)
{
	CHECK(parse_fails("version: 2\nsteps: []\n", "version"));
	CHECK(parse_fails("steps:\n - name: a\n   argv: [ls]\n   output: ../x\n   type: text\n",
			  "relative path"));
	CHECK(parse_fails("steps:\n - name: a\n   argv: [ls]\n   output: /etc/x\n   type: text\n",
			  "relative path"));
	CHECK(parse_fails("steps:\n - name: a\n   argv: [ls]\n   output: x\n   type: text\n"
			  "   scope: sometimes\n", "unknown scope"));
	CHECK(parse_fails("steps:\n - name: a\n   argv: [ls]\n   output: x\n   type: text\n"
			  "   timeout: soon\n", "bad duration"));
	CHECK(parse_fails("steps:\n - name: a\n   argv: [ls]\n   output: x\n   type: text\n"
			  " - name: a\n   argv: [ls]\n   output: y\n   type: text\n", "duplicate"));
	CHECK(parse_fails("steps:\n - name: a\n   argv: [ls]\n   output: manifest.json\n   type: text\n",
			  "written by the collector"));
	CHECK(parse_fails("steps:\n - name: a\n   output: x\n   type: text\n", "required"));
	CHECK(parse_fails("steps: [\n", "YAML"));
	CHECK(parse_fails("steps:\n - name: a\n   argv: [ls]\n   output: x\n   type: text\n   colour: red\n",
			  "unknown step field"));
}

static void test_custom(void)
{
	const char *y = "version: 1\ndefaults:\n  timeout: 5s\n  max_output: 1KiB\nsteps:\n"
		" - name: a\n   argv: [echo, '{pod}']\n   output: 'logs/{pod}.txt'\n   type: text\n"
		"   scope: per-pod\n   match: [velero]\n   timeout: 1m30s\n";
	struct pm_spec s;
	struct pm_error e;
	pm_spec_init(&s);
	pm_error_init(&e);
	CHECK_INT(pm_spec_parse(&s, y, strlen(y), "t", &e), 0);
	CHECK_INT(s.nsteps, 1);
	if (s.nsteps == 1) {
		CHECK_INT(s.steps[0].timeout_ms, 90000);
		CHECK_INT(s.steps[0].max_output, 1024);
		CHECK_STR(s.steps[0].from, "pods");
		CHECK_INT(s.steps[0].match.n, 1);
		CHECK_STR(s.steps[0].argv.v[1], "{pod}");
	}
	pm_spec_release(&s);
	CHECK_INT(pm_duration_parse("250ms"), 250);
	CHECK_INT(pm_duration_parse("2h"), 7200000);
	CHECK_INT(pm_duration_parse("10"), 10000);
	CHECK_INT(pm_duration_parse("5x"), -1);
	CHECK_INT(pm_duration_parse(""), -1);
	CHECK_INT(pm_size_parse("64MiB"), 64 << 20);
	CHECK_INT(pm_size_parse("MiB"), -1);
}

int main(void)
{
	RUN(test_default);
	RUN(test_errors);
	RUN(test_custom);
	DONE();
}
