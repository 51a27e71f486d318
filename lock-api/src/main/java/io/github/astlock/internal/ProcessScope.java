package io.github.astlock.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * What makes a process id meaningful, as seen by this JVM: the kernel's boot (its random
 * {@code boot_id}), the PID namespace and the time namespace (which shifts the start times
 * {@code /proc} shows), plus whether the {@code /proc} mounted here can be trusted to show every
 * process of this namespace. A pid and start time written by a process of another boot or PID
 * namespace say nothing about the processes this JVM can see.
 *
 * @param boot          {@code /proc/sys/kernel/random/boot_id}, or empty when unknown
 * @param pidNamespace  the inode of {@code /proc/self/ns/pid}, or empty when unknown
 * @param timeNamespace the inode of {@code /proc/self/ns/time}, or empty when unknown (kernels before 5.6)
 * @param procIsOurs    whether the {@code /proc} mounted here belongs to this JVM's PID namespace
 * @param procHides     whether {@code /proc} is mounted with {@code hidepid}, so a missing
 *                      {@code /proc/PID} does not prove that the process is gone
 */
public record ProcessScope(String boot, String pidNamespace, String timeNamespace, boolean procIsOurs,
                           boolean procHides) {

    /** Start time of a pid that does not exist in this {@code /proc}. */
    public static final long GONE = -1;
    /** Start time of a pid whose {@code /proc} entry exists but cannot be read. */
    public static final long UNREADABLE = -2;

    private static final class Current {
        static final ProcessScope INSTANCE = read(Path.of("/proc"));
    }

    /**
     * Returns the scope of this JVM, read once.
     *
     * @return the scope of this JVM
     */
    public static ProcessScope current() {
        return Current.INSTANCE;
    }

    /**
     * Reads the scope of the calling process from a {@code proc} file system.
     *
     * @param proc where {@code proc} is mounted, normally {@code /proc}
     * @return the scope; fields that cannot be read are empty, which makes every judgement UNKNOWN
     */
    static ProcessScope read(Path proc) {
        String self = "";
        try {
            self = Files.readSymbolicLink(proc.resolve("self")).toString();
        } catch (IOException | RuntimeException ignored) {
            // stays empty
        }
        boolean ours = self.equals(Long.toString(ProcessHandle.current().pid()));
        return new ProcessScope(readLine(proc.resolve("sys/kernel/random/boot_id")),
                namespace(proc.resolve("self/ns/pid")), namespace(proc.resolve("self/ns/time")), ours,
                hidesPids(readAll(proc.resolve("self/mountinfo")), proc.toString()));
    }

    /**
     * Returns whether all identifying fields are known.
     *
     * @return whether boot and PID namespace are known
     */
    public boolean isKnown() {
        return !boot.isEmpty() && !pidNamespace.isEmpty();
    }

    private static String namespace(Path link) {
        try {
            String target = Files.readSymbolicLink(link).toString(); // for example "pid:[4026531836]"
            int open = target.indexOf('[');
            int close = target.indexOf(']', open + 1);
            if (open > 0 && close > open + 1) {
                String inode = target.substring(open + 1, close);
                Long.parseLong(inode);
                return inode;
            }
        } catch (IOException | RuntimeException ignored) {
            // unknown
        }
        return "";
    }

    private static String readLine(Path file) {
        String s = readAll(file).strip();
        return s.contains("\n") ? "" : s;
    }

    private static String readAll(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /**
     * Whether the {@code proc} file system mounted at {@code mountPoint} hides other users'
     * processes ({@code hidepid=1}, {@code 2}, {@code noaccess}, {@code invisible},
     * {@code ptraceable}). When the mount table cannot be read, hiding is assumed.
     *
     * @param mountinfo  the content of {@code /proc/self/mountinfo}
     * @param mountPoint where {@code proc} is mounted
     * @return whether a missing {@code /proc/PID} may be a hidden, running process
     */
    static boolean hidesPids(String mountinfo, String mountPoint) {
        Boolean hides = null;
        for (String line : mountinfo.split("\n")) {
            // id parent major:minor root mount-point options [optional fields] - type source super-options
            String[] f = line.trim().split(" ");
            int dash = java.util.Arrays.asList(f).indexOf("-");
            if (f.length < 5 || dash < 0 || f.length < dash + 4 || !f[4].equals(mountPoint)
                    || !f[dash + 1].equals("proc")) {
                continue;
            }
            boolean h = false;
            for (String opt : f[dash + 3].split(",")) {
                if (opt.startsWith("hidepid=")) {
                    String v = opt.substring("hidepid=".length());
                    h = !v.equals("0") && !v.equals("off");
                }
            }
            hides = h; // the last mount on the mount point is the visible one
        }
        return hides == null || hides;
    }

    /**
     * The start time of a process, in clock ticks after boot, from {@code /proc/PID/stat}
     * (field 22).
     *
     * @param proc where {@code proc} is mounted
     * @param pid  the process
     * @return its start time, {@link #GONE} when {@code /proc/PID} does not exist, or
     *     {@link #UNREADABLE} when it exists but cannot be read or parsed
     */
    static long startTicks(Path proc, String pid) {
        try {
            String stat = Files.readString(proc.resolve(pid).resolve("stat"), StandardCharsets.US_ASCII);
            // the command name (field 2) may contain spaces and parentheses: fields follow the last ')'
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[19]);
        } catch (NoSuchFileException e) {
            return GONE;
        } catch (AccessDeniedException e) {
            return UNREADABLE;
        } catch (IOException | RuntimeException e) {
            return Files.exists(proc.resolve(pid)) ? UNREADABLE : GONE;
        }
    }

    /**
     * The start time of a process of this JVM's {@code /proc}.
     *
     * @param pid the process
     * @return its start time, {@link #GONE} or {@link #UNREADABLE}
     */
    public static long startTicks(long pid) {
        return pid <= 0 ? UNREADABLE : startTicks(Path.of("/proc"), Long.toString(pid));
    }

    /**
     * Returns the start time of this JVM's process, from {@code /proc/self/stat}.
     *
     * @return this JVM's start time, or -1 when {@code /proc} cannot be read
     */
    public static long selfStartTicks() {
        long t = startTicks(Path.of("/proc"), "self");
        return t < 0 ? -1 : t;
    }
}
