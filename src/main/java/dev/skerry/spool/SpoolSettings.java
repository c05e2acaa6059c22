package dev.skerry.spool;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/** maxBytes counts payload bytes + header bytes; memoryGrace only matters for MEMORY_FIRST. */
public record SpoolSettings(Path directory, long maxBytes, int maxCount, SpoolMode mode, Duration memoryGrace) {

    public SpoolSettings {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(memoryGrace, "memoryGrace");
        if (maxBytes <= 0 || maxCount <= 0) {
            throw new IllegalArgumentException("maxBytes and maxCount must be positive, not " + maxBytes + " and " + maxCount);
        }
        if (memoryGrace.isNegative()) {
            throw new IllegalArgumentException("memoryGrace must not be negative: " + memoryGrace);
        }
    }
}
