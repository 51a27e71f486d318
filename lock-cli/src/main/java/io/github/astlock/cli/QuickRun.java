package io.github.astlock.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the usual {@code astlock run} command line without picocli, whose set-up (its classes and
 * the model of a command) is a large part of the start-up time of a command that scripts call
 * once per folder: {@code astlock [-v|--debug] run [OPTIONS] DIR... COMMAND...} where every option
 * is spelled out once, as {@code --name=value} or {@code --name value}.
 *
 * <p>It only accepts what it reads exactly as picocli would, with the same converters and
 * defaults. Everything else (help, version, clustered short options, an option given twice, a
 * value that is missing, empty or starts with {@code -}, a value a converter rejects, no DIR or
 * no COMMAND, any {@code picocli.*} system property) is declined and left to picocli, which
 * then prints its usual messages and help.
 */
final class QuickRun {
    /** The {@code run} command with its options set. */
    final RunCommand run;
    /** The folders and COMMAND. */
    final RunCommand.Split split;
    /** The log level asked for. */
    final Logging.Level level;

    private QuickRun(RunCommand run, RunCommand.Split split, Logging.Level level) {
        this.run = run;
        this.split = split;
        this.level = level;
    }

    /**
     * Reads a command line.
     *
     * @param args the arguments, without the program name
     * @param io   where the command writes
     * @return the command to run, or {@code null} when picocli must read this command line
     */
    static QuickRun parse(String[] args, Io io) {
        if (picocliConfigured()) {
            return null;
        }
        boolean verbose = false;
        boolean debug = false;
        int i = 0;
        for (; i < args.length && !args[i].equals("run"); i++) {
            String a = args[i];
            if ((a.equals("-v") || a.equals("--verbose")) && !verbose) {
                verbose = true;
            } else if (a.equals("--debug") && !debug) {
                debug = true;
            } else {
                return null;
            }
        }
        i++; // "run"
        String mode = null;
        String conf = null;
        String timeout = null;
        String backend = null;
        boolean quiet = false;
        for (; i < args.length && args[i].startsWith("-"); i++) {
            String a = args[i];
            int eq = a.indexOf('=');
            String name = eq < 0 ? a : a.substring(0, eq);
            boolean takesValue = name.equals("--mode") || name.equals("--conf") || name.equals("--timeout")
                    || name.equals("--backend");
            if (!takesValue) {
                if (eq >= 0) {
                    return null;
                } else if ((a.equals("-v") || a.equals("--verbose")) && !verbose) {
                    verbose = true;
                } else if (a.equals("--debug") && !debug) {
                    debug = true;
                } else if ((a.equals("-q") || a.equals("--quiet")) && !quiet) {
                    quiet = true;
                } else {
                    return null;
                }
                continue;
            }
            String value;
            if (eq >= 0) {
                value = a.substring(eq + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                return null;
            }
            if (value.isEmpty() || value.startsWith("-")) {
                return null;
            }
            switch (name) {
                case "--mode":
                    if (mode != null) {
                        return null;
                    }
                    mode = value;
                    break;
                case "--conf":
                    if (conf != null) {
                        return null;
                    }
                    conf = value;
                    break;
                case "--timeout":
                    if (timeout != null) {
                        return null;
                    }
                    timeout = value;
                    break;
                default:
                    if (backend != null) {
                        return null;
                    }
                    backend = value;
                    break;
            }
        }
        if (i >= args.length || args[i].isEmpty()) {
            return null;
        }
        List<String> words = List.copyOf(Arrays.asList(args).subList(i, args.length));
        RunCommand.Split split = RunCommand.split(words, Path.of(""));
        if (split.dirs().isEmpty() || split.command().isEmpty()) {
            return null;
        }
        RunCommand run = new RunCommand(io);
        try {
            run.modes.mode.set(new ModeSelection.ModeConverter().convert(mode == null ? ModeSelection.DEFAULT_MODE : mode));
            run.modes.conf.set(new ModeSelection.PathConverter().convert(conf == null ? ModeSelection.DEFAULT_CONF : conf));
            run.timeout.set(new Durations.Converter().convert(timeout == null ? RunCommand.DEFAULT_TIMEOUT : timeout));
        } catch (RuntimeException e) {
            return null; // picocli reports it
        }
        run.backend.id.set(backend);
        run.quiet.set(quiet ? Boolean.TRUE : null); // as picocli leaves a flag not given
        run.words.set(words);
        return new QuickRun(run, split, debug ? Logging.Level.DEBUG : verbose ? Logging.Level.INFO : Logging.Level.WARN);
    }

    /** Whether a system property changes how picocli reads or traces a command line. */
    private static boolean picocliConfigured() {
        for (Object key : System.getProperties().keySet()) {
            if (key instanceof String && ((String) key).startsWith("picocli.")
                    && !key.equals(AstlockCli.PICOCLI_CONVERTER_EXCLUDES)) {
                return true;
            }
        }
        return false;
    }
}
