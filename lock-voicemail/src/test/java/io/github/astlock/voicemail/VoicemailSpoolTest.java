package io.github.astlock.voicemail;

import static io.github.astlock.voicemail.SpoolTestSupport.BOX;
import static io.github.astlock.voicemail.SpoolTestSupport.message;
import static io.github.astlock.voicemail.SpoolTestSupport.names;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VoicemailSpoolTest {
    @TempDir
    Path root;

    private final VoicemailConfig config = VoicemailConfig.of("wav49|gsm|wav", 3, 2);

    @Test
    void deliverListMoveDelete() throws Exception {
        // the default options: every write flushed to disk
        VoicemailSpool spool = VoicemailSpool.open(root, SpoolTestSupport.nioLocker(), config,
                VoicemailOptions.defaults());
        OperationResult d = spool.deliver(BOX, Folder.INBOX, message(config, "\"A;B\" <201>"));
        assertEquals(0, d.after().orElseThrow().index());
        Path inbox = spool.folderPath(BOX, Folder.INBOX);
        assertEquals(List.of("msg0000.WAV", "msg0000.gsm", "msg0000.txt", "msg0000.wav"), names(inbox));
        String txt = Files.readString(inbox.resolve("msg0000.txt"), StandardCharsets.UTF_8);
        assertTrue(txt.contains("callerid=\"A\\;B\" <201>\n"), txt);
        assertEquals(List.of(), names(root.resolve("default/1234/tmp")));

        FolderListing l = spool.list(BOX, Folder.INBOX);
        assertEquals(1, l.count());
        assertEquals("\"A;B\" <201>", l.messages().get(0).metadata().callerId().orElseThrow());
        assertEquals(List.of(), l.anomalies());

        OperationResult m = spool.move(new MessageRef(BOX, Folder.INBOX, d.msgId()), Folder.OLD);
        assertEquals(0, m.after().orElseThrow().index());
        assertEquals(List.of(), names(inbox).stream().filter(n -> n.startsWith("msg")).toList());
        assertEquals(d.msgId(), spool.list(BOX, Folder.OLD).messages().get(0).msgId().orElseThrow());

        spool.delete(new MessageRef(BOX, Folder.OLD, d.msgId()));
        assertEquals(List.of(), names(spool.folderPath(BOX, Folder.OLD)).stream()
                .filter(n -> n.startsWith("msg")).toList());
    }

    @Test
    void fullMailboxIsRefusedAndLeavesNothing() throws Exception {
        VoicemailSpool spool = SpoolTestSupport.open(root, config);
        for (int i = 0; i < 3; i++) {
            spool.deliver(BOX, Folder.INBOX, message(config, "c" + i));
        }
        MailboxFullException e = assertThrows(MailboxFullException.class,
                () -> spool.deliver(BOX, Folder.INBOX, message(config, "c4")));
        assertEquals(3, e.limit());
        assertEquals(List.of(), names(root.resolve("default/1234/tmp")));
        assertEquals(12, names(spool.folderPath(BOX, Folder.INBOX)).stream().filter(n -> n.startsWith("msg")).count());
    }
}
