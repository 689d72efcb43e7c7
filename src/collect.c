/* collect.c - running spec steps into a redacted bundle; see collect.h. */
#include "podmortem/collect.h"
#include "podmortem/buf.h"
#include "podmortem/bundlewrite.h"
#include "podmortem/redact.h"
#include "podmortem/timeutil.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <glob.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#define STDERR_CAP (64u << 10)
#define STDERR_KEEP 4096          /* bytes of stderr kept in the manifest */
#define LOG_CAP (4u << 20)
#define KILL_GRACE_MS 2000
#define PODS_MAX 50000
#define APIRES_MAX 5000
#define INSTANCES_MAX 100000
#define LINE_CAP (1u << 20)
#define NAME_MAX_LEN 253

enum { ST_PENDING, ST_RUNNING, ST_DONE };

struct container {
	char *name;
	int restarted;
};

struct pod {
	char *ns, *name, *sa;
	struct container *c;
	size_t nc;
};

struct inst {
	size_t step;
	char **argv, **fallback;
	char *path, *cleanup;
	char *ns, *pod, *container;
	int previous, host_item;
	long timeout_ms;
	long long max_output;
	int state;
	/* while running */
	pid_t pid;
	int out_fd, err_fd;
	int spool_fd;
	char *spool;
	long long out_bytes;
	int truncated, timed_out, deadline_killed, term_sent, reaped, status;
	struct pm_buf err;
	long long start_ms, end_ms, deadline_ms, term_at_ms;
	char started_at[PM_TIME_LEN];
};

struct run {
	const struct pm_collect_opts *o;
	const struct pm_spec *spec;
	struct pm_redactor red;
	struct pm_bundlew bw;
	int bw_open;
	int bw_failed;
	char *tmpdir;
	char *cache_dir;
	/* variables */
	char host[256];
	char api_host[256];
	char server[1024];
	char context[256];
	char k8s_version[128];
	char pid[32];
	char probe_path[4096];
	char max_out[32];
	/* steps */
	int *expanded;            /* per step: 0 not yet, 1 done expanding */
	long *outstanding;        /* per step: instances not finished */
	/* instances */
	struct inst *in;
	size_t nin, ain;
	/* discovery */
	struct pod *pods;
	size_t npods, apods;
	int pods_truncated;
	char **apires;
	size_t napires;
	int apires_ok;
	/* bookkeeping */
	json_t *items;
	struct pm_buf log;
	long long t0_ms, deadline_ms;
	int deadline_hit;
	long seq, done, nrunning;
	struct pm_collect_result *res;
	struct pm_error *err;
};

/* ---- small helpers ---- */

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void utc_now(char out[PM_TIME_LEN])
{
	pm_time_format((int64_t)time(NULL), out);
}

static void logf_(struct run *R, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void logf_(struct run *R, const char *fmt, ...)
{
	char stamp[PM_TIME_LEN], line[2048];
	va_list ap;
	utc_now(stamp);
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	pm_buf_addf(&R->log, "%s %s\n", stamp, line);
}

static void progress(struct run *R, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void progress(struct run *R, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	if (!R->o->progress)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	R->o->progress(R->o->progress_ctx, line);
}

static char *xstrdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

static void strv_free(char **v)
{
	size_t i;
	if (!v)
		return;
	for (i = 0; v[i]; i++)
		free(v[i]);
	free(v);
}

/* A Kubernetes object name safe as an argument and a path segment. */
static int name_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0, i;
	if (n == 0 || n > NAME_MAX_LEN || s[0] == '-' || s[0] == '.')
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '.' && s[i] != '_')
			return 0;
	return 1;
}

/* Any text made into one path segment. */
static void sanitize_segment(const char *in, char *out, size_t n)
{
	size_t i, j = 0;
	for (i = 0; in[i] && j + 1 < n; i++) {
		unsigned char c = (unsigned char)in[i];
		out[j++] = (isalnum(c) || c == '-' || c == '.' || c == '_') ? (char)c : '_';
	}
	out[j] = '\0';
	if ((j == 0 || out[0] == '.') && n >= 2) {
		/* never "", "." or "..": prefix with '_' */
		if (j + 2 > n)
			j = n - 2;
		memmove(out + 1, out, j);
		out[0] = '_';
		out[j + 1] = '\0';
	}
}

/* ---- template expansion ---- */

struct vars {
	struct run *R;
	const char *ns, *pod, *container, *sa, *file, *file_name;
	int all_ns;
	long long max_output;
};

static const char *var_value(const struct vars *v, const char *name, size_t n, int *known)
{
	struct run *R = v->R;
	*known = 1;
#define IS(x) (n == strlen(x) && !memcmp(name, x, n))
	if (IS("namespace")) return v->ns ? v->ns : "";
	if (IS("pod")) return v->pod ? v->pod : "";
	if (IS("container")) return v->container ? v->container : "";
	if (IS("serviceaccount")) return v->sa ? v->sa : "";
	if (IS("file")) return v->file ? v->file : "";
	if (IS("file_name")) return v->file_name ? v->file_name : "";
	if (IS("kubeconfig")) return R->o->kubeconfig ? R->o->kubeconfig : "";
	if (IS("context")) return R->o->context ? R->o->context : "";
	if (IS("cache_dir")) return R->cache_dir ? R->cache_dir : "";
	if (IS("probe_path")) return R->probe_path;
	if (IS("iperf_server")) return R->o->iperf_server ? R->o->iperf_server : "";
	if (IS("api_host")) return R->api_host;
	if (IS("host")) return R->host;
	if (IS("since")) return R->o->since ? R->o->since : "";
	if (IS("pid")) return R->pid;
	if (IS("max_output")) {
		snprintf(R->max_out, sizeof(R->max_out), "%lld", v->max_output);
		return R->max_out;
	}
	if (IS("scope_flag")) {
		static char flag[NAME_MAX_LEN + 16];
		if (v->all_ns || !v->ns)
			return "--all-namespaces";
		snprintf(flag, sizeof(flag), "--namespace=%s", v->ns);
		return flag;
	}
#undef IS
	*known = 0;
	return "";
}

/*
 * Expands "{var}" in t into out.  *empty is set when a placeholder was
 * empty or unknown.  For paths every value becomes one safe segment.
 */
