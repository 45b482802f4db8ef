/* libFuzzer harness: JSON Lines from a host's hunt (ps, hidden, verify). */
#include <stddef.h>
#include <stdint.h>

#include "lib/fleet/fleet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fleet_host host = { .name = "h", .status = "ok" };
	struct fleet_report r = { 0 };
	r.hosts = &host;
	r.nhosts = 1;
	for (int s = FLEET_PS; s <= FLEET_VERIFY; s++)
		fleet_read_jsonl(&r, 0, (enum fleet_source)s, (const char *)data, size, s == FLEET_PS);
	fleet_sort(&r);
	for (size_t i = 0; i < r.n; i++)
		if (r.v[i].host != 0 || r.v[i].flags.len == 0)
			__builtin_trap();
	/* the hosts are the harness's own: release only the findings */
	r.hosts = NULL;
	r.nhosts = 0;
	fleet_release(&r);
	return 0;
}
