package dev.skerry.config;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;


/**
 * Where skerry keeps what must survive a restart. Unset SKERRY_STATE_DIR means: systemd's
 * STATE_DIRECTORY, else /var/lib/skerry for root, else $XDG_STATE_HOME/skerry or ~/.local/state/skerry.
 */
public final class StateDirectory {

    private StateDirectory() {
    }

    public static Path resolve(Map<String, String> env) {
        String configured = env.get("SKERRY_STATE_DIR");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured.strip());
        }
        String systemd = env.get("STATE_DIRECTORY");
        if (systemd != null && !systemd.isBlank()) {
            // systemd passes a colon-separated list when several are configured; the first is ours
            return Path.of(systemd.split(":")[0]);
        }
        if (Users.isRoot()) {
            return Path.of("/var/lib/skerry");
        }
        String xdg = env.get("XDG_STATE_HOME");
        if (xdg != null && xdg.startsWith("/")) {
            return Path.of(xdg, "skerry");
        }
        return Path.of(System.getProperty("user.home"), ".local", "state", "skerry");
    }

    /**
     * Creates the directory (0700) when needed; a directory skerry cannot write to, or one that
     * another user owns or may write to, is a configuration error.
     */
    static Optional<String> problem(Map<String, String> env) {
        Path dir = resolve(env);
        String variable = env.containsKey("SKERRY_STATE_DIR") ? "SKERRY_STATE_DIR" : "SKERRY_STATE_DIR (unset, default " + dir + ")";
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return Optional.of(variable + ": cannot create " + dir + " (" + describe(e) + ")");
        }
        if (!Files.isWritable(dir)) {
            return Optional.of(variable + ": " + dir + " is not writable by this user");
        }
        return Optional.ofNullable(TrustedDirectory.problem(dir, Users.effectiveUid())).map(problem -> variable + ": " + problem);
    }

    private static String describe(Exception e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException failure && failure.getReason() != null) {
            return failure.getReason();
        }
        return e.getClass().getSimpleName();
    }
}
