/* libFuzzer harness: any -e expression is parsed or refused, never read
 * out of bounds; a refused one leaves a usable filter. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/trace/filter.h"
#include "util/diag.h"
#include "util/xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct trace_filter f;
	char *e = xmalloc(size + 1);

	diag_quiet(1);
	memcpy(e, data, size);
	e[size] = 0;
	trace_filter_init(&f);
	trace_filter_expr(&f, e);
	trace_filter_selected(&f, 0, (long)size);
	free(e);
	return 0;
}
