/*
 * store.c - the SQLite connection, statement cache, gaps and the
 * derive step.  The SQL text itself lives in schema.c.
 */
#include "podmortem/store.h"
#include "podmortem/parse.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define STMT_CACHE 64

struct cached {
	const char *sql;
	sqlite3_stmt *stmt;
};

struct like_pat;
#define LIKE_CACHE 32

struct pm_store {
	sqlite3 *db;
	struct cached cache[STMT_CACHE];
	int ncache;
	struct like_pat *likes[LIKE_CACHE]; /* compiled LIKE patterns */
	int nlike;
};

extern const char pm_schema_core_sql[];
extern const char pm_schema_derived_sql[];
void pm_schema_register_functions(sqlite3 *db);

const char *pm_store_schema_core(void) { return pm_schema_core_sql; }
const char *pm_store_schema_derived(void) { return pm_schema_derived_sql; }

static int dberr(struct pm_store *st, struct pm_error *err, const char *what)
{
	return pm_error_set(err, PM_EDB, "%s: %s", what,
			    st && st->db ? sqlite3_errmsg(st->db) : "no db");
}

/*
 * like(): SQLite's LIKE (ASCII case folding, '%' and '_', '_' one UTF-8
 * character, NULL in -> NULL out) without ESCAPE, which the 3-argument
 * built-in still serves.  Rules scan every log line with several
 * `x LIKE '%literal%'`; the built-in decodes UTF-8 character by
 * character, this one searches bytes, and the common '%literal%'
 * pattern is compiled once (a small cache per connection).
 */
struct like_pat {
	int substr;            /* pattern is '%' lit '%', lit plain ASCII */
	size_t n, pn;
	unsigned char *lit;    /* folded literal (substr) or the pattern */
	unsigned char pat[];   /* the pattern as given */
};

static unsigned char fold(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c | 0x20) : c;
}

/* One character as sqlite3Utf8Read counts it: a lead byte takes its
 * continuation bytes along. */
static size_t utf8_char(const unsigned char *s, size_t i, size_t n)
{
	if (s[i++] >= 0xC0)
		while (i < n && (s[i] & 0xC0) == 0x80)
			i++;
	return i;
}

/* Glob with one backtrack point: O(len(p) * len(s)), no recursion. */
static int like_general(const unsigned char *p, size_t pn,
			const unsigned char *s, size_t sn)
{
	size_t pi = 0, si = 0, star_p = (size_t)-1, star_s = 0;

	while (si < sn) {
		if (pi < pn && p[pi] == '%') {
			star_p = ++pi;
			star_s = si;
			continue;
		}
		if (pi < pn && p[pi] == '_') {
			pi++;
			si = utf8_char(s, si, sn);
			continue;
		}
		if (pi < pn) {
			size_t pe = utf8_char(p, pi, pn), se = utf8_char(s, si, sn);
			if (pe - pi == se - si) {
				size_t k = 0;
				while (k < pe - pi && fold(p[pi + k]) == fold(s[si + k]))
					k++;
				if (k == pe - pi) {
					pi = pe;
					si = se;
					continue;
				}
			}
		}
		if (star_p == (size_t)-1)
			return 0;
		pi = star_p;
		star_s = utf8_char(s, star_s, sn);
		si = star_s;
	}
	while (pi < pn && p[pi] == '%')
		pi++;
	return pi == pn;
}

static int like_substr(const struct like_pat *lp, const unsigned char *s,
		       size_t sn)
{
	const unsigned char *l = lp->lit;
	size_t n = lp->n;
	unsigned char c0 = l[0], u0 = c0 >= 'a' && c0 <= 'z' ? (unsigned char)(c0 - 32) : c0;

	if (n == 0)
		return 1;
	for (size_t i = 0; i + n <= sn; i++) {
		if (s[i] != c0 && s[i] != u0) {
			/* jump to the next byte that could start a match */
			const unsigned char *a = memchr(s + i, c0, sn - n + 1 - i);
			const unsigned char *b = u0 != c0 ? memchr(s + i, u0, sn - n + 1 - i) : NULL;
			const unsigned char *m = !a ? b : !b ? a : a < b ? a : b;
			if (!m)
				return 0;
			i = (size_t)(m - s);
		}
		size_t k = 1;
		while (k < n && fold(s[i + k]) == l[k])
			k++;
		if (k == n)
			return 1;
	}
	return 0;
}

