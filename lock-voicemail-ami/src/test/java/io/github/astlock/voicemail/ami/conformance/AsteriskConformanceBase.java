package io.github.astlock.voicemail.ami.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.astlock.AsteriskConfig;
import io.github.astlock.LockMode;
import io.github.astlock.LockOptions;
import io.github.astlock.PathLock;
import io.github.astlock.PathLocker;
import io.github.astlock.voicemail.Folder;
import io.github.astlock.voicemail.Mailbox;
import io.github.astlock.voicemail.MailboxFullException;
import io.github.astlock.voicemail.MessageRef;
import io.github.astlock.voicemail.NewMessage;
import io.github.astlock.voicemail.OperationResult;
import io.github.astlock.voicemail.VoicemailMessage;
import io.github.astlock.voicemail.VoicemailOptions;
import io.github.astlock.voicemail.VoicemailSpool;
import io.github.astlock.voicemail.ami.AmiClient;
import io.github.astlock.voicemail.ami.AmiException;
import io.github.astlock.voicemail.ami.AmiPacket;
import io.github.astlock.voicemail.ami.AmiSettings;
import io.github.astlock.voicemail.ami.MailboxCounts;
import io.github.astlock.voicemail.ami.MwiRefresher;
import io.github.astlock.voicemail.ami.VoicemailAmi;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Conformance cases against a real Asterisk built by {@code conformance/build-asterisk.sh}.
 * Opt-in: set {@code -Dastlock.asterisk.home=PREFIX}; otherwise every case is skipped with a
 * message naming that property. Each subclass runs the cases in one lock mode.
 */
@Tag("asterisk")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(300)
abstract class AsteriskConformanceBase {
    static final String HOME_PROPERTY = "astlock.asterisk.home";
    static final Duration WAIT = Duration.ofSeconds(90);

    private Path home;
    private Path script;
    private Path dir;
    private AmiClient ami;
    private VoicemailAmi vm;
    private VoicemailSpool spool;
    private PathLocker locker;
    private MwiRefresher mwi;
    private final BlockingQueue<AmiPacket> mwiEvents = new LinkedBlockingQueue<>();
    /** Audio recorded by Asterisk itself, reused for Java's deliveries: format name to file. */
    private final Map<String, Path> recorded = new LinkedHashMap<>();

    abstract String lockMode();

    /** Skips each case, visibly and with the reason, when no Asterisk is configured. */
    @BeforeEach
    void requireAsterisk() {
        assumeTrue(home != null, "no Asterisk configured: set -D" + HOME_PROPERTY
                + "=PREFIX (an Asterisk built by conformance/build-asterisk.sh) to run these cases");
    }

    @BeforeAll
    void startAsterisk() throws Exception {
        String h = System.getProperty(HOME_PROPERTY, "");
        if (h.isBlank()) {
            return;
        }
        home = Path.of(h).toAbsolutePath();
        assertTrue(Files.isExecutable(home.resolve("sbin/asterisk")), "no sbin/asterisk under " + home
                + " (-D" + HOME_PROPERTY + ")");
        script = Path.of(System.getProperty("astlock.conformance.script", "../conformance/asterisk-instance.sh"))
                .toAbsolutePath();
        dir = Files.createTempDirectory("ast" + lockMode().charAt(0));
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        run(script.toString(), "start", home.toString(), dir.toString(), Integer.toString(port), lockMode());
        AmiSettings settings = AmiSettings.load(dir.resolve("ami.properties"));
        ami = AmiClient.connect(settings, true);
        ami.addEventListener(p -> {
            if (p.isEvent("MessageWaiting")) {
                mwiEvents.add(p);
            }
        });
        vm = new VoicemailAmi(ami);
        AsteriskConfig conf = AsteriskConfig.load(dir.resolve("etc/asterisk.conf"));
        assertEquals(lockMode().equals("flock") ? LockMode.FLOCK : LockMode.LOCKFILE, conf.lockMode());
        locker = PathLocker.create(LockOptions.builder().mode(conf.lockMode()).build(),
                conf.lockMode() == LockMode.FLOCK ? "jna" : "nio");
        mwi = MwiRefresher.builder(settings).coalesce(Duration.ofMillis(50)).build();
        spool = VoicemailSpool.open(conf, locker, VoicemailOptions.builder().commitListener(mwi).build());
        // One message recorded by Asterisk gives real audio in every configured format.
        Mailbox src = box("102");
        leaveVoicemail(src, 1);
        VoicemailMessage m = spool.list(src, Folder.INBOX).messages().get(0);
        Path inbox = spool.folderPath(src, Folder.INBOX);
        for (String[] f : new String[][] {{"wav49", "WAV"}, {"gsm", "gsm"}, {"wav", "wav"}}) {
            Path p = inbox.resolve(m.location().baseName() + "." + f[1]);
            assertTrue(Files.isRegularFile(p), "Asterisk wrote no " + p);
            Path copy = dir.resolve("audio." + f[1]);
            Files.copy(p, copy);
            recorded.put(f[0], copy);
        }
    }

