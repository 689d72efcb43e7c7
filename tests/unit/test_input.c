/* Tests for input.c: lines, CRLF, the line cap, the byte cap, peek. */
#include "pmtest.h"
#include "podmortem/input.h"

static void lines_and_crlf(void)
{
	static const char data[] = "one\r\ntwo\n\nlast-without-newline";
	struct pm_input in;
	const char *l;
	size_t n;
	pm_input_init_mem(&in, "t.txt", data, sizeof(data) - 1, 100);
	CHECK_INT(pm_input_getline(&in, &l, &n), 1);
	CHECK_STR(l, "one");
	CHECK_INT(pm_input_getline(&in, &l, &n), 1);
	CHECK_STR(l, "two");
	CHECK_INT(pm_input_getline(&in, &l, &n), 1);
	CHECK_INT(n, 0);
	CHECK_INT(pm_input_getline(&in, &l, &n), 1);
	CHECK_STR(l, "last-without-newline");
	CHECK_INT(in.lineno, 4);
	CHECK_INT(pm_input_getline(&in, &l, &n), 0);
	pm_input_release(&in);
}

static void long_line_is_cut_and_counted(void)
{
	char *data = malloc(300000);
	struct pm_input in;
	const char *l;
	size_t n;
	memset(data, 'x', 300000);
	data[200000] = '\n';
	pm_input_init_mem(&in, "big.log", data, 300000, 1000);
	CHECK_INT(pm_input_getline(&in, &l, &n), 1);
	CHECK_INT(n, 1000);
	CHECK_INT(pm_input_getline(&in, &l, &n), 1);
	CHECK_INT(n, 1000);
	CHECK_INT(in.long_lines, 2);
	CHECK_INT(in.lineno, 2);
	CHECK_INT(pm_input_getline(&in, &l, &n), 0);
	pm_input_release(&in);
	free(data);
}

static void byte_cap_marks_truncated(void)
{
	static const char data[] = "aaaa\nbbbb\ncccc\n";
	struct pm_input in;
	struct pm_buf b = PM_BUF_INIT(100);
	size_t got;
	const unsigned char *head;
	pm_input_init_mem(&in, "t", data, sizeof(data) - 1, 100);
	in.max_bytes = 7; /* fewer than the data holds */
	head = pm_input_peek(&in, 3, &got);
	CHECK_INT(got, 3);
	CHECK(head && !memcmp(head, "aaa", 3));
	CHECK_INT(pm_input_slurp(&in, &b), 0);
	CHECK_STR(pm_buf_cstr(&b), "aaaa\nbb");
	CHECK_INT(in.truncated, 1);
	pm_buf_release(&b);
	pm_input_release(&in);
}

static void slurp_over_buffer_cap(void)
{
	static const char data[] = "0123456789";
	struct pm_input in;
	struct pm_buf b = PM_BUF_INIT(4);
	pm_input_init_mem(&in, "t", data, 10, 100);
	CHECK(pm_input_slurp(&in, &b) < 0);
	pm_buf_release(&b);
	pm_input_release(&in);
}

/* Lines handed out in place (whole in the read buffer) and copied (across
 * a refill, or longer than the cap) read the same: every length around
 * the cap, CRs, lines across the 64 KB block boundaries. */
static void in_place_and_copied_lines(void)
{
	enum { CAP = 50, NLINES = 6000 };
	size_t len[NLINES], total = 0, at = 0;
	unsigned r = 7;
	char *data;
	struct pm_input in;
	const char *l;
	size_t n;
	long cut = 0, bad = 0;

	for (int i = 0; i < NLINES; i++) {
		r = r * 1103515245u + 12345u;
		len[i] = (r >> 16) % 3 ? CAP - 2 + (r >> 8) % 5 : (r >> 8) % 200;
		total += len[i] + 2;
	}
	data = malloc(total);
	for (int i = 0; i < NLINES; i++) {
		for (size_t k = 0; k < len[i]; k++)
			data[at++] = (char)('a' + (i + (int)k) % 26);
		if (i % 7 == 0)
			data[at++] = '\r';
		data[at++] = '\n';
	}
	pm_input_init_mem(&in, "mixed.log", data, at, CAP);
	for (int i = 0; i < NLINES; i++) {
		size_t want = len[i] > CAP ? CAP : len[i];
		int ok = pm_input_getline(&in, &l, &n) == 1 && n == want && l[n] == '\0';
		for (size_t k = 0; ok && k < want; k++)
			ok = l[k] == (char)('a' + (i + (int)k) % 26);
		bad += !ok;
		cut += len[i] + (i % 7 == 0) > CAP;
	}
	CHECK_INT(bad, 0);
	CHECK(total > 3 * 65536);  /* several refills */
	CHECK(cut > 100);
	CHECK_INT(in.long_lines, cut);
	CHECK_INT(in.lineno, NLINES);
	CHECK_INT(pm_input_getline(&in, &l, &n), 0);
	pm_input_release(&in);
	free(data);
}

int main(void)
{
	RUN(lines_and_crlf);
	RUN(long_line_is_cut_and_counted);
	RUN(byte_cap_marks_truncated);
	RUN(slurp_over_buffer_cap);
	RUN(in_place_and_copied_lines);
	DONE();
}
