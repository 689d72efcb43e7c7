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
	/* an empty value leaves no run of spaces in the sentence */
	CHECK_STR(res.findings[1].message, "thing a/alpha is {missing}");
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
	CHECK_INT(pm_store_has_rows(st, "things"), 1);
	CHECK_INT(pm_store_has_rows(st, "empty_table"), 0);
	CHECK_INT(pm_store_has_rows(st, "no_such_table"), -1);
	CHECK_INT(pm_store_has_rows(st, "x\"; DROP TABLE things; --"), -1);
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

static const char signals_yaml[] =
"log_signals:\n"
"  - {signal: deny, patterns: [Forbidden, 'reset by'], why: t}\n"
"  - {signal: slow, patterns: ['i/o timeout', '50%_'], why: t}\n"
"  - {signal: bad, patterns: []}\n"
"  - {signal: deny, patterns: [again]}\n"
"log_subject_keys: [backup, 'not a key']\n";

static long long one(struct pm_store *st, const char *sql)
{
	sqlite3_stmt *s;
	long long v = -1;
	if (sqlite3_prepare_v2(pm_store_db(st), sql, -1, &s, NULL) != SQLITE_OK)
		return -2;
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

/* The signals pass tags exactly the lines LIKE '%p%' finds on
 * message || ' ' || coalesce(fields, ''), once per (line, signal). */
static void log_signals_table(void)
{
	struct pm_ruleset rs;
	struct pm_results res;
	struct pm_error err;
	struct pm_store *st = store();
	static const char *const words[] = { "forbidden", "FORBIDDEN", "reset", "by",
		"i/o", "timeout", "I/O TIMEOUT", "50%_", "50%", "x", " ", "\xc3\xa9" };
	unsigned r = 12345;
	char sql[600];

	pm_ruleset_init(&rs, "en");
	pm_rules_load_text(&rs, signals_yaml, sizeof(signals_yaml) - 1, "s.yaml", &err);
	CHECK_INT(json_array_size(rs.log_signals), 2);
	CHECK_INT(json_array_size(rs.log_subject_keys), 1);
	CHECK_INT(rs.nerrors, 3);
	CHECK_INT(pm_store_exec(st,
		"INSERT INTO log_rows(id, message, fields, level) VALUES"
		" (1, 'is forbidden: FORBIDDEN', NULL, 'info'),"
		" (2, 'conn reset', 'by peer', 'info'),"      /* across the ' ' */
		" (3, NULL, 'forbidden', 'error'),"           /* NULL message */
		" (4, 'ok', '{\"backup\":\"velero/b1\"}', 'error'),"
		" (5, 'ok', '{\"backup\":\"velero/b2\"}', 'info'),"
		" (6, 'ok', '{\"backup\":7,\"restore\":\"x\"}', 'warning'),"
		" (7, 'ok', '{\"backup\": broken', 'error');", &err), 0);
	for (int i = 8; i < 400; i++) {
		char m[200] = "", f[200] = "";
		for (int k = 0, n = (int)((r >> 3) % 6); k < n; k++) {
			r = r * 1103515245u + 12345u;
			strcat((r >> 16) % 2 ? m : f, words[(r >> 8) % 12]);
		}
		r = r * 1103515245u + 12345u;
		sqlite3_stmt *s;
		CHECK(sqlite3_prepare_v2(pm_store_db(st), "INSERT INTO log_rows(id, message,"
			" fields) VALUES (?1, ?2, ?3)", -1, &s, NULL) == SQLITE_OK);
		sqlite3_bind_int(s, 1, i);
		sqlite3_bind_text(s, 2, m, -1, SQLITE_TRANSIENT);
		if ((r >> 20) % 3)
			sqlite3_bind_text(s, 3, f, -1, SQLITE_TRANSIENT);
		CHECK(sqlite3_step(s) == SQLITE_DONE);
		sqlite3_finalize(s);
	}
	CHECK_INT(pm_rules_run(&rs, st, &res, &err), 0);
	CHECK_INT(one(st, "SELECT count(*) FROM log_signals WHERE line_id IN (1, 2)"
		      " AND signal = 'deny'"), 2);
	CHECK_INT(one(st, "SELECT count(*) FROM log_signals WHERE line_id = 3"), 0);
	CHECK_INT(one(st, "SELECT count(*) FROM (SELECT line_id, signal FROM log_signals"
		      " GROUP BY 1, 2 HAVING count(*) > 1)"), 0);
	for (int k = 0; k < 2; k++) {
		const char *sig = k ? "slow" : "deny";
		const char *like = k ? "LIKE '%i/o timeout%' OR c LIKE '%50\\%\\_%' ESCAPE '\\'"
				     : "LIKE '%forbidden%' OR c LIKE '%reset by%'";
		long long n;
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM (SELECT id FROM (SELECT id,"
			 " message || ' ' || coalesce(fields, '') AS c FROM log_rows) WHERE c %s"
			 " EXCEPT SELECT line_id FROM log_signals WHERE signal = '%s')", like, sig);
		CHECK_INT(one(st, sql), 0);
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM (SELECT line_id FROM log_signals"
			 " WHERE signal = '%s' EXCEPT SELECT id FROM (SELECT id, message || ' ' ||"
			 " coalesce(fields, '') AS c FROM log_rows) WHERE c %s)", sig, like);
		CHECK_INT(one(st, sql), 0);
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM log_signals WHERE signal = '%s'", sig);
		n = one(st, sql);
		CHECK(n > 20); /* the random lines did exercise it */
	}
	/* subjects: error/fatal/warning lines only, typed as json_extract gives */
	CHECK_INT(one(st, "SELECT count(*) FROM log_subjects"), 2);
	CHECK_INT(one(st, "SELECT line_id FROM log_subjects WHERE key = 'backup'"
		      " AND value = 'velero/b1'"), 4);
	CHECK_INT(one(st, "SELECT count(*) FROM log_subjects WHERE value = 7"), 1);
	CHECK_INT(one(st, "SELECT count(*) FROM log_subjects WHERE value = '7'"), 0);
	/* run again: the tables are rebuilt, not doubled */
	pm_results_release(&res);
	CHECK_INT(pm_rules_run(&rs, st, &res, &err), 0);
	CHECK_INT(one(st, "SELECT count(*) FROM log_subjects"), 2);
	pm_results_release(&res);
	pm_ruleset_release(&rs);
	pm_store_close(st);
}

int main(void)
{
	RUN(load_and_run);
	RUN(chinese_texts);
	RUN(template_fill);
	RUN(severities);
	RUN(log_signals_table);
	DONE();
}
