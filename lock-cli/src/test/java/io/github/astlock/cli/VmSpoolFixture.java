package io.github.astlock.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A temporary voicemail spool for the {@code vm} tests: mailboxes 1234 and 5678 in
 * {@code voicemail.conf} with formats {@code wav49|gsm|wav}, 1234 with a directory, a recording in
 * each format, and {@code vm} run in-process on it.
 */
@SuppressWarnings("unchecked")
abstract class VmSpoolFixture {
    static final String ID = "\\d+-[0-9a-f]{8}";

    @TempDir
    Path base;

    Path spool;
    Path conf;
    Path vmConf;
    Path wav49;
    Path gsm;
    Path wav;

    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    @BeforeEach
    void spool() throws IOException {
        spool = Files.createDirectories(base.resolve("voicemail"));
        Files.createDirectories(spool.resolve("default/1234"));
        conf = base.resolve("asterisk.conf"); // missing: Asterisk's defaults, lockfile mode
        vmConf = base.resolve("voicemail.conf");
        Files.writeString(vmConf, "[general]\nformat=wav49|gsm|wav\nmaxmsg=20\n\n[default]\n1234 => 1234,Alice\n"
                + "5678 => 5678,Bob\n");
        wav49 = Files.write(base.resolve("rec.WAV"), "wav49 audio".getBytes(StandardCharsets.US_ASCII));
        gsm = Files.write(base.resolve("rec.gsm"), "gsm audio".getBytes(StandardCharsets.US_ASCII));
        wav = Files.write(base.resolve("rec.wav"), "wav audio".getBytes(StandardCharsets.US_ASCII));
    }

    /** Runs {@code astlock vm VERB ARGS --spool ... --conf ... --voicemail-conf ...}. */
    int vm(String verb, String... args) {
        out = new StringWriter();
        err = new StringWriter();
        List<String> all = new ArrayList<>(List.of("vm", verb, "--spool", spool.toString(), "--conf", conf.toString(),
                "--voicemail-conf", vmConf.toString()));
        all.addAll(List.of(args));
        return new AstlockCli(new PrintWriter(out, true), new PrintWriter(err, true), false)
                .execute(all.toArray(new String[0]));
    }

    String transcript() {
        return "--- stdout ---\n" + out + "--- stderr ---\n" + err;
    }

    Object json() {
        return MiniJson.parse(out.toString());
    }

    String deliver(String mailbox, String... extra) {
        List<String> args = new ArrayList<>(List.of(mailbox, "--audio", wav49.toString(), "--audio", gsm.toString(),
                "--audio", wav.toString()));
        args.addAll(List.of(extra));
        assertEquals(0, vm("deliver", args.toArray(new String[0])), this::transcript);
        String id = out.toString().strip();
        assertTrue(id.matches(ID), "deliver prints the new msg_id: " + transcript());
        return id;
    }

    Map<String, Object> folder(String mailbox, String folder) {
        assertEquals(0, vm("list", "--json", mailbox, folder), this::transcript);
        Map<String, Object> listing = (Map<String, Object>) json();
        List<Map<String, Object>> folders = (List<Map<String, Object>>) listing.get("folders");
        assertEquals(1, folders.size());
        return folders.get(0);
    }

    List<String> ids(String mailbox, String folder) {
        return ((List<Map<String, Object>>) folder(mailbox, folder).get("messages")).stream()
                .map(m -> (String) m.get("msgId")).collect(Collectors.toList());
    }

    List<String> ours() throws IOException {
        try (Stream<Path> s = Files.walk(spool)) {
            return s.filter(p -> p.getFileName().toString().startsWith("astlock-")).map(Path::toString)
                    .collect(Collectors.toList());
        }
    }

    static Set<String> names(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return Set.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }
}
