/*
 * parse_etcd.c - the "etcd-health" type: `etcdctl endpoint health` and
 * `endpoint status` output into `etcd_health` and `etcd_status`.
 *
 * Text ("<ep> is healthy: successfully committed proposal: took =
 * 903.138µs", "<ep> is unhealthy: failed to commit proposal: ...",
 * "Error: unhealthy cluster"), simple status lines ("<ep>, <id>,
 * <version>, 25 kB, false, 2, 63"), -w table (by header names) and
 * -w json (jansson, capped; member ids above 2^63 are quoted first so
 * jansson keeps them exact).
 */
#include "podmortem/parse.h"
#include "podmortem/textcols.h"

#include <ctype.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ETCD_JSON_MAX (4u << 20)

static const char etcd_ddl[] =
"-- etcdctl endpoint health, one row per endpoint.  healthy: 0/1.\n"
"-- took_ms: the proposal's round trip in milliseconds (903.138us is\n"
"-- 0.903138).  error: why it is unhealthy; a lone \"Error: ...\" with no\n"
"-- endpoint line becomes a row with endpoint NULL.\n"
"CREATE TABLE etcd_health(\n"
"  host TEXT, path TEXT, line INTEGER, endpoint TEXT, healthy INTEGER,\n"
"  took_ms REAL, error TEXT);\n"
"-- etcdctl endpoint status, one row per endpoint.  id: member id in hex.\n"
"-- db_size_bytes: backend size (etcd prints \"25 kB\" in powers of 1000).\n"
"-- is_leader: 0/1.  raft_term: the raft term.  errors: the ERRORS column\n"
"-- (alarms such as NOSPACE), NULL when empty.\n"
"CREATE TABLE etcd_status(\n"
"  host TEXT, path TEXT, line INTEGER, endpoint TEXT, id TEXT, version TEXT,\n"
"  db_size_bytes INTEGER, is_leader INTEGER, raft_term INTEGER,\n"
"  errors TEXT);\n";

static const char health_sql[] =
	"INSERT INTO etcd_health(host, path, line, endpoint, healthy, took_ms,"
	" error) VALUES (?1,?2,?3,?4,?5,?6,?7)";
static const char status_sql[] =
	"INSERT INTO etcd_status(host, path, line, endpoint, id, version,"
	" db_size_bytes, is_leader, raft_term, errors)"
	" VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)";

struct status {
	struct pm_tc_field ep, id, version, errors;
	long long db, term;
	int leader;   /* -1 unknown */
};

static int health_row(struct pm_parse_ctx *ctx, const char *host,
		      struct pm_tc_field ep, int healthy, double took,
		      struct pm_tc_field err)
{
	sqlite3_stmt *s = pm_store_stmt(ctx->store, health_sql, ctx->err);

	if (!s)
		return ctx->err->code;
	pm_bind_text(s, 1, host, -1);
	pm_bind_text(s, 2, ctx->in->path, -1);
	pm_tc_bind_i64(s, 3, ctx->in->lineno > 0 ? ctx->in->lineno : -1);
	pm_tc_bind_field(s, 4, ep);
	sqlite3_bind_int(s, 5, healthy);
	pm_tc_bind_dbl(s, 6, took);
	pm_tc_bind_field(s, 7, err);
	if (pm_store_run(ctx->store, s, ctx->err))
		return ctx->err->code;
	ctx->rows++;
	return 0;
}

static int status_row(struct pm_parse_ctx *ctx, const char *host,
		      const struct status *st)
{
	sqlite3_stmt *s = pm_store_stmt(ctx->store, status_sql, ctx->err);

	if (!s)
		return ctx->err->code;
	pm_bind_text(s, 1, host, -1);
	pm_bind_text(s, 2, ctx->in->path, -1);
	pm_tc_bind_i64(s, 3, ctx->in->lineno > 0 ? ctx->in->lineno : -1);
	pm_tc_bind_field(s, 4, st->ep);
	pm_tc_bind_field(s, 5, st->id);
	pm_tc_bind_field(s, 6, st->version);
	pm_tc_bind_i64(s, 7, st->db);
	pm_tc_bind_i64(s, 8, st->leader);
	pm_tc_bind_i64(s, 9, st->term);
	pm_tc_bind_field(s, 10, st->errors);
	if (pm_store_run(ctx->store, s, ctx->err))
		return ctx->err->code;
	ctx->rows++;
	return 0;
}

static struct pm_tc_field fld(const char *p, size_t n)
{
	struct pm_tc_field f;
	f.p = p;
	f.n = pm_tc_trim(&f.p, n);
	return f;
}

