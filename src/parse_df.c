/*
 * parse_df.c - the "df" type: df output (GNU coreutils, busybox, BSD/
 * macOS; -h -H -k -P -i -T and plain) into `filesystems`.
 *
 * The header names the columns, so one reader serves every form: the
 * numeric columns sit between Filesystem (and Type) and "Mounted on";
 * filesystem and mount names may hold spaces, so a data line is matched
 * by finding the run of numeric fields, not by counting words.  A device
 * name too long for its column is printed alone with the numbers on the
 * next line (GNU without -P); that is joined back here.
 */
#include "podmortem/parse.h"
#include "podmortem/textcols.h"

#include <ctype.h>
#include <math.h>
#include <string.h>

static const char df_ddl[] =
"-- df output, one row per filesystem line; a `df -h` file fills the size\n"
"-- columns, a `df -i` file the inode columns (the others stay NULL).\n"
"-- host: the node; path/line: where the row was read.\n"
"-- size_bytes, used_bytes, avail_bytes: bytes (df -h sizes are rounded\n"
"-- by df itself: 1.9G is 1.9*2^30, -H uses powers of 1000).\n"
"-- use_pct, iuse_pct: percent as df printed it (NULL for '-').\n"
"-- inodes, iused, ifree: inode counts.  fstype: only with df -T.\n"
"CREATE TABLE filesystems(\n"
"  host TEXT, path TEXT, line INTEGER, filesystem TEXT, fstype TEXT,\n"
"  size_bytes INTEGER, used_bytes INTEGER, avail_bytes INTEGER,\n"
"  use_pct REAL, inodes INTEGER, iused INTEGER, ifree INTEGER,\n"
"  iuse_pct REAL, mount TEXT);\n";

static const char insert_sql[] =
	"INSERT INTO filesystems(host, path, line, filesystem, fstype,"
	" size_bytes, used_bytes, avail_bytes, use_pct, inodes, iused, ifree,"
	" iuse_pct, mount) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14)";

enum col { C_SKIP, C_SIZE, C_USED, C_AVAIL, C_PCT, C_INODES, C_IUSED,
	   C_IFREE, C_IPCT };

#define MAXCOLS 16
#define MAXTOK 64

struct df_hdr {
	int ok;
	int has_type;
	int has_mount;
	int ncols;               /* numeric columns */
	enum col cols[MAXCOLS];
	long long block;         /* bytes per block; 0: human sizes */
	int si;                  /* human sizes in powers of 1000 */
};

static int is_header(const char *line, size_t len)
{
	const char *s = line;
	len = pm_tc_trim(&s, len);
	/* "Filesystem" then the columns; prose that starts so is not one */
	if (!pm_tc_starts(s, len, "Filesystem ") &&
	    !pm_tc_starts(s, len, "Filesystem\t"))
		return 0;
	return pm_tc_find(s, len, "Mounted on") ||
	       (pm_tc_find(s, len, "Used") &&
		(pm_tc_find(s, len, "Use%") || pm_tc_find(s, len, "Capacity")));
}

static long long block_size(struct pm_tc_field f, int si)
{
	/* "1K-blocks", "1024-blocks", "512-blocks", "1kB-blocks" (-B1000) */
	size_t n = f.n - 7;
	int dec = pm_tc_find(f.p, n, "B") && !pm_tc_find(f.p, n, "iB");
	long long b = pm_parse_size(f.p, n, dec || si);
	return b > 0 ? b : 1024;
}

