/*
 * voicemail-peer.c - a model of Asterisk app_voicemail's on-disk behaviour
 * (file storage), as a cross-process test peer for astlock's voicemail API.
 *
 * Written independently from the behavioural specification (VOICEMAIL.md,
 * rules VA-*, FMT-*; locking rules VM-*, KD-*).  It contains no Asterisk code.
 * The folder locks come from the kit's one C model of ast_lock_path,
 * asterisk-lock-ref.c, which is included below unchanged.
 *
 * What is modelled, defects included ON PURPOSE:
 *   - the lock wrapper fails only on TIMEOUT (the operation then gives up
 *     without unlocking); any other lock failure goes on unlocked and unlocks
 *     afterwards as if it had locked (in lockfile mode removing whatever
 *     .lock exists);
 *   - leave_voicemail: counts INBOX (a locked readdir counting any name with
 *     ".txt" at offset 7) against maxmsg, even for Urgent (which so has no
 *     limit); stages tmp/XXXXXX (.txt) and tmp/XXXXXX.<ext> (audio, one per
 *     format); under the destination lock takes the highest "msg%d.txt*"
 *     index + 1 (gaps never filled, no check for audio already at that
 *     number), renames the audio, then the .txt, chmods it 0666; on a lock
 *     TIMEOUT the message is lost and its staging files removed;
 *   - msg_create_from_file (MixMonitor m()): count check off by one (maxmsg+1
 *     accepted), number taken BEFORE locking, one format only;
 *   - copy_message (forward/copy): destination lock only, index (not count)
 *     limit, non-atomic copies (audio then .txt, final names, truncating),
 *     source read unlocked by number, Urgent-flagged messages go to Urgent;
 *   - save_to_folder: destination lock only, index limit, Deleted rotation;
 *   - open_mailbox: creates all folders, resequences (renames audio then .txt
 *     down over gaps, using "audio exists" as the test) when count-1 differs
 *     from the last index;
 *   - close_mailbox: compacts kept messages by renaming OVER removed ones
 *     (formats only the removed message had stay behind), stops at the first
 *     kept message whose audio is missing, deletes the rest above the top;
 *   - delete (vm_delete): .txt first, then every registered format;
 *   - the .txt reader parses like Asterisk's config engine (';' comments,
 *     '\;' escapes, ';--' ... '--;' block comments, key = value trimmed) and
 *     reports where VoiceMailMain would skip (no origtime) or CRASH (no
 *     callerid) when playing the message.
 *
 * Audio written by this peer holds "<msg_id> <ext>\n", so a reader can tell
 * which message's audio sits under which name.
 *
 * Build:  cc -O2 -Wall -o voicemail-peer voicemail-peer.c
 *         (asterisk-lock-ref.c must be in the same directory)
 *
 * Usage:  voicemail-peer [options] COMMAND MODE MAILBOXDIR [ARGS]
 *   MODE        lockfile | flock
 *   MAILBOXDIR  <spool>/voicemail/<context>/<mailbox>
 *   options:
 *     -t SECONDS   lock timeout (default 5, as Asterisk)
 *     -m MAXMSG    maxmsg of the mailbox (default 100)
 *     -x MAXDEL    maxdeletedmsg (backupdeleted); 0 = off (default)
 *     -f FORMATS   format= list, '|' separated (default wav); wav49 -> .WAV
 *     -c BASE      first value of the msg_id counter (default 0); give each
 *                  peer process its own range, as threads of one Asterisk
 *                  share one counter
 *     -C CALLERID  callerid written on delivery (default "VM Peer" <200>)
 *     -u           deliver as Urgent
 *     -O OPS       operations of the random workload, comma separated, from
 *                  deliver,urgent,mixmon,renumber,list,move,delete,copy
 *                  (default deliver,renumber)
 *   commands:
 *     deliver  MODE MB [COUNT]            leave_voicemail, COUNT times
 *     mixmon   MODE MB FOLDER [COUNT]     msg_create_from_file
 *     copy     MODE MB SRC DST MSG_ID     copy_message (forward)
 *     move     MODE MB SRC DST MSG_ID     API move: save_to_folder + close
 *     delete   MODE MB FOLDER MSG_ID      API remove: mark + close
 *     renumber MODE MB FOLDER             open_mailbox (what any listing does)
 *     list     MODE MB FOLDER             open_mailbox + snapshot + play check
 *     random   MODE MB SEED ITERATIONS    mixed workload of -O operations
 *
 * Output: one line per operation, space separated; values are percent-encoded
 * (space, '%', '=', control and non-ASCII bytes):
 *   DELIVER OK folder=F index=N msg_id=ID
 *   DELIVER FULL folder=F count=N             (caller hears "mailbox full")
 *   DELIVER LOST folder=F msg_id=ID reason=LOCKFAIL   (message lost)
 *   MIXMON OK|FULL|LOST ...
 *   COPY OK src=F from=N dst=G to=M msg_id=ID | COPY FULL ... | COPY LOCKFAIL ...
 *   MOVE OK src=F from=N dst=G to=M msg_id=ID | MOVE FULL ... | MOVE LOCKFAIL ...
 *   DELETE OK folder=F index=N msg_id=ID
 *   ... NOTFOUND msg_id=ID                    (no such message)
 *   RESEQ folder=F from=N to=M                (a renumbering rename)
 *   CLOSE GAP folder=F index=N                (compaction stopped at a gap)
 *   CLOSE LOCKFAIL folder=F                   (session changes not applied)
 *   OPEN LOCKFAIL folder=F
 *   ROTATE folder=Deleted from=N to=M
 *   MSG folder=F index=N play=OK|SKIP|CRASH msg_id=.. callerid=.. origtime=..
 *       duration=.. flag=.. category=.. audio.<ext>=<content> ...
 *   LIST OK folder=F count=N
 *   NOTE text                                 (lock failures Asterisk ignores)
 *   DONE ops=N
 * Exit 0, or 64 on usage errors, 3 on I/O errors of the peer itself.
 */
