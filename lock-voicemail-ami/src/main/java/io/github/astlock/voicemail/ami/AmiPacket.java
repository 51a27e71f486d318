package io.github.astlock.voicemail.ami;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One AMI message: a response or an event, as its {@code Key: Value} lines in the order received.
 * Keys are matched without regard to case, as Asterisk does.
 */
public final class AmiPacket {

    private final List<Map.Entry<String, String>> fields;

    /**
     * Wraps the lines of one message.
     *
     * @param fields the keys and values in order
     */
    public AmiPacket(List<Map.Entry<String, String>> fields) {
        this.fields = List.copyOf(fields);
    }

    /**
     * Returns the first value of a key.
     *
     * @param key the key, any case
     * @return the value, empty when absent
     */
    public Optional<String> get(String key) {
        Objects.requireNonNull(key, "key");
        for (Map.Entry<String, String> e : fields) {
            if (e.getKey().equalsIgnoreCase(key)) {
                return Optional.of(e.getValue());
            }
        }
        return Optional.empty();
    }

    /**
     * Returns every value of a key, in order (Asterisk repeats keys such as {@code Output}).
     *
     * @param key the key, any case
     * @return the values, possibly none
     */
    public List<String> getAll(String key) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> e : fields) {
            if (e.getKey().equalsIgnoreCase(key)) {
                out.add(e.getValue());
            }
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * Returns a value as an integer.
     *
     * @param key the key
     * @return the number, empty when absent or not a number
     */
    public Optional<Integer> getInt(String key) {
        try {
            return get(key).map(v -> Integer.parseInt(v.trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Returns all keys and values in order.
     *
     * @return the fields
     */
    public List<Map.Entry<String, String>> fields() {
        return fields;
    }

    /**
     * Returns whether this is an event (has an {@code Event} key).
     *
     * @return {@code true} for events
     */
    public boolean isEvent() {
        return get("Event").isPresent();
    }

    /**
     * Returns whether this is an event of the given name.
     *
     * @param name for example {@code MessageWaiting}
     * @return {@code true} when it is
     */
    public boolean isEvent(String name) {
        return get("Event").map(v -> v.equalsIgnoreCase(name)).orElse(false);
    }

    /**
     * Returns the {@code Response} value in lower case, empty for events.
     *
     * @return for example {@code success} or {@code error}
     */
    public Optional<String> response() {
        return get("Response").map(v -> v.trim().toLowerCase(Locale.ROOT));
    }

    /**
     * Shows the message as received; values of keys named like secrets are hidden.
     *
     * @return the text
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (Map.Entry<String, String> e : fields) {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            String k = e.getKey().toLowerCase(Locale.ROOT);
            boolean hidden = k.equals("secret") || k.equals("key");
            sb.append(e.getKey()).append(": ").append(hidden ? "***" : e.getValue());
        }
        return sb.append('}').toString();
    }
}
