/*
 * ruletest.c - `podmortem rules test`; see ruletest.h.
 *
 * Each fixture bundle is analyzed in memory with the whole rule pack;
 * only the rule under test is judged, so fixtures stay small and other
 * rules may fire on them freely.
 */
#include "podmortem/ruletest.h"
#include "podmortem/analyze.h"
#include "podmortem/buf.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TREE_DEPTH 12
#define COPY_MAX (64L << 20)

struct run {
	const struct pm_ruletest_opts *o;
	struct pm_ruletest_summary *sum;
	const char *fixtures;
};

static void emitf(const struct run *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void emitf(const struct run *r, const char *fmt, ...)
{
	char line[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (r->o->emit)
		r->o->emit(r->o->arg, line);
}

static int is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}


/* ---- overlay: a fixture is _base plus the files it changes ---- */

static int copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *out;
	char buf[65536];
	size_t got;
	long total = 0;
	int rc = 0;

	if (!in)
		return -1;
	if (!(out = fopen(to, "wb"))) {
		fclose(in);
		return -1;
	}
	while ((got = fread(buf, 1, sizeof(buf), in)) > 0) {
		total += (long)got;
		if (total > COPY_MAX || fwrite(buf, 1, got, out) != got) {
			rc = -1;
			break;
		}
	}
	fclose(in);
	if (fclose(out))
		rc = -1;
	return rc;
}

/* Copies src's tree into dst (which exists), leaving out the top-level
 * manifest.json; no symlinks followed. */
static int copy_tree(const char *src, const char *dst, int depth)
{
	DIR *d;
	struct dirent *de;
	int rc = 0;

	if (depth > TREE_DEPTH || !(d = opendir(src)))
		return -1;
	while (rc == 0 && (de = readdir(d))) {
		char a[4096], b[4096];
		struct stat st;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (depth == 0 && !strcmp(de->d_name, "manifest.json"))
			continue;
		if ((size_t)snprintf(a, sizeof(a), "%s/%s", src, de->d_name) >= sizeof(a) ||
		    (size_t)snprintf(b, sizeof(b), "%s/%s", dst, de->d_name) >= sizeof(b) ||
		    lstat(a, &st)) {
			rc = -1;
			break;
		}
		if (S_ISDIR(st.st_mode)) {
			if (mkdir(b, 0700) && errno != EEXIST)
				rc = -1;
			else
				rc = copy_tree(a, b, depth + 1);
		} else if (S_ISREG(st.st_mode)) {
			rc = copy_file(a, b);
		}
	}
	closedir(d);
	return rc;
}

static void remove_tree(const char *path, int depth)
{
	DIR *d;
	struct dirent *de;

	if (depth > TREE_DEPTH + 1)
		return;
	if ((d = opendir(path))) {
		while ((de = readdir(d))) {
			char p[4096];
			struct stat st;
			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				continue;
			if ((size_t)snprintf(p, sizeof(p), "%s/%s", path, de->d_name) >= sizeof(p))
				continue;
			if (!lstat(p, &st) && S_ISDIR(st.st_mode))
				remove_tree(p, depth + 1);
			else
				unlink(p);
		}
		closedir(d);
	}
	rmdir(path);
}

/* base manifest + overlay {"items": [...], "remove": [paths], other keys}
 * -> out: items replaced or added by path, removed paths dropped (and
 * their files deleted from the merged tree).  An overlay item of a step
 * that failed or timed out drops the base's file too, unless the overlay
 * brings its own (a partial output). */
static int merge_manifest(const char *base, const char *over, const char *tree)
{
	char path[4200];
	json_t *bm = json_load_file(base, 0, NULL), *om, *items, *v;
	const char *k;
	size_t i;
	int rc;

	if (!json_is_object(bm)) {
		json_decref(bm);
		return -1;
	}
	items = json_object_get(bm, "items");
	om = json_load_file(over, 0, NULL);
	if (json_is_object(om)) {
		json_array_foreach(json_object_get(om, "items"), i, v) {
			const char *p = json_string_value(json_object_get(v, "path"));
			size_t j;
			json_t *w;
			int replaced = 0;
			json_array_foreach(items, j, w) {
				if (p && !strcmp(p, json_string_value(json_object_get(w, "path")) ?
					       json_string_value(json_object_get(w, "path")) : "")) {
					json_array_set(items, j, v);
					replaced = 1;
					break;
				}
			}
			if (!replaced)
				json_array_append(items, v);
			/* a step that failed left no file, unless the overlay has one */
			if (p && !strstr(p, "..") &&
			    (json_integer_value(json_object_get(v, "exit_code")) != 0 ||
			     json_is_true(json_object_get(v, "timed_out")))) {
				char own[4200];
				const char *slash = strrchr(over, '/');
				snprintf(own, sizeof(own), "%.*s/%s",
					 slash ? (int)(slash - over) : 1, slash ? over : ".", p);
				if (access(own, F_OK) != 0) {
					snprintf(path, sizeof(path), "%s/%s", tree, p);
					unlink(path);
				}
			}
		}
		json_array_foreach(json_object_get(om, "remove"), i, v) {
			const char *p = json_string_value(v);
			size_t j;
			if (!p || strstr(p, ".."))
				continue;
			for (j = json_array_size(items); j-- > 0;) {
				const char *q = json_string_value(json_object_get(json_array_get(items, j), "path"));
				if (q && !strcmp(q, p))
					json_array_remove(items, j);
			}
			snprintf(path, sizeof(path), "%s/%s", tree, p);
			unlink(path);
		}
		json_object_foreach(om, k, v)
			if (strcmp(k, "items") && strcmp(k, "remove"))
				json_object_set(bm, k, v);
	}
	json_decref(om);
	snprintf(path, sizeof(path), "%s/manifest.json", tree);
	rc = json_dump_file(bm, path, JSON_INDENT(1));
	json_decref(bm);
	return rc;
}

