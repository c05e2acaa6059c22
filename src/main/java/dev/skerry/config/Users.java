package dev.skerry.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Who this process runs as, read from the kernel rather than from $USER, which anyone can set. */
public final class Users {

    private Users() {
    }

    public static boolean isRoot() {
        return effectiveUid() == 0;
    }

    /** The effective uid from /proc/self/status, or -1 when it cannot be read. */
    public static long effectiveUid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return Long.parseLong(line.substring(4).strip().split("\\s+")[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // unknown
        }
        return -1;
    }
}
