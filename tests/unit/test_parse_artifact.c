/*
 * test_parse_artifact.c - backup artifacts: magic kinds, name mismatch,
 * gzip verification (good, truncated, bad CRC, bomb), YAML/JSON checks.
 * gzip data is made here with zlib.
 */
#include "parsetest.h"

#include "podmortem/artifact.h"

#include <zlib.h>

extern const struct pm_parser pm_parser_artifact;

static const char *row(const char *col, const char *path)
{
	char sql[512];
	snprintf(sql, sizeof(sql), "SELECT %s FROM artifacts WHERE path='%s'",
		 col, path);
	return pt_q(sql);
}

/* gzip of data into a malloc'd buffer */
static unsigned char *gz(const void *data, size_t len, size_t *out)
{
	z_stream z;
	size_t cap = compressBound((uLong)len) + 64;
	unsigned char *b = malloc(cap);

	memset(&z, 0, sizeof(z));
	deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
	z.next_in = (unsigned char *)data;
	z.avail_in = (uInt)len;
	z.next_out = b;
	z.avail_out = (uInt)cap;
	deflate(&z, Z_FINISH);
	*out = cap - z.avail_out;
	deflateEnd(&z);
	return b;
}

static int run_bytes(const char *path, const void *d, size_t n)
{
	return pt_run_item(&pm_parser_artifact, path, d, n, NULL);
}

static void test_gzip_good_and_inner(void)
{
	/* a tar header: "ustar" at 257 */
	unsigned char tar[1024];
	size_t n;
	unsigned char *g;

	memset(tar, 0, sizeof(tar));
	memcpy(tar, "backup/resources/pods.json", 26);
	memcpy(tar + 257, "ustar", 5);
	g = gz(tar, sizeof(tar), &n);
	CHECK_INT(run_bytes("backups/b1.tar.gz", g, n), 0);
	CHECK_STR(row("kind", "backups/b1.tar.gz"), "gzip");
	CHECK_STR(row("name_kind", "backups/b1.tar.gz"), "gzip");
	CHECK_STR(row("name_mismatch", "backups/b1.tar.gz"), "0");
	CHECK_STR(row("gzip_ok", "backups/b1.tar.gz"), "1");
	CHECK_STR(row("gzip_error", "backups/b1.tar.gz"), "(null)");
	CHECK_STR(row("inflated", "backups/b1.tar.gz"), "1024");
	CHECK_STR(row("inner_kind", "backups/b1.tar.gz"), "tar");
	char sz[32];
	snprintf(sz, sizeof(sz), "%zu", n);
	CHECK_STR(row("size", "backups/b1.tar.gz"), sz);
	free(g);

	g = gz("{\"kind\":\"List\",\"items\":[]}", 26, &n);
	CHECK_INT(run_bytes("artifacts/x.json.gz", g, n), 0);
	CHECK_STR(row("inner_kind", "artifacts/x.json.gz"), "json");
	free(g);
}

static void test_gzip_broken(void)
{
	char text[20000];
	size_t n;
	unsigned char *g;

	for (size_t i = 0; i < sizeof(text); i++)
		text[i] = (char)('a' + (i * 7 + i / 13) % 26);
	g = gz(text, sizeof(text), &n);

	/* truncated: the last 100 bytes missing */
	CHECK_INT(run_bytes("backups/t.tgz", g, n - 100), 0);
	CHECK_STR(row("gzip_ok", "backups/t.tgz"), "0");
	CHECK(strstr(row("gzip_error", "backups/t.tgz"), "truncated") != NULL);

	/* CRC: flip a byte of the trailer's CRC32 */
	g[n - 8] ^= 0x5a;
	CHECK_INT(run_bytes("backups/c.tgz", g, n), 0);
	CHECK_STR(row("gzip_ok", "backups/c.tgz"), "0");
	CHECK(strstr(row("gzip_error", "backups/c.tgz"), "incorrect data check") != NULL);
	g[n - 8] ^= 0x5a;

	/* length: ISIZE wrong */
	g[n - 4] ^= 1;
	CHECK_INT(run_bytes("backups/l.tgz", g, n), 0);
	CHECK_STR(row("gzip_ok", "backups/l.tgz"), "0");
	CHECK(strstr(row("gzip_error", "backups/l.tgz"), "incorrect length check") != NULL);
	g[n - 4] ^= 1;

	/* intact again: verified, and a second member is fine too */
	{
		unsigned char *two = malloc(2 * n);
		memcpy(two, g, n);
		memcpy(two + n, g, n);
		CHECK_INT(run_bytes("backups/two.gz", two, 2 * n), 0);
		CHECK_STR(row("gzip_ok", "backups/two.gz"), "1");
		CHECK_STR(row("inflated", "backups/two.gz"), "40000");
		memset(two + n, 0, 10);
		CHECK_INT(run_bytes("backups/trail.gz", two, n + 10), 0);
		CHECK_STR(row("gzip_ok", "backups/trail.gz"), "1");
		CHECK(strstr(row("gzip_error", "backups/trail.gz"), "trailing") != NULL);
		free(two);
	}
	free(g);
}

