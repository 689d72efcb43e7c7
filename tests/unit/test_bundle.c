/* Tests for bundle.c: archives built here with libarchive, holding the
 * entries a hostile bundle would: "..", absolute names, links out,
 * devices; a cut archive; a directory bundle. */
#include "pmtest.h"
#include "podmortem/bundle.h"

#include <archive.h>
#include <archive_entry.h>
#include <unistd.h>

static void add(struct archive *a, const char *name, int type, const char *data,
		const char *link)
{
	struct archive_entry *e = archive_entry_new();
	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, (unsigned)type);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, data ? (la_int64_t)strlen(data) : 0);
	if (link && type == AE_IFLNK)
		archive_entry_set_symlink(e, link);
	else if (link)
		archive_entry_set_hardlink(e, link);
	archive_write_header(a, e);
	if (data)
		archive_write_data(a, data, strlen(data));
	archive_entry_free(e);
}

static const char *make_tar(const char *name)
{
	static char path[256];
	struct archive *a = archive_write_new();
	snprintf(path, sizeof(path), "/tmp/pm-test-bundle-%d-%s", (int)getpid(), name);
	archive_write_set_format_pax_restricted(a);
	archive_write_add_filter_gzip(a);
	archive_write_open_filename(a, path);
	add(a, "bundle-1/", AE_IFDIR, NULL, NULL);
	add(a, "bundle-1/manifest.json", AE_IFREG, "{\"format\":1}", NULL);
	{
		/* incompressible enough that cutting the file cuts this entry */
		static char big[200001];
		unsigned x = 12345;
		for (size_t i = 0; i < sizeof(big) - 1; i++) {
			x = x * 1103515245u + 12345u;
			big[i] = (char)('a' + (x >> 16) % 26);
		}
		add(a, "bundle-1/logs/big.log", AE_IFREG, big, NULL);
	}
	add(a, "bundle-1/../../x", AE_IFREG, "evil", NULL);
	add(a, "/etc/cron.d/evil", AE_IFREG, "evil", NULL);
	add(a, "bundle-1/passwd", AE_IFLNK, NULL, "/etc/passwd");
	add(a, "bundle-1/up", AE_IFLNK, NULL, "../../etc/shadow");
	add(a, "bundle-1/logs/alias.log", AE_IFLNK, NULL, "../cluster/pods.json");
	add(a, "bundle-1/dev", AE_IFCHR, NULL, NULL);
	add(a, "bundle-1/./cluster//pods.json", AE_IFREG, "{\"items\":[]}", NULL);
	archive_write_close(a);
	archive_write_free(a);
	return path;
}

static void hostile_entries(void)
{
	const char *path = make_tar("hostile.tar.gz");
	struct pm_bundle *b;
	struct pm_entry e;
	struct pm_error err;
	int files = 0, refused = 0, links = 0, rc;
	char seen[2048] = "";

	CHECK_INT(pm_bundle_open(&b, path, NULL, &err), 0);
	while ((rc = pm_bundle_next(b, &e, &err)) == 1) {
		strncat(seen, e.path, sizeof(seen) - strlen(seen) - 2);
		strcat(seen, "|");
		if (e.kind == PM_ENTRY_FILE) {
			struct pm_input in;
			struct pm_buf buf = PM_BUF_INIT(1 << 20);
			files++;
			pm_bundle_input(b, &in);
			CHECK_INT(pm_input_slurp(&in, &buf), 0);
			CHECK(strcmp(pm_buf_cstr(&buf), "evil") != 0);
			pm_buf_release(&buf);
			pm_input_release(&in);
		} else if (e.kind == PM_ENTRY_REFUSED) {
			refused++;
			CHECK(e.why != NULL);
		} else {
			links++;
		}
	}
	CHECK_INT(rc, 0);
	CHECK_INT(files, 3);     /* manifest.json, logs/big.log, cluster/pods.json */
	CHECK_INT(refused, 5);   /* .., absolute, 2 links out, device */
	CHECK_INT(links, 1);     /* logs/alias.log stays inside */
	CHECK(strstr(seen, "|cluster/pods.json|") != NULL);
	CHECK(strstr(seen, "manifest.json|") == seen);
	pm_bundle_free(b);
	unlink(path);
}

