/*
 * jsonscan.c - a byte-level walk over JSON that tracks strings and
 * nesting just enough to find element boundaries; jansson parses each
 * element.  See jsonscan.h.
 */
#include "podmortem/jsonscan.h"

#include <string.h>

#define TOP_MAX (64u << 20)

struct scan {
	struct pm_buf unit;   /* current element */
	struct pm_buf top;    /* top-level object, items emptied */
	int depth, in_str, esc;
	char mode;            /* 0 between values, 'A' array, 'O' object */
	int in_elems, elem_depth;
	int unit_on, unit_bad;
	long unit_line, line, top_line;
	int key_expect, key_on, key_items, await_items;
	char key[8];
	size_t keylen;
	int saw_items;
	int too_deep;         /* top-level nesting beyond the cap */
	pm_object_fn fn;
	pm_text_fn textfn;  /* set: elements are handed over unparsed */
	pm_bad_fn badfn;
	void *arg;
	struct pm_jsonscan_stats *st;
	struct pm_error *err;
	int stop;
};

static void bad(struct scan *s, long line, const char *why)
{
	s->st->bad++;
	if (s->badfn)
		s->badfn(s->arg, line, why);
}

static void deliver(struct scan *s, const char *text, size_t len, long line)
{
	json_error_t je;
	json_t *j;
	char why[300];

	if (s->textfn) {
		s->st->objects++;
		if (s->textfn(s->arg, text, len, line) < 0)
			s->stop = 1;
		return;
	}
	j = json_loadb(text, len, JSON_DECODE_ANY, &je);
	if (!j) {
		snprintf(why, sizeof(why), "invalid JSON: %s (column %d)",
			 je.text, je.column);
		bad(s, line + (je.line > 1 ? je.line - 1 : 0), why);
		return;
	}
	if (!json_is_object(j)) {
		bad(s, line, "element is not a JSON object");
	} else {
		s->st->objects++;
		if (s->fn(s->arg, j, line) < 0)
			s->stop = 1;
	}
	json_decref(j);
}

static void unit_end(struct scan *s)
{
	if (s->unit_bad)
		bad(s, s->unit_line, s->unit_bad == 1
				      ? "element nested too deep"
				      : "element larger than the size cap");
	else
		deliver(s, s->unit.data, s->unit.len, s->unit_line);
	s->unit_on = 0;
	pm_buf_reset(&s->unit);
}

static void top_end(struct scan *s)
{
	if (s->too_deep)
		bad(s, s->top_line, "document nested too deep");
	else if (s->mode == 'O' && !s->saw_items) {
		if (pm_buf_check(&s->top))
			bad(s, s->top_line, "object larger than the size cap");
		else
			deliver(s, s->top.data, s->top.len, s->top_line);
	}
	if (s->saw_items || s->mode == 'A')
		s->st->list = 1;
	pm_buf_reset(&s->top);
	s->mode = 0;
	s->saw_items = 0;
	s->too_deep = 0;
}

static inline void emit(struct scan *s, char c)
{
	struct pm_buf *b;

	if (s->unit_on) {
		if (s->unit_bad)
			return;
		b = &s->unit;
	} else if (s->mode == 'O') {
		b = &s->top;
	} else {
		return;
	}
	if (b->len + 1 < b->alloc && !b->err) {
		b->data[b->len++] = c;
		b->data[b->len] = '\0';
	} else if (pm_buf_addc(b, c) && b == &s->unit) {
		s->unit_bad = 2;
	}
}

/* Bulk emit, same rules as emit(): a run inside a string or of blanks. */
static void emit_run(struct scan *s, const char *p, size_t n)
{
	struct pm_buf *b;

	if (s->unit_on) {
		if (s->unit_bad)
			return;
		b = &s->unit;
	} else if (s->mode == 'O') {
		b = &s->top;
	} else {
		return;
	}
	if (pm_buf_add(b, p, n) && b == &s->unit)
		s->unit_bad = 2;
}

/* Length of the run at p that step() would only copy: string bytes
 * other than '"', '\\' and newline (outside a key), or spaces outside
 * strings.  Most of a kubectl List is one or the other. */
static size_t plain_run(const struct scan *s, const unsigned char *p, size_t n)
{
	size_t i = 0;
	if (s->in_str) {
		if (s->esc || s->key_on)
			return 0;
		while (i < n && p[i] != '"' && p[i] != '\\' && p[i] != '\n')
			i++;
	} else {
		while (i < n && p[i] == ' ')
			i++;
	}
	return i;
}

