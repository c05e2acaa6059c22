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
        double[] load = parse(file);
        report.custom("load_average_1m", load[0])
                .custom("load_average_5m", load[1])
                .custom("load_average_15m", load[2]);
    }

    /** The 1, 5 and 15 minute averages: the first three fields. */
    static double[] parse(FileBytes file) {
        Lines lines = file.firstLine();
        return new double[] {lines.decimal(), lines.decimal(), lines.decimal()};
    }
}
