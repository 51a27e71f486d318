package io.github.astlock;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
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
 * {@code .lock} (LF-2, LF-11). The per-acquisition token also proves that a {@code .lock} is
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
 * </pre>
 *
 * @param pid      the owner's process id
 * @param start    the owner's start time in clock ticks after boot, or -1 when unknown
 * @param host     the owner's host name
 * @param jvm      the owner JVM's random id
 * @param token    this acquisition's random token
 * @param acquired when the lock was taken
 */
public record LockOwner(long pid, long start, String host, String jvm, String token, Instant acquired) {
    /** The first line of every record. */
    public static final String MAGIC = "astlock-owner 1";

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String JVM_ID = UUID.randomUUID().toString();
    private static final long PID = ProcessHandle.current().pid();
    private static final long START = startTicks(PID);
    private static final String HOST = hostName();

    /** Whether a recorded owner process still runs. */
    public enum Liveness {
        /** The process runs on this host with the recorded start time. */
        ALIVE,
        /** The owner is on this host and its process is gone (no such pid, or another start time). */
        DEAD,
        /** The owner is on another host, or its start time was not recorded: cannot tell. */
        UNKNOWN
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
     * Whether the owner process still runs. A pid reused by another process is recognised by
     * its different start time.
     *
     * @return {@link Liveness#ALIVE}, {@link Liveness#DEAD} or {@link Liveness#UNKNOWN}
     */
    public Liveness liveness() {
        if (!isThisHost()) {
            return Liveness.UNKNOWN;
        }
        long now = startTicks(pid);
        if (now < 0) {
            return Liveness.DEAD;
        }
        if (start < 0) {
            return Liveness.UNKNOWN;
        }
        return now == start ? Liveness.ALIVE : Liveness.DEAD;
    }

    /**
     * Returns a record for a new acquisition by this JVM.
     *
     * @return a record for a new acquisition by this JVM
     */
    public static LockOwner forThisProcess() {
        byte[] t = new byte[12];
        RANDOM.nextBytes(t);
        return new LockOwner(PID, START, HOST, JVM_ID, HexFormat.of().formatHex(t), Instant.now());
    }

    /**
     * Returns a one-line description: pid, host, start and time taken.
     *
     * @return a one-line description: pid, host, start and time taken
     */
    public String describe() {
        return "pid " + pid + " on " + host + " (jvm " + jvm.substring(0, Math.min(8, jvm.length())) + ", since " + acquired + ")";
    }

    /**
     * Returns the file content.
     *
     * @return the file content
     */
    public byte[] toBytes() {
        return (MAGIC + "\npid=" + pid + "\nstart=" + start + "\nhost=" + host + "\njvm=" + jvm + "\ntoken=" + token
                + "\nacquired=" + acquired + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Parses a record.
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
                    kv.getOrDefault("host", ""), kv.getOrDefault("jvm", ""), kv.getOrDefault("token", ""),
                    Instant.parse(kv.get("acquired"))));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * The start time of a process, in clock ticks after boot, from {@code /proc/PID/stat}.
     *
     * @param pid the process
     * @return the start time, or -1 when the process does not exist or {@code /proc} is missing
     */
    public static long startTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.US_ASCII);
            // the command name (field 2) may contain spaces and parentheses: fields follow the last ')'
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[19]); // field 22 overall
        } catch (IOException | RuntimeException e) {
            return -1;
        }
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
