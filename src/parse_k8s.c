/*
 * parse_k8s.c - the "k8s-json" and "k8s-yaml" types: Kubernetes
 * objects into `objects`, one row each, Lists read item by item.
 */
#include "podmortem/jsonscan.h"
#include "podmortem/parse.h"
#include "podmortem/timeutil.h"
#include "podmortem/yamlconv.h"

#include <stdlib.h>
#include <string.h>

static const char insert_sql[] =
	"INSERT INTO objects(api_version, kind, namespace, name, uid, created,"
	" labels, annotations, object, source, source_line)"
	" VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)";

struct k8s {
	struct pm_parse_ctx *ctx;
	int failed;             /* the store failed: dberr says how */
	struct pm_error dberr;
};

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static int insert(struct k8s *k, json_t *obj, const char *list_kind,
		  long line)
{
	struct pm_parse_ctx *ctx = k->ctx;
	json_t *md = json_object_get(obj, "metadata");
	const char *kind = str(obj, "kind"), *created;
	char kindbuf[128], tbuf[PM_TIME_LEN];
	char *text, *labels = NULL, *ann = NULL;
	sqlite3_stmt *s;
	int64_t t;
	int rc;

	/* items of a typed List may omit kind: PodList -> Pod */
	if (!kind && list_kind) {
		size_t n = strlen(list_kind);
		if (n > 4 && n < sizeof(kindbuf) &&
		    !strcmp(list_kind + n - 4, "List")) {
			memcpy(kindbuf, list_kind, n - 4);
			kindbuf[n - 4] = '\0';
			kind = kindbuf;
		}
	}
	if (!kind || !json_is_object(md)) {
		pm_parse_gap(ctx, line, "object without kind or metadata");
		return 0;
	}
	/* managedFields is bulky bookkeeping no rule reads */
	json_object_del(md, "managedFields");
	s = pm_store_stmt(ctx->store, insert_sql, ctx->err);
	if (!s)
		return ctx->err->code;
	text = json_dumps(obj, JSON_COMPACT);
	if (!text)
		return pm_error_set(ctx->err, PM_ENOMEM, "out of memory");
	if (json_object_get(md, "labels"))
		labels = json_dumps(json_object_get(md, "labels"), JSON_COMPACT);
	if (json_object_get(md, "annotations"))
		ann = json_dumps(json_object_get(md, "annotations"), JSON_COMPACT);
	pm_bind_text(s, 1, str(obj, "apiVersion"), -1);
	pm_bind_text(s, 2, kind, -1);
	pm_bind_text(s, 3, str(md, "namespace"), -1);
	pm_bind_text(s, 4, str(md, "name"), -1);
	pm_bind_text(s, 5, str(md, "uid"), -1);
	created = str(md, "creationTimestamp");
	if (created && pm_time_parse(created, strlen(created), &t, NULL)) {
		pm_time_format(t, tbuf);
		pm_bind_text(s, 6, tbuf, -1);
	}
	pm_bind_text(s, 7, labels, -1);
	pm_bind_text(s, 8, ann, -1);
	pm_bind_text(s, 9, text, -1);
	pm_bind_text(s, 10, ctx->in->path, -1);
	sqlite3_bind_int64(s, 11, line);
	rc = pm_store_run(ctx->store, s, ctx->err);
	free(text);
	free(labels);
	free(ann);
	if (!rc)
		ctx->rows++;
	return rc;
}

static int on_object(void *arg, json_t *obj, long line)
{
	struct k8s *k = arg;
	json_t *items = json_object_get(obj, "items");
	const char *kind = str(obj, "kind");

	if (!json_is_object(obj)) {
		pm_parse_gap(k->ctx, line, "document is not a mapping");
		return 0;
	}
	/* a List inside YAML, or an empty List from the JSON scanner */
	if (json_is_array(items) && (!kind || strstr(kind, "List"))) {
		size_t i;
		json_t *it;
		json_array_foreach(items, i, it) {
			if (!json_is_object(it)) {
				pm_parse_gap(k->ctx, line, "List item %zu is not an object", i);
				continue;
			}
			if (insert(k, it, kind, line) < 0)
				return -1;
		}
		return 0;
	}
	return insert(k, obj, NULL, line) < 0 ? -1 : 0;
}

static void on_bad(void *arg, long line, const char *why)
{
	struct k8s *k = arg;
	pm_parse_gap(k->ctx, line, "%s", why);
}

/*
 * JSON items go to SQLite as text: its JSON functions validate, drop
 * managedFields, minify and pick the columns in one statement, much
 * cheaper than building a jansson tree per item and printing it again.
 */