static void test_gzip_bomb(void)
{
	size_t big = 64u << 20, n;
	unsigned char *zeros = calloc(1, big);
	unsigned char *g = gz(zeros, big, &n);
	uint64_t old = pm_artifact_inflate_cap(8u << 20);

	free(zeros);
	CHECK(n < (1u << 20));
	CHECK_INT(run_bytes("backups/bomb.tar.gz", g, n), 0);
	CHECK_STR(row("gzip_ok", "backups/bomb.tar.gz"), "(null)");
	CHECK(strstr(row("gzip_error", "backups/bomb.tar.gz"), "cap") != NULL);
	/* stopped near the cap, far from the 64 MiB inside */
	CHECK(atoll(row("inflated", "backups/bomb.tar.gz")) <= (8 << 20) + 65536);
	CHECK(atoll(row("inflated", "backups/bomb.tar.gz")) > (8 << 20));
	CHECK_STR(pt_q("SELECT count(*) FROM gaps WHERE category='truncated'"), "1");
	pm_artifact_inflate_cap(old);
	free(g);
}

static void test_magic_kinds(void)
{
	static const unsigned char salted[] = "Salted__\x01\x02\x03\x04\x05\x06\x07\x08\xff\x00\x13";
	static const char age[] = "age-encryption.org/v1\n-> X25519 abc\n";
	static const unsigned char pgp[] = {0x85, 0x01, 0x0c, 0x03, 0x11, 0x22, 0x00, 0x90};
	static const unsigned char zst[] = {0x28, 0xb5, 0x2f, 0xfd, 0x04, 0x00};

	CHECK_INT(run_bytes("backups/b.tar.gz", salted, sizeof(salted) - 1), 0);
	CHECK_STR(row("kind", "backups/b.tar.gz"), "openssl-salted");
	CHECK_STR(row("name_mismatch", "backups/b.tar.gz"), "1");
	CHECK_STR(row("gzip_ok", "backups/b.tar.gz"), "(null)");

	CHECK_INT(run_bytes("backups/b.tar.gz.enc", salted, sizeof(salted) - 1), 0);
	CHECK_STR(row("name_kind", "backups/b.tar.gz.enc"), "encrypted");
	CHECK_STR(row("name_mismatch", "backups/b.tar.gz.enc"), "0");

	CHECK_INT(run_bytes("backups/b.age", age, strlen(age)), 0);
	CHECK_STR(row("kind", "backups/b.age"), "age");
	CHECK_STR(row("name_mismatch", "backups/b.age"), "0");

	CHECK_INT(run_bytes("backups/b.gpg", pgp, sizeof(pgp)), 0);
	CHECK_STR(row("kind", "backups/b.gpg"), "pgp");
	CHECK_INT(run_bytes("backups/a.gpg", "-----BEGIN PGP MESSAGE-----\n\nhQEMA\n", 35), 0);
	CHECK_STR(row("kind", "backups/a.gpg"), "pgp");

	CHECK_INT(run_bytes("backups/b.tar.zst", zst, sizeof(zst)), 0);
	CHECK_STR(row("kind", "backups/b.tar.zst"), "zstd");
	CHECK_STR(row("name_mismatch", "backups/b.tar.zst"), "0");

	/* an HTML error page saved as the backup */
	CHECK_INT(pt_run(&pm_parser_artifact, "backups/d.tgz", "<html><body>403 Forbidden</body></html>\n"), 0);
	CHECK_STR(row("kind", "backups/d.tgz"), "text");
	CHECK_STR(row("name_mismatch", "backups/d.tgz"), "1");
	CHECK_STR(row("size", "backups/d.tgz"), "40");

	CHECK_INT(run_bytes("backups/e.tgz", "", 0), 0);
	CHECK_STR(row("kind", "backups/e.tgz"), "empty");
	CHECK_STR(row("name_mismatch", "backups/e.tgz"), "1");
	CHECK_STR(row("size", "backups/e.tgz"), "0");

	CHECK_INT(run_bytes("backups/r.bin", "\x01\x02\x03\xfe\x00\x00", 6), 0);
	CHECK_STR(row("kind", "backups/r.bin"), "unknown-binary");
	CHECK_STR(row("name_kind", "backups/r.bin"), "(null)");
	CHECK_STR(row("name_mismatch", "backups/r.bin"), "0");
}

