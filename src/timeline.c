/*
 * timeline.c - the incident timeline as inline SVG (see timeline.h).
 *
 * Items come from the store in a fixed SQL order, are grouped into lanes
 * (bounded, the rest folded into "other"), merged when a lane holds too
 * many, and drawn on one axis from the earliest item to collected_at.
 */
#include "podmortem/timeline.h"
#include "podmortem/report.h"
#include "podmortem/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ITEMS 50000L   /* items read from the store, all groups */
#define TITLE_MAX 600      /* bytes of bundle text in one <title> */

enum group { G_VELERO, G_EVENTS, G_LOGS, G_RESTARTS, G_N };

/* Mark colours: one fixed table, so the SVG needs no stylesheet. */
enum colour { C_OK, C_PARTIAL, C_FAIL, C_RUN, C_WARN, C_ERR, C_RESTART,
	      C_OTHER };
static const char *const fill[] = {
	"#2e7d32", "#ef6c00", "#c62828", "#1565c0", "#f9a825", "#c62828",
	"#6a1b9a", "#757575"
};
/* How bad a colour is, to pick one for a merged mark. */
static const int badness[] = { 0, 3, 5, 1, 2, 4, 3, 0 };

struct item {
	int group;
	char *lane;
	int64_t t0, t1;
	long count;
	int colour;
	char *title;
	int slot;         /* row in its group, -1 = folded into "other" */
};

struct lane {
	int group;
	const char *name; /* the first item's lane text */
	double score;     /* which lanes are kept when there are too many */
	long first, n;    /* its run of items (items sorted by group, lane) */
	int slot;         /* position after folding, -1 = folded */
};

struct tl {
	struct item *items;
	long n, cap;
	long dropped;
};

static const char *label(const char *lang, int i)
{
	static const char *const en[] = {
		"Backups and restores", "Warning events by reason",
		"Log errors per minute", "Pod restarts", "other",
		"collected", "UTC", "older", "Incident timeline",
		"No times in the bundle to draw a timeline from.",
		"merged marks", "log errors per",
	};
	static const char *const zh[] = {
		"备份与恢复", "告警事件（按原因）", "每分钟日志错误",
		"Pod 重启", "其他", "采集时间", "UTC", "更早",
		"故障时间线", "包中没有可用于绘制时间线的时间。",
		"合并的标记", "日志错误，每",
	};
	return (lang && !strcmp(lang, "zh") ? zh : en)[i];
}

static int64_t parse_t(const unsigned char *s)
{
	int64_t t;
	if (!s || !pm_time_parse((const char *)s, strlen((const char *)s), &t, NULL))
		return INT64_MIN;
	return t;
}

static const char *col(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	return t ? (const char *)t : "";
}

static int add_item(struct tl *tl, int group, const char *lane, int64_t t0,
		    int64_t t1, long count, int colour, const char *title)
{
	struct item *it;
	if (t0 == INT64_MIN) {
		tl->dropped++;
		return 0;
	}
	if (t1 == INT64_MIN || t1 < t0)
		t1 = t0;
	if (tl->n >= MAX_ITEMS) {
		tl->dropped++;
		return 0;
	}
	if (tl->n == tl->cap) {
		long nc = tl->cap ? tl->cap * 2 : 256;
		void *p = realloc(tl->items, (size_t)nc * sizeof(*tl->items));
		if (!p)
			return PM_ENOMEM;
		tl->items = p;
		tl->cap = nc;
	}
	it = &tl->items[tl->n];
	it->lane = strdup(lane);
	it->title = strdup(title);
	if (!it->lane || !it->title) {
		free(it->lane);
		free(it->title);
		return PM_ENOMEM;
	}
	it->group = group;
	it->t0 = t0;
	it->t1 = t1;
	it->count = count < 1 ? 1 : count;
	it->colour = colour;
	tl->n++;
	return 0;
}

static int phase_colour(const char *p)
{
	if (!strcmp(p, "Completed"))
		return C_OK;
	if (!strcmp(p, "PartiallyFailed"))
		return C_PARTIAL;
	if (strstr(p, "Fail") || !strcmp(p, "FailedValidation"))
		return C_FAIL;
	if (!strcmp(p, "InProgress") || !strcmp(p, "New") ||
	    strstr(p, "Finaliz") || !strcmp(p, "WaitingForPluginOperations"))
		return C_RUN;
	return C_OTHER;
}

