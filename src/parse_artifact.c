/*
 * parse_artifact.c - the "artifact" type: backup artifacts found in a
 * bundle (files under backups/ or artifacts/, *.tar.gz, *.tgz, *.gz,
 * *.enc, *.age, *.gpg) into `artifacts`, one row per file.
 *
 * Nothing is unpacked or decrypted.  The kind is told by magic bytes and
 * compared with what the name says (a "backup.tar.gz" that is really an
 * openssl-encrypted blob, or an HTML error page, is a classic restore
 * failure).  gzip is inflated as a stream to verify CRC and length, with
 * a cap on bytes out (gzip bombs); YAML is checked with libyaml's event
 * parser (streaming); JSON with jansson up to a size cap.
 */
#include "podmortem/artifact.h"
#include "podmortem/parse.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>
#include <zlib.h>

#define HEAD_MAX 4096
#define CHUNK 65536
#define JSON_MAX (32u << 20)       /* jansson builds a tree: keep it bounded */
#define YAML_EVENTS_MAX 50000000L

static uint64_t inflate_cap = PM_ARTIFACT_INFLATE_CAP;

uint64_t pm_artifact_inflate_cap(uint64_t cap)
{
	uint64_t old = inflate_cap;
	if (cap)
		inflate_cap = cap;
	return old;
}

static const char artifact_ddl[] =
"-- backup artifacts, one row per file; checked, never unpacked\n"
"-- kind (by magic bytes): gzip, tar, zstd, openssl-salted, age, pgp, yaml,\n"
"--   json, text, unknown-binary, empty\n"
"-- name_kind: what the name says (gzip for .gz/.tgz, tar, zstd,\n"
"--   encrypted for .enc, age, pgp for .gpg/.pgp, yaml, json, text), NULL\n"
"--   when the name says nothing; name_mismatch 1 when kind contradicts it\n"
"-- gzip_ok: 1 CRC and length verified, 0 broken (gzip_error says how),\n"
"--   NULL not verified (inflate cap or size cap hit: gzip_error says so)\n"
"-- inflated: bytes out of gzip; inner_kind: kind of the first inflated\n"
"--   bytes (tar, json, yaml, ...)\n"
"-- valid: YAML/JSON files only, 1/0 (NULL too big to check); error_line,\n"
"--   error_column (1-based) and error describe the first error\n"
"-- objects: JSON: items of a List (or array length, else 1); YAML: documents\n"
"CREATE TABLE artifacts(\n"
"  path TEXT, size INTEGER, kind TEXT, name_kind TEXT,\n"
"  name_mismatch INTEGER, gzip_ok INTEGER, gzip_error TEXT,\n"
"  inflated INTEGER, inner_kind TEXT, valid INTEGER, error_line INTEGER,\n"
"  error_column INTEGER, error TEXT, objects INTEGER);\n";

static const char insert_sql[] =
	"INSERT INTO artifacts(path, size, kind, name_kind, name_mismatch,"
	" gzip_ok, gzip_error, inflated, inner_kind, valid, error_line,"
	" error_column, error, objects)"
	" VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14)";

struct art {
	long long size;
	const char *kind, *name_kind, *inner_kind;
	int gzip_ok;            /* -1 unknown */
	char gzip_error[256];
	long long inflated;     /* -1 not gzip */
	int valid;              /* -1 not checked */
	long err_line, err_col; /* 0 none */
	char error[512];
	long long objects;      /* -1 none */
};

static int ends_with(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);
	return a >= b && !strcasecmp(s + a - b, suf);
}

static const char *name_kind(const char *path)
{
	if (ends_with(path, ".gz") || ends_with(path, ".tgz"))
		return "gzip";
	if (ends_with(path, ".tar"))
		return "tar";
	if (ends_with(path, ".zst") || ends_with(path, ".zstd") ||
	    ends_with(path, ".tzst"))
		return "zstd";
	if (ends_with(path, ".enc"))
		return "encrypted";
	if (ends_with(path, ".age"))
		return "age";
	if (ends_with(path, ".gpg") || ends_with(path, ".pgp"))
		return "pgp";
	if (ends_with(path, ".yaml") || ends_with(path, ".yml"))
		return "yaml";
	if (ends_with(path, ".json"))
		return "json";
	if (ends_with(path, ".txt") || ends_with(path, ".log"))
		return "text";
	return NULL;
}

