package io.github.astlock.voicemail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.astlock.AsteriskConfig;
import io.github.astlock.LockOptions;
import io.github.astlock.PathLocker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VoicemailConfigTest {
    @TempDir
    Path dir;

    private static List<String> names(VoicemailConfig c) {
        return c.formats().stream().map(f -> f.name() + ":" + f.extension()).collect(Collectors.toList());
    }

    @Test
    void formatsAreReducedAndMappedLikeAsterisk() {
        assertEquals(List.of("wav49:WAV", "gsm:gsm", "wav:wav"), names(VoicemailConfig.of("wav49|gsm|wav", 1, 0)));
        assertEquals(List.of("wav49:WAV", "gsm:gsm"), names(VoicemailConfig.of("wav49|WAV|gsm|mp3", 1, 0)));
        assertEquals(List.of("ulaw:ulaw"), names(VoicemailConfig.of("ulaw|pcm|mu", 1, 0)));
        assertEquals(List.of("wav:wav"), names(VoicemailConfig.of("bogus", 1, 0)));
        assertEquals(List.of("wav:wav", "wav16:wav16"), names(VoicemailConfig.of("wav|wav16", 1, 0)));
        assertTrue(VoicemailConfig.of("wav49|mp3", 1, 0).warnings().get(0).contains("mp3"));
        assertEquals(List.of("wav:wav"), names(VoicemailConfig.defaults()));
        assertEquals(100, VoicemailConfig.defaults().maxMsg());
    }

    @Test
    void readsGlobalAndMailboxSettingsWithAsterisksConfigRules() throws Exception {
        Files.writeString(dir.resolve("boxes.conf"), "[default](+)\n2000 => 1,Two,,,maxmsg=7\n");
        Files.writeString(dir.resolve("voicemail.conf"), "[general]\nformat = wav49|gsm|wav ; comment\n"
                + "maxmsg=50\nbackupdeleted=yes\n;-- maxmsg=1\n--;\n[zonemessages]\neastern=America/New_York|x\n"
                + "[default]\n1234 => 4242,Alice,a@example.com,,maxmsg=10|backupdeleted=5\n1000 => 1,Bob\n"
                + "#include boxes.conf\n[other]\n1234 => 1,Other,,,maxmessage=20000\n");
        VoicemailConfig c = VoicemailConfig.load(dir.resolve("voicemail.conf"));
        assertEquals(List.of("wav49:WAV", "gsm:gsm", "wav:wav"), names(c));
        assertEquals(50, c.maxMsg());
        assertEquals(100, c.maxDeletedMsg());
        assertEquals(10, c.maxMsg(Mailbox.of("default", "1234")));
        assertEquals(5, c.maxDeletedMsg(Mailbox.of("default", "1234")));
        assertEquals(50, c.maxMsg(Mailbox.of("default", "1000")));
        assertEquals(7, c.maxMsg(Mailbox.of("default", "2000")));
        assertEquals(9999, c.maxMsg(Mailbox.of("other", "1234")));
        assertEquals(4, c.mailboxes().size());
    }

    @Test
    void missingFileGivesDefaults() throws Exception {
        VoicemailConfig c = VoicemailConfig.load(dir.resolve("absent.conf"));
        assertEquals(100, c.maxMsg());
        assertEquals(0, c.maxDeletedMsg());
    }

    @Test
    void spoolOpensFromAsteriskConf() throws Exception {
        Path etc = Files.createDirectories(dir.resolve("etc"));
        Path spool = Files.createDirectories(dir.resolve("spool/voicemail"));
        Files.writeString(etc.resolve("voicemail.conf"), "[general]\nformat=gsm\nmaxmsg=2\n");
        Files.writeString(etc.resolve("asterisk.conf"), "[directories]\nastetcdir => " + etc + "\nastspooldir => "
                + dir.resolve("spool") + "\n");
        AsteriskConfig ast = AsteriskConfig.load(etc.resolve("asterisk.conf"));
        VoicemailSpool s = VoicemailSpool.open(ast, PathLocker.create(LockOptions.builder().mode(ast.lockMode())
                .build(), "nio"), VoicemailOptions.defaults());
        assertEquals(spool.toAbsolutePath(), s.root());
        assertEquals(2, s.config().maxMsg());
        assertEquals("gsm", s.config().formats().get(0).extension());
    }
}