/* Text of one title: bounded, built in a pm_buf and copied by add_item. */
static void tb_add(struct pm_buf *tb, const char *s)
{
	size_t room = TITLE_MAX > tb->len ? TITLE_MAX - tb->len : 0;
	size_t n = strlen(s);
	if (n > room) {
		/* cut on a UTF-8 boundary */
		while (room && ((unsigned char)s[room] & 0xC0) == 0x80)
			room--;
		pm_buf_add(tb, s, room);
		pm_buf_adds(tb, "\xE2\x80\xA6");
		return;
	}
	pm_buf_add(tb, s, n);
}

/* The item a row makes, once its title is complete in tb. */
static int add_titled(struct tl *tl, int group, const char *lane, int64_t t0,
		      int64_t t1, long count, int colour, struct pm_buf *tb)
{
	if (pm_buf_check(tb))
		return PM_ENOMEM;
	return add_item(tl, group, lane, t0, t1, count, colour, pm_buf_cstr(tb));
}

/* One row of a reader's query; tb is a fresh, bounded title buffer. */
typedef int (*row_fn)(struct tl *tl, sqlite3_stmt *s, struct pm_buf *tb,
		      const void *arg);

/* Each row of sql to fn.  A query that cannot be prepared (its table is
 * absent: no Velero, no logs) draws nothing. */
static int each_row(struct tl *tl, sqlite3 *db, const char *sql, row_fn fn,
		    const void *arg)
{
	sqlite3_stmt *s;
	int rc = 0;
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		return 0;
	while (!rc && sqlite3_step(s) == SQLITE_ROW) {
		struct pm_buf tb = PM_BUF_INIT(TITLE_MAX + 8);
		rc = fn(tl, s, &tb, arg);
		pm_buf_release(&tb);
	}
	sqlite3_finalize(s);
	return rc;
}

static int velero_row(struct tl *tl, sqlite3_stmt *s, struct pm_buf *tb,
		      const void *arg)
{
	struct pm_buf lane = PM_BUF_INIT(1024);
	const char *phase = col(s, 3);
	int64_t now = *(const int64_t *)arg;
	int64_t t0 = parse_t(sqlite3_column_text(s, 4));
	int64_t t1 = parse_t(sqlite3_column_text(s, 5));
	int colour = phase_colour(phase), rc;

	if (t0 == INT64_MIN)
		t0 = parse_t(sqlite3_column_text(s, 6));
	if (t1 == INT64_MIN && colour == C_RUN && now)
		t1 = now;  /* still running when collected */
	pm_buf_addf(&lane, "%s %s/%s", col(s, 0), col(s, 1), col(s, 2));
	tb_add(tb, pm_buf_cstr(&lane));
	tb_add(tb, ": ");
	tb_add(tb, *phase ? phase : "no phase");
	tb_add(tb, "\nstarted ");
	tb_add(tb, *col(s, 4) ? col(s, 4) : "?");
	tb_add(tb, ", completed ");
	tb_add(tb, *col(s, 5) ? col(s, 5) : "-");
	if (*col(s, 8) || *col(s, 9)) {
		tb_add(tb, "\nerrors ");
		tb_add(tb, *col(s, 8) ? col(s, 8) : "0");
		tb_add(tb, ", warnings ");
		tb_add(tb, *col(s, 9) ? col(s, 9) : "0");
	}
	if (*col(s, 7)) {
		tb_add(tb, "\n");
		tb_add(tb, col(s, 7));
	}
	rc = pm_buf_check(&lane) ? PM_ENOMEM
		: add_titled(tl, G_VELERO, pm_buf_cstr(&lane), t0, t1, 1, colour, tb);
	pm_buf_release(&lane);
	return rc;
}

