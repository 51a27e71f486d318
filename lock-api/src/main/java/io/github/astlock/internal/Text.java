package io.github.astlock.internal;

/**
 * Makes text that came from a file safe to print on a terminal: control characters (C0, DEL,
 * C1) and Unicode direction overrides are shown as escapes, such as {@code \x1b} for ESC, so an
 * owner record or a file name can neither move the cursor, recolour nor rewrite what an
 * operator reads. Applying it twice changes nothing more.
 */
public final class Text {
    private Text() {
    }

    /**
     * Returns the text with every character that a terminal would interpret replaced by an escape.
     *
     * @param s the text, may be {@code null}
     * @return printable text; {@code "null"} for {@code null}
     */
    public static String printable(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean bad = c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x200e && c <= 0x200f)
                    || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
            if (bad && sb == null) {
                sb = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            if (sb != null) {
                if (bad) {
                    sb.append(c <= 0xff ? String.format("\\x%02x", (int) c) : String.format("\\u%04x", (int) c));
                } else {
                    sb.append(c);
                }
            }
        }
        return sb == null ? s : sb.toString();
    }
}
