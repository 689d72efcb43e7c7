/*
 * parse_log.c - the "log" type: container and component logs into
 * log_lines.  Knows CRI lines and lines that start with an RFC 3339 time.
 */
#include "podmortem/parse.h"
#include "podmortem/timeutil.h"

#include <string.h>

static const char insert_sql[] =
	"INSERT INTO log_lines(path, namespace, pod, container, previous, line,"
	" time, time_text, level, message, format)"
	" VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)";

static const char *level_of(const char *m, size_t n)
{
	static const struct { const char *w; const char *lvl; } words[] = {
		{"level=fatal", "fatal"}, {"level=error", "error"},
		{"level=warning", "warning"}, {"level=warn", "warning"},
		{"level=info", "info"}, {"level=debug", "debug"},
		{"FATAL", "fatal"}, {"ERROR", "error"}, {"WARN", "warning"},
		{"INFO", "info"}, {"DEBUG", "debug"},
	};
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		size_t wl = strlen(words[i].w);
		for (size_t j = 0; j + wl <= n && j < 64; j++)
			if (!memcmp(m + j, words[i].w, wl))
				return words[i].lvl;
	}
	return NULL;
}

static int log_parse(struct pm_parse_ctx *ctx)
{
	const struct pm_item *it = ctx->item;
	const char *line;
	size_t len;
	int rc;

	while ((rc = pm_input_getline(ctx->in, &line, &len)) == 1) {
		sqlite3_stmt *s = pm_store_stmt(ctx->store, insert_sql, ctx->err);
		int64_t t;
		size_t used = pm_time_parse(line, len, &t, NULL);
		const char *msg = line, *fmt = "plain";
		char tbuf[PM_TIME_LEN];

		if (!s)
			return ctx->err->code;
		if (used) {
			msg = line + used;
			fmt = "rfc3339";
			while (*msg == ' ')
				msg++;
			/* CRI: "<time> stdout|stderr F|P <msg>" */
			if ((!strncmp(msg, "stdout ", 7) || !strncmp(msg, "stderr ", 7)) &&
			    (msg[7] == 'F' || msg[7] == 'P') && msg[8] == ' ') {
				msg += 9;
				fmt = "cri";
			}
			pm_time_format(t, tbuf);
			pm_bind_text(s, 7, tbuf, -1);
			pm_bind_text(s, 8, line, (int)used);
		}
		pm_bind_text(s, 1, ctx->in->path, -1);
		pm_bind_text(s, 2, it ? it->ns : NULL, -1);
		pm_bind_text(s, 3, it ? it->pod : NULL, -1);
		pm_bind_text(s, 4, it ? it->container : NULL, -1);
		sqlite3_bind_int(s, 5, it ? it->previous : 0);
		sqlite3_bind_int64(s, 6, ctx->in->lineno);
		pm_bind_text(s, 9, level_of(msg, len - (size_t)(msg - line)), -1);
		pm_bind_text(s, 10, msg, (int)(len - (size_t)(msg - line)));
		pm_bind_text(s, 11, fmt, -1);
		if (pm_store_run(ctx->store, s, ctx->err))
			return ctx->err->code;
		ctx->rows++;
	}
	return rc < 0 ? pm_error_setat(ctx->err, rc, ctx->in->path,
				       ctx->in->lineno, "read failed") : 0;
}

static int log_sniff(const char *path, const unsigned char *head, size_t n)
{
	size_t len = strlen(path);
	if (len > 4 && !strcmp(path + len - 4, ".log"))
		return 80;
	if (!strncmp(path, "logs/", 5))
		return 70;
	return 0;
}

const struct pm_parser pm_parser_log = {
	.type = "log",
	.ddl = NULL,
	.sniff = log_sniff,
	.parse = log_parse,
};
