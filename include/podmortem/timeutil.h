/*
 * timeutil.h - the one time convention of the store.
 *
 * Every time column holds UTC as "YYYY-MM-DDTHH:MM:SSZ" (RFC 3339, whole
 * seconds): sortable as text and understood by SQLite's date functions.
 * These helpers turn what bundles write into that form, without the
 * process time zone or the clock ever being consulted.
 */
#ifndef PODMORTEM_TIMEUTIL_H
#define PODMORTEM_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>

#define PM_TIME_LEN 21 /* "2024-05-01T10:00:00Z" plus NUL */

/* Days-from-civil arithmetic; no libc time zone involved. */
int64_t pm_time_from_civil(int y, int mon, int d, int h, int mi, int s);
void pm_time_format(int64_t epoch, char out[PM_TIME_LEN]);
/*
 * Parses an RFC 3339 / ISO 8601 time at s (date with '-' or, as Go's
 * log package writes it, '/'; 'T' or ' ', time,
 * optional fraction, optional Z or +hh:mm / +hhmm).  Without a zone the
 * time is taken as UTC.  Returns the number of bytes used, 0 if s does
 * not start with such a time.  *micros gets the fraction in microseconds.
 */
size_t pm_time_parse(const char *s, size_t n, int64_t *epoch, long *micros);

#endif
