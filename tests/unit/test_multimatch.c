/* Tests for multimatch.c: found / not found, case folding, overlaps,
 * repeated patterns and ids, pieces fed separately, the caps, and a
 * randomized comparison with a naive case-insensitive substring search. */
#include "pmtest.h"
#include "podmortem/multimatch.h"

#include <stdint.h>

#define MAXIDS 64

struct hits {
	unsigned count[MAXIDS];
};

static void on_hit(void *arg, int id)
{
	struct hits *h = arg;
	if (id >= 0 && id < MAXIDS)
		h->count[id]++;
}

static unsigned char lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c | 0x20) : c;
}

/* Occurrences of p in s, ASCII case-insensitive, overlapping counted. */
static unsigned naive_count(const unsigned char *s, size_t n,
			    const unsigned char *p, size_t m)
{
	unsigned c = 0;
	for (size_t i = 0; m && i + m <= n; i++) {
		size_t k = 0;
		while (k < m && lower(s[i + k]) == lower(p[k]))
			k++;
		c += k == m;
	}
	return c;
}

static void build(struct pm_multimatch *mm, const char *const *pats, int n)
{
	struct pm_error err;
	pm_error_init(&err);
	pm_multimatch_init(mm);
	for (int i = 0; i < n; i++)
		CHECK_INT(pm_multimatch_add(mm, pats[i], strlen(pats[i]), i, &err), 0);
	CHECK_INT(pm_multimatch_build(mm, &err), 0);
}

static void test_basic(void)
{
	static const char *const pats[] = {
		"forbidden", "connection reset", "i/o timeout", "he", "she",
		"hers", "his", "Forbidden" /* same text, other id */
	};
	struct pm_multimatch mm;
	struct hits h;
	const char *s = "User \"x\" cannot list: FORBIDDEN; dial tcp: I/O Timeout; ushers";

	build(&mm, pats, 8);
	memset(&h, 0, sizeof(h));
	pm_multimatch_feed(&mm, PM_MULTIMATCH_START, s, strlen(s), on_hit, &h);
	CHECK_INT(h.count[0], 1);
	CHECK_INT(h.count[7], 1);
	CHECK_INT(h.count[1], 0);
	CHECK_INT(h.count[2], 1);
	/* "ushers": she, he, hers all end inside it (suffix outputs) */
	CHECK_INT(h.count[4], 1);
	CHECK_INT(h.count[3], 1);
	CHECK_INT(h.count[5], 1);
	CHECK_INT(h.count[6], 0);
	pm_multimatch_release(&mm);
}

static void test_pieces(void)
{
	static const char *const pats[] = { "reset by peer", "x" };
	struct pm_multimatch mm;
	struct hits h;
	uint32_t st;

	build(&mm, pats, 2);
	memset(&h, 0, sizeof(h));
	/* the pattern straddles the boundary, as message || ' ' || fields */
	st = pm_multimatch_feed(&mm, PM_MULTIMATCH_START, "conn reset", 10, on_hit, &h);
	st = pm_multimatch_feed(&mm, st, " ", 1, on_hit, &h);
	pm_multimatch_feed(&mm, st, "BY PEER", 7, on_hit, &h);
	CHECK_INT(h.count[0], 1);
	CHECK_INT(h.count[1], 0);
	/* a fresh start forgets the previous text */
	memset(&h, 0, sizeof(h));
	st = pm_multimatch_feed(&mm, PM_MULTIMATCH_START, "reset", 5, on_hit, &h);
	pm_multimatch_feed(&mm, PM_MULTIMATCH_START, " by peer", 8, on_hit, &h);
	CHECK_INT(h.count[0], 0);
	(void)st;
	pm_multimatch_release(&mm);
}

static void test_bytes(void)
{
	/* non-ASCII bytes are compared exactly (no folding beyond A-Z),
	 * NUL is an ordinary byte */
	static const char pats[][8] = { "\xc3\xa9t\xc3\xa9", "a\0b" };
	struct pm_multimatch mm;
	struct pm_error err;
	struct hits h;

	pm_error_init(&err);
	pm_multimatch_init(&mm);
	CHECK_INT(pm_multimatch_add(&mm, pats[0], 5, 0, &err), 0);
	CHECK_INT(pm_multimatch_add(&mm, pats[1], 3, 1, &err), 0);
	CHECK_INT(pm_multimatch_build(&mm, &err), 0);
	memset(&h, 0, sizeof(h));
	static const char text[] = "L'\xc3\xa9t\xc3\xa9 A\0B \xc3\x89T\xc3\x89";
	pm_multimatch_feed(&mm, 0, text, sizeof(text) - 1, on_hit, &h);
	CHECK_INT(h.count[0], 1);
	CHECK_INT(h.count[1], 1);
	pm_multimatch_release(&mm);
}

