package dev.skerry.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.logging.Level;
import java.util.logging.Logger;

import javax.net.ssl.SSLException;

import io.moquette.broker.ISslContextCreator;
import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import io.moquette.interception.AbstractInterceptHandler;
import io.moquette.interception.messages.InterceptPublishMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

/**
 * An in-process Moquette 0.17 broker on 127.0.0.1, so MQTT tests can run where Mosquitto is not installed. It records
 * every PUBLISH it receives, with the publisher's client id, through an interceptor.
 *
 * <p>{@link #startTls} requires a client certificate signed by the {@link TestPki} CA (through a Netty SslContext
 * built from the PEM files, not Moquette's keystore settings, which would use the server keystore as trust store).
 * Unlike {@link Mosquitto} it does not take the certificate CN as the user name.
 */
public final class EmbeddedBroker implements AutoCloseable {

    /** Moquette logs every connection at INFO; only its problems belong in test output. */
    private static final Logger MOQUETTE_LOG = Logger.getLogger("io.moquette");

    static {
        MOQUETTE_LOG.setLevel(Level.WARNING);
    }

    private final TestPki pki;
    private final Path dataDir;
    private final MessageLog published = new MessageLog();
    /** Which topic filters a client may subscribe to (Moquette then answers a SUBACK with 0x80); null: all. */
    private java.util.function.Predicate<String> subscribable;
    private Server server;
    private int port;

    private EmbeddedBroker(TestPki pki, Path dataDir) {
        this.pki = pki;
        this.dataDir = dataDir;
    }

    /** Plain TCP, anonymous clients allowed. */
    public static EmbeddedBroker startPlain() {
        return start(null);
    }

    /** TLS 1.2/1.3 with a required client certificate signed by {@code pki}'s CA; server certificate for localhost/127.0.0.1. */
    public static EmbeddedBroker startTls(TestPki pki) {
        return start(pki);
    }

    /** Like {@link #startTls(TestPki)}, refusing every subscription to a filter that subscribable does not accept. */
    public static EmbeddedBroker startTls(TestPki pki, java.util.function.Predicate<String> subscribable) {
        return start(pki, subscribable);
    }

    private static EmbeddedBroker start(TestPki pki) {
        return start(pki, null);
    }

    private static EmbeddedBroker start(TestPki pki, java.util.function.Predicate<String> subscribable) {
        EmbeddedBroker broker = new EmbeddedBroker(pki, createDataDir());
        broker.subscribable = subscribable;
        try {
            broker.launch(Ports.free());
            return broker;
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
    }

    public int port() {
        return port;
    }

    public boolean isTls() {
        return pki != null;
    }

    public boolean isRunning() {
        return server != null;
    }

    /** Every PUBLISH received so far, from any client, in arrival order. */
    public List<Received> published() {
        return published.snapshot();
    }

    /** Every PUBLISH so far once there are at least {@code count}; fails listing them otherwise. */
    public List<Received> awaitPublished(int count, Duration timeout) {
        return published.await(count, timeout);
    }

    public void clearPublished() {
        published.clear();
    }

    /** Stops the broker; its clients see the connection drop. */
    public void stop() {
        if (server != null) {
            server.stopServer();
            server = null;
        }
    }

    /** Stops the broker if it runs, then starts a fresh one (no sessions kept) on the same port. */
    public void restart() {
        stop();
        launch(port);
    }

    @Override
    public void close() {
        stop();
        TestPki.deleteTree(dataDir);
    }

    @Override
    public String toString() {
        return "EmbeddedBroker[127.0.0.1:" + port + (isTls() ? ", tls" : "") + (isRunning() ? "" : ", stopped") + "]";
    }

    private void launch(int requestedPort) {
        Properties properties = new Properties();
        properties.setProperty("host", "127.0.0.1");
        properties.setProperty("port", isTls() ? "disabled" : String.valueOf(requestedPort));
        if (isTls()) {
            properties.setProperty("ssl_port", String.valueOf(requestedPort));
        }
        properties.setProperty("allow_anonymous", "true");
        properties.setProperty("persistence_enabled", "false");
        properties.setProperty("data_path", dataDir.toString());
        // Moquette would otherwise phone home at start; CI has no network, and tests must not try.
        properties.setProperty("telemetry_enabled", "false");
        properties.setProperty("netty.epoll", "false");

        Server candidate = new Server();
        try {
            ISslContextCreator tls = isTls() ? this::sslContext : null;
            io.moquette.broker.security.IAuthorizatorPolicy policy = subscribable == null ? null : new io.moquette.broker.security.IAuthorizatorPolicy() {
                @Override
                public boolean canWrite(io.moquette.broker.subscriptions.Topic topic, String user, String client) {
                    return true;
                }

                @Override
                public boolean canRead(io.moquette.broker.subscriptions.Topic topic, String user, String client) {
                    return subscribable.test(topic.toString());
                }
            };
            candidate.startServer(new MemoryConfig(properties), List.of(new Recorder()), tls, null, policy);
        } catch (IOException e) {
            throw new UncheckedIOException("Moquette did not start", e);
        }
        server = candidate;
        port = requestedPort;
        if (!Ports.awaitListening(port, () -> true)) {
            stop();
            throw new IllegalStateException("Moquette did not listen on 127.0.0.1:" + port + " within " + Ports.READY_TIMEOUT);
        }
    }

    private SslContext sslContext() {
        try {
            return SslContextBuilder.forServer(pki.serverCert().toFile(), pki.serverKey().toFile())
                    .trustManager(pki.caPem().toFile())
                    .clientAuth(ClientAuth.REQUIRE)
                    .protocols("TLSv1.3", "TLSv1.2")
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build the broker's TLS context from " + pki.serverCert(), e);
        }
    }

    private static Path createDataDir() {
        try {
            return Files.createTempDirectory("skerry-moquette-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies each PUBLISH out of Netty's buffer, which Moquette hands over retained for the handler to release. */
    private final class Recorder extends AbstractInterceptHandler {

        @Override
        public String getID() {
            return "skerry-test-recorder";
        }

        @Override
        public void onPublish(InterceptPublishMessage message) {
            ByteBuf payload = message.getPayload();
            try {
                published.add(new Received(message.getTopicName(), ByteBufUtil.getBytes(payload), message.getQos().value(),
                        message.isRetainFlag(), message.getClientID()));
            } finally {
                payload.release();
            }
        }

        @Override
        public void onSessionLoopError(Throwable error) {
            MOQUETTE_LOG.log(Level.WARNING, "Moquette session loop error", error);
        }
    }
}
