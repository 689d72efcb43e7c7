/* textcols.c - field splitting and value conversion for text parsers. */
#include "podmortem/textcols.h"

#include <ctype.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

int pm_tc_split(const char *s, size_t n, struct pm_tc_field *f, int max)
{
	size_t i = 0;
	int k = 0;

	while (k < max) {
		while (i < n && is_blank(s[i]))
			i++;
		if (i >= n)
			break;
		f[k].p = s + i;
		while (i < n && !is_blank(s[i]))
			i++;
		f[k].n = (size_t)(s + i - f[k].p);
		k++;
	}
	return k;
}

size_t pm_tc_trim(const char **s, size_t n)
{
	while (n && is_blank(**s)) {
		(*s)++;
		n--;
	}
	while (n && is_blank((*s)[n - 1]))
		n--;
	return n;
}

int pm_tc_eq(struct pm_tc_field f, const char *lit)
{
	size_t l = strlen(lit);
	return f.n == l && memcmp(f.p, lit, l) == 0;
}

int pm_tc_starts(const char *s, size_t n, const char *lit)
{
	size_t l = strlen(lit);
	return n >= l && memcmp(s, lit, l) == 0;
}

const char *pm_tc_find(const char *s, size_t n, const char *lit)
{
	size_t l = strlen(lit);
	if (!l || l > n)
		return NULL;
	for (size_t i = 0; i + l <= n; i++)
		if (s[i] == lit[0] && memcmp(s + i, lit, l) == 0)
			return s + i;
	return NULL;
}

size_t pm_tc_strip_ansi(char *s, size_t n)
{
	size_t r = 0, w = 0;

	while (r < n) {
		if (s[r] == '\x1b' && r + 1 < n && s[r + 1] == '[') {
			/* CSI: parameters then one final byte in @..~ */
			r += 2;
			while (r < n && !(s[r] >= '@' && s[r] <= '~'))
				r++;
			if (r < n)
				r++;
			continue;
		}
		s[w++] = s[r++];
	}
	if (w < n)
		s[w] = '\0';
	return w;
}

int pm_tc_header(const char *hdr, size_t n, const char *const *names,
		 int count, long *offs)
{
	size_t from = 0;
	int found = 0;

	for (int i = 0; i < count; i++) {
		const char *p = pm_tc_find(hdr + from, n - from, names[i]);
		/* a name must start a word: "NAME" is not inside "HOSTNAME" */
		while (p && p > hdr && !is_blank(p[-1])) {
			size_t off = (size_t)(p - hdr) + 1;
			p = pm_tc_find(hdr + off, n - off, names[i]);
		}
		offs[i] = p ? (long)(p - hdr) : -1;
		if (p) {
			found++;
			from = (size_t)(p - hdr) + strlen(names[i]);
		}
	}
	return found;
}

int pm_tc_number(const char *s, size_t n, double *out, size_t *used)
{
	size_t i = 0;
	double v = 0, f = 0.1;
	int neg = 0, digits = 0;

	if (i < n && (s[i] == '-' || s[i] == '+'))
		neg = s[i++] == '-';
	while (i < n && isdigit((unsigned char)s[i])) {
		v = v * 10 + (s[i++] - '0');
		digits++;
	}
	if (i < n && s[i] == '.') {
		size_t dot = i++;
		int frac = 0;
		while (i < n && isdigit((unsigned char)s[i])) {
			v += (s[i++] - '0') * f;
			f /= 10;
			frac++;
		}
		if (!frac)
			i = dot;
		digits += frac;
	}
	if (!digits)
		return -1;
	/* "5.1e-05" (GNU dd on fast copies) */
	if (i + 1 < n && (s[i] == 'e' || s[i] == 'E')) {
		size_t j = i + 1;
		int eneg = 0, e = 0, ed = 0;
		if (j < n && (s[j] == '-' || s[j] == '+'))
			eneg = s[j++] == '-';
		while (j < n && isdigit((unsigned char)s[j]) && ed < 4) {
			e = e * 10 + (s[j++] - '0');
			ed++;
		}
		if (ed) {
			v *= pow(10, eneg ? -e : e);
			i = j;
		}
	}
	*out = neg ? -v : v;
	if (used)
		*used = i;
	return 0;
}

