/*
 * preload - libraries forced into processes: /etc/ld.so.preload,
 * LD_PRELOAD in a process's environment, and libraries mapped into a
 * process that its executable's ELF dependencies do not explain.
 *
 * "Explained" is the closure of DT_NEEDED from the executable over the
 * libraries the process maps (matched by DT_SONAME or file name), plus the
 * program interpreter.  What remains was preloaded or dlopen()ed; a
 * dlopen()ed library from the system's library folders (/lib, /usr/lib,
 * their 32/64 variants) is normal, one from anywhere else is reported.
 *
 * The parsers (ld.so.preload text, environ blocks, ELF dynamic sections)
 * take untrusted bytes with their length, never read past it, and are
 * fuzzed.  Files are read through /proc/PID/root so a process in another
 * mount namespace is judged by its own files.  Errors: 0 or -errno; a
 * process that vanishes is skipped.
 */
#ifndef STRANGER_LIB_PRELOAD_H
#define STRANGER_LIB_PRELOAD_H

#include <stddef.h>
#include <sys/types.h>

struct buf;
struct hidden_report;

/*
 * preload_parse_list - the library names in ld.so.preload text (separated
 * by white space or ':', '#' starts a comment to the end of the line), each
 * appended to out followed by a NUL; returns how many.
 */
size_t preload_parse_list(const char *s, size_t n, struct buf *out);

/*
 * preload_env_value - the value of the last VAR=... entry in an environ
 * block (NUL-separated); *val points into env.  1 found, 0 not.
 */
int preload_env_value(const char *env, size_t n, const char *var, const char **val, size_t *vlen);

/* What the dynamic section of an ELF file says. */
struct preload_elf {
	int is_elf, dynamic;
	char soname[256];
	char interp[256];
	struct buf *needed; /* each DT_NEEDED name followed by a NUL */
	size_t nneeded;
};

/*
 * preload_elf_parse - PT_INTERP, DT_SONAME and every DT_NEEDED of an ELF
 * image (32 or 64 bit, either byte order) in data[0..n); e->needed must
 * point at a buf.  0, or -EINVAL if it is not a sane ELF file.
 */
int preload_elf_parse(const unsigned char *data, size_t n, struct preload_elf *e);

/* The preload state of one process. */
struct preload_proc {
	int env;	    /* LD_PRELOAD is set in its environment */
	int global;	    /* it maps a library named in /etc/ld.so.preload */
	struct buf *why;    /* raw text: "LD_PRELOAD=...", the libraries */
	size_t unexplained; /* mapped libraries no dependency explains */
};

/*
 * preload_check - the preload state of pid; appends the reasons to
 * p->why (which must point at a buf).  1 if it is flagged, 0 if not,
 * -errno if it could not be read.
 */
int preload_check(pid_t pid, struct preload_proc *p);

/* preload_scan - /etc/ld.so.preload and every process; 0 or -errno */
int preload_scan(struct hidden_report *r);

#endif