static int is_ws(char c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

static void step(struct scan *s, char c)
{
	if (c == '\n')
		s->line++;
	if (s->in_str) {
		if (s->esc) {
			s->esc = 0;
		} else if (c == '\\') {
			s->esc = 1;
		} else if (c == '"') {
			s->in_str = 0;
			if (s->key_on) {
				s->key_on = 0;
				s->key_items = s->keylen == 5 &&
					       !memcmp(s->key, "items", 5);
			}
		} else if (s->key_on) {
			if (s->keylen < sizeof(s->key))
				s->key[s->keylen++] = c;
			else
				s->keylen = sizeof(s->key) + 1;
		}
		emit(s, c);
		return;
	}
	if (is_ws(c)) {
		if (s->unit_on || s->mode == 'O')
			emit(s, c);
		return;
	}
	if (s->in_elems && s->depth == s->elem_depth) {
		if (s->unit_on && (c == ',' || c == ']'))
			unit_end(s); /* a scalar element ends here */
		if (c == ',')
			return;
		if (c != ']' && !s->unit_on) {
			s->unit_on = 1;
			s->unit_bad = 0;
			s->unit_line = s->line;
			pm_buf_reset(&s->unit);
		}
	}
	if (s->depth == 0 && s->mode == 0) {
		if (c != '{' && c != '[') {
			s->mode = 'X'; /* not JSON we can use */
			return;
		}
		s->mode = c == '[' ? 'A' : 'O';
		s->top_line = s->line;
		if (s->mode == 'A') {
			s->in_elems = 1;
			s->elem_depth = 1;
		} else {
			s->key_expect = 1;
		}
		s->depth = 1;
		emit(s, c);
		return;
	}
	switch (c) {
	case '"':
		s->in_str = 1;
		if (s->mode == 'O' && s->depth == 1 && s->key_expect) {
			s->key_on = 1;
			s->keylen = 0;
			s->key_expect = 0;
		}
		break;
	case '{':
	case '[':
		s->depth++;
		if (s->depth > PM_JSON_MAX_DEPTH) {
			if (s->unit_on)
				s->unit_bad = s->unit_bad ? s->unit_bad : 1;
			else
				s->too_deep = 1;
		}
		if (s->mode == 'O' && s->depth == 2 && c == '[' && s->await_items) {
			s->in_elems = 1;
			s->elem_depth = 2;
			s->saw_items = 1;
		}
		s->await_items = 0;
		break;
	case '}':
	case ']':
		if (s->in_elems && s->depth == s->elem_depth && c == ']')
			s->in_elems = 0;
		s->depth--;
		break;
	case ',':
		if (s->mode == 'O' && s->depth == 1)
			s->key_expect = 1;
		break;
	case ':':
		if (s->mode == 'O' && s->depth == 1) {
			s->await_items = s->key_items;
			s->key_items = 0;
			emit(s, c);
			return;
		}
		break;
	default:
		s->await_items = 0;
		break;
	}
	emit(s, c);
	if (s->unit_on && s->depth == s->elem_depth && (c == '}' || c == ']'))
		unit_end(s);
	if (s->depth == 0 && s->mode != 0)
		top_end(s);
}

static int scan_run(struct pm_input *in, pm_object_fn fn, pm_text_fn textfn,
		    pm_bad_fn badfn, void *arg, struct pm_jsonscan_stats *stats,
		    struct pm_error *err);

int pm_jsonscan(struct pm_input *in, pm_object_fn fn, pm_bad_fn badfn,
		void *arg, struct pm_jsonscan_stats *stats,
		struct pm_error *err)
{
	return scan_run(in, fn, NULL, badfn, arg, stats, err);
}

int pm_jsonscan_text(struct pm_input *in, pm_text_fn fn, pm_bad_fn badfn,
		     void *arg, struct pm_jsonscan_stats *stats,
		     struct pm_error *err)
{
	return scan_run(in, NULL, fn, badfn, arg, stats, err);
}

static int scan_run(struct pm_input *in, pm_object_fn fn, pm_text_fn textfn,
		    pm_bad_fn badfn, void *arg, struct pm_jsonscan_stats *stats,
		    struct pm_error *err)
{
	struct scan s;
	unsigned char block[65536];
	ssize_t n;
	int rc = 0;

	memset(&s, 0, sizeof(s));
	memset(stats, 0, sizeof(*stats));
	pm_buf_init(&s.unit, PM_JSON_MAX_OBJECT);
	pm_buf_init(&s.top, TOP_MAX);
	s.line = 1;
	s.fn = fn;
	s.textfn = textfn;
	s.badfn = badfn;
	s.arg = arg;
	s.st = stats;
	s.err = err;

	while (!s.stop && s.mode != 'X' &&
	       (n = pm_input_read(in, block, sizeof(block))) > 0) {
		size_t i = 0;
		/* skip a UTF-8 byte order mark at the very start */
		if (in->consumed == (uint64_t)n && n >= 3 && block[0] == 0xEF &&
		    block[1] == 0xBB && block[2] == 0xBF)
			i = 3;
		while (i < (size_t)n && !s.stop && s.mode != 'X') {
			size_t run = plain_run(&s, block + i, (size_t)n - i);
			if (run > 1) {
				emit_run(&s, (const char *)block + i, run);
				i += run;
				continue;
			}
			step(&s, (char)block[i++]);
		}
	}
	if (in->ioerr)
		rc = pm_error_setat(err, PM_EIO, in->path, s.line, "read failed");
	else if (s.stop)
		rc = pm_error_setat(err, PM_ERR, in->path, s.line, "stopped");
	else if (s.mode == 'X')
		rc = pm_error_setat(err, PM_EPARSE, in->path, s.line,
				    "not JSON: expected '{' or '['");
	else if (s.depth != 0 || s.in_str)
		rc = pm_error_setat(err, PM_EPARSE, in->path, s.line,
				    "unexpected end of file inside %s (cut short?)",
				    s.unit_on ? "an item" : "the document");
	if (rc && s.unit_on)
		stats->bad++;
	pm_buf_release(&s.unit);
	pm_buf_release(&s.top);
	return rc;
}
