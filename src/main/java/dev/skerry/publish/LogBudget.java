package dev.skerry.publish;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * At most burst log lines per window, for lines whose number someone else controls (messages
 * from the broker): a flood costs a few lines and a count, not the log. Thread-safe.
 */
final class LogBudget {

    private final int burst;
    private final long windowNanos;
    private final LongSupplier nanoTime;
    private long windowStart;
    private int used;
    private long suppressed;

    LogBudget(int burst, Duration window, LongSupplier nanoTime) {
        this.burst = burst;
        this.windowNanos = window.toNanos();
        this.nanoTime = nanoTime;
        this.windowStart = nanoTime.getAsLong();
    }

    /**
     * -1 when this line must not be logged (it is counted); otherwise how many lines were
     * suppressed since the last one logged, for the caller to mention.
     */
    synchronized long take() {
        long now = nanoTime.getAsLong();
        if (now - windowStart >= windowNanos) {
            windowStart = now;
            used = 0;
        }
        if (used >= burst) {
            suppressed++;
            return -1;
        }
        used++;
        long skipped = suppressed;
        suppressed = 0;
        return skipped;
    }
}
