/*
 * parse_x509.c - the "x509" type: openssl x509 output into
 * `certificates`, one row per certificate.
 *
 * Reads `-text -noout` (1.1 "Not After :" and 3.x wording, serial on its
 * own line when long), and the one-field forms `-enddate`
 * ("notAfter=Mar 15 12:00:00 2025 GMT"), `-startdate`, `-dates`,
 * `-subject`, `-issuer`, `-serial`.  "Certificate:" starts the next one
 * in a file holding a chain.
 */
#include "podmortem/parse.h"
#include "podmortem/textcols.h"
#include "podmortem/timeutil.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define SANS_MAX 65536

static const char x509_ddl[] =
"-- X.509 certificates as openssl printed them, one row per certificate.\n"
"-- subject, issuer: openssl's text (\"CN = kube-apiserver\").\n"
"-- not_before, not_after: UTC \"YYYY-MM-DDTHH:MM:SSZ\".\n"
"-- sans: JSON array of subject alternative names, \"DNS:x\" / \"IP:1.2.3.4\"\n"
"-- (openssl's \"IP Address:\" shortened), NULL when the output had none.\n"
"-- serial: lowercase hex without colons or 0x.  line: where it starts.\n"
"-- error: openssl's complaint (\"unable to load certificate\").\n"
"CREATE TABLE certificates(\n"
"  host TEXT, path TEXT, line INTEGER, subject TEXT, issuer TEXT,\n"
"  not_before TEXT, not_after TEXT, sans TEXT, serial TEXT, error TEXT);\n";

static const char insert_sql[] =
	"INSERT INTO certificates(host, path, line, subject, issuer, not_before,"
	" not_after, sans, serial, error) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)";

struct cert {
	long line;
	int any;
	int want;   /* 1: next line is the SAN list, 2: the serial */
	char subject[1024], issuer[1024], serial[160], error[256];
	char not_before[PM_TIME_LEN], not_after[PM_TIME_LEN];
	struct pm_buf sans;
	int has_sans;
};

static void cert_reset(struct cert *c)
{
	c->line = 0;
	c->any = c->want = c->has_sans = 0;
	c->subject[0] = c->issuer[0] = c->serial[0] = c->error[0] = '\0';
	c->not_before[0] = c->not_after[0] = '\0';
	pm_buf_reset(&c->sans);
}

static int emit(struct pm_parse_ctx *ctx, struct cert *c)
{
	sqlite3_stmt *s = pm_store_stmt(ctx->store, insert_sql, ctx->err);
	char host[256];

	if (!s)
		return ctx->err->code;
	if (pm_buf_check(&c->sans))
		pm_parse_gap(ctx, c->line, "SAN list over %u bytes dropped", SANS_MAX);
	pm_bind_text(s, 1, pm_tc_host(ctx, host, sizeof(host)), -1);
	pm_bind_text(s, 2, ctx->in->path, -1);
	sqlite3_bind_int64(s, 3, c->line);
	pm_bind_text(s, 4, c->subject[0] ? c->subject : NULL, -1);
	pm_bind_text(s, 5, c->issuer[0] ? c->issuer : NULL, -1);
	pm_bind_text(s, 6, c->not_before[0] ? c->not_before : NULL, -1);
	pm_bind_text(s, 7, c->not_after[0] ? c->not_after : NULL, -1);
	pm_bind_text(s, 8, c->has_sans && c->sans.len ? pm_buf_cstr(&c->sans)
			    : NULL, -1);
	pm_bind_text(s, 9, c->serial[0] ? c->serial : NULL, -1);
	pm_bind_text(s, 10, c->error[0] ? c->error : NULL, -1);
	if (pm_store_run(ctx->store, s, ctx->err))
		return ctx->err->code;
	ctx->rows++;
	cert_reset(c);
	return 0;
}

