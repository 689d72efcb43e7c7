/*
 * logbatch.h - a batch of log-table writes, and the virtual table that
 * shows one to SQL.
 *
 * Owns the batch the log sink fills and its writer drains (ops in input
 * order, their text in one capped arena), and an eponymous virtual table
 * through which one INSERT ... SELECT per table writes a whole batch:
 * binding, stepping and resetting a prepared statement per row cost
 * about twice the inserts themselves.  Being eponymous, the table needs
 * no CREATE and leaves nothing in bundle.db's schema.
 */
#ifndef PODMORTEM_LOGBATCH_H
#define PODMORTEM_LOGBATCH_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "podmortem/buf.h"
#include "podmortem/error.h"

enum pm_logop_kind {
	PM_LOGOP_FILE, PM_LOGOP_FILE_END, PM_LOGOP_ROW, PM_LOGOP_TEMPLATE,
	PM_LOGOP_SIGNAL, PM_LOGOP_SUBJECT, PM_LOGOP_MINUTE
};
#define PM_LOGOP_NONE UINT32_MAX  /* a part that is NULL */
#define PM_LOGOP_PARTS 5

/* One write; what a, b, c, d and the text parts mean is the kind's. */
struct pm_logop {
	int kind;
	int stream;
	int64_t a, b, c, d;
	const char *level, *format;       /* static texts, or NULL */
	uint32_t off[PM_LOGOP_PARTS];     /* into the arena */
	uint32_t len[PM_LOGOP_PARTS];
};

struct pm_logbatch {
	struct pm_logop *ops;
	size_t nops, aops;
	struct pm_buf arena;
};

void pm_logbatch_init(struct pm_logbatch *b, size_t arena_max);
void pm_logbatch_release(struct pm_logbatch *b);
/* Empties it, keeping the memory. */
void pm_logbatch_reset(struct pm_logbatch *b);
/* A new op at the end, parts NULL; the pointer is good until the next. */
struct pm_logop *pm_logbatch_op(struct pm_logbatch *b, int kind,
				struct pm_error *err);
/* Copies n bytes of p (NULL: leaves the part NULL) into the op's part. */
int pm_logbatch_put(struct pm_logbatch *b, struct pm_logop *o, int part,
		    const char *p, size_t n, struct pm_error *err);

/*
 * What the table shows: set batch before running a statement that reads
 * it.  Columns: kind, a, b, c, d, level, format, stream ("stdout",
 * "stderr" or NULL), p0..p3 (the parts), name (signal name of a SIGNAL
 * op, key of a SUBJECT op: names[kind][b]) and path (JSON path of a
 * SUBJECT op: paths[b]).  "WHERE kind = ?" reads only that kind.
 */
struct pm_logbatch_view {
	const struct pm_logbatch *batch;
	char **signal_names;
	char **subject_keys;
	char **subject_paths;
};

/* Registers the table as `name` on db; view must outlive it. */
int pm_logbatch_register(sqlite3 *db, const char *name,
			 struct pm_logbatch_view *view);
void pm_logbatch_unregister(sqlite3 *db, const char *name);

#endif
