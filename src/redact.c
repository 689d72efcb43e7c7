/* redact.c - keyed redaction tokens, text and JSON secret removal; see redact.h. */
#include "podmortem/redact.h"
#include "podmortem/error.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#define LAST_APPLIED "kubectl.kubernetes.io/last-applied-configuration"
#define TOKEN_PREFIX "***REDACTED-"
#define JSON_DEPTH_MAX 128
#define STRING_REDACT_MAX (64u << 20)

/* ---- SipHash-2-4 (Aumasson & Bernstein), the keyed hash of tokens ---- */

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND do { \
	v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32); \
	v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2; \
	v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0; \
	v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32); } while (0)

static uint64_t siphash(uint64_t k0, uint64_t k1, const unsigned char *p, size_t n)
{
	uint64_t v0 = 0x736f6d6570736575ULL ^ k0, v1 = 0x646f72616e646f6dULL ^ k1;
	uint64_t v2 = 0x6c7967656e657261ULL ^ k0, v3 = 0x7465646279746573ULL ^ k1;
	uint64_t b = (uint64_t)n << 56, m;
	size_t i, left = n & 7, end = n - left;
	int j;

	for (i = 0; i < end; i += 8) {
		m = 0;
		for (j = 0; j < 8; j++)
			m |= (uint64_t)p[i + j] << (8 * j);
		v3 ^= m;
		SIPROUND;
		SIPROUND;
		v0 ^= m;
	}
	for (j = 0; j < (int)left; j++)
		b |= (uint64_t)p[end + j] << (8 * j);
	v3 ^= b;
	SIPROUND;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

void pm_redactor_init(struct pm_redactor *r, const unsigned char key[16], int enabled)
{
	int i;
	r->k0 = r->k1 = 0;
	for (i = 0; i < 8; i++) {
		r->k0 |= (uint64_t)key[i] << (8 * i);
		r->k1 |= (uint64_t)key[8 + i] << (8 * i);
	}
	r->enabled = enabled;
}

int pm_redactor_init_random(struct pm_redactor *r, int enabled)
{
	unsigned char key[16];
	ssize_t got = getrandom(key, sizeof(key), 0);

	if (got != (ssize_t)sizeof(key)) {
		int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return PM_EIO;
		got = read(fd, key, sizeof(key));
		close(fd);
		if (got != (ssize_t)sizeof(key))
			return PM_EIO;
	}
	pm_redactor_init(r, key, enabled);
	return 0;
}

void pm_redact_token(const struct pm_redactor *r, const char *v, size_t n,
		     char out[PM_REDACT_TOKEN_MAX])
{
	uint64_t h = siphash(r->k0, r->k1, (const unsigned char *)v, n);
	snprintf(out, PM_REDACT_TOKEN_MAX, TOKEN_PREFIX "%012llx***",
		 (unsigned long long)(h >> 16));
}

/* ---- does a key name a secret? ---- */

#define MAXWORDS 16
#define WORDLEN 40

static int in_list(const char *w, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(w, *list))
			return 1;
	return 0;
}

static int ends_with(const char *w, const char *suf)
{
	size_t a = strlen(w), b = strlen(suf);
	return a >= b && !strcmp(w + a - b, suf);
}

