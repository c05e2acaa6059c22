package dev.skerry.collect;

import java.io.IOException;

import jakarta.enterprise.context.ApplicationScoped;

import dev.skerry.report.Report;

/** uptime_seconds: whole seconds since boot, from /proc/uptime. */
@ApplicationScoped
public class UptimeCollector implements Collector {

    @Override
    public String name() {
        return "uptime";
    }

    @Override
    public void collect(Cycle cycle, Report.Builder report) throws IOException {
        FileBytes file = cycle.proc("uptime");
        if (file != null) {
            report.custom("uptime_seconds", parse(file));
        }
    }

    /** Whole seconds since boot: the integer part of the first field. */
    static long parse(FileBytes file) {
        Lines lines = file.firstLine();
        long seconds = lines.unsignedDecimal();
        lines.expect('.');
        if (seconds < 0) {
            throw lines.malformed("uptime out of range");
        }
        return seconds;
    }
}
