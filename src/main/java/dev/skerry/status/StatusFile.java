package dev.skerry.status;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * {@code status.json} in the state directory: replaced whole (a temp file created exclusively, then renamed over it),
 * so a reader never sees half of it. Not fsynced: a status lost with a power cut is rewritten within a minute, and
 * the SD card is spared a flush per update.
 */
public final class StatusFile {

    public static final String FILE = "status.json";
    /** A status file larger than this is not one skerry wrote. */
    private static final long MAX_BYTES = 64 * 1024;

    private StatusFile() {
    }

    public static void write(Path stateDir, DeliveryStatus status) throws IOException {
        Path temp = stateDir.resolve(FILE + ".tmp");
        Files.deleteIfExists(temp); // a link planted there is removed, never followed
        Files.write(temp, status.toJson(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        Files.move(temp, stateDir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Empty when there is none (no broker, or no agent has run) or it is not one skerry wrote. */
    public static Optional<DeliveryStatus> read(Path stateDir) {
        Path file = stateDir.resolve(FILE);
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.size(file) > MAX_BYTES) {
                return Optional.empty();
            }
            return DeliveryStatus.fromJson(Files.readAllBytes(file));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
