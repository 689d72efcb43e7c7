/*
 * multimatch.c - Aho-Corasick over ASCII-folded bytes; see multimatch.h.
 */
#include "podmortem/multimatch.h"

#include <stdlib.h>
#include <string.h>

#define STEP_HIT 0x80000000u

static unsigned char fold(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c | 0x20) : c;
}

void pm_multimatch_init(struct pm_multimatch *mm)
{
	memset(mm, 0, sizeof(*mm));
}

void pm_multimatch_release(struct pm_multimatch *mm)
{
	free(mm->text);
	free(mm->off);
	free(mm->len);
	free(mm->id);
	free(mm->next);
	free(mm->step);
	free(mm->emit);
	free(mm->dict);
	free(mm->out_first);
	free(mm->out_count);
	free(mm->outs);
	memset(mm, 0, sizeof(*mm));
}

int pm_multimatch_add(struct pm_multimatch *mm, const char *pat, size_t len,
		      int id, struct pm_error *err)
{
	unsigned char *t;
	uint32_t *o, *l;
	int *ids;

	if (mm->built)
		return pm_error_set(err, PM_EUSAGE, "multimatch: add after build");
	if (!pat || !len)
		return pm_error_set(err, PM_EUSAGE, "multimatch: empty pattern");
	if (len > PM_MULTIMATCH_MAX_BYTES - mm->ntext ||
	    mm->npat >= PM_MULTIMATCH_MAX_PATTERNS)
		return pm_error_set(err, PM_ETOOBIG,
				    "multimatch: more than %d patterns or %d bytes",
				    PM_MULTIMATCH_MAX_PATTERNS, PM_MULTIMATCH_MAX_BYTES);
	/* The caps keep these small: grow to the cap at once on first use. */
	if (!mm->text) {
		mm->text = malloc(PM_MULTIMATCH_MAX_BYTES);
		mm->off = malloc(PM_MULTIMATCH_MAX_PATTERNS * sizeof(*o));
		mm->len = malloc(PM_MULTIMATCH_MAX_PATTERNS * sizeof(*l));
		mm->id = malloc(PM_MULTIMATCH_MAX_PATTERNS * sizeof(*ids));
		if (!mm->text || !mm->off || !mm->len || !mm->id)
			return pm_error_set(err, PM_ENOMEM, "out of memory");
	}
	t = mm->text + mm->ntext;
	for (size_t i = 0; i < len; i++)
		t[i] = fold((unsigned char)pat[i]);
	mm->off[mm->npat] = (uint32_t)mm->ntext;
	mm->len[mm->npat] = (uint32_t)len;
	mm->id[mm->npat] = id;
	mm->npat++;
	mm->ntext += len;
	return 0;
}

