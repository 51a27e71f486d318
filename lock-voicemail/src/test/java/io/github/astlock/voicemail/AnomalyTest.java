package io.github.astlock.voicemail;

import static io.github.astlock.voicemail.SpoolTestSupport.BOX;
import static io.github.astlock.voicemail.SpoolTestSupport.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.astlock.spi.ErrnoException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnomalyTest {
    @TempDir
    Path root;

    private final VoicemailConfig config = VoicemailConfig.of("gsm|wav", 10, 0);

    private static Set<Anomaly.Kind> kinds(List<Anomaly> l) {
        return l.stream().map(Anomaly::kind).collect(Collectors.toSet());
    }

    @Test
    void reportsWhatIsNotACleanMessageWithoutTouchingIt() throws Exception {
        VoicemailSpool s = SpoolTestSupport.open(root, config);
        Path inbox = Files.createDirectories(s.folderPath(BOX, Folder.INBOX));
        Files.writeString(inbox.resolve("msg0000.txt"), "[message]\ncallerid=a\norigtime=1\nmsg_id=1-a\n");
        Files.writeString(inbox.resolve("msg0001.txt"), "[message]\norigtime=1\nmsg_id=1-b\n");
        Files.writeString(inbox.resolve("msg0001.gsm"), "x");
        Files.writeString(inbox.resolve("msg0001.wav"), "x");
        Files.writeString(inbox.resolve("msg0002.wav"), "x");
        Files.writeString(inbox.resolve("msg0003.txt"), "[message]\ncallerid=a\norigtime=1\nmsg_id=1-b\n");
        Files.writeString(inbox.resolve("msg0003.gsm"), "x");
        Files.writeString(inbox.resolve("msg0003-bak.gsm"), "x");
        Files.writeString(inbox.resolve("msg0003_" + "a".repeat(40) + ".mp3"), "x");
        Files.writeString(inbox.resolve("abc1234.txt"), "x");
        Files.createDirectories(s.mailboxPath(BOX).resolve("inbox"));
        List<Anomaly> found = s.inspect(BOX);
        assertEquals(Set.of(Anomaly.Kind.GHOST, Anomaly.Kind.MISSING_REQUIRED_KEY, Anomaly.Kind.ORPHAN,
                Anomaly.Kind.DUPLICATE_MSG_ID, Anomaly.Kind.MISSING_FORMAT, Anomaly.Kind.BACKUP_FILE,
                Anomaly.Kind.CACHE_FILE, Anomaly.Kind.STRAY_NAME, Anomaly.Kind.NON_CANONICAL_FOLDER), kinds(found),
                found.toString());
        assertTrue(found.stream().anyMatch(a -> a.kind() == Anomaly.Kind.MISSING_REQUIRED_KEY
                && a.detail().contains("crashes")), found.toString());
        assertEquals(10, Files.list(inbox).count());
        FolderListing l = s.list(BOX, Folder.INBOX);
        assertEquals(3, l.count());

        AmbiguousMessageIdException amb = assertThrows(AmbiguousMessageIdException.class,
                () -> s.delete(new MessageRef(BOX, Folder.INBOX, "1-b")));
        assertEquals(List.of(1, 3), amb.indices());
        VoicemailSpool first = VoicemailSpool.open(root, SpoolTestSupport.nioLocker(), config,
                VoicemailOptions.builder().actOnFirstDuplicate(true).build());
        assertEquals(1, first.delete(new MessageRef(BOX, Folder.INBOX, "1-b")).before().orElseThrow().index());
        assertTrue(Files.exists(inbox.resolve("msg0003.txt")));
        assertThrows(MessageNotFoundException.class, () -> s.delete(new MessageRef(BOX, Folder.INBOX, "9-z")));
    }

    @Test
    void displayListingRetriesWhenAFileChangesWhileRead() throws Exception {
        VoicemailSpool s = SpoolTestSupport.open(root, config);
        s.deliver(BOX, Folder.INBOX, message(config, "a"));
        Path txt = s.folderPath(BOX, Folder.INBOX).resolve("msg0000.txt");
        String whole = Files.readString(txt);
        int[] reads = {0};
        SpoolFs tearing = new FaultyFs(0) {
            @Override
            public byte[] read(Path path) throws ErrnoException {
                if (path.equals(txt) && reads[0]++ == 0) {
                    // a writer truncating and rewriting in place, as Asterisk's copy does
                    byte[] torn = whole.substring(0, whole.indexOf("callerid")).getBytes();
                    try {
                        Files.writeString(txt, whole + "\n");
                    } catch (java.io.IOException e) {
                        throw new AssertionError(e);
                    }
                    return torn;
                }
                return super.read(path);
            }
        };
        VoicemailSpool t = VoicemailSpool.open(root, SpoolTestSupport.nioLocker(), config,
                VoicemailOptions.defaults(), tearing);
        FolderListing l = t.list(BOX, Folder.INBOX);
        assertEquals(2, reads[0]);
        assertEquals(List.of(), l.anomalies());
        assertEquals("a", l.messages().get(0).metadata().callerId().orElseThrow());
    }
}
