package io.github.astlock.voicemail;

import static io.github.astlock.voicemail.SpoolTestSupport.BOX;
import static io.github.astlock.voicemail.SpoolTestSupport.message;
import static io.github.astlock.voicemail.SpoolTestSupport.names;
import static io.github.astlock.voicemail.SpoolTestSupport.tree;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NumberingAndLimitsTest {
    @TempDir
    Path root;

    private final VoicemailConfig config = VoicemailConfig.of("wav49|gsm|wav", 5, 3);

    private static int indexOf(OperationResult r) {
        return r.after().orElseThrow().index();
    }

    @Test
    void newMessagesFollowTheHighestNumberAndNeverFillGaps() throws Exception {
        VoicemailSpool s = SpoolTestSupport.open(root, config);
        String a = s.deliver(BOX, Folder.INBOX, message(config, "a")).msgId();
        String b = s.deliver(BOX, Folder.INBOX, message(config, "b")).msgId();
        s.deliver(BOX, Folder.INBOX, message(config, "c"));
        s.delete(new MessageRef(BOX, Folder.INBOX, b));
        s.delete(new MessageRef(BOX, Folder.INBOX, a));
        assertEquals(3, indexOf(s.deliver(BOX, Folder.INBOX, message(config, "d"))));
        List<String> msgs = names(s.folderPath(BOX, Folder.INBOX)).stream().filter(n -> n.startsWith("msg"))
                .collect(Collectors.toList());
        assertEquals(List.of("msg0002.WAV", "msg0002.gsm", "msg0002.txt", "msg0002.wav", "msg0003.WAV",
                "msg0003.gsm", "msg0003.txt", "msg0003.wav"), msgs);
    }

    @Test
    void namesAsteriskCountsLooselyAreRespectedAndReported() throws Exception {
        VoicemailSpool s = SpoolTestSupport.open(root, config);
        Path inbox = Files.createDirectories(s.folderPath(BOX, Folder.INBOX));
        Files.writeString(inbox.resolve("msg2.txt"), "[message]\n");
        assertEquals(3, indexOf(s.deliver(BOX, Folder.INBOX, message(config, "a"))));
        assertTrue(s.list(BOX, Folder.INBOX).anomalies().stream()
                .anyMatch(x -> x.kind() == Anomaly.Kind.STRAY_NAME && x.path().endsWith("msg2.txt")));
    }

    @Test
    void numberWithOrphanAudioIsSkippedAndTheOrphanReported() throws Exception {
        VoicemailSpool s = SpoolTestSupport.open(root, config);
        Path inbox = Files.createDirectories(s.folderPath(BOX, Folder.INBOX));
        Files.writeString(inbox.resolve("msg0000.gsm"), "old audio");
        OperationResult r = s.deliver(BOX, Folder.INBOX, message(config, "a"));
        assertEquals(1, indexOf(r));
        assertTrue(r.notes().get(0).contains("number 0 skipped"), r.notes().toString());
        assertEquals("old audio", Files.readString(inbox.resolve("msg0000.gsm")));
        assertTrue(s.list(BOX, Folder.INBOX).anomalies().stream().anyMatch(x -> x.kind() == Anomaly.Kind.ORPHAN));
    }

    @Test
    void countAndNumberMustBothStayBelowMaxmsgInEveryFolderUrgentIncluded() throws Exception {
        VoicemailSpool s = SpoolTestSupport.open(root, config);
        for (int i = 0; i < 5; i++) {
            s.deliver(BOX, Folder.URGENT, message(config, "u" + i));
        }
        MailboxFullException byCount = assertThrows(MailboxFullException.class,
                () -> s.deliver(BOX, Folder.URGENT, message(config, "u5")));
        assertEquals(5, byCount.count());
        assertEquals(Folder.URGENT, byCount.folder().orElseThrow());
        // one message at number 4: count 1, but the next number would be 5 = maxmsg
        Path work = Files.createDirectories(s.folderPath(BOX, Folder.WORK));
        Files.writeString(work.resolve("msg0004.txt"), "[message]\ncallerid=x\norigtime=1\nmsg_id=1-a\n");
        Files.writeString(work.resolve("msg0004.wav"), "x");
        MailboxFullException byIndex = assertThrows(MailboxFullException.class,
                () -> s.deliver(BOX, Folder.WORK, message(config, "w")));
        assertEquals(1, byIndex.count());
        assertEquals(5, byIndex.nextIndex());
        assertTrue(byIndex.getMessage().contains("mailbox 1234@default"), byIndex.getMessage());
        assertEquals(List.of(), names(root.resolve("default/1234/tmp")));
    }

    @Test
    void maxmsgZeroRefusesEverything() throws Exception {
        VoicemailConfig none = VoicemailConfig.of("wav", 0, 0);
        VoicemailSpool s = SpoolTestSupport.open(root, none);
        assertThrows(MailboxFullException.class, () -> s.deliver(BOX, Folder.INBOX, message(none, "a")));
    }

    @Test
    void exactlyTheConfiguredFormatsAreWritten() throws Exception {
        VoicemailSpool s = SpoolTestSupport.open(root, config);
        InvalidMessageException missing = assertThrows(InvalidMessageException.class, () -> s.deliver(BOX,
                Folder.INBOX, NewMessage.builder().audio("wav", new byte[] {1}).build()));
        assertTrue(missing.getMessage().contains("audio missing for formats [wav49, gsm]"), missing.getMessage());
        InvalidMessageException extra = assertThrows(InvalidMessageException.class, () -> s.deliver(BOX,
                Folder.INBOX, NewMessage.builder().audio("mp3", new byte[] {1}).build()));
        assertTrue(extra.getMessage().contains("'mp3'"), extra.getMessage());
        assertEquals(List.of(), tree(root).stream().filter(n -> n.contains("msg") || n.contains("astlock"))
                .collect(Collectors.toList()));
        // by extension works as well as by name: WAV is wav49
        OperationResult r = s.deliver(BOX, Folder.INBOX, NewMessage.builder().audio("WAV", new byte[] {1})
                .audio("gsm", new byte[] {2}).audio("wav", new byte[] {3}).build());
        assertEquals(0, indexOf(r));
        // the documented opt-in: fewer formats, reported as a hazard
        s.deliver(BOX, Folder.INBOX, NewMessage.builder().audio("wav", new byte[] {1}).allowFewerFormats().build());
        assertTrue(s.list(BOX, Folder.INBOX).anomalies().stream()
                .anyMatch(x -> x.kind() == Anomaly.Kind.MISSING_FORMAT && x.index().getAsInt() == 1));
    }

    @Test
    void deliveredTxtHasEveryKeyInAsterisksOrder() throws Exception {
        VoicemailSpool s = SpoolTestSupport.open(root, config);
        OperationResult r = s.deliver(BOX, Folder.INBOX, message(config, ""));
        Path txt = s.folderPath(BOX, Folder.INBOX).resolve("msg0000.txt");
        List<String> keys = Files.readAllLines(txt).stream().filter(l -> l.contains("="))
                .map(l -> l.substring(0, l.indexOf('='))).collect(Collectors.toList());
        assertEquals(MessageMetadata.ASTERISK_KEYS, keys);
        String text = Files.readString(txt);
        assertTrue(text.contains("\ncallerid=Unknown\n"), text);
        assertTrue(Pattern.compile("\norigtime=\\d+\n").matcher(text).find(), text);
        assertTrue(Pattern.compile("^\\d+-[89a-f][0-9a-f]{7}$").matcher(r.msgId()).matches(), r.msgId());
        assertEquals("rw-rw-rw-", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(txt)));
    }

    @Test
    void deletedRotatesOldestOutWhenFull() throws Exception {
        VoicemailSpool s = SpoolTestSupport.open(root, config);
        String[] d = new String[3];
        for (int i = 0; i < 3; i++) {
            d[i] = s.deliver(BOX, Folder.DELETED, message(config, "d" + i)).msgId();
        }
        String a = s.deliver(BOX, Folder.INBOX, message(config, "a")).msgId();
        OperationResult r = s.move(new MessageRef(BOX, Folder.INBOX, a), Folder.DELETED);
        assertEquals(2, indexOf(r));
        List<String> ids = s.list(BOX, Folder.DELETED).messages().stream().map(m -> m.msgId().orElseThrow())
                .collect(Collectors.toList());
        assertEquals(List.of(d[1], d[2], a), ids);
        assertEquals(List.of(), s.inspect(BOX));
        VoicemailConfig noBackup = VoicemailConfig.of("wav49|gsm|wav", 5, 0);
        VoicemailSpool s2 = SpoolTestSupport.open(root, noBackup);
        String b = s2.deliver(BOX, Folder.INBOX, message(noBackup, "b")).msgId();
        assertThrows(MailboxFullException.class, () -> s2.move(new MessageRef(BOX, Folder.INBOX, b), Folder.DELETED));
    }

    @Test
    void copyKeepsTheIdAndTheTxtVerbatim() throws Exception {
        VoicemailSpool s = SpoolTestSupport.open(root, config);
        String a = s.deliver(BOX, Folder.INBOX, message(config, "a")).msgId();
        Mailbox other = Mailbox.of("default", "2000");
        OperationResult r = s.copy(new MessageRef(BOX, Folder.INBOX, a), other, Folder.INBOX);
        assertEquals(a, r.msgId());
        assertEquals(0, r.before().orElseThrow().index());
        assertEquals(Files.readString(s.folderPath(BOX, Folder.INBOX).resolve("msg0000.txt")),
                Files.readString(s.folderPath(other, Folder.INBOX).resolve("msg0000.txt")));
        assertEquals(3, s.read(new MessageRef(other, Folder.INBOX, a)).audio().size());
        assertThrows(InvalidMessageException.class, () -> s.copy(new MessageRef(BOX, Folder.INBOX, a), BOX,
                Folder.INBOX));
    }
}
