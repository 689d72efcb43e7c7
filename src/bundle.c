/*
 * bundle.c - entries of a tarball (libarchive, streamed) or of a
 * directory (sorted walk, no link followed).  See bundle.h.
 */
#include "podmortem/bundle.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define PATH_MAX_BUNDLE 1024
#define DIR_MAX_DEPTH 32

struct dirwalk {
	char **paths;      /* every relative path, sorted */
	size_t n, pos;
};

/*
 * gzip is inflated here, not by libarchive: its gzip filter refuses a
 * cut stream before the first header, while a stream we feed it yields
 * every entry up to the cut and then a clear error.
 */
struct gzsrc {
	int fd;
	int gzip;             /* 0: pass bytes through (plain tar) */
	int in_eof, done, err;
	z_stream z;
	unsigned char in[1 << 16];
	unsigned char out[1 << 16];
};

struct pm_bundle {
	struct pm_bundle_limits lim;
	struct archive *ar;
	struct gzsrc *gz;
	struct dirwalk dw;
	char root[PATH_MAX_BUNDLE];
	char top[256];
	int top_known;
	int fd;              /* current file in directory mode */
	long entries;
	uint64_t total;
	char path[PATH_MAX_BUNDLE];
	char why[PATH_MAX_BUNDLE + 64];
	char last[PATH_MAX_BUNDLE];
};

void pm_bundle_limits_default(struct pm_bundle_limits *l)
{
	l->max_entry_bytes = 256ull << 20;
	l->max_total_bytes = 16ull << 30;
	l->max_line = 64 << 10;
	l->max_entries = 200000;
	l->exclude = NULL;
}

int pm_bundle_normalise(const char *name, char *out, size_t n,
			const char **why)
{
	size_t o = 0;
	const char *p = name;

	*why = NULL;
	if (name[0] == '/') {
		*why = "absolute name";
		return PM_EUNSAFE;
	}
	while (*p) {
		const char *e = strchr(p, '/');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			*why = "name contains '..'";
			return PM_EUNSAFE;
		}
		if (len && !(len == 1 && p[0] == '.')) {
			if (o + len + 2 > n) {
				*why = "name too long";
				return PM_EUNSAFE;
			}
			if (o)
				out[o++] = '/';
			memcpy(out + o, p, len);
			o += len;
		}
		p += len;
		while (*p == '/')
			p++;
	}
	out[o] = '\0';
	if (!o) {
		*why = "empty name";
		return PM_EUNSAFE;
	}
	return 0;
}

/* Takes the top folder from the first entry, strips it from all. */
static const char *strip_top(struct pm_bundle *b, const char *norm, int isdir)
{
	size_t tl;
	if (!b->top_known) {
		const char *slash = strchr(norm, '/');
		b->top_known = 1;
		if (slash && (size_t)(slash - norm) < sizeof(b->top)) {
			memcpy(b->top, norm, (size_t)(slash - norm));
			b->top[slash - norm] = '\0';
		} else if (isdir && strlen(norm) < sizeof(b->top)) {
			snprintf(b->top, sizeof(b->top), "%s", norm);
		}
	}
	tl = strlen(b->top);
	if (tl && !strncmp(norm, b->top, tl) && norm[tl] == '/')
		return norm + tl + 1;
	return norm;
}

/* ---- directory mode ---- */

static int dw_add(struct dirwalk *dw, const char *rel, size_t *cap)
{
	if (dw->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 256;
		char **p = realloc(dw->paths, nc * sizeof(*p));
		if (!p)
			return PM_ENOMEM;
		dw->paths = p;
		*cap = nc;
	}
	dw->paths[dw->n] = strdup(rel);
	return dw->paths[dw->n++] ? 0 : PM_ENOMEM;
}

