/*
 * test_logsink.c - the log sink against what its tables promise: the
 * same store with and without the writer thread, load-time signals and
 * subjects equal to the LIKE / json_extract definitions and to the
 * rules' fallback pass, templates stored once, log_files ranges,
 * log_minutes sums (a flush mid-file, times before 1970), and an error
 * that sticks.  Lines are pseudo-random but the same on every run.
 */
#include "pmtest.h"
#include "podmortem/logsink.h"
#include "podmortem/logtemplate.h"
#include "podmortem/rules.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* ---- helpers ---- */

static long long one(struct pm_store *st, const char *sql)
{
	sqlite3_stmt *s;
	long long v = -1;
	if (sqlite3_prepare_v2(pm_store_db(st), sql, -1, &s, NULL) != SQLITE_OK) {
		fprintf(stderr, "bad SQL: %s: %s\n", sql, sqlite3_errmsg(pm_store_db(st)));
		return -2;
	}
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

struct text {
	char *p;
	size_t n, cap;
};

static void text_add(struct text *t, const void *p, size_t n)
{
	if (t->n + n + 1 > t->cap) {
		size_t c = t->cap ? t->cap : 4096;
		while (c < t->n + n + 1)
			c *= 2;
		char *q = realloc(t->p, c);
		if (!q)
			abort();
		t->p = q;
		t->cap = c;
	}
	memcpy(t->p + t->n, p, n);
	t->n += n;
	t->p[t->n] = '\0';
}

/* Every row of sql, every column with its type, so 7 and '7' differ. */
static char *dump(struct pm_store *st, const char *sql, long long *rows)
{
	struct text t = { NULL, 0, 0 };
	sqlite3_stmt *s;
	int rc;
	*rows = 0;
	text_add(&t, "", 0);
	if (sqlite3_prepare_v2(pm_store_db(st), sql, -1, &s, NULL) != SQLITE_OK) {
		fprintf(stderr, "bad SQL: %s\n", sql);
		text_add(&t, "ERROR", 5);
		return t.p;
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		(*rows)++;
		for (int c = 0; c < sqlite3_column_count(s); c++) {
			char head[48];
			int ty = sqlite3_column_type(s, c);
			const void *v = ty == SQLITE_NULL ? NULL : sqlite3_column_text(s, c);
			int n = ty == SQLITE_NULL ? 0 : sqlite3_column_bytes(s, c);
			snprintf(head, sizeof(head), "%d:%d:", ty, n);
			text_add(&t, head, strlen(head));
			if (n)
				text_add(&t, v, (size_t)n);
			text_add(&t, "|", 1);
		}
		text_add(&t, "\n", 1);
	}
	if (rc != SQLITE_DONE)
		text_add(&t, "STEP ERROR", 10);
	sqlite3_finalize(s);
	return t.p;
}

/* ---- the lines fed ---- */

struct gen {
	uint64_t s;
};

static unsigned rnd(struct gen *g, unsigned n)
{
	g->s = g->s * 6364136223846793005ull + 1442695040888963407ull;
	return (unsigned)((g->s >> 33) % n);
}

static const char *const words[] = {
	"forbidden", "FORBIDDEN", "ForBidden", "forbid", "reset", "by", "RESET BY",
	"Reset", "i/o", "timeout", "I/O TIMEOUT", "i/o timeouT", "50%_", "50%",
	"50_", "x", " ", "\xc3\xa9", "caf\xc3\xa9", "CAF\xc3\x89", "CAF\xc3\xa9",
	"done", "backup", "velero/b1", "\\u", "\\U", "peer", "{\"backup"
};
#define NWORDS (sizeof(words) / sizeof(words[0]))

static const char *const levels[] = { NULL, "debug", "info", "warning", "error",
				      "fatal" };
static const char *const formats[] = { "plain", "json", "klog", "cri/json" };
static const char *const keys[] = { "backup", "restore", "error", "msg",
				    "xbackup", "back\\u0075p" };

#define NTMPL 6000
static unsigned char tmpl_used[NTMPL];

static void tmpl_text(unsigned k, char *out, size_t cap)
{
	static const char *const fixed[] = { "", "A", "a", "a ", "<N>" };
	if (k < 5)
		snprintf(out, cap, "%s", fixed[k]);
	else if (k % 97 == 0) /* long ones */
		snprintf(out, cap, "t%u %0300u long <S>", k, k);
	else
		snprintf(out, cap, "t%u request <N> failed: \"<S>\"", k);
}

/* One special file of hand-made lines: subjects' and signals' edges. */
struct fixed_line {
	const char *level, *msg, *fields;
};
static const struct fixed_line fixed_lines[] = {
	{ "error", "escaped key", "{\"back\\u0075p\":\"x\"}" },                   /* 1 */
	{ "error", "bad json", "{\"backup\": broken" },                          /* 2 */
	{ "error", "after bad", "{\"backup\":\"velero/b2\"}" },                  /* 3 */
	{ "warning", "num", "{\"backup\":7,\"restore\":\"r7\"}" },               /* 4 */
	{ "fatal", "real", "{\"backup\":1.5}" },                                 /* 5 */
	{ "error", "obj", "{\"backup\":{\"a\":[1,2]}}" },                        /* 6 */
	{ "error", "null", "{\"backup\":null}" },                                /* 7 */
	{ "info", "info", "{\"backup\":\"not-info\"}" },                         /* 8 */
	{ NULL, "nolevel", "{\"backup\":\"not-nolevel\"}" },                     /* 9 */
	{ "error", "xkey", "{\"xbackup\":\"no\",\"a\":\"backup\"}" },             /* 10 */
	{ "error", "esc value", "{\"msg\":\"a\\\"b\",\"backup\":\"z\"}" },        /* 11 */
	{ "error", "spaced", "{ \"backup\" : \"s\" }" },                          /* 12 */
	{ "error", "array", "[\"backup\"]" },                                    /* 13 */
	{ "error", "json5", "{backup:\"j5\"}" },                                 /* 14 */
	{ "error", "conn reset", "by peer" },                                    /* 15 */
	{ "info", "work done", "{\"backup\":\"velero/b3\"}" },                   /* 16 */
	{ "error", "", NULL },                                                   /* 17 */
	{ "error", "dup", "{\"backup\":\"a\",\"backup\":\"b\"}" },                /* 18 */
	{ "error", "esc key2", "{\"\\u0062ackup\":\"y\",\"restore\":\"\\u00e9\"}" }, /* 19 */
	{ "warning", NULL, "{\"error\":\"i/o timeout\"}" },                      /* 20 */
};
#define NFIXED (sizeof(fixed_lines) / sizeof(fixed_lines[0]))

struct fdef {
	const char *path, *ns, *pod, *cont;
	int previous, n, mode;  /* mode: 0 now, 1 1960, 2 many minutes, 3 fixed */
};
static const struct fdef files[] = {
	{ "logs/velero/velero-7d9f/velero.log", "velero", "velero-7d9f", "velero", 0, 20000, 0 },
	{ "logs/velero/velero-7d9f/velero.previous.log", "velero", "velero-7d9f", "velero", 1, 0, 0 },
	{ "host/node-1/kubelet.log", NULL, NULL, NULL, 0, 9000, 1 },
	{ "logs/kube-system/etcd-0/etcd.log", "kube-system", "etcd-0", "etcd", 0, 12000, 2 },
	{ "logs/app/web-1/web.previous.log", "app", "web-1", "web", 1, 6000, 0 },
	{ "logs/app/special/s.log", "app", "special", "s", 0, (int)NFIXED, 3 },
	{ "logs/app/empty/e.log", "app", "empty", "e", 0, 0, 0 },
};
#define NFILES (sizeof(files) / sizeof(files[0]))
#define MANY_MINUTES 10000

static int sink_templates;  /* gen_line leaves templates to the sink */

struct lbuf {
	char msg[512], fields[768], tmpl[512], tt[64];
	unsigned tmpl_k;
};

static size_t add_word(char *out, size_t at, size_t cap, const char *w)
{
	size_t n = strlen(w);
	if (at + n + 1 < cap) {
		memcpy(out + at, w, n);
		at += n;
		out[at] = '\0';
	}
	return at;
}

/* The i-th line of file f, into l (pointing into b). */
static void gen_line(struct gen *g, const struct fdef *f, int i, long *lineno,
		     struct pm_logline *l, struct lbuf *b)
{
	size_t n;
	unsigned k;

	memset(l, 0, sizeof(*l));
	*lineno += 1 + (rnd(g, 8) == 0 ? (long)rnd(g, 3) : 0);
	l->line = *lineno;
	l->format = formats[rnd(g, 4)];
	l->stream = (int)rnd(g, 3) - 1;
	if (f->mode == 3) {
		const struct fixed_line *x = &fixed_lines[i];
		l->level = x->level;
		l->msg = x->msg;
		l->msg_len = x->msg ? strlen(x->msg) : 0;
		l->fields = x->fields;
		l->fields_len = x->fields ? strlen(x->fields) : 0;
		l->has_time = 1;
		l->time = 1764842400 + i;
		snprintf(b->tmpl, sizeof(b->tmpl), "fixed <N>");
		l->tmpl = sink_templates ? NULL : b->tmpl;
		l->tmpl_len = sink_templates ? 0 : strlen(b->tmpl);
		b->tmpl_k = NTMPL; /* not from the pool */
		return;
	}
	/* time */
	l->has_time = f->mode == 2 || rnd(g, 10) != 0;
	if (f->mode == 2) {
		/* 10000 minutes around 1970, each visited again and again */
		int64_t m = (int64_t)(((unsigned)i * 7919u) % MANY_MINUTES) - MANY_MINUTES / 2;
		l->time = m * 60 + rnd(g, 60);
	} else {
		int64_t base = f->mode == 1 ? -315619200 : 1764800000;
		l->time = base + (int64_t)i * 2 + rnd(g, 3);
	}
	if (!l->has_time)
		l->time = 123456789; /* must be ignored */
	if (rnd(g, 4)) {
		snprintf(b->tt, sizeof(b->tt), "t=%lld.%u", (long long)l->time, rnd(g, 1000));
		l->time_text = b->tt;
		l->time_text_len = strlen(b->tt);
	}
	l->level = levels[rnd(g, 6)];
	/* message: words, sometimes glued together */
	b->msg[0] = '\0';
	n = 0;
	for (unsigned w = 0, nw = rnd(g, 7); w < nw; w++) {
		if (w && rnd(g, 3))
			n = add_word(b->msg, n, sizeof(b->msg), " ");
		n = add_word(b->msg, n, sizeof(b->msg), words[rnd(g, NWORDS)]);
	}
	if (rnd(g, 200) == 0) {
		l->msg = NULL;
		l->msg_len = 0;
	} else {
		l->msg = b->msg;
		l->msg_len = n;
	}
	/* fields: NULL, a JSON object, raw text, or broken JSON */
	k = rnd(g, 10);
	n = 0;
	b->fields[0] = '\0';
	if (k < 3) {
		l->fields = NULL;
	} else if (k < 8) {
		n = add_word(b->fields, n, sizeof(b->fields), "{");
		for (unsigned j = 0, nk = rnd(g, 4); j < nk; j++) {
			char v[128];
			unsigned vk = rnd(g, 6);
			if (j)
				n = add_word(b->fields, n, sizeof(b->fields), ",");
			n = add_word(b->fields, n, sizeof(b->fields), "\"");
			n = add_word(b->fields, n, sizeof(b->fields),
				     keys[rnd(g, sizeof(keys) / sizeof(keys[0]))]);
			n = add_word(b->fields, n, sizeof(b->fields), "\":");
			if (vk == 0)
				snprintf(v, sizeof(v), "%u", rnd(g, 100000));
			else if (vk == 1)
				snprintf(v, sizeof(v), "%u.25", rnd(g, 100));
			else if (vk == 2)
				snprintf(v, sizeof(v), "null");
			else if (vk == 3)
				snprintf(v, sizeof(v), "{\"n\":[%u,true]}", rnd(g, 9));
			else {
				/* a string: JSON-escape the word */
				const char *w = words[rnd(g, NWORDS)];
				size_t m = 0;
				v[m++] = '"';
				for (; *w && m < sizeof(v) - 4; w++) {
					if (*w == '"' || *w == '\\')
						v[m++] = '\\';
					v[m++] = *w;
				}
				v[m++] = '"';
				v[m] = '\0';
			}
			n = add_word(b->fields, n, sizeof(b->fields), v);
		}
		n = add_word(b->fields, n, sizeof(b->fields), "}");
		l->fields = b->fields;
	} else if (k < 9) {
		for (unsigned w = 0, nw = 1 + rnd(g, 3); w < nw; w++)
			n = add_word(b->fields, n, sizeof(b->fields), words[rnd(g, NWORDS)]);
		l->fields = b->fields;
	} else {
		n = add_word(b->fields, n, sizeof(b->fields), "{\"backup\": \"unterminated");
		l->fields = b->fields;
	}
	l->fields_len = l->fields ? n : 0;
	/* template: a few common ones, a long tail */
	b->tmpl_k = rnd(g, 2) ? rnd(g, 50) : rnd(g, NTMPL);
	tmpl_text(b->tmpl_k, b->tmpl, sizeof(b->tmpl));
	l->tmpl = b->tmpl;
	l->tmpl_len = strlen(b->tmpl);
	if (sink_templates) {
		/* as the log parser does: the sink makes it from the message */
		l->tmpl = NULL;
		l->tmpl_len = 0;
	}
}

#define SEED 0x5eedf00dull

static long long total_lines(void)
{
	long long n = 0;
	for (size_t f = 0; f < NFILES; f++)
		n += files[f].n;
	return n;
}

/* Loads every file into st; 0 or the first error. */
static int load(struct pm_store *st, int threaded, const struct pm_ruleset *rs,
		struct pm_error *err)
{
	struct pm_logsink *s;
	struct gen g = { SEED };
	struct lbuf b;
	struct pm_logline l;
	int rc;

	if ((rc = pm_logsink_new(&s, st, threaded, err)))
		goto out;
	if (rs && (rc = pm_logsink_set_signals(s, rs->log_signals,
					       rs->log_subject_keys, err)))
		goto out;
	CHECK_INT(pm_logsink_tags_lines(s), rs != NULL);
	for (size_t f = 0; f < NFILES; f++) {
		long lineno = 0;
		/* the last file is left to finish() to end */
		if (f && f + 1 < NFILES && (f & 1) && (rc = pm_logsink_file_end(s, err)))
			goto out;
		if ((rc = pm_logsink_file_begin(s, files[f].path, files[f].ns, files[f].pod,
						files[f].cont, files[f].previous, err)))
			goto out;
		for (int i = 0; i < files[f].n; i++) {
			gen_line(&g, &files[f], i, &lineno, &l, &b);
			if ((rc = pm_logsink_line(s, &l, err)))
				goto out;
			/* the caller's own statements may run meanwhile */
			if (i % 5000 == 4999 && one(st, "SELECT count(*) FROM log_templates") < 0)
				CHECK(!"a read mid-load failed");
		}
	}
	rc = pm_logsink_finish(s, err);
	if (!rc)
		CHECK_INT(pm_logsink_finish(s, err), 0); /* twice is fine */
out:
	pm_logsink_free(s);
	return rc;
}

static const char signals_yaml[] =
"log_signals:\n"
"  - {signal: deny, patterns: [Forbidden, 'reset by'], why: t}\n"
"  - {signal: slow, patterns: ['i/o timeout', '50%_'], why: t}\n"
"  - {signal: accent, patterns: ['caf\xc3\xa9'], why: t}\n"
"  - {signal: span, patterns: ['done {\"backup', 'x {'], why: t}\n"
"  - {signal: esc, patterns: ['\\u'], why: t}\n"
"log_subject_keys: [backup, restore, error]\n";

static struct pm_store *new_store(void)
{
	struct pm_store *st = NULL;
	struct pm_error err;
	CHECK_INT(pm_store_open_memory(&st, &err), 0);
	return st;
}

static const char *const table_dumps[] = {
	"SELECT * FROM log_files ORDER BY id",
	"SELECT * FROM log_rows ORDER BY id",
	"SELECT * FROM log_templates ORDER BY id",
	"SELECT rowid, * FROM log_minutes ORDER BY rowid",
	"SELECT rowid, * FROM log_signals ORDER BY rowid",
	"SELECT rowid, * FROM log_subjects ORDER BY rowid",
};
#define NDUMPS (sizeof(table_dumps) / sizeof(table_dumps[0]))

/* ---- 1. with and without the writer thread ---- */

static struct pm_store *st_plain, *st_thread, *st_untagged;
static struct pm_ruleset ruleset;

static void threaded_equals_unthreaded(void)
{
	struct pm_error err;

	pm_error_init(&err);
	st_plain = new_store();
	st_thread = new_store();
	st_untagged = new_store();
	CHECK_INT(load(st_plain, 0, &ruleset, &err), 0);
	CHECK_INT(load(st_thread, 1, &ruleset, &err), 0);
	/* inside a transaction, as the analyzer loads */
	CHECK_INT(pm_store_begin(st_untagged, &err), 0);
	CHECK_INT(load(st_untagged, 1, NULL, &err), 0);
	CHECK_INT(pm_store_commit(st_untagged, &err), 0);
	if (err.code)
		fprintf(stderr, "load: %s\n", err.msg);
	for (size_t i = 0; i < NDUMPS; i++) {
		long long n1, n2, n3;
		char *a = dump(st_plain, table_dumps[i], &n1);
		char *b = dump(st_thread, table_dumps[i], &n2);
		char *c = dump(st_untagged, table_dumps[i], &n3);
		CHECK_INT(n1, n2);
		CHECK(n1 > 0);
		if (strcmp(a, b))
			fprintf(stderr, "differs with the thread: %s\n", table_dumps[i]);
		CHECK(!strcmp(a, b));
		if (i < 4) { /* untagged: same rows, files, templates, minutes */
			CHECK_INT(n1, n3);
			CHECK(!strcmp(a, c));
		} else {
			CHECK_INT(n3, 0);
		}
		free(a);
		free(b);
		free(c);
	}
	CHECK_INT(one(st_plain, "SELECT count(*) FROM log_rows"), total_lines());
	CHECK(total_lines() > 40000);
	/* several batches were handed over: more ops than one batch holds */
	CHECK(one(st_plain, "SELECT count(*) FROM log_rows") +
	      one(st_plain, "SELECT count(*) FROM log_signals") > 2 * 16384);
}

/* ---- 2. signals and subjects ---- */

/* the hand-made lines' file, in a query over log_rows r */
#define SPECIAL " AND r.file = (SELECT id FROM log_files WHERE path = 'logs/app/special/s.log')"

static void signals_like_sql(void)
{
	struct pm_store *st = st_plain;
	struct pm_error err;
	sqlite3_stmt *ins;
	size_t i, k;
	json_t *sg, *p;

	/* the patterns, escaped for LIKE ... ESCAPE '\' */
	CHECK_INT(pm_store_exec(st, "CREATE TEMP TABLE pats(signal TEXT, pat TEXT);", &err), 0);
	CHECK(sqlite3_prepare_v2(pm_store_db(st), "INSERT INTO pats VALUES (?1, ?2)", -1,
				 &ins, NULL) == SQLITE_OK);
	json_array_foreach(ruleset.log_signals, i, sg) {
		json_array_foreach(json_object_get(sg, "patterns"), k, p) {
			char esc[256];
			size_t m = 0;
			for (const char *c = json_string_value(p); *c && m < sizeof(esc) - 3; c++) {
				if (*c == '%' || *c == '_' || *c == '\\')
					esc[m++] = '\\';
				esc[m++] = *c;
			}
			esc[m] = '\0';
			sqlite3_bind_text(ins, 1, json_string_value(json_object_get(sg, "signal")),
					  -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(ins, 2, esc, -1, SQLITE_TRANSIENT);
			CHECK(sqlite3_step(ins) == SQLITE_DONE);
			sqlite3_reset(ins);
		}
	}
	sqlite3_finalize(ins);
	CHECK_INT(one(st, "SELECT count(*) FROM pats"), 8);
	CHECK_INT(pm_store_exec(st,
		"CREATE TEMP TABLE want AS SELECT DISTINCT r.id AS line_id, p.signal AS signal"
		" FROM log_rows r, pats p WHERE r.message || ' ' || coalesce(r.fields, '')"
		" LIKE '%' || p.pat || '%' ESCAPE '\\';", &err), 0);
	CHECK_INT(one(st, "SELECT count(*) FROM (SELECT line_id, signal FROM want"
		      " EXCEPT SELECT line_id, signal FROM log_signals)"), 0);
	CHECK_INT(one(st, "SELECT count(*) FROM (SELECT line_id, signal FROM log_signals"
		      " EXCEPT SELECT line_id, signal FROM want)"), 0);
	CHECK_INT(one(st, "SELECT count(*) FROM (SELECT line_id, signal FROM log_signals"
		      " GROUP BY 1, 2 HAVING count(*) > 1)"), 0);
	/* a tag carries its line's file and time, for counts per pod */
	CHECK_INT(one(st, "SELECT count(*) FROM log_signals s LEFT JOIN log_rows r"
		      " ON r.id = s.line_id WHERE s.file IS NOT r.file OR s.time IS NOT r.time"), 0);
	CHECK(one(st, "SELECT count(*) FROM log_signals WHERE time IS NULL") > 0);
	CHECK(one(st, "SELECT count(*) FROM log_signals WHERE time IS NOT NULL") > 0);
	/* every signal was exercised, and not on every line */
	CHECK_INT(one(st, "SELECT count(DISTINCT signal) FROM log_signals"), 5);
	CHECK(one(st, "SELECT min(n) FROM (SELECT count(*) AS n FROM log_signals"
		  " GROUP BY signal)") > 20);
	CHECK(one(st, "SELECT count(DISTINCT line_id) FROM log_signals") <
	      one(st, "SELECT count(*) FROM log_rows"));
	/* case variants did match, non-ASCII case did not fold */
	CHECK(one(st, "SELECT count(*) FROM log_signals s JOIN log_rows r ON r.id = s.line_id"
		  " WHERE s.signal = 'deny' AND instr(r.message || ' ' || coalesce(r.fields, ''),"
		  " 'FORBIDDEN') AND NOT instr(lower(r.message || ' ' || coalesce(r.fields, '')),"
		  " 'reset by') AND NOT instr(r.message || ' ' || coalesce(r.fields, ''),"
		  " 'forbidden')") > 0);
#define TXT "lower(r.message || ' ' || coalesce(r.fields, ''))"
	CHECK(one(st, "SELECT count(*) FROM log_rows r WHERE instr(" TXT ", 'caf\xc3\x89')"
		  " AND NOT instr(" TXT ", 'caf\xc3\xa9')") > 0);
	CHECK_INT(one(st, "SELECT count(*) FROM log_signals s JOIN log_rows r ON r.id = s.line_id"
		      " WHERE s.signal = 'accent' AND NOT instr(" TXT ", 'caf\xc3\xa9')"), 0);
	CHECK(one(st, "SELECT count(*) FROM log_signals s JOIN log_rows r ON r.id = s.line_id"
		  " WHERE s.signal = 'accent' AND NOT instr(r.message || ' ' ||"
		  " coalesce(r.fields, ''), 'caf\xc3\xa9')") > 0);
#undef TXT
	/* across the ' ' between message and fields */
	CHECK(one(st, "SELECT count(*) FROM log_signals s JOIN log_rows r ON r.id = s.line_id"
		  " WHERE s.signal = 'span' AND NOT instr(r.message, 'x {')"
		  " AND NOT instr(coalesce(r.fields, ''), 'x {')"
		  " AND NOT instr(r.message, 'done {') AND NOT instr(coalesce(r.fields, ''),"
		  " 'done {')") > 0);
	CHECK_INT(one(st, "SELECT count(*) FROM log_signals s JOIN log_rows r ON r.id = s.line_id"
		      " WHERE r.message = 'conn reset' AND s.signal = 'deny'" SPECIAL), 1);
	CHECK_INT(one(st, "SELECT count(*) FROM log_signals s JOIN log_rows r ON r.id = s.line_id"
		      " WHERE r.message = 'work done' AND s.signal = 'span'" SPECIAL), 1);
	/* a NULL message is stored as '' and still searched */
	CHECK(one(st, "SELECT count(*) FROM log_rows WHERE message = '' AND fields IS NOT NULL") > 0);
	CHECK_INT(one(st, "SELECT count(*) FROM log_signals s JOIN log_rows r ON r.id = s.line_id"
		      " WHERE r.message = '' AND r.level = 'warning' AND s.signal = 'slow'"
		      " AND r.fields = '{\"error\":\"i/o timeout\"}'" SPECIAL), 1);
}

static void subjects_sql(void)
{
	struct pm_store *st = st_plain;
	struct pm_error err;
	static const char want[] =
		"CREATE TEMP TABLE want_subj AS SELECT id AS line_id, key, v AS value FROM"
		" (SELECT r.id, k.value AS key, json_extract(r.fields, '$.\"' || k.value || '\"') AS v"
		"  FROM log_rows r, json_each('[\"backup\",\"restore\",\"error\"]') k"
		"  WHERE r.level IN ('error', 'fatal', 'warning') AND r.fields IS NOT NULL"
		"   AND json_valid(r.fields)) WHERE v IS NOT NULL;";

	CHECK_INT(pm_store_exec(st, want, &err), 0);
	CHECK(one(st, "SELECT count(*) FROM want_subj") > 100);
	CHECK_INT(one(st, "SELECT count(*) FROM (SELECT line_id, key, value, typeof(value)"
		      " FROM want_subj EXCEPT SELECT line_id, key, value, typeof(value)"
		      " FROM log_subjects)"), 0);
	CHECK_INT(one(st, "SELECT count(*) FROM (SELECT line_id, key, value, typeof(value)"
		      " FROM log_subjects EXCEPT SELECT line_id, key, value, typeof(value)"
		      " FROM want_subj)"), 0);
	CHECK_INT(one(st, "SELECT count(*) FROM log_subjects"),
		  one(st, "SELECT count(*) FROM want_subj"));
	/* the hand-made lines, by message */
#define SUBJ(msg, cond) \
	"SELECT count(*) FROM log_subjects s JOIN log_rows r ON r.id = s.line_id" \
	" WHERE r.message = '" msg "' AND " cond SPECIAL
	/* an escaped key goes to json_extract (no shortcut skips it): a
	 * subject exactly when this SQLite's json_extract finds the key */
	CHECK_INT(one(st, SUBJ("escaped key", "s.key = 'backup' AND s.value = 'x'")),
		  one(st, "SELECT json_extract('{\"back\\u0075p\":\"x\"}', '$.\"backup\"')"
		      " IS NOT NULL"));
	CHECK_INT(one(st, SUBJ("bad json", "1")), 0);
	CHECK_INT(one(st, SUBJ("after bad", "s.value = 'velero/b2'")), 1);
	CHECK_INT(one(st, SUBJ("num", "s.key = 'backup' AND typeof(s.value) = 'integer'"
			       " AND s.value = 7")), 1);
	CHECK_INT(one(st, SUBJ("num", "s.key = 'restore' AND s.value = 'r7'")), 1);
	CHECK_INT(one(st, SUBJ("real", "typeof(s.value) = 'real' AND s.value = 1.5")), 1);
	CHECK_INT(one(st, SUBJ("obj", "s.value = '{\"a\":[1,2]}'")), 1);
	CHECK_INT(one(st, SUBJ("null", "1")), 0);
	CHECK_INT(one(st, SUBJ("info", "1")), 0);
	CHECK_INT(one(st, SUBJ("nolevel", "1")), 0);
	CHECK_INT(one(st, SUBJ("xkey", "1")), 0);
	CHECK_INT(one(st, SUBJ("esc value", "s.value = 'z'")), 1);
	CHECK_INT(one(st, SUBJ("spaced", "s.value = 's'")), 1);
	CHECK_INT(one(st, SUBJ("array", "1")), 0);
	CHECK_INT(one(st, SUBJ("esc key2", "s.key = 'backup' AND s.value = 'y'")),
		  one(st, "SELECT json_extract('{\"\\u0062ackup\":\"y\"}', '$.\"backup\"')"
		      " IS NOT NULL"));
	CHECK_INT(one(st, SUBJ("esc key2", "s.key = 'restore' AND s.value = '\xc3\xa9'")), 1);
	CHECK_INT(one(st, SUBJ("", "s.key = 'error' AND s.value = 'i/o timeout'")), 1);
#undef SUBJ
}

/* The rules' fallback pass over the untagged store gives the same rows. */
static void rules_fallback_agrees(void)
{
	struct pm_results res;
	struct pm_error err;
	static const char *const q[] = {
		"SELECT line_id, signal, file, time FROM log_signals ORDER BY line_id, signal",
		"SELECT line_id, key, value FROM log_subjects ORDER BY line_id, key, value",
	};

	CHECK_INT(ruleset.lines_tagged, 0);
	CHECK_INT(pm_rules_run(&ruleset, st_untagged, &res, &err), 0);
	pm_results_release(&res);
	for (int i = 0; i < 2; i++) {
		long long n1, n2;
		char *a = dump(st_plain, q[i], &n1);
		char *b = dump(st_untagged, q[i], &n2);
		CHECK(n1 > 100);
		CHECK_INT(n1, n2);
		if (strcmp(a, b))
			fprintf(stderr, "differs from the rules' pass: %s\n", q[i]);
		CHECK(!strcmp(a, b));
		free(a);
		free(b);
	}
}

/* ---- 3. and 4. rows, templates, files, the view ---- */

/* Column c is the text want (wlen bytes), or NULL when want is NULL. */
static int coltext(sqlite3_stmt *q, int c, const char *want, size_t wlen)
{
	const unsigned char *v;
	if (!want)
		return sqlite3_column_type(q, c) == SQLITE_NULL;
	if (sqlite3_column_type(q, c) != SQLITE_TEXT)
		return 0;
	v = sqlite3_column_text(q, c);
	return (size_t)sqlite3_column_bytes(q, c) == wlen && (!wlen || !memcmp(v, want, wlen));
}

static void rows_templates_files(void)
{
	struct pm_store *st = st_thread;
	struct gen g = { SEED };
	struct lbuf b;
	struct pm_logline l;
	sqlite3_stmt *q, *tq;
	unsigned ndistinct = 1; /* "fixed <N>" */
	long long id = 0, bad = 0;

	memset(tmpl_used, 0, sizeof(tmpl_used));
	CHECK(sqlite3_prepare_v2(pm_store_db(st),
		"SELECT id, path, namespace, pod, container, previous, line, time, time_text,"
		" level, message, fields, template, format, stream FROM log_lines ORDER BY id",
		-1, &q, NULL) == SQLITE_OK);
	CHECK(sqlite3_prepare_v2(pm_store_db(st),
		"SELECT strftime('%Y-%m-%dT%H:%M:%SZ', ?1, 'unixepoch')", -1, &tq, NULL) == SQLITE_OK);
	for (size_t f = 0; f < NFILES; f++) {
		long lineno = 0;
		for (int i = 0; i < files[f].n; i++) {
			const char *t;
			int ok = 1;
			gen_line(&g, &files[f], i, &lineno, &l, &b);
			if (b.tmpl_k < NTMPL && !tmpl_used[b.tmpl_k]) {
				tmpl_used[b.tmpl_k] = 1;
				ndistinct++;
			}
			if (sqlite3_step(q) != SQLITE_ROW) {
				CHECK(!"log_lines ended early");
				goto out;
			}
			id++;
			ok &= sqlite3_column_int64(q, 0) == id;
			ok &= coltext(q, 1, files[f].path, strlen(files[f].path));
			ok &= coltext(q, 2, files[f].ns, files[f].ns ? strlen(files[f].ns) : 0);
			ok &= coltext(q, 3, files[f].pod, files[f].pod ? strlen(files[f].pod) : 0);
			ok &= coltext(q, 4, files[f].cont, files[f].cont ? strlen(files[f].cont) : 0);
			ok &= sqlite3_column_int(q, 5) == files[f].previous;
			ok &= sqlite3_column_int64(q, 6) == l.line;
			if (l.has_time) {
				sqlite3_bind_int64(tq, 1, l.time);
				sqlite3_step(tq);
				t = (const char *)sqlite3_column_text(tq, 0);
				ok &= t && coltext(q, 7, t, strlen(t));
				sqlite3_reset(tq);
			} else {
				ok &= sqlite3_column_type(q, 7) == SQLITE_NULL;
			}
			ok &= coltext(q, 8, l.time_text, l.time_text_len);
			ok &= coltext(q, 9, l.level, l.level ? strlen(l.level) : 0);
			ok &= coltext(q, 10, l.msg ? l.msg : "", l.msg_len);
			ok &= coltext(q, 11, l.fields, l.fields_len);
			ok &= coltext(q, 12, l.tmpl, l.tmpl_len);
			ok &= coltext(q, 13, l.format, strlen(l.format));
			ok &= coltext(q, 14, l.stream < 0 ? NULL : l.stream ? "stderr" : "stdout", 6);
			if (!ok && bad++ < 5)
				fprintf(stderr, "row %lld (%s:%ld) differs from what was fed\n",
					id, files[f].path, l.line);
		}
	}
	CHECK(sqlite3_step(q) == SQLITE_DONE);
out:
	CHECK_INT(bad, 0);
	CHECK_INT(id, total_lines());
	sqlite3_finalize(q);
	sqlite3_finalize(tq);
	/* templates: each distinct text once, every row pointing at its text */
	CHECK(ndistinct > 4096);
	CHECK_INT(one(st, "SELECT count(*) FROM log_templates"), ndistinct);
	CHECK_INT(one(st, "SELECT count(DISTINCT text) FROM log_templates"), ndistinct);
	CHECK_INT(one(st, "SELECT count(*) FROM log_rows WHERE template NOT IN"
		      " (SELECT id FROM log_templates)"), 0);
	CHECK_INT(one(st, "SELECT count(*) FROM (SELECT l.template, count(DISTINCT r.template)"
		      " FROM log_lines l JOIN log_rows r USING (id) GROUP BY 1 HAVING count(DISTINCT"
		      " r.template) > 1)"), 0);
	CHECK_INT(one(st, "SELECT count(*) FROM log_templates WHERE text IN ('', 'A', 'a', 'a ')"), 4);
	/* files: ranges, counts, the empty ones */
	CHECK_INT(one(st, "SELECT count(*) FROM log_files"), NFILES);
	CHECK_INT(one(st, "SELECT count(*) FROM log_files f WHERE lines != (SELECT count(*)"
		      " FROM log_rows r WHERE r.file = f.id)"), 0);
	CHECK_INT(one(st, "SELECT count(*) FROM log_files f WHERE lines > 0 AND"
		      " (first_id IS NOT (SELECT min(id) FROM log_rows r WHERE r.file = f.id) OR"
		      " last_id IS NOT (SELECT max(id) FROM log_rows r WHERE r.file = f.id) OR"
		      " last_id - first_id + 1 != lines)"), 0);
	CHECK_INT(one(st, "SELECT count(*) FROM log_files WHERE lines = 0 AND first_id IS NULL"
		      " AND last_id IS NULL"), 2);
	CHECK_INT(one(st, "SELECT count(*) FROM log_files WHERE lines = 0"), 2);
	CHECK_INT(one(st, "SELECT count(*) FROM log_lines WHERE path IN"
		      " ('logs/app/empty/e.log', 'logs/velero/velero-7d9f/velero.previous.log')"), 0);
	CHECK_INT(one(st, "SELECT count(*) FROM log_lines"), total_lines());
	for (size_t f = 0; f < NFILES; f++) {
		char sql[256];
		snprintf(sql, sizeof(sql), "SELECT lines FROM log_files WHERE path = '%s'"
			 " AND previous = %d", files[f].path, files[f].previous);
		CHECK_INT(one(st, sql), files[f].n);
	}
}

/* Templates the sink makes itself (tmpl NULL, the parser's way): the same
 * with and without the thread (where the caller makes some while it
 * waits), each the masking of its message, each text stored once. */
static void sink_made_templates(void)
{
	struct pm_store *a = new_store(), *b = new_store();
	struct pm_buf want = PM_BUF_INIT(1 << 20);
	struct pm_error err;
	sqlite3_stmt *q;
	long long rows = 0, bad = 0;

	pm_error_init(&err);
	sink_templates = 1;
	CHECK_INT(load(a, 0, &ruleset, &err), 0);
	CHECK_INT(load(b, 1, &ruleset, &err), 0);
	sink_templates = 0;
	for (size_t i = 0; i < NDUMPS; i++) {
		long long n1, n2;
		char *x = dump(a, table_dumps[i], &n1);
		char *y = dump(b, table_dumps[i], &n2);
		CHECK_INT(n1, n2);
		CHECK(!strcmp(x, y));
		free(x);
		free(y);
	}
	CHECK(sqlite3_prepare_v2(pm_store_db(b), "SELECT message, template FROM log_lines"
				 " ORDER BY id", -1, &q, NULL) == SQLITE_OK);
	while (sqlite3_step(q) == SQLITE_ROW) {
		const char *m = (const char *)sqlite3_column_text(q, 0);
		const char *t = (const char *)sqlite3_column_text(q, 1);
		pm_log_template(&want, m ? m : "", m ? (size_t)sqlite3_column_bytes(q, 0) : 0);
		rows++;
		if (!t || strcmp(t, pm_buf_cstr(&want)))
			bad++;
	}
	sqlite3_finalize(q);
	pm_buf_release(&want);
	CHECK_INT(bad, 0);
	CHECK_INT(rows, total_lines());
	CHECK(one(b, "SELECT count(*) FROM log_templates") > 100);
	CHECK_INT(one(b, "SELECT count(*) FROM log_templates"),
		  one(b, "SELECT count(DISTINCT text) FROM log_templates"));
	CHECK_INT(one(b, "SELECT count(*) FROM log_templates WHERE text LIKE '%<N>%'") > 0, 1);
	pm_store_close(a);
	pm_store_close(b);
}

/* ---- 5. per-minute counts ---- */

static void minutes_sum(void)
{
	struct pm_store *st = st_thread;
	static const char got[] =
		"SELECT file, minute, sum(lines), sum(warnings), sum(errors), sum(fatals),"
		" min(first_error_id) FROM log_minutes GROUP BY 1, 2";
	static const char want[] =
		"SELECT file, substr(time, 1, 16) || ':00Z', count(*),"
		" sum(CASE WHEN level = 'warning' THEN 1 ELSE 0 END),"
		" sum(CASE WHEN level = 'error' THEN 1 ELSE 0 END),"
		" sum(CASE WHEN level = 'fatal' THEN 1 ELSE 0 END),"
		" min(CASE WHEN level IN ('error', 'fatal') THEN id END)"
		" FROM log_rows WHERE time IS NOT NULL GROUP BY 1, 2";
	char sql[1024];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM (%s EXCEPT %s)", got, want);
	CHECK_INT(one(st, sql), 0);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM (%s EXCEPT %s)", want, got);
	CHECK_INT(one(st, sql), 0);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM (%s)", want);
	CHECK(one(st, sql) > MANY_MINUTES);
	CHECK_INT(one(st, "SELECT sum(lines) FROM log_minutes"),
		  one(st, "SELECT count(*) FROM log_rows WHERE time IS NOT NULL"));
	/* the many-minutes file: more than the sink holds, so a flush mid-file
	 * left several rows for one minute; and it reaches before 1970 */
	CHECK_INT(one(st, "SELECT count(DISTINCT minute) FROM log_minutes m JOIN log_files f"
		      " ON f.id = m.file WHERE f.path = 'logs/kube-system/etcd-0/etcd.log'"),
		  MANY_MINUTES);
	CHECK(one(st, "SELECT count(*) FROM (SELECT 1 FROM log_minutes GROUP BY file, minute"
		  " HAVING count(*) > 1)") > 100);
	CHECK(one(st, "SELECT count(*) FROM log_minutes WHERE minute < '1970'") > 1000);
	CHECK(one(st, "SELECT count(*) FROM log_minutes WHERE minute LIKE '1960-%'") > 10);
	CHECK_INT(one(st, "SELECT count(*) FROM log_minutes WHERE length(minute) != 20"
		      " OR minute NOT LIKE '%:00Z'"), 0);
	CHECK(one(st, "SELECT count(*) FROM log_minutes WHERE first_error_id IS NOT NULL") > 100);
}

/* ---- 6. errors stick ---- */

static void error_sticks(int threaded, int how, int call_finish)
{
	struct pm_store *st = new_store();
	struct pm_logsink *s;
	struct pm_error err;
	struct gen g = { SEED };
	struct lbuf b;
	struct pm_logline l;
	long lineno = 0;
	int first_fail = -1, later_ok = 0, rc;

	pm_error_init(&err);
	CHECK_INT(pm_logsink_new(&s, st, threaded, &err), 0);
	CHECK_INT(pm_logsink_set_signals(s, ruleset.log_signals, ruleset.log_subject_keys, &err), 0);
	if (how == 0)
		CHECK_INT(pm_store_exec(st, "DROP TABLE log_rows;", &err), 0);
	else
		CHECK_INT(pm_store_exec(st, "CREATE TRIGGER boom BEFORE INSERT ON log_rows"
					" WHEN NEW.id = 30000 BEGIN SELECT RAISE(ABORT, 'boom');"
					" END;", &err), 0);
	CHECK_INT(pm_logsink_file_begin(s, files[0].path, files[0].ns, files[0].pod,
					files[0].cont, 0, &err), 0);
	for (int i = 0; i < 100000; i++) {
		gen_line(&g, &files[0], i, &lineno, &l, &b);
		pm_error_init(&err);
		rc = pm_logsink_line(s, &l, &err);
		if (rc < 0 && first_fail < 0) {
			first_fail = i;
			CHECK(err.msg[0] != '\0');
			if (!call_finish)
				break; /* the parser stops here; free() must not hang */
		} else if (first_fail >= 0) {
			later_ok += rc == 0;
			CHECK(rc < 0);
			if (i > first_fail + 100)
				break;
		}
	}
	CHECK(first_fail >= 0);
	CHECK_INT(later_ok, 0);
	if (call_finish) {
		pm_error_init(&err);
		rc = pm_logsink_finish(s, &err);
		CHECK(rc < 0);
		CHECK(strstr(err.msg, how ? "boom" : "log_rows") != NULL);
		pm_error_init(&err);
		CHECK(pm_logsink_finish(s, &err) < 0);
		CHECK(err.msg[0] != '\0');
	}
	pm_logsink_free(s);
	if (how == 1) {
		CHECK(one(st, "SELECT count(*) FROM log_rows") > 0);
		CHECK(one(st, "SELECT max(id) FROM log_rows") < 30000);
	}
	pm_store_close(st);
}

static void errors(void)
{
	for (int threaded = 0; threaded < 2; threaded++)
		for (int how = 0; how < 2; how++)
			for (int fin = 0; fin < 2; fin++)
				error_sticks(threaded, how, fin);
}

int main(void)
{
	struct pm_error err;

	pm_ruleset_init(&ruleset, "en");
	CHECK_INT(pm_rules_load_text(&ruleset, signals_yaml, sizeof(signals_yaml) - 1,
				     "signals.yaml", &err), 0);
	CHECK_INT(ruleset.nerrors, 0);
	CHECK_INT(json_array_size(ruleset.log_signals), 5);
	CHECK_INT(json_array_size(ruleset.log_subject_keys), 3);
	RUN(threaded_equals_unthreaded);
	RUN(signals_like_sql);
	RUN(subjects_sql);
	RUN(rules_fallback_agrees);
	RUN(rows_templates_files);
	RUN(minutes_sum);
	RUN(sink_made_templates);
	RUN(errors);
	pm_store_close(st_plain);
	pm_store_close(st_thread);
	pm_store_close(st_untagged);
	pm_ruleset_release(&ruleset);
	DONE();
}
