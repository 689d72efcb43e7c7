/*
 * analyze.c - the analysis pipeline; see analyze.h.
 */
#include "podmortem/analyze.h"
#include "podmortem/logsink.h"
#include "podmortem/logfts.h"
#include "podmortem/outdir.h"
#include "podmortem/parse.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <errno.h>
#include <sys/stat.h>

#ifndef PM_DEFAULT_RULES_DIR
#define PM_DEFAULT_RULES_DIR "rules"
#endif
#define SNIFF_BYTES 4096

void pm_analyze_opts_init(struct pm_analyze_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->lang = "en";
	pm_bundle_limits_default(&o->limits);
}

void pm_analysis_init(struct pm_analysis *a)
{
	memset(a, 0, sizeof(*a));
	pm_manifest_init(&a->manifest);
}

void pm_analysis_release(struct pm_analysis *a)
{
	pm_results_release(&a->results);
	pm_ruleset_release(&a->rules);
	pm_manifest_release(&a->manifest);
	pm_store_close(a->store);
	a->store = NULL;
}

const char *pm_analyze_default_rules(void)
{
	const char *env = getenv("PODMORTEM_RULES");
	return env && *env ? env : PM_DEFAULT_RULES_DIR;
}

static const char *base_name(const char *path, char *buf, size_t n)
{
	size_t len = strlen(path);
	const char *slash;
	while (len > 1 && path[len - 1] == '/')
		len--;
	snprintf(buf, n, "%.*s", (int)len, path);
	slash = strrchr(buf, '/');
	return slash ? slash + 1 : buf;
}

void pm_analyze_default_outdir(const char *bundle, char *out, size_t n)
{
	static const char *const exts[] = { ".tar.gz", ".tgz", ".tar", ".tar.zst", ".tar.xz" };
	char tmp[4096];
	size_t len;

	snprintf(tmp, sizeof(tmp), "%s", bundle);
	len = strlen(tmp);
	while (len > 1 && tmp[len - 1] == '/')
		tmp[--len] = '\0';
	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		size_t el = strlen(exts[i]);
		if (len > el && !strcmp(tmp + len - el, exts[i])) {
			tmp[len - el] = '\0';
			break;
		}
	}
	snprintf(out, n, "%s-podmortem", tmp);
}

