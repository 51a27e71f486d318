package io.github.astlock.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every {@code vm} command in-process on a temporary spool: results, JSON shapes and exit codes. */
@SuppressWarnings("unchecked")
class VmCommandTest extends VmSpoolFixture {
    @Test
    void deliverThenListAndShowIt() throws IOException {
        String id = deliver("1234", "--callerid", "\"Alice\" <201>", "--duration", "7", "--orig-time",
                "2026-01-31T12:00:00Z");
        Path inbox = spool.resolve("default/1234/INBOX");
        assertEquals(Set.of("msg0000.txt", "msg0000.WAV", "msg0000.gsm", "msg0000.wav"), names(inbox));
        assertEquals("wav audio", Files.readString(inbox.resolve("msg0000.wav")));

        assertEquals(0, vm("list", "--json", "1234@default"), this::transcript);
        Map<String, Object> listing = (Map<String, Object>) json();
        assertEquals("1234@default", listing.get("mailbox"));
        assertEquals(spool.resolve("default/1234").toString(), listing.get("directory"));
        List<Map<String, Object>> folders = (List<Map<String, Object>>) listing.get("folders");
        assertEquals(List.of("INBOX", "Old", "Work", "Family", "Friends", "Cust1", "Cust2", "Cust3", "Cust4", "Cust5",
                "Deleted", "Urgent"), folders.stream().map(f -> f.get("folder")).collect(Collectors.toList()));
        Map<String, Object> in = folders.get(0);
        assertEquals(1L, in.get("count"));
        assertEquals(List.of(), in.get("anomalies"));
        Map<String, Object> m = ((List<Map<String, Object>>) in.get("messages")).get(0);
        assertEquals(Set.of("msgId", "mailbox", "folder", "index", "txt", "callerId", "origTime", "origDate",
                "duration", "flag", "urgent", "audio"), m.keySet());
        assertEquals(id, m.get("msgId"));
        assertEquals("INBOX", m.get("folder"));
        assertEquals(0L, m.get("index"));
        assertEquals("\"Alice\" <201>", m.get("callerId"));
        assertEquals(Instant.parse("2026-01-31T12:00:00Z").getEpochSecond(), m.get("origTime"));
        assertEquals(7L, m.get("duration"));
        assertEquals(false, m.get("urgent"));
        assertEquals(Set.of("WAV", "gsm", "wav"), ((Map<String, Object>) m.get("audio")).keySet());
        assertEquals(0L, folders.get(1).get("count"));

        assertEquals(0, vm("list", "1234"), this::transcript);
        assertTrue(out.toString().contains("1234@default INBOX: 1 message"), this::transcript);
        assertTrue(out.toString().contains(id) && out.toString().contains("\"Alice\" <201>"), this::transcript);

        assertEquals(0, vm("show", "--json", "1234", id), this::transcript);
        Map<String, Object> shown = (Map<String, Object>) json();
        Map<String, Object> one = ((List<Map<String, Object>>) shown.get("messages")).get(0);
        Map<String, Object> meta = (Map<String, Object>) one.get("metadata");
        assertEquals("\"Alice\" <201>", meta.get("callerid"));
        assertEquals(id, meta.get("msg_id"));
        assertEquals("7", meta.get("duration"));
        assertEquals(List.of(), one.get("warnings"));

        assertEquals(0, vm("show", "1234", id), this::transcript);
        assertTrue(out.toString().contains("callerid = \"Alice\" <201>"), this::transcript);
        assertTrue(out.toString().contains("audio gsm: " + inbox.resolve("msg0000.gsm")), this::transcript);
    }

    @Test
    void urgentFlagDeliversIntoUrgent() {
        String id = deliver("1234", "--flag", "Urgent");
        assertEquals(List.of(id), ids("1234", "Urgent"));
        assertEquals(List.of(), ids("1234", "INBOX"));
    }

