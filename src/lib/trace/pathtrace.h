/*
 * pathtrace - strace's -P: which calls touch one of the given paths.
 *
 * A call touches PATH when one of its path arguments is PATH, or when one
 * of the descriptors it uses refers to PATH (/proc/PID/fd/FD): its fd
 * argument (both of dup2, dup3, sendfile, tee, splice, copy_file_range,
 * the dirfds of the *at calls, mmap's fd), the descriptors in a poll or
 * select set, whatever the descriptor came from (a shell's redirection of
 * stdin or stdout, dup, fork).  As strace does, each PATH is also matched
 * resolved (realpath), and calls that make a new descriptor from nothing
 * (pipe, socket, eventfd...) never match.
 *
 * Descriptors are read from /proc while the call is stopped at entry: the
 * ptrace engine's moment.  Errors: none; what cannot be read does not match.
 */
#ifndef STRANGER_LIB_TRACE_PATHTRACE_H
#define STRANGER_LIB_TRACE_PATHTRACE_H

#include <stddef.h>

#include "lib/trace/syscall/syscall.h"

struct trace_paths {
	char **v; /* each given path, then its resolved form if it differs */
	size_t n;
};

/* trace_paths_add - path; *resolved is set (free()) when realpath differs */
void trace_paths_add(struct trace_paths *p, const char *path, char **resolved);
void trace_paths_release(struct trace_paths *p);
/* trace_paths_fd - whether pid's fd refers to one of the paths */
int trace_paths_fd(const struct trace_paths *p, pid_t pid, int fd);
/* trace_paths_call_fds - whether a descriptor call c uses refers to one */
int trace_paths_call_fds(const struct trace_paths *p, struct sc_call *c);

#endif
