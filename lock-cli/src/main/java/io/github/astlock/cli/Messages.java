package io.github.astlock.cli;

import io.github.astlock.BackendInfo;
import io.github.astlock.LockBackends;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Turns the library's messages, written for Java developers, into advice for the people who run
 * {@code astlock}: no class paths or Maven coordinates, but what to do on this machine.
 */
final class Messages {
    /** The library's advice to add a backend jar (with or without a leading "; "), up to the next "; " or the end. */
    private static final Pattern CLASS_PATH_ADVICE = Pattern.compile(
            "(;\\s*)?add (one backend jar|io\\.github\\.astlock:)[^;]*?(class path|module path)[^;]*");

    private Messages() {
    }

    /**
     * Replaces Java advice in a library message with advice for an administrator.
     *
     * @param message the library's message
     * @return the message for people running astlock
     */
    static String forAdmin(String message) {
        if (message == null) {
            return "";
        }
        if (!CLASS_PATH_ADVICE.matcher(message).find()) {
            return message;
        }
        String s = CLASS_PATH_ADVICE.matcher(message).replaceAll("");
        return s.strip() + "; use --backend jna or --backend jnr (or leave --backend out), see 'astlock backends'";
    }

    /**
     * The message for a backend that cannot be chosen, from what discovery found.
     *
     * @param wanted the id asked for with {@code --backend}, or {@code null}
     * @return the message
     */
    static String backendProblem(String wanted) {
        List<BackendInfo> found = LockBackends.list();
        String usable = found.stream().filter(BackendInfo::usable).map(BackendInfo::id)
                .collect(Collectors.joining(", "));
        if (wanted != null) {
            String id = wanted.strip();
            for (BackendInfo b : found) {
                if (b.id().equalsIgnoreCase(id)) {
                    return "backend '" + id + "' cannot run on this machine: " + b.availability().reason()
                            + (usable.isEmpty() ? "; no other backend can run either: " + reinstall()
                                    : "; use --backend " + usable.replace(", ", " or --backend ") + " instead");
                }
            }
            return "unknown backend '" + id + "': this astlock has " + (found.isEmpty() ? "none"
                    : found.stream().map(BackendInfo::id).collect(Collectors.joining(", ")))
                    + (usable.isEmpty() ? "" : "; usable here: " + usable) + " (see 'astlock backends')";
        }
        if (found.isEmpty()) {
            return "no lock backend found in astlock's jar: " + reinstall();
        }
        return "no lock backend can run on this machine: " + found.stream()
                .map(b -> b.id() + ": " + b.availability().reason()).collect(Collectors.joining("; "))
                + "; " + reinstall();
    }

    private static String reinstall() {
        String jar = "astlock.jar";
        try {
            Path p = Path.of(AstlockCli.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            jar = p.toString();
        } catch (Exception e) {
            // keep the short name
        }
        return "the installation (" + jar + ") looks incomplete or damaged; reinstall astlock, and check with"
                + " 'astlock backends'";
    }
}
