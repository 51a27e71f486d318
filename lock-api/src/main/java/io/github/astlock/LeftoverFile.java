package io.github.astlock;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A temporary lock file found in a directory by {@link PathLocker#status(Path)}: ours
 * ({@code .lock.XXXXXXXX}) or Asterisk's ({@code .lock-XXXXXXXX}). One that is old and not
 * linked to {@code .lock} was left by a crash; the next lock of the directory removes it.
 *
 * @param path  the file
 * @param age   time since its status last changed
 * @param links its link count; 2 means it is the same inode as {@code .lock} (its creator died between link and unlink)
 * @param ours  whether astlock made it
 */
public record LeftoverFile(Path path, Duration age, long links, boolean ours) {
}
