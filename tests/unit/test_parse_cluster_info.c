/* test_parse_cluster_info.c - kubectl cluster-info into cluster_info. */
#include "parsetest.h"

extern const struct pm_parser pm_parser_cluster_info;
#define P (&pm_parser_cluster_info)
#define PATH "cluster/cluster-info.txt"
#define ROW "SELECT reachable||'|'||coalesce(server_url,'N')||'|'||coalesce(coredns_url,'N')||'|'||" \
	"coalesce(error,'N') FROM cluster_info"

static void forms(void)
{
	CHECK_INT(pt_run(P, PATH,
		"\x1b[0;32mKubernetes control plane\x1b[0m is running at \x1b[0;33mhttps://10.0.0.10:6443\x1b[0m\n"
		"\x1b[0;32mCoreDNS\x1b[0m is running at \x1b[0;33mhttps://10.0.0.10:6443/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy\x1b[0m\n\n"
		"To further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n"), 0);
	CHECK_STR(pt_q(ROW), "1|https://10.0.0.10:6443|"
		  "https://10.0.0.10:6443/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy|N");
	CHECK_INT(pt_count("gaps"), 0);

	CHECK_INT(pt_run(P, PATH, "Kubernetes master is running at https://192.168.99.100:8443\n"
			 "KubeDNS is running at https://192.168.99.100:8443/api/v1/proxy/namespaces/kube-system/services/kube-dns\n"), 0);
	CHECK_STR(pt_q(ROW), "1|https://192.168.99.100:8443|"
		  "https://192.168.99.100:8443/api/v1/proxy/namespaces/kube-system/services/kube-dns|N");

	CHECK_INT(pt_run(P, PATH, "\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n"
			 "The connection to the server 10.0.0.10:6443 was refused - did you specify the right host or port?\n"), 0);
	CHECK_STR(pt_q(ROW), "0|N|N|The connection to the server 10.0.0.10:6443 was refused - did you specify the right host or port?");

	CHECK_INT(pt_run(P, PATH, "Unable to connect to the server: dial tcp 10.0.0.10:6443: i/o timeout\n"), 0);
	CHECK_STR(pt_q(ROW), "0|N|N|Unable to connect to the server: dial tcp 10.0.0.10:6443: i/o timeout");

	CHECK_INT(pt_run(P, PATH, "error: You must be logged in to the server (Unauthorized)\n"), 0);
	CHECK_STR(pt_q(ROW), "0|N|N|error: You must be logged in to the server (Unauthorized)");
}

static void odd_inputs(void)
{
	static char big[9000];

	CHECK_INT(pt_run(P, PATH, ""), 0);
	CHECK_INT(pt_count("cluster_info"), 0);
	CHECK_STR(pt_q("SELECT reason FROM gaps"), "empty cluster-info output");

	CHECK_INT(pt_run(P, PATH, "\x1b[0;32mKubernetes control pl"), 0);
	CHECK_INT(pt_count("cluster_info"), 0);
	CHECK_INT(pt_count("gaps"), 2);

	/* an escape cut in the middle, then a valid line */
	CHECK_INT(pt_run(P, PATH, "\x1b[0;3\nKubernetes control plane is running at https://a:6443\x1b["), 0);
	CHECK_STR(pt_q(ROW), "1|https://a:6443|N|N");

	memset(big, 'x', sizeof(big) - 1);
	memcpy(big, "Kubernetes control plane is running at ", 39);
	CHECK_INT(pt_run(P, PATH, big), 0);
	CHECK_STR(pt_q("SELECT length(server_url) FROM cluster_info"), "511");
}

int main(void)
{
	RUN(forms);
	RUN(odd_inputs);
	DONE();
}