static int mismatch(const char *nk, const char *kind)
{
	if (!nk || !strcmp(nk, kind))
		return 0;
	if (!strcmp(nk, "encrypted"))
		return strcmp(kind, "openssl-salted") && strcmp(kind, "age") &&
		       strcmp(kind, "pgp") && strcmp(kind, "unknown-binary");
	if (!strcmp(nk, "yaml"))
		return strcmp(kind, "json") != 0;  /* JSON is YAML */
	if (!strcmp(nk, "text"))
		return strcmp(kind, "yaml") && strcmp(kind, "json");
	return 1;
}

/* Length of a valid UTF-8 sequence, 0 if invalid, -1 if cut by the end. */
static int utf8_len(const unsigned char *s, size_t n)
{
	int len = s[0] < 0x80 ? 1 : s[0] >= 0xc2 && s[0] <= 0xdf ? 2 :
		  s[0] >= 0xe0 && s[0] <= 0xef ? 3 : s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : 0;
	if (!len)
		return 0;
	for (int i = 1; i < len; i++) {
		if ((size_t)i >= n)
			return -1;
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	}
	return len;
}

static int looks_text(const unsigned char *h, size_t n)
{
	size_t i = 0, ctl = 0;
	while (i < n) {
		int l;
		if (h[i] == 0)
			return 0;
		if (h[i] < 0x20 && h[i] != '\n' && h[i] != '\r' && h[i] != '\t' &&
		    h[i] != '\f')
			ctl++;
		l = utf8_len(h + i, n - i);
		if (l < 0)
			break;   /* a sequence the head cut */
		if (l == 0)
			return 0;
		i += (size_t)l;
	}
	return ctl * 100 <= n;
}

/* "key:" at the start of the first line that is not a comment */
static int looks_yaml(const unsigned char *h, size_t n)
{
	size_t i = 0;
	if (n >= 3 && (!memcmp(h, "---", 3) || !memcmp(h, "%YA", 3)))
		return 1;
	while (i < n) {
		size_t j = i;
		while (j < n && (h[j] == ' ' || h[j] == '\r'))
			j++;
		if (j < n && (h[j] == '#' || h[j] == '\n')) {
			while (j < n && h[j] != '\n')
				j++;
			i = j + 1;
			continue;
		}
		if (j + 1 < n && h[j] == '-' && h[j + 1] == ' ')
			return 1;
		while (j < n && (h[j] == '_' || h[j] == '-' || h[j] == '.' ||
				 h[j] == '/' || (unsigned)((h[j] | 32) - 'a') < 26u ||
				 (unsigned)(h[j] - '0') < 10u))
			j++;
		return j < n && j > i && h[j] == ':' &&
		       (j + 1 >= n || h[j + 1] == ' ' || h[j + 1] == '\n' ||
			h[j + 1] == '\r');
	}
	return 0;
}

static int pgp_binary(const unsigned char *h, size_t n)
{
	/* old-format PKESK (tag 1) or SKESK (tag 3), version byte 3..6 */
	if (n >= 4 && (h[0] == 0x84 || h[0] == 0x8c))
		return h[2] >= 3 && h[2] <= 6;
	if (n >= 4 && (h[0] == 0x85 || h[0] == 0x8d))
		return h[3] >= 3 && h[3] <= 6;
	/* new-format PKESK, SKESK, SEIPD */
	if (n >= 3 && (h[0] == 0xc1 || h[0] == 0xc3 || h[0] == 0xd2))
		return 1;
	return 0;
}

