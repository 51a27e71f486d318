package io.github.astlock.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The meta-test: every rule of SPEC.md has a kit test, and every kit test cites a known rule. */
class SpecCoverageTest {
    private static final Pattern RULE = Pattern.compile("^- \\*\\*([A-Z]+\\d{2})\\*\\* ", Pattern.MULTILINE);
    private static final Pattern TEST_NAME = Pattern.compile("^([A-Z]+\\d{2})_[a-zA-Z0-9]+$");

    static String spec() throws IOException {
        try (InputStream in = LockBackendTck.class.getResourceAsStream("SPEC.md")) {
            if (in == null) {
                throw new AssertionError("SPEC.md is not packaged next to the kit");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static Set<String> rules() throws IOException {
        Set<String> rules = new TreeSet<>();
        Matcher m = RULE.matcher(spec());
        while (m.find()) {
            assertTrue(rules.add(m.group(1)), "rule defined twice: " + m.group(1));
        }
        return rules;
    }

    static List<Method> kitTests() {
        List<Method> tests = new ArrayList<>();
        for (Class<?> c = LockBackendTck.class; c != Object.class; c = c.getSuperclass()) {
            for (Method m : c.getDeclaredMethods()) {
                if (m.isAnnotationPresent(org.junit.jupiter.api.Test.class)) {
                    tests.add(m);
                }
            }
        }
        return tests;
    }

    @Test
    void specDefinesRules() throws IOException {
        assertTrue(rules().size() >= 40, "rules: " + rules());
    }

    @Test
    void everyRuleHasATest() throws IOException {
        TreeMap<String, Integer> count = new TreeMap<>();
        for (String r : rules()) {
            count.put(r, 0);
        }
        for (Method m : kitTests()) {
            Matcher n = TEST_NAME.matcher(m.getName());
            if (n.matches() && count.containsKey(n.group(1))) {
                count.merge(n.group(1), 1, Integer::sum);
            }
        }
        List<String> untested = new ArrayList<>();
        count.forEach((rule, c) -> {
            if (c == 0) {
                untested.add(rule);
            }
        });
        assertEquals(List.of(), untested, "rules of SPEC.md without a kit test");
    }

    @Test
    void everyTestCitesAKnownRule() throws IOException {
        Set<String> rules = rules();
        List<String> bad = new ArrayList<>();
        for (Method m : kitTests()) {
            Matcher n = TEST_NAME.matcher(m.getName());
            if (!n.matches() || !rules.contains(n.group(1))) {
                bad.add(m.getDeclaringClass().getSimpleName() + "." + m.getName());
            }
        }
        assertEquals(List.of(), bad, "kit tests whose name does not start with a rule id of SPEC.md");
    }

    @Test
    void everyKitTestIsPublicAndFinal() {
        List<String> bad = new ArrayList<>();
        for (Method m : kitTests()) {
            if (!Modifier.isFinal(m.getModifiers()) || !Modifier.isPublic(m.getModifiers())) {
                bad.add(m.getName());
            }
        }
        assertEquals(List.of(), bad, "kit tests must be public final so a backend cannot weaken them");
        assertTrue(kitTests().size() >= 60, "kit tests: " + kitTests().size());
    }

    @Test
    void noNestedClassesAndNoPlatformPropertiesInTheJar() {
        for (Class<?> c = LockBackendTck.class; c != Object.class; c = c.getSuperclass()) {
            for (Class<?> inner : c.getDeclaredClasses()) {
                assertTrue(!inner.isAnnotationPresent(org.junit.jupiter.api.Nested.class), "@Nested in " + inner);
            }
        }
        assertEquals(null, LockBackendTck.class.getClassLoader().getResource("junit-platform.properties"),
                "the kit must not ship junit-platform.properties");
    }
}
