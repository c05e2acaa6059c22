package dev.skerry.publish;

import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import dev.skerry.spool.Spool;
import dev.skerry.spool.SpooledReport;
import io.smallrye.mutiny.subscription.UniEmitter;

/**
 * The reports between their PUBLISH and the delete of their file, oldest first, and the matching of the broker's
 * PUBACKs to them. Reports are opened, deleted and given up on the spool thread; PUBACKs and write completions come
 * on the connection's event loop. Each report is settled once: acknowledged or failed, whichever comes first; what
 * comes after is ignored, so a late PUBACK of a report given up never deletes it a second time or twice counts it.
 */
final class InFlightWindow {

    /** What became of one report in flight: delivered (its file deleted) or failed. */
    record Outcome(Flight flight, Throwable failure) {
    }

    /** One report sent and not yet deleted, with its packet id once the PUBLISH was written. */
    static final class Flight {
        final SpooledReport report;
        private final AtomicBoolean settled = new AtomicBoolean();
        private volatile boolean acknowledged;
        private volatile int packetId = -1;
        private volatile int earlyAck = -1;
        private volatile UniEmitter<? super Outcome> emitter;

        Flight(SpooledReport report) {
            this.report = report;
        }

        void bind(UniEmitter<? super Outcome> emitter) {
            this.emitter = emitter;
        }

        boolean acknowledged() {
            return acknowledged;
        }

        private void emit(Outcome outcome) {
            UniEmitter<? super Outcome> target = emitter;
            if (target != null) {
                target.complete(outcome);
            }
        }
    }

    private final Spool spool;
    /** Told on the spool thread of every report whose file was deleted, in the order they were sent. */
    private final Consumer<SpooledReport> delivered;
    /** Wakes the spool thread to delete what was acknowledged; called from the event loop. */
    private final Consumer<Runnable> onSpoolThread;
    private final Deque<Flight> flights = new ConcurrentLinkedDeque<>();

    InFlightWindow(Spool spool, Consumer<SpooledReport> delivered, Consumer<Runnable> onSpoolThread) {
        this.spool = spool;
        this.delivered = delivered;
        this.onSpoolThread = onSpoolThread;
    }

    /** On the spool thread: the report is about to be sent. */
    Flight open(SpooledReport report) {
        Flight flight = new Flight(report);
        flights.addLast(flight);
        return flight;
    }

    /** The oldest report not yet in flight: after the newest one in flight, or the oldest in the spool. */
    Optional<SpooledReport> next() {
        Flight newest = flights.peekLast();
        return newest == null ? spool.oldest() : spool.after(newest.report.reportId());
    }

    boolean isEmpty() {
        return flights.isEmpty();
    }

    int size() {
        return flights.size();
    }

    /** The PUBLISH was written with this packet id (QoS 1): a PUBACK that overtook the write settles it now. */
    void written(Flight flight, int packetId) {
        flight.packetId = packetId;
        if (flight.earlyAck == packetId) {
            acknowledge(flight);
        }
    }

    /** A PUBACK, on the event loop. One that matches no report in flight is late for a publish given up on. */
    void acknowledged(int packetId) {
        for (Flight flight : flights) {
            if (flight.packetId == packetId) {
                acknowledge(flight);
                return;
            }
        }
        for (Flight flight : flights) {
            if (flight.packetId == -1) {
                flight.earlyAck = packetId; // the PUBACK overtook the publish's own completion
                return;
            }
        }
    }

    /** Acknowledged without a PUBACK: a QoS 0 report once written. */
    void acknowledge(Flight flight) {
        if (flight.settled.compareAndSet(false, true)) {
            flight.acknowledged = true;
            onSpoolThread.accept(this::deleteAcknowledged);
        }
    }

    /** The report with this packet id failed (the session's own PUBACK timer ran out). */
    void failed(int packetId, String reason) {
        for (Flight flight : flights) {
            if (flight.packetId == packetId) {
                fail(flight, new PublishFailure(reason, true));
                return;
            }
        }
    }

    /** Every report in flight not yet acknowledged failed: the connection was lost. */
    void failAll(String reason) {
        for (Flight flight : flights) {
            fail(flight, new PublishFailure(reason)); // an acknowledged one is settled already and stays so
        }
    }

    /** True when this call settled it, false when it was acknowledged or given up first. */
    boolean fail(Flight flight, Throwable failure) {
        if (flight.settled.compareAndSet(false, true)) {
            flight.emit(new Outcome(flight, failure));
            return true;
        }
        return false;
    }

    /** Its stream was cancelled: whatever comes for it later is ignored, unless it was acknowledged already. */
    void abandon(Flight flight) {
        flight.settled.set(true);
    }

    /**
     * On the spool thread: the acknowledged reports leave the spool, all with one directory fsync, their places in
     * flight are free, and each one's stream gets its outcome. Idempotent: a later call finds nothing to do.
     */
    void deleteAcknowledged() {
        List<Flight> done = flights.stream().filter(Flight::acknowledged).toList();
        if (done.isEmpty()) {
            return;
        }
        spool.remove(done.stream().map(flight -> flight.report.reportId()).toList());
        for (Flight flight : done) {
            flights.remove(flight);
        }
        for (Flight flight : done) {
            delivered.accept(flight.report);
            flight.emit(new Outcome(flight, null));
        }
    }

    /**
     * On the spool thread, after a failure: what was acknowledged is deleted, every other report in flight is given
     * up (its late PUBACK ignored) and stays in the spool, to be sent again, oldest first.
     */
    void giveUp() {
        for (Flight flight : flights) {
            flight.settled.set(true);
        }
        try {
            deleteAcknowledged();
        } finally {
            flights.clear();
        }
    }

    /** A fault on the way to the broker; its message is what the operator reads. */
    static final class PublishFailure extends RuntimeException {
        /** No PUBACK came in time, on a connection that may otherwise look alive. */
        final boolean noAck;

        PublishFailure(String message) {
            this(message, false);
        }

        PublishFailure(String message, boolean noAck) {
            super(message, null, false, false);
            this.noAck = noAck;
        }
    }
}
