package io.github.astlock.bench;

import io.github.astlock.BackendInfo;
import io.github.astlock.LockBackends;
import io.github.astlock.LockMode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The cross-process benchmark harness: measures astlock beside the Asterisk C reference, the plain
 * system calls, {@code flock(1)} and {@code dotlockfile}, interleaved in one run, and prints a
 * Markdown table (figure, astlock, reference, ratio, target, met) with the machine's facts.
 *
 * <pre>
 * Harness [--quick | --tiny] [--only NAME,...] [--dir FOLDER] [--out FILE]
 *         [--launcher lock-cli/astlock] [--java17 JAVA_HOME] [--java25 JAVA_HOME] [--backend ID]
 * </pre>
 *
 * Measurements, each selectable with {@code --only}: {@code uncontended}, {@code waitcpu},
 * {@code timeout}, {@code handoff}, {@code threads}, {@code contention}, {@code scale},
 * {@code fdlimit}, {@code cli}.
 */
public final class Harness {
    /**
     * How much to measure.
     *
     * @param name       the size's name
     * @param ops        lock+release pairs per uncontended batch
     * @param rounds     interleaved rounds of uncontended batches (and CLI runs are rounds times this)
     * @param waitMs     how long the waiter waits behind a holder when its CPU is measured
     * @param timeouts   timed-out attempts of 200 ms per mode
     * @param handoffs   hand-overs per kind
     * @param javaCount  increments per astlock process in the contention run
     * @param cCount     increments per C process in the contention run
     * @param folders    folders held at once in the scale run
     * @param cliRuns    CLI start-ups per tool and JDK
     */
    public record Size(String name, int ops, int rounds, int waitMs, int timeouts, int handoffs, int javaCount,
                       int cCount, int folders, int cliRuns) {
    }

    /** The full run: about ten minutes on a two-core machine. */
    public static final Size FULL = new Size("full", 2000, 7, 3000, 20, 500, 1500, 20000, 10000, 21);
    /** A run of about a minute. */
    public static final Size QUICK = new Size("quick", 300, 3, 1000, 5, 100, 300, 3000, 2000, 5);
    /** A few seconds: only shows that every measurement works. */
    public static final Size TINY = new Size("tiny", 20, 1, 200, 2, 5, 20, 200, 50, 1);

    /** Every measurement, in the order they run. */
    public static final List<String> MEASUREMENTS = List.of("uncontended", "waitcpu", "timeout", "handoff", "threads",
            "contention", "scale", "fdlimit", "cli");

    final Size size;
    final Path root;
    final CPeer c;
    final String backend;
    final Map<String, String> options;
    final PrintStream log;
    private final List<Row> rows = new ArrayList<>();

    Harness(Size size, Path root, CPeer c, String backend, Map<String, String> options, PrintStream log) {
        this.size = size;
        this.root = root;
        this.c = c;
        this.backend = backend;
        this.options = options;
        this.log = log;
    }