static const char *magic_kind(const unsigned char *h, size_t n,
			      const char *nk)
{
	size_t i = 0;
	if (n == 0)
		return "empty";
	if (n >= 2 && h[0] == 0x1f && h[1] == 0x8b)
		return "gzip";
	if (n >= 4 && !memcmp(h, "\x28\xb5\x2f\xfd", 4))
		return "zstd";
	if (n >= 8 && !memcmp(h, "Salted__", 8))
		return "openssl-salted";
	if (n >= 19 && !memcmp(h, "age-encryption.org/", 19))
		return "age";
	if (n >= 29 && !memcmp(h, "-----BEGIN AGE ENCRYPTED FILE", 29))
		return "age";
	if (n >= 22 && !memcmp(h, "-----BEGIN PGP MESSAGE", 22))
		return "pgp";
	if (n >= 262 && !memcmp(h + 257, "ustar", 5))
		return "tar";
	if (pgp_binary(h, n))
		return "pgp";
	if (!looks_text(h, n))
		return "unknown-binary";
	if (n >= 3 && !memcmp(h, "\xef\xbb\xbf", 3))
		i = 3;
	while (i < n && (h[i] == ' ' || h[i] == '\n' || h[i] == '\r' || h[i] == '\t'))
		i++;
	if (i < n && (h[i] == '{' || h[i] == '['))
		return "json";
	if ((nk && !strcmp(nk, "yaml")) || looks_yaml(h + i, n - i))
		return "yaml";
	return "text";
}

/* ---------- gzip ---------- */

static void check_gzip(struct pm_parse_ctx *ctx, struct art *a)
{
	struct pm_input *in = ctx->in;
	unsigned char *ib = malloc(CHUNK), *ob = malloc(CHUNK);
	unsigned char head[HEAD_MAX];
	size_t headn = 0;
	z_stream z;
	int ended = 0, started = 0, zr = Z_OK, bomb = 0;
	long long trailing = 0, consumed = 0;

	a->inflated = 0;
	if (!ib || !ob) {
		snprintf(a->gzip_error, sizeof(a->gzip_error), "out of memory");
		goto out;
	}
	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
		snprintf(a->gzip_error, sizeof(a->gzip_error), "zlib init failed");
		goto out_noz;
	}
	started = 1;
	for (;;) {
		ssize_t n = pm_input_read(in, ib, CHUNK);
		if (n < 0) {
			snprintf(a->gzip_error, sizeof(a->gzip_error), "read failed");
			goto out;
		}
		if (n == 0)
			break;
		consumed += n;
		z.next_in = ib;
		z.avail_in = (uInt)n;
		while (z.avail_in > 0) {
			if (ended) {
				/* another member, or bytes after the stream */
				if (z.avail_in >= 2 && z.next_in[0] == 0x1f &&
				    z.next_in[1] == 0x8b && !trailing) {
					inflateReset(&z);
					ended = 0;
				} else {
					trailing += z.avail_in;
					z.avail_in = 0;
					break;
				}
			}
			z.next_out = ob;
			z.avail_out = CHUNK;
			zr = inflate(&z, Z_NO_FLUSH);
			if (headn < HEAD_MAX && CHUNK - z.avail_out > 0) {
				size_t got = CHUNK - z.avail_out;
				size_t take = got < HEAD_MAX - headn ? got : HEAD_MAX - headn;
				memcpy(head + headn, ob, take);
				headn += take;
			}
			a->inflated += (long long)(CHUNK - z.avail_out);
			if (zr == Z_STREAM_END) {
				ended = 1;
				continue;
			}
			if (zr == Z_BUF_ERROR)
				break;   /* needs more input */
			if (zr != Z_OK) {
				a->gzip_ok = 0;
				snprintf(a->gzip_error, sizeof(a->gzip_error),
					 "%s after %lld bytes in, %lld out",
					 z.msg ? z.msg : "inflate failed",
					 consumed - (long long)z.avail_in,
					 a->inflated);
				goto out;
			}
			if ((uint64_t)a->inflated > inflate_cap) {
				bomb = 1;
				break;
			}
		}
		if (bomb)
			break;
	}
	if (bomb) {
		char msg[256];
		a->gzip_ok = -1;
		snprintf(a->gzip_error, sizeof(a->gzip_error),
			 "not verified: inflating stopped at the cap of %llu bytes out "
			 "after %lld bytes in (ratio over %lld:1; gzip bomb?)",
			 (unsigned long long)inflate_cap, consumed,
			 consumed ? a->inflated / consumed : 0);
		snprintf(msg, sizeof(msg), "gzip inflate cap of %llu bytes hit",
			 (unsigned long long)inflate_cap);
		pm_store_gap(ctx->store, in->path, 0, "truncated", msg);
	} else if (in->truncated) {
		a->gzip_ok = -1;
		snprintf(a->gzip_error, sizeof(a->gzip_error),
			 "not verified: only the first %llu bytes were read (size cap)",
			 (unsigned long long)in->max_bytes);
	} else if (!ended) {
		a->gzip_ok = 0;
		snprintf(a->gzip_error, sizeof(a->gzip_error),
			 "unexpected end of file after %lld bytes in, %lld out "
			 "(truncated)", consumed, a->inflated);
	} else {
		a->gzip_ok = 1;
		if (trailing)
			snprintf(a->gzip_error, sizeof(a->gzip_error),
				 "%lld bytes of trailing data after the gzip stream ignored",
				 trailing);
	}
