/*
 * bundlewrite.h - streaming a bundle .tar.gz with libarchive.
 *
 * Owns: creating the archive next to its final name (FILE.part, renamed
 * on success so a half-written bundle never carries the final name),
 * one top folder, one entry per collected file as it finishes (from a
 * local file or memory, so memory does not grow with the bundle), and
 * refusing entry paths that would leave the top folder.
 */
#ifndef PODMORTEM_BUNDLEWRITE_H
#define PODMORTEM_BUNDLEWRITE_H

#include <stddef.h>
#include <stdint.h>

#include "podmortem/error.h"

struct pm_bundlew {
	struct archive *a;
	int fd;
	char *final_path;
	char *part_path;
	char *top;          /* top folder name */
	int64_t mtime;
	long entries;
	long long bytes;    /* uncompressed payload written */
};

/* Opens final_path + ".part" for writing; top is the folder inside. */
int pm_bundlew_open(struct pm_bundlew *w, const char *final_path, const char *top,
		    int64_t mtime, struct pm_error *err);
int pm_bundlew_add_mem(struct pm_bundlew *w, const char *relpath, const void *data,
		       size_t len, struct pm_error *err);
/* Copies a local file of known size into the entry relpath. */
int pm_bundlew_add_file(struct pm_bundlew *w, const char *relpath, const char *local,
			struct pm_error *err);
/* Finishes the archive and renames it into place. */
int pm_bundlew_close(struct pm_bundlew *w, struct pm_error *err);
/* Drops a half-written archive (removes the .part file). */
void pm_bundlew_abort(struct pm_bundlew *w);

#endif
