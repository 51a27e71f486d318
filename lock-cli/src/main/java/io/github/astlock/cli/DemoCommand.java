package io.github.astlock.cli;

import io.github.astlock.LockException;
import io.github.astlock.LockHolder;
import io.github.astlock.LockMode;
import io.github.astlock.LockOptions;
import io.github.astlock.LockOwner;
import io.github.astlock.PathLock;
import io.github.astlock.PathLocker;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code astlock demo}: the README's main job on a throwaway spool. A second, real process
 * ({@code astlock run --mode lockfile INBOX -- sleep 3} in its own JVM) holds a mailbox's INBOX;
 * this process waits for it, takes INBOX and then Old (REC-7's order), moves a message from
 * INBOX to Old the way Asterisk would (audio first, {@code .txt} last into Old; {@code .txt}
 * first out of INBOX), and releases both, listing the folders at each step.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = AstlockCli.Version.class,
        header = "Show two processes sharing a throwaway voicemail spool.",
        description = {"Builds a throwaway voicemail spool in a temporary folder. A second process holds INBOX"
            + " (astlock run --mode lockfile INBOX -- sleep 3); this one waits, takes over, moves a message from"
            + " INBOX to Old under both folders' locks and lists the folders at each step. Needs no Asterisk;"
            + " takes about 5 s; removes its folder at the end.%n"})
