/* fuzz_template.c - the rules' {column} template filler: the input is
 * split at the first NUL into a template and a JSON row. */
#include "podmortem/rules.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t tl = nul ? (size_t)(nul - data) : size;
	char *tmpl = malloc(tl + 1);
	json_t *row;
	char *out;
	if (!tmpl)
		return 0;
	memcpy(tmpl, data, tl);
	tmpl[tl] = '\0';
	row = nul ? json_loadb((const char *)nul + 1, size - tl - 1, 0, NULL) : NULL;
	if (!json_is_object(row)) {
		json_decref(row);
		row = json_pack("{s:s,s:s,s:i,s:n}", "name", "web", "namespace", "shop",
				"count", 3, "none");
	}
	out = pm_template_fill(tmpl, row);
	free(out);
	json_decref(row);
	free(tmpl);
	return 0;
}
