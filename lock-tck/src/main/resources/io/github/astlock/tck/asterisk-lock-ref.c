/*
 * asterisk-lock-ref.c - cross-process test peer for the lock TCK.
 *
 * This program reproduces the *observable* directory-locking behaviour of the
 * Asterisk PBX (ast_lock_path / ast_unlock_path) in both of its modes, so that
 * the Java library's test kit can run a faithful Asterisk-like party in a
 * separate process.  It was written independently from the behavioural
 * specification ASTERISK-LOCKING.md (rules API-*, LF-*, FL-*, GEN-*, KD-1,
 * KD-2); it contains no Asterisk code.
 *
 * The known defects are kept ON PURPOSE, because the tests must prove that the
 * library survives them:
 *   - lockfile mode busy-spins with sched_yield() on a whole-second wall clock
 *     (LF-6..LF-8), reports every link() failure as TIMEOUT (LF-10, KD-4), and
 *     unlocks by blindly unlinking <dir>/.lock (LF-12, KD-2);
 *   - flock mode does racy lstat pre-checks, then a plain
 *     open(O_WRONLY|O_CREAT, 0600) (FL-2, FL-3), has the dead "changed
 *     underneath us" check (FL-9, KD-1), and unlinks <dir>/lock before closing
 *     the fd at unlock (FL-12), looked up by exact path string (FL-11, FL-13).
 * Do NOT use this as an example of correct locking.
 *
 * Build:  cc -O2 -Wall -Wextra -o astref asterisk-lock-ref.c
 *
 * Usage:  astref [-t SECONDS] COMMAND MODE DIR [ARGS]
 *   MODE is "lockfile" (<DIR>/.lock, hard link) or "flock" (<DIR>/lock, flock(2)).
 *   -t N   lock timeout: retry while time(NULL)-start < N (default 5, N >= 0;
 *          0 means exactly one attempt).
 *
 *   hold MODE DIR [-H MILLIS]
 *          Lock and print "LOCK <RESULT> <code>".  On SUCCESS keep the lock
 *          until a line (or EOF) arrives on stdin, or for MILLIS ms if -H is
 *          given; then unlock, print "UNLOCK <rc>" and exit 0.  Otherwise exit
 *          1 (TIMEOUT), 2 (PATH_NOT_FOUND) or 3 (FAILURE).
 *   try MODE DIR
 *          Lock once (one full timeout window), print "LOCK <RESULT> <code>";
 *          on SUCCESS unlock at once and print "UNLOCK <rc>".  Exit 0/1/2/3.
 *   unlock MODE DIR
 *          Only call the unlock function (blind unlock, KD-2); print
 *          "UNLOCK <rc>"; exit 0.
 *   count MODE DIR COUNTERFILE ITERATIONS [-w MICROS]
 *          Lost-update stress worker.  ITERATIONS times: lock (TIMEOUT is
 *          counted and retried; any other failure exits 3), read the decimal
 *          number in COUNTERFILE (missing/empty = 0), optionally sleep MICROS
 *          us, write number+1 back as 12 zero-padded digits at offset 0
 *          (no truncation, no newline), unlock.  Prints
 *          "DONE iterations=<n> timeouts=<t>".  Overlapping holders (flock
 *          mode, KD-1) lose updates, one per overlap; the fixed width keeps
 *          the file a valid number that never exceeds the true count.
 *
 *   countlog MODE DIR COUNTERFILE ITERATIONS LOGFILE
 *          As count, and also appends "S <pid>" right after each lock and
 *          "E <pid>" right before each unlock to LOGFILE (O_APPEND, one
 *          write(2) per line), so the order of the lines is the order in
 *          which holders entered and left.
 *
 *   RESULT is one of SUCCESS(0) TIMEOUT(-1) PATH_NOT_FOUND(-2) FAILURE(-3).
 *   Options may appear anywhere; "--" ends option parsing.  Diagnostics go to
 *   stderr, protocol lines to stdout (flushed per line).  Usage errors exit 64.
 *   No signal handlers: a killed holder leaves its lock behind, as a crashed
 *   Asterisk would (LF-13: .lock stays; FL-15: lock stays, flock released).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

/* API-1 */
enum {
	LOCK_SUCCESS = 0,
	LOCK_TIMEOUT = -1,
	LOCK_PATH_NOT_FOUND = -2,
	LOCK_FAILURE = -3
};

