package dev.skerry.collect;

import java.io.IOException;

import jakarta.enterprise.context.ApplicationScoped;

import dev.skerry.report.Report;

/** process_count: the numeric directories of procfs, one per process (threads are not counted). */
@ApplicationScoped
public class ProcessCountCollector implements Collector {

    @Override
    public String name() {
        return "processes";
    }

    @Override
    public void collect(Cycle cycle, Report.Builder report) throws IOException {
        String[] names = cycle.list(cycle.paths().procfs());
        if (names == null) {
            return;
        }
        int count = 0;
        for (String name : names) {
            if (isPid(name)) {
                count++;
            }
        }
        if (count > 0) {
            report.custom("process_count", count);
        }
    }

    private static boolean isPid(String name) {
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) < '0' || name.charAt(i) > '9') {
                return false;
            }
        }
        return !name.isEmpty();
    }
}
