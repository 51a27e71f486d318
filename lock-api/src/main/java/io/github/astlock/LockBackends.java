package io.github.astlock;

import io.github.astlock.spi.Availability;
import io.github.astlock.spi.LockBackendProvider;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds backends with {@link ServiceLoader} and chooses one.
 *
 * <ul>
 *   <li>Each provider is instantiated and asked for its availability on its own, so one broken
 *       jar does not hide the others.</li>
 *   <li>An explicit choice, by argument or by the system property {@value #BACKEND_PROPERTY},
 *       must exist and be usable; otherwise a {@link BackendSelectionException} lists what is
 *       available. There is never a silent fallback.</li>
 *   <li>Without a choice the usable backend with the highest priority wins; equal priorities are
 *       ordered by id. The choice is logged once at INFO.</li>
 * </ul>
 */
public final class LockBackends {
    /** The system property that names the backend to use, for example {@code -Dastlock.backend=jna}. */
    public static final String BACKEND_PROPERTY = "astlock.backend";

    private static final Logger LOG = LoggerFactory.getLogger(LockBackends.class);
    private static final Set<String> LOGGED = ConcurrentHashMap.newKeySet();
    /** Provider classes being described on this thread, to stop a provider that recurses into discovery. */
    private static final ThreadLocal<Set<String>> DESCRIBING = ThreadLocal.withInitial(java.util.HashSet::new);
    private static final String HINT = "add one backend jar to the class path or module path: "
            + "io.github.astlock:lock-jna or io.github.astlock:lock-jnr (both modes), "
            + "or io.github.astlock:lock-nio (LOCKFILE only, no native code)";

    /**
     * Highest priority first, equal priorities by id. A class rather than composed comparators,
     * whose lambdas cost a command that takes one lock noticeable start-up time.
     */
    private static final Comparator<LockBackendProvider> BEST_FIRST = new Comparator<>() {
        @Override
        public int compare(LockBackendProvider a, LockBackendProvider b) {
            int byPriority = Integer.compare(b.priority(), a.priority());
            return byPriority != 0 ? byPriority
                    : a.id().toLowerCase(Locale.ROOT).compareTo(b.id().toLowerCase(Locale.ROOT));
        }
    };

    private LockBackends() {
    }

    /**
     * Every backend visible to this library's class loader, usable or not, best first.
     *
     * @return the backends found
     */
    public static List<BackendInfo> list() {
        return list(ServiceLoader.load(LockBackendProvider.class, LockBackends.class.getClassLoader()));
    }

    /**
     * Every backend visible to a class loader, usable or not, best first.
     *
     * @param loader the class loader to search
     * @return the backends found
     */
    public static List<BackendInfo> list(ClassLoader loader) {
        return list(ServiceLoader.load(LockBackendProvider.class, loader));
    }

    /**
     * Chooses the backend: the one named by {@value #BACKEND_PROPERTY} if set, otherwise the
     * usable one with the highest priority.
     *
     * @return the chosen backend
     * @throws BackendSelectionException when none can be chosen
     */
    public static LockBackendProvider select() {
        return select(System.getProperty(BACKEND_PROPERTY));
    }

    /**
     * Chooses the backend with the given id.
     *
     * @param id the backend id, for example {@code "jna"}; {@code null} or blank means automatic
     * @return the backend
     * @throws BackendSelectionException when it is missing or unusable
     */
    public static LockBackendProvider select(String id) {
        return select(LockBackends.class.getClassLoader(), id);
    }

    /**
     * Chooses among the backends visible to a class loader, like {@link #select(String)}.
     * Availability, which may load native code, is asked only until a choice is made: with a
     * usable higher-priority backend, the others' native layers are never loaded.
     *
     * @param loader the class loader to search
     * @param id     the explicit choice, or {@code null}/blank for automatic
     * @return the backend
     * @throws BackendSelectionException when none can be chosen
     */
    public static LockBackendProvider select(ClassLoader loader, String id) {
        // Ask for availability (which may load native code) only until a choice is made: with
        // jna usable, jnr's native layer is never loaded.
        List<LockBackendProvider> candidates = new ArrayList<>();
        List<BackendInfo> broken = new ArrayList<>();
        instantiate(ServiceLoader.load(LockBackendProvider.class, loader), candidates, broken);
        List<LockBackendProvider> order = new ArrayList<>();
        try {
            candidates.sort(BEST_FIRST);
            String wanted = id == null || id.isBlank() ? null : id.strip().toLowerCase(Locale.ROOT);
            for (LockBackendProvider c : candidates) {
                if (wanted == null || c.id().toLowerCase(Locale.ROOT).equals(wanted)) {
                    order.add(c);
                }
            }
        } catch (Throwable e) {
            order.clear(); // a provider failed while describing itself: fall back to the full inspection
        }
        for (LockBackendProvider c : order) {
            BackendInfo info = describe(c);
            if (info.usable()) {
                logChoice(info, id == null || id.isBlank() ? "highest usable priority" : "chosen explicitly");
                return c;
            }
            if (id != null && !id.isBlank()) {
                break;
            }
        }
        List<BackendInfo> all = new ArrayList<>(broken);
        for (LockBackendProvider c : candidates) {
            all.add(describe(c));
        }
        sort(all);
        return select(List.copyOf(all), id);
    }

    /**
     * Chooses among found backends; the core of {@link #select()}, public for tools and tests.
     *
     * @param found the backends, as returned by {@link #list()}
     * @param id    the explicit choice, or {@code null}/blank for automatic
     * @return the backend
     * @throws BackendSelectionException when none can be chosen
     */
    public static LockBackendProvider select(List<BackendInfo> found, String id) {
        if (id != null && !id.isBlank()) {
            String wanted = id.strip().toLowerCase(Locale.ROOT);
            for (BackendInfo b : found) {
                if (b.id().equals(wanted)) {
                    if (!b.usable()) {
                        throw new BackendSelectionException("backend '" + wanted + "' was asked for but cannot run here: "
                                + b.availability().reason() + "; " + available(found));
                    }
                    logChoice(b, "chosen explicitly");
                    return b.provider().get();
                }
            }
            throw new BackendSelectionException("backend '" + wanted + "' was asked for but is not on the class path or "
                    + "module path; " + available(found) + "; " + HINT);
        }
        for (BackendInfo b : found) {
            if (b.usable()) {
                logChoice(b, "highest priority of " + found.size() + " found");
                return b.provider().get();
            }
        }
        if (found.isEmpty()) {
            throw new BackendSelectionException("no astlock backend found; " + HINT);
        }
        throw new BackendSelectionException("no usable astlock backend; found: " + found.stream()
                .map(BackendInfo::describe).collect(Collectors.joining("; ")) + "; " + HINT);
    }

    private static String available(List<BackendInfo> found) {
        if (found.isEmpty()) {
            return "no backend is available";
        }
        return "available: " + found.stream().map(BackendInfo::describe).collect(Collectors.joining("; "));
    }

    private static void logChoice(BackendInfo b, String why) {
        if (LOGGED.add(b.id())) {
            LOG.info("astlock backend '{}' ({}), {}: {}", b.id(), b.className(), why, b.availability().reason());
        }
    }

    private static List<BackendInfo> list(ServiceLoader<LockBackendProvider> loader) {
        List<LockBackendProvider> candidates = new ArrayList<>();
        List<BackendInfo> found = new ArrayList<>();
        instantiate(loader, candidates, found);
        for (LockBackendProvider c : candidates) {
            found.add(describe(c));
        }
        sort(found);
        return List.copyOf(found);
    }

    private static void sort(List<BackendInfo> found) {
        found.sort(Comparator.comparing((BackendInfo b) -> !b.usable())
                .thenComparing(Comparator.comparingInt(BackendInfo::priority).reversed())
                .thenComparing(BackendInfo::id));
    }

    /** Instantiates each provider on its own; the ones that fail become broken entries. */
    private static void instantiate(ServiceLoader<LockBackendProvider> loader, List<LockBackendProvider> candidates,
                                    List<BackendInfo> broken) {
        Iterator<ServiceLoader.Provider<LockBackendProvider>> it = loader.stream().iterator();
        // A broken entry may make hasNext()/next() throw; ServiceLoader then moves on to the next
        // one. Bound the loop so a pathological loader cannot keep us here.
        for (int guard = 0; guard < 1000; guard++) {
            ServiceLoader.Provider<LockBackendProvider> p;
            try {
                if (!it.hasNext()) {
                    break;
                }
                p = it.next();
            } catch (Throwable e) {
                broken.add(broken("unknown", e));
                continue;
            }
            String className;
            try {
                className = p.type().getName();
            } catch (Throwable e) {
                broken.add(broken("unknown", e));
                continue;
            }
            try {
                candidates.add(p.get());
            } catch (Throwable e) {
                // any Throwable, a StackOverflowError of a recursing constructor included: one
                // provider must never break discovery for the others
                broken.add(broken(className, e));
            }
        }
    }

    /**
     * Asks one provider for its id, priority, availability and modes; never throws. Whatever a
     * provider throws (any {@link Throwable}, a {@link StackOverflowError} included) makes it an
     * unusable entry. A provider whose {@code availability()} asks discovery again and so reaches
     * itself on the same thread is reported unusable at once instead of recursing.
     */
    private static BackendInfo describe(LockBackendProvider provider) {
        String className = provider.getClass().getName();
        Set<String> active = DESCRIBING.get();
        if (!active.add(className)) {
            return unusable(className, "its availability() asked backend discovery for itself; a backend that "
                    + "delegates must create its delegate directly (see LockBackendProvider)");
        }
        try {
            String id = provider.id().toLowerCase(Locale.ROOT);
            Availability a = provider.availability();
            if (a == null) {
                a = Availability.unusable("availability() returned null");
            }
            return new BackendInfo(id, className, provider.priority(), a, Set.copyOf(provider.supportedModes()),
                    Optional.of(provider));
        } catch (Throwable e) {
            return unusable(className, "provider failed while describing itself: " + e);
        } finally {
            active.remove(className);
        }
    }

    private static BackendInfo unusable(String className, String why) {
        return new BackendInfo(className, className, Integer.MIN_VALUE, Availability.unusable(why), Set.of(),
                Optional.empty());
    }

    private static BackendInfo broken(String className, Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String why = "cannot be instantiated: " + e.getMessage()
                + (root != e ? " (caused by " + root + ")" : "");
        return unusable(className, why);
    }
}
