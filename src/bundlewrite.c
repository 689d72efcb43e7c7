/* bundlewrite.c - writing a bundle .tar.gz entry by entry; see bundlewrite.h. */
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

int pm_bundlew_open(struct pm_bundlew *w, const char *final_path, const char *top,
		    int64_t mtime, struct pm_error *err)
{
	size_t n = strlen(final_path);

	memset(w, 0, sizeof(*w));
	w->fd = -1;
	w->mtime = mtime;
	w->final_path = strdup(final_path);
	w->part_path = malloc(n + 6);
	w->top = strdup(top);
	if (!w->final_path || !w->part_path || !w->top) {
		pm_bundlew_abort(w);
		return pm_error_set(err, PM_ENOMEM, "out of memory");
	}
	snprintf(w->part_path, n + 6, "%s.part", final_path);
	w->fd = open(w->part_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (w->fd < 0) {
		int e = errno;
		pm_bundlew_abort(w);
		return pm_error_set(err, PM_EIO, "%s.part: %s", final_path, strerror(e));
	}
	w->a = archive_write_new();
	if (!w->a || archive_write_add_filter_gzip(w->a) != ARCHIVE_OK ||
	    archive_write_set_format_pax_restricted(w->a) != ARCHIVE_OK ||
	    archive_write_open_fd(w->a, w->fd) != ARCHIVE_OK) {
		pm_error_set(err, PM_EIO, "libarchive: %s",
			     w->a ? archive_error_string(w->a) : "out of memory");
		pm_bundlew_abort(w);
		return PM_EIO;
	}
	return 0;
}

static int header(struct pm_bundlew *w, const char *relpath, int64_t size, struct pm_error *err)
{
	struct archive_entry *e;
	char *full;
	size_t n;
	int rc = 0;

	if (!w->a)
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
	if (archive_write_header(w->a, e) != ARCHIVE_OK)
		rc = pm_error_set(err, PM_EIO, "%s: %s", relpath, archive_error_string(w->a));
	archive_entry_free(e);
	free(full);
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

int pm_bundlew_add_file(struct pm_bundlew *w, const char *relpath, const char *local,
			struct pm_error *err)
{
	struct stat st;
	char *chunk;
	int64_t left;
	int fd, rc;

	fd = open(local, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return pm_error_set(err, PM_EIO, "%s: %s", local, strerror(e));
	}
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
	close(fd);
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
	free(w->final_path);
	free(w->part_path);
	free(w->top);
	w->final_path = w->part_path = w->top = NULL;
}

int pm_bundlew_close(struct pm_bundlew *w, struct pm_error *err)
{
	int rc = 0;

	if (!w->a)
		return pm_error_set(err, PM_EUSAGE, "bundle is not open");
	if (archive_write_close(w->a) != ARCHIVE_OK)
		rc = pm_error_set(err, PM_EIO, "closing archive: %s", archive_error_string(w->a));
	archive_write_free(w->a);
	w->a = NULL;
	if (!rc && fsync(w->fd) < 0 && errno != EINVAL)
		rc = pm_error_set(err, PM_EIO, "%s: %s", w->part_path, strerror(errno));
	if (close(w->fd) < 0 && !rc)
		rc = pm_error_set(err, PM_EIO, "%s: %s", w->part_path, strerror(errno));
	w->fd = -1;
	if (!rc && rename(w->part_path, w->final_path) < 0)
		rc = pm_error_set(err, PM_EIO, "rename to %s: %s", w->final_path, strerror(errno));
	if (rc)
		unlink(w->part_path);
	release(w);
	return rc;
}

void pm_bundlew_abort(struct pm_bundlew *w)
{
	if (w->part_path && (w->fd >= 0 || w->a))
		unlink(w->part_path);
	release(w);
}