static int read_velero(struct tl *tl, sqlite3 *db, int64_t now)
{
	static const char *const sql[] = {
		"SELECT 'Backup', namespace, name, phase, started_at, completed_at,"
		" created, failure_reason, errors, warnings FROM backups"
		" ORDER BY coalesce(started_at, created), namespace, name",
		"SELECT 'Restore', namespace, name, phase, started_at, completed_at,"
		" created, failure_reason, errors, warnings FROM restores"
		" ORDER BY coalesce(started_at, created), namespace, name",
	};
	int rc = 0;
	for (int q = 0; q < 2 && !rc; q++)
		rc = each_row(tl, db, sql[q], velero_row, &now);
	return rc;
}

static int event_row(struct tl *tl, sqlite3_stmt *s, struct pm_buf *tb,
		     const void *arg)
{
	long count = (long)sqlite3_column_int64(s, 4);
	char num[32];
	(void)arg;
	snprintf(num, sizeof(num), " \xC3\x97%ld: ", count < 1 ? 1 : count);
	tb_add(tb, col(s, 0));
	tb_add(tb, num);
	tb_add(tb, col(s, 1));
	tb_add(tb, " ");
	if (*col(s, 2)) {
		tb_add(tb, col(s, 2));
		tb_add(tb, "/");
	}
	tb_add(tb, col(s, 3));
	tb_add(tb, "\n");
	tb_add(tb, col(s, 5));
	tb_add(tb, " \xE2\x80\x93 ");
	tb_add(tb, col(s, 6));
	tb_add(tb, "\n");
	tb_add(tb, col(s, 7));
	return add_titled(tl, G_EVENTS, col(s, 0), parse_t(sqlite3_column_text(s, 5)),
			  parse_t(sqlite3_column_text(s, 6)), count, C_WARN, tb);
}

static int log_row(struct tl *tl, sqlite3_stmt *s, struct pm_buf *tb,
		   const void *arg)
{
	char stamp[PM_TIME_LEN + 8], num[64];
	long count = (long)sqlite3_column_int64(s, 2);
	int64_t t0;
	(void)arg;
	snprintf(stamp, sizeof(stamp), "%.16s:00Z", col(s, 1));
	snprintf(num, sizeof(num), ": %ld %s line%s in minute ", count,
		 sqlite3_column_int(s, 5) ? "fatal/error" : "error",
		 count == 1 ? "" : "s");
	tb_add(tb, col(s, 0));
	tb_add(tb, num);
	tb_add(tb, stamp);
	tb_add(tb, "\nfirst: ");
	tb_add(tb, col(s, 4));
	t0 = parse_t((const unsigned char *)stamp);
	return add_titled(tl, G_LOGS, col(s, 0), t0, t0 == INT64_MIN ? t0 : t0 + 60,
			  count, C_ERR, tb);
}

static int restart_row(struct tl *tl, sqlite3_stmt *s, struct pm_buf *tb,
		       const void *arg)
{
	char num[64];
	long n = (long)sqlite3_column_int64(s, 2);
	int64_t t = parse_t(sqlite3_column_text(s, 3));
	(void)arg;
	snprintf(num, sizeof(num), " restarted %ld time%s", n, n == 1 ? "" : "s");
	tb_add(tb, col(s, 0));
	tb_add(tb, " container ");
	tb_add(tb, col(s, 1));
	tb_add(tb, num);
	tb_add(tb, "\nlast terminated ");
	tb_add(tb, *col(s, 3) ? col(s, 3) : "?");
	if (*col(s, 4)) {
		tb_add(tb, ": ");
		tb_add(tb, col(s, 4));
	}
	if (*col(s, 5)) {
		tb_add(tb, ", exit code ");
		tb_add(tb, col(s, 5));
	}
	return add_titled(tl, G_RESTARTS, col(s, 0), t, t, n, C_RESTART, tb);
}

/* warning events by reason; log errors per pod and minute (from the
 * per-minute counts the load kept, not a scan of every line; the
 * message is the minute's first error line); container restarts */
static const char events_sql[] =
	"SELECT coalesce(reason,'(no reason)'), kind, object_namespace, name,"
	" count, first_time, last_time, message FROM events"
	" WHERE type='Warning'"
	" ORDER BY reason, first_time, last_time, kind, object_namespace, name, event"
	" LIMIT 20000";
