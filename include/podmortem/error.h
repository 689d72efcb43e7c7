/*
 * error.h - the error record every library function fills.
 *
 * Library code never prints and never exits: it returns a negative
 * PM_E* code and describes the problem in a struct pm_error, naming the
 * bundle file (and line) when there is one.  Callers decide what to show.
 */
#ifndef PODMORTEM_ERROR_H
#define PODMORTEM_ERROR_H

#include <stddef.h>

enum pm_status {
	PM_OK = 0,
	PM_ERR = -1,      /* generic failure */
	PM_ENOMEM = -2,   /* allocation failed */
	PM_ETOOBIG = -3,  /* a size cap was hit */
	PM_EIO = -4,      /* reading or writing failed */
	PM_EPARSE = -5,   /* input is not what it claims to be */
	PM_EUNSAFE = -6,  /* input tried to escape or abuse the reader */
	PM_EDB = -7,      /* SQLite said no */
	PM_EUSAGE = -8,   /* caller passed something invalid */
	PM_ENOTFOUND = -9 /* the thing asked for is absent */
};

struct pm_error {
	int code;
	long line;          /* 0 when no line applies */
	char path[512];     /* bundle path or local file, "" when none */
	char msg[1024];
};

void pm_error_init(struct pm_error *e);
/* Sets code and message; returns code so callers can `return pm_error_set(...)`. */
int pm_error_set(struct pm_error *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int pm_error_setat(struct pm_error *e, int code, const char *path, long line,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* "path:line: msg" (parts omitted when empty) into out; returns out. */
const char *pm_error_format(const struct pm_error *e, char *out, size_t n);
const char *pm_status_name(int code);

#endif