/* API-2 */
enum lock_mode { MODE_LOCKFILE = 0, MODE_FLOCK = 1 };

#define EXIT_USAGE 64

static long lock_timeout = 5; /* seconds; Asterisk hard-codes 5 */
static enum lock_mode cur_mode = MODE_LOCKFILE; /* API-3 */
static const char *progname = "astref";

static const char *result_name(int r)
{
	switch (r) {
	case LOCK_SUCCESS: return "SUCCESS";
	case LOCK_TIMEOUT: return "TIMEOUT";
	case LOCK_PATH_NOT_FOUND: return "PATH_NOT_FOUND";
	case LOCK_FAILURE: return "FAILURE";
	default: return "UNKNOWN";
	}
}

/* "<dir><suffix>" in a fresh heap buffer; NULL on allocation failure. */
static char *join(const char *dir, const char *suffix)
{
	size_t a = strlen(dir), b = strlen(suffix);
	char *s = malloc(a + b + 1);

	if (s) {
		memcpy(s, dir, a);
		memcpy(s + a, suffix, b + 1);
	}
	return s;
}

/*
 * LF-1: a non-negative random long read from /dev/urandom, reduced modulo
 * RAND_MAX+1, falling back to random() when the device cannot be read.
 */
static long peer_random(void)
{
	static int dev_fd = -2;
	long v;

	if (dev_fd == -2) {
		dev_fd = open("/dev/urandom", O_RDONLY);
		if (dev_fd >= 0)
			(void)fcntl(dev_fd, F_SETFD, FD_CLOEXEC);
	}
	if (dev_fd >= 0 && read(dev_fd, &v, sizeof(v)) == (ssize_t)sizeof(v)) {
		unsigned long u = (unsigned long)v & (unsigned long)LONG_MAX;
		return (long)(u % ((unsigned long)RAND_MAX + 1UL));
	}
	return random();
}

/* ------------------------------------------------------------------ */
/* Lockfile mode (LF-*)                                                */
/* ------------------------------------------------------------------ */

static int lock_lockfile(const char *dir)
{
	char suffix[32];
	char *tmp, *lck;
	time_t start;
	int fd, res;

	snprintf(suffix, sizeof(suffix), "/.lock-%08lx", peer_random()); /* LF-1 */
	tmp = join(dir, suffix);
	lck = join(dir, "/.lock"); /* LF-4 */
	if (!tmp || !lck) {
		free(tmp);
		free(lck);
		return LOCK_FAILURE;
	}

	/* LF-2, LF-3: any failure (even EEXIST) is PATH_NOT_FOUND. */
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0666);
	if (fd < 0) {
		fprintf(stderr, "%s: ERROR: unable to create lock file in '%s': %s\n",
			progname, dir, strerror(errno));
		free(tmp);
		free(lck);
		return LOCK_PATH_NOT_FOUND;
	}
	close(fd); /* empty file, nothing written */

	/* LF-5, LF-6: busy retry on EEXIST within the whole-second window. */
	start = time(NULL);
	while ((res = link(tmp, lck)) < 0 && errno == EEXIST &&
	       time(NULL) - start < lock_timeout)
		sched_yield();

	/* LF-9: the temp name always goes, success or not. */
	unlink(tmp);

	free(tmp);
	free(lck);
	if (res < 0) {
		/* LF-10 / KD-4: every failure is reported as TIMEOUT. */
		fprintf(stderr, "%s: WARNING: failed to lock path '%s'\n", progname, dir);
		return LOCK_TIMEOUT;
	}
	return LOCK_SUCCESS;
}

static int unlock_lockfile(const char *dir)
{
	char *lck = join(dir, "/.lock");
	int res;

	if (!lck)
		return -1;
	/* LF-12 / KD-2: no ownership check at all. */
	res = unlink(lck);
	if (res < 0) {
		fprintf(stderr, "%s: ERROR: could not unlock path '%s': %s\n",
			progname, dir, strerror(errno));
		res = -1;
	}
	free(lck);
	return res;
}

