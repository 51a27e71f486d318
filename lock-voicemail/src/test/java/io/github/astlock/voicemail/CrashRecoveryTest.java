package io.github.astlock.voicemail;

import static io.github.astlock.voicemail.SpoolTestSupport.BOX;
import static io.github.astlock.voicemail.SpoolTestSupport.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault injection at every file-system step of every changing operation: the operation "dies"
 * there (that step and everything after it fail), then a fresh spool's recovery pass runs and the
 * spool must be consistent: no ghost, no orphan, no duplicate, nothing of ours left in tmp/, and
 * the message either completely in one place or (for a delivery) completely absent.
 */
class CrashRecoveryTest {
    @TempDir
    Path base;

    private final VoicemailConfig config = VoicemailConfig.of("wav49|gsm|wav", 5, 3);

    /** An operation on a prepared spool; returns the id of the message concerned. */
    interface Op {
        String run(VoicemailSpool spool, Map<String, String> ids) throws IOException;
    }

    private Path template;
    private Map<String, String> templateIds;

    /** A copy of the prepared spool (made once). */
    private Map<String, String> prepare(Path root) throws IOException {
        if (template == null) {
            template = Files.createDirectories(base.resolve("template"));
            templateIds = fill(template);
        }
        try (Stream<Path> s = Files.walk(template)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path to = root.resolve(template.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        return templateIds;
    }

    /** Prepares a spool: INBOX holds a, b (a gap at 1: a=0, b=2), Old holds c; Deleted holds d0..d2 (full). */
    private Map<String, String> fill(Path root) throws IOException {
        VoicemailSpool s = SpoolTestSupport.open(root, config);
        Map<String, String> ids = new HashMap<>();
        ids.put("a", s.deliver(BOX, Folder.INBOX, message(config, "a")).msgId());
        String gap = s.deliver(BOX, Folder.INBOX, message(config, "gap")).msgId();
        ids.put("b", s.deliver(BOX, Folder.INBOX, message(config, "b")).msgId());
        s.delete(new MessageRef(BOX, Folder.INBOX, gap));
        ids.put("c", s.deliver(BOX, Folder.OLD, message(config, "c")).msgId());
        for (int i = 0; i < 3; i++) {
            ids.put("d" + i, s.deliver(BOX, Folder.DELETED, message(config, "d" + i)).msgId());
        }
        return ids;
    }

    private void runEverywhere(String name, Op op, Checker checker) throws Exception {
        int total;
        {
            Path root = Files.createDirectories(base.resolve(name + "-count"));
            Map<String, String> ids = prepare(root);
            FaultyFs counting = new FaultyFs(0);
            VoicemailSpool spool = VoicemailSpool.open(root, SpoolTestSupport.nioLocker(), config,
                    VoicemailOptions.defaults(), counting);
            op.run(spool, ids);
            total = counting.steps();
            assertTrue(total > 3, name + ": too few steps counted: " + counting.log);
        }
        for (int k = 1; k <= total; k++) {
            Path root = Files.createDirectories(base.resolve(name + "-" + k));
            Map<String, String> ids = prepare(root);
            FaultyFs faulty = new FaultyFs(k);
            VoicemailSpool spool = VoicemailSpool.open(root, SpoolTestSupport.nioLocker(), config,
                    VoicemailOptions.builder().recoverOnOpen(false).build(), faulty);
            try {
                op.run(spool, ids);
                // only a step after the commit point may fail without failing the operation
                assertTrue(faulty.crashed(), name + " step " + k + ": no crash happened: " + faulty.log);
            } catch (VoicemailException e) {
                assertTrue(faulty.crashed(), name + " step " + k + ": failed without a crash: " + e);
            }
            RecoveryReport report = SpoolTestSupport.open(root, config).recover();
            VoicemailSpool after = SpoolTestSupport.open(root, config);
            String where = name + " crashed at step " + k + " (" + faulty.log.get(faulty.log.size() - 1) + "), "
                    + report;
            assertConsistent(after, where);
            checker.check(after, ids, where);
        }
    }

    interface Checker {
        void check(VoicemailSpool spool, Map<String, String> ids, String where) throws IOException;
    }

    private void assertConsistent(VoicemailSpool spool, String where) throws IOException {
        List<Anomaly> anomalies = spool.inspect(BOX);
        assertEquals(List.of(), anomalies, where);
        List<String> leftovers = new ArrayList<>();
        try (Stream<Path> s = Files.walk(spool.root())) {
            s.filter(p -> p.getFileName().toString().startsWith("astlock-")).forEach(p -> leftovers.add(p.toString()));
        }
        assertEquals(List.of(), leftovers, where);
    }

    /** Where each message id is, with how many copies. */
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

    private static void assertUntouched(Map<String, List<String>> loc, Map<String, String> ids, String except,
                                        String where) {
        Map<String, String> home = Map.of("a", "INBOX", "b", "INBOX", "c", "Old", "d0", "Deleted", "d1", "Deleted",
                "d2", "Deleted");
        for (Map.Entry<String, String> e : home.entrySet()) {
            if (!e.getKey().equals(except) && !e.getKey().startsWith("d")) {
                assertEquals(List.of(e.getValue()), loc.get(ids.get(e.getKey())), where + ": message " + e.getKey());
            }
        }
    }

    @Test
    void deliveryIsAllOrNothingAtEveryStep() throws Exception {
        runEverywhere("deliver", (s, ids) -> s.deliver(BOX, Folder.INBOX, NewMessage.builder().msgId("1-abcdef01")
                .audio("wav49", new byte[] {1}).audio("gsm", new byte[] {2}).audio("wav", new byte[] {3}).build())
                .msgId(), (s, ids, where) -> {
                    Map<String, List<String>> loc = locations(s);
                    List<String> at = loc.get("1-abcdef01");
                    assertTrue(at == null || at.equals(List.of("INBOX")), where + ": " + at);
                    assertUntouched(loc, ids, null, where);
                });
    }

    @Test
    void moveLeavesTheMessageInExactlyOneFolderAtEveryStep() throws Exception {
        runEverywhere("move", (s, ids) -> s.move(new MessageRef(BOX, Folder.INBOX, ids.get("b")), Folder.OLD).msgId(),
                (s, ids, where) -> {
                    Map<String, List<String>> loc = locations(s);
                    List<String> at = loc.get(ids.get("b"));
                    assertTrue(List.of("INBOX").equals(at) || List.of("Old").equals(at), where + ": " + at);
                    assertUntouched(loc, ids, "b", where);
                });
    }

    @Test
    void moveIntoAFullDeletedFolderRotatesSafelyAtEveryStep() throws Exception {
        runEverywhere("rotate", (s, ids) -> s.move(new MessageRef(BOX, Folder.INBOX, ids.get("a")), Folder.DELETED)
                .msgId(), (s, ids, where) -> {
                    Map<String, List<String>> loc = locations(s);
                    List<String> at = loc.get(ids.get("a"));
                    assertTrue(List.of("INBOX").equals(at) || List.of("Deleted").equals(at), where + ": " + at);
                    assertTrue(s.list(BOX, Folder.DELETED).count() <= 3, where);
                    for (int i = 1; i < 3; i++) {
                        assertEquals(List.of("Deleted"), loc.get(ids.get("d" + i)), where + ": d" + i);
                    }
                    assertUntouched(loc, ids, "a", where);
                });
    }

    @Test
    void copyIsAllOrNothingAtEveryStep() throws Exception {
        runEverywhere("copy", (s, ids) -> s.copy(new MessageRef(BOX, Folder.OLD, ids.get("c")), BOX, Folder.WORK)
                .msgId(), (s, ids, where) -> {
                    Map<String, List<String>> loc = locations(s);
                    List<String> at = loc.get(ids.get("c"));
                    assertTrue(List.of("Old").equals(at) || List.of("Old", "Work").equals(at), where + ": " + at);
                    assertUntouched(loc, ids, "c", where);
                });
    }

    @Test
    void deleteIsAllOrNothingAtEveryStep() throws Exception {
        runEverywhere("delete", (s, ids) -> s.delete(new MessageRef(BOX, Folder.INBOX, ids.get("a"))).msgId(),
                (s, ids, where) -> {
                    Map<String, List<String>> loc = locations(s);
                    List<String> at = loc.get(ids.get("a"));
                    assertTrue(at == null || at.equals(List.of("INBOX")), where + ": " + at);
                    assertUntouched(loc, ids, "a", where);
                });
    }

}
