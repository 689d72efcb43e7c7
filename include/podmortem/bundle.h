/*
 * bundle.h - reading a bundle's entries as streams, never extracting.
 *
 * Opens a .tar.gz / .tgz / .tar (any compression libarchive knows) or a
 * plain directory and yields its entries one by one.  Names are
 * normalised and made relative to the single top folder.  Absolute
 * names, "..", device files and links that leave the bundle come back
 * as refused entries with the reason, for the caller to record as gaps;
 * links inside the bundle are reported, not followed.
 */
#ifndef PODMORTEM_BUNDLE_H
#define PODMORTEM_BUNDLE_H

#include <stdint.h>

#include "podmortem/error.h"
#include "podmortem/input.h"

struct pm_bundle_limits {
	uint64_t max_entry_bytes;  /* bytes read from one entry */
	uint64_t max_total_bytes;  /* bytes read from all entries */
	size_t max_line;           /* bytes in one line */
	long max_entries;          /* entries looked at */
	/* directory mode: a sub-folder (relative to the bundle) not to read,
	 * the analysis's own output when it lies inside the bundle folder */
	const char *exclude;
};

void pm_bundle_limits_default(struct pm_bundle_limits *l);

enum pm_entry_kind {
	PM_ENTRY_FILE,     /* a regular file: read it with pm_bundle_input */
	PM_ENTRY_LINK,     /* a link inside the bundle: not followed */
	PM_ENTRY_REFUSED   /* unsafe: see why */
};

struct pm_entry {
	const char *path;  /* normalised, relative to the top folder */
	int64_t size;      /* as the archive says, -1 unknown */
	int kind;
	const char *why;   /* reason for LINK and REFUSED */
};

struct pm_bundle;

int pm_bundle_open(struct pm_bundle **out, const char *path,
		   const struct pm_bundle_limits *limits,
		   struct pm_error *err);
/* 1: *e filled; 0: no more entries; < 0: the archive cannot be read on
 * (damaged or cut short), err says after which entry. */
int pm_bundle_next(struct pm_bundle *b, struct pm_entry *e,
		   struct pm_error *err);
/* A stream over the current file entry, valid until the next call. */
void pm_bundle_input(struct pm_bundle *b, struct pm_input *in);
/* Bytes read from entries so far (the total cap counts these). */
uint64_t pm_bundle_bytes_read(const struct pm_bundle *b);
int pm_bundle_is_dir(const struct pm_bundle *b);
void pm_bundle_free(struct pm_bundle *b);

/* Normalises an archive name into out; returns 0, or PM_EUNSAFE with
 * a reason in *why for absolute names and "..". */
int pm_bundle_normalise(const char *name, char *out, size_t n,
			const char **why);

#endif
