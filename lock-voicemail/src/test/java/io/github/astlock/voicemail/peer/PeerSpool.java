package io.github.astlock.voicemail.peer;

import io.github.astlock.LockMode;
import io.github.astlock.LockOptions;
import io.github.astlock.PathLocker;
import io.github.astlock.tck.VoicemailPeer;
import io.github.astlock.voicemail.AudioFormat;
import io.github.astlock.voicemail.Folder;
import io.github.astlock.voicemail.Mailbox;
import io.github.astlock.voicemail.NewMessage;
import io.github.astlock.voicemail.OperationResult;
import io.github.astlock.voicemail.VoicemailConfig;
import io.github.astlock.voicemail.VoicemailException;
import io.github.astlock.voicemail.VoicemailOptions;
import io.github.astlock.voicemail.VoicemailSpool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One mailbox shared by our voicemail API and the app_voicemail peer: the same spool directory,
 * lock mode, {@code format=}, {@code maxmsg} and {@code maxdeletedmsg} on both sides. Audio we write
 * holds {@code "<msg_id> <ext>\n"}, like the peer's, so {@link #audit()} can tell whose audio is
 * where.
 */
final class PeerSpool {
    static final Mailbox BOX = Mailbox.of("default", "100");
    /** Unlocked listing attempts; the API's default (5) gives up under the stress's constant renumbering. */
    static final int DISPLAY_READ_ATTEMPTS = 200;
    private static final Pattern MSG = Pattern.compile("msg(\\d{4})\\.(.+)");

    final LockMode mode;
    final Path root;
    final Path mailboxDir;
    final String formats;
    final int maxmsg;
    final int maxDeleted;
    final VoicemailSpool spool;
    private final AtomicInteger processes = new AtomicInteger();

    private PeerSpool(Path root, LockMode mode, String formats, int maxmsg, int maxDeleted) throws IOException,
            VoicemailException {
        this.root = root;
        this.mode = mode;
        this.formats = formats;
        this.maxmsg = maxmsg;
        this.maxDeleted = maxDeleted;
        this.mailboxDir = Files.createDirectories(root.resolve("default").resolve("100"));
        // FLOCK needs a native backend; LOCKFILE runs on the pure-Java one
        String backend = mode == LockMode.FLOCK ? "jna" : "nio";
        // generous: when a folder loses a message between its count and its renumbering, the peer
        // (like Asterisk) probes all 9999 numbers under the lock, which takes seconds on a busy machine
        PathLocker locker = PathLocker.create(LockOptions.builder().mode(mode).timeout(Duration.ofSeconds(60)).build(),
                backend);
        this.spool = VoicemailSpool.open(root, locker, VoicemailConfig.of(formats, maxmsg, maxDeleted),
                // the peers renumber all the time: give unlocked listings more chances than the default
                VoicemailOptions.builder().displayReadAttempts(DISPLAY_READ_ATTEMPTS).build());
    }

