/*
 * Fuzz the body file reader (split, %XX decoding, mactime's checks) and
 * the renderers fed with what it returns, and the date parser.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "lib/timeline/event.h"
#include "util/buf.h"
#include "util/xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf scratch = BUF_INIT;
	struct tl_event e;
	struct tl_time t;
	char *s = xmalloc(size + 1);
	int fd = open("/dev/null", O_WRONLY);

	memcpy(s, data, size);
	s[size] = 0;
	(void)tl_parse_date(s, &t);
	for (int f = TL_BODY; f <= TL_CSV; f++) {
		struct tl_sink *k = tl_sink_new((enum tl_format)f, fd, NULL, NULL, 4096, NULL);
		size_t at = 0;
		while (at <= size) {
			const char *nl = memchr(s + at, '\n', size - at);
			size_t n = nl ? (size_t)(nl - (s + at)) : size - at;
			if (tl_body_parse(s + at, n, &scratch, &e) == 1)
				tl_sink_add(k, &e);
			at += n + 1;
		}
		tl_sink_finish(k);
		tl_sink_free(k);
	}
	if (fd >= 0)
		close(fd);
	buf_release(&scratch);
	free(s);
	return 0;
}