    @AfterAll
    void stopAsterisk() throws Exception {
        if (mwi != null) {
            mwi.close();
        }
        if (ami != null) {
            ami.close();
        }
        if (dir != null) {
            run(script.toString(), "stop", home.toString(), dir.toString());
        }
    }

    // ------------------------------------------------------------------------------------------

    @Test
    @Order(1)
    void ct1RoundTripDeliveredMessageIsListedByAsteriskWithTheSameValues() throws Exception {
        Mailbox b = box("100");
        int before = vm.mailboxCount(b).newMessages();
        OperationResult r = spool.deliver(b, Folder.INBOX, message("\"Round Trip\" <5551234>", 2));
        assertEquals(before + 1, vm.mailboxCount(b).newMessages(), "MailboxCount at once");
        AmiPacket e = summaryEntry(b, r.msgId());
        assertEquals("INBOX", e.get("Folder").orElseThrow());
        assertEquals("\"Round Trip\" <5551234>", e.get("CallerID").orElseThrow());
        assertEquals("2", e.get("Duration").orElseThrow());
    }

    @Test
    @Order(2)
    void ct6RefreshAfterDeliveryGivesMessageWaitingWithInboxPlusUrgent() throws Exception {
        Mailbox b = box("101");
        mwiEvents.clear();
        spool.deliver(b, Folder.INBOX, message("\"Lamp\" <1>", 1));
        mwi.flush(WAIT);
        AmiPacket e = nextMwi(b);
        MailboxCounts c = vm.mailboxCount(b);
        assertEquals(c.newMessages() + c.urgent(), Integer.parseInt(e.get("New").orElseThrow()), e.toString());
        assertEquals("1", e.get("Waiting").orElseThrow());
        // Urgent quirk: with a message in Urgent, every refresh publishes again.
        spool.deliver(b, Folder.URGENT, message("\"Urgent\" <2>", 1));
        mwi.flush(WAIT);
        nextMwi(b);
        vm.refresh(b);
        vm.refresh(b);
        nextMwi(b);
        nextMwi(b);
    }

    @Test
    @Order(3)
    void ct7MoveKeepsTheIdAndNeverShowsTwoOrNoCopies() throws Exception {
        Mailbox b = box("100");
        OperationResult r = spool.deliver(b, Folder.INBOX, message("\"Move\" <3>", 1));
        Path inbox = spool.folderPath(b, Folder.INBOX);
        Path old = spool.folderPath(b, Folder.OLD);
        int total = txtCount(inbox) + txtCount(old);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<String> bad = new AtomicReference<>();
        Thread sampler = new Thread(() -> {
            while (!stop.get()) {
                try {
                    // The message only goes INBOX -> Old. Reading Old before INBOX can only
                    // overcount if it really is in both; reading INBOX first can only
                    // undercount if it really is in neither.
                    int seenTwice = txtCount(old) + txtCount(inbox);
                    int seenNowhere = txtCount(inbox) + txtCount(old);
                    if (seenTwice > total || seenNowhere < total) {
                        bad.compareAndSet(null, "saw " + seenTwice + "/" + seenNowhere + " messages instead of "
                                + total);
                    }
                } catch (IOException e) {
                    bad.compareAndSet(null, e.toString());
                }
            }
        });
        sampler.start();
        spool.move(new MessageRef(b, Folder.INBOX, r.msgId()), Folder.OLD);
        stop.set(true);
        sampler.join();
        assertEquals(null, bad.get());
        assertEquals("Old", summaryEntry(b, r.msgId()).get("Folder").orElseThrow());
    }