/* ------------------------------------------------------------------ */
/* Flock mode (FL-*)                                                   */
/* ------------------------------------------------------------------ */

/*
 * FL-10: process-wide list of held locks (path string as given, fd), in
 * acquisition order.  This program is single-threaded, so the list needs no
 * mutex here.
 */
struct held_lock {
	struct held_lock *next;
	char *path;
	int fd;
};

static struct held_lock *held_head;

static void held_append(struct held_lock *e)
{
	struct held_lock **pp = &held_head;

	while (*pp)
		pp = &(*pp)->next;
	e->next = NULL;
	*pp = e;
}

static int lock_flock(const char *dir)
{
	char *fs = join(dir, "/lock"); /* FL-1: no leading dot */
	struct stat st, ost;
	struct held_lock *e;
	time_t start;
	int fd, res;

	if (!fs)
		return LOCK_FAILURE;

	/* FL-2: pre-checks; an lstat failure is silently ignored. */
	if (lstat(fs, &st) == 0) {
		if (S_ISLNK(st.st_mode)) {
			fprintf(stderr, "%s: WARNING: unable to lock '%s': it is already a symbolic link\n",
				progname, fs);
			free(fs);
			return LOCK_FAILURE;
		}
		if (st.st_nlink > 1) {
			fprintf(stderr, "%s: WARNING: unable to lock '%s': %lu hard links exist\n",
				progname, fs, (unsigned long)st.st_nlink);
			free(fs);
			return LOCK_FAILURE;
		}
	}

	/* FL-3, FL-4: plain open, follows symlinks, inheritable, reuses files. */
	fd = open(fs, O_WRONLY | O_CREAT, 0600);
	if (fd < 0) {
		fprintf(stderr, "%s: WARNING: unable to create lock file '%s': %s\n",
			progname, fs, strerror(errno));
		free(fs);
		return LOCK_PATH_NOT_FOUND;
	}

	/* FL-5: bookkeeping allocation; on failure close but do not unlink. */
	e = calloc(1, sizeof(*e));
	if (e)
		e->path = strdup(dir);
	if (!e || !e->path) {
		free(e);
		close(fd);
		free(fs);
		return LOCK_FAILURE;
	}
	e->fd = fd;

	/* FL-6: non-blocking attempts with ~1 ms sleeps, EWOULDBLOCK only. */
	start = time(NULL);
	while ((res = flock(fd, LOCK_EX | LOCK_NB)) < 0 && errno == EWOULDBLOCK &&
	       time(NULL) - start < lock_timeout)
		usleep(1000);

	if (res < 0) {
		/* FL-8: close, leave the file in place, report TIMEOUT. */
		fprintf(stderr, "%s: WARNING: failed to lock path '%s': %s\n",
			progname, dir, strerror(errno));
		close(fd);
		free(e->path);
		free(e);
		free(fs);
		return LOCK_TIMEOUT;
	}

	/*
	 * FL-9 / KD-1: the "changed underneath us" test as Asterisk has it -
	 * a conjunction of all four conditions, so with a valid fd it never
	 * fires (fstat is not even reached unless lstat failed).  Kept on
	 * purpose.  The buffers are zeroed so the dead branch has no UB.
	 */
	memset(&st, 0, sizeof(st));
	memset(&ost, 0, sizeof(ost));
	if (lstat(fs, &ost) < 0 && fstat(fd, &st) < 0 &&
	    st.st_dev != ost.st_dev && st.st_ino != ost.st_ino) {
		fprintf(stderr, "%s: WARNING: lock file '%s' changed underneath us\n",
			progname, fs);
		close(fd);
		free(e->path);
		free(e);
		free(fs);
		return LOCK_FAILURE;
	}

	/* FL-10 */
	held_append(e);
	free(fs);
	return LOCK_SUCCESS;
}

