package io.github.astlock.voicemail;

import io.github.astlock.AsteriskConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The settings of {@code voicemail.conf} that change what happens on disk: the recorded formats
 * ({@code format=}), the message limit ({@code maxmsg=}, global and per mailbox, default 100,
 * at most 9999) and how many deleted messages are kept ({@code backupdeleted=} /
 * {@code maxdeletedmsg=}, global and per mailbox, default 0 = none). Read with Asterisk's own
 * configuration rules (includes, templates, comments). Immutable.
 */
public final class VoicemailConfig {

    /** Asterisk's default message limit per folder: 100. */
    public static final int DEFAULT_MAXMSG = 100;
    /** The largest message limit Asterisk accepts: 9999 (numbers run 0 to 9998). */
    public static final int MAXMSG_LIMIT = 9999;

    private final List<AudioFormat> formats;
    private final int maxMsg;
    private final int maxDeletedMsg;
    private final Map<Mailbox, Integer> mailboxMaxMsg;
    private final Map<Mailbox, Integer> mailboxMaxDeleted;
    private final Set<Mailbox> mailboxes;
    private final List<String> warnings;

    private VoicemailConfig(List<AudioFormat> formats, int maxMsg, int maxDeletedMsg,
            Map<Mailbox, Integer> mailboxMaxMsg, Map<Mailbox, Integer> mailboxMaxDeleted, Set<Mailbox> mailboxes,
            List<String> warnings) {
        this.formats = List.copyOf(formats);
        this.maxMsg = maxMsg;
        this.maxDeletedMsg = maxDeletedMsg;
        this.mailboxMaxMsg = Map.copyOf(mailboxMaxMsg);
        this.mailboxMaxDeleted = Map.copyOf(mailboxMaxDeleted);
        this.mailboxes = Set.copyOf(mailboxes);
        this.warnings = List.copyOf(warnings);
    }

    /**
     * Asterisk's defaults without a {@code voicemail.conf}: {@code format=wav}, {@code maxmsg=100},
     * no deleted messages kept.
     *
     * @return the defaults
     */
    public static VoicemailConfig defaults() {
        return new VoicemailConfig(List.of(AudioFormat.of("wav").orElseThrow()), DEFAULT_MAXMSG, 0,
                Map.of(), Map.of(), Set.of(), List.of());
    }

    /**
     * A configuration with explicit global values (for tests and for services that do not read
     * {@code voicemail.conf}).
     *
     * @param formatList    the {@code format=} value, for example {@code wav49|gsm|wav}
     * @param maxMsg        the message limit, 0 to 9999
     * @param maxDeletedMsg how many deleted messages to keep, 0 to 9999
     * @return the configuration
     * @throws IllegalArgumentException when a number is out of range
     */
    public static VoicemailConfig of(String formatList, int maxMsg, int maxDeletedMsg) {
        if (maxMsg < 0 || maxMsg > MAXMSG_LIMIT) {
            throw new IllegalArgumentException("maxMsg: must be 0 to " + MAXMSG_LIMIT + ", was " + maxMsg);
        }
        if (maxDeletedMsg < 0 || maxDeletedMsg > MAXMSG_LIMIT) {
            throw new IllegalArgumentException("maxDeletedMsg: must be 0 to " + MAXMSG_LIMIT + ", was " + maxDeletedMsg);
        }
        List<String> warnings = new ArrayList<>();
        return new VoicemailConfig(reduceFormats(formatList, warnings), maxMsg, maxDeletedMsg, Map.of(), Map.of(),
                Set.of(), warnings);
    }

    /**
     * Reads a {@code voicemail.conf}; relative {@code #include} names are resolved against its
     * directory. A missing file gives {@link #defaults()}.
     *
     * @param voicemailConf the file, usually {@code /etc/asterisk/voicemail.conf}
     * @return the configuration
     * @throws IOException when the file exists but cannot be read
     */
    public static VoicemailConfig load(Path voicemailConf) throws IOException {
        return from(AsteriskConfig.load(voicemailConf));
    }

