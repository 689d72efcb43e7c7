/* Tests for rules.c: loading, validation, skipping, errors, templates,
 * languages and the order of findings. */
#include "pmtest.h"
#include "podmortem/rules.h"

static const char good[] =
"rules:\n"
"  - id: t.one\n"
"    title: {en: 'Thing broken', zh: '东西坏了'}\n"
"    section: backup.failed\n"
"    severity: warning\n"
"    requires: [things]\n"
"    query: SELECT 'Thing' AS kind, ns AS namespace, n AS name, v, 'f.json:3' AS source FROM things ORDER BY n\n"
"    message: {en: 'thing {namespace}/{name} is {v} {missing}', zh: '{name} 坏了'}\n"
"    diagnose: ['kubectl get thing {name} -n {namespace}']\n"
"    causes: {en: [a, b], zh: [甲]}\n"
"  - id: t.two\n"
"    title: Critical thing\n"
"    section: backup.failed\n"
"    severity: critical\n"
"    query: SELECT 'x' AS name\n"
"    message: crit {name}\n"
"  - id: t.skip\n"
"    title: Needs data\n"
"    section: storage.mount\n"
"    severity: error\n"
"    requires: [empty_table]\n"
"    query: SELECT 1\n"
"    message: never\n"
"  - id: t.broken\n"
"    title: Bad SQL\n"
"    section: storage.mount\n"
"    severity: error\n"
"    query: SELEC nonsense\n"
"    message: never\n"
"  - id: t.writer\n"
"    title: Writes\n"
"    section: storage.mount\n"
"    severity: error\n"
"    query: DELETE FROM things\n"
"    message: never\n"
"---\n"
"thresholds:\n"
"  - {name: disk_use_pct, value: 85, unit: '%', why: test}\n";

static const char bad[] =
"id: t.nosection\ntitle: x\nseverity: error\nquery: SELECT 1\nmessage: m\n"
"---\n"
"id: t.one\ntitle: dup\nsection: s\nseverity: info\nquery: SELECT 1\nmessage: m\n";

static struct pm_store *store(void)
{
	struct pm_store *st;
	struct pm_error err;
	CHECK_INT(pm_store_open_memory(&st, &err), 0);
	CHECK_INT(pm_store_exec(st,
		"CREATE TABLE things(ns, n, v); CREATE TABLE empty_table(x);"
		"INSERT INTO things VALUES ('b','zeta','bad'),('a','alpha',NULL);", &err), 0);
	return st;
}

static void load_and_run(void)
{
	struct pm_ruleset rs;
	struct pm_results res;
	struct pm_error err;
	struct pm_store *st = store();

	pm_ruleset_init(&rs, "en");
	CHECK_INT(pm_rules_load_text(&rs, good, sizeof(good) - 1, "good.yaml", &err), 0);
	CHECK_INT(pm_rules_load_text(&rs, bad, sizeof(bad) - 1, "bad.yaml", &err), 0);
	CHECK_INT(rs.n, 5);
	CHECK_INT(rs.nerrors, 2);
	CHECK(strstr(rs.errors[0].message, "bad.yaml:1:") != NULL);
	CHECK(strstr(rs.errors[1].message, "already used") != NULL);
	CHECK_INT(pm_rules_run(&rs, st, &res, &err), 0);
	CHECK_INT(res.nfindings, 3);
	/* worst first, then by section, rule, namespace, name */
	CHECK_STR(res.findings[0].rule->id, "t.two");
	CHECK_STR(res.findings[1].name, "alpha");
	CHECK_STR(res.findings[2].name, "zeta");
	CHECK_STR(res.findings[2].message, "thing b/zeta is bad {missing}");
	CHECK_STR(res.findings[1].message, "thing a/alpha is  {missing}");
	CHECK_STR(res.findings[2].source, "f.json:3");
	CHECK_STR(json_string_value(json_array_get(res.findings[2].diagnose, 0)),
		  "kubectl get thing zeta -n b");
	CHECK_STR(json_string_value(json_object_get(res.findings[2].evidence, "v")), "bad");
	CHECK(json_object_get(res.findings[2].evidence, "name") == NULL);
	CHECK_INT(res.nruns, 5);
	CHECK_INT(res.runs[2].status, PM_RULE_SKIPPED);
	CHECK(strstr(res.runs[2].reason, "empty_table") != NULL);
	CHECK_INT(res.runs[3].status, PM_RULE_ERROR);
	CHECK(strstr(res.runs[3].reason, "good.yaml") != NULL);
	CHECK_INT(res.runs[4].status, PM_RULE_ERROR);
	CHECK(strstr(res.runs[4].reason, "only read") != NULL);
	CHECK_INT(pm_store_count(st, "things"), 2);
	CHECK_INT(pm_store_count(st, "findings"), 3);
	CHECK_INT(pm_store_count(st, "thresholds"), 1);
	pm_results_release(&res);
	pm_ruleset_release(&rs);
	pm_store_close(st);
}

static void chinese_texts(void)
{
	struct pm_ruleset rs;
	struct pm_results res;
	struct pm_error err;
	struct pm_store *st = store();
	json_t *l;

	pm_ruleset_init(&rs, "zh");
	pm_rules_load_text(&rs, good, sizeof(good) - 1, "good.yaml", &err);
	CHECK_INT(pm_rules_run(&rs, st, &res, &err), 0);
	CHECK_STR(res.findings[1].message, "alpha 坏了");
	CHECK_STR(pm_rule_text(&rs, rs.rules[0].doc, "title"), "东西坏了");
	/* a plain string serves every language */
	CHECK_STR(pm_rule_text(&rs, rs.rules[1].doc, "title"), "Critical thing");
	l = pm_rule_list(&rs, rs.rules[0].doc, "causes");
	CHECK_INT(json_array_size(l), 1);
	pm_results_release(&res);
	pm_ruleset_release(&rs);
	pm_store_close(st);
}

static void template_fill(void)
{
	json_t *row = json_pack("{s:s,s:i,s:n,s:f}", "a", "x", "b", 7, "c", "d", 1.5);
	char *s = pm_template_fill("{a}-{b}-{c}-{d}-{e}-{}-{", row);
	CHECK_STR(s, "x-7--1.5-{e}-{}-{");
	free(s);
	json_decref(row);
}

static void severities(void)
{
	CHECK_INT(pm_severity_parse("critical"), PM_SEV_CRITICAL);
	CHECK_INT(pm_severity_parse("info"), PM_SEV_INFO);
	CHECK_INT(pm_severity_parse("fatal"), 0);
	CHECK_STR(pm_severity_name(PM_SEV_WARNING), "warning");
}

int main(void)
{
	RUN(load_and_run);
	RUN(chinese_texts);
	RUN(template_fill);
	RUN(severities);
	DONE();
}