static int unlock_flock(const char *dir)
{
	struct held_lock **pp, *e = NULL;
	char *fs;

	/* FL-11: first entry whose path string is byte-for-byte equal. */
	for (pp = &held_head; *pp; pp = &(*pp)->next) {
		if (strcmp((*pp)->path, dir) == 0) {
			e = *pp;
			*pp = e->next;
			break;
		}
	}
	if (!e)
		return 0; /* FL-13: nothing unlinked, nothing closed */

	/* FL-12: unlink whatever is named "lock" now, then release. */
	fs = join(dir, "/lock");
	if (fs) {
		(void)unlink(fs);
		free(fs);
	}
	close(e->fd);
	free(e->path);
	free(e);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Dispatch (API-4, API-5, GEN-3)                                      */
/* ------------------------------------------------------------------ */

static int peer_lock_path(const char *dir)
{
	switch (cur_mode) {
	case MODE_LOCKFILE: return lock_lockfile(dir);
	case MODE_FLOCK: return lock_flock(dir);
	}
	return LOCK_FAILURE;
}

static int peer_unlock_path(const char *dir)
{
	switch (cur_mode) {
	case MODE_LOCKFILE: return unlock_lockfile(dir);
	case MODE_FLOCK: return unlock_flock(dir);
	}
	return -1;
}

/* ------------------------------------------------------------------ */
/* Command-line driver                                                 */
/* ------------------------------------------------------------------ */

static void usage(FILE *out)
{
	fprintf(out,
		"usage: %s [-t SECONDS] COMMAND MODE DIR [ARGS]\n"
		"  MODE: lockfile | flock\n"
		"  hold   MODE DIR [-H MILLIS]  lock; hold until a stdin line/EOF (or MILLIS ms); unlock\n"
		"  try    MODE DIR              lock once; unlock at once on success\n"
		"  unlock MODE DIR              blind unlock only\n"
		"  count  MODE DIR COUNTERFILE ITERATIONS [-w MICROS]  lost-update stress worker\n"
		"  -t N: lock timeout in whole seconds (default 5, 0 = single attempt)\n"
		"output: 'LOCK <SUCCESS|TIMEOUT|PATH_NOT_FOUND|FAILURE> <code>', 'UNLOCK <rc>',\n"
		"        'DONE iterations=<n> timeouts=<t>'; exit 0/1/2/3 by result, 64 on usage error\n",
		progname);
}

static void die_usage(const char *msg, const char *arg)
{
	if (msg)
		fprintf(stderr, "%s: %s%s%s\n", progname, msg, arg ? ": " : "", arg ? arg : "");
	usage(stderr);
	exit(EXIT_USAGE);
}

/* Non-negative decimal integer; -1 if malformed or out of range. */
static long parse_nonneg(const char *s, long max)
{
	char *end;
	long v;

	if (!s || !*s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < 0 || v > max)
		return -1;
	return v;
}

static void print_lock(int r)
{
	printf("LOCK %s %d\n", result_name(r), r);
	fflush(stdout);
}

static void print_unlock(int rc)
{
	printf("UNLOCK %d\n", rc);
	fflush(stdout);
}

static void sleep_millis(long ms)
{
	struct timespec ts, rem;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &rem) < 0 && errno == EINTR)
		ts = rem;
}

static void sleep_micros(long us)
{
	struct timespec ts, rem;

	ts.tv_sec = us / 1000000L;
	ts.tv_nsec = (us % 1000000L) * 1000L;
	while (nanosleep(&ts, &rem) < 0 && errno == EINTR)
		ts = rem;
}

/* Block until a newline or EOF (or a read error) on stdin. */
static void wait_stdin_line(void)
{
	char c;
	ssize_t n;

	for (;;) {
		n = read(STDIN_FILENO, &c, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || c == '\n')
			return;
	}
}

static int exit_status_for(int r)
{
	switch (r) {
	case LOCK_SUCCESS: return 0;
	case LOCK_TIMEOUT: return 1;
	case LOCK_PATH_NOT_FOUND: return 2;
	default: return 3;
	}
}