out:
	if (started)
		inflateEnd(&z);
out_noz:
	if (headn) {
		char inner[512];
		size_t l = strlen(in->path);
		/* the name without .gz tells yaml */
		snprintf(inner, sizeof(inner), "%.*s", (int)(l > 3 ? l - 3 : l),
			 in->path);
		a->inner_kind = magic_kind(head, headn, name_kind(inner));
	}
	a->size = in->size >= 0 ? in->size : consumed;
	free(ib);
	free(ob);
}

/* ---------- YAML ---------- */

static int yaml_read(void *data, unsigned char *buf, size_t size,
		     size_t *size_read)
{
	ssize_t n = pm_input_read(data, buf, size);
	if (n < 0)
		return 0;
	*size_read = (size_t)n;
	return 1;
}

static void check_yaml(struct pm_parse_ctx *ctx, struct art *a)
{
	yaml_parser_t p;
	yaml_event_t ev;
	long events = 0;

	a->objects = 0;
	if (!yaml_parser_initialize(&p)) {
		snprintf(a->error, sizeof(a->error), "libyaml init failed");
		return;
	}
	yaml_parser_set_input(&p, yaml_read, ctx->in);
	for (;;) {
		yaml_event_type_t t;
		if (!yaml_parser_parse(&p, &ev)) {
			a->valid = 0;
			if (p.error == YAML_READER_ERROR) {
				snprintf(a->error, sizeof(a->error),
					 "%s at byte offset %zu",
					 p.problem ? p.problem : "read error",
					 p.problem_offset);
			} else {
				a->err_line = (long)p.problem_mark.line + 1;
				a->err_col = (long)p.problem_mark.column + 1;
				snprintf(a->error, sizeof(a->error), "%s%s%s",
					 p.problem ? p.problem : "parse error",
					 p.context ? " " : "",
					 p.context ? p.context : "");
			}
			break;
		}
		t = ev.type;
		yaml_event_delete(&ev);
		if (t == YAML_DOCUMENT_START_EVENT)
			a->objects++;
		if (t == YAML_STREAM_END_EVENT) {
			a->valid = 1;
			break;
		}
		if (++events > YAML_EVENTS_MAX) {
			snprintf(a->error, sizeof(a->error),
				 "not validated past %ld events", YAML_EVENTS_MAX);
			break;
		}
	}
	yaml_parser_delete(&p);
	if (ctx->in->truncated) {
		/* a cut stream proves nothing either way */
		a->valid = -1;
		a->err_line = a->err_col = 0;
		snprintf(a->error, sizeof(a->error),
			 "not validated: only the first %llu bytes were read",
			 (unsigned long long)ctx->in->max_bytes);
	}
}

/* ---------- JSON ---------- */

static void check_json(struct pm_parse_ctx *ctx, struct art *a)
{
	struct pm_buf b = PM_BUF_INIT(JSON_MAX);
	json_error_t je;
	json_t *root;
	int rc = pm_input_slurp(ctx->in, &b);

	if (rc == PM_ETOOBIG || ctx->in->truncated) {
		snprintf(a->error, sizeof(a->error),
			 "not validated: larger than %u bytes", JSON_MAX);
		pm_buf_release(&b);
		return;
	}
	if (rc) {
		snprintf(a->error, sizeof(a->error), "read failed");
		pm_buf_release(&b);
		return;
	}
	root = json_loadb(pm_buf_cstr(&b), b.len, JSON_DECODE_ANY, &je);
	if (!root) {
		a->valid = 0;
		a->err_line = je.line > 0 ? je.line : 0;
		a->err_col = je.column > 0 ? je.column : 0;
		snprintf(a->error, sizeof(a->error), "%s", je.text);
	} else {
		json_t *items = json_object_get(root, "items");
		a->valid = 1;
		if (json_is_array(items))
			a->objects = (long long)json_array_size(items);
		else if (json_is_array(root))
			a->objects = (long long)json_array_size(root);
		else
			a->objects = 1;
		json_decref(root);
	}
	pm_buf_release(&b);
}

