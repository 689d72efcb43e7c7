/*
 * parse_iperf3.c - the "iperf3" type: one network test into
 * `network_throughput`.  Reads `iperf3 -J` JSON (jansson, capped) and
 * the plain text summary ("[  5] 0.00-10.00 sec 1.10 GBytes 943
 * Mbits/sec 12 sender"); with -P the [SUM] lines win.
 */
#include "podmortem/parse.h"
#include "podmortem/textcols.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define IPERF_JSON_MAX (8u << 20)

static const char iperf_ddl[] =
"-- iperf3 client runs, one row per file.  target: the server (JSON\n"
"-- start.connecting_to.host, the \"Connecting to host\" line, or -c).\n"
"-- sent_bps, received_bps: bits per second over the whole run as the\n"
"-- sender and the receiver counted them (UDP: sent_bps only).\n"
"-- retransmits: TCP retransmits seen by the sender.  error: iperf3's\n"
"-- error (\"unable to connect to server: Connection refused\").\n"
"CREATE TABLE network_throughput(\n"
"  host TEXT, path TEXT, target TEXT, sent_bps REAL, received_bps REAL,\n"
"  retransmits INTEGER, error TEXT);\n";

static const char insert_sql[] =
	"INSERT INTO network_throughput(host, path, target, sent_bps,"
	" received_bps, retransmits, error) VALUES (?1,?2,?3,?4,?5,?6,?7)";

struct iperf_run {
	char target[256];
	char error[512];
	double sent, received;
	long long retr;
	int sum_sent, sum_received;   /* a [SUM] line was seen */
};

static int emit(struct pm_parse_ctx *ctx, const struct iperf_run *r)
{
	sqlite3_stmt *s = pm_store_stmt(ctx->store, insert_sql, ctx->err);
	char host[256];

	if (!s)
		return ctx->err->code;
	pm_bind_text(s, 1, pm_tc_host(ctx, host, sizeof(host)), -1);
	pm_bind_text(s, 2, ctx->in->path, -1);
	pm_bind_text(s, 3, r->target[0] ? r->target : NULL, -1);
	pm_tc_bind_dbl(s, 4, r->sent);
	pm_tc_bind_dbl(s, 5, r->received);
	pm_tc_bind_i64(s, 6, r->retr);
	pm_bind_text(s, 7, r->error[0] ? r->error : NULL, -1);
	if (pm_store_run(ctx->store, s, ctx->err))
		return ctx->err->code;
	ctx->rows++;
	return 0;
}

static double num(json_t *o, const char *k1, const char *k2, const char *k3)
{
	json_t *v = json_object_get(json_object_get(json_object_get(o, k1),
						    k2), k3);
	return json_is_number(v) ? json_number_value(v) : NAN;
}

static int from_json(struct pm_parse_ctx *ctx, struct iperf_run *r)
{
	struct pm_buf b = PM_BUF_INIT(IPERF_JSON_MAX);
	json_error_t jerr;
	json_t *j, *v;
	double d;
	int rc = pm_input_slurp(ctx->in, &b);

	if (rc) {
		pm_buf_release(&b);
		return pm_parse_gap(ctx, 0, "iperf3 JSON unreadable or over %u bytes",
				    IPERF_JSON_MAX);
	}
	j = json_loadb(pm_buf_cstr(&b), b.len, 0, &jerr);
	pm_buf_release(&b);
	if (!j || !json_is_object(j)) {
		json_decref(j);
		return pm_parse_gap(ctx, jerr.line, "iperf3 JSON: %s", jerr.text);
	}
	v = json_object_get(json_object_get(json_object_get(j, "start"),
					    "connecting_to"), "host");
	if (json_string_value(v))
		snprintf(r->target, sizeof(r->target), "%s", json_string_value(v));
	if (json_string_value(json_object_get(j, "error")))
		snprintf(r->error, sizeof(r->error), "%s",
			 json_string_value(json_object_get(j, "error")));
	r->sent = num(j, "end", "sum_sent", "bits_per_second");
	r->received = num(j, "end", "sum_received", "bits_per_second");
	if (isnan(r->sent)) /* UDP */
		r->sent = num(j, "end", "sum", "bits_per_second");
	d = num(j, "end", "sum_sent", "retransmits");
	if (!isnan(d) && d >= 0)
		r->retr = (long long)d;
	json_decref(j);
	if (isnan(r->sent) && isnan(r->received) && !r->error[0])
		return pm_parse_gap(ctx, 0, "iperf3 JSON without end sums or error");
	return emit(ctx, r);
}