    /**
     * Runs the harness.
     *
     * @param args see the class description
     * @throws Exception when a measurement cannot run
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> opts = parse(args);
        Size size = opts.containsKey("tiny") ? TINY : opts.containsKey("quick") ? QUICK : FULL;
        List<String> only = opts.containsKey("only") ? List.of(opts.get("only").split(",")) : MEASUREMENTS;
        for (String name : only) {
            if (!MEASUREMENTS.contains(name)) {
                throw new IllegalArgumentException("unknown measurement '" + name + "'; known: " + MEASUREMENTS);
            }
        }
        Path dir = Path.of(opts.getOrDefault("dir", Files.isDirectory(Path.of("/dev/shm")) ? "/dev/shm"
                : System.getProperty("java.io.tmpdir")));
        Path root = Files.createTempDirectory(dir, "astlock-bench-");
        Harness h = new Harness(size, root, CPeer.build(root, opts.getOrDefault("cc", "cc")),
                opts.getOrDefault("backend", LockBackends.select().id()), opts, System.err);
        try {
            List<Row> rows = h.run(only);
            String report = h.report(rows, only);
            System.out.println(report);
            Path out = Path.of(opts.getOrDefault("out", "bench-results.md"));
            Files.writeString(out, report, StandardCharsets.UTF_8);
            System.err.println("written to " + out.toAbsolutePath());
            if (rows.stream().anyMatch(r -> r.figure().endsWith(": could not be measured"))) {
                System.exit(1);
            }
        } finally {
            h.deleteTree(root);
        }
    }

    static Map<String, String> parse(String[] args) {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + a + "'");
            }
            String key = a.substring(2);
            if (key.equals("quick") || key.equals("tiny")) {
                opts.put(key, "");
            } else if (i + 1 < args.length) {
                opts.put(key, args[++i]);
            } else {
                throw new IllegalArgumentException(a + " needs a value");
            }
        }
        return opts;
    }

    /**
     * Runs the named measurements.
     *
     * @param names measurement names from {@link #MEASUREMENTS}
     * @return the rows they produced
     * @throws Exception when one cannot run
     */
    List<Row> run(List<String> names) throws Exception {
        for (String name : MEASUREMENTS) {
            if (!names.contains(name)) {
                continue;
            }
            long t0 = System.nanoTime();
            log.println("== " + name);
            try {
                measure(name);
            } catch (Exception | AssertionError e) {
                // one broken measurement does not cost the others: it becomes a row of its own
                e.printStackTrace(log);
                add(Row.target(name + ": could not be measured", String.valueOf(e).lines().findFirst().orElse("")
                        .replace(root.toString(), "FOLDER").replace('|', '/'), "–", "–", "runs", false));
            }
            log.printf(Locale.ROOT, "   (%s took %.1f s)%n", name, (System.nanoTime() - t0) / 1e9);
        }
        return List.copyOf(rows);
    }

    private void measure(String name) throws Exception {
        switch (name) {
            case "uncontended" -> Uncontended.run(this);
            case "waitcpu" -> Waiting.cpu(this);
            case "timeout" -> Waiting.timeouts(this);
            case "handoff" -> Handoff.crossProcess(this);
            case "threads" -> Handoff.threads(this);
            case "contention" -> Contention.run(this);
            case "scale" -> Scale.folders(this);
            case "fdlimit" -> Scale.descriptorLimit(this);
            case "cli" -> CliStartup.run(this);
            default -> throw new IllegalStateException(name);
        }
    }

    /**
     * Adds a row to the table and shows it at once.
     *
     * @param row the row
     */
    void add(Row row) {
        rows.add(row);
        log.println("   " + row.markdown());
    }

    /**
     * A fresh empty folder under the run's scratch folder.
     *
     * @param name its name
     * @return the folder
     * @throws IOException when it cannot be made
     */
    Path folder(String name) throws IOException {
        Path p = root.resolve(name);
        deleteTree(p);
        return Files.createDirectories(p);
    }

    /**
     * The backends that can run here, in the order of their ids.
     *
     * @return their ids
     */
    List<String> backends() {
        List<String> ids = new ArrayList<>();
        for (BackendInfo b : LockBackends.list()) {
            if (b.usable()) {
                ids.add(b.id());
            }
        }
        ids.sort(null);
        return ids;
    }

    /**
     * Whether a backend supports a mode.
     *
     * @param id   the backend's id
     * @param mode the mode
     * @return whether it does
     */
    static boolean supports(String id, LockMode mode) {
        return LockBackends.select(id).supportedModes().containsAll(mode.components());
    }

    private String report(List<Row> rows, List<String> names) {
        StringBuilder sb = new StringBuilder();
        sb.append("Run ").append(Instant.now().toString(), 0, 16).append("Z, size `").append(size.name())
                .append("`, measurements: ").append(String.join(", ", names)).append("\n\n");
        sb.append(Machine.describe(root, options.containsKey("java25") ? Machine.version(options.get("java25"))
                : "none given")).append('\n');
        sb.append("| figure | astlock | C / reference | ratio | target | met? |\n");
        sb.append("|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            sb.append(r.markdown()).append('\n');
        }
        return sb.toString();
    }

    void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var walk = Files.walk(p)) {
            for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }
}