#define main astref_main
#include "asterisk-lock-ref.c"
#undef main

#include <ctype.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdint.h>

#define VM_MAXMSGLIMIT 9999
#define VM_BASE (PATH_MAX - 64) /* room for ".<ext>" after a message base name */
#define VM_MAX_FORMATS 10
#define VM_ERROR_LOCK_PATH (-100)
#define VM_ERROR_MAX_MSGS (-101)

static const char *const vm_folders[] = {
	"INBOX", "Old", "Work", "Family", "Friends", "Cust1", "Cust2", "Cust3",
	"Cust4", "Cust5", "Deleted", "Urgent"
};
#define VM_NFOLDERS ((int)(sizeof(vm_folders) / sizeof(vm_folders[0])))

/* Extensions of the "loaded format modules": file operations see only these. */
static const char *const vm_registered[] = {
	"WAV", "wav49", "gsm", "wav", "wav16", "ulaw", "alaw", "g722", "sln"
};
#define VM_NREGISTERED ((int)(sizeof(vm_registered) / sizeof(vm_registered[0])))

static int vm_maxmsg = 100;
static int vm_maxdeleted;
static char *vm_formats[VM_MAX_FORMATS]; /* on-disk extensions of format= */
static int vm_nformats;
static unsigned long vm_counter;
static const char *vm_callerid = "\"VM Peer\" <200>";
static int vm_urgent;
static const char *vm_mb;
static char vm_ops[256] = "deliver,renumber";

/* ---------------------------------------------------------------- output */

static void vm_put_value(const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c <= ' ' || c >= 0x7f || c == '%' || c == '=')
			printf("%%%02X", c);
		else
			putchar(c);
	}
}

/* printf-like; "%v" prints a string percent-encoded. Supports %s %d %ld %v. */
static void vm_out(const char *fmt, ...)
{
	va_list ap;
	const char *p;

	va_start(ap, fmt);
	for (p = fmt; *p; p++) {
		if (*p != '%') {
			putchar(*p);
			continue;
		}
		p++;
		if (*p == 's')
			fputs(va_arg(ap, const char *), stdout);
		else if (*p == 'v')
			vm_put_value(va_arg(ap, const char *));
		else if (*p == 'd')
			printf("%d", va_arg(ap, int));
		else if (*p == 'l' && p[1] == 'd') {
			printf("%ld", va_arg(ap, long));
			p++;
		} else
			putchar(*p);
	}
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static void vm_die_io(const char *what, const char *path)
{
	fprintf(stderr, "%s: %s '%s': %s\n", progname, what, path, strerror(errno));
	exit(3);
}

/* ---------------------------------------------------------- paths, files */

static void vm_dir(char *buf, size_t n, const char *folder)
{
	snprintf(buf, n, "%s/%s", vm_mb, folder);
}

static void vm_file(char *buf, size_t n, const char *dir, int msg)
{
	snprintf(buf, n, "%.*s/msg%04d", (int)(n - 16), dir, msg);
}

static int vm_exists_path(const char *p)
{
	struct stat st;

	return lstat(p, &st) == 0;
}

/* The lock wrapper: only TIMEOUT is a failure (VM-1, KD-3). */
static int vm_lock(const char *dir)
{
	int r = peer_lock_path(dir);

	if (r == LOCK_TIMEOUT)
		return -1;
	if (r != LOCK_SUCCESS)
		vm_out("NOTE lock=%s dir=%v proceeding unlocked", result_name(r), dir);
	return 0;
}

static void vm_unlock(const char *dir)
{
	(void)peer_unlock_path(dir);
}

/* COUNT: locked readdir; any name of length > 7 with ".txt" at offset 7. */
static int vm_count(const char *dir)
{
	DIR *d;
	struct dirent *e;
	int n = 0;

	if (vm_lock(dir))
		return VM_ERROR_LOCK_PATH;
	d = opendir(dir);
	if (d) {
		while ((e = readdir(d)) != NULL)
			if (strlen(e->d_name) > 7 && strncmp(e->d_name + 7, ".txt", 4) == 0)
				n++;
		closedir(d);
	}
	vm_unlock(dir);
	return n;
}

/* LAST_MSG_INDEX: highest N of "msg%d.%3s" with extension "txt", N < 9999. */
static int vm_last_index(const char *dir)
{
	DIR *d;
	struct dirent *e;
	int last = -1, num;
	char ext[4];

	d = opendir(dir);
	if (!d)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (sscanf(e->d_name, "msg%30d.%3s", &num, ext) == 2 && strcmp(ext, "txt") == 0 &&
		    num >= 0 && num < VM_MAXMSGLIMIT && num > last)
			last = num;
	}
	closedir(d);
	return last;
}

