/*
 * collect_main.c - podmortem-collect: argument parsing and exit codes.
 * The work is in collect.c (run engine), spec.c, redact.c, bundlewrite.c.
 * Exit codes: 0 bundle written (even with failed steps), 2 usage,
 * 3 no bundle could be written.
 */
#include "podmortem/collect.h"
#include "podmortem/spec.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NS_MAX 256
#define SPEC_FILE_MAX PM_SPEC_MAX

static void usage(FILE *f)
{
	fprintf(f,
		"usage: podmortem-collect [options]\n"
		"Collects what the pod backup/restore troubleshooting guide looks at into one\n"
		"redacted support bundle (.tar.gz) for `podmortem analyze`.\n\n"
		"  -o, --output FILE        bundle to write (default ./podmortem-<context>-<UTC>.tar.gz)\n"
		"      --kubeconfig FILE    kubeconfig for kubectl (also set as KUBECONFIG)\n"
		"      --context NAME       kubeconfig context (default: current context)\n"
		"  -n, --namespace NS       collect namespaced resources of NS only (repeatable)\n"
		"  -A, --all-namespaces     all namespaces (the default without -n)\n"
		"      --since DURATION     only logs newer than this (e.g. 2h)\n"
		"      --spec FILE          use this YAML spec instead of the built-in one\n"
		"      --print-spec         print the built-in spec and exit\n"
		"  -j, --jobs N             steps run in parallel (default 4)\n"
		"      --timeout DURATION   timeout of every step (default: the spec's, 60s)\n"
		"      --deadline DURATION  the whole run (default 15m)\n"
		"      --probe-path DIR     folder for the dd write test (default: the bundle's folder)\n"
		"      --iperf-server HOST  run iperf3 -c HOST\n"
		"      --no-redact          keep secrets in logs and objects (Secret data is\n"
		"                           still never collected); DO NOT send such a bundle\n"
		"  -q, --quiet              no progress even on a terminal\n"
		"  -h, --help               this help\n"
		"  -V, --version            version\n\n"
		"Exit status: 0 bundle written (even if some steps failed; see manifest.json),\n"
		"2 usage error, 3 no bundle could be written.\n");
}

