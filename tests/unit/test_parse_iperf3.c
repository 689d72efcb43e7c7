/* test_parse_iperf3.c - iperf3 JSON and text into network_throughput. */
#include "parsetest.h"

extern const struct pm_parser pm_parser_iperf3;
#define P (&pm_parser_iperf3)
#define PATH "host/node1/iperf3.json"
#define ROW "SELECT host||'|'||coalesce(target,'N')||'|'||coalesce(sent_bps,'N')||'|'||" \
	"coalesce(received_bps,'N')||'|'||coalesce(retransmits,'N')||'|'||" \
	"coalesce(error,'N') FROM network_throughput"

static void json_forms(void)
{
	CHECK_INT(pt_run(P, PATH,
		"{\n\t\"start\":\t{\n\t\t\"connected\":\t[{\"socket\": 5, \"local_host\": \"10.0.0.4\"}],\n"
		"\t\t\"version\":\t\"iperf 3.9\",\n"
		"\t\t\"connecting_to\":\t{\"host\": \"10.0.0.5\", \"port\": 5201}\n\t},\n"
		"\t\"intervals\": [],\n"
		"\t\"end\":\t{\n"
		"\t\t\"sum_sent\":\t{\"start\": 0, \"end\": 10.000123, \"seconds\": 10.000123,"
		" \"bytes\": 1178599424, \"bits_per_second\": 942868000.5, \"retransmits\": 12, \"sender\": true},\n"
		"\t\t\"sum_received\":\t{\"start\": 0, \"end\": 10.04, \"bytes\": 1175977984,"
		" \"bits_per_second\": 936990421.2, \"sender\": true}\n\t}\n}\n"), 0);
	CHECK_STR(pt_q(ROW), "node1|10.0.0.5|942868000.5|936990421.2|12|N");
	CHECK_INT(pt_count("gaps"), 0);

	CHECK_INT(pt_run(P, PATH,
		"{\n\t\"start\":\t{\n\t\t\"connected\":\t[],\n\t\t\"version\":\t\"iperf 3.9\"\n\t},\n"
		"\t\"intervals\":\t[],\n\t\"end\":\t{\n\t},\n"
		"\t\"error\":\t\"unable to connect to server: Connection refused\"\n}\n"), 0);
	CHECK_STR(pt_q(ROW), "node1|N|N|N|N|unable to connect to server: Connection refused");

	/* UDP: one sum; target from the command */
	{
		struct pm_item it;
		const char *d = "{\"start\":{},\"end\":{\"sum\":{\"bits_per_second\":1048576,"
				"\"lost_percent\":0}}}";
		memset(&it, 0, sizeof(it));
		it.command = "[\"iperf3\",\"-u\",\"-c\",\"iperf-server.default\",\"-J\"]";
		it.host = "h2";
		CHECK_INT(pt_run_item(P, PATH, d, strlen(d), &it), 0);
		CHECK_STR(pt_q(ROW), "h2|iperf-server.default|1048576.0|N|N|N");
	}
}

static void text_forms(void)
{
	CHECK_INT(pt_run(P, "host/n2/iperf3.txt",
		"Connecting to host 10.0.0.5, port 5201\n"
		"[  5] local 10.0.0.4 port 43210 connected to 10.0.0.5 port 5201\n"
		"[ ID] Interval           Transfer     Bitrate         Retr  Cwnd\n"
		"[  5]   0.00-1.00   sec   112 MBytes   940 Mbits/sec    0    423 KBytes\n"
		"- - - - - - - - - - - - - - - - - - - - - - - - -\n"
		"[ ID] Interval           Transfer     Bitrate         Retr\n"
		"[  5]   0.00-10.00  sec  1.10 GBytes   943 Mbits/sec   12             sender\n"
		"[  5]   0.00-10.04  sec  1.09 GBytes   936 Mbits/sec                  receiver\n"
		"\niperf Done.\n"), 0);
	CHECK_STR(pt_q(ROW), "n2|10.0.0.5|943000000.0|936000000.0|12|N");

	/* -P 2: the [SUM] lines win over the per-stream ones */
	CHECK_INT(pt_run(P, PATH,
		"[  5]   0.00-10.00  sec   550 MBytes   461 Mbits/sec    3             sender\n"
		"[  5]   0.00-10.00  sec   548 MBytes   459 Mbits/sec                  receiver\n"
		"[SUM]   0.00-10.00  sec  1.08 GBytes   1.85 Gbits/sec    7             sender\n"
		"[SUM]   0.00-10.00  sec  1.07 GBytes   1.84 Gbits/sec                  receiver\n"
		"[  7]   0.00-10.00  sec   540 MBytes   453 Mbits/sec    4             sender\n"), 0);
	CHECK_STR(pt_q(ROW), "node1|N|1850000000.0|1840000000.0|7|N");

	CHECK_INT(pt_run(P, PATH, "iperf3: error - unable to connect to server: No route to host\n"), 0);
	CHECK_STR(pt_q(ROW), "node1|N|N|N|N|unable to connect to server: No route to host");
}

static void odd_inputs(void)
{
	static char big[20000];

	CHECK_INT(pt_run(P, PATH, ""), 0);
	CHECK_INT(pt_count("network_throughput"), 0);
	CHECK_STR(pt_q("SELECT reason FROM gaps"), "empty iperf3 output");

	/* JSON cut off mid-way */
	CHECK_INT(pt_run(P, PATH, "{\"start\":{\"connecting_to\":{\"host\":\"10.0.0.5\"}},\"end\":{\"sum_se"), 0);
	CHECK_INT(pt_count("network_throughput"), 0);
	CHECK(strncmp(pt_q("SELECT reason FROM gaps"), "iperf3 JSON: ", 13) == 0);

	CHECK_INT(pt_run(P, PATH, "{\"end\": [1,2,3], \"error\": 5}"), 0);
	CHECK_INT(pt_count("network_throughput"), 0);
	CHECK_STR(pt_q("SELECT reason FROM gaps"), "iperf3 JSON without end sums or error");

	CHECK_INT(pt_run(P, PATH, "\x01garbage\n[ 5] x y sender\n"), 0);
	CHECK_INT(pt_count("network_throughput"), 0);
	CHECK_INT(pt_count("gaps"), 2);

	/* deep nesting stays within jansson's depth limit: a gap, no crash */
	memset(big, '[', sizeof(big) - 1);
	big[0] = '{';
	CHECK_INT(pt_run(P, PATH, big), 0);
	CHECK_INT(pt_count("network_throughput"), 0);
	CHECK_INT(pt_count("gaps"), 1);
}

int main(void)
{
	RUN(json_forms);
	RUN(text_forms);
	RUN(odd_inputs);
	DONE();
}
