/*
 * logsink.c - log lines into the store, batched, optionally on a writer
 * thread; see logsink.h.
 *
 * The caller's thread, which also parses, gives row ids and counts
 * minutes, appending "ops" (a file, a row, ...) to a batch (logbatch.h).
 * A full batch goes to the writer, which gives templates their ids (in
 * row order) and writes each table with one INSERT ... SELECT over the
 * batch table; two batches alternate, so one fills while the other is
 * written.  Tagging rows with signals and subjects and making their
 * templates is shared: the caller does a full batch's first rows while
 * the writer is still busy with the last one, the writer the rest, so
 * whichever core has room does it.
 */
#include "podmortem/logsink.h"
#include "podmortem/logbatch.h"
#include "podmortem/logtemplate.h"
#include "podmortem/buf.h"
#include "podmortem/multimatch.h"
#include "podmortem/timeutil.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BATCH_BYTES (4u << 20)   /* hand a batch over past this ... */
#define BATCH_OPS 16384          /* ... or this many ops */
#define ARENA_MAX (256u << 20)   /* one line may need more than a batch */
#define DICT_MAX_ENTRIES (1u << 18)
#define DICT_MAX_TEXT (16u << 20)
#define MINUTES_MAX 4096         /* per-file minutes held before a flush */
enum { T_TIME, T_TT, T_MSG, T_FIELDS, T_TMPL, T_PATH = 0, T_NS, T_POD, T_CONT };
#define NO_ROW ((size_t)-1)

struct dict_ent {
	uint64_t hash;
	int64_t id;
	uint32_t off, len;
};

struct minute {
	int64_t key;        /* epoch minute; INT64_MIN = empty slot */
	int64_t lines, warnings, errors, fatals, first_error;
};

struct pm_logsink {
	struct pm_store *st;
	sqlite3_stmt *ins_file, *upd_file, *ins_min;
	sqlite3_stmt *bulk[4];          /* rows, templates, signals, subjects */
	struct pm_logbatch_view view;   /* what the batch table shows */
	char vtab_name[64];
	/* ids */
	int64_t next_row, next_file, next_tmpl, file, first_row, nlines;
	/* time text of the last second formatted */
	int64_t last_t;
	int last_tvalid;
	char last_tbuf[PM_TIME_LEN];
	/* template dictionary */
	struct dict_ent *dict;
	size_t dcap, dn;
	struct pm_buf dtext;
	struct pm_buf tbuf;         /* the writer's: the template being made */
	struct pm_buf mtbuf;        /* the same, the caller's */
	/* signals and subjects */
	int tags;
	struct pm_multimatch mm;
	char **signal, **subj_key, **subj_path;
	size_t nsignal, nsubj;
	struct scratch {        /* per tagging thread: [0] writer, [1] caller */
		unsigned char *seen;
		int *hits, nhits;
	} scr[2][2];            /* [thread][row of a pair] */
	size_t tag_from[2], tag_to[2];  /* per batch: rows the writer tags */
	/* per-minute counts of the current file */
	struct minute *min;
	size_t nmin;
	/* batches and the writer */
	struct pm_logbatch b[2];
	int fill;
	int threaded, started, pending, busy, stop, finished;
	int werr;                  /* under mu when threaded */
	struct pm_error werr_msg;
	atomic_int failed;         /* werr is set: read without the lock */
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

/* ---- statements (writer side) ---- */

/* the per-file writes, one statement each (few); the lines and their
 * tags go through the batch table, one statement per table and batch */
static const char *const stmt_sql[] = {
	"INSERT INTO log_files(id, path, namespace, pod, container, previous)"
	" VALUES (?1,?2,?3,?4,?5,?6)",
	"UPDATE log_files SET first_id = ?2, last_id = ?3, lines = ?4 WHERE id = ?1",
	"INSERT INTO log_minutes(file, minute, lines, warnings, errors, fatals,"
	" first_error_id) VALUES (?1,?2,?3,?4,?5,?6,?7)",
};

static int prepare_all(struct pm_logsink *s, struct pm_error *err)
{
	sqlite3 *db = pm_store_db(s->st);
	sqlite3_stmt **slot[] = { &s->ins_file, &s->upd_file, &s->ins_min };
	static const char *const bulk_sql[] = {
		"INSERT INTO log_rows(id, file, line, time, time_text, level, message,"
		" fields, template, format, stream) SELECT a, b, c, p0, p1, level, p2,"
		" p3, d, format, stream FROM %s WHERE kind = %d",
		"INSERT INTO log_templates(id, text) SELECT a, p0 FROM %s WHERE kind = %d",
		"INSERT INTO log_signals(line_id, signal, file, time)"
		" SELECT a, name, c, p0 FROM %s WHERE kind = %d",
		/* json_extract as the rules would call it; json_valid first so
		 * one malformed fields text cannot stop the load */
		"INSERT INTO log_subjects(line_id, key, value) SELECT a, name, v FROM"
		" (SELECT a, name, CASE WHEN json_valid(p3) THEN json_extract(p3, path)"
		" END AS v FROM %s WHERE kind = %d) WHERE v IS NOT NULL",
	};
	static const int bulk_kind[] = { PM_LOGOP_ROW, PM_LOGOP_TEMPLATE,
					 PM_LOGOP_SIGNAL, PM_LOGOP_SUBJECT };

	for (size_t i = 0; i < sizeof(slot) / sizeof(slot[0]); i++)
		if (sqlite3_prepare_v2(db, stmt_sql[i], -1, slot[i], NULL) != SQLITE_OK)
			return pm_error_set(err, PM_EDB, "log tables: %s",
					    sqlite3_errmsg(db));
	snprintf(s->vtab_name, sizeof(s->vtab_name), "pm_logbatch_%p", (void *)s);
	if (pm_logbatch_register(db, s->vtab_name, &s->view))
		return pm_error_set(err, PM_EDB, "log tables: %s", sqlite3_errmsg(db));
	for (int k = 0; k < 4; k++) {
		char sql[512];
		snprintf(sql, sizeof(sql), bulk_sql[k], s->vtab_name, bulk_kind[k]);
		if (sqlite3_prepare_v2(db, sql, -1, &s->bulk[k], NULL) != SQLITE_OK)
			return pm_error_set(err, PM_EDB, "log tables: %s",
					    sqlite3_errmsg(db));
	}
	return 0;
}

static void bind_part(sqlite3_stmt *st, int idx, const struct pm_logbatch *b,
		      const struct pm_logop *o, int part)
{
	if (o->off[part] == PM_LOGOP_NONE)
		sqlite3_bind_null(st, idx);
	else
		sqlite3_bind_text(st, idx, b->arena.data + o->off[part],
				  (int)o->len[part], SQLITE_STATIC);
}

static int step(struct pm_logsink *s, sqlite3_stmt *st, struct pm_error *err)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return pm_error_set(err, PM_EDB, "log tables: %s",
				    sqlite3_errmsg(pm_store_db(s->st)));
	return 0;
}

