package io.github.astlock.voicemail;

import io.github.astlock.spi.ErrnoException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The intent record of one multi-file change: written (and flushed) before the first change on
 * disk, replaced atomically at each phase, removed when the change is complete. Recovery reads
 * it to finish or undo the change.
 */
final class Journal {
    final Path file;
    final Map<String, String> fields = new LinkedHashMap<>();

    Journal(Path file) {
        this.file = file;
    }

    Journal put(String key, Object value) {
        fields.put(key, String.valueOf(value));
        return this;
    }

    String get(String key) {
        return fields.get(key);
    }

    Optional<String> opt(String key) {
        return Optional.ofNullable(fields.get(key));
    }

    int getInt(String key) {
        return Integer.parseInt(fields.get(key));
    }

    List<String> getList(String key) {
        String v = fields.get(key);
        List<String> out = new ArrayList<>();
        if (v != null && !v.isEmpty()) {
            for (String s : v.split(",")) {
                out.add(s);
            }
        }
        return out;
    }

    byte[] bytes() {
        StringBuilder sb = new StringBuilder("# astlock voicemail intent journal\n");
        for (Map.Entry<String, String> e : fields.entrySet()) {
            sb.append(e.getKey()).append('=').append(e.getValue()).append('\n');
        }
        sb.append("end=1\n");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Writes the journal: first time directly, later through a new file renamed over it. */
    void write(SpoolFs fs, boolean first) throws ErrnoException {
        if (first) {
            fs.create(file, bytes());
        } else {
            Path next = file.resolveSibling(file.getFileName() + "-next");
            try {
                fs.unlink(next);
            } catch (ErrnoException e) {
                if (!e.errno().name().equals("ENOENT")) {
                    throw e;
                }
            }
            fs.create(next, bytes());
            fs.rename(next, file);
        }
        fs.syncDir(file.getParent());
    }

    /** Reads a journal; empty when it is incomplete (a crash while writing it the first time). */
    static Optional<Journal> read(SpoolFs fs, Path file) throws ErrnoException {
        String text = new String(fs.read(file), StandardCharsets.UTF_8);
        Journal j = new Journal(file);
        boolean complete = false;
        for (String line : text.split("\n")) {
            if (line.startsWith("#") || line.isEmpty()) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                continue;
            }
            if (line.substring(0, eq).equals("end")) {
                complete = true;
                break;
            }
            j.fields.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return complete ? Optional.of(j) : Optional.empty();
    }
}
