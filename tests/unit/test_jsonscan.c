/* Tests for jsonscan.c: Lists item by item, arrays, single objects,
 * streams, bad items, truncation, depth, realdata. */
#include "pmtest.h"
#include "podmortem/jsonscan.h"

struct seen {
	int n;
	char names[16][64];
	long lines[16];
	int bad;
	long badline[16];
	char why[256];
};

static int on_obj(void *arg, json_t *o, long line)
{
	struct seen *s = arg;
	const char *name = json_string_value(json_object_get(json_object_get(o, "metadata"), "name"));
	if (s->n < 16) {
		snprintf(s->names[s->n], 64, "%s", name ? name : json_string_value(json_object_get(o, "kind")) ? json_string_value(json_object_get(o, "kind")) : "?");
		s->lines[s->n] = line;
	}
	s->n++;
	return 0;
}

static void on_bad(void *arg, long line, const char *why)
{
	struct seen *s = arg;
	if (s->bad < 16)
		s->badline[s->bad] = line;
	snprintf(s->why, sizeof(s->why), "%s", why);
	s->bad++;
}

static int scan(const char *text, struct seen *s, struct pm_jsonscan_stats *st)
{
	struct pm_input in;
	struct pm_error err;
	int rc;
	memset(s, 0, sizeof(*s));
	pm_error_init(&err);
	pm_input_init_mem(&in, "x.json", text, strlen(text), 1 << 16);
	rc = pm_jsonscan(&in, on_obj, on_bad, s, st, &err);
	pm_input_release(&in);
	return rc;
}

static void list_items(void)
{
	struct seen s;
	struct pm_jsonscan_stats st;
	const char *t = "{\n \"apiVersion\": \"v1\",\n \"items\": [\n"
			"  {\"kind\":\"Pod\",\"metadata\":{\"name\":\"a\",\"x\":\"}]\\\"{\"}},\n"
			"  {\"kind\":\"Pod\",\"metadata\":{\"name\":\"b\"},\"items\":[1,2]}\n"
			" ],\n \"kind\": \"List\",\n \"metadata\": {\"resourceVersion\": \"\"}\n}\n";
	CHECK_INT(scan(t, &s, &st), 0);
	CHECK_INT(s.n, 2);
	CHECK_STR(s.names[0], "a");
	CHECK_STR(s.names[1], "b");
	CHECK_INT(s.lines[0], 4);
	CHECK_INT(s.lines[1], 5);
	CHECK_INT(st.list, 1);
}

static void array_single_and_stream(void)
{
	struct seen s;
	struct pm_jsonscan_stats st;
	CHECK_INT(scan("[{\"metadata\":{\"name\":\"x\"}},{\"metadata\":{\"name\":\"y\"}}]", &s, &st), 0);
	CHECK_INT(s.n, 2);
	CHECK_STR(s.names[1], "y");
	CHECK_INT(scan("{\"kind\":\"Pod\",\"metadata\":{\"name\":\"solo\"}}", &s, &st), 0);
	CHECK_INT(s.n, 1);
	CHECK_STR(s.names[0], "solo");
	CHECK_INT(st.list, 0);
	CHECK_INT(scan("{\"metadata\":{\"name\":\"l1\"}}\n{\"metadata\":{\"name\":\"l2\"}}\n", &s, &st), 0);
	CHECK_INT(s.n, 2);
	/* an empty List delivers nothing */
	CHECK_INT(scan("{\"kind\":\"PodList\",\"items\":[]}", &s, &st), 0);
	CHECK_INT(s.n, 0);
}

static void bad_item_does_not_stop_the_list(void)
{
	struct seen s;
	struct pm_jsonscan_stats st;
	const char *t = "{\"items\":[\n{\"metadata\":{\"name\":\"ok1\"}},\n{\"metadata\":{\"name\": nope}},\n"
			"{\"metadata\":{\"name\":\"ok2\"}},\n42\n]}";
	CHECK_INT(scan(t, &s, &st), 0);
	CHECK_INT(s.n, 2);
	CHECK_STR(s.names[1], "ok2");
	CHECK_INT(s.bad, 2);
	CHECK_INT(s.badline[0], 3);
	CHECK_INT(st.bad, 2);
}

static void truncated_and_garbage(void)
{
	struct seen s;
	struct pm_jsonscan_stats st;
	CHECK(scan("{\"items\":[{\"metadata\":{\"name\":\"a\"}},{\"metadata\":{\"na", &s, &st) < 0);
	CHECK_INT(s.n, 1); /* what came before the cut is kept */
	CHECK(scan("hello world", &s, &st) < 0);
	CHECK_INT(s.n, 0);
}

static void deep_nesting_is_bounded(void)
{
	size_t depth = 100000, i;
	char *t = malloc(depth * 2 + 64);
	struct seen s;
	struct pm_jsonscan_stats st;
	char *p = t;
	p += sprintf(p, "{\"items\":[");
	for (i = 0; i < depth; i++)
		*p++ = '[';
	for (i = 0; i < depth; i++)
		*p++ = ']';
	p += sprintf(p, ",{\"metadata\":{\"name\":\"after\"}}]}");
	*p = '\0';
	CHECK_INT(scan(t, &s, &st), 0);
	CHECK_INT(s.bad, 1);
	CHECK(strstr(s.why, "deep") != NULL);
	CHECK_INT(s.n, 1);
	CHECK_STR(s.names[0], "after");
	free(t);
}

static void realdata_eventlist(void)
{
	const char *path = pmt_realdata("replicatedhq_troubleshoot/events__message-container-creating-failed-mount.json");
	FILE *f;
	char *buf;
	long n;
	struct seen s;
	struct pm_jsonscan_stats st;
	if (!path) {
		fprintf(stderr, "realdata absent: skipped\n");
		return;
	}
	f = fopen(path, "rb");
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	CHECK_INT(fread(buf, 1, (size_t)n, f), n);
	buf[n] = '\0';
	fclose(f);
	CHECK_INT(scan(buf, &s, &st), 0);
	CHECK_INT(s.n, 76); /* SOURCES.md: an EventList of 76 items */
	CHECK_INT(s.bad, 0);
	free(buf);
}

int main(void)
{
	RUN(list_items);
	RUN(array_single_and_stream);
	RUN(bad_item_does_not_stop_the_list);
	RUN(truncated_and_garbage);
	RUN(deep_nesting_is_bounded);
	RUN(realdata_eventlist);
	DONE();
}