/* "Jul 22 20:25:26 2021 GMT" -> UTC text; 0 on success. */
static int openssl_time(const char *s, size_t n, char out[PM_TIME_LEN])
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	struct pm_tc_field f[6];
	int k = pm_tc_split(s, n, f, 6), mon = -1;
	long long d, y;
	int hh, mm, ss;
	char t[16];

	if (k < 4 || f[0].n != 3)
		return -1;
	for (int i = 0; i < 12; i++)
		if (!memcmp(months + 3 * i, f[0].p, 3))
			mon = i + 1;
	d = pm_tc_int(f[1].p, f[1].n);
	y = pm_tc_int(f[3].p, f[3].n);
	if (mon < 0 || d < 1 || d > 31 || y < 1950 || y > 9999 || f[2].n >= sizeof(t))
		return -1;
	memcpy(t, f[2].p, f[2].n);
	t[f[2].n] = '\0';
	if (sscanf(t, "%2d:%2d:%2d", &hh, &mm, &ss) != 3 || hh > 23 || mm > 59 ||
	    ss > 60)
		return -1;
	if (k >= 5 && !pm_tc_eq(f[4], "GMT") && !pm_tc_eq(f[4], "UTC") &&
	    !pm_tc_eq(f[4], "Z"))
		return -1;
	pm_time_format(pm_time_from_civil((int)y, mon, (int)d, hh, mm, ss), out);
	return 0;
}

static void set_serial(struct cert *c, const char *s, size_t n)
{
	const char *h = pm_tc_find(s, n, "(0x");
	size_t k = 0;

	if (h) { /* "3123024519753970768 (0x2b57364114c53450)" */
		const char *e = s + n, *r;
		s = h + 3;
		r = memchr(s, ')', (size_t)(e - s));
		n = r ? (size_t)(r - s) : (size_t)(e - s);
	} else if (pm_tc_starts(s, n, "0x")) {
		s += 2;
		n -= 2;
	}
	for (size_t i = 0; i < n && k < sizeof(c->serial) - 1; i++) {
		if (s[i] == ':')
			continue;
		if (!isxdigit((unsigned char)s[i]))
			break;
		c->serial[k++] = (char)tolower((unsigned char)s[i]);
	}
	c->serial[k] = '\0';
}

static void set_sans(struct cert *c, const char *s, size_t n)
{
	const char *p = s, *e = s + n;
	int first = 1;

	pm_buf_reset(&c->sans);
	pm_buf_addc(&c->sans, '[');
	while (p < e) {
		const char *comma = pm_tc_find(p, (size_t)(e - p), ", ");
		const char *q = p;
		size_t l = comma ? (size_t)(comma - p) : (size_t)(e - p);
		l = pm_tc_trim(&q, l);
		if (l) {
			if (!first)
				pm_buf_addc(&c->sans, ',');
			first = 0;
			if (pm_tc_starts(q, l, "IP Address:") && l < 300) {
				char ip[320];
				int k = snprintf(ip, sizeof(ip), "IP:%.*s",
						 (int)(l - 11), q + 11);
				pm_tc_json_str(&c->sans, ip, (size_t)k);
			} else {
				pm_tc_json_str(&c->sans, q, l);
			}
		}
		p = comma ? comma + 2 : e;
	}
	pm_buf_addc(&c->sans, ']');
	c->has_sans = 1;
}

static void copy_val(char *dst, size_t cap, const char *v, size_t n)
{
	n = pm_tc_trim(&v, n);
	snprintf(dst, cap, "%.*s", (int)n, v);
}

