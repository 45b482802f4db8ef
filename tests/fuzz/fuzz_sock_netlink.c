/* libFuzzer harness: sock_diag netlink reply parser (inet and unix). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/proc/sock.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sock_table t;
	struct buf b = BUF_INIT;
	int done;
	/* aligned copy, as recv() would give */
	void *p = malloc(size ? size : 1);
	memcpy(p, data, size);
	sock_table_init(&t);
	sock_parse_nlmsgs(&t, p, size, &done);
	for (size_t i = 0; i < t.n; i++) {
		buf_reset(&b);
		sock_describe(&b, &t.v[i]);
	}
	sock_table_sort(&t);
	buf_release(&b);
	sock_table_release(&t);
	free(p);
	return 0;
}
