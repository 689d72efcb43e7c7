/*
 * logtemplate.c - masking what varies in a log message; see logtemplate.h.
 */
#include "podmortem/logtemplate.h"
#include "podmortem/timeutil.h"

#include <stdint.h>
#include <string.h>

/* ASCII classes by table: every byte of every message goes through here */
enum { C_DIGIT = 1, C_ALPHA = 2, C_HEX = 4 };
#define D (C_DIGIT | C_HEX)
#define H (C_ALPHA | C_HEX)
#define A C_ALPHA
static const unsigned char cls[256] = {
	['0'] = D, ['1'] = D, ['2'] = D, ['3'] = D, ['4'] = D,
	['5'] = D, ['6'] = D, ['7'] = D, ['8'] = D, ['9'] = D,
	['a'] = H, ['b'] = H, ['c'] = H, ['d'] = H, ['e'] = H, ['f'] = H,
	['A'] = H, ['B'] = H, ['C'] = H, ['D'] = H, ['E'] = H, ['F'] = H,
	['g'] = A, ['h'] = A, ['i'] = A, ['j'] = A, ['k'] = A, ['l'] = A,
	['m'] = A, ['n'] = A, ['o'] = A, ['p'] = A, ['q'] = A, ['r'] = A,
	['s'] = A, ['t'] = A, ['u'] = A, ['v'] = A, ['w'] = A, ['x'] = A,
	['y'] = A, ['z'] = A,
	['G'] = A, ['H'] = A, ['I'] = A, ['J'] = A, ['K'] = A, ['L'] = A,
	['M'] = A, ['N'] = A, ['O'] = A, ['P'] = A, ['Q'] = A, ['R'] = A,
	['S'] = A, ['T'] = A, ['U'] = A, ['V'] = A, ['W'] = A, ['X'] = A,
	['Y'] = A, ['Z'] = A,
};
#undef D
#undef H
#undef A

static int is_digit(unsigned char c) { return cls[c] & C_DIGIT; }
static int is_alpha(unsigned char c) { return cls[c] & C_ALPHA; }
static int is_alnum(unsigned char c) { return cls[c] & (C_DIGIT | C_ALPHA); }
static int is_hex(unsigned char c) { return cls[c] & C_HEX; }

static size_t match_uuid(const char *s, size_t n)
{
	static const int groups[] = {8, 4, 4, 4, 12};
	size_t i = 0;
	for (int g = 0; g < 5; g++) {
		for (int k = 0; k < groups[g]; k++, i++)
			if (i >= n || !is_hex((unsigned char)s[i]))
				return 0;
		if (g < 4 && (i >= n || s[i++] != '-'))
			return 0;
	}
	return i < n && is_alnum((unsigned char)s[i]) ? 0 : i;
}

static size_t digits_at(const char *s, size_t n, size_t i)
{
	size_t j = i;
	while (j < n && is_digit((unsigned char)s[j]))
		j++;
	return j - i;
}

static size_t match_ip(const char *s, size_t n)
{
	size_t i = 0;
	for (int part = 0; part < 4; part++) {
		size_t d = digits_at(s, n, i);
		if (d < 1 || d > 3)
			return 0;
		i += d;
		if (part < 3 && (i >= n || s[i++] != '.'))
			return 0;
	}
	if (i < n && (is_alnum((unsigned char)s[i]) ||
		      (s[i] == '.' && i + 1 < n && is_digit((unsigned char)s[i + 1]))))
		return 0;
	if (i + 1 < n && (s[i] == ':' || s[i] == '/') &&
	    is_digit((unsigned char)s[i + 1])) {
		size_t d = digits_at(s, n, i + 1);
		if (i + 1 + d >= n || !is_alnum((unsigned char)s[i + 1 + d]))
			i += 1 + d;
	}
	return i;
}

/* Go durations: 1h2m3.5s, 250ms, 903.138µs */
static size_t match_duration(const char *s, size_t n)
{
	size_t i = 0;
	int units = 0;
	while (i < n && is_digit((unsigned char)s[i])) {
		size_t u;
		i += digits_at(s, n, i);
		if (i < n && s[i] == '.' && i + 1 < n && is_digit((unsigned char)s[i + 1]))
			i += 1 + digits_at(s, n, i + 1);
		if (i + 1 < n && (s[i] == 'n' || s[i] == 'u' || s[i] == 'm') && s[i + 1] == 's')
			u = 2;
		else if (i + 2 < n && !memcmp(s + i, "\xc2\xb5s", 3))
			u = 3;
		else if (i < n && (s[i] == 'h' || s[i] == 'm' || s[i] == 's'))
			u = 1;
		else
			return 0;
		i += u;
		units++;
	}
	if (!units || (i < n && is_alnum((unsigned char)s[i])))
		return 0;
	return i;
}

