/* test_redact.c - every secret kind the collector must hide, and ordinary text it must keep. */
#include "pmtest.h"

#include "podmortem/redact.h"

static struct pm_redactor R1, R2, OFF;

static const unsigned char KEY1[16] = "0123456789abcdef";
static const unsigned char KEY2[16] = "fedcba9876543210";

/* Redacts s with r; returns a static copy of the result. */
static const char *red(const struct pm_redactor *r, const char *s, long *count)
{
	static char out[8192];
	struct pm_buf b = PM_BUF_INIT(1 << 20);
	long c = 0;
	CHECK_INT(pm_redact_text(r, s, strlen(s), &b, &c), 0);
	snprintf(out, sizeof(out), "%s", pm_buf_cstr(&b));
	pm_buf_release(&b);
	if (count)
		*count = c;
	return out;
}

static const char *tok(const struct pm_redactor *r, const char *v)
{
	static char t[PM_REDACT_TOKEN_MAX];
	pm_redact_token(r, v, strlen(v), t);
	return t;
}

static void test_token(void)
{
	char a[PM_REDACT_TOKEN_MAX], b[PM_REDACT_TOKEN_MAX], c[PM_REDACT_TOKEN_MAX];
	pm_redact_token(&R1, "hunter2", 7, a);
	pm_redact_token(&R1, "hunter2", 7, b);
	pm_redact_token(&R2, "hunter2", 7, c);
	CHECK_STR(a, b);
	CHECK(strcmp(a, c) != 0);
	CHECK(!strncmp(a, "***REDACTED-", 12));
	CHECK_INT(strlen(a), 12 + 12 + 3);
	pm_redact_token(&R1, "hunter3", 7, b);
	CHECK(strcmp(a, b) != 0);
}

static void test_keys(void)
{
	static const char *yes[] = { "DB_PASSWORD", "API_TOKEN", "password", "clientSecret",
		"client-key-data", "AWS_SECRET_ACCESS_KEY", "apiKey", "APIKey", "token",
		"MYSQL_ROOT_PASSWORD", "dbpassword", "private_key", "AccountKey",
		"Authorization", "auth", "encryptionKey", "passphrase", NULL };
	static const char *no[] = { "tokenizer", "keyboard", "secretName", "secretKeyRef",
		"tokenPath", "name", "image", "serviceAccountName", "monkey", "key",
		"tls.crt", "client-certificate-data", "secretary", "passage", "tokenExpirationSeconds",
		"bypass", "certificate-authority-data", NULL };
	int i;
	for (i = 0; yes[i]; i++)
		if (!pm_redact_key_is_secret(yes[i], strlen(yes[i]))) {
			fprintf(stderr, "should be secret: %s\n", yes[i]);
			CHECK(0);
		}
	for (i = 0; no[i]; i++)
		if (pm_redact_key_is_secret(no[i], strlen(no[i]))) {
			fprintf(stderr, "should not be secret: %s\n", no[i]);
			CHECK(0);
		}
}