/* "25 kB", "1.2 MB", "24576" -> bytes; -1 when not a size. */
static long long db_size(struct pm_tc_field f)
{
	char b[32];
	size_t k = 0;

	for (size_t i = 0; i < f.n && k < sizeof(b) - 1; i++)
		if (f.p[i] != ' ')
			b[k++] = f.p[i];
	if (!k || !isdigit((unsigned char)b[0]))
		return -1;
	return pm_parse_size(b, k, 1);
}

static int boolean(struct pm_tc_field f)
{
	return pm_tc_eq(f, "true") ? 1 : pm_tc_eq(f, "false") ? 0 : -1;
}

/* "<ep> is healthy: ...: took = X" / "<ep> is unhealthy: <err>" */
static int health_text(struct pm_parse_ctx *ctx, const char *host,
		       const char *s, size_t n, int *done)
{
	const char *h = pm_tc_find(s, n, " is healthy: ");
	const char *u = pm_tc_find(s, n, " is unhealthy: ");
	struct pm_tc_field none = {NULL, 0};
	double took = NAN;

	*done = 1;
	if (h) {
		const char *t = pm_tc_find(s, n, "took = ");
		if (t && pm_tc_duration_ms(t + 7, (size_t)(s + n - t - 7), &took))
			took = NAN;
		return health_row(ctx, host, fld(s, (size_t)(h - s)), 1, took, none);
	}
	if (u)
		return health_row(ctx, host, fld(s, (size_t)(u - s)), 0, took,
				  fld(u + 15, (size_t)(s + n - u - 15)));
	*done = 0;
	return 0;
}

/* "127.0.0.1:2379, 8211f1d0f64f3269, 3.0.0, 25 kB, false, 2, 63[, ...]" */
static int status_text(struct pm_parse_ctx *ctx, const char *host,
		       const char *s, size_t n, int *done)
{
	struct pm_tc_field f[16];
	struct status st;
	int k = 0, i;
	const char *p = s, *e = s + n;

	*done = 0;
	while (k < 16 && p <= e) {
		const char *c = memchr(p, ',', (size_t)(e - p));
		f[k++] = fld(p, c ? (size_t)(c - p) : (size_t)(e - p));
		if (!c)
			break;
		p = c + 1;
	}
	if (k < 7 || f[1].n < 8 || strspn(f[1].p, "0123456789abcdef") < f[1].n)
		return 0;
	memset(&st, 0, sizeof(st));
	st.ep = f[0];
	st.id = f[1];
	st.version = f[2];
	st.db = st.term = -1;
	st.leader = -1;
	/* 3.4+ inserts columns; find db size, then the first boolean
	 * (is leader), then the first number after the booleans (term) */
	for (i = 3; i < k && (st.db = db_size(f[i])) < 0; i++)
		;
	for (; i < k && (st.leader = boolean(f[i])) < 0; i++)
		;
	while (i < k && boolean(f[i]) >= 0)
		i++;
	if (i < k)
		st.term = pm_tc_int(f[i].p, f[i].n);
	if (k >= 10 && f[k - 1].n) /* 3.5+: the last column is ERRORS */
		st.errors = f[k - 1];
	*done = 1;
	return status_row(ctx, host, &st);
}

#define TCOLS 16
struct table {
	int ncols;
	int ep, id, ver, db, leader, term, errs, health, took, error;
};

static int col_of(const struct pm_tc_field *h, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (pm_tc_eq(h[i], name))
			return i;
	return -1;
}

static int cells(const char *s, size_t n, struct pm_tc_field *f)
{
	const char *p = s + 1, *e = s + n;
	int k = 0;

	while (k < TCOLS && p < e) {
		const char *c = memchr(p, '|', (size_t)(e - p));
		if (!c)
			break;
		f[k++] = fld(p, (size_t)(c - p));
		p = c + 1;
	}
	return k;
}

static void table_header(struct table *t, const char *s, size_t n)
{
	struct pm_tc_field h[TCOLS];
	int k = cells(s, n, h);

	t->ncols = k;
	t->ep = col_of(h, k, "ENDPOINT");
	t->id = col_of(h, k, "ID");
	t->ver = col_of(h, k, "VERSION");
	t->db = col_of(h, k, "DB SIZE");
	t->leader = col_of(h, k, "IS LEADER");
	t->term = col_of(h, k, "RAFT TERM");
	t->errs = col_of(h, k, "ERRORS");
	t->health = col_of(h, k, "HEALTH");
	t->took = col_of(h, k, "TOOK");
	t->error = col_of(h, k, "ERROR");
}

