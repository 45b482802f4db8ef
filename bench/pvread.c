/*
 * pvread PID OUT - the physical reference for bench/dump.sh: every readable
 * mapping of PID read with process_vm_readv in 8 MiB batches and written
 * to OUT one after the other, then fsync.  No headers, no registers, no
 * hashing, no stopping the process: the least a memory dump must do.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#define BATCH (8u << 20)

int main(int argc, char **argv)
{
	char path[64], line[4096], perms[8];
	unsigned long long start, end, total = 0;
	static char buf[BATCH];
	FILE *maps;
	int out;
	pid_t pid;

	if (argc != 3)
		return 2;
	pid = atoi(argv[1]);
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	maps = fopen(path, "r");
	out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (!maps || out < 0)
		return 2;
	while (fgets(line, sizeof(line), maps)) {
		if (sscanf(line, "%llx-%llx %7s", &start, &end, perms) != 3 ||
		    perms[0] != 'r' || strstr(line, "[vvar") || strstr(line, "[vsyscall]"))
			continue;
		for (unsigned long long a = start; a < end; a += BATCH) {
			size_t n = end - a < BATCH ? end - a : BATCH;
			struct iovec l = { buf, n }, r = { (void *)a, n };
			ssize_t got = process_vm_readv(pid, &l, 1, &r, 1, 0);
			if (got < (ssize_t)n)
				memset(buf + (got > 0 ? got : 0), 0, n - (got > 0 ? (size_t)got : 0));
			if (write(out, buf, n) != (ssize_t)n)
				return 1;
			total += n;
		}
	}
	if (fsync(out) || close(out))
		return 1;
	printf("%llu\n", total);
	return 0;
}
