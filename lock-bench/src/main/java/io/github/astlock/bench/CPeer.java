package io.github.astlock.bench;

import io.github.astlock.tck.PeerProcess;
import io.github.astlock.tck.Peers;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The C side of the harness: {@code bench-peer.c}, which includes the kit's Asterisk reference
 * unchanged, built once per run with the system C compiler.
 */
public final class CPeer {
    private final Path binary;

    private CPeer(Path binary) {
        this.binary = binary;
    }

    /**
     * Copies {@code bench-peer.c} and the kit's {@code asterisk-lock-ref.c} into a folder and
     * compiles them.
     *
     * @param workDir where to build
     * @param cc      the C compiler command
     * @return the built peer
     * @throws IOException when a source cannot be copied or the compiler fails
     */
    public static CPeer build(Path workDir, String cc) throws IOException {
        Path dir = Files.createDirectories(workDir.resolve("c"));
        copy(Peers.class, "asterisk-lock-ref.c", dir);
        copy(CPeer.class, "bench-peer.c", dir);
        Path binary = dir.resolve("bench-peer");
        PeerProcess compiler = PeerProcess.start("cc", dir, List.of(cc, "-O2", "-Wall", "-o", binary.toString(),
                dir.resolve("bench-peer.c").toString()));
        try (compiler) {
            if (compiler.awaitExit(Duration.ofMinutes(2)) != 0) {
                throw new IOException("compiling bench-peer.c failed: " + compiler.transcript());
            }
        }
        return new CPeer(binary);
    }

    private static void copy(Class<?> owner, String name, Path dir) throws IOException {
        try (InputStream in = owner.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException(name + " is not on the class path next to " + owner.getName());
            }
            Files.copy(in, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Starts the peer.
     *
     * @param timeoutSeconds the reference's whole-second lock timeout
     * @param args           the command and its arguments (see {@code bench-peer.c})
     * @return the running peer
     * @throws IOException when it cannot start
     */
    public PeerProcess start(int timeoutSeconds, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(binary.toString(), "-t", Integer.toString(timeoutSeconds)));
        cmd.addAll(List.of(args));
        return PeerProcess.start("bench-peer " + args[0] + (args.length > 1 ? " " + args[1] : ""), null, cmd);
    }

    /**
     * Runs a timing command ({@code loop}, {@code floor-*}) and returns its {@code NS} figure.
     *
     * @param args the command and its arguments
     * @return the nanoseconds it reported
     * @throws IOException when it cannot start
     */
    public long nanos(String... args) throws IOException {
        try (PeerProcess p = start(5, args)) {
            String line = p.awaitLine("NS ", Duration.ofMinutes(2));
            if (p.awaitExit(Duration.ofSeconds(30)) != 0) {
                throw new IOException("bench-peer failed: " + p.transcript());
            }
            return Long.parseLong(line.substring(3).trim());
        }
    }

    /**
     * Returns the number after the first word of a protocol line such as {@code REL 123}.
     *
     * @param line the line
     * @param word the index of the word to read, 1 for the first after the keyword
     * @return the number
     */
    public static long field(String line, int word) {
        return Long.parseLong(line.trim().split("\\s+")[word]);
    }
}
