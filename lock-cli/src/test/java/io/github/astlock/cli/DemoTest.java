package io.github.astlock.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code astlock demo} runs to the end on its own and cleans up. */
class DemoTest {
    @Test
    void demoShowsTheHandOverAndCleansUp() throws Exception {
        try (Cli demo = Cli.start("demo")) {
            // a generous bound, not a speed target: a loaded machine starts JVMs slowly
            Cli.Result r = demo.awaitExit(Duration.ofSeconds(120));
            assertEquals(0, r.exit(), r::toString);
            assertTrue(r.out().contains("hand-over: pid "), r::toString);
            assertTrue(r.out().contains("still waiting for INBOX: held by astlock pid "), r::toString);
            assertTrue(r.out().contains(".lock   <- the lock; owner record: pid ") , r::toString);
            assertTrue(r.out().contains("moved INBOX/msg0000 to Old/msg0001"), r::toString);
            assertTrue(r.out().contains("the second process (pid "), r::toString);
            String spool = r.out().lines().filter(l -> l.startsWith("  spool:")).findFirst().orElseThrow()
                    .substring("  spool:".length()).strip();
            assertFalse(Files.exists(Path.of(spool)), "the demo removes its spool: " + spool);
        }
    }
}
