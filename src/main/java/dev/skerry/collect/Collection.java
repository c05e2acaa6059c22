package dev.skerry.collect;

import java.util.ArrayList;
import java.util.List;

import org.jboss.logging.Logger;

import dev.skerry.report.Report;

/**
 * Runs the enabled collectors over one cycle. A collector that throws costs only its own metric
 * for that cycle; each distinct cause is logged once (balena ships every log line over the
 * device's uplink), and once more when the collector works again.
 */
public final class Collection {

    private static final Logger LOG = Logger.getLogger(Collection.class);

    private final List<Collector> collectors;
    private final HostPaths paths;
    private final int listLimit;
    private final int connectionLimit;
    private final FileReader reader = new FileReader();
    private final ProblemLog problems = new ProblemLog(LOG);

    public Collection(List<Collector> collectors, HostPaths paths, int listLimit) {
        this(collectors, paths, listLimit, listLimit);
    }

    /** A detect check counts connections without naming them unless its profile looks at their destinations. */
    public Collection(List<Collector> collectors, HostPaths paths, int listLimit, int connectionLimit) {
        this.collectors = List.copyOf(collectors);
        this.paths = paths;
        this.listLimit = listLimit;
        this.connectionLimit = connectionLimit;
    }

    public List<String> names() {
        List<String> names = new ArrayList<>();
        collectors.forEach(collector -> names.add(collector.name()));
        return names;
    }

    /** One cycle: every collector once. Returns how many collectors failed. */
    public int collect(Report.Builder report) {
        Cycle cycle = new Cycle(paths, reader, listLimit, connectionLimit, (source, cause) -> problems.failed(source, cause));
        int failures = 0;
        for (Collector collector : collectors) {
            try {
                collector.collect(cycle, report);
                problems.succeeded(collector.name());
            } catch (Exception | StackOverflowError e) {
                failures++;
                problems.failed(collector.name(), e);
            }
        }
        for (String rejected : report.rejected()) {
            problems.failed("report", new IllegalArgumentException(rejected));
        }
        return failures;
    }
}
