package dev.skerry.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import io.vertx.mqtt.messages.MqttPublishMessage;
import io.vertx.mqtt.messages.MqttSubAckMessage;

/**
 * The test's own MQTT client (Vert.x MqttClient on a Vert.x instance it owns): watches what the agent publishes and
 * can answer, e.g. as a fake Device Defender on {@code .../accepted} or {@code .../rejected}.
 *
 * <p>Every call blocks until the broker has acknowledged it (CONNACK, SUBACK, PUBACK/PUBCOMP), so a test can rely on
 * a subscription being in place before it makes the agent publish.
 */
public final class TestSubscriber implements AutoCloseable {

    /** Generous for a loaded CI machine; the calls return as soon as the broker answers. */
    public static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static final AtomicInteger IDS = new AtomicInteger();

    private final Vertx vertx;
    private final MqttClient client;
    private final MessageLog messages = new MessageLog();
    private final Map<Integer, CompletableFuture<List<Integer>>> subAcks = new ConcurrentHashMap<>();
    private final Map<Integer, CompletableFuture<Void>> publishAcks = new ConcurrentHashMap<>();
    private final ExecutorService listenerThread = Executors.newSingleThreadExecutor(TestSubscriber::listenerThread);
    private volatile Consumer<Received> listener = message -> {
    };

    private TestSubscriber(Vertx vertx, MqttClient client) {
        this.vertx = vertx;
        this.client = client;
    }

    /**
     * Mutual-TLS options: {@code pki}'s client certificate with its PKCS#8 key, trusting only {@code pki}'s CA, host name
     * checked as HTTPS does, and a client id of its own so it never takes over the agent's session. Tests may change
     * them (e.g. drop the key/cert) before {@link #connect}.
     */
    public static MqttClientOptions tlsOptions(TestPki pki) {
        MqttClientOptions options = plainOptions();
        options.setSsl(true)
                .setPemKeyCertOptions(new PemKeyCertOptions()
                        .setCertPath(pki.clientCert().toString())
                        .setKeyPath(pki.clientKeyPkcs8().toString()))
                .setPemTrustOptions(new PemTrustOptions().addCertPath(pki.caPem().toString()))
                .setHostnameVerificationAlgorithm("HTTPS");
        return options;
    }

    /** Options for a plain TCP connection, with a unique client id. */
    public static MqttClientOptions plainOptions() {
        MqttClientOptions options = new MqttClientOptions()
                .setClientId("skerry-test-subscriber-" + ProcessHandle.current().pid() + "-" + IDS.incrementAndGet())
                .setCleanSession(true)
                .setKeepAliveInterval(30);
        options.setConnectTimeout((int) TIMEOUT.toMillis());
        return options;
    }

    /** Connects with mutual TLS to 127.0.0.1:{@code port} (e.g. a {@link Mosquitto#tls} broker). */
    public static TestSubscriber connectTls(int port, TestPki pki) {
        return connect("127.0.0.1", port, tlsOptions(pki));
    }

    /** Connects over plain TCP to 127.0.0.1:{@code port}. */
    public static TestSubscriber connectPlain(int port) {
        return connect("127.0.0.1", port, plainOptions());
    }

    /**
     * Connects and waits for a successful CONNACK; fails with the cause (TLS handshake, refused CONNACK, closed
     * connection) otherwise, leaving nothing running.
     */
    public static TestSubscriber connect(String host, int port, MqttClientOptions options) {
        Vertx vertx = Vertx.vertx();
        TestSubscriber subscriber = new TestSubscriber(vertx, MqttClient.create(vertx, options));
        try {
            subscriber.start(host, port);
            return subscriber;
        } catch (RuntimeException | Error e) {
            subscriber.close();
            throw e;
        }
    }

    private void start(String host, int port) {
        client.publishHandler(this::onPublish);
        client.subscribeCompletionHandler(this::onSubAck);
        client.publishCompletionHandler(id -> pending(publishAcks, id).complete(null));
        // Vert.x fails this future on a refused CONNACK, a TLS failure, or a connection closed before CONNACK.
        await(client.connect(port, host), "MQTT connect to " + host + ":" + port + " as " + client.clientId());
    }

    public String clientId() {
        return client.clientId();
    }

    public boolean isConnected() {
        return client.isConnected();
    }