/* Read the counter; missing or empty file = 0.  -1 on error. */
static int read_counter(const char *file, long long *out)
{
	char buf[64];
	size_t len = 0;
	ssize_t n;
	char *end;
	int fd;

	*out = 0;
	fd = open(file, O_RDONLY);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		fprintf(stderr, "%s: cannot open counter '%s': %s\n", progname, file, strerror(errno));
		return -1;
	}
	while (len < sizeof(buf) - 1) {
		n = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "%s: cannot read counter '%s': %s\n", progname, file, strerror(errno));
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r' ||
			   buf[len - 1] == ' ' || buf[len - 1] == '\t'))
		buf[--len] = '\0';
	if (len == 0)
		return 0;
	errno = 0;
	*out = strtoll(buf, &end, 10);
	if (errno || *end || buf[0] < '0' || buf[0] > '9') {
		fprintf(stderr, "%s: counter '%s' holds garbage: '%s'\n", progname, file, buf);
		return -1;
	}
	return 0;
}

/* Read-then-write on purpose: overlapping writers lose updates.  Fixed width,
 * no truncation: a reader never sees an empty or mixed-length file. */
static int write_counter(const char *file, long long value)
{
	char buf[32];
	int fd, len;
	size_t off = 0;
	ssize_t n;

	len = snprintf(buf, sizeof(buf), "%012lld", value);
	fd = open(file, O_WRONLY | O_CREAT, 0666);
	if (fd < 0) {
		fprintf(stderr, "%s: cannot write counter '%s': %s\n", progname, file, strerror(errno));
		return -1;
	}
	while (off < (size_t)len) {
		n = write(fd, buf + off, (size_t)len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "%s: cannot write counter '%s': %s\n", progname, file, strerror(errno));
			close(fd);
			return -1;
		}
		off += (size_t)n;
	}
	close(fd);
	return 0;
}

static int cmd_count(const char *dir, const char *file, long iterations, long wait_us)
{
	long i, timeouts = 0;
	long long v;
	int r;

	for (i = 0; i < iterations; i++) {
		while ((r = peer_lock_path(dir)) == LOCK_TIMEOUT)
			timeouts++;
		if (r != LOCK_SUCCESS) {
			fprintf(stderr, "%s: count: lock failed with %s (%d) at iteration %ld\n",
				progname, result_name(r), r, i);
			return 3;
		}
		if (read_counter(file, &v) < 0) {
			peer_unlock_path(dir);
			return 3;
		}
		if (wait_us > 0)
			sleep_micros(wait_us);
		if (write_counter(file, v + 1) < 0) {
			peer_unlock_path(dir);
			return 3;
		}
		peer_unlock_path(dir);
	}
	printf("DONE iterations=%ld timeouts=%ld\n", iterations, timeouts);
	fflush(stdout);
	return 0;
}

/* One "S <pid>\n" or "E <pid>\n" line, appended with a single write(2). */
static int log_hold(int fd, char what)
{
	char line[48];
	int n = snprintf(line, sizeof(line), "%c %ld\n", what, (long)getpid());

	return write(fd, line, (size_t)n) == n ? 0 : -1;
}

