/*
 * rules.c - loading rule files and running their SQL; see rules.h.
 */
#include "podmortem/rules.h"
#include "podmortem/buf.h"
#include "podmortem/multimatch.h"
#include "podmortem/yamlconv.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RULE_FILE_MAX (1u << 20)
#define MAX_FINDINGS_PER_RULE 500

static const char *const sev_names[] = { "", "info", "warning", "error", "critical" };

int pm_severity_parse(const char *s)
{
	for (int i = 1; s && i <= PM_SEV_CRITICAL; i++)
		if (!strcmp(s, sev_names[i]))
			return i;
	return 0;
}

const char *pm_severity_name(int sev)
{
	return sev >= PM_SEV_INFO && sev <= PM_SEV_CRITICAL ? sev_names[sev] : "?";
}

void pm_ruleset_init(struct pm_ruleset *rs, const char *lang)
{
	memset(rs, 0, sizeof(*rs));
	rs->thresholds = json_array();
	rs->sections = json_array();
	rs->log_signals = json_array();
	rs->log_subject_keys = json_array();
	rs->lang = strdup(lang && !strcmp(lang, "zh") ? "zh" : "en");
}

void pm_ruleset_release(struct pm_ruleset *rs)
{
	for (size_t i = 0; i < rs->n; i++) {
		free(rs->rules[i].id);
		free(rs->rules[i].section);
		free(rs->rules[i].query);
		free(rs->rules[i].file);
		json_decref(rs->rules[i].doc);
	}
	for (size_t i = 0; i < rs->nerrors; i++) {
		free(rs->errors[i].file);
		free(rs->errors[i].message);
	}
	free(rs->rules);
	free(rs->errors);
	json_decref(rs->thresholds);
	json_decref(rs->sections);
	json_decref(rs->log_signals);
	json_decref(rs->log_subject_keys);
	free(rs->lang);
	memset(rs, 0, sizeof(*rs));
}

static void add_error(struct pm_ruleset *rs, const char *file, long line,
		      const char *msg)
{
	struct pm_rule_error *p = realloc(rs->errors, (rs->nerrors + 1) * sizeof(*p));
	char buf[1200];
	if (!p)
		return;
	rs->errors = p;
	if (line > 0)
		snprintf(buf, sizeof(buf), "%.400s:%ld: %.700s", file, line, msg);
	else
		snprintf(buf, sizeof(buf), "%.400s: %.700s", file, msg);
	p[rs->nerrors].file = strdup(file);
	p[rs->nerrors].message = strdup(buf);
	rs->nerrors++;
}

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

struct loadctx {
	struct pm_ruleset *rs;
	const char *file;
};

static int add_rule(struct loadctx *lc, json_t *doc, long line)
{
	struct pm_ruleset *rs = lc->rs;
	const char *id = jstr(doc, "id"), *section = jstr(doc, "section");
	const char *query = jstr(doc, "query");
	int sev = pm_severity_parse(jstr(doc, "severity"));
	json_t *req = json_object_get(doc, "requires");
	struct pm_rule *r;
	char msg[300];

	if (!id || !section || !query || !sev || !json_object_get(doc, "title") ||
	    !json_object_get(doc, "message")) {
		snprintf(msg, sizeof(msg), "rule %s: needs id, title, section, "
			 "severity (critical|error|warning|info), query and message",
			 id ? id : "(no id)");
		add_error(rs, lc->file, line, msg);
		return 0;
	}
	for (size_t i = 0; i < rs->n; i++) {
		if (!strcmp(rs->rules[i].id, id)) {
			snprintf(msg, sizeof(msg), "rule %s: id already used in %s",
				 id, rs->rules[i].file);
			add_error(rs, lc->file, line, msg);
			return 0;
		}
	}
	if (req && !json_is_array(req)) {
		snprintf(msg, sizeof(msg), "rule %s: requires must be a list", id);
		add_error(rs, lc->file, line, msg);
		return 0;
	}
	r = realloc(rs->rules, (rs->n + 1) * sizeof(*r));
	if (!r)
		return -1;
	rs->rules = r;
	r = &rs->rules[rs->n++];
	memset(r, 0, sizeof(*r));
	r->id = strdup(id);
	r->section = strdup(section);
	r->query = strdup(query);
	r->severity = sev;
	r->file = strdup(lc->file);
	r->line = line;
	r->doc = json_incref(doc);
	r->requires = req;
	return 0;
}

