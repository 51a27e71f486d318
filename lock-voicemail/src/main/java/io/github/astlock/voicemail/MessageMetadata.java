package io.github.astlock.voicemail;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The content of a message's {@code .txt} as Asterisk reads it: the {@code [message]} section's
 * keys and values after comments, {@code \;} escapes and block comments are applied. Unknown keys
 * are kept; missing keys are empty. Immutable.
 *
 * @param entries  every {@code key=value} line in order
 * @param warnings what the configuration reader noticed (for example an unbalanced block comment)
 */
public record MessageMetadata(List<Map.Entry<String, String>> entries, List<String> warnings) {

    /** The keys Asterisk writes, in its order (21 and later; 20 and earlier add {@code macrocontext} after {@code context}). */
    public static final List<String> ASTERISK_KEYS = List.of("origmailbox", "context", "exten", "rdnis",
            "priority", "callerchan", "callerid", "origdate", "origtime", "category", "msg_id", "flag", "duration");

    /**
     * Copies the lists.
     *
     * @param entries  the entries
     * @param warnings the warnings
     */
    public MessageMetadata {
        entries = List.copyOf(entries);
        warnings = List.copyOf(warnings);
    }

    /**
     * The value of a key as Asterisk retrieves it: the last line with that key, ignoring case.
     *
     * @param key the key
     * @return the value, or empty when the key is missing
     */
    public Optional<String> get(String key) {
        Objects.requireNonNull(key, "key");
        String found = null;
        for (Map.Entry<String, String> e : entries) {
            if (e.getKey().equalsIgnoreCase(key)) {
                found = e.getValue();
            }
        }
        return Optional.ofNullable(found);
    }

    /**
     * Returns {@code msg_id}.
     *
     * @return the message id, when present
     */
    public Optional<String> msgId() {
        return get("msg_id");
    }

    /**
     * Returns {@code callerid}. When it is missing Asterisk crashes on playing the message.
     *
     * @return the caller id, when present
     */
    public Optional<String> callerId() {
        return get("callerid");
    }

    /**
     * Returns {@code origtime} as epoch seconds. When it is missing Asterisk skips the message.
     *
     * @return the time, when present and numeric
     */
    public OptionalLong origTime() {
        Optional<String> v = get("origtime");
        if (v.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(v.get().trim()));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * Returns {@code duration} in seconds.
     *
     * @return the duration, when present and numeric
     */
    public OptionalInt duration() {
        Optional<String> v = get("duration");
        if (v.isEmpty()) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseInt(v.get().trim()));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    /**
     * Returns {@code flag}: empty, {@code Urgent} or {@code PRIORITY}.
     *
     * @return the flag, empty string when missing
     */
    public String flag() {
        return get("flag").orElse("");
    }

    /**
     * Returns whether {@code flag} is {@code Urgent} (ignoring case).
     *
     * @return whether the message is marked urgent
     */
    public boolean urgent() {
        return flag().equalsIgnoreCase("Urgent");
    }

    /**
     * Returns {@code origdate}, Asterisk's human-readable date.
     *
     * @return the date text, when present
     */
    public Optional<String> origDate() {
        return get("origdate");
    }

    /**
     * Returns {@code macrocontext}, written by Asterisk 20 and earlier.
     *
     * @return the macro context, when present
     */
    public Optional<String> macroContext() {
        return get("macrocontext");
    }

    /**
     * Returns the keys Asterisk needs to play the message that are missing ({@code callerid},
     * {@code origtime}).
     *
     * @return the missing keys, empty when the message is safe to play
     */
    public List<String> missingRequiredKeys() {
        java.util.List<String> missing = new java.util.ArrayList<>();
        if (callerId().isEmpty()) {
            missing.add("callerid");
        }
        if (get("origtime").isEmpty()) {
            missing.add("origtime");
        }
        return List.copyOf(missing);
    }
}
