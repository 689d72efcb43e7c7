/* test_parse_etcd.c - etcdctl endpoint health/status into etcd_health, etcd_status. */
#include "parsetest.h"

extern const struct pm_parser pm_parser_etcd_health;
#define P (&pm_parser_etcd_health)
#define PATH "host/cp1/etcd-health.txt"
#define HROW "SELECT coalesce(endpoint,'N')||'|'||healthy||'|'||coalesce(took_ms,'N')||'|'||" \
	"coalesce(error,'N') FROM etcd_health"
#define SROW "SELECT endpoint||'|'||coalesce(id,'N')||'|'||coalesce(version,'N')||'|'||" \
	"coalesce(db_size_bytes,'N')||'|'||coalesce(is_leader,'N')||'|'||coalesce(raft_term,'N')||'|'||" \
	"coalesce(errors,'N') FROM etcd_status"

static void health_text(void)
{
	CHECK_INT(pt_run(P, PATH,
		"https://127.0.0.1:2379 is healthy: successfully committed proposal: took = 903.138\xc2\xb5s\n"
		"https://10.0.0.2:2379 is healthy: successfully committed proposal: took = 12.5ms\n"
		"https://10.0.0.3:2379 is healthy: successfully committed proposal: took = 1.2s\n"
		"https://10.0.0.4:2379 is unhealthy: failed to commit proposal: context deadline exceeded\n"
		"Error: unhealthy cluster\n"), 0);
	CHECK_INT(pt_count("etcd_health"), 4);
	CHECK_STR(pt_q(HROW " WHERE line=1"), "https://127.0.0.1:2379|1|0.903138|N");
	CHECK_STR(pt_q(HROW " WHERE line=2"), "https://10.0.0.2:2379|1|12.5|N");
	CHECK_STR(pt_q(HROW " WHERE line=3"), "https://10.0.0.3:2379|1|1200.0|N");
	CHECK_STR(pt_q(HROW " WHERE line=4"),
		  "https://10.0.0.4:2379|0|N|failed to commit proposal: context deadline exceeded");
	CHECK_STR(pt_q("SELECT DISTINCT host FROM etcd_health"), "cp1");
	CHECK_INT(pt_count("gaps"), 0);

	/* only the error: one row without endpoint */
	CHECK_INT(pt_run(P, PATH, "{\"level\":\"warn\",\"msg\":\"retrying\"}\n"
			 "Error: context deadline exceeded\n"), 0);
	CHECK_STR(pt_q(HROW), "N|0|N|context deadline exceeded");
	CHECK_STR(pt_q("SELECT line FROM etcd_health"), "2");
}

static void health_json_table(void)
{
	CHECK_INT(pt_run(P, PATH,
		"[{\"endpoint\":\"https://127.0.0.1:2379\",\"health\":true,\"took\":\"1.2ms\"},"
		"{\"endpoint\":\"https://10.0.0.4:2379\",\"health\":false,\"took\":\"5.000342s\","
		"\"error\":\"failed to commit proposal: context deadline exceeded\"}]\n"), 0);
	CHECK_INT(pt_count("etcd_health"), 2);
	CHECK_STR(pt_q(HROW " WHERE healthy=1"), "https://127.0.0.1:2379|1|1.2|N");
	CHECK_STR(pt_q(HROW " WHERE healthy=0"),
		  "https://10.0.0.4:2379|0|5000.342|failed to commit proposal: context deadline exceeded");
	CHECK_STR(pt_q("SELECT coalesce(line,'N') FROM etcd_health LIMIT 1"), "N");

	CHECK_INT(pt_run(P, PATH,
		"+------------------------+--------+------------+-------+\n"
		"|        ENDPOINT        | HEALTH |    TOOK    | ERROR |\n"
		"+------------------------+--------+------------+-------+\n"
		"| https://127.0.0.1:2379 |   true | 2.389143ms |       |\n"
		"+------------------------+--------+------------+-------+\n"), 0);
	CHECK_STR(pt_q(HROW), "https://127.0.0.1:2379|1|2.389143|N");
}

