package io.github.astlock.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The kit's tunables are read under exactly the documented names. */
class TckEnvironmentTest {

    private static <T> T with(String property, String value, Supplier<T> read) {
        String old = System.getProperty(property);
        System.setProperty(property, value);
        try {
            return read.get();
        } finally {
            if (old == null) {
                System.clearProperty(property);
            } else {
                System.setProperty(property, old);
            }
        }
    }

    private static Map<String, Supplier<Object>> readers() {
        Map<String, Supplier<Object>> r = new LinkedHashMap<>();
        r.put("astlock.tck.timeoutMs", TckEnvironment::timeout);
        r.put("astlock.tck.timeoutSlackMs", TckEnvironment::timeoutSlack);
        r.put("astlock.tck.handoverMs", TckEnvironment::handover);
        r.put("astlock.tck.stress.processes", TckEnvironment::stressProcesses);
        r.put("astlock.tck.stress.iterations", TckEnvironment::stressIterations);
        r.put("astlock.tck.workDir", TckEnvironment::workDir);
        r.put("astlock.tck.cc", TckEnvironment::cc);
        r.put("astlock.tck.processLimitMs", TckEnvironment::processLimit);
        r.put("astlock.tck.testLimitMs", TckEnvironment::testLimit);
        r.put("astlock.tck.breakRounds", TckEnvironment::breakRounds);
        return r;
    }

    @Test
    void everyPropertyIsReadUnderItsDocumentedName() {
        assertEquals(readers().keySet().stream().toList(), TckEnvironment.PROPERTIES);
        for (Map.Entry<String, Supplier<Object>> e : readers().entrySet()) {
            Object dflt = e.getValue().get();
            String value = e.getKey().equals("astlock.tck.workDir") ? "/elsewhere"
                    : e.getKey().equals("astlock.tck.cc") ? "clang" : "4321";
            Object changed = with(e.getKey(), value, e.getValue());
            assertNotEquals(dflt, changed, e.getKey() + " is not read under that name");
        }
        assertEquals(Duration.ofMillis(4321), with("astlock.tck.timeoutMs", "4321", TckEnvironment::timeout));
        assertEquals(4321, (int) with("astlock.tck.stress.iterations", "4321", TckEnvironment::stressIterations));
        assertEquals(Path.of("/elsewhere"), with("astlock.tck.workDir", "/elsewhere", TckEnvironment::workDir));
    }

    @Test
    void everyPropertyIsDocumentedInTheSpec() throws Exception {
        String spec = SpecCoverageTest.spec();
        for (String p : TckEnvironment.PROPERTIES) {
            assertTrue(spec.contains("`" + p + "`"), p + " is not documented in SPEC.md");
        }
    }

    @Test
    void badValuesNameTheProperty() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> with("astlock.tck.timeoutMs", "soon", TckEnvironment::timeout));
        assertTrue(e.getMessage().startsWith("astlock.tck.timeoutMs"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> with("astlock.tck.stress.processes", "1", TckEnvironment::stressProcesses));
        assertTrue(e.getMessage().contains("at least 2"), e.getMessage());
    }
}
