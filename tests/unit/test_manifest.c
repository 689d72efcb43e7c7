/* Tests for manifest.c: fields, normalised paths and times, lookup,
 * tolerance of bad items, rejection of bad documents. */
#include "pmtest.h"
#include "podmortem/manifest.h"

static const char doc[] =
"{\"format\":1,\"collector\":{\"name\":\"podmortem-collect\",\"version\":\"0.1.0\"},"
"\"cluster\":{\"context\":\"ctx\",\"server\":\"https://x:6443\",\"version\":\"v1.29.2\"},"
"\"collected_at\":\"2026-12-04T11:00:00+01:00\",\"items\":["
"{\"path\":\"./logs/ns/p/c.log\",\"type\":\"log\",\"namespace\":\"ns\",\"pod\":\"p\","
" \"container\":\"c\",\"previous\":true,\"exit_code\":0},"
"{\"path\":\"cluster/restores.json\",\"type\":\"k8s-json\",\"exit_code\":1,"
" \"stderr\":\"Error from server (Forbidden)\",\"command\":[\"kubectl\",\"get\"],\"timed_out\":false},"
"{\"type\":\"log\"},"
"{\"path\":\"host/n1/df-h.txt\",\"type\":\"df\",\"host\":\"n1\",\"timed_out\":true,\"duration_ms\":30000},"
"{\"path\":\"logs/ns/p/late.log\",\"type\":\"log\",\"step\":\"logs\",\"not_run\":true},"
"{\"path\":\"big.txt\",\"type\":\"text\",\"duration_ms\":1180591620717411303424,\"exit_code\":2.5}]}";

static void reads_items(void)
{
	struct pm_manifest m;
	struct pm_error err;
	const struct pm_item *it;

	pm_manifest_init(&m);
	CHECK_INT(pm_manifest_parse(&m, doc, sizeof(doc) - 1, "manifest.json", &err), 0);
	CHECK_INT(m.format, 1);
	CHECK_STR(m.context, "ctx");
	CHECK_STR(m.collected_at, "2026-12-04T10:00:00Z");
	CHECK_INT(m.nitems, 5);
	CHECK_INT(m.bad_items, 1);
	it = pm_manifest_find(&m, "logs/ns/p/c.log");
	CHECK(it != NULL);
	if (it) {
		CHECK_STR(it->container, "c");
		CHECK_INT(it->previous, 1);
	}
	it = pm_manifest_find(&m, "cluster/restores.json");
	CHECK(it && it->has_exit_code && it->exit_code == 1);
	if (it)
		CHECK_STR(it->command, "[\"kubectl\",\"get\"]");
	it = pm_manifest_find(&m, "host/n1/df-h.txt");
	CHECK(it && it->timed_out && it->duration_ms == 30000);
	it = pm_manifest_find(&m, "logs/ns/p/late.log");
	CHECK(it && it->not_run && !it->has_exit_code);
	if (it)
		CHECK_STR(it->step, "logs");
	/* an integer past 2^64 does not cost the manifest; nonsense is not used */
	it = pm_manifest_find(&m, "big.txt");
	CHECK(it && it->duration_ms == 0 && !it->has_exit_code);
	CHECK(pm_manifest_find(&m, "nope") == NULL);
	pm_manifest_release(&m);
}

static void rejects(void)
{
	struct pm_manifest m;
	struct pm_error err;
	static const char v2[] = "{\"format\":2,\"items\":[]}";
	pm_manifest_init(&m);
	CHECK_INT(pm_manifest_parse(&m, "{\"format\":1,", 12, "manifest.json", &err), PM_EPARSE);
	CHECK_STR(err.path, "manifest.json");
	CHECK(err.line >= 1);
	pm_manifest_release(&m);
	CHECK_INT(pm_manifest_parse(&m, "[1]", 3, "manifest.json", &err), PM_EPARSE);
	pm_manifest_release(&m);
	CHECK_INT(pm_manifest_parse(&m, v2, sizeof(v2) - 1, "manifest.json", &err), PM_EPARSE);
	CHECK(strstr(err.msg, "format 2") != NULL);
	pm_manifest_release(&m);
}

int main(void)
{
	RUN(reads_items);
	RUN(rejects);
	DONE();
}
