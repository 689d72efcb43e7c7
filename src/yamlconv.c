/* yamlconv.c - libyaml events to jansson values; see yamlconv.h. */
#include "podmortem/yamlconv.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

struct frame {
	json_t *node;     /* object or array */
	char *key;        /* pending key of a mapping, NULL when expecting one */
	char *anchor;
	long weight;      /* nodes in its expansion */
};

struct anchor {
	char *name;
	json_t *node;
	long weight;
};

struct conv {
	struct frame stack[PM_YAML_MAX_DEPTH];
	int depth;
	struct anchor *anchors;
	size_t nanchors, aanchors;
	long total;       /* expanded nodes in this document */
	json_t *root;
	long root_weight;
};

static int read_handler(void *data, unsigned char *buf, size_t size,
			size_t *size_read)
{
	ssize_t n = pm_input_read(data, buf, size);
	if (n < 0)
		return 0;
	*size_read = (size_t)n;
	return 1;
}

static void conv_reset(struct conv *c)
{
	for (int i = 0; i < c->depth; i++) {
		json_decref(c->stack[i].node);
		free(c->stack[i].key);
		free(c->stack[i].anchor);
	}
	c->depth = 0;
	for (size_t i = 0; i < c->nanchors; i++) {
		free(c->anchors[i].name);
		json_decref(c->anchors[i].node);
	}
	c->nanchors = 0;
	json_decref(c->root);
	c->root = NULL;
	c->total = 0;
}

static int remember(struct conv *c, const char *name, json_t *node, long w)
{
	if (c->nanchors == c->aanchors) {
		size_t na = c->aanchors ? c->aanchors * 2 : 16;
		struct anchor *p;
		if (na > 100000)
			return PM_ETOOBIG;
		p = realloc(c->anchors, na * sizeof(*p));
		if (!p)
			return PM_ENOMEM;
		c->anchors = p;
		c->aanchors = na;
	}
	c->anchors[c->nanchors].name = strdup(name);
	c->anchors[c->nanchors].node = json_incref(node);
	c->anchors[c->nanchors].weight = w;
	c->nanchors++;
	return 0;
}

static struct anchor *lookup(struct conv *c, const char *name)
{
	for (size_t i = c->nanchors; i-- > 0;)
		if (!strcmp(c->anchors[i].name, name))
			return &c->anchors[i];
	return NULL;
}

/* Plain scalars: YAML 1.1-ish core schema as Kubernetes tools read it. */
static json_t *scalar(const yaml_event_t *ev)
{
	const char *v = (const char *)ev->data.scalar.value;
	size_t n = ev->data.scalar.length;
	char *end;

	if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
	    (ev->data.scalar.tag &&
	     !strcmp((const char *)ev->data.scalar.tag, YAML_STR_TAG)))
		return json_stringn(v, n);
	if (n == 0 || !strcmp(v, "~") || !strcmp(v, "null") ||
	    !strcmp(v, "Null") || !strcmp(v, "NULL"))
		return json_null();
	if (!strcmp(v, "true") || !strcmp(v, "True") || !strcmp(v, "TRUE"))
		return json_true();
	if (!strcmp(v, "false") || !strcmp(v, "False") || !strcmp(v, "FALSE"))
		return json_false();
	if (strlen(v) == n && ((v[0] >= '0' && v[0] <= '9') ||
			       ((v[0] == '-' || v[0] == '+') && n > 1))) {
		long long ll;
		double d;
		errno = 0;
		ll = strtoll(v, &end, 10);
		if (*end == '\0' && errno == 0)
			return json_integer(ll);
		d = strtod(v, &end);
		if (*end == '\0' && isfinite(d) && !strchr(v, 'x') &&
		    !strchr(v, 'X'))
			return json_real(d);
	}
	return json_stringn(v, n);
}

/* Adds a finished node to the parent (or makes it the root). */
static int attach(struct conv *c, json_t *node, long weight,
		  const char *anchor, struct pm_error *err, const char *path,
		  long line)
{
	struct frame *f;

	c->total += weight;
	if (c->total > PM_YAML_MAX_NODES) {
		json_decref(node);
		return pm_error_setat(err, PM_ETOOBIG, path, line,
				      "YAML expands to more than %ld nodes "
				      "(alias bomb?)", PM_YAML_MAX_NODES);
	}
	if (anchor && remember(c, anchor, node, weight)) {
		json_decref(node);
		return pm_error_setat(err, PM_ETOOBIG, path, line,
				      "too many YAML anchors");
	}
	if (c->depth == 0) {
		c->root = node;
		c->root_weight = weight;
		return 0;
	}
	f = &c->stack[c->depth - 1];
	f->weight += weight;
	if (json_is_array(f->node)) {
		json_array_append_new(f->node, node);
	} else if (!f->key) {
		/* a mapping key: scalars only */
		if (json_is_string(node))
			f->key = strdup(json_string_value(node));
		else if (json_is_integer(node) || json_is_real(node) ||
			 json_is_boolean(node) || json_is_null(node)) {
			char *s = json_dumps(node, JSON_ENCODE_ANY);
			f->key = s ? s : strdup("");
		} else {
			json_decref(node);
			return pm_error_setat(err, PM_EPARSE, path, line,
					      "mapping key is not a scalar");
		}
		json_decref(node);
		if (!f->key)
			return pm_error_set(err, PM_ENOMEM, "out of memory");
	} else {
		json_object_set_new(f->node, f->key, node);
		free(f->key);
		f->key = NULL;
	}
	return 0;
}

