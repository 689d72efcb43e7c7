/* fuzz_jsonscan.c - the streaming JSON item scanner over any bytes. */
#include "podmortem/jsonscan.h"
#include "fuzz_common.h"

static void bad(void *arg, long line, const char *why)
{
	(void)arg; (void)line; (void)why;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pm_input in;
	struct pm_error err;
	struct pm_jsonscan_stats st;
	long n = 0;
	pm_error_init(&err);
	pm_input_init_mem(&in, "fuzz.json", data, size, 1 << 16);
	pm_jsonscan(&in, fuzz_count_obj, bad, &n, &st, &err);
	pm_input_release(&in);
	return 0;
}
