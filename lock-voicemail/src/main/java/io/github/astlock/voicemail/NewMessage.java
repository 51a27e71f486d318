package io.github.astlock.voicemail;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A message to deliver: its metadata and one audio source per configured format. Build with
 * {@link #builder()}:
 *
 * <pre>{@code
 * NewMessage msg = NewMessage.builder()
 *         .callerId("\"Alice\" <201>")
 *         .duration(12)
 *         .audio("wav49", Path.of("rec.WAV"))
 *         .audio("gsm", Path.of("rec.gsm"))
 *         .audio("wav", Path.of("rec.wav"))
 *         .build();
 * }</pre>
 *
 * <p>Audio is keyed by format name ({@code wav49}) or file extension ({@code WAV}); the set must be
 * exactly the mailbox's {@code format=} list, unless {@link Builder#allowFewerFormats()} is set.
 * Values are checked when the message is delivered: {@code ;} is escaped, while line breaks, NUL
 * and the block-comment markers {@code ;--} and {@code --;} are refused.
 */
public final class NewMessage {

    private final String origMailbox;
    private final String context;
    private final String macroContext;
    private final String exten;
    private final String rdnis;
    private final int priority;
    private final String callerChan;
    private final String callerId;
    private final Instant origTime;
    private final String category;
    private final String msgId;
    private final String flag;
    private final int duration;
    private final Map<String, AudioSource> audio;
    private final boolean allowFewerFormats;

    /** Where the bytes of one audio file come from. */
    static final class AudioSource {
        final Path file;
        final byte[] bytes;

        AudioSource(Path file, byte[] bytes) {
            this.file = file;
            this.bytes = bytes;
        }
    }

    private NewMessage(Builder b) {
        this.origMailbox = b.origMailbox;
        this.context = b.context;
        this.macroContext = b.macroContext;
        this.exten = b.exten;
        this.rdnis = b.rdnis;
        this.priority = b.priority;
        this.callerChan = b.callerChan;
        this.callerId = b.callerId;
        this.origTime = b.origTime;
        this.category = b.category;
        this.msgId = b.msgId;
        this.flag = b.flag;
        this.duration = b.duration;
        this.audio = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.audio));
        this.allowFewerFormats = b.allowFewerFormats;
    }

    /**
     * Starts a message with Asterisk's defaults: caller id {@code Unknown}, rdnis {@code unknown},
     * priority 1, no flag, duration 0, the time of delivery as {@code origtime}, a new id.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns {@code origmailbox}; empty means the destination mailbox's id.
     *
     * @return the original mailbox
     */
    public Optional<String> origMailbox() {
        return Optional.ofNullable(origMailbox);
    }

    /**
     * Returns {@code context}: the dialplan context of the call.
     *
     * @return the context, possibly empty
     */
    public String context() {
        return context;
    }

    /**
     * Returns {@code macrocontext}, written only when set (for Asterisk 20 and earlier).
     *
     * @return the macro context
     */
    public Optional<String> macroContext() {
        return Optional.ofNullable(macroContext);
    }

    /**
     * Returns {@code exten}.
     *
     * @return the extension, possibly empty
     */
    public String exten() {
        return exten;
    }

    /**
     * Returns {@code rdnis}.
     *
     * @return the redirecting number, {@code unknown} by default
     */
    public String rdnis() {
        return rdnis;
    }

    /**
     * Returns {@code priority}.
     *
     * @return the dialplan priority
     */
    public int priority() {
        return priority;
    }

    /**
     * Returns {@code callerchan}.
     *
     * @return the channel name, possibly empty
     */
    public String callerChan() {
        return callerChan;
    }

    /**
     * Returns {@code callerid}; never empty, {@code Unknown} by default.
     *
     * @return the caller id
     */
    public String callerId() {
        return callerId;
    }

    /**
     * Returns the recording start time ({@code origtime}); empty means the time of delivery.
     *
     * @return the time
     */
    public Optional<Instant> origTime() {
        return Optional.ofNullable(origTime);
    }

    /**
     * Returns {@code category}: empty, or a sound file name Asterisk plays.
     *
     * @return the category
     */
    public String category() {
        return category;
    }

    /**
     * Returns the {@code msg_id} to use; empty means a new one is made.
     *
     * @return the id
     */
    public Optional<String> msgId() {
        return Optional.ofNullable(msgId);
    }

    /**
     * Returns {@code flag}: empty, {@code Urgent} or {@code PRIORITY}.
     *
     * @return the flag
     */
    public String flag() {
        return flag;
    }

    /**
     * Returns {@code duration} in seconds.
     *
     * @return the duration
     */
    public int duration() {
        return duration;
    }

    /**
     * Returns the audio format names or extensions given.
     *
     * @return the keys of the audio sources, in the order given
     */
    public java.util.Set<String> audioKeys() {
        return audio.keySet();
    }

    Map<String, AudioSource> audio() {
        return audio;
    }

    /**
     * Returns whether fewer formats than configured are accepted.
     *
     * @return the opt-in of {@link Builder#allowFewerFormats()}
     */
    public boolean allowsFewerFormats() {
        return allowFewerFormats;
    }

    /** Builds a {@link NewMessage}. Not thread-safe. */
    public static final class Builder {
        private String origMailbox;
        private String context = "";
        private String macroContext;
        private String exten = "";
        private String rdnis = "unknown";
        private int priority = 1;
        private String callerChan = "";
        private String callerId = "Unknown";
        private Instant origTime;
        private String category = "";
        private String msgId;
        private String flag = "";
        private int duration;
        private final Map<String, AudioSource> audio = new LinkedHashMap<>();
        private boolean allowFewerFormats;

        private Builder() {
        }

        /**
         * Sets {@code origmailbox}.
         *
         * @param value the mailbox the caller dialled
         * @return this builder
         */
        public Builder origMailbox(String value) {
            this.origMailbox = Objects.requireNonNull(value, "origMailbox");
            return this;
        }

        /**
         * Sets {@code context}.
         *
         * @param value the dialplan context
         * @return this builder
         */
        public Builder context(String value) {
            this.context = Objects.requireNonNull(value, "context");
            return this;
        }

        /**
         * Sets {@code macrocontext}, which only Asterisk 20 and earlier write.
         *
         * @param value the macro context
         * @return this builder
         */
        public Builder macroContext(String value) {
            this.macroContext = Objects.requireNonNull(value, "macroContext");
            return this;
        }

        /**
         * Sets {@code exten}.
         *
         * @param value the extension
         * @return this builder
         */
        public Builder exten(String value) {
            this.exten = Objects.requireNonNull(value, "exten");
            return this;
        }

        /**
         * Sets {@code rdnis}.
         *
         * @param value the redirecting number
         * @return this builder
         */
        public Builder rdnis(String value) {
            this.rdnis = Objects.requireNonNull(value, "rdnis");
            return this;
        }

        /**
         * Sets {@code priority}.
         *
         * @param value the dialplan priority
         * @return this builder
         */
        public Builder priority(int value) {
            this.priority = value;
            return this;
        }

        /**
         * Sets {@code callerchan}.
         *
         * @param value the channel name
         * @return this builder
         */
        public Builder callerChan(String value) {
            this.callerChan = Objects.requireNonNull(value, "callerChan");
            return this;
        }

        /**
         * Sets {@code callerid}, for example {@code "Alice" <201>}; empty becomes {@code Unknown}.
         *
         * @param value the caller id
         * @return this builder
         */
        public Builder callerId(String value) {
            this.callerId = Objects.requireNonNull(value, "callerId").isBlank() ? "Unknown" : value;
            return this;
        }

        /**
         * Sets {@code origtime} (and {@code origdate} from it).
         *
         * @param value when the recording started
         * @return this builder
         */
        public Builder origTime(Instant value) {
            this.origTime = Objects.requireNonNull(value, "origTime");
            return this;
        }

        /**
         * Sets {@code category}; Asterisk plays it as a sound file name.
         *
         * @param value the category
         * @return this builder
         */
        public Builder category(String value) {
            this.category = Objects.requireNonNull(value, "category");
            return this;
        }

        /**
         * Sets the {@code msg_id} instead of making a new one; it must have Asterisk's shape
         * {@code <digits>-<hex digits>} and be unique in the mailbox.
         *
         * @param value the id
         * @return this builder
         */
        public Builder msgId(String value) {
            this.msgId = Objects.requireNonNull(value, "msgId");
            return this;
        }

        /**
         * Sets {@code flag}: empty, {@code Urgent} or {@code PRIORITY}. The folder is the
         * caller's choice: Asterisk puts urgent messages into {@link Folder#URGENT}.
         *
         * @param value the flag
         * @return this builder
         */
        public Builder flag(String value) {
            this.flag = Objects.requireNonNull(value, "flag");
            return this;
        }

        /**
         * Sets {@code duration}.
         *
         * @param seconds the length in seconds, not negative
         * @return this builder
         */
        public Builder duration(int seconds) {
            if (seconds < 0) {
                throw new IllegalArgumentException("duration: must not be negative, was " + seconds);
            }
            this.duration = seconds;
            return this;
        }

        /**
         * Adds the audio of one format from a file, copied when the message is delivered.
         *
         * @param format a format name ({@code wav49}) or extension ({@code WAV})
         * @param file   the recording in that format
         * @return this builder
         */
        public Builder audio(String format, Path file) {
            audio.put(Objects.requireNonNull(format, "format"), new AudioSource(Objects.requireNonNull(file, "file"),
                    null));
            return this;
        }

        /**
         * Adds the audio of one format from bytes.
         *
         * @param format a format name ({@code wav49}) or extension ({@code WAV})
         * @param data   the file content
         * @return this builder
         */
        public Builder audio(String format, byte[] data) {
            audio.put(Objects.requireNonNull(format, "format"), new AudioSource(null,
                    Objects.requireNonNull(data, "data").clone()));
            return this;
        }

        /**
         * Accepts fewer audio formats than {@code format=} lists (for example one recording in
         * {@code wav} only). Asterisk itself does this for MixMonitor recordings, and it has a
         * known risk: when Asterisk later renumbers the folder, files of the missing formats left
         * by an earlier message at the same number may end up belonging to this one, so a caller
         * could hear another message. Use only when the formats cannot be produced.
         *
         * @return this builder
         */
        public Builder allowFewerFormats() {
            this.allowFewerFormats = true;
            return this;
        }

        /**
         * Builds the message.
         *
         * @return the message
         * @throws IllegalStateException when no audio was added
         */
        public NewMessage build() {
            if (audio.isEmpty()) {
                throw new IllegalStateException("audio: a message needs at least one audio file");
            }
            return new NewMessage(this);
        }
    }
}
