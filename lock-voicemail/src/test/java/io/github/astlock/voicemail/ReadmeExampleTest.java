package io.github.astlock.voicemail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.astlock.voicemail.example.DeliverMoveDelete;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README section's example is this module's example class, and it runs as written. */
class ReadmeExampleTest {
    @TempDir
    Path dir;

    @Test
    void readmeShowsTheExampleClassVerbatim() throws Exception {
        String readme = Files.readString(Path.of("README-section.md"));
        int start = readme.indexOf("```java\n") + "```java\n".length();
        String shown = readme.substring(start, readme.indexOf("```\n", start));
        String source = Files.readString(Path.of("src/test/java/io/github/astlock/voicemail/example/"
                + "DeliverMoveDelete.java"));
        String withoutPackage = source.substring(source.indexOf('\n', source.indexOf("package ")) + 2);
        assertEquals(withoutPackage, shown);
    }

    @Test
    void exampleRunsAgainstASpool() throws Exception {
        Path etc = Files.createDirectories(dir.resolve("etc"));
        Path voicemail = Files.createDirectories(dir.resolve("spool/voicemail"));
        Files.writeString(etc.resolve("asterisk.conf"), "[options]\nlockmode=lockfile\n[directories]\n"
                + "astetcdir => " + etc + "\nastspooldir => " + dir.resolve("spool") + "\n");
        Files.writeString(etc.resolve("voicemail.conf"), "[general]\nformat=wav49|gsm|wav\n[default]\n"
                + "1234 => 4242,Example\n");
        Path rec = Files.createDirectories(dir.resolve("rec"));
        for (String ext : List.of("WAV", "gsm", "wav")) {
            Files.write(rec.resolve("recording." + ext), new byte[] {1, 2, 3});
        }
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            DeliverMoveDelete.main(new String[] {etc.resolve("asterisk.conf").toString(), rec.toString()});
        } finally {
            System.setOut(old);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("delivered ") && printed.contains(" as 1234@default/INBOX/msg0000"), printed);
        assertTrue(printed.contains("moved to 1234@default/Old/msg0000"), printed);
        assertTrue(printed.contains("deleted 1234@default/Old/msg0000"), printed);
        List<String> left;
        try (var s = Files.walk(voicemail)) {
            left = s.filter(Files::isRegularFile).map(Path::toString).collect(Collectors.toList());
        }
        assertEquals(List.of(), left);
        assertEquals(3, Files.list(rec).count());
    }
}