static void test_text_kinds(void)
{
	long n;
	const char *o;
	char want[256];

	o = red(&R1, "GET /v1 Authorization: Bearer abcDEF123456.xyz-7890", &n);
	CHECK(strstr(o, "abcDEF123456") == NULL);
	snprintf(want, sizeof(want), "Authorization: Bearer %s", tok(&R1, "abcDEF123456.xyz-7890"));
	CHECK(strstr(o, want) != NULL);
	CHECK_INT(n, 1);

	o = red(&R1, "connecting to postgres://app:S3cr3tPw@db.prod:5432/app now", &n);
	CHECK(strstr(o, "S3cr3tPw") == NULL);
	CHECK(strstr(o, "postgres://app:***REDACTED-") != NULL);
	CHECK(strstr(o, "@db.prod:5432/app now") != NULL);
	CHECK_INT(n, 1);

	o = red(&R1, "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\nid AKIAIOSFODNN7EXAMPLE.", &n);
	CHECK(strstr(o, "AKIAIOSFODNN7EXAMPLE") == NULL);
	CHECK_INT(n, 2);

	o = red(&R1, "env DB_PASSWORD=pa55word USER=bob", &n);
	CHECK(strstr(o, "pa55word") == NULL);
	CHECK(strstr(o, "USER=bob") != NULL);
	CHECK_INT(n, 1);

	o = red(&R1, "users:\n- name: admin\n  user:\n    token: kubeconfigtoken123\n"
		"    client-key-data: LS0tLS1CRUdJTiBSU0E=\n", &n);
	CHECK(strstr(o, "kubeconfigtoken123") == NULL);
	CHECK(strstr(o, "LS0tLS1CRUdJTiBSU0E=") == NULL);
	CHECK(strstr(o, "name: admin") != NULL);
	CHECK_INT(n, 2);

	o = red(&R1, "password: my pass phrase  \n", &n);
	CHECK(strstr(o, "pass phrase") == NULL);
	CHECK_INT(n, 1);

	o = red(&R1, "{\"apiToken\": \"tok-abc\", \"user\": \"x\"}", &n);
	CHECK(strstr(o, "tok-abc") == NULL);
	CHECK(strstr(o, "\"user\": \"x\"") != NULL);

	o = red(&R1, "sa eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJrdWJlcm5ldGVzIn0.c2lnbmF0dXJlMTIz end", &n);
	CHECK(strstr(o, "eyJhbGciOiJSUzI1NiJ9") == NULL);
	CHECK(strstr(o, " end") != NULL);
	CHECK_INT(n, 1);
}

static void test_pem(void)
{
	const char *pem = "before\n-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA1234\n"
		"abcdEFGH5678\n-----END RSA PRIVATE KEY-----\nafter\n";
	const char *o;
	long n;

	o = red(&R1, pem, &n);
	CHECK(strstr(o, "MIIEpAIBAAKCAQEA1234") == NULL);
	CHECK(strstr(o, "abcdEFGH5678") == NULL);
	CHECK(strstr(o, "-----BEGIN RSA PRIVATE KEY-----") != NULL);
	CHECK(strstr(o, "-----END RSA PRIVATE KEY-----\nafter") != NULL);
	CHECK(strstr(o, "before\n") == o);
	CHECK_INT(n, 1);

	/* escaped in one physical line, as in raw JSON */
	o = red(&R1, "\"k\": \"-----BEGIN PRIVATE KEY-----\\nMIIBVQIBADANBg\\n-----END PRIVATE KEY-----\\n\"", &n);
	CHECK(strstr(o, "MIIBVQIBADANBg") == NULL);
	CHECK_INT(n, 1);

	/* unterminated block still hidden */
	o = red(&R1, "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBtrunc\n", &n);
	CHECK(strstr(o, "MHcCAQEEIBtrunc") == NULL);
	CHECK_INT(n, 1);

	/* a certificate is public and stays */
	o = red(&R1, "-----BEGIN CERTIFICATE-----\nMIIC5zCCAc+gAwIBAgIBADAN\n-----END CERTIFICATE-----\n", &n);
	CHECK(strstr(o, "MIIC5zCCAc+gAwIBAgIBADAN") != NULL);
	CHECK_INT(n, 0);
}

static void test_no_false_positive(void)
{
	static const char *keep[] = {
		"loaded tokenizer: bert-base; keyboard layout=us",
		"level=info msg=\"backup completed\" backup=velero/daily-20241204 phase=Completed",
		"Basic authentication failed for user bob",
		"Bearer tokens are rotated hourly",
		"time=\"2024-12-04T10:00:00Z\" level=error msg=\"error getting backup store\"",
		"https://registry.example.com:5000/app:1.2.3",
		"secretName: velero-credentials",
		"A-KIAIOSFODNN7EXAMPLEX is not a key",
		"monkey=banana",
		NULL };
	int i;
	long n;
	for (i = 0; keep[i]; i++) {
		const char *o = red(&R1, keep[i], &n);
		CHECK_STR(o, keep[i]);
		CHECK_INT(n, 0);
	}
}

static void test_disabled(void)
{
	long n;
	const char *o = red(&OFF, "DB_PASSWORD=pa55word", &n);
	CHECK_STR(o, "DB_PASSWORD=pa55word");
	CHECK_INT(n, 0);
}

