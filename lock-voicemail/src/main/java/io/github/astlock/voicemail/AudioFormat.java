package io.github.astlock.voicemail;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of {@code voicemail.conf}'s {@code format=} list and the file extension Asterisk
 * writes it under. The extension is the entry itself, except {@code wav49} (GSM in a WAV
 * container), which Asterisk stores as {@code .WAV} in upper case, a file distinct from
 * {@code .wav}.
 *
 * @param name      the entry as configured, for example {@code wav49}
 * @param extension the extension of its files, for example {@code WAV}
 * @param codec     the Asterisk format it names; entries naming the same one (such as
 *                  {@code ulaw} and {@code pcm}) are the same format, and only the first of
 *                  them is kept
 */
public record AudioFormat(String name, String extension, String codec) {

    /** Known format modules: codec name, then every name its module accepts. */
    private static final List<List<String>> KNOWN = List.of(
            List.of("wav49", "WAV", "wav49"),
            List.of("wav", "wav"),
            List.of("wav16", "wav16"),
            List.of("gsm", "gsm"),
            List.of("ulaw", "pcm", "ulaw", "ul", "mu", "ulw"),
            List.of("alaw", "alaw", "al", "alw"),
            List.of("g722", "g722"),
            List.of("g729", "g729"),
            List.of("g723", "g723", "g723sf"),
            List.of("g726-40", "g726-40"),
            List.of("g726-32", "g726-32"),
            List.of("g726-24", "g726-24"),
            List.of("g726-16", "g726-16"),
            List.of("ilbc", "ilbc"),
            List.of("sln", "sln", "raw"),
            List.of("sln12", "sln12"),
            List.of("sln16", "sln16"),
            List.of("sln24", "sln24"),
            List.of("sln32", "sln32"),
            List.of("sln44", "sln44"),
            List.of("sln48", "sln48"),
            List.of("sln96", "sln96"),
            List.of("sln192", "sln192"),
            List.of("siren7", "siren7"),
            List.of("siren14", "siren14"),
            List.of("ogg_vorbis", "ogg"),
            List.of("vox", "vox"),
            List.of("au", "au"));

    /**
     * Checks the parts.
     *
     * @param name      the configured name
     * @param extension the file extension
     * @param codec     the format it names
     * @throws IllegalArgumentException when the extension is empty, contains a dot or slash, or
     *     is {@code txt}
     */
    public AudioFormat {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(extension, "extension");
        Objects.requireNonNull(codec, "codec");
        if (extension.isEmpty() || extension.indexOf('.') >= 0 || extension.indexOf('/') >= 0
                || extension.toLowerCase(Locale.ROOT).equals("txt")) {
            throw new IllegalArgumentException("extension: not a usable audio extension: '" + extension + "'");
        }
    }

    /**
     * The format for a {@code format=} entry, as Asterisk maps it; names are case-sensitive as in
     * Asterisk.
     *
     * @param name for example {@code wav49}, {@code gsm}, {@code wav}
     * @return the format, or empty when Asterisk would not know the name (it drops such entries)
     */
    public static Optional<AudioFormat> of(String name) {
        if (name == null) {
            return Optional.empty();
        }
        for (List<String> k : KNOWN) {
            if (k.subList(1, k.size()).contains(name)) {
                return Optional.of(new AudioFormat(name, name.equals("wav49") ? "WAV" : name, k.get(0)));
            }
        }
        return Optional.empty();
    }

    /**
     * A format Asterisk does not know by default but a site added with its own format module.
     *
     * @param extension the file extension, also used as name and format
     * @return the format
     */
    public static AudioFormat custom(String extension) {
        return new AudioFormat(extension, extension, extension);
    }

    /**
     * Returns the name as configured.
     *
     * @return the name
     */
    @Override
    public String toString() {
        return name;
    }
}
