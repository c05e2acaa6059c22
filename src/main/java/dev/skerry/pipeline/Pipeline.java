package dev.skerry.pipeline;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.skerry.report.Report;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;

/**
 * The collection stream:
 *
 * <pre>
 * ticks()                          "skerry-ticks": a fixed rate, never held up by a cycle
 *   -> onOverflow().drop()         a tick that comes while a cycle runs is dropped and counted (ticks_dropped)
 *   -> transformToUniAndConcatenate(cycle on "skerry-cycle")   one at a time: collect, encode, spool, heartbeat
 * </pre>
 *
 * The concatenation asks for the next tick only when a cycle is over, so nothing queues and a slow cycle is never
 * followed by a burst of catch-up cycles; a failed cycle is logged and recovered as an item, so the stream never
 * ends on a fault.
 */
public final class Pipeline implements AutoCloseable {

    private static final PipelineMessages LOG = PipelineMessages.of(Pipeline.class);
    private static final Duration CYCLE_FINISH = Duration.ofSeconds(5);
    private static final Duration FIRST_TICK = Duration.ofMillis(1);

    private final Reporter reporter;
    private final ReportSink sink;
    private final Heartbeat heartbeat;
    private final ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor(runnable -> thread(runnable, "skerry-ticks"));
    private final ExecutorService cycles = Executors.newSingleThreadExecutor(runnable -> thread(runnable, "skerry-cycle"));
    private volatile Cancellable subscription;

    public Pipeline(Reporter reporter, ReportSink sink, Heartbeat heartbeat) {
        this.reporter = reporter;
        this.sink = sink;
        this.heartbeat = heartbeat;
    }

    private static Thread thread(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }

    public synchronized void start(Duration interval) {
        subscription = Multi.createFrom().ticks().startingAfter(FIRST_TICK).onExecutor(ticks).every(interval)
                .onOverflow().invoke(tick -> reporter.ticksDropped(1)).drop()
                .onItem().transformToUniAndConcatenate(tick -> Uni.createFrom().item(this::cycle).runSubscriptionOn(cycles)
                        .onFailure().recoverWithItem(Pipeline::escaped))
                .subscribe().with(done -> { }, LOG::reportStreamEnded);
    }

    /** An Error that cycle() lets through (out of memory): the next tick still comes. */
    private static boolean escaped(Throwable failure) {
        LOG.cycleFailed(failure);
        return false;
    }

    /** One report, built and emitted; never throws an Exception, so the ticks never end on a fault. */
    public boolean cycle() {
        try {
            Report report = reporter.report();
            sink.emit(report);
            heartbeat.beat();
            return true;
        } catch (Exception | LinkageError | StackOverflowError e) {
            LOG.cycleFailed(e);
            return false;
        }
    }

    @Override
    public synchronized void close() {
        Cancellable running = subscription;
        if (running != null) {
            running.cancel();
        }
        ticks.shutdownNow();
        // no new cycles, but one that is running finishes its report (and its spool write) rather than being cut short
        cycles.shutdown();
        try {
            if (!cycles.awaitTermination(CYCLE_FINISH.toMillis(), TimeUnit.MILLISECONDS)) {
                cycles.shutdownNow();
                return; // a cycle still runs: it may yet take an id, so the reserved ceiling stays
            }
        } catch (InterruptedException e) {
            cycles.shutdownNow();
            Thread.currentThread().interrupt();
            return;
        }
        reporter.close();
    }
}
