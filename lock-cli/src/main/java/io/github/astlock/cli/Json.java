package io.github.astlock.cli;

/**
 * A tiny JSON writer, enough for {@code status --json}: objects, arrays, strings, numbers,
 * booleans and {@code null}, with correct string escaping (RFC 8259: quotation mark, reverse
 * solidus and every control character; U+2028 and U+2029 too, for JavaScript consumers).
 * Commas are inserted automatically.
 */
final class Json {
    private final StringBuilder sb = new StringBuilder();
    /** Whether the next value at the current nesting level needs a comma first. */
    private boolean comma;
    /** Whether a member name was just written, so its value follows on the same line. */
    private boolean inKey;
    private int depth;
    private final boolean pretty;

    Json(boolean pretty) {
        this.pretty = pretty;
    }

    /**
     * Appends a string literal with its quotes.
     *
     * @param sb the target
     * @param s  the text
     */
    static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                case '\b': sb.append("\\b"); break;
                case '\f': sb.append("\\f"); break;
                default:
                    if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
            }
        }
        sb.append('"');
    }

    /**
     * Returns the text of the string literal for {@code s}.
     *
     * @return the text of the string literal for {@code s}
     */
    static String quote(String s) {
        StringBuilder b = new StringBuilder();
        quote(b, s);
        return b.toString();
    }

    private void beforeValue() {
        if (comma) {
            sb.append(',');
        }
        if (pretty && depth > 0 && !inKey) {
            sb.append('\n').append("  ".repeat(depth));
        }
        inKey = false;
        comma = true;
    }

    Json beginObject() {
        beforeValue();
        sb.append('{');
        depth++;
        comma = false;
        return this;
    }

    Json endObject() {
        return end('}');
    }

    Json beginArray() {
        beforeValue();
        sb.append('[');
        depth++;
        comma = false;
        return this;
    }

    Json endArray() {
        return end(']');
    }

    private Json end(char c) {
        depth--;
        if (pretty && comma) {
            sb.append('\n').append("  ".repeat(depth));
        }
        sb.append(c);
        comma = true;
        return this;
    }

    /** Writes a member name; the next call writes its value. */
    Json name(String name) {
        beforeValue();
        quote(sb, name);
        sb.append(pretty ? ": " : ":");
        comma = false;
        inKey = true;
        return this;
    }

    Json value(String s) {
        beforeValue();
        if (s == null) {
            sb.append("null");
        } else {
            quote(sb, s);
        }
        return this;
    }

    Json value(long n) {
        beforeValue();
        sb.append(n);
        return this;
    }

    Json value(boolean b) {
        beforeValue();
        sb.append(b);
        return this;
    }

    Json nullValue() {
        beforeValue();
        sb.append("null");
        return this;
    }

    @Override
    public String toString() {
        return sb.toString();
    }
}