static const char logs_sql[] =
	"SELECT who, minute, n, first,"
	" (SELECT message FROM log_rows WHERE id = first), fatal FROM"
	" (SELECT coalesce(f.namespace || '/' || f.pod, f.path) AS who,"
	"   substr(m.minute,1,16) AS minute, sum(m.errors + m.fatals) AS n,"
	"   min(m.first_error_id) AS first, max(m.fatals > 0) AS fatal"
	"  FROM log_minutes m JOIN log_files f ON f.id = m.file"
	"  WHERE m.errors + m.fatals > 0"
	"  GROUP BY 1, 2 ORDER BY 1, 2 LIMIT 20000)";
static const char restarts_sql[] =
	"SELECT namespace || '/' || pod, name, restarts, last_finished_at,"
	" last_reason, last_exit_code, started_at FROM containers"
	" WHERE restarts > 0 ORDER BY namespace, pod, name LIMIT 20000";

static int lane_cmp(const void *pa, const void *pb)
{
	const struct lane *a = pa, *b = pb;
	if (a->group != b->group)
		return a->group - b->group;
	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	return strcmp(a->name, b->name);
}

static int item_lane_cmp(const void *pa, const void *pb)
{
	const struct item *a = pa, *b = pb;
	int c;
	if (a->group != b->group)
		return a->group - b->group;
	if ((c = strcmp(a->lane, b->lane)))
		return c;
	if (a->t0 != b->t0)
		return a->t0 < b->t0 ? -1 : 1;
	if (a->t1 != b->t1)
		return a->t1 < b->t1 ? -1 : 1;
	return strcmp(a->title, b->title);
}

static int item_cmp(const void *pa, const void *pb)
{
	const struct item *a = pa, *b = pb;
	if (a->t0 != b->t0)
		return a->t0 < b->t0 ? -1 : 1;
	if (a->t1 != b->t1)
		return a->t1 < b->t1 ? -1 : 1;
	return strcmp(a->title, b->title);
}

/* Picks a tick step giving at most 8 ticks over span seconds. */
static int64_t tick_step(int64_t span)
{
	static const int64_t steps[] = {
		60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200,
		86400, 172800, 604800, 1209600, 2592000
	};
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (span / steps[i] <= 8)
			return steps[i];
	return 2592000;
}

/* Text for an SVG <text>, cut to max code points with an ellipsis. */
static void short_text(struct pm_buf *b, const char *s, int max)
{
	size_t i = 0;
	int cps = 0;
	while (s[i] && cps < max) {
		i++;
		while (((unsigned char)s[i] & 0xC0) == 0x80)
			i++;
		cps++;
	}
	pm_html_escape(b, s, i);
	if (s[i])
		pm_buf_adds(b, "\xE2\x80\xA6");
}

struct geo {
	int64_t tmin, tmax;
	double x0, x1;
};

static double xpos(const struct geo *g, int64_t t)
{
	return g->x0 + (double)(t - g->tmin) * (g->x1 - g->x0) /
		(double)(g->tmax - g->tmin);
}

static void draw_mark(struct pm_buf *b, const struct geo *g, double y,
		      const struct item *it, int group)
{
	double xa = xpos(g, it->t0), xb = xpos(g, it->t1);
	const char *f = fill[it->colour];
	if (group == G_LOGS) {
		/* one dot per bucket, its size telling how many lines */
		double r = 2.5;
		for (long c = it->count; c > 1 && r < 7.5; c /= 3)
			r += 1.0;
		pm_buf_addf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\""
			    " fill-opacity=\"0.8\">", (xa + xb) / 2, y, r, f);
		pm_buf_adds(b, "<title>");
		pm_html_escape(b, it->title, 0);
		pm_buf_adds(b, "</title></circle>\n");
	} else if (xb - xa >= 3) {
		pm_buf_addf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"10\""
			    " rx=\"3\" fill=\"%s\">", xa, y - 5, xb - xa, f);
		pm_buf_adds(b, "<title>");
		pm_html_escape(b, it->title, 0);
		pm_buf_adds(b, "</title></rect>\n");
	} else {
		/* an instant: a diamond */
		double x = (xa + xb) / 2;
		pm_buf_addf(b, "<path d=\"M%.1f %.1fl5 5l-5 5l-5 -5z\" fill=\"%s\">",
			    x, y - 5, f);
		pm_buf_adds(b, "<title>");
		pm_html_escape(b, it->title, 0);
		pm_buf_adds(b, "</title></path>\n");
	}
}

