package io.github.astlock.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.astlock.LockMode;
import io.github.astlock.tck.VoicemailPeer.Event;
import io.github.astlock.tck.VoicemailPeer.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The voicemail peer alone, against hand-made spools: numbering, limits, renumbering, formats, parsing. */
class VoicemailPeerTest {
    private static final String FORMATS = "wav49|gsm|wav";

    @TempDir
    Path mb;

    private static String txt(String id, String callerid) {
        return ";\n; Message Information file\n;\n[message]\norigmailbox=100\ncontext=default\nexten=s\n"
                + "rdnis=unknown\npriority=1\ncallerchan=Local/x\n" + (callerid == null ? "" : "callerid=" + callerid + "\n")
                + "origdate=Mon Nov 30 01:16:11 PM UTC 2026\norigtime=1796000000\ncategory=\nmsg_id=" + id
                + "\nflag=\nduration=2\n";
    }

    /** Writes a message by hand: the .txt and "<id> <ext>" audio per extension. */
    private void put(String folder, int index, String txt, String id, String... exts) throws IOException {
        Path dir = Files.createDirectories(mb.resolve(folder));
        String base = String.format("msg%04d", index);
        for (String ext : exts) {
            Files.writeString(dir.resolve(base + "." + ext), id + " " + ext + "\n");
        }
        if (txt != null) {
            Files.writeString(dir.resolve(base + ".txt"), txt);
        }
    }

    private VoicemailPeer peer() {
        return VoicemailPeer.of(mb, LockMode.LOCKFILE).formats(FORMATS).maxmsg(3);
    }

    private List<String> names(String folder) throws IOException {
        try (Stream<Path> s = Files.list(mb.resolve(folder))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
        }
    }

    @Test
    void deliveryNumbersAfterTheHighestIndexAndLeavesGaps() throws IOException {
        put("INBOX", 0, txt("a-1", "x"), "a-1", "WAV", "gsm", "wav");
        put("INBOX", 4, txt("a-2", "x"), "a-2", "WAV", "gsm", "wav");
        Run run = peer().maxmsg(10).run("deliver", "1");
        Event d = run.all("DELIVER", "OK").get(0);
        assertEquals(5, d.number("index"), run.events().toString());
        assertEquals("INBOX", d.get("folder"));
        String id = d.get("msg_id");
        assertTrue(id.matches("\\d+-[0-9a-f]{8}"), id);
        for (String ext : List.of("WAV", "gsm", "wav")) {
            assertEquals(id + " " + ext + "\n", Files.readString(mb.resolve("INBOX/msg0005." + ext)));
        }
        String t = Files.readString(mb.resolve("INBOX/msg0005.txt"));
        assertTrue(t.startsWith(";\n; Message Information file\n;\n[message]\norigmailbox="), t);
        assertTrue(t.contains("\nmsg_id=" + id + "\nflag=\nduration="), t);
        assertTrue(t.indexOf("callerid=") < t.indexOf("origtime="), t);
        assertFalse(Files.exists(mb.resolve("INBOX/msg0001.txt")), "a gap was filled");
        try (Stream<Path> tmp = Files.list(mb.resolve("tmp"))) {
            assertEquals(0, tmp.count(), "staging files left in tmp/");
        }
    }

    @Test
    void theIndexScanAcceptsLooseNames() throws IOException {
        // "msg%d.%3s" with extension txt: msg12.txt and msg0007.txtx count as 12 and 7
        Files.createDirectories(mb.resolve("INBOX"));
        Files.writeString(mb.resolve("INBOX/msg12.txt"), txt("l-1", "x"));
        Files.writeString(mb.resolve("INBOX/msg0007.txtx"), "junk");
        Event d = peer().maxmsg(100).run("deliver").all("DELIVER", "OK").get(0);
        assertEquals(13, d.number("index"));
    }

    @Test
    void inboxCountLimitsDeliveryButNotUrgent() throws IOException {
        Run run = peer().run("deliver", "4");
        assertEquals(3, run.all("DELIVER", "OK").size());
        assertEquals(1, run.all("DELIVER", "FULL").size());
        // Urgent is checked against the INBOX count: refused while INBOX is full ...
        assertEquals(1, peer().urgent().run("deliver").all("DELIVER", "FULL").size());
        // ... and unlimited once INBOX has room
        for (String n : names("INBOX")) {
            Files.delete(mb.resolve("INBOX").resolve(n));
        }
        Run urgent = peer().urgent().run("deliver", "5");
        assertEquals(5, urgent.all("DELIVER", "OK").size(), urgent.events().toString());
        assertEquals(4, urgent.all("DELIVER", "OK").get(4).number("index"));
        assertTrue(Files.readString(mb.resolve("Urgent/msg0004.txt")).contains("\nflag=Urgent\n"));
    }