static void cut_archive_stops_with_error(void)
{
	const char *path = make_tar("cut.tar.gz");
	struct pm_bundle *b;
	struct pm_entry e;
	struct pm_error err;
	FILE *f = fopen(path, "r+b");
	long size;
	int rc, n = 0;

	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fclose(f);
	CHECK_INT(truncate(path, size / 2), 0);
	CHECK_INT(pm_bundle_open(&b, path, NULL, &err), 0);
	{
		while ((rc = pm_bundle_next(b, &e, &err)) == 1) {
			if (e.kind == PM_ENTRY_FILE) {
				struct pm_input in;
				struct pm_buf buf = PM_BUF_INIT(1024);
				pm_bundle_input(b, &in);
				pm_input_slurp(&in, &buf);
				pm_buf_release(&buf);
				pm_input_release(&in);
			}
			n++;
		}
		CHECK(rc < 0);
		CHECK_INT(n, 2); /* manifest.json and the cut big.log */
		CHECK(strstr(err.msg, "cut short") != NULL);
		pm_bundle_free(b);
	}
	unlink(path);
}

static void normalise(void)
{
	char out[64];
	const char *why;
	CHECK_INT(pm_bundle_normalise("./a//b/./c", out, sizeof(out), &why), 0);
	CHECK_STR(out, "a/b/c");
	CHECK_INT(pm_bundle_normalise("a/../b", out, sizeof(out), &why), PM_EUNSAFE);
	CHECK_INT(pm_bundle_normalise("/abs", out, sizeof(out), &why), PM_EUNSAFE);
	CHECK_INT(pm_bundle_normalise("./", out, sizeof(out), &why), PM_EUNSAFE);
	CHECK_INT(pm_bundle_normalise("a..b/c..", out, sizeof(out), &why), 0);
}

static void directory_bundle_sorted_no_links(void)
{
	char dir[256], p[1024];
	struct pm_bundle *b;
	struct pm_entry e;
	struct pm_error err;
	const char *order[3];
	int n = 0, refused = 0;
	FILE *f;

	snprintf(dir, sizeof(dir), "/tmp/pm-test-dir-%d", (int)getpid());
	snprintf(p, sizeof(p), "mkdir -p %s/z %s/a && rm -f %s/link", dir, dir, dir);
	CHECK_INT(system(p), 0);
	snprintf(p, sizeof(p), "%s/z/f.txt", dir);
	f = fopen(p, "w"); fputs("z", f); fclose(f);
	snprintf(p, sizeof(p), "%s/a/f.txt", dir);
	f = fopen(p, "w"); fputs("a", f); fclose(f);
	snprintf(p, sizeof(p), "%s/link", dir);
	CHECK_INT(symlink("/etc/passwd", p), 0);
	CHECK_INT(pm_bundle_open(&b, dir, NULL, &err), 0);
	while (pm_bundle_next(b, &e, &err) == 1) {
		if (e.kind == PM_ENTRY_FILE && n < 3)
			order[n++] = strdup(e.path);
		else if (e.kind == PM_ENTRY_REFUSED)
			refused++;
	}
	CHECK_INT(n, 2);
	CHECK_STR(order[0], "a/f.txt");
	CHECK_STR(order[1], "z/f.txt");
	CHECK_INT(refused, 1);
	for (int i = 0; i < n; i++)
		free((char *)order[i]);
	pm_bundle_free(b);
	snprintf(p, sizeof(p), "rm -rf %s", dir);
	CHECK_INT(system(p), 0);
}

int main(void)
{
	RUN(hostile_entries);
	RUN(cut_archive_stops_with_error);
	RUN(normalise);
	RUN(directory_bundle_sorted_no_links);
	DONE();
}