static void test_errors(void)
{
	struct pm_multimatch mm;
	struct pm_error err;
	static char big[PM_MULTIMATCH_MAX_BYTES + 1];
	struct hits h;

	pm_error_init(&err);
	pm_multimatch_init(&mm);
	CHECK_INT(pm_multimatch_add(&mm, "", 0, 0, &err), PM_EUSAGE);
	memset(big, 'a', sizeof(big));
	CHECK_INT(pm_multimatch_add(&mm, big, sizeof(big), 0, &err), PM_ETOOBIG);
	CHECK_INT(pm_multimatch_add(&mm, big, PM_MULTIMATCH_MAX_BYTES, 0, &err), 0);
	CHECK_INT(pm_multimatch_add(&mm, "b", 1, 1, &err), PM_ETOOBIG);
	CHECK_INT(pm_multimatch_build(&mm, &err), 0);
	CHECK_INT(pm_multimatch_add(&mm, "b", 1, 1, &err), PM_EUSAGE);
	memset(&h, 0, sizeof(h));
	pm_multimatch_feed(&mm, 0, big, sizeof(big), on_hit, &h);
	CHECK_INT(h.count[0], 2);
	pm_multimatch_release(&mm);

	/* no patterns: feeding finds nothing */
	pm_multimatch_init(&mm);
	CHECK_INT(pm_multimatch_build(&mm, &err), 0);
	memset(&h, 0, sizeof(h));
	CHECK_INT(pm_multimatch_feed(&mm, 0, "abc", 3, on_hit, &h), 0);
	CHECK_INT(h.count[0], 0);
	pm_multimatch_release(&mm);
}

/* xorshift: deterministic, so a failure can be replayed */
static uint32_t rnd_state = 0x9e3779b9u;
static uint32_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

/* Small alphabets make overlaps and shared prefixes/suffixes common. */
static unsigned char rnd_byte(int alpha)
{
	static const unsigned char set[] = "abAB /\xc3\x00-";
	if (alpha == 0)
		return set[rnd() % 4];
	if (alpha == 1)
		return set[rnd() % (sizeof(set) - 1)];
	return (unsigned char)rnd();
}

static void test_random(void)
{
	unsigned char pats[MAXIDS][12], text[600];
	size_t plen[MAXIDS];

	for (int round = 0; round < 400; round++) {
		int alpha = round % 3, np = 1 + (int)(rnd() % MAXIDS);
		struct pm_multimatch mm;
		struct pm_error err;
		struct hits h;
		size_t tn = rnd() % sizeof(text), cut = tn ? rnd() % tn : 0;
		uint32_t st;

		pm_error_init(&err);
		pm_multimatch_init(&mm);
		for (int i = 0; i < np; i++) {
			plen[i] = 1 + rnd() % (alpha == 2 ? 3 : sizeof(pats[0]));
			for (size_t k = 0; k < plen[i]; k++)
				pats[i][k] = rnd_byte(alpha);
			CHECK_INT(pm_multimatch_add(&mm, (const char *)pats[i], plen[i], i, &err), 0);
		}
		CHECK_INT(pm_multimatch_build(&mm, &err), 0);
		for (size_t k = 0; k < tn; k++)
			text[k] = rnd_byte(alpha);
		/* sometimes plant a pattern, in the other case */
		if (tn > 12 && rnd() % 2) {
			int i = (int)(rnd() % (uint32_t)np);
			size_t at = rnd() % (tn - plen[i]);
			for (size_t k = 0; k < plen[i]; k++) {
				unsigned char c = pats[i][k];
				text[at + k] = c >= 'a' && c <= 'z' ? (unsigned char)(c - 32) : c;
			}
		}
		memset(&h, 0, sizeof(h));
		st = pm_multimatch_feed(&mm, PM_MULTIMATCH_START, text, cut, on_hit, &h);
		pm_multimatch_feed(&mm, st, text + cut, tn - cut, on_hit, &h);
		{
			/* two at once: the text's halves against its reverse
			 * order, in two pieces each, count as fed alone */
			struct hits h2a, h2b, wa, wb;
			uint32_t sa = PM_MULTIMATCH_START, sb = PM_MULTIMATCH_START;
			size_t bn = tn - cut;
			memset(&h2a, 0, sizeof(h2a));
			memset(&h2b, 0, sizeof(h2b));
			memset(&wa, 0, sizeof(wa));
			memset(&wb, 0, sizeof(wb));
			pm_multimatch_feed2(&mm, &sa, text, cut / 2, on_hit, &h2a,
					    &sb, text + cut, bn / 3, on_hit, &h2b);
			pm_multimatch_feed2(&mm, &sa, text + cut / 2, cut - cut / 2, on_hit, &h2a,
					    &sb, text + cut + bn / 3, bn - bn / 3, on_hit, &h2b);
			pm_multimatch_feed(&mm, PM_MULTIMATCH_START, text, cut, on_hit, &wa);
			pm_multimatch_feed(&mm, PM_MULTIMATCH_START, text + cut, bn, on_hit, &wb);
			CHECK(!memcmp(&h2a, &wa, sizeof(wa)));
			CHECK(!memcmp(&h2b, &wb, sizeof(wb)));
		}
		for (int i = 0; i < np; i++) {
			unsigned want = naive_count(text, tn, pats[i], plen[i]);
			if (h.count[i] != want) {
				CHECK_INT(h.count[i], want);
				fprintf(stderr, "round %d pattern %d\n", round, i);
			}
			pmt_checks++;
		}
		pm_multimatch_release(&mm);
	}
}

int main(void)
{
	RUN(test_basic);
	RUN(test_pieces);
	RUN(test_bytes);
	RUN(test_errors);
	RUN(test_random);
	DONE();
}