static int gapf(struct pm_analysis *a, const char *path, long line,
		const char *cat, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int gapf(struct pm_analysis *a, const char *path, long line,
		const char *cat, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	a->gaps++;
	return pm_store_gap(a->store, path, line, cat, msg);
}

/* ---- pass 1: the manifest (the collector writes it first, so this
 * stops at the first entry; elsewhere costs a pass over the archive) ---- */

static int read_manifest(struct pm_analysis *a, const struct pm_analyze_opts *o,
			 struct pm_error *err)
{
	struct pm_bundle *b;
	struct pm_entry e;
	struct pm_error e2;
	int rc;

	if ((rc = pm_bundle_open(&b, o->bundle, &o->limits, err)))
		return rc;
	pm_error_init(&e2);
	while ((rc = pm_bundle_next(b, &e, &e2)) == 1) {
		struct pm_input in;
		struct pm_buf buf = PM_BUF_INIT(PM_MANIFEST_MAX);
		if (e.kind != PM_ENTRY_FILE || strcmp(e.path, "manifest.json"))
			continue;
		pm_bundle_input(b, &in);
		in.max_bytes = PM_MANIFEST_MAX + 1;
		rc = pm_input_slurp(&in, &buf);
		pm_input_release(&in);
		if (rc)
			gapf(a, "manifest.json", 0, "manifest",
			     "manifest cannot be read (%s); files typed by path and content",
			     pm_status_name(rc));
		else if (pm_manifest_parse(&a->manifest, buf.data, buf.len,
					   "manifest.json", &e2)) {
			gapf(a, "manifest.json", e2.line, "manifest",
			     "%s; files typed by path and content", e2.msg);
			pm_manifest_release(&a->manifest);
			a->manifest.present = 0;
		}
		pm_buf_release(&buf);
		rc = 1;
		break;
	}
	pm_bundle_free(b);
	/* rc 1: found (read or not, a gap says which); 0 or < 0: the walk
	 * ended, or the archive broke off, before any manifest.json */
	if (rc <= 0)
		gapf(a, "manifest.json", 0, "manifest",
		     "bundle has no manifest.json; files typed by path and content, "
		     "nothing is known of how they were collected");
	return 0;
}

static int store_bundle(struct pm_analysis *a, struct pm_error *err)
{
	static const char bsql[] =
		"INSERT INTO bundle(format, collector_name, collector_version, context,"
		" server, k8s_version, collected_at, source, manifest_present,"
		" analyzer_version) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)";
	static const char csql[] =
		"INSERT INTO collection(path, type, command, exit_code, stderr,"
		" started_at, duration_ms, timed_out, truncated, namespace, pod,"
		" container, previous, host, redactions, step, not_run)"
		" VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17)";
	const struct pm_manifest *m = &a->manifest;
	sqlite3_stmt *s = pm_store_stmt(a->store, bsql, err);

	if (!s)
		return err->code;
	if (m->present)
		sqlite3_bind_int(s, 1, m->format);
	pm_bind_text(s, 2, m->collector_name, -1);
	pm_bind_text(s, 3, m->collector_version, -1);
	pm_bind_text(s, 4, m->context, -1);
	pm_bind_text(s, 5, m->server, -1);
	pm_bind_text(s, 6, m->k8s_version, -1);
	pm_bind_text(s, 7, m->collected_at, -1);
	pm_bind_text(s, 8, a->source, -1);
	sqlite3_bind_int(s, 9, m->present);
	pm_bind_text(s, 10, PM_VERSION, -1);
	if (pm_store_run(a->store, s, err))
		return err->code;
	if (m->present && !m->collected_at)
		gapf(a, "manifest.json", 0, "manifest",
		     "collected_at missing or unreadable: time-based rules have no 'now'");
	for (size_t i = 0; i < m->nitems; i++) {
		const struct pm_item *it = &m->items[i];
		s = pm_store_stmt(a->store, csql, err);
		if (!s)
			return err->code;
		pm_bind_text(s, 1, it->path, -1);
		pm_bind_text(s, 2, it->type, -1);
		pm_bind_text(s, 3, it->command, -1);
		if (it->has_exit_code)
			sqlite3_bind_int(s, 4, it->exit_code);
		pm_bind_text(s, 5, it->stderr_text, -1);
		pm_bind_text(s, 6, it->started_at, -1);
		sqlite3_bind_int64(s, 7, it->duration_ms);
		sqlite3_bind_int(s, 8, it->timed_out);
		sqlite3_bind_int(s, 9, it->truncated);
		pm_bind_text(s, 10, it->ns, -1);
		pm_bind_text(s, 11, it->pod, -1);
		pm_bind_text(s, 12, it->container, -1);
		sqlite3_bind_int(s, 13, it->previous);
		pm_bind_text(s, 14, it->host, -1);
		sqlite3_bind_int64(s, 15, it->redactions);
		pm_bind_text(s, 16, it->step, -1);
		sqlite3_bind_int(s, 17, it->not_run);
		if (pm_store_run(a->store, s, err))
			return err->code;
		/* what the collector could not get is a gap, never "healthy" */
		if (it->not_run)
			gapf(a, it->path, 0, "collect",
			     "not collected: the collector's deadline came first");
		else if (it->timed_out)
			gapf(a, it->path, 0, "collect", "collection timed out after %lld ms",
			     it->duration_ms);
		else if (it->has_exit_code && it->exit_code != 0) {
			const char *se = it->stderr_text ? it->stderr_text : "";
			const char *nl = strchr(se, '\n');
			gapf(a, it->path, 0, "collect", "command exited %d%s%.*s",
			     it->exit_code, *se ? ": " : "",
			     (int)(nl ? nl - se : (int)strlen(se) > 300 ? 300 : (int)strlen(se)),
			     se);
		}
		if (it->truncated)
			gapf(a, it->path, 0, "truncated",
			     "output cut at the collector's size cap");
	}
	if (m->bad_items)
		gapf(a, "manifest.json", 0, "manifest",
		     "%ld manifest items without a path were ignored", m->bad_items);
	return 0;
}

/* ---- pass 2: every entry ---- */

static int record_file(struct pm_analysis *a, const char *path, long long size,
		       const char *type, const char *from, const char *status,
		       long rows, const char *detail, struct pm_error *err)
{
	static const char sql[] =
		"INSERT INTO files(path, size, type, type_from, status, rows, detail)"
		" VALUES (?1,?2,?3,?4,?5,?6,?7)";
	sqlite3_stmt *s = pm_store_stmt(a->store, sql, err);
	if (!s)
		return err->code;
	pm_bind_text(s, 1, path, -1);
	if (size >= 0)
		sqlite3_bind_int64(s, 2, size);
	pm_bind_text(s, 3, type, -1);
	pm_bind_text(s, 4, from, -1);
	pm_bind_text(s, 5, status, -1);
	sqlite3_bind_int64(s, 6, rows);
	pm_bind_text(s, 7, detail, -1);
	return pm_store_run(a->store, s, err);
}

static int load_file(struct pm_analysis *a, struct pm_bundle *b,
		     const struct pm_entry *e, struct pm_logsink *logs,
		     struct pm_error *err)
{
	const struct pm_item *it = pm_manifest_find(&a->manifest, e->path);
	const struct pm_parser *p = NULL;
	const char *from = "none", *status;
	struct pm_parse_ctx ctx;
	struct pm_input in;
	struct pm_error perr;
	int rc;

	pm_bundle_input(b, &in);
	if (it && it->type) {
		p = pm_parser_find(it->type);
		from = "manifest";
		if (!p)
			gapf(a, e->path, 0, "parse",
			     "no parser for type '%s': kept in the inventory only", it->type);
	} else {
		size_t got;
		const unsigned char *head = pm_input_peek(&in, SNIFF_BYTES, &got);
		p = pm_parser_sniff(e->path, head ? head : (const unsigned char *)"", got);
		from = p ? "sniffed" : "none";
	}
	if (!p) {
		rc = record_file(a, e->path, e->size, it ? it->type : NULL, from,
				 "skipped", 0, "no parser reads it", err);
		pm_input_release(&in);
		return rc;
	}
	memset(&ctx, 0, sizeof(ctx));
	pm_error_init(&perr);
	ctx.store = a->store;
	ctx.in = &in;
	ctx.item = it;
	ctx.manifest = &a->manifest;
	ctx.err = &perr;
	ctx.logs = logs;
	rc = p->parse(&ctx);
	pm_parse_finish(&ctx);
	if (rc == PM_EDB) {
		/* the store itself failed: nothing more can be recorded */
		pm_input_release(&in);
		*err = perr;
		return rc;
	}
	if (rc) {
		char line[1200];
		gapf(a, e->path, perr.line, "parse", "%s",
		     perr.msg[0] ? perr.msg : pm_status_name(rc));
		snprintf(line, sizeof(line), "%s", perr.msg);
		status = ctx.rows ? "partial" : "failed";
		rc = record_file(a, e->path, e->size, p->type, from, status, ctx.rows,
				 line, err);
	} else {
		status = ctx.bad || in.truncated || in.long_lines ? "partial" : "parsed";
		rc = record_file(a, e->path, e->size, p->type, from, status, ctx.rows,
				 NULL, err);
	}
	a->gaps += ctx.gaps + (in.truncated ? 1 : 0) + (in.long_lines ? 1 : 0);
	pm_input_release(&in);
	return rc;
}

/* A path seen before: an archive may hold the same name twice. */
static int seen_before(struct pm_analysis *a, const char *path)
{
	static const char sql[] = "SELECT 1 FROM files WHERE path = ?1 LIMIT 1";
	struct pm_error e;
	sqlite3_stmt *s = pm_store_stmt(a->store, sql, &e);
	int seen;
	if (!s)
		return 0;
	pm_bind_text(s, 1, path, -1);
	seen = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_reset(s);
	return seen;
}

static int load_entries(struct pm_analysis *a, const struct pm_analyze_opts *o,
			struct pm_error *err)
{
	struct pm_bundle *b;
	struct pm_entry e;
	struct pm_error berr;
	struct pm_logsink *logs;
	int rc;

	if ((rc = pm_bundle_open(&b, o->bundle, &o->limits, err)))
		return rc;
	/* log lines are tagged with the rules' signals as they are loaded:
	 * one pass over them instead of a second scan of the store */
	if ((rc = pm_logsink_new(&logs, a->store, o->threads != 1, err)) ||
	    (rc = pm_logsink_set_signals(logs, a->rules.log_signals,
					 a->rules.log_subject_keys, err))) {
		pm_logsink_free(logs);
		pm_bundle_free(b);
		return rc;
	}
	pm_error_init(&berr);
	while ((rc = pm_bundle_next(b, &e, &berr)) == 1) {
		a->files++;
		if (seen_before(a, e.path)) {
			/* the first copy wins; loading both would double findings */
			gapf(a, e.path, 0, "unsafe",
			     "duplicate entry in the archive: only the first copy is read");
			continue;
		}
		if (e.kind == PM_ENTRY_REFUSED) {
			gapf(a, e.path, 0, "unsafe", "%s", e.why);
			rc = record_file(a, e.path, e.size, NULL, "none", "refused", 0,
					 e.why, err);
		} else if (e.kind == PM_ENTRY_LINK) {
			rc = record_file(a, e.path, e.size, NULL, "none", "skipped", 0,
					 e.why, err);
		} else if (!strcmp(e.path, "manifest.json")) {
			rc = record_file(a, e.path, e.size, "manifest", "none",
					 a->manifest.present ? "parsed" : "failed", 0, NULL, err);
		} else {
			rc = load_file(a, b, &e, logs, err);
		}
		if (rc)
			break;
	}
	if (rc < 0 && rc != PM_EDB && err->code != PM_EDB) {
		/* a damaged archive: keep what was read, say where it stopped */
		a->damaged = 1;
		gapf(a, o->bundle ? a->source : "", 0, "read", "%s; %ld entries were read",
		     berr.msg[0] ? berr.msg : err->msg, a->files);
		rc = 0;
	}
	pm_bundle_free(b);
	if (!rc)
		rc = pm_logsink_finish(logs, err);
	a->rules.lines_tagged = !rc && pm_logsink_tags_lines(logs);
	pm_logsink_free(logs);
	return rc;
}

/* Manifest items with no file in the bundle: listed, never seen. */
static int missing_items(struct pm_analysis *a, struct pm_error *err)
{
	static const char sql[] =
		"SELECT c.path FROM collection c WHERE NOT EXISTS"
		" (SELECT 1 FROM files f WHERE f.path = c.path)"
		" AND (c.exit_code IS NULL OR c.exit_code = 0) AND c.timed_out = 0"
		" AND coalesce(c.not_run, 0) = 0"
		" ORDER BY c.path";
	sqlite3_stmt *s;
	int n = 0;

	if (sqlite3_prepare_v2(pm_store_db(a->store), sql, -1, &s, NULL) != SQLITE_OK)
		return pm_error_set(err, PM_EDB, "%s", sqlite3_errmsg(pm_store_db(a->store)));
	while (sqlite3_step(s) == SQLITE_ROW) {
		char path[1024];
		snprintf(path, sizeof(path), "%s", (const char *)sqlite3_column_text(s, 0));
		n++;
		gapf(a, path, 0, "read", "listed in the manifest but not in the bundle");
	}
	sqlite3_finalize(s);
	(void)n;
	return 0;
}

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

int pm_analyze(const struct pm_analyze_opts *o, struct pm_analysis *a,
	       struct pm_error *err)
{
	struct pm_analyze_opts local;
	double t0;
	char dbpath[4200];
	const char *rules_dir = o->rules_dir ? o->rules_dir : pm_analyze_default_rules();
	int rc;

	{
		const char *bn = base_name(o->bundle, dbpath, sizeof(dbpath));
		size_t l = strlen(bn);
		if (l >= sizeof(a->source))
			l = sizeof(a->source) - 1;
		memcpy(a->source, bn, l);
		a->source[l] = '\0';
	}
	if (o->outdir)
		snprintf(a->outdir, sizeof(a->outdir), "%s", o->outdir);
	else
		pm_analyze_default_outdir(o->bundle, a->outdir, sizeof(a->outdir));

	/* An output folder inside a bundle folder is not part of the bundle:
	 * reading it would load this analysis's own files. */
	{
		char rb[4096], ro[4096];
		struct stat st;
		size_t n;
		local = *o;
		if (!o->in_memory && stat(o->bundle, &st) == 0 && S_ISDIR(st.st_mode) &&
		    realpath(o->bundle, rb) &&
		    (mkdir(a->outdir, 0755) == 0 || errno == EEXIST) &&
		    realpath(a->outdir, ro) && (n = strlen(rb)) < strlen(ro) &&
		    !strncmp(rb, ro, n) && ro[n] == '/') {
			snprintf(a->exclude, sizeof(a->exclude), "%s", ro + n + 1);
			local.limits.exclude = a->exclude;
		}
		o = &local;
	}

	/* Rules first: a broken rules folder should fail before any work. */
	pm_ruleset_init(&a->rules, o->lang);
	if ((rc = pm_rules_load_dir(&a->rules, rules_dir, err)))
		return rc;
	{
		/* Can the bundle be opened at all?  Exit 3 territory if not. */
		struct pm_bundle *probe;
		if ((rc = pm_bundle_open(&probe, o->bundle, &o->limits, err)))
			return rc;
		pm_bundle_free(probe);
	}
	if (o->in_memory) {
		if ((rc = pm_store_open_memory(&a->store, err)))
			return rc;
	} else {
		if ((rc = pm_outdir_prepare(a->outdir, err)))
			return rc;
		snprintf(dbpath, sizeof(dbpath), "%s/bundle.db", a->outdir);
		if ((rc = pm_store_open(&a->store, dbpath, err)))
			return rc;
	}
	if ((rc = pm_store_begin(a->store, err)))
		return rc;
	t0 = now_ms();
	if ((rc = read_manifest(a, o, err)))
		return rc;
	a->ms_manifest = now_ms() - t0;
	if ((rc = store_bundle(a, err)))
		return rc;
	t0 = now_ms();
	if ((rc = load_entries(a, o, err)))
		return rc;
	if ((rc = missing_items(a, err)))
		return rc;
	a->ms_load = now_ms() - t0;
	t0 = now_ms();
	if ((rc = pm_store_derive(a->store, err)))
		return rc;
	a->ms_derive = now_ms() - t0;
	t0 = now_ms();
	if (o->fts && (rc = pm_log_build_fts(a->store, err)))
		return rc;
	a->ms_fts = now_ms() - t0;
	t0 = now_ms();
	if ((rc = pm_rules_run(&a->rules, a->store, &a->results, err)))
		return rc;
	a->ms_rules = now_ms() - t0;
	return pm_store_commit(a->store, err);
}
