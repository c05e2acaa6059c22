package dev.skerry.publish;

import java.util.function.Consumer;
import java.util.function.IntConsumer;

import io.netty.handler.codec.mqtt.MqttQoS;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.mqtt.session.MqttClientSession;
import io.vertx.core.buffer.Buffer;

/** What a {@link PriorityLane} may do on the publisher's connection: QoS 1 publishes of its own. */
final class LaneSession implements PriorityLane.Session {

    private final Connection connection;
    private final MqttClientSession session;

    LaneSession(Connection connection, MqttClientSession session) {
        this.connection = connection;
        this.session = session;
    }

    @Override
    public boolean connected() {
        return connection.isUp();
    }

    @Override
    public Uni<Void> whenConnected() {
        return connection.whenUp();
    }

    @Override
    public void publish(String topic, byte[] payload, IntConsumer written, Consumer<Throwable> failed) {
        connection.run(() -> session.publish(topic, Buffer.buffer(payload), MqttQoS.AT_LEAST_ONCE, false, false).onComplete(done -> {
            if (done.failed()) {
                failed.accept(done.cause());
            } else {
                written.accept(done.result());
            }
        }));
    }
}