int pm_redact_key_is_secret(const char *key, size_t n)
{
	/* A word that is, or ends in, one of these names a secret. */
	static const char *const strong[] = {
		"password", "passwd", "passphrase", "secret", "token", "apikey",
		"privatekey", "secretkey", "accesskey", "credential", "credentials",
		"clientsecret", NULL };
	static const char *const exact[] = {
		"pwd", "pass", "secrets", "tokens", "authorization", "auth",
		"bearer", "jwt", NULL };
	/* "<word> key" pairs naming a secret key. */
	static const char *const keyprefix[] = {
		"private", "secret", "access", "api", "client", "signing",
		"encryption", "account", "master", "storage", "ssh", "shared",
		"session", "auth", "hmac", NULL };
	/* Names *about* a secret, not the secret: secretName, tokenPath... */
	static const char *const about[] = {
		"name", "names", "ref", "refs", "file", "files", "path", "paths",
		"dir", "namespace", "kind", "type", "field", "selector", "length",
		"ttl", "expiration", "expires", "expiry", "uri", "url", "endpoint",
		"audience", "audiences", "count", "enabled", "disabled", "mode",
		"version", "format", "policy", "provider", "period", "timeout",
		"size", "limit", "required", "source", "seconds", NULL };
	char words[MAXWORDS][WORDLEN];
	size_t nw = 0, wl = 0, i;
	int k;

	for (i = 0; i <= n && nw < MAXWORDS; i++) {
		unsigned char c = i < n ? (unsigned char)key[i] : 0;
		int boundary = !isalnum(c);
		if (!boundary && wl > 0 && isupper(c)) {
			unsigned char p = (unsigned char)key[i - 1];
			unsigned char nx = i + 1 < n ? (unsigned char)key[i + 1] : 0;
			/* fooBar, APIKey -> API Key */
			if (islower(p) || isdigit(p) || (isupper(p) && islower(nx)))
				boundary = 2;
		}
		if (boundary) {
			if (wl > 0) {
				words[nw][wl < WORDLEN ? wl : WORDLEN - 1] = '\0';
				nw++;
				wl = 0;
			}
			if (boundary != 2)
				continue;
			if (nw >= MAXWORDS)
				break;
		}
		if (wl < WORDLEN - 1)
			words[nw][wl] = (char)tolower(c);
		wl++;
	}
	if (nw == 0 || in_list(words[nw - 1], about))
		return 0;
	for (k = 0; k < (int)nw; k++) {
		const char *const *s;
		if (in_list(words[k], exact))
			return 1;
		for (s = strong; *s; s++)
			if (ends_with(words[k], *s))
				return 1;
		if (!strcmp(words[k], "key") && k > 0 && in_list(words[k - 1], keyprefix))
			return 1;
	}
	return 0;
}

/* ---- line-wise text ---- */

void pm_redact_state_init(struct pm_redact_state *st)
{
	st->in_pem = 0;
	pm_buf_init(&st->pem, PM_REDACT_PEM_MAX);
	st->count = 0;
}

void pm_redact_state_release(struct pm_redact_state *st)
{
	pm_buf_release(&st->pem);
}

static const char *memfind(const char *h, size_t hn, const char *needle)
{
	size_t nn = strlen(needle), i;
	if (nn > hn)
		return NULL;
	for (i = 0; i + nn <= hn; i++)
		if (h[i] == needle[0] && !memcmp(h + i, needle, nn))
			return h + i;
	return NULL;
}

static int ci_prefix(const char *s, size_t n, const char *word)
{
	size_t i, wl = strlen(word);
	if (n < wl)
		return 0;
	for (i = 0; i < wl; i++)
		if (tolower((unsigned char)s[i]) != word[i])
			return 0;
	return 1;
}

static int is_tokchar(unsigned char c)
{
	return isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' ||
	       c == '+' || c == '/' || c == '=';
}

static int is_keychar(unsigned char c)
{
	return isalnum(c) || c == '_' || c == '-' || c == '.';
}

/* Length of "-----BEGIN ... PRIVATE KEY-----" at s, 0 if none. */
static size_t pem_begin(const char *s, size_t n)
{
	const char *e;
	size_t lim;
	if (n < 11 || memcmp(s, "-----BEGIN ", 11))
		return 0;
	lim = n < 64 ? n : 64;
	e = memfind(s, lim, "PRIVATE KEY-----");
	return e ? (size_t)(e - s) + 16 : 0;
}

static int emit_token(const struct pm_redactor *r, struct pm_redact_state *st,
		      const char *v, size_t n, struct pm_buf *out)
{
	char tok[PM_REDACT_TOKEN_MAX];
	pm_redact_token(r, v, n, tok);
	st->count++;
	return pm_buf_adds(out, tok);
}

