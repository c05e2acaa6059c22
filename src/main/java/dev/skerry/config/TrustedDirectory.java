package dev.skerry.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * A directory skerry keeps state or reports in must be its own: owned by the user it runs as
 * and writable by no one else. Whoever can write there can plant a report that the device then
 * publishes under its own certificate, or a link that makes skerry overwrite another file.
 */
public final class TrustedDirectory {

    private static final Set<PosixFilePermission> OTHERS_WRITE = EnumSet.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);

    private TrustedDirectory() {
    }

    /** Why dir cannot be trusted by a process running as uid (-1: unknown, the owner is not checked), with the fix; null when it can. */
    public static String problem(Path dir, long uid) {
        PosixFileAttributes attributes;
        int owner;
        try {
            // a link to the directory is followed: systemd's DynamicUser= makes the state directory one
            attributes = Files.readAttributes(dir, PosixFileAttributes.class);
            owner = (Integer) Files.getAttribute(dir, "unix:uid");
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return dir + ": cannot check its owner and permissions (" + e.getMessage() + ")";
        }
        if (uid >= 0 && owner != uid) {
            return dir + " belongs to uid " + owner + ", not to the user skerry runs as (uid " + uid
                    + "): another user could plant or change files there; make it skerry's own: chown " + uid + " " + dir + " && chmod 700 " + dir;
        }
        Set<PosixFilePermission> shared = EnumSet.copyOf(attributes.permissions());
        shared.retainAll(OTHERS_WRITE);
        if (!shared.isEmpty()) {
            return dir + " is writable by group or others (" + PosixFilePermissions.toString(attributes.permissions())
                    + "): another user could plant or change files there; make it private: chmod 700 " + dir;
        }
        return null;
    }
}