long long pm_tc_int(const char *s, size_t n)
{
	long long v = 0;

	if (!n || n > 19)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		if (v > (9223372036854775807LL - (s[i] - '0')) / 10)
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

double pm_tc_percent(const char *s, size_t n)
{
	double v;
	size_t used;

	if (n < 2 || s[n - 1] != '%' || pm_tc_number(s, n - 1, &v, &used) ||
	    used != n - 1 || v < 0)
		return -1;
	return v;
}

int pm_tc_duration_ms(const char *s, size_t n, double *ms)
{
	static const struct { const char *u; double ms; } units[] = {
		{"ns", 1e-6}, {"\xc2\xb5s", 1e-3}, {"\xce\xbcs", 1e-3},
		{"us", 1e-3}, {"ms", 1}, {"s", 1000}, {"m", 60000},
		{"h", 3600000},
	};
	double total = 0;
	size_t i = 0;
	int parts = 0;

	n = pm_tc_trim(&s, n);
	while (i < n && parts < 8) {
		double v;
		size_t used, k, best = 0;
		double scale = -1;

		if (pm_tc_number(s + i, n - i, &v, &used) || v < 0)
			return -1;
		i += used;
		/* longest unit that matches: "ms" before "m" */
		for (k = 0; k < sizeof(units) / sizeof(units[0]); k++) {
			size_t l = strlen(units[k].u);
			if (l > best && pm_tc_starts(s + i, n - i, units[k].u)) {
				best = l;
				scale = units[k].ms;
			}
		}
		if (scale < 0)
			return -1;
		i += best;
		total += v * scale;
		parts++;
	}
	if (!parts || i != n)
		return -1;
	*ms = total;
	return 0;
}

const char *pm_tc_path_dir(const char *path, const char *dir)
{
	size_t l = strlen(dir);
	const char *p = path;

	for (int guard = 0; p && guard < 64; guard++) {
		if (!strncmp(p, dir, l) && p[l] == '/')
			return p;
		p = strchr(p, '/');
		if (p)
			p++;
	}
	return NULL;
}

const char *pm_tc_basename(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

const char *pm_tc_host(const struct pm_parse_ctx *ctx, char *out, size_t n)
{
	const char *h = pm_item_host(ctx);
	const char *p;

	if (!n)
		return "";
	out[0] = '\0';
	if (*h) {
		snprintf(out, n, "%s", h);
		return out;
	}
	p = ctx->in && ctx->in->path ? pm_tc_path_dir(ctx->in->path, "host")
				     : NULL;
	if (p) {
		const char *e;
		p += 5;
		e = strchr(p, '/');
		if (e && e > p && (size_t)(e - p) < n) {
			memcpy(out, p, (size_t)(e - p));
			out[e - p] = '\0';
		}
	}
	return out;
}

void pm_tc_auth_subject(const struct pm_parse_ctx *ctx, char *subj,
			size_t sn, char *ns, size_t nn)
{
	const char *b = pm_tc_basename(ctx->in->path);
	const char *a = strstr(b, "__"), *c = a ? strstr(a + 2, "__") : NULL;
	const char *dot = c ? strrchr(c + 2, '.') : NULL;
	struct pm_tc_argv av;
	const char *as, *n;

	pm_tc_argv_ctx(&av, ctx);
	as = pm_tc_argv_value(&av, "--as");
	n = pm_tc_argv_value(&av, "--namespace");
	if (!n)
		n = pm_tc_argv_value(&av, "-n");
	if (a && c && c > a + 2 && (!dot || dot > c + 2)) {
		int nl = (int)(c - a - 2);
		int sl = dot ? (int)(dot - c - 2) : (int)strlen(c + 2);
		snprintf(subj, sn, "system:serviceaccount:%.*s:%.*s", nl, a + 2,
			 sl, c + 2);
		snprintf(ns, nn, "%.*s", nl, a + 2);
	} else {
		snprintf(subj, sn, "%s", as ? as : "self");
		snprintf(ns, nn, "%s", ctx->item && ctx->item->ns ? ctx->item->ns : "");
	}
	if (n)
		snprintf(ns, nn, "%s", n);
}

long long pm_tc_millicores(const char *s, size_t n)
{
	double v;
	size_t used;

	if (pm_tc_number(s, n, &v, &used) || v < 0 || v > 1e15)
		return -1;
	if (used == n)
		return (long long)(v * 1000 + 0.5);
	if (used + 1 == n && s[used] == 'm')
		return (long long)(v + 0.5);
	if (used + 1 == n && s[used] == 'n') /* nanocores */
		return (long long)(v / 1e6 + 0.5);
	return -1;
}

int pm_tc_argv_parse(struct pm_tc_argv *a, const char *json)
{
	json_t *j;
	size_t used = 0, idx;
	json_t *v;

	a->argc = 0;
	if (!json || strlen(json) > 65536)
		return 0;
	j = json_loads(json, JSON_REJECT_DUPLICATES, NULL);
	if (!j)
		return 0;
	if (json_is_array(j)) {
		json_array_foreach(j, idx, v) {
			const char *s = json_string_value(v);
			size_t l;
			if (!s || a->argc >= PM_TC_MAXARGS)
				break;
			l = strlen(s);
			if (used + l + 1 > sizeof(a->buf))
				break;
			memcpy(a->buf + used, s, l + 1);
			a->argv[a->argc++] = a->buf + used;
			used += l + 1;
		}
	}
	json_decref(j);
	return a->argc;
}

int pm_tc_argv_ctx(struct pm_tc_argv *a, const struct pm_parse_ctx *ctx)
{
	return pm_tc_argv_parse(a, ctx->item ? ctx->item->command : NULL);
}

const char *pm_tc_argv_value(const struct pm_tc_argv *a, const char *key)
{
	size_t l = strlen(key);

	for (int i = 0; i < a->argc; i++) {
		const char *s = a->argv[i];
		if (l && key[l - 1] == '=') {
			if (!strncmp(s, key, l))
				return s + l;
			continue;
		}
		if (!strcmp(s, key))
			return i + 1 < a->argc ? a->argv[i + 1] : NULL;
		if (!strncmp(s, key, l) && s[l] == '=' && key[1] == '-')
			return s + l + 1;
	}
	return NULL;
}

int pm_tc_argv_has(const struct pm_tc_argv *a, const char *arg)
{
	for (int i = 0; i < a->argc; i++)
		if (!strcmp(a->argv[i], arg))
			return 1;
	return 0;
}

int pm_tc_argv_flag(const struct pm_tc_argv *a, char c)
{
	for (int i = 1; i < a->argc; i++) {
		const char *s = a->argv[i];
		if (s[0] == '-' && s[1] != '-' && strchr(s + 1, c))
			return 1;
	}
	return 0;
}

void pm_tc_bind_i64(sqlite3_stmt *s, int idx, long long v)
{
	if (v < 0)
		sqlite3_bind_null(s, idx);
	else
		sqlite3_bind_int64(s, idx, v);
}

void pm_tc_bind_dbl(sqlite3_stmt *s, int idx, double v)
{
	if (isnan(v))
		sqlite3_bind_null(s, idx);
	else
		sqlite3_bind_double(s, idx, v);
}

void pm_tc_bind_field(sqlite3_stmt *s, int idx, struct pm_tc_field f)
{
	if (!f.p || !f.n)
		sqlite3_bind_null(s, idx);
	else
		sqlite3_bind_text(s, idx, f.p, (int)f.n, SQLITE_TRANSIENT);
}

void pm_tc_json_str(struct pm_buf *b, const char *s, size_t n)
{
	pm_buf_addc(b, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			pm_buf_addc(b, '\\');
			pm_buf_addc(b, (char)c);
		} else if (c < 0x20) {
			pm_buf_addf(b, "\\u%04x", c);
		} else {
			pm_buf_addc(b, (char)c);
		}
	}
	pm_buf_addc(b, '"');
}
