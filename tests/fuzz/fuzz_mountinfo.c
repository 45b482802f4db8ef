/* libFuzzer harness: mountinfo reader (cgroup mounts) and passwd reader. */
#include <stddef.h>
#include <stdint.h>

#include "lib/hold/freeze.h"
#include "lib/proc/users.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf v2 = BUF_INIT, v1 = BUF_INIT;
	struct users u;

	freeze_parse_mountinfo((const char *)data, size, &v2, &v1);
	users_parse(&u, (const char *)data, size);
	for (size_t i = 0; i < u.n; i++)
		(void)users_name(&u, u.v[i].id);
	users_release(&u);
	buf_release(&v2);
	buf_release(&v1);
	return 0;
}
