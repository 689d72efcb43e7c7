/* timeutil.c - RFC 3339 parsing and formatting without time zones. */
#include "podmortem/timeutil.h"

#include <stdio.h>
#include <string.h>

int64_t pm_time_from_civil(int y, int mon, int d, int h, int mi, int s)
{
	/* Howard Hinnant's days_from_civil */
	int64_t yy = (int64_t)y - (mon <= 2);
	int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
	int64_t yoe = yy - era * 400;
	int64_t mp = (mon + 9) % 12;
	int64_t doy = (153 * mp + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	int64_t days = era * 146097 + doe - 719468;
	return days * 86400 + h * 3600 + mi * 60 + s;
}

static void put_digits(char *o, int v, int n)
{
	while (n-- > 0) {
		o[n] = (char)('0' + v % 10);
		v /= 10;
	}
}

void pm_time_format(int64_t t, char out[PM_TIME_LEN])
{
	int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	int64_t secs = t - days * 86400;
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = yoe + era * 400;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;

	y += (m <= 2);
	if (y < 0 || y > 9999) {
		snprintf(out, PM_TIME_LEN, "%s", "0000-00-00T00:00:00Z");
		return;
	}
	/* by hand, not snprintf: every log line's second goes through here */
	put_digits(out, (int)y, 4);
	out[4] = '-';
	put_digits(out + 5, (int)m, 2);
	out[7] = '-';
	put_digits(out + 8, (int)d, 2);
	out[10] = 'T';
	put_digits(out + 11, (int)(secs / 3600), 2);
	out[13] = ':';
	put_digits(out + 14, (int)(secs / 60 % 60), 2);
	out[16] = ':';
	put_digits(out + 17, (int)(secs % 60), 2);
	out[19] = 'Z';
	out[20] = '\0';
}

static int digits(const char *s, size_t n, size_t at, int count, int *out)
{
	int v = 0;
	if (at + (size_t)count > n)
		return 0;
	for (int i = 0; i < count; i++) {
		char c = s[at + i];
		if (c < '0' || c > '9')
			return 0;
		v = v * 10 + (c - '0');
	}
	*out = v;
	return 1;
}

size_t pm_time_parse(const char *s, size_t n, int64_t *epoch, long *micros)
{
	int y, mo, d, h, mi, sec = 0, zh = 0, zm = 0;
	size_t i;
	long frac = 0;
	int64_t off = 0;

	/* '-' as RFC 3339 has it, or '/' as Go's log package writes dates */
	if (!digits(s, n, 0, 4, &y) || n < 16 || (s[4] != '-' && s[4] != '/') ||
	    !digits(s, n, 5, 2, &mo) || s[7] != s[4] || !digits(s, n, 8, 2, &d) ||
	    (s[10] != 'T' && s[10] != ' ' && s[10] != 't') ||
	    !digits(s, n, 11, 2, &h) || s[13] != ':' || !digits(s, n, 14, 2, &mi))
		return 0;
	i = 16;
	if (i < n && s[i] == ':') {
		if (!digits(s, n, 17, 2, &sec))
			return 0;
		i = 19;
	}
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return 0;
	if (i < n && (s[i] == '.' || s[i] == ',')) {
		long scale = 100000;
		i++;
		while (i < n && s[i] >= '0' && s[i] <= '9') {
			frac += (s[i] - '0') * scale;
			scale /= 10;
			i++;
		}
	}
	if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
		i++;
	} else if (i < n && (s[i] == '+' || s[i] == '-') &&
		   digits(s, n, i + 1, 2, &zh)) {
		int sign = s[i] == '-' ? -1 : 1;
		size_t j = i + 3;
		if (j < n && s[j] == ':')
			j++;
		if (digits(s, n, j, 2, &zm))
			j += 2;
		off = sign * (zh * 3600 + zm * 60);
		i = j;
	}
	*epoch = pm_time_from_civil(y, mo, d, h, mi, sec) - off;
	if (micros)
		*micros = frac;
	return i;
}