static int expand(const struct vars *v, const char *t, int for_path, struct pm_buf *out,
		  int *empty)
{
	const char *p = t;
	pm_buf_reset(out);
	*empty = 0;
	while (*p) {
		const char *close;
		if (*p == '{' && (close = strchr(p + 1, '}')) != NULL) {
			int known;
			const char *val = var_value(v, p + 1, (size_t)(close - p - 1), &known);
			if (!known || !*val)
				*empty = 1;
			if (for_path) {
				char seg[512];
				sanitize_segment(val, seg, sizeof(seg));
				pm_buf_adds(out, seg);
			} else {
				pm_buf_adds(out, val);
			}
			p = close + 1;
		} else {
			pm_buf_addc(out, *p++);
		}
	}
	return pm_buf_check(out);
}

static int strv_push(char ***v, size_t *n, const char *s)
{
	char **nv = realloc(*v, (*n + 2) * sizeof(char *));
	if (!nv)
		return PM_ENOMEM;
	*v = nv;
	nv[*n] = strdup(s);
	if (!nv[*n])
		return PM_ENOMEM;
	nv[++*n] = NULL;
	return 0;
}

static char **expand_argv(struct run *R, const struct vars *v, char *const *tmpl, size_t nt)
{
	struct pm_buf b = PM_BUF_INIT(1 << 16);
	char **out = NULL;
	size_t n = 0, i;
	int empty, rc = 0;

	if (!nt)
		return NULL;
	for (i = 0; i < nt && !rc; i++) {
		const char *t = tmpl[i];
		if (!strcmp(t, "{kubectl_flags}")) {
			if (R->o->kubeconfig) {
				pm_buf_reset(&b);
				pm_buf_addf(&b, "--kubeconfig=%s", R->o->kubeconfig);
				rc = strv_push(&out, &n, pm_buf_cstr(&b));
			}
			if (!rc && R->o->context) {
				pm_buf_reset(&b);
				pm_buf_addf(&b, "--context=%s", R->o->context);
				rc = strv_push(&out, &n, pm_buf_cstr(&b));
			}
			if (!rc && R->cache_dir) {
				pm_buf_reset(&b);
				pm_buf_addf(&b, "--cache-dir=%s", R->cache_dir);
				rc = strv_push(&out, &n, pm_buf_cstr(&b));
			}
			continue;
		}
		if (t[0] == '?') {
			if (expand(v, t + 1, 0, &b, &empty) || empty)
				continue;
		} else if (expand(v, t, 0, &b, &empty)) {
			rc = PM_ETOOBIG;
			break;
		}
		rc = strv_push(&out, &n, pm_buf_cstr(&b));
	}
	pm_buf_release(&b);
	if (rc || !out) {
		strv_free(out);
		return NULL;
	}
	return out;
}

/* ---- instances ---- */

static int path_taken(struct run *R, const char *path)
{
	size_t i;
	for (i = 0; i < R->nin; i++)
		if (!strcmp(R->in[i].path, path))
			return 1;
	return 0;
}

static int add_instance(struct run *R, size_t si, const struct vars *vin, int previous)
{
	const struct pm_spec_step *st = &R->spec->steps[si];
	struct vars vv = *vin, *v = &vv;
	struct pm_buf b = PM_BUF_INIT(8192);
	struct inst *in;
	const char *tmpl = (v->all_ns && st->output_all) ? st->output_all : st->output;
	int empty;

	if (R->nin >= INSTANCES_MAX)
		return PM_ETOOBIG;
	if (expand(v, tmpl, 1, &b, &empty)) {
		pm_buf_release(&b);
		return PM_ETOOBIG;
	}
	if (path_taken(R, pm_buf_cstr(&b))) {
		pm_buf_release(&b);
		return 0; /* e.g. two pods sharing one service account */
	}
	if (R->nin == R->ain) {
		size_t na = R->ain ? R->ain * 2 : 64;
		struct inst *ni = realloc(R->in, na * sizeof(*ni));
		if (!ni) {
			pm_buf_release(&b);
			return PM_ENOMEM;
		}
		R->in = ni;
		R->ain = na;
	}
	in = &R->in[R->nin];
	memset(in, 0, sizeof(*in));
	vv.max_output = st->max_output;
	in->step = si;
	in->path = pm_buf_detach(&b, NULL);
	in->argv = expand_argv(R, v, st->argv.v, st->argv.n);
	in->fallback = expand_argv(R, v, st->fallback.v, st->fallback.n);
	if (st->cleanup && !expand(v, st->cleanup, 0, &b, &empty) && !empty)
		in->cleanup = pm_buf_detach(&b, NULL);
	pm_buf_release(&b);
	if (!in->path || !in->argv) {
		free(in->path);
		strv_free(in->argv);
		strv_free(in->fallback);
		free(in->cleanup);
		return PM_ENOMEM;
	}
	in->ns = v->all_ns ? NULL : xstrdup(v->ns);
	in->pod = xstrdup(v->pod);
	in->container = xstrdup(v->container);
	in->previous = previous;
	in->host_item = !strncmp(in->path, "host/", 5);
	in->timeout_ms = R->o->timeout_ms > 0 ? R->o->timeout_ms : st->timeout_ms;
	in->max_output = st->max_output;
	in->state = ST_PENDING;
	in->pid = -1;
	in->out_fd = in->err_fd = in->spool_fd = -1;
	pm_buf_init(&in->err, STDERR_CAP);
	R->nin++;
	R->outstanding[si]++;
	return 0;
}

static int requirements_met(struct run *R, size_t si)
{
	const struct pm_spec_step *st = &R->spec->steps[si];
	struct vars v = { R, NULL, NULL, NULL, NULL, NULL, NULL, 1, 0 };
	struct pm_buf b = PM_BUF_INIT(4096);
	size_t i;
	int empty;

	for (i = 0; i < st->requires.n; i++) {
		char t[300];
		snprintf(t, sizeof(t), "{%s}", st->requires.v[i]);
		expand(&v, t, 0, &b, &empty);
		if (empty) {
			logf_(R, "step %s skipped: %s not set", st->name, st->requires.v[i]);
			pm_buf_release(&b);
			return 0;
		}
	}
	pm_buf_release(&b);
	for (i = 0; i < st->requires_readable.n; i++)
		if (access(st->requires_readable.v[i], R_OK) != 0) {
			logf_(R, "step %s skipped: %s not readable", st->name,
			      st->requires_readable.v[i]);
			return 0;
		}
	if (st->requires_resource && R->apires_ok) {
		for (i = 0; i < R->napires; i++)
			if (!strcmp(R->apires[i], st->requires_resource))
				break;
		if (i == R->napires) {
			logf_(R, "step %s skipped: the API server has no %s", st->name,
			      st->requires_resource);
			return 0;
		}
	}
	return 1;
}