/* Merges items of one lane (sorted by t0) that fall in the same of
 * PM_TIMELINE_MARKS time buckets.  Returns the new count. */
static long merge_lane(struct item *v, long n, const struct geo *g,
		       const char *lang, long *merged)
{
	long out = 0;
	int64_t width = (g->tmax - g->tmin) / PM_TIMELINE_MARKS + 1;
	for (long i = 0; i < n;) {
		int64_t bucket = (v[i].t0 - g->tmin) / width;
		long j = i + 1, total = v[i].count;
		int64_t t1 = v[i].t1;
		int colour = v[i].colour;
		while (j < n && (v[j].t0 - g->tmin) / width == bucket) {
			total += v[j].count;
			if (v[j].t1 > t1)
				t1 = v[j].t1;
			if (badness[v[j].colour] > badness[colour])
				colour = v[j].colour;
			j++;
		}
		if (j - i > 1) {
			struct pm_buf tb = PM_BUF_INIT(TITLE_MAX * 2);
			char head[96];
			snprintf(head, sizeof(head), "%ld %s (total %ld); first:\n",
				 j - i, label(lang, 10), total);
			pm_buf_adds(&tb, head);
			pm_buf_adds(&tb, v[i].title);
			if (!pm_buf_check(&tb)) {
				free(v[i].title);
				v[i].title = pm_buf_detach(&tb, NULL);
			}
			pm_buf_release(&tb);
			*merged += j - i;
			for (long k = i + 1; k < j; k++) {
				free(v[k].title);
				free(v[k].lane);
			}
		}
		v[out] = v[i];
		v[out].t1 = t1;
		v[out].count = total;
		v[out].colour = colour;
		out++;
		i = j;
	}
	return out;
}

static void tl_free(struct tl *tl, struct lane *lanes)
{
	for (long i = 0; i < tl->n; i++) {
		free(tl->items[i].lane);
		free(tl->items[i].title);
	}
	free(tl->items);
	free(lanes);
}

int pm_timeline_svg(struct pm_store *st, int64_t now, const char *lang,
		    struct pm_buf *b, struct pm_timeline_stats *stats,
		    struct pm_error *err)
{
	sqlite3 *db = pm_store_db(st);
	struct tl tl = { NULL, 0, 0, 0 };
	struct lane *lanes = NULL;
	long nlanes = 0, slots[G_N] = { 0 }, folded[G_N] = { 0 }, totals[G_N] = { 0 };
	struct geo g;
	int rc;
	struct pm_timeline_stats dummy;

	if (!stats)
		stats = &dummy;
	memset(stats, 0, sizeof(*stats));
	if ((rc = read_velero(&tl, db, now)) ||
	    (rc = each_row(&tl, db, events_sql, event_row, NULL)) ||
	    (rc = each_row(&tl, db, logs_sql, log_row, NULL)) ||
	    (rc = each_row(&tl, db, restarts_sql, restart_row, NULL))) {
		tl_free(&tl, NULL);
		return pm_error_set(err, rc, "timeline: out of memory");
	}
	stats->items = tl.n + tl.dropped;

	/* the window: earliest item .. max(latest, now), at most SPAN back */
	g.tmin = INT64_MAX;
	g.tmax = now ? now : INT64_MIN;
	for (long i = 0; i < tl.n; i++) {
		struct item *it = &tl.items[i];
		if (now && it->t1 < now - PM_TIMELINE_SPAN) {
			it->group = -1;  /* out of range */
			tl.dropped++;
			continue;
		}
		if (now && it->t0 < now - PM_TIMELINE_SPAN)
			it->t0 = now - PM_TIMELINE_SPAN;
		if (it->t0 < g.tmin)
			g.tmin = it->t0;
		if (it->t1 > g.tmax)
			g.tmax = it->t1;
	}
	stats->dropped = tl.dropped;
	if (g.tmin == INT64_MAX) {
		tl_free(&tl, NULL);
		pm_buf_adds(b, "<p class=\"muted\">");
		pm_buf_adds(b, label(lang, 9));
		pm_buf_adds(b, "</p>\n");
		return 0;
	}
	if (g.tmax - g.tmin < 600)  /* at least ten minutes wide */
		g.tmin = g.tmax - 600;
	{
		int64_t pad = (g.tmax - g.tmin) / 40 + 30;
		g.tmin -= pad;
		g.tmax += pad;
	}

