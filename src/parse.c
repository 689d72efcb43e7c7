/*
 * parse.c - the parser table and what parsers share (gaps, sizes).
 * A new format is one new parse_*.c file plus one line in `table`.
 */
#include "podmortem/parse.h"
#include "podmortem/buf.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MAX_GAPS_PER_FILE 20

extern const struct pm_parser pm_parser_k8s_json;
extern const struct pm_parser pm_parser_k8s_yaml;
extern const struct pm_parser pm_parser_log;
extern const struct pm_parser pm_parser_artifact;
extern const struct pm_parser pm_parser_text;
extern const struct pm_parser pm_parser_df;
extern const struct pm_parser pm_parser_cluster_info;
extern const struct pm_parser pm_parser_componentstatuses;
extern const struct pm_parser pm_parser_can_i_list;
extern const struct pm_parser pm_parser_can_i;
extern const struct pm_parser pm_parser_top_pods;
extern const struct pm_parser pm_parser_top_nodes;
extern const struct pm_parser pm_parser_x509;
extern const struct pm_parser pm_parser_etcd_health;
extern const struct pm_parser pm_parser_dns;
extern const struct pm_parser pm_parser_ping;
extern const struct pm_parser pm_parser_iperf3;
extern const struct pm_parser pm_parser_dd;

static const struct pm_parser *const table[] = {
	&pm_parser_k8s_json,
	&pm_parser_k8s_yaml,
	&pm_parser_log,
	&pm_parser_artifact,
	&pm_parser_text,
	&pm_parser_df,
	&pm_parser_cluster_info,
	&pm_parser_componentstatuses,
	&pm_parser_can_i_list,
	&pm_parser_can_i,
	&pm_parser_top_pods,
	&pm_parser_top_nodes,
	&pm_parser_x509,
	&pm_parser_etcd_health,
	&pm_parser_dns,
	&pm_parser_ping,
	&pm_parser_iperf3,
	&pm_parser_dd,
};

const struct pm_parser *const *pm_parsers(size_t *count)
{
	*count = sizeof(table) / sizeof(table[0]);
	return table;
}

const struct pm_parser *pm_parser_find(const char *type)
{
	if (!type)
		return NULL;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (strcmp(table[i]->type, type) == 0)
			return table[i];
	return NULL;
}

const struct pm_parser *pm_parser_sniff(const char *path,
					const unsigned char *head, size_t n)
{
	const struct pm_parser *best = NULL;
	int best_score = 49;

	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		int s;
		if (!table[i]->sniff)
			continue;
		s = table[i]->sniff(path, head, n);
		if (s > best_score) {
			best = table[i];
			best_score = s;
		}
	}
	return best;
}

int pm_parse_gap(struct pm_parse_ctx *ctx, long line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	ctx->bad++;
	if (++ctx->gaps > MAX_GAPS_PER_FILE)
		return 0;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pm_store_gap(ctx->store, ctx->in->path, line, "parse", msg);
	return 0;
}

int pm_parse_read_failed(struct pm_parse_ctx *ctx, int rc)
{
	return pm_error_setat(ctx->err, rc, ctx->in->path, ctx->in->lineno,
			      "read failed");
}

void pm_parse_finish(struct pm_parse_ctx *ctx)
{
	char msg[256];
	const char *p = ctx->in->path;

	if (ctx->gaps > MAX_GAPS_PER_FILE) {
		snprintf(msg, sizeof(msg),
			 "%ld more unreadable records not listed",
			 ctx->gaps - MAX_GAPS_PER_FILE);
		pm_store_gap(ctx->store, p, 0, "parse", msg);
	}
	if (ctx->in->long_lines) {
		snprintf(msg, sizeof(msg),
			 "%ld lines longer than %zu bytes were cut",
			 ctx->in->long_lines, ctx->in->max_line);
		pm_store_gap(ctx->store, p, 0, "truncated", msg);
	}
	if (ctx->in->truncated) {
		snprintf(msg, sizeof(msg),
			 "only the first %llu bytes were read (size cap)",
			 (unsigned long long)ctx->in->max_bytes);
		pm_store_gap(ctx->store, p, 0, "truncated", msg);
	}
}

const char *pm_item_host(const struct pm_parse_ctx *ctx)
{
	return ctx->item && ctx->item->host ? ctx->item->host : "";
}

long long pm_parse_size(const char *s, size_t n, int si)
{
	double v = 0, scale = 1;
	size_t i = 0;
	int seen = 0;
	char unit;

	while (i < n && isspace((unsigned char)s[i]))
		i++;
	while (i < n && isdigit((unsigned char)s[i])) {
		v = v * 10 + (s[i++] - '0');
		seen = 1;
	}
	if (i < n && (s[i] == '.' || s[i] == ',')) {
		double f = 0.1;
		i++;
		while (i < n && isdigit((unsigned char)s[i])) {
			v += (s[i++] - '0') * f;
			f /= 10;
			seen = 1;
		}
	}
	if (!seen)
		return -1;
	if (i == n)
		return (long long)v;
	unit = (char)toupper((unsigned char)s[i++]);
	{
		double base = si ? 1000.0 : 1024.0;
		const char *units = "KMGTPE";
		const char *u = strchr(units, unit);
		if (unit == 'B' && i == n)
			return (long long)v;
		if (!u || unit == '\0')
			return -1;
		for (int k = 0; k <= (int)(u - units); k++)
			scale *= base;
	}
	/* "Ki"/"KiB" always binary, "KB" follows si */
	if (i < n && s[i] == 'i') {
		double b = 1;
		for (int k = 0; k < (int)(strchr("KMGTPE", unit) - "KMGTPE") + 1; k++)
			b *= 1024.0;
		scale = b;
		i++;
	}
	if (i < n && (s[i] == 'B' || s[i] == 'b'))
		i++;
	if (i != n)
		return -1;
	return (long long)(v * scale + 0.5);
}
