package io.github.astlock.voicemail;

import io.github.astlock.AsteriskConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Reads and writes a message's {@code .txt} the way Asterisk's configuration engine reads it. */
final class TxtFormat {
    /** Longest line written; Asterisk skips lines longer than its 8 KB buffer. */
    static final int MAX_LINE_BYTES = 4096;

    private static final DateTimeFormatter ORIGDATE =
            DateTimeFormatter.ofPattern("EEE MMM ppd hh:mm:ss a 'UTC' yyyy", Locale.US).withZone(ZoneOffset.UTC);

    private TxtFormat() {
    }

    /** Asterisk's {@code origdate}: {@code %a %b %e %r UTC %Y} in UTC, C locale. */
    static String origDate(Instant t) {
        return ORIGDATE.format(t);
    }

    /**
     * The {@code .txt} of a new message: Asterisk's three comment lines, {@code [message]}, then
     * every key in Asterisk's order.
     */
    static byte[] write(List<Map.Entry<String, String>> entries, Mailbox mailbox, Folder folder, String msgId)
            throws InvalidMessageException {
        StringBuilder sb = new StringBuilder(";\n; Message Information file\n;\n[message]\n");
        for (Map.Entry<String, String> e : entries) {
            String line = e.getKey() + "=" + escape(e.getKey(), e.getValue(), mailbox, folder, msgId);
            if (line.getBytes(StandardCharsets.UTF_8).length > MAX_LINE_BYTES) {
                throw new InvalidMessageException(e.getKey() + ": value too long (more than " + MAX_LINE_BYTES
                        + " bytes on its line)", mailbox, folder, msgId);
            }
            sb.append(line).append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Makes a value read back exactly by Asterisk: surrounding white space is removed (Asterisk
     * trims it anyway), {@code ;} becomes {@code \;}; refused are line breaks, NUL, the block
     * comment markers and a leading {@code >} (it would turn {@code =} into {@code =>}).
     */
    static String escape(String key, String value, Mailbox mailbox, Folder folder, String msgId)
            throws InvalidMessageException {
        String v = value.strip();
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '\n' || c == '\r' || c == '\0') {
                throw new InvalidMessageException(key + ": value contains a line break or NUL character, which "
                        + "would split or end the line Asterisk reads", mailbox, folder, msgId);
            }
        }
        if (v.contains(";--") || v.contains("--;")) {
            throw new InvalidMessageException(key + ": value contains ';--' or '--;', which other readers of the "
                    + "file may take for a block comment", mailbox, folder, msgId);
        }
        if (v.startsWith(">")) {
            throw new InvalidMessageException(key + ": value starts with '>', which Asterisk reads as part of "
                    + "'=>' and drops", mailbox, folder, msgId);
        }
        return v.replace(";", "\\;");
    }

    /** Parses a {@code .txt}; empty when Asterisk would reject it or it has no {@code [message]}. */
    static Optional<MessageMetadata> parse(byte[] content, Path folderDir) {
        AsteriskConfig conf;
        try {
            conf = AsteriskConfig.parse(new String(content, StandardCharsets.UTF_8), folderDir);
        } catch (IOException e) {
            return Optional.empty();
        }
        if (!conf.valid()) {
            return Optional.empty();
        }
        Optional<AsteriskConfig.Section> section = conf.section("message");
        return section.map(s -> new MessageMetadata(s.entries(), conf.warnings()));
    }
}