static long step_index(struct run *R, const char *name)
{
	size_t i;
	for (i = 0; i < R->spec->nsteps; i++)
		if (!strcmp(R->spec->steps[i].name, name))
			return (long)i;
	return -1;
}

/* 1 when what step si waits for has finished (or does not exist). */
static int deps_done(struct run *R, size_t si)
{
	const struct pm_spec_step *st = &R->spec->steps[si];
	long d;
	if (st->from && (d = step_index(R, st->from)) >= 0 && (size_t)d != si &&
	    (!R->expanded[d] || R->outstanding[d] > 0))
		return 0;
	if (st->requires_resource && (d = step_index(R, "api-resources")) >= 0 &&
	    (size_t)d != si && (!R->expanded[d] || R->outstanding[d] > 0))
		return 0;
	return 1;
}

static int pod_matches(const struct pm_spec_step *st, const struct pod *p)
{
	size_t i;
	if (!st->match.n)
		return 1;
	for (i = 0; i < st->match.n; i++)
		if (strstr(p->ns, st->match.v[i]) || strstr(p->name, st->match.v[i]) ||
		    (p->sa && strstr(p->sa, st->match.v[i])))
			return 1;
	return 0;
}

static void expand_step(struct run *R, size_t si)
{
	const struct pm_spec_step *st = &R->spec->steps[si];
	struct vars v = { R, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0 };
	long before = R->outstanding[si], made = 0;
	size_t i, j;

	R->expanded[si] = 1;
	if (!requirements_met(R, si))
		return;
	switch (st->scope) {
	case PM_SCOPE_ONCE:
		v.all_ns = 1;
		add_instance(R, si, &v, 0);
		break;
	case PM_SCOPE_NAMESPACE:
		if (R->o->nnamespaces == 0) {
			v.all_ns = 1;
			add_instance(R, si, &v, 0);
		}
		for (i = 0; i < R->o->nnamespaces; i++) {
			v.ns = R->o->namespaces[i];
			add_instance(R, si, &v, 0);
		}
		break;
	case PM_SCOPE_POD:
	case PM_SCOPE_CONTAINER:
	case PM_SCOPE_RESTARTED:
		for (i = 0; i < R->npods; i++) {
			const struct pod *p = &R->pods[i];
			if (!pod_matches(st, p))
				continue;
			v.ns = p->ns;
			v.pod = p->name;
			v.sa = p->sa ? p->sa : "default";
			if (st->scope == PM_SCOPE_POD) {
				if (made++ < st->max_instances)
					add_instance(R, si, &v, 0);
				continue;
			}
			for (j = 0; j < p->nc; j++) {
				if (st->scope == PM_SCOPE_RESTARTED && !p->c[j].restarted)
					continue;
				v.container = p->c[j].name;
				if (made++ < st->max_instances)
					add_instance(R, si, &v, st->scope == PM_SCOPE_RESTARTED);
			}
			v.container = NULL;
		}
		if (made > st->max_instances)
			logf_(R, "step %s: %ld instances, only the first %ld run (max_instances)",
			      st->name, made, st->max_instances);
		break;
	case PM_SCOPE_FILE:
		for (i = 0; i < st->files.n; i++) {
			glob_t g;
			if (glob(st->files.v[i], 0, NULL, &g) != 0)
				continue;
			for (j = 0; j < g.gl_pathc; j++) {
				char fname[512];
				const char *f = g.gl_pathv[j];
				if (access(f, R_OK) != 0) {
					logf_(R, "step %s: %s not readable, skipped", st->name, f);
					continue;
				}
				sanitize_segment(f[0] == '/' ? f + 1 : f, fname, sizeof(fname));
				v.file = f;
				v.file_name = fname;
				if (made++ < st->max_instances)
					add_instance(R, si, &v, 0);
			}
			globfree(&g);
		}
		break;
	}
	if (R->outstanding[si] == before)
		logf_(R, "step %s: nothing to run", st->name);
}

/* Expands every step whose dependencies are done; returns how many. */
static int expand_ready(struct run *R)
{
	size_t i;
	int n = 0;
	for (i = 0; i < R->spec->nsteps; i++)
		if (!R->expanded[i] && deps_done(R, i)) {
			expand_step(R, i);
			n++;
		}
	return n;
}

/* ---- discovery from finished outputs ---- */

static void add_pod(struct run *R, json_t *item)
{
	json_t *meta = json_object_get(item, "metadata");
	json_t *spec = json_object_get(item, "spec");
	json_t *status = json_object_get(item, "status");
	const char *ns = json_string_value(json_object_get(meta, "namespace"));
	const char *name = json_string_value(json_object_get(meta, "name"));
	const char *sa = json_string_value(json_object_get(spec, "serviceAccountName"));
	static const char *const lists[] = { "initContainers", "containers" };
	static const char *const slists[] = { "initContainerStatuses", "containerStatuses" };
	struct pod *p;
	size_t k, i, j;

	if (!name_ok(ns) || !name_ok(name)) {
		if (name)
			logf_(R, "pod with unusable name skipped");
		return;
	}
	if (R->npods >= PODS_MAX) {
		R->pods_truncated = 1;
		return;
	}
	if (R->npods == R->apods) {
		size_t na = R->apods ? R->apods * 2 : 64;
		struct pod *np = realloc(R->pods, na * sizeof(*np));
		if (!np)
			return;
		R->pods = np;
		R->apods = na;
	}
	p = &R->pods[R->npods];
	memset(p, 0, sizeof(*p));
	p->ns = strdup(ns);
	p->name = strdup(name);
	p->sa = name_ok(sa) ? strdup(sa) : NULL;
	if (!p->ns || !p->name) {
		free(p->ns);
		free(p->name);
		free(p->sa);
		return;
	}
	R->npods++;
	for (k = 0; k < 2; k++) {
		json_t *arr = json_object_get(spec, lists[k]);
		json_t *c;
		json_array_foreach(arr, i, c) {
			const char *cn = json_string_value(json_object_get(c, "name"));
			struct container *nc;
			if (!name_ok(cn) || p->nc >= 64)
				continue;
			nc = realloc(p->c, (p->nc + 1) * sizeof(*nc));
			if (!nc)
				return;
			p->c = nc;
			p->c[p->nc].name = strdup(cn);
			p->c[p->nc].restarted = 0;
			if (!p->c[p->nc].name)
				return;
			/* restarted: restartCount > 0 or a last terminated state */
			{
				json_t *sts = json_object_get(status, slists[k]), *s;
				json_array_foreach(sts, j, s) {
					const char *sn = json_string_value(json_object_get(s, "name"));
					json_t *last = json_object_get(json_object_get(s, "lastState"),
								       "terminated");
					if (sn && !strcmp(sn, cn) &&
					    (json_integer_value(json_object_get(s, "restartCount")) > 0 ||
					     last))
						p->c[p->nc].restarted = 1;
				}
			}
			p->nc++;
		}
	}
}

