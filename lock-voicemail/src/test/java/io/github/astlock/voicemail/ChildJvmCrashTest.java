package io.github.astlock.voicemail;

import static io.github.astlock.voicemail.SpoolTestSupport.BOX;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.astlock.LockOptions;
import io.github.astlock.PathLocker;
import io.github.astlock.StalePolicy;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crashes in another process: a child JVM dies (no cleanup, its {@code .lock} left behind) at
 * every file-system step of a delivery and of a move, or is killed with SIGKILL in the middle
 * of a stream of operations; then this process recovers the spool and checks it.
 */
class ChildJvmCrashTest {
    private static final String FORMATS = "wav49|gsm|wav";

    @TempDir
    Path base;

    private final VoicemailConfig config = VoicemailConfig.of(FORMATS, 50, 3);

    /** A locker that breaks the {@code .lock} of a dead process, as an operator would configure after a crash. */
    private static PathLocker recoveringLocker() {
        return PathLocker.create(LockOptions.builder().stalePolicy(StalePolicy.deadOwner()).build(), "nio");
    }

    private static List<String> command(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(CrashChild.class.getName());
        cmd.addAll(List.of(args));
        return cmd;
    }

    private VoicemailSpool recover(Path root) throws IOException {
        return VoicemailSpool.open(root, recoveringLocker(), config, SpoolTestSupport.FAST);
    }

    /**
     * No anomaly and nothing of ours in tmp/. A dead child's {@code .lock} may remain in a folder
     * recovery had no reason to lock; it is broken by the stale policy at the next lock.
     */
    private static void assertClean(VoicemailSpool spool, String where) throws IOException {
        assertEquals(List.of(), spool.inspect(BOX), where);
        try (Stream<Path> s = Files.walk(spool.root())) {
            assertEquals(List.of(), s.filter(p -> p.getFileName().toString().startsWith("astlock-"))
                    .map(Path::toString).toList(), where);
        }
        for (Folder f : Folder.values()) {
            spool.listLocked(BOX, f);
            assertTrue(!Files.exists(spool.folderPath(BOX, f).resolve(".lock")), where + ": " + f);
        }
    }

    private static Map<String, List<String>> locations(VoicemailSpool spool) throws IOException {
        Map<String, List<String>> out = new HashMap<>();
        for (Folder f : Folder.values()) {
            for (VoicemailMessage m : spool.list(BOX, f).messages()) {
                assertEquals(3, m.audio().size(), "formats of " + m.location());
                out.computeIfAbsent(m.msgId().orElseThrow(), k -> new ArrayList<>()).add(f.dirName());
            }
        }
        return out;
    }

    @Test
    void childDyingAtEveryStepOfDeliverAndMoveIsRecovered() throws Exception {
        for (String op : List.of("deliver", "move")) {
            boolean finished = false;
            for (int k = 1; !finished; k++) {
                assertTrue(k < 60, op + ": the operation never finished");
                Path root = Files.createDirectories(base.resolve(op + k));
                VoicemailSpool setup = SpoolTestSupport.open(root, config);
                String id = op.equals("deliver") ? "7-0000beef"
                        : setup.deliver(BOX, Folder.INBOX, SpoolTestSupport.message(config, "m")).msgId();
                Process p = new ProcessBuilder(command("halt", root.toString(), FORMATS, op, Integer.toString(k), id))
                        .redirectErrorStream(true).redirectOutput(base.resolve(op + k + ".log").toFile()).start();
                assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child did not end");
                int code = p.exitValue();
                assertTrue(code == 9 || code == 0, op + " step " + k + ": exit " + code + ": "
                        + Files.readString(base.resolve(op + k + ".log")));
                finished = code == 0;
                VoicemailSpool after = recover(root);
                String where = op + " died before step " + k;
                assertClean(after, where);
                List<String> at = locations(after).get(id);
                if (op.equals("deliver")) {
                    assertTrue(at == null || at.equals(List.of("INBOX")), where + ": " + at);
                    if (finished) {
                        assertEquals(List.of("INBOX"), at, where);
                    }
                } else {
                    assertTrue(List.of("INBOX").equals(at) || List.of("Old").equals(at), where + ": " + at);
                    if (finished) {
                        assertEquals(List.of("Old"), at, where);
                    }
                }
            }
        }
    }

    @Test
    void sigkillInTheMiddleOfManyOperationsLosesNothingThatWasReported() throws Exception {
        Path root = Files.createDirectories(base.resolve("loop"));
        SpoolTestSupport.open(root, config);
        Map<String, String> expected = new HashMap<>();
        for (int round = 0; round < 3; round++) {
            Process p = new ProcessBuilder(command("loop", root.toString(), FORMATS)).redirectErrorStream(true)
                    .start();
            List<String> lines = new ArrayList<>();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while (lines.size() < 40 + 13 * round && (line = r.readLine()) != null) {
                    if (line.matches("[DMX] .*")) {
                        lines.add(line);
                    }
                }
                p.toHandle().destroyForcibly(); // unlike Process.destroyForcibly, leaves its output readable
                assertTrue(p.waitFor(60, TimeUnit.SECONDS));
                // the child ran on while the lines above were read: what it reported since counts too
                while ((line = r.readLine()) != null) {
                    if (line.matches("[DMX] \\S+( \\S+)?")) {
                        lines.add(line);
                    }
                }
            }
            for (String l : lines) {
                String[] w = l.split(" ");
                assertTrue(w.length >= 2 && w[0].length() == 1, "unexpected child output: " + lines);
                switch (w[0]) {
                    case "D": expected.put(w[1], "INBOX"); break;
                    case "M": expected.put(w[1], w[2]); break;
                    default: expected.remove(w[1]);
                }
            }
            VoicemailSpool after = recover(root);
            assertClean(after, "round " + round);
            Map<String, List<String>> loc = locations(after);
            // the one move or delete in flight when killed may have gone through unreported
            int changed = 0;
            for (Map.Entry<String, String> e : expected.entrySet()) {
                if (!List.of(e.getValue()).equals(loc.get(e.getKey())) && ++changed > 1) {
                    assertEquals(List.of(e.getValue()), loc.get(e.getKey()), "round " + round + ": " + e.getKey());
                }
            }
            // at most the one operation in flight when killed may have gone through unreported
            int extra = 0;
            for (Map.Entry<String, List<String>> e : loc.entrySet()) {
                assertEquals(1, e.getValue().size(), "duplicated: " + e);
                if (!expected.containsKey(e.getKey())) {
                    extra++;
                    expected.put(e.getKey(), e.getValue().get(0));
                }
            }
            assertTrue(extra <= 1, "round " + round + ": " + extra + " unreported messages");
            // a move or delete in flight shows as a changed folder or a missing message: adopt the disk state
            expected.keySet().retainAll(loc.keySet());
            loc.forEach((id, f) -> expected.put(id, f.get(0)));
        }
    }
}
