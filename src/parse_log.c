/*
 * parse_log.c - the "log" type: container and component logs into
 * the log tables (logsink.h), one row per logical line.
 *
 * Formats: CRI ("<time> stdout|stderr F|P <msg>", P partials joined with
 * the following F line of the same stream), klog ("E1204 10:00:00.000000
 * 1 file.go:12] msg", year taken from collected_at), logfmt (Velero/logrus
 * time="..." level=error msg="..."), JSON lines (zap, logrus, klog JSON,
 * bunyan/pino), lines that start with an RFC 3339 / ISO time (or Go's
 * "2006/01/02 15:04:05"), syslog/journal lines ("Sep 16 21:26:32 host
 * tag[pid]: msg", year from collected_at, host and tag into fields), and
 * plain text.  CRI, Docker json-file ({"log": ..., "stream": ..., "time":
 * ...}), a leading RFC 3339 stamp (kubectl logs --timestamps) and syslog
 * wrap the others: the wrapper is taken off and the rest detected again.
 *
 * The file's format is guessed from its first lines (peek) and tried
 * first on every line; any line that does not fit falls back to the full
 * detection chain, so mixed files (plain "Flag --port ..." before klog
 * lines) still come out right.
 *
 * Hot path of big bundles: every buffer is per file and reused, lines
 * are sanitised only when they hold bytes >= 0x80 or NUL (invalid UTF-8
 * and NUL become U+FFFD so SQLite's json functions stay happy), and a
 * line goes to the log sink, which batches it for its writer thread.
 */
#include "podmortem/logsink.h"
#include "podmortem/parse.h"
#include "podmortem/timeutil.h"

#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define JOIN_DEFAULT (1u << 20)  /* cap of a joined CRI line without max_line */
#define PEEK_LINES 20            /* lines looked at to guess the format */
#define CUT_GAPS_MAX 5           /* cut lines listed one by one */
#define KLOG_SLACK (24 * 3600)   /* node clocks may run ahead of collected_at */

enum fmt { F_PLAIN, F_JSON, F_KLOG, F_LOGFMT, F_RFC3339, F_SYSLOG, F_COUNT };
enum outer { O_NONE, O_CRI, O_TS, O_SYSLOG, O_DOCKER, O_COUNT };

static const char *const fmt_names[O_COUNT][F_COUNT] = {
	{"plain", "json", "klog", "logfmt", "rfc3339", "syslog"},
	{"cri", "cri/json", "cri/klog", "cri/logfmt", "cri/rfc3339", "cri/syslog"},
	{"rfc3339", "rfc3339/json", "rfc3339/klog", "rfc3339/logfmt", "rfc3339",
	 "rfc3339/syslog"},
	{"syslog", "syslog/json", "syslog/klog", "syslog/logfmt", "syslog/rfc3339",
	 "syslog"},
	{"docker", "docker/json", "docker/klog", "docker/logfmt", "docker/rfc3339",
	 "docker/syslog"},
};

/* One parsed line; pointers go into the line or the lp buffers. */
struct rec {
	int64_t t;
	int has_t;
	const char *tt;     /* time as written */
	size_t ttlen;
	const char *level;  /* static string or NULL */
	const char *msg;
	size_t msglen;
	int fmt;            /* enum fmt of the innermost format */
	int outer;          /* enum outer */
	int stream;         /* -1 none, 0 stdout, 1 stderr */
	int nfields;        /* members written to lp->fields */
	int fields_whole;   /* lp->fields is a complete object already */
};

struct lp {
	struct pm_parse_ctx *ctx;
	const char *ns, *pod, *container;
	int previous;
	int64_t collected;
	int have_collected;
	int hint;                /* enum fmt the file mostly uses */
	size_t join_max;
	struct pm_buf san;       /* sanitised line */
	struct pm_buf join[2];   /* pending CRI partials, per stream */
	long join_line[2];
	int join_cut[2];
	struct pm_buf msg;       /* unescaped message */
	struct pm_buf fields;    /* JSON object text */
	struct pm_buf tmpl;
	struct pm_buf dock;      /* the "log" text of a Docker json-file line */
	int in_dock;             /* parsing inside such a line */
	long cut_listed;
	struct pm_logsink *sink;  /* ctx->logs, or one of this file's own */
	int own_sink;
	char pathbuf[3][256];    /* ns/pod/container told by the path */
};

/* ---------- small helpers ---------- */

static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
static int is_alpha(unsigned char c) { return (c | 32) >= 'a' && (c | 32) <= 'z'; }
static int is_alnum(unsigned char c) { return is_digit(c) || is_alpha(c); }
static int is_hex(unsigned char c)
{
	return is_digit(c) || ((c | 32) >= 'a' && (c | 32) <= 'f');
}
static int is_space(unsigned char c) { return c == ' ' || c == '\t'; }

/* a[0..n) equals the lower-case literal, ignoring ASCII case */
static int ieq(const char *a, size_t n, const char *lit)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char x = (unsigned char)a[i];
		if (!lit[i])
			return 0;
		if (x >= 'A' && x <= 'Z')
			x |= 32;
		if (x != (unsigned char)lit[i])
			return 0;
	}
	return lit[n] == '\0';
}

/* ---------- UTF-8 sanitising ---------- */

/* Length of one valid UTF-8 sequence at s (lead byte >= 0x80), 0 if bad. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len;

	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;  /* no surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else
		return 0;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

/* 1 when s holds only bytes 0x01..0x7f (checked a word at a time). */
static int plain_ascii(const char *s, size_t n)
{
	const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t x;
		memcpy(&x, s + i, 8);
		if ((x & highs) || ((x - ones) & ~x & highs))
			return 0;
	}
	for (; i < n; i++)
		if ((unsigned char)s[i] - 1u >= 0x7fu)
			return 0;
	return 1;
}

/*
 * Returns s itself when it is clean, else a copy in b with NUL and every
 * byte of an invalid sequence replaced by U+FFFD.
 */
