package io.github.astlock.cli;

import io.github.astlock.LockOwner;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * COMMAND of {@code astlock run} and every process it starts. COMMAND is started through
 * {@code setsid(1)} as the leader of a new session, so its pid is the session id, and every
 * descendant stays in that session (and can be found in {@code /proc}) unless it deliberately
 * starts a session of its own, as daemons do. {@code run} holds the lock until no process of the
 * session is left, stops the whole session on SIGTERM, and a guard process stops it when
 * astlock itself is killed with SIGKILL.
 *
 * <p>The guard is {@code sh} in a session of its own, reading a pipe from astlock: it learns the
 * session id, then waits. (Should astlock be killed before it could pass the session id on, the
 * guard finds COMMAND by the token in its environment variable {@value #TOKEN_VARIABLE}.) When astlock ends normally it first writes {@code done}; when astlock
 * is killed the pipe just closes, and the guard kills every process of COMMAND's session and
 * waits until none is left before it exits. Its command line names astlock's pid, so that
 * {@code break-stale} can see that the command of a dead owner is still being stopped.
 *
 * <p>Without {@code setsid} on the {@code PATH}, COMMAND runs in astlock's own session and only
 * its descendants known from the process table are followed.
 */
final class CommandSession {
    /** The guard's {@code $0}, searched for by {@link #guardRunning(long)}. */
    static final String GUARD_NAME = "astlock-guard";

    /** The environment variable that marks COMMAND and its descendants with this run's token. */
    static final String TOKEN_VARIABLE = "ASTLOCK_RUN";

    private static final String GUARD_SCRIPT = String.join("\n",
            "trap '' HUP INT QUIT TERM PIPE",
            "if IFS= read -r sid; then",
            "  IFS= read -r word && [ \"$word\" = done ] && exit 0",
            "else",
            // astlock was killed before it could pass COMMAND's session: find COMMAND by its token
            "  sid=",
            "  for e in $(grep -lzxF \"" + "ASTLOCK_RUN" + "=$2\" /proc/[0-9]*/environ 2>/dev/null); do",
            "    p=${e#/proc/}; p=${p%/environ}",
            "    s=$(ps -o sid= -p \"$p\" 2>/dev/null | tr -d ' ')",
            "    [ -n \"$s\" ] && sid=$s",
            "  done",
            "  [ -n \"$sid\" ] || exit 0",
            "fi",
            "kill -s KILL -- \"-$sid\" 2>/dev/null",
            "n=0",
            "while pkill -KILL -s \"$sid\" 2>/dev/null && [ $n -lt 400 ]; do n=$((n+1)); sleep 0.05; done",
            "exit 0");

    /**
     * How much of {@code /proc/PID/stat} is read: the fields up to the session id follow the
     * command name, which the kernel keeps short (15 bytes, a kernel thread's at most 64), so
     * they always fit.
     */
    private static final int STAT_PREFIX = 256;

    private final Process leader;
    private final long sid;
    private final boolean ownSession;
    private final Process guard;

    private CommandSession(Process leader, boolean ownSession, Process guard) {
        this.leader = leader;
        this.sid = leader.pid();
        this.ownSession = ownSession;
        this.guard = guard;
    }

    /**
     * Starts COMMAND in a session of its own, with the standard streams inherited.
     *
     * @param command COMMAND and its arguments
     * @param io      where to report
     * @return the started session
     * @throws IOException when COMMAND (or {@code setsid}) cannot be started
     */
    static CommandSession start(List<String> command, Io io) throws IOException {
        Optional<Path> setsid = onPath("setsid");
        // Unguessable, so that nobody can make the guard pick another session: a fresh
        // acquisition token of the library, never written anywhere, which costs less to make
        // than setting up a SecureRandom.
        String token = ProcessHandle.current().pid() + "-" + LockOwner.forThisProcess().token();
        Process guard = null;
        if (setsid.isPresent()) {
            try {
                guard = new ProcessBuilder(setsid.get().toString(), "sh", "-c", GUARD_SCRIPT, GUARD_NAME,
                        Long.toString(ProcessHandle.current().pid()), token)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            } catch (IOException e) {
                io.info("no guard for COMMAND's session (" + e.getMessage() + "): if astlock is killed with SIGKILL,"
                        + " COMMAND keeps running");
            }
        } else {
            io.info("setsid not found on the PATH: COMMAND runs in astlock's session; processes it moves to a"
                    + " session of their own are not waited for");
        }
        List<String> argv = new ArrayList<>();
        if (setsid.isPresent()) {
            argv.add(setsid.get().toString());
            argv.add("--");
        }
        argv.addAll(command);
        Process leader;
        try {
            ProcessBuilder pb = new ProcessBuilder(argv).inheritIO();
            pb.environment().put(TOKEN_VARIABLE, token);
            leader = pb.start();
        } catch (IOException e) {
            endGuard(guard);
            throw e;
        }
        CommandSession s = new CommandSession(leader, setsid.isPresent(), guard);
        if (guard != null) {
            s.tellGuard(s.sid + "\n", false);
        }
        return s;
    }

    /**
     * Returns COMMAND's own process, the session's leader.
     *
     * @return COMMAND's own process, the session's leader
     */
    Process leader() {
        return leader;
    }

    /**
     * Returns whether any process of the session still runs (COMMAND or what it started).
     *
     * @return whether any process of the session still runs
     */
    boolean alive() {
        return leader.isAlive() || !members().isEmpty();
    }

    /**
     * Returns the processes of the session except zombies; without a session of its own, COMMAND
     * and its descendants.
     *
     * @return the pids, COMMAND's first when it still runs
     */
    List<Long> members() {
        if (!ownSession) {
            List<Long> pids = new ArrayList<>();
            if (leader.isAlive()) {
                pids.add(leader.pid());
            }
            leader.descendants().filter(ProcessHandle::isAlive).forEach(p -> pids.add(p.pid()));
            return pids;
        }
        return sessionMembers(sid);
    }

    /**
     * Every live (not zombie) process of a session, from {@code /proc}.
     *
     * @param sid the session id
     * @return their pids
     */
    static List<Long> sessionMembers(long sid) {
        List<Long> pids = new ArrayList<>();
        // plain java.io: this runs at least once per run, over every process of the machine
        String[] names = new File("/proc").list();
        if (names == null) {
            return pids; // no /proc: nothing can be followed beyond COMMAND itself
        }
        String session = Long.toString(sid);
        byte[] buf = new byte[STAT_PREFIX];
        for (String name : names) {
            if (!isNumber(name)) {
                continue;
            }
            int n;
            try (FileInputStream in = new FileInputStream("/proc/" + name + "/stat")) {
                n = in.readNBytes(buf, 0, buf.length);
            } catch (IOException e) {
                continue; // ended meanwhile
            }
            String stat = new String(buf, 0, n, StandardCharsets.ISO_8859_1);
            // pid (comm) state ppid pgrp session ...; comm may contain anything, so split after the last ')'
            int close = stat.lastIndexOf(')');
            if (close < 0) {
                continue;
            }
            String[] f = stat.substring(close + 1).trim().split(" ");
            if (f.length > 3 && !f[0].equals("Z") && !f[0].equals("X") && f[3].equals(session)) {
                try {
                    pids.add(Long.parseLong(name));
                } catch (NumberFormatException e) {
                    // not a process
                }
            }
        }
        return pids;
    }

    /**
     * Describes processes for messages: {@code 4711 (sleep), 4712 (sh)}.
     *
     * @param pids the processes
     * @return the description
     */
    static String describe(List<Long> pids) {
        List<String> parts = new ArrayList<>();
        for (long pid : pids) {
            String name = ProcessHandle.of(pid).flatMap(h -> h.info().command())
                    .map(c -> Path.of(c).getFileName().toString()).orElse("?");
            parts.add(pid + " (" + name + ")");
            if (parts.size() == 5 && pids.size() > 5) {
                parts.add("and " + (pids.size() - 5) + " more");
                break;
            }
        }
        return String.join(", ", parts);
    }

    /**
     * Sends SIGTERM ({@code force}: SIGKILL) to every process of the session.
     *
     * @param force SIGKILL instead of SIGTERM
     */
    void signalAll(boolean force) {
        List<Long> pids = members();
        if (leader.isAlive() && !pids.contains(leader.pid())) {
            pids.add(0, leader.pid());
        }
        for (long pid : pids) {
            ProcessHandle.of(pid).ifPresent(h -> {
                if (force) {
                    h.destroyForcibly();
                } else {
                    h.destroy();
                }
            });
        }
    }

    /**
     * Waits until no process of the session is left.
     *
     * @param timeout how long at most; {@code null}: without limit
     * @return whether the session has ended
     * @throws InterruptedException when interrupted
     */
    boolean awaitEnd(java.time.Duration timeout) throws InterruptedException {
        boolean unlimited = timeout == null;
        long deadline = unlimited ? 0 : System.nanoTime() + timeout.toNanos();
        long step = TimeUnit.MILLISECONDS.toNanos(200);
        while (true) {
            if (leader.isAlive()) {
                long left = unlimited ? step : Math.min(step, deadline - System.nanoTime());
                if (left <= 0) {
                    return false;
                }
                leader.waitFor(left, TimeUnit.NANOSECONDS);
                continue;
            }
            if (members().isEmpty()) {
                return true;
            }
            if (!unlimited && System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(50);
        }
    }

    /**
     * Stops the whole session: SIGTERM to every process, SIGKILL to what is left after
     * {@code grace}, then waits until none is left (at most 10 s more, for processes stuck in
     * the kernel).
     *
     * @param grace how long the processes may take to stop after SIGTERM
     * @param io    where to report
     * @param what  COMMAND for messages
     * @throws InterruptedException when interrupted
     */
    void stop(java.time.Duration grace, Io io, String what) throws InterruptedException {
        signalAll(false);
        if (awaitEnd(grace)) {
            return;
        }
        io.error(what + " ignored SIGTERM for " + Durations.format(grace) + ": killing " + describe(members()));
        for (int i = 0; i < 100 && alive(); i++) {
            signalAll(true);
            awaitEnd(java.time.Duration.ofMillis(100));
        }
        if (alive()) {
            io.error("processes of " + what + " do not end even after SIGKILL: " + describe(members()));
        }
    }

    /** Tells the guard that the session has ended normally, so it exits without killing anything. */
    void finish() {
        if (guard != null) {
            tellGuard("done\n", true);
        }
    }

    private void tellGuard(String line, boolean close) {
        try {
            OutputStream out = guard.getOutputStream();
            out.write(line.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            if (close) {
                out.close();
            }
        } catch (IOException e) {
            // the guard is gone; nothing it could do any more
        }
    }

    private static void endGuard(Process guard) {
        if (guard != null) {
            try {
                guard.getOutputStream().write("0\ndone\n".getBytes(StandardCharsets.US_ASCII));
                guard.getOutputStream().close();
            } catch (IOException e) {
                // gone already
            }
        }
    }

    /**
     * Returns whether a guard of the astlock process {@code pid} still runs, that is, whether
     * the command of that (possibly killed) astlock is still being stopped.
     *
     * @param pid astlock's pid, for example from a {@code .lock}'s owner record
     * @return whether such a guard runs
     */
    static boolean guardRunning(long pid) {
        String wanted = GUARD_NAME + "\0" + pid + "\0";
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/proc"), p -> isNumber(p.getFileName()
                .toString()))) {
            for (Path p : ds) {
                try {
                    String cmdline = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8);
                    if (cmdline.contains("\0" + wanted)) {
                        return true;
                    }
                } catch (IOException e) {
                    // ended meanwhile, or hidden
                }
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        return false;
    }

    /**
     * Finds an executable on the {@code PATH}.
     *
     * @param name the program's name
     * @return its path
     */
    static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null || path.isEmpty()) {
            path = "/usr/bin:/bin";
        }
        for (String d : path.split(File.pathSeparator)) {
            if (d.isEmpty()) {
                continue;
            }
            Path p = Path.of(d, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static boolean isNumber(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