static void discover_pods(struct run *R, json_t *root)
{
	json_t *items = json_object_get(root, "items"), *it;
	size_t i;
	if (!json_is_array(items))
		return;
	json_array_foreach(items, i, it)
		add_pod(R, it);
}

static void discover_version(struct run *R, const char *spool)
{
	json_t *root = json_load_file(spool, 0, NULL);
	const char *v = json_string_value(json_object_get(json_object_get(root, "serverVersion"),
							  "gitVersion"));
	if (v)
		snprintf(R->k8s_version, sizeof(R->k8s_version), "%s", v);
	json_decref(root);
}

static void discover_apires(struct run *R, const char *spool, int exit_ok)
{
	FILE *f = fopen(spool, "re");
	char line[512];
	if (!f)
		return;
	while (fgets(line, sizeof(line), f) && R->napires < APIRES_MAX) {
		char **na;
		line[strcspn(line, "\r\n")] = '\0';
		if (!line[0])
			continue;
		na = realloc(R->apires, (R->napires + 1) * sizeof(char *));
		if (!na)
			break;
		R->apires = na;
		R->apires[R->napires] = strdup(line);
		if (R->apires[R->napires])
			R->napires++;
	}
	fclose(f);
	/* Partial discovery (an aggregated API down) still lists what exists. */
	R->apires_ok = R->napires > 0 && (exit_ok || R->napires > 10);
}

/* 1 when some step takes its pods from step si. */
static int is_pod_source(struct run *R, size_t si)
{
	size_t i;
	for (i = 0; i < R->spec->nsteps; i++)
		if (R->spec->steps[i].from && !strcmp(R->spec->steps[i].from, R->spec->steps[si].name))
			return 1;
	return 0;
}

/* ---- processes ---- */

/* pipe2(O_CLOEXEC) without needing _GNU_SOURCE. */
static int cloexec_pipe(int p[2])
{
	if (pipe(p) < 0)
		return -1;
	fcntl(p[0], F_SETFD, FD_CLOEXEC);
	fcntl(p[1], F_SETFD, FD_CLOEXEC);
	return 0;
}

static int start(struct run *R, struct inst *in)
{
	const struct pm_spec_step *st = &R->spec->steps[in->step];
	int outp[2] = { -1, -1 }, errp[2] = { -1, -1 };
	char spool[4200];
	pid_t pid;

	snprintf(spool, sizeof(spool), "%s/out-%ld", R->tmpdir, R->seq++);
	in->spool = strdup(spool);
	in->spool_fd = open(spool, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (!in->spool || in->spool_fd < 0 || cloexec_pipe(outp) < 0 ||
	    (!st->merge_stderr && cloexec_pipe(errp) < 0))
		goto fail;
	in->start_ms = now_ms();
	utc_now(in->started_at);
	pid = fork();
	if (pid < 0)
		goto fail;
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);
		setpgid(0, 0);
		signal(SIGPIPE, SIG_DFL);
		if (devnull >= 0)
			dup2(devnull, 0);
		dup2(outp[1], 1);
		dup2(st->merge_stderr ? outp[1] : errp[1], 2);
		if (R->o->kubeconfig)
			setenv("KUBECONFIG", R->o->kubeconfig, 1);
		execvp(in->argv[0], in->argv);
		if (errno == ENOENT && in->fallback) {
			dprintf(2, "podmortem-collect: %s not found, using %s\n", in->argv[0],
				in->fallback[0]);
			execvp(in->fallback[0], in->fallback);
		}
		dprintf(2, "podmortem-collect: cannot run %s: %s\n",
			in->fallback && errno == ENOENT ? in->fallback[0] : in->argv[0],
			strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid); /* both sides, so the group exists before any kill */
	in->pid = pid;
	close(outp[1]);
	in->out_fd = outp[0];
	if (!st->merge_stderr) {
		close(errp[1]);
		in->err_fd = errp[0];
	}
	fcntl(in->out_fd, F_SETFL, O_NONBLOCK);
	if (in->err_fd >= 0)
		fcntl(in->err_fd, F_SETFL, O_NONBLOCK);
	in->deadline_ms = in->start_ms + in->timeout_ms;
	in->state = ST_RUNNING;
	R->nrunning++;
	return 0;
fail:
	{
		int e = errno;
		if (outp[0] >= 0) { close(outp[0]); close(outp[1]); }
		if (errp[0] >= 0) { close(errp[0]); close(errp[1]); }
		pm_buf_addf(&in->err, "podmortem-collect: could not start: %s\n", strerror(e));
		in->start_ms = in->end_ms = now_ms();
		utc_now(in->started_at);
		in->status = 127 << 8;
		in->reaped = 1;
		in->state = ST_RUNNING;
		R->nrunning++;
		return -1;
	}
}

static void terminate(struct inst *in, long long now)
{
	if (in->reaped || in->term_sent)
		return;
	kill(-in->pid, SIGTERM);
	in->term_sent = 1;
	in->term_at_ms = now;
}

static void drain(struct run *R, struct inst *in, int fd, int is_err)
{
	char buf[65536];
	for (;;) {
		ssize_t got = read(fd, buf, sizeof(buf));
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (got <= 0) {
			close(fd);
			if (is_err)
				in->err_fd = -1;
			else
				in->out_fd = -1;
			return;
		}
		if (is_err) {
			pm_buf_add(&in->err, buf, (size_t)got);
			pm_buf_check(&in->err); /* keep the first 64 KiB */
			continue;
		}
		if (in->out_bytes < in->max_output) {
			long long room = in->max_output - in->out_bytes;
			size_t w = (long long)got > room ? (size_t)room : (size_t)got;
			if (write(in->spool_fd, buf, w) != (ssize_t)w)
				in->truncated = 1; /* local disk full: what we have is kept */
			in->out_bytes += (long long)w;
			if ((size_t)got > w)
				in->truncated = 1;
		} else {
			in->truncated = 1;
		}
		if (in->truncated && !in->term_sent) {
			/* Over the cap: the rest would be dropped anyway. */
			terminate(in, now_ms());
		}
		(void)R;
	}
}

/* ---- finishing an instance ---- */

