/* libFuzzer harness: a case's manifest.sha256 and its login records. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lib/collect/manifest.h"
#include "lib/collect/report.h"

static void login(const struct report_login *l, void *ctx)
{
	(void)ctx;
	if (strlen(l->user) >= sizeof(l->user) || strlen(l->line) >= sizeof(l->line) ||
	    strlen(l->host) >= sizeof(l->host))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct manifest m = { 0 };

	manifest_parse((const char *)data, size, &m);
	for (size_t i = 0; i < m.n; i++) {
		if (!manifest_name_ok(m.v[i].name, strlen(m.v[i].name)) ||
		    strlen(m.v[i].hex) != 64)
			__builtin_trap();
		if (manifest_find(&m, m.v[i].name) == NULL)
			__builtin_trap();
	}
	manifest_release(&m);
	report_utmp_each(data, size, login, NULL);
	return 0;
}
