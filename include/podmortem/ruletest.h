/*
 * ruletest.h - `podmortem rules test`: every rule against its own
 * fixture bundles.
 *
 * For rule <id> the fixtures live in <fixtures>/<id>/:
 *   fire/        a bundle (plain directory, collector format) where the
 *                rule must fire;
 *   quiet/       a bundle where it must run and find nothing;
 *   expect.json  {"count": N, "resources": ["ns/name" | "name", ...],
 *                 "contains": ["text every... some message must hold"]}
 *                for the fire bundle (resources compared as a multiset;
 *                contains: each string must occur in some finding's
 *                message or evidence).
 * When <fixtures>/_base/ exists (a whole bundle), fire/ and quiet/ hold
 * only what differs from it: changed or new files, and a manifest.json
 * {"items": [changed or new items], "remove": [base paths to drop]}; the
 * runner merges them into a temporary folder ($TMPDIR, removed after).
 * A rule whose required table does not exist in this build is reported
 * as skipped (a parser not landed yet), not failed.  Folders starting
 * with '_' or '.' are not rules.  Each analysis runs in memory.
 */
#ifndef PODMORTEM_RULETEST_H
#define PODMORTEM_RULETEST_H

#include <stddef.h>

#include "podmortem/error.h"

struct pm_ruletest_opts {
	const char *rules_dir;     /* NULL: pm_analyze_default_rules() */
	const char *fixtures_dir;  /* NULL: "fixtures/rules" */
	const char *only;          /* NULL, or run rules whose id starts so */
	/* one line per rule, and per problem with the rule files */
	void (*emit)(void *arg, const char *line);
	void *arg;
};

struct pm_ruletest_summary {
	size_t passed, failed, skipped;
};

/* Returns 0 when the tests ran (failures are counted in sum), < 0 when
 * the rules folder cannot be read. */
int pm_ruletest_run(const struct pm_ruletest_opts *o,
		    struct pm_ruletest_summary *sum, struct pm_error *err);

#endif
