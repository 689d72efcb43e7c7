/* test_parse_dd.c - dd summaries into disk_throughput. */
#include "parsetest.h"

extern const struct pm_parser pm_parser_dd;
#define P (&pm_parser_dd)
#define PATH "host/node1/dd.txt"
#define ROW "SELECT host||'|'||coalesce(target,'N')||'|'||coalesce(bytes,'N')||'|'||" \
	"coalesce(seconds,'N')||'|'||coalesce(bytes_per_sec,'N')||'|'||" \
	"coalesce(dsync,'N')||'|'||coalesce(error,'N') FROM disk_throughput"

static void gnu_forms(void)
{
	struct pm_item it;
	const char *d = "100+0 records in\n100+0 records out\n"
			"104857600 bytes (105 MB, 100 MiB) copied, 0.5 s, 210 MB/s\n";

	memset(&it, 0, sizeof(it));
	it.command = "[\"dd\",\"if=/dev/zero\",\"of=/var/lib/velero/ddtest\","
		     "\"bs=1M\",\"count=100\",\"oflag=dsync\"]";
	CHECK_INT(pt_run_item(P, PATH, d, strlen(d), &it), 0);
	CHECK_STR(pt_q(ROW), "node1|/var/lib/velero/ddtest|104857600|0.5|209715200.0|1|N");
	CHECK_STR(pt_q("SELECT line FROM disk_throughput"), "3");
	CHECK_INT(pt_count("gaps"), 0);

	it.command = "[\"dd\",\"if=/dev/zero\",\"of=/data/x\",\"bs=1G\",\"count=1\"]";
	d = "1+0 records in\n1+0 records out\n"
	    "1073741824 bytes (1.1 GB) copied, 2.5 s, 429 MB/s\n";
	CHECK_INT(pt_run_item(P, PATH, d, strlen(d), &it), 0);
	CHECK_STR(pt_q(ROW), "node1|/data/x|1073741824|2.5|429496729.6|0|N");

	/* no command: no target, dsync unknown; tiny copy in e-notation */
	CHECK_INT(pt_run(P, PATH, "0+0 records in\n0+0 records out\n"
			 "0 bytes copied, 5.1e-05 s, 0.0 kB/s\n"), 0);
	CHECK_STR(pt_q(ROW), "node1|N|0|5.1e-05|0.0|N|N");
}

static void busybox_bsd(void)
{
	CHECK_INT(pt_run(P, PATH, "104857600 bytes (100.0MB) copied, 0.043702 seconds, 2.2GB/s\n"), 0);
	CHECK_STR(pt_q("SELECT bytes||' '||seconds||' '||cast(bytes_per_sec AS INTEGER) FROM disk_throughput"),
		  "104857600 0.043702 2399377602");
	CHECK_INT(pt_run(P, PATH, "100+0 records in\n100+0 records out\n"
			 "104857600 bytes transferred in 0.500000 secs (209715200 bytes/sec)\n"), 0);
	CHECK_STR(pt_q(ROW), "node1|N|104857600|0.5|209715200.0|N|N");
	/* rate taken from dd's text when the time is 0 */
	CHECK_INT(pt_run(P, PATH, "512 bytes copied, 0 s, 1.5 MiB/s\n"), 0);
	CHECK_STR(pt_q("SELECT bytes_per_sec FROM disk_throughput"), "1572864.0");
}

static void errors(void)
{
	CHECK_INT(pt_run(P, PATH, "dd: failed to open '/x': Permission denied\n"), 0);
	CHECK_STR(pt_q(ROW), "node1|N|N|N|N|N|failed to open '/x': Permission denied");
	CHECK_STR(pt_q("SELECT line FROM disk_throughput"), "1");

	CHECK_INT(pt_run(P, PATH,
		"dd: error writing '/mnt/f': No space left on device\n"
		"50+0 records in\n49+0 records out\n"
		"51380224 bytes (51 MB, 49 MiB) copied, 0.25 s, 206 MB/s\n"
		"104857600 bytes (105 MB, 100 MiB) copied, 0.5 s, 210 MB/s\n"), 0);
	CHECK_INT(pt_count("disk_throughput"), 2);
	CHECK_STR(pt_q("SELECT bytes||' '||error FROM disk_throughput WHERE line=4"),
		  "51380224 error writing '/mnt/f': No space left on device");
	CHECK_STR(pt_q("SELECT coalesce(error,'N') FROM disk_throughput WHERE line=5"), "N");
}

static void odd_inputs(void)
{
	static char big[9000];

	CHECK_INT(pt_run(P, PATH, ""), 0);
	CHECK_INT(pt_count("disk_throughput"), 0);
	CHECK_STR(pt_q("SELECT reason FROM gaps"), "empty dd output");

	CHECK_INT(pt_run(P, PATH, "100+0 records in\n104857600 bytes (105 MB, 100 MiB) cop"), 0);
	CHECK_INT(pt_count("disk_throughput"), 0);
	CHECK_STR(pt_q("SELECT line FROM gaps WHERE line IS NOT NULL"), "2");
	CHECK_STR(pt_q("SELECT reason FROM gaps WHERE line IS NULL"), "no dd summary found");

	CHECK_INT(pt_run(P, PATH, "\xff\xfe bytes copied, x s\n99999999999999999999999 bytes copied, 1 s, 1 B/s\n"), 0);
	CHECK_INT(pt_count("disk_throughput"), 0);
	CHECK_INT(pt_count("gaps"), 3);

	memset(big, 'x', sizeof(big) - 1);
	memcpy(big, "dd: ", 4);
	CHECK_INT(pt_run(P, PATH, big), 0);
	CHECK_STR(pt_q("SELECT length(error) FROM disk_throughput"), "511");
	CHECK_STR(pt_q("SELECT category FROM gaps"), "truncated");
}

static void realdata(void)
{
	char *doc = pt_slurp(pmt_realdata("scaleway_scaleway-csi/README.md"), NULL);
	char *b;

	if (!doc) {
		fprintf(stderr, "realdata absent: skipped that part\n");
		return;
	}
	b = pt_block(doc, "100+0 records in", 0, "```", 0);
	CHECK(b != NULL);
	if (b) {
		CHECK_INT(pt_run(P, PATH, b), 0);
		CHECK_INT(pt_count("gaps"), 0);
		CHECK_STR(pt_q("SELECT bytes||' '||seconds FROM disk_throughput"),
			  "104857600 0.043702");
		CHECK_STR(pt_q("SELECT round(bytes_per_sec/1e9, 2) FROM disk_throughput"), "2.4");
	}
	free(b);
	free(doc);
}

int main(void)
{
	RUN(gnu_forms);
	RUN(busybox_bsd);
	RUN(errors);
	RUN(odd_inputs);
	RUN(realdata);
	DONE();
}
