package io.github.astlock.cli;

import io.github.astlock.LeftoverFile;
import io.github.astlock.LockException;
import io.github.astlock.LockHolder;
import io.github.astlock.LockOptions;
import io.github.astlock.LockOwner;
import io.github.astlock.LockPathException;
import io.github.astlock.LockStatus;
import io.github.astlock.PathLocker;
import io.github.astlock.LockMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code astlock status}: whether each directory's locks are free or held, by whom and for how
 * long, from {@link PathLocker#status(Path)}. Both modes are inspected ({@code .lock} and a
 * {@code flock(2)} on {@code lock}), whatever Asterisk's mode.
 */
@Command(name = "status", sortOptions = false, mixinStandardHelpOptions = true, versionProvider = AstlockCli.Version.class,
        header = "Show who holds folders' locks.",
        description = {"Shows whether each DIR is locked in either mode (.lock, or flock(2) on lock), by whom and for"
            + " how long, and leftover temporary lock files. Takes no lock.%n"},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
            "0:every DIR is free",
            "1:some DIR is held",
            "69:some DIR's lock file is unusable (lock is a symbolic link, not a regular file, or hard-linked)",
            "64:usage error",
            "73:some DIR is missing or not a directory (the others are still reported)",
            "74:some DIR could not be inspected"},
        footer = {"%nJSON (--json): an array with one object per DIR:",
            "  {\"directory\", \"held\", \"problem\": \"...\"|null, \"lockfile\": HOLDER|null, \"flock\": HOLDER|null,",
            "   \"leftovers\": [...]}",
            "  HOLDER: {\"file\", \"inode\", \"ageMillis\", \"owner\": {\"pid\", \"host\", \"jvm\", \"acquired\", \"start\"}|null,",
            "           \"pid\"|null, \"liveness\": \"alive\"|\"dead\"|\"unknown\", \"detail\"|null}",
            "  leftover: {\"path\", \"ageMillis\", \"links\", \"ours\"}",
            "  a DIR that cannot be inspected: {\"directory\", \"held\": null, \"error\": \"...\"}",
            "  when the command as a whole fails (usage, no backend): {\"error\": \"...\", \"exitCode\": N} instead"})
final class StatusCommand implements Callable<Integer>, JsonOutput {
    private final Io io;

    @Option(names = "--json", description = "print JSON instead of text")
    boolean json;

    final BackendOption backend = new BackendOption();

    /** The options of {@link BackendOption#spec()}. */
    @Mixin
    CommandSpec backendOption = backend.spec();

    @Parameters(arity = "1..*", paramLabel = "DIR", description = "directories to inspect")
    List<Path> dirs;

    StatusCommand(Io io) {
        this.io = io;
    }

    @Override
    public boolean json() {
        return json;
    }

    @Override
    public Integer call() {
        // a failure here is reported by AstlockCli, as JSON too with --json
        PathLocker locker = backend.locker(LockOptions.defaults());
        int status = ExitCodes.OK;
        Json out = new Json(true).beginArray();
        for (Path d : dirs) {
            Path dir = d.toAbsolutePath();
            try {
                LockStatus st = locker.status(dir);
                Optional<String> problem = flockFileProblem(dir);
                if (st.isHeld()) {
                    status = Math.max(status, ExitCodes.HELD);
                }
                if (problem.isPresent()) {
                    status = Math.max(status, ExitCodes.UNAVAILABLE);
                }
                if (json) {
                    write(out, st, problem);
                } else {
                    io.out.println(text(st, problem));
                }
            } catch (LockException e) {
                int code = e instanceof LockPathException ? ExitCodes.CANT_CREATE : ExitCodes.IO_ERROR;
                // 74 outranks 73 outranks 69 outranks 1: the worst problem decides
                status = Math.max(status, code);
                String message = inspectMessage(dir, e);
                io.error(message);
                if (json) {
                    out.beginObject().name("directory").value(dir.toString()).name("held").nullValue()
                            .name("error").value(message).endObject();
                }
            }
        }
        if (json) {
            io.out.println(out.endArray());
        }
        io.out.flush();
        return status;
    }

    /**
     * The library's message says "cannot lock DIR (MODE, lock file ...)": {@code status} takes no
     * lock, so say "cannot inspect DIR" and keep the cause.
     *
     * @param dir the directory
     * @param e   the failure
     * @return the message
     */
    static String inspectMessage(Path dir, LockException e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        String prefix = "cannot lock " + dir;
        if (m.startsWith(prefix)) {
            String rest = m.substring(prefix.length());
            int cut = rest.startsWith(" (") ? rest.indexOf("): ") : -1;
            m = "cannot inspect " + dir + ": " + (cut >= 0 ? rest.substring(cut + 3) : rest.replaceFirst("^:\\s*", ""));
        }
        return Messages.forAdmin(m);
    }