static int write_op(struct pm_logsink *s, const struct pm_logbatch *b,
		    const struct pm_logop *o, struct pm_error *err)
{
	sqlite3_stmt *st;

	switch (o->kind) {
	case PM_LOGOP_FILE:
		st = s->ins_file;
		sqlite3_bind_int64(st, 1, o->a);
		for (int k = 0; k < 4; k++)
			bind_part(st, 2 + k, b, o, k);
		sqlite3_bind_int(st, 6, o->stream);
		return step(s, st, err);
	case PM_LOGOP_FILE_END:
		st = s->upd_file;
		sqlite3_bind_int64(st, 1, o->a);
		if (o->d) {
			sqlite3_bind_int64(st, 2, o->b);
			sqlite3_bind_int64(st, 3, o->c);
		} else {
			sqlite3_bind_null(st, 2);
			sqlite3_bind_null(st, 3);
		}
		sqlite3_bind_int64(st, 4, o->d);
		return step(s, st, err);
	case PM_LOGOP_MINUTE: {
		struct minute mv, *m = &mv;
		memcpy(&mv, b->arena.data + o->off[1], sizeof(mv)); /* unaligned */
		st = s->ins_min;
		sqlite3_bind_int64(st, 1, o->a);
		bind_part(st, 2, b, o, 0);
		sqlite3_bind_int64(st, 3, m->lines);
		sqlite3_bind_int64(st, 4, m->warnings);
		sqlite3_bind_int64(st, 5, m->errors);
		sqlite3_bind_int64(st, 6, m->fatals);
		if (m->first_error)
			sqlite3_bind_int64(st, 7, m->first_error);
		else
			sqlite3_bind_null(st, 7);
		return step(s, st, err);
	}
	}
	return 0;
}

static int tag_rows(struct pm_logsink *s, struct scratch *c,
		    struct pm_logbatch *b, size_t i, size_t j, struct pm_error *err);

/* The next row op at or after i, before end; NO_ROW if none. */
static size_t next_row(const struct pm_logbatch *b, size_t i, size_t end)
{
	while (i < end && b->ops[i].kind != PM_LOGOP_ROW)
		i++;
	return i < end ? i : NO_ROW;
}

