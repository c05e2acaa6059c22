package dev.skerry.pipeline;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import dev.skerry.report.Report;

/**
 * ticks -> collect -> sink, on one thread of its own. Ticks keep a fixed rate; a tick that comes
 * while a cycle is still running is dropped and counted, so a slow cycle never piles up work and
 * is never followed by a burst of catch-up cycles. Nothing that fails inside a cycle stops the
 * ticks. A plain scheduled thread rather than a reactive stream: the device pays for every
 * wake-up and every interpreted call of a long-interval loop.
 */
public final class Pipeline implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Pipeline.class);
    private static final Duration CYCLE_FINISH = Duration.ofSeconds(5);
    private static final long FIRST_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final Reporter reporter;
    private final ReportSink sink;
    private final Heartbeat heartbeat;
    private final ScheduledThreadPoolExecutor worker = new ScheduledThreadPoolExecutor(1, runnable -> {
        Thread thread = new Thread(runnable, "skerry-cycle");
        thread.setDaemon(true);
        return thread;
    });
    private long periodNanos;
    /** When the tick being waited for is due, on the System.nanoTime() scale (a clock that is never set). */
    private long nextTick;

    public Pipeline(Reporter reporter, ReportSink sink, Heartbeat heartbeat) {
        this.reporter = reporter;
        this.sink = sink;
        this.heartbeat = heartbeat;
        worker.setRemoveOnCancelPolicy(true);
    }

    public synchronized void start(Duration interval) {
        periodNanos = interval.toNanos();
        nextTick = System.nanoTime() + FIRST_TICK_NANOS;
        worker.schedule(this::tick, FIRST_TICK_NANOS, TimeUnit.NANOSECONDS);
    }

    private void tick() {
        try {
            cycle();
        } catch (Throwable e) { // an Error that cycle() lets through (out of memory): the next tick still comes
            LOG.error("A report cycle failed; the next one runs as planned", e);
        } finally {
            scheduleNext();
        }
    }

    private void scheduleNext() {
        long now = System.nanoTime();
        nextTick += periodNanos;
        if (nextTick - now <= 0) {
            long missed = (now - nextTick) / periodNanos + 1;
            reporter.ticksDropped(missed);
            nextTick += missed * periodNanos;
        }
        try {
            worker.schedule(this::tick, nextTick - now, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // closed: no more ticks
        }
    }

    /** One report, built and emitted; never throws, so the ticks never end on a fault. */
    public boolean cycle() {
        try {
            Report report = reporter.report();
            sink.emit(report);
            heartbeat.beat();
            return true;
        } catch (Exception | LinkageError | StackOverflowError e) {
            LOG.errorf(e, "A report cycle failed; the next one runs as planned");
            return false;
        }
    }

    @Override
    public synchronized void close() {
        // no new ticks, but a cycle that is running finishes its report (and its spool write) rather than being cut short
        worker.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        worker.shutdown();
        try {
            if (!worker.awaitTermination(CYCLE_FINISH.toMillis(), TimeUnit.MILLISECONDS)) {
                worker.shutdownNow();
            }
        } catch (InterruptedException e) {
            worker.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
