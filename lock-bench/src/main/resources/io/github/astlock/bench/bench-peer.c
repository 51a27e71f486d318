/*
 * bench-peer.c - the C side of astlock's benchmark harness.
 *
 * It includes the compatibility kit's Asterisk reference (asterisk-lock-ref.c,
 * copied beside this file by the harness) unchanged and times its lock and
 * unlock functions, the plain system calls underneath them, and the hand-over
 * of a lock from one process to another.  All times are CLOCK_MONOTONIC in
 * nanoseconds, the clock System.nanoTime() reads on Linux, so a Java process
 * can compare its own readings with ours.
 *
 * Usage: bench-peer [-t SECONDS] COMMAND ARGS
 *   loop MODE DIR N           N x (lock + unlock) with the reference; prints "NS <total>"
 *   floor-link DIR N          N x (open O_EXCL temp, close, link to .lock, unlink temp,
 *                             unlink .lock); prints "NS <total>"
 *   floor-flock DIR N         N x (open kept 'lock', flock LOCK_EX, close); "NS <total>"
 *   floor-fd DIR N            N x (flock LOCK_EX, flock LOCK_UN) on one descriptor; "NS <total>"
 *   waitcpu MODE DIR          one lock with the reference (timeout -t), then unlock; prints
 *                             "WAITED <result> <wall ns> <cpu ns>" (getrusage, user + system)
 *   hold-handoff MODE DIR N MINMS MAXMS
 *                             N rounds: lock; print "HELD i"; wait for a stdin line; sleep a
 *                             random MINMS..MAXMS ms; print "REL <now>"; unlock; wait for a
 *                             stdin line.  Prints "DONE" at the end.
 *   wait-handoff MODE DIR     per stdin line: lock, read the clock, unlock, print "ENTRY <ns>".
 *                             MODE may also be "flockwait": a blocking flock(2) on 'lock'.
 *   ref ARGS                  the reference program itself (hold, try, count, ...)
 */
#define main astref_main
#include "asterisk-lock-ref.c"
#undef main

#include <sys/resource.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void set_mode(const char *mode)
{
	if (strcmp(mode, "lockfile") == 0)
		cur_mode = MODE_LOCKFILE;
	else if (strcmp(mode, "flock") == 0)
		cur_mode = MODE_FLOCK;
	else
		die_usage("unknown mode", mode);
}

static char *must_join(const char *dir, const char *suffix)
{
	char *s = join(dir, suffix);

	if (!s) {
		fprintf(stderr, "%s: out of memory\n", progname);
		exit(3);
	}
	return s;
}

static int bench_loop(const char *dir, long n)
{
	long long t0 = now_ns();
	long i;

	for (i = 0; i < n; i++) {
		int r = peer_lock_path(dir);

		if (r != LOCK_SUCCESS) {
			fprintf(stderr, "%s: loop: lock failed with %s\n", progname, result_name(r));
			return 3;
		}
		peer_unlock_path(dir);
	}
	printf("NS %lld\n", now_ns() - t0);
	return 0;
}

static int floor_link(const char *dir, long n)
{
	char *tmp = must_join(dir, "/.lock-floor"), *lck = must_join(dir, "/.lock");
	long long t0 = now_ns();
	long i;

	for (i = 0; i < n; i++) {
		int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0666);

		if (fd < 0 || close(fd) < 0 || link(tmp, lck) < 0 || unlink(tmp) < 0 || unlink(lck) < 0) {
			fprintf(stderr, "%s: floor-link: %s\n", progname, strerror(errno));
			return 3;
		}
	}
	printf("NS %lld\n", now_ns() - t0);
	return 0;
}

static int floor_flock(const char *dir, long n, int keep_fd)
{
	char *fs = must_join(dir, "/lock");
	int fd = keep_fd ? open(fs, O_WRONLY | O_CREAT, 0600) : -1;
	long long t0 = now_ns();
	long i;

	for (i = 0; i < n; i++) {
		if (!keep_fd)
			fd = open(fs, O_WRONLY | O_CREAT, 0600);
		if (fd < 0 || flock(fd, LOCK_EX) < 0) {
			fprintf(stderr, "%s: floor-flock: %s\n", progname, strerror(errno));
			return 3;
		}
		if (keep_fd ? flock(fd, LOCK_UN) : close(fd)) {
			fprintf(stderr, "%s: floor-flock: %s\n", progname, strerror(errno));
			return 3;
		}
	}
	printf("NS %lld\n", now_ns() - t0);
	return 0;
}