    /**
     * Parses {@code voicemail.conf} text.
     *
     * @param text       the content
     * @param includeDir the directory relative {@code #include} names are resolved against
     * @return the configuration
     * @throws IOException when an included file exists but cannot be read
     */
    public static VoicemailConfig parse(String text, Path includeDir) throws IOException {
        return from(AsteriskConfig.parse(text, includeDir));
    }

    private static VoicemailConfig from(AsteriskConfig conf) {
        List<String> warnings = new ArrayList<>(conf.warnings());
        Optional<AsteriskConfig.Section> general = conf.section("general");
        String formatList = general.flatMap(g -> g.value("format")).orElse("wav");
        int maxMsg = DEFAULT_MAXMSG;
        Optional<String> mm = general.flatMap(g -> g.value("maxmsg"));
        if (mm.isPresent()) {
            Integer v = leadingInt(mm.get());
            if (v == null || v <= 0) {
                warnings.add("[general] maxmsg=" + mm.get() + " is invalid; Asterisk uses " + DEFAULT_MAXMSG);
            } else {
                maxMsg = Math.min(v, MAXMSG_LIMIT);
            }
        }
        int maxDeleted = 0;
        Optional<String> bd = general.flatMap(g -> g.value("backupdeleted"));
        if (bd.isPresent()) {
            maxDeleted = deletedValue(bd.get());
        }
        Map<Mailbox, Integer> perMax = new HashMap<>();
        Map<Mailbox, Integer> perDeleted = new HashMap<>();
        Set<Mailbox> boxes = new LinkedHashSet<>();
        for (AsteriskConfig.Section s : conf.sections()) {
            if (s.name().equalsIgnoreCase("general") || s.name().equalsIgnoreCase("zonemessages")) {
                continue;
            }
            for (Map.Entry<String, String> e : s.entries()) {
                Mailbox box;
                try {
                    box = new Mailbox(s.name(), e.getKey());
                } catch (IllegalArgumentException ex) {
                    warnings.add("[" + s.name() + "] " + e.getKey() + ": not a usable mailbox: " + ex.getMessage());
                    continue;
                }
                boxes.add(box);
                String[] fields = e.getValue().split(",", 5);
                if (fields.length < 5) {
                    continue;
                }
                for (String opt : fields[4].split("[|,]")) {
                    int eq = opt.indexOf('=');
                    if (eq < 0) {
                        continue;
                    }
                    String key = opt.substring(0, eq).trim();
                    String value = opt.substring(eq + 1).trim();
                    if (key.equalsIgnoreCase("maxmsg") || key.equalsIgnoreCase("maxmessage")) {
                        Integer v = leadingInt(value);
                        if (v != null) {
                            perMax.put(box, v < 0 ? DEFAULT_MAXMSG : Math.min(v, MAXMSG_LIMIT));
                        }
                    } else if (key.equalsIgnoreCase("backupdeleted")) {
                        perDeleted.put(box, deletedValue(value));
                    }
                }
            }
        }
        return new VoicemailConfig(reduceFormats(formatList, warnings), maxMsg, maxDeleted, perMax, perDeleted, boxes,
                warnings);
    }

    private static int deletedValue(String value) {
        Integer v = leadingInt(value);
        if (v == null) {
            String t = value.trim().toLowerCase(java.util.Locale.ROOT);
            boolean on = t.equals("yes") || t.equals("true") || t.equals("y") || t.equals("t") || t.equals("1")
                    || t.equals("on");
            return on ? DEFAULT_MAXMSG : 0;
        }
        if (v < 0) {
            return DEFAULT_MAXMSG;
        }
        return Math.min(v, MAXMSG_LIMIT);
    }

