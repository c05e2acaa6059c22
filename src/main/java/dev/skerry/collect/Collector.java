package dev.skerry.collect;

import java.io.IOException;

import dev.skerry.report.Report;

/**
 * One metric family. Implementations are CDI beans, found by the pipeline: a new collector is a
 * new class and its fixture test, nothing else. A collector reads only through the {@link Cycle}
 * (so tests can point it at recorded files), sets its metric on the builder only once it has
 * parsed everything (so a failure costs its metric and nothing else), and treats a missing file
 * as "this host does not have it": the metric is left out.
 */
public interface Collector {

    /** The name used in logs and in SKERRY_COLLECTORS_DISABLED. */
    String name();

    void collect(Cycle cycle, Report.Builder report) throws IOException;
}
