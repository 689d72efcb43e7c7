/*
 * parse_dns.c - the "dns" type: nslookup (bind and busybox) and dig
 * output into `dns_lookups`, one row per lookup.
 *
 * nslookup: "Server:" starts a lookup, "Name:"/"Address:" give answers,
 * "** server can't find x: NXDOMAIN", ";; connection timed out; no
 * servers could be reached", busybox "can't resolve 'x'".  dig: the
 * HEADER status, ANSWER SECTION records, ";; SERVER:"; dig +short: bare
 * addresses.  busybox's "can't resolve '(null)'" is about the reverse
 * name of the server, not the lookup, and is ignored.
 */
#include "podmortem/parse.h"
#include "podmortem/textcols.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define ANSWERS_MAX 16384

static const char dns_ddl[] =
"-- name lookups, one row per nslookup/dig run.  name: the name asked\n"
"-- (from the command, the path dns-<name>.txt, else the output).\n"
"-- server: the resolver that answered (\"10.96.0.10\", port cut).\n"
"-- answers: JSON array of answer data (addresses; dig: each record's\n"
"-- data), [] when none.  error: NXDOMAIN, SERVFAIL, REFUSED, \"connection\n"
"-- timed out; no servers could be reached\", \"can't resolve 'x'\", ...;\n"
"-- NULL when the lookup succeeded.\n"
"CREATE TABLE dns_lookups(\n"
"  host TEXT, path TEXT, line INTEGER, name TEXT, server TEXT,\n"
"  answers TEXT, error TEXT);\n";

static const char insert_sql[] =
	"INSERT INTO dns_lookups(host, path, line, name, server, answers, error)"
	" VALUES (?1,?2,?3,?4,?5,?6,?7)";

struct lookup {
	long line;
	char name[256], server[256], error[256], soft[256];
	struct pm_buf answers;   /* JSON array body, without brackets */
	int nanswers;
	int in_answer;           /* dig ANSWER SECTION / nslookup after Name: */
};

static void lk_reset(struct lookup *l)
{
	l->line = 0;
	l->name[0] = l->server[0] = l->error[0] = l->soft[0] = '\0';
	pm_buf_reset(&l->answers);
	l->nanswers = 0;
	l->in_answer = 0;
}

static int lk_done(const struct lookup *l)
{
	return l->nanswers || l->error[0] || l->soft[0];
}

static void copy(char *dst, size_t cap, const char *s, size_t n)
{
	if (!dst[0])
		snprintf(dst, cap, "%.*s", (int)n, s);
}

static void add_answer(struct lookup *l, const char *s, size_t n)
{
	if (l->nanswers++)
		pm_buf_addc(&l->answers, ',');
	pm_tc_json_str(&l->answers, s, n);
}

static int emit(struct pm_parse_ctx *ctx, struct lookup *l, const char *qname)
{
	sqlite3_stmt *s = pm_store_stmt(ctx->store, insert_sql, ctx->err);
	char host[256];
	const char *err = l->error[0] ? l->error
			  : !l->nanswers && l->soft[0] ? l->soft : NULL;

	if (!s)
		return ctx->err->code;
	if (pm_buf_check(&l->answers))
		pm_parse_gap(ctx, l->line, "too many DNS answers; list cut");
	pm_bind_text(s, 1, pm_tc_host(ctx, host, sizeof(host)), -1);
	pm_bind_text(s, 2, ctx->in->path, -1);
	sqlite3_bind_int64(s, 3, l->line);
	pm_bind_text(s, 4, qname[0] ? qname : l->name[0] ? l->name : NULL, -1);
	pm_bind_text(s, 5, l->server[0] ? l->server : NULL, -1);
	{
		char *j = sqlite3_mprintf("[%s]", pm_buf_cstr(&l->answers));
		if (!j)
			return pm_error_set(ctx->err, PM_ENOMEM, "out of memory");
		sqlite3_bind_text(s, 6, j, -1, sqlite3_free);
	}
	pm_bind_text(s, 7, err, -1);
	if (pm_store_run(ctx->store, s, ctx->err))
		return ctx->err->code;
	ctx->rows++;
	lk_reset(l);
	return 0;
}

/* The value after "Key:" with spaces cut. */
static size_t value(const char *s, size_t n, const char **v)
{
	const char *c = memchr(s, ':', n);
	if (!c)
		return 0;
	*v = c + 1;
	return pm_tc_trim(v, (size_t)(s + n - *v));
}