/* A value worth redacting after "key:" or "key=". */
static int value_is_real(const char *v, size_t n)
{
	static const char *const skip[] = { "true", "false", "null", "none",
		"yes", "no", "\"\"", "''", NULL };
	size_t i;
	if (n == 0 || (n >= 12 && !memcmp(v, TOKEN_PREFIX, 12)))
		return 0;
	for (i = 0; skip[i]; i++)
		if (strlen(skip[i]) == n && ci_prefix(v, n, skip[i]))
			return 0;
	return 1;
}

/*
 * At a ':' or '=' at line[i]: if the key before it looks secret, finds
 * the value span [*vs, *ve).  Returns 1 when there is one.
 */
static int key_value(const char *line, size_t n, size_t i, size_t last,
		     size_t *vs, size_t *ve)
{
	size_t ke = i, ks, j;
	int atstart;
	char q;

	if (ke > 0 && (line[ke - 1] == '"' || line[ke - 1] == '\''))
		ke--;
	ks = ke;
	while (ks > 0 && is_keychar((unsigned char)line[ks - 1]))
		ks--;
	if (ks == ke || ks < last || !pm_redact_key_is_secret(line + ks, ke - ks))
		return 0;
	j = i + 1;
	if (j < n && (line[j] == line[i] || (line[i] == ':' && line[j] == '/')))
		return 0; /* "::", "==", "://" */
	while (j < n && (line[j] == ' ' || line[j] == '\t'))
		j++;
	if (j >= n)
		return 0;
	if (ci_prefix(line + j, n - j, "bearer ") || ci_prefix(line + j, n - j, "basic "))
		return 0; /* the credential after it is found on its own */
	/* "key: value" starting a YAML line: the value is the rest of it. */
	{
		size_t b = ks;
		if (b > 0 && (line[b - 1] == '"' || line[b - 1] == '\''))
			b--;
		while (b > 0 && (line[b - 1] == ' ' || line[b - 1] == '\t'))
			b--;
		if (b > 0 && line[b - 1] == '-') {
			b--;
			while (b > 0 && (line[b - 1] == ' ' || line[b - 1] == '\t'))
				b--;
		}
		atstart = b == 0 && line[i] == ':';
	}
	q = line[j];
	if (q == '"' || q == '\'') {
		size_t k = j + 1;
		while (k < n && line[k] != q) {
			if (line[k] == '\\' && k + 1 < n)
				k++;
			k++;
		}
		*vs = j + 1;
		*ve = k < n ? k : n;
	} else if (q == '\\' && j + 1 < n && line[j + 1] == '"') {
		/* JSON inside a JSON string: key\":\"value\" */
		const char *e = memfind(line + j + 2, n - j - 2, "\\\"");
		*vs = j + 2;
		*ve = e ? (size_t)(e - line) : n;
	} else if (q == '{' || q == '[' || q == '|' || q == '>' || q == '&' || q == '*') {
		return 0; /* structure or YAML block: its own lines get checked */
	} else if (atstart) {
		size_t k = n;
		while (k > j && (line[k - 1] == ' ' || line[k - 1] == '\t' || line[k - 1] == '\r'))
			k--;
		*vs = j;
		*ve = k;
	} else {
		size_t k = j;
		while (k < n && !strchr(" \t\r,;&\"'<>)}]", line[k]))
			k++;
		*vs = j;
		*ve = k;
	}
	return value_is_real(line + *vs, *ve - *vs);
}

/* Base64-ish credential after "Bearer "/"Basic ": long and not a plain word. */
static size_t cred_run(const char *s, size_t n)
{
	size_t k = 0;
	int digit = 0, upper = 0, sym = 0;
	while (k < n && is_tokchar((unsigned char)s[k])) {
		unsigned char c = (unsigned char)s[k];
		digit |= isdigit(c) != 0;
		upper |= isupper(c) != 0 && k > 0;
		sym |= c == '+' || c == '/' || c == '=' || c == '_' || c == '.';
		k++;
	}
	if (k < 8 || !(digit || upper || sym))
		return 0;
	return k;
}

