package io.github.astlock.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** Printable text: control characters become escapes, plain text is unchanged, twice is once. */
class TextTest {
    @Test
    void controlCharactersBecomeEscapes() {
        assertEquals("a\\x1b[31mb\\x07\\x7f\\x85\\u202ec", Text.printable("a\u001b[31mb\u0007\u007f\u0085\u202ec"));
        String plain = "pbx1.example.org /var/spool/ü";
        assertSame(plain, Text.printable(plain));
        String once = Text.printable("x\u001by");
        assertEquals(once, Text.printable(once));
        assertEquals("null", Text.printable(null));
    }
}