/* Pattern bytes of the signals loaded so far (the matcher's cap). */
static size_t signal_bytes(json_t *signals)
{
	size_t i, k, n = 0;
	json_t *sg, *p;
	json_array_foreach(signals, i, sg)
		json_array_foreach(json_object_get(sg, "patterns"), k, p)
			n += strlen(json_string_value(p));
	return n;
}

/* A `log_signals:` entry: a name not used yet and non-empty patterns. */
static void add_signal(struct loadctx *lc, json_t *sg, long line)
{
	const char *name = jstr(sg, "signal");
	json_t *pats = json_object_get(sg, "patterns"), *p, *o;
	size_t i, bytes = 0;
	char msg[300];

	if (!name || !*name || !json_is_array(pats) || !json_array_size(pats)) {
		snprintf(msg, sizeof(msg), "log signal %s: needs signal (a name) "
			 "and patterns (a list of strings)", name ? name : "(no name)");
		add_error(lc->rs, lc->file, line, msg);
		return;
	}
	json_array_foreach(pats, i, p) {
		if (!json_is_string(p) || !json_string_length(p)) {
			snprintf(msg, sizeof(msg), "log signal %s: pattern %zu is "
				 "not a non-empty string", name, i + 1);
			add_error(lc->rs, lc->file, line, msg);
			return;
		}
		bytes += json_string_length(p);
	}
	json_array_foreach(lc->rs->log_signals, i, o) {
		if (!strcmp(jstr(o, "signal"), name)) {
			snprintf(msg, sizeof(msg), "log signal %s: name already used",
				 name);
			add_error(lc->rs, lc->file, line, msg);
			return;
		}
	}
	if (bytes + signal_bytes(lc->rs->log_signals) > PM_MULTIMATCH_MAX_BYTES ||
	    json_array_size(lc->rs->log_signals) >= PM_MULTIMATCH_MAX_PATTERNS) {
		snprintf(msg, sizeof(msg), "log signal %s: the signals exceed "
			 "%d bytes of patterns", name, PM_MULTIMATCH_MAX_BYTES);
		add_error(lc->rs, lc->file, line, msg);
		return;
	}
	json_array_append(lc->rs->log_signals, sg);
}

/* A `log_subject_keys:` entry: a plain field name (it goes into a JSON
 * path). */
static void add_subject_key(struct loadctx *lc, json_t *k, long line)
{
	const char *s = json_string_value(k);
	size_t i;
	json_t *o;

	if (!s || !*s || strlen(s) > 64 ||
	    strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		      "0123456789_-") != strlen(s)) {
		add_error(lc->rs, lc->file, line, "log_subject_keys: each key must "
			  "be a name of letters, digits, '_' or '-'");
		return;
	}
	json_array_foreach(lc->rs->log_subject_keys, i, o)
		if (!strcmp(json_string_value(o), s))
			return;
	json_array_append(lc->rs->log_subject_keys, k);
}

