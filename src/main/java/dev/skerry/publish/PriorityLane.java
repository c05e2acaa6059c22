package dev.skerry.publish;

import java.util.function.IntConsumer;
import java.util.function.Consumer;

import io.smallrye.mutiny.Uni;

/**
 * Messages that go to the broker ahead of the reports, on the same connection (the alarms): while
 * the lane is not idle, the publisher sends no further report, so a backlog of reports never
 * delays them; a report already in flight finishes first.
 */
public interface PriorityLane {

    /** Nothing waiting or in flight: reports may go. */
    boolean idle();

    /** Completes once idle() is true. */
    Uni<Void> whenIdle();

    /** A PUBACK, on the event loop: true when it is the lane's, which the reports then never see. */
    boolean acknowledged(int packetId);

    /** The session gave up waiting for this PUBACK: true when it was the lane's. */
    boolean expired(int packetId);

    /** Called by the publisher's start(). */
    void start(Session session);

    /** What the lane may do on the publisher's connection. */
    interface Session {
        boolean connected();

        Uni<Void> whenConnected();

        /** A QoS 1 PUBLISH, on the connection's event loop; written gets its packet id, failed the reason it was not written. */
        void publish(String topic, byte[] payload, IntConsumer written, Consumer<Throwable> failed);
    }
}