static int table_row(struct pm_parse_ctx *ctx, const char *host,
		     const struct table *t, const char *s, size_t n)
{
	struct pm_tc_field c[TCOLS], none = {NULL, 0};
	int k = cells(s, n, c);

	if (k != t->ncols || t->ep < 0)
		return pm_parse_gap(ctx, ctx->in->lineno, "etcd table row does not fit its header");
	if (t->health >= 0) {
		double took = NAN;
		if (t->took >= 0 && pm_tc_duration_ms(c[t->took].p, c[t->took].n, &took))
			took = NAN;
		return health_row(ctx, host, c[t->ep], boolean(c[t->health]) == 1,
				  took, t->error >= 0 ? c[t->error] : none);
	} else {
		struct status st;
		memset(&st, 0, sizeof(st));
		st.ep = c[t->ep];
		st.id = t->id >= 0 ? c[t->id] : none;
		st.version = t->ver >= 0 ? c[t->ver] : none;
		st.db = t->db >= 0 ? db_size(c[t->db]) : -1;
		st.leader = t->leader >= 0 ? boolean(c[t->leader]) : -1;
		st.term = t->term >= 0 ? pm_tc_int(c[t->term].p, c[t->term].n) : -1;
		st.errors = t->errs >= 0 ? c[t->errs] : none;
		return status_row(ctx, host, &st);
	}
}

/* Quotes integer literals too big for json_int_t (etcd member ids). */
static void quote_big_ints(struct pm_buf *out, const char *s, size_t n)
{
	int in_str = 0;

	for (size_t i = 0; i < n; i++) {
		size_t j = i;
		if (in_str) {
			if (s[i] == '\\' && i + 1 < n)
				pm_buf_addc(out, s[i++]);
			else if (s[i] == '"')
				in_str = 0;
			pm_buf_addc(out, s[i]);
			continue;
		}
		if (s[i] == '"')
			in_str = 1;
		while (j < n && isdigit((unsigned char)s[j]))
			j++;
		if (j - i >= 19 && (i == 0 || !isalnum((unsigned char)s[i - 1])) &&
		    (j == n || (s[j] != '.' && s[j] != 'e' && s[j] != 'E'))) {
			pm_buf_addc(out, '"');
			pm_buf_add(out, s + i, j - i);
			pm_buf_addc(out, '"');
			i = j - 1;
			continue;
		}
		pm_buf_addc(out, s[i]);
	}
}

static struct pm_tc_field jstr(json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));
	struct pm_tc_field f = {v, v ? strlen(v) : 0};
	return f;
}

static unsigned long long jid(json_t *v)
{
	if (json_is_integer(v))
		return (unsigned long long)json_integer_value(v);
	if (json_is_string(v))
		return strtoull(json_string_value(v), NULL, 10);
	return 0;
}

static int json_entry(struct pm_parse_ctx *ctx, const char *host, json_t *o)
{
	json_t *stj = json_object_get(o, "Status");

	if (json_object_get(o, "health")) {
		json_t *h = json_object_get(o, "health");
		struct pm_tc_field took = jstr(o, "took");
		double ms = NAN;
		int ok = json_is_true(h) ||
			 (json_is_string(h) && !strcmp(json_string_value(h), "true"));
		if (took.p && pm_tc_duration_ms(took.p, took.n, &ms))
			ms = NAN;
		return health_row(ctx, host, jstr(o, "endpoint"), ok, ms,
				  jstr(o, "error"));
	}
	if (json_is_object(stj)) {
		struct status st;
		json_t *hdr = json_object_get(stj, "header");
		unsigned long long me = jid(json_object_get(hdr, "member_id"));
		json_t *term = json_object_get(stj, "raftTerm");
		json_t *db = json_object_get(stj, "dbSize");
		json_t *errs = json_object_get(stj, "errors");
		char id[24], *etext = NULL;
		int rc;

		memset(&st, 0, sizeof(st));
		st.ep = jstr(o, "Endpoint");
		snprintf(id, sizeof(id), "%llx", me);
		st.id.p = id;
		st.id.n = me ? strlen(id) : 0;
		st.version = jstr(stj, "version");
		st.db = json_is_integer(db) ? json_integer_value(db) : -1;
		st.term = json_is_integer(term) ? json_integer_value(term)
			  : json_is_integer(json_object_get(hdr, "raft_term"))
			  ? json_integer_value(json_object_get(hdr, "raft_term")) : -1;
		st.leader = me ? jid(json_object_get(stj, "leader")) == me : -1;
		if (json_array_size(errs)) {
			etext = json_dumps(errs, JSON_COMPACT);
			st.errors.p = etext;
			st.errors.n = etext ? strlen(etext) : 0;
		}
		rc = status_row(ctx, host, &st);
		free(etext);
		return rc;
	}
	return pm_parse_gap(ctx, 0, "etcd JSON entry is neither health nor status");
}

