/* Fuzz the baseline DB parser; what parses must format back to the input. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/baseline/basedb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct basedb db;
	struct basedb_error err;

	basedb_init(&db);
	if (!basedb_parse((const char *)data, size, &db, &err)) {
		struct buf out = BUF_INIT;
		for (size_t i = 1; i < db.n; i++)
			if (basedb_diff(&db.e[i - 1], &db.e[i]) == ~0u)
				abort();
		basedb_format(&db, &out);
		buf_release(&out);
	} else if (!err.line || !err.msg[0]) {
		abort();
	}
	basedb_release(&db);
	return 0;
}
