package dev.skerry.collect;

import java.io.IOException;

import jakarta.enterprise.context.ApplicationScoped;

import dev.skerry.report.Report;

/**
 * cpu_usage_percent: the share of CPU time not idle since the previous report, over all CPUs,
 * from the "cpu" line of /proc/stat. iowait counts as idle; guest time is already part of user
 * time, so it is not added again. The first report carries none: it needs two samples.
 */
@ApplicationScoped
public class CpuUsageCollector implements Collector {

    static final String METRIC = "cpu_usage_percent";

    private long[] previous;

    @Override
    public String name() {
        return "cpu_usage";
    }

    @Override
    public void collect(Cycle cycle, Report.Builder report) throws IOException {
        long[] current;
        try {
            FileBytes file = cycle.proc("stat");
            current = file == null ? null : parse(file);
        } catch (IOException | RuntimeException e) {
            previous = null;
            throw e;
        }
        long[] before = previous;
        previous = current;
        if (current == null || before == null) {
            return;
        }
        long total = current[0] - before[0];
        long idle = current[1] - before[1];
        if (total <= 0 || idle < 0 || idle > total) {
            return; // counters went backwards (a CPU went offline): no meaningful share this time
        }
        report.custom(METRIC, Math.round(10000.0 * (total - idle) / total) / 100.0);
    }

    /** Total and idle jiffies: user nice system idle iowait irq softirq steal (later fields are guest time). */
    static long[] parse(FileBytes file) {
        Lines lines = file.lines();
        while (lines.next()) {
            if (lines.lineStartsWith("cpu ")) {
                lines.skipField();
                long total = 0;
                long idle = 0;
                for (int field = 0; field < 8 && (field < 4 || !lines.atLineEnd()); field++) {
                    long value = lines.unsignedDecimal();
                    total += value;
                    if (field == 3 || field == 4) {
                        idle += value;
                    }
                    lines.skipSpaces();
                }
                return new long[] {total, idle};
            }
        }
        throw new MalformedFileException(file.path(), 0, "no 'cpu' line");
    }
}
