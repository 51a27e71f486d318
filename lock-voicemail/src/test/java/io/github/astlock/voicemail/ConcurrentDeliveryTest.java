package io.github.astlock.voicemail;

import static io.github.astlock.voicemail.SpoolTestSupport.BOX;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two JVMs deliver into one folder at the same time: every message arrives exactly once, under
 * its own number, with its own audio in every format.
 */
class ConcurrentDeliveryTest {
    private static final String FORMATS = "wav49|gsm|wav";
    private static final int PER_CHILD = 20;

    @TempDir
    Path root;

    @ParameterizedTest
    @CsvSource({"LOCKFILE,nio", "FLOCK,jna"})
    void twoProcessesDeliverWithoutLossOrMixing(String mode, String backend) throws Exception {
        VoicemailConfig config = VoicemailConfig.of(FORMATS, 50, 3);
        SpoolTestSupport.open(root, config);
        List<Process> children = new ArrayList<>();
        for (String tag : List.of("p", "q")) {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                    CrashChild.class.getName(), "deliver", root.toString(), FORMATS, Integer.toString(PER_CHILD),
                    mode, backend, tag));
            children.add(new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(root.resolve(tag + ".log").toFile()).start());
        }
        for (Process p : children) {
            assertTrue(p.waitFor(300, TimeUnit.SECONDS), "child did not finish");
            assertEquals(0, p.exitValue(), Files.readString(root.resolve("p.log")) + Files.readString(root.resolve(
                    "q.log")));
        }
        VoicemailSpool spool = SpoolTestSupport.open(root, config);
        FolderListing inbox = spool.list(BOX, Folder.INBOX);
        assertEquals(List.of(), inbox.anomalies());
        assertEquals(2 * PER_CHILD, inbox.count());
        Set<String> tags = new HashSet<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < inbox.count(); i++) {
            VoicemailMessage m = inbox.messages().get(i);
            assertEquals(i, m.index(), "numbers are dense: nothing overwritten, nothing skipped");
            String tag = m.metadata().callerId().orElseThrow();
            assertTrue(tags.add(tag), "delivered twice: " + tag);
            assertTrue(ids.add(m.msgId().orElseThrow()), "id reused: " + m.msgId());
            for (Map.Entry<String, Path> a : m.audio().entrySet()) {
                assertEquals(tag + "." + a.getKey(), Files.readString(a.getValue(), StandardCharsets.UTF_8),
                        "audio of another message in " + a.getValue());
            }
            assertEquals(3, m.audio().size());
        }
    }
}
