/*
 * timeline.h - the incident timeline of report.html as inline SVG.
 *
 * One time axis built from the bundle's own times (never the clock):
 * Velero backup and restore phases, warning events by reason, log errors
 * per minute per pod and pod restarts.  Every mark carries a <title> so
 * a browser shows what it is on hover.  The number of lanes and marks is
 * bounded; when there are more, lanes fold into "other" and marks close
 * in time merge into one mark that says how many it stands for.  Output
 * is deterministic: same store, same bytes.
 */
#ifndef PODMORTEM_TIMELINE_H
#define PODMORTEM_TIMELINE_H

#include <stdint.h>

#include "podmortem/buf.h"
#include "podmortem/error.h"
#include "podmortem/store.h"

#define PM_TIMELINE_LANES 10     /* lanes per group before "other" */
#define PM_TIMELINE_MARKS 120    /* marks per lane before merging */
#define PM_TIMELINE_SPAN (14 * 86400) /* at most this far back from "now" */

struct pm_timeline_stats {
	long lanes;
	long marks;       /* marks drawn */
	long items;       /* things found in the store */
	long merged;      /* items folded into a merged mark */
	long dropped;     /* items without a usable time or out of range */
};

/*
 * Appends <svg>...</svg> to out, or a short <p> when the store holds no
 * time to draw.  now is the bundle's collected_at (0 when unknown); lang
 * "zh" translates the fixed labels.  Returns 0 or a negative PM_E* code.
 */
int pm_timeline_svg(struct pm_store *st, int64_t now, const char *lang,
		    struct pm_buf *out, struct pm_timeline_stats *stats,
		    struct pm_error *err);

#endif
