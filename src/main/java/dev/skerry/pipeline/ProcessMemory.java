package dev.skerry.pipeline;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jboss.logging.Logger;

import dev.skerry.log.OncePerCause;

import dev.skerry.collect.FileBytes;
import dev.skerry.collect.FileReader;
import dev.skerry.collect.Lines;
import dev.skerry.collect.MalformedFileException;
import dev.skerry.report.HealthSource;
import dev.skerry.report.Report;

/**
 * skerry's own memory in every report, since attach and JMX are off and nothing outside can ask:
 * heap_after_gc_bytes (the heap in use right after the most recent garbage collection, the
 * figure that grows with a leak) and rss_bytes (VmRSS of /proc/self/status). What cannot be
 * read costs only its metric, logged once.
 */
public final class ProcessMemory implements HealthSource {

    private static final Logger LOG = Logger.getLogger(ProcessMemory.class);

    private final Path status;
    private final FileReader reader = new FileReader();
    private final Set<String> heapPools = new HashSet<>();
    /** Asked for once: the lookup walks the platform's MXBean registry, which costs more than the rest of this. */
    private final List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans();
    private long collectionsSeen = -1;
    private long heapAfterLastGc = -1;
    private final OncePerCause logged = OncePerCause.distinct(32);

    public ProcessMemory() {
        this(Path.of("/proc/self/status"));
    }

    ProcessMemory(Path status) {
        this.status = status;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                heapPools.add(pool.getName());
            }
        }
    }

    @Override
    public void contribute(Report.Builder report) {
        try {
            long heap = heapAfterLastGc();
            if (heap >= 0) {
                report.custom("heap_after_gc_bytes", heap);
            }
        } catch (RuntimeException | LinkageError e) {
            logOnce("heap_after_gc_bytes", e);
        }
        try {
            report.custom("rss_bytes", residentSetBytes());
        } catch (IOException | RuntimeException e) {
            logOnce("rss_bytes", e);
        }
    }

    /**
     * The heap pools' usage after the most recent collection, or -1 before the first one. Taken
     * from the collection itself rather than from each pool's collection usage: with the serial
     * collector the old generation's collection usage changes only at a full collection, so it
     * would miss what young collections promote, which is where a leak shows first.
     */
    long heapAfterLastGc() {
        long collections = 0;
        for (GarbageCollectorMXBean collector : collectors) {
            collections += collector.getCollectionCount();
        }
        if (collections != collectionsSeen) { // building the GcInfo costs far more than counting, and most cycles see no collection
            collectionsSeen = collections;
            heapAfterLastGc = readHeapAfterLastGc();
        }
        return heapAfterLastGc;
    }

    private long readHeapAfterLastGc() {
        com.sun.management.GcInfo latest = null;
        for (GarbageCollectorMXBean collector : collectors) {
            if (collector instanceof com.sun.management.GarbageCollectorMXBean hotspot) {
                com.sun.management.GcInfo info = hotspot.getLastGcInfo();
                if (info != null && (latest == null || info.getEndTime() > latest.getEndTime())) {
                    latest = info;
                }
            }
        }
        if (latest == null) {
            return -1;
        }
        long used = 0;
        for (Map.Entry<String, MemoryUsage> pool : latest.getMemoryUsageAfterGc().entrySet()) {
            if (heapPools.contains(pool.getKey())) {
                used += pool.getValue().getUsed();
            }
        }
        return used;
    }

    long residentSetBytes() throws IOException {
        FileBytes file = reader.read(status);
        if (file == null) {
            throw new NoSuchFileException(status.toString());
        }
        Lines lines = file.lines();
        while (lines.next()) {
            if (lines.skipIf("VmRSS:")) {
                long kibibytes = lines.unsignedDecimal();
                if (!lines.skipIf("kB") || kibibytes < 0 || kibibytes > Long.MAX_VALUE / 1024) {
                    throw lines.malformed("expected a size in kB");
                }
                return kibibytes * 1024;
            }
        }
        throw new MalformedFileException(status, 0, "no VmRSS line");
    }

    private void logOnce(String metric, Throwable cause) {
        if (logged.first(metric + cause.getClass().getName())) {
            LOG.warnf("%s left out: %s (logged once)", metric, cause instanceof MalformedFileException ? cause.getMessage() : cause.toString());
        }
    }
}
