/* bundlewrite.c - writing a bundle .tar.gz, manifest first; see bundlewrite.h. */
#include "podmortem/bundlewrite.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#define COPY_CHUNK 65536

static int rel_ok(const char *p)
{
	const char *seg = p;
	if (!*p || *p == '/')
		return 0;
	while (seg) {
		if (seg[0] == '.' && (seg[1] == '/' || seg[1] == '\0' ||
				      (seg[1] == '.' && (seg[2] == '/' || seg[2] == '\0'))))
			return 0;
		if (seg[0] == '/')
			return 0; /* empty segment */
		seg = strchr(seg, '/');
		if (seg)
			seg++;
	}
	return 1;
}

struct pm_bundlew_head {
	struct pm_bundlew_head *next;
	char *relpath;
	size_t len;
	char data[];
};

/* A tar (gzip when gz) writer on fd, reproducible. */
static struct archive *writer(int fd, int gz)
{
	struct archive *a = archive_write_new();
	if (!a)
		return NULL;
	if ((gz && (archive_write_add_filter_gzip(a) != ARCHIVE_OK ||
		    archive_write_set_filter_option(a, "gzip", "timestamp",
						    NULL) != ARCHIVE_OK)) ||
	    archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
	    archive_write_open_fd(a, fd) != ARCHIVE_OK) {
		archive_write_free(a);
		return NULL;
	}
	return a;
}

static char *suffixed(const char *path, const char *suffix)
{
	size_t n = strlen(path) + strlen(suffix) + 1;
	char *p = malloc(n);
	if (p)
		snprintf(p, n, "%s%s", path, suffix);
	return p;
}

