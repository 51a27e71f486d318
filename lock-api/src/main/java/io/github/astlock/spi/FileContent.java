package io.github.astlock.spi;

/**
 * The bytes read from a file, with the status of the file they were read from.
 *
 * @param status the file's status
 * @param bytes  the bytes read from its start
 */
public record FileContent(FileStat status, byte[] bytes) {
}
