package io.github.astlock.tck;

import io.github.astlock.LockMode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A model of Asterisk's voicemail application on disk, run as a C program in its own process: it
 * delivers, copies, moves, deletes, renumbers and lists messages of one mailbox directory the way
 * app_voicemail does with file storage, locking folders with the kit's C model of Asterisk's lock
 * in either mode, known defects included. Audio it writes holds {@code "<msg_id> <ext>"}, so a test
 * can tell whose audio sits under which file name.
 *
 * <p>Configure a run with the builder methods, then {@link #run(String, String...)} it to the end
 * or {@link #start(String, String...)} it to run beside the test. Each operation prints one line,
 * parsed by {@link Event#parse(String)}.
 */
public final class VoicemailPeer {
    private final Path mailbox;
    private final LockMode mode;
    private int timeoutSeconds = 5;
    private int maxmsg = 100;
    private int maxDeleted;
    private String formats = "wav";
    private long counterBase;
    private String callerId;
    private boolean urgent;
    private String ops;

    private VoicemailPeer(Path mailbox, LockMode mode) {
        if (!mode.isAsteriskMode()) {
            throw new IllegalArgumentException("Asterisk locks in one mode only, not " + mode);
        }
        this.mailbox = Objects.requireNonNull(mailbox, "mailbox");
        this.mode = mode;
    }

    /**
     * Starts describing a peer for one mailbox.
     *
     * @param mailboxDir the mailbox directory, {@code <spool>/voicemail/<context>/<mailbox>}
     * @param mode       the lock mode, {@link LockMode#LOCKFILE} or {@link LockMode#FLOCK}
     * @return the peer, with Asterisk's defaults ({@code maxmsg=100}, {@code format=wav}, 5 s lock timeout)
     */
    public static VoicemailPeer of(Path mailboxDir, LockMode mode) {
        return new VoicemailPeer(mailboxDir, mode);
    }

    /**
     * The compiled peer; skips the calling test when no C compiler is installed.
     *
     * @return the executable
     */
    public static Path executable() {
        return Peers.compiled("voicemail-peer");
    }

    /**
     * Sets the lock timeout in whole seconds (Asterisk's is 5).
     *
     * @param seconds the timeout, 0 for a single attempt
     * @return this peer
     */
    public VoicemailPeer timeoutSeconds(int seconds) {
        this.timeoutSeconds = seconds;
        return this;
    }

    /**
     * Sets the mailbox's {@code maxmsg}.
     *
     * @param value the limit
     * @return this peer
     */
    public VoicemailPeer maxmsg(int value) {
        this.maxmsg = value;
        return this;
    }

    /**
     * Sets {@code maxdeletedmsg}; above 0 deleted messages are kept in {@code Deleted}.
     *
     * @param value the limit, 0 for none
     * @return this peer
     */
    public VoicemailPeer maxDeleted(int value) {
        this.maxDeleted = value;
        return this;
    }

    /**
     * Sets the {@code format=} list, for example {@code wav49|gsm|wav}.
     *
     * @param value the list
     * @return this peer
     */
    public VoicemailPeer formats(String value) {
        this.formats = value;
        return this;
    }

    /**
     * Sets the first value of the peer's message id counter; give each peer process its own range.
     *
     * @param value the first counter value
     * @return this peer
     */
    public VoicemailPeer counterBase(long value) {
        this.counterBase = value;
        return this;
    }

    /**
     * Sets the {@code callerid} written on delivery.
     *
     * @param value the caller id
     * @return this peer
     */
    public VoicemailPeer callerId(String value) {
        this.callerId = value;
        return this;
    }

    /**
     * Makes deliveries Urgent.
     *
     * @return this peer
     */
    public VoicemailPeer urgent() {
        this.urgent = true;
        return this;
    }

    /**
     * Sets the operations the {@code random} workload picks from: {@code deliver}, {@code urgent},
     * {@code mixmon}, {@code renumber}, {@code list}, {@code move}, {@code delete}, {@code copy}.
     *
     * @param names the operations
     * @return this peer
     */
    public VoicemailPeer ops(String... names) {
        this.ops = String.join(",", names);
        return this;
    }

    /**
     * Returns the command line for one command.
     *
     * @param command the command ({@code deliver}, {@code list}, ...)
     * @param args    its arguments after the mailbox directory
     * @return the command line
     */
    public List<String> commandLine(String command, String... args) {
        List<String> cmd = new ArrayList<>(List.of(executable().toString(), "-t", Integer.toString(timeoutSeconds),
                "-m", Integer.toString(maxmsg), "-x", Integer.toString(maxDeleted), "-f", formats, "-c",
                Long.toString(counterBase)));
        if (callerId != null) {
            cmd.addAll(List.of("-C", callerId));
        }
        if (urgent) {
            cmd.add("-u");
        }
        if (ops != null) {
            cmd.addAll(List.of("-O", ops));
        }
        cmd.addAll(List.of(command, mode.asteriskName(), mailbox.toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /**
     * Starts a command in its own process; the caller closes the returned process.
     *
     * @param command the command
     * @param args    its arguments
     * @return the running peer
     * @throws IOException when it cannot start
     */
    public PeerProcess start(String command, String... args) throws IOException {
        return PeerProcess.start("voicemail-peer " + command, null, commandLine(command, args));
    }

    /**
     * Runs a command to its end (bounded by the kit's process limit) and parses its output.
     *
     * @param command the command
     * @param args    its arguments
     * @return what it did
     * @throws IOException when it cannot start
     * @throws AssertionError when it fails or does not end in time
     */
    public Run run(String command, String... args) throws IOException {
        try (PeerProcess p = start(command, args)) {
            return Run.of(p, TckEnvironment.processLimit());
        }
    }

    /**
     * The parsed output of one finished peer process.
     *
     * @param events every line, parsed
     */
    public record Run(List<Event> events) {
        /**
         * Makes a run.
         *
         * @param events every line, parsed
         */
        public Run {
            events = List.copyOf(events);
        }

        /**
         * Waits for a started peer to end successfully and parses its output.
         *
         * @param p       the peer
         * @param timeout how long it may take
         * @return what it did
         * @throws AssertionError when it exits with an error, or never printed its {@code DONE} line
         */
        public static Run of(PeerProcess p, Duration timeout) {
            int rc = p.awaitExit(timeout);
            if (rc != 0) {
                throw new AssertionError("voicemail peer exited with " + rc + ": " + p.transcript());
            }
            // its last line may still be on its way through the reader thread
            p.awaitLine("DONE", Duration.ofMinutes(1));
            List<Event> events = p.output().stream().map(Event::parse).toList();
            if (events.isEmpty() || !events.get(events.size() - 1).kind().equals("DONE")) {
                throw new AssertionError("voicemail peer did not finish its work: " + p.transcript());
            }
            return new Run(events);
        }

        /**
         * Returns the events of one kind and result, in order.
         *
         * @param kind   the first word, for example {@code DELIVER}
         * @param result the second word, for example {@code OK}; {@code null} for any
         * @return the events
         */
        public List<Event> all(String kind, String result) {
            return events.stream().filter(e -> e.kind().equals(kind) && (result == null || result.equals(e.result())))
                    .toList();
        }

        /**
         * Returns the {@code MSG} lines of a listing.
         *
         * @return the messages listed
         */
        public List<Event> messages() {
            return all("MSG", null);
        }
    }

    /**
     * One line of the peer's output: {@code KIND [RESULT] key=value ...}.
     *
     * @param kind   the first word ({@code DELIVER}, {@code MOVE}, {@code MSG}, {@code DONE}, ...)
     * @param result the second word when it is not a {@code key=value} pair ({@code OK}, {@code FULL},
     *               {@code LOST}, ...), else the empty string
     * @param fields the {@code key=value} pairs, decoded, in order
     * @param line   the raw line
     */
    public record Event(String kind, String result, Map<String, String> fields, String line) {
        /**
         * Makes an event.
         *
         * @param kind   the first word
         * @param result the second word, or empty
         * @param fields the pairs
         * @param line   the raw line
         */
        public Event {
            fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        }

        /**
         * Parses one output line.
         *
         * @param line the line
         * @return the event
         */
        public static Event parse(String line) {
            String[] words = line.strip().split(" ");
            String kind = words[0];
            String result = "";
            Map<String, String> fields = new LinkedHashMap<>();
            for (int i = 1; i < words.length; i++) {
                int eq = words[i].indexOf('=');
                if (eq < 0) {
                    if (i == 1) {
                        result = words[i];
                    }
                    continue;
                }
                fields.put(words[i].substring(0, eq), decode(words[i].substring(eq + 1)));
            }
            return new Event(kind, result, fields, line);
        }

        private static String decode(String s) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '%' && i + 2 < s.length()) {
                    out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                    i += 2;
                } else {
                    out.write(c);
                }
            }
            return out.toString(StandardCharsets.UTF_8);
        }

        /**
         * Returns a field.
         *
         * @param key the key
         * @return the decoded value, or {@code null} when absent
         */
        public String get(String key) {
            return fields.get(key);
        }

        /**
         * Returns a numeric field.
         *
         * @param key the key
         * @return the number
         * @throws AssertionError when absent
         */
        public int number(String key) {
            String v = fields.get(key);
            if (v == null) {
                throw new AssertionError("no " + key + " in: " + line);
            }
            return Integer.parseInt(v);
        }

        /**
         * Returns the audio files of a {@code MSG} line: extension to the file's content (first line).
         *
         * @return the audio per extension, in the peer's order
         */
        public Map<String, String> audio() {
            Map<String, String> a = new LinkedHashMap<>();
            fields.forEach((k, v) -> {
                if (k.startsWith("audio.")) {
                    a.put(k.substring("audio.".length()), v);
                }
            });
            return a;
        }
    }
}
