/*
 * main.c - the podmortem command: parses arguments, calls the library,
 * maps results to exit codes.  Data goes to stdout, diagnostics to stderr.
 */
#include "podmortem/analyze.h"
#include "podmortem/parse.h"
#include "podmortem/report.h"
#include "podmortem/rules.h"
#include "podmortem/ruletest.h"
#include "podmortem/store.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { EXIT_CLEAN = 0, EXIT_FINDINGS = 1, EXIT_USAGE = 2, EXIT_UNREADABLE = 3,
       EXIT_OUTPUT = 4 };

static const char usage_text[] =
"usage: podmortem analyze BUNDLE [-o DIR] [--rules DIR] [--fail-on SEVERITY]\n"
"                         [--lang en|zh] [--fts] [--json] [--timings]\n"
"                         [--threads 1|2]\n"
"       podmortem rules list [--rules DIR] [--lang en|zh]\n"
"       podmortem rules test [--rules DIR] [--fixtures DIR] [--only ID-PREFIX]\n"
"       podmortem schema\n"
"       podmortem --help | --version\n"
"\n"
"Offline diagnosis of Kubernetes backup and restore support bundles.\n"
"\n"
"analyze   Reads BUNDLE (.tar.gz, .tgz, .tar or a directory) without\n"
"          extracting it, loads it into DIR/bundle.db (SQLite), runs the\n"
"          rules and writes DIR/report.md, DIR/report.html and\n"
"          DIR/findings.json.  Prints a short summary.\n"
"  -o, --output DIR     output folder (default: BUNDLE's name + -podmortem,\n"
"                       beside it)\n"
"  -r, --rules DIR      rules folder (default: $PODMORTEM_RULES or the\n"
"                       installed rules/)\n"
"  -f, --fail-on SEV    exit 1 when a finding is at or above SEV:\n"
"                       critical, error (default), warning, info, never\n"
"      --lang LANG      language of rule texts: en (default) or zh\n"
"      --fts            also build a full-text index of log messages (log_fts)\n"
"      --json           print findings.json to stdout instead of the summary\n"
"      --timings        print the wall time of each phase on stderr\n"
"      --threads N      2 (default): log lines are written to SQLite on a\n"
"                       second thread while the next ones are parsed;\n"
"                       1: everything on one thread (same output)\n"
"rules list           id, section, severity and title of every rule\n"
"rules test           every rule against its fixtures (default\n"
"                     fixtures/rules): fire/ must fire as expect.json says,\n"
"                     quiet/ must not; exit 1 on any failure\n"
"schema               the SQL schema of bundle.db\n"
"\n"
"Exit status: 0 no finding at or above --fail-on, 1 there is one, 2 usage\n"
"error, 3 the bundle cannot be read at all, 4 the output cannot be written.\n";

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "podmortem: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'podmortem --help'.\n");
	return EXIT_USAGE;
}

static void print_err(const struct pm_error *e)
{
	char buf[2048];
	fprintf(stderr, "podmortem: %s\n", pm_error_format(e, buf, sizeof(buf)));
}

