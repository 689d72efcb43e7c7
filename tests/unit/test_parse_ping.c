/* test_parse_ping.c - ping runs into pings. */
#include "parsetest.h"

extern const struct pm_parser pm_parser_ping;
#define P (&pm_parser_ping)
#define PATH "host/node1/ping-10.0.0.5.txt"
#define ROW "SELECT coalesce(target,'N')||'|'||coalesce(transmitted,'N')||'|'||" \
	"coalesce(received,'N')||'|'||coalesce(loss_pct,'N')||'|'||coalesce(rtt_min_ms,'N')||'|'||" \
	"coalesce(rtt_avg_ms,'N')||'|'||coalesce(rtt_max_ms,'N')||'|'||coalesce(error,'N') FROM pings"

static void own_forms(void)
{
	CHECK_INT(pt_run(P, PATH,
		"PING 10.0.0.5 (10.0.0.5) 56(84) bytes of data.\n"
		"64 bytes from 10.0.0.5: icmp_seq=1 ttl=64 time=0.412 ms\n"
		"64 bytes from 10.0.0.5: icmp_seq=3 ttl=64 time=0.398 ms\n\n"
		"--- 10.0.0.5 ping statistics ---\n"
		"3 packets transmitted, 2 received, 33.3333% packet loss, time 2031ms\n"
		"rtt min/avg/max/mdev = 0.398/0.405/0.412/0.007 ms\n"), 0);
	CHECK_STR(pt_q(ROW), "10.0.0.5|3|2|33.3333|0.398|0.405|0.412|N");
	CHECK_STR(pt_q("SELECT host||' '||line FROM pings"), "node1 6");

	CHECK_INT(pt_run(P, PATH, "ping: unknown host minio.velero.svc\n"), 0);
	CHECK_STR(pt_q(ROW), "10.0.0.5|N|N|N|N|N|N|unknown host minio.velero.svc");

	CHECK_INT(pt_run(P, "host/n/ping-minio.txt",
			 "ping: minio.velero: Name or service not known\n"), 0);
	CHECK_STR(pt_q(ROW), "minio|N|N|N|N|N|N|minio.velero: Name or service not known");

	{
		struct pm_item it;
		const char *d = "ping: bad address 'minio.velero'\n";
		memset(&it, 0, sizeof(it));
		it.command = "[\"ping\",\"-c\",\"3\",\"minio.velero\"]";
		CHECK_INT(pt_run_item(P, "x/p.txt", d, strlen(d), &it), 0);
		CHECK_STR(pt_q(ROW), "minio.velero|N|N|N|N|N|N|bad address 'minio.velero'");
		CHECK_STR(pt_q("SELECT host FROM pings"), "");
	}

	/* two runs in one file */
	CHECK_INT(pt_run(P, PATH,
		"PING a (10.0.0.1): 56 data bytes\n--- a ping statistics ---\n"
		"1 packets transmitted, 1 packets received, 0% packet loss\n"
		"round-trip min/avg/max = 1.0/1.0/1.0 ms\n"
		"PING b (10.0.0.2): 56 data bytes\n--- b ping statistics ---\n"
		"2 packets transmitted, 0 packets received, 100% packet loss\n"), 0);
	CHECK_INT(pt_count("pings"), 2);
	CHECK_STR(pt_q(ROW " WHERE target='b'"), "b|2|0|100.0|N|N|N|N");
}

static void odd_inputs(void)
{
	static char big[6000];

	CHECK_INT(pt_run(P, PATH, ""), 0);
	CHECK_INT(pt_count("pings"), 0);
	CHECK_STR(pt_q("SELECT reason FROM gaps"), "empty ping output");

	/* cut before the statistics */
	CHECK_INT(pt_run(P, PATH, "PING 10.0.0.5 (10.0.0.5) 56(84) bytes of data.\n"
			 "64 bytes from 10.0.0.5: icmp_seq=1 ttl=64 time=0.4"), 0);
	CHECK_INT(pt_count("pings"), 0);
	CHECK_STR(pt_q("SELECT reason FROM gaps"), "no ping statistics found");

	/* statistics cut in the rtt line: the counts stay, rtt NULL */
	CHECK_INT(pt_run(P, PATH, "3 packets transmitted, 3 received, 0% packet loss\n"
			 "rtt min/avg/max/mdev = 0.398/0.4"), 0);
	CHECK_STR(pt_q(ROW), "10.0.0.5|3|3|0.0|N|N|N|N");

	CHECK_INT(pt_run(P, PATH, "\xff\xfegarbage transmitted a b c\n--- \n"), 0);
	CHECK_INT(pt_count("pings"), 0);
	CHECK_STR(pt_q("SELECT reason FROM gaps"), "no ping statistics found");

	memset(big, '9', sizeof(big) - 1);
	CHECK_INT(pt_run(P, PATH, big), 0);
	CHECK_INT(pt_count("pings"), 0);
	CHECK_INT(pt_count("gaps"), 2);
}

static char *real(const char *rel)
{
	return pt_slurp(pmt_realdata(rel), NULL);
}

static void realdata(void)
{
	char *d = real("kellyjonbrazil_jc/ubuntu-22.04__ping-dest-unreachable.out");

	if (!d) {
		fprintf(stderr, "realdata absent: skipped that part\n");
		return;
	}
	CHECK_INT(pt_run(P, PATH, d), 0);
	CHECK_STR(pt_q(ROW), "10.0.3.22|3|0|100.0|N|N|N|Destination Host Unreachable");
	free(d);

	d = real("kellyjonbrazil_jc/alpine-linux-3.13__ping-hostname.out");
	CHECK_INT(pt_run(P, PATH, d), 0);
	CHECK_STR(pt_q(ROW), "google.com|4|4|0.0|1.281|1.345|1.408|N");
	free(d);

	d = real("kellyjonbrazil_jc/osx-10.14.6__ping-ip-unreachable.out");
	CHECK_INT(pt_run(P, PATH, d), 0);
	CHECK_STR(pt_q(ROW), "192.168.1.220|8|0|100.0|N|N|N|Destination Host Unreachable");
	free(d);

	d = real("kellyjonbrazil_jc/centos-7.7__ping-ip-dup.out");
	CHECK_INT(pt_run(P, PATH, d), 0);
	CHECK_STR(pt_q(ROW), "192.168.1.255|2|2|0.0|0.586|504.26|1276.448|N");
	free(d);

	/* the PING line has an empty name: the statistics header is empty too */
	d = real("kellyjonbrazil_jc/centos-7.7__ping-missing-hostname.out");
	CHECK_INT(pt_run(P, PATH, d), 0);
	CHECK_STR(pt_q(ROW), "10.0.0.5|1|1|0.0|0.04|0.04|0.04|N");
	free(d);

	d = real("kellyjonbrazil_jc/pi__ping-ip-O.out");
	CHECK_INT(pt_run(P, PATH, d), 0);
	CHECK_STR(pt_q(ROW), "192.168.120.164|5|0|100.0|N|N|N|N");
	free(d);

	d = real("kellyjonbrazil_jc/ubuntu-18.04__ping-hostname-O-D-p-s.out");
	CHECK_INT(pt_run(P, PATH, d), 0);
	CHECK_STR(pt_q(ROW), "turner-tls.map.fastly.net|20|20|0.0|26.767|33.782|44.159|N");
	CHECK_INT(pt_count("gaps"), 0);
	free(d);
}

int main(void)
{
	RUN(own_forms);
	RUN(odd_inputs);
	RUN(realdata);
	DONE();
}
