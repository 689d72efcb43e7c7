/*
 * store.h - the SQLite file one analysis writes (bundle.db).
 *
 * Owns the connection, the core schema (bundle, collection, files, gaps,
 * objects, the log tables, findings), a cache of prepared statements for the
 * load's hot paths, and the derived tables built after the load.  Each
 * parser brings the DDL of its own tables (see parse.h).
 */
#ifndef PODMORTEM_STORE_H
#define PODMORTEM_STORE_H

#include <sqlite3.h>

#include "podmortem/error.h"

#define PM_SCHEMA_VERSION 2
#define PM_STRINGIFY_(x) #x
#define PM_STRINGIFY(x) PM_STRINGIFY_(x)

struct pm_store;

/* Creates path afresh (an old file there is replaced). */
int pm_store_open(struct pm_store **out, const char *path,
		  struct pm_error *err);
/* Opens in memory: tests and `podmortem schema`. */
int pm_store_open_memory(struct pm_store **out, struct pm_error *err);
void pm_store_close(struct pm_store *st);
sqlite3 *pm_store_db(struct pm_store *st);

int pm_store_exec(struct pm_store *st, const char *sql, struct pm_error *err);
/*
 * A prepared statement for sql, cached by the address of sql (pass string
 * literals or other long-lived text).  Returned reset, bindings cleared.
 */
sqlite3_stmt *pm_store_stmt(struct pm_store *st, const char *sql,
			    struct pm_error *err);
/* Steps a write statement to completion and resets it. */
int pm_store_run(struct pm_store *st, sqlite3_stmt *stmt,
		 struct pm_error *err);

/* Binds text, or NULL when s is NULL; len < 0 means strlen. */
void pm_bind_text(sqlite3_stmt *stmt, int idx, const char *s, int len);

/*
 * Records a coverage gap: something that could not be collected or read.
 * category: collect, read, parse, unsafe, truncated, manifest.
 */
int pm_store_gap(struct pm_store *st, const char *path, long line,
		 const char *category, const char *reason);

int pm_store_begin(struct pm_store *st, struct pm_error *err);
int pm_store_commit(struct pm_store *st, struct pm_error *err);
/* Builds the derived tables (pods, containers, events, ...) and indexes. */
int pm_store_derive(struct pm_store *st, struct pm_error *err);

/* Number of rows in table, -1 when it does not exist. */
long long pm_store_count(struct pm_store *st, const char *table);
/* 1 when table has rows, 0 when empty, -1 when it does not exist. */
int pm_store_has_rows(struct pm_store *st, const char *table);

/* The whole schema as SQL text (core, parsers' tables, derived). */
const char *pm_store_schema_core(void);
const char *pm_store_schema_derived(void);

#endif