static int from_json(struct pm_parse_ctx *ctx, const char *host)
{
	struct pm_buf raw = PM_BUF_INIT(ETCD_JSON_MAX);
	struct pm_buf b = PM_BUF_INIT(ETCD_JSON_MAX + ETCD_JSON_MAX / 8);
	json_error_t jerr;
	json_t *j, *v;
	size_t i;
	int rc = pm_input_slurp(ctx->in, &raw);

	if (!rc) {
		quote_big_ints(&b, pm_buf_cstr(&raw), raw.len);
		rc = pm_buf_check(&b);
	}
	pm_buf_release(&raw);
	if (rc) {
		pm_buf_release(&b);
		return pm_parse_gap(ctx, 0, "etcd JSON unreadable or over %u bytes",
				    ETCD_JSON_MAX);
	}
	j = json_loadb(pm_buf_cstr(&b), b.len, 0, &jerr);
	pm_buf_release(&b);
	if (!j)
		return pm_parse_gap(ctx, jerr.line, "etcd JSON: %s", jerr.text);
	rc = 0;
	if (json_is_object(j))
		rc = json_entry(ctx, host, j);
	else if (json_is_array(j))
		json_array_foreach(j, i, v) {
			if (!json_is_object(v)) {
				pm_parse_gap(ctx, 0, "etcd JSON item %zu is not an object", i);
				continue;
			}
			if ((rc = json_entry(ctx, host, v)))
				break;
		}
	json_decref(j);
	return rc;
}

static int etcd_parse(struct pm_parse_ctx *ctx)
{
	struct table t = {0};
	char host[256], lone[256] = "";
	const unsigned char *h;
	const char *line;
	size_t len, got, i = 0;
	long lone_line = 0;
	int rc;

	pm_tc_host(ctx, host, sizeof(host));
	h = pm_input_peek(ctx->in, 256, &got);
	while (h && i < got && isspace(h[i]))
		i++;
	/* JSON output, but not the zap log lines etcdctl writes on stderr */
	if (h && i < got && (h[i] == '[' ||
			     (h[i] == '{' && !pm_tc_find((const char *)h + i,
							 got - i, "\"level\":"))))
		return from_json(ctx, host);
	while ((rc = pm_input_getline(ctx->in, &line, &len)) == 1) {
		const char *s = line;
		size_t n = pm_tc_trim(&s, len);
		int done;

		if (!n || s[0] == '+' || s[0] == '{' || s[0] == '#')
			continue; /* table rules, zap log lines, comments */
		if (s[0] == '|') {
			if (pm_tc_find(s, n, "ENDPOINT"))
				table_header(&t, s, n);
			else if (t.ncols && (rc = table_row(ctx, host, &t, s, n)))
				return rc;
			else if (!t.ncols)
				pm_parse_gap(ctx, ctx->in->lineno, "etcd table row before its header");
			continue;
		}
		if ((rc = health_text(ctx, host, s, n, &done)))
			return rc;
		if (!done && (rc = status_text(ctx, host, s, n, &done)))
			return rc;
		if (done)
			continue;
		if (pm_tc_starts(s, n, "Error:")) {
			const char *v = s + 6;
			size_t vn = pm_tc_trim(&v, n - 6);
			if (!lone[0])
				snprintf(lone, sizeof(lone), "%.*s", (int)vn, v);
			lone_line = ctx->in->lineno;
			continue;
		}
		pm_parse_gap(ctx, ctx->in->lineno, "unreadable etcdctl line: %.*s",
			     (int)(n > 120 ? 120 : n), s);
	}
	if (rc < 0)
		return pm_parse_read_failed(ctx, rc);
	if (lone[0] && !ctx->rows) {
		struct pm_tc_field none = {NULL, 0}, e = {lone, strlen(lone)};
		ctx->in->lineno = lone_line;
		return health_row(ctx, host, none, 0, NAN, e);
	}
	if (!ctx->rows && !ctx->bad)
		pm_parse_gap(ctx, 0, "no etcdctl output found");
	return 0;
}

static int etcd_sniff(const char *path, const unsigned char *head, size_t n)
{
	const char *b = pm_tc_basename(path);
	const char *h = (const char *)head;

	if (pm_tc_path_dir(path, "host") && !strncmp(b, "etcd", 4))
		return 90;
	if (!head)
		return 0;
	if (pm_tc_find(h, n, " is healthy: ") || pm_tc_find(h, n, " is unhealthy: ") ||
	    pm_tc_find(h, n, "\"health\":") || pm_tc_find(h, n, "\"raftTerm\"") ||
	    (pm_tc_find(h, n, "| ENDPOINT ") && pm_tc_find(h, n, " RAFT TERM ")))
		return 80;
	return 0;
}

const struct pm_parser pm_parser_etcd_health = {
	.type = "etcd-health",
	.ddl = etcd_ddl,
	.sniff = etcd_sniff,
	.parse = etcd_parse,
};
