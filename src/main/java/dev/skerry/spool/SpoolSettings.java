package dev.skerry.spool;

import dev.skerry.config.SpoolMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * maxBytes counts payload bytes + header bytes; memoryGrace only matters for MEMORY_FIRST.
 * memoryMaxBytes and memoryMaxCount bound the reports held only in memory (not yet written, or
 * not writable on a full disk): by default {@link #defaultMemoryMaxBytes} and at most
 * {@link #MEMORY_MAX_COUNT} reports, never more than the spool's own limits.
 */
public record SpoolSettings(Path directory, long maxBytes, int maxCount, SpoolMode mode, Duration memoryGrace,
        long memoryMaxBytes, int memoryMaxCount) {

    /** A report costs a few hundred bytes of bookkeeping besides its payload; a thousand of them stay below 1 MiB of it. */
    public static final int MEMORY_MAX_COUNT = 1000;
    /** The part of the Java heap (-Xmx) the memory fallback may fill with payloads. */
    static final int HEAP_SHARE = 8;
    static final long MEMORY_MIN_BYTES = 256 * 1024;

    public SpoolSettings {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(memoryGrace, "memoryGrace");
        if (maxBytes <= 0 || maxCount <= 0 || memoryMaxBytes <= 0 || memoryMaxCount <= 0) {
            throw new IllegalArgumentException("maxBytes, maxCount and the memory limits must be positive, not " + maxBytes + ", " + maxCount
                    + ", " + memoryMaxBytes + " and " + memoryMaxCount);
        }
        if (memoryGrace.isNegative()) {
            throw new IllegalArgumentException("memoryGrace must not be negative: " + memoryGrace);
        }
        memoryMaxBytes = Math.min(memoryMaxBytes, maxBytes);
        memoryMaxCount = Math.min(memoryMaxCount, maxCount);
    }

    /** The memory fallback sized for this JVM's heap. */
    public SpoolSettings(Path directory, long maxBytes, int maxCount, SpoolMode mode, Duration memoryGrace) {
        this(directory, maxBytes, maxCount, mode, memoryGrace, defaultMemoryMaxBytes(Runtime.getRuntime().maxMemory()), MEMORY_MAX_COUNT);
    }

    /** An eighth of the heap, at least 256 KiB: with -Xmx32m, 4 MiB. */
    public static long defaultMemoryMaxBytes(long maxHeap) {
        return Math.max(MEMORY_MIN_BYTES, maxHeap / HEAP_SHARE);
    }

    /**
     * The largest report the spool takes or reads back from a file: it must fit the memory
     * fallback, since it is held in memory while it is written.
     */
    public long maxReportBytes() {
        return memoryMaxBytes;
    }
}
