package io.github.astlock.nio;

import io.github.astlock.LockException;
import io.github.astlock.LockOptions;
import io.github.astlock.PathLock;
import io.github.astlock.PathLocker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A runnable example: builds a throwaway voicemail spool, locks its INBOX in Asterisk's default
 * LOCKFILE mode, adds a message the way Asterisk does (audio first, {@code .txt} last), and shows
 * what is on disk at each step.
 */
public final class SpoolDemo {
    private SpoolDemo() {
    }

    /**
     * @param args the spool root to create (default {@code target/demo-spool})
     * @throws Exception when the demo fails
     */
    public static void main(String[] args) throws Exception {
        Path spool = Path.of(args.length > 0 ? args[0] : "target/demo-spool").toAbsolutePath();
        Path mailbox = spool.resolve("voicemail/default/1234");
        Path inbox = mailbox.resolve("INBOX");
        Path staging = mailbox.resolve("tmp");
        Files.createDirectories(inbox);
        Files.createDirectories(mailbox.resolve("Old"));
        Files.createDirectories(staging);
        try (Stream<Path> old = Files.list(inbox)) {
            for (Path p : (Iterable<Path>) old::iterator) {
                Files.delete(p);
            }
        }

        PathLocker locker = PathLocker.create(LockOptions.builder().timeout(Duration.ofSeconds(2)).build());
        System.out.println("backend: " + locker.backend().id() + ", " + locker.options());
        System.out.println("spool:   " + spool);

        // Stage outside the folder, under names Asterisk ignores.
        Path stagedWav = Files.writeString(staging.resolve("demo-audio"), "RIFF....WAVE", StandardCharsets.US_ASCII);
        Path stagedTxt = Files.writeString(staging.resolve("demo-meta"),
                "[message]\norigmailbox=1234\ncontext=demo\ncallerid=\"Demo\" <100>\nduration=3\n", StandardCharsets.US_ASCII);

        show("before locking", inbox);
        try (PathLock lock = locker.lock(inbox)) {
            show("while " + lock.mode() + " lock is held", inbox);
            try {
                locker.lock(inbox, Duration.ZERO).close();
            } catch (LockException expected) {
                System.out.println("  a second attempt from this thread: " + expected.getClass().getSimpleName());
            }
            Files.move(stagedWav, inbox.resolve("msg0000.wav"), StandardCopyOption.ATOMIC_MOVE);
            lock.checkValid(); // just before the commit step: .txt last, as Asterisk does
            Files.move(stagedTxt, inbox.resolve("msg0000.txt"), StandardCopyOption.ATOMIC_MOVE);
            show("message added, lock still held", inbox);
        }
        show("after release", inbox);
    }

    private static void show(String title, Path dir) throws IOException {
        System.out.println("-- " + title + ": ls -la " + dir.getFileName());
        try (Stream<Path> s = Files.list(dir)) {
            String listing = s.sorted().map(p -> {
                try {
                    return String.format("  %s %2d %6d %s", Files.isRegularFile(p) ? "-" : "d",
                            (Integer) Files.getAttribute(p, "unix:nlink"), Files.size(p), p.getFileName());
                } catch (IOException e) {
                    return "  ? " + p.getFileName();
                }
            }).collect(Collectors.joining("\n"));
            System.out.println(listing.isEmpty() ? "  (empty)" : listing);
        }
    }
}
