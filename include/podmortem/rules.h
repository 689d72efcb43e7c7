/*
 * rules.h - the rule pack: YAML files in rules/ holding SQL.
 *
 * A rule is a YAML mapping (one per document; a file may hold several):
 * id, title, section (a key of SECTIONS.md), severity, requires (tables
 * that must have rows, else the rule is skipped with that reason),
 * query (SQL; each row is one finding), message and diagnose
 * (templates filled from the row's columns as {column}), causes,
 * remediation, links.  Text fields are a string or a map {en:, zh:}.
 * Columns named kind, namespace, name are the finding's resource;
 * source is "path[:line]"; every column is evidence.
 * rules/thresholds.yaml fills the `thresholds` table queries read.
 * rules/log_signals.yaml (`log_signals:` {signal, patterns, why} and
 * `log_subject_keys:`) fills the log_signals and log_subjects tables:
 * the log sink tags lines as they are loaded (lines_tagged); otherwise
 * one pass over log_rows before the rules run.
 */
#ifndef PODMORTEM_RULES_H
#define PODMORTEM_RULES_H

#include <jansson.h>
#include <stddef.h>

#include "podmortem/error.h"
#include "podmortem/store.h"

enum pm_severity {
	PM_SEV_INFO = 1,
	PM_SEV_WARNING = 2,
	PM_SEV_ERROR = 3,
	PM_SEV_CRITICAL = 4
};

struct pm_rule {
	char *id;
	char *section;
	int severity;
	char *query;
	char *file;        /* where it was read from */
	long line;
	json_t *doc;       /* the whole rule document (texts, lists) */
	json_t *requires;  /* array of table names */
};

/* A rule file that could not be read: reported, never fatal. */
struct pm_rule_error {
	char *file;
	char *message;
};

struct pm_ruleset {
	struct pm_rule *rules;
	size_t n;
	struct pm_rule_error *errors;
	size_t nerrors;
	json_t *thresholds;  /* array of {name, value, unit, why} */
	json_t *sections;    /* array of {key, title: {en, zh}} from sections.yaml */
	json_t *log_signals; /* array of {signal, patterns: [..], why} */
	json_t *log_subject_keys; /* array of field names (strings) */
	char *lang;          /* "en" or "zh" */
	int lines_tagged;    /* the load filled log_signals and log_subjects */
};

struct pm_finding {
	const struct pm_rule *rule;
	int severity;
	char *message;
	char *kind, *ns, *name;
	char *source;
	json_t *evidence;   /* object: column -> value */
	json_t *diagnose;   /* array of filled commands */
};

struct pm_rule_result {
	const struct pm_rule *rule;
	int status;          /* see enum pm_rule_status */
	char *reason;        /* skipped / error reason */
	size_t findings;
};

enum pm_rule_status { PM_RULE_PASSED, PM_RULE_FIRED, PM_RULE_SKIPPED, PM_RULE_ERROR };

struct pm_results {
	struct pm_finding *findings;
	size_t nfindings;
	struct pm_rule_result *runs;
	size_t nruns;
};

void pm_ruleset_init(struct pm_ruleset *rs, const char *lang);
void pm_ruleset_release(struct pm_ruleset *rs);
/* Loads every *.yaml / *.yml in dir, sorted by name.  Bad files land in
 * rs->errors; returns < 0 only when dir cannot be read at all. */
int pm_rules_load_dir(struct pm_ruleset *rs, const char *dir,
		      struct pm_error *err);
/* Loads one YAML text (tests). */
int pm_rules_load_text(struct pm_ruleset *rs, const char *text, size_t len,
		       const char *file, struct pm_error *err);

/* Runs every rule against the store; findings come back sorted worst
 * first, and go into the findings and rule_runs tables too. */
int pm_rules_run(const struct pm_ruleset *rs, struct pm_store *st,
		 struct pm_results *out, struct pm_error *err);
void pm_results_release(struct pm_results *r);

int pm_severity_parse(const char *s);
const char *pm_severity_name(int sev);
/* A text field in the ruleset's language, falling back to English. */
const char *pm_rule_text(const struct pm_ruleset *rs, json_t *doc,
			 const char *key);
/* A list field ([string] or {en: [...], zh: [...]}) in the language. */
json_t *pm_rule_list(const struct pm_ruleset *rs, json_t *doc,
		     const char *key);
/* Replaces {column} in tmpl with values from row (an object). */
char *pm_template_fill(const char *tmpl, json_t *row);

#endif