static void status_forms(void)
{
	CHECK_INT(pt_run(P, PATH,
		"https://10.0.0.2:2379, 8e9e05c52164694d, 3.5.9, 2.1 MB, true, false, 4, 91234, 91234, \n"
		"https://10.0.0.3:2379, 91bc3c398fb3c146, 3.5.9, 2.1 MB, false, false, 4, 91234, 91234, memberID:1 alarm:NOSPACE \n"), 0);
	CHECK_INT(pt_count("etcd_status"), 2);
	CHECK_STR(pt_q(SROW " WHERE line=1"), "https://10.0.0.2:2379|8e9e05c52164694d|3.5.9|2100000|1|4|N");
	CHECK_STR(pt_q(SROW " WHERE line=2"),
		  "https://10.0.0.3:2379|91bc3c398fb3c146|3.5.9|2100000|0|4|memberID:1 alarm:NOSPACE");

	/* member ids above 2^63 stay exact */
	CHECK_INT(pt_run(P, PATH,
		"[{\"Endpoint\":\"127.0.0.1:2379\",\"Status\":{\"header\":{\"cluster_id\":17237436991929493444,"
		"\"member_id\":9372538179322589801,\"revision\":2,\"raft_term\":2},\"version\":\"3.0.0\","
		"\"dbSize\":24576,\"leader\":18249187646912138824,\"raftIndex\":32623,\"raftTerm\":2}},"
		"{\"Endpoint\":\"127.0.0.1:22379\",\"Status\":{\"header\":{\"member_id\":18249187646912138824},"
		"\"version\":\"3.0.0\",\"dbSize\":24576,\"leader\":18249187646912138824,\"raftTerm\":3,"
		"\"errors\":[\"alarm:NOSPACE\"]}}]"), 0);
	CHECK_STR(pt_q(SROW " WHERE endpoint='127.0.0.1:2379'"),
		  "127.0.0.1:2379|8211f1d0f64f3269|3.0.0|24576|0|2|N");
	CHECK_STR(pt_q(SROW " WHERE endpoint='127.0.0.1:22379'"),
		  "127.0.0.1:22379|fd422379fda50e48|3.0.0|24576|1|3|[\"alarm:NOSPACE\"]");
}

static void odd_inputs(void)
{
	CHECK_INT(pt_run(P, PATH, ""), 0);
	CHECK_INT(pt_count("etcd_health") + pt_count("etcd_status"), 0);
	CHECK_STR(pt_q("SELECT reason FROM gaps"), "no etcdctl output found");

	/* cut mid-line and mid-JSON */
	CHECK_INT(pt_run(P, PATH, "https://127.0.0.1:2379 is healthy: successfully committed proposal: took = 9"), 0);
	CHECK_STR(pt_q(HROW), "https://127.0.0.1:2379|1|N|N");
	CHECK_INT(pt_run(P, PATH, "[{\"endpoint\":\"https://127.0.0.1:2379\",\"health\":tr"), 0);
	CHECK_INT(pt_count("etcd_health"), 0);
	CHECK(strncmp(pt_q("SELECT reason FROM gaps"), "etcd JSON: ", 11) == 0);

	CHECK_INT(pt_run(P, PATH, "[1, {\"x\":1}, \"y\"]"), 0);
	CHECK_INT(pt_count("gaps"), 3);

	CHECK_INT(pt_run(P, PATH, "garbage \x01\n| a | b |\n| ENDPOINT | HEALTH |\n| x |\n"), 0);
	CHECK_INT(pt_count("etcd_health"), 0);
	CHECK_INT(pt_count("gaps"), 3);
}

static void realdata(void)
{
	char *doc = pt_slurp(pmt_realdata("etcd-io_etcd/README.md"), NULL);
	char *b;

	if (!doc) {
		fprintf(stderr, "realdata absent: skipped that part\n");
		return;
	}
	b = pt_block(doc, "# http://127.0.0.1:2379 is healthy", 0, "```", 2);
	CHECK_INT(pt_run(P, PATH, b ? b : ""), 0);
	CHECK_INT(pt_count("etcd_health"), 3);
	CHECK_STR(pt_q(HROW " WHERE line=2"), "http://127.0.0.1:22379|1|0.903138|N");
	CHECK_STR(pt_q(HROW " WHERE line=1"), "http://127.0.0.1:2379|1|1.060091|N");
	free(b);

	b = pt_block(doc, "# 127.0.0.1:2379, 8211f1d0f64f3269", 0, "```", 2);
	CHECK_INT(pt_run(P, PATH, b ? b : ""), 0);
	CHECK_STR(pt_q(SROW), "127.0.0.1:2379|8211f1d0f64f3269|3.0.0|25000|0|2|N");
	free(b);

	b = pt_block(doc, "-w table endpoint --cluster status", 1, "```", 0);
	CHECK_INT(pt_run(P, PATH, b ? b : ""), 0);
	CHECK_INT(pt_count("etcd_status"), 3);
	CHECK_STR(pt_q(SROW " WHERE is_leader=1"),
		  "http://127.0.0.1:22379|91bc3c398fb3c146|3.6.0-alpha.0|25000|1|2|N");
	CHECK_INT(pt_count("gaps"), 0);
	free(b);
	free(doc);
}

int main(void)
{
	RUN(health_text);
	RUN(health_json_table);
	RUN(status_forms);
	RUN(odd_inputs);
	RUN(realdata);
	DONE();
}