    /**
     * What is wrong with FLOCK mode's {@code lock} file, when anything is: a symbolic link, not a
     * regular file, or a file with other hard links. Every flock-mode locker refuses such a file
     * ({@code astlock run} exits 69), so the folder is not "free" for them, yet no one holds it.
     *
     * @param dir the directory
     * @return the problem in words, or empty
     */
    static Optional<String> flockFileProblem(Path dir) {
        Path lock = dir.resolve(LockMode.FLOCK.lockFileName());
        try {
            BasicFileAttributes a = Files.readAttributes(lock, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            String fix = ": flock-mode lockers refuse it (astlock run exits 69, Asterisk may follow it); check and"
                    + " remove it by hand";
            if (a.isSymbolicLink()) {
                String to;
                try {
                    to = " to " + Files.readSymbolicLink(lock);
                } catch (IOException e) {
                    to = "";
                }
                return Optional.of(lock + " is a symbolic link" + to + fix);
            }
            if (a.isDirectory()) {
                return Optional.of(lock + " is a directory" + fix);
            }
            if (!a.isRegularFile()) {
                return Optional.of(lock + " is not a regular file" + fix);
            }
            Object links = Files.getAttribute(lock, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
            if (links instanceof Number && ((Number) links).intValue() > 1) {
                return Optional.of(lock + " has " + links + " hard links" + fix);
            }
            return Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // the library's own inspection reports an unreadable folder
        }
    }

    static String text(LockStatus st, Optional<String> problem) {
        StringBuilder sb = new StringBuilder(st.directory().toString()).append(": ")
                .append(st.isHeld() ? "HELD" : problem.isPresent() ? "PROBLEM" : "free");
        problem.ifPresent(p -> sb.append("\n  flock mode: ").append(p));
        st.lockfile().ifPresent(h -> sb.append("\n  lockfile mode: ").append(h.lockFile().getFileName())
                .append(" held by ").append(WaitProgress.describe(h)).append(liveness(h)));
        st.flock().filter(h -> h.pid().isPresent()).ifPresent(h -> sb.append("\n  flock mode: flock(2) on ").append(h.lockFile().getFileName())
                .append(" held by ").append(WaitProgress.describe(h)));
        for (LeftoverFile f : st.leftovers()) {
            sb.append("\n  leftover ").append(f.ours() ? "astlock" : "Asterisk").append(" temporary file ")
              .append(f.path().getFileName()).append(", ").append(Durations.format(f.age())).append(" old, ")
              .append(f.links()).append(f.links() == 1 ? " link" : " links (the same file as .lock)");
        }
        return sb.toString();
    }

    private static String liveness(LockHolder h) {
        switch (h.liveness()) {
            case ALIVE: return ", owner running";
            case DEAD: return "";
            default: return h.owner().isPresent() ? ", owner on another host" : "";
        }
    }

    static void write(Json out, LockStatus st, Optional<String> problem) {
        out.beginObject()
           .name("directory").value(st.directory().toString())
           .name("held").value(st.isHeld())
           .name("problem").value(problem.orElse(null));
        out.name("lockfile");
        holder(out, st.lockfile());
        out.name("flock");
        holder(out, st.flock());
        out.name("leftovers").beginArray();
        for (LeftoverFile f : st.leftovers()) {
            out.beginObject().name("path").value(f.path().toString()).name("ageMillis").value(f.age().toMillis())
               .name("links").value(f.links()).name("ours").value(f.ours()).endObject();
        }
        out.endArray().endObject();
    }

    private static void holder(Json out, Optional<LockHolder> holder) {
        if (holder.isEmpty()) {
            out.nullValue();
            return;
        }
        LockHolder h = holder.get();
        out.beginObject()
           .name("file").value(h.lockFile().toString())
           .name("inode").value(h.inode())
           .name("ageMillis").value(h.age().toMillis());
        out.name("owner");
        if (h.owner().isPresent()) {
            LockOwner o = h.owner().get();
            out.beginObject().name("pid").value(o.pid()).name("host").value(o.host()).name("jvm").value(o.jvm())
               .name("acquired").value(o.acquired().toString()).name("start").value(o.start()).endObject();
        } else {
            out.nullValue();
        }
        out.name("pid");
        if (h.pid().isPresent()) {
            out.value(h.pid().getAsLong());
        } else {
            out.nullValue();
        }
        out.name("liveness").value(h.liveness().name().toLowerCase(Locale.ROOT))
           .name("detail").value(h.detail().orElse(null))
           .endObject();
    }
}
