package dev.skerry.files;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Set;

/**
 * Reads and writes of skerry's own files (state and spool directories) that no file planted
 * there can turn against it: symbolic links are never followed, a FIFO or device is never
 * opened (opening a FIFO blocks until a writer comes; /dev/zero never ends), a read never
 * allocates more than its bound, and a temp file is created exclusively (O_CREAT|O_EXCL, which
 * does not follow a link either).
 */
public final class SmallFiles {

    private static final FileAttribute<?> PRIVATE = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private SmallFiles() {
    }

    /** Why file cannot be read as one of skerry's files (thrown before it is opened). */
    public static final class NotRegular extends IOException {
        NotRegular(Path file, String kind) {
            super(file + " is " + kind + ", not a regular file");
        }
    }

    /** The whole file, when it is a regular file (not a link to one) of at most maxBytes. */
    public static byte[] read(Path file, long maxBytes) throws IOException {
        long limit = Math.min(maxBytes, Integer.MAX_VALUE - 16);
        BasicFileAttributes attributes = regular(file);
        if (attributes.size() > limit) {
            throw new IOException(attributes.size() + " bytes, more than the limit of " + limit);
        }
        try (FileChannel channel = FileChannel.open(file, Set.of(READ, NOFOLLOW_LINKS))) {
            // the file may have grown since: read one byte more than allowed to notice
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(limit + 1, attributes.size() + 1));
            while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                if (!buffer.hasRemaining() && buffer.capacity() <= limit) {
                    buffer = ByteBuffer.allocate((int) Math.min(limit + 1, buffer.capacity() * 2L)).put(buffer.flip());
                }
            }
            if (buffer.position() > limit) {
                throw new IOException("more than the limit of " + limit + " bytes");
            }
            return Arrays.copyOf(buffer.array(), buffer.position());
        }
    }

    /**
     * Replaces file by content durably: a temp file beside it, created exclusively (whatever was
     * left under its name, a planted link included, is unlinked first, never followed), fsynced
     * and renamed over file. A crash leaves the old content or the new one.
     */
    public static void replace(Path file, byte[] content) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        try {
            try (FileChannel channel = FileChannel.open(temp, Set.of(CREATE_NEW, WRITE, NOFOLLOW_LINKS), PRIVATE)) {
                writeFully(channel, content);
                channel.force(true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    /**
     * Writes content at the start of file in place, creating it (0600) when missing, and fsyncs.
     * Overwriting blocks a file already has needs no free space: this is how a count is kept on
     * a full disk. Content must not be shorter than what the file holds.
     */
    public static void overwrite(Path file, byte[] content) throws IOException {
        if (Files.exists(file, NOFOLLOW_LINKS)) {
            regular(file);
        }
        try (FileChannel channel = FileChannel.open(file, Set.of(java.nio.file.StandardOpenOption.CREATE, WRITE, NOFOLLOW_LINKS), PRIVATE)) {
            writeFully(channel, content);
            channel.force(true);
        }
    }

    /** Unlinks file (a link itself, not its target) if it can; for a file that is ignored anyway. */
    public static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // it stays ignored
        }
    }

    /** The attributes of file itself (not of a link's target); a NotRegular for anything but a regular file. */
    public static BasicFileAttributes regular(Path file) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class, NOFOLLOW_LINKS);
        if (!attributes.isRegularFile()) {
            throw new NotRegular(file, attributes.isSymbolicLink() ? "a symbolic link"
                    : attributes.isDirectory() ? "a directory" : "a FIFO, socket or device");
        }
        return attributes;
    }

    private static void writeFully(FileChannel channel, byte[] content) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }
}
