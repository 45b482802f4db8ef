/* sc_time - decoders for clocks and timestamps: time, gettimeofday,
 * settimeofday, clock_settime, the utime family, times, getrusage,
 * sysinfo; and the timespec/timeval/rusage printers the other families
 * share. */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>
#include <utime.h>

#include "lib/trace/syscall/sc.h"

static const struct sc_named clocks[] = {
	{ 0, "CLOCK_REALTIME" },
	{ 1, "CLOCK_MONOTONIC" },
	{ 2, "CLOCK_PROCESS_CPUTIME_ID" },
	{ 3, "CLOCK_THREAD_CPUTIME_ID" },
	{ 4, "CLOCK_MONOTONIC_RAW" },
	{ 5, "CLOCK_REALTIME_COARSE" },
	{ 6, "CLOCK_MONOTONIC_COARSE" },
	{ 7, "CLOCK_BOOTTIME" },
	{ 8, "CLOCK_REALTIME_ALARM" },
	{ 9, "CLOCK_BOOTTIME_ALARM" },
	{ 11, "CLOCK_TAI" },
	{ 0, NULL },
};

void sc_clockid(struct buf *o, unsigned long long v)
{
	sc_xlat(o, (unsigned)v, clocks, 0);
}

void sc_timespec(struct sc_call *c, struct buf *o, unsigned long long addr)
{
	long long ts[2];
	if (!addr)
		buf_addstr(o, "NULL");
	else if (sc_mem_read(c, addr, ts, sizeof(ts)))
		sc_ptr(o, addr);
	else
		buf_addf(o, "{tv_sec=%lld, tv_nsec=%lld}", ts[0], ts[1]);
}

void sc_timeval(struct sc_call *c, struct buf *o, unsigned long long addr)
{
	long long tv[2];
	if (!addr)
		buf_addstr(o, "NULL");
	else if (sc_mem_read(c, addr, tv, sizeof(tv)))
		sc_ptr(o, addr);
	else
		buf_addf(o, "{tv_sec=%lld, tv_usec=%lld}", tv[0], tv[1]);
}

void sc_isotime(struct buf *o, long long sec, long long frac, int frac_digits)
{
	time_t t = (time_t)sec;
	struct tm tm;
	char d[64], z[16];

	if (!localtime_r(&t, &tm) || !strftime(d, sizeof(d), "%Y-%m-%dT%H:%M:%S", &tm) ||
	    !strftime(z, sizeof(z), "%z", &tm)) {
		buf_addstr(o, "?");
		return;
	}
	buf_addstr(o, d);
	if (frac_digits)
		buf_addf(o, ".%0*lld", frac_digits, frac);
	buf_addstr(o, z);
}

static void print_tv_pair(struct sc_call *c, struct buf *o, unsigned long long addr)
{
	long long tv[4];
	if (!addr) {
		buf_addstr(o, "NULL");
		return;
	}
	if (sc_mem_read(c, addr, tv, sizeof(tv))) {
		sc_ptr(o, addr);
		return;
	}
	buf_addc(o, '[');
	for (int i = 0; i < 2; i++) {
		if (i)
			buf_add(o, ", ", 2);
		buf_addf(o, "{tv_sec=%lld, tv_usec=%lld}", tv[2 * i], tv[2 * i + 1]);
		if (tv[2 * i + 1] >= 0 && tv[2 * i + 1] < 1000000) {
			buf_addstr(o, " /* ");
			sc_isotime(o, tv[2 * i], tv[2 * i + 1], 6);
			buf_addstr(o, " */");
		}
	}
	buf_addc(o, ']');
}

static void rdecor_time(struct sc_call *c, struct buf *o)
{
	buf_add(o, " (", 2);
	sc_isotime(o, c->ret, 0, 0);
	buf_addc(o, ')');
}

static void dec_time(struct sc_call *c, struct buf *o, int exiting)
{
	long long t;
	if (!exiting)
		return;
	sc_arg(c, o);
	if (!c->args[0]) {
		buf_addstr(o, "NULL");
	} else if (c->ret < 0 || sc_mem_read(c, c->args[0], &t, sizeof(t))) {
		sc_ptr(o, c->args[0]);
	} else {
		buf_addf(o, "[%lld /* ", t);
		sc_isotime(o, t, 0, 0);
		buf_addstr(o, " */]");
	}
	if (c->ret >= 0)
		c->rdecor = rdecor_time;
}