static int on_doc(void *arg, json_t *doc, long line)
{
	struct loadctx *lc = arg;
	json_t *list;
	size_t i;
	json_t *v;

	if (!json_is_object(doc)) {
		add_error(lc->rs, lc->file, line, "document is not a mapping");
		return 0;
	}
	if ((list = json_object_get(doc, "thresholds"))) {
		json_array_foreach(list, i, v)
			json_array_append(lc->rs->thresholds, v);
		return 0;
	}
	if (json_object_get(doc, "log_signals") ||
	    json_object_get(doc, "log_subject_keys")) {
		json_t *keys = json_object_get(doc, "log_subject_keys");
		list = json_object_get(doc, "log_signals");
		if ((list && !json_is_array(list)) || (keys && !json_is_array(keys))) {
			add_error(lc->rs, lc->file, line,
				  "log_signals and log_subject_keys must be lists");
			return 0;
		}
		json_array_foreach(list, i, v)
			add_signal(lc, v, line);
		json_array_foreach(keys, i, v)
			add_subject_key(lc, v, line);
		return 0;
	}
	if ((list = json_object_get(doc, "sections"))) {
		json_array_foreach(list, i, v)
			json_array_append(lc->rs->sections, v);
		return 0;
	}
	if ((list = json_object_get(doc, "rules"))) {
		json_array_foreach(list, i, v)
			if (add_rule(lc, v, line) < 0)
				return -1;
		return 0;
	}
	return add_rule(lc, doc, line);
}

int pm_rules_load_text(struct pm_ruleset *rs, const char *text, size_t len,
		       const char *file, struct pm_error *err)
{
	struct pm_input in;
	struct loadctx lc = { rs, file };
	struct pm_error e;
	int rc;

	pm_error_init(&e);
	pm_input_init_mem(&in, file, text, len, RULE_FILE_MAX);
	rc = pm_yaml_documents(&in, on_doc, &lc, NULL, &e);
	pm_input_release(&in);
	if (rc) {
		add_error(rs, file, e.line, e.msg);
		(void)err;
	}
	return 0;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int has_suffix(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);
	return a >= b && !strcmp(s + a - b, suf);
}

int pm_rules_load_dir(struct pm_ruleset *rs, const char *dir,
		      struct pm_error *err)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0;

	if (!d)
		return pm_error_setat(err, PM_EIO, dir, 0, "cannot read rules folder");
	while ((de = readdir(d))) {
		char **p;
		if (de->d_name[0] == '.' ||
		    !(has_suffix(de->d_name, ".yaml") || has_suffix(de->d_name, ".yml")))
			continue;
		p = realloc(names, (n + 1) * sizeof(*p));
		if (!p)
			break;
		names = p;
		names[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_name);
	for (size_t i = 0; i < n; i++) {
		char path[4096];
		struct pm_buf b = PM_BUF_INIT(RULE_FILE_MAX);
		FILE *f;
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		f = fopen(path, "rb");
		if (!f) {
			add_error(rs, path, 0, "cannot open");
		} else {
			char chunk[8192];
			size_t got;
			while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
				pm_buf_add(&b, chunk, got);
			fclose(f);
			if (pm_buf_check(&b))
				add_error(rs, path, 0, "rule file larger than 1 MiB");
			else
				pm_rules_load_text(rs, pm_buf_cstr(&b), b.len, path, err);
		}
		pm_buf_release(&b);
		free(names[i]);
	}
	free(names);
	return 0;
}

const char *pm_rule_text(const struct pm_ruleset *rs, json_t *doc,
			 const char *key)
{
	json_t *v = json_object_get(doc, key);
	char zkey[64];

	if (json_is_string(v) && strcmp(rs->lang, "zh"))
		return json_string_value(v);
	if (json_is_object(v)) {
		const char *s = jstr(v, rs->lang);
		return s ? s : jstr(v, "en");
	}
	/* flat form: title_zh next to title */
	snprintf(zkey, sizeof(zkey), "%s_zh", key);
	if (!strcmp(rs->lang, "zh") && jstr(doc, zkey))
		return jstr(doc, zkey);
	return json_string_value(v);
}

json_t *pm_rule_list(const struct pm_ruleset *rs, json_t *doc,
		     const char *key)
{
	json_t *v = json_object_get(doc, key);
	if (json_is_object(v)) {
		json_t *l = json_object_get(v, rs->lang);
		return json_is_array(l) ? l : json_object_get(v, "en");
	}
	return json_is_array(v) ? v : NULL;
}