    @Test
    void mixMonitorAcceptsOneMoreThanMaxmsgInOneFormat() throws IOException {
        Run run = peer().run("mixmon", "INBOX", "5");
        assertEquals(4, run.all("MIXMON", "OK").size(), run.events().toString());
        assertEquals(1, run.all("MIXMON", "FULL").size());
        assertEquals(List.of("msg0000.txt", "msg0000.wav"), names("INBOX").subList(0, 2));
        assertTrue(Files.readString(mb.resolve("INBOX/msg0000.txt")).contains("\nrdnis=Unknown\n"));
    }

    @Test
    void copyChecksTheIndexNotTheCount() throws IOException {
        put("Old", 0, txt("c-1", "x"), "c-1", "WAV", "gsm", "wav");
        put("Work", 2, txt("c-0", "x"), "c-0", "WAV", "gsm", "wav");
        Run run = peer().run("copy", "Old", "Work", "c-1");
        assertEquals(1, run.all("COPY", "FULL").size(), run.events().toString());
        Files.delete(mb.resolve("Work/msg0002.txt"));
        Run ok = peer().run("copy", "Old", "Work", "c-1");
        Event c = ok.all("COPY", "OK").get(0);
        assertEquals(0, c.number("to"), "msg0002 audio without .txt is invisible to numbering");
        assertEquals("c-1", c.get("msg_id"));
        assertTrue(Files.readString(mb.resolve("Work/msg0000.txt")).contains("msg_id=c-1"));
        assertTrue(Files.exists(mb.resolve("Old/msg0000.txt")), "copy keeps the source");
    }

    @Test
    void listingRenumbersOverGapsKeepingIdsAndOrder() throws IOException {
        put("INBOX", 0, txt("r-0", "x"), "r-0", "WAV", "gsm", "wav");
        put("INBOX", 2, txt("r-2", "x"), "r-2", "WAV", "gsm", "wav");
        put("INBOX", 5, txt("r-5", "x"), "r-5", "WAV", "gsm", "wav");
        Run run = peer().maxmsg(10).run("list", "INBOX");
        assertEquals(List.of("2>1", "5>2"), run.all("RESEQ", null).stream()
                .map(e -> e.get("from") + ">" + e.get("to")).toList());
        List<String> ids = run.messages().stream().map(e -> e.get("msg_id")).toList();
        assertEquals(List.of("r-0", "r-2", "r-5"), ids);
        for (Event m : run.messages()) {
            assertEquals(Map.of("WAV", m.get("msg_id") + " WAV", "gsm", m.get("msg_id") + " gsm", "wav",
                    m.get("msg_id") + " wav"), m.audio(), m.line());
            assertEquals("OK", m.get("play"));
        }
        assertFalse(Files.exists(mb.resolve("INBOX/msg0005.txt")));
        for (String f : List.of("Old", "Work", "Family", "Friends", "Cust1", "Cust5", "Deleted", "Urgent")) {
            assertTrue(Files.isDirectory(mb.resolve(f)), "open creates every folder: " + f);
        }
    }

    @Test
    void compactionLeaksTheDeletedMessagesOtherFormats() throws IOException {
        // a three-format message, then a .wav-only one; deleting the first slides the second over it
        put("INBOX", 0, txt("f-0", "x"), "f-0", "WAV", "gsm", "wav");
        put("INBOX", 1, txt("f-1", "x"), "f-1", "wav");
        Run run = peer().run("delete", "INBOX", "f-0");
        assertEquals("f-0", run.all("DELETE", "OK").get(0).get("msg_id"));
        Event m = peer().run("list", "INBOX").messages().get(0);
        assertEquals("f-1", m.get("msg_id"));
        assertEquals("f-1 wav", m.audio().get("wav"));
        assertEquals("f-0 WAV", m.audio().get("WAV"), "the deleted message's audio is inherited");
        assertEquals("f-0 gsm", m.audio().get("gsm"));
    }

    @Test
    void closeStopsAtAKeptMessageWithoutAudio() throws IOException {
        put("Old", 0, txt("g-0", "x"), "g-0", "wav");
        put("Old", 1, txt("g-1", "x"), "g-1");
        put("Old", 2, txt("g-2", "x"), "g-2", "wav");
        Run run = peer().maxmsg(10).formats("wav").run("delete", "Old", "g-2");
        assertEquals(1, run.all("CLOSE", "GAP").size(), run.events().toString());
        assertTrue(Files.exists(mb.resolve("Old/msg0002.txt")), "the deletion beyond the ghost is not applied");
    }

    @Test
    void deletedFolderRotates() throws IOException {
        for (int i = 0; i < 3; i++) {
            put("Old", i, txt("d-" + i, "x"), "d-" + i, "WAV", "gsm", "wav");
        }
        VoicemailPeer p = peer().maxDeleted(2);
        for (int i = 0; i < 3; i++) {
            assertEquals(1, p.run("delete", "Old", "d-" + i).all("DELETE", "OK").size());
        }
        List<String> kept = p.run("list", "Deleted").messages().stream().map(e -> e.get("msg_id")).toList();
        assertEquals(List.of("d-1", "d-2"), kept);
        assertEquals(0, p.run("list", "Old").messages().size());
    }

