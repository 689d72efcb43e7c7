/* Tests for yamlconv.c: types, multi-document, aliases, bombs, errors. */
#include "pmtest.h"
#include "podmortem/yamlconv.h"

static int count_docs(void *arg, json_t *o, long line)
{
	int *n = arg;
	(*n)++;
	(void)o;
	(void)line;
	return 0;
}

static void scalars_are_typed(void)
{
	static const char y[] = "a: 1\nb: \"1\"\nc: true\nd: ~\ne: 1.5\nf: 0x1F\ng: '08'\nh: -3\n";
	json_t *j;
	struct pm_error err;
	CHECK_INT(pm_yaml_load(y, sizeof(y) - 1, "t.yaml", &j, &err), 0);
	CHECK(json_is_integer(json_object_get(j, "a")));
	CHECK(json_is_string(json_object_get(j, "b")));
	CHECK(json_is_true(json_object_get(j, "c")));
	CHECK(json_is_null(json_object_get(j, "d")));
	CHECK(json_is_real(json_object_get(j, "e")));
	CHECK(json_is_string(json_object_get(j, "f")));
	CHECK(json_is_string(json_object_get(j, "g")));
	CHECK_INT(json_integer_value(json_object_get(j, "h")), -3);
	json_decref(j);
}

static void documents_stream(void)
{
	static const char y[] = "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n---\n---\n"
				"apiVersion: v1\nkind: Pod\nmetadata:\n  name: b\n";
	struct pm_input in;
	struct pm_error err;
	int n = 0;
	pm_input_init_mem(&in, "t.yaml", y, sizeof(y) - 1, 1 << 16);
	CHECK_INT(pm_yaml_documents(&in, count_docs, &n, NULL, &err), 0);
	CHECK_INT(n, 2); /* the empty document is not an object */
	pm_input_release(&in);
}

static void aliases_and_bomb(void)
{
	static const char ok[] = "base: &b {x: 1, y: [1, 2]}\nuse: *b\n";
	json_t *j;
	struct pm_error err;
	struct pm_buf bomb = PM_BUF_INIT(1 << 20);
	CHECK_INT(pm_yaml_load(ok, sizeof(ok) - 1, "t.yaml", &j, &err), 0);
	CHECK_INT(json_integer_value(json_object_get(json_object_get(j, "use"), "x")), 1);
	json_decref(j);
	/* the billion laughs: each level doubles ten times */
	pm_buf_adds(&bomb, "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
	for (char c = 'b'; c <= 'j'; c++)
		pm_buf_addf(&bomb, "%c: &%c [*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c]\n", c, c,
			    c - 1, c - 1, c - 1, c - 1, c - 1, c - 1, c - 1, c - 1, c - 1);
	CHECK(pm_yaml_load(bomb.data, bomb.len, "bomb.yaml", &j, &err) == PM_ETOOBIG);
	CHECK(strstr(err.msg, "alias") != NULL);
	pm_buf_release(&bomb);
}

static void errors_name_line(void)
{
	static const char bad[] = "a: 1\nb: [1, 2\nc: 3\n";
	json_t *j;
	struct pm_error err;
	CHECK(pm_yaml_load(bad, sizeof(bad) - 1, "bad.yaml", &j, &err) < 0);
	CHECK_STR(err.path, "bad.yaml");
	CHECK(err.line >= 2);
	CHECK(strstr(err.msg, "invalid YAML") != NULL);
}

static void deep_nesting_is_refused(void)
{
	struct pm_buf b = PM_BUF_INIT(1 << 20);
	json_t *j;
	struct pm_error err;
	for (int i = 0; i < 1000; i++)
		pm_buf_addc(&b, '[');
	for (int i = 0; i < 1000; i++)
		pm_buf_addc(&b, ']');
	CHECK(pm_yaml_load(b.data, b.len, "deep.yaml", &j, &err) < 0);
	pm_buf_release(&b);
}

int main(void)
{
	RUN(scalars_are_typed);
	RUN(documents_stream);
	RUN(aliases_and_bomb);
	RUN(errors_name_line);
	RUN(deep_nesting_is_refused);
	DONE();
}