static void on_progress(void *ctx, const char *line)
{
	(void)ctx;
	fprintf(stderr, "\r\033[K%s", line);
	fflush(stderr);
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;

	if (!f)
		return NULL;
	buf = malloc(SPEC_FILE_MAX + 1);
	if (!buf) {
		fclose(f);
		return NULL;
	}
	n = fread(buf, 1, SPEC_FILE_MAX + 1, f);
	fclose(f);
	if (n > SPEC_FILE_MAX) {
		free(buf);
		errno = EFBIG;
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* "--opt=value" or "--opt value"; returns the value or NULL. */
static const char *optval(int argc, char **argv, int *i, const char *lng, const char *shrt)
{
	const char *a = argv[*i];
	size_t n = strlen(lng);
	if (!strncmp(a, lng, n) && a[n] == '=')
		return a + n + 1;
	if (!strcmp(a, lng) || (shrt && !strcmp(a, shrt))) {
		if (*i + 1 >= argc) {
			fprintf(stderr, "podmortem-collect: %s needs a value\n", lng);
			exit(2);
		}
		return argv[++*i];
	}
	if (shrt && !strncmp(a, shrt, 2) && a[2] && shrt[2] == '\0')
		return a + 2; /* -nvelero, -j8 */
	return NULL;
}

static long duration_arg(const char *opt, const char *v)
{
	long long ms = pm_duration_parse(v);
	if (ms <= 0 || ms > 7LL * 86400000) {
		fprintf(stderr, "podmortem-collect: %s: bad duration \"%s\" (e.g. 30s, 5m, 1h)\n", opt, v);
		exit(2);
	}
	return (long)ms;
}

int main(int argc, char **argv)
{
	struct pm_collect_opts o;
	struct pm_collect_result res;
	struct pm_spec spec;
	struct pm_error err;
	const char *nss[NS_MAX];
	const char *spec_path = NULL, *v;
	char *spec_text = NULL;
	size_t spec_len = 0, nns = 0;
	int i, quiet = 0, rc;

	memset(&o, 0, sizeof(o));
	o.jobs = 4;
	o.redact = 1;
	o.deadline_ms = 15 * 60000;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
			printf("podmortem-collect %s\n", PM_COLLECT_VERSION);
			return 0;
		} else if (!strcmp(a, "--print-spec")) {
			fputs(pm_spec_default_text(), stdout);
			return 0;
		} else if (!strcmp(a, "-A") || !strcmp(a, "--all-namespaces")) {
			nns = 0;
		} else if (!strcmp(a, "--no-redact")) {
			o.redact = 0;
		} else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
			quiet = 1;
		} else if ((v = optval(argc, argv, &i, "--output", "-o"))) {
			o.output = v;
		} else if ((v = optval(argc, argv, &i, "--kubeconfig", NULL))) {
			o.kubeconfig = v;
		} else if ((v = optval(argc, argv, &i, "--context", NULL))) {
			o.context = v;
		} else if ((v = optval(argc, argv, &i, "--namespace", "-n"))) {
			if (nns >= NS_MAX || !*v) {
				fprintf(stderr, "podmortem-collect: bad or too many namespaces\n");
				return 2;
			}
			nss[nns++] = v;
		} else if ((v = optval(argc, argv, &i, "--since", NULL))) {
			duration_arg("--since", v);
			o.since = v;
		} else if ((v = optval(argc, argv, &i, "--spec", NULL))) {
			spec_path = v;
		} else if ((v = optval(argc, argv, &i, "--jobs", "-j"))) {
			char *end;
			long j = strtol(v, &end, 10);
			if (*end || j < 1 || j > 64) {
				fprintf(stderr, "podmortem-collect: -j: a number from 1 to 64\n");
				return 2;
			}
			o.jobs = (int)j;
		} else if ((v = optval(argc, argv, &i, "--timeout", NULL))) {
			o.timeout_ms = duration_arg("--timeout", v);
		} else if ((v = optval(argc, argv, &i, "--deadline", NULL))) {
			o.deadline_ms = duration_arg("--deadline", v);
		} else if ((v = optval(argc, argv, &i, "--probe-path", NULL))) {
			o.probe_path = v;
		} else if ((v = optval(argc, argv, &i, "--iperf-server", NULL))) {
			o.iperf_server = v;
		} else {
			fprintf(stderr, "podmortem-collect: unknown argument \"%s\" (see --help)\n", a);
			return 2;
		}
	}
	o.namespaces = nss;
	o.nnamespaces = nns;
	if (o.iperf_server && (o.iperf_server[0] == '-' || !o.iperf_server[0])) {
		fprintf(stderr, "podmortem-collect: --iperf-server: bad host\n");
		return 2;
	}
	for (i = 0; i < (int)nns; i++)
		if (nss[i][0] == '-' || strchr(nss[i], '/')) {
			fprintf(stderr, "podmortem-collect: bad namespace \"%s\"\n", nss[i]);
			return 2;
		}
	pm_spec_init(&spec);
	pm_error_init(&err);
	if (spec_path) {
		spec_text = read_file(spec_path, &spec_len);
		if (!spec_text) {
			fprintf(stderr, "podmortem-collect: %s: %s\n", spec_path, strerror(errno));
			return 2;
		}
	}
	if (pm_spec_parse(&spec, spec_text ? spec_text : pm_spec_default_text(),
			  spec_text ? spec_len : strlen(pm_spec_default_text()),
			  spec_path ? spec_path : "(built-in spec)", &err) < 0) {
		char msg[2048];
		fprintf(stderr, "podmortem-collect: %s\n", pm_error_format(&err, msg, sizeof(msg)));
		free(spec_text);
		return 2;
	}
	free(spec_text);
	o.spec = &spec;
	if (!o.redact)
		fprintf(stderr,
			"podmortem-collect: WARNING: --no-redact: passwords, tokens and keys in logs,\n"
			"podmortem-collect: WARNING: environment variables and config maps will be in\n"
			"podmortem-collect: WARNING: the bundle. Do not send it outside your organisation.\n");
	if (!quiet && isatty(2)) {
		o.progress = on_progress;
		o.progress_ctx = NULL;
	}
	rc = pm_collect_run(&o, &res, &err);
	if (o.progress)
		fputs("\r\033[K", stderr);
	pm_spec_release(&spec);
	if (rc < 0) {
		char msg[2048];
		fprintf(stderr, "podmortem-collect: no bundle written: %s\n",
			pm_error_format(&err, msg, sizeof(msg)));
		return rc == PM_EUSAGE ? 2 : 3;
	}
	fprintf(stderr, "podmortem-collect: wrote %s (%lld bytes, %ld items, %ld failed, "
		"%ld redactions, %.1fs)\n", res.path, res.archive_bytes, res.items, res.failed,
		res.redactions, res.duration_ms / 1000.0);
	printf("%s\n", res.path);
	return 0;
}
