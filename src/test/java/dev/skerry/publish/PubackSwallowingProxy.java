package dev.skerry.publish;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemKeyCertOptions;

/**
 * Terminates the agent's TLS on 127.0.0.1 (with a server certificate the agent trusts), forwards
 * MQTT to a broker's plain listener, and drops every PUBACK the broker sends back: the broker has
 * the report, the agent never hears so. Test-only.
 */
final class PubackSwallowingProxy implements AutoCloseable {

    private static final int PUBACK = 4;

    private final NetServer server;
    private final AtomicInteger swallowed = new AtomicInteger();

    PubackSwallowingProxy(Vertx vertx, PemKeyCertOptions serverCertificate, int brokerPort) throws Exception {
        var client = vertx.createNetClient(new NetClientOptions());
        server = vertx.createNetServer(new NetServerOptions().setHost("127.0.0.1").setPort(0).setSsl(true).setKeyCertOptions(serverCertificate))
                .connectHandler(agent -> {
                    agent.pause();
                    client.connect(brokerPort, "127.0.0.1").onSuccess(broker -> {
                        agent.handler(broker::write);
                        broker.handler(new PacketFilter(agent));
                        agent.closeHandler(v -> broker.close());
                        broker.closeHandler(v -> agent.close());
                        agent.resume();
                    }).onFailure(failure -> agent.close());
                });
        server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    int port() {
        return server.actualPort();
    }

    int swallowed() {
        return swallowed.get();
    }

    /** Splits the broker's byte stream into MQTT packets and forwards all but PUBACKs. */
    private final class PacketFilter implements io.vertx.core.Handler<Buffer> {
        private final NetSocket agent;
        private Buffer pending = Buffer.buffer();

        PacketFilter(NetSocket agent) {
            this.agent = agent;
        }

        @Override
        public void handle(Buffer data) {
            pending.appendBuffer(data);
            while (true) {
                int length = packetLength(pending);
                if (length < 0 || pending.length() < length) {
                    return;
                }
                Buffer packet = pending.getBuffer(0, length);
                pending = pending.getBuffer(length, pending.length());
                if ((packet.getUnsignedByte(0) >> 4) == PUBACK) {
                    swallowed.incrementAndGet();
                } else {
                    agent.write(packet);
                }
            }
        }

        /** Fixed header plus remaining length, or -1 while the length itself is incomplete. */
        private int packetLength(Buffer buffer) {
            int multiplier = 1;
            int remaining = 0;
            for (int i = 1; i < Math.min(buffer.length(), 5); i++) {
                int digit = buffer.getUnsignedByte(i);
                remaining += (digit & 0x7f) * multiplier;
                if ((digit & 0x80) == 0) {
                    return 1 + i + remaining;
                }
                multiplier *= 128;
            }
            return -1;
        }
    }

    @Override
    public void close() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
}