/* Returns 1 when the line gave the cert something. */
static int cert_line(struct pm_parse_ctx *ctx, struct cert *c, const char *s,
		     size_t n)
{
	const char *v;
	size_t vn;
	char *when = NULL;

	if (c->want == 1) {
		c->want = 0;
		set_sans(c, s, n);
		return 1;
	}
	if (c->want == 2) {
		c->want = 0;
		set_serial(c, s, n);
		return 1;
	}
	if (pm_tc_starts(s, n, "Serial Number:") || pm_tc_starts(s, n, "serial=")) {
		v = memchr(s, *s == 'S' ? ':' : '=', n) + 1;
		vn = pm_tc_trim(&v, (size_t)(s + n - v));
		if (vn)
			set_serial(c, v, vn);
		else
			c->want = 2;
	} else if (pm_tc_starts(s, n, "Issuer:") || pm_tc_starts(s, n, "issuer=")) {
		copy_val(c->issuer, sizeof(c->issuer), s + 7, n - 7);
	} else if (pm_tc_starts(s, n, "Subject:") || pm_tc_starts(s, n, "subject=")) {
		copy_val(c->subject, sizeof(c->subject), s + 8, n - 8);
	} else if (pm_tc_starts(s, n, "Not Before")) {
		when = c->not_before;
	} else if (pm_tc_starts(s, n, "Not After")) {
		when = c->not_after;
	} else if (pm_tc_starts(s, n, "notBefore=")) {
		when = c->not_before;
	} else if (pm_tc_starts(s, n, "notAfter=")) {
		when = c->not_after;
	} else if (pm_tc_starts(s, n, "X509v3 Subject Alternative Name")) {
		c->want = 1;
	} else if (pm_tc_starts(s, n, "unable to load certificate") ||
		   pm_tc_starts(s, n, "Could not read certificate") ||
		   pm_tc_starts(s, n, "Could not find certificate") ||
		   pm_tc_starts(s, n, "Error opening Certificate") ||
		   pm_tc_starts(s, n, "Can't open ")) {
		if (!c->error[0])
			copy_val(c->error, sizeof(c->error), s, n);
	} else {
		return 0;
	}
	if (when) {
		v = memchr(s, s[0] == 'N' ? ':' : '=', n);
		if (!v || openssl_time(v + 1, (size_t)(s + n - v - 1), when)) {
			when[0] = '\0';
			pm_parse_gap(ctx, ctx->in->lineno, "unreadable certificate time");
			return 0;
		}
	}
	return 1;
}

static int x509_parse(struct pm_parse_ctx *ctx)
{
	struct cert c;
	const char *line;
	size_t len;
	int rc, any = 0;

	memset(&c, 0, sizeof(c));
	pm_buf_init(&c.sans, SANS_MAX);
	while ((rc = pm_input_getline(ctx->in, &line, &len)) == 1) {
		const char *s = line;
		size_t n = pm_tc_trim(&s, len);

		if (!n)
			continue;
		any = 1;
		if (pm_tc_starts(s, n, "Certificate:") && n == 12) {
			if (c.any && (rc = emit(ctx, &c)))
				break;
			c.line = ctx->in->lineno;
			continue;
		}
		if (cert_line(ctx, &c, s, n)) {
			c.any = 1;
			if (!c.line)
				c.line = ctx->in->lineno;
		}
	}
	if (rc < 0 && !ctx->err->code)
		rc = pm_parse_read_failed(ctx, rc);
	else if (rc == 0 && c.any)
		rc = emit(ctx, &c);
	if (!rc && !ctx->rows)
		pm_parse_gap(ctx, 0, any ? "no certificate fields found"
				       : "empty x509 output");
	pm_buf_release(&c.sans);
	return rc;
}

static int x509_sniff(const char *path, const unsigned char *head, size_t n)
{
	const char *h = (const char *)head;

	if (pm_tc_path_dir(path, "x509") && pm_tc_path_dir(path, "host"))
		return 90;
	if (!head)
		return 0;
	if (pm_tc_starts(h, n, "notAfter=") || pm_tc_starts(h, n, "notBefore=") ||
	    (pm_tc_find(h, n, "Certificate:\n") && pm_tc_find(h, n, "Serial Number")))
		return 80;
	return 0;
}

const struct pm_parser pm_parser_x509 = {
	.type = "x509",
	.ddl = x509_ddl,
	.sniff = x509_sniff,
	.parse = x509_parse,
};
