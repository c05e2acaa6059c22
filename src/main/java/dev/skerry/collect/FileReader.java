package dev.skerry.collect;

import java.io.File;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads the host's files, each with a bound on its size: a file read whole may hold
 * {@value #MAX_FILE_SIZE} bytes, a line of a streamed table {@value #MAX_LINE_SIZE}; past that the
 * file is malformed and costs its metric, so that no file can exhaust the 32 MiB heap. Files in
 * /proc report a size of zero, so a file is read through a scratch buffer of the reading thread
 * that grows by doubling until a read meets the end, and handed on as an exact copy: nothing is
 * kept per path, so ten thousand thermal zones cost their few bytes each, not a buffer each.
 *
 * <p>Only regular files are read (links followed: /sys is made of them). A FIFO, a device or a
 * socket could block the open or the read forever, or never end: it is refused before it is
 * opened. A file swapped for a FIFO between that check and the open, or a hung mount, is bounded by
 * the collector's time limit ({@link Collection}).
 *
 * <p>Files are opened with java.io rather than NIO: for a file of a few hundred bytes read once a
 * second, the channel, its cleaner and its temporary native buffer cost more CPU than the read.
 * A file that was missing is looked for with a stat(2) until it appears, so that a host without
 * it (no /run/utmp, a kernel without modules) does not build exceptions every cycle. Safe for
 * collectors on several threads.
 */
public final class FileReader {

    /**
     * Most bytes asked of one read(2). The kernel hands out a /proc table one page per read, whatever is
     * asked; up to this size the JDK reads through a buffer on the stack instead of one it mallocs per read.
     */
    static final int READ_SIZE = 8192;
    /** The buffer a streamed file starts with; a fresh one per stream. */
    static final int STREAM_BUFFER_SIZE = 16 * 1024;
    /** Most bytes of a file read whole: /proc/net/route with 8,000 routes, /proc/stat of 1,000 CPUs. */
    public static final int MAX_FILE_SIZE = 1024 * 1024;
    /** Most bytes of one line of a streamed table; a line of /proc/net/tcp is 150. */
    public static final int MAX_LINE_SIZE = 64 * 1024;
    /** Missing paths remembered; past this the set starts again, so that it cannot grow with the host. */
    static final int MAX_MISSING = 1024;

    private final Set<Path> missing = ConcurrentHashMap.newKeySet();
    private final ThreadLocal<byte[]> scratch = ThreadLocal.withInitial(() -> new byte[READ_SIZE]);

    /** The whole file, or null when it does not exist. */
    public FileBytes read(Path path) throws IOException {
        InputStream opened = open(path);
        if (opened == null) {
            return null;
        }
        byte[] buffer = scratch.get();
        int length = 0;
        try (InputStream in = opened) {
            while (true) {
                if (length == buffer.length) {
                    if (length > MAX_FILE_SIZE) {
                        throw new MalformedFileException(path, 0, "larger than " + MAX_FILE_SIZE + " bytes");
                    }
                    // one byte past the bound, to tell a file of exactly the bound from a larger one
                    buffer = Arrays.copyOf(buffer, Math.min(buffer.length * 2, MAX_FILE_SIZE + 1));
                }
                int n = in.read(buffer, length, Math.min(READ_SIZE, buffer.length - length));
                if (n < 0) {
                    break;
                }
                length += n;
            }
        }
        return new FileBytes(path, Arrays.copyOf(buffer, length), length);
    }

    /**
     * The file's lines read as they are parsed, through a buffer of {@value #STREAM_BUFFER_SIZE} bytes
     * (a line up to {@value #MAX_LINE_SIZE}); for the socket tables, megabytes at ten thousand connections.
     * Null when the file does not exist; the caller closes it.
     */
    public Lines stream(Path path) throws IOException {
        InputStream in = open(path);
        if (in == null) {
            return null;
        }
        return new Lines(path, new byte[STREAM_BUFFER_SIZE], in);
    }

    /** The names in a directory, or null when it does not exist. */
    public String[] list(Path directory) throws IOException {
        String[] names = directory.toFile().list();
        if (names != null) {
            return names;
        }
        // java.io does not say why it could not list: NIO does
        List<String> found = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            entries.forEach(entry -> found.add(entry.getFileName().toString()));
        } catch (NoSuchFileException e) {
            return null;
        }
        return found.toArray(String[]::new);
    }

    /** The file opened, or null when it does not exist; anything but a regular file is refused unopened. */
    private InputStream open(Path path) throws IOException {
        File file = path.toFile();
        if (missing.contains(path) && !file.exists()) {
            return null;
        }
        if (!file.isFile()) {
            // java.io says neither why nor what it is: NIO does (NoSuchFileException, AccessDeniedException)
            BasicFileAttributes attributes;
            try {
                attributes = Files.readAttributes(path, BasicFileAttributes.class);
            } catch (NoSuchFileException gone) {
                remember(path);
                return null;
            }
            if (attributes.isDirectory()) {
                throw new FileSystemException(path.toString(), null, "is a directory, not a file");
            }
            if (!attributes.isRegularFile()) {
                throw new FileSystemException(path.toString(), null,
                        "not a regular file (a FIFO, device or socket could block or never end): not read");
            }
        }
        try {
            InputStream in = new FileInputStream(file);
            missing.remove(path);
            return in;
        } catch (FileNotFoundException e) {
            try {
                InputStream in = Files.newInputStream(path);
                missing.remove(path);
                return in;
            } catch (NoSuchFileException gone) {
                remember(path);
                return null;
            }
        }
    }

    private void remember(Path path) {
        if (missing.size() >= MAX_MISSING) {
            missing.clear();
        }
        missing.add(path);
    }
}
