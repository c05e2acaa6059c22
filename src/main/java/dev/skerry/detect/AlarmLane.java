package dev.skerry.detect;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;


import dev.skerry.config.Format;
import dev.skerry.publish.PriorityLane;
import dev.skerry.spool.Spool;
import dev.skerry.spool.SpooledReport;
import io.smallrye.mutiny.Uni;

/**
 * Alarm events from their own spool to the broker, one at a time at QoS 1, oldest first; an event
 * leaves the spool on its PUBACK. While an event waits here the publisher holds the reports back
 * (see {@link PriorityLane}), so after an outage the alarms arrive before the backlog. A publish
 * that is not acknowledged within the ack timeout is sent again after the retry delay.
 */
final class AlarmLane implements PriorityLane, AlarmSink, AutoCloseable {

    private static final DetectMessages LOG = DetectMessages.of(AlarmLane.class);

    private final Spool spool;
    private final String topic;
    private final Duration ackTimeout;
    private final Duration retry;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread named = new Thread(runnable, "skerry-alarms");
        named.setDaemon(true);
        return named;
    });
    private volatile Session session;
    // on the lane's thread only
    private long lastId;
    private boolean waitingForConnection;
    private volatile InFlight inFlight;
    private volatile CompletableFuture<Void> idle = CompletableFuture.completedFuture(null);

    private static final class InFlight {
        final SpooledReport event;
        volatile int packetId = -1;

        InFlight(SpooledReport event) {
            this.event = event;
        }
    }

    AlarmLane(Spool spool, String topic, Duration ackTimeout, Duration retry) {
        this.spool = spool;
        this.topic = topic;
        this.ackTimeout = ackTimeout;
        this.retry = retry;
        this.lastId = spool.pending().stream().mapToLong(SpooledReport::reportId).max().orElse(0);
        if (spool.size() > 0) {
            idle = new CompletableFuture<>();
        }
    }

    /** On the check's thread: the event is durable once this returns (the spool writes it), then sent. */
    @Override
    public void emit(byte[] json) {
        CompletableFuture<Long> added = new CompletableFuture<>();
        thread.execute(() -> {
            long id = Math.max(lastId + 1, System.currentTimeMillis());
            lastId = id;
            if (idle.isDone()) {
                idle = new CompletableFuture<>();
            }
            spool.add(new SpooledReport(id, Format.JSON, json));
            added.complete(id);
            pump();
        });
        added.join();
    }

    @Override
    public boolean idle() {
        return idle.isDone();
    }

    @Override
    public Uni<Void> whenIdle() {
        return Uni.createFrom().completionStage(idle);
    }

    @Override
    public void start(Session connection) {
        this.session = connection;
        thread.execute(this::pump);
    }

    @Override
    public boolean acknowledged(int packetId) {
        InFlight current = inFlight;
        if (current == null || current.packetId != packetId) {
            return false;
        }
        thread.execute(() -> {
            if (inFlight == current) {
                spool.remove(current.event.reportId());
                inFlight = null;
                pump();
            }
        });
        return true;
    }

    @Override
    public boolean expired(int packetId) {
        InFlight current = inFlight;
        if (current == null || current.packetId != packetId) {
            return false;
        }
        thread.execute(() -> failed(current, "no PUBACK within the ack timeout"));
        return true;
    }

    /** On the lane's thread: sends the oldest event unless one is in flight. */
    private void pump() {
        Session connection = session;
        if (connection == null || inFlight != null || waitingForConnection) {
            return;
        }
        Optional<SpooledReport> next = spool.oldest();
        if (next.isEmpty()) {
            idle.complete(null);
            return;
        }
        if (!connection.connected()) {
            waitingForConnection = true;
            connection.whenConnected().subscribe().with(up -> thread.execute(() -> {
                waitingForConnection = false;
                pump();
            }), failure -> thread.execute(() -> {
                waitingForConnection = false;
                thread.schedule(this::pump, retry.toMillis(), TimeUnit.MILLISECONDS);
            }));
            return;
        }
        InFlight sending = new InFlight(next.get());
        inFlight = sending;
        connection.publish(topic, sending.event.payload(), packetId -> sending.packetId = packetId,
                failure -> thread.execute(() -> failed(sending, "publishing failed: " + failure.getMessage())));
        thread.schedule(() -> failed(sending, "no PUBACK within " + Checks.seconds(ackTimeout)), ackTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** On the lane's thread: the event stays in the spool and is sent again after the retry delay. */
    private void failed(InFlight sending, String reason) {
        if (inFlight != sending) {
            return;
        }
        inFlight = null;
        LOG.debugf("Alarm event %d not delivered (%s); sending it again in %s", sending.event.reportId(), reason, Checks.seconds(retry));
        waitingForConnection = true;
        thread.schedule(() -> {
            waitingForConnection = false;
            pump();
        }, retry.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        thread.shutdownNow();
        spool.close();
    }

    /** Durations in log lines. */
    private static final class Checks {
        static String seconds(Duration duration) {
            return dev.skerry.config.Checks.describe(duration);
        }
    }
}
