package dev.skerry.publish;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;

import dev.skerry.publish.InFlightWindow.Flight;
import dev.skerry.publish.InFlightWindow.Outcome;
import dev.skerry.publish.InFlightWindow.PublishFailure;
import dev.skerry.spool.SpooledReport;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.smallrye.reactive.messaging.mqtt.session.ReconnectDelayProvider;

/**
 * The publishing stream: spooled reports, oldest first, each one a Uni that the broker's PUBACK completes, at most
 * max-in-flight of them at a time.
 *
 * <pre>
 * repeating(next report)        spool thread: waits for the connection, paces the replay, idles while the spool is empty
 *   -> transformToUni(send)     the PUBLISH is handed to the connection's event loop; the Uni completes on its PUBACK
 *        ifNoItem(ack timeout)  (and the delete of its file), or fails as an item: nothing queued behind it is lost
 *   -> merge(max in flight)     the demand is the in-flight window
 *   -> a failed outcome fails the stream: every report in flight is given up
 *   -> onFailure().retry().when(jittered backoff, reset by a success): resubscribed from the oldest report
 * </pre>
 *
 * Everything but the network runs on the spool thread, whose file operations block.
 */
final class DrainStream {

    private static final PublishMessages LOG = PublishMessages.of(DrainStream.class);
    private static final Duration IDLE_CHECK = Duration.ofSeconds(1);
    /** Missing PUBACKs in a row after which the connection is dropped: a broker that answers pings but never acknowledges. */
    static final int NO_ACKS_BEFORE_RECONNECT = 3;

    /** What the stream needs of the rest of the publisher. */
    interface Parts {
        boolean connected();

        /** Completes once the session is connected; cancelling it cancels only this wait. */
        Uni<Void> whenConnected();

        /** Writes the report's PUBLISH on the connection's event loop and tells the window when it was written. */
        void publish(Flight flight);

        /** Before the first report of a turn: memory-first persistence, Device Defender's freshest-only rule. */
        void beforeOldest();

        /** A fault was met; logged once per cause. */
        void failed(Throwable failure);

        /** Drops the connection and dials again, for the reason given. */
        void reconnect(String reason);
    }

    private final InFlightWindow window;
    private final Parts parts;
    private final SpoolThread spool;
    private final ScheduledExecutorService spoolThread;
    private final Duration ackTimeout;
    private final int maxInFlight;
    private final int replayRate;
    private final ReconnectDelayProvider backoff;
    private final AtomicReference<CompletableFuture<Void>> work = new AtomicReference<>(new CompletableFuture<>());
    // on the spool thread only
    private long lastSendNanos = System.nanoTime() - 1_000_000_000L;
    private int noAcksInARow;
    private volatile Cancellable subscription;

    DrainStream(InFlightWindow window, Parts parts, SpoolThread spool, Publisher.Settings settings, ReconnectDelayProvider backoff) {
        this.window = window;
        this.parts = parts;
        this.spool = spool;
        this.spoolThread = spool.executor();
        this.ackTimeout = settings.ackTimeout();
        this.maxInFlight = settings.maxInFlight();
        this.replayRate = settings.replayRate();
        this.backoff = backoff;
    }

    void start() {
        subscription = Multi.createBy().repeating().uni(this::next).indefinitely()
                .onItem().transformToUni(this::send).merge(maxInFlight)
                .onItem().invoke(DrainStream::throwIfFailed)
                .onFailure().retry().when(failures -> failures.onItem().transformToUniAndConcatenate(this::afterFailure))
                .subscribe().with(outcome -> { }, LOG::publishingStreamEnded);
    }

    /** A report was added to the spool: an idle stream looks again now rather than at its next check. */
    void wake() {
        work.get().complete(null);
    }

    /** A success: the next failure waits the shortest backoff again. */
    void succeeded() {
        backoff.reset();
        noAcksInARow = 0;
    }

    void stop() {
        Cancellable running = subscription;
        if (running != null) {
            running.cancel();
        }
    }

