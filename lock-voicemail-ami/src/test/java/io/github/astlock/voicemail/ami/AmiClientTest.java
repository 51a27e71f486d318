package io.github.astlock.voicemail.ami;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.astlock.voicemail.Folder;
import io.github.astlock.voicemail.Mailbox;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class AmiClientTest {
    private static final Mailbox BOX = Mailbox.of("default", "100");

    @Test
    void logsInAndSendsVoicemailRefreshWithContextAndMailbox() throws Exception {
        try (FakeAmiServer server = new FakeAmiServer();
             AmiClient c = AmiClient.connect(server.settings(FakeAmiServer.SECRET), false)) {
            assertEquals("Asterisk Call Manager/9.0.0", c.banner());
            new VoicemailAmi(c).refresh(BOX);
            AmiPacket login = server.actions("Login").get(0);
            assertEquals("off", login.get("Events").orElseThrow());
            AmiPacket r = server.actions("VoicemailRefresh").get(0);
            assertEquals("default", r.get("Context").orElseThrow());
            assertEquals("100", r.get("Mailbox").orElseThrow());
        }
    }

    @Test
    void refusedLoginIsTypedAndNeverShowsTheSecret() throws Exception {
        try (FakeAmiServer server = new FakeAmiServer()) {
            AmiException e = assertThrows(AmiException.class,
                    () -> AmiClient.connect(server.settings("wrong-secret-value"), false));
            assertEquals("Login", e.action());
            assertTrue(e.getMessage().contains("refused the login"), e.getMessage());
            assertTrue(e.getMessage().contains("astlock"), e.getMessage());
            assertFalse(e.getMessage().contains("wrong-secret-value"), e.getMessage());
            assertFalse(server.settings(FakeAmiServer.SECRET).toString().contains(FakeAmiServer.SECRET));
        }
    }

    @Test
    void moveReportedAsSuccessButFailedIsAnErrorAndTheConnectionStaysInStep() throws Exception {
        try (FakeAmiServer server = new FakeAmiServer();
             AmiClient c = AmiClient.connect(server.settings(FakeAmiServer.SECRET), false)) {
            VoicemailAmi ami = new VoicemailAmi(c);
            ami.move(BOX, Folder.INBOX, "1-a", Folder.OLD);
            server.moveReply = "Message move failed\n";
            AmiException e = assertThrows(AmiException.class, () -> ami.move(BOX, Folder.INBOX, "1-a", Folder.OLD));
            assertTrue(e.getMessage().contains("Message move failed"), e.getMessage());
            assertTrue(e.getMessage().contains("1-a"), e.getMessage());
            // The bare LF before the end of that reply must not shift later replies.
            ami.refresh(BOX);
            List<AmiPacket> list = ami.boxSummary(BOX);
            assertEquals(1, list.size());
            assertEquals("1700000000-00000001", list.get(0).get("ID").orElseThrow());
            assertEquals("\"A\" <1>", list.get(0).get("CallerID").orElseThrow());
        }
    }

    @Test
    void lineBreaksInValuesAreRefused() throws Exception {
        try (FakeAmiServer server = new FakeAmiServer();
             AmiClient c = AmiClient.connect(server.settings(FakeAmiServer.SECRET), false)) {
            assertThrows(AmiException.class, () -> c.send("VoicemailRefresh",
                    Map.of("Mailbox", "100\r\nAction: Originate")));
            assertTrue(server.actions("Originate").isEmpty());
            assertTrue(server.actions("VoicemailRefresh").isEmpty());
        }
    }

    @Test
    void unreachableManagerIsTypedAndNamesTheAddress() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        AmiSettings settings = AmiSettings.builder().port(port).credentials("u", "p".toCharArray()).build();
        AmiException e = assertThrows(AmiException.class, () -> AmiClient.connect(settings, false));
        assertTrue(e.getMessage().contains("127.0.0.1:" + port), e.getMessage());
    }

    @Test
    void settingsFromAPropertiesFile(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("ami.properties");
        Files.writeString(f, "host = 127.0.0.1\nport = 5040\nusername = astlock\nsecret = xyz-secret\ntimeout = 750ms\n");
        AmiSettings s = AmiSettings.load(f);
        assertEquals(5040, s.port());
        assertEquals("astlock", s.username());
        assertEquals(750, s.timeout().toMillis());
        assertFalse(s.toString().contains("xyz-secret"), s.toString());
        Files.writeString(f, "username = astlock\nsecret = xyz-secret\ntls = true\n");
        assertEquals(AmiSettings.DEFAULT_TLS_PORT, AmiSettings.load(f).port());
        Files.writeString(f, "secret = xyz-secret\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AmiSettings.load(f));
        assertTrue(e.getMessage().contains("username"), e.getMessage());
        assertFalse(e.getMessage().contains("xyz-secret"), e.getMessage());
    }
}
