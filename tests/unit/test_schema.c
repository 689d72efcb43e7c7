/* Tests for the derived tables (schema.c) over real kubectl output:
 * the k8s-json parser loads realdata Pod and Event lists, derive builds
 * pods, containers, events, and the values come out right. */
#include "pmtest.h"
#include "podmortem/parse.h"
#include "podmortem/store.h"

static int load(struct pm_store *st, const char *rel, const char *as)
{
	const char *path = pmt_realdata(rel);
	struct pm_input in;
	struct pm_parse_ctx ctx;
	struct pm_error err;
	FILE *f;
	char *buf;
	long n;
	int rc;

	if (!path)
		return -1;
	f = fopen(path, "rb");
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n)
		n = 0;
	fclose(f);
	pm_input_init_mem(&in, as, buf, (size_t)n, 1 << 16);
	memset(&ctx, 0, sizeof(ctx));
	ctx.store = st;
	ctx.in = &in;
	ctx.err = &err;
	rc = pm_parser_find("k8s-json")->parse(&ctx);
	pm_input_release(&in);
	free(buf);
	return rc;
}

static const char *q(struct pm_store *st, const char *sql)
{
	static char out[512];
	sqlite3_stmt *s;
	out[0] = '\0';
	if (sqlite3_prepare_v2(pm_store_db(st), sql, -1, &s, NULL) != SQLITE_OK) {
		snprintf(out, sizeof(out), "SQL error: %s", sqlite3_errmsg(pm_store_db(st)));
		return out;
	}
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
		snprintf(out, sizeof(out), "%s", sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	return out;
}

int main(void)
{
	struct pm_store *st;
	struct pm_error err;

	if (!pmt_realdata("replicatedhq_troubleshoot/pods__message-oomkill-pod.json")) {
		fprintf(stderr, "realdata absent: skipped\n");
		return PM_SKIP;
	}
	CHECK_INT(pm_store_open_memory(&st, &err), 0);
	CHECK_INT(load(st, "replicatedhq_troubleshoot/pods__message-oomkill-pod.json", "cluster/pods.json"), 0);
	CHECK_INT(load(st, "replicatedhq_troubleshoot/pods__message-image-pull-fail.json", "cluster/pods2.json"), 0);
	CHECK_INT(load(st, "replicatedhq_troubleshoot/events__message-image-pull-fail.json", "cluster/events.json"), 0);
	CHECK_INT(load(st, "replicatedhq_troubleshoot/pods__message-pod-init-crashloop-backoff.json", "cluster/pods3.json"), 0);
	CHECK_INT(pm_store_derive(st, &err), 0);

	CHECK(atoi(q(st, "SELECT count(*) FROM pods")) > 0);
	CHECK(atoi(q(st, "SELECT count(*) FROM containers WHERE reason='OOMKilled' OR last_reason='OOMKilled'")) >= 1);
	CHECK(atoi(q(st, "SELECT count(*) FROM containers WHERE reason='ErrImagePull' AND message LIKE '%x509%'")) >= 1);
	CHECK(atoi(q(st, "SELECT count(*) FROM containers WHERE init=1")) >= 1);
	/* every pod row has its containers */
	CHECK_STR(q(st, "SELECT count(*) FROM pods p WHERE NOT EXISTS (SELECT 1 FROM containers c WHERE c.namespace=p.namespace AND c.pod=p.name)"), "0");
	/* scheduler events have count = null in this data, and stay null */
	CHECK(atoi(q(st, "SELECT count(*) FROM events")) > 0);
	CHECK(atoi(q(st, "SELECT count(*) FROM events WHERE count IS NULL")) >= 1);
	/* times follow the one convention */
	CHECK_STR(q(st, "SELECT count(*) FROM events WHERE last_time NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z'"), "0");
	CHECK_STR(q(st, "SELECT count(*) FROM pods WHERE created NOT LIKE '____-__-__T__:__:__Z'"), "0");
	CHECK_STR(q(st, "SELECT quantity('500m') || ' ' || quantity('2Gi') || ' ' || quantity('1.5')"), "0.5 2147483648.0 1.5");
	pm_store_close(st);
	DONE();
}
