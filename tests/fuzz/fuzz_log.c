/* fuzz_log.c - the log parser alone (formats, CRI joining, templates). */
#include "podmortem/parse.h"
#include "podmortem/store.h"

#include <stdint.h>
#include <string.h>

static struct pm_store *log_st;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct pm_parser *p = pm_parser_find("log");
	struct pm_manifest man;
	struct pm_item item;
	struct pm_parse_ctx ctx;
	struct pm_input in;
	struct pm_error err;

	pm_error_init(&err);
	if (!p || (!log_st && pm_store_open_memory(&log_st, &err)))
		return 0;
	pm_manifest_init(&man);
	man.present = 1;
	man.collected_at = (char *)"2026-12-04T10:00:00Z";
	man.collected_epoch = 1796378400;
	memset(&item, 0, sizeof(item));
	item.path = (char *)"logs/ns/pod/c.log";
	item.type = (char *)"log";
	item.ns = (char *)"ns";
	item.pod = (char *)"pod";
	item.container = (char *)"c";
	pm_input_init_mem(&in, "logs/ns/pod/c.log", data, size, 4096);
	memset(&ctx, 0, sizeof(ctx));
	ctx.store = log_st;
	ctx.in = &in;
	ctx.item = &item;
	ctx.manifest = &man;
	ctx.err = &err;
	pm_store_begin(log_st, &err);
	p->parse(&ctx);
	pm_parse_finish(&ctx);
	pm_store_exec(log_st, "ROLLBACK", &err);
	pm_input_release(&in);
	return 0;
}
