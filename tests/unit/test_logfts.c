/*
 * test_logfts.c - the optional FTS5 index over log messages: a planted
 * line is found by word and phrase, others are not, and the join back
 * to log_lines gives the whole row.
 */
#include "parsetest.h"

#include "podmortem/logfts.h"

extern const struct pm_parser pm_parser_log;

int main(void)
{
	static const char log[] =
		"time=\"2024-05-01T10:00:00Z\" level=info msg=\"Backup starting\" backup=velero/b1\n"
		"time=\"2024-05-01T10:00:01Z\" level=error msg=\"rpc error: context deadline exceeded while uploading snapshot\" backup=velero/b1\n"
		"2024-05-01T10:00:02Z stdout F kube-proxy sync done\n"
		"time=\"2024-05-01T10:00:03Z\" level=info msg=\"Backup completed\" backup=velero/b1\n";
	struct pm_error err;

	pm_error_init(&err);
	CHECK_INT(pt_run(&pm_parser_log, "logs/velero/v/velero.log", log), 0);
	CHECK_INT(pt_count("log_lines"), 4);
	CHECK_INT(pm_log_build_fts(pt_store, &err), 0);
	if (err.code)
		fprintf(stderr, "fts: %s\n", err.msg);
	CHECK_STR(pt_q("SELECT count(*) FROM log_fts WHERE log_fts MATCH 'deadline AND exceeded'"), "1");
	CHECK_STR(pt_q("SELECT l.line||' '||l.level FROM log_fts f JOIN log_lines l ON l.id=f.rowid"
		       " WHERE log_fts MATCH '\"context deadline\"'"), "2 error");
	CHECK_STR(pt_q("SELECT count(*) FROM log_fts WHERE log_fts MATCH 'backup'"), "2");
	CHECK_STR(pt_q("SELECT count(*) FROM log_fts WHERE log_fts MATCH '\"kube-proxy\"'"), "1");
	CHECK_STR(pt_q("SELECT count(*) FROM log_fts WHERE log_fts MATCH 'nonexistentword'"), "0");
	/* building twice replaces the index */
	CHECK_INT(pm_log_build_fts(pt_store, &err), 0);
	CHECK_STR(pt_q("SELECT count(*) FROM log_fts WHERE log_fts MATCH 'deadline'"), "1");
	pm_store_close(pt_store);
	DONE();
}
