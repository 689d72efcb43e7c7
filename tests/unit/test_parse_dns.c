/* test_parse_dns.c - nslookup and dig into dns_lookups. */
#include "parsetest.h"

extern const struct pm_parser pm_parser_dns;
#define P (&pm_parser_dns)
#define PATH "host/node1/dns-kubernetes.default.txt"
#define ROW "SELECT coalesce(name,'N')||'|'||coalesce(server,'N')||'|'||answers||'|'||" \
	"coalesce(error,'N') FROM dns_lookups"

static void nslookup_forms(void)
{
	CHECK_INT(pt_run(P, PATH,
		"Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\n"
		"Name:\tkubernetes.default.svc.cluster.local\nAddress: 10.96.0.1\n\n"), 0);
	CHECK_STR(pt_q(ROW), "kubernetes.default|10.96.0.10|[\"10.96.0.1\"]|N");
	CHECK_STR(pt_q("SELECT host||' '||line FROM dns_lookups"), "node1 1");

	/* busybox 1.28 style, name from the output when the path says nothing */
	CHECK_INT(pt_run(P, "x/lookup.txt",
		"Server:    10.96.0.10\n"
		"Address 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local\n\n"
		"Name:      minio.velero\n"
		"Address 1: 10.100.1.7 minio.velero.svc.cluster.local\n"
		"Address 2: fd00::7 minio.velero.svc.cluster.local\n"), 0);
	CHECK_STR(pt_q(ROW), "minio.velero|10.96.0.10|[\"10.100.1.7\",\"fd00::7\"]|N");

	CHECK_INT(pt_run(P, PATH, ";; connection timed out; no servers could be reached\n\n"
			 "command terminated with exit code 1\n"), 0);
	CHECK_STR(pt_q(ROW), "kubernetes.default|N|[]|connection timed out; no servers could be reached");

	CHECK_INT(pt_run(P, PATH, "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\n"
			 "** server can't find kubernetes.default: SERVFAIL\n"), 0);
	CHECK_STR(pt_q(ROW), "kubernetes.default|10.96.0.10|[]|SERVFAIL");

	CHECK_INT(pt_run(P, "x/y.txt", "Server:    10.96.0.10\nAddress 1: 10.96.0.10\n\n"
			 "nslookup: can't resolve 'minio.velero'\n"), 0);
	CHECK_STR(pt_q(ROW), "N|10.96.0.10|[]|can't resolve 'minio.velero'");

	/* name from the command; AAAA "Can't find" is not an error when A answered */
	{
		struct pm_item it;
		const char *d = "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\n"
				"Name:\tminio.velero.svc.cluster.local\nAddress: 10.100.1.7\n"
				"*** Can't find minio.velero.svc.cluster.local: No answer\n";
		memset(&it, 0, sizeof(it));
		it.command = "[\"kubectl\",\"exec\",\"-n\",\"velero\",\"dnsutils\",\"--\",\"nslookup\",\"minio.velero\"]";
		CHECK_INT(pt_run_item(P, PATH, d, strlen(d), &it), 0);
		CHECK_STR(pt_q(ROW), "minio.velero|10.96.0.10|[\"10.100.1.7\"]|N");
	}
}

static void dig_forms(void)
{
	CHECK_INT(pt_run(P, "x/dig.txt",
		"\n; <<>> DiG 9.16.1 <<>> minio.velero.svc.cluster.local\n"
		";; global options: +cmd\n;; Got answer:\n"
		";; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 5113\n"
		";; flags: qr aa rd; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1\n\n"
		";; QUESTION SECTION:\n;minio.velero.svc.cluster.local. IN\tA\n\n"
		";; ANSWER SECTION:\n"
		"minio.velero.svc.cluster.local. 30 IN\tA\t10.100.1.7\n\n"
		";; Query time: 0 msec\n;; SERVER: 10.96.0.10#53(10.96.0.10)\n"
		";; WHEN: Fri Dec 04 10:00:00 UTC 2026\n;; MSG SIZE  rcvd: 97\n"), 0);
	CHECK_STR(pt_q(ROW), "minio.velero.svc.cluster.local|10.96.0.10|[\"10.100.1.7\"]|N");
	CHECK_INT(pt_count("gaps"), 0);

	CHECK_INT(pt_run(P, "x/dig.txt",
		"; <<>> DiG 9.16.1 <<>> nope.velero\n"
		";; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN, id: 20\n"
		";; QUESTION SECTION:\n;nope.velero.\t\t\tIN\tA\n\n"
		";; AUTHORITY SECTION:\n. 30 IN SOA a.root-servers.net. nstld.verisign-grs.com. 1 2 3 4 5\n\n"
		";; SERVER: 10.96.0.10#53(10.96.0.10)\n"), 0);
	CHECK_STR(pt_q(ROW), "nope.velero|10.96.0.10|[]|NXDOMAIN");
	CHECK_INT(pt_count("gaps"), 0);

	CHECK_INT(pt_run(P, PATH, "10.96.0.1\n"), 0);
	CHECK_STR(pt_q(ROW), "kubernetes.default|N|[\"10.96.0.1\"]|N");
}

