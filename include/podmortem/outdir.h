/*
 * outdir.h - the only way the analyzer writes files.
 *
 * The output folder is created (one level) and opened once; files are
 * created inside it with openat(O_NOFOLLOW) under fixed names, so no
 * name from a bundle and no planted symlink can send a write elsewhere.
 */
#ifndef PODMORTEM_OUTDIR_H
#define PODMORTEM_OUTDIR_H

#include <stddef.h>

#include "podmortem/error.h"

int pm_outdir_prepare(const char *dir, struct pm_error *err);
/* name must be a plain file name (no '/'). */
int pm_outdir_write(const char *dir, const char *name, const void *data,
		    size_t len, struct pm_error *err);

#endif
