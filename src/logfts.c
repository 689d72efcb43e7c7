/*
 * logfts.c - builds log_fts over log_rows.message; see logfts.h.
 *
 * External content: the index holds only tokens, the text stays in
 * log_rows (id is the rowid, the same id as log_lines).  Built once after
 * the load with 'rebuild', which reads log_rows in one pass; the default unicode61
 * tokenizer splits "kube-proxy" into kube + proxy, so phrase queries
 * ('"kube-proxy"') still find it.
 */
#include "podmortem/logfts.h"

#include <sqlite3.h>

int pm_log_build_fts(struct pm_store *st, struct pm_error *err)
{
	sqlite3 *db = pm_store_db(st);
	sqlite3_stmt *probe = NULL;

	/* Debian's SQLite has FTS5; a build without it gets a clear message
	 * instead of "no such module". */
	if (sqlite3_prepare_v2(db,
			"SELECT 1 FROM pragma_module_list WHERE name='fts5'",
			-1, &probe, NULL) == SQLITE_OK) {
		int rc = sqlite3_step(probe);
		sqlite3_finalize(probe);
		if (rc != SQLITE_ROW)
			return pm_error_set(err, PM_EDB,
				"--fts: this SQLite (%s) has no FTS5 module",
				sqlite3_libversion());
	} else {
		sqlite3_finalize(probe);
	}
	return pm_store_exec(st,
		"DROP TABLE IF EXISTS log_fts;"
		"CREATE VIRTUAL TABLE log_fts USING fts5("
		"message, content='log_rows', content_rowid='id');"
		"INSERT INTO log_fts(log_fts) VALUES('rebuild');",
		err);
}
