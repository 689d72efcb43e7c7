/*
 * bundlewrite.h - writing a bundle .tar.gz with libarchive.
 *
 * Owns: creating the archive next to its final name (FILE.part, renamed
 * on success so a half-written bundle never carries the final name),
 * one top folder, one entry per collected file as it finishes (from a
 * local file or memory, so memory does not grow with the bundle), the
 * "head" entries (manifest.json) placed first in the archive although
 * they are known last, and refusing entry paths that would leave the top
 * folder.
 *
 * Entries go to an uncompressed body tar (FILE.body.part) as they come;
 * closing writes the .tar.gz: head entries, then the body's entries.  A
 * reader finds the manifest in the first entry instead of inflating the
 * whole archive to reach it.  Archives are reproducible: fixed owner, no
 * gzip time stamp, entry times from the caller.
 */
#ifndef PODMORTEM_BUNDLEWRITE_H
#define PODMORTEM_BUNDLEWRITE_H

#include <stddef.h>
#include <stdint.h>

#include "podmortem/error.h"

struct pm_bundlew_head;

struct pm_bundlew {
	struct archive *a;  /* the body tar */
	int fd;             /* its file */
	char *final_path;
	char *part_path;
	char *body_path;
	struct pm_bundlew_head *head;  /* entries to put first, in order */
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
/* The same from an open file, read from its start (fd is not closed). */
int pm_bundlew_add_fd(struct pm_bundlew *w, const char *relpath, int fd,
		      struct pm_error *err);
/* An entry (copied) that close() writes before every other one. */
int pm_bundlew_add_head(struct pm_bundlew *w, const char *relpath,
			const void *data, size_t len, struct pm_error *err);
/* Writes the .tar.gz (head entries, then the body) and renames it into
 * place; the body file is removed. */
int pm_bundlew_close(struct pm_bundlew *w, struct pm_error *err);
/* Drops a half-written archive (removes the body .part file). */
void pm_bundlew_abort(struct pm_bundlew *w);

#endif