static int waitcpu(const char *dir)
{
	struct rusage ru;
	long long t0 = now_ns(), wall, cpu;
	int r = peer_lock_path(dir);

	wall = now_ns() - t0;
	getrusage(RUSAGE_SELF, &ru);
	cpu = ((long long)ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000LL
	      + ((long long)ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000LL;
	if (r == LOCK_SUCCESS)
		peer_unlock_path(dir);
	printf("WAITED %s %lld %lld\n", result_name(r), wall, cpu);
	return 0;
}

static int hold_handoff(const char *dir, long n, long min_ms, long max_ms)
{
	long i;

	srandom((unsigned)getpid());
	for (i = 0; i < n; i++) {
		int r = peer_lock_path(dir);

		if (r != LOCK_SUCCESS) {
			fprintf(stderr, "%s: hold-handoff: lock failed with %s\n", progname, result_name(r));
			return 3;
		}
		printf("HELD %ld\n", i);
		fflush(stdout);
		wait_stdin_line();
		sleep_micros(1000L * (min_ms + (max_ms > min_ms ? random() % (max_ms - min_ms + 1) : 0)));
		printf("REL %lld\n", now_ns());
		fflush(stdout);
		peer_unlock_path(dir);
		wait_stdin_line();
	}
	printf("DONE\n");
	fflush(stdout);
	return 0;
}

static int wait_handoff(const char *mode, const char *dir)
{
	char *fs = must_join(dir, "/lock");
	char c;

	for (;;) {
		long long t;

		if (read(STDIN_FILENO, &c, 1) <= 0)
			return 0;
		if (c != '\n')
			continue;
		if (strcmp(mode, "flockwait") == 0) {
			int fd = open(fs, O_WRONLY | O_CREAT, 0600);

			if (fd < 0 || flock(fd, LOCK_EX) < 0) {
				fprintf(stderr, "%s: wait-handoff: %s\n", progname, strerror(errno));
				return 3;
			}
			t = now_ns();
			close(fd);
		} else {
			int r = peer_lock_path(dir);

			t = now_ns();
			if (r != LOCK_SUCCESS) {
				fprintf(stderr, "%s: wait-handoff: lock failed with %s\n", progname, result_name(r));
				return 3;
			}
			peer_unlock_path(dir);
		}
		printf("ENTRY %lld\n", t);
		fflush(stdout);
	}
}

int main(int argc, char **argv)
{
	int a = 1;

	progname = "bench-peer";
	if (argc > 2 && strcmp(argv[1], "-t") == 0) {
		lock_timeout = parse_nonneg(argv[2], (long)INT_MAX);
		if (lock_timeout < 0)
			die_usage("bad -t", argv[2]);
		a = 3;
	}
	if (argc <= a)
		die_usage("missing command", NULL);
	if (strcmp(argv[a], "ref") == 0) {
		argv[a] = argv[0];
		return astref_main(argc - a, argv + a);
	}
	if (strcmp(argv[a], "loop") == 0 && argc == a + 4) {
		set_mode(argv[a + 1]);
		return bench_loop(argv[a + 2], parse_nonneg(argv[a + 3], LONG_MAX));
	}
	if (strcmp(argv[a], "floor-link") == 0 && argc == a + 3)
		return floor_link(argv[a + 1], parse_nonneg(argv[a + 2], LONG_MAX));
	if (strcmp(argv[a], "floor-flock") == 0 && argc == a + 3)
		return floor_flock(argv[a + 1], parse_nonneg(argv[a + 2], LONG_MAX), 0);
	if (strcmp(argv[a], "floor-fd") == 0 && argc == a + 3)
		return floor_flock(argv[a + 1], parse_nonneg(argv[a + 2], LONG_MAX), 1);
	if (strcmp(argv[a], "waitcpu") == 0 && argc == a + 3) {
		set_mode(argv[a + 1]);
		return waitcpu(argv[a + 2]);
	}
	if (strcmp(argv[a], "hold-handoff") == 0 && argc == a + 6) {
		set_mode(argv[a + 1]);
		return hold_handoff(argv[a + 2], parse_nonneg(argv[a + 3], LONG_MAX),
				    parse_nonneg(argv[a + 4], 100000), parse_nonneg(argv[a + 5], 100000));
	}
	if (strcmp(argv[a], "wait-handoff") == 0 && argc == a + 3) {
		if (strcmp(argv[a + 1], "flockwait") != 0)
			set_mode(argv[a + 1]);
		return wait_handoff(argv[a + 1], argv[a + 2]);
	}
	die_usage("unknown command or wrong arguments", argv[a]);
	return EXIT_USAGE;
}