/* The bundle to analyze for a fixture folder: itself when there is no
 * _base, else a merged copy in a temporary folder (tmp[0] set). */
static int materialize(const char *fixtures, const char *fixture, char *tmp,
		       size_t n, char *why, size_t wn)
{
	char basedir[4200], bman[4300], oman[4300];
	const char *t = getenv("TMPDIR");

	tmp[0] = '\0';
	snprintf(basedir, sizeof(basedir), "%s/_base", fixtures);
	if (!is_dir(basedir))
		return 0;
	snprintf(tmp, n, "%s/pm-ruletest.XXXXXX", t && *t ? t : "/tmp");
	if (!mkdtemp(tmp)) {
		snprintf(why, wn, "cannot make a temporary folder: %s", strerror(errno));
		tmp[0] = '\0';
		return -1;
	}
	snprintf(bman, sizeof(bman), "%s/manifest.json", basedir);
	snprintf(oman, sizeof(oman), "%s/manifest.json", fixture);
	if (copy_tree(basedir, tmp, 0) || copy_tree(fixture, tmp, 0) ||
	    merge_manifest(bman, oman, tmp)) {
		snprintf(why, wn, "cannot merge %.200s onto %.200s", fixture, basedir);
		remove_tree(tmp, 0);
		tmp[0] = '\0';
		return -1;
	}
	return 0;
}

/* What one analysis said about one rule. */
struct outcome {
	int status;          /* enum pm_rule_status, -1 when absent */
	char reason[512];
	json_t *resources;   /* sorted array of "ns/name" or "name" */
	json_t *texts;       /* messages and evidence, for "contains" */
};

static int cmp_json_str(const void *a, const void *b)
{
	return strcmp(json_string_value(*(json_t *const *)a),
		      json_string_value(*(json_t *const *)b));
}

/* A sorted copy of an array of strings (non-strings dropped). */
static json_t *sorted_strings(json_t *arr)
{
	size_t n = json_array_size(arr), k = 0, i;
	json_t **v = calloc(n ? n : 1, sizeof(*v)), *out = json_array(), *x;

	if (!v || !out) {
		free(v);
		return out;
	}
	json_array_foreach(arr, i, x)
		if (json_is_string(x))
			v[k++] = x;
	qsort(v, k, sizeof(*v), cmp_json_str);
	for (i = 0; i < k; i++)
		json_array_append(out, v[i]);
	free(v);
	return out;
}

