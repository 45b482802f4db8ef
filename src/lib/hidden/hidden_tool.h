/*
 * hidden_tool - what the host's own tools leave out.  A replaced ps, ls
 * or netstat (or a preloaded library under them) lies; the kernel's views
 * do not lie the same way.  Each tool is found in PATH and run without a
 * shell, with fixed arguments, stdin and stderr on /dev/null, its output
 * capped, and a timeout after which it is killed (by its own PID).
 *
 *   ps -e -o pid=        against the raw /proc listing
 *   ls -1 /proc          against the raw /proc listing
 *   ss -tulnH            against the listening sockets (sock_diag, proc_net)
 *   netstat -tuln        likewise
 *
 * A process must be in the listing both before and after the tool ran,
 * twice, to count as omitted; a port likewise.  Tools that are missing
 * or fail are warned about and skipped.
 *
 * The output parsers take untrusted text with its length; they are fuzzed.
 */
#ifndef STRANGER_LIB_HIDDEN_TOOL_H
#define STRANGER_LIB_HIDDEN_TOOL_H

#include <stddef.h>
#include <sys/types.h>

struct buf;
struct hidden_opts;
struct hidden_report;

/*
 * hidden_tool_run - run argv[0] (looked up in PATH; its full path is
 * appended to `path` when not NULL) with argv, capture stdout into out.
 * The exit status (0..255), or -ENOENT (not in PATH), -ETIMEDOUT (killed
 * after timeout_ms), -errno.
 */
int hidden_tool_run(const char *const *argv, unsigned timeout_ms, struct buf *out,
		    struct buf *path);

/* hidden_tool_parse_pids - the leading number of each line, sorted; count */
size_t hidden_tool_parse_pids(const char *s, size_t n, pid_t **out);

/*
 * hidden_tool_parse_ports - (proto, port) of each line of ss or netstat
 * output: proto 0 tcp, 1 udp; local is the 0-based column of the local
 * address (4 for ss, 3 for netstat).  Bit (proto*65536 + port) is set in
 * bits (2 * 65536 bits).  Returns how many lines named a port.
 */
size_t hidden_tool_parse_ports(const char *s, size_t n, unsigned local, unsigned long long *bits);

/* hidden_tool_scan - run the tools found in PATH and report omissions */
int hidden_tool_scan(const struct hidden_opts *o, struct hidden_report *r);

#endif