static json_t *load(const char *s)
{
	json_t *j = json_loads(s, 0, NULL);
	CHECK(j != NULL);
	return j;
}

static void test_json(void)
{
	const char *doc =
		"{\"kind\":\"List\",\"items\":["
		"{\"kind\":\"Secret\",\"metadata\":{\"name\":\"s\",\"annotations\":{"
		"\"kubectl.kubernetes.io/last-applied-configuration\":\"{\\\"data\\\":{\\\"pw\\\":\\\"c2VjcmV0\\\"}}\"}},"
		"\"data\":{\"pw\":\"c2VjcmV0\",\"user\":\"Ym9i\"},\"stringData\":{\"x\":\"plain\"}},"
		"{\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\",\"annotations\":{"
		"\"kubectl.kubernetes.io/last-applied-configuration\":\"{\\\"env\\\":[{\\\"name\\\":\\\"API_TOKEN\\\",\\\"value\\\":\\\"lastapplied-tok\\\"}]}\"}},"
		"\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"nginx:1.25\",\"env\":["
		"{\"name\":\"DB_PASSWORD\",\"value\":\"envpw-1\"},{\"name\":\"MODE\",\"value\":\"fast\"},"
		"{\"name\":\"DB_PASSWORD_COPY\",\"value\":\"envpw-1\"}],"
		"\"args\":[\"--db=mysql://root:argpw@db:3306\"]}],"
		"\"volumes\":[{\"secret\":{\"secretName\":\"velero-credentials\"}}]}}]}";
	json_t *j = load(doc);
	char *out;
	long n = 0;

	if (!j)
		return;
	CHECK_INT(pm_redact_json(&R1, j, 0, &n), 0);
	out = json_dumps(j, JSON_COMPACT);
	CHECK(strstr(out, "c2VjcmV0") == NULL);
	CHECK(strstr(out, "Ym9i") == NULL);
	CHECK(strstr(out, "plain") == NULL);
	CHECK(strstr(out, "envpw-1") == NULL);
	CHECK(strstr(out, "argpw") == NULL);
	CHECK(strstr(out, "lastapplied-tok") == NULL);
	CHECK(strstr(out, "\"fast\"") != NULL);
	CHECK(strstr(out, "velero-credentials") != NULL);
	CHECK(strstr(out, "nginx:1.25") != NULL);
	/* the same value twice gives the same token */
	CHECK(strstr(out, tok(&R1, "envpw-1")) != NULL);
	CHECK(strstr(strstr(out, tok(&R1, "envpw-1")) + 5, tok(&R1, "envpw-1")) != NULL);
	CHECK(n >= 7);
	free(out);
	json_decref(j);

	/* disabled: Secret data still stripped, env kept */
	j = load(doc);
	n = 0;
	pm_redact_json(&OFF, j, 0, &n);
	out = json_dumps(j, JSON_COMPACT);
	CHECK(strstr(out, "c2VjcmV0") == NULL);
	CHECK(strstr(out, "envpw-1") != NULL);
	free(out);
	json_decref(j);

	/* a secret list whose items lack kind */
	j = load("{\"kind\":\"List\",\"items\":[{\"metadata\":{\"name\":\"a\"},\"data\":{\"k\":\"dmFsdWU=\"}}]}");
	n = 0;
	pm_redact_json(&OFF, j, PM_REDACT_SECRET_LIST, &n);
	out = json_dumps(j, JSON_COMPACT);
	CHECK(strstr(out, "dmFsdWU=") == NULL);
	CHECK(strstr(out, "\"name\":\"a\"") != NULL);
	CHECK_INT(n, 1);
	free(out);
	json_decref(j);
}

int main(void)
{
	pm_redactor_init(&R1, KEY1, 1);
	pm_redactor_init(&R2, KEY2, 1);
	pm_redactor_init(&OFF, KEY1, 0);
	RUN(test_token);
	RUN(test_keys);
	RUN(test_text_kinds);
	RUN(test_pem);
	RUN(test_no_false_positive);
	RUN(test_disabled);
	RUN(test_json);
	DONE();
}
