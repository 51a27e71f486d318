package io.github.astlock.tck;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The text of each rule of {@code SPEC.md}, which travels in the kit's jar, for failure messages. */
final class SpecText {
    private static final Pattern RULE = Pattern.compile("^- \\*\\*([A-Z]+\\d{2})\\*\\* ");
    private static volatile Map<String, String> rules;

    private SpecText() {
    }

    /**
     * Returns the text of a rule, on one line.
     *
     * @param id a rule id such as {@code SPI08}
     * @return its text, or an empty string when unknown
     */
    static String rule(String id) {
        Map<String, String> r = rules;
        if (r == null) {
            r = load();
            rules = r;
        }
        return r.getOrDefault(id, "");
    }

    private static Map<String, String> load() {
        Map<String, String> out = new HashMap<>();
        try (InputStream in = SpecText.class.getResourceAsStream("SPEC.md")) {
            if (in == null) {
                return out;
            }
            String id = null;
            StringBuilder text = new StringBuilder();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                Matcher m = RULE.matcher(line);
                boolean continuation = id != null && line.startsWith("  ") && !line.isBlank();
                if (continuation) {
                    text.append(' ').append(line.strip());
                    continue;
                }
                if (id != null) {
                    out.put(id, text.toString());
                    id = null;
                }
                if (m.find()) {
                    id = m.group(1);
                    text = new StringBuilder(line.substring(m.end()).strip());
                }
            }
            if (id != null) {
                out.put(id, text.toString());
            }
        } catch (IOException e) {
            // no rule texts; the failure keeps its own message
        }
        return out;
    }
}