static int read_header(struct df_hdr *h, const char *line, size_t len,
		       int si)
{
	struct pm_tc_field t[MAXTOK];
	int n = pm_tc_split(line, len, t, MAXTOK);

	memset(h, 0, sizeof(*h));
	h->si = si;
	h->block = 1024;
	for (int i = 1; i < n; i++) {
		enum col c = C_SKIP;
		if (pm_tc_eq(t[i], "Type")) {
			h->has_type = 1;
			continue;
		}
		if (pm_tc_eq(t[i], "Mounted") || pm_tc_eq(t[i], "Mount")) {
			h->has_mount = 1;
			break;
		}
		if (pm_tc_eq(t[i], "Size")) {
			c = C_SIZE;
			h->block = 0;
		} else if (t[i].n > 7 &&
			   pm_tc_starts(t[i].p + t[i].n - 7, 7, "-blocks")) {
			c = C_SIZE;
			h->block = block_size(t[i], si);
		} else if (pm_tc_eq(t[i], "Used")) {
			c = C_USED;
		} else if (pm_tc_eq(t[i], "Avail") || pm_tc_eq(t[i], "Available")) {
			c = C_AVAIL;
		} else if (pm_tc_eq(t[i], "Use%") || pm_tc_eq(t[i], "Capacity")) {
			c = C_PCT;
		} else if (pm_tc_eq(t[i], "Inodes")) {
			c = C_INODES;
		} else if (pm_tc_eq(t[i], "IUsed") || pm_tc_eq(t[i], "iused")) {
			c = C_IUSED;
		} else if (pm_tc_eq(t[i], "IFree") || pm_tc_eq(t[i], "ifree")) {
			c = C_IFREE;
		} else if (pm_tc_eq(t[i], "IUse%") || pm_tc_eq(t[i], "%iused")) {
			c = C_IPCT;
		}
		if (h->ncols < MAXCOLS)
			h->cols[h->ncols++] = c;
	}
	h->ok = h->ncols > 0;
	return h->ok;
}

static int numeric(struct pm_tc_field f)
{
	return isdigit((unsigned char)f.p[0]) || pm_tc_eq(f, "-");
}

/* A size or count field: block count, or df -h "1.9G" / macOS "0Bi". */
static long long amount(const struct df_hdr *h, struct pm_tc_field f,
			int blocks)
{
	long long v = pm_tc_int(f.p, f.n);
	size_t n = f.n;

	if (v >= 0 && blocks && h->block > 0)
		return v > 9223372036854775807LL / h->block ? -1 : v * h->block;
	if (v >= 0)
		return v;
	if (n >= 2 && f.p[n - 2] == 'B' && f.p[n - 1] == 'i')
		n--; /* macOS prints bytes as "0Bi" */
	return pm_parse_size(f.p, n, h->si);
}

struct df_row {
	struct pm_tc_field fs, type, mount;
	long long v[C_IPCT + 1];
	double pct, ipct;
};

static int emit(struct pm_parse_ctx *ctx, const char *host, long line,
		const struct df_row *r)
{
	sqlite3_stmt *s = pm_store_stmt(ctx->store, insert_sql, ctx->err);

	if (!s)
		return ctx->err->code;
	pm_bind_text(s, 1, host, -1);
	pm_bind_text(s, 2, ctx->in->path, -1);
	sqlite3_bind_int64(s, 3, line);
	pm_tc_bind_field(s, 4, r->fs);
	pm_tc_bind_field(s, 5, r->type);
	pm_tc_bind_i64(s, 6, r->v[C_SIZE]);
	pm_tc_bind_i64(s, 7, r->v[C_USED]);
	pm_tc_bind_i64(s, 8, r->v[C_AVAIL]);
	pm_tc_bind_dbl(s, 9, r->pct);
	pm_tc_bind_i64(s, 10, r->v[C_INODES]);
	pm_tc_bind_i64(s, 11, r->v[C_IUSED]);
	pm_tc_bind_i64(s, 12, r->v[C_IFREE]);
	pm_tc_bind_dbl(s, 13, r->ipct);
	pm_tc_bind_field(s, 14, r->mount);
	if (pm_store_run(ctx->store, s, ctx->err))
		return ctx->err->code;
	ctx->rows++;
	return 0;
}

/*
 * Matches a data line (after a wrapped device name in `pending` when
 * plen > 0).  Returns 1 when r is filled.
 */
