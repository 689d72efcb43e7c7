/*
 * test_store_like.c - the store's own like() must answer exactly as
 * SQLite's built-in LIKE: ASCII-only case folding, '%' and '_' ('_' is
 * one UTF-8 character), NULL in gives NULL, across plain, UTF-8 and
 * invalid bytes.  Compared pair by pair against a bare connection.
 */
#include "pmtest.h"
#include "podmortem/store.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint64_t seed = 42;
static unsigned rnd(unsigned n)
{
	seed = seed * 6364136223846793005ull + 1442695040888963407ull;
	return (unsigned)((seed >> 33) % n);
}

/* -1 NULL, else 0/1 */
static int like(sqlite3 *db, const char *pat, int pn, const char *s, int sn)
{
	sqlite3_stmt *st;
	int r = -2;
	if (sqlite3_prepare_v2(db, "SELECT ?2 LIKE ?1", -1, &st, NULL) != SQLITE_OK)
		return -3;
	if (pat)
		sqlite3_bind_text(st, 1, pat, pn, SQLITE_STATIC);
	if (s)
		sqlite3_bind_text(st, 2, s, sn, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		r = sqlite3_column_type(st, 0) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return r;
}

static void fixed_cases(sqlite3 *ours, sqlite3 *ref)
{
	static const char *const pairs[][2] = {
		{ "%deadline exceeded%", "context DEADLINE Exceeded while" },
		{ "%deadline exceeded%", "context deadline exceede" },
		{ "%%", "" }, { "%", "" }, { "_", "" }, { "_", "\xC3\xA9" },
		{ "__", "\xC3\xA9" }, { "a_c", "a\xE4\xB8\xAD" "c" }, { "velero-%", "velero-abc" },
		{ "velero-%", "Velero-abc" }, { "%403%", "status code: 403" },
		{ "%\xC3\xA9%", "caf\xC3\xA9" }, { "%\xC3\x89%", "caf\xC3\xA9" },
		{ "%a%b%c%", "xxaxxbxxcxx" }, { "%a%b%c%", "xxaxxcxxbxx" },
		{ "ab%", "a" }, { "%b", "abab" }, { "a%%b", "ab" }, { "%_%", "\x80" },
		{ "%x", "\xC3" }, { "_%_", "\xC3\x80\x80" }, { "%Ab", "aaB" },
	};
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		int a = like(ours, pairs[i][0], -1, pairs[i][1], -1);
		int b = like(ref, pairs[i][0], -1, pairs[i][1], -1);
		if (a != b)
			fprintf(stderr, "'%s' LIKE '%s': ours %d, sqlite %d\n",
				pairs[i][1], pairs[i][0], a, b);
		CHECK_INT(a, b);
	}
	CHECK_INT(like(ours, NULL, 0, "x", 1), -1);
	CHECK_INT(like(ours, "%", 1, NULL, 0), -1);
	CHECK_INT(like(ours, "%deadline%", -1, "a deadline", -1), 1);
	CHECK_INT(like(ours, "%deadline%", -1, "a dead line", -1), 0);
}

static void random_cases(sqlite3 *ours, sqlite3 *ref)
{
	/* small alphabets so matches happen; bytes that fold, UTF-8 and junk */
	static const char *const atoms[] = { "a", "A", "b", "%", "_", "\xC3\xA9",
		"\xC3\x89", "\xE4\xB8\xAD", "\x80", "\xC3", "z", "%", "B" };
	static const char *const satoms[] = { "a", "A", "b", "B", "\xC3\xA9", "\xC3\x89",
		"\xE4\xB8\xAD", "\x80", "\xC3", "z", "%", "_" };
	int bad = 0;
	for (int i = 0; i < 20000; i++) {
		char p[64] = "", s[64] = "";
		int pl = (int)rnd(6), sl = (int)rnd(9);
		for (int k = 0; k < pl; k++)
			strcat(p, atoms[rnd(sizeof(atoms) / sizeof(atoms[0]))]);
		for (int k = 0; k < sl; k++)
			strcat(s, satoms[rnd(sizeof(satoms) / sizeof(satoms[0]))]);
		if (like(ours, p, -1, s, -1) != like(ref, p, -1, s, -1)) {
			if (bad++ < 10)
				fprintf(stderr, "differs: '%s' LIKE '%s'\n", s, p);
		}
	}
	CHECK_INT(bad, 0);
}

int main(void)
{
	struct pm_store *st;
	struct pm_error err;
	sqlite3 *ref;

	pm_error_init(&err);
	CHECK_INT(pm_store_open_memory(&st, &err), 0);
	CHECK_INT(sqlite3_open(":memory:", &ref), SQLITE_OK);

	fixed_cases(pm_store_db(st), ref);
	random_cases(pm_store_db(st), ref);
	sqlite3_close(ref);
	pm_store_close(st);
	DONE();
}
