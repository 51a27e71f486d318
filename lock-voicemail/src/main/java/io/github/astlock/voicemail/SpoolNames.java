package io.github.astlock.voicemail;

import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** File name rules of a voicemail folder, as app_voicemail applies them. */
final class SpoolNames {
    /** The highest message number Asterisk handles. */
    static final int MAX_INDEX = 9998;
    /** Prefix of every file this library creates outside the folders. */
    static final String OUR_PREFIX = "astlock-";

    private static final Pattern TXT = Pattern.compile("msg(\\d{4})\\.txt");
    /** Audio of a message: any extension that is not the metadata's. */
    private static final Pattern AUDIO = Pattern.compile("msg(\\d{4})\\.((?!txt).+)");
    private static final Pattern BAK = Pattern.compile("msg(\\d{4})-bak\\..*");
    private static final Pattern CACHE = Pattern.compile("msg(\\d{4})_[0-9a-fA-F]{40}\\..*");
    /** What Asterisk's next-number scan accepts: {@code msg%d.%3s} with {@code txt}. */
    private static final Pattern LOOSE_TXT = Pattern.compile("msg[ \\t\\n\\x0B\\f\\r]*([+-]?\\d{1,30})\\.txt.*",
            Pattern.DOTALL);
    private static final Pattern OURS = Pattern.compile("astlock-(\\d+)-([0-9a-f]{16})\\.(.+)");
    private static final Pattern MSG_ID = Pattern.compile("[0-9]{1,20}-[0-9A-Za-z]{1,64}");

    private SpoolNames() {
    }

    static String baseName(int index) {
        return String.format("msg%04d", index);
    }

    static String txtName(int index) {
        return baseName(index) + ".txt";
    }

    static String audioName(int index, String ext) {
        return baseName(index) + "." + ext;
    }

    /** The number of a canonical {@code msgNNNN.txt}. */
    static OptionalInt txtIndex(String name) {
        Matcher m = TXT.matcher(name);
        return m.matches() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
    }

    /** The number of an audio file {@code msgNNNN.<ext>}, {@code ext} not starting with {@code txt}. */
    static OptionalInt audioIndex(String name) {
        Matcher m = AUDIO.matcher(name);
        return m.matches() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
    }

    static String audioExt(String name) {
        Matcher m = AUDIO.matcher(name);
        if (!m.matches()) {
            throw new IllegalArgumentException(name);
        }
        return m.group(2);
    }

    static OptionalInt bakIndex(String name) {
        Matcher m = BAK.matcher(name);
        return m.matches() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
    }

    static OptionalInt cacheIndex(String name) {
        Matcher m = CACHE.matcher(name);
        return m.matches() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
    }

    /**
     * The number Asterisk's next-number scan reads from a name, when it reads one; may be
     * negative or huge (Asterisk then misbehaves; callers report it).
     */
    static java.util.OptionalLong looseTxtIndex(String name) {
        Matcher m = LOOSE_TXT.matcher(name);
        if (!m.matches()) {
            return java.util.OptionalLong.empty();
        }
        try {
            return java.util.OptionalLong.of(Long.parseLong(m.group(1)));
        } catch (NumberFormatException e) {
            return java.util.OptionalLong.of(Long.MAX_VALUE);
        }
    }

    /** Whether Asterisk's message count counts the name: {@code .txt} at offset 7. */
    static boolean countedByAsterisk(String name) {
        return name.length() > 7 && name.startsWith(".txt", 7);
    }

    /** Whether the name is one of ours in a {@code tmp/} or journal directory. */
    static Matcher ours(String name) {
        return OURS.matcher(name);
    }

    static String stagedName(long pid, String opid, String ext) {
        return OUR_PREFIX + pid + "-" + opid + "." + ext;
    }

    static String journalName(long pid, String opid) {
        return OUR_PREFIX + pid + "-" + opid + ".journal";
    }

    static boolean validMsgId(String id) {
        return MSG_ID.matcher(id).matches();
    }
}