static void fn_like(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *pat = sqlite3_value_text(argv[0]);
	const unsigned char *str = sqlite3_value_text(argv[1]);
	struct pm_store *st = sqlite3_user_data(ctx);
	struct like_pat *lp;
	size_t pn, sn;

	(void)argc;
	if (!pat || !str)
		return; /* NULL, like the built-in */
	if (sqlite3_value_type(argv[0]) == SQLITE_BLOB ||
	    sqlite3_value_type(argv[1]) == SQLITE_BLOB) {
		sqlite3_result_int(ctx, 0); /* as built with LIKE_DOESNT_MATCH_BLOBS */
		return;
	}
	pn = (size_t)sqlite3_value_bytes(argv[0]);
	sn = (size_t)sqlite3_value_bytes(argv[1]);
	if (pn > 50000) {
		sqlite3_result_error(ctx, "LIKE or GLOB pattern too complex", -1);
		return;
	}
	lp = NULL;
	for (int i = 0; i < st->nlike && !lp; i++)
		if (st->likes[i]->pn == pn && !memcmp(st->likes[i]->pat, pat, pn))
			lp = st->likes[i];
	if (!lp) {
		int substr = pn >= 2 && pat[0] == '%' && pat[pn - 1] == '%';
		int slot = st->nlike < LIKE_CACHE ? st->nlike++ : (int)(pn % LIKE_CACHE);
		for (size_t i = 1; substr && i + 1 < pn; i++)
			if (pat[i] == '%' || pat[i] == '_' || pat[i] >= 0x80)
				substr = 0;
		lp = malloc(sizeof(*lp) + 2 * pn + 2);
		if (!lp) {
			if (slot == st->nlike - 1 && !st->likes[slot])
				st->nlike--;
			sqlite3_result_error_nomem(ctx);
			return;
		}
		memcpy(lp->pat, pat, pn);
		lp->pat[pn] = '\0';
		lp->pn = pn;
		lp->lit = lp->pat + pn + 1;
		lp->substr = substr;
		lp->n = substr ? pn - 2 : pn;
		for (size_t i = 0; i < lp->n; i++)
			lp->lit[i] = substr ? fold(pat[i + 1]) : pat[i];
		free(st->likes[slot]);
		st->likes[slot] = lp;
	}
	sqlite3_result_int(ctx, lp->substr ? like_substr(lp, str, sn)
					   : like_general(lp->lit, lp->n, str, sn));
}

/* Single-quoted SQL literal of s into out; 0 when it does not fit. */
static int sql_quote(char *out, size_t n, const char *s)
{
	size_t o = 0;
	if (n < 3)
		return 0;
	out[o++] = '\'';
	for (; *s; s++) {
		if (o + 4 > n)
			return 0;
		if (*s == '\'')
			out[o++] = '\'';
		out[o++] = *s;
	}
	out[o++] = '\'';
	out[o] = '\0';
	return 1;
}

static int setup(struct pm_store *st, const char *dir, struct pm_error *err)
{
	size_t n;
	const struct pm_parser *const *ps = pm_parsers(&n);

	sqlite3_extended_result_codes(st->db, 1);
	pm_schema_register_functions(st->db);
	sqlite3_create_function(st->db, "like", 2,
				SQLITE_UTF8 | SQLITE_DETERMINISTIC, st, fn_like,
				NULL, NULL);
	/* One writer, no concurrent readers during the load: the journal
	 * only costs time.  The file is rebuilt from the bundle anyway.
	 * threads=1: sorts (index builds, ORDER BY) use the second core. */
	if (pm_store_exec(st, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
			      "PRAGMA locking_mode=EXCLUSIVE; PRAGMA cache_size=-32768;"
			      "PRAGMA threads=1;", err))
		return err->code;
	if (dir) {
		/* Sorts bigger than the cache spill to temporary files
		 * (deleted as soon as opened) rather than growing memory with
		 * the bundle; keep them in the output folder, not /var/tmp.
		 * (The setting is process-wide: one analysis per process.) */
		char q[4200], sql[4300];
		if (!sql_quote(q, sizeof(q), dir))
			return pm_error_set(err, PM_EUSAGE, "output folder name too long");
		snprintf(sql, sizeof(sql), "PRAGMA temp_store=FILE;"
			 "PRAGMA temp_store_directory=%s; PRAGMA temp.cache_size=-32768;", q);
		if (pm_store_exec(st, sql, err))
			return err->code;
	} else if (pm_store_exec(st, "PRAGMA temp_store=MEMORY;", err)) {
		return err->code;
	}
	if (pm_store_exec(st, pm_schema_core_sql, err))
		return err->code;
	for (size_t i = 0; i < n; i++)
		if (ps[i]->ddl && pm_store_exec(st, ps[i]->ddl, err))
			return err->code;
	return pm_store_exec(st, "PRAGMA user_version=" 
			     PM_STRINGIFY(PM_SCHEMA_VERSION) ";", err);
}