static int match(const struct df_hdr *h, const char *line, size_t len,
		 const char *pending, size_t plen, struct df_row *r)
{
	struct pm_tc_field t[MAXTOK];
	int n = pm_tc_split(line, len, t, MAXTOK);
	int tcol = h->has_type, k = h->ncols;

	for (int i = plen ? 0 : 1; i + tcol + k <= n; i++) {
		int j, base = i + tcol;
		if (h->has_mount && base + k >= n)
			break;
		for (j = 0; j < k && numeric(t[base + j]); j++)
			;
		if (j < k)
			continue;
		memset(r, 0, sizeof(*r));
		if (plen && i == 0) {
			r->fs.p = pending;
			r->fs.n = plen;
		} else if (plen) {
			continue;
		} else {
			r->fs.p = t[0].p;
			r->fs.n = (size_t)(t[i - 1].p + t[i - 1].n - t[0].p);
		}
		if (tcol)
			r->type = t[i];
		for (j = 0; j <= C_IPCT; j++)
			r->v[j] = -1;
		r->pct = r->ipct = NAN;
		for (j = 0; j < k; j++) {
			struct pm_tc_field f = t[base + j];
			enum col c = h->cols[j];
			if (pm_tc_eq(f, "-") || c == C_SKIP)
				continue;
			if (c == C_PCT || c == C_IPCT) {
				double p = pm_tc_percent(f.p, f.n);
				if (p < 0)
					return 0;
				*(c == C_PCT ? &r->pct : &r->ipct) = p;
			} else {
				r->v[c] = amount(h, f, c <= C_AVAIL);
				if (r->v[c] < 0)
					return 0;
			}
		}
		if (h->has_mount) {
			r->mount.p = t[base + k].p;
			r->mount.n = (size_t)(line + len - r->mount.p);
			r->mount.n = pm_tc_trim(&r->mount.p, r->mount.n);
		}
		return 1;
	}
	return 0;
}

static int df_si(const struct pm_parse_ctx *ctx)
{
	struct pm_tc_argv a;
	const char *b = pm_tc_basename(ctx->in->path);

	if (pm_tc_argv_ctx(&a, ctx))
		return pm_tc_argv_flag(&a, 'H') || pm_tc_argv_has(&a, "--si");
	return strstr(b, "df-H") != NULL || strstr(b, "-si") != NULL;
}

static int df_parse(struct pm_parse_ctx *ctx)
{
	struct df_hdr h = {0};
	char host[256], pending[512];
	size_t plen = 0;
	long pline = 0;
	const char *line;
	size_t len;
	int rc, si = df_si(ctx), any = 0;

	pm_tc_host(ctx, host, sizeof(host));
	while ((rc = pm_input_getline(ctx->in, &line, &len)) == 1) {
		struct df_row r;
		const char *s = line;
		size_t n = pm_tc_trim(&s, len);

		if (!n)
			continue;
		any = 1;
		if (is_header(line, len)) {
			read_header(&h, line, len, si);
			plen = 0;
			continue;
		}
		if (!h.ok) {
			pm_parse_gap(ctx, ctx->in->lineno, "df line before header");
			continue;
		}
		if (match(&h, line, len, pending, plen, &r)) {
			if ((rc = emit(ctx, host, plen ? pline : ctx->in->lineno, &r)))
				return rc;
			plen = 0;
			continue;
		}
		if (plen)
			pm_parse_gap(ctx, pline, "wrapped df line without numbers");
		plen = 0;
		if (!memchr(s, ' ', n) && !memchr(s, '\t', n) &&
		    n < sizeof(pending) && !pm_tc_starts(s, n, "df:")) {
			memcpy(pending, s, n); /* long device name, numbers next */
			plen = n;
			pline = ctx->in->lineno;
			continue;
		}
		pm_parse_gap(ctx, ctx->in->lineno, "unreadable df line: %.*s",
			     (int)(n > 120 ? 120 : n), s);
	}
	if (rc < 0)
		return pm_parse_read_failed(ctx, rc);
	if (plen)
		pm_parse_gap(ctx, pline, "wrapped df line without numbers");
	if (!any)
		pm_parse_gap(ctx, 0, "empty df output");
	else if (!h.ok)
		pm_parse_gap(ctx, 0, "no df header found");
	return 0;
}

static int df_sniff(const char *path, const unsigned char *head, size_t n)
{
	const char *h = pm_tc_path_dir(path, "host");
	const char *b = pm_tc_basename(path);
	const unsigned char *nl = head ? memchr(head, '\n', n) : NULL;

	if (!head)
		n = 0;
	if (h && !strncmp(b, "df", 2) && (b[2] == '-' || b[2] == '.'))
		return 90;
	if (n && is_header((const char *)head, nl ? (size_t)(nl - head) : n))
		return 80;
	return 0;
}

const struct pm_parser pm_parser_df = {
	.type = "df",
	.ddl = df_ddl,
	.sniff = df_sniff,
	.parse = df_parse,
};
