package dev.skerry.publish;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one thread of the publishing stream, "skerry-spool": the spool's file operations block, so they run here, never
 * on the connection's event loop. Also the scheduler of the stream's timers (pace, ack timeout, backoff, idle check).
 */
final class SpoolThread {

    private volatile Thread worker;
    private final ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
        Thread thread = new Thread(runnable, "skerry-spool");
        thread.setDaemon(true);
        worker = thread;
        return thread;
    });

    SpoolThread() {
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    ScheduledExecutorService executor() {
        return executor;
    }

    boolean isCurrent() {
        return Thread.currentThread() == worker;
    }

    /** Runs action here: at once when already here. Once shut down, nothing more runs. */
    void run(Runnable action) {
        if (isCurrent() && !executor.isShutdown()) {
            action.run();
        } else {
            after(Duration.ZERO, action);
        }
    }

    void after(Duration delay, Runnable action) {
        try {
            executor.schedule(action, delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closed) {
            // shut down: nothing more runs
        }
    }

    /** Runs last as the final task, then stops the thread, waiting up to 5 s. */
    void close(Runnable last) {
        try {
            executor.execute(last);
        } catch (RejectedExecutionException closed) {
            return;
        }
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
