/*
 * test_fuzz_regress.c - replays every input the fuzzers once crashed on
 * (tests/fuzz/regress/TARGET/FILE) through the same harness code, in a
 * normal build, so the fixes stay fixed without clang.
 */
#include "pmtest.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

#define LLVMFuzzerTestOneInput fuzz_jsonscan_one
#include "../fuzz/fuzz_jsonscan.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_yaml_one
#include "../fuzz/fuzz_yaml.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_bundle_one
#include "../fuzz/fuzz_bundle.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_parser_one
#include "../fuzz/fuzz_parser.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_log_one
#include "../fuzz/fuzz_log.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_template_one
#include "../fuzz/fuzz_template.c"
#undef LLVMFuzzerTestOneInput

static const struct {
	const char *name;
	int (*fn)(const uint8_t *, size_t);
} targets[] = {
	{ "jsonscan", fuzz_jsonscan_one }, { "yaml", fuzz_yaml_one },
	{ "bundle", fuzz_bundle_one }, { "parser", fuzz_parser_one },
	{ "log", fuzz_log_one }, { "template", fuzz_template_one },
};

int main(void)
{
	const char *src = getenv("PM_SOURCE_DIR");
	int files = 0;

	for (size_t t = 0; t < sizeof(targets) / sizeof(targets[0]); t++) {
		char dir[4096];
		DIR *d;
		struct dirent *de;
		snprintf(dir, sizeof(dir), "%s/tests/fuzz/regress/%s", src ? src : ".",
			 targets[t].name);
		if (!(d = opendir(dir)))
			continue;
		while ((de = readdir(d))) {
			char p[8192];
			FILE *f;
			long n;
			unsigned char *buf;
			if (de->d_name[0] == '.')
				continue;
			snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
			f = fopen(p, "rb");
			CHECK(f != NULL);
			if (!f)
				continue;
			fseek(f, 0, SEEK_END);
			n = ftell(f);
			rewind(f);
			buf = malloc((size_t)n + 1);
			CHECK(buf && fread(buf, 1, (size_t)n, f) == (size_t)n);
			fclose(f);
			fprintf(stderr, "-- %s %s\n", targets[t].name, de->d_name);
			/* the check is that it returns at all: sanitizer builds abort */
			CHECK_INT(targets[t].fn(buf, (size_t)n), 0);
			free(buf);
			files++;
		}
		closedir(d);
	}
	CHECK(files >= 1);
	if (st)
		pm_store_close(st);
	if (log_st)
		pm_store_close(log_st);
	DONE();
}