int pm_redact_line(const struct pm_redactor *r, struct pm_redact_state *st,
		   const char *line, size_t n, struct pm_buf *out)
{
	size_t i = 0, last = 0;

	if (!r->enabled)
		return pm_buf_add(out, line, n);
	if (st->in_pem) {
		const char *e = memfind(line, n, "-----END ");
		if (!e) {
			pm_buf_add(&st->pem, line, n);
			pm_buf_addc(&st->pem, '\n');
			return 1; /* swallowed */
		}
		pm_buf_add(&st->pem, line, (size_t)(e - line));
		pm_buf_check(&st->pem); /* a capped body still gives a token */
		emit_token(r, st, st->pem.data ? st->pem.data : "", st->pem.len, out);
		pm_buf_addc(out, '\n');
		pm_buf_reset(&st->pem);
		st->in_pem = 0;
		i = last = (size_t)(e - line);
	}
	while (i < n) {
		unsigned char c = (unsigned char)line[i];
		int wordstart = i == 0 || !isalnum((unsigned char)line[i - 1]);
		size_t vs = 0, ve = 0, k;

		if (c == '-' && (k = pem_begin(line + i, n - i)) > 0) {
			const char *e = memfind(line + i + k, n - i - k, "-----END ");
			vs = i + k;
			if (!e) {
				pm_buf_add(out, line + last, vs - last);
				pm_buf_reset(&st->pem);
				pm_buf_add(&st->pem, line + vs, n - vs);
				pm_buf_addc(&st->pem, '\n');
				st->in_pem = 1;
				return pm_buf_check(out);
			}
			ve = (size_t)(e - line);
		} else if (wordstart && (c == 'B' || c == 'b') &&
			   (ci_prefix(line + i, n - i, "bearer ") || ci_prefix(line + i, n - i, "basic "))) {
			k = i + (tolower(line[i + 1]) == 'e' ? 7 : 6);
			while (k < n && line[k] == ' ')
				k++;
			vs = k;
			ve = vs + cred_run(line + vs, n - vs);
		} else if (c == ':' && i + 2 < n && line[i + 1] == '/' && line[i + 2] == '/') {
			size_t colon = 0, at = 0;
			for (k = i + 3; k < n && !strchr("/ \t\"'<>?#", line[k]); k++) {
				if (line[k] == '@') {
					at = k;
					break;
				}
				if (line[k] == ':' && !colon)
					colon = k;
			}
			if (at && colon && at > colon + 1) {
				vs = colon + 1;
				ve = at;
			} else {
				i += 3;
				continue;
			}
		} else if (wordstart && (c == 'A') && i + 20 <= n &&
			   (!memcmp(line + i, "AKIA", 4) || !memcmp(line + i, "ASIA", 4))) {
			for (k = i + 4; k < i + 20; k++)
				if (!isupper((unsigned char)line[k]) && !isdigit((unsigned char)line[k]))
					break;
			if (k == i + 20 && (k == n || !isalnum((unsigned char)line[k]))) {
				vs = i;
				ve = k;
			}
		} else if (wordstart && c == 'e' && i + 3 < n && !memcmp(line + i, "eyJ", 3)) {
			int parts = 1, seg = 0, ok = 1;
			for (k = i; k < n; k++) {
				unsigned char d = (unsigned char)line[k];
				if (d == '.') {
					if (seg < 8) { ok = 0; break; }
					parts++;
					seg = 0;
				} else if (isalnum(d) || d == '-' || d == '_') {
					seg++;
				} else {
					break;
				}
			}
			if (ok && parts == 3 && seg >= 8) {
				vs = i;
				ve = k;
			}
		} else if (c == ':' || c == '=') {
			if (!key_value(line, n, i, last, &vs, &ve))
				vs = ve = 0;
		}
		if (ve > vs && vs >= last) {
			pm_buf_add(out, line + last, vs - last);
			emit_token(r, st, line + vs, ve - vs, out);
			i = last = ve;
			continue;
		}
		i++;
	}
	pm_buf_add(out, line + last, n - last);
	return pm_buf_check(out);
}