/* The rows among ops[from, to) tagged, two at a time, in order. */
static int tag_range(struct pm_logsink *s, struct scratch *c,
		     struct pm_logbatch *b, size_t from, size_t to,
		     struct pm_error *err)
{
	size_t i = next_row(b, from, to);
	while (i != NO_ROW) {
		size_t j = next_row(b, i + 1, to);
		if (tag_rows(s, c, b, i, j, err))
			return err->code;
		i = j == NO_ROW ? NO_ROW : next_row(b, j + 1, to);
	}
	return 0;
}

static int template_id(struct pm_logsink *s, struct pm_logbatch *b,
		       const char *t, size_t n, int64_t *id, struct pm_error *err);

/*
 * Each row's template (given, or made from its message here, on the
 * writer's side of the load) and its id: ids follow the rows' order, so
 * they are the same whichever thread and batch size.
 */
static int templates(struct pm_logsink *s, struct pm_logbatch *b, size_t rows,
		     struct pm_error *err)
{
	for (size_t i = 0; i < rows; i++) {
		struct pm_logop *o = &b->ops[i];
		int64_t id;
		if (o->kind != PM_LOGOP_ROW)
			continue;
		if (o->off[T_TMPL] != PM_LOGOP_NONE) {
			/* copied out: adding the template grows this arena */
			pm_buf_reset(&s->tbuf);
			pm_buf_add(&s->tbuf, b->arena.data + o->off[T_TMPL], o->len[T_TMPL]);
		} else {
			pm_log_template(&s->tbuf, b->arena.data + o->off[T_MSG],
					o->len[T_MSG]);
		}
		if (pm_buf_check(&s->tbuf))
			return pm_error_set(err, PM_ETOOBIG, "log template too big");
		if (template_id(s, b, s->tbuf.data ? s->tbuf.data : "", s->tbuf.len,
				&id, err))
			return err->code;
		b->ops[i].d = id;  /* ops may have moved */
	}
	return 0;
}

static int write_batch(struct pm_logsink *s, struct pm_logbatch *b,
		       struct pm_error *err)
{
	size_t bi = (size_t)(b - s->b);
	if (templates(s, b, s->tag_to[bi], err))
		return err->code;
	if (s->tags && tag_range(s, s->scr[0], b, s->tag_from[bi], s->tag_to[bi], err))
		return err->code;
	/* the few per-file ops one by one, then each table in one statement */
	for (size_t i = 0; i < b->nops; i++) {
		int k = b->ops[i].kind;
		if ((k == PM_LOGOP_FILE || k == PM_LOGOP_FILE_END || k == PM_LOGOP_MINUTE) &&
		    write_op(s, b, &b->ops[i], err))
			return err->code;
	}
	s->view.batch = b;
	s->view.signal_names = s->signal;
	s->view.subject_keys = s->subj_key;
	s->view.subject_paths = s->subj_path;
	for (int k = 0; k < 4; k++) {
		int rc = sqlite3_step(s->bulk[k]);
		sqlite3_reset(s->bulk[k]);
		if (rc != SQLITE_DONE) {
			s->view.batch = NULL;
			return pm_error_set(err, PM_EDB, "log tables: %s",
					    sqlite3_errmsg(pm_store_db(s->st)));
		}
	}
	s->view.batch = NULL;
	return 0;
}

/* ---- the writer thread ---- */