int pm_bundlew_open(struct pm_bundlew *w, const char *final_path, const char *top,
		    int64_t mtime, struct pm_error *err)
{
	memset(w, 0, sizeof(*w));
	w->fd = -1;
	w->mtime = mtime;
	w->final_path = strdup(final_path);
	w->part_path = suffixed(final_path, ".part");
	w->body_path = suffixed(final_path, ".body.part");
	w->top = strdup(top);
	if (!w->final_path || !w->part_path || !w->body_path || !w->top) {
		pm_bundlew_abort(w);
		return pm_error_set(err, PM_ENOMEM, "out of memory");
	}
	w->fd = open(w->body_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (w->fd < 0)
		pm_error_set(err, PM_EIO, "%s: %s", w->body_path, strerror(errno));
	else if (!(w->a = writer(w->fd, 0)))
		pm_error_set(err, PM_EIO, "libarchive: cannot start %s", w->body_path);
	else
		return 0;
	pm_bundlew_abort(w);
	return PM_EIO;
}

static int header_to(struct pm_bundlew *w, struct archive *a, const char *relpath,
		     int64_t size, struct pm_error *err)
{
	struct archive_entry *e;
	char *full;
	size_t n;
	int rc = 0;

	if (!a)
		return pm_error_set(err, PM_EUSAGE, "bundle is not open");
	if (!rel_ok(relpath))
		return pm_error_set(err, PM_EUNSAFE, "refusing bundle path \"%s\"", relpath);
	n = strlen(w->top) + strlen(relpath) + 2;
	full = malloc(n);
	e = archive_entry_new();
	if (!full || !e) {
		free(full);
		archive_entry_free(e);
		return pm_error_set(err, PM_ENOMEM, "out of memory");
	}
	snprintf(full, n, "%s/%s", w->top, relpath);
	archive_entry_set_pathname(e, full);
	archive_entry_set_size(e, size);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_mtime(e, (time_t)w->mtime, 0);
	archive_entry_set_uid(e, 0);
	archive_entry_set_gid(e, 0);
	if (archive_write_header(a, e) != ARCHIVE_OK)
		rc = pm_error_set(err, PM_EIO, "%s: %s", relpath, archive_error_string(a));
	archive_entry_free(e);
	free(full);
	return rc;
}

static int header(struct pm_bundlew *w, const char *relpath, int64_t size,
		  struct pm_error *err)
{
	int rc = header_to(w, w->a, relpath, size, err);
	if (!rc)
		w->entries++;
	return rc;
}

int pm_bundlew_add_mem(struct pm_bundlew *w, const char *relpath, const void *data,
		       size_t len, struct pm_error *err)
{
	int rc = header(w, relpath, (int64_t)len, err);
	if (rc)
		return rc;
	if (len && archive_write_data(w->a, data, len) != (la_ssize_t)len)
		return pm_error_set(err, PM_EIO, "%s: %s", relpath, archive_error_string(w->a));
	w->bytes += (long long)len;
	return 0;
}

int pm_bundlew_add_head(struct pm_bundlew *w, const char *relpath,
			const void *data, size_t len, struct pm_error *err)
{
	struct pm_bundlew_head *h, **tail = &w->head;

	if (!w->a)
		return pm_error_set(err, PM_EUSAGE, "bundle is not open");
	if (!rel_ok(relpath))
		return pm_error_set(err, PM_EUNSAFE, "refusing bundle path \"%s\"", relpath);
	if (!(h = malloc(sizeof(*h) + len)) || !(h->relpath = strdup(relpath))) {
		free(h);
		return pm_error_set(err, PM_ENOMEM, "out of memory");
	}
	h->next = NULL;
	h->len = len;
	if (len)
		memcpy(h->data, data, len);
	while (*tail)
		tail = &(*tail)->next;
	*tail = h;
	w->entries++;
	w->bytes += (long long)len;
	return 0;
}

int pm_bundlew_add_file(struct pm_bundlew *w, const char *relpath, const char *local,
			struct pm_error *err)
{
	int fd = open(local, O_RDONLY | O_CLOEXEC), rc;

	if (fd < 0)
		return pm_error_set(err, PM_EIO, "%s: %s", local, strerror(errno));
	rc = pm_bundlew_add_fd(w, relpath, fd, err);
	close(fd);
	return rc;
}

int pm_bundlew_add_fd(struct pm_bundlew *w, const char *relpath, int fd,
		      struct pm_error *err)
{
	struct stat st;
	char *chunk;
	int64_t left;
	int rc;

	if (fstat(fd, &st) < 0 || lseek(fd, 0, SEEK_SET) < 0)
		return pm_error_set(err, PM_EIO, "%s: %s", relpath, strerror(errno));
	rc = header(w, relpath, (int64_t)st.st_size, err);
	chunk = rc ? NULL : malloc(COPY_CHUNK);
	if (!rc && !chunk)
		rc = pm_error_set(err, PM_ENOMEM, "out of memory");
	left = st.st_size;
	while (!rc && left > 0) {
		ssize_t got = read(fd, chunk, left < COPY_CHUNK ? (size_t)left : COPY_CHUNK);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			/* The file shrank: pad so the tar stays well formed. */
			memset(chunk, 0, COPY_CHUNK);
			got = left < COPY_CHUNK ? (ssize_t)left : COPY_CHUNK;
		}
		if (archive_write_data(w->a, chunk, (size_t)got) != got)
			rc = pm_error_set(err, PM_EIO, "%s: %s", relpath, archive_error_string(w->a));
		left -= got;
		w->bytes += got;
	}
	free(chunk);
	return rc;
}

static void release(struct pm_bundlew *w)
{
	if (w->a)
		archive_write_free(w->a);
	w->a = NULL;
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
	while (w->head) {
		struct pm_bundlew_head *h = w->head;
		w->head = h->next;
		free(h->relpath);
		free(h);
	}
	free(w->final_path);
	free(w->part_path);
	free(w->body_path);
	free(w->top);
	w->final_path = w->part_path = w->body_path = w->top = NULL;
}

