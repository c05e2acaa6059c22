package dev.skerry.collect;

import java.nio.file.Files;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads whole files into buffers kept per path from one cycle to the next, so that reading
 * /proc/net/tcp with ten thousand sockets does not allocate megabytes every interval. Files in
 * /proc report a size of zero, so the buffer grows by doubling until a read meets the end.
 * Used by one cycle at a time.
 */
public final class FileReader {

    private static final int INITIAL_SIZE = 8192;
    /**
     * Most bytes asked of one read: the JDK copies through a temporary native buffer of the size asked for and
     * keeps it per thread, so reading a 4 MiB table in one request would hold 4 MiB of native memory for good.
     */
    static final int READ_SIZE = 64 * 1024;
    /** Nothing skerry reads is larger; a bigger file is cut here rather than exhausting memory. */
    static final int MAX_SIZE = 64 * 1024 * 1024;

    private final Map<Path, byte[]> buffers = new HashMap<>();
    private final Map<Path, byte[]> streamBuffers = new HashMap<>();

    public FileBytes read(Path path) throws IOException {
        byte[] buffer = buffers.getOrDefault(path, new byte[INITIAL_SIZE]);
        int length = 0;
        try (InputStream in = Files.newInputStream(path)) {
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
     * The file's lines read as they are parsed, through a buffer of {@value #READ_SIZE} bytes kept
     * per path; for the socket tables, megabytes at ten thousand connections. The caller closes it.
     */
    public Lines stream(Path path) throws IOException {
        InputStream in = Files.newInputStream(path);
        byte[] buffer = streamBuffers.computeIfAbsent(path, unused -> new byte[READ_SIZE]);
        return new Lines(path, buffer, in);
    }
}
