package dev.skerry.collect;

import java.io.IOException;

import jakarta.enterprise.context.ApplicationScoped;

import dev.skerry.report.Report;

/**
 * memory_total_bytes and memory_available_bytes from /proc/meminfo. MemAvailable is the kernel's
 * estimate of what can be allocated without swapping (kernels before 3.14 lack it: then only the
 * total is reported).
 */
@ApplicationScoped
public class MemoryCollector implements Collector {

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public void collect(Cycle cycle, Report.Builder report) throws IOException {
        FileBytes file = cycle.proc("meminfo");
        if (file == null) {
            return;
        }
        Memory memory = parse(file);
        report.custom("memory_total_bytes", memory.total());
        if (memory.available() >= 0) {
            report.custom("memory_available_bytes", memory.available());
        }
    }

    /** Bytes; {@code available} is -1 on a kernel without MemAvailable. */
    record Memory(long total, long available) {
    }

    static Memory parse(FileBytes file) {
        long total = -1;
        long available = -1;
        Lines lines = file.lines();
        while (lines.next()) { // to the end: a file cut short is malformed even past the lines we need
            if (lines.skipIf("MemTotal:")) {
                total = kibibytes(lines);
            } else if (lines.skipIf("MemAvailable:")) {
                available = kibibytes(lines);
            }
        }
        if (total < 0) {
            throw new MalformedFileException(file.path(), 0, "no MemTotal line");
        }
        if (available > total) {
            throw new MalformedFileException(file.path(), 0, "MemAvailable above MemTotal");
        }
        return new Memory(total, available);
    }

    private static long kibibytes(Lines lines) {
        long value = lines.unsignedDecimal();
        if (!lines.skipIf("kB") || value < 0 || value > Long.MAX_VALUE / 1024) {
            throw lines.malformed("expected a size in kB");
        }
        return value * 1024;
    }
}
