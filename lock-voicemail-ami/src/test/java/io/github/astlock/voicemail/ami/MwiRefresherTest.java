package io.github.astlock.voicemail.ami;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.astlock.LockOptions;
import io.github.astlock.PathLocker;
import io.github.astlock.voicemail.AudioFormat;
import io.github.astlock.voicemail.Folder;
import io.github.astlock.voicemail.Mailbox;
import io.github.astlock.voicemail.MessageRef;
import io.github.astlock.voicemail.NewMessage;
import io.github.astlock.voicemail.OperationResult;
import io.github.astlock.voicemail.VoicemailConfig;
import io.github.astlock.voicemail.VoicemailOptions;
import io.github.astlock.voicemail.VoicemailSpool;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class MwiRefresherTest {
    private static final Mailbox A = Mailbox.of("default", "100");
    private static final Mailbox B = Mailbox.of("sales", "200");
    private static final Duration WAIT = Duration.ofSeconds(60);

    private static NewMessage message(VoicemailConfig config, String who) {
        NewMessage.Builder b = NewMessage.builder().callerId("\"" + who + "\" <1>").duration(2);
        for (AudioFormat f : config.formats()) {
            b.audio(f.name(), ("audio of " + who).getBytes(StandardCharsets.UTF_8));
        }
        return b.build();
    }

    private static List<String> refreshed(FakeAmiServer server) {
        List<String> out = new ArrayList<>();
        for (AmiPacket p : server.actions("VoicemailRefresh")) {
            out.add(p.get("Mailbox").orElseThrow() + "@" + p.get("Context").orElseThrow());
        }
        return out;
    }

    @Test
    void committedChangesToCountedFoldersAreRefreshedAfterTheLockIsGone(@TempDir Path root) throws Exception {
        VoicemailConfig config = VoicemailConfig.of("wav", 100, 100);
        try (FakeAmiServer server = new FakeAmiServer();
             MwiRefresher mwi = MwiRefresher.builder(server.settings(FakeAmiServer.SECRET))
                     .coalesce(Duration.ZERO).build()) {
            List<String> lockSeen = new CopyOnWriteArrayList<>();
            VoicemailOptions options = VoicemailOptions.builder().commitListener(r -> {
                r.after().or(r::before).ifPresent(loc -> {
                    Path dir = root.resolve(loc.mailbox().context()).resolve(loc.mailbox().id())
                            .resolve(loc.folder().dirName());
                    if (Files.exists(dir.resolve(".lock"))) {
                        lockSeen.add(dir.toString());
                    }
                });
                mwi.committed(r);
            }).build();
            VoicemailSpool spool = VoicemailSpool.open(root,
                    PathLocker.create(LockOptions.defaults(), "nio"), config, options);

            OperationResult d = spool.deliver(A, Folder.INBOX, message(config, "x"));
            mwi.flush(WAIT);
            assertEquals(List.of("100@default"), refreshed(server));

            spool.deliver(B, Folder.WORK, message(config, "y"));
            mwi.flush(WAIT);
            assertEquals(List.of("100@default"), refreshed(server), "Work is not counted: no refresh");

            spool.move(new MessageRef(A, Folder.INBOX, d.msgId()), B, Folder.WORK);
            mwi.flush(WAIT);
            assertEquals(List.of("100@default", "100@default"), refreshed(server));

            OperationResult u = spool.deliver(B, Folder.URGENT, message(config, "z"));
            spool.delete(new MessageRef(B, Folder.URGENT, u.msgId()));
            mwi.flush(WAIT);
            assertEquals("200@sales", refreshed(server).get(refreshed(server).size() - 1));
            assertTrue(lockSeen.isEmpty(), "listener ran while a .lock existed: " + lockSeen);
        }
    }

    @Test
    void aBurstIsCoalescedIntoOneRefreshPerMailbox() throws Exception {
        try (FakeAmiServer server = new FakeAmiServer();
             MwiRefresher mwi = MwiRefresher.builder(server.settings(FakeAmiServer.SECRET))
                     .coalesce(Duration.ZERO).build()) {
            CountDownLatch release = new CountDownLatch(1);
            server.holdRefresh = release;
            mwi.refresh(List.of(A));
            assertTrue(server.refreshArrived.await(60, TimeUnit.SECONDS));
            // The first refresh is in flight and held; everything queued now forms one batch.
            for (int i = 0; i < 50; i++) {
                mwi.refresh(List.of(A));
                mwi.refresh(List.of(B));
            }
            release.countDown();
            server.holdRefresh = null;
            mwi.flush(WAIT);
            assertEquals(List.of("100@default", "100@default", "200@sales"), refreshed(server));
        }
    }

    @Test
    void aFailedRefreshIsReportedNeverUndoesTheChangeAndTheNextOneReconnects(@TempDir Path root)
            throws Exception {
        VoicemailConfig config = VoicemailConfig.of("wav", 100, 100);
        List<MwiRefreshException> handled = new CopyOnWriteArrayList<>();
        try (FakeAmiServer server = new FakeAmiServer();
             MwiRefresher mwi = MwiRefresher.builder(server.settings(FakeAmiServer.SECRET))
                     .coalesce(Duration.ZERO).onFailure(handled::add).build()) {
            VoicemailSpool spool = VoicemailSpool.open(root, PathLocker.create(LockOptions.defaults(), "nio"),
                    config, VoicemailOptions.builder().commitListener(mwi).build());
            server.dropRefreshes.set(1);
            OperationResult d = spool.deliver(A, Folder.INBOX, message(config, "x"));
            MwiRefreshException e = assertThrows(MwiRefreshException.class, () -> mwi.flush(WAIT));
            assertEquals(List.of(A), e.mailboxes());
            assertTrue(e.getMessage().contains("100@default"), e.getMessage());
            assertFalse(e.getMessage().contains(FakeAmiServer.SECRET), e.getMessage());
            assertEquals(1, handled.size());
            assertEquals(d.msgId(), spool.list(A, Folder.INBOX).messages().get(0).msgId().orElseThrow(),
                    "the delivery stays committed");

            spool.deliver(A, Folder.INBOX, message(config, "y"));
            mwi.flush(WAIT);
            assertEquals(1, handled.size());
            assertEquals(2, server.actions("Login").size(), "a new connection after the broken one");
            assertEquals(List.of("100@default", "100@default"), refreshed(server));
        }
    }

    @Test
    void aThrowingListenerBecomesANoteAndTheChangeStays(@TempDir Path root) throws Exception {
        VoicemailConfig config = VoicemailConfig.of("wav", 100, 100);
        VoicemailSpool spool = VoicemailSpool.open(root, PathLocker.create(LockOptions.defaults(), "nio"), config,
                VoicemailOptions.builder().commitListener(r -> {
                    throw new IllegalStateException("listener broke");
                }).build());
        OperationResult d = spool.deliver(A, Folder.INBOX, message(config, "x"));
        assertTrue(d.notes().stream().anyMatch(n -> n.contains("listener broke")), d.notes().toString());
        assertEquals(1, spool.list(A, Folder.INBOX).messages().size());
    }
}
