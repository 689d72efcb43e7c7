/* fuzz_common.h - what the libFuzzer harnesses share. */
#ifndef PM_FUZZ_COMMON_H
#define PM_FUZZ_COMMON_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

static int fuzz_count_obj(void *arg, json_t *obj, long line)
{
	(void)obj;
	(void)line;
	++*(long *)arg;
	return 0;
}
#endif