    @Test
    void theTxtIsParsedLikeAsterisk() throws IOException {
        String rewritten = ";!\n;! Automatically generated configuration file\n;!\n[message]\n"
                + "callerid = \"A\\;B\" <2>\norigtime = 1796000000\nmsg_id = p-0\n";
        put("INBOX", 0, rewritten, "p-0", "wav");
        put("INBOX", 1, txt("p-1", "\"A;B\" <1>"), "p-1", "wav");
        put("INBOX", 2, txt("p-2", "\"x;--y\" <3>").replace("\nmsg_id=p-2", "\nmsg_id=p-2\n--;\nflag=late"), "p-2",
                "wav");
        put("INBOX", 3, txt("p-3", null), "p-3", "wav");
        put("INBOX", 4, txt("p-4", "x").replace("origtime=1796000000\n", ""), "p-4", "wav");
        List<Event> ms = peer().maxmsg(10).formats("wav").run("list", "INBOX").messages();
        Map<String, Event> byIndex = new TreeMap<>();
        ms.forEach(m -> byIndex.put(m.get("index"), m));
        assertEquals("\"A;B\" <2>", byIndex.get("0").get("callerid"));
        assertEquals("p-0", byIndex.get("0").get("msg_id"));
        assertEquals("\"A", byIndex.get("1").get("callerid"), "an unescaped ';' cuts the value");
        assertEquals("\"x", byIndex.get("2").get("callerid"));
        assertEquals(null, byIndex.get("2").get("msg_id"), "';--' hides the following keys");
        assertEquals("late", byIndex.get("2").get("flag"), "'--;' ends the block comment");
        assertEquals("CRASH", byIndex.get("3").get("play"), "no callerid: VoiceMailMain would crash");
        assertEquals("SKIP", byIndex.get("4").get("play"), "no origtime: the message is not played");
        assertEquals("OK", byIndex.get("0").get("play"));
    }

    @ParameterizedTest
    @EnumSource(value = LockMode.class, names = {"LOCKFILE", "FLOCK"})
    void aLockTimeoutLosesTheMessageAndCleansStaging(LockMode mode) throws IOException {
        Path inbox = Files.createDirectories(mb.resolve("INBOX"));
        try (PeerProcess holder = Peers.asterisk(5, "hold", mode, inbox)) {
            holder.awaitLine("LOCK SUCCESS", Duration.ofSeconds(30));
            Run run = VoicemailPeer.of(mb, mode).timeoutSeconds(1).run("deliver");
            Event lost = run.all("DELIVER", "LOST").get(0);
            assertEquals("LOCKFAIL", lost.get("reason"), run.events().toString());
            holder.send("go");
            holder.awaitLine("UNLOCK", Duration.ofSeconds(30));
        }
        assertEquals(List.of(), names("INBOX"));
        assertEquals(List.of(), names("tmp"));
    }

    @ParameterizedTest
    @EnumSource(value = LockMode.class, names = {"LOCKFILE", "FLOCK"})
    void randomWorkloadKeepsEveryMessageAccountedFor(LockMode mode) throws IOException {
        VoicemailPeer p = VoicemailPeer.of(mb, mode).formats(FORMATS).maxmsg(20).maxDeleted(0)
                .ops("deliver", "urgent", "renumber", "list", "move", "delete", "copy");
        Run run = p.run("random", "7", "300");
        Map<String, Integer> expected = new HashMap<>();
        for (Event e : run.events()) {
            if (!e.result().equals("OK")) {
                continue;
            }
            switch (e.kind()) {
                case "DELIVER" -> expected.merge(e.get("folder") + "/" + e.get("msg_id"), 1, Integer::sum);
                case "COPY" -> expected.merge(e.get("dst") + "/" + e.get("msg_id"), 1, Integer::sum);
                case "MOVE" -> {
                    expected.merge(e.get("src") + "/" + e.get("msg_id"), -1, Integer::sum);
                    expected.merge(e.get("dst") + "/" + e.get("msg_id"), 1, Integer::sum);
                }
                case "DELETE" -> expected.merge(e.get("folder") + "/" + e.get("msg_id"), -1, Integer::sum);
                default -> {
                }
            }
        }
        expected.values().removeIf(v -> v == 0);
        Map<String, Integer> found = new HashMap<>();
        List<String> mixed = new ArrayList<>();
        for (String f : List.of("INBOX", "Old", "Work", "Urgent")) {
            for (Event m : p.run("list", f).messages()) {
                found.merge(f + "/" + m.get("msg_id"), 1, Integer::sum);
                m.audio().forEach((ext, content) -> {
                    if (!content.equals(m.get("msg_id") + " " + ext)) {
                        mixed.add(m.line());
                    }
                });
            }
        }
        assertTrue(run.all("DELIVER", "OK").size() > 20, "the workload did too little: " + run.events().size());
        assertEquals(new TreeMap<>(expected), new TreeMap<>(found));
        assertEquals(List.of(), mixed);
    }
}
