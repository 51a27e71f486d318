package io.github.astlock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tests for {@link AsteriskConfig}. Rule names (CF-*, VL-*) refer to ASTERISK-LOCKING.md.
 * Sample files live in {@code src/test/resources/asterisk-conf/}.
 */
class AsteriskConfigTest {

    @TempDir
    Path tmp;

    private static Path sample(String name) {
        URL url = AsteriskConfigTest.class.getResource("/asterisk-conf/" + name);
        if (url == null) {
            throw new IllegalStateException("missing test resource asterisk-conf/" + name);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static AsteriskConfig load(String name) throws IOException {
        return AsteriskConfig.load(sample(name));
    }

    private static AsteriskConfig parse(String text) throws IOException {
        return AsteriskConfig.parse(text, Path.of("/nonexistent-include-dir"));
    }

    private static boolean anyWarningContains(AsteriskConfig cfg, String fragment) {
        return cfg.warnings().stream().anyMatch(w -> w.contains(fragment));
    }

    // ------------------------------------------------------------------ defaults, CF-1, CF-2

    @Test
    void defaultsAreAsterisksBuiltInValues() {
        AsteriskConfig cfg = AsteriskConfig.defaults();
        assertEquals(LockMode.LOCKFILE, cfg.lockMode());
        assertFalse(cfg.lockConfDir());
        assertEquals(Path.of("/var/spool/asterisk"), cfg.spoolDir());
        assertEquals(Path.of("/var/run/asterisk"), cfg.runDir());
        assertEquals(Path.of("/etc/asterisk"), cfg.etcDir());
        assertEquals(Path.of("/var/run/asterisk/asterisk.pid"), cfg.pidFile());
        assertEquals(Path.of("/var/spool/asterisk/voicemail"), cfg.voicemailRoot());
        assertEquals(Optional.empty(), cfg.source());
        assertFalse(cfg.exists());
        assertTrue(cfg.valid());
        assertTrue(cfg.warnings().isEmpty());
        assertTrue(cfg.files().isEmpty());
        assertEquals(Path.of("/etc/asterisk/asterisk.conf"), AsteriskConfig.DEFAULT_LOCATION);
    }

    @Test
    void missingFileYieldsDefaultsAndIsNotAnError() throws IOException {
        Path absent = tmp.resolve("asterisk.conf");
        AsteriskConfig cfg = AsteriskConfig.load(absent);
        assertFalse(cfg.exists());
        assertTrue(cfg.valid());
        assertEquals(Optional.of(absent), cfg.source());
        assertEquals(LockMode.LOCKFILE, cfg.lockMode());
        assertEquals(Path.of("/var/spool/asterisk"), cfg.spoolDir());
        assertTrue(cfg.files().isEmpty());
        assertTrue(cfg.warnings().isEmpty());
    }

    @Test
    void directoryInsteadOfFileThrowsNamingThePath() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("asterisk.conf"));
        IOException e = assertThrows(IOException.class, () -> AsteriskConfig.load(dir));
        assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
    }

