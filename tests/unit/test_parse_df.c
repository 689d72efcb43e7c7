/* test_parse_df.c - df forms into filesystems. */
#include "parsetest.h"

extern const struct pm_parser pm_parser_df;
#define P (&pm_parser_df)
#define PATH "host/node1/df-h.txt"

static void gnu_h(void)
{
	CHECK_INT(pt_run(P, PATH,
		"Filesystem      Size  Used Avail Use% Mounted on\n"
		"/dev/sda2        20G  5.5G   14G  30% /\n"
		"tmpfs           5.0M     0  5.0M   0% /run/lock\n"
		"/dev/sdb1       1.5T  1.5T     0 100% /var/lib/velero data\n"), 0);
	CHECK_INT(pt_count("filesystems"), 3);
	CHECK_STR(pt_q("SELECT host||'|'||path||'|'||line||'|'||filesystem||'|'||"
		       "size_bytes||'|'||used_bytes||'|'||avail_bytes||'|'||use_pct "
		       "FROM filesystems WHERE mount='/'"),
		  "node1|host/node1/df-h.txt|2|/dev/sda2|21474836480|5905580032|"
		  "15032385536|30.0");
	CHECK_STR(pt_q("SELECT size_bytes FROM filesystems WHERE filesystem='/dev/sdb1'"),
		  "1649267441664");
	CHECK_STR(pt_q("SELECT mount FROM filesystems WHERE line=4"),
		  "/var/lib/velero data");
	CHECK_STR(pt_q("SELECT coalesce(inodes,'N')||coalesce(fstype,'N') FROM filesystems LIMIT 1"),
		  "NN");
	CHECK_INT(pt_count("gaps"), 0);
}

static void si_from_command(void)
{
	struct pm_item it;
	const char *d = "Filesystem      Size  Used Avail Use% Mounted on\n"
			"/dev/sda2        22G  6.0G   15G  30% /\n";

	memset(&it, 0, sizeof(it));
	it.command = "[\"df\",\"-H\"]";
	it.host = "worker-2";
	CHECK_INT(pt_run_item(P, "host/x/df-h.txt", d, strlen(d), &it), 0);
	CHECK_STR(pt_q("SELECT host||' '||size_bytes||' '||used_bytes FROM filesystems"),
		  "worker-2 22000000000 6000000000");
	it.command = "[\"df\",\"-hT\"]";
	CHECK_INT(pt_run_item(P, "host/x/df-h.txt", d, strlen(d), &it), 0);
	CHECK_STR(pt_q("SELECT size_bytes FROM filesystems"), "23622320128");
}

static void inodes_type_posix(void)
{
	CHECK_INT(pt_run(P, "host/n/df-i.txt",
		"Filesystem      Inodes  IUsed   IFree IUse% Mounted on\n"
		"/dev/sda2      1310720 262144 1048576   20% /\n"
		"overlay        1310720 262144 1048576      - /var/lib/containerd/x\n"), 0);
	CHECK_STR(pt_q("SELECT inodes||' '||iused||' '||ifree||' '||iuse_pct||' '||"
		       "coalesce(size_bytes,'N') FROM filesystems WHERE mount='/'"),
		  "1310720 262144 1048576 20.0 N");
	CHECK_STR(pt_q("SELECT coalesce(iuse_pct,'N') FROM filesystems WHERE line=3"), "N");

	CHECK_INT(pt_run(P, PATH,
		"Filesystem     Type  1K-blocks    Used Available Use% Mounted on\n"
		"/dev/nvme0n1p1 xfs    52416492 9342112  43074380  18% /\n"), 0);
	CHECK_STR(pt_q("SELECT fstype||' '||size_bytes||' '||avail_bytes FROM filesystems"),
		  "xfs 53674487808 44108165120");

	/* POSIX -P with 512-blocks */
	CHECK_INT(pt_run(P, PATH,
		"Filesystem     512-blocks    Used Available Capacity Mounted on\n"
		"/dev/sda1         2000000  500000   1500000      25% /boot\n"), 0);
	CHECK_STR(pt_q("SELECT size_bytes||' '||use_pct FROM filesystems"),
		  "1024000000 25.0");
}

static void wrapped_and_busybox(void)
{
	CHECK_INT(pt_run(P, PATH,
		"Filesystem           1K-blocks      Used Available Use% Mounted on\n"
		"/dev/mapper/vg_data-lv_velero_restore_scratch\n"
		"                      10475520   8388608   2086912  81% /scratch\n"
		"overlay                 102400     51200     51200  50% /\n"), 0);
	CHECK_INT(pt_count("filesystems"), 2);
	CHECK_STR(pt_q("SELECT filesystem||' '||line||' '||used_bytes FROM filesystems WHERE mount='/scratch'"),
		  "/dev/mapper/vg_data-lv_velero_restore_scratch 2 8589934592");
	CHECK_INT(pt_count("gaps"), 0);

	/* busybox -h header says "Available" */
	CHECK_INT(pt_run(P, PATH,
		"Filesystem                Size      Used Available Use% Mounted on\n"
		"overlay                  58.4G     12.1G     43.3G  22% /\n"), 0);
	CHECK_STR(pt_q("SELECT avail_bytes FROM filesystems"), "46493020979");
}

