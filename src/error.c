/* error.c - filling and formatting struct pm_error. */
#include "podmortem/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void pm_error_init(struct pm_error *e)
{
	memset(e, 0, sizeof(*e));
}

static void vset(struct pm_error *e, int code, const char *fmt, va_list ap)
{
	e->code = code;
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
}

int pm_error_set(struct pm_error *e, int code, const char *fmt, ...)
{
	va_list ap;
	if (!e)
		return code;
	e->path[0] = '\0';
	e->line = 0;
	va_start(ap, fmt);
	vset(e, code, fmt, ap);
	va_end(ap);
	return code;
}

int pm_error_setat(struct pm_error *e, int code, const char *path, long line,
		   const char *fmt, ...)
{
	va_list ap;
	if (!e)
		return code;
	snprintf(e->path, sizeof(e->path), "%s", path ? path : "");
	e->line = line;
	va_start(ap, fmt);
	vset(e, code, fmt, ap);
	va_end(ap);
	return code;
}

const char *pm_error_format(const struct pm_error *e, char *out, size_t n)
{
	if (e->path[0] && e->line > 0)
		snprintf(out, n, "%s:%ld: %s", e->path, e->line, e->msg);
	else if (e->path[0])
		snprintf(out, n, "%s: %s", e->path, e->msg);
	else
		snprintf(out, n, "%s", e->msg);
	return out;
}

const char *pm_status_name(int code)
{
	switch (code) {
	case PM_OK: return "ok";
	case PM_ENOMEM: return "out of memory";
	case PM_ETOOBIG: return "too big";
	case PM_EIO: return "i/o error";
	case PM_EPARSE: return "parse error";
	case PM_EUNSAFE: return "unsafe input";
	case PM_EDB: return "database error";
	case PM_EUSAGE: return "usage error";
	case PM_ENOTFOUND: return "not found";
	default: return "error";
	}
}
