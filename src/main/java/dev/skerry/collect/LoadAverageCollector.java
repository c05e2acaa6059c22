package dev.skerry.collect;

import java.io.IOException;

import jakarta.enterprise.context.ApplicationScoped;

import dev.skerry.report.Report;

/** load_average_1m, load_average_5m and load_average_15m from /proc/loadavg. */
@ApplicationScoped
public class LoadAverageCollector implements Collector {

    @Override
    public String name() {
        return "load_average";
    }

    @Override
    public void collect(Cycle cycle, Report.Builder report) throws IOException {
        FileBytes file = cycle.proc("loadavg");
        if (file == null) {
            return;
        }
        Lines lines = file.firstLine();
        double oneMinute = lines.decimal();
        double fiveMinutes = lines.decimal();
        double fifteenMinutes = lines.decimal();
        report.custom("load_average_1m", oneMinute)
                .custom("load_average_5m", fiveMinutes)
                .custom("load_average_15m", fifteenMinutes);
    }
}