static int analyze_for(const struct run *r, const char *fixture,
		       const char *rule_id, struct outcome *oc)
{
	struct pm_analyze_opts o;
	struct pm_analysis a;
	struct pm_error err;
	json_t *res = json_array();
	char tmp[4200];

	memset(oc, 0, sizeof(*oc));
	oc->status = -1;
	oc->texts = json_array();
	if (materialize(r->fixtures, fixture, tmp, sizeof(tmp), oc->reason,
			sizeof(oc->reason))) {
		oc->resources = res;
		return -1;
	}
	pm_analyze_opts_init(&o);
	o.bundle = tmp[0] ? tmp : fixture;
	o.rules_dir = r->o->rules_dir;
	o.in_memory = 1;
	pm_error_init(&err);
	pm_analysis_init(&a);
	if (pm_analyze(&o, &a, &err)) {
		char buf[1024];
		snprintf(oc->reason, sizeof(oc->reason), "analysis failed: %s",
			 pm_error_format(&err, buf, sizeof(buf)));
		pm_analysis_release(&a);
		if (tmp[0])
			remove_tree(tmp, 0);
		oc->resources = res;
		return -1;
	}
	for (size_t i = 0; i < a.results.nruns; i++) {
		const struct pm_rule_result *rr = &a.results.runs[i];
		if (strcmp(rr->rule->id, rule_id))
			continue;
		oc->status = rr->status;
		snprintf(oc->reason, sizeof(oc->reason), "%s",
			 rr->reason ? rr->reason : "");
	}
	for (size_t i = 0; i < a.results.nfindings; i++) {
		const struct pm_finding *f = &a.results.findings[i];
		char name[1024];
		char *ev;
		if (strcmp(f->rule->id, rule_id))
			continue;
		if (f->ns && *f->ns)
			snprintf(name, sizeof(name), "%s/%s", f->ns, f->name ? f->name : "");
		else
			snprintf(name, sizeof(name), "%s", f->name ? f->name : "");
		json_array_append_new(res, json_string(name));
		json_array_append_new(oc->texts, json_string(f->message ? f->message : ""));
		ev = json_dumps(f->evidence, JSON_COMPACT);
		if (ev)
			json_array_append_new(oc->texts, json_string(ev));
		free(ev);
	}
	oc->resources = sorted_strings(res);
	json_decref(res);
	pm_analysis_release(&a);
	if (tmp[0])
		remove_tree(tmp, 0);
	return 0;
}

static void outcome_release(struct outcome *oc)
{
	json_decref(oc->resources);
	json_decref(oc->texts);
}

static int table_missing(const struct outcome *oc)
{
	return oc->status == PM_RULE_SKIPPED && !strncmp(oc->reason, "table ", 6) &&
	       strstr(oc->reason, "does not exist");
}

static void join_strings(json_t *arr, char *out, size_t n)
{
	size_t i, used = 0;
	json_t *v;
	out[0] = '\0';
	json_array_foreach(arr, i, v) {
		int w = snprintf(out + used, n - used, "%s%s", i ? " " : "",
				 json_string_value(v));
		if (w < 0 || (size_t)w >= n - used)
			break;
		used += (size_t)w;
	}
}

/* 0 pass, 1 fail (why filled), 2 skipped. */
static int check_fire(const struct run *r, const char *dir, const char *id,
		      char *why, size_t n)
{
	char path[4300], got[1024], want[1024];
	json_t *exp, *wres, *v;
	json_error_t jerr;
	struct outcome oc;
	long long count;
	size_t i;
	int rc = 0;

	snprintf(path, sizeof(path), "%s/expect.json", dir);
	exp = json_load_file(path, 0, &jerr);
	if (!json_is_object(exp)) {
		snprintf(why, n, "expect.json: %s", exp ? "not an object" : jerr.text);
		json_decref(exp);
		return 1;
	}
	snprintf(path, sizeof(path), "%s/fire", dir);
	analyze_for(r, path, id, &oc);
	if (table_missing(&oc)) {
		snprintf(why, n, "%s", oc.reason);
		rc = 2;
	} else if (oc.status != PM_RULE_FIRED) {
		snprintf(why, n, "fire: rule %s%s%s",
			 oc.status == PM_RULE_PASSED ? "found nothing"
			 : oc.status == PM_RULE_SKIPPED ? "was skipped"
			 : oc.status == PM_RULE_ERROR ? "failed" : "did not run",
			 oc.reason[0] ? ": " : "", oc.reason);
		rc = 1;
	} else {
		count = json_integer_value(json_object_get(exp, "count"));
		if (json_is_integer(json_object_get(exp, "count")) &&
		    (long long)json_array_size(oc.resources) != count) {
			join_strings(oc.resources, got, sizeof(got));
			snprintf(why, n, "fire: %zu findings, expected %lld (%.800s)",
				 json_array_size(oc.resources), count, got);
			rc = 1;
		}
		wres = sorted_strings(json_object_get(exp, "resources"));
		if (!rc && json_is_array(json_object_get(exp, "resources")) &&
		    !json_equal(wres, oc.resources)) {
			join_strings(oc.resources, got, sizeof(got));
			join_strings(wres, want, sizeof(want));
			snprintf(why, n, "fire: resources [%.500s], expected [%.500s]", got, want);
			rc = 1;
		}
		json_decref(wres);
		json_array_foreach(json_object_get(exp, "contains"), i, v) {
			size_t k;
			json_t *t;
			int found = 0;
			if (rc || !json_is_string(v))
				break;
			json_array_foreach(oc.texts, k, t)
				if (strstr(json_string_value(t), json_string_value(v)))
					found = 1;
			if (!found) {
				snprintf(why, n, "fire: no finding mentions \"%.800s\"",
					 json_string_value(v));
				rc = 1;
			}
		}
	}
	outcome_release(&oc);
	json_decref(exp);
	return rc;
}

