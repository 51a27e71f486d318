package io.github.astlock;

import io.github.astlock.internal.OwnerLiveness;
import io.github.astlock.internal.ProcessScope;
import io.github.astlock.internal.RandomBytes;
import io.github.astlock.internal.Text;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Who holds a LOCKFILE-mode {@code .lock} taken by astlock: written into the temporary file
 * before it is linked,
 * so {@code .lock} is never seen empty and then filled. Asterisk ignores the content of
 * {@code .lock}. The per-acquisition token also proves that a {@code .lock} is
 * still ours when the file system has reused our inode number for a stranger's file.
 *
 * <pre>
 * astlock-owner 1
 * pid=4711
 * start=123456          (process start, clock ticks after boot, /proc/PID/stat field 22)
 * host=pbx1
 * jvm=0b6c...           (random per JVM)
 * token=9f2c...         (random per acquisition)
 * acquired=2026-11-26T03:04:05.123Z
 * boot=3065d173-...     (the kernel's boot id)
 * pidns=4026531836      (the inode of the owner's PID namespace)
 * timens=4026531834     (the inode of the owner's time namespace, when the kernel has them)
 * </pre>
 *
 * <p>A pid means something only inside its boot and PID namespace, so the owner is judged
 * {@link Liveness#DEAD} only when the record names the judge's own boot and PID namespace and the
 * pid is gone or belongs to a process with another start time; see {@link #liveness()}. Records
 * written before {@code boot} and {@code pidns} were recorded are read, but never judged dead.
 *
 * @param pid           the owner's process id, in its own PID namespace
 * @param start         the owner's start time in clock ticks after boot, or -1 when unknown
 * @param host          the owner's host name
 * @param jvm           the owner JVM's random id
 * @param token         this acquisition's random token
 * @param acquired      when the lock was taken on disk; when threads of the owner JVM pass the
 *                      lock to each other without releasing it, this stays the time of the first
 *                      of them (and the token stays that acquisition's)
 * @param boot          the owner's kernel boot id, or empty when not recorded
 * @param pidNamespace  the inode number of the owner's PID namespace, or empty when not recorded
 * @param timeNamespace the inode number of the owner's time namespace, or empty when not recorded
 */
public record LockOwner(long pid, long start, String host, String jvm, String token, Instant acquired,
                        String boot, String pidNamespace, String timeNamespace) {
    /** The first line of every record. */
    public static final String MAGIC = "astlock-owner 1";

    private static final String JVM_ID = randomUuid();
    private static final long PID = ProcessHandle.current().pid();
    private static final long START = ProcessScope.selfStartTicks();
    private static final String HOST = hostName();

    /** Whether a recorded owner process still runs. */
    public enum Liveness {
        /** The recorded process runs, with the recorded start time. */
        ALIVE,
        /**
         * Provably gone: the record names this boot and PID namespace, and its pid no longer
         * exists or now belongs to a process with another start time.
         */
        DEAD,
        /**
         * Cannot tell: another host, boot or PID namespace, a {@code /proc} that hides or does
         * not show the process, or a record without these facts.
         */
        UNKNOWN
    }

    /**
     * Checks the components; {@code null} texts become empty.
     *
     * @param pid           the owner's process id
     * @param start         the owner's start time in clock ticks after boot, or -1 when unknown
     * @param host          the owner's host name
     * @param jvm           the owner JVM's random id
     * @param token         this acquisition's random token
     * @param acquired      when the lock was taken
     * @param boot          the owner's kernel boot id, or empty
     * @param pidNamespace  the inode number of the owner's PID namespace, or empty
     * @param timeNamespace the inode number of the owner's time namespace, or empty
     */
    public LockOwner {
        host = host == null ? "" : host;
        jvm = jvm == null ? "" : jvm;
        token = token == null ? "" : token;
        java.util.Objects.requireNonNull(acquired, "acquired");
        boot = boot == null ? "" : boot;
        pidNamespace = pidNamespace == null ? "" : pidNamespace;
        timeNamespace = timeNamespace == null ? "" : timeNamespace;
    }

    /**
     * A record of a process named by its host: when {@code host} is {@link #thisHost()}, a
     * process beside this JVM, in its boot, PID namespace and time namespace; otherwise one
     * whose boot and namespaces are unknown. For tools and tests that describe processes;
     * records read from a file come from {@link #parse(byte[])}.
     *
     * @param pid      the process id, in this JVM's PID namespace
     * @param start    its start time in clock ticks after boot, or -1 when unknown
     * @param host     the host name
     * @param jvm      a JVM id
     * @param token    an acquisition token
     * @param acquired when the lock was taken
     */
    public LockOwner(long pid, long start, String host, String jvm, String token, Instant acquired) {
        this(pid, start, host, jvm, token, acquired, beside(host, ProcessScope.current().boot()),
                beside(host, ProcessScope.current().pidNamespace()), beside(host, ProcessScope.current().timeNamespace()));
    }

    private static String beside(String host, String fact) {
        return HOST.equals(host) ? fact : "";
    }

    /**
     * Returns this host's name, as written into owner records.
     *
     * @return this host's name, as written into owner records
     */
    public static String thisHost() {
        return HOST;
    }

    /**
     * Returns whether the record was written on this host.
     *
     * @return whether the record was written on this host
     */
    public boolean isThisHost() {
        return HOST.equals(host);
    }

    /**
     * Whether the owner process still runs, as far as this JVM can prove. {@link Liveness#DEAD}
     * only when the record names this JVM's boot and PID namespace, this JVM's {@code /proc}
     * shows that namespace without hiding processes, and the pid is gone or belongs to a
     * process with another start time (in the same time namespace). A process of another host,
     * container or boot, an unreadable {@code /proc/PID}, or a record that lacks these facts is
     * {@link Liveness#UNKNOWN}, never dead.
     *
     * @return {@link Liveness#ALIVE}, {@link Liveness#DEAD} or {@link Liveness#UNKNOWN}
     */
    public Liveness liveness() {
        return OwnerLiveness.judge(this);
    }

    /**
     * Returns a record for a new acquisition by this JVM.
     *
     * @return a record for a new acquisition by this JVM
     */
    public static LockOwner forThisProcess() {
        byte[] t = new byte[12];
        RandomBytes.fill(t);
        ProcessScope scope = ProcessScope.current();
        return new LockOwner(PID, START, HOST, JVM_ID, HexFormat.of().formatHex(t), Instant.now(), scope.boot(),
                scope.pidNamespace(), scope.timeNamespace());
    }

    /**
     * Returns a one-line description: pid, host, JVM and time taken. Text from the record is
     * made printable: control characters are shown as escapes, never sent to a terminal.
     *
     * @return a one-line description: pid, host, JVM and time taken
     */
    public String describe() {
        return "pid " + pid + " on " + Text.printable(host) + " (jvm "
                + Text.printable(jvm.substring(0, Math.min(8, jvm.length()))) + ", since " + acquired + ")";
    }

    /**
     * Returns the record's fields, made printable like {@link #describe()}.
     *
     * @return the record's fields, made printable
     */
    @Override
    public String toString() {
        return "LockOwner[pid=" + pid + ", start=" + start + ", host=" + Text.printable(host) + ", jvm="
                + Text.printable(jvm) + ", token=" + Text.printable(token) + ", acquired=" + acquired + ", boot="
                + Text.printable(boot) + ", pidNamespace=" + Text.printable(pidNamespace) + ", timeNamespace="
                + Text.printable(timeNamespace) + "]";
    }

    /**
     * Returns the file content.
     *
     * @return the file content
     */
    public byte[] toBytes() {
        if (pid == PID && start == START && HOST.equals(host) && JVM_ID.equals(jvm) && OwnRecord.isOwnScope(this)) {
            return OwnRecord.bytes(token, acquired);
        }
        return (MAGIC + "\npid=" + pid + "\nstart=" + start + "\nhost=" + host + "\njvm=" + jvm + "\ntoken=" + token
                + "\nacquired=" + isoInstant(acquired) + "\nboot=" + boot + "\npidns=" + pidNamespace + "\ntimens=" + timeNamespace
                + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The record of this JVM's own acquisitions, of which only the token and the time change:
     * the rest is encoded once.
     */
    private static final class OwnRecord {
        private static final ProcessScope SCOPE = ProcessScope.current();
        private static final byte[] HEAD = (MAGIC + "\npid=" + PID + "\nstart=" + START + "\nhost=" + HOST + "\njvm="
                + JVM_ID + "\ntoken=").getBytes(StandardCharsets.UTF_8);
        private static final byte[] TAIL = ("\nboot=" + SCOPE.boot() + "\npidns=" + SCOPE.pidNamespace() + "\ntimens="
                + SCOPE.timeNamespace() + "\n").getBytes(StandardCharsets.UTF_8);

        private OwnRecord() {
        }

        static boolean isOwnScope(LockOwner o) {
            return java.util.Objects.equals(SCOPE.boot(), o.boot)
                    && java.util.Objects.equals(SCOPE.pidNamespace(), o.pidNamespace)
                    && java.util.Objects.equals(SCOPE.timeNamespace(), o.timeNamespace);
        }

        static byte[] bytes(String token, Instant acquired) {
            byte[] middle = (token + "\nacquired=" + isoInstant(acquired)).getBytes(StandardCharsets.UTF_8);
            byte[] out = new byte[HEAD.length + middle.length + TAIL.length];
            System.arraycopy(HEAD, 0, out, 0, HEAD.length);
            System.arraycopy(middle, 0, out, HEAD.length, middle.length);
            System.arraycopy(TAIL, 0, out, HEAD.length + middle.length, TAIL.length);
            return out;
        }
    }

    /**
     * Parses a record.
     *
     * Fields this version does not know are ignored; {@code boot}, {@code pidns} and
     * {@code timens} are empty when the record predates them. Control characters in text
     * fields are replaced by escapes such as {@code \x1b}, so no field read from a file can
     * reach a terminal as a control sequence.
     *
     * @param content the bytes of a lock file
     * @return the record, or empty when the content is not one of ours (for example Asterisk's empty file)
     */
    public static Optional<LockOwner> parse(byte[] content) {
        String text = new String(content, StandardCharsets.UTF_8);
        if (!text.startsWith(MAGIC + "\n")) {
            return Optional.empty();
        }
        Map<String, String> kv = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                kv.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        try {
            return Optional.of(new LockOwner(Long.parseLong(kv.get("pid")), Long.parseLong(kv.get("start")),
                    field(kv, "host"), field(kv, "jvm"), field(kv, "token"), Instant.parse(kv.get("acquired")),
                    field(kv, "boot"), field(kv, "pidns"), field(kv, "timens")));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** A text field of a record, made printable: a record may have been written by anybody. */
    private static String field(Map<String, String> kv, String key) {
        return Text.printable(kv.getOrDefault(key, ""));
    }

    /**
     * The start time of a process, in clock ticks after boot, from {@code /proc/PID/stat}.
     *
     * @param pid the process
     * @return the start time, or -1 when the process does not exist or its {@code /proc} entry cannot be read
     */
    public static long startTicks(long pid) {
        long t = ProcessScope.startTicks(pid);
        return t < 0 ? -1 : t;
    }

    /**
     * An instant as {@link Instant#toString()} writes it ({@code 2026-11-26T03:04:05.123Z}: UTC,
     * seconds always, the fraction in groups of three digits as far as needed), for the years
     * 0 to 9999; other years are left to that method. Written out here because that method sets
     * up the JDK's whole date formatting machinery on first use, a noticeable part of the
     * start-up time of a command that takes one lock.
     *
     * @param t the instant
     * @return its ISO-8601 text
     */
    static String isoInstant(Instant t) {
        long seconds = t.getEpochSecond();
        long days = Math.floorDiv(seconds, 86_400L);
        int secondOfDay = (int) Math.floorMod(seconds, 86_400L);
        // the civil date of a day count (days since 1970-01-01), with years starting in March
        long shifted = days + 719_468L; // days since 0000-03-01
        long era = Math.floorDiv(shifted, 146_097L);
        long dayOfEra = shifted - era * 146_097L;
        long yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        long monthIndex = (5 * dayOfYear + 2) / 153; // 0 = March
        int day = (int) (dayOfYear - (153 * monthIndex + 2) / 5 + 1);
        int month = (int) (monthIndex < 10 ? monthIndex + 3 : monthIndex - 9);
        long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
        if (year < 0 || year > 9999) {
            return t.toString();
        }
        StringBuilder sb = new StringBuilder(30);
        digits(sb, year, 4).append('-');
        digits(sb, month, 2).append('-');
        digits(sb, day, 2).append('T');
        digits(sb, secondOfDay / 3600, 2).append(':');
        digits(sb, secondOfDay / 60 % 60, 2).append(':');
        digits(sb, secondOfDay % 60, 2);
        int nano = t.getNano();
        if (nano != 0) {
            sb.append('.');
            if (nano % 1_000_000 == 0) {
                digits(sb, nano / 1_000_000, 3);
            } else if (nano % 1_000 == 0) {
                digits(sb, nano / 1_000, 6);
            } else {
                digits(sb, nano, 9);
            }
        }
        return sb.append('Z').toString();
    }

    /** Appends a number of at most {@code width} digits, with leading zeros. */
    private static StringBuilder digits(StringBuilder sb, long value, int width) {
        String v = Long.toString(value);
        for (int i = v.length(); i < width; i++) {
            sb.append('0');
        }
        return sb.append(v);
    }

    /**
     * A random (version 4) UUID, as {@link UUID#randomUUID()} makes, from the random bytes
     * of temporary names and tokens (see {@link RandomBytes} for why not from that method).
     */
    private static String randomUuid() {
        long msb = RandomBytes.nextLong() & ~0xf000L | 0x4000L;
        long lsb = RandomBytes.nextLong() & ~(0xc0L << 56) | 0x80L << 56;
        return new UUID(msb, lsb).toString();
    }

    private static String hostName() {
        try {
            String h = Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.UTF_8).strip();
            if (!h.isEmpty()) {
                return h;
            }
        } catch (IOException | RuntimeException ignored) {
            // fall through
        }
        String env = System.getenv("HOSTNAME");
        return env == null || env.isBlank() ? "unknown" : env.strip();
    }
}