static void print_timezone(struct sc_call *c, struct buf *o, unsigned long long addr)
{
	int tz[2];
	if (!addr)
		buf_addstr(o, "NULL");
	else if (sc_mem_read(c, addr, tz, sizeof(tz)))
		sc_ptr(o, addr);
	else
		buf_addf(o, "{tz_minuteswest=%d, tz_dsttime=%d}", tz[0], tz[1]);
}

static void dec_gettimeofday(struct sc_call *c, struct buf *o, int exiting)
{
	if (!exiting)
		return;
	for (int i = 0; i < 2; i++) {
		sc_arg(c, o);
		if (c->ret < 0)
			sc_ptr(o, c->args[i]);
		else if (i)
			print_timezone(c, o, c->args[1]);
		else
			sc_timeval(c, o, c->args[0]);
	}
}

static void dec_settimeofday(struct sc_call *c, struct buf *o, int exiting)
{
	sc_arg(c, o);
	sc_timeval(c, o, c->args[0]);
	sc_arg(c, o);
	print_timezone(c, o, c->args[1]);
}

static void dec_clock_settime(struct sc_call *c, struct buf *o, int exiting)
{
	sc_arg(c, o);
	sc_clockid(o, c->args[0]);
	sc_arg(c, o);
	sc_timespec(c, o, c->args[1]);
}

/* utime(path, {actime=1 /+ ... +/, modtime=2 /+ ... +/}) */
static void dec_utime(struct sc_call *c, struct buf *o, int exiting)
{
	long long t[2];
	sc_args(c, o, 0, 1);
	sc_arg(c, o);
	if (!c->args[1]) {
		buf_addstr(o, "NULL");
		return;
	}
	if (sc_mem_read(c, c->args[1], t, sizeof(t))) {
		sc_ptr(o, c->args[1]);
		return;
	}
	buf_addf(o, "{actime=%lld /* ", t[0]);
	sc_isotime(o, t[0], 0, 0);
	buf_addf(o, " */, modtime=%lld /* ", t[1]);
	sc_isotime(o, t[1], 0, 0);
	buf_addstr(o, " */}");
}

/* utimes(path, tv[2]) and futimesat(dirfd, path, tv[2]) */
static void dec_utimes(struct sc_call *c, struct buf *o, int exiting)
{
	int n = c->ent->nargs;
	sc_args(c, o, 0, n - 1);
	sc_arg(c, o);
	print_tv_pair(c, o, c->args[n - 1]);
}

static void dec_utimensat(struct sc_call *c, struct buf *o, int exiting)
{
	long long ts[4];
	sc_args(c, o, 0, 2);
	sc_arg(c, o);
	if (!c->args[2]) {
		buf_addstr(o, "NULL");
	} else if (sc_mem_read(c, c->args[2], ts, sizeof(ts))) {
		sc_ptr(o, c->args[2]);
	} else {
		buf_addc(o, '[');
		for (int i = 0; i < 2; i++) {
			long long ns = ts[2 * i + 1];
			if (i)
				buf_add(o, ", ", 2);
			if (ns == UTIME_NOW) {
				buf_addstr(o, "UTIME_NOW");
			} else if (ns == UTIME_OMIT) {
				buf_addstr(o, "UTIME_OMIT");
			} else {
				buf_addf(o, "{tv_sec=%lld, tv_nsec=%lld}", ts[2 * i], ns);
				if (ns >= 0 && ns < 1000000000) {
					buf_addstr(o, " /* ");
					sc_isotime(o, ts[2 * i], ns, 9);
					buf_addstr(o, " */");
				}
			}
		}
		buf_addc(o, ']');
	}
	sc_arg(c, o);
	sc_at_flags(o, c->args[3]);
}

/* clock ticks as strace comments them: "1 /+ 0.01 s +/" */
static void print_ticks(struct buf *o, const char *name, unsigned long long v, int first)
{
	static long hz;
	if (!hz)
		hz = 100; /* USER_HZ: what times(2) counts in */
	buf_addf(o, "%s%s=%llu", first ? "" : ", ", name, v);
	if (v)
		buf_addf(o, " /* %llu.%02llu s */", v / (unsigned long long)hz,
			 (v % (unsigned long long)hz) * 100 / (unsigned long long)hz);
}

