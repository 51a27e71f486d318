package io.github.astlock.voicemail.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.astlock.LockMode;
import io.github.astlock.tck.PeerProcess;
import io.github.astlock.tck.VoicemailPeer.Event;
import io.github.astlock.tck.VoicemailPeer.Run;
import io.github.astlock.voicemail.AmbiguousMessageIdException;
import io.github.astlock.voicemail.Folder;
import io.github.astlock.voicemail.MailboxFullException;
import io.github.astlock.voicemail.MessageNotFoundException;
import io.github.astlock.voicemail.OperationResult;
import io.github.astlock.voicemail.VoicemailException;
import io.github.astlock.voicemail.VoicemailIoException;
import io.github.astlock.voicemail.VoicemailLockException;
import io.github.astlock.voicemail.VoicemailMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Our API and app_voicemail peers in other processes working one mailbox at the same time, with
 * exact accounting by (folder, msg_id): every change either side reports is summed, and the sum
 * must equal what is on disk. Nothing may be lost, duplicated, overwritten or hold another
 * message's audio.
 *
 * <p>{@code -Dastlock.vm.stress.ops=5000} sets the operations of the stress runs (default 1000),
 * half ours and half the peers'.
 */
class PeerStressTest {
    /** Operations per stress run, ours and the peers' together. */
    static final String OPS_PROPERTY = "astlock.vm.stress.ops";
    private static final String FORMATS = "wav49|gsm|wav";

    @TempDir
    Path root;

    static int stressOps() {
        return Integer.getInteger(OPS_PROPERTY, 1000);
    }

    /** What one run did and what it left. */
    static final class Outcome {
        final Map<String, Integer> expected = new ConcurrentHashMap<>();
        final Set<String> ourIds = new ConcurrentSkipListSet<>();
        final Map<String, Integer> counts = new ConcurrentHashMap<>();
        final AtomicInteger ourDone = new AtomicInteger();
        final List<String> peerLines = Collections.synchronizedList(new ArrayList<>());
        PeerSpool.Audit audit;

        void add(String key, int delta) {
            expected.merge(key, delta, Integer::sum);
        }

        void count(String what) {
            counts.merge(what, 1, Integer::sum);
            if (what.startsWith("ours ")) {
                ourDone.incrementAndGet();
            }
        }

        /** (folder/msg_id) whose count on disk differs from the sum of reported changes. */
        Map<String, String> differences() {
            Map<String, String> d = new TreeMap<>();
            Map<String, Integer> exp = new TreeMap<>(expected);
            exp.values().removeIf(v -> v == 0);
            for (String k : exp.keySet()) {
                int found = audit.messages().getOrDefault(k, 0);
                if (found != exp.get(k)) {
                    d.put(k, "expected " + exp.get(k) + ", found " + found);
                }
            }
            for (String k : audit.messages().keySet()) {
                if (!exp.containsKey(k)) {
                    d.put(k, "expected 0, found " + audit.messages().get(k));
                }
            }
            return d;
        }

        boolean ours(String key) {
            return ourIds.contains(key.substring(key.indexOf('/') + 1));
        }

        String summary() {
            return "ops " + new TreeMap<>(counts) + ", on disk " + audit.messages().values().stream()
                    .mapToInt(Integer::intValue).sum() + " messages";
        }
    }

    /** Peer processes each peer side runs one after another, paced by our progress. */
    private static final int BATCHES = 20;