static void value_text(json_t *v, struct pm_buf *out)
{
	if (json_is_string(v))
		pm_buf_adds(out, json_string_value(v));
	else if (json_is_integer(v))
		pm_buf_addf(out, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		pm_buf_addf(out, "%.4g", json_real_value(v));
	else if (!v || json_is_null(v))
		pm_buf_adds(out, "");
	else {
		char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		pm_buf_adds(out, s ? s : "");
		free(s);
	}
}

char *pm_template_fill(const char *tmpl, json_t *row)
{
	struct pm_buf out = PM_BUF_INIT(1 << 20);
	const char *p = tmpl;

	while (*p) {
		const char *close;
		if (*p == '{' && (close = strchr(p + 1, '}')) && close - p - 1 < 64 &&
		    close > p + 1) {
			char key[64];
			json_t *v;
			memcpy(key, p + 1, (size_t)(close - p - 1));
			key[close - p - 1] = '\0';
			v = json_object_get(row, key);
			if (v) { /* unknown names stay as written */
				value_text(v, &out);
				p = close + 1;
				continue;
			}
		}
		pm_buf_addc(&out, *p++);
	}
	return pm_buf_detach(&out, NULL);
}

/* ---- running ---- */

static json_t *column_value(sqlite3_stmt *s, int i)
{
	switch (sqlite3_column_type(s, i)) {
	case SQLITE_INTEGER:
		return json_integer(sqlite3_column_int64(s, i));
	case SQLITE_FLOAT:
		return json_real(sqlite3_column_double(s, i));
	case SQLITE_NULL:
		return json_null();
	default: {
		const char *t = (const char *)sqlite3_column_text(s, i);
		int n = sqlite3_column_bytes(s, i);
		json_t *v = t ? json_stringn_nocheck(t, (size_t)n) : json_null();
		return v ? v : json_string("");
	}
	}
}

static char *dupcol(json_t *row, const char *k)
{
	json_t *v = json_object_get(row, k);
	struct pm_buf b = PM_BUF_INIT(4096);
	if (!v || json_is_null(v))
		return NULL;
	value_text(v, &b);
	return pm_buf_detach(&b, NULL);
}

static int push_finding(struct pm_results *res, struct pm_finding *f)
{
	struct pm_finding *p = realloc(res->findings, (res->nfindings + 1) * sizeof(*p));
	if (!p)
		return -1;
	res->findings = p;
	p[res->nfindings++] = *f;
	return 0;
}

/* A message is a sentence: empty template values must not leave runs of
 * spaces or a dangling edge.  (Evidence keeps every value as it was.) */
static void tidy_message(char *m)
{
	char *w = m;
	const char *r = m;

	while (*r == ' ' || *r == '\t' || *r == '\n' || *r == '\r')
		r++;
	for (; *r; r++) {
		if (*r == ' ' && (w == m || w[-1] == ' '))
			continue;
		*w++ = *r;
	}
	while (w > m && (w[-1] == ' ' || w[-1] == '\t' || w[-1] == '\n' || w[-1] == '\r'))
		w--;
	*w = '\0';
}

static int make_finding(const struct pm_ruleset *rs, const struct pm_rule *r,
			json_t *row, struct pm_results *res)
{
	struct pm_finding f;
	const char *msg = pm_rule_text(rs, r->doc, "message");
	json_t *diag = json_object_get(r->doc, "diagnose"), *v;
	const char *k;
	size_t i;

	memset(&f, 0, sizeof(f));
	f.rule = r;
	f.severity = r->severity;
	f.message = pm_template_fill(msg ? msg : "", row);
	tidy_message(f.message);
	f.kind = dupcol(row, "kind");
	f.ns = dupcol(row, "namespace");
	f.name = dupcol(row, "name");
	f.source = dupcol(row, "source");
	f.evidence = json_object();
	json_object_foreach(row, k, v) {
		if (strcmp(k, "kind") && strcmp(k, "namespace") &&
		    strcmp(k, "name") && strcmp(k, "source"))
			json_object_set(f.evidence, k, v);
	}
	f.diagnose = json_array();
	json_array_foreach(diag, i, v) {
		if (json_is_string(v)) {
			char *c = pm_template_fill(json_string_value(v), row);
			json_array_append_new(f.diagnose, json_string(c));
			free(c);
		}
	}
	return push_finding(res, &f);
}

static int push_run(struct pm_results *res, const struct pm_rule *r,
		    int status, const char *reason, size_t nf)
{
	struct pm_rule_result *p = realloc(res->runs, (res->nruns + 1) * sizeof(*p));
	if (!p)
		return -1;
	res->runs = p;
	p[res->nruns].rule = r;
	p[res->nruns].status = status;
	p[res->nruns].reason = reason ? strdup(reason) : NULL;
	p[res->nruns].findings = nf;
	res->nruns++;
	return 0;
}

/* Returns a reason the rule cannot run, or NULL; *table names the
 * required table that is empty or absent. */
static const char *missing_tables(struct pm_store *st, const struct pm_rule *r,
				  char *buf, size_t n, const char **table)
{
	size_t i;
	json_t *v;
	json_array_foreach(r->requires, i, v) {
		const char *t = json_string_value(v);
		int c;
		if (!t)
			continue;
		c = pm_store_has_rows(st, t);
		if (table)
			*table = t;
		if (c < 0) {
			snprintf(buf, n, "table %s does not exist", t);
			return buf;
		}
		if (c == 0) {
			snprintf(buf, n, "no data: %s is empty in this bundle", t);
			return buf;
		}
	}
	return NULL;
}

/*
 * The ruleset as a table, written before any rule runs, so that rules of
 * the collection section can name the rules a failed step left blind:
 * `blind_on` is the required table that is empty, NULL when none is.
 */
static int save_ruleset(const struct pm_ruleset *rs, struct pm_store *st,
			struct pm_error *err)
{
	static const char sql[] =
		"INSERT INTO rules(id, section, severity, file, requires, blind_on)"
		" VALUES (?1,?2,?3,?4,?5,?6)";
	for (size_t i = 0; i < rs->n; i++) {
		const struct pm_rule *r = &rs->rules[i];
		const char *table = NULL;
		char why[300], *req;
		sqlite3_stmt *s = pm_store_stmt(st, sql, err);
		if (!s)
			return err->code;
		if (!missing_tables(st, r, why, sizeof(why), &table))
			table = NULL;
		req = r->requires ? json_dumps(r->requires, JSON_COMPACT) : NULL;
		pm_bind_text(s, 1, r->id, -1);
		pm_bind_text(s, 2, r->section, -1);
		pm_bind_text(s, 3, pm_severity_name(r->severity), -1);
		pm_bind_text(s, 4, r->file, -1);
		pm_bind_text(s, 5, req ? req : "[]", -1);
		pm_bind_text(s, 6, table, -1);
		free(req);
		if (pm_store_run(st, s, err))
			return err->code;
	}
	return 0;
}

static int run_rule(const struct pm_ruleset *rs, struct pm_store *st,
		    const struct pm_rule *r, struct pm_results *res)
{
	sqlite3 *db = pm_store_db(st);
	sqlite3_stmt *s;
	char why[512];
	const char *skip = missing_tables(st, r, why, sizeof(why), NULL);
	size_t before = res->nfindings, nrows = 0;
	int rc;

	if (skip)
		return push_run(res, r, PM_RULE_SKIPPED, skip, 0);
	if (sqlite3_prepare_v2(db, r->query, -1, &s, NULL) != SQLITE_OK) {
		snprintf(why, sizeof(why), "%s:%ld: rule %s: %s", r->file, r->line,
			 r->id, sqlite3_errmsg(db));
		return push_run(res, r, PM_RULE_ERROR, why, 0);
	}
	if (!sqlite3_stmt_readonly(s)) {
		sqlite3_finalize(s);
		snprintf(why, sizeof(why), "%s:%ld: rule %s: query must only read",
			 r->file, r->line, r->id);
		return push_run(res, r, PM_RULE_ERROR, why, 0);
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		json_t *row = json_object();
		int nc = sqlite3_column_count(s);
		if (++nrows > MAX_FINDINGS_PER_RULE) {
			json_decref(row);
			break;
		}
		for (int i = 0; i < nc; i++)
			json_object_set_new(row, sqlite3_column_name(s, i),
					    column_value(s, i));
		make_finding(rs, r, row, res);
		json_decref(row);
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		snprintf(why, sizeof(why), "%s:%ld: rule %s: %s", r->file, r->line,
			 r->id, sqlite3_errmsg(db));
		sqlite3_finalize(s);
		return push_run(res, r, PM_RULE_ERROR, why, res->nfindings - before);
	}
	sqlite3_finalize(s);
	if (nrows > MAX_FINDINGS_PER_RULE) {
		snprintf(why, sizeof(why), "only the first %d findings kept",
			 MAX_FINDINGS_PER_RULE);
		return push_run(res, r, PM_RULE_FIRED, why, res->nfindings - before);
	}
	return push_run(res, r, nrows ? PM_RULE_FIRED : PM_RULE_PASSED, NULL,
			res->nfindings - before);
}

static int strcmp0(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static int cmp_finding(const void *pa, const void *pb)
{
	const struct pm_finding *a = pa, *b = pb;
	int c;
	if (a->severity != b->severity)
		return b->severity - a->severity;
	if ((c = strcmp(a->rule->section, b->rule->section)))
		return c;
	if ((c = strcmp(a->rule->id, b->rule->id)))
		return c;
	if ((c = strcmp0(a->ns, b->ns)))
		return c;
	if ((c = strcmp0(a->name, b->name)))
		return c;
	if ((c = strcmp0(a->message, b->message)))
		return c;
	return strcmp0(a->source, b->source);
}

static int load_thresholds(const struct pm_ruleset *rs, struct pm_store *st,
			   struct pm_error *err)
{
	static const char sql[] =
		"INSERT OR REPLACE INTO thresholds(name, value, unit, why) VALUES (?1,?2,?3,?4)";
	size_t i;
	json_t *t;

	if (pm_store_exec(st, "CREATE TABLE IF NOT EXISTS thresholds("
			      "name TEXT PRIMARY KEY, value REAL, unit TEXT, why TEXT)",
			  err))
		return err->code;
	json_array_foreach(rs->thresholds, i, t) {
		sqlite3_stmt *s = pm_store_stmt(st, sql, err);
		if (!s)
			return err->code;
		pm_bind_text(s, 1, jstr(t, "name"), -1);
		sqlite3_bind_double(s, 2, json_number_value(json_object_get(t, "value")));
		pm_bind_text(s, 3, jstr(t, "unit"), -1);
		pm_bind_text(s, 4, jstr(t, "why"), -1);
		if (pm_store_run(st, s, err))
			return err->code;
	}
	return 0;
}

static int save_results(const struct pm_results *res, struct pm_store *st,
			struct pm_error *err)
{
	static const char fsql[] =
		"INSERT INTO findings(rule, section, severity, title, message, kind,"
		" namespace, name, evidence, source) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)";
	static const char rsql[] =
		"INSERT INTO rule_runs(rule, section, status, reason, findings)"
		" VALUES (?1,?2,?3,?4,?5)";
	static const char *const status[] = { "passed", "fired", "skipped", "error" };

	for (size_t i = 0; i < res->nfindings; i++) {
		const struct pm_finding *f = &res->findings[i];
		sqlite3_stmt *s = pm_store_stmt(st, fsql, err);
		char *ev;
		if (!s)
			return err->code;
		ev = json_dumps(f->evidence, JSON_COMPACT | JSON_SORT_KEYS);
		pm_bind_text(s, 1, f->rule->id, -1);
		pm_bind_text(s, 2, f->rule->section, -1);
		pm_bind_text(s, 3, pm_severity_name(f->severity), -1);
		pm_bind_text(s, 4, jstr(f->rule->doc, "title") ? jstr(f->rule->doc, "title")
			     : jstr(json_object_get(f->rule->doc, "title"), "en"), -1);
		pm_bind_text(s, 5, f->message, -1);
		pm_bind_text(s, 6, f->kind, -1);
		pm_bind_text(s, 7, f->ns, -1);
		pm_bind_text(s, 8, f->name, -1);
		pm_bind_text(s, 9, ev, -1);
		pm_bind_text(s, 10, f->source, -1);
		free(ev);
		if (pm_store_run(st, s, err))
			return err->code;
	}
	for (size_t i = 0; i < res->nruns; i++) {
		sqlite3_stmt *s = pm_store_stmt(st, rsql, err);
		if (!s)
			return err->code;
		pm_bind_text(s, 1, res->runs[i].rule->id, -1);
		pm_bind_text(s, 2, res->runs[i].rule->section, -1);
		pm_bind_text(s, 3, status[res->runs[i].status], -1);
		pm_bind_text(s, 4, res->runs[i].reason, -1);
		sqlite3_bind_int64(s, 5, (sqlite3_int64)res->runs[i].findings);
		if (pm_store_run(st, s, err))
			return err->code;
	}
	return 0;
}

/* ---- log signals: one pass over log_rows when the load did not tag ---- */

struct sigline {
	unsigned char *seen;  /* per signal: already tagged on this line */
	int *list;            /* the signals tagged on this line */
	int n;
};

static void on_signal(void *arg, int id)
{
	struct sigline *sl = arg;
	if (!sl->seen[id]) {
		sl->seen[id] = 1;
		sl->list[sl->n++] = id;
	}
}

/*
 * log_signals: every log line read once, all patterns of all signals
 * searched at once in message || ' ' || fields (as the rules' LIKE
 * '%p%' would see it), one row per (line, signal).
 */
static int fill_log_signals(const struct pm_ruleset *rs, struct pm_store *st,
			    struct pm_error *err)
{
	static const char qsql[] = "SELECT id, message, fields FROM log_rows";
	static const char isql[] =
		"INSERT INTO log_signals(line_id, signal, file, time)"
		" SELECT ?1, ?2, file, time FROM log_rows WHERE id = ?1";
	size_t nsig = json_array_size(rs->log_signals), i, k;
	struct pm_multimatch mm;
	struct sigline sl = { NULL, NULL, 0 };
	sqlite3_stmt *q, *ins;
	json_t *sg, *p;
	int rc = 0, step;

	if (!nsig)
		return 0;
	pm_multimatch_init(&mm);
	json_array_foreach(rs->log_signals, i, sg)
		json_array_foreach(json_object_get(sg, "patterns"), k, p)
			if ((rc = pm_multimatch_add(&mm, json_string_value(p),
						    json_string_length(p), (int)i, err)))
				goto out;
	if ((rc = pm_multimatch_build(&mm, err)))
		goto out;
	sl.seen = calloc(nsig, 1);
	sl.list = malloc(nsig * sizeof(*sl.list));
	if (!sl.seen || !sl.list) {
		rc = pm_error_set(err, PM_ENOMEM, "out of memory");
		goto out;
	}
	if (!(q = pm_store_stmt(st, qsql, err))) {
		rc = err->code;
		goto out;
	}
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		const unsigned char *msg = sqlite3_column_text(q, 1);
		const unsigned char *fields;
		uint32_t s;
		if (!msg) /* NULL || ... is NULL: LIKE finds nothing */
			continue;
		s = pm_multimatch_feed(&mm, PM_MULTIMATCH_START, msg,
				       (size_t)sqlite3_column_bytes(q, 1),
				       on_signal, &sl);
		s = pm_multimatch_feed(&mm, s, " ", 1, on_signal, &sl);
		if ((fields = sqlite3_column_text(q, 2)))
			pm_multimatch_feed(&mm, s, fields,
					   (size_t)sqlite3_column_bytes(q, 2),
					   on_signal, &sl);
		for (int j = 0; j < sl.n; j++) {
			if (!(ins = pm_store_stmt(st, isql, err))) {
				rc = err->code;
				break;
			}
			sqlite3_bind_int64(ins, 1, sqlite3_column_int64(q, 0));
			pm_bind_text(ins, 2, jstr(json_array_get(rs->log_signals,
						  (size_t)sl.list[j]), "signal"), -1);
			if ((rc = pm_store_run(st, ins, err)))
				break;
			sl.seen[sl.list[j]] = 0;
		}
		if (rc)
			break;
		sl.n = 0;
	}
	if (!rc && step != SQLITE_DONE)
		rc = pm_error_set(err, PM_EDB, "log_signals: %s",
				  sqlite3_errmsg(pm_store_db(st)));
	sqlite3_reset(q);
out:
	free(sl.seen);
	free(sl.list);
	pm_multimatch_release(&mm);
	return rc;
}

/*
 * log_subjects: for error/fatal/warning lines, the value of each
 * configured field (backup, restore, ...), so a rule finds "the errors
 * of backup ns/name" by index instead of json_extract over every line.
 * One scan for all keys (the keys are the inner loop, so a line's JSON
 * is parsed once); json_valid first: one malformed fields text must not
 * stop the run.  Keys are plain names (checked when loaded).
 */
static int fill_log_subjects(const struct pm_ruleset *rs, struct pm_store *st,
			     struct pm_error *err)
{
	static const char sql[] =
		"INSERT INTO log_subjects(line_id, key, value)"
		" SELECT id, key, v FROM (SELECT l.id, k.value AS key,"
		"   json_extract(l.fields, '$.\"' || k.value || '\"') AS v"
		"  FROM log_rows l, json_each(?1) k"
		"  WHERE l.level IN ('error', 'fatal', 'warning')"
		"   AND l.fields IS NOT NULL AND json_valid(l.fields))"
		" WHERE v IS NOT NULL";
	sqlite3_stmt *s;
	char *keys;
	int rc;

	if (!json_array_size(rs->log_subject_keys))
		return 0;
	if (!(s = pm_store_stmt(st, sql, err)))
		return err->code;
	if (!(keys = json_dumps(rs->log_subject_keys, JSON_COMPACT)))
		return pm_error_set(err, PM_ENOMEM, "out of memory");
	pm_bind_text(s, 1, keys, -1);
	rc = pm_store_run(st, s, err);
	free(keys);
	return rc;
}

static int fill_log_tables(const struct pm_ruleset *rs, struct pm_store *st,
			   struct pm_error *err)
{
	/* filled by the load already; or a store made before these tables
	 * existed: nothing to fill */
	if (rs->lines_tagged || pm_store_has_rows(st, "log_rows") < 0 ||
	    pm_store_has_rows(st, "log_signals") < 0 ||
	    pm_store_has_rows(st, "log_subjects") < 0)
		return 0;
	if (pm_store_exec(st, "DELETE FROM log_signals; DELETE FROM log_subjects;",
			  err))
		return err->code;
	if (fill_log_signals(rs, st, err))
		return err->code;
	return fill_log_subjects(rs, st, err);
}

int pm_rules_run(const struct pm_ruleset *rs, struct pm_store *st,
		 struct pm_results *out, struct pm_error *err)
{
	memset(out, 0, sizeof(*out));
	if (load_thresholds(rs, st, err) || fill_log_tables(rs, st, err) ||
	    save_ruleset(rs, st, err))
		return err->code;
	for (size_t i = 0; i < rs->n; i++)
		if (run_rule(rs, st, &rs->rules[i], out) < 0)
			return pm_error_set(err, PM_ENOMEM, "out of memory");
	if (out->nfindings)
		qsort(out->findings, out->nfindings, sizeof(*out->findings), cmp_finding);
	return save_results(out, st, err);
}

void pm_results_release(struct pm_results *r)
{
	for (size_t i = 0; i < r->nfindings; i++) {
		struct pm_finding *f = &r->findings[i];
		free(f->message);
		free(f->kind);
		free(f->ns);
		free(f->name);
		free(f->source);
		json_decref(f->evidence);
		json_decref(f->diagnose);
	}
	for (size_t i = 0; i < r->nruns; i++)
		free(r->runs[i].reason);
	free(r->findings);
	free(r->runs);
	memset(r, 0, sizeof(*r));
}