    @Test
    void deliverRefusesWrongFormatsAndUnknownMailboxesLeavingNothing() throws IOException {
        assertEquals(ExitCodes.DATA_ERR, vm("deliver", "1234", "--audio", wav.toString()), this::transcript);
        assertTrue(err.toString().contains("no audio for .WAV, .gsm") && err.toString().contains("1234@default"),
                this::transcript);

        Path mp3 = Files.write(base.resolve("rec.mp3"), new byte[] {1});
        assertEquals(ExitCodes.DATA_ERR, vm("deliver", "1234", "--audio", wav49.toString(), "--audio", gsm.toString(),
                "--audio", wav.toString(), "--audio", mp3.toString()), this::transcript);
        assertTrue(err.toString().contains("[.mp3]"), this::transcript);

        Path other = Files.write(Files.createDirectories(base.resolve("x")).resolve("rec.wav"), new byte[] {1});
        assertEquals(ExitCodes.USAGE, vm("deliver", "1234", "--audio", wav.toString(), "--audio", other.toString()),
                this::transcript);
        assertTrue(err.toString().contains("same format"), this::transcript);

        assertEquals(ExitCodes.USAGE, vm("deliver", "1234", "--audio", base.resolve("none.wav").toString()),
                this::transcript);
        assertEquals(ExitCodes.DATA_ERR, vm("deliver", "1234", "--audio", wav49.toString(), "--audio", gsm.toString(),
                "--audio", wav.toString(), "--callerid", "two\nlines"), this::transcript);

        // not in the spool and not in voicemail.conf: a typo must not make a directory
        assertEquals(ExitCodes.NO_INPUT, vm("deliver", "9999", "--audio", wav49.toString(), "--audio", gsm.toString(),
                "--audio", wav.toString()), this::transcript);
        assertTrue(err.toString().contains("9999@default") && err.toString().contains("--create"), this::transcript);
        assertFalse(Files.exists(spool.resolve("default/9999")));

        assertEquals(List.of(), ids("1234", "INBOX"));
        assertEquals(List.of(), ours());
        // configured in voicemail.conf but never used yet: its directories are made
        String id = deliver("5678");
        assertEquals(List.of(id), ids("5678", "INBOX"));
    }

    @Test
    void moveCopyAndDeleteByIdWithJsonResults() throws IOException {
        String a = deliver("1234");
        String b = deliver("1234");

        assertEquals(0, vm("move", "--json", "1234", a, "--to", "old"), this::transcript);
        Map<String, Object> moved = (Map<String, Object>) json();
        assertEquals(false, moved.get("dryRun"));
        Map<String, Object> r = ((List<Map<String, Object>>) moved.get("results")).get(0);
        assertEquals("move", r.get("operation"));
        assertEquals(a, r.get("msgId"));
        assertEquals(Map.of("mailbox", "1234@default", "folder", "INBOX", "index", 0L), r.get("from"));
        assertEquals(Map.of("mailbox", "1234@default", "folder", "Old", "index", 0L), r.get("to"));
        assertEquals(List.of(a), ids("1234", "Old"));
        assertEquals(List.of(b), ids("1234", "INBOX"));

        assertEquals(0, vm("copy", "1234", b, "--to", "5678"), this::transcript);
        assertTrue(out.toString().startsWith("copied " + b + " from 1234@default INBOX (msg0001) to 5678@default INBOX"
                + " (msg0000)"), this::transcript);
        assertEquals(List.of(b), ids("5678", "INBOX"));
        assertEquals(List.of(b), ids("1234", "INBOX"));
        assertEquals(0, vm("copy", "1234", b, "--to", "1234", "--folder", "Work"), this::transcript);
        assertEquals(List.of(b), ids("1234", "Work"));
        // now in two folders: a move must be told which one
        assertEquals(ExitCodes.DATA_ERR, vm("move", "1234", b, "--to", "Family"), this::transcript);
        assertTrue(err.toString().contains("INBOX, Work") && err.toString().contains("--from"), this::transcript);
        assertEquals(0, vm("move", "1234", b, "--from", "Work", "--to", "Family"), this::transcript);
        assertEquals(List.of(b), ids("1234", "Family"));

        // one unknown id among good ones: the others are still done, the status says what failed
        assertEquals(ExitCodes.NO_INPUT, vm("delete", "--json", "1234", a, "1-deadbeef", "--from", "Old"),
                this::transcript);
        List<Map<String, Object>> results = (List<Map<String, Object>>) ((Map<String, Object>) json()).get("results");
        assertEquals(2, results.size());
        assertEquals("delete", results.get(0).get("operation"));
        assertNull(results.get(0).get("to"));
        assertEquals(Set.of("msgId", "error", "exitCode"), results.get(1).keySet());
        assertEquals((long) ExitCodes.NO_INPUT, results.get(1).get("exitCode"));
        assertTrue(((String) results.get(1).get("error")).contains("1234@default"), this::transcript);
        assertEquals(List.of(), ids("1234", "Old"));
        assertEquals(Set.of(), names(spool.resolve("default/1234/Old")));

        assertEquals(0, vm("delete", "1234", b, "--from", "inbox"), this::transcript);
        assertTrue(out.toString().startsWith("deleted " + b + " from 1234@default INBOX (msg0001)"), this::transcript);
        assertEquals(List.of(b), ids("1234", "Family"));
        assertEquals(0, vm("delete", "1234", b), this::transcript);
        assertTrue(out.toString().startsWith("deleted " + b + " from 1234@default Family (msg0000)"), this::transcript);
        assertEquals(ExitCodes.NO_INPUT, vm("delete", "1234", b), this::transcript);
        assertTrue(err.toString().startsWith("astlock: no such message in any folder [mailbox 1234@default, message "
                + b), this::transcript);
    }

