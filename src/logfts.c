/* logfts.c - builds log_fts over log_lines.message; see logfts.h. */
#include "podmortem/logfts.h"

int pm_log_build_fts(struct pm_store *st, struct pm_error *err)
{
	return pm_store_exec(st,
		"CREATE VIRTUAL TABLE log_fts USING fts5("
		"message, content='log_lines', content_rowid='id');"
		"INSERT INTO log_fts(log_fts) VALUES('rebuild');",
		err);
}
