/* libFuzzer harness: mountinfo reader (cgroup mounts), /proc/PID/cgroup
 * reader and passwd reader. */
#include <stddef.h>
#include <stdint.h>

#include "lib/proc/cgroup.h"
#include "lib/proc/mounts.h"
#include "lib/proc/users.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf v2 = BUF_INIT, v1 = BUF_INIT, cg = BUF_INIT;
	struct users u;

	mounts_parse_cgroup((const char *)data, size, &v2, &v1);
	cgroup_parse((const char *)data, size, NULL, &cg);
	cgroup_parse((const char *)data, size, "freezer", &cg);
	users_parse(&u, (const char *)data, size);
	for (size_t i = 0; i < u.n; i++)
		(void)users_name(&u, u.v[i].id);
	users_release(&u);
	buf_release(&v2);
	buf_release(&v1);
	buf_release(&cg);
	return 0;
}