static void *writer_main(void *arg)
{
	struct pm_logsink *s = arg;
	pthread_mutex_lock(&s->mu);
	for (;;) {
		int take;
		struct pm_error e;
		while (s->pending < 0 && !s->stop)
			pthread_cond_wait(&s->cv, &s->mu);
		if (s->pending < 0)
			break;
		take = s->pending;
		s->pending = -1;
		s->busy = 1;
		pthread_mutex_unlock(&s->mu);
		pm_error_init(&e);
		/* after an error batches are dropped: the load is failing
		 * (only this thread sets werr, so reading it here is safe) */
		int rc = s->werr ? 0 : write_batch(s, &s->b[take], &e);
		pthread_mutex_lock(&s->mu);
		if (rc && !s->werr) {
			s->werr_msg = e;
			s->werr = rc;
			atomic_store_explicit(&s->failed, 1, memory_order_release);
		}
		s->busy = 0;
		pthread_cond_broadcast(&s->cv);
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

/* The writer's error, if any, copied to err.  Checked once per line, so
 * the lock is only taken once the atomic flag says there is one. */
static int sticky(struct pm_logsink *s, struct pm_error *err)
{
	int rc;
	if (!s->threaded) {
		if (s->werr)
			*err = s->werr_msg;
		return s->werr;
	}
	if (!atomic_load_explicit(&s->failed, memory_order_acquire))
		return 0;
	pthread_mutex_lock(&s->mu);
	*err = s->werr_msg;
	rc = s->werr;
	pthread_mutex_unlock(&s->mu);
	return rc;
}

/* Waits until the writer holds no batch; called with mu held. */
static void wait_idle(struct pm_logsink *s)
{
	while (s->pending >= 0 || s->busy)
		pthread_cond_wait(&s->cv, &s->mu);
}

/* The caller's share of the work of rows ops[from, to): their tags and
 * template texts (the writer gives the templates ids, in row order). */
static int prepare_rows(struct pm_logsink *s, struct pm_logbatch *b,
			size_t from, size_t to, struct pm_error *err)
{
	if (s->tags && tag_range(s, s->scr[1], b, from, to, err))
		return err->code;
	for (size_t i = from; i < to; i++) {
		if (b->ops[i].kind != PM_LOGOP_ROW || b->ops[i].off[T_TMPL] != PM_LOGOP_NONE)
			continue;
		pm_log_template(&s->mtbuf, b->arena.data + b->ops[i].off[T_MSG],
				b->ops[i].len[T_MSG]);
		if (pm_buf_check(&s->mtbuf))
			return pm_error_set(err, PM_ETOOBIG, "log template too big");
		/* mtbuf, not the arena, is the source: the arena may move */
		if (pm_logbatch_put(b, &b->ops[i], T_TMPL, s->mtbuf.data ? s->mtbuf.data : "",
				    s->mtbuf.len, err))
			return err->code;
	}
	return 0;
}

/* Hands the filling batch over (or writes it here) and starts a new one. */
static int submit(struct pm_logsink *s, struct pm_error *err)
{
	struct pm_logbatch *cur = &s->b[s->fill];
	int rc;

	size_t next = 0, n = cur->nops;

	if (!cur->nops)
		return sticky(s, err);
	if (!s->threaded) {
		s->tag_from[s->fill] = 0;
		s->tag_to[s->fill] = n;
		rc = s->werr ? s->werr : write_batch(s, cur, &s->werr_msg);
		if (rc && !s->werr)
			s->werr = rc;
		pm_logbatch_reset(cur);
		return sticky(s, err);
	}
	pthread_mutex_lock(&s->mu);
	/* while the writer is still at the last batch, tag this one's rows
	 * and make their templates here: whichever thread has time does it */
	while ((s->pending >= 0 || s->busy) && next < n && !s->werr) {
		size_t stop = next + 64 < n ? next + 64 : n;
		struct pm_error terr;
		pthread_mutex_unlock(&s->mu);
		rc = prepare_rows(s, cur, next, stop, &terr);
		next = stop;
		pthread_mutex_lock(&s->mu);
		if (rc && !s->werr) {
			s->werr_msg = terr;
			s->werr = rc;
			atomic_store_explicit(&s->failed, 1, memory_order_release);
		}
	}
	wait_idle(s);
	s->tag_from[s->fill] = next;
	s->tag_to[s->fill] = n;
	s->pending = s->fill;
	s->fill ^= 1;
	pthread_cond_broadcast(&s->cv);
	rc = s->werr;
	pthread_mutex_unlock(&s->mu);
	pm_logbatch_reset(&s->b[s->fill]);
	return rc ? sticky(s, err) : 0;
}

/* ---- building ops (caller side) ---- */

static struct pm_logop *new_op(struct pm_logsink *s, int kind, struct pm_error *err)
{
	return pm_logbatch_op(&s->b[s->fill], kind, err);
}

/* Text into the filling batch (offsets: its arena may move). */
static int put(struct pm_logsink *s, struct pm_logop *o, int part, const char *p,
	       size_t n, struct pm_error *err)
{
	return pm_logbatch_put(&s->b[s->fill], o, part, p, n, err);
}

static int full(const struct pm_logsink *s)
{
	const struct pm_logbatch *b = &s->b[s->fill];
	return b->nops >= BATCH_OPS || b->arena.len >= BATCH_BYTES;
}

/* ---- template dictionary ---- */

/* Eight bytes a step (a byte at a time was a visible share of the
 * load); a multiply-xorshift mix, good enough for a probe table. */
static uint64_t hash_bytes(const char *p, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ n, w;
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	w = 0;
	memcpy(&w, p + i, n - i);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 29;
	return h ? h : 1;
}

static int dict_grow(struct pm_logsink *s)
{
	size_t n = s->dcap ? s->dcap * 2 : 4096;
	struct dict_ent *d = calloc(n, sizeof(*d));
	if (!d)
		return -1;
	for (size_t i = 0; i < s->dcap; i++) {
		size_t j;
		if (!s->dict[i].hash)
			continue;
		for (j = s->dict[i].hash & (n - 1); d[j].hash; j = (j + 1) & (n - 1))
			;
		d[j] = s->dict[i];
	}
	free(s->dict);
	s->dict = d;
	s->dcap = n;
	return 0;
}

/* The template's id, adding a log_templates row when it is new.  Past the
 * dictionary's caps new texts still get rows, just not remembered. */
static int template_id(struct pm_logsink *s, struct pm_logbatch *b,
		       const char *t, size_t n, int64_t *id, struct pm_error *err)
{
	uint64_t h = hash_bytes(t, n);
	size_t j = 0;
	struct pm_logop *o;

	if (s->dcap) {
		for (j = h & (s->dcap - 1); s->dict[j].hash; j = (j + 1) & (s->dcap - 1)) {
			const struct dict_ent *e = &s->dict[j];
			if (e->hash == h && e->len == n &&
			    !memcmp(s->dtext.data + e->off, t, n)) {
				*id = e->id;
				return 0;
			}
		}
	}
	*id = s->next_tmpl++;
	if (!(o = pm_logbatch_op(b, PM_LOGOP_TEMPLATE, err)))
		return err->code;
	o->a = *id;
	if (pm_logbatch_put(b, o, 0, t, n, err))
		return err->code;
	if (s->dn < DICT_MAX_ENTRIES && s->dtext.len + n <= DICT_MAX_TEXT) {
		size_t at = s->dtext.len;
		if ((s->dn + 1) * 2 > s->dcap) {
			if (dict_grow(s))
				return 0;  /* not remembered: only costs rows */
			for (j = h & (s->dcap - 1); s->dict[j].hash;
			     j = (j + 1) & (s->dcap - 1))
				;
		}
		if (pm_buf_add(&s->dtext, t, n)) {
			pm_buf_check(&s->dtext);
			return 0;
		}
		s->dict[j].hash = h;
		s->dict[j].id = *id;
		s->dict[j].off = (uint32_t)at;
		s->dict[j].len = (uint32_t)n;
		s->dn++;
	}
	return 0;
}

/* ---- per-minute counts ---- */

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b < 0);
}

