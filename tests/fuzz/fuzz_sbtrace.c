/* libFuzzer harness: the sandbox's reading of a trace takes any bytes
 * (the program controls much of its own trace) and keeps only printable
 * text where the report prints it raw. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lib/sandbox/sbtrace.h"

static void printable(const char *s)
{
	for (; s && *s; s++)
		if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t')
			return; /* the report escapes such text; nothing to check */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sb_trace t;
	sbtrace_parse((const char *)data, size, &t);
	for (size_t i = 0; i < t.nprocs; i++)
		for (size_t j = 0; j < t.procs[i].nexec; j++) {
			printable(t.procs[i].exec[j].argv);
			if (!t.procs[i].exec[j].path[0] || t.procs[i].exec[j].argv[0] != '[')
				__builtin_trap();
		}
	for (size_t i = 0; i < t.nconvs; i++)
		if (t.convs[i].len > SBT_CONV_MAX || (t.convs[i].text && strlen(t.convs[i].text) > t.convs[i].len))
			__builtin_trap();
	sbtrace_proc(&t, 1);
	sbtrace_release(&t);
	return 0;
}
