/*
 * parsetest.h - running one parser over an in-memory input and asking
 * the resulting store questions.  Used by the test_parse_<fmt>.c tests.
 */
#ifndef PARSETEST_H
#define PARSETEST_H

#include "pmtest.h"

#include "podmortem/parse.h"
#include "podmortem/store.h"

#include <sqlite3.h>

static struct pm_store *pt_store;

/* Parses data as path with parser p into a fresh store; returns rc. */
static __attribute__((unused)) int pt_run_item(const struct pm_parser *p, const char *path,
		       const char *data, size_t len, const struct pm_item *item)
{
	struct pm_input in;
	struct pm_error err;
	struct pm_parse_ctx ctx;
	int rc;

	if (pt_store)
		pm_store_close(pt_store);
	pm_error_init(&err);
	if (pm_store_open_memory(&pt_store, &err)) {
		fprintf(stderr, "store: %s\n", err.msg);
		exit(1);
	}
	pm_input_init_mem(&in, path, data, len, 4096);
	memset(&ctx, 0, sizeof(ctx));
	ctx.store = pt_store;
	ctx.in = &in;
	ctx.item = item;
	ctx.err = &err;
	rc = p->parse(&ctx);
	pm_parse_finish(&ctx);
	pm_input_release(&in);
	return rc;
}

static __attribute__((unused)) int pt_run(const struct pm_parser *p, const char *path, const char *s)
{
	return pt_run_item(p, path, s, strlen(s), NULL);
}

/* First column of the first row as text; "(null)" / "(none)". */
static __attribute__((unused)) const char *pt_q(const char *sql)
{
	static char out[8192];
	sqlite3_stmt *s;

	snprintf(out, sizeof(out), "(none)");
	if (sqlite3_prepare_v2(pm_store_db(pt_store), sql, -1, &s, NULL)) {
		snprintf(out, sizeof(out), "(sql error: %s)",
			 sqlite3_errmsg(pm_store_db(pt_store)));
		return out;
	}
	if (sqlite3_step(s) == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(s, 0);
		snprintf(out, sizeof(out), "%s", t ? (const char *)t : "(null)");
	}
	sqlite3_finalize(s);
	return out;
}

static __attribute__((unused)) long long pt_count(const char *table)
{
	return pm_store_count(pt_store, table);
}

/* Whole file into malloc'd memory, NULL when unreadable. */
static __attribute__((unused)) char *pt_slurp(const char *path, size_t *len)
{
	FILE *f = path ? fopen(path, "rb") : NULL;
	char *b;
	size_t n;

	if (!f)
		return NULL;
	b = malloc(4u << 20);
	n = b ? fread(b, 1, (4u << 20) - 1, f) : 0;
	fclose(f);
	if (b)
		b[n] = '\0';
	if (len)
		*len = n;
	return b;
}

/*
 * A block of a markdown doc: the lines from the one containing `from`
 * (inclusive, or exclusive when skip_first) up to the first line
 * containing `to` (exclusive), with `indent` leading bytes cut from
 * each line when they are spaces or "# ".  malloc'd; NULL if not found.
 */
static __attribute__((unused)) char *pt_block(const char *doc, const char *from, int skip_first,
		      const char *to, size_t indent)
{
	const char *a = strstr(doc, from), *e;
	char *out, *w;

	if (!a)
		return NULL;
	while (a > doc && a[-1] != '\n')
		a--;
	if (skip_first) {
		a = strchr(a, '\n');
		if (!a)
			return NULL;
		a++;
	}
	e = strstr(a, to);
	if (!e)
		return NULL;
	while (e > a && e[-1] != '\n')
		e--;
	out = w = malloc((size_t)(e - a) + 1);
	while (a < e) {
		const char *nl = memchr(a, '\n', (size_t)(e - a));
		size_t len = nl ? (size_t)(nl - a) + 1 : (size_t)(e - a);
		size_t cut = 0;
		while (cut < indent && cut < len &&
		       (a[cut] == ' ' || a[cut] == '#'))
			cut++;
		memcpy(w, a + cut, len - cut);
		w += len - cut;
		a += len;
	}
	*w = '\0';
	return out;
}

#endif