static int minutes_flush(struct pm_logsink *s, struct pm_error *err)
{
	char text[PM_TIME_LEN];
	for (size_t i = 0; i < MINUTES_MAX && s->nmin; i++) {
		struct minute *m = &s->min[i];
		struct pm_logop *o;
		if (m->key == INT64_MIN)
			continue;
		if (!(o = new_op(s, PM_LOGOP_MINUTE, err)))
			return err->code;
		o->a = s->file;
		pm_time_format(m->key * 60, text);
		if (put(s, o, 0, text, PM_TIME_LEN - 1, err) ||
		    put(s, o, 1, (const char *)m, sizeof(*m), err))
			return err->code;
		m->key = INT64_MIN;
		s->nmin--;
	}
	return 0;
}

static int minute_count(struct pm_logsink *s, const struct pm_logline *l,
			int64_t id, struct pm_error *err)
{
	int64_t key = floor_div(l->time, 60);
	size_t j = (size_t)((uint64_t)key * 2654435761u) & (MINUTES_MAX - 1);
	struct minute *m;

	while (s->min[j].key != INT64_MIN && s->min[j].key != key)
		j = (j + 1) & (MINUTES_MAX - 1);
	m = &s->min[j];
	if (m->key == INT64_MIN) {
		/* a full table is written out and counting starts again: the
		 * table is summed per (file, minute) by its readers */
		if ((s->nmin + 1) * 4 > MINUTES_MAX * 3) {
			if (minutes_flush(s, err))
				return err->code;
			return minute_count(s, l, id, err);
		}
		memset(m, 0, sizeof(*m));
		m->key = key;
		s->nmin++;
	}
	m->lines++;
	if (l->level && !strcmp(l->level, "warning"))
		m->warnings++;
	else if (l->level && (!strcmp(l->level, "error") || !strcmp(l->level, "fatal"))) {
		if (l->level[0] == 'f')
			m->fatals++;
		else
			m->errors++;
		if (!m->first_error)
			m->first_error = id;
	}
	return 0;
}

/* ---- signals and subjects ---- */

static void on_hit(void *arg, int id)
{
	struct scratch *c = arg;
	if (!c->seen[id]) {
		c->seen[id] = 1;
		c->hits[c->nhits++] = id;
	}
}

/* A row's text as the rules' LIKE sees it: message || ' ' || fields. */
struct rowtext {
	const char *msg, *fields;
	size_t mlen, flen;
};