static size_t match_hex(const char *s, size_t n)
{
	size_t i = 0;
	int dig = 0, let = 0, ox = 0;
	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && is_hex((unsigned char)s[2])) {
		i = 2;
		dig = let = ox = 1;
	}
	for (; i < n && is_hex((unsigned char)s[i]); i++) {
		if (is_digit((unsigned char)s[i]))
			dig = 1;
		else
			let = 1;
	}
	if (i < n && is_alnum((unsigned char)s[i]))
		return 0;
	return dig && let && (i >= 7 || ox) ? i : 0;
}

/* A number, maybe with a size unit kept: "<N>Mi".  *unit gets its length. */
static size_t match_number(const char *s, size_t n, size_t *unit)
{
	static const char *const units[] = {
		"B", "KB", "MB", "GB", "TB", "Ki", "Mi", "Gi", "Ti", "KiB", "MiB",
		"GiB", "TiB", "k", "K", "M", "G", "T"};
	size_t i = digits_at(s, n, 0), j;
	while (i + 1 < n && (s[i] == '.' || s[i] == ',') &&
	       is_digit((unsigned char)s[i + 1]))
		i += 1 + digits_at(s, n, i + 1);
	*unit = 0;
	if (i >= n || !is_alnum((unsigned char)s[i]))
		return i;
	for (j = i; j < n && is_alpha((unsigned char)s[j]); j++)
		;
	if (j < n && is_digit((unsigned char)s[j]))
		return 0;
	for (size_t k = 0; k < sizeof(units) / sizeof(units[0]); k++)
		if (strlen(units[k]) == j - i && !memcmp(s + i, units[k], j - i)) {
			*unit = j - i;
			return j;
		}
	return 0;
}

/*
 * Masks what varies between similar lines so they group: quoted values,
 * times, UUIDs, IPs, durations, hex ids and numbers.
 */
void pm_log_template(struct pm_buf *o, const char *s, size_t n)
{
	size_t i = 0;

	pm_buf_reset(o);
	while (i < n && o->len < PM_TEMPLATE_MAX) {
		unsigned char c = (unsigned char)s[i];
		size_t m, unit;
		int64_t t;

		if (c == '"' || (c == '\'' && (i == 0 || !is_alnum((unsigned char)s[i - 1])))) {
			size_t j = i + 1, lim = n - i > 4096 ? i + 4096 : n;
			/* bounded: a line of lone quotes stays linear */
			while (j < lim && s[j] != (char)c) {
				if (s[j] == '\\')
					j++;
				j++;
			}
			if (j >= lim)
				j = n;
			if (j < n && (c == '"' || j + 1 >= n || !is_alnum((unsigned char)s[j + 1]))) {
				pm_buf_addc(o, (char)c);
				pm_buf_add(o, "<S>", 3);
				pm_buf_addc(o, (char)c);
				i = j + 1;
				continue;
			}
			pm_buf_addc(o, (char)c);
			i++;
			continue;
		}
		if (!is_alnum(c)) {
			size_t j = i + 1;
			while (j < n && !is_alnum((unsigned char)s[j]) && s[j] != '"' && s[j] != '\'')
				j++;
			pm_buf_add(o, s + i, j - i);
			i = j;
			continue;
		}
		if (!is_hex(c)) {
			/* a word from g on: no time, id, address or number
			 * starts so, and most words do (the common case first) */
			size_t j = i + 1;
			while (j < n && is_alnum((unsigned char)s[j]))
				j++;
			pm_buf_add(o, s + i, j - i);
			i = j;
		} else if (is_digit(c) && n - i >= 16 && s[i + 4] == '-' &&
		    (m = pm_time_parse(s + i, n - i, &t, NULL)) != 0) {
			pm_buf_add(o, "<TS>", 4);
			i += m;
		} else if ((m = match_uuid(s + i, n - i)) != 0) {
			pm_buf_add(o, "<ID>", 4);
			i += m;
		} else if (is_digit(c) && (m = match_ip(s + i, n - i)) != 0) {
			pm_buf_add(o, "<IP>", 4);
			i += m;
		} else if (is_digit(c) && (m = match_duration(s + i, n - i)) != 0) {
			pm_buf_add(o, "<DUR>", 5);
			i += m;
		} else if ((m = match_hex(s + i, n - i)) != 0) {
			pm_buf_add(o, "<ID>", 4);
			i += m;
		} else if (is_digit(c) && (m = match_number(s + i, n - i, &unit)) != 0) {
			pm_buf_add(o, "<N>", 3);
			pm_buf_add(o, s + i + m - unit, unit);
			i += m;
		} else {
			size_t j = i;
			while (j < n && is_alnum((unsigned char)s[j]))
				j++;
			pm_buf_add(o, s + i, j - i);
			i = j;
		}
	}
	pm_buf_check(o);
}
