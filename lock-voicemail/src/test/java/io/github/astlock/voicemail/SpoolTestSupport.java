package io.github.astlock.voicemail;

import io.github.astlock.LockOptions;
import io.github.astlock.PathLocker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Utilities shared by the voicemail tests. */
final class SpoolTestSupport {
    static final Mailbox BOX = Mailbox.of("default", "1234");
    /** Crashes of a process do not need disk flushes to be recovered; tests skip them for speed. */
    static final VoicemailOptions FAST = VoicemailOptions.builder().flushToDisk(false).build();

    private SpoolTestSupport() {
    }

    static PathLocker nioLocker() {
        return PathLocker.create(LockOptions.defaults(), "nio");
    }

    static VoicemailSpool open(Path root, VoicemailConfig config) throws IOException {
        return VoicemailSpool.open(root, nioLocker(), config, FAST);
    }

    static NewMessage message(VoicemailConfig config, String callerId) {
        NewMessage.Builder b = NewMessage.builder().callerId(callerId).duration(3);
        for (AudioFormat f : config.formats()) {
            b.audio(f.name(), ("audio " + f.extension() + " of " + callerId).getBytes(StandardCharsets.UTF_8));
        }
        return b.build();
    }

    /** Every file name under a directory, relative, sorted. */
    static List<String> tree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return new ArrayList<>();
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(p -> root.relativize(p).toString()).sorted()
                    .collect(Collectors.toList());
        }
    }

    static List<String> names(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return new ArrayList<>();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }
}