static struct rowtext row_text(const struct pm_logbatch *b, size_t i)
{
	const struct pm_logop *o = &b->ops[i];
	struct rowtext t;
	t.msg = b->arena.data + o->off[T_MSG];
	t.mlen = o->len[T_MSG];
	t.fields = o->off[T_FIELDS] == PM_LOGOP_NONE ? "" : b->arena.data + o->off[T_FIELDS];
	t.flen = o->off[T_FIELDS] == PM_LOGOP_NONE ? 0 : o->len[T_FIELDS];
	return t;
}

/*
 * The signals found in rows i and j (j may be NO_ROW) into c[0] and c[1]:
 * two rows are matched at once, which nearly halves the matching time.
 */
static void match_rows(struct pm_logsink *s, struct scratch *c,
		       const struct pm_logbatch *b, size_t i, size_t j)
{
	struct rowtext x = row_text(b, i), y;
	uint32_t sx = PM_MULTIMATCH_START, sy = PM_MULTIMATCH_START;

	c[0].nhits = c[1].nhits = 0;
	if (j == NO_ROW) {
		sx = pm_multimatch_feed(&s->mm, sx, x.msg, x.mlen, on_hit, &c[0]);
		sx = pm_multimatch_feed(&s->mm, sx, " ", 1, on_hit, &c[0]);
		pm_multimatch_feed(&s->mm, sx, x.fields, x.flen, on_hit, &c[0]);
	} else {
		y = row_text(b, j);
		pm_multimatch_feed2(&s->mm, &sx, x.msg, x.mlen, on_hit, &c[0],
				    &sy, y.msg, y.mlen, on_hit, &c[1]);
		pm_multimatch_feed2(&s->mm, &sx, " ", 1, on_hit, &c[0],
				    &sy, " ", 1, on_hit, &c[1]);
		pm_multimatch_feed2(&s->mm, &sx, x.fields, x.flen, on_hit, &c[0],
				    &sy, y.fields, y.flen, on_hit, &c[1]);
	}
	for (int k = 0; k < 2; k++)
		for (int h = 0; h < c[k].nhits; h++)
			c[k].seen[c[k].hits[h]] = 0;
}

/*
 * The tags of the row at ops[i], from its matches in c, appended to the
 * batch.  The caller's thread tags a full batch's first rows while it
 * waits for the writer, the writer the rest: either way tags come out in
 * row order, as the rules' pass would make them.
 */
static int emit_tags(struct pm_logsink *s, const struct scratch *c,
		     struct pm_logbatch *b, size_t i, struct pm_error *err)
{
	const struct pm_logop row = b->ops[i];  /* ops may move as tags are added */
	const char *fields = row.off[T_FIELDS] == PM_LOGOP_NONE ? NULL
			     : b->arena.data + row.off[T_FIELDS];
	size_t flen = row.len[T_FIELDS];
	const char *level = row.level;
	struct pm_logop *o;

	for (int h = 0; h < c->nhits; h++) {
		if (!(o = pm_logbatch_op(b, PM_LOGOP_SIGNAL, err)))
			return err->code;
		o->a = row.a;
		o->b = c->hits[h];
		o->c = row.b;  /* file; the row's time text is shared */
		o->off[T_TIME] = row.off[T_TIME];
		o->len[T_TIME] = row.len[T_TIME];
	}
	if (!fields || !level || (strcmp(level, "error") && strcmp(level, "fatal") &&
				  strcmp(level, "warning")))
		return 0;
	for (size_t k = 0; k < s->nsubj; k++) {
		/* without escapes a key is in the text as "key": skip the SQL
		 * for lines that cannot have it */
		if (!memchr(fields, '\\', flen)) {
			size_t kl = strlen(s->subj_key[k]);
			const char *p = fields, *end = fields + flen;
			int found = 0;
			while (!found && (p = memchr(p, '"', (size_t)(end - p))) &&
			       (size_t)(end - p) >= kl + 2) {
				found = p[kl + 1] == '"' && !memcmp(p + 1, s->subj_key[k], kl);
				p++;
			}
			if (!found)
				continue;
		}
		if (!(o = pm_logbatch_op(b, PM_LOGOP_SUBJECT, err)))
			return err->code;
		o->a = row.a;
		o->b = (int64_t)k;
		o->off[T_FIELDS] = row.off[T_FIELDS];
		o->len[T_FIELDS] = flen;
	}
	return 0;
}

/* Rows i and j (j may be NO_ROW) tagged, in that order. */
static int tag_rows(struct pm_logsink *s, struct scratch *c,
		    struct pm_logbatch *b, size_t i, size_t j, struct pm_error *err)
{
	match_rows(s, c, b, i, j);
	if (emit_tags(s, &c[0], b, i, err))
		return err->code;
	return j == NO_ROW ? 0 : emit_tags(s, &c[1], b, j, err);
}