    /**
     * Runs {@code peers} peer sides ({@code peerOps} operations in all, chosen from
     * {@code peerOpNames}) and {@code threads} threads of ours ({@code ourOps} in all) at once.
     * Each peer side runs its share as {@value #BATCHES} short processes, starting batch k only
     * once we have done k/{@value #BATCHES} of our operations, so both sides overlap from the first
     * operation to the last (a peer alone is much faster than our side).
     */
    private Outcome run(PeerSpool s, int peers, int peerOps, String[] peerOpNames, int threads, int ourOps, long seed,
                        OurWork work) throws Exception {
        Outcome o = new Outcome();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch oursDone = new CountDownLatch(threads);
        List<Thread> all = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long mySeed = seed * 31 + t;
            int n = ourOps / threads;
            all.add(new Thread(() -> {
                try {
                    work.run(s, o, new Random(mySeed), n);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    oursDone.countDown();
                }
            }, "vm-worker-" + t));
        }
        for (int p = 0; p < peers; p++) {
            int side = p;
            int share = peerOps / peers;
            all.add(new Thread(() -> {
                try {
                    for (int b = 0; b < BATCHES; b++) {
                        int n = share * (b + 1) / BATCHES - share * b / BATCHES;
                        long due = (long) ourOps * b / BATCHES;
                        while (o.ourDone.get() < due && oursDone.getCount() > 0 && failure.get() == null) {
                            Thread.sleep(5);
                        }
                        if (n == 0) {
                            continue;
                        }
                        try (PeerProcess proc = s.peer().ops(peerOpNames).start("random",
                                Long.toString(seed * 1000 + side * 100 + b), Integer.toString(n))) {
                            for (Event e : Run.of(proc, Duration.ofMinutes(30)).events()) {
                                account(o, e);
                            }
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "vm-peer-side-" + p));
        }
        all.forEach(Thread::start);
        for (Thread t : all) {
            t.join();
        }
        if (failure.get() != null) {
            throw new AssertionError("the run failed", failure.get());
        }
        o.audit = s.audit();
        return o;
    }

    /** What one of our threads does. */
    @FunctionalInterface
    interface OurWork {
        void run(PeerSpool s, Outcome o, Random rnd, int n) throws VoicemailException;
    }

    private static void account(Outcome o, Event e) {
        o.peerLines.add(e.line());
        switch (e.kind()) {
            case "DELIVER", "MIXMON" -> {
                o.count("peer " + e.kind().toLowerCase() + " " + e.result());
                if (e.result().equals("OK")) {
                    o.add(e.get("folder") + "/" + e.get("msg_id"), 1);
                }
            }
            case "MSG" -> {
                o.count("peer listed");
                if (!"OK".equals(e.get("play"))) {
                    o.count("peer play " + e.get("play"));
                }
            }
            case "RESEQ" -> o.count("peer renumbering rename");
            case "RENUMBER", "LIST" -> o.count("peer " + e.kind().toLowerCase());
            case "DONE" -> {
            }
            default -> o.count("peer " + e.kind() + " " + e.result());
        }
    }

    private static final Folder[] DELETE_FROM = {Folder.OLD, Folder.WORK, Folder.URGENT, Folder.INBOX};

    /** Our side: deliver 25 %, move INBOX to Old 40 %, copy Old to Work 10 %, delete 25 %, all by msg_id. */
    private static void mixed(PeerSpool s, Outcome o, Random rnd, int n) throws VoicemailException {
        mixed(s, o, rnd, n, false);
    }

    /**
     * As {@link #mixed(PeerSpool, Outcome, Random, int)}, but beside peers that can overlap with
     * us (Asterisk's flock mode with two peers): a file changed under our lock is counted, not a
     * failure of the run.
     */
    private static void mixedBesideOverlaps(PeerSpool s, Outcome o, Random rnd, int n) throws VoicemailException {
        mixed(s, o, rnd, n, true);
    }

    private static void mixed(PeerSpool s, Outcome o, Random rnd, int n, boolean overlapsPossible)
            throws VoicemailException {
        for (int i = 0; i < n; i++) {
            int p = rnd.nextInt(100);
            String op = p < 25 ? "deliver" : p < 65 ? "move" : p < 75 ? "copy" : "delete";
            try {
                switch (op) {
                    case "deliver" -> {
                        OperationResult r = s.deliver(Folder.INBOX);
                        o.ourIds.add(r.msgId());
                        o.add(key(r.after().orElseThrow().folder(), r.msgId()), 1);
                    }
                    case "move" -> {
                        VoicemailMessage m = pick(s, Folder.INBOX, rnd);
                        if (m == null) {
                            o.count("ours " + op + " nothing to pick");
                            continue;
                        }
                        OperationResult r = s.spool.move(m.ref(), Folder.OLD);
                        o.add(key(r.before().orElseThrow().folder(), r.msgId()), -1);
                        o.add(key(r.after().orElseThrow().folder(), r.msgId()), 1);
                    }
                    case "copy" -> {
                        VoicemailMessage m = pick(s, Folder.OLD, rnd);
                        if (m == null) {
                            o.count("ours " + op + " nothing to pick");
                            continue;
                        }
                        OperationResult r = s.spool.copy(m.ref(), PeerSpool.BOX, Folder.WORK);
                        o.add(key(r.after().orElseThrow().folder(), r.msgId()), 1);
                    }
                    default -> {
                        VoicemailMessage m = pick(s, DELETE_FROM[rnd.nextInt(DELETE_FROM.length)], rnd);
                        if (m == null) {
                            o.count("ours " + op + " nothing to pick");
                            continue;
                        }
                        OperationResult r = s.spool.delete(m.ref());
                        o.add(key(r.before().orElseThrow().folder(), r.msgId()), -1);
                    }
                }
                o.count("ours " + op + " OK");
            } catch (MailboxFullException e) {
                o.count("ours " + op + " FULL");
            } catch (MessageNotFoundException e) {
                o.count("ours " + op + " gone before we got the lock");
            } catch (AmbiguousMessageIdException e) {
                o.count("ours " + op + " ambiguous id");
            } catch (VoicemailLockException e) {
                o.count("ours " + op + " lock timeout");
            } catch (VoicemailIoException e) {
                if (!overlapsPossible) {
                    throw e;
                }
                o.count("ours " + op + " I/O error: a peer changed the folder under our lock");
            } catch (VoicemailException e) {
                if (!e.getMessage().startsWith("the folder kept changing")) {
                    throw e;
                }
                // an unlocked listing (ours for picking, or the id check of a delivery) gave up:
                // nothing was changed
                o.count("ours " + op + " listing gave up");
            }
        }
    }

    private static String key(Folder f, String id) {
        return f.dirName() + "/" + id;
    }

    private static VoicemailMessage pick(PeerSpool s, Folder f, Random rnd) throws VoicemailException {
        List<VoicemailMessage> ms = s.spool.list(PeerSpool.BOX, f).messages().stream()
                .filter(m -> m.msgId().isPresent()).toList();
        return ms.isEmpty() ? null : ms.get(rnd.nextInt(ms.size()));
    }

    private static void assertClean(Outcome o, String what) {
        System.out.println("[vm-stress] " + what + ": " + o.summary());
        assertEquals(Map.of(), o.differences(), what + ": lost, duplicated or invented messages; " + o.summary());
        assertEquals(List.of(), o.audit.problems(), what + ": overwritten or mixed files; " + o.summary());
        assertEquals(null, o.counts.get("peer play CRASH"), what + ": a message would crash VoiceMailMain");
    }

    /** CT-3: deliveries from both sides at once: all there, unique ids and numbers, nothing overwritten. */
    @ParameterizedTest
    @EnumSource(value = LockMode.class, names = {"LOCKFILE", "FLOCK"})
    void deliveriesFromBothSidesAtOnce(LockMode mode) throws Exception {
        PeerSpool s = PeerSpool.open(root, mode, FORMATS, 9999, 0);
        // FLOCK: one peer process, as Asterisk's own flock locking does not exclude two of them
        int peers = mode == LockMode.FLOCK ? 1 : 2;
        Outcome o = run(s, peers, 150, new String[] {"deliver", "deliver", "deliver", "urgent"}, 2, 150, 3,
                PeerStressTest::deliverOnly);
        assertClean(o, "CT-3 " + mode);
        assertEquals(150, o.ourIds.size());
        assertEquals(150, o.counts.getOrDefault("peer deliver OK", 0) + o.counts.getOrDefault("peer deliver LOST", 0)
                + o.counts.getOrDefault("peer deliver FULL", 0), o.summary());
        // each (folder, msg_id) at exactly one number; ids unique in the mailbox (no copies here)
        assertTrue(o.audit.indices().values().stream().allMatch(l -> l.size() == 1), o.audit.indices().toString());
        Set<String> ids = o.audit.messages().keySet().stream().map(k -> k.substring(k.indexOf('/') + 1))
                .collect(Collectors.toSet());
        assertEquals(o.audit.messages().size(), ids.size());
    }

    private static void deliverOnly(PeerSpool s, Outcome o, Random rnd, int n) throws VoicemailException {
        for (int i = 0; i < n; i++) {
            try {
                OperationResult r = s.deliver(Folder.INBOX);
                o.ourIds.add(r.msgId());
                o.add(key(r.after().orElseThrow().folder(), r.msgId()), 1);
                o.count("ours deliver OK");
            } catch (VoicemailLockException e) {
                o.count("ours deliver lock timeout");
            }
        }
    }

    /** The stress: our moves, copies and deletes while peers deliver and renumber, both modes. */
    @ParameterizedTest
    @EnumSource(value = LockMode.class, names = {"LOCKFILE", "FLOCK"})
    void mixedWorkload(LockMode mode) throws Exception {
        PeerSpool s = PeerSpool.open(root, mode, FORMATS, 200, 0);
        int ops = stressOps();
        // FLOCK: one peer process; with two, Asterisk's own flock defect breaks exclusion between
        // them (measured separately below)
        int peers = mode == LockMode.LOCKFILE ? 2 : 1;
        Outcome o = run(s, peers, ops / 2, new String[] {"deliver", "deliver", "urgent", "renumber", "list"}, 2,
                ops / 2, 42, PeerStressTest::mixed);
        assertClean(o, "stress " + mode + " (" + ops + " operations)");
        assertTrue(o.counts.getOrDefault("ours deliver OK", 0) > 0 && o.counts.getOrDefault("ours move OK", 0) > 0
                && o.counts.getOrDefault("peer deliver OK", 0) > 0, o.summary());
    }

    /**
     * Asterisk's flock mode with two peer processes and us: the peers can both hold a folder
     * (orphaned lock file), and a peer holding an orphan can also overlap with us, so damage here
     * is Asterisk's and is measured and printed, not asserted; the runs above, with one peer, are
     * the ones that must be clean.
     */
    @Test
    void flockWithTwoPeersIsMeasured() throws Exception {
        PeerSpool s = PeerSpool.open(root, LockMode.FLOCK, FORMATS, 200, 0);
        int ops = Math.max(200, stressOps() / 2);
        Outcome o = run(s, 2, ops / 2, new String[] {"deliver", "deliver", "urgent", "renumber", "list"}, 2, ops / 2,
                77, PeerStressTest::mixedBesideOverlaps);
        Map<String, String> diff = o.differences();
        long ourDiffs = diff.keySet().stream().filter(o::ours).count();
        System.out.println("[vm-stress] FLOCK, two peers (" + ops + " operations): " + o.summary() + "; "
                + diff.size() + " differences, " + ourDiffs + " on our messages: " + diff + "; problems: "
                + o.audit.problems());
        assertEquals(null, o.counts.get("peer play CRASH"));
        assertTrue(o.counts.getOrDefault("ours deliver OK", 0) > 0, o.summary());
    }
}
