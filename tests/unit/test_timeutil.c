/* Tests for timeutil.c: parsing forms, zones, formatting, rejects. */
#include "pmtest.h"
#include "podmortem/timeutil.h"

static const char *fmt(const char *s)
{
	static char out[PM_TIME_LEN];
	int64_t t;
	long us;
	if (!pm_time_parse(s, strlen(s), &t, &us))
		return "reject";
	pm_time_format(t, out);
	return out;
}

static void forms(void)
{
	CHECK_STR(fmt("2026-12-04T10:00:00Z"), "2026-12-04T10:00:00Z");
	CHECK_STR(fmt("2026-12-04T10:00:00.123456789Z"), "2026-12-04T10:00:00Z");
	CHECK_STR(fmt("2026-12-04 10:00:00,123"), "2026-12-04T10:00:00Z");
	CHECK_STR(fmt("2026-12-04T12:30:00+02:30"), "2026-12-04T10:00:00Z");
	CHECK_STR(fmt("2026-12-04T02:00:00-0800"), "2026-12-04T10:00:00Z");
	CHECK_STR(fmt("2024-02-29T23:59:59Z"), "2024-02-29T23:59:59Z");
	CHECK_STR(fmt("1970-01-01T00:00:00Z"), "1970-01-01T00:00:00Z");
	CHECK_STR(fmt("2026-12-31T23:30:00-01:00"), "2027-01-01T00:30:00Z");
	CHECK_STR(fmt("2026/12/04 10:00:00.123456 msg"), "2026-12-04T10:00:00Z");
}

static void rejects(void)
{
	CHECK_STR(fmt("not a time"), "reject");
	CHECK_STR(fmt("2026-13-04T10:00:00Z"), "reject");
	CHECK_STR(fmt("2026-12-04"), "reject");
	CHECK_STR(fmt("2026/12-04 10:00:00"), "reject");
	CHECK_STR(fmt("2026-12-04T25:00:00Z"), "reject");
	CHECK_STR(fmt(""), "reject");
}

static void epoch_and_fraction(void)
{
	int64_t t;
	long us;
	size_t n = pm_time_parse("2026-12-04T10:00:00.25Z rest", 28, &t, &us);
	CHECK_INT(n, 23);
	CHECK_INT(us, 250000);
	CHECK_INT(t, pm_time_from_civil(2026, 12, 4, 10, 0, 0));
	CHECK_INT(pm_time_from_civil(1970, 1, 1, 0, 0, 0), 0);
	CHECK_INT(pm_time_from_civil(2000, 3, 1, 0, 0, 0), 951868800);
}

int main(void)
{
	RUN(forms);
	RUN(rejects);
	RUN(epoch_and_fraction);
	DONE();
}