static int check_quiet(const struct run *r, const char *dir, const char *id,
		       char *why, size_t n)
{
	char path[4300], got[1024];
	struct outcome oc;
	int rc = 0;

	snprintf(path, sizeof(path), "%s/quiet", dir);
	analyze_for(r, path, id, &oc);
	if (table_missing(&oc)) {
		snprintf(why, n, "%s", oc.reason);
		rc = 2;
	} else if (oc.status == PM_RULE_FIRED) {
		join_strings(oc.resources, got, sizeof(got));
		snprintf(why, n, "quiet: rule fired (%.800s)", got);
		rc = 1;
	} else if (oc.status != PM_RULE_PASSED) {
		/* a quiet bundle that the rule cannot even read proves nothing */
		snprintf(why, n, "quiet: rule %s%s%s",
			 oc.status == PM_RULE_SKIPPED ? "was skipped"
			 : oc.status == PM_RULE_ERROR ? "failed" : "did not run",
			 oc.reason[0] ? ": " : "", oc.reason);
		rc = 1;
	}
	outcome_release(&oc);
	return rc;
}

static void test_rule(const struct run *r, const char *fixtures, const char *id)
{
	char dir[4096], why[1200] = "";
	int rc;

	snprintf(dir, sizeof(dir), "%s/%s", fixtures, id);
	if (!is_dir(dir)) {
		snprintf(why, sizeof(why), "no fixtures in %.1000s", dir);
		rc = 1;
	} else {
		char fire[4200], quiet[4200];
		snprintf(fire, sizeof(fire), "%s/fire", dir);
		snprintf(quiet, sizeof(quiet), "%s/quiet", dir);
		if (!is_dir(fire) || !is_dir(quiet)) {
			snprintf(why, sizeof(why), "needs both %s and %s",
				 is_dir(fire) ? "" : "fire/", is_dir(quiet) ? "" : "quiet/");
			rc = 1;
		} else {
			rc = check_fire(r, dir, id, why, sizeof(why));
			if (rc == 0)
				rc = check_quiet(r, dir, id, why, sizeof(why));
		}
	}
	if (rc == 0) {
		r->sum->passed++;
		emitf(r, "ok   %s", id);
	} else if (rc == 2) {
		r->sum->skipped++;
		emitf(r, "skip %s: %s", id, why);
	} else {
		r->sum->failed++;
		emitf(r, "FAIL %s: %s", id, why);
	}
}

/* Fixture folders that name no rule are mistakes (a renamed rule). */
static void orphan_fixtures(const struct run *r, const struct pm_ruleset *rs,
			    const char *fixtures)
{
	DIR *d = opendir(fixtures);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		int known = 0;
		char p[4200];
		if (de->d_name[0] == '.' || de->d_name[0] == '_')
			continue;
		snprintf(p, sizeof(p), "%s/%s", fixtures, de->d_name);
		if (!is_dir(p))
			continue;
		if (r->o->only && strncmp(de->d_name, r->o->only, strlen(r->o->only)))
			continue;
		for (size_t i = 0; i < rs->n && !known; i++)
			known = !strcmp(rs->rules[i].id, de->d_name);
		if (!known) {
			r->sum->failed++;
			emitf(r, "FAIL %s: fixtures for a rule that does not exist",
			      de->d_name);
		}
	}
	closedir(d);
}

int pm_ruletest_run(const struct pm_ruletest_opts *o,
		    struct pm_ruletest_summary *sum, struct pm_error *err)
{
	const char *rules_dir = o->rules_dir ? o->rules_dir : pm_analyze_default_rules();
	const char *fixtures = o->fixtures_dir ? o->fixtures_dir : "fixtures/rules";
	struct run r = { o, sum, fixtures };
	struct pm_ruleset rs;
	int rc;

	memset(sum, 0, sizeof(*sum));
	pm_ruleset_init(&rs, "en");
	if ((rc = pm_rules_load_dir(&rs, rules_dir, err))) {
		pm_ruleset_release(&rs);
		return rc;
	}
	if (!is_dir(fixtures)) {
		pm_ruleset_release(&rs);
		return pm_error_setat(err, PM_EIO, fixtures, 0,
				      "cannot read the rule fixtures folder");
	}
	for (size_t i = 0; i < rs.nerrors; i++) {
		sum->failed++;
		emitf(&r, "FAIL rule file: %s", rs.errors[i].message);
	}
	for (size_t i = 0; i < rs.n; i++) {
		if (o->only && strncmp(rs.rules[i].id, o->only, strlen(o->only)))
			continue;
		test_rule(&r, fixtures, rs.rules[i].id);
	}
	orphan_fixtures(&r, &rs, fixtures);
	pm_ruleset_release(&rs);
	return 0;
}