int pm_logsink_set_signals(struct pm_logsink *s, const json_t *signals,
			   const json_t *subject_keys, struct pm_error *err)
{
	size_t i, k;
	json_t *sg, *p;

	s->nsignal = json_array_size(signals);
	s->nsubj = json_array_size(subject_keys);
	s->signal = calloc(s->nsignal + 1, sizeof(char *));
	s->subj_key = calloc(s->nsubj + 1, sizeof(char *));
	s->subj_path = calloc(s->nsubj + 1, sizeof(char *));
	for (int t = 0; t < 4; t++) {
		struct scratch *c = &s->scr[t / 2][t % 2];
		c->seen = calloc(s->nsignal + 1, 1);
		c->hits = calloc(s->nsignal + 1, sizeof(int));
		if (!c->seen || !c->hits)
			return pm_error_set(err, PM_ENOMEM, "out of memory");
	}
	if (!s->signal || !s->subj_key || !s->subj_path)
		return pm_error_set(err, PM_ENOMEM, "out of memory");
	json_array_foreach(signals, i, sg) {
		const char *name = json_string_value(json_object_get(sg, "signal"));
		if (!(s->signal[i] = strdup(name ? name : "")))
			return pm_error_set(err, PM_ENOMEM, "out of memory");
		json_array_foreach(json_object_get(sg, "patterns"), k, p)
			if (pm_multimatch_add(&s->mm, json_string_value(p),
					      json_string_length(p), (int)i, err))
				return err->code;
	}
	json_array_foreach(subject_keys, i, p) {
		const char *key = json_string_value(p);
		size_t n = strlen(key ? key : "");
		if (!(s->subj_key[i] = strdup(key ? key : "")) ||
		    !(s->subj_path[i] = malloc(n + 6)))
			return pm_error_set(err, PM_ENOMEM, "out of memory");
		memcpy(s->subj_path[i], "$.\"", 3);
		memcpy(s->subj_path[i] + 3, s->subj_key[i], n);
		memcpy(s->subj_path[i] + 3 + n, "\"", 2);
	}
	if (s->nsignal && pm_multimatch_build(&s->mm, err))
		return err->code;
	s->tags = 1;
	return 0;
}

int pm_logsink_tags_lines(const struct pm_logsink *s)
{
	return s && s->tags;
}

/* ---- the interface ---- */

static int64_t next_id(struct pm_store *st, const char *table)
{
	sqlite3_stmt *q;
	char sql[128];
	int64_t n = 1;
	snprintf(sql, sizeof(sql), "SELECT coalesce(max(id), 0) + 1 FROM %s", table);
	if (sqlite3_prepare_v2(pm_store_db(st), sql, -1, &q, NULL) == SQLITE_OK &&
	    sqlite3_step(q) == SQLITE_ROW)
		n = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return n;
}

int pm_logsink_new(struct pm_logsink **out, struct pm_store *st, int threaded,
		   struct pm_error *err)
{
	struct pm_logsink *s = calloc(1, sizeof(*s));

	*out = NULL;
	if (!s || !(s->min = malloc(MINUTES_MAX * sizeof(*s->min)))) {
		free(s);
		return pm_error_set(err, PM_ENOMEM, "out of memory");
	}
	s->st = st;
	for (size_t i = 0; i < MINUTES_MAX; i++)
		s->min[i].key = INT64_MIN;
	pm_multimatch_init(&s->mm);
	pm_logbatch_init(&s->b[0], ARENA_MAX);
	pm_logbatch_init(&s->b[1], ARENA_MAX);
	pm_buf_init(&s->dtext, DICT_MAX_TEXT);
	/* a template may end in one long word, as long as its message */
	pm_buf_init(&s->tbuf, ARENA_MAX);
	pm_buf_init(&s->mtbuf, ARENA_MAX);
	pm_error_init(&s->werr_msg);
	s->pending = -1;
	s->file = -1;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	*out = s;
	/* a store that already has log lines (tests): continue its ids */
	s->next_row = next_id(st, "log_rows");
	s->next_file = next_id(st, "log_files");
	s->next_tmpl = next_id(st, "log_templates");
	if (prepare_all(s, err))
		return err->code;
	if (threaded) {
		if (pthread_create(&s->thread, NULL, writer_main, s))
			return pm_error_set(err, PM_ERR, "cannot start the log writer");
		s->started = 1;
		s->threaded = 1;
	}
	return 0;
}