static int open_common(struct pm_store **out, const char *path,
		       const char *dir, struct pm_error *err)
{
	struct pm_store *st = calloc(1, sizeof(*st));
	int rc;

	*out = NULL;
	if (!st)
		return pm_error_set(err, PM_ENOMEM, "out of memory");
	rc = sqlite3_open_v2(path, &st->db,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
				     SQLITE_OPEN_NOFOLLOW |
				     /* the log writer thread shares it */
				     SQLITE_OPEN_FULLMUTEX,
			     NULL);
	if (rc != SQLITE_OK) {
		pm_error_set(err, PM_EDB, "%s: cannot open: %s", path,
			     st->db ? sqlite3_errmsg(st->db) : "out of memory");
		pm_store_close(st);
		return PM_EDB;
	}
	if (setup(st, dir, err)) {
		pm_store_close(st);
		return err->code;
	}
	*out = st;
	return 0;
}

int pm_store_open(struct pm_store **out, const char *path,
		  struct pm_error *err)
{
	/* Start from nothing: a stale file would mix two analyses. */
	char dir[4096];
	const char *slash = strrchr(path, '/');

	if (unlink(path) != 0 && access(path, F_OK) == 0)
		return pm_error_set(err, PM_EIO, "%s: cannot replace", path);
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	return open_common(out, path, dir, err);
}

int pm_store_open_memory(struct pm_store **out, struct pm_error *err)
{
	return open_common(out, ":memory:", NULL, err);
}

void pm_store_close(struct pm_store *st)
{
	if (!st)
		return;
	for (int i = 0; i < st->ncache; i++)
		sqlite3_finalize(st->cache[i].stmt);
	sqlite3_close(st->db);
	for (int i = 0; i < st->nlike; i++)
		free(st->likes[i]);
	free(st);
}

sqlite3 *pm_store_db(struct pm_store *st)
{
	return st->db;
}

int pm_store_exec(struct pm_store *st, const char *sql, struct pm_error *err)
{
	char *msg = NULL;
	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		pm_error_set(err, PM_EDB, "sql: %s", msg ? msg : "failed");
		sqlite3_free(msg);
		return PM_EDB;
	}
	return 0;
}

sqlite3_stmt *pm_store_stmt(struct pm_store *st, const char *sql,
			    struct pm_error *err)
{
	sqlite3_stmt *stmt = NULL;

	for (int i = 0; i < st->ncache; i++) {
		if (st->cache[i].sql == sql) {
			stmt = st->cache[i].stmt;
			sqlite3_reset(stmt);
			sqlite3_clear_bindings(stmt);
			return stmt;
		}
	}
	if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
			       &stmt, NULL) != SQLITE_OK) {
		dberr(st, err, "prepare");
		return NULL;
	}
	if (st->ncache < STMT_CACHE) {
		st->cache[st->ncache].sql = sql;
		st->cache[st->ncache].stmt = stmt;
		st->ncache++;
	} else {
		/* Cache full: a programming error, but stay correct. */
		sqlite3_finalize(stmt);
		pm_error_set(err, PM_EDB, "statement cache full");
		return NULL;
	}
	return stmt;
}

int pm_store_run(struct pm_store *st, sqlite3_stmt *stmt,
		 struct pm_error *err)
{
	int rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return dberr(st, err, "insert");
	return 0;
}

void pm_bind_text(sqlite3_stmt *stmt, int idx, const char *s, int len)
{
	if (!s)
		sqlite3_bind_null(stmt, idx);
	else
		sqlite3_bind_text(stmt, idx, s, len, SQLITE_TRANSIENT);
}

