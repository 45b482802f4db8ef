/*
 * live - what only a running machine can put in a timeline.
 *
 *   boot      the boot time (/proc/stat btime), with the kernel release
 *   process   every process's start: "process start PID COMM EXE"
 *   file      every deleted file a process still holds open (fd, txt) or
 *             mapped (mem): its inode times read through /proc/PID/fd/N,
 *             /proc/PID/exe or /proc/PID/map_files/START-END, named as
 *             lsof names it, "PATH (deleted)"
 *   listen    every listening socket, at the start time of the process
 *             holding it: "listen tcp *:5120 by PID COMM"
 *
 * Events go to `emit` (a non-zero return stops).  A process that exits
 * while read is skipped; anything that could not be read is appended to
 * `notes` (one line each, escaped) and counted in *partial.
 * Returns 0 or the first non-zero value of emit.
 */
#ifndef STRANGER_LIB_TIMELINE_LIVE_H
#define STRANGER_LIB_TIMELINE_LIVE_H

#include "lib/timeline/event.h"
#include "util/buf.h"

int tl_live(int (*emit)(const struct tl_event *e, void *ctx), void *ctx, struct buf *notes,
	    unsigned *partial);

#endif
