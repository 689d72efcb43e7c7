/* fuzz_parser.c - every parser in the table: the first byte picks the
 * parser (and whether it has a manifest item), the rest is the file. */
#include "podmortem/parse.h"
#include "podmortem/store.h"

#include <stdint.h>
#include <string.h>

static struct pm_store *st;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n;
	const struct pm_parser *const *ps = pm_parsers(&n);
	const struct pm_parser *p;
	struct pm_manifest man;
	struct pm_item item;
	struct pm_parse_ctx ctx;
	struct pm_input in;
	struct pm_error err;

	if (size < 1)
		return 0;
	if (!st) {
		pm_error_init(&err);
		if (pm_store_open_memory(&st, &err))
			return 0;
	}
	p = ps[data[0] % n];
	pm_manifest_init(&man);
	man.present = 1;
	man.collected_at = (char *)"2026-12-04T10:00:00Z";
	man.collected_epoch = 1796378400;
	memset(&item, 0, sizeof(item));
	item.path = (char *)"fuzz/file";
	item.type = (char *)p->type;
	item.ns = (char *)"ns";
	item.pod = (char *)"pod";
	item.container = (char *)"c";
	item.host = (char *)"host";
	pm_error_init(&err);
	pm_input_init_mem(&in, "fuzz/file", data + 1, size - 1, 1 << 16);
	memset(&ctx, 0, sizeof(ctx));
	ctx.store = st;
	ctx.in = &in;
	ctx.item = data[0] & 0x80 ? NULL : &item;
	ctx.manifest = &man;
	ctx.err = &err;
	pm_store_begin(st, &err);
	p->parse(&ctx);
	pm_parse_finish(&ctx);
	pm_store_exec(st, "ROLLBACK", &err);
	pm_input_release(&in);
	return 0;
}