/* ---------- the row ---------- */

static long long drain(struct pm_input *in)
{
	unsigned char buf[CHUNK / 4];
	long long total = 0;
	ssize_t n;
	while ((n = pm_input_read(in, buf, sizeof(buf))) > 0)
		total += n;
	return total;
}

static int artifact_parse(struct pm_parse_ctx *ctx)
{
	struct art a;
	size_t n;
	const unsigned char *h = pm_input_peek(ctx->in, HEAD_MAX, &n);
	sqlite3_stmt *s;
	int mm;

	memset(&a, 0, sizeof(a));
	a.gzip_ok = -1;
	a.inflated = -1;
	a.valid = -1;
	a.objects = -1;
	a.size = ctx->in->size;
	a.name_kind = name_kind(ctx->in->path);
	a.kind = magic_kind(h ? h : (const unsigned char *)"", h ? n : 0,
			    a.name_kind);
	if (!strcmp(a.kind, "gzip"))
		check_gzip(ctx, &a);
	else if (!strcmp(a.kind, "yaml"))
		check_yaml(ctx, &a);
	else if (!strcmp(a.kind, "json"))
		check_json(ctx, &a);
	if (a.size < 0)
		a.size = (long long)ctx->in->consumed + drain(ctx->in);
	mm = mismatch(a.name_kind, a.kind);

	s = pm_store_stmt(ctx->store, insert_sql, ctx->err);
	if (!s)
		return ctx->err->code;
	pm_bind_text(s, 1, ctx->in->path, -1);
	sqlite3_bind_int64(s, 2, a.size);
	pm_bind_text(s, 3, a.kind, -1);
	pm_bind_text(s, 4, a.name_kind, -1);
	sqlite3_bind_int(s, 5, mm);
	if (a.gzip_ok >= 0)
		sqlite3_bind_int(s, 6, a.gzip_ok);
	if (a.gzip_error[0])
		pm_bind_text(s, 7, a.gzip_error, -1);
	if (a.inflated >= 0)
		sqlite3_bind_int64(s, 8, a.inflated);
	pm_bind_text(s, 9, a.inner_kind, -1);
	if (a.valid >= 0)
		sqlite3_bind_int(s, 10, a.valid);
	if (a.err_line)
		sqlite3_bind_int64(s, 11, a.err_line);
	if (a.err_col)
		sqlite3_bind_int64(s, 12, a.err_col);
	if (a.error[0])
		pm_bind_text(s, 13, a.error, -1);
	if (a.objects >= 0)
		sqlite3_bind_int64(s, 14, a.objects);
	if (pm_store_run(ctx->store, s, ctx->err))
		return ctx->err->code;
	ctx->rows++;
	return 0;
}

static int artifact_sniff(const char *path, const unsigned char *head, size_t n)
{
	const char *nk = name_kind(path);

	if (!strncmp(path, "backups/", 8) || !strncmp(path, "artifacts/", 10) ||
	    strstr(path, "/backups/") || strstr(path, "/artifacts/"))
		return 95;
	if (nk && (!strcmp(nk, "gzip") || !strcmp(nk, "zstd") ||
		   !strcmp(nk, "encrypted") || !strcmp(nk, "age") ||
		   !strcmp(nk, "pgp")))
		return 85;
	if ((n >= 2 && head[0] == 0x1f && head[1] == 0x8b) ||
	    (n >= 8 && !memcmp(head, "Salted__", 8)) ||
	    (n >= 19 && !memcmp(head, "age-encryption.org/", 19)) ||
	    (n >= 4 && !memcmp(head, "\x28\xb5\x2f\xfd", 4)))
		return 60;
	return 0;
}

const struct pm_parser pm_parser_artifact = {
	.type = "artifact",
	.ddl = artifact_ddl,
	.sniff = artifact_sniff,
	.parse = artifact_parse,
};