static int write_text_redacted(struct run *R, const char *from, const char *to, long *count)
{
	FILE *in = fopen(from, "re"), *out = fopen(to, "we");
	struct pm_redact_state st;
	struct pm_buf b = PM_BUF_INIT(4 * LINE_CAP);
	char *line = malloc(LINE_CAP + 1);
	int rc = 0;

	if (!in || !out || !line) {
		rc = PM_EIO;
		goto out;
	}
	pm_redact_state_init(&st);
	for (;;) {
		size_t n = 0;
		int c = 0, nl = 0;
		while (n < LINE_CAP && (c = getc(in)) != EOF) {
			if (c == '\n') {
				nl = 1;
				break;
			}
			line[n++] = (char)c;
		}
		if (n == 0 && !nl && c == EOF)
			break;
		pm_buf_reset(&b);
		rc = pm_redact_line(&R->red, &st, line, n, &b);
		if (rc < 0)
			break;
		if (rc == 0 && nl)
			pm_buf_addc(&b, '\n');
		rc = 0;
		if (b.len && fwrite(b.data, 1, b.len, out) != b.len) {
			rc = PM_EIO;
			break;
		}
		if (c == EOF)
			break;
	}
	pm_buf_reset(&b);
	if (!rc && pm_redact_finish(&R->red, &st, &b) == 0 && b.len)
		fwrite(b.data, 1, b.len, out);
	*count += st.count;
	pm_redact_state_release(&st);
out:
	free(line);
	pm_buf_release(&b);
	if (in)
		fclose(in);
	if (out && fclose(out) != 0 && !rc)
		rc = PM_EIO;
	return rc;
}

static void stderr_text(struct run *R, struct inst *in, struct pm_buf *out, long *count)
{
	size_t n = in->err.len;
	const char *s = pm_buf_cstr(&in->err);
	struct pm_buf tmp = PM_BUF_INIT(4 * STDERR_CAP);

	/* keep the end: errors are usually last */
	if (n > STDERR_KEEP) {
		s += n - STDERR_KEEP;
		n = STDERR_KEEP;
	}
	pm_redact_text(&R->red, s, n, &tmp, count);
	pm_buf_add(out, pm_buf_cstr(&tmp), tmp.len);
	pm_buf_release(&tmp);
}

static void add_item(struct run *R, struct inst *in, int exit_code, long redactions,
		     const char *stderr_s, int not_run)
{
	const struct pm_spec_step *st = &R->spec->steps[in->step];
	json_t *it = json_object(), *cmd = json_array();
	size_t i;

	for (i = 0; in->argv && in->argv[i]; i++) {
		struct pm_buf b = PM_BUF_INIT(1 << 16);
		long c = 0;
		pm_redact_text(&R->red, in->argv[i], strlen(in->argv[i]), &b, &c);
		json_array_append_new(cmd, json_string(pm_buf_cstr(&b)));
		pm_buf_release(&b);
	}
	json_object_set_new(it, "path", json_string(in->path));
	json_object_set_new(it, "type", json_string(st->type));
	json_object_set_new(it, "step", json_string(st->name));
	json_object_set_new(it, "command", cmd);
	json_object_set_new(it, "exit_code", json_integer(exit_code));
	json_object_set_new(it, "stderr", json_string(stderr_s ? stderr_s : ""));
	json_object_set_new(it, "started_at", json_string(in->started_at[0] ? in->started_at : ""));
	json_object_set_new(it, "duration_ms",
			    json_integer(in->end_ms > in->start_ms ? in->end_ms - in->start_ms : 0));
	json_object_set_new(it, "timed_out", json_boolean(in->timed_out));
	json_object_set_new(it, "truncated", json_boolean(in->truncated));
	json_object_set_new(it, "redactions", json_integer(redactions));
	if (in->ns)
		json_object_set_new(it, "namespace", json_string(in->ns));
	if (in->pod)
		json_object_set_new(it, "pod", json_string(in->pod));
	if (in->container) {
		json_object_set_new(it, "container", json_string(in->container));
		json_object_set_new(it, "previous", json_boolean(in->previous));
	}
	if (in->host_item)
		json_object_set_new(it, "host", json_string(R->host));
	if (not_run)
		json_object_set_new(it, "not_run", json_true());
	json_array_append_new(R->items, it);
	R->res->items++;
	R->res->redactions += redactions;
	if (exit_code != 0 || in->timed_out || not_run)
		R->res->failed++;
	if (in->timed_out)
		R->res->timed_out++;
	if (not_run)
		R->res->not_run++;
}

static void finish(struct run *R, struct inst *in)
{
	const struct pm_spec_step *st = &R->spec->steps[in->step];
	struct pm_buf errs = PM_BUF_INIT(4 * STDERR_CAP);
	char red[4200];
	long redactions = 0;
	int exit_code, wrote = 0, json_done = 0;
	json_t *root = NULL;

	if (in->spool_fd >= 0)
		close(in->spool_fd);
	in->spool_fd = -1;
	if (in->cleanup && unlink(in->cleanup) == 0)
		logf_(R, "step %s: removed %s", st->name, in->cleanup);
	if (WIFEXITED(in->status))
		exit_code = WEXITSTATUS(in->status);
	else if (WIFSIGNALED(in->status))
		exit_code = 128 + WTERMSIG(in->status);
	else
		exit_code = -1;
	if (in->timed_out)
		pm_buf_addf(&errs, "podmortem-collect: %s after %ld ms, stopped\n",
			    in->deadline_killed ? "collection deadline reached" : "timed out",
			    in->deadline_killed ? (long)(in->end_ms - in->start_ms) : in->timeout_ms);
	if (in->truncated)
		pm_buf_addf(&errs, "podmortem-collect: output cut at %lld bytes\n", in->max_output);
	snprintf(red, sizeof(red), "%s.red", in->spool ? in->spool : "x");
	if (in->spool && in->out_bytes > 0) {
		if (!strcmp(st->type, "k8s-json") || st->secrets) {
			root = json_load_file(in->spool, 0, NULL);
			if (root) {
				pm_redact_json(&R->red, root, st->secrets ? PM_REDACT_SECRET_LIST : 0,
					       &redactions);
				if (json_dump_file(root, red, JSON_INDENT(4)) == 0)
					json_done = 1;
			} else if (st->secrets) {
				pm_buf_adds(&errs, "podmortem-collect: output dropped: not complete JSON, "
					    "so Secret data could not be removed\n");
				json_done = -1;
			}
		}
		if (json_done == 0 && write_text_redacted(R, in->spool, red, &redactions) == 0)
			json_done = 1;
		if (json_done == 1) {
			if (pm_bundlew_add_file(&R->bw, in->path, red, R->err) == 0)
				wrote = 1;
			else
				R->bw_failed = 1;
		}
		unlink(red);
	}
	if (!strcmp(st->name, "version") && in->spool)
		discover_version(R, in->spool);
	if (!strcmp(st->name, "api-resources") && in->spool)
		discover_apires(R, in->spool, exit_code == 0);
	if (root && is_pod_source(R, in->step))
		discover_pods(R, root);
	json_decref(root);
	if (in->spool) {
		unlink(in->spool);
	}
	stderr_text(R, in, &errs, &redactions);
	add_item(R, in, exit_code, redactions, pm_buf_cstr(&errs), 0);
	logf_(R, "step %s -> %s, exit %d in %lld ms%s%s%s", st->name, in->path, exit_code,
	      in->end_ms - in->start_ms, in->timed_out ? " (timed out)" : "",
	      in->truncated ? " (truncated)" : "", wrote ? "" : " (no file)");
	R->done++;
	progress(R, "[%ld/%zu] %s %s%s", R->done, R->nin, in->path,
		 exit_code == 0 ? "ok" : "FAILED",
		 in->timed_out ? " (timed out)" : "");
	pm_buf_release(&errs);
	pm_buf_release(&in->err);
	free(in->spool);
	in->spool = NULL;
	in->state = ST_DONE;
	R->nrunning--;
	R->outstanding[in->step]--;
}

