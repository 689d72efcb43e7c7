/* test_parse_sniff.c - files with no manifest item find the host/kubectl
 * text parsers by bundle layout path, and by content when unlabeled. */
#include "pmtest.h"

#include "podmortem/parse.h"

static void expect(const char *path, const char *head, const char *type)
{
	const struct pm_parser *p =
		pm_parser_sniff(path, (const unsigned char *)head, strlen(head));
	const char *got = p ? p->type : "(none)";

	pmt_checks++;
	if (strcmp(got, type)) {
		pmt_failures++;
		fprintf(stderr, "sniff %s: got %s, expected %s\n", path, got, type);
	}
}

static const char df_h[] = "Filesystem      Size  Used Avail Use% Mounted on\n/dev/sda2 20G 5.5G 14G 30% /\n";
static const char df_i[] = "Filesystem      Inodes  IUsed   IFree IUse% Mounted on\n";
static const char df_p[] = "Filesystem     1024-blocks    Used Available Capacity Mounted on\n";
static const char dd[] = "100+0 records in\n100+0 records out\n"
			 "104857600 bytes (105 MB, 100 MiB) copied, 0.5 s, 210 MB/s\n";
static const char dd_bsd[] = "104857600 bytes transferred in 0.5 secs (209715200 bytes/sec)\n";
static const char iperf_json[] = "{\n\t\"start\":\t{\n\t\t\"connected\":\t[],\n"
				 "\t\t\"connecting_to\":\t{\"host\": \"10.0.0.5\", \"port\": 5201}}}\n";
static const char iperf_txt[] = "Connecting to host 10.0.0.5, port 5201\n"
				"[ ID] Interval           Transfer     Bitrate\n"
				"[  5]   0.00-10.00  sec  1.10 GBytes   943 Mbits/sec  sender\n";
static const char ping[] = "PING 10.0.0.5 (10.0.0.5) 56(84) bytes of data.\n";
static const char nslookup[] = "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\n"
			       "** server can't find mysql: NXDOMAIN\n";
static const char dig[] = "\n; <<>> DiG 9.16.1 <<>> minio.velero\n;; global options: +cmd\n";
static const char etcd[] = "https://127.0.0.1:2379 is healthy: successfully committed proposal: took = 2.1ms\n";
static const char etcd_json[] = "[{\"endpoint\":\"https://127.0.0.1:2379\",\"health\":true,\"took\":\"1.2ms\"}]\n";
static const char x509_text[] = "Certificate:\n    Data:\n        Version: 3 (0x2)\n"
				"        Serial Number: 7 (0x7)\n";
static const char x509_end[] = "notAfter=Mar 15 12:00:00 2025 GMT\n";
static const char top_nodes[] = "NAME   CPU(cores)   CPU%   MEMORY(bytes)   MEMORY%\nn1 1m 0% 1Mi 0%\n";
static const char top_pods[] = "NAMESPACE   NAME   CPU(cores)   MEMORY(bytes)\nvelero v 1m 1Mi\n";
static const char can_i[] = "create backups.velero.io: yes\nget secrets: no\n";
static const char can_i_list[] = "Resources   Non-Resource URLs   Resource Names   Verbs\n"
				 "pods        []                  []               [get]\n";
static const char cs[] = "Warning: v1 ComponentStatus is deprecated in v1.19+\n"
			 "NAME   STATUS   MESSAGE   ERROR\n";
static const char ci[] = "\x1b[0;32mKubernetes control plane\x1b[0m is running at https://a:6443\n";

static void by_path(void)
{
	/* layout paths decide even when the content is odd or empty */
	expect("host/node1/df-h.txt", "", "df");
	expect("host/node1/df-i.txt", "garbage", "df");
	expect("host/node1/dd.txt", "", "dd");
	expect("host/node1/iperf3.json", "{\"error\": \"x\"}", "iperf3");
	expect("host/node1/ping-10.0.0.5.txt", "", "ping");
	expect("host/node1/dns-kubernetes.default.txt", "", "dns");
	expect("host/node1/etcd-health.txt", "", "etcd-health");
	expect("host/node1/x509/apiserver.txt", "", "x509");
	expect("cluster/top-nodes.txt", "", "top-nodes");
	expect("cluster/top-pods.txt", "", "top-pods");
	expect("auth/can-i-list.txt", "", "can-i-list");
	expect("auth/can-i-list__velero__velero.txt", "", "can-i-list");
	expect("auth/can-i__velero__velero.txt", "", "can-i");
	expect("cluster/componentstatuses.txt", "", "componentstatuses");
	expect("cluster/cluster-info.txt", "", "cluster-info");
	/* with the bundle's top folder still in front */
	expect("podmortem-prod-20261204T100000Z/host/node1/df-h.txt", "", "df");
	expect("podmortem-prod-20261204T100000Z/host/n/x509/etcd-server.txt", "", "x509");
	/* the right file, the right content: same answer */
	expect("host/node1/df-h.txt", df_h, "df");
	expect("host/node1/ping-x.txt", ping, "ping");
	/* a host file of another kind is not df just for being under host/ */
	expect("host/node1/notes.txt", "hello\n", "text");
}

static void by_content(void)
{
	expect("misc/a.txt", df_h, "df");
	expect("misc/a.out", df_i, "df");
	expect("a", df_p, "df");
	expect("misc/a.txt", dd, "dd");
	expect("misc/a.txt", dd_bsd, "dd");
	expect("misc/a.json", iperf_json, "iperf3");
	expect("misc/a.txt", iperf_txt, "iperf3");
	expect("misc/a.txt", ping, "ping");
	expect("misc/a.txt", nslookup, "dns");
	expect("misc/a.txt", dig, "dns");
	expect("misc/a.txt", etcd, "etcd-health");
	expect("misc/a.txt", etcd_json, "etcd-health");
	expect("misc/a.txt", x509_text, "x509");
	expect("misc/a.txt", x509_end, "x509");
	expect("misc/a.txt", top_nodes, "top-nodes");
	expect("misc/a.txt", top_pods, "top-pods");
	expect("misc/a", can_i, "can-i");
	expect("misc/a.txt", can_i_list, "can-i-list");
	expect("misc/a.txt", cs, "componentstatuses");
	expect("misc/a.txt", ci, "cluster-info");
	/* nothing of ours in plain prose */
	expect("misc/a.txt", "Filesystem checks passed. Use% is fine.\n", "text");
	expect("misc/a.txt", "", "text");
}

int main(void)
{
	RUN(by_path);
	RUN(by_content);
	DONE();
}
