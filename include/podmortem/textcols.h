/*
 * textcols.h - what the host and kubectl text parsers share: splitting a
 * line into fields (by whitespace, by a header's column offsets), value
 * conversions (plain numbers, percents, durations), the host and argv a
 * file came with, and binding possibly-absent values.
 *
 * Fields point into the caller's line; nothing here allocates except
 * the argv copy, which lives in a fixed struct.  Every loop is bounded
 * by the field count or the line length.
 */
#ifndef PODMORTEM_TEXTCOLS_H
#define PODMORTEM_TEXTCOLS_H

#include <stddef.h>
#include <sqlite3.h>

#include "podmortem/buf.h"
#include "podmortem/parse.h"

struct pm_tc_field {
	const char *p;
	size_t n;
};

/* Splits at runs of spaces/tabs; returns the field count (<= max). */
int pm_tc_split(const char *s, size_t n, struct pm_tc_field *f, int max);
/* Trims spaces and tabs on both sides of *s (n bytes); returns new n. */
size_t pm_tc_trim(const char **s, size_t n);
int pm_tc_eq(struct pm_tc_field f, const char *lit);
int pm_tc_starts(const char *s, size_t n, const char *lit);
/* First occurrence of lit in s[0..n), NULL when absent. */
const char *pm_tc_find(const char *s, size_t n, const char *lit);
/* Removes ANSI escape sequences (colour codes) in place; returns new n. */
size_t pm_tc_strip_ansi(char *s, size_t n);

/*
 * Column start offsets taken from a header line: offs[i] = where name[i]
 * starts (searched left to right), -1 when absent.  Returns how many of
 * the names were found.
 */
int pm_tc_header(const char *hdr, size_t n, const char *const *names,
		 int count, long *offs);

/* Decimal number prefix ("1.5", "-3", "5.1e-05"); *used = bytes. */
int pm_tc_number(const char *s, size_t n, double *out, size_t *used);
/* Whole field an unsigned integer (no sign, no unit); -1 otherwise. */
long long pm_tc_int(const char *s, size_t n);
/* "11%", "100.0%" -> value; -1 when not a percent. */
double pm_tc_percent(const char *s, size_t n);
/*
 * Go / etcd style duration ("903.138µs", "2.1ms", "1.5s", "1m2s", "40ns")
 * to milliseconds.  Returns 0 on success, -1 when not a duration.
 */
int pm_tc_duration_ms(const char *s, size_t n, double *ms);

/* Path helpers: where "<dir>/" starts as a path component, or NULL. */
const char *pm_tc_path_dir(const char *path, const char *dir);
const char *pm_tc_basename(const char *path);
/*
 * The host a file belongs to: the manifest item's host, else <host> of a
 * "host/<host>/..." path, else "".  Writes into out (n bytes).
 */
const char *pm_tc_host(const struct pm_parse_ctx *ctx, char *out, size_t n);

/*
 * The identity an auth/ file speaks for: "auth/<x>__<ns>__<sa>.txt" is
 * system:serviceaccount:<ns>:<sa> in <ns>; else the command's --as / -n;
 * else "self" and the item's namespace (NULL when none).  ns gets "" for
 * none.
 */
void pm_tc_auth_subject(const struct pm_parse_ctx *ctx, char *subj,
			size_t sn, char *ns, size_t nn);
/* Kubernetes CPU quantity ("117m", "2", "0.5") to millicores; -1 if bad. */
long long pm_tc_millicores(const char *s, size_t n);

/* The manifest item's command (JSON argv text) as a bounded array. */
#define PM_TC_MAXARGS 64
struct pm_tc_argv {
	int argc;
	const char *argv[PM_TC_MAXARGS];
	char buf[4096];
};
/* Returns argc (0 when json is NULL or not an array of strings). */
int pm_tc_argv_parse(struct pm_tc_argv *a, const char *json);
int pm_tc_argv_ctx(struct pm_tc_argv *a, const struct pm_parse_ctx *ctx);
/*
 * The value of an option: key "of=" matches "of=/x" (returns "/x");
 * key "-n" / "--namespace" matches "-n x", "--namespace x" and
 * "--namespace=x".  NULL when absent.
 */
const char *pm_tc_argv_value(const struct pm_tc_argv *a, const char *key);
/* 1 when an argument equals arg. */
int pm_tc_argv_has(const struct pm_tc_argv *a, const char *arg);
/* 1 when a short-option cluster ("-hT", "-H") holds letter c. */
int pm_tc_argv_flag(const struct pm_tc_argv *a, char c);

/* Binds NULL for "absent": v < 0, NaN, or a NULL/empty field. */
void pm_tc_bind_i64(sqlite3_stmt *s, int idx, long long v);
void pm_tc_bind_dbl(sqlite3_stmt *s, int idx, double v);
void pm_tc_bind_field(sqlite3_stmt *s, int idx, struct pm_tc_field f);

/* Appends s as a JSON string literal (quoted, escaped). */
void pm_tc_json_str(struct pm_buf *b, const char *s, size_t n);

#endif
