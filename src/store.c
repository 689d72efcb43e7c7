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

struct pm_store {
	sqlite3 *db;
	struct cached cache[STMT_CACHE];
	int ncache;
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

static int setup(struct pm_store *st, struct pm_error *err)
{
	size_t n;
	const struct pm_parser *const *ps = pm_parsers(&n);

	sqlite3_extended_result_codes(st->db, 1);
	pm_schema_register_functions(st->db);
	/* One writer, no concurrent readers during the load: the journal
	 * only costs time.  The file is rebuilt from the bundle anyway. */
	if (pm_store_exec(st, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
			      "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-32768;",
			  err))
		return err->code;
	if (pm_store_exec(st, pm_schema_core_sql, err))
		return err->code;
	for (size_t i = 0; i < n; i++)
		if (ps[i]->ddl && pm_store_exec(st, ps[i]->ddl, err))
			return err->code;
	return pm_store_exec(st, "PRAGMA user_version=" 
			     PM_STRINGIFY(PM_SCHEMA_VERSION) ";", err);
}

static int open_common(struct pm_store **out, const char *path,
		       struct pm_error *err)
{
	struct pm_store *st = calloc(1, sizeof(*st));
	int rc;

	*out = NULL;
	if (!st)
		return pm_error_set(err, PM_ENOMEM, "out of memory");
	rc = sqlite3_open_v2(path, &st->db,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
				     SQLITE_OPEN_NOFOLLOW,
			     NULL);
	if (rc != SQLITE_OK) {
		pm_error_set(err, PM_EDB, "%s: cannot open: %s", path,
			     st->db ? sqlite3_errmsg(st->db) : "out of memory");
		pm_store_close(st);
		return PM_EDB;
	}
	if (setup(st, err)) {
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
	if (unlink(path) != 0 && access(path, F_OK) == 0)
		return pm_error_set(err, PM_EIO, "%s: cannot replace", path);
	return open_common(out, path, err);
}

int pm_store_open_memory(struct pm_store **out, struct pm_error *err)
{
	return open_common(out, ":memory:", err);
}

void pm_store_close(struct pm_store *st)
{
	if (!st)
		return;
	for (int i = 0; i < st->ncache; i++)
		sqlite3_finalize(st->cache[i].stmt);
	sqlite3_close(st->db);
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

int pm_store_derive(struct pm_store *st, struct pm_error *err)
{
	return pm_store_exec(st, pm_schema_derived_sql, err);
}

long long pm_store_count(struct pm_store *st, const char *table)
{
	sqlite3_stmt *s;
	char sql[256];
	long long n = -1;

	/* table names come from rules; quote them as identifiers */
	if (strchr(table, '"') || strlen(table) > 128)
		return -1;
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM \"%s\"", table);
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}