static const char *sanitize(struct pm_buf *b, const char *s, size_t n,
			    size_t *outn)
{
	static const char fffd[] = "\xef\xbf\xbd";
	size_t i = 0;

	*outn = n;
	if (plain_ascii(s, n))
		return s;
	pm_buf_reset(b);
	while (i < n) {
		const unsigned char *u = (const unsigned char *)s + i;
		size_t k;
		if (*u && *u < 0x80) {
			size_t j = i + 1;
			while (j < n && (unsigned char)s[j] - 1u < 0x7fu)
				j++;
			pm_buf_add(b, s + i, j - i);
			i = j;
		} else if (*u && (k = utf8_seq(u, n - i)) != 0) {
			pm_buf_add(b, s + i, k);
			i += k;
		} else {
			pm_buf_add(b, fffd, 3);
			i++;
		}
	}
	/* pm_buf_add is all or nothing: a copy cut at the cap still ends
	 * on a whole sequence */
	pm_buf_check(b);
	*outn = b->len;
	return pm_buf_cstr(b);
}

/* ---------- levels ---------- */

static const char *level_word(const char *w, size_t n)
{
	static const struct { const char *w; const char *lvl; } words[] = {
		{"error", "error"}, {"info", "info"}, {"warn", "warning"},
		{"warning", "warning"}, {"debug", "debug"}, {"fatal", "fatal"},
		{"err", "error"}, {"trace", "debug"}, {"panic", "fatal"},
		{"dpanic", "fatal"}, {"crit", "fatal"}, {"critical", "fatal"},
		{"emerg", "fatal"}, {"emergency", "fatal"}, {"alert", "fatal"},
		{"severe", "error"}, {"notice", "info"}, {"information", "info"},
		{"informational", "info"}, {"verbose", "debug"}, {"eror", "error"},
		{"wrn", "warning"}, {"inf", "info"}, {"dbg", "debug"},
		{"fine", "debug"}, {"finer", "debug"}, {"finest", "debug"},
	};
	if (n < 3 || n > 13)
		return NULL;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (ieq(w, n, words[i].w))
			return words[i].lvl;
	return NULL;
}

/* bunyan/pino numeric levels */
static const char *level_number(double v)
{
	if (v >= 60) return "fatal";
	if (v >= 50) return "error";
	if (v >= 40) return "warning";
	if (v >= 30) return "info";
	if (v >= 10) return "debug";
	return NULL;
}

/*
 * A level word near the start of free text: the first word in any case,
 * or one of the next three when written in capitals ("- ERROR -").
 */
static const char *level_lead(const char *s, size_t n)
{
	size_t i = 0;
	for (int w = 0; w < 4 && i < n && i < 96; w++) {
		size_t j;
		int upper = 1;
		while (i < n && !is_alpha((unsigned char)s[i])) {
			if (is_digit((unsigned char)s[i]) || (unsigned char)s[i] >= 0x80)
				return NULL;
			i++;
		}
		j = i;
		while (j < n && is_alpha((unsigned char)s[j])) {
			if (s[j] >= 'a' && s[j] <= 'z')
				upper = 0;
			j++;
		}
		if (j < n && (is_digit((unsigned char)s[j]) || s[j] == '_'))
			return NULL; /* part of an identifier */
		if (w == 0 || upper) {
			const char *l = level_word(s + i, j - i);
			if (l)
				return l;
		}
		i = j;
	}
	return NULL;
}

/* ---------- JSON text helpers ---------- */

static void json_escape(struct pm_buf *o, const char *s, size_t n)
{
	static const char hexd[] = "0123456789abcdef";
	size_t i = 0, start = 0;

	for (; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		pm_buf_add(o, s + start, i - start);
		start = i + 1;
		switch (c) {
		case '"': pm_buf_add(o, "\\\"", 2); break;
		case '\\': pm_buf_add(o, "\\\\", 2); break;
		case '\n': pm_buf_add(o, "\\n", 2); break;
		case '\t': pm_buf_add(o, "\\t", 2); break;
		case '\r': pm_buf_add(o, "\\r", 2); break;
		default: {
			char u[6] = {'\\', 'u', '0', '0', hexd[c >> 4], hexd[c & 15]};
			pm_buf_add(o, u, 6);
		}
		}
	}
	pm_buf_add(o, s + start, n - start);
}

