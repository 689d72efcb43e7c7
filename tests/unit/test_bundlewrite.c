/*
 * test_bundlewrite.c - the bundle writer: head entries first, entries
 * intact, reproducible bytes, no .part file left, unsafe names refused.
 */
#include "podmortem/bundlewrite.h"
#include "../pmtest.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/pm-bundlew-XXXXXX";

/* Entry names (without the top folder) and contents, in archive order. */
static int list(const char *path, char names[][64], char bodies[][256], int max)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	int n = 0;

	archive_read_support_filter_gzip(a);
	archive_read_support_format_tar(a);
	if (archive_read_open_filename(a, path, 65536) != ARCHIVE_OK) {
		archive_read_free(a);
		return -1;
	}
	while (n < max && archive_read_next_header(a, &e) == ARCHIVE_OK) {
		const char *p = strchr(archive_entry_pathname(e), '/');
		la_ssize_t got;
		snprintf(names[n], 64, "%s", p ? p + 1 : "");
		got = archive_read_data(a, bodies[n], 255);
		bodies[n][got > 0 ? got : 0] = '\0';
		n++;
	}
	archive_read_free(a);
	return n;
}

static int leftovers(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;
	while (d && (e = readdir(d)) != NULL)
		n += strstr(e->d_name, ".part") != NULL;
	if (d)
		closedir(d);
	return n;
}

static void write_one(const char *out)
{
	struct pm_bundlew w;
	struct pm_error err;
	char local[300];
	FILE *f;

	pm_error_init(&err);
	snprintf(local, sizeof(local), "%s/local.txt", dir);
	f = fopen(local, "w");
	fputs("from a file\n", f);
	fclose(f);
	CHECK_INT(pm_bundlew_open(&w, out, "podmortem-x-20261204T100000Z", 1796378400, &err), 0);
	CHECK_INT(pm_bundlew_add_mem(&w, "cluster/pods.json", "{\"items\":[]}", 12, &err), 0);
	CHECK_INT(pm_bundlew_add_file(&w, "logs/a/b/c.log", local, &err), 0);
	f = tmpfile();
	fputs("from an fd", f);
	fflush(f);
	CHECK_INT(pm_bundlew_add_fd(&w, "host/n1/df-h.txt", fileno(f), &err), 0);
	fclose(f);
	CHECK_INT(pm_bundlew_add_head(&w, "manifest.json", "{\"format\":1}", 12, &err), 0);
	CHECK_INT(pm_bundlew_add_mem(&w, "collector.log", "done\n", 5, &err), 0);
	/* what would leave the top folder is refused, head or not */
	CHECK_INT(pm_bundlew_add_mem(&w, "../escape", "x", 1, &err), PM_EUNSAFE);
	CHECK_INT(pm_bundlew_add_head(&w, "/abs", "x", 1, &err), PM_EUNSAFE);
	CHECK_INT(w.entries, 5);
	CHECK(leftovers() > 0);  /* the body is written as entries come */
	CHECK_INT(pm_bundlew_close(&w, &err), 0);
	unlink(local);
}

static void test_head_first(void)
{
	char out[300], out2[300], names[8][64], bodies[8][256];
	char cmd[700];
	int n;

	snprintf(out, sizeof(out), "%s/b.tar.gz", dir);
	snprintf(out2, sizeof(out2), "%s/b2.tar.gz", dir);
	write_one(out);
	CHECK_INT(leftovers(), 0);
	n = list(out, names, bodies, 8);
	CHECK_INT(n, 5);
	CHECK_STR(names[0], "manifest.json");
	CHECK_STR(bodies[0], "{\"format\":1}");
	CHECK_STR(names[1], "cluster/pods.json");
	CHECK_STR(bodies[1], "{\"items\":[]}");
	CHECK_STR(names[2], "logs/a/b/c.log");
	CHECK_STR(bodies[2], "from a file\n");
	CHECK_STR(names[3], "host/n1/df-h.txt");
	CHECK_STR(bodies[3], "from an fd");
	CHECK_STR(names[4], "collector.log");
	/* reproducible: the same entries give the same bytes */
	write_one(out2);
	snprintf(cmd, sizeof(cmd), "cmp -s %s %s", out, out2);
	CHECK_INT(system(cmd), 0);
	unlink(out);
	unlink(out2);
}

static void test_abort(void)
{
	struct pm_bundlew w;
	struct pm_error err;
	char out[300];

	pm_error_init(&err);
	snprintf(out, sizeof(out), "%s/c.tar.gz", dir);
	CHECK_INT(pm_bundlew_open(&w, out, "top", 0, &err), 0);
	CHECK_INT(pm_bundlew_add_mem(&w, "a.txt", "a", 1, &err), 0);
	CHECK_INT(pm_bundlew_add_head(&w, "manifest.json", "{}", 2, &err), 0);
	pm_bundlew_abort(&w);
	CHECK_INT(leftovers(), 0);
	CHECK(access(out, F_OK) != 0);
	/* a body that cannot be created: a clear error naming it */
	snprintf(out, sizeof(out), "%s/no/such/dir/d.tar.gz", dir);
	CHECK(pm_bundlew_open(&w, out, "top", 0, &err) == PM_EIO);
	CHECK(strstr(err.msg, "d.tar.gz.body.part") != NULL);
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	RUN(test_head_first);
	RUN(test_abort);
	rmdir(dir);
	DONE();
}