static void odd_inputs(void)
{
	static char big[8000];

	CHECK_INT(pt_run(P, PATH, ""), 0);
	CHECK_INT(pt_count("dns_lookups"), 0);
	CHECK_STR(pt_q("SELECT reason FROM gaps"), "empty DNS output");

	/* cut right after the server block: the server is known, no answer */
	CHECK_INT(pt_run(P, PATH, "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#5"), 0);
	CHECK_STR(pt_q(ROW), "kubernetes.default|10.96.0.10|[]|N");

	CHECK_INT(pt_run(P, PATH, "\x7f\x01 garbage\n\"quoted\\\"\n"), 0);
	CHECK_INT(pt_count("dns_lookups"), 0);
	CHECK_INT(pt_count("gaps"), 3);

	/* an answer with quotes and control bytes stays valid JSON */
	CHECK_INT(pt_run(P, PATH, "; <<>> DiG\n;; ANSWER SECTION:\nx. 1 IN TXT \"a\\\"b\x01\"\n"), 0);
	CHECK_STR(pt_q("SELECT json_valid(answers)||' '||json_array_length(answers) FROM dns_lookups"), "1 1");

	memset(big, 'A', sizeof(big) - 1);
	memcpy(big, "Server: ", 8);
	CHECK_INT(pt_run(P, PATH, big), 0);
	CHECK_STR(pt_q("SELECT length(server) FROM dns_lookups"), "255");
}

static void realdata(void)
{
	char *doc = pt_slurp(pmt_realdata("KojoRising_CKA_Prep/09.6-Explore-DNS.md"), NULL);
	char *b;

	if (!doc) {
		fprintf(stderr, "realdata absent: skipped that part\n");
		return;
	}
	b = pt_block(doc, "kx hr -- nslookup mysql ", 1, "kx hr -- nslookup mysql.payroll", 4);
	CHECK(b != NULL);
	CHECK_INT(pt_run(P, "host/n/nslookup.txt", b ? b : ""), 0);
	CHECK_STR(pt_q(ROW), "mysql|10.96.0.10|[]|NXDOMAIN");
	CHECK_INT(pt_count("gaps"), 0);
	free(b);

	b = pt_block(doc, "kx hr -- nslookup mysql.payroll", 1, "kubectl exec -it hr", 4);
	CHECK_INT(pt_run(P, "host/n/dns-mysql.payroll.txt", b ? b : ""), 0);
	CHECK_STR(pt_q(ROW), "mysql.payroll|10.96.0.10|[\"10.97.164.2\"]|N");
	CHECK_INT(pt_count("gaps"), 0);
	free(b);

	b = pt_block(doc, "kx test -- nslookup 10.244.0.6", 1, "kg pod/hr", 4);
	CHECK_INT(pt_run(P, "x/y.txt", b ? b : ""), 0);
	CHECK_STR(pt_q(ROW), "10.244.0.6|N|[\"10.244.0.6\"]|N");
	CHECK_INT(pt_count("gaps"), 0);
	free(b);
	free(doc);
}

int main(void)
{
	RUN(nslookup_forms);
	RUN(dig_forms);
	RUN(odd_inputs);
	RUN(realdata);
	DONE();
}