/* "943 Mbits/sec" -> bits per second; NAN when not a rate. */
static double bits(struct pm_tc_field num_f, struct pm_tc_field unit)
{
	static const struct { const char *u; double m; } units[] = {
		{"bits/sec", 1}, {"Kbits/sec", 1e3}, {"Mbits/sec", 1e6},
		{"Gbits/sec", 1e9}, {"Tbits/sec", 1e12},
	};
	double v;
	size_t used;

	if (pm_tc_number(num_f.p, num_f.n, &v, &used) || used != num_f.n)
		return NAN;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (pm_tc_eq(unit, units[i].u))
			return v * units[i].m;
	return NAN;
}

static void text_line(struct pm_parse_ctx *ctx, struct iperf_run *r,
		      const char *s, size_t n)
{
	struct pm_tc_field t[24];
	int k = pm_tc_split(s, n, t, 24), sum, sender;
	const char *p;

	if ((p = pm_tc_find(s, n, "iperf3: error - "))) {
		if (!r->error[0])
			snprintf(r->error, sizeof(r->error), "%.*s",
				 (int)(s + n - p - 16), p + 16);
		return;
	}
	if ((p = pm_tc_find(s, n, "Connecting to host "))) {
		const char *e = memchr(p, ',', (size_t)(s + n - p));
		size_t l = e ? (size_t)(e - p - 19) : (size_t)(s + n - p - 19);
		snprintf(r->target, sizeof(r->target), "%.*s", (int)l, p + 19);
		return;
	}
	if (k < 4 || s[0] != '[')
		return;
	sender = pm_tc_eq(t[k - 1], "sender");
	if (!sender && !pm_tc_eq(t[k - 1], "receiver"))
		return;
	sum = pm_tc_starts(s, n, "[SUM]");
	for (int i = 1; i + 1 < k; i++) {
		double v = bits(t[i], t[i + 1]);
		if (isnan(v))
			continue;
		if (sender && (sum || !r->sum_sent)) {
			r->sent = v;
			r->sum_sent = sum;
			r->retr = i + 3 < k ? pm_tc_int(t[i + 2].p, t[i + 2].n) : -1;
		} else if (!sender && (sum || !r->sum_received)) {
			r->received = v;
			r->sum_received = sum;
		}
		return;
	}
	pm_parse_gap(ctx, ctx->in->lineno, "iperf3 summary without a rate");
}

static int iperf_parse(struct pm_parse_ctx *ctx)
{
	struct iperf_run r;
	struct pm_tc_argv a;
	const unsigned char *h;
	size_t got, i = 0;
	const char *line;
	size_t len;
	int rc;

	memset(&r, 0, sizeof(r));
	r.sent = r.received = NAN;
	r.retr = -1;
	if (pm_tc_argv_ctx(&a, ctx) && pm_tc_argv_value(&a, "-c"))
		snprintf(r.target, sizeof(r.target), "%s",
			 pm_tc_argv_value(&a, "-c"));
	h = pm_input_peek(ctx->in, 256, &got);
	while (h && i < got && (h[i] == ' ' || h[i] == '\n' || h[i] == '\r' ||
				h[i] == '\t'))
		i++;
	if (!h || !got) {
		if (ctx->in->ioerr)
			return pm_error_setat(ctx->err, PM_EIO, ctx->in->path, 0,
					      "read failed");
		return pm_parse_gap(ctx, 0, "empty iperf3 output");
	}
	if (i < got && h[i] == '{')
		return from_json(ctx, &r);
	while ((rc = pm_input_getline(ctx->in, &line, &len)) == 1)
		text_line(ctx, &r, line, len);
	if (rc < 0)
		return pm_parse_read_failed(ctx, rc);
	if (isnan(r.sent) && isnan(r.received) && !r.error[0])
		return pm_parse_gap(ctx, 0, "no iperf3 summary found");
	return emit(ctx, &r);
}

static int iperf_sniff(const char *path, const unsigned char *head, size_t n)
{
	const char *b = pm_tc_basename(path);
	const char *h = (const char *)head;

	if (pm_tc_path_dir(path, "host") && !strncmp(b, "iperf", 5))
		return 90;
	if (!head)
		return 0;
	if (pm_tc_find(h, n, "\"connecting_to\"") ||
	    pm_tc_find(h, n, "iperf3: error - ") ||
	    pm_tc_find(h, n, "iperf Done.") ||
	    (pm_tc_find(h, n, "bits/sec") && pm_tc_find(h, n, "[ ID]")))
		return 80;
	return 0;
}

const struct pm_parser pm_parser_iperf3 = {
	.type = "iperf3",
	.ddl = iperf_ddl,
	.sniff = iperf_sniff,
	.parse = iperf_parse,
};