int pm_multimatch_build(struct pm_multimatch *mm, struct pm_error *err)
{
	uint32_t maxnodes = (uint32_t)mm->ntext + 1, nc, n = 1, *queue, *fail, *cnt;
	size_t i;

	if (mm->built)
		return pm_error_set(err, PM_EUSAGE, "multimatch: built twice");
	/* byte classes: one per distinct folded byte of the patterns */
	memset(mm->cls, 0, sizeof(mm->cls));
	nc = 1;
	for (i = 0; i < mm->ntext; i++)
		if (!mm->cls[mm->text[i]])
			mm->cls[mm->text[i]] = (uint8_t)nc++;
	/* nc <= 256 only when every byte value occurs; classes fit uint8
	 * because class 0 then goes unused by patterns but still exists. */
	if (nc > 256)
		return pm_error_set(err, PM_ETOOBIG, "multimatch: too many byte classes");
	for (int c = 'A'; c <= 'Z'; c++)
		mm->cls[c] = mm->cls[c | 0x20];
	mm->nclass = nc;
	mm->next = calloc((size_t)maxnodes * nc, sizeof(*mm->next));
	mm->emit = malloc(maxnodes * sizeof(*mm->emit));
	mm->dict = malloc(maxnodes * sizeof(*mm->dict));
	mm->out_first = calloc(maxnodes, sizeof(*mm->out_first));
	mm->out_count = calloc(maxnodes, sizeof(*mm->out_count));
	mm->outs = malloc((mm->npat ? mm->npat : 1) * sizeof(*mm->outs));
	queue = malloc(maxnodes * sizeof(*queue));
	fail = calloc(maxnodes, sizeof(*fail));
	cnt = calloc(maxnodes, sizeof(*cnt));
	if (!mm->next || !mm->emit || !mm->dict || !mm->out_first ||
	    !mm->out_count || !mm->outs || !queue || !fail || !cnt) {
		free(queue);
		free(fail);
		free(cnt);
		return pm_error_set(err, PM_ENOMEM, "out of memory");
	}
	/* the trie: 0 in next[] means "no child" while building (the root
	 * is nobody's child) */
	uint32_t *endnode = malloc((mm->npat ? mm->npat : 1) * sizeof(*endnode));
	if (!endnode) {
		free(queue);
		free(fail);
		free(cnt);
		return pm_error_set(err, PM_ENOMEM, "out of memory");
	}
	for (size_t p = 0; p < mm->npat; p++) {
		uint32_t s = 0;
		for (uint32_t k = 0; k < mm->len[p]; k++) {
			uint32_t *slot = &mm->next[(size_t)s * nc +
						   mm->cls[mm->text[mm->off[p] + k]]];
			if (!*slot)
				*slot = n++;
			s = *slot;
		}
		endnode[p] = s;
		cnt[s]++;
	}
	mm->nnodes = n;
	/* outputs grouped by node, in the order they were added */
	{
		uint32_t at = 0;
		for (uint32_t s = 0; s < n; s++) {
			mm->out_first[s] = at;
			at += cnt[s];
			cnt[s] = 0;
		}
		for (size_t p = 0; p < mm->npat; p++) {
			uint32_t s = endnode[p];
			mm->outs[mm->out_first[s] + cnt[s]++] = mm->id[p];
		}
		for (uint32_t s = 0; s < n; s++)
			mm->out_count[s] = cnt[s];
	}
	free(endnode);
	/* breadth first: failure links, full transitions, output chains */
	{
		uint32_t head = 0, tail = 0;
		mm->dict[0] = -1;
		mm->emit[0] = -1;
		for (uint32_t c = 0; c < nc; c++) {
			uint32_t v = mm->next[c];
			if (v) {
				fail[v] = 0;
				queue[tail++] = v;
			}
		}
		while (head < tail) {
			uint32_t u = queue[head++], f = fail[u];
			mm->dict[u] = mm->out_count[f] ? (int32_t)f : mm->dict[f];
			mm->emit[u] = mm->out_count[u] ? (int32_t)u : mm->dict[u];
			for (uint32_t c = 0; c < nc; c++) {
				uint32_t *slot = &mm->next[(size_t)u * nc + c];
				uint32_t via = mm->next[(size_t)f * nc + c];
				if (*slot) {
					fail[*slot] = via;
					queue[tail++] = *slot;
				} else {
					*slot = via;
				}
			}
		}
	}
	free(queue);
	free(fail);
	free(cnt);
	/* rows premultiplied and the emit test folded in: feeding is one
	 * table load per byte (the hot loop over every log line) */
	if ((size_t)n * nc >= STEP_HIT ||
	    !(mm->step = malloc((size_t)n * nc * sizeof(*mm->step))))
		return pm_error_set(err, PM_ENOMEM, "out of memory");
	for (size_t k = 0; k < (size_t)n * nc; k++) {
		uint32_t v = mm->next[k];
		mm->step[k] = v * nc | (mm->emit[v] >= 0 ? STEP_HIT : 0);
	}
	mm->built = 1;
	return 0;
}

/* Every pattern ending at node s: its own, then its suffixes'. */
static void emit_all(const struct pm_multimatch *mm, uint32_t s,
		     pm_multimatch_fn fn, void *arg)
{
	for (int32_t t = mm->emit[s]; t >= 0; t = mm->dict[t]) {
		uint32_t a = mm->out_first[t], b = a + mm->out_count[t];
		for (; a < b; a++)
			fn(arg, mm->outs[a]);
	}
}

uint32_t pm_multimatch_feed(const struct pm_multimatch *mm, uint32_t state,
			    const void *buf, size_t n, pm_multimatch_fn fn,
			    void *arg)
{
	const unsigned char *p = buf;
	const uint32_t *step = mm->step;
	const uint8_t *cls = mm->cls;
	uint32_t nc = mm->nclass, row;

	if (!mm->built || !mm->npat)
		return state;
	row = state * nc;
	for (size_t i = 0; i < n; i++) {
		uint32_t v = step[row + cls[p[i]]];
		row = v & ~STEP_HIT;
		if (v & STEP_HIT)
			emit_all(mm, row / nc, fn, arg);
	}
	return row / nc;
}

void pm_multimatch_feed2(const struct pm_multimatch *mm,
			 uint32_t *sa, const void *a, size_t na,
			 pm_multimatch_fn fa, void *arga,
			 uint32_t *sb, const void *b, size_t nb,
			 pm_multimatch_fn fb, void *argb)
{
	const unsigned char *pa = a, *pb = b;
	const uint32_t *step = mm->step;
	const uint8_t *cls = mm->cls;
	uint32_t nc = mm->nclass, ra, rb;
	size_t n = na < nb ? na : nb, i;

	if (!mm->built || !mm->npat)
		return;
	ra = *sa * nc;
	rb = *sb * nc;
	for (i = 0; i < n; i++) {
		uint32_t va = step[ra + cls[pa[i]]], vb = step[rb + cls[pb[i]]];
		ra = va & ~STEP_HIT;
		rb = vb & ~STEP_HIT;
		if ((va | vb) & STEP_HIT) {
			if (va & STEP_HIT)
				emit_all(mm, ra / nc, fa, arga);
			if (vb & STEP_HIT)
				emit_all(mm, rb / nc, fb, argb);
		}
	}
	*sa = pm_multimatch_feed(mm, ra / nc, pa + i, na - i, fa, arga);
	*sb = pm_multimatch_feed(mm, rb / nc, pb + i, nb - i, fb, argb);
}
