package dev.skerry.collect;

import java.nio.file.Path;

/**
 * The roots every collector reads under, so that a container can read the host's files from
 * where they are mounted and tests can point the collectors at recorded snapshots.
 */
public record HostPaths(Path procfs, Path sysfs, Path rootfs) {

    public static HostPaths system() {
        return new HostPaths(Path.of("/proc"), Path.of("/sys"), Path.of("/"));
    }

    public Path proc(String relative) {
        return procfs.resolve(relative);
    }

    public Path sys(String relative) {
        return sysfs.resolve(relative);
    }

    public Path root(String relative) {
        return rootfs.resolve(relative);
    }
}