    @Test
    @Order(4)
    void ct8And11DeleteLeavesAGapAsteriskClosesKeepingIdsAndEachMessagesOwnAudio() throws Exception {
        Mailbox b = box("104");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(spool.deliver(b, Folder.INBOX, message("\"Gap " + i + "\" <" + i + ">", 1)).msgId());
        }
        Map<String, String> audioOf = new HashMap<>();
        for (VoicemailMessage m : spool.list(b, Folder.INBOX).messages()) {
            audioOf.put(m.msgId().orElseThrow(), audioHashes(spool.folderPath(b, Folder.INBOX), m.location().baseName()));
        }
        spool.delete(new MessageRef(b, Folder.INBOX, ids.get(1)));
        Path inbox = spool.folderPath(b, Folder.INBOX);
        try (Stream<Path> s = Files.list(inbox)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith("msg0001")), "msg0001.* left");
        }
        // Asterisk closes the gap when it opens the folder.
        AmiPacket r = ami.send("Command", Map.of("Command", "voicemail show mailbox 104 default"));
        assertEquals("success", r.response().orElse(""), r.toString());
        List<VoicemailMessage> after = spool.list(b, Folder.INBOX).messages();
        List<String> idsAfter = new ArrayList<>();
        for (VoicemailMessage m : after) {
            idsAfter.add(m.msgId().orElseThrow());
            assertEquals(audioOf.get(m.msgId().orElseThrow()), audioHashes(inbox, m.location().baseName()),
                    "audio of " + m.msgId() + " after renumbering");
        }
        assertEquals(List.of(ids.get(0), ids.get(2)), idsAfter);
        assertEquals(1, after.get(1).location().index(), "Asterisk renumbered msg0002 to msg0001");
    }

    @Test
    @Order(5)
    void ct4FullMailboxIsRefusedByJavaAndByAsterisk() throws Exception {
        Mailbox b = box("103");
        for (int i = 0; i < 3; i++) {
            spool.deliver(b, Folder.INBOX, message("\"Fill\" <" + i + ">", 1));
        }
        assertThrows(MailboxFullException.class, () -> spool.deliver(b, Folder.INBOX, message("\"Over\" <9>", 1)));
        originate(b);
        waitForLog("No more messages possible");
        assertEquals(3, vm.mailboxCount(b).newMessages());
    }

    @Test
    @Order(6)
    void ct13AmiMoveAndRemoveOnJavaMessagesAreParsed() throws Exception {
        Mailbox b = box("105");
        String id = spool.deliver(b, Folder.INBOX, message("\"Ami\" <7>", 1)).msgId();
        vm.move(b, Folder.INBOX, id, Folder.OLD);
        assertEquals("Old", summaryEntry(b, id).get("Folder").orElseThrow());
        AmiException e = assertThrows(AmiException.class, () -> vm.move(b, Folder.INBOX, id, Folder.OLD));
        assertTrue(e.getMessage().contains("failed"), e.getMessage());
        vm.remove(b, Folder.OLD, id);
        assertEquals(new MailboxCounts(0, 0, 0), vm.mailboxCount(b));
        assertThrows(AmiException.class, () -> vm.remove(b, Folder.OLD, id));
    }

    @Test
    @Order(7)
    void ct3JavaAndAsteriskDeliverAtOnceWithoutLossOrOverwrite() throws Exception {
        Mailbox b = box("106");
        int calls = 3;
        int java = 5;
        for (int i = 0; i < calls; i++) {
            originate(b);
        }
        Set<String> javaIds = new HashSet<>();
        for (int i = 0; i < java; i++) {
            javaIds.add(spool.deliver(b, Folder.INBOX, message("\"Race " + i + "\" <" + i + ">", 1)).msgId());
        }
        waitForCount(b, calls + java);
        List<VoicemailMessage> all = spool.list(b, Folder.INBOX).messages();
        assertEquals(calls + java, all.size());
        Set<String> ids = new HashSet<>();
        Set<Integer> indices = new HashSet<>();
        for (VoicemailMessage m : all) {
            assertTrue(ids.add(m.msgId().orElseThrow()), "duplicate id " + m.msgId());
            assertTrue(indices.add(m.location().index()), "duplicate number " + m.location());
        }
        assertTrue(ids.containsAll(javaIds));
    }

    @Test
    @Order(8)
    void ct5ShortLockDelaysAsteriskLongLockMakesItGiveUp() throws Exception {
        Mailbox b = box("107");
        Path inbox = spool.folderPath(b, Folder.INBOX);
        Files.createDirectories(inbox);
        try (PathLock l = locker.lock(inbox)) {
            originate(b);
            Thread.sleep(500);
        }
        waitForCount(b, 1);
        try (PathLock l = locker.lock(inbox)) {
            originate(b);
            waitForLog("Voicemail will be lost");
        }
        assertEquals(1, vm.mailboxCount(b).newMessages());
        try (Stream<Path> s = Files.list(spool.mailboxPath(b).resolve("tmp"))) {
            assertEquals(List.of(), s.map(p -> p.getFileName().toString())
                    .filter(n -> !n.startsWith(".")).toList(), "tmp/ after the lost message");
        }
    }

    @Test
    @Order(9)
    void ct2VoiceMailPlayMsgPlaysAJavaMessageAndMarksItOld() throws Exception {
        Mailbox b = box("108");
        String id = spool.deliver(b, Folder.INBOX, message("\"Play\" <8>", 1)).msgId();
        Map<String, String> f = new LinkedHashMap<>();
        f.put("Channel", "Local/sink@test");
        f.put("Application", "VoiceMailPlayMsg");
        f.put("Data", b.id() + "@" + b.context() + "," + id);
        f.put("Async", "true");
        assertEquals("success", ami.send("Originate", f).response().orElse(""));
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (vm.mailboxCount(b).old() != 1) {
            if (System.nanoTime() > deadline) {
                fail("message not in Old after VoiceMailPlayMsg: " + vm.mailboxCount(b));
            }
            Thread.sleep(100);
        }
        assertEquals("Old", summaryEntry(b, id).get("Folder").orElseThrow());
        assertTrue(isRunning(), "Asterisk still running after playing the message");
    }

    // ------------------------------------------------------------------------------------------

    static Mailbox box(String id) {
        return Mailbox.of("default", id);
    }

    private NewMessage message(String callerId, int seconds) {
        NewMessage.Builder b = NewMessage.builder().callerId(callerId).duration(seconds);
        recorded.forEach(b::audio);
        return b.build();
    }

    private AmiPacket summaryEntry(Mailbox b, String id) throws AmiException {
        for (AmiPacket p : vm.boxSummary(b)) {
            if (id.equals(p.get("ID").orElse(null))) {
                return p;
            }
        }
        throw new AssertionError("VoicemailBoxSummary of " + b + " does not list " + id);
    }

    private AmiPacket nextMwi(Mailbox b) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            AmiPacket p = mwiEvents.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (p == null) {
                throw new AssertionError("no MessageWaiting for " + b);
            }
            if (p.get("Mailbox").map((b.id() + "@" + b.context())::equals).orElse(false)) {
                return p;
            }
        }
    }

    private void originate(Mailbox b) throws AmiException {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("Channel", "Local/play@test");
        f.put("Application", "VoiceMail");
        f.put("Data", b.id() + "@" + b.context() + ",s");
        f.put("Async", "true");
        AmiPacket r = ami.send("Originate", f);
        assertEquals("success", r.response().orElse(""), r.toString());
    }

    private void leaveVoicemail(Mailbox b, int expected) throws Exception {
        originate(b);
        waitForCount(b, expected);
    }

    private void waitForCount(Mailbox b, int n) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (vm.mailboxCount(b).newMessages() < n) {
            if (System.nanoTime() > deadline) {
                fail("mailbox " + b + " did not reach " + n + " messages: " + vm.mailboxCount(b));
            }
            Thread.sleep(100);
        }
        Thread.sleep(200);
    }

    private void waitForLog(String text) throws Exception {
        Path log = dir.resolve("log/messages.log");
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!(Files.exists(log) && Files.readString(log).contains(text))) {
            if (System.nanoTime() > deadline) {
                fail("Asterisk's log never said '" + text + "'");
            }
            Thread.sleep(100);
        }
    }

    private boolean isRunning() throws IOException {
        long pid = Long.parseLong(Files.readString(dir.resolve("run/asterisk.pid")).trim());
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static int txtCount(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return (int) s.map(p -> p.getFileName().toString())
                    .filter(n -> n.matches("msg\\d{4}\\.txt")).count();
        }
    }

    private static String audioHashes(Path dir, String base) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (String ext : new String[] {"WAV", "gsm", "wav"}) {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(dir.resolve(base + "." + ext)));
            sb.append(ext).append('=').append(HexFormat.of().formatHex(d, 0, 8)).append(' ');
        }
        return sb.toString();
    }

    private static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            fail(String.join(" ", cmd) + " failed:\n" + out);
        }
    }
}
