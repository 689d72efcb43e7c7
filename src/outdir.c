/* outdir.c - creating the output folder and files inside it only. */
#include "podmortem/outdir.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int pm_outdir_prepare(const char *dir, struct pm_error *err)
{
	struct stat st;
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		return pm_error_setat(err, PM_EIO, dir, 0,
				      "cannot create output folder: %s",
				      strerror(errno));
	if (lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return pm_error_setat(err, PM_EIO, dir, 0,
				      "output path is not a folder");
	return 0;
}

int pm_outdir_write(const char *dir, const char *name, const void *data,
		    size_t len, struct pm_error *err)
{
	int dfd, fd;
	const char *p = data;

	if (strchr(name, '/') || !*name || !strcmp(name, "..") || !strcmp(name, "."))
		return pm_error_set(err, PM_EUSAGE, "bad output name %s", name);
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return pm_error_setat(err, PM_EIO, dir, 0, "cannot open: %s",
				      strerror(errno));
	/* unlink first: an existing symlink at name must not be followed */
	unlinkat(dfd, name, 0);
	fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		    0644);
	close(dfd);
	if (fd < 0)
		return pm_error_setat(err, PM_EIO, name, 0, "cannot create: %s",
				      strerror(errno));
	while (len) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			close(fd);
			return pm_error_setat(err, PM_EIO, name, 0, "write failed: %s",
					      strerror(errno));
		}
		p += w;
		len -= (size_t)w;
	}
	if (close(fd))
		return pm_error_setat(err, PM_EIO, name, 0, "write failed: %s",
				      strerror(errno));
	return 0;
}