	/* lanes: one per distinct (group, name), scored, kept or folded */
	qsort(tl.items, (size_t)tl.n, sizeof(*tl.items), item_lane_cmp);
	if (tl.n) {
		lanes = calloc((size_t)tl.n, sizeof(*lanes));
		if (!lanes) {
			tl_free(&tl, NULL);
			return pm_error_set(err, PM_ENOMEM, "timeline: out of memory");
		}
	}
	for (long i = 0; i < tl.n; i++) {
		struct item *it = &tl.items[i];
		struct lane *l;
		it->slot = -2;
		if (it->group < 0)
			continue;
		l = nlanes ? &lanes[nlanes - 1] : NULL;
		if (!l || l->group != it->group || strcmp(l->name, it->lane)) {
			l = &lanes[nlanes++];
			l->group = it->group;
			l->name = it->lane;
			l->score = 0;
			l->first = i;
			l->n = 0;
		}
		l->n++;
		/* Velero: newest first; others: most counted first */
		if (it->group == G_VELERO)
			l->score = (double)it->t0;
		else
			l->score += (double)it->count;
	}
	qsort(lanes, (size_t)nlanes, sizeof(*lanes), lane_cmp);
	for (long i = 0; i < nlanes; i++)
		totals[lanes[i].group]++;
	for (long i = 0; i < nlanes; i++) {
		int gr = lanes[i].group;
		if (totals[gr] <= PM_TIMELINE_LANES || slots[gr] < PM_TIMELINE_LANES - 1)
			lanes[i].slot = (int)slots[gr]++;
		else {
			lanes[i].slot = -1;
			folded[gr]++;
		}
	}
	/* Velero lanes read better oldest first: reverse the kept ones */
	for (long i = 0; i < nlanes; i++)
		if (lanes[i].group == G_VELERO && lanes[i].slot >= 0)
			lanes[i].slot = (int)(slots[G_VELERO] - 1 - lanes[i].slot);
	for (long i = 0; i < nlanes; i++)
		for (long k = lanes[i].first; k < lanes[i].first + lanes[i].n; k++)
			tl.items[k].slot = lanes[i].slot;