    /** C's {@code sscanf("%d")}: optional blanks and sign, then digits; {@code null} when none. */
    private static Integer leadingInt(String s) {
        String t = s.trim();
        int i = 0;
        if (i < t.length() && (t.charAt(i) == '-' || t.charAt(i) == '+')) {
            i++;
        }
        int start = i;
        while (i < t.length() && Character.isDigit(t.charAt(i)) && i - start < 9) {
            i++;
        }
        if (i == start) {
            return null;
        }
        return Integer.parseInt(t.substring(0, i));
    }

    /**
     * Reduces a {@code format=} value as Asterisk does: split on {@code |}, drop unknown names,
     * keep only the first entry of each format, fall back to {@code wav} when nothing is left;
     * at most 10 formats are recorded.
     */
    static List<AudioFormat> reduceFormats(String formatList, List<String> warnings) {
        List<AudioFormat> out = new ArrayList<>();
        Set<String> codecs = new LinkedHashSet<>();
        for (String raw : formatList.split("\\|")) {
            String name = raw.trim();
            if (name.isEmpty()) {
                continue;
            }
            Optional<AudioFormat> f = AudioFormat.of(name);
            if (f.isEmpty()) {
                warnings.add("format '" + name + "' is unknown; Asterisk drops it");
                continue;
            }
            if (codecs.add(f.get().codec())) {
                out.add(f.get());
            }
        }
        if (out.isEmpty()) {
            out.add(AudioFormat.of("wav").orElseThrow());
        }
        if (out.size() > 10) {
            warnings.add("more than 10 formats; Asterisk records only the first 10");
            return out.subList(0, 10);
        }
        return out;
    }

    /**
     * Returns the formats every message must have, in configured order.
     *
     * @return the reduced {@code format=} list, never empty
     */
    public List<AudioFormat> formats() {
        return formats;
    }

    /**
     * Returns a copy with another format list (reduced as Asterisk does).
     *
     * @param formatList for example {@code wav49|gsm|wav}
     * @return the new configuration
     */
    public VoicemailConfig withFormats(String formatList) {
        List<String> w = new ArrayList<>(warnings);
        return new VoicemailConfig(reduceFormats(Objects.requireNonNull(formatList, "formatList"), w), maxMsg,
                maxDeletedMsg, mailboxMaxMsg, mailboxMaxDeleted, mailboxes, w);
    }

    /**
     * Returns the global {@code maxmsg}.
     *
     * @return the global message limit per folder
     */
    public int maxMsg() {
        return maxMsg;
    }

    /**
     * Returns the message limit of one mailbox: its own {@code maxmsg} option, else the global one.
     *
     * @param mailbox the mailbox
     * @return the limit; numbers and counts must stay below it
     */
    public int maxMsg(Mailbox mailbox) {
        return mailboxMaxMsg.getOrDefault(mailbox, maxMsg);
    }

    /**
     * Returns the global number of deleted messages kept.
     *
     * @return the global {@code backupdeleted} value; 0 means none are kept
     */
    public int maxDeletedMsg() {
        return maxDeletedMsg;
    }

    /**
     * Returns how many deleted messages one mailbox keeps in {@code Deleted}.
     *
     * @param mailbox the mailbox
     * @return its {@code backupdeleted} option, else the global one; 0 means none
     */
    public int maxDeletedMsg(Mailbox mailbox) {
        return mailboxMaxDeleted.getOrDefault(mailbox, maxDeletedMsg);
    }

    /**
     * Returns the mailboxes defined in the file.
     *
     * @return the configured mailboxes
     */
    public Set<Mailbox> mailboxes() {
        return mailboxes;
    }

    /**
     * Returns the problems found while reading (unknown formats, invalid numbers, configuration
     * syntax problems).
     *
     * @return the warnings, possibly empty
     */
    public List<String> warnings() {
        return warnings;
    }

    @Override
    public String toString() {
        return "VoicemailConfig[formats=" + formats + ", maxmsg=" + maxMsg + ", backupdeleted=" + maxDeletedMsg
                + ", mailbox overrides=" + (mailboxMaxMsg.size() + mailboxMaxDeleted.size()) + "]";
    }
}
