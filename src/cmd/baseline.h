/*
 * baseline - what `stranger baseline` and `stranger verify` share: the
 * progress line (stderr, rewritten in place, only on a terminal), the
 * warning for a path that could not be looked at (ctx points at an int that
 * is non-zero when stderr is a terminal), and absolute paths.
 */
#ifndef STRANGER_CMD_BASELINE_H
#define STRANGER_CMD_BASELINE_H

#include <stddef.h>

struct basedb_progress;

void baseline_progress(const struct basedb_progress *p, void *ctx);
void baseline_scan_error(const char *path, size_t len, int err, void *ctx);
/* baseline_abspath - PATH made absolute against the working directory */
char *baseline_abspath(const char *path);

#endif
