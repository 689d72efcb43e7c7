/*
 * logfts.h - the optional full-text index over log messages.
 *
 * Built after the load (podmortem analyze --fts) as an external-content
 * FTS5 table, so the text is stored once, in log_rows:
 *   SELECT l.* FROM log_fts JOIN log_lines l ON l.id = log_fts.rowid
 *   WHERE log_fts MATCH 'deadline AND exceeded';
 */
#ifndef PODMORTEM_LOGFTS_H
#define PODMORTEM_LOGFTS_H

#include "podmortem/error.h"
#include "podmortem/store.h"

int pm_log_build_fts(struct pm_store *st, struct pm_error *err);

#endif