    @Test
    void unreadableFileThrowsNamingThePath() throws IOException {
        Path file = Files.writeString(tmp.resolve("asterisk.conf"), "[options]\nlockmode=flock\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));
        assumeFalse(Files.isReadable(file), "permissions are not enforced for this user (root?)");
        IOException e = assertThrows(IOException.class, () -> AsteriskConfig.load(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    // ------------------------------------------------------------------ CF-3, CF-4 lock mode

    @Test
    void shippedSampleIgnoresTemplateDirectoriesAndDefaultsToLockfile() throws IOException {
        AsteriskConfig cfg = load("sample.conf");
        assertTrue(cfg.exists());
        assertTrue(cfg.valid());
        assertEquals(LockMode.LOCKFILE, cfg.lockMode());
        assertFalse(cfg.lockConfDir());
        // [directories](!) sets /opt/pbx/... but is a template, so the defaults apply
        assertEquals(Path.of("/var/spool/asterisk"), cfg.spoolDir());
        assertEquals(Path.of("/var/run/asterisk"), cfg.runDir());
        assertEquals(Path.of("/etc/asterisk"), cfg.etcDir());
        assertEquals(List.of(sample("sample.conf")), cfg.files());
        assertEquals(Optional.of(sample("sample.conf")), cfg.source());
        assertTrue(cfg.warnings().isEmpty(), cfg.warnings().toString());
    }

    @Test
    void upperCaseNamesArrowSyntaxAndUpperCaseFlock() throws IOException {
        AsteriskConfig cfg = load("flock-upper.conf");
        assertEquals(LockMode.FLOCK, cfg.lockMode());
        assertTrue(cfg.lockConfDir());
        assertTrue(cfg.warnings().isEmpty(), cfg.warnings().toString());
    }

    @Test
    void invalidValueAfterFlockMeansLockfileWithWarning() throws IOException {
        AsteriskConfig cfg = load("invalid-after-flock.conf");
        assertEquals(LockMode.LOCKFILE, cfg.lockMode());
        assertTrue(cfg.lockConfDir());
        assertTrue(cfg.valid());
        assertEquals(1, cfg.warnings().size(), cfg.warnings().toString());
        assertTrue(anyWarningContains(cfg, "'flock2'"), cfg.warnings().toString());
        assertTrue(anyWarningContains(cfg, "invalid-after-flock.conf:5"),
                cfg.warnings().toString());
    }

    @Test
    void lastValidLineWins() throws IOException {
        AsteriskConfig cfg = parse("[options]\nlockmode=flock\nlockmode=lockfile\n"
                + "[directories]\nastspooldir=/a\nastspooldir=/b\n");
        assertEquals(LockMode.LOCKFILE, cfg.lockMode());
        assertEquals(Path.of("/b"), cfg.spoolDir());
        AsteriskConfig cfg2 = parse("[options]\nlockmode=lockfile\nlockmode=flock\n");
        assertEquals(LockMode.FLOCK, cfg2.lockMode());
    }

    @Test
    void onlyTheFirstOptionsSectionCounts() throws IOException {
        AsteriskConfig cfg = load("two-options.conf");
        assertEquals(LockMode.LOCKFILE, cfg.lockMode());
        assertFalse(cfg.lockConfDir());
        assertEquals(Path.of("/srv/spool"), cfg.spoolDir()); // trailing slash is harmless
        assertEquals(Path.of("/srv/run/asterisk.pid"), cfg.pidFile());
        assertEquals(Path.of("/srv/spool/voicemail"), cfg.voicemailRoot());
    }

    @Test
    void valueComparisonFoldsAsciiOnlyLikeStrcasecmp() throws IOException {
        // U+212A KELVIN SIGN lower-cases to 'k' in Java, but Asterisk's strcasecmp rejects it
        AsteriskConfig cfg = parse("[options]\nlockmode = floc\u212A\n");
        assertEquals(LockMode.LOCKFILE, cfg.lockMode());
        assertEquals(1, cfg.warnings().size(), cfg.warnings().toString());
        // the same goes for section names
        assertEquals(LockMode.LOCKFILE, parse("[optionſ]\nlockmode = flock\n").lockMode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "\"flock\"", "yes", "flock lockfile"})
    void anyOtherValueSelectsLockfileAndWarns(String value) throws IOException {
        AsteriskConfig cfg = parse("[options]\nlockmode = flock\nlockmode = " + value + "\n");
        assertEquals(LockMode.LOCKFILE, cfg.lockMode());
        assertTrue(anyWarningContains(cfg, "'" + value + "' is not a valid setting"),
                cfg.warnings().toString());
    }

    // ------------------------------------------------------------------ CF-6 lockconfdir

    @ParameterizedTest
    @CsvSource({"yes,true", "YES,true", "True,true", "y,true", "T,true", "1,true", "On,true",
        "no,false", "0,false", "enabled,false", "yes please,false", "2,false", "off,false"})
    void lockConfDirFollowsAstTrue(String value, boolean expected) throws IOException {
        assertEquals(expected, parse("[options]\nlockconfdir = " + value + "\n").lockConfDir());
    }

    // ------------------------------------------------------------------ comments

    @Test
    void lineCommentsAndEscapedSemicolons() throws IOException {
        AsteriskConfig cfg = load("comments.conf");
        assertEquals(LockMode.FLOCK, cfg.lockMode());
        assertTrue(cfg.lockConfDir());
        assertEquals(Path.of("/srv/voice;mail"), cfg.spoolDir());
        assertEquals(Path.of("/srv/run"), cfg.runDir());
        assertTrue(cfg.warnings().isEmpty(), cfg.warnings().toString());
    }

    @Test
    void blockCommentsSpanLinesNestAndJoinInlineText() throws IOException {
        AsteriskConfig cfg = load("block-comments.conf");
        assertEquals(LockMode.FLOCK, cfg.lockMode());
        assertTrue(cfg.lockConfDir(), "text after an inline --; must be kept");
        assertEquals(Path.of("/srv/spool"), cfg.spoolDir());
        assertEquals(Path.of("/var/run/asterisk"), cfg.runDir());
        assertTrue(cfg.warnings().isEmpty(), cfg.warnings().toString());
    }

    @Test
    void unterminatedBlockCommentIsReported() throws IOException {
        AsteriskConfig cfg = parse("[options]\nlockmode = flock\n;-- never closed\n"
                + "lockmode = lockfile\n");
        assertEquals(LockMode.FLOCK, cfg.lockMode());
        assertTrue(anyWarningContains(cfg, "unterminated block comment"),
                cfg.warnings().toString());
    }

    @Test
    void strayBlockCommentEndSwallowsFollowingLinesAsInAsterisk() throws IOException {
        AsteriskConfig cfg = parse("[options]\nfoo = bar--;\nlockmode = flock\n");
        assertEquals(LockMode.LOCKFILE, cfg.lockMode());
        assertTrue(anyWarningContains(cfg, "'--;' without an open block comment"),
                cfg.warnings().toString());
    }

    // ------------------------------------------------------------------ line endings, BOM

    @Test
    void crlfLineEndingsAreTransparent() throws IOException {
        byte[] raw = Files.readAllBytes(sample("crlf.conf"));
        assertTrue(new String(raw, StandardCharsets.ISO_8859_1).contains("\r\n"),
                "precondition: crlf.conf must keep its CRLF line endings");
        AsteriskConfig cfg = load("crlf.conf");
        assertEquals(LockMode.FLOCK, cfg.lockMode());
        assertTrue(cfg.lockConfDir());
        assertEquals(Path.of("/srv/crlf/spool"), cfg.spoolDir());
        assertEquals(Path.of("/srv/crlf/run"), cfg.runDir());
        assertTrue(cfg.warnings().isEmpty(), cfg.warnings().toString());
    }

    @Test
    void utf8ByteOrderMarkAtFileStartIsSkipped() throws IOException {
        byte[] raw = Files.readAllBytes(sample("bom.conf"));
        assertEquals(0xEF, raw[0] & 0xff, "precondition: bom.conf must start with a BOM");
        AsteriskConfig cfg = load("bom.conf");
        assertEquals(LockMode.FLOCK, cfg.lockMode());
        assertTrue(cfg.valid());
    }

    @Test
    void loneCarriageReturnsDoNotEndLines() throws IOException {
        // Asterisk splits lines at LF only: this is one line, a header followed by junk
        AsteriskConfig cfg = parse("[options]\rlockmode = flock\r");
        assertEquals(LockMode.LOCKFILE, cfg.lockMode());
        assertTrue(cfg.valid());
    }

    // ------------------------------------------------------------------ includes

    @Test
    void includesAreReadAndListedForModificationChecks() throws IOException {
        AsteriskConfig cfg = load("include-main.conf");
        assertTrue(cfg.valid());
        assertEquals(LockMode.FLOCK, cfg.lockMode());
        assertTrue(cfg.lockConfDir(), "after #include the including file's section continues");
        assertEquals(Path.of("/srv/inc/spool"), cfg.spoolDir());
        assertEquals(Path.of("/srv/inc/run"), cfg.runDir());
        assertEquals(Path.of("/srv/inc/etc"), cfg.etcDir());
        assertEquals(List.of(sample("include-main.conf"), sample("include-dirs.conf"),
                sample("include-opts.conf")), cfg.files());
        assertTrue(cfg.warnings().isEmpty(), cfg.warnings().toString());
    }

    @Test
    void includeCycleTerminatesWithWarning() throws IOException {
        AsteriskConfig cfg = load("cycle-a.conf");
        assertTrue(cfg.valid());
        assertEquals(LockMode.FLOCK, cfg.lockMode());
        assertTrue(cfg.lockConfDir());
        assertEquals(Path.of("/srv/cycle"), cfg.spoolDir());
        assertEquals(List.of(sample("cycle-a.conf"), sample("cycle-b.conf")), cfg.files());
        assertTrue(anyWarningContains(cfg, "include cycle"), cfg.warnings().toString());
    }

    @Test
    void selfIncludeTerminates() throws IOException {
        Path file = Files.writeString(tmp.resolve("asterisk.conf"),
                "[options]\nlockmode = flock\n#include asterisk.conf\n");
        AsteriskConfig cfg = AsteriskConfig.load(file);
        assertEquals(LockMode.FLOCK, cfg.lockMode());
        assertTrue(anyWarningContains(cfg, "include cycle"), cfg.warnings().toString());
    }

    @Test
    void missingIncludeMakesAsteriskIgnoreTheWholeFile() throws IOException {
        AsteriskConfig cfg = load("missing-include.conf");
        assertFalse(cfg.valid());
        assertTrue(cfg.exists());
        assertEquals(LockMode.LOCKFILE, cfg.lockMode(), "file sets flock but is rejected");
        assertEquals(Path.of("/var/spool/asterisk"), cfg.spoolDir());
        assertTrue(anyWarningContains(cfg, "does-not-exist.conf"), cfg.warnings().toString());
        assertTrue(anyWarningContains(cfg, "built-in defaults"), cfg.warnings().toString());
    }

    @Test
    void missingTryIncludeIsSilent() throws IOException {
        AsteriskConfig cfg = load("tryinclude.conf");
        assertTrue(cfg.valid());
        assertEquals(LockMode.FLOCK, cfg.lockMode());
        assertEquals(Path.of("/srv/inc/spool"), cfg.spoolDir());
        assertTrue(cfg.warnings().isEmpty(), cfg.warnings().toString());
        assertEquals(List.of(sample("tryinclude.conf"), sample("include-dirs.conf")),
                cfg.files());
    }

    @Test
    void globIncludeReadsMatchesInSortedOrderAgainstTheIncludeDirectory() throws IOException {
        AsteriskConfig cfg = load("glob-main.conf");
        assertTrue(cfg.valid(), cfg.warnings().toString());
        assertEquals(LockMode.FLOCK, cfg.lockMode(), "20-mode.conf is read after 10-mode.conf");
        // conf.d/30-nested.conf includes nested-target.conf, found next to glob-main.conf
        assertEquals(Path.of("/srv/nested"), cfg.spoolDir());
        assertEquals(5, cfg.files().size(), cfg.files().toString());
        assertEquals(sample("nested-target.conf"), cfg.files().get(4));
    }

    @Test
    void execIsNeverRunButWarned() throws IOException {
        AsteriskConfig cfg = load("exec.conf");
        assertEquals(LockMode.FLOCK, cfg.lockMode());
        assertTrue(anyWarningContains(cfg, "#exec"), cfg.warnings().toString());
    }

    @Test
    void includeNestingBeyondAsterisksLimitIsRefused() throws IOException {
        assertEquals(LockMode.FLOCK, includeChain(AsteriskConfig.MAX_INCLUDE_DEPTH).lockMode());
        AsteriskConfig tooDeep = includeChain(AsteriskConfig.MAX_INCLUDE_DEPTH + 1);
        assertEquals(LockMode.LOCKFILE, tooDeep.lockMode());
        assertTrue(tooDeep.valid(), "only the innermost included file is rejected");
        assertTrue(anyWarningContains(tooDeep, "maximum include depth"),
                tooDeep.warnings().toString());
    }

    private AsteriskConfig includeChain(int depth) throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("chain" + depth));
        Files.writeString(dir.resolve("asterisk.conf"), "[options]\n#include f1.conf\n");
        for (int i = 1; i < depth; i++) {
            Files.writeString(dir.resolve("f" + i + ".conf"), "#include f" + (i + 1) + ".conf\n");
        }
        Files.writeString(dir.resolve("f" + depth + ".conf"), "lockmode = flock\n");
        return AsteriskConfig.load(dir.resolve("asterisk.conf"));
    }

    @Test
    void parseErrorInsideAnIncludedFileOnlyStopsThatFile() throws IOException {
        Files.writeString(tmp.resolve("broken.conf"), "lockconfdir = yes\n[unclosed\n"
                + "lockmode = lockfile\n");
        Path main = Files.writeString(tmp.resolve("asterisk.conf"),
                "[options]\nlockmode = flock\n#include broken.conf\n");
        AsteriskConfig cfg = AsteriskConfig.load(main);
        assertTrue(cfg.valid());
        assertEquals(LockMode.FLOCK, cfg.lockMode());
        assertTrue(cfg.lockConfDir(), "lines before the error are kept");
        assertTrue(anyWarningContains(cfg, "no closing ']'"), cfg.warnings().toString());
    }

    // ------------------------------------------------------------------ categories

    @Test
    void templatesAreInvisibleAndInheritedInOrder() throws IOException {
        AsteriskConfig cfg = load("templates.conf");
        assertTrue(cfg.valid(), cfg.warnings().toString());
        assertEquals(LockMode.FLOCK, cfg.lockMode(), "inherited from [lockbase](!)");
        assertFalse(cfg.lockConfDir(), "own line after the inherited one wins");
        assertEquals(Path.of("/srv/tmpl/spool"), cfg.spoolDir());
        assertEquals(Path.of("/srv/tmpl/run2"), cfg.runDir(), "later template wins");
        assertEquals(Path.of("/srv/tmpl/etc"), cfg.etcDir());
    }

    @Test
    void appendAddsToTheFirstCategoryOfThatName() throws IOException {
        AsteriskConfig cfg = load("append.conf");
        assertTrue(cfg.valid(), cfg.warnings().toString());
        assertEquals(LockMode.FLOCK, cfg.lockMode());
        assertEquals(Path.of("/srv/appended"), cfg.spoolDir());
    }

    @Test
    void headerOptionsMustFollowTheBracketImmediately() throws IOException {
        // "[directories] (!)" is not a template: the text after ']' is ignored
        AsteriskConfig cfg = parse("[directories] (!)\nastspooldir = /srv/visible\n");
        assertEquals(Path.of("/srv/visible"), cfg.spoolDir());
        AsteriskConfig tmpl = parse("[directories](!)\nastspooldir = /srv/hidden\n");
        assertEquals(Path.of("/var/spool/asterisk"), tmpl.spoolDir());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "lockmode = flock\n[options]\n",                     // no category context
        "[options\nlockmode = flock\n",                      // no closing ']'
        "[options](!\nlockmode = flock\n",                   // no closing ')'
        "[options](nosuchtemplate)\nlockmode = flock\n",     // unknown template
        "[options](+)\nlockmode = flock\n",                  // (+) without a category
        "[t](!)\n[options](!, t)\nlockmode = flock\n",       // " t" is not trimmed
        "[options]\nlockmode = flock\n\\ x = 1\n",           // invalid escape
    })
    void syntaxErrorsInTheMainFileMakeAsteriskUseDefaults(String text) throws IOException {
        AsteriskConfig cfg = parse(text);
        assertFalse(cfg.valid());
        assertEquals(LockMode.LOCKFILE, cfg.lockMode());
        assertTrue(anyWarningContains(cfg, "built-in defaults"), cfg.warnings().toString());
    }

    @Test
    void harmlessOddLinesAreSkippedWithWarnings() throws IOException {
        AsteriskConfig cfg = parse("[options]\njust some words\n= novalue\n#frobnicate x\n"
                + "#include\nlockmode => flock\n");
        assertTrue(cfg.valid());
        assertEquals(LockMode.FLOCK, cfg.lockMode());
        assertEquals(4, cfg.warnings().size(), cfg.warnings().toString());
    }

    @Test
    void plusEqualsAppendsToTheLastValue() throws IOException {
        AsteriskConfig cfg = parse("[directories]\nastspooldir = /srv\nastspooldir +=/spool\n");
        assertEquals(Path.of("/srv/spool"), cfg.spoolDir());
    }

    @Test
    void relativeOrEmptyDirectoryValuesAreKeptButWarned() throws IOException {
        AsteriskConfig cfg = parse("[directories]\nastspooldir = spool\nastrundir =\n");
        assertEquals(Path.of("spool"), cfg.spoolDir());
        assertEquals(Path.of("spool/voicemail"), cfg.voicemailRoot());
        assertEquals(Path.of("/asterisk.pid"), cfg.pidFile(), "Asterisk writes <empty>/asterisk.pid");
        assertEquals(2, cfg.warnings().size(), cfg.warnings().toString());
    }

    // ------------------------------------------------------------------ VL-1, VL-2

    @ParameterizedTest
    @CsvSource({"inbox,INBOX", "INBOX,INBOX", "old,Old", "OLD,Old", "work,Work",
        "family,Family", "FRIENDS,Friends", "cust1,Cust1", "CUST5,Cust5", "deleted,Deleted",
        "uRgEnT,Urgent", "MyFolder,MyFolder", "inbox2,inbox2"})
    void voicemailFolderUsesCanonicalSpellingOfStandardFolders(String given, String onDisk)
            throws IOException {
        AsteriskConfig cfg = parse("[directories]\nastspooldir = /srv/spool/\n");
        assertEquals(Path.of("/srv/spool/voicemail/default/1234/" + onDisk),
                cfg.voicemailFolder("default", "1234", given));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "..", "a/b", "/abs", "nul\0byte"})
    void voicemailFolderRejectsUnsafeComponentsNamingTheArgument(String bad) {
        AsteriskConfig cfg = AsteriskConfig.defaults();
        IllegalArgumentException c = assertThrows(IllegalArgumentException.class,
                () -> cfg.voicemailFolder(bad, "1234", "INBOX"));
        assertTrue(c.getMessage().startsWith("context"), c.getMessage());
        IllegalArgumentException m = assertThrows(IllegalArgumentException.class,
                () -> cfg.voicemailFolder("default", bad, "INBOX"));
        assertTrue(m.getMessage().startsWith("mailbox"), m.getMessage());
        IllegalArgumentException f = assertThrows(IllegalArgumentException.class,
                () -> cfg.voicemailFolder("default", "1234", bad));
        assertTrue(f.getMessage().startsWith("folder"), f.getMessage());
    }

    @Test
    void voicemailFolderRejectsNull() {
        AsteriskConfig cfg = AsteriskConfig.defaults();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> cfg.voicemailFolder("default", null, "INBOX"));
        assertTrue(e.getMessage().startsWith("mailbox"), e.getMessage());
    }

    // ------------------------------------------------------------------ object contract

    @Test
    void resultIsImmutableAndDescribesItself() throws IOException {
        AsteriskConfig cfg = load("invalid-after-flock.conf");
        assertThrows(UnsupportedOperationException.class, () -> cfg.warnings().add("x"));
        assertThrows(UnsupportedOperationException.class, () -> cfg.files().clear());
        String s = cfg.toString();
        assertTrue(s.contains("lockMode=lockfile"), s);
        assertTrue(s.contains("invalid-after-flock.conf"), s);
        assertTrue(s.contains("warnings=1"), s);
    }
}