/* Messages keep the bundle's newlines and tabs; a summary line does not. */
static void print_one_line(const char *s, size_t max)
{
	size_t n = 0;
	for (; *s && n < max; s++, n++)
		putchar((unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s);
	if (*s)
		fputs("...", stdout);
	putchar('\n');
}

static void print_summary(const struct pm_analysis *a)
{
	long c[5];
	char verdict[1024];
	size_t shown = 0;

	pm_report_counts(a, c);
	pm_report_verdict(a, verdict, sizeof(verdict));
	printf("%s\n", verdict);
	printf("findings: %ld critical, %ld error, %ld warning, %ld info; "
	       "%ld coverage gaps\n", c[PM_SEV_CRITICAL], c[PM_SEV_ERROR],
	       c[PM_SEV_WARNING], c[PM_SEV_INFO], a->gaps);
	for (size_t i = 0; i < a->results.nfindings && shown < 5; i++, shown++) {
		const struct pm_finding *f = &a->results.findings[i];
		printf("  %-8s %-28s ", pm_severity_name(f->severity), f->rule->id);
		print_one_line(f->message, 240);
	}
	if (a->results.nfindings > shown)
		printf("  ... and %zu more\n", a->results.nfindings - shown);
	printf("reports: %s/report.html  %s/report.md  %s/findings.json\n"
	       "database: %s/bundle.db\n", a->outdir, a->outdir, a->outdir, a->outdir);
}

static int cmd_analyze(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "rules", required_argument, NULL, 'r' },
		{ "fail-on", required_argument, NULL, 'f' },
		{ "lang", required_argument, NULL, 'l' },
		{ "fts", no_argument, NULL, 'F' },
		{ "json", no_argument, NULL, 'j' },
		{ "timings", no_argument, NULL, 'T' },
		{ "threads", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct pm_analyze_opts o;
	struct pm_analysis a;
	struct pm_error err;
	int c, json = 0, timings = 0, fail_on = PM_SEV_ERROR, rc, status;
	struct timespec t0, t1;

	pm_analyze_opts_init(&o);
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:r:f:", opts, NULL)) != -1) {
		switch (c) {
		case 'o': o.outdir = optarg; break;
		case 'r': o.rules_dir = optarg; break;
		case 'f':
			fail_on = !strcmp(optarg, "never") ? 99 : pm_severity_parse(optarg);
			if (!fail_on)
				return usage_error("--fail-on: unknown severity '%s'", optarg);
			break;
		case 'l':
			if (strcmp(optarg, "en") && strcmp(optarg, "zh"))
				return usage_error("--lang: '%s' is not en or zh", optarg);
			o.lang = optarg;
			break;
		case 'F': o.fts = 1; break;
		case 'j': json = 1; break;
		case 'T': timings = 1; break;
		case 't':
			if (strcmp(optarg, "1") && strcmp(optarg, "2"))
				return usage_error("--threads: '%s' is not 1 or 2", optarg);
			o.threads = atoi(optarg);
			break;
		case 'h': fputs(usage_text, stdout); return EXIT_CLEAN;
		default: return usage_error("%s", "bad option");
		}
	}
	if (optind != argc - 1)
		return usage_error("%s", "analyze needs exactly one BUNDLE");
	o.bundle = argv[optind];

	pm_error_init(&err);
	pm_analysis_init(&a);
	rc = pm_analyze(&o, &a, &err);
	if (rc) {
		print_err(&err);
		pm_analysis_release(&a);
		return rc == PM_EIO || rc == PM_EPARSE || rc == PM_EUNSAFE
			       ? EXIT_UNREADABLE : EXIT_OUTPUT;
	}
	for (size_t i = 0; i < a.rules.nerrors; i++)
		fprintf(stderr, "podmortem: rule file: %s\n", a.rules.errors[i].message);
	for (size_t i = 0; i < a.results.nruns; i++)
		if (a.results.runs[i].status == PM_RULE_ERROR)
			fprintf(stderr, "podmortem: %s\n", a.results.runs[i].reason);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (pm_report_write_all(&a, &err)) {
		print_err(&err);
		pm_analysis_release(&a);
		return EXIT_OUTPUT;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (timings)
		fprintf(stderr, "podmortem: timings ms: manifest %.0f, load %.0f, "
			"derive %.0f, fts %.0f, rules %.0f, reports %.0f\n",
			a.ms_manifest, a.ms_load, a.ms_derive, a.ms_fts, a.ms_rules,
			(double)(t1.tv_sec - t0.tv_sec) * 1e3 +
				(double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	if (json) {
		struct pm_buf b = PM_BUF_INIT(PM_REPORT_MAX);
		if (!pm_report_json(&a, &b, &err))
			fwrite(b.data, 1, b.len, stdout);
		pm_buf_release(&b);
	} else {
		print_summary(&a);
	}
	if (a.damaged)
		fprintf(stderr, "podmortem: %s: archive damaged; analyzed what could be read\n",
			o.bundle);
	status = EXIT_CLEAN;
	for (size_t i = 0; i < a.results.nfindings; i++)
		if (a.results.findings[i].severity >= fail_on)
			status = EXIT_FINDINGS;
	pm_analysis_release(&a);
	return status;
}

static void print_line(void *arg, const char *line)
{
	(void)arg;
	printf("%s\n", line);
	fflush(stdout);
}

static int cmd_rules_test(int argc, char **argv)
{
	struct pm_ruletest_opts o;
	struct pm_ruletest_summary sum;
	struct pm_error err;
	int i;

	memset(&o, 0, sizeof(o));
	o.emit = print_line;
	for (i = 2; i < argc; i++) {
		if ((!strcmp(argv[i], "--rules") || !strcmp(argv[i], "-r")) && i + 1 < argc)
			o.rules_dir = argv[++i];
		else if (!strcmp(argv[i], "--fixtures") && i + 1 < argc)
			o.fixtures_dir = argv[++i];
		else if (!strcmp(argv[i], "--only") && i + 1 < argc)
			o.only = argv[++i];
		else
			return usage_error("rules test: unknown argument '%s'", argv[i]);
	}
	pm_error_init(&err);
	if (pm_ruletest_run(&o, &sum, &err)) {
		print_err(&err);
		return EXIT_UNREADABLE;
	}
	printf("%zu passed, %zu failed", sum.passed, sum.failed);
	if (sum.skipped)
		printf(", %zu skipped (table not in this build)", sum.skipped);
	printf("\n");
	return sum.failed ? EXIT_FINDINGS : EXIT_CLEAN;
}

static int cmd_rules(int argc, char **argv)
{
	const char *dir = NULL, *lang = "en";
	struct pm_ruleset rs;
	struct pm_error err;
	int i;

	if (argc >= 2 && !strcmp(argv[1], "test"))
		return cmd_rules_test(argc, argv);
	if (argc < 2 || strcmp(argv[1], "list"))
		return usage_error("%s", "rules needs a subcommand: list or test");
	for (i = 2; i < argc; i++) {
		if ((!strcmp(argv[i], "--rules") || !strcmp(argv[i], "-r")) && i + 1 < argc)
			dir = argv[++i];
		else if (!strcmp(argv[i], "--lang") && i + 1 < argc)
			lang = argv[++i];
		else
			return usage_error("rules list: unknown argument '%s'", argv[i]);
	}
	pm_error_init(&err);
	pm_ruleset_init(&rs, lang);
	if (pm_rules_load_dir(&rs, dir ? dir : pm_analyze_default_rules(), &err)) {
		print_err(&err);
		pm_ruleset_release(&rs);
		return EXIT_UNREADABLE;
	}
	for (size_t k = 0; k < rs.nerrors; k++)
		fprintf(stderr, "podmortem: rule file: %s\n", rs.errors[k].message);
	for (size_t k = 0; k < rs.n; k++) {
		const char *t = pm_rule_text(&rs, rs.rules[k].doc, "title");
		printf("%-36s %-28s %-9s %s\n", rs.rules[k].id, rs.rules[k].section,
		       pm_severity_name(rs.rules[k].severity), t ? t : "");
	}
	i = rs.nerrors ? EXIT_UNREADABLE : EXIT_CLEAN;
	pm_ruleset_release(&rs);
	return i;
}

static int cmd_schema(void)
{
	size_t n;
	const struct pm_parser *const *ps = pm_parsers(&n);

	printf("-- bundle.db schema version %d (PRAGMA user_version)\n", PM_SCHEMA_VERSION);
	printf("-- core tables, filled during the load\n%s\n", pm_store_schema_core());
	for (size_t i = 0; i < n; i++)
		if (ps[i]->ddl)
			printf("-- tables of the '%s' parser\n%s\n", ps[i]->type, ps[i]->ddl);
	printf("-- derived tables, built from objects after the load\n%s",
	       pm_store_schema_derived());
	printf("-- thresholds from rules/thresholds.yaml\n"
	       "CREATE TABLE thresholds(name TEXT PRIMARY KEY, value REAL, unit TEXT, why TEXT);\n");
	return EXIT_CLEAN;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage_error("%s", "missing command");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		fputs(usage_text, stdout);
		return EXIT_CLEAN;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("podmortem %s\n", PM_VERSION);
		return EXIT_CLEAN;
	}
	if (!strcmp(argv[1], "analyze"))
		return cmd_analyze(argc - 1, argv + 1);
	if (!strcmp(argv[1], "rules"))
		return cmd_rules(argc - 1, argv + 1);
	if (!strcmp(argv[1], "schema"))
		return cmd_schema();
	return usage_error("unknown command '%s'", argv[1]);
}
