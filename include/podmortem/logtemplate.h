/*
 * logtemplate.h - a log message's template: what stays when what varies
 * between similar lines is masked.
 *
 * Owns the masking rules: quoted values become "<S>", times "<TS>",
 * UUIDs and hex ids "<ID>", IPv4 addresses "<IP>", Go durations "<DUR>",
 * numbers "<N>" (a size unit kept: "<N>Mi").  Lines that differ only in
 * those group under one template (log_lines.template).
 */
#ifndef PODMORTEM_LOGTEMPLATE_H
#define PODMORTEM_LOGTEMPLATE_H

#include <stddef.h>

#include "podmortem/buf.h"

#define PM_TEMPLATE_MAX 1024  /* templates longer than this are cut */

/* The template of s[0..n) into o (reset first). */
void pm_log_template(struct pm_buf *o, const char *s, size_t n);

#endif