final class DemoCommand implements Callable<Integer> {
    /** How long the second process holds INBOX. */
    private static final int HOLD_SECONDS = 3;
    private static final Pattern MSG_TXT = Pattern.compile("msg(\\d{4})\\.txt");
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT)
            .withZone(ZoneId.systemDefault());

    private final Io io;
    private final long t0 = System.nanoTime();

    @Spec
    CommandSpec spec;

    @Option(names = "--keep", description = "keep the temporary spool and print where it is")
    boolean keep;

    @Option(names = "--dir", paramLabel = "DIR", description = "make the spool in DIR instead of a new temporary"
            + " folder (DIR must not exist yet; removed at the end unless --keep)")
    Path base;

    DemoCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() throws Exception {
        if (base != null && Files.exists(base, LinkOption.NOFOLLOW_LINKS)) {
            // the demo removes its folder at the end: never one that holds something already
            throw new CommandLine.ParameterException(spec.commandLine(), "--dir " + base
                    + " exists; give a path that does not exist yet");
        }
        Path root;
        if (base == null) {
            root = Files.createTempDirectory("astlock-demo-");
        } else {
            Path abs = base.toAbsolutePath();
            if (abs.getParent() != null) {
                Files.createDirectories(abs.getParent());
            }
            root = Files.createDirectory(abs);
        }
        List<PathLock> held = new ArrayList<>();
        Process[] child = new Process[1];
        ShutdownGuard.Registration hook = ShutdownGuard.onExit(() -> {
            if (child[0] != null) {
                child[0].destroy();
            }
            synchronized (held) {
                for (int i = held.size() - 1; i >= 0; i--) {
                    closeQuietly(held.get(i));
                }
            }
            if (!keep) {
                deleteTree(root);
            }
        });
        int rc = ExitCodes.SOFTWARE;
        try {
            rc = demo(root, held, child);
            return rc;
        } finally {
            if (child[0] != null && child[0].isAlive()) {
                child[0].destroyForcibly();
            }
            synchronized (held) {
                for (int i = held.size() - 1; i >= 0; i--) {
                    closeQuietly(held.get(i));
                }
            }
            hook.close();
            if (keep) {
                say("kept the spool: " + root);
            } else {
                deleteTree(root);
                say("removed " + root + " (--keep keeps it)");
            }
            if (rc == ExitCodes.OK) {
                io.out.println();
                io.out.println("done in " + Durations.format(Duration.ofNanos(System.nanoTime() - t0))
                        + ". From a script, the same move while Asterisk runs:");
                io.out.println("  astlock vm list 1234            # shows each message's msg_id");
                io.out.println("  astlock vm move 1234 MSG_ID --to Old");
            }
            io.out.flush();
        }
    }

    private int demo(Path root, List<PathLock> held, Process[] child) throws Exception {
        Path mailbox = root.resolve("voicemail/default/1234");
        Path inbox = Files.createDirectories(mailbox.resolve("INBOX"));
        Path old = Files.createDirectories(mailbox.resolve("Old"));
        Files.createDirectories(mailbox.resolve("tmp"));
        for (int i = 0; i < 3; i++) {
            message(inbox, i, "100" + i);
        }
        message(old, 0, "2000");

        PathLocker locker = PathLocker.create(LockOptions.builder().mode(LockMode.LOCKFILE)
                .timeout(Duration.ofSeconds(10)).build());
        long me = ProcessHandle.current().pid();
        io.out.println("astlock demo: two processes share a throwaway voicemail spool");
        io.out.println("  spool:    " + root);
        io.out.println("  mailbox:  voicemail/default/1234 (folders INBOX and Old)");
        io.out.println("  mode:     lockfile (Asterisk's default: a hard link named .lock in the folder)");
        io.out.println("  backend:  " + locker.backend().id() + ";  this process: pid " + me);
        io.out.println();
        say("the mailbox before anything is locked");
        list(inbox, me, -1);
        list(old, me, -1);

        List<String> cmd = javaCommand(List.of("run", "--mode", "lockfile", "--backend", locker.backend().id(),
                "--quiet", inbox.toString(), "--", "sleep", Integer.toString(HOLD_SECONDS)));
        Process second;
        synchronized (held) {
            second = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            child[0] = second;
        }
        long pid = second.pid();
        echo(second, pid);
        say("started a second process, pid " + pid + ": astlock run --mode lockfile INBOX -- sleep " + HOLD_SECONDS);
        waitUntilHeld(locker, inbox, second);
        say("pid " + pid + " holds INBOX: .lock appeared, with its owner record inside");
        list(inbox, me, pid);

        say("this process wants to move msg0000 from INBOX to Old: it locks INBOX first, then Old");
        io.out.println(pad() + "(the order of REC-7: INBOX and other folders before Old, Old before Deleted)");
        long waitStart = System.nanoTime();
        PathLock inboxLock;
        try (WaitProgress p = WaitProgress.start(io.out, false, Duration.ofMillis(1000), Duration.ofMillis(1000),
                waited -> stamp() + "  still waiting for INBOX: held by "
                        + WaitProgress.holder(locker, inbox, LockMode.LOCKFILE))) {
            inboxLock = locker.lock(inbox);
        }
        synchronized (held) {
            held.add(inboxLock);
        }
        Duration waited = Duration.ofNanos(System.nanoTime() - waitStart);
        say("hand-over: pid " + pid + " released INBOX when its sleep ended; this process got it after waiting "
                + Durations.format(waited));
        list(inbox, me, pid);

        PathLock oldLock = locker.lock(old);
        synchronized (held) {
            held.add(oldLock);
        }
        say("locked Old as well: this process holds both folders");
        int target = nextNumber(old);
        String from = "msg0000";
        String to = String.format(Locale.ROOT, "msg%04d", target);
        // into Old as an "add": audio first, .txt last (the .txt makes the message visible)
        Files.createLink(old.resolve(to + ".wav"), inbox.resolve(from + ".wav"));
        oldLock.checkValid();
        Files.createLink(old.resolve(to + ".txt"), inbox.resolve(from + ".txt"));
        // out of INBOX as a "delete": .txt first, then audio; the gap at msg0000 stays (Asterisk renumbers)
        inboxLock.checkValid();
        Files.delete(inbox.resolve(from + ".txt"));
        Files.delete(inbox.resolve(from + ".wav"));
        say("moved INBOX/" + from + " to Old/" + to + " (Old's next free number): linked into Old audio first,");
        io.out.println(pad() + ".txt last (the .txt makes it a message); then removed from INBOX .txt first");
        list(inbox, me, pid);
        list(old, me, pid);

        closeQuietly(oldLock);
        closeQuietly(inboxLock);
        synchronized (held) {
            held.clear();
        }
        say("released Old, then INBOX: both .lock files are gone");
        list(inbox, me, pid);
        list(old, me, pid);

        if (!second.waitFor(10, TimeUnit.SECONDS)) {
            io.error("the second process did not end");
            return ExitCodes.SOFTWARE;
        }
        int rc = second.exitValue();
        say("the second process (pid " + pid + ") exited with status " + rc);
        return rc == 0 ? ExitCodes.OK : ExitCodes.SOFTWARE;
    }

    /** Prints the second process's output as it comes, marked with its pid. */
    private void echo(Process p, long pid) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (io.out) {
                        io.out.println(pad() + "[pid " + pid + "] " + line);
                        io.out.flush();
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "astlock-demo-echo");
        t.setDaemon(true);
        t.start();
    }

    private void waitUntilHeld(PathLocker locker, Path inbox, Process second) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            Optional<LockHolder> h = locker.status(inbox).lockfile();
            if (h.isPresent() && h.get().owner().map(o -> o.pid() == second.pid()).orElse(false)) {
                return;
            }
            if (!second.isAlive()) {
                throw new IOException("the second process ended (status " + second.exitValue()
                        + ") before it held INBOX");
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("the second process did not lock INBOX within 30 s");
            }
            Thread.sleep(20);
        }
    }

    private static void message(Path folder, int n, String caller) throws IOException {
        String name = String.format(Locale.ROOT, "msg%04d", n);
        long now = java.time.Instant.now().getEpochSecond();
        Files.write(folder.resolve(name + ".wav"), new byte[1024 * (n + 3)]);
        Files.writeString(folder.resolve(name + ".txt"), ";\n; Message Information file\n;\n[message]\n"
                + "origmailbox=1234\ncontext=demo\ncallerid=\"Caller\" <" + caller + ">\norigtime=" + now
                + "\nmsg_id=" + now + "-" + String.format(Locale.ROOT, "%08x", caller.hashCode() & 0x7fffffff)
                + "\nduration=" + (n + 3) + "\n",
                StandardCharsets.US_ASCII);
    }

    /** Asterisk's next message number: the highest {@code .txt} index plus one, gaps ignored. */
    private static int nextNumber(Path folder) throws IOException {
        int max = -1;
        try (Stream<Path> s = Files.list(folder)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Matcher m = MSG_TXT.matcher(p.getFileName().toString());
                if (m.matches()) {
                    max = Math.max(max, Integer.parseInt(m.group(1)));
                }
            }
        }
        return max + 1;
    }

    private void list(Path dir, long me, long second) throws IOException {
        io.out.println(pad() + "$ ls -la " + dir.getFileName());
        List<Path> entries = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.sorted(Comparator.comparing(p -> p.getFileName().toString())).forEach(entries::add);
        }
        for (Path p : entries) {
            PosixFileAttributes a;
            try {
                a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (IOException e) {
                continue; // vanished meanwhile
            }
            Object nlink = Files.getAttribute(p, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
            String name = p.getFileName().toString();
            String note = "";
            if (name.equals(".lock")) {
                Optional<LockOwner> o = LockOwner.parse(Files.readAllBytes(p));
                note = o.map(x -> "   <- the lock; owner record: pid " + x.pid()
                        + (x.pid() == me ? " (this process)" : x.pid() == second ? " (the second process)" : ""))
                        .orElse("   <- the lock (no owner record)");
            }
            io.out.printf(Locale.ROOT, "%s  %s%s %2s %-8s %6d %s %s%s%n", pad(), a.isDirectory() ? "d" : "-",
                    PosixFilePermissions.toString(a.permissions()), nlink, a.owner().getName(), a.size(),
                    CLOCK.format(a.lastModifiedTime().toInstant()), name, note);
        }
        io.out.flush();
    }

    private void say(String text) {
        synchronized (io.out) {
            io.out.println(stamp() + "  " + text);
            io.out.flush();
        }
    }

    private String stamp() {
        return String.format(Locale.ROOT, "[%5.2f s]", (System.nanoTime() - t0) / 1e9);
    }

    private static String pad() {
        return "           ";
    }

    private void closeQuietly(PathLock lock) {
        try {
            lock.close();
        } catch (LockException e) {
            io.warn(e.getMessage());
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort
                }
            });
        } catch (IOException e) {
            // best effort
        }
    }

    /**
     * The command line that starts {@code astlock} in a new JVM on this JVM's class path.
     *
     * @param args the astlock arguments
     * @return the command line
     */
    static List<String> javaCommand(List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--enable-native-access=ALL-UNNAMED"); // accepted since Java 17, this code's minimum
        if (Runtime.version().feature() >= 23) {
            cmd.add("--sun-misc-unsafe-memory-access=allow"); // jnr's jffi; warns from Java 24 on
        }
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-Xshare:auto");
        cmd.add("-cp");
        cmd.add(classPath());
        cmd.add(AstlockCli.class.getName());
        cmd.addAll(args);
        return cmd;
    }

    /**
     * This JVM's class path (and module path) as absolute entries, with the {@code Class-Path}
     * of a manifest-only jar (as Surefire uses) expanded.
     */
    static String classPath() {
        Set<String> entries = new LinkedHashSet<>();
        for (String property : new String[] {"java.class.path", "jdk.module.path"}) {
            String value = System.getProperty(property);
            if (value == null || value.isBlank()) {
                continue;
            }
            for (String e : value.split(File.pathSeparator)) {
                if (e.isBlank()) {
                    continue;
                }
                Path p = Path.of(e).toAbsolutePath();
                entries.add(p.toString());
                entries.addAll(manifestClassPath(p));
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    private static List<String> manifestClassPath(Path jar) {
        List<String> out = new ArrayList<>();
        if (!jar.toString().endsWith(".jar") || !Files.isRegularFile(jar)) {
            return out;
        }
        try (JarFile jf = new JarFile(jar.toFile())) {
            Manifest m = jf.getManifest();
            String cp = m == null ? null : m.getMainAttributes().getValue("Class-Path");
            if (cp == null) {
                return out;
            }
            for (String url : cp.trim().split("\\s+")) {
                try {
                    out.add(Path.of(jar.toUri().resolve(url)).toString());
                } catch (RuntimeException e) {
                    // not a file URL
                }
            }
        } catch (IOException e) {
            // not a readable jar
        }
        return out;
    }
}