static long pick_pending(struct run *R)
{
	long best = -1;
	size_t i;
	for (i = 0; i < R->nin; i++) {
		const struct inst *in = &R->in[i];
		if (in->state != ST_PENDING)
			continue;
		if (best < 0 || R->spec->steps[in->step].cost <
				R->spec->steps[R->in[best].step].cost)
			best = (long)i;
	}
	return best;
}

static void loop(struct run *R)
{
	struct pollfd *pfd = NULL;
	size_t *owner = NULL;
	int jobs = R->o->jobs > 0 ? R->o->jobs : 1;

	expand_ready(R);
	for (;;) {
		long long now = now_ms(), wait_ms = 200;
		size_t i, np = 0;
		long idx;

		if (!R->deadline_hit && now >= R->deadline_ms) {
			R->deadline_hit = 1;
			logf_(R, "collection deadline reached: stopping running steps");
			progress(R, "deadline reached, finishing up");
			for (i = 0; i < R->nin; i++)
				if (R->in[i].state == ST_RUNNING && !R->in[i].reaped) {
					R->in[i].timed_out = 1;
					R->in[i].deadline_killed = 1;
					terminate(&R->in[i], now);
				}
		}
		while (!R->deadline_hit && R->nrunning < jobs && (idx = pick_pending(R)) >= 0)
			start(R, &R->in[idx]);
		if (R->nrunning == 0) {
			if (!R->deadline_hit && expand_ready(R) > 0)
				continue;
			break;
		}
		free(pfd);
		free(owner);
		pfd = calloc(2 * R->nin + 1, sizeof(*pfd));
		owner = calloc(2 * R->nin + 1, sizeof(*owner));
		if (!pfd || !owner)
			break;
		for (i = 0; i < R->nin; i++) {
			struct inst *in = &R->in[i];
			if (in->state != ST_RUNNING)
				continue;
			if (in->out_fd >= 0) {
				pfd[np].fd = in->out_fd;
				pfd[np].events = POLLIN;
				owner[np++] = i;
			}
			if (in->err_fd >= 0) {
				pfd[np].fd = in->err_fd;
				pfd[np].events = POLLIN;
				owner[np++] = i;
			}
		}
		if (poll(pfd, np, (int)wait_ms) > 0) {
			for (i = 0; i < np; i++) {
				struct inst *in = &R->in[owner[i]];
				if (!(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
					continue;
				drain(R, in, pfd[i].fd, pfd[i].fd == in->err_fd);
			}
		}
		now = now_ms();
		for (i = 0; i < R->nin; i++) {
			struct inst *in = &R->in[i];
			int status;
			if (in->state != ST_RUNNING)
				continue;
			if (!in->reaped && !in->term_sent && now >= in->deadline_ms) {
				in->timed_out = 1;
				terminate(in, now);
			}
			if (!in->reaped && in->term_sent && now >= in->term_at_ms + KILL_GRACE_MS)
				kill(-in->pid, SIGKILL);
			if (!in->reaped && waitpid(in->pid, &status, WNOHANG) == in->pid) {
				in->reaped = 1;
				in->status = status;
				in->end_ms = now;
				/* Leftover children holding our pipes go too. */
				if (in->out_fd >= 0 || in->err_fd >= 0)
					kill(-in->pid, SIGKILL);
			}
			if (in->reaped && in->out_fd < 0 && in->err_fd < 0) {
				if (!in->end_ms)
					in->end_ms = now;
				finish(R, in);
				if (R->bw_failed)
					goto out;
			}
		}
	}
out:
	free(pfd);
	free(owner);
}

/* ---- setup ---- */

/* Runs one short command synchronously; stdout into out. */
static int run_capture(struct run *R, char **argv, long timeout_ms, struct pm_buf *out)
{
	int p[2];
	pid_t pid;
	long long end = now_ms() + timeout_ms;
	int status = 0, reaped = 0;

	if (cloexec_pipe(p) < 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDWR);
		setpgid(0, 0);
		if (devnull >= 0) {
			dup2(devnull, 0);
			dup2(devnull, 2);
		}
		dup2(p[1], 1);
		if (R->o->kubeconfig)
			setenv("KUBECONFIG", R->o->kubeconfig, 1);
		execvp(argv[0], argv);
		_exit(127);
	}
	setpgid(pid, pid);
	close(p[1]);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	for (;;) {
		struct pollfd pf = { p[0], POLLIN, 0 };
		char buf[8192];
		ssize_t got;
		long long left = end - now_ms();
		if (left <= 0) {
			kill(-pid, SIGKILL);
			break;
		}
		if (poll(&pf, 1, (int)(left < 200 ? left : 200)) <= 0)
			continue;
		got = read(p[0], buf, sizeof(buf));
		if (got < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (got <= 0)
			break;
		pm_buf_add(out, buf, (size_t)got);
	}
	close(p[0]);
	while (!reaped) {
		if (waitpid(pid, &status, WNOHANG) == pid) {
			reaped = 1;
			break;
		}
		if (now_ms() > end + KILL_GRACE_MS) {
			kill(-pid, SIGKILL);
			waitpid(pid, &status, 0);
			break;
		}
		usleep(20000);
	}
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 && !pm_buf_check(out) ? 0 : -1;
}

static void host_of(const char *url, char *out, size_t n)
{
	const char *p = strstr(url, "://");
	size_t len;
	out[0] = '\0';
	p = p ? p + 3 : url;
	if (strchr(p, '@') && strchr(p, '@') < p + strcspn(p, "/"))
		p = strchr(p, '@') + 1;
	if (*p == '[') {
		p++;
		len = strcspn(p, "]");
	} else {
		len = strcspn(p, ":/");
	}
	if (len >= n)
		len = n - 1;
	memcpy(out, p, len);
	out[len] = '\0';
}

static void resolve_cluster(struct run *R)
{
	struct pm_buf b = PM_BUF_INIT(1 << 20);
	char *argv[9];
	char kc[4200], ctx[400], cache[4200];
	int n = 0;
	json_t *root = NULL;

	argv[n++] = "kubectl";
	if (R->o->kubeconfig) {
		snprintf(kc, sizeof(kc), "--kubeconfig=%s", R->o->kubeconfig);
		argv[n++] = kc;
	}
	if (R->o->context) {
		snprintf(ctx, sizeof(ctx), "--context=%s", R->o->context);
		argv[n++] = ctx;
	}
	if (R->cache_dir) {
		snprintf(cache, sizeof(cache), "--cache-dir=%s", R->cache_dir);
		argv[n++] = cache;
	}
	argv[n++] = "config";
	argv[n++] = "view";
	argv[n++] = "--minify";
	argv[n++] = "-o=json";
	argv[n] = NULL;
	if (run_capture(R, argv, 15000, &b) == 0)
		root = json_loads(pm_buf_cstr(&b), 0, NULL);
	if (root) {
		const char *cc = json_string_value(json_object_get(root, "current-context"));
		json_t *cl = json_array_get(json_object_get(root, "clusters"), 0);
		const char *srv = json_string_value(json_object_get(json_object_get(cl, "cluster"),
								    "server"));
		if (cc && !R->o->context)
			snprintf(R->context, sizeof(R->context), "%s", cc);
		if (srv)
			snprintf(R->server, sizeof(R->server), "%s", srv);
		json_decref(root);
	} else {
		logf_(R, "kubectl config view failed: no kubeconfig context");
	}
	if (!R->server[0] && getenv("KUBERNETES_SERVICE_HOST")) {
		const char *h = getenv("KUBERNETES_SERVICE_HOST");
		const char *p = getenv("KUBERNETES_SERVICE_PORT");
		snprintf(R->server, sizeof(R->server), strchr(h, ':') ? "https://[%s]:%s" : "https://%s:%s",
			 h, p ? p : "443");
		if (!R->context[0])
			snprintf(R->context, sizeof(R->context), "in-cluster");
	}
	if (R->o->context)
		snprintf(R->context, sizeof(R->context), "%s", R->o->context);
	if (!R->context[0])
		snprintf(R->context, sizeof(R->context), "unknown");
	{
		char h[256];
		host_of(R->server, h, sizeof(h));
		if (h[0])
			sanitize_segment(h, R->api_host, sizeof(R->api_host));
	}
	pm_buf_release(&b);
}

/* Removes our work folder (kubectl's cache nests a few levels). */
static void rm_tree(const char *path, int depth)
{
	DIR *d;
	struct dirent *e;
	struct stat sb;

	if (lstat(path, &sb) < 0)
		return;
	if (S_ISDIR(sb.st_mode) && depth < 32 && (d = opendir(path)) != NULL) {
		while ((e = readdir(d)) != NULL) {
			char sub[4096];
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			if (snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name) < (int)sizeof(sub))
				rm_tree(sub, depth + 1);
		}
		closedir(d);
		rmdir(path);
		return;
	}
	unlink(path);
}

static void manifest_and_log(struct run *R, const char *collected_at)
{
	json_t *m = json_object(), *col = json_object(), *cl = json_object();
	struct pm_buf lb = PM_BUF_INIT(2 * LOG_CAP);
	char *text;
	long c = 0;

	json_object_set_new(m, "format", json_integer(1));
	json_object_set_new(col, "name", json_string("podmortem-collect"));
	json_object_set_new(col, "version", json_string(PM_COLLECT_VERSION));
	json_object_set_new(col, "redaction", json_boolean(R->red.enabled));
	json_object_set_new(m, "collector", col);
	json_object_set_new(cl, "context", json_string(R->context));
	json_object_set_new(cl, "server", json_string(R->server));
	json_object_set_new(cl, "version", json_string(R->k8s_version));
	json_object_set_new(m, "cluster", cl);
	json_object_set_new(m, "collected_at", json_string(collected_at));
	json_object_set_new(m, "items", json_incref(R->items));
	/* the manifest lists collector.log; it is written first in the
	 * archive all the same (a head entry), so the analyzer finds it
	 * without inflating the whole bundle first */
	{
		json_t *it = json_object();
		json_object_set_new(it, "path", json_string("collector.log"));
		json_object_set_new(it, "type", json_string("text"));
		json_object_set_new(it, "exit_code", json_integer(0));
		json_object_set_new(it, "stderr", json_string(""));
		json_object_set_new(it, "started_at", json_string(collected_at));
		json_object_set_new(it, "duration_ms", json_integer(0));
		json_object_set_new(it, "timed_out", json_false());
		json_object_set_new(it, "truncated", json_boolean(R->log.err != 0));
		json_object_set_new(it, "redactions", json_integer(0));
		json_array_append_new(json_object_get(m, "items"), it);
	}
	pm_buf_check(&R->log);
	pm_redact_text(&R->red, pm_buf_cstr(&R->log), R->log.len, &lb, &c);
	if (pm_bundlew_add_mem(&R->bw, "collector.log", pm_buf_cstr(&lb), lb.len, R->err) < 0)
		R->bw_failed = 1;
	pm_buf_release(&lb);
	text = json_dumps(m, JSON_INDENT(2));
	if (!text || pm_bundlew_add_head(&R->bw, "manifest.json", text, strlen(text), R->err) < 0)
		R->bw_failed = 1;
	free(text);
	json_decref(m);
}

int pm_collect_run(const struct pm_collect_opts *o, struct pm_collect_result *res,
		   struct pm_error *err)
{
	struct run R;
	char collected_at[PM_TIME_LEN], stamp[32], top[512], ctxseg[200];
	char outpath[4096], dir[4096];
	struct stat sb;
	size_t i;
	int rc = 0;
	time_t t;
	struct tm tm;

	memset(&R, 0, sizeof(R));
	memset(res, 0, sizeof(*res));
	if (!o->spec || !o->spec->nsteps)
		return pm_error_set(err, PM_EUSAGE, "no spec");
	R.o = o;
	R.spec = o->spec;
	R.res = res;
	R.err = err;
	R.t0_ms = now_ms();
	R.deadline_ms = R.t0_ms + (o->deadline_ms > 0 ? o->deadline_ms : 15 * 60000);
	pm_buf_init(&R.log, LOG_CAP);
	if (pm_redactor_init_random(&R.red, o->redact) < 0)
		return pm_error_set(err, PM_EIO, "no random source for the redaction key");
	t = time(NULL);
	pm_time_format((int64_t)t, collected_at);
	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	if (gethostname(R.host, sizeof(R.host) - 1) < 0 || !R.host[0])
		snprintf(R.host, sizeof(R.host), "localhost");
	{
		char h[256];
		sanitize_segment(R.host, h, sizeof(h));
		snprintf(R.host, sizeof(R.host), "%s", h);
	}
	snprintf(R.pid, sizeof(R.pid), "%ld", (long)getpid());
	logf_(&R, "podmortem-collect %s starting, redaction %s", PM_COLLECT_VERSION,
	      o->redact ? "on" : "OFF");
	snprintf(dir, sizeof(dir), "%s", o->output ? o->output : "./x");
	if (strrchr(dir, '/'))
		*strrchr(dir, '/') = '\0';
	else
		snprintf(dir, sizeof(dir), ".");
	if (!dir[0])
		snprintf(dir, sizeof(dir), "/");
	if (stat(dir, &sb) < 0 || !S_ISDIR(sb.st_mode)) {
		rc = pm_error_set(err, PM_EIO, "%s: not a folder", dir);
		goto out;
	}
	snprintf(R.probe_path, sizeof(R.probe_path), "%s", o->probe_path ? o->probe_path : dir);
	{
		char tmpl[4200];
		snprintf(tmpl, sizeof(tmpl), "%s/.podmortem-collect-XXXXXX", dir);
		if (!mkdtemp(tmpl)) {
			rc = pm_error_set(err, PM_EIO, "%s: cannot create a work folder: %s", dir,
					  strerror(errno));
			goto out;
		}
		R.tmpdir = strdup(tmpl);
		snprintf(tmpl + strlen(tmpl), sizeof(tmpl) - strlen(tmpl), "/kube-cache");
		R.cache_dir = strdup(tmpl);
	}
	resolve_cluster(&R);
	logf_(&R, "context %s, server %s", R.context, R.server[0] ? R.server : "(unknown)");

	sanitize_segment(R.context, ctxseg, sizeof(ctxseg));
	snprintf(top, sizeof(top), "podmortem-%s-%s", ctxseg, stamp);
	if (o->output)
		snprintf(outpath, sizeof(outpath), "%s", o->output);
	else
		snprintf(outpath, sizeof(outpath), "./%s.tar.gz", top);
	if (pm_bundlew_open(&R.bw, outpath, top, (int64_t)t, err) < 0) {
		rc = PM_EIO;
		goto out;
	}
	R.bw_open = 1;
	R.items = json_array();
	R.expanded = calloc(R.spec->nsteps, sizeof(int));
	R.outstanding = calloc(R.spec->nsteps, sizeof(long));
	if (!R.items || !R.expanded || !R.outstanding) {
		rc = pm_error_set(err, PM_ENOMEM, "out of memory");
		goto out;
	}
	loop(&R);
	if (R.bw_failed) {
		rc = PM_EIO;
		goto out;
	}
	/* What the deadline kept from running is still visible. */
	for (i = 0; i < R.nin; i++)
		if (R.in[i].state == ST_PENDING) {
			char msg[] = "podmortem-collect: not started: the collection deadline was reached";
			R.in[i].timed_out = 1;
			add_item(&R, &R.in[i], -1, 0, msg, 1);
		}
	for (i = 0; i < R.spec->nsteps; i++)
		if (!R.expanded[i])
			logf_(&R, "step %s never ran: it waited for an earlier step (deadline)",
			      R.spec->steps[i].name);
	if (R.pods_truncated)
		logf_(&R, "more than %d pods: the rest got no per-pod steps", PODS_MAX);
	logf_(&R, "done: %ld items, %ld failed, %ld timed out, %ld not run, %ld redactions",
	      res->items, res->failed, res->timed_out, res->not_run, res->redactions);
	manifest_and_log(&R, collected_at);
	if (R.bw_failed) {
		rc = PM_EIO;
		goto out;
	}
	res->bytes = R.bw.bytes;
	if (pm_bundlew_close(&R.bw, err) < 0) {
		R.bw_open = 0;
		rc = PM_EIO;
		goto out;
	}
	R.bw_open = 0;
	snprintf(res->path, sizeof(res->path), "%s", outpath);
	if (stat(outpath, &sb) == 0)
		res->archive_bytes = (long long)sb.st_size;
out:
	/* Stop anything still running (only after a write failure). */
	for (i = 0; i < R.nin; i++) {
		struct inst *in = &R.in[i];
		if (in->state == ST_RUNNING && !in->reaped && in->pid > 0) {
			kill(-in->pid, SIGKILL);
			waitpid(in->pid, NULL, 0);
		}
		if (in->out_fd >= 0)
			close(in->out_fd);
		if (in->err_fd >= 0)
			close(in->err_fd);
		if (in->spool_fd >= 0)
			close(in->spool_fd);
		if (in->cleanup && in->state == ST_RUNNING)
			unlink(in->cleanup);
		free(in->spool);
		pm_buf_release(&in->err);
		free(in->path);
		free(in->cleanup);
		free(in->ns);
		free(in->pod);
		free(in->container);
		strv_free(in->argv);
		strv_free(in->fallback);
	}
	if (R.bw_open)
		pm_bundlew_abort(&R.bw);
	if (R.tmpdir)
		rm_tree(R.tmpdir, 0);
	for (i = 0; i < R.npods; i++) {
		size_t j;
		for (j = 0; j < R.pods[i].nc; j++)
			free(R.pods[i].c[j].name);
		free(R.pods[i].c);
		free(R.pods[i].ns);
		free(R.pods[i].name);
		free(R.pods[i].sa);
	}
	free(R.pods);
	for (i = 0; i < R.napires; i++)
		free(R.apires[i]);
	free(R.apires);
	free(R.in);
	free(R.expanded);
	free(R.outstanding);
	free(R.tmpdir);
	free(R.cache_dir);
	json_decref(R.items);
	pm_buf_release(&R.log);
	res->duration_ms = (long)(now_ms() - R.t0_ms);
	return rc;
}
