/* manifest.c - reads manifest.json (bundle format v1) with jansson. */
#include "podmortem/manifest.h"
#include "podmortem/timeutil.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

void pm_manifest_init(struct pm_manifest *m)
{
	memset(m, 0, sizeof(*m));
}

static void item_release(struct pm_item *it)
{
	free(it->path);
	free(it->type);
	free(it->command);
	free(it->stderr_text);
	free(it->started_at);
	free(it->ns);
	free(it->pod);
	free(it->container);
	free(it->host);
	free(it->step);
}

void pm_manifest_release(struct pm_manifest *m)
{
	for (size_t i = 0; i < m->nitems; i++)
		item_release(&m->items[i]);
	free(m->items);
	free(m->collector_name);
	free(m->collector_version);
	free(m->context);
	free(m->server);
	free(m->k8s_version);
	free(m->collected_at);
	pm_manifest_init(m);
}

static char *dupstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	const char *s = json_string_value(v);
	return s ? strdup(s) : NULL;
}

/* Normalises a time to the store's convention; NULL when unreadable. */
static char *duptime(json_t *o, const char *key, int64_t *epoch)
{
	const char *s = json_string_value(json_object_get(o, key));
	char out[PM_TIME_LEN];
	int64_t t;

	if (!s || !pm_time_parse(s, strlen(s), &t, NULL))
		return NULL;
	if (epoch)
		*epoch = t;
	pm_time_format(t, out);
	return strdup(out);
}

/*
 * Numbers are decoded as reals (JSON_DECODE_INT_AS_REAL) so that one
 * out-of-range integer cannot make jansson refuse the whole manifest;
 * here they come back as integers when they are whole and in range.
 */
static int whole(json_t *v, long long lo, long long hi, long long *out)
{
	double d;
	if (!json_is_number(v))
		return 0;
	d = json_number_value(v);
	if (d != d || d < (double)lo || d > (double)hi || d != (double)(long long)d)
		return 0;
	*out = (long long)d;
	return 1;
}

static long long num(json_t *o, const char *key, long long lo, long long hi)
{
	long long v = 0;
	whole(json_object_get(o, key), lo, hi, &v);
	return v;
}

static int truthy(json_t *o, const char *key)
{
	return json_is_true(json_object_get(o, key));
}

/* Strips "./" and leading "/" so items match normalised entry names. */
static char *normpath(const char *p)
{
	while (p[0] == '.' && p[1] == '/')
		p += 2;
	while (*p == '/')
		p++;
	return strdup(p);
}

static int item_read(struct pm_item *it, json_t *j)
{
	json_t *v;
	const char *path = json_string_value(json_object_get(j, "path"));

	memset(it, 0, sizeof(*it));
	if (!path || !*path)
		return -1;
	it->path = normpath(path);
	it->type = dupstr(j, "type");
	v = json_object_get(j, "command");
	if (json_is_array(v))
		it->command = json_dumps(v, JSON_COMPACT);
	it->stderr_text = dupstr(j, "stderr");
	it->started_at = duptime(j, "started_at", NULL);
	it->ns = dupstr(j, "namespace");
	it->pod = dupstr(j, "pod");
	it->container = dupstr(j, "container");
	it->host = dupstr(j, "host");
	it->step = dupstr(j, "step");
	v = json_object_get(j, "exit_code");
	{
		long long ec;
		if (whole(v, -1000000, 1000000, &ec)) {
			it->exit_code = (int)ec;
			it->has_exit_code = 1;
		}
	}
	it->duration_ms = num(j, "duration_ms", 0, 1LL << 50);
	it->redactions = (long)num(j, "redactions", 0, 1LL << 31);
	it->timed_out = truthy(j, "timed_out");
	it->truncated = truthy(j, "truncated");
	it->previous = truthy(j, "previous");
	it->not_run = truthy(j, "not_run");
	return 0;
}

static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct pm_item *)a)->path,
		      ((const struct pm_item *)b)->path);
}

int pm_manifest_parse(struct pm_manifest *m, const char *data, size_t len,
		      const char *path, struct pm_error *err)
{
	json_error_t jerr;
	json_t *root, *items, *o;
	size_t i, n;

	root = json_loadb(data, len, JSON_REJECT_DUPLICATES | JSON_DECODE_INT_AS_REAL,
			  &jerr);
	if (!root)
		return pm_error_setat(err, PM_EPARSE, path, jerr.line,
				      "invalid JSON: %s", jerr.text);
	if (!json_is_object(root)) {
		json_decref(root);
		return pm_error_setat(err, PM_EPARSE, path, 1,
				      "manifest is not a JSON object");
	}
	m->present = 1;
	m->format = (int)num(root, "format", 0, 1000);
	o = json_object_get(root, "collector");
	m->collector_name = dupstr(o, "name");
	m->collector_version = dupstr(o, "version");
	o = json_object_get(root, "cluster");
	m->context = dupstr(o, "context");
	m->server = dupstr(o, "server");
	m->k8s_version = dupstr(o, "version");
	m->collected_at = duptime(root, "collected_at", &m->collected_epoch);

	items = json_object_get(root, "items");
	n = json_is_array(items) ? json_array_size(items) : 0;
	m->items = calloc(n ? n : 1, sizeof(*m->items));
	if (!m->items) {
		json_decref(root);
		return pm_error_set(err, PM_ENOMEM, "out of memory");
	}
	for (i = 0; i < n; i++) {
		if (item_read(&m->items[m->nitems], json_array_get(items, i))) {
			item_release(&m->items[m->nitems]);
			m->bad_items++;
			continue;
		}
		m->nitems++;
	}
	qsort(m->items, m->nitems, sizeof(*m->items), by_path);
	json_decref(root);
	if (m->format != 1)
		return pm_error_setat(err, PM_EPARSE, path, 0,
				      "unknown bundle format %d (expected 1)",
				      m->format);
	return 0;
}

const struct pm_item *pm_manifest_find(const struct pm_manifest *m,
				       const char *path)
{
	struct pm_item key;
	key.path = (char *)path;
	if (!m->nitems)
		return NULL;
	return bsearch(&key, m->items, m->nitems, sizeof(*m->items), by_path);
}