    static PeerSpool open(Path root, LockMode mode, String formats, int maxmsg, int maxDeleted) {
        try {
            return new PeerSpool(root, mode, formats, maxmsg, maxDeleted);
        } catch (VoicemailException e) {
            throw new AssertionError("cannot open the spool: " + e, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A peer configured like our side. Every peer process stands for a thread of one Asterisk, so
     * each gets its own range of the msg_id counter Asterisk's threads share.
     */
    VoicemailPeer peer() {
        return VoicemailPeer.of(mailboxDir, mode).formats(formats).maxmsg(maxmsg).maxDeleted(maxDeleted)
                .counterBase(0x00100000L * processes.incrementAndGet());
    }

    Path folder(Folder f) {
        return mailboxDir.resolve(f.dirName());
    }

    /** The on-disk extensions of {@code format=}, as our side maps them. */
    List<String> extensions() {
        return spool.config().formats().stream().map(AudioFormat::extension).toList();
    }

    /** A message whose audio (every configured format) names its own msg_id. */
    NewMessage message(String msgId, UnaryOperator<NewMessage.Builder> more) {
        NewMessage.Builder b = NewMessage.builder().msgId(msgId).callerId("\"Java\" <300>").duration(2);
        for (String ext : extensions()) {
            b.audio(ext, audio(msgId, ext));
        }
        return more.apply(b).build();
    }

    static byte[] audio(String msgId, String ext) {
        return (msgId + " " + ext + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Delivers a new message with a fresh id. */
    OperationResult deliver(Folder folder) throws VoicemailException {
        return deliver(folder, UnaryOperator.identity());
    }

    OperationResult deliver(Folder folder, UnaryOperator<NewMessage.Builder> more) throws VoicemailException {
        String id = spool.newMessageId(BOX);
        return spool.deliver(BOX, folder, message(id, more));
    }

    /**
     * What is on disk, read without locks and without changing anything.
     *
     * @param messages (folder + "/" + msg_id) to how many copies are there
     * @param indices  (folder + "/" + msg_id) to the indices holding it
     * @param problems ghosts, orphans, audio of another message or format, missing formats, stray
     *                 staging files
     */
    record Audit(Map<String, Integer> messages, Map<String, List<Integer>> indices, List<String> problems) {
        int count(String folder) {
            return messages.entrySet().stream().filter(e -> e.getKey().startsWith(folder + "/"))
                    .mapToInt(Map.Entry::getValue).sum();
        }
    }

    Audit audit() {
        return audit(true);
    }

    Audit audit(boolean everyFormat) {
        Map<String, Integer> messages = new TreeMap<>();
        Map<String, List<Integer>> indices = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(mailboxDir)) {
            for (Path dir : dirs.sorted().toList()) {
                String folder = dir.getFileName().toString();
                if (!Files.isDirectory(dir)) {
                    continue;
                }
                if (folder.equals("tmp")) {
                    try (Stream<Path> s = Files.list(dir)) {
                        s.forEach(p -> problems.add("left in tmp/: " + p.getFileName()));
                    }
                    continue;
                }
                if (Folder.fromDirName(folder).isEmpty()) {
                    problems.add("folder Asterisk does not know: " + folder);
                }
                auditFolder(dir, folder, everyFormat, messages, indices, problems);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Audit(messages, indices, problems);
    }

    private void auditFolder(Path dir, String folder, boolean everyFormat, Map<String, Integer> messages,
                             Map<String, List<Integer>> indices, List<String> problems) throws IOException {
        Map<Integer, Map<String, String>> byIndex = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                String name = p.getFileName().toString();
                if (name.equals(".lock") || name.equals("lock")) {
                    continue;
                }
                Matcher m = MSG.matcher(name);
                if (!m.matches()) {
                    problems.add(folder + ": stray file " + name);
                    continue;
                }
                String content;
                try {
                    content = Files.readString(p, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    problems.add(folder + ": unreadable " + name + ": " + e);
                    continue;
                }
                byIndex.computeIfAbsent(Integer.parseInt(m.group(1)), k -> new TreeMap<>()).put(m.group(2), content);
            }
        }
        for (Map.Entry<Integer, Map<String, String>> e : byIndex.entrySet()) {
            String where = folder + "/" + String.format("msg%04d", e.getKey());
            Map<String, String> files = new TreeMap<>(e.getValue());
            String txt = files.remove("txt");
            if (txt == null) {
                problems.add(where + ": audio without .txt (orphan) " + files);
                continue;
            }
            String id = txtValue(txt, "msg_id");
            if (id == null) {
                problems.add(where + ": .txt without msg_id");
                continue;
            }
            if (files.isEmpty()) {
                problems.add(where + ": .txt without audio (ghost) " + id);
            }
            for (Map.Entry<String, String> a : files.entrySet()) {
                if (!a.getValue().equals(id + " " + a.getKey() + "\n")) {
                    problems.add(where + ": ." + a.getKey() + " holds '" + a.getValue().strip() + "', not message "
                            + id);
                }
            }
            if (everyFormat && !files.keySet().containsAll(extensions())) {
                problems.add(where + ": formats " + files.keySet() + " instead of " + extensions() + " for " + id);
            }
            messages.merge(folder + "/" + id, 1, Integer::sum);
            indices.computeIfAbsent(folder + "/" + id, k -> new ArrayList<>()).add(e.getKey());
        }
    }

    /** A key of a {@code .txt}, the simple way (our files and the peer's never need comment rules). */
    static String txtValue(String txt, String key) {
        for (String line : txt.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0 && line.substring(0, eq).strip().equals(key)) {
                return line.substring(eq + 1).strip();
            }
        }
        return null;
    }
}
