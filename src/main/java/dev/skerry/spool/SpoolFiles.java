package dev.skerry.spool;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Every file-system operation the spool performs, one step each, so that a test can fail or
 * crash the spool between any two of them. {@link NioSpoolFiles} is the real one.
 */
interface SpoolFiles {

    /** Creates dir (0700) unless it exists; fails unless it then is a directory this process may write. */
    void createDirectory(Path dir) throws IOException;

    /** Creates temp (0600) exclusively, unlinking whatever had its name, and writes content to it. */
    void writeTemp(Path temp, byte[] content) throws IOException;

    void forceFile(Path file) throws IOException;

    /** Atomically replaces target by temp. */
    void rename(Path temp, Path target) throws IOException;

    /** Makes renames and unlinks in dir durable. */
    void forceDirectory(Path dir) throws IOException;

    /** Unlinks file; a file that is already gone is no error. */
    void delete(Path file) throws IOException;

    /**
     * Replaces the content of an existing file in place (not created, no link followed) and fsyncs: for a delivered
     * report whose file cannot be unlinked, in a directory without write permission. Needs no free space.
     */
    void overwriteInPlace(Path file, byte[] content) throws IOException;

    /** The names in dir, hidden ones included. */
    List<String> list(Path dir) throws IOException;

    /** The whole file; a file longer than limit bytes, a link, a FIFO or a device is an error, never opened or allocated. */
    byte[] read(Path file, long limit) throws IOException;

    /** Moves file into corruptDir without replacing anything there; returns where it went. */
    Path moveAside(Path file, Path corruptDir) throws IOException;
}
