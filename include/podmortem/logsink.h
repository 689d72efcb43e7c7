/*
 * logsink.h - where parsed log lines go: the log tables of the store.
 *
 * Owns log_files, log_rows (seen through the log_lines view),
 * log_templates (each distinct template stored once), log_minutes, and
 * the load-time filling of log_signals and log_subjects.  The log parser
 * hands it one line at a time; the sink copies lines into a batch and
 * hands full batches to a writer thread of its own when asked, so
 * parsing the next lines and writing SQLite run on two cores (tagging
 * goes to whichever has room).
 * Ids are given here, in input order, so the store is the same with or
 * without the thread.
 *
 * Only the sink writes the log tables while it is open; the caller's own
 * statements may run meanwhile (SQLite serialises the connection).
 * Errors of the writer stick and come back from the next call.
 */
#ifndef PODMORTEM_LOGSINK_H
#define PODMORTEM_LOGSINK_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "podmortem/error.h"
#include "podmortem/store.h"

struct pm_logsink;

/* One logical log line; the sink copies what it keeps. */
struct pm_logline {
	long line;                /* first physical line */
	int has_time;
	int64_t time;             /* UTC seconds, when has_time */
	const char *time_text;    /* as written, or NULL */
	size_t time_text_len;
	const char *level;        /* static "error" etc., or NULL */
	const char *msg;
	size_t msg_len;
	const char *fields;       /* JSON object text, or NULL */
	size_t fields_len;
	const char *tmpl;         /* NULL: the sink makes it from msg */
	size_t tmpl_len;
	const char *format;       /* static */
	int stream;               /* -1 none, 0 stdout, 1 stderr */
};

/* threaded: write on a thread of its own (else in the caller's). */
int pm_logsink_new(struct pm_logsink **out, struct pm_store *st, int threaded,
		   struct pm_error *err);
/*
 * Tags lines while loading: signals is rules/log_signals.yaml's array of
 * {signal, patterns}, subject_keys its log_subject_keys (either may be
 * NULL).  Call before the first line.
 */
int pm_logsink_set_signals(struct pm_logsink *s, const json_t *signals,
			   const json_t *subject_keys, struct pm_error *err);
/* 1 once set_signals armed it: log_signals/log_subjects are filled. */
int pm_logsink_tags_lines(const struct pm_logsink *s);

int pm_logsink_file_begin(struct pm_logsink *s, const char *path,
			  const char *ns, const char *pod, const char *container,
			  int previous, struct pm_error *err);
int pm_logsink_line(struct pm_logsink *s, const struct pm_logline *l,
		    struct pm_error *err);
int pm_logsink_file_end(struct pm_logsink *s, struct pm_error *err);
/* Writes what is pending and stops the writer; the tables are complete
 * after it.  Safe to call twice. */
int pm_logsink_finish(struct pm_logsink *s, struct pm_error *err);
/* Stops the writer if running (pending lines are dropped) and frees. */
void pm_logsink_free(struct pm_logsink *s);

#endif
