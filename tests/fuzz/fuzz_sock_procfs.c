/* libFuzzer harness: /proc/net/{tcp,tcp6,udp,unix} parsers. */
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "lib/proc/sock.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sock_table t;
	struct buf b = BUF_INIT;
	const char *s = (const char *)data;

	sock_table_init(&t);
	sock_parse_proc_inet(&t, s, size, AF_INET, IPPROTO_TCP);
	sock_parse_proc_inet(&t, s, size, AF_INET6, IPPROTO_UDP);
	sock_parse_proc_unix(&t, s, size);
	for (size_t i = 0; i < t.n; i++) {
		buf_reset(&b);
		sock_describe(&b, &t.v[i]);
	}
	buf_release(&b);
	sock_table_release(&t);
	return 0;
}
