/*
 * gen-bundle.c - synthetic podmortem bundles for benchmarks and tests.
 *
 * Writes a bundle .tar.gz in format v1 (one top folder, manifest.json as
 * the first entry, like the collector): namespaces, nodes, pods in a
 * realistic mix of states (Running, CrashLoopBackOff after OOMKilled,
 * ImagePullBackOff, Pending, Succeeded), an EventList, PVCs (some
 * Pending), Velero backups and BackupStorageLocations, and log files in
 * the formats the log parser reads (Velero logfmt, klog, JSON lines, and
 * CRI-wrapped versions of them with some partial P lines).
 *
 * Everything is a function of --seed: the same seed gives the same bytes
 * (file contents, tar headers with a fixed mtime and owner, gzip without
 * a name or time).  Each file is generated into an unlinked temporary
 * file and copied into the archive, so memory stays small whatever the
 * size.  Entries go to an uncompressed body tar first; the .tar.gz is
 * the manifest, then the body's entries copied over.
 *
 *   gen-bundle -o OUT.tar.gz [--seed N] [--logs-mb N] [--log-files N]
 *              [--pods N] [--events N] [--pvcs N] [--namespaces N]
 *              [--backups N] [--context NAME]
 * Benchmark shapes:
 *   --logs-mb 400 --log-files 40                  logs-heavy
 *   --pods 10000 --events 100000 --pvcs 2000      cluster-heavy
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define COLLECTED_EPOCH 1796378400LL /* 2026-12-04T10:00:00Z */
#define COLLECTED_TEXT "2026-12-04T10:00:00Z"
#define TOP_STAMP "20261204T100000Z"

struct opts {
	uint64_t seed;
	const char *out;
	const char *context;
	long logs_mb, log_files, pods, events, pvcs, namespaces, backups;
};

/* ---- deterministic randomness (splitmix64) ---- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static long rndn(long n) { return n > 0 ? (long)(rnd() % (uint64_t)n) : 0; }
static int chance(int percent) { return rndn(100) < percent; }

static const char *pick(const char *const *v, size_t n)
{
	return v[rndn((long)n)];
}
#define PICK(arr) pick(arr, sizeof(arr) / sizeof(arr[0]))

static void hexid(char *out, size_t n)
{
	static const char hx[] = "0123456789abcdef";
	for (size_t i = 0; i + 1 < n; i++)
		out[i] = hx[rnd() & 15];
	out[n - 1] = '\0';
}

static void uuid(char out[37])
{
	hexid(out, 37);
	out[8] = out[13] = out[18] = out[23] = '-';
}

static void isotime(char out[32], int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ---- output: temp file -> archive entry ---- */

struct gen {
	struct archive *a;
	char top[256];
	FILE *manifest_items;   /* the items array, built as we go */
	long nitems;
	long item_seq;
};

