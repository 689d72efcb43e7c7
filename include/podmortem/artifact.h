/*
 * artifact.h - the "artifact" parser's one knob (src/parse_artifact.c).
 *
 * Backup artifacts (tarballs, encrypted blobs, backup-file.yaml/json)
 * are checked, not unpacked: kind by magic bytes, gzip streams inflated
 * to verify CRC and length, YAML/JSON validated.  Inflating stops after
 * a cap of bytes out so a gzip bomb costs bounded time; the cap is
 * global because the parser table has no per-parser options.
 */
#ifndef PODMORTEM_ARTIFACT_H
#define PODMORTEM_ARTIFACT_H

#include <stdint.h>

#define PM_ARTIFACT_INFLATE_CAP (1ull << 30)  /* default: 1 GiB out */

/* Sets the inflate cap (0 keeps it); returns the previous one. */
uint64_t pm_artifact_inflate_cap(uint64_t cap);

#endif