    /** Subscribes to {@code topicFilter} with QoS 1 and waits for the SUBACK; fails if the broker refused it. */
    public TestSubscriber subscribe(String topicFilter) {
        return subscribe(topicFilter, 1);
    }

    public TestSubscriber subscribe(String topicFilter, int qos) {
        List<Integer> granted = null;
        // Moquette 0.17 was seen (rarely) to leave a SUBSCRIBE sent right after CONNECT unanswered;
        // subscribing again is allowed by MQTT and harmless for the other brokers.
        for (int attempt = 1; granted == null; attempt++) {
            int packetId = await(client.subscribe(topicFilter, qos), "SUBSCRIBE " + topicFilter);
            try {
                granted = pending(subAcks, packetId).get(attempt < 3 ? 10 : TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                if (attempt == 3) {
                    throw new IllegalStateException("SUBACK for " + topicFilter + " did not come after 3 SUBSCRIBEs", e);
                }
            } catch (ExecutionException e) {
                throw new IllegalStateException("SUBSCRIBE " + topicFilter + " failed: " + e.getCause(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted during SUBSCRIBE " + topicFilter, e);
            } finally {
                subAcks.remove(packetId); // packet ids are reused
            }
        }
        if (granted.isEmpty() || granted.get(0) > 2) {
            throw new IllegalStateException("broker refused the subscription to " + topicFilter + ": " + granted);
        }
        return this;
    }

    /** Publishes with QoS 1, not retained, and waits for the PUBACK. */
    public void publish(String topic, String payload) {
        publish(topic, payload.getBytes(StandardCharsets.UTF_8), 1, false);
    }

    /** Publishes and, for QoS 1 and 2, waits until the broker has acknowledged it. */
    public void publish(String topic, byte[] payload, int qos, boolean retain) {
        int packetId = await(client.publish(topic, Buffer.buffer(payload), MqttQoS.valueOf(qos), false, retain), "PUBLISH " + topic);
        if (qos > 0) {
            await(pending(publishAcks, packetId), "acknowledgement of PUBLISH " + topic);
            publishAcks.remove(packetId); // packet ids are reused
        }
    }

    /**
     * Calls {@code listener} for every message received from now on, on a thread of its own, so it may call
     * {@link #publish} (which blocks) to answer.
     */
    public void onMessage(Consumer<Received> listener) {
        this.listener = listener;
    }

    /** Everything received so far, in arrival order. */
    public List<Received> messages() {
        return messages.snapshot();
    }

    /** Everything received so far once there are at least {@code count} messages; fails listing them otherwise. */
    public List<Received> awaitMessages(int count, Duration timeout) {
        return messages.await(count, timeout);
    }

    public void clearMessages() {
        messages.clear();
    }

    /** Disconnects if connected and closes the Vert.x instance and listener thread. */
    @Override
    public void close() {
        try {
            if (client.isConnected()) {
                await(client.disconnect(), "DISCONNECT");
            }
        } catch (RuntimeException e) {
            // the broker may already be gone
        } finally {
            listenerThread.shutdownNow();
            await(vertx.close(), "closing Vert.x");
        }
    }

    private static Thread listenerThread(Runnable task) {
        Thread thread = new Thread(task, "test-subscriber-listener");
        thread.setDaemon(true);
        return thread;
    }

    private void onPublish(MqttPublishMessage message) {
        Received received = new Received(message.topicName(), message.payload().getBytes(), message.qosLevel().value(),
                message.isRetain(), null);
        messages.add(received);
        Consumer<Received> current = listener;
        listenerThread.execute(() -> current.accept(received));
    }

    private void onSubAck(MqttSubAckMessage ack) {
        pending(subAcks, ack.messageId()).complete(ack.grantedQoSLevels());
    }

    /** The future for a packet id, whichever of "sent" and "acknowledged" happens first. */
    private static <T> CompletableFuture<T> pending(Map<Integer, CompletableFuture<T>> acks, int packetId) {
        return acks.computeIfAbsent(packetId, id -> new CompletableFuture<>());
    }

    private static <T> T await(Future<T> future, String what) {
        return await(future.toCompletionStage().toCompletableFuture(), what);
    }

    @SuppressWarnings("unchecked")
    private static <T> T await(CompletableFuture<?> future, String what) {
        try {
            return (T) future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(what + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException(what + " did not complete within " + TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + what, e);
        }
    }
}