static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("gen-bundle: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static FILE *tmp(void)
{
	FILE *f = tmpfile();
	if (!f)
		die("tmpfile: %s", strerror(errno));
	return f;
}

/* The body tar's entries, unchanged, into the final archive. */
static void copy_body(struct gen *g, FILE *body)
{
	struct archive *in = archive_read_new();
	struct archive_entry *e;
	char buf[1 << 16];
	la_ssize_t n;
	int r;

	rewind(body);
	if (archive_read_support_format_tar(in) != ARCHIVE_OK ||
	    archive_read_open_FILE(in, body) != ARCHIVE_OK)
		die("body: %s", archive_error_string(in));
	while ((r = archive_read_next_header(in, &e)) == ARCHIVE_OK) {
		if (archive_write_header(g->a, e) != ARCHIVE_OK)
			die("%s", archive_error_string(g->a));
		while ((n = archive_read_data(in, buf, sizeof(buf))) > 0)
			if (archive_write_data(g->a, buf, (size_t)n) != n)
				die("%s", archive_error_string(g->a));
		if (n < 0)
			die("body: %s", archive_error_string(in));
	}
	if (r != ARCHIVE_EOF)
		die("body: %s", archive_error_string(in));
	archive_read_free(in);
	fclose(body);
}

static void add_entry(struct gen *g, const char *rel, FILE *f)
{
	struct archive_entry *e = archive_entry_new();
	char path[1024], buf[1 << 16];
	long long size;
	size_t n;

	fflush(f);
	size = ftello(f);
	rewind(f);
	snprintf(path, sizeof(path), "%s/%s", g->top, rel);
	archive_entry_set_pathname(e, path);
	archive_entry_set_size(e, size);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_mtime(e, COLLECTED_EPOCH, 0);
	archive_entry_set_uid(e, 0);
	archive_entry_set_gid(e, 0);
	if (archive_write_header(g->a, e) != ARCHIVE_OK)
		die("%s: %s", rel, archive_error_string(g->a));
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		if (archive_write_data(g->a, buf, n) < 0)
			die("%s: %s", rel, archive_error_string(g->a));
	archive_entry_free(e);
	fclose(f);
}

/* One manifest item; extra is more JSON members (",\"namespace\":...") or "". */
static void item(struct gen *g, const char *path, const char *type,
		 const char *argv_json, const char *extra)
{
	char started[32];
	isotime(started, COLLECTED_EPOCH - 120 + g->item_seq++ % 110);
	fprintf(g->manifest_items,
		"%s\n    {\"path\": \"%s\", \"type\": \"%s\", \"command\": %s,"
		" \"exit_code\": 0, \"stderr\": \"\", \"started_at\": \"%s\","
		" \"duration_ms\": %ld, \"timed_out\": false, \"truncated\": false,"
		" \"redactions\": 0%s}",
		g->nitems ? "," : "", path, type, argv_json, started,
		80 + rndn(900), extra);
	g->nitems++;
}

static void kubectl_item(struct gen *g, const char *path, const char *res,
			 int all_ns)
{
	char argv[256];
	snprintf(argv, sizeof(argv),
		 "[\"kubectl\", \"get\", \"%s\"%s, \"-o\", \"json\"]", res,
		 all_ns ? ", \"-A\"" : "");
	item(g, path, "k8s-json", argv, "");
}

/* ---- the cluster ---- */

struct pod {
	char ns[64], name[128], node[32], app[48], container[48];
	char uid[37];
	int state;   /* see enum */
	int pvc;     /* index into pvcs or -1 */
	int restarts;
	int64_t created;
};

enum { S_RUNNING, S_CRASHLOOP, S_IMAGEPULL, S_PENDING, S_SUCCEEDED };

static const char *const apps[] = {
	"web", "api", "worker", "cart", "checkout", "search", "auth", "billing",
	"redis", "postgres", "kafka", "nginx", "frontend", "ledger", "mailer",
	"scheduler", "notifier", "inventory", "catalog", "gateway",
};
static const char *const nsnames[] = {
	"shop", "payments", "data", "platform", "monitoring", "logging",
	"ingress", "analytics", "search", "identity", "batch", "ml",
};

static void ns_name(char *out, size_t n, long i)
{
	if (i == 0)
		snprintf(out, n, "velero");
	else if (i == 1)
		snprintf(out, n, "kube-system");
	else if (i - 2 < (long)(sizeof(nsnames) / sizeof(nsnames[0])))
		snprintf(out, n, "%s", nsnames[i - 2]);
	else
		snprintf(out, n, "team-%03ld", i);
}

static void make_pods(struct pod *p, long npods, long nns, long nnodes,
		      long npvcs)
{
	char hash[11], suffix[6];
	for (long i = 0; i < npods; i++) {
		struct pod *q = &p[i];
		int r = (int)rndn(100);
		memset(q, 0, sizeof(*q));
		if (i == 0) {
			snprintf(q->ns, sizeof(q->ns), "velero");
			snprintf(q->app, sizeof(q->app), "velero");
		} else if (i < 4) {
			snprintf(q->ns, sizeof(q->ns), "velero");
			snprintf(q->app, sizeof(q->app), "node-agent");
		} else {
			ns_name(q->ns, sizeof(q->ns), 2 + rndn(nns > 2 ? nns - 2 : 1));
			snprintf(q->app, sizeof(q->app), "%s", PICK(apps));
		}
		hexid(hash, sizeof(hash));
		hexid(suffix, sizeof(suffix));
		if (i > 0 && i < 4)
			snprintf(q->name, sizeof(q->name), "node-agent-%s", suffix);
		else
			snprintf(q->name, sizeof(q->name), "%s-%.9s-%s", q->app, hash,
				 suffix);
		snprintf(q->container, sizeof(q->container), "%s", q->app);
		snprintf(q->node, sizeof(q->node), "worker-%ld", 1 + rndn(nnodes));
		uuid(q->uid);
		q->created = COLLECTED_EPOCH - 3600 * (1 + rndn(24 * 30));
		q->pvc = npvcs && chance(25) ? (int)rndn(npvcs) : -1;
		if (i < 4 || r < 84)
			q->state = S_RUNNING;
		else if (r < 90)
			q->state = S_CRASHLOOP;
		else if (r < 94)
			q->state = S_IMAGEPULL;
		else if (r < 98)
			q->state = S_PENDING;
		else
			q->state = S_SUCCEEDED;
		q->restarts = q->state == S_CRASHLOOP ? 5 + (int)rndn(200)
			      : q->state == S_RUNNING && chance(10) ? (int)rndn(3) : 0;
	}
}

static void list_begin(FILE *f)
{
	fputs("{\n    \"apiVersion\": \"v1\",\n    \"items\": [", f);
}

static void list_end(FILE *f, long n)
{
	fprintf(f, "%s],\n    \"kind\": \"List\",\n    \"metadata\": {\n"
		   "        \"resourceVersion\": \"\"\n    }\n}\n", n ? "\n    " : "");
}

static void write_namespaces(struct gen *g, long nns)
{
	FILE *f = tmp();
	char name[64], created[32], id[37];
	list_begin(f);
	for (long i = 0; i < nns; i++) {
		ns_name(name, sizeof(name), i);
		uuid(id);
		isotime(created, COLLECTED_EPOCH - 86400 * (40 + i % 300));
		fprintf(f, "%s\n        {\n            \"apiVersion\": \"v1\",\n"
			   "            \"kind\": \"Namespace\",\n            \"metadata\": {\n"
			   "                \"creationTimestamp\": \"%s\",\n"
			   "                \"labels\": {\n"
			   "                    \"kubernetes.io/metadata.name\": \"%s\"\n"
			   "                },\n                \"name\": \"%s\",\n"
			   "                \"resourceVersion\": \"%ld\",\n"
			   "                \"uid\": \"%s\"\n            },\n"
			   "            \"spec\": {\n                \"finalizers\": [\n"
			   "                    \"kubernetes\"\n                ]\n"
			   "            },\n            \"status\": {\n"
			   "                \"phase\": \"Active\"\n            }\n        }",
			i ? "," : "", created, name, name, 100 + i, id);
	}
	list_end(f, nns);
	add_entry(g, "cluster/namespaces.json", f);
	kubectl_item(g, "cluster/namespaces.json", "namespaces", 0);
}

static void write_nodes(struct gen *g, long nnodes)
{
	FILE *f = tmp();
	char id[37], created[32];
	list_begin(f);
	for (long i = 1; i <= nnodes; i++) {
		int pressure = i == 2 && nnodes > 2;
		uuid(id);
		isotime(created, COLLECTED_EPOCH - 86400 * 90);
		fprintf(f, "%s\n        {\n            \"apiVersion\": \"v1\",\n"
			   "            \"kind\": \"Node\",\n            \"metadata\": {\n"
			   "                \"creationTimestamp\": \"%s\",\n"
			   "                \"labels\": {\n"
			   "                    \"kubernetes.io/hostname\": \"worker-%ld\",\n"
			   "                    \"kubernetes.io/os\": \"linux\"\n"
			   "                },\n                \"name\": \"worker-%ld\",\n"
			   "                \"uid\": \"%s\"\n            },\n"
			   "            \"spec\": {\n                \"podCIDR\": \"10.244.%ld.0/24\"\n"
			   "            },\n            \"status\": {\n"
			   "                \"allocatable\": {\n                    \"cpu\": \"15800m\",\n"
			   "                    \"memory\": \"63Gi\",\n                    \"pods\": \"110\"\n"
			   "                },\n                \"capacity\": {\n"
			   "                    \"cpu\": \"16\",\n                    \"memory\": \"64Gi\",\n"
			   "                    \"pods\": \"110\"\n                },\n"
			   "                \"conditions\": [\n"
			   "                    {\n                        \"lastHeartbeatTime\": \"%s\",\n"
			   "                        \"lastTransitionTime\": \"%s\",\n"
			   "                        \"message\": \"kubelet has %s\",\n"
			   "                        \"reason\": \"%s\",\n"
			   "                        \"status\": \"%s\",\n"
			   "                        \"type\": \"DiskPressure\"\n                    },\n"
			   "                    {\n                        \"lastHeartbeatTime\": \"%s\",\n"
			   "                        \"lastTransitionTime\": \"%s\",\n"
			   "                        \"message\": \"kubelet is posting ready status\",\n"
			   "                        \"reason\": \"KubeletReady\",\n"
			   "                        \"status\": \"True\",\n"
			   "                        \"type\": \"Ready\"\n                    }\n"
			   "                ],\n                \"nodeInfo\": {\n"
			   "                    \"containerRuntimeVersion\": \"containerd://1.7.13\",\n"
			   "                    \"kubeletVersion\": \"v1.29.2\",\n"
			   "                    \"osImage\": \"Debian GNU/Linux 12 (bookworm)\"\n"
			   "                }\n            }\n        }",
			i > 1 ? "," : "", created, i, i, id, i % 256, COLLECTED_TEXT, created,
			pressure ? "disk pressure" : "no disk pressure",
			pressure ? "KubeletHasDiskPressure" : "KubeletHasNoDiskPressure",
			pressure ? "True" : "False", COLLECTED_TEXT, created);
	}
	list_end(f, nnodes);
	add_entry(g, "cluster/nodes.json", f);
	kubectl_item(g, "cluster/nodes.json", "nodes", 0);
}

static void write_pod(FILE *f, const struct pod *q, long first)
{
	char created[32], started[32], finished[32], cid[65], hash[11];
	const char *image_tag = q->state == S_IMAGEPULL ? "v9.9.9-missing" : "1.4.2";
	isotime(created, q->created);
	isotime(started, q->created + 5 + rndn(60));
	isotime(finished, COLLECTED_EPOCH - 30 - rndn(600));
	hexid(cid, sizeof(cid));
	snprintf(hash, sizeof(hash), "%.9s", q->name + strlen(q->app) + 1);
	fprintf(f, "%s\n        {\n            \"apiVersion\": \"v1\",\n"
		   "            \"kind\": \"Pod\",\n            \"metadata\": {\n"
		   "                \"creationTimestamp\": \"%s\",\n"
		   "                \"generateName\": \"%s-%s-\",\n"
		   "                \"labels\": {\n"
		   "                    \"app.kubernetes.io/name\": \"%s\",\n"
		   "                    \"pod-template-hash\": \"%s\"\n"
		   "                },\n                \"name\": \"%s\",\n"
		   "                \"namespace\": \"%s\",\n"
		   "                \"ownerReferences\": [\n                    {\n"
		   "                        \"apiVersion\": \"apps/v1\",\n"
		   "                        \"blockOwnerDeletion\": true,\n"
		   "                        \"controller\": true,\n"
		   "                        \"kind\": \"%s\",\n"
		   "                        \"name\": \"%s%s%s\",\n"
		   "                        \"uid\": \"%s\"\n                    }\n"
		   "                ],\n                \"resourceVersion\": \"%" PRIu64 "\",\n"
		   "                \"uid\": \"%s\"\n            },\n",
		first ? "" : ",", created, q->app, hash, q->app, hash, q->name, q->ns,
		strncmp(q->name, "node-agent", 10) ? "ReplicaSet" : "DaemonSet",
		q->app, strncmp(q->name, "node-agent", 10) ? "-" : "",
		strncmp(q->name, "node-agent", 10) ? hash : "", q->uid,
		100000 + rnd() % 900000, q->uid);
	fprintf(f, "            \"spec\": {\n                \"containers\": [\n"
		   "                    {\n                        \"env\": [\n"
		   "                            {\n                                \"name\": \"LOG_LEVEL\",\n"
		   "                                \"value\": \"info\"\n                            }\n"
		   "                        ],\n"
		   "                        \"image\": \"registry.example.com/%s/%s:%s\",\n"
		   "                        \"imagePullPolicy\": \"IfNotPresent\",\n"
		   "                        \"name\": \"%s\",\n"
		   "                        \"ports\": [\n                            {\n"
		   "                                \"containerPort\": 8080,\n"
		   "                                \"protocol\": \"TCP\"\n                            }\n"
		   "                        ],\n                        \"resources\": {\n"
		   "                            \"limits\": {\n"
		   "                                \"cpu\": \"%dm\",\n"
		   "                                \"memory\": \"%dMi\"\n                            },\n"
		   "                            \"requests\": {\n"
		   "                                \"cpu\": \"%dm\",\n"
		   "                                \"memory\": \"%dMi\"\n                            }\n"
		   "                        },\n"
		   "                        \"terminationMessagePath\": \"/dev/termination-log\",\n"
		   "                        \"volumeMounts\": [\n"
		   "                            {\n                                \"mountPath\": \"/data\",\n"
		   "                                \"name\": \"data\"\n                            }\n"
		   "                        ]\n                    }\n                ],\n"
		   "                \"dnsPolicy\": \"ClusterFirst\",\n",
		q->ns, q->app, image_tag, q->container, 500 + 250 * (int)rndn(7),
		q->state == S_CRASHLOOP ? 128 : 256 << rndn(4), 100 + 50 * (int)rndn(5),
		128 << rndn(3));
	if (q->state != S_PENDING)
		fprintf(f, "                \"nodeName\": \"%s\",\n", q->node);
	fprintf(f, "                \"restartPolicy\": \"Always\",\n"
		   "                \"schedulerName\": \"default-scheduler\",\n"
		   "                \"serviceAccount\": \"%s\",\n"
		   "                \"serviceAccountName\": \"%s\",\n"
		   "                \"volumes\": [\n                    {\n"
		   "                        \"name\": \"data\",\n",
		q->app, q->app);
	if (q->pvc >= 0)
		fprintf(f, "                        \"persistentVolumeClaim\": {\n"
			   "                            \"claimName\": \"data-%d\"\n"
			   "                        }\n", q->pvc);
	else
		fprintf(f, "                        \"emptyDir\": {}\n");
	fprintf(f, "                    }\n                ]\n            },\n"
		   "            \"status\": {\n                \"conditions\": [\n");
	if (q->state == S_PENDING) {
		fprintf(f, "                    {\n                        \"lastProbeTime\": null,\n"
			   "                        \"lastTransitionTime\": \"%s\",\n"
			   "                        \"message\": \"0/%d nodes are available: %s\",\n"
			   "                        \"reason\": \"Unschedulable\",\n"
			   "                        \"status\": \"False\",\n"
			   "                        \"type\": \"PodScheduled\"\n                    }\n"
			   "                ],\n                \"phase\": \"Pending\",\n"
			   "                \"qosClass\": \"Burstable\"\n            }\n        }",
			created, 3 + (int)rndn(20),
			chance(50) ? "pod has unbound immediate PersistentVolumeClaims."
				   : "Insufficient memory.");
		return;
	}
	{
		int ready = q->state == S_RUNNING || q->state == S_SUCCEEDED;
		const char *conds[] = { "Initialized", "Ready", "ContainersReady", "PodScheduled" };
		for (int c = 0; c < 4; c++) {
			int ok = c == 0 || c == 3 || ready;
			fprintf(f, "                    {\n                        \"lastProbeTime\": null,\n"
				   "                        \"lastTransitionTime\": \"%s\",\n"
				   "%s                        \"status\": \"%s\",\n"
				   "                        \"type\": \"%s\"\n                    }%s\n",
				started,
				ok ? "" : "                        \"reason\": \"ContainersNotReady\",\n",
				ok ? "True" : "False", conds[c], c < 3 ? "," : "");
		}
	}
	fprintf(f, "                ],\n                \"containerStatuses\": [\n"
		   "                    {\n"
		   "                        \"containerID\": \"containerd://%s\",\n"
		   "                        \"image\": \"registry.example.com/%s/%s:%s\",\n"
		   "                        \"imageID\": \"\",\n",
		cid, q->ns, q->app, image_tag);
	if (q->state == S_CRASHLOOP)
		fprintf(f, "                        \"lastState\": {\n"
			   "                            \"terminated\": {\n"
			   "                                \"containerID\": \"containerd://%s\",\n"
			   "                                \"exitCode\": 137,\n"
			   "                                \"finishedAt\": \"%s\",\n"
			   "                                \"reason\": \"OOMKilled\",\n"
			   "                                \"startedAt\": \"%s\"\n"
			   "                            }\n                        },\n",
			cid, finished, started);
	else
		fprintf(f, "                        \"lastState\": {},\n");
	fprintf(f, "                        \"name\": \"%s\",\n"
		   "                        \"ready\": %s,\n"
		   "                        \"restartCount\": %d,\n"
		   "                        \"started\": %s,\n"
		   "                        \"state\": {\n",
		q->container, q->state == S_RUNNING ? "true" : "false", q->restarts,
		q->state == S_RUNNING ? "true" : "false");
	switch (q->state) {
	case S_RUNNING:
		fprintf(f, "                            \"running\": {\n"
			   "                                \"startedAt\": \"%s\"\n"
			   "                            }\n", started);
		break;
	case S_CRASHLOOP:
		fprintf(f, "                            \"waiting\": {\n"
			   "                                \"message\": \"back-off 5m0s restarting failed container=%s pod=%s_%s(%s)\",\n"
			   "                                \"reason\": \"CrashLoopBackOff\"\n"
			   "                            }\n", q->container, q->name, q->ns, q->uid);
		break;
	case S_IMAGEPULL:
		fprintf(f, "                            \"waiting\": {\n"
			   "                                \"message\": \"Back-off pulling image \\\"registry.example.com/%s/%s:%s\\\"\",\n"
			   "                                \"reason\": \"ImagePullBackOff\"\n"
			   "                            }\n", q->ns, q->app, image_tag);
		break;
	default:
		fprintf(f, "                            \"terminated\": {\n"
			   "                                \"exitCode\": 0,\n"
			   "                                \"finishedAt\": \"%s\",\n"
			   "                                \"reason\": \"Completed\",\n"
			   "                                \"startedAt\": \"%s\"\n"
			   "                            }\n", finished, started);
	}
	fprintf(f, "                        }\n                    }\n                ],\n"
		   "                \"hostIP\": \"10.0.0.%d\",\n"
		   "                \"phase\": \"%s\",\n"
		   "                \"podIP\": \"10.244.%d.%d\",\n"
		   "                \"qosClass\": \"Burstable\",\n"
		   "                \"startTime\": \"%s\"\n            }\n        }",
		1 + (int)rndn(250), q->state == S_SUCCEEDED ? "Succeeded" : "Running",
		(int)rndn(256), (int)rndn(256), started);
}

static void write_pods(struct gen *g, const struct pod *p, long n)
{
	FILE *f = tmp();
	list_begin(f);
	for (long i = 0; i < n; i++)
		write_pod(f, &p[i], i == 0);
	list_end(f, n);
	add_entry(g, "cluster/pods.json", f);
	kubectl_item(g, "cluster/pods.json", "pods", 1);
}

static void write_events(struct gen *g, const struct pod *p, long npods,
			 long nev)
{
	static const char *const normal[][2] = {
		{ "Scheduled", "Successfully assigned %s/%s to %s" },
		{ "Pulled", "Container image \\\"registry.example.com/%s/%s\\\" already present on machine%.0s" },
		{ "Created", "Created container %.0s%s%.0s" },
		{ "Started", "Started container %.0s%s%.0s" },
	};
	FILE *f = tmp();
	list_begin(f);
	for (long i = 0; i < nev; i++) {
		const struct pod *q = &p[rndn(npods)];
		char first[32], last[32], created[32], msg[512], hash[17], id[37];
		const char *reason, *type = "Normal", *comp = "kubelet";
		int count = 1;
		int64_t t = COLLECTED_EPOCH - rndn(6 * 3600);
		if (q->state == S_CRASHLOOP && chance(60)) {
			type = "Warning";
			if (chance(50)) {
				reason = "BackOff";
				snprintf(msg, sizeof(msg), "Back-off restarting failed container %s in pod %s_%s(%s)",
					 q->container, q->name, q->ns, q->uid);
			} else {
				reason = "OOMKilling";
				snprintf(msg, sizeof(msg), "Memory cgroup out of memory: Killed process %ld (%s) total-vm:%ldkB, anon-rss:%ldkB",
					 1000 + rndn(60000), q->app, 100000 + rndn(900000), 100000 + rndn(200000));
			}
			count = 1 + (int)rndn(200);
		} else if (q->state == S_IMAGEPULL && chance(60)) {
			type = "Warning";
			reason = chance(50) ? "Failed" : "BackOff";
			snprintf(msg, sizeof(msg), reason[0] == 'F'
				 ? "Failed to pull image \\\"registry.example.com/%s/%s:v9.9.9-missing\\\": rpc error: code = NotFound desc = failed to pull and unpack image: not found"
				 : "Back-off pulling image \\\"registry.example.com/%s/%s:v9.9.9-missing\\\"",
				 q->ns, q->app);
			count = 1 + (int)rndn(90);
		} else if (q->state == S_PENDING && chance(70)) {
			type = "Warning";
			reason = "FailedScheduling";
			comp = "default-scheduler";
			snprintf(msg, sizeof(msg), "0/%ld nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/%ld nodes are available: %ld Preemption is not helpful for scheduling.",
				 3 + rndn(20), 3 + rndn(20), 3 + rndn(20));
			count = 1 + (int)rndn(40);
		} else if (chance(3)) {
			type = "Warning";
			reason = "Unhealthy";
			snprintf(msg, sizeof(msg), "Readiness probe failed: Get \\\"http://10.244.%ld.%ld:8080/healthz\\\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)",
				 rndn(256), rndn(256));
		} else if (q->pvc >= 0 && chance(3)) {
			type = "Warning";
			reason = "FailedMount";
			snprintf(msg, sizeof(msg), "MountVolume.SetUp failed for volume \\\"pvc-%08lx\\\" : rpc error: code = DeadlineExceeded desc = context deadline exceeded",
				 (long)rndn(1L << 30));
		} else {
			int k = (int)rndn(4);
			reason = normal[k][0];
			if (k == 0)
				snprintf(msg, sizeof(msg), normal[k][1], q->ns, q->name, q->node);
			else
				snprintf(msg, sizeof(msg), normal[k][1], q->ns, q->app, "");
		}
		isotime(first, t - (count > 1 ? 60 * count : 0));
		isotime(last, t);
		isotime(created, t - (count > 1 ? 60 * count : 0));
		hexid(hash, sizeof(hash));
		uuid(id);
		fprintf(f, "%s\n        {\n            \"apiVersion\": \"v1\",\n"
			   "            \"count\": %d,\n"
			   "            \"eventTime\": null,\n"
			   "            \"firstTimestamp\": \"%s\",\n"
			   "            \"involvedObject\": {\n"
			   "                \"apiVersion\": \"v1\",\n"
			   "                \"fieldPath\": \"spec.containers{%s}\",\n"
			   "                \"kind\": \"Pod\",\n"
			   "                \"name\": \"%s\",\n"
			   "                \"namespace\": \"%s\",\n"
			   "                \"uid\": \"%s\"\n            },\n"
			   "            \"kind\": \"Event\",\n"
			   "            \"lastTimestamp\": \"%s\",\n"
			   "            \"message\": \"%s\",\n"
			   "            \"metadata\": {\n"
			   "                \"creationTimestamp\": \"%s\",\n"
			   "                \"name\": \"%s.%s\",\n"
			   "                \"namespace\": \"%s\",\n"
			   "                \"resourceVersion\": \"%ld\",\n"
			   "                \"uid\": \"%s\"\n            },\n"
			   "            \"reason\": \"%s\",\n"
			   "            \"reportingComponent\": \"%s\",\n"
			   "            \"reportingInstance\": \"%s\",\n"
			   "            \"source\": {\n"
			   "                \"component\": \"%s\",\n"
			   "                \"host\": \"%s\"\n            },\n"
			   "            \"type\": \"%s\"\n        }",
			i ? "," : "", count, first, q->container, q->name, q->ns, q->uid,
			last, msg, created, q->name, hash, q->ns, 200000 + i, id, reason,
			comp, q->node, comp, q->node, type);
	}
	list_end(f, nev);
	add_entry(g, "cluster/events.json", f);
	kubectl_item(g, "cluster/events.json", "events", 1);
}

static void write_pvcs(struct gen *g, long n, long nns)
{
	FILE *f = tmp();
	list_begin(f);
	for (long i = 0; i < n; i++) {
		char ns[64], created[32], id[37];
		int pending = chance(8);
		const char *sc = pending && chance(50) ? "fast-ssd-missing" : "standard";
		ns_name(ns, sizeof(ns), 2 + rndn(nns > 2 ? nns - 2 : 1));
		isotime(created, COLLECTED_EPOCH - 3600 * (1 + rndn(24 * 60)));
		uuid(id);
		fprintf(f, "%s\n        {\n            \"apiVersion\": \"v1\",\n"
			   "            \"kind\": \"PersistentVolumeClaim\",\n"
			   "            \"metadata\": {\n"
			   "                \"creationTimestamp\": \"%s\",\n"
			   "                \"name\": \"data-%ld\",\n"
			   "                \"namespace\": \"%s\",\n"
			   "                \"uid\": \"%s\"\n            },\n"
			   "            \"spec\": {\n                \"accessModes\": [\n"
			   "                    \"ReadWriteOnce\"\n                ],\n"
			   "                \"resources\": {\n                    \"requests\": {\n"
			   "                        \"storage\": \"%dGi\"\n"
			   "                    }\n                },\n"
			   "                \"storageClassName\": \"%s\",\n"
			   "                \"volumeMode\": \"Filesystem\"%s%s%s\n            },\n"
			   "            \"status\": {\n                \"phase\": \"%s\"%s\n"
			   "            }\n        }",
			i ? "," : "", created, i, ns, id, 1 << rndn(8), sc,
			pending ? "" : ",\n                \"volumeName\": \"pvc-", pending ? "" : id,
			pending ? "" : "\"", pending ? "Pending" : "Bound",
			pending ? "" : ",\n                \"accessModes\": [\n                    \"ReadWriteOnce\"\n                ]");
	}
	list_end(f, n);
	add_entry(g, "cluster/persistentvolumeclaims.json", f);
	kubectl_item(g, "cluster/persistentvolumeclaims.json", "persistentvolumeclaims", 1);
}

static void write_velero(struct gen *g, long n, long nns)
{
	FILE *f = tmp();
	list_begin(f);
	for (long i = 0; i < n; i++) {
		char created[32], start[32], done[32], id[37], ns[64];
		int r = (int)rndn(100);
		const char *phase = r < 80 ? "Completed" : r < 90 ? "PartiallyFailed"
				     : r < 97 ? "Failed" : "InProgress";
		int64_t t = COLLECTED_EPOCH - 86400 * (n - i) / (n ? n : 1) - 8 * 3600;
		int sched = i % 3 != 0;
		isotime(created, t);
		isotime(start, t + 1);
		isotime(done, t + 60 + rndn(3000));
		uuid(id);
		ns_name(ns, sizeof(ns), 2 + rndn(nns > 2 ? nns - 2 : 1));
		fprintf(f, "%s\n        {\n            \"apiVersion\": \"velero.io/v1\",\n"
			   "            \"kind\": \"Backup\",\n            \"metadata\": {\n"
			   "                \"creationTimestamp\": \"%s\",\n"
			   "                \"labels\": {\n"
			   "                    \"velero.io/storage-location\": \"default\"%s%s\n"
			   "                },\n"
			   "                \"name\": \"%s-%ld\",\n"
			   "                \"namespace\": \"velero\",\n"
			   "                \"uid\": \"%s\"\n            },\n"
			   "            \"spec\": {\n"
			   "                \"includedNamespaces\": [\n                    \"%s\"\n"
			   "                ],\n"
			   "                \"storageLocation\": \"default\",\n"
			   "                \"ttl\": \"720h0m0s\"\n            },\n"
			   "            \"status\": {\n",
			i ? "," : "", created,
			sched ? ",\n                    \"velero.io/schedule-name\": \"daily\"" : "", "",
			sched ? "daily" : "manual", 20261100 + i, id, ns);
		if (strcmp(phase, "InProgress"))
			fprintf(f, "                \"completionTimestamp\": \"%s\",\n", done);
		if (!strcmp(phase, "PartiallyFailed"))
			fprintf(f, "                \"errors\": %d,\n", 1 + (int)rndn(20));
		if (!strcmp(phase, "Failed"))
			fprintf(f, "                \"failureReason\": \"%s\",\n",
				chance(50) ? "error checking if backup already exists in object storage: rpc error: code = Unknown desc = AccessDenied: Access Denied"
					   : "context deadline exceeded");
		fprintf(f, "                \"phase\": \"%s\",\n"
			   "                \"progress\": {\n"
			   "                    \"itemsBackedUp\": %ld,\n"
			   "                    \"totalItems\": %ld\n                },\n"
			   "                \"startTimestamp\": \"%s\",\n"
			   "                \"version\": 1,\n"
			   "                \"warnings\": %d\n            }\n        }",
			phase, 100 + rndn(900), 1000L, start, (int)rndn(3));
	}
	list_end(f, n);
	add_entry(g, "cluster/backups.json", f);
	kubectl_item(g, "cluster/backups.json", "backups.velero.io", 1);

	f = tmp();
	list_begin(f);
	fprintf(f, "\n        {\n            \"apiVersion\": \"velero.io/v1\",\n"
		   "            \"kind\": \"BackupStorageLocation\",\n"
		   "            \"metadata\": {\n"
		   "                \"creationTimestamp\": \"2026-09-01T00:00:00Z\",\n"
		   "                \"name\": \"default\",\n"
		   "                \"namespace\": \"velero\"\n            },\n"
		   "            \"spec\": {\n                \"default\": true,\n"
		   "                \"objectStorage\": {\n"
		   "                    \"bucket\": \"velero-backups\"\n                },\n"
		   "                \"provider\": \"aws\"\n            },\n"
		   "            \"status\": {\n"
		   "                \"lastValidationTime\": \"2026-12-04T09:59:00Z\",\n"
		   "                \"phase\": \"Available\"\n            }\n        }");
	list_end(f, 1);
	add_entry(g, "cluster/backupstoragelocations.json", f);
	kubectl_item(g, "cluster/backupstoragelocations.json",
		     "backupstoragelocations.velero.io", 1);
}

/* ---- logs ---- */

enum { L_LOGFMT, L_KLOG, L_JSON, L_CRI_LOGFMT, L_CRI_KLOG, L_CRI_JSON };

static const char *const levels_w[] = {
	"info", "info", "info", "info", "info", "info", "info", "info", "info",
	"info", "info", "info", "debug", "debug", "warning", "error",
};

struct clock {
	int64_t sec;
	long nsec;
	int64_t cached_sec;
	char ymdhms[32];  /* "2026-12-04T09:00:00" */
	struct tm tm;
};

static void clock_tick(struct clock *c)
{
	c->nsec += 1000 + rndn(4000000);
	while (c->nsec >= 1000000000L) {
		c->nsec -= 1000000000L;
		c->sec++;
	}
	if (c->sec != c->cached_sec) {
		time_t tt = (time_t)c->sec;
		gmtime_r(&tt, &c->tm);
		strftime(c->ymdhms, sizeof(c->ymdhms), "%Y-%m-%dT%H:%M:%S", &c->tm);
		c->cached_sec = c->sec;
	}
}

/* A message in one of a few dozen shapes, with varying values. */
static const char *message(char *out, size_t n, const char *level, int velero)
{
	static const char *const info[] = {
		"Backed up %ld items out of an estimated total of %ld",
		"Processing item resource=pods namespace=shop name=web-%lx",
		"Reconciling backup storage location",
		"Checking for existing backup locations ready to be verified; there needs to be at least 1 backup location available",
		"Listing items groupResource=persistentvolumeclaims namespace=data (%ld items)",
		"Request completed in %ldms status=200 path=/api/v1/items/%ld",
		"Successfully synced %ld objects in %ld.%03lds",
		"Starting workers count=%ld",
	};
	static const char *const warn[] = {
		"Retrying request after %ldms: connection reset by peer (attempt %ld)",
		"slow response from 10.96.%ld.%ld:443 took %ldms",
	};
	static const char *const err[] = {
		"Error backing up item: Get \"https://10.96.0.1:443/api/v1/namespaces/shop/configmaps\": context deadline exceeded (attempt %ld of %ld)",
		"failed to upload object %lx: AccessDenied: Access Denied status code: 403 request id %ld",
		"pod volume backup failed: error running restic backup, stderr=Fatal: unable to open repository id %ld: %ld",
	};
	const char *fmt;
	long a = rndn(100000), b = rndn(1000), c = rndn(1000);
	(void)velero;
	if (level[0] == 'e')
		fmt = PICK(err);
	else if (level[0] == 'w')
		fmt = PICK(warn);
	else
		fmt = PICK(info);
	snprintf(out, n, fmt, a, b, c);
	return out;
}

static size_t json_quote(char *out, size_t n, const char *s)
{
	size_t o = 0;
	for (; *s && o + 3 < n; s++) {
		if (*s == '"' || *s == '\\')
			out[o++] = '\\';
		out[o++] = *s;
	}
	out[o] = '\0';
	return o;
}

/* One inner line (no newline) into out; returns its length. */
static int inner_line(char *out, size_t n, int fmt, struct clock *c,
		      const struct pod *q)
{
	char msg[512], q2[600];
	const char *lv = PICK(levels_w);
	static const char klev[] = { 'I', 'W', 'E' };
	int k;
	message(msg, sizeof(msg), lv, 1);
	switch (fmt) {
	case L_LOGFMT:
		json_quote(q2, sizeof(q2), msg);
		return snprintf(out, n, "time=\"%sZ\" level=%s msg=\"%s\" backup=velero/daily-%ld "
				"controller=backup logSource=\"pkg/backup/backup.go:%ld\"",
				c->ymdhms, lv, q2, 20261100 + rndn(40), 100 + rndn(800));
	case L_KLOG:
		k = lv[0] == 'e' ? 2 : lv[0] == 'w' ? 1 : 0;
		return snprintf(out, n, "%c%02d%02d %02d:%02d:%02d.%06ld       1 %s.go:%ld] %s pod=\"%s/%s\"",
				klev[k], c->tm.tm_mon + 1, c->tm.tm_mday, c->tm.tm_hour,
				c->tm.tm_min, c->tm.tm_sec, c->nsec / 1000,
				PICK(apps), 20 + rndn(900), msg, q->ns, q->name);
	default:
		json_quote(q2, sizeof(q2), msg);
		return snprintf(out, n, "{\"level\":\"%s\",\"ts\":\"%s.%03ldZ\",\"logger\":\"%s\","
				"\"caller\":\"%s/handler.go:%ld\",\"msg\":\"%s\",\"request_id\":\"%08lx\","
				"\"duration_ms\":%ld}",
				lv, c->ymdhms, c->nsec / 1000000, q->app, q->app,
				10 + rndn(500), q2, (long)rndn(1L << 31), rndn(5000));
	}
}

static void write_log(struct gen *g, const struct pod *q, int fmt,
		      long long bytes, long fileno)
{
	FILE *f = tmp();
	char line[2048], path[512], argv[512], extra[512];
	struct clock c;
	long long written = 0;
	int inner = fmt % 3, cri = fmt >= 3;

	memset(&c, 0, sizeof(c));
	c.sec = COLLECTED_EPOCH - 24 * 3600 + rndn(3600);
	c.cached_sec = -1;
	clock_tick(&c);
	while (written < bytes) {
		int n = inner_line(line, sizeof(line), inner, &c, q);
		if (n < 0 || n >= (int)sizeof(line))
			n = (int)strlen(line);
		if (cri) {
			const char *stream = inner == L_KLOG ? "stderr" : "stdout";
			if (n > 120 && chance(2)) {
				/* a long line split by the runtime: P then F */
				int cut = n / 2;
				written += fprintf(f, "%s.%09ldZ %s P %.*s\n", c.ymdhms, c.nsec,
						   stream, cut, line);
				written += fprintf(f, "%s.%09ldZ %s F %s\n", c.ymdhms, c.nsec,
						   stream, line + cut);
			} else {
				written += fprintf(f, "%s.%09ldZ %s F %s\n", c.ymdhms, c.nsec,
						   stream, line);
			}
		} else {
			fwrite(line, 1, (size_t)n, f);
			fputc('\n', f);
			written += n + 1;
		}
		clock_tick(&c);
	}
	snprintf(path, sizeof(path), "logs/%s/%s/%s%s.log", q->ns, q->name, q->container,
		 fileno % 7 == 6 ? ".previous" : "");
	add_entry(g, path, f);
	snprintf(argv, sizeof(argv),
		 "[\"kubectl\", \"logs\", \"%s\", \"-n\", \"%s\", \"-c\", \"%s\"%s]",
		 q->name, q->ns, q->container, fileno % 7 == 6 ? ", \"--previous\"" : "");
	snprintf(extra, sizeof(extra),
		 ", \"namespace\": \"%s\", \"pod\": \"%s\", \"container\": \"%s\", \"previous\": %s",
		 q->ns, q->name, q->container, fileno % 7 == 6 ? "true" : "false");
	item(g, path, "log", argv, extra);
}

static void usage(void)
{
	fputs("usage: gen-bundle -o OUT.tar.gz [--seed N] [--logs-mb N] [--log-files N]\n"
	      "                  [--pods N] [--events N] [--pvcs N] [--namespaces N]\n"
	      "                  [--backups N] [--context NAME]\n", stderr);
	exit(2);
}

static long num(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (*end || v < 0)
		usage();
	return v;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "output", required_argument, NULL, 'o' },
		{ "logs-mb", required_argument, NULL, 'L' },
		{ "log-files", required_argument, NULL, 'F' },
		{ "pods", required_argument, NULL, 'p' },
		{ "events", required_argument, NULL, 'e' },
		{ "pvcs", required_argument, NULL, 'v' },
		{ "namespaces", required_argument, NULL, 'n' },
		{ "backups", required_argument, NULL, 'b' },
		{ "context", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = { 1, NULL, "bench", 8, 4, 200, 2000, 100, 0, 30 };
	struct gen g;
	struct pod *pods;
	long nnodes, log_pods = 0;
	int c;
	FILE *mf, *body;

	while ((c = getopt_long(argc, argv, "o:s:", lo, NULL)) != -1) {
		switch (c) {
		case 's': o.seed = (uint64_t)strtoull(optarg, NULL, 10); break;
		case 'o': o.out = optarg; break;
		case 'L': o.logs_mb = num(optarg); break;
		case 'F': o.log_files = num(optarg); break;
		case 'p': o.pods = num(optarg); break;
		case 'e': o.events = num(optarg); break;
		case 'v': o.pvcs = num(optarg); break;
		case 'n': o.namespaces = num(optarg); break;
		case 'b': o.backups = num(optarg); break;
		case 'c': o.context = optarg; break;
		default: usage();
		}
	}
	if (!o.out || optind != argc)
		usage();
	if (o.pods < 4)
		o.pods = 4;
	if (!o.namespaces)
		o.namespaces = 2 + (o.pods / 100 < 12 ? 12 : o.pods / 100 > 200 ? 200 : o.pods / 100);
	if (o.namespaces < 3)
		o.namespaces = 3;
	nnodes = 3 + o.pods / 60;
	rng_state = o.seed * 0x2545F4914F6CDD1Dull + 1;

	memset(&g, 0, sizeof(g));
	snprintf(g.top, sizeof(g.top), "podmortem-%s-%s", o.context, TOP_STAMP);
	g.manifest_items = tmp();
	body = tmp();
	g.a = archive_write_new();
	if (archive_write_set_format_pax_restricted(g.a) != ARCHIVE_OK ||
	    archive_write_open_fd(g.a, fileno(body)) != ARCHIVE_OK)
		die("body: %s", archive_error_string(g.a));

	pods = calloc((size_t)o.pods, sizeof(*pods));
	if (!pods)
		die("out of memory");
	make_pods(pods, o.pods, o.namespaces, nnodes, o.pvcs);

	write_namespaces(&g, o.namespaces);
	write_nodes(&g, nnodes);
	write_pods(&g, pods, o.pods);
	write_events(&g, pods, o.pods, o.events);
	write_pvcs(&g, o.pvcs, o.namespaces);
	write_velero(&g, o.backups, o.namespaces);
	if (o.log_files && o.logs_mb) {
		long long per = (long long)o.logs_mb * 1048576 / o.log_files;
		for (long i = 0; i < o.log_files; i++) {
			/* the velero pod first, then node agents, then apps */
			const struct pod *q = i == 0 ? &pods[0] : i < 4 ? &pods[i]
					    : &pods[4 + (log_pods++ * 7919) % (o.pods - 4)];
			int fmt = i == 0 ? L_LOGFMT : i < 4 ? L_CRI_LOGFMT : (int)(i % 6);
			write_log(&g, q, fmt, per, i);
		}
	}

	if (archive_write_close(g.a) != ARCHIVE_OK)
		die("body: %s", archive_error_string(g.a));
	archive_write_free(g.a);

	/* manifest.json first, as the collector writes it */
	g.a = archive_write_new();
	if (archive_write_add_filter_gzip(g.a) != ARCHIVE_OK ||
	    archive_write_set_filter_option(g.a, "gzip", "timestamp", NULL) != ARCHIVE_OK ||
	    archive_write_set_format_pax_restricted(g.a) != ARCHIVE_OK ||
	    archive_write_open_filename(g.a, o.out) != ARCHIVE_OK)
		die("%s: %s", o.out, archive_error_string(g.a));
	mf = tmp();
	fprintf(mf, "{\n  \"format\": 1,\n  \"collector\": {\"name\": \"podmortem-collect\","
		    " \"version\": \"0.1.0\"},\n  \"cluster\": {\"context\": \"%s\","
		    " \"server\": \"https://203.0.113.10:6443\", \"version\": \"v1.29.2\"},\n"
		    "  \"collected_at\": \"%s\",\n  \"generator\": {\"name\": \"gen-bundle\","
		    " \"seed\": %" PRIu64 "},\n  \"items\": [",
		o.context, COLLECTED_TEXT, o.seed);
	{
		char buf[1 << 16];
		size_t n;
		fflush(g.manifest_items);
		rewind(g.manifest_items);
		while ((n = fread(buf, 1, sizeof(buf), g.manifest_items)) > 0)
			fwrite(buf, 1, n, mf);
		fclose(g.manifest_items);
	}
	fputs("\n  ]\n}\n", mf);
	add_entry(&g, "manifest.json", mf);
	copy_body(&g, body);
	if (archive_write_close(g.a) != ARCHIVE_OK)
		die("%s: %s", o.out, archive_error_string(g.a));
	archive_write_free(g.a);
	free(pods);
	return 0;
}
