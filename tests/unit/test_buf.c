/* Tests for buf.c: growth, the cap, the sticky error. */
#include "pmtest.h"
#include "podmortem/buf.h"
#include "podmortem/error.h"

static void grows_and_terminates(void)
{
	struct pm_buf b = PM_BUF_INIT(1 << 20);
	CHECK_STR(pm_buf_cstr(&b), "");
	for (int i = 0; i < 1000; i++)
		pm_buf_addf(&b, "%d,", i);
	CHECK_INT(pm_buf_check(&b), 0);
	CHECK(b.len > 3000);
	CHECK_INT(b.data[b.len], 0);
	CHECK(!strncmp(b.data, "0,1,2,", 6));
	pm_buf_release(&b);
}

static void cap_is_sticky_until_checked(void)
{
	struct pm_buf b = PM_BUF_INIT(8);
	CHECK_INT(pm_buf_adds(&b, "12345"), 0);
	CHECK_INT(pm_buf_adds(&b, "6789"), PM_ETOOBIG);
	/* later appends are refused even when they would fit */
	CHECK_INT(pm_buf_addc(&b, 'x'), PM_ETOOBIG);
	CHECK_STR(pm_buf_cstr(&b), "12345");
	CHECK_INT(pm_buf_check(&b), PM_ETOOBIG);
	CHECK_INT(pm_buf_check(&b), 0);
	CHECK_INT(pm_buf_addc(&b, 'x'), 0);
	CHECK_STR(pm_buf_cstr(&b), "12345x");
	/* exactly at the cap is fine */
	CHECK_INT(pm_buf_adds(&b, "yz"), 0);
	CHECK_INT(b.len, 8);
	pm_buf_release(&b);
}

static void addf_long_and_detach(void)
{
	struct pm_buf b = PM_BUF_INIT(4096);
	char big[1000];
	char *p;
	size_t len;
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CHECK_INT(pm_buf_addf(&b, "<%s>", big), 0);
	CHECK_INT(b.len, 1001);
	CHECK_INT(pm_buf_addf(&b, "%s%s%s%s", big, big, big, big), PM_ETOOBIG);
	p = pm_buf_detach(&b, &len);
	CHECK_INT(len, 1001);
	CHECK(p[0] == '<' && p[1000] == '>');
	CHECK(b.data == NULL && b.len == 0);
	free(p);
}

int main(void)
{
	RUN(grows_and_terminates);
	RUN(cap_is_sticky_until_checked);
	RUN(addf_long_and_detach);
	DONE();
}