static int push(struct conv *c, json_t *node, const yaml_char_t *anchor,
		struct pm_error *err, const char *path, long line)
{
	struct frame *f;
	if (c->depth >= PM_YAML_MAX_DEPTH) {
		json_decref(node);
		return pm_error_setat(err, PM_ETOOBIG, path, line,
				      "YAML nested deeper than %d levels",
				      PM_YAML_MAX_DEPTH);
	}
	f = &c->stack[c->depth++];
	f->node = node;
	f->key = NULL;
	f->anchor = anchor ? strdup((const char *)anchor) : NULL;
	f->weight = 1;
	return 0;
}

static int pop(struct conv *c, struct pm_error *err, const char *path,
	       long line)
{
	struct frame f = c->stack[--c->depth];
	int rc;
	free(f.key);
	rc = attach(c, f.node, f.weight, f.anchor, err, path, line);
	free(f.anchor);
	return rc;
}

static int run(yaml_parser_t *p, const char *path, pm_object_fn fn,
	       void *arg, struct pm_yaml_stats *stats, int first_only,
	       json_t **first, struct pm_error *err)
{
	struct conv c;
	yaml_event_t ev;
	int rc = 0, done = 0;
	long docline = 1;

	memset(&c, 0, sizeof(c));
	while (!done && !rc) {
		long line;
		if (!yaml_parser_parse(p, &ev)) {
			rc = pm_error_setat(err, PM_EPARSE, path,
					    (long)p->problem_mark.line + 1,
					    "invalid YAML: %s (column %ld)",
					    p->problem ? p->problem : "error",
					    (long)p->problem_mark.column + 1);
			break;
		}
		line = (long)ev.start_mark.line + 1;
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_DOCUMENT_START_EVENT:
			docline = line;
			conv_reset(&c);
			break;
		case YAML_DOCUMENT_END_EVENT:
			if (c.root && !json_is_null(c.root)) {
				if (stats)
					stats->documents++;
				if (first_only) {
					*first = json_incref(c.root);
					done = 1;
				} else if (fn(arg, c.root, docline) < 0) {
					rc = pm_error_setat(err, PM_ERR, path,
							    line, "stopped");
				}
			}
			conv_reset(&c);
			break;
		case YAML_MAPPING_START_EVENT:
			rc = push(&c, json_object(), ev.data.mapping_start.anchor,
				  err, path, line);
			break;
		case YAML_SEQUENCE_START_EVENT:
			rc = push(&c, json_array(), ev.data.sequence_start.anchor,
				  err, path, line);
			break;
		case YAML_MAPPING_END_EVENT:
		case YAML_SEQUENCE_END_EVENT:
			rc = c.depth ? pop(&c, err, path, line) : PM_EPARSE;
			break;
		case YAML_SCALAR_EVENT:
			rc = attach(&c, scalar(&ev), 1,
				    (const char *)ev.data.scalar.anchor, err,
				    path, line);
			break;
		case YAML_ALIAS_EVENT: {
			struct anchor *a = lookup(&c, (const char *)ev.data.alias.anchor);
			if (!a)
				rc = pm_error_setat(err, PM_EPARSE, path, line,
						    "unknown YAML alias '%s'",
						    (const char *)ev.data.alias.anchor);
			else
				rc = attach(&c, json_incref(a->node), a->weight,
					    NULL, err, path, line);
			break;
		}
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	conv_reset(&c);
	free(c.anchors);
	return rc;
}

int pm_yaml_documents(struct pm_input *in, pm_object_fn fn, void *arg,
		      struct pm_yaml_stats *stats, struct pm_error *err)
{
	yaml_parser_t p;
	int rc;

	if (stats)
		memset(stats, 0, sizeof(*stats));
	if (!yaml_parser_initialize(&p))
		return pm_error_set(err, PM_ENOMEM, "out of memory");
	yaml_parser_set_input(&p, read_handler, in);
	rc = run(&p, in->path, fn, arg, stats, 0, NULL, err);
	yaml_parser_delete(&p);
	return rc;
}

int pm_yaml_load(const char *text, size_t len, const char *path,
		 json_t **out, struct pm_error *err)
{
	yaml_parser_t p;
	int rc;

	*out = NULL;
	if (!yaml_parser_initialize(&p))
		return pm_error_set(err, PM_ENOMEM, "out of memory");
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	rc = run(&p, path, NULL, NULL, NULL, 1, out, err);
	yaml_parser_delete(&p);
	if (!rc && !*out)
		rc = pm_error_setat(err, PM_EPARSE, path, 1, "empty YAML document");
	return rc;
}
