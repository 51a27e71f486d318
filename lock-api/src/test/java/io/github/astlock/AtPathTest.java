package io.github.astlock;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.astlock.spi.AtPath;
import org.junit.jupiter.api.Test;

/** How a path is split for the {@code *at} system calls. */
class AtPathTest {

    @Test
    void nameUnderADescriptorPathIsLookedUpFromTheDescriptor() {
        assertEquals(new AtPath(34, ".lock"), AtPath.of("/proc/self/fd/34/.lock"));
        assertEquals(new AtPath(7, ".lock.Ab3_-xYz"), AtPath.of("/proc/self/fd/7/.lock.Ab3_-xYz"));
        assertEquals(new AtPath(0, "lock"), AtPath.of("/proc/self/fd/0/lock"));
    }

    @Test
    void everythingElseIsPassedWhole() {
        for (String s : new String[] {
            "/var/spool/asterisk/voicemail/default/1234/.lock",
            "relative/.lock",
            "/proc/self/fd/34",             // the folder itself
            "/proc/self/fd/34/",
            "/proc/self/fd//lock",
            "/proc/self/fd/3x/lock",
            "/proc/self/fd/-100/lock",
            "/proc/self/fd/1234567890/lock", // more digits than a descriptor has
            "/proc/self/fd/34/sub/.lock",    // more than one name below it
            "/proc/1/fd/34/.lock",
            "/proc/self/fdx/34/.lock",
        }) {
            assertEquals(new AtPath(AtPath.AT_FDCWD, s), AtPath.of(s), s);
        }
    }
}