int pm_redact_finish(const struct pm_redactor *r, struct pm_redact_state *st,
		     struct pm_buf *out)
{
	if (st->in_pem) {
		pm_buf_check(&st->pem);
		emit_token(r, st, st->pem.data ? st->pem.data : "", st->pem.len, out);
		pm_buf_addc(out, '\n');
		pm_buf_reset(&st->pem);
		st->in_pem = 0;
	}
	return pm_buf_check(out);
}

int pm_redact_text(const struct pm_redactor *r, const char *s, size_t n,
		   struct pm_buf *out, long *count)
{
	struct pm_redact_state st;
	size_t pos = 0;
	int rc = 0;

	pm_redact_state_init(&st);
	while (pos < n && rc >= 0) {
		const char *nl = memchr(s + pos, '\n', n - pos);
		size_t len = nl ? (size_t)(nl - (s + pos)) : n - pos;
		rc = pm_redact_line(r, &st, s + pos, len, out);
		if (rc == 0 && nl)
			pm_buf_addc(out, '\n');
		pos += len + (nl ? 1 : 0);
	}
	if (rc >= 0)
		rc = pm_redact_finish(r, &st, out);
	if (count)
		*count += st.count;
	pm_redact_state_release(&st);
	rc = rc < 0 ? rc : pm_buf_check(out);
	return rc;
}

/* ---- structural JSON ---- */

static int is_token(const char *s)
{
	return !strncmp(s, TOKEN_PREFIX, strlen(TOKEN_PREFIX));
}

static void replace_with_token(const struct pm_redactor *r, json_t *obj,
			       const char *key, json_t *val, long *count)
{
	char tok[PM_REDACT_TOKEN_MAX];
	const char *s;
	size_t n;

	if (json_is_string(val)) {
		s = json_string_value(val);
		n = json_string_length(val);
		if (is_token(s))
			return;
	} else {
		/* Non-string secret (rare): hash its compact text. */
		char *d = json_dumps(val, JSON_COMPACT | JSON_ENCODE_ANY);
		pm_redact_token(r, d ? d : "", d ? strlen(d) : 0, tok);
		free(d);
		json_object_set_new(obj, key, json_string(tok));
		(*count)++;
		return;
	}
	pm_redact_token(r, s, n, tok);
	json_object_set_new(obj, key, json_string(tok));
	(*count)++;
}

static int walk(const struct pm_redactor *r, json_t *v, int depth, int secret_item,
		int flags, long *count);

static void redact_string_in(const struct pm_redactor *r, json_t *holder,
			     const char *key, size_t idx, json_t *v, long *count)
{
	struct pm_buf out = PM_BUF_INIT(STRING_REDACT_MAX);
	long before = *count;
	const char *s = json_string_value(v);
	size_t n = json_string_length(v);

	if (n == 0 || is_token(s))
		return;
	if (pm_redact_text(r, s, n, &out, count) == 0 && *count != before) {
		json_t *ns = json_stringn(out.data ? out.data : "", out.len);
		if (ns) {
			if (key)
				json_object_set_new(holder, key, ns);
			else
				json_array_set_new(holder, idx, ns);
		}
	} else if (*count != before) {
		/* Could not rebuild it: drop the whole string rather than leak. */
		char tok[PM_REDACT_TOKEN_MAX];
		pm_redact_token(r, s, n, tok);
		if (key)
			json_object_set_new(holder, key, json_string(tok));
		else
			json_array_set_new(holder, idx, json_string(tok));
	}
	pm_buf_release(&out);
}

