package io.github.astlock;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The owner record's time is written exactly as {@link Instant#toString()} writes it. */
class OwnerRecordTimeTest {
    @Test
    void edgesAreWrittenAsTheJdkWritesThem() {
        String[] texts = {"1970-01-01T00:00:00Z", "1969-12-31T23:59:59.999999999Z", "2000-02-29T12:00:00.5Z",
            "1900-02-28T23:59:59Z", "1900-03-01T00:00:00.000001Z", "2026-11-26T03:04:05.123Z",
            "2026-12-31T23:59:00.120Z", "0000-01-01T00:00:00Z", "0000-02-29T00:00:00Z", "9999-12-31T23:59:59.999999999Z",
            "+10000-01-01T00:00:00Z", "-0001-12-31T23:59:59Z", "2100-03-01T00:00:00.000000010Z"};
        for (String text : texts) {
            Instant t = Instant.parse(text);
            assertEquals(t.toString(), LockOwner.isoInstant(t), text);
        }
    }

    @Test
    void randomInstantsAreWrittenAsTheJdkWritesThem() {
        SplittableRandom random = new SplittableRandom(20261201L);
        long first = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
        long last = Instant.parse("+10000-12-31T23:59:59Z").getEpochSecond();
        for (int i = 0; i < 200_000; i++) {
            long seconds = random.nextLong(first, last);
            int nano;
            switch (i % 4) {
                case 0: nano = 0; break;
                case 1: nano = random.nextInt(1000) * 1_000_000; break;
                case 2: nano = random.nextInt(1_000_000) * 1_000; break;
                default: nano = random.nextInt(1_000_000_000); break;
            }
            Instant t = Instant.ofEpochSecond(seconds, nano);
            assertEquals(t.toString(), LockOwner.isoInstant(t));
        }
        Instant now = Instant.now();
        assertEquals(now.toString(), LockOwner.isoInstant(now));
    }
}
