package dev.skerry.pipeline;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import dev.skerry.collect.Collection;
import dev.skerry.report.HealthSource;
import dev.skerry.report.Report;
import dev.skerry.report.ReportIds;

/**
 * Makes one report per cycle: the collectors' metrics plus skerry's own health, so that an
 * operator sees a degraded device in the data rather than in logs nobody reads.
 */
public final class Reporter {

    private final Collection collection;
    private final ReportIds ids;
    private final Clock clock;
    private final AtomicLong ticksDropped = new AtomicLong();
    private final AtomicLong produced = new AtomicLong();
    private final List<HealthSource> health = new CopyOnWriteArrayList<>();

    public Reporter(Collection collection, ReportIds ids) {
        this(collection, ids, Clock.systemUTC());
    }

    public Reporter(Collection collection, ReportIds ids, Clock clock) {
        this.collection = collection;
        this.ids = ids;
        this.clock = clock;
    }

    public void addHealthSource(HealthSource source) {
        health.add(source);
    }

    /** Ticks that came while the previous cycle was still running and were skipped. */
    public void ticksDropped(long count) {
        ticksDropped.addAndGet(count);
    }

    /** At a clean stop, once no cycle runs any more. */
    public void close() {
        ids.close();
    }

    public Report report() {
        Report.Builder builder = Report.builder();
        int failures = collection.collect(builder);
        builder.custom("collector_errors", failures)
                .custom("ticks_dropped", ticksDropped.get())
                .custom("reports_produced", produced.incrementAndGet())
                // the time of the report, whatever its id: a backlog replayed later can still be dated
                .custom("report_built_epoch_seconds", clock.millis() / 1000);
        for (HealthSource source : health) {
            source.contribute(builder);
        }
        return builder.build(ids.next());
    }
}