int pm_store_gap(struct pm_store *st, const char *path, long line,
		 const char *category, const char *reason)
{
	static const char sql[] =
		"INSERT INTO gaps(path, line, category, reason) "
		"VALUES (?1, ?2, ?3, ?4)";
	struct pm_error err;
	sqlite3_stmt *s = pm_store_stmt(st, sql, &err);

	if (!s)
		return err.code;
	pm_bind_text(s, 1, path, -1);
	if (line > 0)
		sqlite3_bind_int64(s, 2, line);
	pm_bind_text(s, 3, category, -1);
	pm_bind_text(s, 4, reason, -1);
	return pm_store_run(st, s, &err);
}

int pm_store_begin(struct pm_store *st, struct pm_error *err)
{
	return pm_store_exec(st, "BEGIN", err);
}

int pm_store_commit(struct pm_store *st, struct pm_error *err)
{
	return pm_store_exec(st, "COMMIT", err);
}

/* Lookups the reports make per finding (source context by path and
 * line, objects by name): without these each one scans the biggest
 * tables.  Built before the derived SQL so its ANALYZE covers them. */
static const char lookup_indexes_sql[] =
	"CREATE INDEX IF NOT EXISTS objects_src ON objects(source, source_line);"
	"CREATE INDEX IF NOT EXISTS objects_name ON objects(name, kind);";

/*
 * Statistics for the planner.  ANALYZE of log_rows would walk every log
 * line just to count them (a rowid table without an index), so it is
 * left out and its row count, known from its dense ids, is written into
 * sqlite_stat1 by hand, as SQLite documents one may.
 */
static int analyze_tables(struct pm_store *st, struct pm_error *err)
{
	static const char list[] =
		"SELECT name FROM sqlite_schema WHERE type = 'table'"
		" AND name NOT LIKE 'sqlite_%' AND name != 'log_rows' ORDER BY name";
	sqlite3_stmt *q;
	int rc = 0;

	if (pm_store_exec(st, "PRAGMA analysis_limit=400;", err))
		return err->code;
	if (sqlite3_prepare_v2(st->db, list, -1, &q, NULL) != SQLITE_OK)
		return pm_error_set(err, PM_EDB, "%s", sqlite3_errmsg(st->db));
	while (!rc && sqlite3_step(q) == SQLITE_ROW) {
		char *sql = sqlite3_mprintf("ANALYZE main.\"%w\";",
					    (const char *)sqlite3_column_text(q, 0));
		rc = sql ? pm_store_exec(st, sql, err)
			 : pm_error_set(err, PM_ENOMEM, "out of memory");
		sqlite3_free(sql);
	}
	sqlite3_finalize(q);
	if (rc)
		return rc;
	return pm_store_exec(st,
		"DELETE FROM sqlite_stat1 WHERE tbl = 'log_rows';"
		"INSERT INTO sqlite_stat1(tbl, idx, stat)"
		" SELECT 'log_rows', NULL, coalesce(max(id), 0) FROM log_rows;"
		"ANALYZE sqlite_schema;", err);
}

int pm_store_derive(struct pm_store *st, struct pm_error *err)
{
	int rc = pm_store_exec(st, lookup_indexes_sql, err);
	if (!rc)
		rc = pm_store_exec(st, pm_schema_derived_sql, err);
	return rc ? rc : analyze_tables(st, err);
}

/* One integer from "SELECT <what> FROM <table> <tail>"; -1 when the table
 * does not exist.  Table names come from rules: quoted as identifiers. */
static long long table_value(struct pm_store *st, const char *what,
			     const char *table, const char *tail, long long none)
{
	sqlite3_stmt *s;
	char sql[300];
	long long n = none;

	if (strchr(table, '"') || strlen(table) > 128)
		return -1;
	snprintf(sql, sizeof(sql), "SELECT %s FROM \"%s\" %s", what, table, tail);
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}

long long pm_store_count(struct pm_store *st, const char *table)
{
	return table_value(st, "count(*)", table, "", -1);
}

int pm_store_has_rows(struct pm_store *st, const char *table)
{
	/* LIMIT 1, not count(*): a rule's requires must not scan a table
	 * of millions of log lines just to learn it is not empty */
	return (int)table_value(st, "1", table, "LIMIT 1", 0);
}
