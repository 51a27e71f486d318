package io.github.astlock.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code vm} commands against other processes: an {@code astlock run} in another JVM holds a
 * folder, and a {@code vm deliver} in a third JVM is killed with SIGKILL while it waits for that
 * lock, leaving a journal and staged files; {@code vm check --repair} then rolls it back.
 */
@SuppressWarnings("unchecked")
class VmCrossProcessTest extends VmSpoolFixture {

    private List<String> spoolArgs() {
        return List.of("--spool", spool.toString(), "--conf", conf.toString(), "--voicemail-conf", vmConf.toString());
    }

    /** Holds {@code dir}'s lockfile-mode lock in another JVM until stopped. */
    private Cli hold(Path dir) throws IOException {
        Cli holder = Cli.start("run", "--mode", "lockfile", "--timeout", "30s", dir.toString(), "--", "sleep", "120");
        Cli.waitFor(dir + "/.lock", Duration.ofSeconds(60), () -> Files.exists(dir.resolve(".lock")));
        return holder;
    }

    /** Stops the holder with SIGTERM: it stops its command and releases the lock. */
    private static void release(Cli holder) throws InterruptedException {
        holder.process.destroy();
        assertTrue(holder.process.waitFor(60, TimeUnit.SECONDS), holder::transcript);
    }

    @Test
    void aChangeWaitsForAnotherProcesssLockAndTimesOutWith75() throws Exception {
        String id = deliver("1234");
        Path inbox = spool.resolve("default/1234/INBOX");
        try (Cli holder = hold(inbox)) {
            assertEquals(ExitCodes.TEMP_FAIL, vm("delete", "--timeout", "0", "1234", id), this::transcript);
            assertTrue(err.toString().contains("1234@default") && err.toString().contains("INBOX"), this::transcript);
            assertEquals(List.of(id), ids("1234", "INBOX"));
            release(holder);
        }
        assertFalse(Files.exists(inbox.resolve(".lock")));
        assertEquals(0, vm("delete", "--timeout", "0", "1234", id), this::transcript);
        assertEquals(List.of(), ids("1234", "INBOX"));
    }

    @Test
    void checkRepairRollsBackADeliveryKilledWhileWaitingForTheLock() throws Exception {
        String before = deliver("1234");
        Path inbox = spool.resolve("default/1234/INBOX");
        Path tmp = spool.resolve("default/1234/tmp");
        try (Cli holder = hold(inbox)) {
            List<String> args = new ArrayList<>(List.of("vm", "deliver"));
            args.addAll(spoolArgs());
            args.addAll(List.of("--timeout", "60s", "--callerid", "killed", "1234", "--audio", wav49.toString(),
                    "--audio", gsm.toString(), "--audio", wav.toString()));
            try (Cli deliverer = Cli.start(args.toArray(new String[0]))) {
                // the journal first, then the staged .txt and one staged file per format; then it waits for INBOX
                Cli.waitFor("journal, .txt and audio staged in " + tmp, Duration.ofSeconds(60),
                        () -> ours(tmp).size() == 5 && ours(tmp).stream().anyMatch(n -> n.endsWith(".journal")));
                deliverer.process.destroyForcibly();
                assertTrue(deliverer.process.waitFor(60, TimeUnit.SECONDS));
            }
            release(holder);
        }
        assertEquals(5, ours(tmp).size());

        assertEquals(ExitCodes.HELD, vm("check", "--json", "1234"), this::transcript);
        Map<String, Object> found = (Map<String, Object>) json();
        List<Map<String, Object>> anomalies = (List<Map<String, Object>>) ((List<Map<String, Object>>)
                found.get("mailboxes")).get(0).get("anomalies");
        assertEquals(5, anomalies.stream().filter(a -> a.get("kind").equals("INTERRUPTED_OPERATION")).count(),
                this::transcript);
        assertEquals(5, ours(tmp).size(), "check without --repair changes nothing");

        assertEquals(0, vm("check", "--json", "--repair"), this::transcript);
        Map<String, Object> repaired = (Map<String, Object>) json();
        List<Map<String, Object>> entries = (List<Map<String, Object>>) repaired.get("repair");
        assertEquals(1, entries.size(), this::transcript);
        assertEquals("DELIVER", entries.get(0).get("operation"));
        assertEquals("ROLLED_BACK", entries.get(0).get("outcome"));
        assertEquals(0L, repaired.get("problems"));
        assertEquals(List.of(), ours(tmp));
        assertEquals(List.of(before), ids("1234", "INBOX"), "the killed delivery left no message");

        assertEquals(0, vm("check", "1234"), this::transcript);
        assertTrue(out.toString().contains("no problems found in 1 mailbox"), this::transcript);
    }

    @Test
    void listInAnotherJvmSeesWhatThisOneDelivered() throws Exception {
        String id = deliver("1234", "--callerid", "from this JVM");
        List<String> args = new ArrayList<>(List.of("vm", "list", "--json"));
        args.addAll(spoolArgs());
        args.add("1234");
        Cli.Result r = Cli.run(args.toArray(new String[0]));
        assertEquals(0, r.exit(), r::toString);
        Map<String, Object> listing = (Map<String, Object>) MiniJson.parse(r.out());
        Map<String, Object> m = ((List<Map<String, Object>>) ((List<Map<String, Object>>) listing.get("folders"))
                .get(0).get("messages")).get(0);
        assertEquals(id, m.get("msgId"));
        assertEquals("from this JVM", m.get("callerId"));
    }

    private static List<String> ours(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("astlock-"))
                    .collect(Collectors.toList());
        } catch (IOException e) {
            return List.of();
        }
    }
}
