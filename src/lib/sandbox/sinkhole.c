/*
 * sinkhole - see sinkhole.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/sandbox/sinkhole.h"

int sinkhole_available(void) { return -EOPNOTSUPP; }
int sinkhole_new(int cgfd, int netns_fd, struct sinkhole **out, char *why, size_t whylen)
{
	(void)cgfd; (void)netns_fd; *out = NULL;
	strncpy(why, "not yet", whylen - 1);
	return -EOPNOTSUPP;
}
size_t sinkhole_fds(struct sinkhole *s, int *fds, size_t max) { (void)s; (void)fds; (void)max; return 0; }
void sinkhole_serve(struct sinkhole *s, double now, struct sinkhole_log *log) { (void)s; (void)now; (void)log; }
void sinkhole_free(struct sinkhole *s) { (void)s; }
void sinkhole_log_release(struct sinkhole_log *log) { free(log->v); log->v = NULL; log->n = 0; }
