/* test_parse_top_nodes.c - kubectl top nodes into node_usage. */
#include "parsetest.h"

extern const struct pm_parser pm_parser_top_nodes;
#define P (&pm_parser_top_nodes)
#define PATH "cluster/top-nodes.txt"
#define ROW "SELECT node||'|'||coalesce(cpu_millicores,'N')||'|'||coalesce(cpu_pct,'N')||'|'||" \
	"coalesce(memory_bytes,'N')||'|'||coalesce(memory_pct,'N') FROM node_usage"

static void forms(void)
{
	CHECK_INT(pt_run(P, PATH,
		"NAME           CPU(cores)   CPU%   MEMORY(bytes)   MEMORY%   \n"
		"controlplane   453m         11%    1076Mi          28%       \n"
		"node01         2            50%    3Gi             80%\n"
		"node02         <unknown>    <unknown>   <unknown>  <unknown>\n"), 0);
	CHECK_INT(pt_count("node_usage"), 3);
	CHECK_STR(pt_q(ROW " WHERE node='controlplane'"), "controlplane|453|11.0|1128267776|28.0");
	CHECK_STR(pt_q(ROW " WHERE node='node01'"), "node01|2000|50.0|3221225472|80.0");
	CHECK_STR(pt_q(ROW " WHERE node='node02'"), "node02|N|N|N|N");
	CHECK_STR(pt_q("SELECT line FROM node_usage WHERE node='node01'"), "3");
	CHECK_INT(pt_count("gaps"), 0);

	/* kubectl 1.31+ header, and --no-headers */
	CHECK_INT(pt_run(P, PATH, "NAME   CPU(cores)   CPU(%)   MEMORY(bytes)   MEMORY(%)\n"
			 "w1     80m          4%       619Mi           16%\n"), 0);
	CHECK_STR(pt_q(ROW), "w1|80|4.0|649068544|16.0");
	CHECK_INT(pt_run(P, PATH, "w1     80m          4%       619Mi           16%\n"), 0);
	CHECK_STR(pt_q(ROW), "w1|80|4.0|649068544|16.0");
}

static void odd_inputs(void)
{
	CHECK_INT(pt_run(P, PATH, "error: Metrics API not available\n"), 0);
	CHECK_INT(pt_count("node_usage"), 0);
	CHECK_STR(pt_q("SELECT category||'|'||line||'|'||reason FROM gaps"),
		  "collect|1|error: Metrics API not available");

	CHECK_INT(pt_run(P, PATH, ""), 0);
	CHECK_STR(pt_q("SELECT reason FROM gaps"), "empty kubectl top nodes output");

	/* cut mid-row; garbage with five words */
	CHECK_INT(pt_run(P, PATH, "NAME CPU(cores) CPU% MEMORY(bytes) MEMORY%\n"
			 "n1 10m 1% 100Mi 2%\nn2 x y z w\nn3 12m 1"), 0);
	CHECK_INT(pt_count("node_usage"), 1);
	CHECK_STR(pt_q("SELECT group_concat(line) FROM gaps"), "3,4");
}

static void realdata(void)
{
	char *d = pt_slurp(pmt_realdata("robusta-dev_holmesgpt/35_tempo__kubectl_top_nodes.txt"), NULL);
	char *b;

	if (!d) {
		fprintf(stderr, "realdata absent: skipped that part\n");
		return;
	}
	b = pt_block(d, "stdout:", 1, "stderr:", 0);
	CHECK_INT(pt_run(P, PATH, b ? b : ""), 0);
	CHECK_INT(pt_count("node_usage"), 5);
	CHECK_STR(pt_q(ROW " WHERE node='local-kind-multi-node-worker'"),
		  "local-kind-multi-node-worker|106|0.0|4977590272|3.0");
	CHECK_INT(pt_count("gaps"), 0);
	free(b);
	/* the whole wrapped file: the wrapper before the header is skipped */
	CHECK_INT(pt_run(P, PATH, d), 0);
	CHECK_INT(pt_count("node_usage"), 5);
	CHECK_STR(pt_q("SELECT count(*) FROM gaps"), "1"); /* "stderr:" after the table */
	free(d);

	d = pt_slurp(pmt_realdata("KojoRising_CKA_Prep/04.1-Monitoring.md"), NULL);
	b = d ? pt_block(d, "# kubectl top node --sort-by=cpu", 1, "</details>", 4) : NULL;
	CHECK_INT(pt_run(P, PATH, b ? b : ""), 0);
	CHECK_STR(pt_q(ROW " WHERE node='controlplane'"), "controlplane|449|1.0|1311768576|0.0");
	CHECK_INT(pt_count("node_usage"), 2);
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
