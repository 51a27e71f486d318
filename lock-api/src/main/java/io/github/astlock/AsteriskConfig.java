package io.github.astlock;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The settings of Asterisk's {@code asterisk.conf} that matter for directory locking, read the
 * way Asterisk's own configuration engine reads them.
 *
 * <p>Asterisk reads {@code asterisk.conf} exactly once, at start-up; its lock mode can therefore
 * only be learnt from the file, never from the running process. This class reproduces the
 * observable behaviour of Asterisk's text configuration engine for the keys a locking library
 * needs:
 * <ul>
 *   <li>{@code [options] lockmode} &rarr; {@link #lockMode()},</li>
 *   <li>{@code [options] lockconfdir} &rarr; {@link #lockConfDir()},</li>
 *   <li>{@code [directories] astspooldir}, {@code astrundir} and {@code astetcdir} &rarr;
 *       {@link #spoolDir()}, {@link #runDir()} (and {@link #pidFile()}), {@link #etcDir()}.</li>
 * </ul>
 *
 * <h2>Syntax understood</h2>
 * <ul>
 *   <li>Section headers {@code [name]}; names of sections and keys compare case-insensitively
 *       (ASCII only, as C's {@code strcasecmp}). The name is everything between {@code [} and the
 *       first {@code ]}, not trimmed. A header option list must follow the {@code ]} immediately:
 *       {@code [name](!)} marks a <em>template</em>, which lookups never see;
 *       {@code [name](a,b)} first copies the variables of the categories (templates or not)
 *       {@code a} then {@code b}; {@code [name](+)} adds the following lines to the first
 *       non-template category called {@code name}. Options combine, for example
 *       {@code (!,base)}. Option names are not trimmed, so {@code (!, base)} names a category
 *       {@code " base"}.</li>
 *   <li>{@code key = value} and {@code key => value}; {@code key += more} appends to the last
 *       value of that key in the section. Key and value are trimmed of white space and control
 *       characters; the value is otherwise used verbatim (no quote removal).</li>
 *   <li>{@code ;} starts a comment running to the end of the line, {@code \;} is a literal
 *       semicolon, and {@code ;--} &hellip; {@code --;} is a block comment that may span lines and
 *       nest. Like Asterisk, a {@code --;} seen outside any block comment unbalances the nesting
 *       count, after which Asterisk treats the following lines as commented out; a warning is
 *       recorded when that happens.</li>
 *   <li>{@code #include file}, {@code #include "file"} and {@code #include <file>}; a relative
 *       name is resolved against the <em>include directory</em>, which is one directory for the
 *       whole load, exactly as Asterisk resolves every relative include against its compiled-in
 *       configuration directory (not against the directory of the including file). Glob patterns
 *       ({@code *}, {@code ?}, {@code [...]}, {@code {a,b}}) are expanded and the matches read in
 *       sorted order. {@code #tryinclude} is the same but a missing file is silently skipped.
 *       {@code #exec} is never run; it is skipped with a warning, as Asterisk does unless started
 *       with {@code -X}.</li>
 *   <li>A UTF-8 byte order mark at the start of a file is skipped; lines end at LF, so CRLF files
 *       read as LF files (a lone CR does not end a line, again as in Asterisk).</li>
 * </ul>
 *
 * <h2>Lookup</h2>
 * A section is looked up as the <em>first</em> non-template category of that name; a second
 * {@code [options]} section is ignored. Within the section every line is applied in order, so the
 * <em>last</em> line for a key wins. For {@code lockmode} the value {@code lockfile} or
 * {@code flock} (any case) selects the mode and any other value selects
 * {@link LockMode#LOCKFILE} with a warning; an invalid later line therefore undoes an earlier
 * {@code flock}. Without a {@code lockmode} line the mode is {@link LockMode#LOCKFILE}.
 *
 * <h2>Invalid files</h2>
 * Some mistakes make Asterisk reject the whole file and start with its built-in defaults
 * (lockfile mode, {@code /var/spool/asterisk}, ...): a variable before any section, a header
 * without its closing {@code ]} or {@code )}, a {@code (+)} or inheritance naming a category that
 * does not exist, an invalid {@code \} escape at the start of a line, and an {@code #include}
 * (not {@code #tryinclude}) whose file does not exist. Such a configuration reports
 * {@link #valid()} {@code == false}, returns the defaults from every accessor and explains the
 * reason in {@link #warnings()}. The same mistakes inside an <em>included</em> file only end the
 * reading of that file, as in Asterisk. Include cycles are detected: the repeated file is
 * skipped with a warning. Nesting deeper than Asterisk's limit of {@value #MAX_INCLUDE_DEPTH}
 * included levels is refused as Asterisk refuses it.
 *
 * <p>Every recorded warning is also logged at WARN level through SLF4J.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class AsteriskConfig {

    /**
     * Where Asterisk looks for {@code asterisk.conf} when it is built with the default prefix and
     * started without {@code -C}: {@code /etc/asterisk/asterisk.conf}.
     */
    public static final Path DEFAULT_LOCATION = Path.of("/etc/asterisk/asterisk.conf");

    /** Asterisk's built-in spool directory, used unless {@code astspooldir} is set. */
    public static final Path DEFAULT_SPOOL_DIR = Path.of("/var/spool/asterisk");

    /** Asterisk's built-in run directory, used unless {@code astrundir} is set. */
    public static final Path DEFAULT_RUN_DIR = Path.of("/var/run/asterisk");

    /**
     * Asterisk's built-in configuration directory, used unless {@code astetcdir} is set. It is
     * also the directory against which Asterisk resolves relative {@code #include} names.
     */
    public static final Path DEFAULT_ETC_DIR = Path.of("/etc/asterisk");

    /**
     * How many levels of {@code #include} Asterisk follows below the main file. A deeper
     * {@code #include} is refused as if its file did not exist.
     */
    public static final int MAX_INCLUDE_DEPTH = 10;

    /**
     * The twelve standard voicemail folder names in their on-disk spelling, in Asterisk's index
     * order (0 to 11).
     */
    public static final List<String> STANDARD_FOLDERS = List.of(
            "INBOX", "Old", "Work", "Family", "Friends",
            "Cust1", "Cust2", "Cust3", "Cust4", "Cust5",
            "Deleted", "Urgent");

    private static final Logger LOG = LoggerFactory.getLogger(AsteriskConfig.class);

    private static final String DEFAULT_SPOOL = "/var/spool/asterisk";
    private static final String DEFAULT_RUN = "/var/run/asterisk";
    private static final String DEFAULT_ETC = "/etc/asterisk";

    private final Path source;
    private final boolean exists;
    private final boolean valid;
    private final LockMode lockMode;
    private final boolean lockConfDir;
    private final String spoolDir;
    private final String runDir;
    private final String etcDir;
    private final List<Path> files;
    private final List<String> warnings;
    private final List<Section> sections;

    private AsteriskConfig(Path source, boolean exists, boolean valid, LockMode lockMode,
            boolean lockConfDir, String spoolDir, String runDir, String etcDir, List<Path> files,
            List<String> warnings) {
        this(source, exists, valid, lockMode, lockConfDir, spoolDir, runDir, etcDir, files, warnings,
                List.of());
    }

    private AsteriskConfig(Path source, boolean exists, boolean valid, LockMode lockMode,
            boolean lockConfDir, String spoolDir, String runDir, String etcDir, List<Path> files,
            List<String> warnings, List<Section> sections) {
        this.sections = List.copyOf(sections);
        this.source = source;
        this.exists = exists;
        this.valid = valid;
        this.lockMode = lockMode;
        this.lockConfDir = lockConfDir;
        this.spoolDir = spoolDir;
        this.runDir = runDir;
        this.etcDir = etcDir;
        this.files = List.copyOf(files);
        this.warnings = List.copyOf(warnings);
    }

    // ------------------------------------------------------------------------------------------
    // Factories
    // ------------------------------------------------------------------------------------------

    /**
     * The values Asterisk uses when it has no {@code asterisk.conf}: lockfile mode,
     * {@code lockconfdir} off and the built-in directories. {@link #exists()} is {@code false},
     * {@link #source()} is empty and there are no warnings.
     *
     * @return the built-in defaults
     */
    public static AsteriskConfig defaults() {
        return new AsteriskConfig(null, false, true, LockMode.LOCKFILE, false, DEFAULT_SPOOL,
                DEFAULT_RUN, DEFAULT_ETC, List.of(), List.of());
    }

    /**
     * Reads an {@code asterisk.conf}, resolving relative {@code #include} names against the
     * directory that contains {@code file}. For the standard location this is
     * {@code /etc/asterisk}, which is also what Asterisk uses; for a file passed to Asterisk with
     * {@code -C} from elsewhere, see {@link #load(Path, Path)}.
     *
     * <p>A missing file is not an error: Asterisk then runs on its built-in defaults, so the
     * result carries the defaults, {@link #exists()} {@code == false} and {@link #source()} set
     * to {@code file}.
     *
     * @param file the configuration file, for example {@link #DEFAULT_LOCATION}
     * @return the configuration
     * @throws IOException if {@code file} exists but is a directory or another non-regular file,
     *         cannot be read, or an included file exists but cannot be read; the message names
     *         the path
     */
    public static AsteriskConfig load(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        Path parent = file.toAbsolutePath().getParent();
        return load(file, parent == null ? Path.of("/") : parent);
    }

    /**
     * Reads an {@code asterisk.conf}, resolving relative {@code #include} names against
     * {@code includeDir}. Asterisk resolves them against its compiled-in configuration directory
     * ({@link #DEFAULT_ETC_DIR} for a default build), even when the main file was given with
     * {@code -C} and lives elsewhere; pass that directory here to reproduce it.
     *
     * @param file the configuration file
     * @param includeDir the directory that relative include names are resolved against
     * @return the configuration; see {@link #load(Path)} for a missing file
     * @throws IOException if {@code file} exists but is a directory or another non-regular file,
     *         cannot be read, or an included file exists but cannot be read; the message names
     *         the path
     */
    public static AsteriskConfig load(Path file, Path includeDir) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(includeDir, "includeDir");
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            LOG.debug("{} does not exist; Asterisk would use its built-in defaults", file);
            return new AsteriskConfig(file, false, true, LockMode.LOCKFILE, false, DEFAULT_SPOOL,
                    DEFAULT_RUN, DEFAULT_ETC, List.of(), List.of());
        }
        if (attrs.isDirectory()) {
            throw new IOException(file + ": is a directory, not an asterisk.conf file");
        }
        if (!attrs.isRegularFile()) {
            throw new IOException(file + ": is not a regular file");
        }
        byte[] bytes = readFile(file, null);
        Loader loader = new Loader(includeDir.toAbsolutePath(), file.toString());
        loader.loadMain(bytes, file.toString(), file);
        return loader.finish(file, true);
    }

    /**
     * Parses configuration text as if it were the content of an {@code asterisk.conf}. Intended
     * for tests and for callers that obtained the text elsewhere. {@link #source()} is empty,
     * {@link #exists()} is {@code true} and {@link #files()} lists only the included files.
     *
     * @param text the file content
     * @param includeDir the directory that relative {@code #include} names are resolved against
     * @return the configuration
     * @throws IOException if an included file exists but cannot be read
     */
    public static AsteriskConfig parse(String text, Path includeDir) throws IOException {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(includeDir, "includeDir");
        Loader loader = new Loader(includeDir.toAbsolutePath(), "<asterisk.conf text>");
        loader.loadMain(text.getBytes(StandardCharsets.UTF_8), "<asterisk.conf text>", null);
        return loader.finish(null, true);
    }

    // ------------------------------------------------------------------------------------------
    // Accessors
    // ------------------------------------------------------------------------------------------

    /**
     * The lock mode Asterisk runs with under this configuration: the last {@code lockmode} line
     * of the first non-template {@code [options]} section, {@link LockMode#LOCKFILE} when there is
     * none, when its value names neither mode, or when the file is {@linkplain #valid() invalid}.
     *
     * @return the lock mode, never {@code null}
     */
    public LockMode lockMode() {
        return lockMode;
    }

    /**
     * Whether {@code [options] lockconfdir} is true, in which case Asterisk locks
     * {@link #etcDir()} around module reloads. True values are {@code yes}, {@code true},
     * {@code y}, {@code t}, {@code 1} and {@code on} in any case; everything else, and absence,
     * is false.
     *
     * @return the {@code lockconfdir} flag
     */
    public boolean lockConfDir() {
        return lockConfDir;
    }

    /**
     * The spool directory: {@code [directories] astspooldir}, or {@link #DEFAULT_SPOOL_DIR}.
     * The value is used verbatim; a trailing slash disappears in the {@link Path}. A relative
     * value stays relative (Asterisk would resolve it against its own working directory).
     *
     * @return the spool directory
     */
    public Path spoolDir() {
        return Path.of(spoolDir);
    }

    /**
     * The run directory: {@code [directories] astrundir}, or {@link #DEFAULT_RUN_DIR}.
     *
     * @return the run directory
     */
    public Path runDir() {
        return Path.of(runDir);
    }

    /**
     * The configuration directory: {@code [directories] astetcdir}, or {@link #DEFAULT_ETC_DIR}.
     * This is the directory {@code lockconfdir} locks.
     *
     * @return the configuration directory
     */
    public Path etcDir() {
        return Path.of(etcDir);
    }

    /**
     * The file holding the process id of a running Asterisk: {@code <astrundir>/asterisk.pid}.
     *
     * @return the pid file path
     */
    public Path pidFile() {
        return Path.of(runDir + "/asterisk.pid");
    }

    /**
     * The root of the voicemail file store: {@code <astspooldir>/voicemail}.
     *
     * @return the voicemail root directory
     */
    public Path voicemailRoot() {
        return Path.of(spoolDir + "/voicemail");
    }

    /**
     * The folder directory {@code <voicemailRoot>/<context>/<mailbox>/<folder>}, which is the
     * directory Asterisk's voicemail locks.
     *
     * <p>Folder names are case-sensitive on disk. The twelve {@linkplain #STANDARD_FOLDERS
     * standard names} are accepted in any case and returned in their canonical spelling
     * ({@code "inbox"} gives {@code INBOX}, {@code "old"} gives {@code Old}); any other name is
     * used verbatim.
     *
     * @param context the voicemail context, for example {@code default}
     * @param mailbox the mailbox, for example {@code 1234}
     * @param folder the folder name
     * @return the folder directory
     * @throws IllegalArgumentException naming the argument, when an argument is {@code null},
     *         empty, {@code .} or {@code ..}, or contains {@code /} or a NUL character
     */
    public Path voicemailFolder(String context, String mailbox, String folder) {
        checkComponent("context", context);
        checkComponent("mailbox", mailbox);
        checkComponent("folder", folder);
        return voicemailRoot().resolve(context).resolve(mailbox).resolve(canonicalFolder(folder));
    }

    /**
     * The problems found while reading, in the order found: invalid values, skipped lines,
     * missing or cyclic includes, ignored {@code #exec} lines and, for an invalid file, the
     * reason Asterisk would ignore it. Each message starts with the file and line it concerns.
     *
     * @return an unmodifiable list, empty when the file was clean
     */
    public List<String> warnings() {
        return warnings;
    }

    /**
     * The main file this configuration was loaded from, whether or not it existed; empty for
     * {@link #defaults()} and {@link #parse(String, Path)}.
     *
     * @return the path given to {@link #load(Path)}
     */
    public Optional<Path> source() {
        return Optional.ofNullable(source);
    }

    /**
     * Whether the main file existed (always {@code true} for {@link #parse(String, Path)},
     * {@code false} for {@link #defaults()}). When it did not, Asterisk uses its built-in
     * defaults, and so does this object.
     *
     * @return whether a configuration file was read
     */
    public boolean exists() {
        return exists;
    }

    /**
     * Whether Asterisk would accept this configuration. When {@code false}, Asterisk ignores the
     * whole file and starts with its built-in defaults, so every accessor returns the default and
     * {@link #warnings()} says why. A missing file counts as valid.
     *
     * @return {@code false} when Asterisk would reject the file
     */
    public boolean valid() {
        return valid;
    }

    /**
     * Every file that was read: the main file first, then each file pulled in by
     * {@code #include} or {@code #tryinclude} in the order first read, without duplicates. Meant
     * for comparing modification times with the start time of a running Asterisk, since a file
     * changed after Asterisk started may describe a lock mode Asterisk is not using. Empty when
     * the main file does not exist.
     *
     * @return an unmodifiable list of paths as resolved (not canonicalised)
     */
    public List<Path> files() {
        return files;
    }

    /**
     * Every non-template section in file order, with its lines after templates, inheritance and
     * {@code (+)} additions were applied: the generic view for other configuration files read
     * with the same rules (for example {@code voicemail.conf}, or a voicemail message's
     * {@code .txt}). Empty for an {@linkplain #valid() invalid} file and for {@link #defaults()}.
     *
     * @return an unmodifiable list of sections
     */
    public List<Section> sections() {
        return sections;
    }

    /**
     * The section Asterisk looks up by this name: the first non-template one, compared
     * case-insensitively (ASCII).
     *
     * @param name the section name, for example {@code general}
     * @return the section, or empty when there is none
     */
    public Optional<Section> section(String name) {
        Objects.requireNonNull(name, "name");
        for (Section s : sections) {
            if (asciiEqualsIgnoreCase(s.name(), name)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /**
     * One non-template section of a configuration file.
     *
     * @param name    the section name as written
     * @param entries its {@code key = value} lines in order, keys and values trimmed, values with
     *                comments removed and {@code \;} turned into {@code ;}
     */
    public record Section(String name, List<java.util.Map.Entry<String, String>> entries) {
        /**
         * Copies the entries.
         *
         * @param name    the section name
         * @param entries the entries
         */
        public Section {
            Objects.requireNonNull(name, "name");
            entries = List.copyOf(entries);
        }

        /**
         * The value Asterisk retrieves for a key: the last line with that name, compared
         * case-insensitively (ASCII).
         *
         * @param key the key
         * @return the value, or empty when no line has that key
         */
        public Optional<String> value(String key) {
            Objects.requireNonNull(key, "key");
            String found = null;
            for (java.util.Map.Entry<String, String> e : entries) {
                if (asciiEqualsIgnoreCase(e.getKey(), key)) {
                    found = e.getValue();
                }
            }
            return Optional.ofNullable(found);
        }
    }

    /**
     * A one-line summary for diagnostics, naming the source, the effective values and the number
     * of files and warnings.
     *
     * @return the summary
     */
    @Override
    public String toString() {
        return "AsteriskConfig[source=" + (source == null ? "none" : source)
                + ", exists=" + exists
                + ", valid=" + valid
                + ", lockMode=" + lockMode.asteriskName()
                + ", lockConfDir=" + lockConfDir
                + ", spoolDir=" + spoolDir
                + ", runDir=" + runDir
                + ", etcDir=" + etcDir
                + ", files=" + files.size()
                + ", warnings=" + warnings.size() + "]";
    }

    // ------------------------------------------------------------------------------------------
    // Voicemail helpers
    // ------------------------------------------------------------------------------------------

    private static void checkComponent(String name, String value) {
        if (value == null) {
            throw new IllegalArgumentException(name + ": must not be null");
        }
        if (value.isEmpty()) {
            throw new IllegalArgumentException(name + ": must not be empty");
        }
        if (value.equals(".") || value.equals("..")) {
            throw new IllegalArgumentException(name + ": must not be '" + value + "'");
        }
        if (value.indexOf('/') >= 0) {
            throw new IllegalArgumentException(name + ": must not contain '/': '" + value + "'");
        }
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(name + ": must not contain a NUL character");
        }
    }

    private static String canonicalFolder(String folder) {
        for (String standard : STANDARD_FOLDERS) {
            if (asciiEqualsIgnoreCase(standard, folder)) {
                return standard;
            }
        }
        return folder;
    }

    // ------------------------------------------------------------------------------------------
    // Small string helpers with C semantics
    // ------------------------------------------------------------------------------------------

    /** Case-insensitive comparison folding ASCII letters only, like C's strcasecmp. */
    static boolean asciiEqualsIgnoreCase(String a, String b) {
        if (a.length() != b.length()) {
            return false;
        }
        for (int i = 0; i < a.length(); i++) {
            if (asciiLower(a.charAt(i)) != asciiLower(b.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static char asciiLower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }

    /** Removes leading and trailing characters below 33 (blanks and control characters). */
    static String strip(CharSequence s) {
        int start = 0;
        int end = s.length();
        while (start < end && s.charAt(start) < 33) {
            start++;
        }
        while (end > start && s.charAt(end - 1) < 33) {
            end--;
        }
        return s.subSequence(start, end).toString();
    }

    /** Asterisk's notion of a true value ({@code ast_true}). */
    static boolean isTrue(String value) {
        for (String t : new String[] {"yes", "true", "y", "t", "1", "on"}) {
            if (asciiEqualsIgnoreCase(t, value)) {
                return true;
            }
        }
        return false;
    }

    private static byte[] readFile(Path file, String context) throws IOException {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            String where = context == null ? "" : " (" + context + ")";
            throw new IOException(file + ": cannot read" + where + ": " + e, e);
        }
    }

    private static Path realPathOf(Path file) {
        try {
            return file.toRealPath();
        } catch (IOException e) {
            return file.toAbsolutePath().normalize();
        }
    }

    // ------------------------------------------------------------------------------------------
    // The loader: one instance per load, not shared
    // ------------------------------------------------------------------------------------------

    /** Outcome of reading one file or include pattern, mirroring Asterisk's three outcomes. */
    private enum Outcome {
        /** Nothing was read (no file, nothing matched, or refused). */
        NOTHING,
        /** Read completely. */
        READ,
        /** A fatal syntax error stopped the reading of the file. */
        INVALID
    }

    private static final class Variable {
        final String name;
        String value;
        final String file;
        final int line;

        Variable(String name, String value, String file, int line) {
            this.name = name;
            this.value = value;
            this.file = file;
            this.line = line;
        }
    }

    private static final class Category {
        final String name;
        boolean template;
        final List<Variable> variables = new ArrayList<>();

        Category(String name) {
            this.name = name;
        }
    }

    /** Line-reading state that Asterisk keeps per include statement (shared by glob matches). */
    private static final class ReadState {
        int lineNo;
        int commentDepth;
        final Deque<Integer> commentStarts = new ArrayDeque<>();
        Category category;
    }

    private static final class Loader {
        private static final int MAX_COMMENT_NESTING = 128;
        private static final int MAX_LINE_BYTES = 8190;

        private final Path includeDir;
        private final String mainName;
        private final List<Category> categories = new ArrayList<>();
        private final List<String> warnings = new ArrayList<>();
        private final Set<Path> filesRead = new LinkedHashSet<>();
        private final Deque<Path> readingStack = new ArrayDeque<>();
        private Category current;
        private int includeLevel;
        private Outcome mainOutcome = Outcome.READ;

        Loader(Path includeDir, String mainName) {
            this.includeDir = includeDir;
            this.mainName = mainName;
        }

        void warn(String where, int line, String message) {
            String text = line > 0 ? where + ":" + line + ": " + message : where + ": " + message;
            warnings.add(text);
            LOG.warn("{}", text);
        }

        void loadMain(byte[] bytes, String name, Path file) throws IOException {
            includeLevel = 1;
            if (file != null) {
                filesRead.add(file);
                readingStack.push(realPathOf(file));
            }
            ReadState state = new ReadState();
            mainOutcome = readLines(bytes, name, state);
            warnUnterminated(name, state);
            if (file != null) {
                readingStack.pop();
            }
        }

        AsteriskConfig finish(Path source, boolean exists) {
            if (mainOutcome == Outcome.INVALID) {
                warn(mainName, 0, "Asterisk rejects this file and uses its built-in defaults "
                        + "for every setting (lockmode=lockfile)");
                return new AsteriskConfig(source, exists, false, LockMode.LOCKFILE, false,
                        DEFAULT_SPOOL, DEFAULT_RUN, DEFAULT_ETC, new ArrayList<>(filesRead),
                        warnings);
            }
            LockMode mode = LockMode.LOCKFILE;
            boolean confDir = false;
            Category options = firstVisible("options");
            if (options != null) {
                for (Variable v : options.variables) {
                    if (asciiEqualsIgnoreCase(v.name, "lockmode")) {
                        mode = lockModeOf(v);
                    } else if (asciiEqualsIgnoreCase(v.name, "lockconfdir")) {
                        confDir = isTrue(v.value);
                    }
                }
            }
            String spool = DEFAULT_SPOOL;
            String run = DEFAULT_RUN;
            String etc = DEFAULT_ETC;
            Category dirs = firstVisible("directories");
            if (dirs != null) {
                for (Variable v : dirs.variables) {
                    if (asciiEqualsIgnoreCase(v.name, "astspooldir")) {
                        spool = directoryValue(v);
                    } else if (asciiEqualsIgnoreCase(v.name, "astrundir")) {
                        run = directoryValue(v);
                    } else if (asciiEqualsIgnoreCase(v.name, "astetcdir")) {
                        etc = directoryValue(v);
                    }
                }
            }
            List<Section> visible = new ArrayList<>();
            for (Category c : categories) {
                if (!c.template) {
                    List<java.util.Map.Entry<String, String>> entries = new ArrayList<>();
                    for (Variable v : c.variables) {
                        entries.add(java.util.Map.entry(v.name, v.value));
                    }
                    visible.add(new Section(c.name, entries));
                }
            }
            return new AsteriskConfig(source, exists, true, mode, confDir, spool, run, etc,
                    new ArrayList<>(filesRead), warnings, visible);
        }

        private LockMode lockModeOf(Variable v) {
            for (LockMode m : LockMode.values()) {
                if (m.isAsteriskMode() && asciiEqualsIgnoreCase(m.asteriskName(), v.value)) {
                    return m;
                }
            }
            warn(v.file, v.line, "'" + v.value + "' is not a valid setting for the lockmode "
                    + "option; Asterisk falls back to 'lockfile'");
            return LockMode.LOCKFILE;
        }

        private String directoryValue(Variable v) {
            if (v.value.isEmpty()) {
                warn(v.file, v.line, "[directories] " + v.name + " is empty");
            } else if (!v.value.startsWith("/")) {
                warn(v.file, v.line, "[directories] " + v.name + " = " + v.value + " is relative; "
                        + "Asterisk resolves it against its own working directory");
            }
            return v.value;
        }

        private Category firstVisible(String name) {
            for (Category c : categories) {
                if (!c.template && asciiEqualsIgnoreCase(c.name, name)) {
                    return c;
                }
            }
            return null;
        }

        // ---------------------------------------------------------------- includes

        /** Asterisk's depth-limited entry point for one include statement. */
        private Outcome include(String spec, String where, int line) throws IOException {
            if (includeLevel == MAX_INCLUDE_DEPTH + 1) {
                warn(where, line, "maximum include depth (" + MAX_INCLUDE_DEPTH
                        + ") exceeded; '" + spec + "' is not read");
                return Outcome.NOTHING;
            }
            includeLevel++;
            Outcome outcome = readPattern(spec, where, line);
            if (outcome != Outcome.INVALID) {
                // Asterisk does not undo the level after an invalid include; neither do we.
                includeLevel--;
            }
            return outcome;
        }

        private Outcome readPattern(String spec, String where, int line) throws IOException {
            String full = spec.startsWith("/") ? spec : includeDir + "/" + spec;
            List<String> candidates = Glob.expand(full);
            ReadState state = new ReadState();
            state.category = current;
            int count = 0;
            Outcome outcome = Outcome.READ;
            for (String candidate : candidates) {
                Path file = Path.of(candidate);
                BasicFileAttributes attrs;
                try {
                    attrs = Files.readAttributes(file, BasicFileAttributes.class);
                } catch (NoSuchFileException e) {
                    continue;
                } catch (IOException e) {
                    throw new IOException(file + ": cannot read (included from " + where + ":"
                            + line + "): " + e, e);
                }
                if (!attrs.isRegularFile()) {
                    warn(where, line, "'" + file + "' is not a regular file, ignoring");
                    continue;
                }
                Path real = realPathOf(file);
                if (readingStack.contains(real)) {
                    warn(where, line, "include cycle: '" + file + "' is already being read; "
                            + "skipped (Asterisk re-reads the cycle until its include depth "
                            + "limit, with the same resulting values)");
                    count++;
                    continue;
                }
                byte[] bytes = readFile(file, "included from " + where + ":" + line);
                count++;
                filesRead.add(file);
                readingStack.push(real);
                Outcome fileOutcome;
                try {
                    fileOutcome = readLines(bytes, file.toString(), state);
                } finally {
                    readingStack.pop();
                }
                warnUnterminated(file.toString(), state);
                if (fileOutcome == Outcome.INVALID) {
                    warn(file.toString(), 0, "reading of this included file stopped at the "
                            + "error above; the including file continues");
                    outcome = Outcome.INVALID;
                    break;
                }
            }
            return count == 0 ? Outcome.NOTHING : outcome;
        }

        private void warnUnterminated(String name, ReadState state) {
            if (state.commentDepth > 0) {
                warn(name, state.commentStarts.isEmpty() ? 0 : state.commentStarts.peek(),
                        "unterminated block comment ';--' (no matching '--;')");
            }
        }

        // ---------------------------------------------------------------- lines

        private Outcome readLines(byte[] bytes, String name, ReadState state) throws IOException {
            boolean latin1Warned = false;
            int pos = 0;
            while (pos < bytes.length) {
                int nl = indexOf(bytes, (byte) '\n', pos);
                int end = nl < 0 ? bytes.length : nl;
                int start = pos;
                pos = nl < 0 ? bytes.length : nl + 1;
                state.lineNo++;
                if (end - start > MAX_LINE_BYTES) {
                    warn(name, state.lineNo, "line too long (" + (end - start)
                            + " bytes), skipped as Asterisk skips it");
                    continue;
                }
                if (state.lineNo == 1 && end - start >= 3 && (bytes[start] & 0xff) == 0xEF
                        && (bytes[start + 1] & 0xff) == 0xBB && (bytes[start + 2] & 0xff) == 0xBF) {
                    start += 3;
                }
                int nul = indexOf(bytes, (byte) 0, start);
                if (nul >= 0 && nul < end) {
                    end = nul;
                }
                String raw;
                try {
                    raw = StandardCharsets.UTF_8.newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(bytes, start, end - start)).toString();
                } catch (CharacterCodingException e) {
                    raw = new String(bytes, start, end - start, StandardCharsets.ISO_8859_1);
                    if (!latin1Warned) {
                        warn(name, state.lineNo, "not valid UTF-8; such lines are read as "
                                + "ISO-8859-1");
                        latin1Warned = true;
                    }
                }
                String live = removeComments(raw, name, state);
                if (live == null) {
                    continue;
                }
                String text = strip(live);
                if (text.isEmpty()) {
                    continue;
                }
                if (!processLine(text, name, state)) {
                    return Outcome.INVALID;
                }
            }
            return Outcome.READ;
        }

        private static int indexOf(byte[] bytes, byte b, int from) {
            for (int i = from; i < bytes.length; i++) {
                if (bytes[i] == b) {
                    return i;
                }
            }
            return -1;
        }

        /**
         * Removes comments from one physical line and returns the text that remains to be
         * interpreted, or {@code null} when the whole line is inside a block comment. Updates
         * the block comment nesting depth in {@code state}.
         *
         * <p>Semicolons are examined left to right from a scan position. A semicolon right after
         * a backslash (within the scanned part) is literal and loses the backslash. {@code ;--}
         * not followed by a further {@code -} opens a block comment; a semicolon preceded by
         * {@code --} (within the scanned part) closes one. Any other semicolon ends the line when
         * no block comment is open and is ignored inside one. The text before an opening and
         * after the matching closing is joined.
         */
        private String removeComments(String line, String name, ReadState state) {
            StringBuilder text = new StringBuilder(line);
            boolean live = state.commentDepth == 0;
            int liveStart = 0;
            int liveEnd = -1;
            int scan = 0;
            while (true) {
                int semi = text.indexOf(";", scan);
                if (semi < 0) {
                    break;
                }
                if (semi > scan && text.charAt(semi - 1) == '\\') {
                    text.deleteCharAt(semi - 1);
                    scan = semi;
                } else if (charAt(text, semi + 1) == '-' && charAt(text, semi + 2) == '-'
                        && charAt(text, semi + 3) != '-') {
                    if (state.commentDepth < MAX_COMMENT_NESTING) {
                        if (live && liveEnd < 0) {
                            liveEnd = semi;
                        }
                        state.commentDepth++;
                        state.commentStarts.push(state.lineNo);
                        scan = semi + 3;
                    } else {
                        warn(name, state.lineNo, "block comments nested deeper than "
                                + MAX_COMMENT_NESTING + "; ';--' ignored");
                        scan = semi + 1;
                    }
                } else if (semi >= scan + 2 && text.charAt(semi - 1) == '-'
                        && text.charAt(semi - 2) == '-') {
                    state.commentDepth--;
                    if (!state.commentStarts.isEmpty()) {
                        state.commentStarts.pop();
                    }
                    scan = semi + 1;
                    if (state.commentDepth < 0) {
                        warn(name, state.lineNo, "'--;' without an open block comment; like "
                                + "Asterisk, the following lines are treated as commented out "
                                + "until the nesting balances again");
                    } else if (state.commentDepth == 0) {
                        if (live && liveEnd >= 0) {
                            text.delete(liveEnd, semi + 1);
                            scan = liveEnd;
                            liveEnd = -1;
                        } else if (!live) {
                            live = true;
                            liveStart = semi + 1;
                        }
                    }
                } else if (state.commentDepth == 0) {
                    if (live && liveEnd < 0) {
                        liveEnd = semi;
                    }
                    break;
                } else {
                    scan = semi + 1;
                }
            }
            if (!live) {
                return null;
            }
            return text.substring(liveStart, liveEnd < 0 ? text.length() : liveEnd);
        }

        private static char charAt(CharSequence s, int i) {
            return i < s.length() ? s.charAt(i) : '\0';
        }

        /** Interprets one stripped, non-empty line; {@code false} means a fatal syntax error. */
        private boolean processLine(String line, String name, ReadState state)
                throws IOException {
            char first = line.charAt(0);
            if (first == '[') {
                return processHeader(line, name, state);
            }
            if (first == '#') {
                return processDirective(line, name, state);
            }
            return processVariable(line, name, state);
        }

        private boolean processHeader(String line, String name, ReadState state) {
            int close = line.indexOf(']');
            if (close < 0) {
                warn(name, state.lineNo, "parse error: no closing ']'");
                return false;
            }
            String catName = line.substring(1, close);
            String options = null;
            if (close + 1 < line.length() && line.charAt(close + 1) == '(') {
                int paren = line.indexOf(')', close + 2);
                if (paren < 0) {
                    warn(name, state.lineNo, "parse error: no closing ')'");
                    return false;
                }
                options = line.substring(close + 2, paren);
            }
            Category created = new Category(catName);
            Category target = created;
            if (options != null) {
                for (String option : options.split(",", -1)) {
                    if (option.equals("!")) {
                        target.template = true;
                    } else if (option.startsWith("+")) {
                        Category existing = findForAppend(catName, option.substring(1), name,
                                state.lineNo);
                        if (existing == null) {
                            warn(name, state.lineNo, "category addition requested, but "
                                    + "category '" + catName + "' does not exist");
                            return false;
                        }
                        if (created != null) {
                            current = existing;
                            existing.template |= created.template;
                            existing.variables.addAll(created.variables);
                            created = null;
                        }
                        target = existing;
                    } else {
                        Category base = findAny(option);
                        if (base == null) {
                            warn(name, state.lineNo, "inheritance requested, but category '"
                                    + option + "' does not exist");
                            return false;
                        }
                        for (Variable v : List.copyOf(base.variables)) {
                            target.variables.add(new Variable(v.name, v.value, v.file, v.line));
                        }
                    }
                }
            }
            state.category = target;
            if (created != null) {
                categories.add(created);
                current = created;
            }
            return true;
        }

        /** First category of that name, template or not; an empty name matches any category. */
        private Category findAny(String catName) {
            for (Category c : categories) {
                if (catName.isEmpty() || asciiEqualsIgnoreCase(c.name, catName)) {
                    return c;
                }
            }
            return null;
        }

        /**
         * The category {@code [name](+filter)} appends to: the first category of that name that
         * passes the filter. Without a filter templates never match. A filter is a list of
         * {@code name-regex=value-regex} terms joined by {@code &}, each requiring a variable
         * whose name and value contain a match; {@code TEMPLATES=include} or
         * {@code TEMPLATES=restrict} admit templates.
         */
        private Category findForAppend(String catName, String filter, String where, int line) {
            for (Category c : categories) {
                if (asciiEqualsIgnoreCase(c.name, catName) && passes(c, filter, where, line)) {
                    return c;
                }
            }
            return null;
        }

        private boolean passes(Category c, String filter, String where, int line) {
            if (filter.isEmpty()) {
                return !c.template;
            }
            int terms = 0;
            int matched = 0;
            boolean templateOk = false;
            for (String term : filter.split("&", -1)) {
                terms++;
                int eq = term.indexOf('=');
                if (eq < 0) {
                    break;
                }
                String termName = strip(term.substring(0, eq));
                String termValue = strip(term.substring(eq + 1));
                if (termName.equals("TEMPLATES")) {
                    if (asciiEqualsIgnoreCase(termValue, "include")) {
                        templateOk |= c.template;
                        matched++;
                    } else if (asciiEqualsIgnoreCase(termValue, "restrict")) {
                        if (!c.template) {
                            break;
                        }
                        templateOk = true;
                        matched++;
                    }
                    continue;
                }
                Pattern namePattern;
                Pattern valuePattern;
                try {
                    namePattern = Pattern.compile(termName);
                    valuePattern = Pattern.compile(termValue);
                } catch (PatternSyntaxException e) {
                    warn(where, line, "category filter '" + term + "' is not a valid regular "
                            + "expression");
                    return false;
                }
                for (Variable v : c.variables) {
                    if (namePattern.matcher(v.name).find() && valuePattern.matcher(v.value).find()) {
                        matched++;
                        break;
                    }
                }
            }
            return matched == terms && (!c.template || templateOk);
        }

        private boolean processDirective(String line, String name, ReadState state)
                throws IOException {
            int i = 1;
            while (i < line.length() && line.charAt(i) > 32) {
                i++;
            }
            String directive = line.substring(1, i);
            String arg = i < line.length() ? strip(line.substring(i + 1)) : "";
            boolean tryOnly;
            if (asciiEqualsIgnoreCase(directive, "include")) {
                tryOnly = false;
            } else if (asciiEqualsIgnoreCase(directive, "tryinclude")) {
                tryOnly = true;
            } else if (asciiEqualsIgnoreCase(directive, "exec")) {
                warn(name, state.lineNo, "#exec is not run and its output is not read (Asterisk "
                        + "runs it only when started with -X/execincludes)");
                return true;
            } else {
                warn(name, state.lineNo, "unknown directive '#" + directive + "', ignored");
                return true;
            }
            if (arg.isEmpty()) {
                warn(name, state.lineNo, "directive '#" + directive + "' needs a file name, "
                        + "ignored");
                return true;
            }
            arg = dequote(arg);
            Outcome outcome = include(arg, name, state.lineNo);
            if (outcome == Outcome.NOTHING) {
                if (tryOnly) {
                    LOG.debug("{}:{}: #tryinclude '{}': no such file", name, state.lineNo, arg);
                } else {
                    warn(name, state.lineNo, "the file '" + arg + "' was listed as a #include "
                            + "but it does not exist");
                    return false;
                }
            }
            return true;
        }

        private static String dequote(String arg) {
            char open = arg.charAt(0);
            char close = open == '<' ? '>' : open;
            if ((open == '"' || open == '<') && arg.charAt(arg.length() - 1) == close) {
                return arg.length() >= 2 ? arg.substring(1, arg.length() - 1) : "";
            }
            return arg;
        }

        private boolean processVariable(String line, String name, ReadState state) {
            Category cat = state.category;
            if (cat == null) {
                warn(name, state.lineNo, "parse error: no category context for this line");
                return false;
            }
            String body = line;
            int from = 0;
            if (line.charAt(0) == '\\') {
                body = line.substring(1);
                if (body.isEmpty() || body.charAt(0) < 33) {
                    warn(name, state.lineNo, "parse error: invalid escape");
                    return false;
                }
                from = 1;
            }
            int eq = body.indexOf('=', from);
            if (eq < 0) {
                warn(name, state.lineNo, "no '=' (equal sign) in line, ignored");
                return true;
            }
            if (eq > from && body.charAt(eq - 1) == '+') {
                String key = strip(body.substring(0, eq - 1));
                String more = body.substring(eq + 1);
                Variable last = null;
                for (Variable v : cat.variables) {
                    if (v.name.equals(key)) {
                        last = v;
                    }
                }
                if (last != null) {
                    appendValue(cat, last, strip(last.value + more));
                    return true;
                }
                return addVariable(cat, key, strip(more), name, state.lineNo);
            }
            String key = strip(body.substring(0, eq));
            String rest = body.substring(eq + 1);
            if (rest.startsWith(">")) {
                rest = rest.substring(1);
            }
            return addVariable(cat, key, strip(rest), name, state.lineNo);
        }

        private boolean addVariable(Category cat, String key, String value, String name,
                int line) {
            if (key.isEmpty()) {
                warn(name, line, "no variable name in line, ignored");
                return true;
            }
            cat.variables.add(new Variable(key, value, name, line));
            return true;
        }

        /** {@code +=}: rewrites the last same-named variable holding the old value. */
        private static void appendValue(Category cat, Variable appendedTo, String newValue) {
            Variable target = null;
            for (Variable v : cat.variables) {
                if (asciiEqualsIgnoreCase(v.name, appendedTo.name) && (appendedTo.value.isEmpty()
                        || asciiEqualsIgnoreCase(v.value, appendedTo.value))) {
                    target = v;
                }
            }
            if (target != null) {
                target.value = newValue;
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // Glob expansion for #include, with the rules of glob(3) as Asterisk calls it
    // ------------------------------------------------------------------------------------------

    /**
     * Expands an include pattern. Braces {@code {a,b}} are expanded first, each alternative in
     * turn. An alternative without wildcards is returned as it is, whether or not it exists; one
     * with wildcards yields the existing paths that match, sorted by code point. {@code *} and
     * {@code ?} never match a {@code /} or a leading dot.
     */
    static final class Glob {
        private Glob() {
        }

        static List<String> expand(String pattern) {
            List<String> out = new ArrayList<>();
            for (String alternative : expandBraces(pattern)) {
                if (!hasWildcard(alternative)) {
                    out.add(alternative);
                    continue;
                }
                List<String> matches = new ArrayList<>();
                walk(alternative.startsWith("/") ? "/" : "", alternative.split("/"), 0, matches);
                matches.sort(Glob::compareCodePoints);
                out.addAll(matches);
            }
            return out;
        }

        private static void walk(String prefix, String[] parts, int index, List<String> out) {
            if (index == parts.length) {
                if (Files.exists(Path.of(prefix.isEmpty() ? "." : prefix),
                        LinkOption.NOFOLLOW_LINKS)) {
                    out.add(prefix);
                }
                return;
            }
            String part = parts[index];
            if (part.isEmpty()) {
                walk(prefix, parts, index + 1, out);
                return;
            }
            String joined = prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/";
            if (!hasWildcard(part)) {
                walk(joined + unescape(part), parts, index + 1, out);
                return;
            }
            Path dir = Path.of(prefix.isEmpty() ? "." : prefix);
            if (!Files.isDirectory(dir)) {
                return;
            }
            List<String> names = new ArrayList<>();
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                for (Path entry : entries) {
                    String entryName = entry.getFileName().toString();
                    if (matches(part, 0, entryName, 0)) {
                        names.add(entryName);
                    }
                }
            } catch (IOException e) {
                return;
            }
            for (String entryName : names) {
                walk(joined + entryName, parts, index + 1, out);
            }
        }

        static boolean hasWildcard(String s) {
            boolean open = false;
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '\\') {
                    i++;
                } else if (c == '*' || c == '?') {
                    return true;
                } else if (c == '[') {
                    open = true;
                } else if (c == ']' && open) {
                    return true;
                }
            }
            return false;
        }

        private static String unescape(String s) {
            StringBuilder sb = new StringBuilder(s.length());
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '\\' && i + 1 < s.length()) {
                    c = s.charAt(++i);
                }
                sb.append(c);
            }
            return sb.toString();
        }

        /** Matches one path component; {@code p} and {@code n} are positions in each. */
        static boolean matches(String pat, int p, String name, int n) {
            if (n == 0 && !name.isEmpty() && name.charAt(0) == '.'
                    && (pat.isEmpty() || pat.charAt(0) != '.')) {
                return false;
            }
            return matchFrom(pat, p, name, n);
        }

        private static boolean matchFrom(String pat, int p, String name, int n) {
            while (p < pat.length()) {
                char c = pat.charAt(p);
                if (c == '*') {
                    while (p < pat.length() && pat.charAt(p) == '*') {
                        p++;
                    }
                    if (p == pat.length()) {
                        return true;
                    }
                    for (int k = n; k <= name.length(); k++) {
                        if (matchFrom(pat, p, name, k)) {
                            return true;
                        }
                    }
                    return false;
                }
                if (n >= name.length()) {
                    return false;
                }
                if (c == '?') {
                    p++;
                    n++;
                } else if (c == '[') {
                    int end = classEnd(pat, p);
                    if (end < 0) {
                        if (name.charAt(n) != '[') {
                            return false;
                        }
                        p++;
                        n++;
                    } else {
                        if (!classMatches(pat, p + 1, end, name.charAt(n))) {
                            return false;
                        }
                        p = end + 1;
                        n++;
                    }
                } else {
                    if (c == '\\' && p + 1 < pat.length()) {
                        c = pat.charAt(++p);
                    }
                    if (name.charAt(n) != c) {
                        return false;
                    }
                    p++;
                    n++;
                }
            }
            return n == name.length();
        }

        /** Index of the {@code ]} closing the class opened at {@code open}, or -1. */
        private static int classEnd(String pat, int open) {
            int i = open + 1;
            if (i < pat.length() && (pat.charAt(i) == '!' || pat.charAt(i) == '^')) {
                i++;
            }
            if (i < pat.length() && pat.charAt(i) == ']') {
                i++;
            }
            while (i < pat.length() && pat.charAt(i) != ']') {
                i++;
            }
            return i < pat.length() ? i : -1;
        }

        private static boolean classMatches(String pat, int from, int end, char c) {
            boolean negate = pat.charAt(from) == '!' || pat.charAt(from) == '^';
            int i = negate ? from + 1 : from;
            boolean found = false;
            boolean firstChar = true;
            while (i < end) {
                char lo = pat.charAt(i);
                if (lo == ']' && !firstChar) {
                    break;
                }
                firstChar = false;
                if (i + 2 < end && pat.charAt(i + 1) == '-') {
                    char hi = pat.charAt(i + 2);
                    if (c >= lo && c <= hi) {
                        found = true;
                    }
                    i += 3;
                } else {
                    if (c == lo) {
                        found = true;
                    }
                    i++;
                }
            }
            return found != negate;
        }

        /** Expands the first brace group that has a matching close, recursively. */
        static List<String> expandBraces(String s) {
            int open = -1;
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '\\') {
                    i++;
                } else if (c == '{') {
                    open = i;
                    break;
                }
            }
            if (open < 0) {
                return List.of(s);
            }
            int depth = 0;
            int close = -1;
            List<Integer> commas = new ArrayList<>();
            for (int i = open; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '\\') {
                    i++;
                } else if (c == '{') {
                    depth++;
                } else if (c == '}') {
                    depth--;
                    if (depth == 0) {
                        close = i;
                        break;
                    }
                } else if (c == ',' && depth == 1) {
                    commas.add(i);
                }
            }
            if (close < 0) {
                return List.of(s);
            }
            String head = s.substring(0, open);
            String tail = s.substring(close + 1);
            List<String> out = new ArrayList<>();
            int start = open + 1;
            commas.add(close);
            for (int comma : commas) {
                out.addAll(expandBraces(head + s.substring(start, comma) + tail));
                start = comma + 1;
            }
            return Collections.unmodifiableList(out);
        }

        private static int compareCodePoints(String a, String b) {
            int i = 0;
            int j = 0;
            while (i < a.length() && j < b.length()) {
                int ca = a.codePointAt(i);
                int cb = b.codePointAt(j);
                if (ca != cb) {
                    return Integer.compare(ca, cb);
                }
                i += Character.charCount(ca);
                j += Character.charCount(cb);
            }
            return Integer.compare(a.length() - i, b.length() - j);
        }
    }
}
