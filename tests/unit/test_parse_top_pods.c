/* test_parse_top_pods.c - kubectl top pods into pod_usage. */
#include "parsetest.h"

extern const struct pm_parser pm_parser_top_pods;
#define P (&pm_parser_top_pods)
#define PATH "cluster/top-pods.txt"
#define ROW "SELECT coalesce(namespace,'N')||'|'||pod||'|'||coalesce(container,'N')||'|'||" \
	"cpu_millicores||'|'||memory_bytes FROM pod_usage"

static void forms(void)
{
	CHECK_INT(pt_run(P, PATH,
		"NAMESPACE   NAME                      CPU(cores)   MEMORY(bytes)\n"
		"velero      velero-6f8d9c7b5d-x2x4z   12m          84Mi\n"
		"velero      node-agent-7fn5h          1            1Gi\n"), 0);
	CHECK_INT(pt_count("pod_usage"), 2);
	CHECK_STR(pt_q(ROW " WHERE line=2"), "velero|velero-6f8d9c7b5d-x2x4z|N|12|88080384");
	CHECK_STR(pt_q(ROW " WHERE line=3"), "velero|node-agent-7fn5h|N|1000|1073741824");

	CHECK_INT(pt_run(P, PATH,
		"POD                       NAME         CPU(cores)   MEMORY(bytes)\n"
		"velero-6f8d9c7b5d-x2x4z   velero       11m          80Mi\n"
		"velero-6f8d9c7b5d-x2x4z   kopia-sidecar 1m          4Mi\n"), 0);
	CHECK_STR(pt_q(ROW " WHERE line=3"), "N|velero-6f8d9c7b5d-x2x4z|kopia-sidecar|1|4194304");

	{
		struct pm_item it;
		const char *d = "velero-6f8d9c7b5d-x2x4z   12m   84Mi\n";
		memset(&it, 0, sizeof(it));
		it.command = "[\"kubectl\",\"top\",\"pods\",\"-n\",\"velero\",\"--no-headers\"]";
		CHECK_INT(pt_run_item(P, PATH, d, strlen(d), &it), 0);
		CHECK_STR(pt_q(ROW), "velero|velero-6f8d9c7b5d-x2x4z|N|12|88080384");
		it.command = "[\"kubectl\",\"top\",\"pods\",\"-A\",\"--containers\",\"--no-headers\"]";
		d = "velero  velero-6f8d9c7b5d-x2x4z  velero  12m   84Mi\n";
		CHECK_INT(pt_run_item(P, PATH, d, strlen(d), &it), 0);
		CHECK_STR(pt_q(ROW), "velero|velero-6f8d9c7b5d-x2x4z|velero|12|88080384");
	}
}

static void odd_inputs(void)
{
	CHECK_INT(pt_run(P, PATH, "error: Metrics API not available\n"), 0);
	CHECK_INT(pt_count("pod_usage"), 0);
	CHECK_STR(pt_q("SELECT category||'|'||reason FROM gaps"),
		  "collect|error: Metrics API not available");

	CHECK_INT(pt_run(P, PATH, ""), 0);
	CHECK_STR(pt_q("SELECT reason FROM gaps"), "empty kubectl top pods output");

	CHECK_INT(pt_run(P, PATH, "NAME CPU(cores) MEMORY(bytes)\np1 1m 2Mi\np2 1m\np3 zz 2Mi\np4 1m 5"), 0);
	CHECK_INT(pt_count("pod_usage"), 2);
	CHECK_STR(pt_q("SELECT group_concat(line) FROM gaps"), "3,4");
	CHECK_STR(pt_q("SELECT memory_bytes FROM pod_usage WHERE pod='p4'"), "5");

	CHECK_INT(pt_run(P, PATH, "No resources found in velero namespace.\n"), 0);
	CHECK_INT(pt_count("pod_usage") + pt_count("gaps"), 0);
}

static void realdata(void)
{
	char *d = pt_slurp(pmt_realdata("robusta-dev_holmesgpt/35_tempo__kubectl_top_pods.txt"), NULL);
	char *b;

	if (!d) {
		fprintf(stderr, "realdata absent: skipped that part\n");
		return;
	}
	b = pt_block(d, "stdout:", 1, "stderr:", 0);
	CHECK_INT(pt_run(P, PATH, b ? b : ""), 0);
	CHECK(pt_count("pod_usage") > 30);
	CHECK_STR(pt_q(ROW " WHERE pod='loki-0'"), "loki|loki-0|N|19|577765376");
	CHECK_STR(pt_q(ROW " WHERE pod LIKE 'etcd-%'"),
		  "kube-system|etcd-local-kind-multi-node-control-plane|N|15|141557760");
	CHECK_INT(pt_count("gaps"), 0);
	free(b);
	free(d);

	d = pt_slurp(pmt_realdata("KojoRising_CKA_Prep/04.1-Monitoring.md"), NULL);
	b = d ? pt_block(d, "--sort-by=memory | head -n 1", 1, "</details>", 4) : NULL;
	CHECK_INT(pt_run(P, PATH, b ? b : ""), 0);
	CHECK_STR(pt_q(ROW), "N|rabbit|N|154|265289728");
	free(b);
	free(d);
}

int main(void)
{
	RUN(forms);
	RUN(odd_inputs);
	RUN(realdata);
	DONE();
}
