/*
 * jsonscan.h - Kubernetes JSON read one object at a time.
 *
 * A `kubectl get -o json` List can hold a hundred thousand items; the
 * scanner walks the byte stream, cuts out each element of the top-level
 * "items" array (or of a bare top-level array) and hands it to jansson
 * alone, so memory follows the largest item, not the file.  A single
 * object, and a stream of concatenated objects (JSON lines), work too.
 */
#ifndef PODMORTEM_JSONSCAN_H
#define PODMORTEM_JSONSCAN_H

#include <jansson.h>
#include <stddef.h>

#include "podmortem/error.h"
#include "podmortem/input.h"

#define PM_JSON_MAX_DEPTH 256
#define PM_JSON_MAX_OBJECT (64u << 20)

/* Called once per object; obj is borrowed.  Return < 0 to stop. */
typedef int (*pm_object_fn)(void *arg, json_t *obj, long line);
/* Called for each element that could not be read; the scan goes on. */
typedef void (*pm_bad_fn)(void *arg, long line, const char *why);

/* The text variant: an element's bytes, not yet parsed or validated. */
typedef int (*pm_text_fn)(void *arg, const char *text, size_t len, long line);

struct pm_jsonscan_stats {
	long objects;  /* handed to fn */
	long bad;      /* elements that could not be read */
	int list;      /* the top level was a List or an array */
};

/*
 * Returns 0 when the stream was read to its end (bad elements are only
 * counted and reported), < 0 with err filled when it could not be read
 * at all (not JSON, cut in the middle, fn asked to stop).
 */
int pm_jsonscan(struct pm_input *in, pm_object_fn fn, pm_bad_fn bad,
		void *arg, struct pm_jsonscan_stats *stats,
		struct pm_error *err);
/* The same walk handing each element's text to fn unparsed, for callers
 * that parse it more cheaply themselves (SQLite's JSON functions). */
int pm_jsonscan_text(struct pm_input *in, pm_text_fn fn, pm_bad_fn bad,
		     void *arg, struct pm_jsonscan_stats *stats,
		     struct pm_error *err);

#endif