/* The last-applied annotation repeats the whole object: redact it too. */
static void redact_last_applied(const struct pm_redactor *r, json_t *obj,
				int is_secret, int flags, long *count)
{
	json_t *meta = json_object_get(obj, "metadata");
	json_t *ann = meta ? json_object_get(meta, "annotations") : NULL;
	json_t *la = ann ? json_object_get(ann, LAST_APPLIED) : NULL;
	json_t *doc;
	long before;
	char *d;

	if (!la || !json_is_string(la) || is_token(json_string_value(la)))
		return;
	if (is_secret) {
		replace_with_token(r, ann, LAST_APPLIED, la, count);
		return;
	}
	if (!r->enabled)
		return;
	doc = json_loadb(json_string_value(la), json_string_length(la), 0, NULL);
	if (!doc)
		return; /* the generic string pass applies text rules */
	before = *count;
	walk(r, doc, 1, 0, flags & ~PM_REDACT_SECRET_LIST, count);
	if (*count != before) {
		d = json_dumps(doc, JSON_COMPACT);
		if (d)
			json_object_set_new(ann, LAST_APPLIED, json_string(d));
		else
			replace_with_token(r, ann, LAST_APPLIED, la, count);
		free(d);
	}
	json_decref(doc);
}

static void strip_secret_data(const struct pm_redactor *r, json_t *obj, long *count)
{
	static const char *const fields[] = { "data", "stringData", NULL };
	int f;
	for (f = 0; fields[f]; f++) {
		json_t *d = json_object_get(obj, fields[f]);
		const char *k;
		json_t *val;
		void *tmp;
		if (!d)
			continue;
		if (!json_is_object(d)) {
			replace_with_token(r, obj, fields[f], d, count);
			continue;
		}
		json_object_foreach_safe(d, tmp, k, val)
			replace_with_token(r, d, k, val, count);
	}
}

static int walk(const struct pm_redactor *r, json_t *v, int depth, int secret_item,
		int flags, long *count)
{
	if (depth > JSON_DEPTH_MAX)
		return PM_ETOOBIG;
	if (json_is_object(v)) {
		json_t *kind = json_object_get(v, "kind");
		int is_secret = secret_item ||
			(json_is_string(kind) && !strcmp(json_string_value(kind), "Secret"));
		const char *k;
		json_t *val;
		void *tmp;

		if (is_secret)
			strip_secret_data(r, v, count);
		redact_last_applied(r, v, is_secret, flags, count);
		if (r->enabled) {
			/* env entries: {"name": "DB_PASSWORD", "value": "..."} */
			json_t *name = json_object_get(v, "name");
			json_t *value = json_object_get(v, "value");
			if (json_is_string(name) && json_is_string(value) &&
			    pm_redact_key_is_secret(json_string_value(name),
						    json_string_length(name)))
				replace_with_token(r, v, "value", value, count);
		}
		json_object_foreach_safe(v, tmp, k, val) {
			int child_secret = 0;
			if (r->enabled && json_is_string(val) &&
			    pm_redact_key_is_secret(k, strlen(k))) {
				replace_with_token(r, v, k, val, count);
				continue;
			}
			if (r->enabled && json_is_string(val)) {
				redact_string_in(r, v, k, 0, val, count);
				continue;
			}
			if (depth == 0 && (flags & PM_REDACT_SECRET_LIST) && !strcmp(k, "items"))
				child_secret = 2; /* marks the array: its members are Secrets */
			if (child_secret && json_is_array(val)) {
				size_t i;
				json_t *it;
				json_array_foreach(val, i, it)
					walk(r, it, depth + 2, 1, flags, count);
				continue;
			}
			walk(r, val, depth + 1, 0, flags, count);
		}
	} else if (json_is_array(v)) {
		size_t i;
		json_t *it;
		json_array_foreach(v, i, it) {
			if (r->enabled && json_is_string(it))
				redact_string_in(r, v, NULL, i, it, count);
			else
				walk(r, it, depth + 1, 0, flags, count);
		}
	}
	return 0;
}

int pm_redact_json(const struct pm_redactor *r, json_t *root, int flags, long *count)
{
	long local = 0;
	int rc = walk(r, root, 0, 0, flags, count ? count : &local);
	return rc;
}
