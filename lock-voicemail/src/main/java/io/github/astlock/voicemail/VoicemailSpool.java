package io.github.astlock.voicemail;

import io.github.astlock.AsteriskConfig;
import io.github.astlock.LockException;
import io.github.astlock.PathLock;
import io.github.astlock.PathLocker;
import io.github.astlock.spi.Errno;
import io.github.astlock.spi.ErrnoException;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A file-storage voicemail spool ({@code <astspooldir>/voicemail}) changed the way Asterisk's
 * {@code app_voicemail} changes it, under the same folder locks, so that a running Asterisk and
 * this library can work on the same mailboxes. Thread-safe; create one per spool and share it.
 *
 * <pre>{@code
 * PathLocker locker = PathLocker.create();
 * VoicemailSpool spool = VoicemailSpool.open(AsteriskConfig.load(AsteriskConfig.DEFAULT_LOCATION),
 *         locker, VoicemailOptions.defaults());
 * Mailbox box = Mailbox.of("default", "1234");
 * OperationResult delivered = spool.deliver(box, Folder.INBOX, NewMessage.builder()
 *         .callerId("\"Alice\" <201>").duration(7)
 *         .audio("wav", Path.of("/tmp/recording.wav")).build());
 * MessageRef ref = new MessageRef(box, Folder.INBOX, delivered.msgId());
 * OperationResult moved = spool.move(ref, Folder.OLD);
 * spool.delete(new MessageRef(box, Folder.OLD, delivered.msgId()));
 * }</pre>
 *
 * <h2>What it does like Asterisk</h2>
 * <ul>
 *   <li>A new message gets the number after the highest {@code .txt} in the folder; gaps are
 *       never filled and existing messages are never renumbered.</li>
 *   <li>Files are staged in the mailbox's {@code tmp/} directory under names Asterisk never
 *       reads, flushed to disk, and renamed into the folder under its lock: audio first, the
 *       {@code .txt} last, so the message appears at once and complete.</li>
 *   <li>Deleting removes the {@code .txt} first, then every {@code msgNNNN.*} file of the message.</li>
 *   <li>Messages are addressed by {@code msg_id}; the number is looked up under the lock right
 *       before acting.</li>
 * </ul>
 *
 * <h2>Where it is stricter than Asterisk</h2>
 * <ul>
 *   <li>Every folder, {@code Urgent} included, keeps both the message count and the next number
 *       below the mailbox's {@code maxmsg}.</li>
 *   <li>A new message must have exactly the configured formats (see
 *       {@link NewMessage.Builder#allowFewerFormats()}), and a number where audio without a
 *       {@code .txt} lies is skipped, so audio of two messages is never mixed.</li>
 *   <li>Values are escaped so Asterisk reads them back unchanged; {@code callerid} and
 *       {@code origtime} are always written (Asterisk crashes or skips the message without them).</li>
 *   <li>A move renames the files (no copy-then-delete window with the message in both folders),
 *       and every multi-file change is journaled so that {@link #recover()} can finish or undo
 *       it after a crash.</li>
 * </ul>
 *
 * <h2>What it cannot guarantee</h2>
 * A caller in {@code VoiceMailMain} holds no lock while listening; Asterisk remembers message
 * numbers and applies the caller's deletions and moves when the caller leaves. Deleting or moving a
 * message of a folder the caller has open can make Asterisk keep messages the caller deleted, or keep
 * a saved message in both folders. Change {@code INBOX}, {@code Old} and {@code Urgent} while the
 * owner is not listening. Asterisk's message-waiting lamp does not notice changes by itself: send
 * the manager action {@code VoicemailRefresh} after changes.
 */
public final class VoicemailSpool {
    private static final Logger LOG = LoggerFactory.getLogger(VoicemailSpool.class);

    /** Operations in progress in this JVM (their journals are not abandoned). */
    private static final Set<String> ACTIVE = ConcurrentHashMap.newKeySet();
    private static final long PID = ProcessHandle.current().pid();
    private static final String START = startOf(ProcessHandle.current());
    private static final String HOST = hostName();

    private final Path root;
    private final PathLocker locker;
    private final VoicemailConfig config;
    private final VoicemailOptions options;
    private final SpoolFs fs;
    private final SecureRandom random = new SecureRandom();

    private VoicemailSpool(Path root, PathLocker locker, VoicemailConfig config, VoicemailOptions options,
                           SpoolFs fs) {
        this.root = root.toAbsolutePath().normalize();
        this.locker = Objects.requireNonNull(locker, "locker");
        this.config = Objects.requireNonNull(config, "config");
        this.options = Objects.requireNonNull(options, "options");
        this.fs = Objects.requireNonNull(fs, "fs");
    }

    // ------------------------------------------------------------------------------------------
    // Opening
    // ------------------------------------------------------------------------------------------

    /**
     * Opens the voicemail spool at a path (the directory holding the contexts, normally
     * {@code /var/spool/asterisk/voicemail}); runs {@link #recover()} first when
     * {@link VoicemailOptions#recoverOnOpen()} is set.
     *
     * @param voicemailRoot the voicemail directory
     * @param locker        the locker (any backend; its mode must match Asterisk's)
     * @param config        the {@code voicemail.conf} settings
     * @param options       the options
     * @return the spool
     * @throws VoicemailException when the directory is missing or not a directory
     */
    public static VoicemailSpool open(Path voicemailRoot, PathLocker locker, VoicemailConfig config,
                                      VoicemailOptions options) throws VoicemailException {
        return open(voicemailRoot, locker, config, options,
                options.flushToDisk() ? NioSpoolFs.INSTANCE : NioSpoolFs.UNFLUSHED);
    }

    /**
     * Opens the spool an Asterisk configuration names: {@code <astspooldir>/voicemail}, with
     * {@code voicemail.conf} read from {@code astetcdir} (Asterisk's defaults when it is missing).
     *
     * @param asterisk the parsed {@code asterisk.conf}
     * @param locker   the locker; use {@code asterisk.lockMode()} for its mode
     * @param options  the options
     * @return the spool
     * @throws VoicemailException when the spool directory is missing or {@code voicemail.conf}
     *     cannot be read
     */
    public static VoicemailSpool open(AsteriskConfig asterisk, PathLocker locker, VoicemailOptions options)
            throws VoicemailException {
        Path conf = asterisk.etcDir().resolve("voicemail.conf");
        VoicemailConfig vm;
        try {
            vm = VoicemailConfig.load(conf);
        } catch (IOException e) {
            throw new VoicemailIoException("cannot read voicemail.conf", null, null, null, conf,
                    errnoOf(e), e);
        }
        return open(asterisk.voicemailRoot(), locker, vm, options);
    }

    static VoicemailSpool open(Path voicemailRoot, PathLocker locker, VoicemailConfig config,
                               VoicemailOptions options, SpoolFs fs) throws VoicemailException {
        Objects.requireNonNull(voicemailRoot, "voicemailRoot");
        VoicemailSpool spool = new VoicemailSpool(voicemailRoot, locker, config, options, fs);
        Optional<SpoolFs.Attrs> st = spool.statQuiet(spool.root);
        if (st.isEmpty() || !st.get().directory()) {
            throw new VoicemailIoException(st.isEmpty() ? "voicemail directory not found" : "not a directory",
                    null, null, null, spool.root, st.isEmpty() ? Errno.ENOENT : Errno.ENOTDIR, null);
        }
        if (options.recoverOnOpen()) {
            RecoveryReport report = spool.recover();
            if (!report.entries().isEmpty()) {
                LOG.info("voicemail recovery at open: {}", report.entries());
            }
        }
        return spool;
    }

    private Optional<SpoolFs.Attrs> statQuiet(Path p) {
        try {
            return fs.stat(p);
        } catch (ErrnoException e) {
            return Optional.empty();
        }
    }

    // ------------------------------------------------------------------------------------------
    // Accessors
    // ------------------------------------------------------------------------------------------

    /**
     * Returns the voicemail directory.
     *
     * @return the absolute root of the spool
     */
    public Path root() {
        return root;
    }

    /**
     * Returns the locker.
     *
     * @return the locker used for every folder
     */
    public PathLocker locker() {
        return locker;
    }

    /**
     * Returns the {@code voicemail.conf} settings.
     *
     * @return the configuration
     */
    public VoicemailConfig config() {
        return config;
    }

    /**
     * Returns the options.
     *
     * @return the options
     */
    public VoicemailOptions options() {
        return options;
    }

    /**
     * Returns a mailbox's directory.
     *
     * @param mailbox the mailbox
     * @return {@code <root>/<context>/<id>}
     */
    public Path mailboxPath(Mailbox mailbox) {
        return root.resolve(mailbox.context()).resolve(mailbox.id());
    }

    /**
     * Returns a folder's directory, which is what Asterisk locks.
     *
     * @param mailbox the mailbox
     * @param folder  the folder
     * @return {@code <root>/<context>/<id>/<Folder>}
     */
    public Path folderPath(Mailbox mailbox, Folder folder) {
        return mailboxPath(mailbox).resolve(folder.dirName());
    }

    /**
     * Lists the mailboxes that have a directory in the spool.
     *
     * @return the mailboxes, sorted by context then id
     * @throws VoicemailException when the spool cannot be read
     */
    public List<Mailbox> mailboxes() throws VoicemailException {
        List<Mailbox> out = new ArrayList<>();
        for (String ctx : listOrEmpty(root, null, null)) {
            Path c = root.resolve(ctx);
            if (!isDir(c)) {
                continue;
            }
            for (String id : listOrEmpty(c, null, null)) {
                if (isDir(c.resolve(id))) {
                    try {
                        out.add(new Mailbox(ctx, id));
                    } catch (IllegalArgumentException e) {
                        // a name that cannot be a mailbox
                    }
                }
            }
        }
        out.sort(Comparator.comparing(Mailbox::context).thenComparing(Mailbox::id));
        return out;
    }

    private boolean isDir(Path p) {
        return statQuiet(p).map(SpoolFs.Attrs::directory).orElse(false);
    }

    // ------------------------------------------------------------------------------------------
    // Reading
    // ------------------------------------------------------------------------------------------

    /**
     * Lists a folder for display, without the lock, as Asterisk's own readers do. A file that
     * changes or disappears while it is read makes the listing start again (up to
     * {@link VoicemailOptions#displayReadAttempts()} times). Do not base changes on this
     * listing; the changing methods look messages up again under the lock.
     *
     * @param mailbox the mailbox
     * @param folder  the folder
     * @return the messages and anomalies; empty when the folder does not exist
     * @throws VoicemailException when the folder cannot be read, or kept changing
     */
    public FolderListing list(Mailbox mailbox, Folder folder) throws VoicemailException {
        Objects.requireNonNull(mailbox, "mailbox");
        Objects.requireNonNull(folder, "folder");
        VoicemailException last = null;
        for (int attempt = 0; attempt < options.displayReadAttempts(); attempt++) {
            try {
                Optional<FolderListing> l = readFolder(mailbox, folder, false);
                if (l.isPresent()) {
                    return l.get();
                }
            } catch (VoicemailIoException e) {
                if (e.errno().filter(Errno.ENOENT::equals).isEmpty()) {
                    throw e;
                }
                last = e;
            }
            pause(attempt);
        }
        throw new VoicemailException("the folder kept changing while it was read ("
                + options.displayReadAttempts() + " attempts)", mailbox, folder, null, folderPath(mailbox, folder),
                null, last);
    }

    /**
     * Lists a folder under its lock: a consistent view for a decision. Keep what you do with it
     * short; Asterisk waits at most about 5 seconds for a folder.
     *
     * @param mailbox the mailbox
     * @param folder  the folder
     * @return the messages and anomalies
     * @throws VoicemailException when the folder cannot be locked or read
     */
    public FolderListing listLocked(Mailbox mailbox, Folder folder) throws VoicemailException {
        Objects.requireNonNull(mailbox, "mailbox");
        Objects.requireNonNull(folder, "folder");
        if (!isDir(folderPath(mailbox, folder))) {
            return new FolderListing(mailbox, folder, folderPath(mailbox, folder), List.of(), List.of(), true);
        }
        PathLock lock = lock(mailbox, folder, null, "list it");
        try {
            return readFolder(mailbox, folder, true).orElseThrow();
        } finally {
            unlock(lock, mailbox, folder, null, null);
        }
    }

    /**
     * Reads one message for display (unlocked, retried like {@link #list(Mailbox, Folder)}).
     *
     * @param ref the message
     * @return the first message of the folder carrying the id
     * @throws MessageNotFoundException when no message carries it
     * @throws VoicemailException       when the folder cannot be read
     */
    public VoicemailMessage read(MessageRef ref) throws VoicemailException {
        Objects.requireNonNull(ref, "ref");
        return list(ref.mailbox(), ref.folder()).find(ref.msgId())
                .orElseThrow(() -> new MessageNotFoundException(ref, folderPath(ref.mailbox(), ref.folder())));
    }

    /**
     * Looks through a whole mailbox for anomalies: those of each folder, directories that are not
     * one of the twelve folders (such as {@code inbox}), and leftovers of interrupted changes of
     * this library in {@code tmp/}. Unlocked; for display and monitoring.
     *
     * @param mailbox the mailbox
     * @return the anomalies found
     * @throws VoicemailException when the mailbox cannot be read
     */
    public List<Anomaly> inspect(Mailbox mailbox) throws VoicemailException {
        List<Anomaly> out = new ArrayList<>();
        Path box = mailboxPath(mailbox);
        for (String name : listOrEmpty(box, mailbox, null)) {
            Path p = box.resolve(name);
            if (!isDir(p) || name.equals("tmp") || Folder.fromDirName(name).isPresent()) {
                continue;
            }
            Optional<Folder> like = Folder.fromName(name);
            out.add(new Anomaly(Anomaly.Kind.NON_CANONICAL_FOLDER, p, mailbox, Optional.empty(), OptionalInt.empty(),
                    Optional.empty(), like.isPresent()
                            ? "Asterisk never reads this directory; the folder is spelt " + like.get().dirName()
                            : "not a voicemail folder Asterisk knows"));
        }
        for (Folder f : Folder.values()) {
            out.addAll(list(mailbox, f).anomalies());
        }
        Path tmp = box.resolve("tmp");
        for (String name : listOrEmpty(tmp, mailbox, null)) {
            if (SpoolNames.ours(name).matches()) {
                out.add(new Anomaly(Anomaly.Kind.INTERRUPTED_OPERATION, tmp.resolve(name), mailbox, Optional.empty(),
                        OptionalInt.empty(), Optional.empty(),
                        "left by a change of this library that is running or was interrupted"));
            }
        }
        return out;
    }

    /** One directory read of a folder, classified. */
    private static final class Scan {
        final List<String> names;
        final TreeMap<Integer, String> txt = new TreeMap<>();
        final TreeMap<Integer, TreeMap<String, String>> audio = new TreeMap<>();
        final List<String> stray = new ArrayList<>();
        final List<String> bak = new ArrayList<>();
        final List<String> cache = new ArrayList<>();
        int count;
        int last = -1;

        Scan(List<String> names) {
            this.names = names;
            for (String n : names) {
                if (SpoolNames.countedByAsterisk(n)) {
                    count++;
                }
                OptionalLong loose = SpoolNames.looseTxtIndex(n);
                if (loose.isPresent() && loose.getAsLong() >= 0 && loose.getAsLong() <= SpoolNames.MAX_INDEX) {
                    last = Math.max(last, (int) loose.getAsLong());
                }
                OptionalInt t = SpoolNames.txtIndex(n);
                if (t.isPresent()) {
                    txt.put(t.getAsInt(), n);
                    continue;
                }
                OptionalInt a = SpoolNames.audioIndex(n);
                if (a.isPresent()) {
                    audio.computeIfAbsent(a.getAsInt(), k -> new TreeMap<>()).put(SpoolNames.audioExt(n), n);
                    continue;
                }
                if (SpoolNames.bakIndex(n).isPresent()) {
                    bak.add(n);
                } else if (SpoolNames.cacheIndex(n).isPresent()) {
                    cache.add(n);
                } else if (loose.isPresent() || SpoolNames.countedByAsterisk(n)) {
                    stray.add(n);
                }
            }
        }

        boolean occupied(int index) {
            return txt.containsKey(index) || audio.containsKey(index);
        }

        Map<String, String> audioAt(int index) {
            return audio.getOrDefault(index, new TreeMap<>());
        }
    }

    private Scan scan(Mailbox mailbox, Folder folder) throws VoicemailException {
        return new Scan(listOrEmpty(folderPath(mailbox, folder), mailbox, folder));
    }

    private List<String> listOrEmpty(Path dir, Mailbox mailbox, Folder folder) throws VoicemailException {
        try {
            List<String> names = new ArrayList<>(fs.list(dir));
            Collections.sort(names);
            return names;
        } catch (ErrnoException e) {
            if (e.errno().equals(Errno.ENOENT)) {
                return List.of();
            }
            throw new VoicemailIoException("cannot read directory", mailbox, folder, null, dir, e.errno(), e);
        }
    }

    /**
     * Reads and classifies a folder; empty when (unlocked) something changed while reading.
     */
    private Optional<FolderListing> readFolder(Mailbox mailbox, Folder folder, boolean locked)
            throws VoicemailException {
        Path dir = folderPath(mailbox, folder);
        Scan scan = scan(mailbox, folder);
        List<VoicemailMessage> messages = new ArrayList<>();
        List<Anomaly> anomalies = new ArrayList<>();
        int maxMsg = folder == Folder.DELETED ? Math.max(1, config.maxDeletedMsg(mailbox)) : config.maxMsg(mailbox);
        Set<String> configured = new java.util.HashSet<>();
        for (AudioFormat f : config.formats()) {
            configured.add(f.extension());
        }
        Map<String, List<Integer>> byId = new LinkedHashMap<>();
        for (Map.Entry<Integer, String> t : scan.txt.entrySet()) {
            int index = t.getKey();
            Path txt = dir.resolve(t.getValue());
            Optional<SpoolFs.Attrs> before;
            byte[] bytes;
            Optional<SpoolFs.Attrs> after;
            try {
                before = fs.stat(txt);
                bytes = fs.read(txt);
                after = fs.stat(txt);
            } catch (ErrnoException e) {
                if (!locked && e.errno().equals(Errno.ENOENT)) {
                    return Optional.empty();
                }
                anomalies.add(anomaly(Anomaly.Kind.UNREADABLE_METADATA, txt, mailbox, folder, index, null,
                        "cannot read: " + e.errno().name()));
                continue;
            }
            if (!locked && (before.isEmpty() || after.isEmpty() || before.get().size() != bytes.length
                    || !before.equals(after))) {
                return Optional.empty();
            }
            Optional<MessageMetadata> meta = TxtFormat.parse(bytes, dir);
            if (meta.isEmpty()) {
                anomalies.add(anomaly(Anomaly.Kind.UNREADABLE_METADATA, txt, mailbox, folder, index, null,
                        "Asterisk cannot read this file (no [message] section, or a syntax error)"));
                continue;
            }
            MessageMetadata md = meta.get();
            String id = md.msgId().orElse(null);
            Map<String, Path> audio = new TreeMap<>();
            for (Map.Entry<String, String> a : scan.audioAt(index).entrySet()) {
                audio.put(a.getKey(), dir.resolve(a.getValue()));
            }
            MessageLocation loc = new MessageLocation(mailbox, folder, index);
            messages.add(new VoicemailMessage(loc, txt, md, audio));
            if (id == null) {
                anomalies.add(anomaly(Anomaly.Kind.MISSING_MSG_ID, txt, mailbox, folder, index, null,
                        "no msg_id: Asterisk will add one by rewriting the file the next time it lists the folder"));
            } else {
                byId.computeIfAbsent(id, k -> new ArrayList<>()).add(index);
            }
            List<String> missing = md.missingRequiredKeys();
            if (!missing.isEmpty()) {
                anomalies.add(anomaly(Anomaly.Kind.MISSING_REQUIRED_KEY, txt, mailbox, folder, index, id,
                        "missing " + String.join(" and ", missing)
                                + (missing.contains("callerid") && !missing.contains("origtime")
                                ? ": Asterisk crashes when this message is played"
                                : ": Asterisk skips this message when playing")));
            }
            if (audio.isEmpty()) {
                anomalies.add(anomaly(Anomaly.Kind.GHOST, txt, mailbox, folder, index, id,
                        "a .txt without audio: counted and listed by Asterisk, but not playable"));
            } else {
                List<String> lacking = new ArrayList<>();
                for (String ext : configured) {
                    if (!audio.containsKey(ext)) {
                        lacking.add(ext);
                    }
                }
                if (!lacking.isEmpty()) {
                    Collections.sort(lacking);
                    anomalies.add(anomaly(Anomaly.Kind.MISSING_FORMAT, txt, mailbox, folder, index, id,
                            "no " + lacking + " audio: renumbering can give this message another message's audio"));
                }
            }
            if (index >= maxMsg) {
                anomalies.add(anomaly(Anomaly.Kind.INDEX_OVER_LIMIT, txt, mailbox, folder, index, id,
                        "number " + index + " is not below the limit " + maxMsg));
            }
        }
        for (Map.Entry<String, List<Integer>> e : byId.entrySet()) {
            if (e.getValue().size() > 1) {
                anomalies.add(anomaly(Anomaly.Kind.DUPLICATE_MSG_ID, dir, mailbox, folder, e.getValue().get(0),
                        e.getKey(), "carried by messages " + e.getValue() + "; Asterisk acts on the first"));
            }
        }
        for (Map.Entry<Integer, TreeMap<String, String>> a : scan.audio.entrySet()) {
            if (!scan.txt.containsKey(a.getKey())) {
                anomalies.add(anomaly(Anomaly.Kind.ORPHAN, dir.resolve(a.getValue().firstEntry().getValue()), mailbox,
                        folder, a.getKey(), null, "audio without a .txt: " + a.getValue().values()));
            }
        }
        for (String n : scan.stray) {
            anomalies.add(anomaly(Anomaly.Kind.STRAY_NAME, dir.resolve(n), mailbox, folder, -1, null,
                    "Asterisk counts this name as a message, which makes it renumber the folder on every open"));
        }
        for (String n : scan.bak) {
            anomalies.add(anomaly(Anomaly.Kind.BACKUP_FILE, dir.resolve(n), mailbox, folder,
                    SpoolNames.bakIndex(n).getAsInt(), null, "left by Asterisk's prepend on forward"));
        }
        for (String n : scan.cache) {
            anomalies.add(anomaly(Anomaly.Kind.CACHE_FILE, dir.resolve(n), mailbox, folder,
                    SpoolNames.cacheIndex(n).getAsInt(), null, "a transcoding cache of another tool"));
        }
        if (!locked && !new Scan(listOrEmpty(dir, mailbox, folder)).names.equals(scan.names)) {
            return Optional.empty();
        }
        return Optional.of(new FolderListing(mailbox, folder, dir, messages, anomalies, locked));
    }

    private static Anomaly anomaly(Anomaly.Kind kind, Path path, Mailbox mailbox, Folder folder, int index,
                                   String msgId, String detail) {
        return new Anomaly(kind, path, mailbox, Optional.of(folder),
                index < 0 ? OptionalInt.empty() : OptionalInt.of(index), Optional.ofNullable(msgId), detail);
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(Math.min(50, 2L << attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------------------------------
    // Identity
    // ------------------------------------------------------------------------------------------

    /**
     * Makes a new message id in Asterisk's shape {@code <epoch seconds>-<8 hex digits>}, with the
     * hex part drawn at random from the upper half of its range (Asterisk counts up from 0 there),
     * and not carried by any message of the mailbox.
     *
     * @param mailbox the mailbox the id must be unique in
     * @return the id
     * @throws VoicemailException when the mailbox cannot be read
     */
    public String newMessageId(Mailbox mailbox) throws VoicemailException {
        Objects.requireNonNull(mailbox, "mailbox");
        Set<String> used = idsInMailbox(mailbox);
        while (true) {
            String id = Instant.now().getEpochSecond() + "-" + String.format("%08x", random.nextInt() | 0x80000000);
            if (!used.contains(id)) {
                return id;
            }
        }
    }

    /**
     * Every id found in the mailbox, read without locks and without retrying: files that change
     * or vanish while read are skipped (the destination folder is checked again under its lock).
     */
    private Set<String> idsInMailbox(Mailbox mailbox) throws VoicemailException {
        Set<String> used = new java.util.HashSet<>();
        for (Folder f : Folder.values()) {
            Path dir = folderPath(mailbox, f);
            for (String txt : scan(mailbox, f).txt.values()) {
                try {
                    TxtFormat.parse(fs.read(dir.resolve(txt)), dir).flatMap(MessageMetadata::msgId)
                            .ifPresent(used::add);
                } catch (ErrnoException e) {
                    // gone or unreadable: not an id in use that this check could see
                }
            }
        }
        return used;
    }

    private static final class Resolved {
        final int index;
        final VoicemailMessage message;

        Resolved(int index, VoicemailMessage message) {
            this.index = index;
            this.message = message;
        }
    }

    /** Finds the message under the folder lock. */
    private Resolved resolve(MessageRef ref) throws VoicemailException {
        FolderListing l = readFolder(ref.mailbox(), ref.folder(), true).orElseThrow();
        List<VoicemailMessage> matches = new ArrayList<>();
        for (VoicemailMessage m : l.messages()) {
            if (m.msgId().filter(ref.msgId()::equals).isPresent()) {
                matches.add(m);
            }
        }
        Path dir = folderPath(ref.mailbox(), ref.folder());
        if (matches.isEmpty()) {
            throw new MessageNotFoundException(ref, dir);
        }
        if (matches.size() > 1 && !options.actOnFirstDuplicate()) {
            List<Integer> idx = new ArrayList<>();
            matches.forEach(m -> idx.add(m.index()));
            throw new AmbiguousMessageIdException(ref, dir, idx);
        }
        return new Resolved(matches.get(0).index(), matches.get(0));
    }

    // ------------------------------------------------------------------------------------------
    // Locks and directories
    // ------------------------------------------------------------------------------------------

    private void ensureDirs(Mailbox mailbox, Folder folder) throws VoicemailException {
        Path ctx = root.resolve(mailbox.context());
        Path box = ctx.resolve(mailbox.id());
        for (Path p : List.of(ctx, box, box.resolve("tmp"), box.resolve(folder.dirName()))) {
            try {
                fs.mkdir(p);
            } catch (ErrnoException e) {
                throw new VoicemailIoException("cannot create directory", mailbox, folder, null, p, e.errno(), e);
            }
        }
    }

    private PathLock lock(Mailbox mailbox, Folder folder, String msgId, String what) throws VoicemailException {
        try {
            return locker.lock(folderPath(mailbox, folder));
        } catch (LockException e) {
            throw new VoicemailLockException("cannot lock the folder to " + what, mailbox, folder, msgId, e);
        }
    }

    /** Releases; a failure is thrown when nothing was committed, else added to the notes. */
    private void unlock(PathLock lock, Mailbox mailbox, Folder folder, String msgId, List<String> notes)
            throws VoicemailException {
        try {
            lock.close();
        } catch (LockException e) {
            if (notes == null) {
                throw new VoicemailLockException("releasing the folder lock failed", mailbox, folder, msgId, e);
            }
            notes.add("releasing the lock of " + folder.dirName() + " failed after the change was committed: "
                    + e.getMessage());
        }
    }

    private static void checkValid(PathLock lock, Mailbox mailbox, Folder folder, String msgId)
            throws VoicemailException {
        try {
            lock.checkValid();
        } catch (LockException e) {
            throw new VoicemailLockException("the folder lock was lost before the change was committed", mailbox,
                    folder, msgId, e);
        }
    }

    /** Two folders in the order that cannot deadlock with Asterisk. */
    private static List<MessageLocationKey> lockOrder(MessageLocationKey a, MessageLocationKey b) {
        List<MessageLocationKey> l = new ArrayList<>(List.of(a, b));
        l.sort(Comparator.comparingInt((MessageLocationKey k) -> k.folder.lockRank())
                .thenComparing(k -> k.mailbox.context()).thenComparing(k -> k.mailbox.id())
                .thenComparing(k -> k.folder.dirName()));
        return l;
    }

    private static final class MessageLocationKey {
        final Mailbox mailbox;
        final Folder folder;

        MessageLocationKey(Mailbox mailbox, Folder folder) {
            this.mailbox = mailbox;
            this.folder = folder;
        }
    }

    private Path journalDir(Mailbox mailbox) {
        return options.journalDirectory().orElse(mailboxPath(mailbox).resolve("tmp"));
    }

    private Journal newJournal(Mailbox journalBox, String op, String opid) throws VoicemailException {
        Path dir = journalDir(journalBox);
        try {
            fs.mkdir(dir);
        } catch (ErrnoException e) {
            throw new VoicemailIoException("cannot create the journal directory", journalBox, null, null, dir,
                    e.errno(), e);
        }
        Journal j = new Journal(dir.resolve(SpoolNames.journalName(PID, opid)));
        j.put("op", op).put("opid", opid).put("pid", PID).put("start", START).put("host", HOST)
                .put("created", Instant.now());
        return j;
    }

    private String newOpId() {
        return String.format("%016x", random.nextLong());
    }

    private VoicemailIoException io(String what, Mailbox mailbox, Folder folder, String msgId, ErrnoException e) {
        return new VoicemailIoException(what + ": " + e.getMessage(), mailbox, folder, msgId, e.path(), e.errno(), e);
    }

    private static Errno errnoOf(IOException e) {
        return e instanceof ErrnoException ? ((ErrnoException) e).errno() : Errno.fromException(e);
    }

    // ------------------------------------------------------------------------------------------
    // Deliver and copy
    // ------------------------------------------------------------------------------------------

    /**
     * Delivers a new message into a folder, as Asterisk's {@code VoiceMail()} does: the files are
     * staged and flushed in the mailbox's {@code tmp/} outside the lock; under the folder lock the
     * limits are checked again, the number after the highest existing one is taken, the audio is
     * renamed into place and the {@code .txt} last.
     *
     * @param mailbox the mailbox (its directories are created when missing)
     * @param folder  the folder, usually {@link Folder#INBOX} (or {@link Folder#URGENT} with flag
     *                {@code Urgent})
     * @param message the message
     * @return the id and number given to the message
     * @throws MailboxFullException    when the folder has no room; nothing is written
     * @throws InvalidMessageException when a value or the audio formats are not acceptable
     * @throws VoicemailException      for lock and file errors; nothing is left behind
     */
    public OperationResult deliver(Mailbox mailbox, Folder folder, NewMessage message) throws VoicemailException {
        Objects.requireNonNull(mailbox, "mailbox");
        Objects.requireNonNull(folder, "folder");
        Objects.requireNonNull(message, "message");
        String msgId;
        if (message.msgId().isPresent()) {
            msgId = message.msgId().get();
            if (!SpoolNames.validMsgId(msgId)) {
                throw new InvalidMessageException("msg_id: not in Asterisk's shape <digits>-<letters or digits>: '"
                        + msgId + "'", mailbox, folder, null);
            }
        } else {
            msgId = newMessageId(mailbox);
        }
        Map<AudioFormat, NewMessage.AudioSource> audio = matchFormats(mailbox, folder, msgId, message);
        Instant origTime = message.origTime().orElse(Instant.now());
        List<Map.Entry<String, String>> keys = new ArrayList<>();
        keys.add(Map.entry("origmailbox", message.origMailbox().orElse(mailbox.id())));
        keys.add(Map.entry("context", message.context()));
        message.macroContext().ifPresent(mc -> keys.add(Map.entry("macrocontext", mc)));
        keys.add(Map.entry("exten", message.exten()));
        keys.add(Map.entry("rdnis", message.rdnis()));
        keys.add(Map.entry("priority", Integer.toString(message.priority())));
        keys.add(Map.entry("callerchan", message.callerChan()));
        keys.add(Map.entry("callerid", message.callerId().isBlank() ? "Unknown" : message.callerId()));
        keys.add(Map.entry("origdate", TxtFormat.origDate(origTime)));
        keys.add(Map.entry("origtime", Long.toString(origTime.getEpochSecond())));
        keys.add(Map.entry("category", message.category()));
        keys.add(Map.entry("msg_id", msgId));
        keys.add(Map.entry("flag", message.flag()));
        keys.add(Map.entry("duration", Integer.toString(message.duration())));
        byte[] txt = TxtFormat.write(keys, mailbox, folder, msgId);
        Map<String, Object> sources = new LinkedHashMap<>();
        for (Map.Entry<AudioFormat, NewMessage.AudioSource> e : audio.entrySet()) {
            NewMessage.AudioSource s = e.getValue();
            sources.put(e.getKey().extension(), s.file != null ? s.file : s.bytes);
        }
        return stageAndCommit(OperationResult.Operation.DELIVER, mailbox, folder, msgId, sources, txt,
                Optional.empty(), true);
    }

    private Map<AudioFormat, NewMessage.AudioSource> matchFormats(Mailbox mailbox, Folder folder, String msgId,
            NewMessage message) throws InvalidMessageException {
        Map<AudioFormat, NewMessage.AudioSource> out = new LinkedHashMap<>();
        for (Map.Entry<String, NewMessage.AudioSource> e : message.audio().entrySet()) {
            AudioFormat match = null;
            for (AudioFormat f : config.formats()) {
                if (f.name().equals(e.getKey()) || f.extension().equals(e.getKey())) {
                    match = f;
                }
            }
            if (match == null) {
                throw new InvalidMessageException("audio '" + e.getKey() + "' is not one of the configured formats "
                        + config.formats(), mailbox, folder, msgId);
            }
            if (out.put(match, e.getValue()) != null) {
                throw new InvalidMessageException("audio for format " + match + " given twice", mailbox, folder,
                        msgId);
            }
        }
        if (out.size() != config.formats().size() && !message.allowsFewerFormats()) {
            List<AudioFormat> missing = new ArrayList<>(config.formats());
            missing.removeAll(out.keySet());
            throw new InvalidMessageException("audio missing for formats " + missing + "; every message must have "
                    + "all of " + config.formats() + " (or opt in with allowFewerFormats)", mailbox, folder, msgId);
        }
        return out;
    }

    /**
     * Copies a message into another folder or mailbox as a new delivery there, keeping its
     * {@code msg_id} (as Asterisk's forward does). The source is read under its lock and staged;
     * the copy is then committed under the destination's lock.
     *
     * @param ref       the message to copy
     * @param toMailbox the destination mailbox
     * @param toFolder  the destination folder; not the source folder itself
     * @return where the source was and where the copy is
     * @throws MessageNotFoundException     when the source is gone
     * @throws AmbiguousMessageIdException  when several source messages carry the id
     * @throws MailboxFullException         when the destination has no room
     * @throws VoicemailException           for lock and file errors; nothing is left behind
     */
    public OperationResult copy(MessageRef ref, Mailbox toMailbox, Folder toFolder) throws VoicemailException {
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(toMailbox, "toMailbox");
        Objects.requireNonNull(toFolder, "toFolder");
        if (ref.mailbox().equals(toMailbox) && ref.folder() == toFolder) {
            throw new InvalidMessageException("a copy into the same folder would give two messages the same id",
                    toMailbox, toFolder, ref.msgId());
        }
        ensureDirs(toMailbox, toFolder);
        if (!isDir(folderPath(ref.mailbox(), ref.folder()))) {
            throw new MessageNotFoundException(ref, folderPath(ref.mailbox(), ref.folder()));
        }
        String opid = newOpId();
        ACTIVE.add(opid);
        Path stageDir = mailboxPath(toMailbox).resolve("tmp");
        Journal j = newJournal(toMailbox, "COPY", opid);
        List<Path> staged = new ArrayList<>();
        boolean handedOver = false;
        try {
            PathLock src = lock(ref.mailbox(), ref.folder(), ref.msgId(), "copy a message from it");
            Resolved r;
            Map<String, Object> sources = new LinkedHashMap<>();
            try {
                r = resolve(ref);
                for (Map.Entry<String, Path> a : r.message.audio().entrySet()) {
                    sources.put(a.getKey(), a.getValue());
                }
                j.put("phase", "STAGING").put("context", toMailbox.context()).put("mailbox", toMailbox.id())
                        .put("folder", toFolder.name()).put("msgId", ref.msgId())
                        .put("exts", String.join(",", sources.keySet())).put("stageDir", stageDir);
                try {
                    j.write(fs, true);
                } catch (ErrnoException e) {
                    throw io("cannot write the journal", toMailbox, toFolder, ref.msgId(), e);
                }
                for (Map.Entry<String, Object> s : sources.entrySet()) {
                    Path to = stageDir.resolve(SpoolNames.stagedName(PID, opid, s.getKey()));
                    try {
                        fs.copy((Path) s.getValue(), to);
                    } catch (ErrnoException e) {
                        throw io("cannot stage the copy", toMailbox, toFolder, ref.msgId(), e);
                    }
                    staged.add(to);
                    s.setValue(to);
                }
                Path meta = stageDir.resolve(SpoolNames.stagedName(PID, opid, "meta"));
                try {
                    fs.copy(r.message.txtFile(), meta);
                } catch (ErrnoException e) {
                    throw io("cannot stage the copy", toMailbox, toFolder, ref.msgId(), e);
                }
                staged.add(meta);
            } finally {
                unlock(src, ref.mailbox(), ref.folder(), ref.msgId(), null);
            }
            handedOver = true;
            return commitStaged(OperationResult.Operation.COPY, toMailbox, toFolder, ref.msgId(), sources, j, opid,
                    Optional.of(new MessageLocation(ref.mailbox(), ref.folder(), r.index)), false);
        } finally {
            if (!handedOver) {
                cleanupStaged(staged, j);
            }
            ACTIVE.remove(opid);
        }
    }

    /** Stages the files of a new message, then commits them. */
    private OperationResult stageAndCommit(OperationResult.Operation op, Mailbox mailbox, Folder folder, String msgId,
            Map<String, Object> sources, byte[] txt, Optional<MessageLocation> before, boolean uniqueId)
            throws VoicemailException {
        ensureDirs(mailbox, folder);
        String opid = newOpId();
        ACTIVE.add(opid);
        Path stageDir = mailboxPath(mailbox).resolve("tmp");
        Journal j = newJournal(mailbox, op.name(), opid);
        List<Path> staged = new ArrayList<>();
        boolean handedOver = false;
        try {
            j.put("phase", "STAGING").put("context", mailbox.context()).put("mailbox", mailbox.id())
                    .put("folder", folder.name()).put("msgId", msgId)
                    .put("exts", String.join(",", sources.keySet())).put("stageDir", stageDir);
            try {
                j.write(fs, true);
            } catch (ErrnoException e) {
                throw io("cannot write the journal", mailbox, folder, msgId, e);
            }
            Map<String, Object> stagedByExt = new LinkedHashMap<>();
            for (Map.Entry<String, Object> s : sources.entrySet()) {
                Path to = stageDir.resolve(SpoolNames.stagedName(PID, opid, s.getKey()));
                try {
                    if (s.getValue() instanceof Path) {
                        fs.copy((Path) s.getValue(), to);
                    } else {
                        fs.create(to, (byte[]) s.getValue());
                    }
                } catch (ErrnoException e) {
                    throw io("cannot stage the audio", mailbox, folder, msgId, e);
                }
                staged.add(to);
                stagedByExt.put(s.getKey(), to);
            }
            Path meta = stageDir.resolve(SpoolNames.stagedName(PID, opid, "meta"));
            try {
                fs.create(meta, txt);
                fs.syncDir(stageDir);
            } catch (ErrnoException e) {
                throw io("cannot stage the .txt", mailbox, folder, msgId, e);
            }
            staged.add(meta);
            handedOver = true;
            return commitStaged(op, mailbox, folder, msgId, stagedByExt, j, opid, before, uniqueId);
        } finally {
            if (!handedOver) {
                cleanupStaged(staged, j);
            }
            ACTIVE.remove(opid);
        }
    }

    /** Best-effort removal of staged files and then the journal; leaves the journal when it cannot. */
    private void cleanupStaged(List<Path> staged, Journal j) {
        boolean clean = true;
        for (Path p : staged) {
            try {
                fs.unlink(p);
            } catch (ErrnoException e) {
                if (!e.errno().equals(Errno.ENOENT)) {
                    clean = false;
                }
            }
        }
        if (clean) {
            deleteJournal(j);
        }
    }

    private boolean deleteJournal(Journal j) {
        try {
            fs.unlink(j.file);
            return true;
        } catch (ErrnoException e) {
            return e.errno().equals(Errno.ENOENT);
        }
    }

    /**
     * Commits staged files (audio by extension, plus {@code <stage>.meta}) into a folder under its
     * lock. The journal is complete and written; on any failure everything is undone or left for
     * recovery.
     */
    private OperationResult commitStaged(OperationResult.Operation op, Mailbox mailbox, Folder folder, String msgId,
            Map<String, Object> stagedByExt, Journal j, String opid, Optional<MessageLocation> before,
            boolean uniqueId) throws VoicemailException {
        Path dir = folderPath(mailbox, folder);
        Path meta = mailboxPath(mailbox).resolve("tmp").resolve(SpoolNames.stagedName(PID, opid, "meta"));
        List<String> notes = new ArrayList<>();
        List<Path> placed = new ArrayList<>();
        boolean committed = false;
        boolean undone = false;
        int index;
        PathLock lock = lock(mailbox, folder, msgId, "deliver into it");
        try {
            Scan scan = scan(mailbox, folder);
            if (uniqueId) {
                for (VoicemailMessage m : readFolder(mailbox, folder, true).orElseThrow().messages()) {
                    if (m.msgId().filter(msgId::equals).isPresent()) {
                        throw new InvalidMessageException("msg_id already used by message " + m.index(), mailbox,
                                folder, msgId);
                    }
                }
            }
            index = placeIndex(mailbox, folder, msgId, scan, j, notes);
            j.put("phase", "COMMIT").put("index", index);
            try {
                j.write(fs, false);
            } catch (ErrnoException e) {
                throw io("cannot write the journal", mailbox, folder, msgId, e);
            }
            checkValid(lock, mailbox, folder, msgId);
            try {
                for (Map.Entry<String, Object> s : stagedByExt.entrySet()) {
                    Path to = dir.resolve(SpoolNames.audioName(index, s.getKey()));
                    fs.rename((Path) s.getValue(), to);
                    placed.add(to);
                }
                Path txt = dir.resolve(SpoolNames.txtName(index));
                fs.rename(meta, txt);
                committed = true;
                fs.chmod(txt, options.txtPermissions());
                fs.syncDir(dir);
            } catch (ErrnoException e) {
                if (committed) {
                    notes.add("after the commit: " + e.getMessage());
                } else {
                    throw io("cannot move the message into the folder", mailbox, folder, msgId, e);
                }
            }
        } finally {
            if (!committed) {
                undone = undoPlaced(placed);
                List<Path> left = new ArrayList<>();
                for (Object o : stagedByExt.values()) {
                    left.add((Path) o);
                }
                left.add(meta);
                undone &= undoPlaced(left);
            }
            unlock(lock, mailbox, folder, msgId, committed ? notes : new ArrayList<>());
            if (committed || (undone && !"ROTATE".equals(j.get("phase")))) {
                deleteJournal(j);
            }
        }
        return committed(new OperationResult(op, msgId, before,
                Optional.of(new MessageLocation(mailbox, folder, index)), notes));
    }

    private boolean undoPlaced(List<Path> placed) {
        boolean ok = true;
        for (Path p : placed) {
            try {
                fs.unlink(p);
            } catch (ErrnoException e) {
                ok &= e.errno().equals(Errno.ENOENT);
            }
        }
        return ok;
    }

    /**
     * The number for a new message, under the lock: after the highest {@code .txt}, skipping
     * numbers where files lie; limits checked; {@code Deleted} rotated when full.
     */
    private int placeIndex(Mailbox mailbox, Folder folder, String msgId, Scan scan, Journal j, List<String> notes)
            throws VoicemailException {
        Path dir = folderPath(mailbox, folder);
        int limit = folder == Folder.DELETED ? config.maxDeletedMsg(mailbox) : config.maxMsg(mailbox);
        int index = scan.last + 1;
        while (index <= SpoolNames.MAX_INDEX && scan.occupied(index)) {
            notes.add("number " + index + " skipped: audio without a .txt lies there " + scan.audioAt(index).values());
            index++;
        }
        if (limit == 0) {
            throw new MailboxFullException(mailbox, folder, msgId, dir, scan.count, index, 0);
        }
        if (scan.count < limit && index < limit) {
            return index;
        }
        if (folder != Folder.DELETED) {
            throw new MailboxFullException(mailbox, folder, msgId, dir, scan.count, index, limit);
        }
        return rotateDeleted(mailbox, scan, j, limit, msgId, notes);
    }

    /**
     * Makes room in {@code Deleted} as Asterisk does: the oldest messages go, the rest move down
     * so that the new message gets the last slot below the limit. Journaled step by step.
     */
    private int rotateDeleted(Mailbox mailbox, Scan scan, Journal j, int limit, String msgId, List<String> notes)
            throws VoicemailException {
        Folder folder = Folder.DELETED;
        Path dir = folderPath(mailbox, folder);
        for (Integer a : scan.audio.keySet()) {
            if (!scan.txt.containsKey(a)) {
                throw new VoicemailException("Deleted is full and holds audio without a .txt at number " + a
                        + "; not rotating over it", mailbox, folder, msgId, dir, null, null);
            }
        }
        if (!scan.stray.isEmpty()) {
            throw new VoicemailException("Deleted is full and holds names Asterisk counts as messages "
                    + scan.stray + "; not rotating", mailbox, folder, msgId, dir, null, null);
        }
        FolderListing l = readFolder(mailbox, folder, true).orElseThrow();
        Map<Integer, String> ids = new HashMap<>();
        for (VoicemailMessage m : l.messages()) {
            ids.put(m.index(), m.msgId().orElse(""));
        }
        List<Integer> present = new ArrayList<>(scan.txt.keySet());
        int keep = Math.min(present.size(), limit - 1);
        List<String> steps = new ArrayList<>();
        for (int i = 0; i < present.size() - keep; i++) {
            steps.add("D:" + present.get(i) + ":" + ids.getOrDefault(present.get(i), ""));
        }
        int slot = 0;
        for (int i = present.size() - keep; i < present.size(); i++, slot++) {
            if (present.get(i) != slot) {
                steps.add("R:" + present.get(i) + ":" + slot + ":" + ids.getOrDefault(present.get(i), ""));
            }
        }
        j.put("phase", "ROTATE").put("rotate", String.join(",", steps)).put("rotateDone", 0);
        try {
            j.write(fs, false);
        } catch (ErrnoException e) {
            throw io("cannot write the journal", mailbox, folder, msgId, e);
        }
        runRotation(mailbox, j, 0);
        notes.add("Deleted was full (limit " + limit + "): " + (present.size() - keep)
                + " oldest message(s) removed, " + keep + " kept and renumbered from 0");
        return keep;
    }

    /** Runs (or resumes) the rotation steps of a journal; the Deleted lock is held. */
    private void runRotation(Mailbox mailbox, Journal j, int from) throws VoicemailException {
        Path dir = folderPath(mailbox, Folder.DELETED);
        List<String> steps = j.getList("rotate");
        for (int k = from; k < steps.size(); k++) {
            String[] s = steps.get(k).split(":", -1);
            try {
                Scan scan = scan(mailbox, Folder.DELETED);
                if (s[0].equals("D")) {
                    int idx = Integer.parseInt(s[1]);
                    if (scan.txt.containsKey(idx)) {
                        fs.unlink(dir.resolve(SpoolNames.txtName(idx)));
                    }
                    for (String n : scan.audioAt(idx).values()) {
                        fs.unlink(dir.resolve(n));
                    }
                } else {
                    int src = Integer.parseInt(s[1]);
                    int dst = Integer.parseInt(s[2]);
                    for (Map.Entry<String, String> a : scan.audioAt(src).entrySet()) {
                        fs.rename(dir.resolve(a.getValue()), dir.resolve(SpoolNames.audioName(dst, a.getKey())));
                    }
                    if (scan.txt.containsKey(src)) {
                        fs.rename(dir.resolve(SpoolNames.txtName(src)), dir.resolve(SpoolNames.txtName(dst)));
                    }
                }
                j.put("rotateDone", k + 1);
                j.write(fs, false);
            } catch (ErrnoException e) {
                throw io("rotating Deleted failed", mailbox, Folder.DELETED, null, e);
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // Move
    // ------------------------------------------------------------------------------------------

    /**
     * Moves a message to another folder of its mailbox. See {@link #move(MessageRef, Mailbox, Folder)}.
     *
     * @param ref      the message
     * @param toFolder the destination folder
     * @return where the message was and where it is
     * @throws VoicemailException as {@link #move(MessageRef, Mailbox, Folder)}
     */
    public OperationResult move(MessageRef ref, Folder toFolder) throws VoicemailException {
        Objects.requireNonNull(ref, "ref");
        return move(ref, ref.mailbox(), toFolder);
    }

    /**
     * Moves a message by renaming its files: both folders are locked (in an order that cannot
     * deadlock with Asterisk), the number is looked up by {@code msg_id}, the destination gets the
     * number after its highest one, every audio file is renamed first and the {@code .txt} last,
     * which is the moment the message changes folder. The gap left in the source is closed by
     * Asterisk the next time it opens the folder. Both folders must be on one file system.
     *
     * @param ref       the message
     * @param toMailbox the destination mailbox
     * @param toFolder  the destination folder, not the source folder
     * @return where the message was and where it is
     * @throws MessageNotFoundException    when the message is gone
     * @throws AmbiguousMessageIdException when several messages carry the id
     * @throws MailboxFullException        when the destination has no room
     * @throws VoicemailException          for lock and file errors; nothing is changed
     */
    public OperationResult move(MessageRef ref, Mailbox toMailbox, Folder toFolder) throws VoicemailException {
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(toMailbox, "toMailbox");
        Objects.requireNonNull(toFolder, "toFolder");
        Mailbox fromBox = ref.mailbox();
        Folder fromFolder = ref.folder();
        String msgId = ref.msgId();
        if (fromBox.equals(toMailbox) && fromFolder == toFolder) {
            throw new InvalidMessageException("source and destination are the same folder", toMailbox, toFolder,
                    msgId);
        }
        if (!isDir(folderPath(fromBox, fromFolder))) {
            throw new MessageNotFoundException(ref, folderPath(fromBox, fromFolder));
        }
        ensureDirs(toMailbox, toFolder);
        String opid = newOpId();
        ACTIVE.add(opid);
        try {
            List<MessageLocationKey> order = lockOrder(new MessageLocationKey(fromBox, fromFolder),
                    new MessageLocationKey(toMailbox, toFolder));
            PathLock first = lock(order.get(0).mailbox, order.get(0).folder, msgId, "move a message");
            PathLock second = null;
            List<String> notes = new ArrayList<>();
            boolean committed = false;
            Journal j = null;
            List<String[]> moved = new ArrayList<>();
            Path fromDir = folderPath(fromBox, fromFolder);
            Path toDir = folderPath(toMailbox, toFolder);
            int fromIndex;
            int toIndex;
            try {
                second = lock(order.get(1).mailbox, order.get(1).folder, msgId, "move a message");
                Resolved r = resolve(ref);
                fromIndex = r.index;
                Map<String, String> audio = scan(fromBox, fromFolder).audioAt(fromIndex);
                if (audio.isEmpty()) {
                    notes.add("the message had no audio (a .txt only)");
                }
                j = newJournal(fromBox, "MOVE", opid);
                j.put("phase", "PLAN").put("context", fromBox.context()).put("mailbox", fromBox.id())
                        .put("folder", fromFolder.name()).put("index", fromIndex)
                        .put("toContext", toMailbox.context()).put("toMailbox", toMailbox.id())
                        .put("toFolder", toFolder.name()).put("msgId", msgId)
                        .put("exts", String.join(",", audio.keySet()));
                try {
                    j.write(fs, true);
                } catch (ErrnoException e) {
                    throw io("cannot write the journal", fromBox, fromFolder, msgId, e);
                }
                toIndex = placeIndex(toMailbox, toFolder, msgId, scan(toMailbox, toFolder), j, notes);
                j.put("phase", "COMMIT").put("toIndex", toIndex);
                try {
                    j.write(fs, false);
                } catch (ErrnoException e) {
                    throw io("cannot write the journal", fromBox, fromFolder, msgId, e);
                }
                checkValid(first, order.get(0).mailbox, order.get(0).folder, msgId);
                checkValid(second, order.get(1).mailbox, order.get(1).folder, msgId);
                try {
                    for (Map.Entry<String, String> a : audio.entrySet()) {
                        Path to = toDir.resolve(SpoolNames.audioName(toIndex, a.getKey()));
                        fs.rename(fromDir.resolve(a.getValue()), to);
                        moved.add(new String[] {a.getValue(), to.getFileName().toString()});
                    }
                    fs.rename(fromDir.resolve(SpoolNames.txtName(fromIndex)),
                            toDir.resolve(SpoolNames.txtName(toIndex)));
                    committed = true;
                    fs.syncDir(toDir);
                    fs.syncDir(fromDir);
                } catch (ErrnoException e) {
                    if (!committed) {
                        throw io(e.errno().equals(Errno.EXDEV) ? "the folders are on different file systems"
                                : "cannot move the message", toMailbox, toFolder, msgId, e);
                    }
                    notes.add("after the commit: " + e.getMessage());
                }
            } finally {
                boolean undone = committed || undoMove(fromDir, toDir, moved);
                if (second != null) {
                    unlock(second, order.get(1).mailbox, order.get(1).folder, msgId,
                            committed ? notes : new ArrayList<>());
                }
                unlock(first, order.get(0).mailbox, order.get(0).folder, msgId,
                        committed ? notes : new ArrayList<>());
                if (j != null && undone && !"ROTATE".equals(j.get("phase"))) {
                    deleteJournal(j);
                }
            }
            return committed(new OperationResult(OperationResult.Operation.MOVE, msgId,
                    Optional.of(new MessageLocation(fromBox, fromFolder, fromIndex)),
                    Optional.of(new MessageLocation(toMailbox, toFolder, toIndex)), notes));
        } finally {
            ACTIVE.remove(opid);
        }
    }

    private boolean undoMove(Path fromDir, Path toDir, List<String[]> moved) {
        boolean ok = true;
        for (String[] m : moved) {
            try {
                fs.rename(toDir.resolve(m[1]), fromDir.resolve(m[0]));
            } catch (ErrnoException e) {
                ok = false;
            }
        }
        return ok;
    }

    // ------------------------------------------------------------------------------------------
    // Delete
    // ------------------------------------------------------------------------------------------

    /**
     * Deletes a message: under the folder lock the number is looked up by {@code msg_id}, the
     * {@code .txt} is removed first (from then on Asterisk no longer sees a message), then every
     * {@code msgNNNN.*} audio file of that number, whatever its format. The gap is left for
     * Asterisk to close.
     *
     * @param ref the message
     * @return where the message was
     * @throws MessageNotFoundException    when the message is gone
     * @throws AmbiguousMessageIdException when several messages carry the id
     * @throws VoicemailException          for lock and file errors
     */
    public OperationResult delete(MessageRef ref) throws VoicemailException {
        Objects.requireNonNull(ref, "ref");
        Mailbox box = ref.mailbox();
        Folder folder = ref.folder();
        String msgId = ref.msgId();
        Path dir = folderPath(box, folder);
        if (!isDir(dir)) {
            throw new MessageNotFoundException(ref, dir);
        }
        String opid = newOpId();
        ACTIVE.add(opid);
        try {
            List<String> notes = new ArrayList<>();
            int index;
            PathLock lock = lock(box, folder, msgId, "delete a message");
            boolean started = false;
            boolean finished = false;
            Journal j = null;
            try {
                Resolved r = resolve(ref);
                index = r.index;
                Scan scan = scan(box, folder);
                List<String> files = new ArrayList<>(scan.audioAt(index).values());
                if (options.deleteCacheFiles()) {
                    for (String c : scan.cache) {
                        if (SpoolNames.cacheIndex(c).getAsInt() == index) {
                            files.add(c);
                        }
                    }
                }
                j = newJournal(box, "DELETE", opid);
                j.put("phase", "COMMIT").put("context", box.context()).put("mailbox", box.id())
                        .put("folder", folder.name()).put("index", index).put("msgId", msgId)
                        .put("files", String.join(",", files));
                try {
                    j.write(fs, true);
                } catch (ErrnoException e) {
                    throw io("cannot write the journal", box, folder, msgId, e);
                }
                checkValid(lock, box, folder, msgId);
                try {
                    started = true;
                    fs.unlink(dir.resolve(SpoolNames.txtName(index)));
                    for (String f : files) {
                        try {
                            fs.unlink(dir.resolve(f));
                        } catch (ErrnoException e) {
                            if (!e.errno().equals(Errno.ENOENT)) {
                                throw e;
                            }
                        }
                    }
                    fs.syncDir(dir);
                    finished = true;
                } catch (ErrnoException e) {
                    throw io(started ? "the message was deleted only in part; recovery will finish it"
                            : "cannot delete the message", box, folder, msgId, e);
                }
            } finally {
                unlock(lock, box, folder, msgId, finished ? notes : new ArrayList<>());
                if (j != null && (finished || !started)) {
                    deleteJournal(j);
                }
            }
            return committed(new OperationResult(OperationResult.Operation.DELETE, msgId,
                    Optional.of(new MessageLocation(box, folder, index)), Optional.empty(), notes));
        } finally {
            ACTIVE.remove(opid);
        }
    }

    /** Tells the commit listener, if any, about a committed change; its failures become notes. */
    private OperationResult committed(OperationResult result) {
        CommitListener listener = options.commitListener().orElse(null);
        if (listener == null) {
            return result;
        }
        try {
            listener.committed(result);
            return result;
        } catch (RuntimeException e) {
            List<String> notes = new ArrayList<>(result.notes());
            notes.add("after the commit, the commit listener failed: " + e);
            return new OperationResult(result.operation(), result.msgId(), result.before(), result.after(), notes);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Recovery
    // ------------------------------------------------------------------------------------------

    /**
     * Finishes or undoes every change of this library that a crash interrupted, under the same
     * folder locks: a delivery or copy that had not renamed its {@code .txt} is removed (staged
     * files and any audio already in the folder), one that had is kept; a move is completed if its
     * {@code .txt} had moved and undone otherwise; a delete that had removed the {@code .txt} is
     * completed. Changes whose process still runs are left alone. Leftovers Asterisk itself made
     * are only reported (see {@link #inspect(Mailbox)}), never touched.
     *
     * @return what was found and done
     * @throws VoicemailException when the spool cannot be read
     */
    public RecoveryReport recover() throws VoicemailException {
        synchronized (VoicemailSpool.class) {
            return recoverAll();
        }
    }

    private RecoveryReport recoverAll() throws VoicemailException {
        List<RecoveryReport.Entry> entries = new ArrayList<>();
        List<Path> dirs = new ArrayList<>();
        if (options.journalDirectory().isPresent()) {
            dirs.add(options.journalDirectory().get());
        }
        for (Mailbox m : mailboxes()) {
            Path tmp = mailboxPath(m).resolve("tmp");
            if (!dirs.contains(tmp)) {
                dirs.add(tmp);
            }
        }
        for (Path dir : dirs) {
            List<String> names = listOrEmpty(dir, null, null);
            Set<String> journaled = new java.util.HashSet<>();
            for (String n : names) {
                Matcher m = SpoolNames.ours(n);
                if (m.matches() && m.group(3).equals("journal")) {
                    Path file = dir.resolve(n);
                    entries.add(recoverOne(file, Long.parseLong(m.group(1)), m.group(2)));
                    journaled.add(m.group(2));
                }
            }
            for (String n : listOrEmpty(dir, null, null)) {
                Matcher m = SpoolNames.ours(n);
                if (!m.matches() || m.group(3).equals("journal") || journaled.contains(m.group(2))) {
                    continue;
                }
                long pid = Long.parseLong(m.group(1));
                if (alive(pid, m.group(2), null, null)) {
                    entries.add(new RecoveryReport.Entry(dir.resolve(n), "LEFTOVER", "",
                            RecoveryReport.Outcome.SKIPPED_LIVE, "its process " + pid + " still runs"));
                    continue;
                }
                try {
                    fs.unlink(dir.resolve(n));
                    entries.add(new RecoveryReport.Entry(dir.resolve(n), "LEFTOVER", "",
                            RecoveryReport.Outcome.ROLLED_BACK, "staged file of a dead process removed"));
                } catch (ErrnoException e) {
                    entries.add(new RecoveryReport.Entry(dir.resolve(n), "LEFTOVER", "",
                            RecoveryReport.Outcome.FAILED, "cannot remove: " + e.getMessage()));
                }
            }
        }
        return new RecoveryReport(entries);
    }

    private static boolean alive(long pid, String opid, String start, String host) {
        if (host != null && !host.equals(HOST)) {
            return true;
        }
        if (pid == PID && (start == null || start.equals(START))) {
            return ACTIVE.contains(opid);
        }
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        if (h.isEmpty()) {
            return false;
        }
        if (start == null || start.equals("?")) {
            return true;
        }
        String s = startOf(h.get());
        return s.equals("?") || s.equals(start);
    }

    private RecoveryReport.Entry recoverOne(Path file, long pid, String opid) {
        Optional<Journal> oj;
        try {
            oj = Journal.read(fs, file);
        } catch (ErrnoException e) {
            return new RecoveryReport.Entry(file, "?", "", RecoveryReport.Outcome.FAILED,
                    "cannot read the journal: " + e.getMessage());
        }
        if (oj.isEmpty()) {
            if (alive(pid, opid, null, null)) {
                return new RecoveryReport.Entry(file, "?", "", RecoveryReport.Outcome.SKIPPED_LIVE,
                        "being written by process " + pid);
            }
            deleteJournal(new Journal(file));
            return new RecoveryReport.Entry(file, "?", "", RecoveryReport.Outcome.ROLLED_BACK,
                    "an incomplete journal: the change had not started");
        }
        Journal j = oj.get();
        String op = j.opt("op").orElse("?");
        String msgId = j.opt("msgId").orElse("");
        if (alive(pid, opid, j.get("start"), j.get("host"))) {
            return new RecoveryReport.Entry(file, op, msgId, RecoveryReport.Outcome.SKIPPED_LIVE,
                    "its process " + pid + " on " + j.get("host") + " still runs");
        }
        try {
            switch (op) {
                case "DELIVER":
                case "COPY":
                    return recoverDelivery(j, op, msgId);
                case "MOVE":
                    return recoverMove(j, msgId);
                case "DELETE":
                    return recoverDelete(j, msgId);
                default:
                    return new RecoveryReport.Entry(file, op, msgId, RecoveryReport.Outcome.FAILED,
                            "unknown operation in the journal");
            }
        } catch (VoicemailException | ErrnoException | RuntimeException e) {
            return new RecoveryReport.Entry(file, op, msgId, RecoveryReport.Outcome.FAILED, e.getMessage());
        }
    }

    private RecoveryReport.Entry recoverDelivery(Journal j, String op, String msgId)
            throws VoicemailException, ErrnoException {
        Mailbox box = new Mailbox(j.get("context"), j.get("mailbox"));
        Folder folder = Folder.valueOf(j.get("folder"));
        Path stageDir = Path.of(j.get("stageDir"));
        long pid = Long.parseLong(j.get("pid"));
        String opid = j.get("opid");
        List<String> exts = j.getList("exts");
        Path dir = folderPath(box, folder);
        String outcome;
        RecoveryReport.Outcome result;
        PathLock lock = isDir(dir) ? lock(box, folder, msgId, "recover an interrupted delivery") : null;
        try {
            if (statQuiet(j.file).isEmpty()) {
                return handledElsewhere(j, op, msgId);
            }
            String phase = j.get("phase");
            if (phase.equals("ROTATE")) {
                runRotation(box, j, Integer.parseInt(j.get("rotateDone")));
            }
            if (phase.equals("COMMIT")) {
                int index = j.getInt("index");
                Optional<String> there = idAt(dir, index);
                if (there.isPresent() && there.get().equals(msgId)) {
                    outcome = "the message had been committed as " + SpoolNames.baseName(index);
                    result = RecoveryReport.Outcome.COMPLETED;
                } else {
                    if (there.isEmpty()) {
                        for (String ext : exts) {
                            Path staged = stageDir.resolve(SpoolNames.stagedName(pid, opid, ext));
                            Path placed = dir.resolve(SpoolNames.audioName(index, ext));
                            if (statQuiet(staged).isEmpty() && statQuiet(placed).isPresent()) {
                                fs.unlink(placed);
                            }
                        }
                    }
                    outcome = "the message had not been committed; its files were removed";
                    result = RecoveryReport.Outcome.ROLLED_BACK;
                }
            } else {
                outcome = "the message had not been committed; its staged files were removed";
                result = RecoveryReport.Outcome.ROLLED_BACK;
            }
            for (String ext : exts) {
                unlinkIfPresent(stageDir.resolve(SpoolNames.stagedName(pid, opid, ext)));
            }
            unlinkIfPresent(stageDir.resolve(SpoolNames.stagedName(pid, opid, "meta")));
            unlinkIfPresent(j.file.resolveSibling(j.file.getFileName() + "-next"));
            fs.unlink(j.file);
        } finally {
            if (lock != null) {
                unlock(lock, box, folder, msgId, new ArrayList<>());
            }
        }
        return new RecoveryReport.Entry(j.file, op, msgId, result, outcome);
    }

    private RecoveryReport.Entry recoverMove(Journal j, String msgId) throws VoicemailException, ErrnoException {
        Mailbox fromBox = new Mailbox(j.get("context"), j.get("mailbox"));
        Folder fromFolder = Folder.valueOf(j.get("folder"));
        Mailbox toBox = new Mailbox(j.get("toContext"), j.get("toMailbox"));
        Folder toFolder = Folder.valueOf(j.get("toFolder"));
        int fromIndex = j.getInt("index");
        List<String> exts = j.getList("exts");
        Path fromDir = folderPath(fromBox, fromFolder);
        Path toDir = folderPath(toBox, toFolder);
        List<MessageLocationKey> order = lockOrder(new MessageLocationKey(fromBox, fromFolder),
                new MessageLocationKey(toBox, toFolder));
        PathLock first = lock(order.get(0).mailbox, order.get(0).folder, msgId, "recover an interrupted move");
        PathLock second = null;
        String outcome;
        RecoveryReport.Outcome result;
        try {
            second = lock(order.get(1).mailbox, order.get(1).folder, msgId, "recover an interrupted move");
            if (statQuiet(j.file).isEmpty()) {
                return handledElsewhere(j, "MOVE", msgId);
            }
            String phase = j.get("phase");
            if (phase.equals("ROTATE")) {
                runRotation(toBox, j, Integer.parseInt(j.get("rotateDone")));
            }
            if (!phase.equals("COMMIT")) {
                outcome = "the message had not been moved";
                result = RecoveryReport.Outcome.ROLLED_BACK;
            } else {
                int toIndex = j.getInt("toIndex");
                Optional<String> atDest = idAt(toDir, toIndex);
                Optional<String> atSource = idAt(fromDir, fromIndex);
                if (atDest.isPresent() && atDest.get().equals(msgId)) {
                    outcome = "the move had been committed (" + SpoolNames.baseName(toIndex) + ")";
                    result = RecoveryReport.Outcome.COMPLETED;
                } else if (atSource.isPresent() && atSource.get().equals(msgId)) {
                    for (String ext : exts) {
                        Path placed = toDir.resolve(SpoolNames.audioName(toIndex, ext));
                        Path back = fromDir.resolve(SpoolNames.audioName(fromIndex, ext));
                        if (statQuiet(placed).isPresent() && statQuiet(back).isEmpty() && atDest.isEmpty()) {
                            fs.rename(placed, back);
                        }
                    }
                    outcome = "the move had not been committed; the audio was put back";
                    result = RecoveryReport.Outcome.ROLLED_BACK;
                } else {
                    outcome = "the message is in neither folder any more; nothing was changed";
                    result = RecoveryReport.Outcome.FAILED;
                }
            }
            unlinkIfPresent(j.file.resolveSibling(j.file.getFileName() + "-next"));
            fs.unlink(j.file);
        } finally {
            if (second != null) {
                unlock(second, order.get(1).mailbox, order.get(1).folder, msgId, new ArrayList<>());
            }
            unlock(first, order.get(0).mailbox, order.get(0).folder, msgId, new ArrayList<>());
        }
        return new RecoveryReport.Entry(j.file, "MOVE", msgId, result, outcome);
    }

    private RecoveryReport.Entry recoverDelete(Journal j, String msgId) throws VoicemailException, ErrnoException {
        Mailbox box = new Mailbox(j.get("context"), j.get("mailbox"));
        Folder folder = Folder.valueOf(j.get("folder"));
        int index = j.getInt("index");
        Path dir = folderPath(box, folder);
        String outcome;
        RecoveryReport.Outcome result;
        PathLock lock = lock(box, folder, msgId, "recover an interrupted delete");
        try {
            if (statQuiet(j.file).isEmpty()) {
                return handledElsewhere(j, "DELETE", msgId);
            }
            Optional<String> there = idAt(dir, index);
            if (there.isPresent() && there.get().equals(msgId)) {
                outcome = "the delete had not started; the message is kept";
                result = RecoveryReport.Outcome.ROLLED_BACK;
            } else if (there.isPresent()) {
                outcome = "another message now has number " + index + "; nothing was removed";
                result = RecoveryReport.Outcome.FAILED;
            } else {
                for (String f : j.getList("files")) {
                    unlinkIfPresent(dir.resolve(f));
                }
                outcome = "the delete was completed";
                result = RecoveryReport.Outcome.COMPLETED;
            }
            unlinkIfPresent(j.file.resolveSibling(j.file.getFileName() + "-next"));
            fs.unlink(j.file);
        } finally {
            unlock(lock, box, folder, msgId, new ArrayList<>());
        }
        return new RecoveryReport.Entry(j.file, "DELETE", msgId, result, outcome);
    }

    private static RecoveryReport.Entry handledElsewhere(Journal j, String op, String msgId) {
        return new RecoveryReport.Entry(j.file, op, msgId, RecoveryReport.Outcome.SKIPPED_LIVE,
                "recovered meanwhile by another process");
    }

    /** The id of the message at a number: empty when there is no {@code .txt}; "" when it has no id. */
    private Optional<String> idAt(Path dir, int index) throws ErrnoException {
        Path txt = dir.resolve(SpoolNames.txtName(index));
        if (fs.stat(txt).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(TxtFormat.parse(fs.read(txt), dir).flatMap(MessageMetadata::msgId).orElse(""));
    }

    private void unlinkIfPresent(Path p) throws ErrnoException {
        try {
            fs.unlink(p);
        } catch (ErrnoException e) {
            if (!e.errno().equals(Errno.ENOENT)) {
                throw e;
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // Process identity
    // ------------------------------------------------------------------------------------------

    private static String startOf(ProcessHandle h) {
        return h.info().startInstant().map(i -> Long.toString(i.toEpochMilli())).orElse("?");
    }

    private static String hostName() {
        try {
            return new String(java.nio.file.Files.readAllBytes(Path.of("/proc/sys/kernel/hostname")),
                    java.nio.charset.StandardCharsets.UTF_8).trim();
        } catch (IOException | RuntimeException e) {
            String h = System.getenv("HOSTNAME");
            return h == null ? "localhost" : h;
        }
    }

    @Override
    public String toString() {
        return "VoicemailSpool[" + root + ", " + config + ", " + locker + "]";
    }
}
