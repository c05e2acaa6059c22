package dev.skerry.spool;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.skerry.files.SmallFiles;

/**
 * The spool's file operations on the real file system. writeTemp and forceFile open the file
 * separately: fsync flushes the file, not the descriptor, so nothing is lost between them.
 */
final class NioSpoolFiles implements SpoolFiles {

    @Override
    public void createDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        if (!Files.isWritable(dir)) {
            throw new AccessDeniedException(dir.toString(), null, "not writable by this user");
        }
    }

    @Override
    public void writeTemp(Path temp, byte[] content) throws IOException {
        // exclusively: a link planted under the temp name is unlinked, never written through
        Files.deleteIfExists(temp);
        try (FileChannel channel = FileChannel.open(temp, Set.of(CREATE_NEW, WRITE, NOFOLLOW_LINKS),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }
    }

    @Override
    public void forceFile(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, WRITE, NOFOLLOW_LINKS)) {
            channel.force(true);
        }
    }

    @Override
    public void rename(Path temp, Path target) throws IOException {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public void forceDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, READ)) {
            try {
                channel.force(true);
            } catch (IOException e) {
                // some file systems refuse to fsync a directory; their renames are as durable as they make them
            }
        }
    }

    @Override
    public void delete(Path file) throws IOException {
        Files.deleteIfExists(file);
    }

    @Override
    public void overwriteInPlace(Path file, byte[] content) throws IOException {
        try (FileChannel channel = FileChannel.open(file, Set.of(WRITE, NOFOLLOW_LINKS))) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer, buffer.position());
            }
            channel.truncate(content.length);
            channel.force(true);
        }
    }

    @Override
    public List<String> list(Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                names.add(entry.getFileName().toString());
            }
        }
        return names;
    }

    @Override
    public byte[] read(Path file, long limit) throws IOException {
        return SmallFiles.read(file, limit);
    }

    @Override
    public Path moveAside(Path file, Path corruptDir) throws IOException {
        String name = file.getFileName().toString();
        Path target = corruptDir.resolve(name);
        for (int n = 1; ; n++) {
            try {
                return Files.move(file, target);
            } catch (FileAlreadyExistsException e) {
                target = corruptDir.resolve(name + "." + n);
            }
        }
    }
}
