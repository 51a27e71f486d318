package io.github.astlock.voicemail.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.astlock.LockMode;
import io.github.astlock.tck.PeerProcess;
import io.github.astlock.tck.VoicemailPeer;
import io.github.astlock.tck.VoicemailPeer.Event;
import io.github.astlock.tck.VoicemailPeer.Run;
import io.github.astlock.voicemail.Folder;
import io.github.astlock.voicemail.InvalidMessageException;
import io.github.astlock.voicemail.MailboxFullException;
import io.github.astlock.voicemail.MessageRef;
import io.github.astlock.voicemail.OperationResult;
import io.github.astlock.voicemail.VoicemailException;
import io.github.astlock.voicemail.VoicemailMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Our voicemail API against the app_voicemail peer on one spool: each conformance case of the
 * voicemail specification that does not need a real Asterisk, with the peer's listing standing in
 * for Asterisk's.
 */
class PeerConformanceTest {
    private static final String FORMATS = "wav49|gsm|wav";

    @TempDir
    Path root;

    private PeerSpool box(LockMode mode, int maxmsg, int maxDeleted) {
        return PeerSpool.open(root, mode, FORMATS, maxmsg, maxDeleted);
    }

    private static Event only(List<Event> events, String what) {
        assertEquals(1, events.size(), what + ": " + events);
        return events.get(0);
    }

    /** CT-1: what we deliver is listed by the peer with the same id, caller id, time and duration. */
    @ParameterizedTest
    @EnumSource(value = LockMode.class, names = {"LOCKFILE", "FLOCK"})
    void roundTrip(LockMode mode) throws Exception {
        PeerSpool s = box(mode, 10, 0);
        Instant t = Instant.ofEpochSecond(1_796_000_000L);
        OperationResult r = s.deliver(Folder.INBOX, b -> b.callerId("\"Alice\" <201>").origTime(t).duration(7));
        assertEquals(0, r.after().orElseThrow().index());
        Run list = s.peer().run("list", "INBOX");
        Event m = only(list.messages(), "listed");
        assertEquals(r.msgId(), m.get("msg_id"));
        assertEquals("\"Alice\" <201>", m.get("callerid"));
        assertEquals("1796000000", m.get("origtime"));
        assertEquals("7", m.get("duration"));
        assertEquals("OK", m.get("play"));
        assertEquals(Map.of("WAV", r.msgId() + " WAV", "gsm", r.msgId() + " gsm", "wav", r.msgId() + " wav"),
                m.audio());
        assertEquals(List.of(), list.all("RESEQ", null), "our delivery left nothing to renumber");
        // the peer's next delivery counts ours (MailboxCount +1) and numbers after it
        Event d = only(s.peer().run("deliver").all("DELIVER", "OK"), "peer delivery");
        assertEquals(1, d.number("index"));
        assertEquals(List.of(), s.audit().problems());
    }

    /** CT-4: at maxmsg we refuse, the peer refuses; MixMonitor adds one more; Urgent has no limit there. */
    @ParameterizedTest
    @EnumSource(value = LockMode.class, names = {"LOCKFILE", "FLOCK"})
    void limits(LockMode mode) throws Exception {
        PeerSpool s = box(mode, 3, 0);
        s.deliver(Folder.INBOX);
        assertEquals(2, s.peer().run("deliver", "2").all("DELIVER", "OK").size());
        MailboxFullException full = assertThrows(MailboxFullException.class, () -> s.deliver(Folder.INBOX));
        assertEquals(3, full.count());
        assertEquals(1, s.peer().run("deliver").all("DELIVER", "FULL").size(), "leave_voicemail refuses too");
        // Asterisk's MixMonitor path is off by one: a fourth message (at index 3 = maxmsg)
        Event mix = only(s.peer().run("mixmon", "INBOX").all("MIXMON", "OK"), "mixmon over the limit");
        assertEquals(3, mix.number("index"));
        assertThrows(MailboxFullException.class, () -> s.deliver(Folder.INBOX));
        // Urgent: the peer checks INBOX's count only; with INBOX emptied it writes past maxmsg ...
        for (VoicemailMessage m : s.spool.list(PeerSpool.BOX, Folder.INBOX).messages()) {
            s.spool.delete(m.ref());
        }
        Run urgent = s.peer().urgent().run("deliver", "4");
        assertEquals(4, urgent.all("DELIVER", "OK").size(), urgent.events().toString());
        // ... we apply maxmsg to Urgent like any folder
        assertThrows(MailboxFullException.class, () -> s.deliver(Folder.URGENT, b -> b.flag("Urgent")));
        PeerSpool.Audit a = s.audit(false);
        assertEquals(4, a.count("Urgent"));
        assertEquals(List.of(), a.problems().stream().filter(p -> !p.contains("formats")).toList());
    }