static int looks_address(const char *s, size_t n)
{
	int dots = 0, colons = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '.')
			dots++;
		else if (s[i] == ':')
			colons++;
		else if (!isxdigit((unsigned char)s[i]))
			return 0;
	}
	return dots == 3 || colons >= 2;
}

/* One nslookup line; returns 1 when it was understood. */
static int nslookup_line(struct lookup *l, const char *s, size_t n)
{
	const char *v, *p;
	size_t vn;

	if (pm_tc_starts(s, n, "Server:")) {
		vn = value(s, n, &v);
		copy(l->server, sizeof(l->server), v, vn);
	} else if (pm_tc_starts(s, n, "Name:")) {
		vn = value(s, n, &v);
		copy(l->name, sizeof(l->name), v, vn);
		l->in_answer = 1;
	} else if (pm_tc_starts(s, n, "Address")) {
		struct pm_tc_field f[2];
		vn = value(s, n, &v);
		/* "Address: 1.2.3.4", "Address 1: 1.2.3.4 name", "Address: 1.2.3.4#53" */
		if (l->in_answer && pm_tc_split(v, vn, f, 2) >= 1)
			add_answer(l, f[0].p, f[0].n);
	} else if ((p = pm_tc_find(s, n, "server can't find "))) {
		const char *c = s + n;
		while (c > p && c[-1] != ':')
			c--;
		p += 18;
		if (c > p)
			copy(l->name, sizeof(l->name), p, (size_t)(c - p - 1));
		vn = (size_t)(s + n - c);
		vn = pm_tc_trim(&c, vn);
		copy(l->error, sizeof(l->error), c, vn);
	} else if (pm_tc_starts(s, n, "*** Can't find ")) {
		/* bind: no record of one type; an error only if nothing else */
		const char *c = s + n;
		while (c > s && c[-1] != ':')
			c--;
		vn = pm_tc_trim(&c, (size_t)(s + n - c));
		copy(l->soft, sizeof(l->soft), c, vn);
	} else if ((p = pm_tc_find(s, n, "can't resolve '"))) {
		if (!pm_tc_starts(p, (size_t)(s + n - p), "can't resolve '(null)'")) {
			const char *q = memchr(p + 15, '\'', (size_t)(s + n - p - 15));
			copy(l->error, sizeof(l->error), p,
			     q ? (size_t)(q + 1 - p) : (size_t)(s + n - p));
		}
	} else if (pm_tc_starts(s, n, ";; connection timed out") ||
		   pm_tc_starts(s, n, ";; communications error")) {
		copy(l->error, sizeof(l->error), s + 3, n - 3);
	} else if (pm_tc_find(s, n, "canonical name =") ||
		   pm_tc_starts(s, n, "Non-authoritative answer") ||
		   pm_tc_starts(s, n, "Authoritative answers") ||
		   pm_tc_starts(s, n, "command terminated with exit code")) {
		/* nothing to keep */
	} else {
		return 0;
	}
	return 1;
}

/* One dig line; returns 1 when it was understood. */
static int dig_line(struct lookup *l, const char *s, size_t n)
{
	struct pm_tc_field f[8];
	const char *p;
	int k;

	if (pm_tc_starts(s, n, ";; ANSWER SECTION:")) {
		l->in_answer = 2;
	} else if ((p = pm_tc_find(s, n, "status: "))) {
		const char *e = memchr(p, ',', (size_t)(s + n - p));
		size_t vn = e ? (size_t)(e - p - 8) : (size_t)(s + n - p - 8);
		if (!(vn == 7 && !memcmp(p + 8, "NOERROR", 7)))
			copy(l->error, sizeof(l->error), p + 8, vn);
	} else if (pm_tc_starts(s, n, ";; SERVER: ")) {
		const char *v = s + 11, *e = v;
		while (e < s + n && *e != '#' && *e != ' ')
			e++;
		copy(l->server, sizeof(l->server), v, (size_t)(e - v));
	} else if (s[0] == ';') {
		/* question ";name. IN A", comments, other sections */
		if (l->in_answer == 2)
			l->in_answer = 0;
		k = pm_tc_split(s + 1, n - 1, f, 3);
		if (k == 3 && pm_tc_eq(f[1], "IN") && f[0].n > 1 && !l->name[0])
			copy(l->name, sizeof(l->name), f[0].p,
			     f[0].p[f[0].n - 1] == '.' ? f[0].n - 1 : f[0].n);
	} else if ((k = pm_tc_split(s, n, f, 8)) >= 5 && pm_tc_eq(f[2], "IN")) {
		/* "name. 30 IN A 1.2.3.4": kept from the ANSWER SECTION only */
		if (l->in_answer == 2)
			add_answer(l, f[4].p, (size_t)(s + n - f[4].p));
	} else if (pm_tc_split(s, n, f, 2) == 1 && looks_address(s, n)) {
		add_answer(l, s, n); /* dig +short */
	} else {
		return 0;
	}
	return 1;
}