/* EXISTS: any registered format of the message is present (not the .txt). */
static int vm_audio_exists(const char *dir, int msg)
{
	char base[VM_BASE], p[PATH_MAX];
	int i;

	vm_file(base, sizeof(base), dir, msg);
	for (i = 0; i < VM_NREGISTERED; i++) {
		snprintf(p, sizeof(p), "%s.%s", base, vm_registered[i]);
		if (vm_exists_path(p))
			return 1;
	}
	return 0;
}

/* rename_file: every registered format, then the .txt. */
static void vm_rename_msg(const char *sdir, int s, const char *ddir, int d)
{
	char sb[VM_BASE], db[VM_BASE], sp[PATH_MAX], dp[PATH_MAX];
	int i;

	vm_file(sb, sizeof(sb), sdir, s);
	vm_file(db, sizeof(db), ddir, d);
	for (i = 0; i < VM_NREGISTERED; i++) {
		snprintf(sp, sizeof(sp), "%s.%s", sb, vm_registered[i]);
		snprintf(dp, sizeof(dp), "%s.%s", db, vm_registered[i]);
		(void)rename(sp, dp);
	}
	snprintf(sp, sizeof(sp), "%s.txt", sb);
	snprintf(dp, sizeof(dp), "%s.txt", db);
	(void)rename(sp, dp);
}

/* vm_delete: the .txt first, then every registered format. */
static void vm_delete_msg(const char *dir, int msg)
{
	char b[VM_BASE], p[PATH_MAX];
	int i;

	vm_file(b, sizeof(b), dir, msg);
	snprintf(p, sizeof(p), "%s.txt", b);
	(void)unlink(p);
	for (i = 0; i < VM_NREGISTERED; i++) {
		snprintf(p, sizeof(p), "%s.%s", b, vm_registered[i]);
		(void)unlink(p);
	}
}

/* copy(): open the FINAL name truncating, write in 4 KB chunks; not atomic. */
static int vm_copy_file(const char *from, const char *to)
{
	char buf[4096];
	int in, out;
	ssize_t n;

	in = open(from, O_RDONLY);
	if (in < 0)
		return -1;
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	if (out < 0) {
		close(in);
		return -1;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		if (write(out, buf, (size_t)n) != n)
			break;
	}
	close(in);
	close(out);
	return 0;
}

/* copy_plain_file: every registered format present, then the .txt. */
static void vm_copy_msg(const char *sdir, int s, const char *ddir, int d)
{
	char sb[VM_BASE], db[VM_BASE], sp[PATH_MAX], dp[PATH_MAX];
	int i;

	vm_file(sb, sizeof(sb), sdir, s);
	vm_file(db, sizeof(db), ddir, d);
	for (i = 0; i < VM_NREGISTERED; i++) {
		snprintf(sp, sizeof(sp), "%s.%s", sb, vm_registered[i]);
		snprintf(dp, sizeof(dp), "%s.%s", db, vm_registered[i]);
		(void)vm_copy_file(sp, dp);
	}
	snprintf(sp, sizeof(sp), "%s.txt", sb);
	snprintf(dp, sizeof(dp), "%s.txt", db);
	(void)vm_copy_file(sp, dp);
}

