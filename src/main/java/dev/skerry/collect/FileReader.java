package dev.skerry.collect;

import java.io.File;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads whole files into buffers kept per path from one cycle to the next, so that reading
 * /proc/net/tcp with ten thousand sockets does not allocate megabytes every interval. Files in
 * /proc report a size of zero, so the buffer grows by doubling until a read meets the end.
 * Used by one cycle at a time.
 *
 * <p>Files are opened with java.io rather than NIO: for a file of a few hundred bytes read once a
 * second, the channel, its cleaner and its temporary native buffer cost more CPU than the read.
 * A file that was missing is looked for with a stat(2) until it appears, so that a host without
 * it (no /run/utmp, a kernel without modules) does not build exceptions every cycle.
 */
public final class FileReader {

    private static final int INITIAL_SIZE = 8192;
    /**
     * Most bytes asked of one read(2). The kernel hands out a /proc table one page per read, whatever is
     * asked; up to this size the JDK reads through a buffer on the stack instead of one it mallocs per read.
     */
    static final int READ_SIZE = 8192;
    /** The buffer a streamed file is parsed through. */
    static final int STREAM_BUFFER_SIZE = 64 * 1024;
    /** Nothing skerry reads is larger; a bigger file is cut here rather than exhausting memory. */
    static final int MAX_SIZE = 64 * 1024 * 1024;

    private final Map<Path, byte[]> buffers = new HashMap<>();
    private final Map<Path, byte[]> streamBuffers = new HashMap<>();
    private final Set<Path> missing = new HashSet<>();

    /** The whole file, or null when it does not exist. */
    public FileBytes read(Path path) throws IOException {
        InputStream opened = open(path);
        if (opened == null) {
            return null;
        }
        byte[] buffer = buffers.get(path); // not getOrDefault, which would allocate a new buffer every time
        if (buffer == null) {
            buffer = new byte[INITIAL_SIZE];
        }
        int length = 0;
        try (InputStream in = opened) {
            while (true) {
                if (length == buffer.length) {
                    if (buffer.length >= MAX_SIZE) {
                        throw new MalformedFileException(path, 0, "larger than " + MAX_SIZE + " bytes");
                    }
                    buffer = Arrays.copyOf(buffer, buffer.length * 2);
                }
                int n = in.read(buffer, length, Math.min(READ_SIZE, buffer.length - length));
                if (n < 0) {
                    break;
                }
                length += n;
            }
        }
        buffers.put(path, buffer);
        return new FileBytes(path, buffer, length);
    }

    /**
     * The file's lines read as they are parsed, through a buffer of {@value #STREAM_BUFFER_SIZE} bytes
     * kept per path; for the socket tables, megabytes at ten thousand connections. Null when the file
     * does not exist; the caller closes it.
     */
    public Lines stream(Path path) throws IOException {
        InputStream in = open(path);
        if (in == null) {
            return null;
        }
        byte[] buffer = streamBuffers.computeIfAbsent(path, unused -> new byte[STREAM_BUFFER_SIZE]);
        return new Lines(path, buffer, in);
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

    /** The file opened, or null when it does not exist. */
    private InputStream open(Path path) throws IOException {
        File file = path.toFile();
        if (missing.contains(path) && !file.exists()) {
            return null;
        }
        try {
            InputStream in = new FileInputStream(file);
            missing.remove(path);
            return in;
        } catch (FileNotFoundException e) {
            // java.io says neither why nor whether the file exists: NIO does (NoSuchFileException,
            // AccessDeniedException), and opens what java.io will not (a directory, which then fails to read)
            try {
                InputStream in = Files.newInputStream(path);
                missing.remove(path);
                return in;
            } catch (NoSuchFileException gone) {
                missing.add(path);
                return null;
            }
        }
    }
}
