/* fuzz_bundle.c - the archive reader over an in-memory file (memfd):
 * every entry read to its end through pm_input_getline. */
#include "podmortem/bundle.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	struct pm_bundle_limits lim;
	struct pm_bundle *b;
	struct pm_entry e;
	struct pm_error err;
	int fd = memfd_create("pm-fuzz-bundle", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	pm_error_init(&err);
	pm_bundle_limits_default(&lim);
	lim.max_entry_bytes = 1 << 20;
	lim.max_total_bytes = 8 << 20;
	lim.max_entries = 1000;
	if (!pm_bundle_open(&b, path, &lim, &err)) {
		while (pm_bundle_next(b, &e, &err) == 1) {
			if (e.kind == PM_ENTRY_FILE) {
				struct pm_input in;
				const char *line;
				size_t len;
				pm_bundle_input(b, &in);
				while (pm_input_getline(&in, &line, &len) == 1)
					;
				pm_input_release(&in);
			}
		}
		pm_bundle_free(b);
	}
	close(fd);
	return 0;
}