static void test_yaml(void)
{
	const char *good =
		"apiVersion: velero.io/v1\nkind: Backup\nmetadata:\n  name: b1\n---\n"
		"apiVersion: velero.io/v1\nkind: Restore\nmetadata:\n  name: r1\n";
	const char *bad =
		"apiVersion: velero.io/v1\n"
		"kind: Backup\n"
		"metadata:\n"
		"  name: b1\n"
		" namespace: velero\n";
	CHECK_INT(pt_run(&pm_parser_artifact, "backups/backup-file.yaml", good), 0);
	CHECK_STR(row("kind", "backups/backup-file.yaml"), "yaml");
	CHECK_STR(row("valid", "backups/backup-file.yaml"), "1");
	CHECK_STR(row("objects", "backups/backup-file.yaml"), "2");
	CHECK_STR(row("error", "backups/backup-file.yaml"), "(null)");

	CHECK_INT(pt_run(&pm_parser_artifact, "backups/bad.yaml", bad), 0);
	CHECK_STR(row("valid", "backups/bad.yaml"), "0");
	CHECK_STR(row("error_line", "backups/bad.yaml"), "5");
	CHECK_STR(row("error_column", "backups/bad.yaml"), "2");
	CHECK(strstr(row("error", "backups/bad.yaml"), "expected") != NULL);

	/* YAML content under a .json name: a mismatch */
	CHECK_INT(pt_run(&pm_parser_artifact, "artifacts/backup-file.json", good), 0);
	CHECK_STR(row("kind", "artifacts/backup-file.json"), "yaml");
	CHECK_STR(row("name_mismatch", "artifacts/backup-file.json"), "1");
}

static void test_json(void)
{
	const char *list =
		"{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[\n"
		"{\"kind\":\"Backup\"},{\"kind\":\"Backup\"},{\"kind\":\"Restore\"}]}\n";
	const char *bad = "{\n  \"kind\": \"Backup\",\n  \"spec\": {,}\n}\n";

	CHECK_INT(pt_run(&pm_parser_artifact, "backups/backup-file.json", list), 0);
	CHECK_STR(row("kind", "backups/backup-file.json"), "json");
	CHECK_STR(row("valid", "backups/backup-file.json"), "1");
	CHECK_STR(row("objects", "backups/backup-file.json"), "3");
	CHECK_STR(row("name_mismatch", "backups/backup-file.json"), "0");

	CHECK_INT(pt_run(&pm_parser_artifact, "backups/bad.json", bad), 0);
	CHECK_STR(row("valid", "backups/bad.json"), "0");
	CHECK_STR(row("error_line", "backups/bad.json"), "3");
	CHECK_STR(row("error_column", "backups/bad.json"), "12");
	CHECK(strcmp(row("error", "backups/bad.json"), "(null)") != 0);

	/* JSON under a .yaml name is fine: JSON is YAML */
	CHECK_INT(pt_run(&pm_parser_artifact, "backups/x.yaml", list), 0);
	CHECK_STR(row("name_mismatch", "backups/x.yaml"), "0");
}

static void test_sniff(void)
{
	const struct pm_parser *p;
	p = pm_parser_sniff("backups/backup-file.yaml",
			    (const unsigned char *)"apiVersion: v1\nkind: Backup\n", 28);
	CHECK(p && !strcmp(p->type, "artifact"));
	p = pm_parser_sniff("extra/velero-b1.tar.gz", (const unsigned char *)"\x1f\x8b", 2);
	CHECK(p && !strcmp(p->type, "artifact"));
	p = pm_parser_sniff("cluster/pods.json", (const unsigned char *)"{\"kind\":\"List\"", 14);
	CHECK(!p || strcmp(p->type, "artifact"));
	p = pm_parser_sniff("logs/ns/p/c.log", (const unsigned char *)"hello\n", 6);
	CHECK(!p || strcmp(p->type, "artifact"));
}

int main(void)
{
	RUN(test_gzip_good_and_inner);
	RUN(test_gzip_broken);
	RUN(test_gzip_bomb);
	RUN(test_magic_kinds);
	RUN(test_yaml);
	RUN(test_json);
	RUN(test_sniff);
	if (pt_store)
		pm_store_close(pt_store);
	DONE();
}
