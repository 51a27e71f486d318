package io.github.astlock.voicemail;

import java.util.Objects;

/**
 * A voicemail box: its context and its id, as in {@code 1234@default}. On disk it is the
 * directory {@code <voicemail root>/<context>/<id>}.
 *
 * @param context the voicemail context, for example {@code default}
 * @param id      the mailbox id, for example {@code 1234}
 */
public record Mailbox(String context, String id) {

    /** The context Asterisk uses when none is given. */
    public static final String DEFAULT_CONTEXT = "default";

    /**
     * Validates the parts: neither may be empty, {@code .}, {@code ..}, or contain {@code /},
     * a NUL or a line break.
     *
     * @param context the context
     * @param id      the mailbox id
     * @throws IllegalArgumentException naming the bad part
     */
    public Mailbox {
        check("context", context);
        check("id", id);
    }

    /**
     * A mailbox in a context.
     *
     * @param context the context
     * @param id      the mailbox id
     * @return the mailbox
     */
    public static Mailbox of(String context, String id) {
        return new Mailbox(context, id);
    }

    /**
     * Parses {@code id@context}; without {@code @} the context is {@code default}.
     *
     * @param spec for example {@code 1234@default} or {@code 1234}
     * @return the mailbox
     * @throws IllegalArgumentException when a part is invalid
     */
    public static Mailbox parse(String spec) {
        Objects.requireNonNull(spec, "spec");
        int at = spec.indexOf('@');
        return at < 0 ? new Mailbox(DEFAULT_CONTEXT, spec)
                : new Mailbox(spec.substring(at + 1), spec.substring(0, at));
    }

    private static void check(String name, String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(name + ": must not be empty");
        }
        if (value.equals(".") || value.equals("..")) {
            throw new IllegalArgumentException(name + ": must not be '" + value + "'");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '/' || c == '\0' || c == '\n' || c == '\r') {
                throw new IllegalArgumentException(name + ": must not contain '/', NUL or a line break: '"
                        + value.replace("\n", "\\n").replace("\r", "\\r").replace("\0", "\\0") + "'");
            }
        }
    }

    /**
     * Returns {@code id@context}.
     *
     * @return {@code id@context}
     */
    @Override
    public String toString() {
        return id + "@" + context;
    }
}
