package io.github.astlock.tck;

/**
 * The astlock compatibility kit. To test a backend, write one concrete subclass in your test
 * sources and implement {@link #createBackend()}:
 *
 * <pre>{@code
 * class MyBackendTckTest extends LockBackendTck {
 *     @Override
 *     protected LockBackendProvider createBackend() {
 *         return new MyBackendProvider();
 *     }
 * }
 * }</pre>
 *
 * <p>Every test method is {@code final} and named after the rule of {@code SPEC.md} it checks
 * (for example {@code IO11_...}). The backend also runs in child JVMs on the same class path,
 * built by the same factory, so the subclass needs a no-argument constructor and must not rely
 * on state set up by a test. Tests of a mode the backend does not declare are skipped with a
 * reason, and {@code MODE01} checks the refusal; a missing peer program skips its tests with an
 * install hint; every other skip or failure is the backend's.
 *
 * <p>Every test is bounded by {@code astlock.tck.testLimitMs} (120 s by default): a backend call
 * that blocks fails its test, naming the call and the path, instead of hanging the build. A
 * failure names the rule (with its text from {@code SPEC.md}), the call, the path, and expected
 * and actual values. Child JVMs get this JVM's {@code astlock.*} system properties; override
 * {@link #childJvmSystemProperties()} to pass on others the backend is configured by.
 */
public abstract class LockBackendTck extends ReliabilityRules {
    /** For subclasses. */
    protected LockBackendTck() {
    }
}
