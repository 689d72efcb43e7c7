/* fuzz_yaml.c - YAML documents to jansson, with the alias and depth caps. */
#include "podmortem/yamlconv.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pm_input in;
	struct pm_error err;
	struct pm_yaml_stats st;
	json_t *one = NULL;
	long n = 0;
	pm_error_init(&err);
	pm_input_init_mem(&in, "fuzz.yaml", data, size, 1 << 16);
	pm_yaml_documents(&in, fuzz_count_obj, &n, &st, &err);
	pm_input_release(&in);
	if (!pm_yaml_load((const char *)data, size, "fuzz.yaml", &one, &err))
		json_decref(one);
	return 0;
}