static int cmd_countlog(const char *dir, const char *file, long iterations, const char *logfile)
{
	long i, timeouts = 0;
	long long v;
	int r, fd;

	fd = open(logfile, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf(stderr, "%s: countlog: cannot open %s: %s\n", progname, logfile, strerror(errno));
		return 3;
	}
	for (i = 0; i < iterations; i++) {
		while ((r = peer_lock_path(dir)) == LOCK_TIMEOUT)
			timeouts++;
		if (r != LOCK_SUCCESS) {
			fprintf(stderr, "%s: countlog: lock failed with %s (%d) at iteration %ld\n",
				progname, result_name(r), r, i);
			close(fd);
			return 3;
		}
		if (log_hold(fd, 'S') < 0 || read_counter(file, &v) < 0 || write_counter(file, v + 1) < 0
		    || log_hold(fd, 'E') < 0) {
			peer_unlock_path(dir);
			close(fd);
			return 3;
		}
		peer_unlock_path(dir);
	}
	close(fd);
	printf("DONE iterations=%ld timeouts=%ld\n", iterations, timeouts);
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	const char *pos[8];
	int npos = 0, i, only_pos = 0;
	long hold_ms = -1, wait_us = 0;
	int have_H = 0, have_w = 0;
	const char *cmd, *mode, *dir;
	int r;

	if (argc > 0 && argv[0] && *argv[0]) {
		const char *slash = strrchr(argv[0], '/');
		progname = slash ? slash + 1 : argv[0];
	}

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!only_pos && strcmp(a, "--") == 0) {
			only_pos = 1;
			continue;
		}
		if (!only_pos && (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)) {
			usage(stdout);
			return 0;
		}
		if (!only_pos && a[0] == '-' && a[1] != '\0') {
			char opt = a[1];
			const char *val;
			long v;

			if (opt != 't' && opt != 'H' && opt != 'w')
				die_usage("unknown option", a);
			if (a[2] != '\0') {
				val = a + 2;
			} else {
				if (i + 1 >= argc)
					die_usage("option needs a value", a);
				val = argv[++i];
			}
			v = parse_nonneg(val, opt == 't' ? (long)INT_MAX : LONG_MAX / 1000L);
			if (v < 0)
				die_usage("bad option value", val);
			if (opt == 't')
				lock_timeout = v;
			else if (opt == 'H') {
				hold_ms = v;
				have_H = 1;
			} else {
				wait_us = v;
				have_w = 1;
			}
			continue;
		}
		if (npos >= (int)(sizeof(pos) / sizeof(pos[0])))
			die_usage("too many arguments", NULL);
		pos[npos++] = a;
	}

	if (npos < 3)
		die_usage("missing arguments", NULL);
	cmd = pos[0];
	mode = pos[1];
	dir = pos[2];

	if (strcmp(mode, "lockfile") == 0)
		cur_mode = MODE_LOCKFILE;
	else if (strcmp(mode, "flock") == 0)
		cur_mode = MODE_FLOCK;
	else
		die_usage("unknown mode", mode);

	if (strcmp(cmd, "count") != 0 && have_w)
		die_usage("-w is only valid with count", NULL);
	if (strcmp(cmd, "hold") != 0 && have_H)
		die_usage("-H is only valid with hold", NULL);

	if (strcmp(cmd, "hold") == 0) {
		if (npos != 3)
			die_usage("hold takes MODE DIR", NULL);
		r = peer_lock_path(dir);
		print_lock(r);
		if (r != LOCK_SUCCESS)
			return exit_status_for(r);
		if (have_H)
			sleep_millis(hold_ms);
		else
			wait_stdin_line();
		print_unlock(peer_unlock_path(dir));
		return 0;
	}
	if (strcmp(cmd, "try") == 0) {
		if (npos != 3)
			die_usage("try takes MODE DIR", NULL);
		r = peer_lock_path(dir);
		print_lock(r);
		if (r == LOCK_SUCCESS)
			print_unlock(peer_unlock_path(dir));
		return exit_status_for(r);
	}
	if (strcmp(cmd, "unlock") == 0) {
		if (npos != 3)
			die_usage("unlock takes MODE DIR", NULL);
		print_unlock(peer_unlock_path(dir));
		return 0;
	}
	if (strcmp(cmd, "count") == 0) {
		long iters;

		if (npos != 5)
			die_usage("count takes MODE DIR COUNTERFILE ITERATIONS", NULL);
		iters = parse_nonneg(pos[4], LONG_MAX);
		if (iters < 0)
			die_usage("bad ITERATIONS", pos[4]);
		return cmd_count(dir, pos[3], iters, wait_us);
	}
	if (strcmp(cmd, "countlog") == 0) {
		long iters;

		if (npos != 6)
			die_usage("countlog takes MODE DIR COUNTERFILE ITERATIONS LOGFILE", NULL);
		iters = parse_nonneg(pos[4], LONG_MAX);
		if (iters < 0)
			die_usage("bad ITERATIONS", pos[4]);
		return cmd_countlog(dir, pos[3], iters, pos[5]);
	}
	die_usage("unknown command", cmd);
	return EXIT_USAGE;
}