int pm_logsink_file_begin(struct pm_logsink *s, const char *path,
			  const char *ns, const char *pod, const char *container,
			  int previous, struct pm_error *err)
{
	struct pm_logop *o;
	if (s->file >= 0 && pm_logsink_file_end(s, err))
		return err->code;
	if (!(o = new_op(s, PM_LOGOP_FILE, err)))
		return err->code;
	s->file = s->next_file++;
	s->first_row = s->next_row;
	s->nlines = 0;
	o->a = s->file;
	o->stream = previous;
	if (put(s, o, T_PATH, path, strlen(path), err) ||
	    put(s, o, T_NS, ns, ns ? strlen(ns) : 0, err) ||
	    put(s, o, T_POD, pod, pod ? strlen(pod) : 0, err) ||
	    put(s, o, T_CONT, container, container ? strlen(container) : 0, err))
		return err->code;
	return 0;
}

int pm_logsink_line(struct pm_logsink *s, const struct pm_logline *l,
		    struct pm_error *err)
{
	int64_t id = s->next_row;
	struct pm_logop *o;

	if (s->file < 0)
		return pm_error_set(err, PM_EUSAGE, "log line outside a file");
	if (!(o = new_op(s, PM_LOGOP_ROW, err)))
		return err->code;
	o->a = id;
	o->b = s->file;
	o->c = l->line;
	o->level = l->level;
	o->format = l->format;
	o->stream = l->stream;
	if (l->has_time) {
		/* many lines share a second: format each second once */
		if (!s->last_tvalid || s->last_t != l->time) {
			pm_time_format(l->time, s->last_tbuf);
			s->last_t = l->time;
			s->last_tvalid = 1;
		}
		if (put(s, o, T_TIME, s->last_tbuf, PM_TIME_LEN - 1, err))
			return err->code;
	}
	if (put(s, o, T_TT, l->time_text, l->time_text_len, err) ||
	    put(s, o, T_MSG, l->msg ? l->msg : "", l->msg ? l->msg_len : 0, err) ||
	    put(s, o, T_FIELDS, l->fields, l->fields_len, err) ||
	    put(s, o, T_TMPL, l->tmpl, l->tmpl_len, err))
		return err->code;
	s->next_row++;
	s->nlines++;
	if (l->has_time && minute_count(s, l, id, err))
		return err->code;
	return full(s) ? submit(s, err) : sticky(s, err);
}

int pm_logsink_file_end(struct pm_logsink *s, struct pm_error *err)
{
	struct pm_logop *o;
	if (s->file < 0)
		return 0;
	if (minutes_flush(s, err) || !(o = new_op(s, PM_LOGOP_FILE_END, err)))
		return err->code;
	o->a = s->file;
	o->b = s->first_row;
	o->c = s->next_row - 1;
	o->d = s->nlines;
	s->file = -1;
	return full(s) ? submit(s, err) : 0;
}

static void stop_writer(struct pm_logsink *s)
{
	if (!s->started)
		return;
	pthread_mutex_lock(&s->mu);
	wait_idle(s);
	s->stop = 1;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->thread, NULL);
	s->started = 0;
}

int pm_logsink_finish(struct pm_logsink *s, struct pm_error *err)
{
	int rc;
	if (s->finished)
		return sticky(s, err);
	s->finished = 1;
	rc = pm_logsink_file_end(s, err);
	if (!rc)
		rc = submit(s, err);
	stop_writer(s);
	return rc ? rc : sticky(s, err);
}

void pm_logsink_free(struct pm_logsink *s)
{
	if (!s)
		return;
	stop_writer(s);
	sqlite3_finalize(s->ins_file);
	sqlite3_finalize(s->upd_file);
	sqlite3_finalize(s->ins_min);
	for (int k = 0; k < 4; k++)
		sqlite3_finalize(s->bulk[k]);
	if (s->vtab_name[0])
		pm_logbatch_unregister(pm_store_db(s->st), s->vtab_name);
	for (int k = 0; k < 2; k++)
		pm_logbatch_release(&s->b[k]);
	for (size_t i = 0; i < s->nsignal; i++)
		free(s->signal[i]);
	for (size_t i = 0; i < s->nsubj; i++) {
		free(s->subj_key[i]);
		free(s->subj_path[i]);
	}
	free(s->signal);
	free(s->subj_key);
	free(s->subj_path);
	for (int t = 0; t < 4; t++) {
		free(s->scr[t / 2][t % 2].seen);
		free(s->scr[t / 2][t % 2].hits);
	}
	free(s->dict);
	free(s->min);
	pm_buf_release(&s->dtext);
	pm_buf_release(&s->tbuf);
	pm_buf_release(&s->mtbuf);
	pm_multimatch_release(&s->mm);
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->cv);
	free(s);
}