    @Test
    void deleteOlderThanLeavesNewerMessages() throws IOException {
        long now = Instant.now().getEpochSecond();
        String old1 = deliver("1234", "--orig-time", Long.toString(now - 100 * 86400L));
        String fresh = deliver("1234", "--orig-time", Long.toString(now - 80 * 86400L));
        String old2 = deliver("1234", "--orig-time", Long.toString(now - 91 * 86400L));
        assertEquals(0, vm("move", "1234", old2, "--to", "Old"), this::transcript);
        String recent = deliver("1234");

        assertEquals(0, vm("delete", "--json", "--dry-run", "--older-than", "90d", "1234"), this::transcript);
        Map<String, Object> planned = (Map<String, Object>) json();
        assertEquals(true, planned.get("dryRun"));
        assertEquals(List.of(old1, old2), ((List<Map<String, Object>>) planned.get("results")).stream()
                .map(x -> x.get("msgId")).collect(Collectors.toList()));
        assertEquals(List.of(old1, fresh, recent), ids("1234", "INBOX"));

        assertEquals(0, vm("delete", "--older-than", "90d", "1234", "Old"), this::transcript);
        assertEquals(List.of(), ids("1234", "Old"));
        assertEquals(List.of(old1, fresh, recent), ids("1234", "INBOX"));

        assertEquals(0, vm("delete", "--older-than", "90d", "1234"), this::transcript);
        assertTrue(out.toString().startsWith("deleted " + old1 + " from 1234@default INBOX (msg0000)"),
                this::transcript);
        assertEquals(List.of(fresh, recent), ids("1234", "INBOX"));
        assertEquals(Set.of("msg0001.txt", "msg0001.WAV", "msg0001.gsm", "msg0001.wav", "msg0002.txt", "msg0002.WAV",
                "msg0002.gsm", "msg0002.wav"), names(spool.resolve("default/1234/INBOX")));
    }

    @Test
    void checkReportsProblemsAndRepairLeavesWhatIsNotOurs() throws IOException {
        String id = deliver("1234");
        assertEquals(0, vm("check", "--json"), this::transcript);
        Map<String, Object> clean = (Map<String, Object>) json();
        assertEquals(0L, clean.get("problems"));
        assertNull(clean.get("repair"));
        Map<String, Object> box = ((List<Map<String, Object>>) clean.get("mailboxes")).get(0);
        assertEquals(Map.of("mailbox", "1234@default", "directory", spool.resolve("default/1234").toString(),
                "anomalies", List.of(), "locks", List.of()), box);

        Path inbox = spool.resolve("default/1234/INBOX");
        Files.delete(inbox.resolve("msg0000.txt")); // audio without .txt
        Files.writeString(inbox.resolve("msg0005.txt"), "[message]\ncallerid=x\norigtime=1\nmsg_id=1-00000001\n");
        Files.createDirectories(spool.resolve("default/1234/inbox"));
        Files.writeString(inbox.resolve(".lock"), ""); // nobody's: an empty .lock of a dead Asterisk

        assertEquals(ExitCodes.HELD, vm("check", "--json", "--repair", "1234"), this::transcript);
        Map<String, Object> report = (Map<String, Object>) json();
        assertEquals(List.of(), report.get("repair"));
        box = ((List<Map<String, Object>>) report.get("mailboxes")).get(0);
        Set<Object> kinds = ((List<Map<String, Object>>) box.get("anomalies")).stream().map(x -> x.get("kind"))
                .collect(Collectors.toSet());
        assertEquals(Set.of("ORPHAN", "GHOST", "NON_CANONICAL_FOLDER"), kinds, this::transcript);
        List<Map<String, Object>> locks = (List<Map<String, Object>>) box.get("locks");
        assertEquals(1, locks.size(), this::transcript);
        assertEquals("INBOX", locks.get(0).get("folder"));
        assertEquals(true, ((Map<String, Object>) locks.get(0).get("status")).get("held"));
        // what is not provably ours is reported, never removed
        assertTrue(Files.exists(inbox.resolve("msg0000.wav")) && Files.exists(inbox.resolve("msg0005.txt")));
        assertTrue(Files.isDirectory(spool.resolve("default/1234/inbox")));

        assertEquals(ExitCodes.HELD, vm("check", "1234"), this::transcript);
        assertTrue(out.toString().contains("orphan: " + inbox.resolve("msg0000.WAV")), this::transcript);
        assertTrue(out.toString().contains("ghost: " + inbox.resolve("msg0005.txt")), this::transcript);
        assertTrue(out.toString().contains("problems found in 1 mailbox"), this::transcript);
        assertFalse(out.toString().contains(id), "the deleted .txt's id is gone: " + transcript());
    }