    /** The next report to send, or null (no item: the stream asks again) after waiting for the connection, the pace or work. */
    private Uni<SpooledReport> next() {
        if (!spool.isCurrent()) {
            return askAgainAfter(Uni.createFrom().voidItem());
        }
        if (!parts.connected()) {
            return askAgainAfter(parts.whenConnected());
        }
        Duration pause = pauseAfter(lastSendNanos, System.nanoTime(), replayRate);
        if (!pause.isZero()) {
            return Uni.createFrom().<SpooledReport>nullItem().onItem().delayIt().onExecutor(spoolThread).by(pause);
        }
        CompletableFuture<Void> waiting = new CompletableFuture<>();
        work.set(waiting); // before looking: a report added from now on ends the wait at once
        if (window.isEmpty()) {
            parts.beforeOldest();
        }
        Optional<SpooledReport> next = window.next();
        if (next.isPresent()) {
            return Uni.createFrom().item(next.get());
        }
        if (window.isEmpty()) {
            backoff.reset(); // all delivered
        }
        return askAgainAfter(Uni.createFrom().completionStage(waiting).ifNoItem().after(IDLE_CHECK).on(spoolThread).recoverWithItem((Void) null));
    }

    /** No report after the wait, on the spool thread: the repetition asks again from there. */
    private Uni<SpooledReport> askAgainAfter(Uni<?> wait) {
        return wait.emitOn(spoolThread).onItem().transform(ignored -> null);
    }

    /**
     * The pause after a send that began at {@code startedNanos}, so that reports start at most {@code rate} a
     * second: 1/rate minus the time since (a fixed pause after each acknowledgement would add to the time the
     * send took and slow a replay well below the rate).
     */
    static Duration pauseAfter(long startedNanos, long nowNanos, int rate) {
        return Duration.ofNanos(Math.max(0, 1_000_000_000L / rate - (nowNanos - startedNanos)));
    }

    /** On the spool thread: one report in flight, until its PUBACK and the delete of its file, or its failure. */
    private Uni<Outcome> send(SpooledReport report) {
        Flight flight = window.open(report);
        lastSendNanos = System.nanoTime();
        return Uni.createFrom().<Outcome>emitter(emitter -> {
            flight.bind(emitter);
            parts.publish(flight);
        }).ifNoItem().after(ackTimeout).on(spoolThread).recoverWithUni(() -> timedOut(flight))
                .onCancellation().invoke(() -> window.abandon(flight));
    }

    /** On the spool thread: no outcome in time. A PUBACK that came meanwhile wins; its file is deleted now. */
    private Uni<Outcome> timedOut(Flight flight) {
        PublishFailure failure = new PublishFailure("no PUBACK within " + ackTimeout.toSeconds() + "s", true);
        if (!window.fail(flight, failure) && flight.acknowledged()) {
            window.deleteAcknowledged();
            return Uni.createFrom().item(new Outcome(flight, null));
        }
        return Uni.createFrom().item(new Outcome(flight, failure));
    }

    /** Failures travel as items through the merge, so that outcomes ahead of them are not dropped; here they fail the stream. */
    private static void throwIfFailed(Outcome outcome) {
        if (outcome.failure() != null) {
            throw outcome.failure() instanceof RuntimeException runtime ? runtime : new PublishFailure(outcome.failure().getMessage());
        }
    }

    /** On the spool thread: everything in flight is given up, the fault logged; emits after the backoff, which resubscribes. */
    private Uni<Duration> afterFailure(Throwable failure) {
        return Uni.createFrom().item(() -> {
            try {
                window.giveUp();
            } catch (RuntimeException e) {
                LOG.givingUpInFlightFailed(e);
            }
            parts.failed(failure);
            if (failure instanceof PublishFailure publishing && publishing.noAck && ++noAcksInARow >= NO_ACKS_BEFORE_RECONNECT) {
                noAcksInARow = 0;
                parts.reconnect("no PUBACK for " + NO_ACKS_BEFORE_RECONNECT + " reports in a row, though the connection answers");
            }
            return backoff.nextDelay();
        }).runSubscriptionOn(spoolThread).onItem().transformToUni(delay -> Uni.createFrom().item(delay).onItem().delayIt().onExecutor(spoolThread).by(delay));
    }
}
