package dev.skerry.detect;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;


import dev.skerry.collect.Collection;
import dev.skerry.report.Report;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;

/**
 * The check stream, beside the report stream and sharing nothing with it but the host:
 *
 * <pre>
 * ticks() every SKERRY_CHECK_INTERVAL   "skerry-check-ticks"
 *   -> onOverflow().drop()              a tick during a check is dropped
 *   -> transformToUniAndConcatenate(check on "skerry-check")   the profile's collectors only, evaluated, forgotten
 * </pre>
 *
 * A report cycle never waits for a check, nor a check for a report.
 */
final class CheckStream implements AutoCloseable {

    private static final DetectMessages LOG = DetectMessages.of(CheckStream.class);

    private final Collection collection;
    private final Detector detector;
    private final ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor(runnable -> thread(runnable, "skerry-check-ticks"));
    private final ExecutorService checks = Executors.newSingleThreadExecutor(runnable -> thread(runnable, "skerry-check"));
    private volatile Cancellable subscription;

    CheckStream(Collection collection, Detector detector) {
        this.collection = collection;
        this.detector = detector;
    }

    private static Thread thread(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }

    void start(Duration interval) {
        subscription = Multi.createFrom().ticks().startingAfter(Duration.ofMillis(1)).onExecutor(ticks).every(interval)
                .onOverflow().drop()
                .onItem().transformToUniAndConcatenate(tick -> Uni.createFrom().item(this::check).runSubscriptionOn(checks)
                        .onFailure().recoverWithItem(failure -> {
                            LOG.checkFailed(failure);
                            return false;
                        }))
                .subscribe().with(done -> { }, failure -> LOG.streamEnded(failure));
    }

    /** One check; never throws an Exception. */
    boolean check() {
        try {
            Report.Builder builder = Report.builder();
            collection.collect(builder);
            detector.check(builder.build(0));
            return true;
        } catch (Exception | StackOverflowError e) {
            LOG.checkFailed(e);
            return false;
        }
    }

    @Override
    public void close() {
        Cancellable running = subscription;
        if (running != null) {
            running.cancel();
        }
        ticks.shutdownNow();
        checks.shutdown();
        try {
            checks.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