static void dec_times(struct sc_call *c, struct buf *o, int exiting)
{
	unsigned long long t[4];
	if (!exiting)
		return;
	sc_arg(c, o);
	if ((c->ret < 0 && c->ret >= -4095) || !c->args[0] ||
	    sc_mem_read(c, c->args[0], t, sizeof(t))) {
		sc_ptr(o, c->args[0]);
		return;
	}
	buf_addc(o, '{');
	print_ticks(o, "tms_utime", t[0], 1);
	print_ticks(o, "tms_stime", t[1], 0);
	print_ticks(o, "tms_cutime", t[2], 0);
	print_ticks(o, "tms_cstime", t[3], 0);
	buf_addc(o, '}');
	c->rval = SC_RVAL_UDEC;
}

void sc_rusage(struct sc_call *c, struct buf *o, unsigned long long addr)
{
	struct rusage ru;
	if (!addr) {
		buf_addstr(o, "NULL");
		return;
	}
	if (c->ret < 0 || sc_mem_read(c, addr, &ru, sizeof(ru))) {
		sc_ptr(o, addr);
		return;
	}
	buf_addf(o, "{ru_utime={tv_sec=%lld, tv_usec=%lld}, ru_stime={tv_sec=%lld, tv_usec=%lld}",
		 (long long)ru.ru_utime.tv_sec, (long long)ru.ru_utime.tv_usec,
		 (long long)ru.ru_stime.tv_sec, (long long)ru.ru_stime.tv_usec);
	if (!c->opts || !c->opts->verbose) {
		buf_addstr(o, ", ...}");
		return;
	}
	buf_addf(o,
		 ", ru_maxrss=%ld, ru_ixrss=%ld, ru_idrss=%ld, ru_isrss=%ld, "
		 "ru_minflt=%ld, ru_majflt=%ld, ru_nswap=%ld, ru_inblock=%ld, "
		 "ru_oublock=%ld, ru_msgsnd=%ld, ru_msgrcv=%ld, ru_nsignals=%ld, "
		 "ru_nvcsw=%ld, ru_nivcsw=%ld}",
		 ru.ru_maxrss, ru.ru_ixrss, ru.ru_idrss, ru.ru_isrss, ru.ru_minflt, ru.ru_majflt,
		 ru.ru_nswap, ru.ru_inblock, ru.ru_oublock, ru.ru_msgsnd, ru.ru_msgrcv,
		 ru.ru_nsignals, ru.ru_nvcsw, ru.ru_nivcsw);
}

static void dec_getrusage(struct sc_call *c, struct buf *o, int exiting)
{
	static const struct sc_named who[] = {
		{ 0, "RUSAGE_SELF" },
		{ 0xffffffff, "RUSAGE_CHILDREN" },
		{ 1, "RUSAGE_THREAD" },
		{ 0, NULL },
	};
	if (!exiting) {
		const char *n = sc_xlat_name((unsigned)c->args[0], who);
		sc_arg(c, o);
		if (n)
			buf_addstr(o, n);
		else
			buf_addf(o, "%#x /* RUSAGE_??? */", (unsigned)c->args[0]);
		return;
	}
	sc_arg(c, o);
	sc_rusage(c, o, c->args[1]);
}

static void dec_sysinfo(struct sc_call *c, struct buf *o, int exiting)
{
	struct sysinfo si;
	if (!exiting)
		return;
	sc_arg(c, o);
	if (c->ret < 0 || !c->args[0] || sc_mem_read(c, c->args[0], &si, sizeof(si))) {
		sc_ptr(o, c->args[0]);
		return;
	}
	buf_addf(o,
		 "{uptime=%ld, loads=[%lu, %lu, %lu], totalram=%lu, freeram=%lu, "
		 "sharedram=%lu, bufferram=%lu, totalswap=%lu, freeswap=%lu, procs=%u, "
		 "totalhigh=%lu, freehigh=%lu, mem_unit=%u}",
		 si.uptime, si.loads[0], si.loads[1], si.loads[2], si.totalram, si.freeram,
		 si.sharedram, si.bufferram, si.totalswap, si.freeswap, (unsigned)si.procs,
		 si.totalhigh, si.freehigh, si.mem_unit);
}

const struct sc_decoder sc_time_decoders[] = {
	{ "time", dec_time },
	{ "gettimeofday", dec_gettimeofday },
	{ "settimeofday", dec_settimeofday },
	{ "clock_settime", dec_clock_settime },
	{ "utime", dec_utime },
	{ "utimes", dec_utimes },
	{ "futimesat", dec_utimes },
	{ "utimensat", dec_utimensat },
	{ "times", dec_times },
	{ "getrusage", dec_getrusage },
	{ "sysinfo", dec_sysinfo },
	{ NULL, NULL },
};
