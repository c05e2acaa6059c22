package dev.skerry.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A small tmpfs mounted for one test, so that a write meets a real ENOSPC ("No space left on
 * device") rather than a simulated one. Mounting needs root (or CAP_SYS_ADMIN); elsewhere
 * {@link #mount} skips the test with the reason.
 */
public final class Tmpfs implements AutoCloseable {

    private final Path dir;

    private Tmpfs(Path dir) {
        this.dir = dir;
    }

    /** Mounts a tmpfs of the given size ("32k", "4m") on dir, an existing empty directory. */
    public static Tmpfs mount(Path dir, String size) {
        String failure = run("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0700", "tmpfs", dir.toString());
        assumeTrue(failure == null, () -> "cannot mount a tmpfs here (needs root): " + failure);
        return new Tmpfs(dir);
    }

    public Path dir() {
        return dir;
    }

    /** Grows (or shrinks) the file system in place; its files stay. */
    public void resize(String size) {
        String failure = run("mount", "-o", "remount,size=" + size, dir.toString());
        if (failure != null) {
            throw new IllegalStateException("cannot resize the tmpfs on " + dir + ": " + failure);
        }
    }

    @Override
    public void close() {
        run("umount", "-l", dir.toString());
    }

    /** Null when the command succeeded, else what went wrong. */
    private static String run(String... command) {
        try {
            Process process = new ProcessBuilder(new ArrayList<>(List.of(command))).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return process.waitFor() == 0 ? null : String.join(" ", command) + ": exit " + process.exitValue() + " " + output;
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