/* The name asked, from the command: the first plain argument after
 * nslookup/dig; else from the path dns-<name>.txt. */
static void query_name(const struct pm_parse_ctx *ctx, char *out, size_t n)
{
	struct pm_tc_argv a;
	const char *b = pm_tc_basename(ctx->in->path);
	int i, tool = -1;

	out[0] = '\0';
	pm_tc_argv_ctx(&a, ctx);
	for (i = 0; i < a.argc; i++) {
		const char *t = pm_tc_basename(a.argv[i]);
		if (tool < 0 && (!strcmp(t, "nslookup") || !strcmp(t, "dig")))
			tool = i;
		else if (tool >= 0 && a.argv[i][0] != '-' && a.argv[i][0] != '@' &&
			 a.argv[i][0] != '+') {
			snprintf(out, n, "%s", a.argv[i]);
			return;
		}
	}
	if (!strncmp(b, "dns-", 4)) {
		const char *dot = strrchr(b, '.');
		size_t l = dot && dot > b + 4 ? (size_t)(dot - b - 4) : strlen(b + 4);
		snprintf(out, n, "%.*s", (int)l, b + 4);
	}
}

static int dns_parse(struct pm_parse_ctx *ctx)
{
	struct lookup l;
	char qname[256];
	const char *line;
	size_t len;
	int rc, any = 0;

	memset(&l, 0, sizeof(l));
	pm_buf_init(&l.answers, ANSWERS_MAX);
	query_name(ctx, qname, sizeof(qname));
	while ((rc = pm_input_getline(ctx->in, &line, &len)) == 1) {
		const char *s = line;
		size_t n = pm_tc_trim(&s, len);

		if (!n) {
			if (l.in_answer == 2)
				l.in_answer = 0;
			continue;
		}
		any = 1;
		/* a new lookup starts: flush the finished one */
		if ((pm_tc_starts(s, n, "Server:") ||
		     pm_tc_starts(s, n, "; <<>> DiG")) && lk_done(&l) &&
		    (rc = emit(ctx, &l, qname))) {
			pm_buf_release(&l.answers);
			return rc;
		}
		if (ctx->rows)
			qname[0] = '\0'; /* the command names the first lookup only */
		if (!l.line)
			l.line = ctx->in->lineno;
		if (!nslookup_line(&l, s, n) && !dig_line(&l, s, n))
			pm_parse_gap(ctx, ctx->in->lineno,
				     "unreadable DNS line: %.*s",
				     (int)(n > 120 ? 120 : n), s);
	}
	if (rc < 0)
		rc = pm_parse_read_failed(ctx, rc);
	else if (l.line && (lk_done(&l) || l.server[0]))
		rc = emit(ctx, &l, qname);
	else if (!any)
		rc = pm_parse_gap(ctx, 0, "empty DNS output");
	else if (!ctx->rows)
		rc = pm_parse_gap(ctx, 0, "no DNS lookup found");
	pm_buf_release(&l.answers);
	return rc;
}

static int dns_sniff(const char *path, const unsigned char *head, size_t n)
{
	const char *b = pm_tc_basename(path);
	const char *h = (const char *)head;

	if (pm_tc_path_dir(path, "host") && !strncmp(b, "dns", 3))
		return 90;
	if (!head)
		return 0;
	if (pm_tc_find(h, n, "; <<>> DiG ") ||
	    pm_tc_find(h, n, "** server can't find ") ||
	    (pm_tc_starts(h, n, "Server:") && pm_tc_find(h, n, "\nAddress")))
		return 80;
	return 0;
}

const struct pm_parser pm_parser_dns = {
	.type = "dns",
	.ddl = dns_ddl,
	.sniff = dns_sniff,
	.parse = dns_parse,
};
