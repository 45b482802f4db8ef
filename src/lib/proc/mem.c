#include "lib/proc/mem.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#define PAGE 4096ULL

void mem_init(struct mem *m, pid_t pid)
{
	memset(m, 0, sizeof(*m));
	m->pid = pid;
	m->memfd = -1;
	m->pagemapfd = -1;
}

void mem_release(struct mem *m)
{
	if (m->memfd >= 0)
		close(m->memfd);
	if (m->pagemapfd >= 0)
		close(m->pagemapfd);
	m->memfd = m->pagemapfd = -1;
}

static int open_proc(pid_t pid, const char *file)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	return open(path, O_RDONLY | O_CLOEXEC);
}

static int alive(pid_t pid)
{
	char path[32];

	snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
	return access(path, F_OK) == 0;
}

/* read_page_mem - one page through /proc/PID/mem; bytes read or -errno */
static ssize_t read_proc_mem(struct mem *m, unsigned long long addr, char *buf, size_t n)
{
	ssize_t r;

	if (!m->tried_mem) {
		m->tried_mem = 1;
		m->memfd = open_proc(m->pid, "mem");
	}
	if (m->memfd < 0)
		return -EIO;
	do
		r = pread(m->memfd, buf, n, (off_t)addr);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : r;
}

int mem_read(struct mem *m, unsigned long long addr, void *buf, size_t n, unsigned long long *bad)
{
	char *out = buf;
	size_t off = 0;

	while (off < n) {
		struct iovec local = { out + off, n - off };
		struct iovec remote = { (void *)(uintptr_t)(addr + off), n - off };
		ssize_t r = -1;

		if (!m->no_vmr) {
			r = process_vm_readv(m->pid, &local, 1, &remote, 1, 0);
			if (r < 0 && (errno == EPERM || errno == ENOSYS))
				m->no_vmr = 1; /* /proc/PID/mem in big reads */
		}
		if (r > 0) {
			off += (size_t)r;
			continue;
		}
		if (r < 0 && errno == ESRCH && !m->no_vmr) {
			memset(out + off, 0, n - off);
			*bad += n - off;
			return -ESRCH;
		}
		/*
		 * A fault at addr + off (or process_vm_readv refused): try
		 * /proc/PID/mem for the rest of this page, else zeros.
		 */
		unsigned long long a = addr + off;
		size_t len = (size_t)(PAGE - (a & (PAGE - 1)));
		if (len > n - off || m->no_vmr)
			len = n - off;
		ssize_t p = read_proc_mem(m, a, out + off, len);
		if (p > 0) {
			off += (size_t)p;
			continue;
		}
		if (!alive(m->pid)) {
			memset(out + off, 0, n - off);
			*bad += n - off;
			return -ESRCH;
		}
		if (m->no_vmr) /* a fault: skip one page */
			len = (size_t)(PAGE - (a & (PAGE - 1))) < n - off
				  ? (size_t)(PAGE - (a & (PAGE - 1)))
				  : n - off;
		memset(out + off, 0, len);
		*bad += len;
		off += len;
	}
	return 0;
}

int mem_present(struct mem *m, unsigned long long addr, size_t npages, unsigned char *present)
{
	uint64_t ent[512];
	size_t i = 0;

	if (!m->tried_pagemap) {
		m->tried_pagemap = 1;
		m->pagemapfd = open_proc(m->pid, "pagemap");
	}
	if (m->pagemapfd < 0)
		return -ENOENT;
	while (i < npages) {
		size_t want = npages - i < 512 ? npages - i : 512;
		off_t pos = (off_t)((addr / PAGE + i) * sizeof(uint64_t));
		ssize_t r = pread(m->pagemapfd, ent, want * sizeof(uint64_t), pos);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || r % (ssize_t)sizeof(uint64_t))
			return r < 0 ? -errno : -EIO;
		for (size_t k = 0; k < (size_t)r / sizeof(uint64_t); k++)
			/* bit 63: present, bit 62: swapped */
			present[i + k] = (ent[k] >> 62) != 0;
		i += (size_t)r / sizeof(uint64_t);
	}
	return 0;
}