	/* geometry */
	{
		double width = 1000, top = 34, lane_h = 22, head_h = 24, y;
		long total_rows = 0, ngroups = 0;
		int64_t step, t;
		char stamp[PM_TIME_LEN];
		for (int gr = 0; gr < G_N; gr++) {
			long rows = slots[gr] + (folded[gr] ? 1 : 0);
			total_rows += rows;
			ngroups += rows > 0;
		}
		g.x0 = 230;
		g.x1 = width - 16;
		y = top + (double)ngroups * head_h + (double)total_rows * lane_h + 8;
		pm_buf_addf(b, "<svg class=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\""
			    " viewBox=\"0 0 %.0f %.0f\" width=\"100%%\" role=\"img\""
			    " aria-label=\"%s\" font-family=\"system-ui, -apple-system,"
			    " 'Segoe UI', Roboto, 'Noto Sans', sans-serif\" font-size=\"11\">\n",
			    width, y + 4, label(lang, 8));
		pm_buf_addf(b, "<rect x=\"%.0f\" y=\"%.0f\" width=\"%.0f\" height=\"%.0f\""
			    " fill=\"#fafbfc\" stroke=\"#e1e4e8\"/>\n",
			    g.x0, top - 6, g.x1 - g.x0, y - top + 2);
		/* ticks and grid */
		step = tick_step(g.tmax - g.tmin);
		t = (g.tmin / step + 1) * step;
		{
			int64_t prev_day = INT64_MIN;
			for (int k = 0; t < g.tmax && k < 12; t += step, k++) {
				double x = xpos(&g, t);
				int64_t day = t / 86400;
				pm_time_format(t, stamp);
				pm_buf_addf(b, "<line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.0f\""
					    " stroke=\"#e1e4e8\"/>\n", x, top - 6, x, y - 4);
				pm_buf_addf(b, "<text x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\""
					    " fill=\"#57606a\">", x, top - 12);
				if (step >= 86400)
					pm_buf_addf(b, "%.5s", stamp + 5);
				else if (day != prev_day)
					pm_buf_addf(b, "%.5s %.5s", stamp + 5, stamp + 11);
				else
					pm_buf_addf(b, "%.5s", stamp + 11);
				pm_buf_adds(b, "</text>\n");
				prev_day = day;
			}
		}
		pm_buf_addf(b, "<text x=\"%.0f\" y=\"%.0f\" fill=\"#57606a\">%s</text>\n",
			    8.0, top - 12, label(lang, 6));
		/* collected_at */
		if (now && now >= g.tmin && now <= g.tmax) {
			double x = xpos(&g, now);
			pm_time_format(now, stamp);
			pm_buf_addf(b, "<line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.0f\""
				    " stroke=\"#24292f\" stroke-dasharray=\"4 3\"><title>%s %s"
				    "</title></line>\n", x, top - 6, x, y - 4, label(lang, 5), stamp);
		}
		/* groups and lanes */
		y = top;
		for (int gr = 0; gr < G_N; gr++) {
			long rows = slots[gr] + (folded[gr] ? 1 : 0);
			if (!rows)
				continue;
			pm_buf_addf(b, "<text x=\"8\" y=\"%.0f\" font-weight=\"600\""
				    " fill=\"#24292f\">%s</text>\n", y + 12, label(lang, gr));
			y += head_h;
			for (long row = 0; row < rows; row++) {
				int other = row == slots[gr];
				struct item *v = NULL;
				long nv = 0;
				const char *name = NULL;
				double cy = y + lane_h / 2 - 2;
				/* the items of this row, copied then sorted */
				for (long i = 0; i < tl.n; i++) {
					struct item *it = &tl.items[i];
					if (it->group != gr || it->slot != (other ? -1 : (int)row))
						continue;
					if (!other)
						name = it->lane;
					nv++;
				}
				if (nv) {
					v = malloc((size_t)nv * sizeof(*v));
					if (!v) {
						tl_free(&tl, lanes);
						return pm_error_set(err, PM_ENOMEM,
								    "timeline: out of memory");
					}
					nv = 0;
					for (long i = 0; i < tl.n; i++) {
						struct item *it = &tl.items[i];
						if (it->group != gr ||
						    it->slot != (other ? -1 : (int)row))
							continue;
						v[nv] = *it;
						v[nv].title = strdup(it->title);
						v[nv].lane = strdup(it->lane);
						if (!v[nv].title || !v[nv].lane) {
							free(v[nv].title);
							free(v[nv].lane);
							continue;
						}
						nv++;
					}
					qsort(v, (size_t)nv, sizeof(*v), item_cmp);
					if (nv > PM_TIMELINE_MARKS)
						nv = merge_lane(v, nv, &g, lang, &stats->merged);
				}
				pm_buf_addf(b, "<line x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\""
					    " stroke=\"#eaeef2\"/>\n", g.x0, cy, g.x1, cy);
				pm_buf_addf(b, "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\""
					    " fill=\"#24292f\">", g.x0 - 8, cy + 4);
				if (other) {
					pm_buf_addf(b, "%s (%ld)", label(lang, gr == G_VELERO ? 7 : 4),
						    folded[gr]);
				} else if (name) {
					pm_buf_adds(b, "<title>");
					pm_html_escape(b, name, 0);
					pm_buf_adds(b, "</title>");
					short_text(b, name, 30);
				}
				pm_buf_adds(b, "</text>\n");
				for (long i = 0; i < nv; i++) {
					draw_mark(b, &g, cy, &v[i], gr);
					stats->marks++;
					free(v[i].title);
					free(v[i].lane);
				}
				free(v);
				stats->lanes++;
				y += lane_h;
			}
		}
		pm_buf_adds(b, "</svg>\n");
	}
	tl_free(&tl, lanes);
	if (pm_buf_check(b))
		return pm_error_set(err, PM_ETOOBIG, "timeline: too large");
	return 0;
}