static int dw_scan(struct pm_bundle *b, const char *rel, int depth, size_t *cap)
{
	char full[PATH_MAX_BUNDLE * 2];
	DIR *d;
	struct dirent *de;
	int rc = 0;

	if (depth > DIR_MAX_DEPTH || b->dw.n > (size_t)b->lim.max_entries)
		return 0;
	snprintf(full, sizeof(full), "%s%s%s", b->root, *rel ? "/" : "", rel);
	d = opendir(full);
	if (!d)
		return 0;
	while (!rc && (de = readdir(d))) {
		char child[PATH_MAX_BUNDLE];
		struct stat st;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if ((size_t)snprintf(child, sizeof(child), "%s%s%s", rel,
				     *rel ? "/" : "", de->d_name) >= sizeof(child))
			continue;
		snprintf(full, sizeof(full), "%s/%s", b->root, child);
		if (lstat(full, &st))
			continue;
		if (S_ISDIR(st.st_mode) && b->lim.exclude && !strcmp(child, b->lim.exclude))
			continue;
		if (S_ISDIR(st.st_mode))
			rc = dw_scan(b, child, depth + 1, cap);
		else
			rc = dw_add(&b->dw, child, cap);
	}
	closedir(d);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int dir_next(struct pm_bundle *b, struct pm_entry *e)
{
	char full[PATH_MAX_BUNDLE * 2];
	struct stat st;
	const char *rel;

	if (b->fd >= 0) {
		close(b->fd);
		b->fd = -1;
	}
	if (b->dw.pos >= b->dw.n)
		return 0;
	rel = b->dw.paths[b->dw.pos++];
	snprintf(b->path, sizeof(b->path), "%s", rel);
	snprintf(full, sizeof(full), "%s/%s", b->root, rel);
	e->path = b->path;
	e->size = -1;
	e->why = NULL;
	if (lstat(full, &st)) {
		e->kind = PM_ENTRY_REFUSED;
		e->why = "vanished while reading";
		return 1;
	}
	if (S_ISLNK(st.st_mode)) {
		char target[PATH_MAX_BUNDLE];
		ssize_t n = readlink(full, target, sizeof(target) - 1);
		target[n > 0 ? n : 0] = '\0';
		e->kind = PM_ENTRY_REFUSED;
		snprintf(b->why, sizeof(b->why), "symlink to %s not followed", target);
		e->why = b->why;
		return 1;
	}
	if (!S_ISREG(st.st_mode)) {
		e->kind = PM_ENTRY_REFUSED;
		e->why = "not a regular file (device, fifo or socket)";
		return 1;
	}
	e->size = st.st_size;
	b->fd = open(full, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (b->fd < 0) {
		e->kind = PM_ENTRY_REFUSED;
		snprintf(b->why, sizeof(b->why), "cannot open: %s", strerror(errno));
		e->why = b->why;
		return 1;
	}
	e->kind = PM_ENTRY_FILE;
	return 1;
}

/* ---- archive mode ---- */

/* A link's target resolved against the link's own folder must stay in. */
static int link_escapes(const char *linkpath, const char *target)
{
	char joined[PATH_MAX_BUNDLE * 2];
	const char *slash = strrchr(linkpath, '/');
	int depth = 0;
	const char *p;

	if (target[0] == '/')
		return 1;
	snprintf(joined, sizeof(joined), "%.*s%s%s",
		 slash ? (int)(slash - linkpath) : 0, linkpath,
		 slash ? "/" : "", target);
	/* walk components counting depth; ".." below zero escapes */
	for (p = joined; *p;) {
		const char *e = strchr(p, '/');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == 2 && !strncmp(p, "..", 2))
			depth--;
		else if (len && !(len == 1 && *p == '.'))
			depth++;
		if (depth < 0)
			return 1;
		p += len;
		while (*p == '/')
			p++;
	}
	return 0;
}

static int ar_next(struct pm_bundle *b, struct pm_entry *e,
		   struct pm_error *err)
{
	struct archive_entry *ae;
	char norm[PATH_MAX_BUNDLE];

	for (;;) {
		const char *name, *why, *rel, *lnk;
		mode_t type;
		int r = archive_read_next_header(b->ar, &ae);
		if (r == ARCHIVE_EOF)
			return 0;
		if (r < ARCHIVE_WARN)
			return pm_error_set(err, PM_EIO,
					    "archive damaged or cut short%s%s: %s",
					    b->last[0] ? " after " : "", b->last,
					    archive_error_string(b->ar));
		if (++b->entries > b->lim.max_entries)
			return pm_error_set(err, PM_ETOOBIG,
					    "more than %ld entries; the rest is not read",
					    b->lim.max_entries);
		name = archive_entry_pathname(ae);
		if (!name)
			name = "";
		snprintf(b->last, sizeof(b->last), "%s", name);
		type = archive_entry_filetype(ae);
		e->size = archive_entry_size_is_set(ae) ? archive_entry_size(ae) : -1;
		e->why = NULL;
		if (pm_bundle_normalise(name, norm, sizeof(norm), &why)) {
			snprintf(b->path, sizeof(b->path), "%s", name);
			e->path = b->path;
			e->kind = PM_ENTRY_REFUSED;
			snprintf(b->why, sizeof(b->why), "%s: not read", why);
			e->why = b->why;
			return 1;
		}
		rel = strip_top(b, norm, type == AE_IFDIR);
		if (type == AE_IFDIR || !*rel)
			continue;
		snprintf(b->path, sizeof(b->path), "%s", rel);
		e->path = b->path;
		lnk = archive_entry_hardlink(ae);
		if (!lnk && type == AE_IFLNK)
			lnk = archive_entry_symlink(ae);
		if (lnk) {
			int hard = archive_entry_hardlink(ae) != NULL;
			int out = hard ? (lnk[0] == '/' || strstr(lnk, "..") != NULL)
				       : link_escapes(norm, lnk);
			e->kind = out ? PM_ENTRY_REFUSED : PM_ENTRY_LINK;
			snprintf(b->why, sizeof(b->why), "%s link to %s %s",
				 hard ? "hard" : "symbolic", lnk,
				 out ? "points out of the bundle: refused"
				     : "not followed");
			e->why = b->why;
			return 1;
		}
		if (type != AE_IFREG) {
			e->kind = PM_ENTRY_REFUSED;
			e->why = "device, fifo or socket entry: refused";
			return 1;
		}
		e->kind = PM_ENTRY_FILE;
		return 1;
	}
}

static la_ssize_t gz_read(struct archive *a, void *client, const void **buff)
{
	struct gzsrc *g = client;
	ssize_t n;

	if (!g->gzip) {
		do
			n = read(g->fd, g->out, sizeof(g->out));
		while (n < 0 && errno == EINTR);
		*buff = g->out;
		if (n < 0)
			archive_set_error(a, errno, "read failed");
		return n;
	}
	g->z.next_out = g->out;
	g->z.avail_out = sizeof(g->out);
	while (g->z.avail_out == sizeof(g->out) && !g->done) {
		int zr;
		if (g->z.avail_in == 0 && !g->in_eof) {
			do
				n = read(g->fd, g->in, sizeof(g->in));
			while (n < 0 && errno == EINTR);
			if (n < 0) {
				archive_set_error(a, errno, "read failed");
				return -1;
			}
			if (n == 0)
				g->in_eof = 1;
			g->z.next_in = g->in;
			g->z.avail_in = (uInt)n;
		}
		if (g->z.avail_in == 0 && g->in_eof) {
			archive_set_error(a, EIO,
					  "gzip stream cut short (truncated file)");
			return -1;
		}
		zr = inflate(&g->z, Z_NO_FLUSH);
		if (zr == Z_STREAM_END) {
			/* another gzip member may follow (concatenated .gz) */
			if (g->z.avail_in == 0 && !g->in_eof) {
				n = read(g->fd, g->in, sizeof(g->in));
				if (n <= 0)
					g->in_eof = 1;
				g->z.next_in = g->in;
				g->z.avail_in = n > 0 ? (uInt)n : 0;
			}
			if (g->z.avail_in == 0)
				g->done = 1;
			else
				inflateReset(&g->z);
		} else if (zr != Z_OK && zr != Z_BUF_ERROR) {
			archive_set_error(a, EIO, "gzip data damaged: %s",
					  g->z.msg ? g->z.msg : "inflate failed");
			return -1;
		}
	}
	*buff = g->out;
	return (la_ssize_t)(sizeof(g->out) - g->z.avail_out);
}

static int gz_close(struct archive *a, void *client)
{
	struct gzsrc *g = client;
	(void)a;
	if (g->gzip)
		inflateEnd(&g->z);
	close(g->fd);
	g->fd = -1;
	return ARCHIVE_OK;
}

/* Opens path for libarchive through gz_read when it is gzip or plain;
 * other compressions (xz, zstd, bzip2) go to libarchive's own filters. */
static int open_archive(struct pm_bundle *b, const char *path,
			struct pm_error *err)
{
	unsigned char magic[2] = { 0, 0 };
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return pm_error_setat(err, PM_EIO, path, 0, "cannot open: %s",
				      strerror(errno));
	n = read(fd, magic, 2);
	if (n == 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
		b->gz = calloc(1, sizeof(*b->gz));
		if (!b->gz || inflateInit2(&b->gz->z, 15 + 16) != Z_OK) {
			close(fd);
			return pm_error_set(err, PM_ENOMEM, "out of memory");
		}
		b->gz->gzip = 1;
	} else if (n >= 0 && (magic[0] == 0xfd || magic[0] == 0x28 ||
			      magic[0] == 'B')) {
		close(fd); /* xz, zstd, bzip2: libarchive's filters */
		archive_read_support_filter_all(b->ar);
		if (archive_read_open_filename(b->ar, path, 1 << 16) != ARCHIVE_OK)
			return pm_error_setat(err, PM_EPARSE, path, 0,
					      "not a readable tar archive: %s",
					      archive_error_string(b->ar));
		return 0;
	} else {
		b->gz = calloc(1, sizeof(*b->gz));
		if (!b->gz) {
			close(fd);
			return pm_error_set(err, PM_ENOMEM, "out of memory");
		}
	}
	lseek(fd, 0, SEEK_SET);
	b->gz->fd = fd;
	if (archive_read_open(b->ar, b->gz, NULL, gz_read, gz_close) != ARCHIVE_OK)
		return pm_error_setat(err, PM_EPARSE, path, 0,
				      "not a readable tar archive: %s",
				      archive_error_string(b->ar));
	return 0;
}

int pm_bundle_open(struct pm_bundle **out, const char *path,
		   const struct pm_bundle_limits *limits,
		   struct pm_error *err)
{
	struct pm_bundle *b;
	struct stat st;

	*out = NULL;
	if (stat(path, &st))
		return pm_error_setat(err, PM_EIO, path, 0, "cannot open: %s",
				      strerror(errno));
	b = calloc(1, sizeof(*b));
	if (!b)
		return pm_error_set(err, PM_ENOMEM, "out of memory");
	b->fd = -1;
	if (limits)
		b->lim = *limits;
	else
		pm_bundle_limits_default(&b->lim);
	if (S_ISDIR(st.st_mode)) {
		size_t cap = 0;
		snprintf(b->root, sizeof(b->root), "%s", path);
		b->top_known = 1; /* the directory is the top folder */
		if (dw_scan(b, "", 0, &cap)) {
			pm_bundle_free(b);
			return pm_error_set(err, PM_ENOMEM, "out of memory");
		}
		qsort(b->dw.paths, b->dw.n, sizeof(char *), cmp_str);
		*out = b;
		return 0;
	}
	b->ar = archive_read_new();
	if (!b->ar) {
		free(b);
		return pm_error_set(err, PM_ENOMEM, "out of memory");
	}
	archive_read_support_format_tar(b->ar);
	if (open_archive(b, path, err)) {
		pm_bundle_free(b);
		return err->code;
	}
	*out = b;
	return 0;
}

int pm_bundle_next(struct pm_bundle *b, struct pm_entry *e,
		   struct pm_error *err)
{
	return b->ar ? ar_next(b, e, err) : dir_next(b, e);
}

static ssize_t ar_read(void *ctx, void *dst, size_t n)
{
	struct pm_bundle *b = ctx;
	la_ssize_t r;
	if (b->total >= b->lim.max_total_bytes)
		return 0;
	r = archive_read_data(b->ar, dst, n);
	if (r > 0)
		b->total += (uint64_t)r;
	return r < 0 ? -1 : (ssize_t)r;
}

static ssize_t fd_read(void *ctx, void *dst, size_t n)
{
	struct pm_bundle *b = ctx;
	ssize_t r;
	if (b->total >= b->lim.max_total_bytes)
		return 0;
	do
		r = read(b->fd, dst, n);
	while (r < 0 && errno == EINTR);
	if (r > 0)
		b->total += (uint64_t)r;
	return r;
}

void pm_bundle_input(struct pm_bundle *b, struct pm_input *in)
{
	pm_input_init(in, b->path, b->ar ? ar_read : fd_read, b,
		      b->lim.max_entry_bytes, b->lim.max_line);
}

uint64_t pm_bundle_bytes_read(const struct pm_bundle *b)
{
	return b->total;
}

int pm_bundle_is_dir(const struct pm_bundle *b)
{
	return b->ar == NULL;
}

void pm_bundle_free(struct pm_bundle *b)
{
	if (!b)
		return;
	if (b->ar)
		archive_read_free(b->ar);
	free(b->gz);
	if (b->fd >= 0)
		close(b->fd);
	for (size_t i = 0; i < b->dw.n; i++)
		free(b->dw.paths[i]);
	free(b->dw.paths);
	free(b);
}
