/*
 * pmtest.h - the few macros unit tests need.  A test file defines
 * tests as static functions and calls them from main via RUN().
 * Exit 77 (PM_SKIP) tells ctest the test was skipped.
 */
#ifndef PMTEST_H
#define PMTEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int pmt_failures, pmt_checks;

#define CHECK(cond) do { pmt_checks++; if (!(cond)) { pmt_failures++; \
	fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); } } while (0)
#define CHECK_INT(a, b) do { long long _a = (long long)(a), _b = (long long)(b); \
	pmt_checks++; if (_a != _b) { pmt_failures++; fprintf(stderr, \
	"%s:%d: %s == %lld, expected %lld\n", __FILE__, __LINE__, #a, _a, _b); } } while (0)
#define CHECK_STR(a, b) do { const char *_a = (a), *_b = (b); pmt_checks++; \
	if (!_a || !_b || strcmp(_a, _b)) { pmt_failures++; fprintf(stderr, \
	"%s:%d: %s == \"%s\", expected \"%s\"\n", __FILE__, __LINE__, #a, \
	_a ? _a : "(null)", _b ? _b : "(null)"); } } while (0)
#define RUN(fn) do { fprintf(stderr, "-- %s\n", #fn); fn(); } while (0)
#define PM_SKIP 77
#define DONE() do { fprintf(stderr, "%d checks, %d failed\n", pmt_checks, \
	pmt_failures); return pmt_failures ? 1 : 0; } while (0)

/* Path of a file under the source tree (PM_SOURCE_DIR or "."). */
static inline const char *pmt_src(const char *rel)
{
	static char buf[4096];
	const char *root = getenv("PM_SOURCE_DIR");
	snprintf(buf, sizeof(buf), "%s/%s", root ? root : ".", rel);
	return buf;
}

/* Path under ../shared/realdata, or NULL when that folder is absent. */
static inline const char *pmt_realdata(const char *rel)
{
	static char buf[4096];
	const char *root = getenv("PM_REALDATA");
	FILE *f;
	snprintf(buf, sizeof(buf), "%s/%s", root ? root : "../shared/realdata", rel);
	f = fopen(buf, "rb");
	if (!f)
		return NULL;
	fclose(f);
	return buf;
}

#endif
