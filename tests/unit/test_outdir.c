/* Tests for outdir.c: writes stay inside the output folder, planted
 * symlinks are replaced rather than followed, bad names are refused. */
#include "pmtest.h"
#include "podmortem/outdir.h"

#include <sys/stat.h>
#include <unistd.h>

static int read_file(const char *p, char *buf, size_t n)
{
	FILE *f = fopen(p, "rb");
	size_t got;
	if (!f)
		return -1;
	got = fread(buf, 1, n - 1, f);
	buf[got] = '\0';
	fclose(f);
	return (int)got;
}

int main(void)
{
	char dir[256], victim[300], link[300], buf[64], cmd[600];
	struct pm_error err;
	struct stat st;
	FILE *f;

	snprintf(dir, sizeof(dir), "/tmp/pm-test-outdir-%d", (int)getpid());
	snprintf(victim, sizeof(victim), "%s-victim", dir);
	snprintf(link, sizeof(link), "%s/report.md", dir);
	CHECK_INT(pm_outdir_prepare(dir, &err), 0);
	CHECK_INT(pm_outdir_prepare(dir, &err), 0); /* exists: fine */

	f = fopen(victim, "w");
	fputs("untouched", f);
	fclose(f);
	CHECK_INT(symlink(victim, link), 0);
	CHECK_INT(pm_outdir_write(dir, "report.md", "new", 3, &err), 0);
	CHECK_INT(read_file(victim, buf, sizeof(buf)), 9);
	CHECK_STR(buf, "untouched");
	CHECK_INT(lstat(link, &st), 0);
	CHECK(S_ISREG(st.st_mode));
	CHECK_INT(read_file(link, buf, sizeof(buf)), 3);
	CHECK_STR(buf, "new");

	CHECK_INT(pm_outdir_write(dir, "../escape", "x", 1, &err), PM_EUSAGE);
	CHECK_INT(pm_outdir_write(dir, "..", "x", 1, &err), PM_EUSAGE);
	CHECK_INT(pm_outdir_write(dir, "", "x", 1, &err), PM_EUSAGE);

	/* an output path that is a file or a symlink to a folder is refused */
	CHECK(pm_outdir_prepare(victim, &err) < 0);
	snprintf(cmd, sizeof(cmd), "%s-link", dir);
	CHECK_INT(symlink(dir, cmd), 0);
	CHECK(pm_outdir_prepare(cmd, &err) < 0);
	unlink(cmd);

	snprintf(cmd, sizeof(cmd), "rm -rf %s %s", dir, victim);
	CHECK_INT(system(cmd), 0);
	DONE();
}