    @Test
    void usageAndNotFoundErrors() {
        assertEquals(ExitCodes.USAGE, vm("list"), this::transcript);
        assertEquals(ExitCodes.USAGE, vm("list", "1234", "Inbx"), this::transcript);
        assertTrue(err.toString().contains("unknown folder 'Inbx'"), this::transcript);
        assertEquals(ExitCodes.USAGE, vm("list", "1234@"), this::transcript);
        assertTrue(err.toString().contains("invalid mailbox '1234@'"), this::transcript);
        assertEquals(ExitCodes.USAGE, vm("delete", "1234"), this::transcript);
        assertEquals(ExitCodes.USAGE, vm("delete", "1234", "--older-than", "90d", "Old", "INBOX"), this::transcript);
        assertEquals(ExitCodes.USAGE, vm("delete", "1234", "--dry-run", "1-00000001"), this::transcript);
        assertEquals(ExitCodes.USAGE, vm("delete", "1234", "--older-than", "ninety days"), this::transcript);
        assertEquals(ExitCodes.USAGE, vm("move", "1234", "1-00000001"), this::transcript);
        assertEquals(ExitCodes.USAGE, vm("list", "--json", "1234", "Inbx"), this::transcript);
        assertEquals(Map.of("error", err.toString().lines().findFirst().orElseThrow().substring("astlock: ".length()),
                "exitCode", 64L), json(), this::transcript);

        assertEquals(ExitCodes.NO_INPUT, vm("list", "4321"), this::transcript);
        assertTrue(err.toString().startsWith("astlock: no such mailbox [mailbox 4321@default, path "
                + spool.resolve("default/4321") + ", ENOENT]"), this::transcript);
        assertEquals(ExitCodes.NO_INPUT, vm("show", "--json", "1234", "1-00000001"), this::transcript);
        assertEquals((long) ExitCodes.NO_INPUT, ((Map<String, Object>) json()).get("exitCode"), this::transcript);
        assertEquals(ExitCodes.NO_INPUT, vm("check", "1234@other"), this::transcript);

        spool = base.resolve("missing");
        assertEquals(ExitCodes.NO_INPUT, vm("list", "1234"), this::transcript);
        assertTrue(err.toString().contains(base.resolve("missing").toString()), this::transcript);

        out = new StringWriter();
        assertEquals(ExitCodes.USAGE, new AstlockCli(new PrintWriter(out, true), new PrintWriter(err, true), false)
                .execute("vm"));
        assertEquals(0, new AstlockCli(new PrintWriter(out, true), new PrintWriter(err, true), false)
                .execute("vm", "--help"));
        for (String code : List.of("65", "66", "75")) {
            assertTrue(out.toString().contains("\n  " + code + " "), "exit code " + code + " in vm --help:\n" + out);
        }
    }

    @Test
    void worksOnTheDemoSpool() throws IOException {
        Path demo = base.resolve("demo");
        assertEquals(0, new AstlockCli(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), false)
                .execute("demo", "--keep", "--dir", demo.toString()), err::toString);
        spool = demo.resolve("voicemail");
        vmConf = base.resolve("no-voicemail.conf");
        Files.writeString(vmConf, "[general]\nformat=wav\n");
        List<String> inbox = ids("1234", "INBOX");
        assertEquals(2, inbox.size(), this::transcript);
        assertEquals(List.of(), folder("1234", "INBOX").get("anomalies"), this::transcript);
        assertEquals(0, vm("move", "1234", inbox.get(0), "--to", "Old"), this::transcript);
        assertEquals(3, ids("1234", "Old").size());
        assertEquals(0, vm("delete", "1234", inbox.get(1)), this::transcript);
        assertEquals(List.of(), ids("1234", "INBOX"));
        assertEquals(0, vm("check", "1234"), this::transcript);
    }

    @Test
    void durationsTakeDays() {
        assertEquals(Duration.ofDays(90), Durations.parse("90d"));
        assertEquals(Duration.ofHours(36), Durations.parse("1.5d"));
    }
}
