package io.github.astlock.voicemail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The .txt reader follows Asterisk's configuration rules; the writer produces what it reads back exactly. */
class TxtFormatTest {
    private static final Path DIR = Path.of("/nonexistent");
    private static final Mailbox BOX = Mailbox.of("default", "1234");

    private static MessageMetadata parse(String text) {
        return TxtFormat.parse(text.getBytes(StandardCharsets.UTF_8), DIR).orElseThrow();
    }

    @Test
    void readsWhatAsteriskWrites() {
        MessageMetadata m = parse(";\n; Message Information file\n;\n[message]\norigmailbox=1234\ncontext=from-int\n"
                + "exten=1234\nrdnis=unknown\npriority=2\ncallerchan=PJSIP/201-0001\ncallerid=\"Alice\" <201>\n"
                + "origdate=Mon Nov 30 01:16:11 PM UTC 2026\norigtime=1795958171\ncategory=\n"
                + "msg_id=1795958171-00000003\nflag=\nduration=7\n");
        assertEquals(Optional.of("1795958171-00000003"), m.msgId());
        assertEquals(Optional.of("\"Alice\" <201>"), m.callerId());
        assertEquals(1795958171L, m.origTime().getAsLong());
        assertEquals(7, m.duration().getAsInt());
        assertEquals(Optional.of(""), m.get("category"));
        assertEquals("", m.flag());
        assertEquals(List.of(), m.missingRequiredKeys());
    }

    @Test
    void readsFilesAsteriskRewroteWithSpacesAndHeader() {
        MessageMetadata m = parse(";!\n;! Automatically generated configuration file\n;! Filename: msg0000.txt\n"
                + ";!\n\n[message]\ncallerid = \"A\n origtime = 12 \nmsg_id = 5-abc\r\nFlag = Urgent\n");
        assertEquals(Optional.of("\"A"), m.callerId());
        assertEquals(12L, m.origTime().getAsLong());
        assertEquals(Optional.of("5-abc"), m.msgId());
        assertTrue(m.urgent());
    }

    @Test
    void semicolonsCommentsAndEscapes() {
        MessageMetadata cut = parse("[message]\ncallerid=\"A;B\" <1>\n");
        assertEquals(Optional.of("\"A"), cut.callerId());
        MessageMetadata escaped = parse("[message]\ncallerid=\"A\\;B\" <2>\n");
        assertEquals(Optional.of("\"A;B\" <2>"), escaped.callerId());
    }

    @Test
    void blockCommentHidesFollowingLines() {
        MessageMetadata m = parse("[message]\ncallerid=x ;-- hidden\nmsg_id=1-a\nflag=Urgent\n--; \norigtime=3\n");
        assertEquals(Optional.of("x"), m.callerId());
        assertEquals(Optional.empty(), m.msgId());
        assertEquals(3L, m.origTime().getAsLong());
    }

    @Test
    void unknownAndOldKeysAreKeptMissingOnesReported() {
        MessageMetadata m = parse("[message]\ncontext=c\nmacrocontext=macro-dial\nx-custom=1\n");
        assertEquals(Optional.of("macro-dial"), m.macroContext());
        assertEquals(Optional.of("1"), m.get("X-Custom"));
        assertEquals(List.of("callerid", "origtime"), m.missingRequiredKeys());
    }

    @Test
    void fileWithoutMessageSectionIsUnreadable() {
        assertEquals(Optional.empty(), TxtFormat.parse("callerid=1\n".getBytes(StandardCharsets.UTF_8), DIR));
        assertEquals(Optional.empty(), TxtFormat.parse("[other]\na=1\n".getBytes(StandardCharsets.UTF_8), DIR));
    }

    @Test
    void writerEscapesAndRoundTrips() throws Exception {
        List<Map.Entry<String, String>> in = List.of(Map.entry("callerid", "\"O'Neil; Jr\" <201>"),
                Map.entry("context", "a\\;b"), Map.entry("callerchan", "Local/x@y-0001;2"),
                Map.entry("category", ""), Map.entry("exten", "  padded  "), Map.entry("origmailbox", "Zoë"));
        byte[] out = TxtFormat.write(in, BOX, Folder.INBOX, "1-a");
        String text = new String(out, StandardCharsets.UTF_8);
        assertTrue(text.startsWith(";\n; Message Information file\n;\n[message]\ncallerid=\"O'Neil\\; Jr\" <201>\n"),
                text);
        MessageMetadata back = TxtFormat.parse(out, DIR).orElseThrow();
        assertEquals(Optional.of("\"O'Neil; Jr\" <201>"), back.callerId());
        assertEquals(Optional.of("a\\;b"), back.get("context"));
        assertEquals(Optional.of("Local/x@y-0001;2"), back.get("callerchan"));
        assertEquals(Optional.of(""), back.get("category"));
        assertEquals(Optional.of("padded"), back.get("exten"));
        assertEquals(Optional.of("Zoë"), back.get("origmailbox"));
    }

    @Test
    void writerRefusesWhatAsteriskWouldMisread() {
        for (String bad : List.of("a\nb", "a\rb", "a\0b", "x ;-- y", "y --; z", ">x", "x".repeat(5000))) {
            InvalidMessageException e = assertThrows(InvalidMessageException.class,
                    () -> TxtFormat.write(List.of(Map.entry("callerid", bad)), BOX, Folder.INBOX, "1-a"),
                    bad.length() > 20 ? "long value" : bad);
            assertTrue(e.getMessage().startsWith("callerid: "), e.getMessage());
            assertEquals(Optional.of(BOX), e.mailbox());
            assertEquals(Optional.of("1-a"), e.msgId());
        }
    }

    @Test
    void origDateIsAsterisksFormatInUtc() {
        assertEquals("Mon Nov 30 01:16:11 PM UTC 2026", TxtFormat.origDate(Instant.parse("2026-11-30T13:16:11Z")));
        assertEquals("Thu Nov  5 12:00:00 AM UTC 2026", TxtFormat.origDate(Instant.parse("2026-11-05T00:00:00Z")));
    }
}