    /** CT-7: a move by msg_id while the peer renumbers; never in both folders, never lost. */
    @ParameterizedTest
    @EnumSource(value = LockMode.class, names = {"LOCKFILE", "FLOCK"})
    void moveKeepsIdentityWhileThePeerRenumbers(LockMode mode) throws Exception {
        PeerSpool s = box(mode, 200, 0);
        List<String> ours = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            ours.add(s.deliver(Folder.INBOX).msgId());
            if (i % 3 == 0) {
                // gaps for the peer to close while we work
                s.spool.delete(new MessageRef(PeerSpool.BOX, Folder.INBOX, ours.remove(0)));
            }
        }
        AtomicBoolean stop = new AtomicBoolean();
        List<String> seen = new ArrayList<>();
        Thread sampler = new Thread(() -> {
            // the destination first, then the source: a rename-based move can never look doubled
            while (!stop.get()) {
                Set<String> old = ids(s.folder(Folder.OLD));
                Set<String> inbox = ids(s.folder(Folder.INBOX));
                for (String id : old) {
                    if (inbox.contains(id)) {
                        synchronized (seen) {
                            seen.add(id);
                        }
                    }
                }
            }
        });
        sampler.start();
        try (PeerProcess renumber = s.peer().ops("renumber", "list").start("random", "11", "400")) {
            for (String id : ours) {
                OperationResult r = s.spool.move(new MessageRef(PeerSpool.BOX, Folder.INBOX, id), Folder.OLD);
                assertEquals(id, r.msgId());
                assertEquals(Folder.OLD, r.after().orElseThrow().folder());
            }
            Run.of(renumber, Duration.ofMinutes(5));
        } finally {
            stop.set(true);
            sampler.join();
        }
        assertEquals(List.of(), seen, "a message was in INBOX and Old at once");
        PeerSpool.Audit a = s.audit();
        assertEquals(List.of(), a.problems());
        for (String id : ours) {
            assertEquals(1, a.messages().getOrDefault("Old/" + id, 0), id);
            assertFalse(a.messages().containsKey("INBOX/" + id), id);
        }
        assertEquals(ours.size(), a.count("Old"));
    }

    private static Set<String> ids(Path dir) {
        Set<String> out = new HashSet<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                if (p.getFileName().toString().endsWith(".txt")) {
                    try {
                        String id = PeerSpool.txtValue(Files.readString(p), "msg_id");
                        if (id != null) {
                            out.add(id);
                        }
                    } catch (java.io.IOException gone) {
                        // renamed away between list and read
                    }
                }
            }
        } catch (java.io.IOException e) {
            // folder not there yet
        }
        return out;
    }

    /** CT-8: we delete msg0001 of 3 and leave the gap; the peer's next listing closes it keeping the ids. */
    @ParameterizedTest
    @EnumSource(value = LockMode.class, names = {"LOCKFILE", "FLOCK"})
    void deleteLeavesAGapThePeerCloses(LockMode mode) throws Exception {
        PeerSpool s = box(mode, 10, 0);
        Run three = s.peer().run("deliver", "3");
        List<String> ids = three.all("DELIVER", "OK").stream().map(e -> e.get("msg_id")).toList();
        OperationResult r = s.spool.delete(new MessageRef(PeerSpool.BOX, Folder.INBOX, ids.get(1)));
        assertEquals(1, r.before().orElseThrow().index());
        try (Stream<Path> files = Files.list(s.folder(Folder.INBOX))) {
            assertEquals(List.of(), files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("msg0001"))
                    .toList(), "every file of the message is gone");
        }
        assertTrue(Files.exists(s.folder(Folder.INBOX).resolve("msg0002.txt")), "we never renumber");
        Run list = s.peer().run("list", "INBOX");
        assertEquals(1, list.all("RESEQ", null).size(), list.events().toString());
        assertEquals(List.of(ids.get(0), ids.get(2)), list.messages().stream().map(e -> e.get("msg_id")).toList());
        assertEquals(List.of(), s.audit().problems());
    }

    /** CT-10: values we write read back through the Asterisk-rules parser exactly; we read what Asterisk writes. */
    @Test
    void parserCompatibility() throws Exception {
        PeerSpool s = box(LockMode.LOCKFILE, 20, 0);
        List<String> callerIds = List.of("\"A;B\" <1>", "\"O'Brien, \\\"Pat\\\"\" <2>", "Ünïcødé <3>", "Unknown",
                "plain");
        List<String> ids = new ArrayList<>();
        for (String cid : callerIds) {
            ids.add(s.deliver(Folder.INBOX, b -> b.callerId(cid).category("").flag("")).msgId());
        }
        List<Event> listed = s.peer().run("list", "INBOX").messages();
        assertEquals(callerIds.size(), listed.size());
        for (int i = 0; i < callerIds.size(); i++) {
            assertEquals(ids.get(i), listed.get(i).get("msg_id"));
            assertEquals(callerIds.get(i), listed.get(i).get("callerid"), "escaping must round-trip");
            assertEquals("", listed.get(i).get("flag"));
        }
        // the other way: what the peer wrote, in Asterisk's layout, reads the same on our side
        Run peer = s.peer().callerId("\"Peer\" <9>").run("deliver");
        String pid = only(peer.all("DELIVER", "OK"), "peer delivery").get("msg_id");
        VoicemailMessage m = s.spool.read(new MessageRef(PeerSpool.BOX, Folder.INBOX, pid));
        assertEquals("\"Peer\" <9>", m.metadata().callerId().orElseThrow());
        // a file rewritten by Asterisk (";!" header, "key = value") and one from 20.x (macrocontext)
        Path inbox = s.folder(Folder.INBOX);
        Files.writeString(inbox.resolve("msg0009.txt"), ";!\n;! Automatically generated configuration file\n;!\n"
                + "[message]\norigmailbox = 100\ncontext = default\nmacrocontext = m\ncallerid = \"A\\;B\" <7>\n"
                + "origtime = 1796000001\nmsg_id = 1796000001-0000abcd\nflag = \nduration = 3\n");
        for (String ext : s.extensions()) {
            Files.write(inbox.resolve("msg0009." + ext), PeerSpool.audio("1796000001-0000abcd", ext));
        }
        VoicemailMessage r = s.spool.read(new MessageRef(PeerSpool.BOX, Folder.INBOX, "1796000001-0000abcd"));
        Event e = s.peer().run("list", "INBOX").messages().stream()
                .filter(x -> "1796000001-0000abcd".equals(x.get("msg_id"))).findFirst().orElseThrow();
        assertEquals(e.get("callerid"), r.metadata().callerId().orElseThrow());
        assertEquals(Long.parseLong(e.get("origtime")), r.metadata().origTime().orElseThrow());
        assertEquals("m", r.metadata().macroContext().orElseThrow());
    }

    /** CT-11: with all formats, the peer's compaction moves only our own audio; with one, FMT-6 shows. */
    @ParameterizedTest
    @EnumSource(value = LockMode.class, names = {"LOCKFILE", "FLOCK"})
    void formatsSurviveThePeersCompaction(LockMode mode) throws Exception {
        PeerSpool s = box(mode, 10, 0);
        String first = only(s.peer().run("deliver").all("DELIVER", "OK"), "peer").get("msg_id");
        String ours = s.deliver(Folder.INBOX).msgId();
        only(s.peer().run("delete", "INBOX", first).all("DELETE", "OK"), "peer delete");
        Event m = only(s.peer().run("list", "INBOX").messages(), "after compaction");
        assertEquals(ours, m.get("msg_id"));
        assertEquals(Map.of("WAV", ours + " WAV", "gsm", ours + " gsm", "wav", ours + " wav"), m.audio());
        assertEquals(List.of(), s.audit().problems());
    }

    /** CT-11, negative: a single-format message (explicit opt-in) inherits a deleted message's audio. */
    @Test
    void fewerFormatsInheritForeignAudio() throws Exception {
        PeerSpool s = box(LockMode.LOCKFILE, 10, 0);
        String first = only(s.peer().run("deliver").all("DELIVER", "OK"), "peer").get("msg_id");
        String id = s.spool.newMessageId(PeerSpool.BOX);
        s.spool.deliver(PeerSpool.BOX, Folder.INBOX, io.github.astlock.voicemail.NewMessage.builder().msgId(id)
                .callerId("x").audio("wav", PeerSpool.audio(id, "wav")).allowFewerFormats().build());
        s.peer().run("delete", "INBOX", first);
        Event m = only(s.peer().run("list", "INBOX").messages(), "after compaction");
        assertEquals(id, m.get("msg_id"));
        assertEquals(id + " wav", m.audio().get("wav"));
        assertEquals(first + " WAV", m.audio().get("WAV"), "the hazard the all-formats rule prevents");
    }

    /** CT-12: with backupdeleted the peer's rotation of Deleted still works around what we put there. */
    @ParameterizedTest
    @EnumSource(value = LockMode.class, names = {"LOCKFILE", "FLOCK"})
    void deletedFolderRotation(LockMode mode) throws Exception {
        PeerSpool s = box(mode, 10, 3);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(s.deliver(Folder.OLD).msgId());
        }
        // we move two into Deleted; the peer deletes three (rotating Deleted at 3)
        s.spool.move(new MessageRef(PeerSpool.BOX, Folder.OLD, ids.get(0)), Folder.DELETED);
        s.spool.move(new MessageRef(PeerSpool.BOX, Folder.OLD, ids.get(1)), Folder.DELETED);
        for (int i = 2; i < 5; i++) {
            only(s.peer().run("delete", "Old", ids.get(i)).all("DELETE", "OK"), "peer delete");
        }
        List<String> kept = s.peer().run("list", "Deleted").messages().stream().map(e -> e.get("msg_id")).toList();
        assertEquals(ids.subList(2, 5), kept, "the newest three, rotated down");
        // Deleted is full at maxdeletedmsg for us too; we never move Deleted into Deleted
        assertThrows(VoicemailException.class,
                () -> s.spool.move(new MessageRef(PeerSpool.BOX, Folder.DELETED, ids.get(2)), Folder.DELETED));
        assertEquals(List.of(), s.audit().problems());
    }

    /** CT-15: odd caller ids are written so that the peer's playback neither crashes nor loses keys. */
    @Test
    void crashGuard() throws Exception {
        PeerSpool s = box(LockMode.LOCKFILE, 100, 0);
        List<String> inputs = List.of("", " ", ";", ";--", "--;", "a;--b--;c", "\\", "\\;", "\"\" <>", "x".repeat(4000),
                "日本語 <5>", "tab\there", "=", "[message]", "#include x", "a\rb", "a\nb", "a\u0000b");
        List<String> delivered = new ArrayList<>();
        for (String cid : inputs) {
            try {
                delivered.add(s.deliver(Folder.INBOX, b -> b.callerId(cid)).msgId());
            } catch (InvalidMessageException refused) {
                // refusing is right only for what cannot be escaped in Asterisk's format
                if (Stream.of("\r", "\n", "\u0000", ";--", "--;").noneMatch(cid::contains)) {
                    fail("refused a value it can escape: '" + cid + "': " + refused);
                }
            }
        }
        assertTrue(delivered.size() >= inputs.size() - 6, delivered.toString());
        List<Event> listed = s.peer().run("list", "INBOX").messages();
        assertEquals(delivered, listed.stream().map(e -> e.get("msg_id")).toList(), "a key was hidden");
        for (Event e : listed) {
            assertEquals("OK", e.get("play"), "VoiceMailMain would not play it: " + e.line());
            assertTrue(e.fields().containsKey("callerid") && e.fields().containsKey("duration")
                    && e.fields().containsKey("flag"), e.line());
        }
        assertEquals(List.of(), s.audit().problems());
    }

    /** CT-15, the peer side: a message without callerid would crash Asterisk, and the peer says so. */
    @Test
    void aMissingCallerIdIsReportedAsACrash() throws Exception {
        PeerSpool s = box(LockMode.LOCKFILE, 10, 0);
        String id = s.deliver(Folder.INBOX).msgId();
        Path txt = s.folder(Folder.INBOX).resolve("msg0000.txt");
        Files.writeString(txt, Files.readString(txt).replaceAll("(?m)^callerid=.*\n", ""));
        Event e = only(s.peer().run("list", "INBOX").messages(), "listed");
        assertEquals(id, e.get("msg_id"));
        assertEquals("CRASH", e.get("play"));
    }

    /** The peer is the one in the test: a failure to start it must not pass silently. */
    @Test
    void thePeerRuns() throws Exception {
        Path exe = VoicemailPeer.executable();
        assertTrue(Files.isExecutable(exe), exe.toString());
    }
}