/* The body's entries, as written, into out. */
static int copy_body(struct pm_bundlew *w, struct archive *out, struct pm_error *err)
{
	struct archive *in = archive_read_new();
	struct archive_entry *e;
	char *chunk = malloc(COPY_CHUNK);
	int rc = 0, r;

	if (!in || !chunk || lseek(w->fd, 0, SEEK_SET) < 0 ||
	    archive_read_support_format_tar(in) != ARCHIVE_OK ||
	    archive_read_open_fd(in, w->fd, COPY_CHUNK) != ARCHIVE_OK) {
		rc = pm_error_set(err, PM_EIO, "%s: cannot read back", w->body_path);
		goto out;
	}
	while (!rc && (r = archive_read_next_header(in, &e)) == ARCHIVE_OK) {
		la_ssize_t n;
		if (archive_write_header(out, e) != ARCHIVE_OK) {
			rc = pm_error_set(err, PM_EIO, "%s", archive_error_string(out));
			break;
		}
		while ((n = archive_read_data(in, chunk, COPY_CHUNK)) > 0)
			if (archive_write_data(out, chunk, (size_t)n) != n) {
				rc = pm_error_set(err, PM_EIO, "%s", archive_error_string(out));
				break;
			}
		if (!rc && n < 0)
			rc = pm_error_set(err, PM_EIO, "%s: %s", w->body_path,
					  archive_error_string(in));
	}
	if (!rc && r != ARCHIVE_EOF)
		rc = pm_error_set(err, PM_EIO, "%s: %s", w->body_path, archive_error_string(in));
out:
	if (in)
		archive_read_free(in);
	free(chunk);
	return rc;
}

int pm_bundlew_close(struct pm_bundlew *w, struct pm_error *err)
{
	struct archive *out = NULL;
	int rc = 0, fd;

	if (!w->a)
		return pm_error_set(err, PM_EUSAGE, "bundle is not open");
	if (archive_write_close(w->a) != ARCHIVE_OK)
		rc = pm_error_set(err, PM_EIO, "closing archive: %s", archive_error_string(w->a));
	archive_write_free(w->a);
	w->a = NULL;
	fd = rc ? -1 : open(w->part_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
			    O_NOFOLLOW, 0644);
	if (!rc && fd < 0)
		rc = pm_error_set(err, PM_EIO, "%s: %s", w->part_path, strerror(errno));
	if (!rc && !(out = writer(fd, 1)))
		rc = pm_error_set(err, PM_EIO, "libarchive: cannot start %s", w->part_path);
	for (struct pm_bundlew_head *h = w->head; !rc && h; h = h->next)
		if (!(rc = header_to(w, out, h->relpath, (int64_t)h->len, err)) && h->len &&
		    archive_write_data(out, h->data, h->len) != (la_ssize_t)h->len)
			rc = pm_error_set(err, PM_EIO, "%s: %s", h->relpath,
					  archive_error_string(out));
	if (!rc)
		rc = copy_body(w, out, err);
	if (out && archive_write_close(out) != ARCHIVE_OK && !rc)
		rc = pm_error_set(err, PM_EIO, "closing archive: %s", archive_error_string(out));
	if (out)
		archive_write_free(out);
	if (!rc && fsync(fd) < 0 && errno != EINVAL)
		rc = pm_error_set(err, PM_EIO, "%s: %s", w->part_path, strerror(errno));
	if (fd >= 0 && close(fd) < 0 && !rc)
		rc = pm_error_set(err, PM_EIO, "%s: %s", w->part_path, strerror(errno));
	if (!rc && rename(w->part_path, w->final_path) < 0)
		rc = pm_error_set(err, PM_EIO, "rename to %s: %s", w->final_path, strerror(errno));
	if (rc)
		unlink(w->part_path);
	unlink(w->body_path);
	release(w);
	return rc;
}

void pm_bundlew_abort(struct pm_bundlew *w)
{
	/* only the body exists before close; close cleans up after itself */
	if (w->body_path && (w->fd >= 0 || w->a))
		unlink(w->body_path);
	release(w);
}
