package io.github.astlock.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parts that need no second process: parsing, help, JSON, durations, the progress line. */
class InProcessTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int execute(String... args) {
        return new AstlockCli(new PrintWriter(out, true), new PrintWriter(err, true), false).execute(args);
    }

    @Test
    void helpDocumentsEveryExitCode() {
        assertEquals(0, execute("--help"));
        assertEquals(0, execute("run", "--help"));
        String help = out.toString();
        for (String code : List.of("0", "1", "64", "69", "70", "73", "74", "75", "78", "126", "127", "128+n")) {
            assertTrue(help.contains("\n  " + code + " "), "exit code " + code + " missing from --help:\n" + help);
        }
        assertEquals(0, execute("break-stale", "--help"));
        assertEquals(0, execute("status", "--help"));
    }

    @Test
    void aCommandBuiltAloneBehavesAsAmongAllTheOthers() {
        // "astlock run ..." builds only run's model; "astlock help run" builds every command
        assertEquals(0, execute("help", "run"));
        String amongAll = out.toString();
        out.getBuffer().setLength(0);
        assertEquals(0, execute("-v", "run", "--help"));
        assertEquals(amongAll, out.toString());
        out.getBuffer().setLength(0);
        assertEquals(0, execute("--help"));
        for (String command : List.of("run", "status", "break-stale", "demo", "backends", "help")) {
            assertTrue(out.toString().contains("\n  " + command + " "), command + " missing from --help:\n" + out);
        }
        assertEquals(ExitCodes.USAGE, execute("rnu", dir.toString(), "--", "true"));
        assertTrue(err.toString().contains("'rnu'"), err.toString());
    }

    @Test
    void usageErrorsExit64WithAMessage() {
        String d = dir.toString();
        List<String[]> bad = List.of(
            new String[] {},
            new String[] {"bogus"},
            new String[] {"run"},
            new String[] {"run", d},
            new String[] {"run", d, "--"},
            new String[] {"run", "--timeout", "5x", d, "--", "true"},
            new String[] {"run", "--timeout", "-1s", d, "--", "true"},
            new String[] {"run", "--mode", "sideways", d, "--", "true"},
            new String[] {"status"},
            new String[] {"break-stale", d},
            new String[] {"break-stale", "--older-than", "500ms", d},
            new String[] {"break-stale", "--dead-owner", d, d},
            new String[] {"demo", "--dir", d});
        for (String[] args : bad) {
            err.getBuffer().setLength(0);
            assertEquals(ExitCodes.USAGE, execute(args), () -> String.join(" ", args) + "\n" + err);
            assertTrue(err.toString().startsWith("astlock: "), () -> String.join(" ", args) + "\n" + err);
        }
    }

    @Test
    void statusInProcess() {
        assertEquals(0, execute("status", "--json", dir.toString()));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> all = (List<Map<String, Object>>) MiniJson.parse(out.toString());
        assertEquals(Boolean.FALSE, all.get(0).get("held"));
        assertEquals(ExitCodes.CANT_CREATE, execute("status", dir.resolve("nope").toString()));
    }

    @Test
    void durations() {
        assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
        assertEquals(Duration.ofSeconds(5), Durations.parse("5s"));
        assertEquals(Duration.ofSeconds(5), Durations.parse("5"));
        assertEquals(Duration.ofMillis(1500), Durations.parse("1.5s"));
        assertEquals(Duration.ofMinutes(2), Durations.parse("2m"));
        assertEquals(Duration.ofHours(1), Durations.parse("1h"));
        assertEquals(Duration.ZERO, Durations.parse("0"));
        assertEquals(Duration.ofMillis(250), Durations.parse(" .25S "));
        // the limit, with and without a fraction and leading zeros
        assertEquals(Duration.ofDays(366), Durations.parse("366d"));
        assertEquals(Duration.ofDays(366), Durations.parse("0000031622400s"));
        assertEquals(Duration.ofDays(366), Durations.parse("31622400.0000000004s"), "rounded to whole nanoseconds");
        assertEquals(Duration.ofNanos(1_500_001), Durations.parse("1.5000005ms"), "half a nanosecond rounds up");
        for (String tooLong : List.of("367d", "31622401s", "31622400.0000000005s", "527041m", "99999999999999999999ms")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(tooLong));
            assertTrue(e.getMessage().contains("longer than 366 days"), e.getMessage());
        }
        for (String badValue : List.of("", "s", "-1s", "5x", "1,5s", "5 s s", "1e3s", "9999999999999h", "5sec")) {
            assertThrows(IllegalArgumentException.class, () -> Durations.parse(badValue), badValue);
        }
        assertEquals("0.4 s", Durations.format(Duration.ofMillis(400)));
        assertEquals("3 min 5 s", Durations.format(Duration.ofSeconds(185)));
        assertEquals("2 h 3 min", Durations.format(Duration.ofMinutes(123)));
    }

    @Test
    void jsonEscaping() {
        String nasty = "q\" b\\ s/ nl\n cr\r tab\t bs\b ff\f nul\u0000 esc\u001b del\u007f e\u00e9 ls\u2028 ps\u2029 "
                + "emoji\uD83D\uDE00";
        String text = new Json(false).beginObject().name(nasty).value(nasty).name("n").value(-5).name("b").value(true)
                .name("z").nullValue().name("a").beginArray().value(1).beginObject().endObject().beginArray()
                .endArray().endArray().endObject().toString();
        Object parsed = MiniJson.parse(text);
        assertEquals(Map.of(nasty, nasty, "n", -5L, "b", true, "a", List.of(1L, Map.of(), List.of())),
                withoutNull(parsed), text);
        for (int c = 0; c < 0x20; c++) {
            assertTrue(Json.quote(String.valueOf((char) c)).startsWith("\"\\"), "control char " + c + " escaped");
        }
        String pretty = new Json(true).beginArray().beginObject().name("x").value("y").endObject().endArray().toString();
        assertEquals(List.of(Map.of("x", "y")), MiniJson.parse(pretty));
    }

    @SuppressWarnings("unchecked")
    private static Object withoutNull(Object o) {
        Map<String, Object> m = new java.util.LinkedHashMap<>((Map<String, Object>) o);
        assertTrue(m.containsKey("z") && m.get("z") == null);
        m.remove("z");
        return m;
    }

    @Test
    void progressLineIsRewrittenInPlaceOnATerminalAndCleared() throws Exception {
        StringWriter tty = new StringWriter();
        try (WaitProgress p = WaitProgress.start(new PrintWriter(tty), true, Duration.ofMillis(10),
                Duration.ofSeconds(5), waited -> "waiting " + waited.toMillis())) {
            Cli.waitFor("two updates", Duration.ofSeconds(30), () -> count(tty, "\rwaiting ") >= 2);
        }
        String s = tty.toString();
        assertTrue(s.startsWith("\rwaiting "), s);
        assertTrue(s.chars().filter(c -> c == '\r').count() >= 3, "updated in place: " + s);
        assertTrue(!s.contains("\n") && s.endsWith("\r"), "cleared at the end, no new line: " + s);

        StringWriter log = new StringWriter();
        try (WaitProgress p = WaitProgress.start(new PrintWriter(log), false, Duration.ofMillis(10),
                Duration.ofMillis(100), waited -> "waiting")) {
            Cli.waitFor("two lines", Duration.ofSeconds(30), () -> count(log, "waiting") >= 2);
        }
        assertTrue(log.toString().lines().allMatch(l -> l.equals("waiting")) && !log.toString().contains("\r"),
                "separate lines: " + log);
    }

    private static long count(StringWriter w, String what) {
        String s;
        synchronized (w.getBuffer()) {
            s = w.toString();
        }
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