static void vm_write_all(int fd, const char *s, const char *path)
{
	size_t len = strlen(s), off = 0;
	ssize_t n;

	while (off < len) {
		n = write(fd, s + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			vm_die_io("cannot write", path);
		off += (size_t)n;
	}
}

static void vm_write_file(const char *path, const char *content, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	if (fd < 0)
		vm_die_io("cannot create", path);
	vm_write_all(fd, content, path);
	close(fd);
}

static void vm_mkdirs(void)
{
	char d[PATH_MAX];
	int i;

	for (i = 0; i < VM_NFOLDERS; i++) {
		vm_dir(d, sizeof(d), vm_folders[i]);
		(void)mkdir(d, 0777);
	}
	snprintf(d, sizeof(d), "%s/tmp", vm_mb);
	(void)mkdir(d, 0777);
}

/* ------------------------------------------------------ the .txt reader */

#define VM_NKEYS 32
struct vm_txt {
	int nkeys;
	char key[VM_NKEYS][64];
	char val[VM_NKEYS][1024];
};

static const char *vm_get(const struct vm_txt *t, const char *k)
{
	int i;

	for (i = 0; i < t->nkeys; i++)
		if (strcmp(t->key[i], k) == 0)
			return t->val[i];
	return NULL;
}

static char *vm_trim(char *s)
{
	char *e;

	while (*s && isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/*
 * Asterisk's config rules for one file: ';' comment unless escaped as '\;'
 * (the backslash is dropped), ';--' opens and '--;' closes a (nesting) block
 * comment, '[cat]' lines, 'key = value' or 'key => value' trimmed, lines
 * longer than the buffer skipped.  Returns -1 if the file cannot be read.
 */
static int vm_read_txt(const char *path, struct vm_txt *t)
{
	char buf[8192], out[8192];
	FILE *f;
	int comment = 0, incat = 0;

	memset(t, 0, sizeof(*t));
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(buf, sizeof(buf), f)) {
		size_t len = strlen(buf), o = 0;
		char *p, *line, *eq;

		if (len == sizeof(buf) - 1 && buf[len - 1] != '\n') {
			int c;

			while ((c = fgetc(f)) != EOF && c != '\n')
				;
			continue;
		}
		for (p = buf; *p; p++) {
			if (comment) {
				if (p[0] == '-' && p[1] == '-' && p[2] == ';') {
					comment--;
					p += 2;
				} else if (p[0] == ';' && p[1] == '-' && p[2] == '-') {
					comment++;
					p += 2;
				}
				continue;
			}
			if (*p == ';') {
				if (o > 0 && out[o - 1] == '\\') {
					out[o - 1] = ';';
					continue;
				}
				if (p[1] == '-' && p[2] == '-') {
					comment++;
					p += 2;
					continue;
				}
				break; /* line comment */
			}
			out[o++] = *p;
		}
		out[o] = '\0';
		line = vm_trim(out);
		if (!*line || *line == '#')
			continue;
		if (*line == '[') {
			incat = 1;
			continue;
		}
		eq = strchr(line, '=');
		if (!eq || !incat || t->nkeys >= VM_NKEYS)
			continue;
		*eq = '\0';
		if (eq[1] == '>')
			eq++;
		snprintf(t->key[t->nkeys], sizeof(t->key[0]), "%s", vm_trim(line));
		snprintf(t->val[t->nkeys], sizeof(t->val[0]), "%s", vm_trim(eq + 1));
		t->nkeys++;
	}
	fclose(f);
	return 0;
}

/* The msg_id at an index, read unlocked (as Asterisk resolves IDs). */
static int vm_msg_id_at(const char *dir, int msg, char *id, size_t n)
{
	char b[PATH_MAX];
	struct vm_txt t;
	const char *v;

	vm_file(b, sizeof(b), dir, msg);
	strncat(b, ".txt", sizeof(b) - strlen(b) - 1);
	if (vm_read_txt(b, &t) < 0 || !(v = vm_get(&t, "msg_id")))
		return -1;
	snprintf(id, n, "%s", v);
	return 0;
}

/* ------------------------------------------------------ mailbox session */

struct vm_session {
	char folder[32];
	char dir[PATH_MAX];
	int lastmsg;
	unsigned char deleted[VM_MAXMSGLIMIT + 1];
};

/* resequence_mailbox: close gaps by renaming down, "audio exists" decides. */
static void vm_resequence(const char *folder, const char *dir, int count)
{
	int x, dest;

	if (vm_lock(dir)) {
		vm_out("RESEQ LOCKFAIL folder=%v", folder);
		return;
	}
	for (x = 0, dest = 0; dest != count && x < VM_MAXMSGLIMIT; x++) {
		if (vm_audio_exists(dir, x)) {
			if (x != dest) {
				vm_rename_msg(dir, x, dir, dest);
				vm_out("RESEQ folder=%v from=%d to=%d", folder, x, dest);
			}
			dest++;
		}
	}
	vm_unlock(dir);
}

/* open_mailbox: 0, or -1 when the folder is locked. */
static int vm_open(struct vm_session *s, const char *folder)
{
	int count, last;

	memset(s, 0, sizeof(*s));
	snprintf(s->folder, sizeof(s->folder), "%s", folder);
	vm_dir(s->dir, sizeof(s->dir), folder);
	vm_mkdirs();
	count = vm_count(s->dir);
	if (count < 0) {
		vm_out("OPEN LOCKFAIL folder=%v", folder);
		return -1;
	}
	s->lastmsg = count - 1;
	if (vm_lock(s->dir)) {
		vm_out("OPEN LOCKFAIL folder=%v", folder);
		return -1;
	}
	last = vm_last_index(s->dir);
	vm_unlock(s->dir);
	if (s->lastmsg != last)
		vm_resequence(folder, s->dir, count);
	return 0;
}

static int vm_save_to_folder(struct vm_session *s, int msg, const char *dbox, int *to);

/* close_mailbox with the session's deleted[] marks (moveheard not used). */
static void vm_close(struct vm_session *s)
{
	int x, cur = -1, last, nummsg, res;

	if (s->lastmsg <= -1)
		return;
	if (vm_lock(s->dir)) {
		vm_out("CLOSE LOCKFAIL folder=%v", s->folder);
		return;
	}
	last = vm_last_index(s->dir);
	for (x = 0; x < last + 1; x++) {
		if (!s->deleted[x]) {
			if (!vm_audio_exists(s->dir, x)) {
				vm_out("CLOSE GAP folder=%v index=%d", s->folder, x);
				break;
			}
			cur++;
			if (cur != x)
				vm_rename_msg(s->dir, x, s->dir, cur);
		} else if (vm_maxdeleted) {
			int to;

			res = vm_save_to_folder(s, x, "Deleted", &to);
			if (res == VM_ERROR_LOCK_PATH) {
				s->deleted[x] = 0;
				x--;
			}
		}
	}
	nummsg = x - 1;
	for (x = cur + 1; x <= nummsg; x++)
		if (vm_audio_exists(s->dir, x))
			vm_delete_msg(s->dir, x);
	vm_unlock(s->dir);
}

/* save_to_folder: destination lock, index limit, Deleted rotation, COPY. */
static int vm_save_to_folder(struct vm_session *s, int msg, const char *dbox, int *to)
{
	char ddir[PATH_MAX];
	int x, i;

	vm_dir(ddir, sizeof(ddir), dbox);
	if (vm_lock(ddir)) {
		return VM_ERROR_LOCK_PATH;
	}
	x = vm_last_index(ddir) + 1;
	if (strcmp(dbox, "Deleted") == 0 && x >= vm_maxdeleted) {
		x--;
		for (i = 1; i <= x; i++) {
			if (!vm_audio_exists(ddir, i))
				break;
			vm_rename_msg(ddir, i, ddir, i - 1);
			vm_out("ROTATE folder=Deleted from=%d to=%d", i, i - 1);
		}
	} else if (x >= vm_maxmsg) {
		vm_unlock(ddir);
		return VM_ERROR_MAX_MSGS;
	}
	if (strcmp(s->dir, ddir) != 0 || msg != x)
		vm_copy_msg(s->dir, msg, ddir, x);
	vm_unlock(ddir);
	*to = x;
	return 0;
}

/* First index 0..lastmsg whose .txt carries the id, or -1. */
static int vm_find(struct vm_session *s, const char *id)
{
	char got[256];
	int i;

	for (i = 0; i <= s->lastmsg; i++)
		if (vm_msg_id_at(s->dir, i, got, sizeof(got)) == 0 && strcmp(got, id) == 0)
			return i;
	return -1;
}

/* ------------------------------------------------------------- writers */

static void vm_new_id(char *id, size_t n)
{
	snprintf(id, n, "%ld-%08lx", (long)time(NULL), vm_counter++ & 0xffffffffUL);
}

static void vm_txt_content(char *buf, size_t n, const char *id, const char *flag, int mixmon)
{
	char date[64];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a %b %e %r UTC %Y", &tm);
	snprintf(buf, n,
		";\n; Message Information file\n;\n[message]\n"
		"origmailbox=%s\ncontext=%s\nexten=%s\nrdnis=%s\npriority=%d\n"
		"callerchan=%s\ncallerid=%s\norigdate=%s\norigtime=%ld\ncategory=\n"
		"msg_id=%s\nflag=%s\nduration=%d\n",
		"peer", mixmon ? "" : "default", mixmon ? "" : "s", mixmon ? "Unknown" : "unknown",
		mixmon ? 2 : 1, mixmon ? "Unknown" : "Local/peer-00000001;2",
		mixmon ? "Unknown" : vm_callerid, date, (long)now, id, flag, 2);
}

static void vm_audio_content(char *buf, size_t n, const char *id, const char *ext)
{
	snprintf(buf, n, "%s %s\n", id, ext);
}

/* leave_voicemail. */
static void vm_deliver(void)
{
	char inbox[PATH_MAX], dir[PATH_MAX], tmpl[VM_BASE], p[PATH_MAX], fn[VM_BASE];
	char txt[4096], content[512], id[64];
	const char *folder = vm_urgent ? "Urgent" : "INBOX";
	int fd, i, count, msgnum;

	vm_mkdirs();
	vm_dir(inbox, sizeof(inbox), "INBOX");
	count = vm_count(inbox); /* a TIMEOUT gives -100: "not full", go on */
	if (count >= vm_maxmsg) {
		vm_out("DELIVER FULL folder=%v count=%d", folder, count);
		return;
	}
	vm_new_id(id, sizeof(id));
	snprintf(tmpl, sizeof(tmpl), "%s/tmp/XXXXXX", vm_mb);
	fd = mkstemp(tmpl);
	if (fd < 0)
		vm_die_io("mkstemp", tmpl);
	vm_txt_content(txt, sizeof(txt), id, vm_urgent ? "Urgent" : "", 0);
	/* the header first, flag and duration after "recording" */
	{
		char *cut = strstr(txt, "flag=");
		char tail[128];

		snprintf(tail, sizeof(tail), "%s", cut);
		*cut = '\0';
		vm_write_all(fd, txt, tmpl);
		for (i = 0; i < vm_nformats; i++) {
			snprintf(p, sizeof(p), "%s.%s", tmpl, vm_formats[i]);
			vm_audio_content(content, sizeof(content), id, vm_formats[i]);
			vm_write_file(p, content, 0666);
		}
		vm_write_all(fd, tail, tmpl);
	}
	close(fd);
	{
		mode_t um = umask(0);

		umask(um);
		(void)chmod(tmpl, 0666 & ~um);
	}

	vm_dir(dir, sizeof(dir), folder);
	if (vm_lock(dir)) {
		for (i = 0; i < vm_nformats; i++) {
			snprintf(p, sizeof(p), "%s.%s", tmpl, vm_formats[i]);
			unlink(p);
		}
		unlink(tmpl);
		vm_out("DELIVER LOST folder=%v msg_id=%v reason=LOCKFAIL", folder, id);
		return;
	}
	msgnum = vm_last_index(dir) + 1;
	vm_file(fn, sizeof(fn), dir, msgnum);
	for (i = 0; i < VM_NREGISTERED; i++) { /* ast_filerename over loaded formats */
		char from[PATH_MAX], to[PATH_MAX];

		snprintf(from, sizeof(from), "%s.%s", tmpl, vm_registered[i]);
		snprintf(to, sizeof(to), "%s.%s", fn, vm_registered[i]);
		(void)rename(from, to);
	}
	snprintf(p, sizeof(p), "%s.txt", fn);
	if (rename(tmpl, p) < 0)
		vm_die_io("cannot rename", tmpl);
	(void)chmod(p, 0666);
	vm_unlock(dir);
	vm_out("DELIVER OK folder=%v index=%d msg_id=%v", folder, msgnum, id);
}

/* msg_create_from_file (MixMonitor m()): one format, off-by-one limit,
 * number chosen before the lock. */
static void vm_mixmon(const char *folder)
{
	char dir[PATH_MAX], tmpl[VM_BASE], p[PATH_MAX], staged[PATH_MAX], fn[VM_BASE];
	char txt[4096], content[512], id[64];
	const char *ext = vm_formats[vm_nformats - 1];
	int fd, count, msgnum;

	vm_mkdirs();
	vm_dir(dir, sizeof(dir), folder);
	count = vm_count(dir);
	if (count > vm_maxmsg) {
		vm_out("MIXMON FULL folder=%v count=%d", folder, count);
		return;
	}
	vm_new_id(id, sizeof(id));
	snprintf(tmpl, sizeof(tmpl), "%s/tmp/XXXXXX", vm_mb);
	fd = mkstemp(tmpl);
	if (fd < 0)
		vm_die_io("mkstemp", tmpl);
	vm_txt_content(txt, sizeof(txt), id, "", 1);
	vm_write_all(fd, txt, tmpl);
	close(fd);
	msgnum = vm_last_index(dir) + 1; /* before locking */
	if (vm_lock(dir)) {
		unlink(tmpl);
		vm_out("MIXMON LOST folder=%v msg_id=%v reason=LOCKFAIL", folder, id);
		return;
	}
	snprintf(staged, sizeof(staged), "%s/tmp/msg%04d.%s", vm_mb, msgnum, ext);
	vm_audio_content(content, sizeof(content), id, ext);
	vm_write_file(staged, content, 0666);
	vm_file(fn, sizeof(fn), dir, msgnum);
	snprintf(p, sizeof(p), "%s.%s", fn, ext);
	(void)rename(staged, p);
	snprintf(p, sizeof(p), "%s.txt", fn);
	(void)rename(tmpl, p);
	(void)chmod(p, 0666);
	vm_unlock(dir);
	vm_out("MIXMON OK folder=%v index=%d msg_id=%v", folder, msgnum, id);
}

/* copy_message at a known source index (the session has the folder open). */
static void vm_copy_at(struct vm_session *s, int msg, const char *dst, const char *id)
{
	char ddir[PATH_MAX], b[PATH_MAX];
	const char *folder = dst, *flag;
	struct vm_txt t;
	int to;

	vm_file(b, sizeof(b), s->dir, msg);
	strncat(b, ".txt", sizeof(b) - strlen(b) - 1);
	if (vm_read_txt(b, &t) == 0 && (flag = vm_get(&t, "flag")) && strcmp(flag, "Urgent") == 0)
		folder = "Urgent";
	vm_dir(ddir, sizeof(ddir), folder);
	if (vm_lock(ddir)) {
		vm_out("COPY LOCKFAIL src=%v from=%d dst=%v msg_id=%v", s->folder, msg, folder, id);
		return;
	}
	to = vm_last_index(ddir) + 1;
	if (to < vm_maxmsg) {
		vm_copy_msg(s->dir, msg, ddir, to);
		vm_unlock(ddir);
		vm_out("COPY OK src=%v from=%d dst=%v to=%d msg_id=%v", s->folder, msg, folder, to, id);
	} else {
		vm_unlock(ddir);
		vm_out("COPY FULL src=%v from=%d dst=%v msg_id=%v", s->folder, msg, folder, id);
	}
}

static void vm_move_at(struct vm_session *s, int msg, const char *dst, const char *id)
{
	int to, res = vm_save_to_folder(s, msg, dst, &to);

	if (res == 0) {
		s->deleted[msg] = 1;
		vm_close(s);
		vm_out("MOVE OK src=%v from=%d dst=%v to=%d msg_id=%v", s->folder, msg, dst, to, id);
	} else {
		vm_close(s);
		vm_out("MOVE %s src=%v from=%d dst=%v msg_id=%v",
		       res == VM_ERROR_MAX_MSGS ? "FULL" : "LOCKFAIL", s->folder, msg, dst, id);
	}
}

static void vm_delete_at(struct vm_session *s, int msg, const char *id)
{
	s->deleted[msg] = 1;
	vm_close(s);
	vm_out("DELETE OK folder=%v index=%d msg_id=%v", s->folder, msg, id);
}

/* snapshot + playback check of one folder. */
static void vm_list(const char *folder)
{
	struct vm_session s;
	char b[VM_BASE], p[PATH_MAX], content[256];
	struct vm_txt t;
	int i, j, n = 0;

	if (vm_open(&s, folder) < 0)
		return;
	s.lastmsg = vm_last_index(s.dir);
	for (i = 0; i <= s.lastmsg; i++) {
		const char *origtime, *callerid;
		const char *keys[] = { "msg_id", "callerid", "origtime", "duration", "flag", "category", "context" };
		const char *play;

		vm_file(b, sizeof(b), s.dir, i);
		snprintf(p, sizeof(p), "%s.txt", b);
		if (vm_read_txt(p, &t) < 0)
			continue; /* unreadable .txt: skipped by a snapshot */
		origtime = vm_get(&t, "origtime");
		callerid = vm_get(&t, "callerid");
		play = !origtime ? "SKIP" : !callerid ? "CRASH" : "OK";
		printf("MSG folder=");
		vm_put_value(folder);
		printf(" index=%d play=%s", i, play);
		for (j = 0; j < (int)(sizeof(keys) / sizeof(keys[0])); j++) {
			const char *v = vm_get(&t, keys[j]);

			if (v) {
				printf(" %s=", keys[j]);
				vm_put_value(v);
			}
		}
		for (j = 0; j < VM_NREGISTERED; j++) {
			FILE *f;

			snprintf(p, sizeof(p), "%s.%s", b, vm_registered[j]);
			f = fopen(p, "r");
			if (!f)
				continue;
			if (!fgets(content, sizeof(content), f))
				content[0] = '\0';
			fclose(f);
			content[strcspn(content, "\n")] = '\0';
			printf(" audio.%s=", vm_registered[j]);
			vm_put_value(content);
		}
		putchar('\n');
		n++;
	}
	fflush(stdout);
	vm_out("LIST OK folder=%v count=%d", folder, n);
}

/* ---------------------------------------------------------- by msg_id */

static void vm_by_id(const char *op, const char *src, const char *dst, const char *id)
{
	struct vm_session s;
	int msg;

	if (vm_open(&s, src) < 0)
		return;
	msg = vm_find(&s, id);
	if (msg < 0) {
		vm_out("%s NOTFOUND folder=%v msg_id=%v", op, src, id);
		vm_close(&s);
		return;
	}
	if (strcmp(op, "COPY") == 0)
		vm_copy_at(&s, msg, dst, id);
	else if (strcmp(op, "MOVE") == 0)
		vm_move_at(&s, msg, dst, id);
	else
		vm_delete_at(&s, msg, id);
}

/* ------------------------------------------------------------- random */

static uint64_t vm_rng;

static uint64_t vm_next(void)
{
	vm_rng ^= vm_rng << 13;
	vm_rng ^= vm_rng >> 7;
	vm_rng ^= vm_rng << 17;
	return vm_rng;
}

/* A session op on a random message of a folder. */
static void vm_random_session(const char *op, const char *src, const char *dst)
{
	struct vm_session s;
	char id[256];
	int msg;

	if (vm_open(&s, src) < 0)
		return;
	if (s.lastmsg < 0) {
		vm_out("%s EMPTY folder=%v", op, src);
		return;
	}
	msg = (int)(vm_next() % (uint64_t)(s.lastmsg + 1));
	if (vm_msg_id_at(s.dir, msg, id, sizeof(id)) < 0) {
		vm_out("%s NOTFOUND folder=%v index=%d", op, src, msg);
		vm_close(&s);
		return;
	}
	if (strcmp(op, "COPY") == 0)
		vm_copy_at(&s, msg, dst, id);
	else if (strcmp(op, "MOVE") == 0)
		vm_move_at(&s, msg, dst, id);
	else
		vm_delete_at(&s, msg, id);
}

static void vm_random(unsigned long seed, long iterations)
{
	char *names[16], buf[256], *tok, *save = NULL;
	static const char *const rfolders[] = { "INBOX", "Old", "Work", "Urgent" };
	int nnames = 0;
	long i;

	snprintf(buf, sizeof(buf), "%s", vm_ops);
	for (tok = strtok_r(buf, ",", &save); tok && nnames < 16; tok = strtok_r(NULL, ",", &save))
		names[nnames++] = tok;
	if (nnames == 0) {
		fprintf(stderr, "%s: -O lists no operation\n", progname);
		exit(EXIT_USAGE);
	}
	vm_rng = seed * 0x9E3779B97F4A7C15ULL + 1;
	for (i = 0; i < iterations; i++) {
		const char *op = names[vm_next() % (uint64_t)nnames];
		const char *f = rfolders[vm_next() % 4];

		if (strcmp(op, "deliver") == 0) {
			vm_urgent = 0;
			vm_deliver();
		} else if (strcmp(op, "urgent") == 0) {
			vm_urgent = 1;
			vm_deliver();
			vm_urgent = 0;
		} else if (strcmp(op, "mixmon") == 0) {
			vm_mixmon("INBOX");
		} else if (strcmp(op, "renumber") == 0) {
			struct vm_session s;

			if (vm_open(&s, f) == 0)
				vm_out("RENUMBER OK folder=%v", f);
		} else if (strcmp(op, "list") == 0) {
			vm_list(f);
		} else if (strcmp(op, "move") == 0) {
			vm_random_session("MOVE", "INBOX", "Old");
		} else if (strcmp(op, "delete") == 0) {
			vm_random_session("DELETE", (vm_next() & 1) ? "Old" : "Work", NULL);
		} else if (strcmp(op, "copy") == 0) {
			vm_random_session("COPY", "Old", "Work");
		} else {
			fprintf(stderr, "%s: unknown operation in -O: %s\n", progname, op);
			exit(EXIT_USAGE);
		}
	}
}

/* -------------------------------------------------------------- main */

static void vm_usage(void)
{
	fprintf(stderr,
		"usage: %s [-t S] [-m MAXMSG] [-x MAXDEL] [-f FORMATS] [-c BASE] [-C CALLERID] [-u] [-O OPS]\n"
		"          COMMAND lockfile|flock MAILBOXDIR [ARGS]\n"
		"  deliver MODE MB [COUNT] | mixmon MODE MB FOLDER [COUNT]\n"
		"  copy|move MODE MB SRC DST MSG_ID | delete MODE MB FOLDER MSG_ID\n"
		"  renumber|list MODE MB FOLDER | random MODE MB SEED ITERATIONS\n", progname);
	exit(EXIT_USAGE);
}

static long vm_number(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 0);
	if (errno || !*s || *end || v < 0)
		vm_usage();
	return v;
}

static int vm_is_folder(const char *f)
{
	int i;

	for (i = 0; i < VM_NFOLDERS; i++)
		if (strcmp(vm_folders[i], f) == 0)
			return 1;
	return 0;
}

static void vm_set_formats(const char *list)
{
	char *copy = strdup(list), *tok, *save = NULL;

	vm_nformats = 0;
	for (tok = strtok_r(copy, "|", &save); tok; tok = strtok_r(NULL, "|", &save)) {
		if (vm_nformats >= VM_MAX_FORMATS)
			break;
		vm_formats[vm_nformats++] = strcmp(tok, "wav49") == 0 ? "WAV" : tok;
	}
	if (vm_nformats == 0)
		vm_formats[vm_nformats++] = "wav";
}

int main(int argc, char **argv)
{
	const char *pos[8];
	int npos = 0, i;
	const char *cmd;

	progname = "voicemail-peer";
	vm_set_formats("wav");
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (a[0] == '-' && a[1] && !a[2] && strchr("tmxfcCO", a[1])) {
			if (i + 1 >= argc)
				vm_usage();
			switch (a[1]) {
			case 't': lock_timeout = vm_number(argv[++i]); break;
			case 'm': vm_maxmsg = (int)vm_number(argv[++i]); break;
			case 'x': vm_maxdeleted = (int)vm_number(argv[++i]); break;
			case 'f': vm_set_formats(argv[++i]); break;
			case 'c': vm_counter = (unsigned long)vm_number(argv[++i]); break;
			case 'C': vm_callerid = argv[++i]; break;
			case 'O': snprintf(vm_ops, sizeof(vm_ops), "%s", argv[++i]); break;
			}
			continue;
		}
		if (strcmp(a, "-u") == 0) {
			vm_urgent = 1;
			continue;
		}
		if (npos >= 8)
			vm_usage();
		pos[npos++] = a;
	}
	if (npos < 3)
		vm_usage();
	if (vm_maxmsg > VM_MAXMSGLIMIT)
		vm_maxmsg = VM_MAXMSGLIMIT;
	cmd = pos[0];
	if (strcmp(pos[1], "lockfile") == 0)
		cur_mode = MODE_LOCKFILE;
	else if (strcmp(pos[1], "flock") == 0)
		cur_mode = MODE_FLOCK;
	else
		vm_usage();
	vm_mb = pos[2];
	if ((strcmp(cmd, "mixmon") == 0 || strcmp(cmd, "delete") == 0 || strcmp(cmd, "renumber") == 0 ||
	     strcmp(cmd, "list") == 0) && npos > 3 && !vm_is_folder(pos[3]))
		vm_usage();
	if ((strcmp(cmd, "copy") == 0 || strcmp(cmd, "move") == 0) && npos > 4 &&
	    (!vm_is_folder(pos[3]) || !vm_is_folder(pos[4])))
		vm_usage();

	if (strcmp(cmd, "deliver") == 0 && npos <= 4) {
		long n = npos == 4 ? vm_number(pos[3]) : 1, k;

		for (k = 0; k < n; k++)
			vm_deliver();
		vm_out("DONE ops=%ld", n);
	} else if (strcmp(cmd, "mixmon") == 0 && (npos == 4 || npos == 5)) {
		long n = npos == 5 ? vm_number(pos[4]) : 1, k;

		for (k = 0; k < n; k++)
			vm_mixmon(pos[3]);
		vm_out("DONE ops=%ld", n);
	} else if ((strcmp(cmd, "copy") == 0 || strcmp(cmd, "move") == 0) && npos == 6) {
		vm_by_id(strcmp(cmd, "copy") == 0 ? "COPY" : "MOVE", pos[3], pos[4], pos[5]);
		vm_out("DONE ops=1");
	} else if (strcmp(cmd, "delete") == 0 && npos == 5) {
		vm_by_id("DELETE", pos[3], NULL, pos[4]);
		vm_out("DONE ops=1");
	} else if (strcmp(cmd, "renumber") == 0 && npos == 4) {
		struct vm_session s;

		if (vm_open(&s, pos[3]) == 0)
			vm_out("RENUMBER OK folder=%v", pos[3]);
		vm_out("DONE ops=1");
	} else if (strcmp(cmd, "list") == 0 && npos == 4) {
		vm_list(pos[3]);
		vm_out("DONE ops=1");
	} else if (strcmp(cmd, "random") == 0 && npos == 5) {
		long n = vm_number(pos[4]);

		vm_random((unsigned long)vm_number(pos[3]), n);
		vm_out("DONE ops=%ld", n);
	} else {
		vm_usage();
	}
	return 0;
}
