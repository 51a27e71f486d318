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
import io.github.astlock.voicemail.VoicemailLockException;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    /** Rounds of 16 simultaneous calls in the loss count; more rounds give a better count. */
    static final String ROUNDS_PROPERTY = "astlock.conformance.rounds";
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
        originateApp("Local/sink@test", "VoiceMailPlayMsg", b.id() + "@" + b.context() + "," + id);
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

    @Test
    @Order(10)
    void asteriskOwnLossesAreCountedAndNoneComesFromOurDeliveries() throws Exception {
        Mailbox b = box("109");
        int rounds = Integer.getInteger(ROUNDS_PROPERTY, 3);
        int perRound = 16;
        int calls = rounds * perRound;
        int[] refused = {0};
        List<OperationResult> java = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            int ended = round * perRound;
            for (int i = 0; i < perRound; i++) {
                originateToExten("Local/play@test", "vm-" + b.id());
            }
            // Java delivers while the calls record and save, and goes on until every call has ended.
            java.addAll(deliverWhile(b, () -> vmDone(b).size() < ended, refused, 30));
            waitUntil(() -> vmDone(b).size() >= ended, "all " + ended + " calls into " + b + " ended");
        }
        List<String[]> done = vmDone(b);
        Audit a = audit(b, java);
        Map<String, Integer> fileUse = new HashMap<>();
        for (String[] d : done) {
            if (!d[1].isEmpty()) {
                fileUse.merge(d[1], 1, Integer::sum);
            }
        }
        int saved = fileUse.values().stream().mapToInt(Integer::intValue).sum();
        int sharedNumbers = fileUse.values().stream().mapToInt(n -> n - 1).sum();
        Set<Integer> asteriskNumbers = new HashSet<>();
        fileUse.keySet().forEach(f -> asteriskNumbers.add(Integer.parseInt(f.substring(f.length() - 4))));
        Set<Integer> collisions = new HashSet<>(a.javaIndices);
        collisions.retainAll(asteriskNumbers);
        System.out.printf("[%s] Asterisk: %d calls, %d saved, %d numbers used twice, %d lock timeouts, %d of its "
                        + "messages on disk, %d lost; astlock: %d delivered, %d intact, %d refused (lock taken "
                        + "away), numbers shared with Asterisk: %s%n",
                lockMode(), calls, saved, sharedNumbers, logCount("Couldn't lock directory " + spool.folderPath(b,
                        Folder.INBOX)), a.foreign, calls - a.foreign, java.size(), a.intact, refused[0], collisions);
        assertEquals(List.of(), a.damaged, "astlock deliveries that are not intact");
        assertEquals(java.size(), a.intact);
        assertEquals(Set.of(), collisions, "numbers both astlock and Asterisk wrote");
        assertEquals(a.javaIndices.size(), java.size(), "astlock gave two deliveries the same number");
        if (lockMode().equals("lockfile")) {
            assertEquals(calls, a.foreign, "with .lock files Asterisk keeps every message");
        }
    }

    @Test
    @Order(11)
    void ct3MixMonitorCopiesAndJavaDeliveriesAtOnce() throws Exception {
        assumeTrue(moduleLoaded("app_mixmonitor"), "app_mixmonitor is not loaded: rebuild with the current "
                + "conformance/build-asterisk.sh");
        Mailbox b = box("110");
        int mixCalls = 4;
        int vmCalls = 4;
        for (int i = 0; i < mixCalls; i++) {
            originateApp("Local/rec-" + b.id() + "@test", "Echo", "");
            originateToExten("Local/play@test", "vm-" + b.id());
        }
        int[] refused = {0};
        List<OperationResult> java = deliverWhile(b, () -> vmDone(b).size() < vmCalls || mixCopies(b) < mixCalls,
                refused, 80);
        waitUntil(() -> vmDone(b).size() >= vmCalls && mixCopies(b) >= mixCalls && asteriskStaging(b).isEmpty(),
                "all calls into " + b + " ended and their copies finished");
        Audit a = audit(b, java);
        int fromMix = 0;
        int fromVm = 0;
        for (VoicemailMessage m : spool.list(b, Folder.INBOX).messages()) {
            String chan = m.metadata().get("callerchan").orElse("");
            if (chan.startsWith("Local/rec-")) {
                fromMix++;
            } else if (chan.startsWith("Local/play@")) {
                fromVm++;
            }
        }
        // MixMonitor's copy reads the next number before it takes the folder lock, so copies that
        // start together can choose the same number, and the later one replaces the earlier.
        // That is Asterisk's own loss: it is counted, not asserted.
        System.out.printf("[%s] MixMonitor m(): %d copies, %d on disk; VoiceMail(): %d calls, %d on disk; "
                        + "astlock: %d delivered, %d intact %s, %d refused; messages on disk %d%n", lockMode(),
                mixCalls, fromMix, vmCalls, fromVm, java.size(), a.intact, a.damaged, refused[0], a.total);
        assertEquals(List.of(), a.damaged, "astlock deliveries that are not intact");
        assertEquals(java.size(), a.intact);
        assertEquals(a.javaIndices.size(), java.size(), "astlock gave two deliveries the same number");
        assertEquals(a.total, a.ids.size(), "msg_ids are unique");
        assertEquals(a.total, a.intact + fromMix + fromVm, "every message on disk is one of the three writers'");
    }

    @Test
    @Order(13)
    void ct4MixMonitorAddsOneMessageBeyondMaxmsgWhereJavaRefuses() throws Exception {
        assumeTrue(moduleLoaded("app_mixmonitor"), "app_mixmonitor is not loaded: rebuild with the current "
                + "conformance/build-asterisk.sh");
        Mailbox b = box("111");
        for (int i = 0; i < 3; i++) {
            spool.deliver(b, Folder.INBOX, message("\"Fill\" <" + i + ">", 1));
        }
        assertThrows(MailboxFullException.class, () -> spool.deliver(b, Folder.INBOX, message("\"Over\" <9>", 1)));
        originateApp("Local/rec-" + b.id() + "@test", "Echo", "");
        waitUntil(() -> mixCopies(b) >= 1 && asteriskStaging(b).isEmpty(), "MixMonitor's copy into " + b);
        // Asterisk's copy of a recording checks "count > maxmsg" and so stores a fourth message,
        // in the recording's format only.
        List<VoicemailMessage> after = spool.list(b, Folder.INBOX).messages();
        assertEquals(4, after.size(), "MixMonitor adds one message beyond maxmsg=3");
        assertEquals(Set.of("wav"), after.get(3).audio().keySet(), "MixMonitor's copy has only its own format");
        assertThrows(MailboxFullException.class, () -> spool.deliver(b, Folder.INBOX, message("\"Over\" <9>", 1)));
        originateApp("Local/rec-" + b.id() + "@test", "Echo", "");
        waitForLog("Mailbox for " + b.id() + "@" + b.context() + " is full");
        assertEquals(4, spool.list(b, Folder.INBOX).messages().size(), "no fifth message");
    }

    @Test
    @Order(14)
    void ct11AWavOnlyWriterGetsForeignAudioAfterAsteriskCompactsOurWriterDoesNot() throws Exception {
        Mailbox b = box("112");
        Path inbox = spool.folderPath(b, Folder.INBOX);
        // Naive: a complete message, then one written with .wav only next to it.
        String first = spool.deliver(b, Folder.INBOX, message("\"First\" <1>", 1)).msgId();
        String naive = "1700000000-00000112";
        try (PathLock l = locker.lock(inbox)) {
            Files.write(inbox.resolve("msg0001.txt"), ("[message]\norigmailbox=112\ncontext=default\nexten=s\n"
                    + "rdnis=unknown\npriority=1\ncallerchan=\ncallerid=\"Naive\" <2>\norigdate=Tue Nov 14 "
                    + "10:13:20 PM UTC 2023\norigtime=1700000000\ncategory=\nmsg_id=" + naive + "\nflag=\n"
                    + "duration=1\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            Files.copy(dir.resolve("data/tone.wav"), inbox.resolve("msg0001.wav"));
        }
        String firstAudio = audioHashes(inbox, "msg0000");
        vm.remove(b, Folder.INBOX, first);
        String[] firstParts = firstAudio.split(" ");
        String slot0 = audioHashes(inbox, "msg0000");
        assertEquals(naive, spool.list(b, Folder.INBOX).messages().get(0).msgId().orElseThrow());
        assertEquals(firstParts[0], slot0.split(" ")[0], "the wav-only message now has the removed message's WAV");
        assertEquals(firstParts[1], slot0.split(" ")[1], "and its gsm");
        // Ours: every configured format, so compaction moves all of them.
        vm.remove(b, Folder.INBOX, naive);
        try (Stream<Path> s = Files.list(inbox)) {
            assertEquals(List.of(), s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("msg")).toList());
        }
        String a = spool.deliver(b, Folder.INBOX, message("\"A\" <3>", 1)).msgId();
        String c = spool.deliver(b, Folder.INBOX, otherAudio("\"C\" <4>")).msgId();
        VoicemailMessage cm = spool.list(b, Folder.INBOX).find(c).orElseThrow();
        String cAudio = audioHashes(inbox, cm.location().baseName());
        vm.remove(b, Folder.INBOX, a);
        VoicemailMessage moved = spool.list(b, Folder.INBOX).find(c).orElseThrow();
        assertEquals(0, moved.location().index(), "Asterisk moved our message into the freed slot");
        assertEquals(cAudio, audioHashes(inbox, moved.location().baseName()), "our message keeps its own audio");
    }

    @Test
    @Order(15)
    void ct6NoRefreshNoEventThenRefreshGivesOne() throws Exception {
        Mailbox b = box("113");
        VoicemailSpool quiet = VoicemailSpool.open(AsteriskConfig.load(dir.resolve("etc/asterisk.conf")), locker,
                VoicemailOptions.builder().build());
        mwiEvents.clear();
        quiet.deliver(b, Folder.INBOX, message("\"Quiet\" <5>", 1));
        // pollmailboxes=no and nothing subscribed: Asterisk does not notice. A later refresh of
        // another mailbox marks the point up to which events for this one would have come; it is
        // one with a message in Urgent, for which every refresh publishes.
        Mailbox marker = box("101");
        assertTrue(vm.mailboxCount(marker).urgent() > 0, "the marker mailbox has an urgent message");
        vm.refresh(marker);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            AmiPacket p = mwiEvents.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            assertTrue(p != null, "no MessageWaiting for " + marker);
            String m = p.get("Mailbox").orElse("");
            assertFalse(m.equals(b.id() + "@" + b.context()), "MessageWaiting without a refresh: " + p);
            if (m.equals(marker.id() + "@" + marker.context())) {
                break;
            }
        }
        vm.refresh(b);
        assertEquals("1", nextMwi(b).get("New").orElseThrow());
    }

    @Test
    @Order(16)
    void ct6PjsipSubscriptionPollIsNotPartOfThisBuild() {
        assumeTrue(moduleLoaded("res_pjsip"), "res_pjsip is not in this Asterisk build (build-asterisk.sh "
                + "configures --without-pjproject); the pollmailboxes case with a subscribed PJSIP endpoint is not run");
        fail("res_pjsip is loaded but the subscribed-endpoint case is not written");
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
        originateApp("Local/play@test", "VoiceMail", b.id() + "@" + b.context() + ",s");
    }

    /** What became of astlock's deliveries into a folder that Asterisk also wrote to. */
    private record Audit(int total, int foreign, int intact, List<String> damaged, Set<Integer> javaIndices,
                         Set<String> ids) {
    }

    private Audit audit(Mailbox b, List<OperationResult> java) throws Exception {
        Path inbox = spool.folderPath(b, Folder.INBOX);
        List<VoicemailMessage> all = spool.list(b, Folder.INBOX).messages();
        String expected = audioHashes(dir, "audio");
        Set<String> ids = new HashSet<>();
        all.forEach(m -> m.msgId().ifPresent(ids::add));
        int intact = 0;
        List<String> damaged = new ArrayList<>();
        Set<Integer> indices = new HashSet<>();
        for (OperationResult r : java) {
            indices.add(r.after().orElseThrow().index());
            List<VoicemailMessage> found = all.stream().filter(m -> m.msgId().filter(r.msgId()::equals).isPresent())
                    .toList();
            if (found.size() != 1) {
                damaged.add(r.msgId() + ": found " + found.size() + " times");
            } else if (!expected.equals(audioHashes(inbox, found.get(0).location().baseName()))) {
                damaged.add(r.msgId() + ": audio differs at " + found.get(0).location());
            } else {
                intact++;
            }
        }
        try (Stream<Path> s = Files.list(spool.mailboxPath(b).resolve("tmp"))) {
            assertEquals(List.of(), s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("astlock-"))
                    .toList(), "astlock files left in tmp/");
        }
        int javaPresent = (int) all.stream().filter(m -> m.msgId().filter(id -> java.stream()
                .anyMatch(r -> r.msgId().equals(id))).isPresent()).count();
        return new Audit(all.size(), all.size() - javaPresent, intact, damaged, indices, ids);
    }

    /** Delivers while {@code busy} holds (at most {@code max}); a lock Asterisk took away is counted, not fatal. */
    private List<OperationResult> deliverWhile(Mailbox b, Check busy, int[] refused, int max) throws Exception {
        List<OperationResult> java = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        int n = 0;
        while (busy.ok() && java.size() < max && System.nanoTime() < deadline) {
            try {
                java.add(spool.deliver(b, Folder.INBOX, message("\"Java " + n + "\" <" + (700 + n) + ">", 1)));
            } catch (VoicemailLockException e) {
                refused[0]++;
            }
            n++;
            Thread.sleep(20);
        }
        return java;
    }

    /** A condition polled by {@link #waitUntil}. */
    @FunctionalInterface
    private interface Check {
        boolean ok() throws Exception;
    }

    private void waitUntil(Check c, String what) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!c.ok()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting until " + what);
            }
            Thread.sleep(100);
        }
    }

    /** Status and message file of every ended VoiceMail() call into {@code b}, from the dialplan's log line. */
    private List<String[]> vmDone(Mailbox b) throws IOException {
        Pattern p = Pattern.compile("astlock-vm-done box=" + b.id() + " status=(\\S*) file=([^\"\\s]*)");
        List<String[]> out = new ArrayList<>();
        for (String line : logLines()) {
            Matcher m = p.matcher(line);
            if (m.find()) {
                out.add(new String[] {m.group(1), m.group(2)});
            }
        }
        return out;
    }

    /** How many MixMonitor recordings of calls for {@code b} have started their copy into the mailbox. */
    private int mixCopies(Mailbox b) throws IOException {
        return logCount("Copying recordings for Mixmonitor Local/rec-" + b.id() + "@");
    }

    /** Asterisk's files in the mailbox's {@code tmp/}: a recording or a copy still in progress. */
    private List<String> asteriskStaging(Mailbox b) throws IOException {
        Path tmp = spool.mailboxPath(b).resolve("tmp");
        if (!Files.isDirectory(tmp)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(tmp)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".") && !n.startsWith("astlock-"))
                    .toList();
        }
    }

    private List<String> logLines() throws IOException {
        Path log = dir.resolve("log/messages.log");
        return Files.exists(log) ? Files.readAllLines(log, java.nio.charset.StandardCharsets.ISO_8859_1) : List.of();
    }

    private int logCount(String text) throws IOException {
        return (int) logLines().stream().filter(l -> l.contains(text)).count();
    }

    private boolean moduleLoaded(String module) {
        try {
            return ami.send("ModuleCheck", Map.of("Module", module)).response().orElse("").equals("success");
        } catch (AmiException e) {
            return false;
        }
    }

    private void originateToExten(String channel, String exten) throws AmiException {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("Channel", channel);
        f.put("Context", "test");
        f.put("Exten", exten);
        f.put("Priority", "1");
        originate(f);
    }

    private void originateApp(String channel, String app, String data) throws AmiException {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("Channel", channel);
        f.put("Application", app);
        f.put("Data", data);
        originate(f);
    }

    private void originate(Map<String, String> f) throws AmiException {
        f.put("Async", "true");
        AmiPacket r = ami.send("Originate", f);
        assertEquals("success", r.response().orElse(""), r.toString());
    }

    /** A message whose audio differs from {@link #message}'s in every format (one byte changed). */
    private NewMessage otherAudio(String callerId) throws IOException {
        NewMessage.Builder b = NewMessage.builder().callerId(callerId).duration(1);
        for (Map.Entry<String, Path> e : recorded.entrySet()) {
            byte[] d = Files.readAllBytes(e.getValue());
            d[d.length - 1] ^= 1;
            b.audio(e.getKey(), d);
        }
        return b.build();
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
        long pid = Long.parseLong(Files.readString(dir.resolve("instance.pid")).trim());
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
