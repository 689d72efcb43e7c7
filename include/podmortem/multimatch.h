/*
 * multimatch.h - many substrings searched at once in one pass (Aho-Corasick).
 *
 * Owns the matcher the rules use to tag log lines with signals: a text is
 * read once, whatever the number of patterns.  Matching is ASCII
 * case-insensitive on bytes, which is what the store's LIKE '%literal%'
 * does, so "p is found in s" here equals `s LIKE '%p%'` there (for p
 * without '%' and '_').  Text can be fed in pieces (a state carries over),
 * so a pattern is found across the boundary of two pieces.
 *
 * Memory: the automaton is a dense table over the byte classes that occur
 * in the patterns; its size is capped by PM_MULTIMATCH_MAX_BYTES of
 * pattern text.  Feeding allocates nothing.
 */
#ifndef PODMORTEM_MULTIMATCH_H
#define PODMORTEM_MULTIMATCH_H

#include <stddef.h>
#include <stdint.h>

#include "podmortem/error.h"

#define PM_MULTIMATCH_MAX_BYTES 16384   /* total pattern bytes */
#define PM_MULTIMATCH_MAX_PATTERNS 2048

struct pm_multimatch {
	/* patterns as added: folded bytes, offsets, caller ids */
	unsigned char *text;
	size_t ntext;
	uint32_t *off, *len;
	int *id;
	size_t npat;
	/* the automaton, after pm_multimatch_build */
	int built;
	uint8_t cls[256];      /* byte -> class; 0 = in no pattern */
	uint32_t nclass, nnodes;
	uint32_t *next;        /* nnodes * nclass: state after a class */
	/* what feeding reads: next premultiplied by nclass (the row of the
	 * next state), with the top bit set when that state emits */
	uint32_t *step;
	int32_t *emit;         /* node -> first node of its output chain or -1 */
	int32_t *dict;         /* node -> next node with output on its suffix chain */
	uint32_t *out_first, *out_count; /* node -> its own patterns in outs */
	int *outs;             /* caller ids, grouped by node */
};

/* Called for every occurrence: id as given to pm_multimatch_add. */
typedef void (*pm_multimatch_fn)(void *arg, int id);

#define PM_MULTIMATCH_START 0u

void pm_multimatch_init(struct pm_multimatch *mm);
void pm_multimatch_release(struct pm_multimatch *mm);
/* Adds a non-empty pattern with the caller's id (ids may repeat, and the
 * same text may be added under several ids).  PM_EUSAGE for an empty
 * pattern or after build, PM_ETOOBIG past the caps. */
int pm_multimatch_add(struct pm_multimatch *mm, const char *pat, size_t len,
		      int id, struct pm_error *err);
/* Builds the automaton; no more adds after this. */
int pm_multimatch_build(struct pm_multimatch *mm, struct pm_error *err);
/* Feeds n bytes from state (PM_MULTIMATCH_START for a new text) and
 * returns the state to feed the next piece from.  fn is called once per
 * (occurrence, pattern). */
uint32_t pm_multimatch_feed(const struct pm_multimatch *mm, uint32_t state,
			    const void *buf, size_t n, pm_multimatch_fn fn,
			    void *arg);
/*
 * Two texts fed at once, each from and into its own state (*sa, *sb),
 * each with its own callback: the same as two pm_multimatch_feed calls,
 * about twice as fast, as the two chains of table loads overlap.
 */
void pm_multimatch_feed2(const struct pm_multimatch *mm,
			 uint32_t *sa, const void *a, size_t na,
			 pm_multimatch_fn fa, void *arga,
			 uint32_t *sb, const void *b, size_t nb,
			 pm_multimatch_fn fb, void *argb);

#endif