static const char insert_text_sql[] =
	"INSERT INTO objects(api_version, kind, namespace, name, uid, created,"
	" labels, annotations, object, source, source_line)"
	" SELECT json_extract(j,'$.apiVersion'), json_extract(j,'$.kind'),"
	"  json_extract(j,'$.metadata.namespace'), json_extract(j,'$.metadata.name'),"
	"  json_extract(j,'$.metadata.uid'),"
	"  ts(json_extract(j,'$.metadata.creationTimestamp')),"
	"  json_extract(j,'$.metadata.labels'), json_extract(j,'$.metadata.annotations'),"
	"  j, ?2, ?3"
	" FROM (SELECT json_remove(?1, '$.metadata.managedFields') AS j)"
	" WHERE json_type(j) = 'object' AND json_type(j, '$.metadata') = 'object'"
	"  AND json_type(j, '$.kind') = 'text'";

static int on_text(void *arg, const char *text, size_t len, long line)
{
	struct k8s *k = arg;
	struct pm_parse_ctx *ctx = k->ctx;
	sqlite3_stmt *s = pm_store_stmt(ctx->store, insert_text_sql, &k->dberr);
	int rc;

	if (!s) {
		k->failed = 1;
		return -1;
	}
	sqlite3_bind_text(s, 1, text, (int)len, SQLITE_STATIC);
	pm_bind_text(s, 2, ctx->in->path, -1);
	sqlite3_bind_int64(s, 3, line);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc == SQLITE_DONE) {
		if (sqlite3_changes(pm_store_db(ctx->store)) == 1)
			ctx->rows++;
		else
			pm_parse_gap(ctx, line, "object without kind or metadata");
		return 0;
	}
	if (sqlite3_extended_errcode(pm_store_db(ctx->store)) == SQLITE_ERROR) {
		/* malformed: let jansson say where, as the tree reader would */
		json_error_t je;
		json_t *j = json_loadb(text, len, JSON_DECODE_ANY, &je);
		if (!j)
			pm_parse_gap(ctx, line + (je.line > 1 ? je.line - 1 : 0),
				     "invalid JSON: %s (column %d)", je.text, je.column);
		else
			pm_parse_gap(ctx, line, "JSON SQLite cannot read: %s",
				     sqlite3_errmsg(pm_store_db(ctx->store)));
		json_decref(j);
		return 0;
	}
	k->failed = 1;
	pm_error_set(&k->dberr, PM_EDB, "insert: %s",
		     sqlite3_errmsg(pm_store_db(ctx->store)));
	return -1;
}

static int json_parse(struct pm_parse_ctx *ctx)
{
	struct k8s k;
	struct pm_jsonscan_stats st;
	int rc;

	memset(&k, 0, sizeof(k));
	k.ctx = ctx;
	rc = pm_jsonscan_text(ctx->in, on_text, on_bad, &k, &st, ctx->err);
	if (k.failed) {
		*ctx->err = k.dberr;
		return PM_EDB;
	}
	return rc;
}

static int yaml_parse(struct pm_parse_ctx *ctx)
{
	struct k8s k;
	memset(&k, 0, sizeof(k));
	k.ctx = ctx;
	return pm_yaml_documents(ctx->in, on_object, &k, NULL, ctx->err);
}

static int ends_with(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);
	return a >= b && !strcmp(s + a - b, suf);
}

static int json_sniff(const char *path, const unsigned char *head, size_t n)
{
	size_t i = 0;
	int json_name = ends_with(path, ".json");
	while (i < n && (head[i] == ' ' || head[i] == '\n' || head[i] == '\r' ||
			 head[i] == '\t'))
		i++;
	if (i == n || (head[i] != '{' && head[i] != '['))
		return 0;
	/* kubectl output names apiVersion/kind near the top */
	if (memmem(head, n, "\"apiVersion\"", 12) || memmem(head, n, "\"kind\"", 6))
		return json_name ? 90 : 75;
	return json_name ? 55 : 0;
}

static int yaml_sniff(const char *path, const unsigned char *head, size_t n)
{
	int yaml_name = ends_with(path, ".yaml") || ends_with(path, ".yml");
	if (memmem(head, n, "apiVersion:", 11) && memmem(head, n, "kind:", 5))
		return yaml_name ? 90 : 70;
	return yaml_name ? 55 : 0;
}

const struct pm_parser pm_parser_k8s_json = {
	.type = "k8s-json",
	.ddl = NULL, /* objects is a core table */
	.sniff = json_sniff,
	.parse = json_parse,
};

const struct pm_parser pm_parser_k8s_yaml = {
	.type = "k8s-yaml",
	.ddl = NULL,
	.sniff = yaml_sniff,
	.parse = yaml_parse,
};
