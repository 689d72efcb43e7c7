/*
 * logbatch.c - log-table writes batched, and shown to SQL as a virtual
 * table; see logbatch.h.
 */
#include "podmortem/logbatch.h"

#include <stdlib.h>
#include <string.h>

void pm_logbatch_init(struct pm_logbatch *b, size_t arena_max)
{
	memset(b, 0, sizeof(*b));
	/* ops keep 32-bit offsets into the arena */
	pm_buf_init(&b->arena, arena_max < PM_LOGOP_NONE ? arena_max : PM_LOGOP_NONE - 1);
}

void pm_logbatch_release(struct pm_logbatch *b)
{
	free(b->ops);
	pm_buf_release(&b->arena);
	memset(b, 0, sizeof(*b));
}

void pm_logbatch_reset(struct pm_logbatch *b)
{
	b->nops = 0;
	pm_buf_reset(&b->arena);
}

struct pm_logop *pm_logbatch_op(struct pm_logbatch *b, int kind,
				struct pm_error *err)
{
	struct pm_logop *o;
	if (b->nops == b->aops) {
		size_t n = b->aops ? b->aops * 2 : 1024;
		struct pm_logop *p = realloc(b->ops, n * sizeof(*p));
		if (!p) {
			pm_error_set(err, PM_ENOMEM, "out of memory");
			return NULL;
		}
		b->ops = p;
		b->aops = n;
	}
	o = &b->ops[b->nops++];
	memset(o, 0, sizeof(*o));
	o->kind = kind;
	for (int k = 0; k < PM_LOGOP_PARTS; k++)
		o->off[k] = PM_LOGOP_NONE;
	return o;
}

int pm_logbatch_put(struct pm_logbatch *b, struct pm_logop *o, int part,
		    const char *p, size_t n, struct pm_error *err)
{
	size_t at = b->arena.len;
	int rc;
	if (!p)
		return 0;
	/* offsets are 32-bit: the arena's cap keeps them in range */
	if ((rc = pm_buf_add(&b->arena, p, n)) != 0) {
		pm_buf_check(&b->arena);
		return pm_error_set(err, rc, "log batch: line too big");
	}
	o->off[part] = (uint32_t)at;
	o->len[part] = (uint32_t)n;
	return 0;
}

/* ---- the virtual table ---- */

enum { VC_KIND, VC_A, VC_B, VC_C, VC_D, VC_LEVEL, VC_FORMAT, VC_STREAM,
       VC_P0, VC_P1, VC_P2, VC_P3, VC_NAME, VC_PATH };

struct vb_cursor {
	sqlite3_vtab_cursor base;
	struct pm_logbatch_view *v;
	size_t i;
	int kind;           /* -1: every op */
};

struct vb_vtab {
	sqlite3_vtab base;
	struct pm_logbatch_view *v;
};

static int vb_connect(sqlite3 *db, void *aux, int argc, const char *const *argv,
		      sqlite3_vtab **out, char **errmsg)
{
	struct vb_vtab *v;
	(void)argc; (void)argv; (void)errmsg;
	if (sqlite3_declare_vtab(db, "CREATE TABLE x(kind INTEGER, a INTEGER,"
				 " b INTEGER, c INTEGER, d INTEGER, level TEXT,"
				 " format TEXT, stream TEXT, p0 TEXT, p1 TEXT, p2 TEXT,"
				 " p3 TEXT, name TEXT, path TEXT)") != SQLITE_OK)
		return SQLITE_ERROR;
	if (!(v = sqlite3_malloc(sizeof(*v))))
		return SQLITE_NOMEM;
	memset(v, 0, sizeof(*v));
	v->v = aux;
	*out = &v->base;
	return SQLITE_OK;
}

static int vb_disconnect(sqlite3_vtab *v)
{
	sqlite3_free(v);
	return SQLITE_OK;
}

/* kind = ? is the one constraint used: the cursor skips other ops */
static int vb_best_index(sqlite3_vtab *v, sqlite3_index_info *info)
{
	(void)v;
	for (int i = 0; i < info->nConstraint; i++)
		if (info->aConstraint[i].usable && info->aConstraint[i].iColumn == VC_KIND &&
		    info->aConstraint[i].op == SQLITE_INDEX_CONSTRAINT_EQ) {
			info->aConstraintUsage[i].argvIndex = 1;
			info->aConstraintUsage[i].omit = 1;
			info->idxNum = 1;
			info->estimatedCost = 1000;
			return SQLITE_OK;
		}
	info->estimatedCost = 100000;
	return SQLITE_OK;
}