static void odd_inputs(void)
{
	static char longline[10000];

	CHECK_INT(pt_run(P, PATH, ""), 0);
	CHECK_INT(pt_count("filesystems"), 0);
	CHECK_STR(pt_q("SELECT reason FROM gaps"), "empty df output");

	CHECK_INT(pt_run(P, PATH, "\x01\x02garbage \xff\n%%%% 12 x\n"), 0);
	CHECK_INT(pt_count("filesystems"), 0);
	CHECK(pt_count("gaps") >= 2);

	/* cut in the middle of a line, and a df warning */
	CHECK_INT(pt_run(P, PATH,
		"Filesystem      Size  Used Avail Use% Mounted on\n"
		"df: /run/user/1000/gvfs: Transport endpoint is not connected\n"
		"/dev/sda2        20G  5.5G   14G  30% /\n"
		"/dev/sda3        20G  5.5"), 0);
	CHECK_INT(pt_count("filesystems"), 1);
	CHECK_STR(pt_q("SELECT line FROM gaps WHERE reason LIKE 'unreadable%' ORDER BY line"), "2");
	CHECK_STR(pt_q("SELECT count(*) FROM gaps"), "2");

	/* device name at end of file with its numbers lost */
	CHECK_INT(pt_run(P, PATH,
		"Filesystem 1K-blocks Used Available Use% Mounted on\n/dev/mapper/x\n"), 0);
	CHECK_STR(pt_q("SELECT line||' '||reason FROM gaps"),
		  "2 wrapped df line without numbers");

	memset(longline, 'a', sizeof(longline) - 1);
	memcpy(longline, "Filesystem Size Used Avail Use% Mounted on\n/dev/x 1G 1G 0 100% /", 64);
	CHECK_INT(pt_run(P, PATH, longline), 0);
	CHECK_INT(pt_count("filesystems"), 1);
	CHECK_STR(pt_q("SELECT category FROM gaps"), "truncated");
	CHECK_STR(pt_q("SELECT length(mount) FROM filesystems"), "4076"); /* 4096-byte line cap minus "/dev/x 1G 1G 0 100% " */
}

static char *real(const char *rel, size_t *n)
{
	return pt_slurp(pmt_realdata(rel), n);
}

static int realdata(void)
{
	size_t n;
	char *d = real("kellyjonbrazil_jc/centos-7.7__df-h.out", &n);

	if (!d)
		return 0;
	CHECK_INT(pt_run_item(P, PATH, d, n, NULL), 0);
	CHECK_INT(pt_count("filesystems"), 7);
	CHECK_STR(pt_q("SELECT filesystem||' '||size_bytes||' '||used_bytes||' '||use_pct "
		       "FROM filesystems WHERE mount='/boot'"),
		  "/dev/sda1 1063256064 244318208 23.0");
	free(d);

	d = real("kellyjonbrazil_jc/ubuntu-18.04__df.out", &n);
	CHECK_INT(pt_run_item(P, PATH, d, n, NULL), 0);
	CHECK_INT(pt_count("filesystems"), 18);
	CHECK_STR(pt_q("SELECT size_bytes||' '||used_bytes||' '||avail_bytes "
		       "FROM filesystems WHERE mount='/'"),
		  "21000437760 5885980672 14024097792");
	free(d);

	d = real("kellyjonbrazil_jc/osx-10.14.6__df-h.out", &n);
	CHECK_INT(pt_run_item(P, PATH, d, n, NULL), 0);
	CHECK_INT(pt_count("filesystems"), 8);
	CHECK_INT(pt_count("gaps"), 0);
	CHECK_STR(pt_q("SELECT size_bytes||' '||used_bytes||' '||use_pct||' '||iused||' '||ifree "
		       "FROM filesystems WHERE filesystem='map -hosts'"), "0 0 100.0 0 0");
	CHECK_STR(pt_q("SELECT filesystem FROM filesystems WHERE mount LIKE '%Macintosh HD'"),
		  "com.apple.TimeMachine.2019-11-29-075900@/dev/disk1s1");
	CHECK_STR(pt_q("SELECT size_bytes||' '||ifree FROM filesystems WHERE mount='/'"),
		  "500363689984 9223372036853268110");
	free(d);

	d = real("kellyjonbrazil_jc/generic__df-long-filesystem.out", &n);
	CHECK_INT(pt_run_item(P, PATH, d, n, NULL), 0);
	CHECK_INT(pt_count("filesystems"), 3);
	CHECK_STR(pt_q("SELECT fstype||' '||size_bytes||' '||use_pct FROM filesystems "
		       "WHERE filesystem='/dev/mapper/VolGroup00-LogVol00'"),
		  "ext3 6175522816 21.0");
	CHECK_STR(pt_q("SELECT fstype||' '||coalesce(use_pct,'N')||' '||mount FROM filesystems WHERE line=3"),
		  "proc N /proc");
	free(d);
	return 1;
}

int main(void)
{
	RUN(gnu_h);
	RUN(si_from_command);
	RUN(inodes_type_posix);
	RUN(wrapped_and_busybox);
	RUN(odd_inputs);
	if (!realdata())
		fprintf(stderr, "realdata absent: skipped that part\n");
	DONE();
}
