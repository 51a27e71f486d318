package io.github.astlock.tck;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A peer running in its own process: our child JVM, the C reference, {@code flock(1)} or
 * {@code dotlockfile}. Its standard output is read line by line as it arrives; its standard
 * error is collected for failure messages. A peer never outlives the test: {@link #close()}
 * kills it.
 */
public final class PeerProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> output = Collections.synchronizedList(new ArrayList<>());
    private final StringBuffer errors = new StringBuffer();
    private final long started = System.nanoTime();

    private PeerProcess(String name, Process process) {
        this.name = name;
        this.process = process;
        Thread out = new Thread(() -> pump(), name + "-stdout");
        out.setDaemon(true);
        out.start();
        Thread err = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    errors.append(line).append('\n');
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, name + "-stderr");
        err.setDaemon(true);
        err.start();
    }

    private void pump() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                output.add(line);
                lines.add(line);
            }
        } catch (IOException ignored) {
            // the process ended
        }
    }

    /**
     * Starts a peer.
     *
     * @param name    a short name for messages
     * @param workDir the working directory, or {@code null}
     * @param command the command line
     * @return the running peer
     * @throws IOException when it cannot be started
     */
    public static PeerProcess start(String name, Path workDir, List<String> command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command);
        if (workDir != null) {
            pb.directory(workDir.toFile());
        }
        return new PeerProcess(name, pb.start());
    }

    /**
     * Waits for the next line of output that starts with a prefix; other lines are skipped.
     *
     * @param prefix  the expected start
     * @param timeout how long to wait
     * @return the line
     * @throws AssertionError when the line does not come in time or the process ends first
     */
    public String awaitLine(String prefix, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                String line = lines.poll(Math.max(0, Math.min(left, TimeUnit.MILLISECONDS.toNanos(50))),
                        TimeUnit.NANOSECONDS);
                if (line != null) {
                    if (line.startsWith(prefix)) {
                        return line;
                    }
                    continue;
                }
                if (!process.isAlive() && lines.isEmpty()) {
                    // let the pump drain what is left
                    String last = lines.poll(200, TimeUnit.MILLISECONDS);
                    if (last != null) {
                        if (last.startsWith(prefix)) {
                            return last;
                        }
                        continue;
                    }
                    throw new AssertionError(name + " ended (exit " + process.exitValue() + ") without printing '"
                            + prefix + "'; " + transcript());
                }
                if (left <= 0) {
                    throw new AssertionError(name + " did not print '" + prefix + "' within " + timeout.toMillis()
                            + " ms; " + transcript());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for " + name, e);
        }
    }

    /**
     * Waits until every peer has printed a line starting with {@code prefix} and then ended with
     * exit status 0. Fails as soon as any one of them ends without it or with another status,
     * instead of waiting for the others first, and kills none: the caller closes them.
     *
     * @param peers  the peers, all running at once
     * @param prefix the line each must print, such as {@code DONE}
     * @param limit  how long all of them together may take
     * @throws AssertionError naming the first peer that failed, or those still running at the limit
     */
    public static void awaitAll(List<PeerProcess> peers, String prefix, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        List<PeerProcess> pending = new ArrayList<>(peers);
        List<PeerProcess> printed = new ArrayList<>();
        try {
            while (!pending.isEmpty()) {
                for (java.util.Iterator<PeerProcess> it = pending.iterator(); it.hasNext(); ) {
                    PeerProcess p = it.next();
                    if (!printed.contains(p)) {
                        for (String line; (line = p.lines.poll()) != null; ) {
                            if (line.startsWith(prefix)) {
                                printed.add(p);
                                break;
                            }
                        }
                    }
                    if (p.process.isAlive()) {
                        continue;
                    }
                    if (!printed.contains(p)) {
                        // let the pump drain what is left before judging
                        for (String line; (line = p.lines.poll(200, TimeUnit.MILLISECONDS)) != null; ) {
                            if (line.startsWith(prefix)) {
                                printed.add(p);
                                break;
                            }
                        }
                    }
                    int exit = p.process.exitValue();
                    if (!printed.contains(p) || exit != 0) {
                        throw new AssertionError(p.name + " ended with exit status " + exit
                                + (printed.contains(p) ? "" : " without printing '" + prefix + "'") + "; "
                                + p.transcript());
                    }
                    it.remove();
                }
                if (pending.isEmpty()) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(pending.size() + " of " + peers.size() + " peers did not finish within "
                            + limit.toMillis() + " ms: " + pending.stream().map(PeerProcess::transcript)
                            .collect(java.util.stream.Collectors.joining("; ")));
                }
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for " + pending, e);
        }
    }

    /**
     * Sends one line to the peer's standard input (for example to make a holder release).
     *
     * @param line the text, without line end
     */
    public void send(String line) {
        try {
            OutputStream in = process.getOutputStream();
            in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        } catch (IOException e) {
            throw new AssertionError(name + " is not reading its input: " + e + "; " + transcript(), e);
        }
    }

    /**
     * Waits for the process to end.
     *
     * @param timeout how long to wait
     * @return the exit code
     * @throws AssertionError when it does not end in time (it is then killed)
     */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(name + " did not end within " + timeout.toMillis() + " ms; " + transcript());
            }
            // give the readers a moment to collect the last lines
            Thread.sleep(20);
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new AssertionError("interrupted waiting for " + name, e);
        }
    }

    /**
     * Returns the operating-system process.
     *
     * @return the operating-system process
     */
    public Process process() {
        return process;
    }

    /**
     * Returns every line printed so far.
     *
     * @return every line printed so far
     */
    public List<String> output() {
        synchronized (output) {
            return List.copyOf(output);
        }
    }

    /**
     * Returns the peer's name, command output and errors so far, for assertion messages.
     *
     * @return the peer's name, command output and errors so far, for assertion messages
     */
    public String transcript() {
        return name + " (pid " + process.pid() + ", " + (System.nanoTime() - started) / 1_000_000 + " ms) stdout="
                + output() + " stderr=[" + errors.toString().strip() + "]";
    }

    /** Kills the process if it still runs, and its descendants. */
    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