static int vb_open(sqlite3_vtab *v, sqlite3_vtab_cursor **out)
{
	struct vb_cursor *c = sqlite3_malloc(sizeof(*c));
	if (!c)
		return SQLITE_NOMEM;
	memset(c, 0, sizeof(*c));
	c->v = ((struct vb_vtab *)v)->v;
	*out = &c->base;
	return SQLITE_OK;
}

static int vb_close(sqlite3_vtab_cursor *c)
{
	sqlite3_free(c);
	return SQLITE_OK;
}

static void vb_skip(struct vb_cursor *c)
{
	const struct pm_logbatch *b = c->v->batch;
	while (b && c->i < b->nops && c->kind >= 0 && b->ops[c->i].kind != c->kind)
		c->i++;
}

static int vb_filter(sqlite3_vtab_cursor *cur, int idx, const char *idxstr,
		     int argc, sqlite3_value **argv)
{
	struct vb_cursor *c = (struct vb_cursor *)cur;
	(void)idxstr;
	c->i = 0;
	c->kind = idx == 1 && argc > 0 ? sqlite3_value_int(argv[0]) : -1;
	vb_skip(c);
	return SQLITE_OK;
}

static int vb_next(sqlite3_vtab_cursor *cur)
{
	struct vb_cursor *c = (struct vb_cursor *)cur;
	c->i++;
	vb_skip(c);
	return SQLITE_OK;
}

static int vb_eof(sqlite3_vtab_cursor *cur)
{
	struct vb_cursor *c = (struct vb_cursor *)cur;
	return !c->v->batch || c->i >= c->v->batch->nops;
}

static void vb_text(sqlite3_context *ctx, const char *p, int n)
{
	if (p)
		sqlite3_result_text(ctx, p, n, SQLITE_STATIC);
	else
		sqlite3_result_null(ctx);
}

static int vb_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col)
{
	struct vb_cursor *c = (struct vb_cursor *)cur;
	const struct pm_logbatch *b = c->v->batch;
	const struct pm_logop *o = &b->ops[c->i];

	switch (col) {
	case VC_KIND: sqlite3_result_int(ctx, o->kind); break;
	case VC_A: sqlite3_result_int64(ctx, o->a); break;
	case VC_B: sqlite3_result_int64(ctx, o->b); break;
	case VC_C: sqlite3_result_int64(ctx, o->c); break;
	case VC_D: sqlite3_result_int64(ctx, o->d); break;
	case VC_LEVEL: vb_text(ctx, o->level, -1); break;
	case VC_FORMAT: vb_text(ctx, o->format, -1); break;
	case VC_STREAM:
		vb_text(ctx, o->stream < 0 ? NULL : o->stream ? "stderr" : "stdout", 6);
		break;
	case VC_NAME:
		vb_text(ctx, o->kind == PM_LOGOP_SIGNAL ? c->v->signal_names[o->b]
			     : o->kind == PM_LOGOP_SUBJECT ? c->v->subject_keys[o->b] : NULL, -1);
		break;
	case VC_PATH:
		vb_text(ctx, o->kind == PM_LOGOP_SUBJECT ? c->v->subject_paths[o->b] : NULL, -1);
		break;
	default: {
		int part = col - VC_P0;
		vb_text(ctx, o->off[part] == PM_LOGOP_NONE ? NULL : b->arena.data + o->off[part],
			(int)o->len[part]);
	}
	}
	return SQLITE_OK;
}

static int vb_rowid(sqlite3_vtab_cursor *cur, sqlite_int64 *id)
{
	*id = (sqlite_int64)((struct vb_cursor *)cur)->i;
	return SQLITE_OK;
}

static const sqlite3_module vb_module = {
	.iVersion = 0,
	.xCreate = NULL,  /* eponymous only */
	.xConnect = vb_connect,
	.xBestIndex = vb_best_index,
	.xDisconnect = vb_disconnect,
	.xDestroy = vb_disconnect,
	.xOpen = vb_open,
	.xClose = vb_close,
	.xFilter = vb_filter,
	.xNext = vb_next,
	.xEof = vb_eof,
	.xColumn = vb_column,
	.xRowid = vb_rowid,
};

int pm_logbatch_register(sqlite3 *db, const char *name,
			 struct pm_logbatch_view *view)
{
	return sqlite3_create_module(db, name, &vb_module, view) == SQLITE_OK
		       ? 0 : PM_EDB;
}

void pm_logbatch_unregister(sqlite3 *db, const char *name)
{
	/* a NULL module drops the name: it must not outlive its view */
	sqlite3_create_module(db, name, NULL, NULL);
}
