package dev.skerry.pipeline;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import dev.skerry.report.Report;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;

/**
 * ticks -> collect (on a worker thread of its own) -> sink. A tick that arrives while a cycle is
 * still running is dropped and counted, so a slow cycle never piles up work. Nothing that fails
 * inside a cycle ends the stream.
 */
public final class Pipeline implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Pipeline.class);
    private static final Duration CYCLE_FINISH = Duration.ofSeconds(5);

    private final Reporter reporter;
    private final ReportSink sink;
    private final Heartbeat heartbeat;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "skerry-cycle");
        thread.setDaemon(true);
        return thread;
    });
    private Cancellable subscription;

    public Pipeline(Reporter reporter, ReportSink sink, Heartbeat heartbeat) {
        this.reporter = reporter;
        this.sink = sink;
        this.heartbeat = heartbeat;
    }

    public synchronized void start(Duration interval) {
        subscription = Multi.createFrom().ticks().startingAfter(Duration.ofMillis(1)).every(interval)
                .onOverflow().invoke(tick -> reporter.tickDropped()).drop()
                .onItem().transformToUniAndConcatenate(tick -> Uni.createFrom().item(this::cycle).runSubscriptionOn(worker))
                .onFailure().invoke(failure -> LOG.error("The report stream failed and restarts", failure))
                .onFailure().retry().withBackOff(interval, interval).indefinitely()
                .subscribe().with(ignored -> { });
    }

    /** One report, built and emitted; never throws, so the stream never ends on a fault. */
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
        if (subscription != null) {
            subscription.cancel();
        }
        // let a cycle that is running finish its report (and its spool write) rather than cut it short
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