static void put_utf8(struct pm_buf *o, unsigned long cp)
{
	char u[4];
	if (cp == 0 || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		cp = 0xfffd;
	if (cp < 0x80) {
		u[0] = (char)cp;
		pm_buf_add(o, u, 1);
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		pm_buf_add(o, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		pm_buf_add(o, u, 3);
	} else {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		pm_buf_add(o, u, 4);
	}
}

static int hex4(const char *s, size_t n, size_t i, unsigned long *v)
{
	unsigned long x = 0;
	if (i + 4 > n)
		return 0;
	for (size_t k = 0; k < 4; k++) {
		unsigned char c = (unsigned char)s[i + k];
		if (!is_hex(c))
			return 0;
		x = x * 16 + (unsigned long)(is_digit(c) ? c - '0' : (c | 32) - 'a' + 10);
	}
	*v = x;
	return 1;
}

/*
 * Unescapes the body of a quoted string (JSON or Go %q) into o.  The
 * input is valid UTF-8; escapes that would make it invalid (\x80, \u0000,
 * lone surrogates) become U+FFFD.
 */
static void unquote(struct pm_buf *o, const char *s, size_t n)
{
	size_t i = 0, start = 0;

	while (i < n) {
		unsigned long cp, lo;
		char c;
		if (s[i] != '\\' || i + 1 >= n) {
			i++;
			continue;
		}
		pm_buf_add(o, s + start, i - start);
		c = s[i + 1];
		i += 2;
		switch (c) {
		case 'n': pm_buf_addc(o, '\n'); break;
		case 't': pm_buf_addc(o, '\t'); break;
		case 'r': pm_buf_addc(o, '\r'); break;
		case 'b': pm_buf_addc(o, '\b'); break;
		case 'f': pm_buf_addc(o, '\f'); break;
		case 'u':
			if (!hex4(s, n, i, &cp)) {
				pm_buf_add(o, "\\u", 2);
				break;
			}
			i += 4;
			if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < n &&
			    s[i] == '\\' && s[i + 1] == 'u' && hex4(s, n, i + 2, &lo) &&
			    lo >= 0xdc00 && lo <= 0xdfff) {
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				i += 6;
			}
			put_utf8(o, cp);
			break;
		case 'x':
			if (i + 2 <= n && is_hex((unsigned char)s[i]) &&
			    is_hex((unsigned char)s[i + 1])) {
				unsigned long v = 0xfffd;
				char h[4] = {'0', '0', s[i], s[i + 1]};
				hex4(h, 4, 0, &v);
				put_utf8(o, v < 0x80 ? v : 0xfffd);
				i += 2;
			} else
				pm_buf_add(o, "\\x", 2);
			break;
		default: /* \" \\ \/ and anything unknown: the char itself */
			pm_buf_addc(o, c);
		}
		start = i;
	}
	pm_buf_add(o, s + start, n - start);
}

/* Index just past the closing quote of the string opening at s[i]; 0 if bad. */
static size_t json_string_end(const char *s, size_t n, size_t i)
{
	for (i++; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"')
			return i + 1;
		if (c < 0x20)
			return 0;
		if (c == '\\') {
			if (++i >= n)
				return 0;
			c = (unsigned char)s[i];
			if (c == 'u') {
				unsigned long v;
				if (!hex4(s, n, i + 1, &v))
					return 0;
				i += 4;
			} else if (!strchr("\"\\/bfnrt", c) || !c)
				return 0;
		}
	}
	return 0;
}

static size_t json_ws(const char *s, size_t n, size_t i)
{
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
		i++;
	return i;
}

#define JSON_DEPTH 64

/* Validates one JSON value at s[i]; returns the index past it, 0 if bad. */
static size_t json_value_end(const char *s, size_t n, size_t i, int depth)
{
	if (i >= n || depth > JSON_DEPTH)
		return 0;
	switch (s[i]) {
	case '"':
		return json_string_end(s, n, i);
	case '{':
	case '[': {
		char close = s[i] == '{' ? '}' : ']';
		int obj = s[i] == '{';
		i = json_ws(s, n, i + 1);
		if (i < n && s[i] == close)
			return i + 1;
		for (;;) {
			if (obj) {
				if (i >= n || s[i] != '"' || !(i = json_string_end(s, n, i)))
					return 0;
				i = json_ws(s, n, i);
				if (i >= n || s[i] != ':')
					return 0;
				i = json_ws(s, n, i + 1);
			}
			if (!(i = json_value_end(s, n, i, depth + 1)))
				return 0;
			i = json_ws(s, n, i);
			if (i < n && s[i] == ',') {
				i = json_ws(s, n, i + 1);
				continue;
			}
			if (i < n && s[i] == close)
				return i + 1;
			return 0;
		}
	}
	case 't':
		return n - i >= 4 && !memcmp(s + i, "true", 4) ? i + 4 : 0;
	case 'f':
		return n - i >= 5 && !memcmp(s + i, "false", 5) ? i + 5 : 0;
	case 'n':
		return n - i >= 4 && !memcmp(s + i, "null", 4) ? i + 4 : 0;
	default: {
		size_t st = i;
		if (s[i] == '-')
			i++;
		if (i >= n || !is_digit((unsigned char)s[i]))
			return 0;
		while (i < n && is_digit((unsigned char)s[i]))
			i++;
		if (i < n && s[i] == '.') {
			if (++i >= n || !is_digit((unsigned char)s[i]))
				return 0;
			while (i < n && is_digit((unsigned char)s[i]))
				i++;
		}
		if (i < n && (s[i] == 'e' || s[i] == 'E')) {
			i++;
			if (i < n && (s[i] == '+' || s[i] == '-'))
				i++;
			if (i >= n || !is_digit((unsigned char)s[i]))
				return 0;
			while (i < n && is_digit((unsigned char)s[i]))
				i++;
		}
		return i > st ? i : 0;
	}
	}
}

/* ---------- fields ---------- */

static void field_key(struct lp *lp, struct rec *r, const char *k, size_t kn)
{
	pm_buf_add(&lp->fields, r->nfields++ ? ",\"" : "{\"", 2);
	json_escape(&lp->fields, k, kn);
	pm_buf_add(&lp->fields, "\":", 2);
}

static void field_str(struct lp *lp, struct rec *r, const char *k, size_t kn,
		      const char *v, size_t vn)
{
	field_key(lp, r, k, kn);
	pm_buf_addc(&lp->fields, '"');
	json_escape(&lp->fields, v, vn);
	pm_buf_addc(&lp->fields, '"');
}

static void fields_reset(struct lp *lp, struct rec *r)
{
	pm_buf_reset(&lp->fields);
	r->nfields = 0;
	r->fields_whole = 0;
}

/* ---------- times ---------- */

/* Epoch seconds, ms, us or ns as written (told apart by magnitude). */
static int epoch_number(const char *s, size_t n, int64_t *t)
{
	char tmp[48];
	char *end;
	double v;

	if (n == 0 || n >= sizeof(tmp))
		return 0;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	v = strtod(tmp, &end);
	if (end != tmp + n || !isfinite(v) || v <= 0)
		return 0;
	if (v > 1e17)
		v /= 1e9;
	else if (v > 1e14)
		v /= 1e6;
	else if (v > 1e11)
		v /= 1e3;
	if (v > 253402300799.0)
		return 0;
	*t = (int64_t)v;
	return 1;
}

static void set_time_text(struct rec *r, const char *s, size_t n)
{
	int64_t t;
	r->tt = s;
	r->ttlen = n;
	if (pm_time_parse(s, n, &t, NULL) == n || epoch_number(s, n, &t)) {
		r->t = t;
		r->has_t = 1;
	}
}

/* ---------- logfmt ---------- */

static int keychar(unsigned char c)
{
	return is_alnum(c) || c == '_' || c == '.' || c == '-' || c == '/' || c == '@';
}

enum { K_OTHER, K_TIME, K_LEVEL, K_MSG };

static int special_key(const char *k, size_t n)
{
	if (ieq(k, n, "time") || ieq(k, n, "ts") || ieq(k, n, "timestamp") ||
	    ieq(k, n, "@timestamp"))
		return K_TIME;
	if (ieq(k, n, "level") || ieq(k, n, "lvl") || ieq(k, n, "severity") ||
	    ieq(k, n, "loglevel"))
		return K_LEVEL;
	if (ieq(k, n, "msg") || ieq(k, n, "message"))
		return K_MSG;
	return K_OTHER;
}

/* End of a Go-quoted string opening at s[i] (past the quote); n if open. */
static size_t quoted_end(const char *s, size_t n, size_t i, int *closed)
{
	for (i++; i < n; i++) {
		if (s[i] == '\\') {
			i++;
			continue;
		}
		if (s[i] == '"') {
			*closed = 1;
			return i + 1;
		}
	}
	*closed = 0;
	return n;
}

/*
 * key=value pairs.  special: time/level/msg keys fill r, else every key
 * goes to fields.  Returns the number of pairs with '=', -1 when s is not
 * logfmt (a token that is neither key=value nor a bare key).  Members
 * are written whole, so fields stays valid JSON when it stops early.
 */
static int logfmt_pairs(struct lp *lp, struct rec *r, const char *s, size_t n,
			int special, int *specials)
{
	size_t i = 0;
	int pairs = 0, seen[4] = {0, 0, 0, 0};

	while (i < n) {
		size_t ks, ke, vs, ve;
		int quoted = 0, closed = 1, kind;

		while (i < n && is_space((unsigned char)s[i]))
			i++;
		if (i >= n)
			break;
		ks = i;
		while (i < n && keychar((unsigned char)s[i]))
			i++;
		ke = i;
		if (ke == ks)
			return -1;
		if (i < n && s[i] == '=') {
			i++;
			if (i < n && s[i] == '"') {
				quoted = 1;
				vs = i + 1;
				i = quoted_end(s, n, i, &closed);
				ve = closed ? i - 1 : n;
			} else {
				vs = i;
				while (i < n && !is_space((unsigned char)s[i]))
					i++;
				ve = i;
			}
			pairs++;
		} else if (i >= n || is_space((unsigned char)s[i])) {
			/* bare key: a flag */
			field_key(lp, r, s + ks, ke - ks);
			pm_buf_add(&lp->fields, "true", 4);
			continue;
		} else
			return -1;
		kind = special ? special_key(s + ks, ke - ks) : K_OTHER;
		if (kind != K_OTHER && !seen[kind]) {
			seen[kind] = 1;
			(*specials)++;
			if (kind == K_MSG) {
				if (quoted) {
					pm_buf_reset(&lp->msg);
					unquote(&lp->msg, s + vs, ve - vs);
					pm_buf_check(&lp->msg);
					r->msg = pm_buf_cstr(&lp->msg);
					r->msglen = lp->msg.len;
				} else {
					r->msg = s + vs;
					r->msglen = ve - vs;
				}
			} else if (kind == K_LEVEL) {
				r->level = level_word(s + vs, ve - vs);
			} else if (!r->tt) {
				set_time_text(r, s + vs, ve - vs);
			}
			continue;
		}
		field_key(lp, r, s + ks, ke - ks);
		pm_buf_addc(&lp->fields, '"');
		if (quoted) {
			if (!memchr(s + vs, '\\', ve - vs)) {
				json_escape(&lp->fields, s + vs, ve - vs);
			} else {
				/* unescape, then escape for JSON; the template
				 * buffer is free scratch until the row is made */
				pm_buf_reset(&lp->tmpl);
				unquote(&lp->tmpl, s + vs, ve - vs);
				json_escape(&lp->fields, pm_buf_cstr(&lp->tmpl), lp->tmpl.len);
			}
		} else {
			json_escape(&lp->fields, s + vs, ve - vs);
		}
		pm_buf_addc(&lp->fields, '"');
	}
	return pairs;
}

static int parse_logfmt(struct lp *lp, const char *s, size_t n, struct rec *r,
			int relaxed)
{
	size_t i = 0;
	int pairs, specials = 0;

	/* cheap refusal: the first token must be key= */
	while (i < n && keychar((unsigned char)s[i]))
		i++;
	if (i == 0 || i >= n || s[i] != '=')
		return 0;
	fields_reset(lp, r);
	pairs = logfmt_pairs(lp, r, s, n, 1, &specials);
	if (pairs < (relaxed ? 1 : 2) || (!specials && !relaxed)) {
		fields_reset(lp, r);
		r->msg = NULL;
		r->level = NULL;
		r->tt = NULL;
		r->has_t = 0;
		return 0;
	}
	if (!r->msg) {
		r->msg = s;
		r->msglen = n;
	}
	r->fmt = F_LOGFMT;
	return 1;
}

/* ---------- JSON lines ---------- */

static void plain_rest(struct lp *lp, const char *s, size_t n, struct rec *r);
static int parse_body(struct lp *lp, const char *s, size_t n, struct rec *r,
		      int depth);
static void rec_init(struct rec *r);

/*
 * Docker's json-file driver: {"log":"<line>\n","stream":"stderr","time":
 * "..."}.  The line inside is read again for its own format; the
 * wrapper's time and stream win, as with CRI.
 */
static int docker_line(struct lp *lp, struct rec *r, const char *v, size_t vn,
		       int stream)
{
	struct rec in;
	const char *tt = r->tt, *body;
	size_t ttlen = r->ttlen, bn;
	int64_t t = r->t;
	int has_t = r->has_t, structured;

	pm_buf_reset(&lp->dock);
	unquote(&lp->dock, v, vn);
	if (pm_buf_check(&lp->dock))
		return 0;
	while (lp->dock.len && (lp->dock.data[lp->dock.len - 1] == '\n' ||
				lp->dock.data[lp->dock.len - 1] == '\r'))
		lp->dock.data[--lp->dock.len] = '\0';
	body = pm_buf_cstr(&lp->dock);
	bn = lp->dock.len;
	rec_init(&in);
	lp->in_dock = 1;
	structured = parse_body(lp, body, bn, &in, 1) && in.fmt != F_PLAIN;
	lp->in_dock = 0;
	if (!structured) {
		rec_init(&in);
		fields_reset(lp, &in);
		in.fmt = F_PLAIN;
		plain_rest(lp, body, bn, &in);
	}
	*r = in;
	r->outer = O_DOCKER;
	r->stream = stream;
	r->tt = tt;
	r->ttlen = ttlen;
	r->t = t;
	r->has_t = has_t;
	return 1;
}

static int parse_json(struct lp *lp, const char *s, size_t n, struct rec *r)
{
	size_t i = json_ws(s, n, 0);
	int seen[4] = {0, 0, 0, 0};
	const char *logv = NULL;
	size_t logn = 0;
	int stream = -1;

	if (i >= n || s[i] != '{')
		return 0;
	fields_reset(lp, r);
	i = json_ws(s, n, i + 1);
	if (i < n && s[i] == '}') {
		i++;
		goto done;
	}
	for (;;) {
		size_t ks = i, ke, vs, ve;
		int kind;

		if (i >= n || s[i] != '"' || !(ke = json_string_end(s, n, i)))
			goto fail;
		i = json_ws(s, n, ke);
		if (i >= n || s[i] != ':')
			goto fail;
		vs = i = json_ws(s, n, i + 1);
		if (!(ve = json_value_end(s, n, i, 1)))
			goto fail;
		kind = special_key(s + ks + 1, ke - ks - 2);
		if (s[vs] == '"' && ieq(s + ks + 1, ke - ks - 2, "log")) {
			logv = s + vs + 1;
			logn = ve - vs - 2;
		} else if (s[vs] == '"' && ieq(s + ks + 1, ke - ks - 2, "stream")) {
			stream = ieq(s + vs + 1, ve - vs - 2, "stderr") ? 1
				 : ieq(s + vs + 1, ve - vs - 2, "stdout") ? 0 : -1;
		}
		if (kind != K_OTHER && !seen[kind]) {
			int str = s[vs] == '"';
			const char *v = s + vs + str;
			size_t vn = ve - vs - 2 * (size_t)str;
			if (kind == K_MSG) {
				seen[kind] = 1;
				if (str) {
					pm_buf_reset(&lp->msg);
					unquote(&lp->msg, v, vn);
					pm_buf_check(&lp->msg);
					r->msg = pm_buf_cstr(&lp->msg);
					r->msglen = lp->msg.len;
				} else {
					r->msg = v;
					r->msglen = vn;
				}
				goto next;
			}
			if (kind == K_LEVEL && (str || s[vs] == '-' ||
						 is_digit((unsigned char)s[vs]))) {
				seen[kind] = 1;
				if (str)
					r->level = level_word(v, vn);
				else
					r->level = level_number(strtod(v, NULL));
				goto next;
			}
			if (kind == K_TIME && (str || is_digit((unsigned char)s[vs]))) {
				seen[kind] = 1;
				set_time_text(r, v, vn);
				goto next;
			}
		}
		pm_buf_addc(&lp->fields, r->nfields++ ? ',' : '{');
		pm_buf_add(&lp->fields, s + ks, ke - ks);
		pm_buf_addc(&lp->fields, ':');
		pm_buf_add(&lp->fields, s + vs, ve - vs);
next:
		i = json_ws(s, n, ve);
		if (i < n && s[i] == ',') {
			i = json_ws(s, n, i + 1);
			continue;
		}
		if (i < n && s[i] == '}') {
			i++;
			break;
		}
		goto fail;
	}
done:
	if (json_ws(s, n, i) != n)
		goto fail;
	if (!r->msg && logv && seen[K_TIME] && !lp->in_dock)
		return docker_line(lp, r, logv, logn, stream);
	if (!r->msg) {
		r->msg = s;
		r->msglen = n;
	}
	r->fmt = F_JSON;
	return 1;
fail:
	fields_reset(lp, r);
	r->msg = NULL;
	r->level = NULL;
	r->tt = NULL;
	r->has_t = 0;
	return 0;
}

/* ---------- klog ---------- */

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int year_of(int64_t t)
{
	char buf[PM_TIME_LEN];
	pm_time_format(t, buf);
	return atoi(buf);
}

static int two(const char *s, size_t i)
{
	return (s[i] - '0') * 10 + (s[i + 1] - '0');
}

/* A time written without its year (klog, syslog): the year that puts it
 * at or before collected_at, with a day of slack for clock skew.
 * Returns 0 when there is no collected_at to count from. */
static int yearless_time(const struct lp *lp, int mo, int d, int h, int mi,
			 int sec, int64_t *out)
{
	int y;
	int64_t t;

	if (!lp->have_collected)
		return 0;
	y = year_of(lp->collected);
	if (mo == 2 && d == 29)
		while (!is_leap(y))
			y--;
	t = pm_time_from_civil(y, mo, d, h, mi, sec);
	if (t > lp->collected + KLOG_SLACK) {
		y--;
		if (mo == 2 && d == 29)
			while (!is_leap(y))
				y--;
		t = pm_time_from_civil(y, mo, d, h, mi, sec);
	}
	*out = t;
	return 1;
}

static int parse_klog(struct lp *lp, const char *s, size_t n, struct rec *r)
{
	static const char *const lv[] = {"info", "warning", "error", "fatal"};
	const char *p;
	size_t i, tend, src, srce, m;
	int mo, d, h, mi, sec;

	/* "I0915 20:50:39.344687       1 serving.go:331] msg" */
	if (n < 16 || !s[0] || !(p = strchr("IWEF", s[0])) || s[5] != ' ' ||
	    s[8] != ':' || s[11] != ':')
		return 0;
	for (i = 1; i < 14; i++)
		if (i != 5 && i != 8 && i != 11 && !is_digit((unsigned char)s[i]))
			return 0;
	mo = two(s, 1);
	d = two(s, 3);
	h = two(s, 6);
	mi = two(s, 9);
	sec = two(s, 12);
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return 0;
	i = 14;
	if (i < n && s[i] == '.')
		for (i++; i < n && is_digit((unsigned char)s[i]); i++)
			;
	tend = i;
	if (i < n && !is_space((unsigned char)s[i]))
		return 0;
	while (i < n && is_space((unsigned char)s[i]))
		i++;
	while (i < n && is_digit((unsigned char)s[i]))
		i++;   /* thread id */
	while (i < n && is_space((unsigned char)s[i]))
		i++;
	src = i;
	while (i < n && i - src < 256 && s[i] != ']' && !is_space((unsigned char)s[i]))
		i++;
	if (i >= n || s[i] != ']' || i == src)
		return 0;
	srce = i++;
	if (i < n && s[i] == ' ')
		i++;

	fields_reset(lp, r);
	r->fmt = F_KLOG;
	r->level = lv[p - "IWEF"];
	r->tt = s + 1;
	r->ttlen = tend - 1;
	r->has_t = yearless_time(lp, mo, d, h, mi, sec, &r->t);
	field_str(lp, r, "logSource", 9, s + src, srce - src);
	/* structured klog: "msg" key="value" ... */
	m = i;
	if (m < n && s[m] == '"') {
		int closed, specials = 0;
		size_t e = quoted_end(s, n, m, &closed);
		if (closed) {
			pm_buf_reset(&lp->msg);
			unquote(&lp->msg, s + m + 1, e - m - 2);
			pm_buf_check(&lp->msg);
			r->msg = pm_buf_cstr(&lp->msg);
			r->msglen = lp->msg.len;
			if (e < n)
				logfmt_pairs(lp, r, s + e, n - e, 0, &specials);
			return 1;
		}
	}
	r->msg = s + m;
	r->msglen = n - m;
	return 1;
}

/* ---------- leading time, plain ---------- */

/*
 * syslog / journalctl: "Sep 16 21:26:32 node-1 kubelet[3153]: msg" (the
 * day may be space-padded).  The message is read again for the formats
 * it may hold (kubelet writes klog); host and tag go to fields.
 */
static int parse_syslog(struct lp *lp, const char *s, size_t n, struct rec *r,
			int depth)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	size_t i, host, hoste, tag, tage;
	int mo = 0, d, h, mi, sec;
	const char *mp;
	struct rec in;

	if (n < 20 || s[3] != ' ' || s[6] != ' ' || s[9] != ':' || s[12] != ':' ||
	    s[15] != ' ')
		return 0;
	for (mp = months; *mp; mp += 3)
		if (!memcmp(s, mp, 3))
			mo = (int)(mp - months) / 3 + 1;
	if (!mo || !is_digit((unsigned char)s[5]) ||
	    !(s[4] == ' ' || is_digit((unsigned char)s[4])))
		return 0;
	for (i = 7; i < 15; i++)
		if (i != 9 && i != 12 && !is_digit((unsigned char)s[i]))
			return 0;
	d = (s[4] == ' ' ? 0 : s[4] - '0') * 10 + (s[5] - '0');
	h = two(s, 7);
	mi = two(s, 10);
	sec = two(s, 13);
	if (d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return 0;
	host = i = 16;
	while (i < n && i - host < 256 && !is_space((unsigned char)s[i]))
		i++;
	hoste = i;
	if (i >= n || hoste == host)
		return 0;
	tag = ++i;
	while (i < n && i - tag < 256 && s[i] != ':' && !is_space((unsigned char)s[i]))
		i++;
	if (i + 1 >= n || s[i] != ':' || s[i + 1] != ' ' || i == tag)
		return 0;
	tage = i;
	i += 2;

	in = *r;
	in.tt = NULL;
	in.has_t = 0;
	fields_reset(lp, &in);
	if (depth == 0 && parse_body(lp, s + i, n - i, &in, 1) && in.fmt != F_PLAIN) {
		*r = in;
		r->outer = O_SYSLOG;
	} else {
		fields_reset(lp, r);
		r->fmt = F_SYSLOG;
		plain_rest(lp, s + i, n - i, r);
	}
	if (!r->fields_whole) { /* a JSON body's object is kept as written */
		field_str(lp, r, "host", 4, s + host, hoste - host);
		field_str(lp, r, "syslogTag", 9, s + tag, tage - tag);
	}
	r->tt = s;
	r->ttlen = 15;
	r->has_t = yearless_time(lp, mo, d, h, mi, sec, &r->t);
	return 1;
}

static void plain_rest(struct lp *lp, const char *s, size_t n, struct rec *r)
{
	r->msg = s;
	r->msglen = n;
	r->level = level_lead(s, n);
	/* zap console: "...\tmessage\t{json fields}" */
	if (n > 2 && s[n - 1] == '}') {
		const char *t = NULL;
		for (size_t k = n - 1; k-- > 0;)
			if (s[k] == '\t' && s[k + 1] == '{') {
				t = s + k;
				break;
			}
		if (t) {
			size_t off = (size_t)(t + 1 - s);
			if (json_value_end(s, n, off, 1) == n) {
				fields_reset(lp, r);
				pm_buf_add(&lp->fields, t + 1, n - off);
				r->nfields = 1;
				r->fields_whole = 1;
				r->msglen = (size_t)(t - s);
			}
		}
	}
}

static int parse_rfc3339(struct lp *lp, const char *s, size_t n, struct rec *r,
			 int depth)
{
	int64_t t;
	size_t used, i;

	if (n < 16 || !is_digit((unsigned char)s[0]) || (s[4] != '-' && s[4] != '/'))
		return 0;
	used = pm_time_parse(s, n, &t, NULL);
	if (!used || (used < n && is_alnum((unsigned char)s[used])))
		return 0;
	i = used;
	while (i < n && is_space((unsigned char)s[i]))
		i++;
	if (depth == 0 && i < n && i > used) {
		/* kubectl logs --timestamps: the stamp wraps another format */
		struct rec in = *r;
		in.tt = NULL;
		in.has_t = 0;
		if (parse_body(lp, s + i, n - i, &in, 1) && in.fmt != F_PLAIN) {
			*r = in;
			r->outer = O_TS;
			r->tt = s;
			r->ttlen = used;
			r->t = t;
			r->has_t = 1;
			return 1;
		}
		fields_reset(lp, r);
	}
	r->fmt = F_RFC3339;
	r->tt = s;
	r->ttlen = used;
	r->t = t;
	r->has_t = 1;
	plain_rest(lp, s + i, n - i, r);
	return 1;
}

static int try_fmt(struct lp *lp, int f, const char *s, size_t n,
		   struct rec *r, int depth)
{
	switch (f) {
	case F_JSON:
		return n && s[0] == '{' && parse_json(lp, s, n, r);
	case F_KLOG:
		return parse_klog(lp, s, n, r);
	case F_LOGFMT:
		return parse_logfmt(lp, s, n, r, lp->hint == F_LOGFMT);
	case F_RFC3339:
		return parse_rfc3339(lp, s, n, r, depth);
	case F_SYSLOG:
		return parse_syslog(lp, s, n, r, depth);
	}
	return 0;
}

/*
 * Detects the format of s and fills r.  depth 0: top level, where a
 * leading RFC 3339 stamp may wrap another format; depth 1: inside CRI or
 * such a stamp.  Returns 1 when a structured format matched, 0 for plain.
 * A wrapper's time is set by the caller afterwards and wins.
 */
static int parse_body(struct lp *lp, const char *s, size_t n, struct rec *r,
		      int depth)
{
	static const int order[] = {F_JSON, F_KLOG, F_LOGFMT, F_RFC3339, F_SYSLOG};

	/* the file's usual format first, then the whole chain */
	if (lp->hint != F_PLAIN && try_fmt(lp, lp->hint, s, n, r, depth))
		return 1;
	for (size_t k = 0; k < sizeof(order) / sizeof(order[0]); k++)
		if (order[k] != lp->hint && try_fmt(lp, order[k], s, n, r, depth))
			return 1;
	r->fmt = F_PLAIN;
	plain_rest(lp, s, n, r);
	return 0;
}

/* ---------- CRI ---------- */

/*
 * "<RFC3339Nano> stdout|stderr F|P <msg>".  Returns the offset of msg, 0
 * if not CRI; *tag gets 'F' or 'P'.
 */
static size_t cri_prefix(const char *s, size_t n, int64_t *t, size_t *tlen,
			 int *stream, char *tag)
{
	size_t used, i;

	if (n < 20 || !is_digit((unsigned char)s[0]) || s[4] != '-')
		return 0;
	used = pm_time_parse(s, n, t, NULL);
	if (!used || n - used < 9 || s[used] != ' ')
		return 0;
	i = used + 1;
	if (!memcmp(s + i, "stdout ", 7))
		*stream = 0;
	else if (!memcmp(s + i, "stderr ", 7))
		*stream = 1;
	else
		return 0;
	i += 7;
	if (s[i] != 'F' && s[i] != 'P')
		return 0;
	*tag = s[i++];
	if (i < n && s[i] != ' ')
		return 0;
	*tlen = used;
	return i < n ? i + 1 : n;
}

/* ---------- rows ---------- */

static int emit(struct lp *lp, const struct rec *r, long line)
{
	struct pm_parse_ctx *ctx = lp->ctx;
	struct pm_logline l;

	memset(&l, 0, sizeof(l));
	l.line = line;
	l.has_time = r->has_t;
	l.time = r->t;
	l.time_text = r->tt;
	l.time_text_len = r->ttlen;
	l.level = r->level;
	l.msg = r->msg ? r->msg : "";
	l.msg_len = r->msg ? r->msglen : 0;
	if (r->nfields && !pm_buf_check(&lp->fields)) {
		l.fields = lp->fields.data;
		l.fields_len = lp->fields.len;
	}
	/* the template is the sink's to make, off this thread */
	l.format = fmt_names[r->outer][r->fmt];
	l.stream = r->stream;
	if (pm_logsink_line(lp->sink, &l, ctx->err))
		return ctx->err->code;
	ctx->rows++;
	return 0;
}

static void rec_init(struct rec *r)
{
	memset(r, 0, sizeof(*r));
	r->stream = -1;
}

/*
 * One logical line.  outer O_CRI: raw is what follows the CRI prefix,
 * whose time (tt NULL: none) replaces any inner one.
 */
static int handle_body(struct lp *lp, const char *raw, size_t rawlen,
		       int outer, int stream, int64_t t, const char *tt,
		       size_t ttlen, long line)
{
	struct rec r;
	size_t n;
	const char *s = sanitize(&lp->san, raw, rawlen, &n);

	rec_init(&r);
	parse_body(lp, s, n, &r, outer == O_CRI ? 1 : 0);
	if (outer == O_CRI) {
		r.outer = O_CRI;
		r.stream = stream;
		r.t = t;
		r.has_t = tt != NULL;
		r.tt = tt;
		r.ttlen = ttlen;
	}
	if (r.nfields && !r.fields_whole)
		pm_buf_addc(&lp->fields, '}');
	return emit(lp, &r, line);
}

static int flush_join(struct lp *lp, int stream, int64_t t, const char *tt,
		      size_t ttlen)
{
	struct pm_buf *j = &lp->join[stream];
	int rc = handle_body(lp, pm_buf_cstr(j), j->len, O_CRI, stream, t, tt,
			     ttlen, lp->join_line[stream]);
	pm_buf_reset(j);
	lp->join_cut[stream] = 0;
	return rc;
}

/* CRI partial: keep its bytes until the F line of the same stream. */
static void add_partial(struct lp *lp, int stream, const char *s, size_t n,
			long line)
{
	struct pm_buf *j = &lp->join[stream];

	if (!j->len && !lp->join_cut[stream])
		lp->join_line[stream] = line;
	if (lp->join_cut[stream])
		return;
	if (n > j->max - j->len) {
		pm_buf_add(j, s, j->max - j->len);
		pm_buf_check(j);
		lp->join_cut[stream] = 1;
		pm_store_gap(lp->ctx->store, lp->ctx->in->path,
			     lp->join_line[stream], "truncated",
			     "joined CRI partial lines cut at the line cap");
		return;
	}
	pm_buf_add(j, s, n);
}

static int handle_line(struct lp *lp, const char *line, size_t len, long lineno)
{
	int64_t t;
	size_t tlen, off;
	int stream;
	char tag;

	off = cri_prefix(line, len, &t, &tlen, &stream, &tag);
	if (off) {
		struct pm_buf *j = &lp->join[stream];
		if (tag == 'P') {
			add_partial(lp, stream, line + off, len - off, lineno);
			return 0;
		}
		if (j->len || lp->join_cut[stream]) {
			add_partial(lp, stream, line + off, len - off, lineno);
			/* the F line's stamp closes the joined line */
			return flush_join(lp, stream, t, line, tlen);
		}
		return handle_body(lp, line + off, len - off, O_CRI, stream, t,
				   line, tlen, lineno);
	}
	if (len == 0)
		return 0;  /* blank lines carry nothing to search */
	return handle_body(lp, line, len, O_NONE, -1, 0, NULL, 0, lineno);
}

/* ---------- per file ---------- */

/* logs/<ns>/<pod>/<container>[.previous].log when no manifest item says. */
static void names_from_path(struct lp *lp, const char *path)
{
	const char *p[4];
	size_t len[3];
	const char *s = path;
	int k;

	if (strncmp(s, "logs/", 5))
		return;
	s += 5;
	for (k = 0; k < 3; k++) {
		const char *e = strchr(s, '/');
		if (k < 2 && !e)
			return;
		if (k == 2) {
			if (e)
				return;
			e = s + strlen(s);
		}
		p[k] = s;
		len[k] = (size_t)(e - s);
		s = e + 1;
	}
	if (len[2] > 13 && !strcmp(p[2] + len[2] - 13, ".previous.log")) {
		len[2] -= 13;
		lp->previous = 1;
	} else if (len[2] > 4 && !strcmp(p[2] + len[2] - 4, ".log"))
		len[2] -= 4;
	for (k = 0; k < 3; k++) {
		if (!len[k] || len[k] >= sizeof(lp->pathbuf[k]))
			return;
	}
	for (k = 0; k < 3; k++) {
		memcpy(lp->pathbuf[k], p[k], len[k]);
		lp->pathbuf[k][len[k]] = '\0';
	}
	lp->ns = lp->pathbuf[0];
	lp->pod = lp->pathbuf[1];
	lp->container = lp->pathbuf[2];
}

/* The format most of the first lines use (inner format under CRI). */
static int guess_format(struct lp *lp)
{
	size_t got, i = 0;
	const unsigned char *h = pm_input_peek(lp->ctx->in, 65536, &got);
	int counts[F_COUNT] = {0}, best = F_PLAIN, lines = 0;

	if (!h)
		return F_PLAIN;
	while (i < got && lines < PEEK_LINES) {
		const char *s = (const char *)h + i;
		const unsigned char *nl = memchr(h + i, '\n', got - i);
		size_t len = nl ? (size_t)(nl - (h + i)) : got - i, off, tl, sn;
		struct rec r;
		int64_t t;
		int stream;
		char tag;

		if (!nl && i > 0)
			break;  /* a cut last line says little */
		i += len + 1;
		if (len && s[len - 1] == '\r')
			len--;
		if (!len)
			continue;
		rec_init(&r);
		off = cri_prefix(s, len, &t, &tl, &stream, &tag);
		if (off)
			r.outer = O_CRI;
		s = sanitize(&lp->san, s + off, len - off, &sn);
		parse_body(lp, s, sn, &r, off ? 1 : 0);
		counts[r.outer == O_TS ? F_RFC3339 : r.outer == O_SYSLOG ? F_SYSLOG
		       : r.outer == O_DOCKER ? F_JSON : r.fmt]++;
		lines++;
	}
	for (int f = 0; f < F_COUNT; f++)
		if (counts[f] > counts[best])
			best = f;
	pm_buf_reset(&lp->fields);
	return best;
}

static int log_parse(struct pm_parse_ctx *ctx)
{
	const struct pm_item *it = ctx->item;
	struct lp *lp = calloc(1, sizeof(*lp));
	const char *line;
	size_t len;
	long cut_before;
	int rc = 0, rrc;

	if (!lp)
		return pm_error_set(ctx->err, PM_ENOMEM, "out of memory");
	lp->ctx = ctx;
	if (it) {
		lp->ns = it->ns;
		lp->pod = it->pod;
		lp->container = it->container;
		lp->previous = it->previous;
	} else {
		names_from_path(lp, ctx->in->path);
	}
	if (ctx->manifest && ctx->manifest->collected_at) {
		lp->collected = ctx->manifest->collected_epoch;
		lp->have_collected = 1;
	}
	lp->join_max = ctx->in->max_line ? ctx->in->max_line : JOIN_DEFAULT;
	pm_buf_init(&lp->join[0], lp->join_max);
	pm_buf_init(&lp->join[1], lp->join_max);
	/* sanitising triples at worst; JSON escaping of controls is x6 */
	pm_buf_init(&lp->san, 3 * lp->join_max + 16);
	pm_buf_init(&lp->msg, 3 * lp->join_max + 16);
	pm_buf_init(&lp->dock, 3 * lp->join_max + 16);
	pm_buf_init(&lp->fields, 18 * lp->join_max + 64);
	pm_buf_init(&lp->tmpl, 3 * lp->join_max + 16);

	lp->hint = F_PLAIN;
	lp->hint = guess_format(lp);

	/* tests and single parses have no analysis-wide sink: use our own */
	if ((lp->sink = ctx->logs) == NULL) {
		lp->own_sink = 1;
		if ((rc = pm_logsink_new(&lp->sink, ctx->store, 0, ctx->err)))
			goto out;
	}
	if ((rc = pm_logsink_file_begin(lp->sink, ctx->in->path, lp->ns, lp->pod,
					lp->container, lp->previous, ctx->err)))
		goto out;

	cut_before = ctx->in->long_lines;
	while ((rrc = pm_input_getline(ctx->in, &line, &len)) == 1) {
		if (ctx->in->long_lines != cut_before) {
			cut_before = ctx->in->long_lines;
			if (lp->cut_listed++ < CUT_GAPS_MAX) {
				char msg[128];
				snprintf(msg, sizeof(msg),
					 "line longer than %zu bytes was cut",
					 ctx->in->max_line);
				pm_store_gap(ctx->store, ctx->in->path,
					     ctx->in->lineno, "truncated", msg);
			}
		}
		rc = handle_line(lp, line, len, ctx->in->lineno);
		if (rc)
			break;
	}
	/* partials the file ended in */
	for (int k = 0; k < 2 && !rc; k++)
		if (lp->join[k].len || lp->join_cut[k])
			rc = flush_join(lp, k, 0, NULL, 0);
	if (!rc && rrc < 0)
		rc = pm_parse_read_failed(ctx, rrc);
	if (rc != PM_EDB) {
		int erc = lp->own_sink ? pm_logsink_finish(lp->sink, ctx->err)
				       : pm_logsink_file_end(lp->sink, ctx->err);
		if (erc)
			rc = erc;
	}
out:
	if (lp->own_sink)
		pm_logsink_free(lp->sink);
	pm_buf_release(&lp->join[0]);
	pm_buf_release(&lp->join[1]);
	pm_buf_release(&lp->san);
	pm_buf_release(&lp->msg);
	pm_buf_release(&lp->dock);
	pm_buf_release(&lp->fields);
	pm_buf_release(&lp->tmpl);
	free(lp);
	return rc;
}

static int log_sniff(const char *path, const unsigned char *head, size_t n)
{
	size_t len = strlen(path);
	int64_t t;
	size_t tl, off;
	int stream;
	char tag;
	const unsigned char *nl = memchr(head, '\n', n);
	size_t first = nl ? (size_t)(nl - head) : n;

	if (len > 4 && !strcmp(path + len - 4, ".log"))
		return 80;
	if (!strncmp(path, "logs/", 5))
		return 70;
	off = cri_prefix((const char *)head, first, &t, &tl, &stream, &tag);
	if (off)
		return 60;
	return 0;
}

const struct pm_parser pm_parser_log = {
	.type = "log",
	.ddl = NULL,
	.sniff = log_sniff,
	.parse = log_parse,
};
