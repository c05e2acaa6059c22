package dev.skerry.publish;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import dev.skerry.spool.SpooledReport;

/** Who waits for which report (the once mode), and how many reports the broker acknowledged. */
final class Deliveries {

    private final Map<Long, CompletableFuture<Boolean>> waiters = new ConcurrentHashMap<>();
    private final AtomicLong acknowledged = new AtomicLong();
    private volatile Long lastAcknowledged;

    /** Completes with true once the report was acknowledged, false when it was dropped from the spool first. */
    CompletableFuture<Boolean> of(long reportId) {
        return waiters.computeIfAbsent(reportId, id -> new CompletableFuture<>());
    }

    void delivered(SpooledReport report) {
        acknowledged.incrementAndGet();
        lastAcknowledged = System.currentTimeMillis();
        complete(report.reportId(), true);
    }

    /** Device Defender mode dropped every report but kept: their waiters are told they will never be delivered. */
    void droppedAllBut(Optional<SpooledReport> kept) {
        for (Long id : waiters.keySet()) {
            if (kept.isEmpty() || kept.get().reportId() != id) {
                complete(id, false);
            }
        }
    }

    /** When the broker last acknowledged a report (epoch ms), null before the first. */
    Long lastAcknowledged() {
        return lastAcknowledged;
    }

    long acknowledged() {
        return acknowledged.get();
    }

    private void complete(long reportId, boolean delivered) {
        CompletableFuture<Boolean> waiter = waiters.remove(reportId);
        if (waiter != null) {
            waiter.complete(delivered);
        }
    }
}
