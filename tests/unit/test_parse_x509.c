/* test_parse_x509.c - openssl x509 output into certificates. */
#include "parsetest.h"

extern const struct pm_parser pm_parser_x509;
#define P (&pm_parser_x509)
#define PATH "host/cp1/x509/apiserver.txt"
#define ROW "SELECT coalesce(subject,'N')||'|'||coalesce(issuer,'N')||'|'||coalesce(not_before,'N')||'|'||" \
	"coalesce(not_after,'N')||'|'||coalesce(sans,'N')||'|'||coalesce(serial,'N')||'|'||" \
	"coalesce(error,'N') FROM certificates"

/* openssl 3.0 -text -noout, key and signature bytes shortened */
static const char v3[] =
	"Certificate:\n"
	"    Data:\n"
	"        Version: 3 (0x2)\n"
	"        Serial Number:\n"
	"            01:02:03:04:05:06:07:08:09:0a:0b:0c:0d:0e:0f:10:11\n"
	"        Signature Algorithm: sha256WithRSAEncryption\n"
	"        Issuer: CN = velero-ca, O = podmortem\n"
	"        Validity\n"
	"            Not Before: Dec  4 20:10:25 2026 GMT\n"
	"            Not After : Dec 14 20:10:25 2026 GMT\n"
	"        Subject: CN = minio, O = podmortem\n"
	"        Subject Public Key Info:\n"
	"            Public Key Algorithm: rsaEncryption\n"
	"                Public-Key: (1024 bit)\n"
	"                Modulus:\n"
	"                    00:c4:1f:9a:22:7e:31:0b:55:90:1d:6a:2c:3f:88:\n"
	"                Exponent: 65537 (0x10001)\n"
	"        X509v3 extensions:\n"
	"            X509v3 Basic Constraints: critical\n"
	"                CA:FALSE\n"
	"            X509v3 Subject Alternative Name: \n"
	"                DNS:minio.velero.svc, IP Address:10.96.0.7\n"
	"    Signature Algorithm: sha256WithRSAEncryption\n"
	"    Signature Value:\n"
	"        bc:80:f8:1a:4c:1d:b1:48:d8:d3:ef:bc:21:ae:3b:b1:6d:be:\n";

static void text_forms(void)
{
	CHECK_INT(pt_run(P, PATH, v3), 0);
	CHECK_STR(pt_q(ROW), "CN = minio, O = podmortem|CN = velero-ca, O = podmortem|"
		  "2026-12-04T20:10:25Z|2026-12-14T20:10:25Z|[\"DNS:minio.velero.svc\",\"IP:10.96.0.7\"]|"
		  "0102030405060708090a0b0c0d0e0f1011|N");
	CHECK_STR(pt_q("SELECT host||' '||line FROM certificates"), "cp1 1");
	CHECK_INT(pt_count("gaps"), 0);

	/* a chain of two in one file */
	{
		size_t n = strlen(v3);
		char *two = malloc(2 * n + 1);
		memcpy(two, v3, n);
		memcpy(two + n, v3, n + 1);
		CHECK_INT(pt_run(P, PATH, two), 0);
		CHECK_INT(pt_count("certificates"), 2);
		CHECK_STR(pt_q("SELECT group_concat(line) FROM certificates"), "1,26");
		free(two);
	}
}

static void short_forms(void)
{
	CHECK_INT(pt_run(P, PATH, "notAfter=Mar 15 12:00:00 2025 GMT\n"), 0);
	CHECK_STR(pt_q(ROW), "N|N|N|2025-03-15T12:00:00Z|N|N|N");

	CHECK_INT(pt_run(P, PATH, "notBefore=Jan  1 00:00:00 2024 GMT\nnotAfter=Jan  1 00:00:00 2025 GMT\n"
			 "subject=CN = etcd-server\nissuer=CN = etcd-ca\nserial=2B57364114C53450\n"), 0);
	CHECK_STR(pt_q(ROW), "CN = etcd-server|CN = etcd-ca|2024-01-01T00:00:00Z|"
		  "2025-01-01T00:00:00Z|N|2b57364114c53450|N");
	CHECK_INT(pt_count("certificates"), 1);

	CHECK_INT(pt_run(P, PATH, "Could not read certificate from /etc/kubernetes/pki/nope.crt\n"
			 "Unable to load certificate\n"), 0);
	CHECK_STR(pt_q(ROW), "N|N|N|N|N|N|Could not read certificate from /etc/kubernetes/pki/nope.crt");
}

static void odd_inputs(void)
{
	static char big[7000];

	CHECK_INT(pt_run(P, PATH, ""), 0);
	CHECK_INT(pt_count("certificates"), 0);
	CHECK_STR(pt_q("SELECT reason FROM gaps"), "empty x509 output");

	CHECK_INT(pt_run(P, PATH, "notAfter=Foo 99 99:00:00 20x5 GMT\n\x01\x02\n"), 0);
	CHECK_INT(pt_count("certificates"), 0);
	CHECK_STR(pt_q("SELECT group_concat(coalesce(line,0)||':'||reason, ';') FROM gaps"),
		  "1:unreadable certificate time;0:no certificate fields found");

	/* cut inside the validity block */
	CHECK_INT(pt_run(P, PATH, "Certificate:\n    Data:\n        Serial Number: 7 (0x7)\n"
			 "        Issuer: CN = kubernetes\n        Validity\n            Not Before: Jul 22 20:2"), 0);
	CHECK_STR(pt_q(ROW), "N|CN = kubernetes|N|N|N|7|N");
	CHECK_INT(pt_count("gaps"), 1);

	/* a SAN line of 6000 bytes is cut at the line cap; JSON stays valid */
	memcpy(big, "X509v3 Subject Alternative Name:\n", 33);
	for (size_t i = 33; i + 8 < sizeof(big); i += 7)
		memcpy(big + i, "DNS:a, ", 7);
	CHECK_INT(pt_run(P, PATH, big), 0);
	CHECK_STR(pt_q("SELECT json_valid(sans) FROM certificates"), "1");
	CHECK_STR(pt_q("SELECT json_array_length(sans) FROM certificates"), "586");
}

static void realdata(void)
{
	char *doc = pt_slurp(pmt_realdata("KojoRising_CKA_Prep/07.1-View-Certificate-Details.md"), NULL);
	char *b;

	if (!doc) {
		fprintf(stderr, "realdata absent: skipped that part\n");
		return;
	}
	b = pt_block(doc, "apiserver.crt -text -noout\n    Certificate:", 1, "</details>", 4);
	CHECK_INT(pt_run(P, PATH, b ? b : ""), 0);
	CHECK_INT(pt_count("certificates"), 1);
	CHECK_STR(pt_q(ROW), "CN = kube-apiserver|CN = kubernetes|2021-07-22T20:25:26Z|2022-07-22T20:25:26Z|"
		  "[\"DNS:controlplane\",\"DNS:kubernetes\",\"DNS:kubernetes.default\","
		  "\"DNS:kubernetes.default.svc\",\"DNS:kubernetes.default.svc.cluster.local\","
		  "\"IP:10.96.0.1\",\"IP:10.36.167.3\"]|2b57364114c53450|N");
	CHECK_INT(pt_count("gaps"), 0);
	free(b);
	free(doc);
}

int main(void)
{
	RUN(text_forms);
	RUN(short_forms);
	RUN(odd_inputs);
	RUN(realdata);
	DONE();
}
