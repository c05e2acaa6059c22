package dev.skerry.provision;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.skerry.publish.ConnectionProblems;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.smallrye.reactive.messaging.mqtt.session.MqttClientSession;
import io.smallrye.reactive.messaging.mqtt.session.MqttClientSessionOptions;
import io.smallrye.reactive.messaging.mqtt.session.RequestedQoS;
import io.smallrye.reactive.messaging.mqtt.session.SessionState;
import io.smallrye.reactive.messaging.mqtt.session.SubscriptionState;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

/**
 * Requests and their answers over one MQTT session (the connector's session client, which reconnects by itself with
 * the jittered backoff of its options): every request topic's accepted and rejected topics are subscribed to, and a
 * request is published only once all of them are, so that no answer can come before its subscription.
 */
final class ClaimSession implements AutoCloseable {

    /** An answer: on .../accepted or on .../rejected, with its JSON body. */
    record Answer(boolean accepted, JsonNode body) {
    }

    /** Why a request got no answer. */
    static final class NoAnswer extends Exception {
        NoAnswer(String message) {
            super(message, null, false, false);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The largest answer read: a certificate with its chain is a few KiB. */
    static final int MAX_ANSWER_BYTES = 64 * 1024;

    private final MqttClientSession session;
    private final String broker;
    private final List<String> requests;
    private final Consumer<String> problems;
    private final Set<String> subscribed = ConcurrentHashMap.newKeySet();
    private final Map<String, CompletableFuture<Answer>> waiting = new ConcurrentHashMap<>();
    private volatile CompletableFuture<Void> ready = new CompletableFuture<>();
    private volatile boolean connected;
    private final CompletableFuture<Void> firstConnection = new CompletableFuture<>();
    private volatile Context context;
    private volatile boolean closing;

    /** problems gets each connection or subscription problem as one line (the caller logs it once). */
    ClaimSession(Vertx vertx, MqttClientSessionOptions options, List<String> requests, Consumer<String> problems) {
        this.session = MqttClientSession.create(vertx, options);
        this.broker = options.getHostname() + ":" + options.getPort();
        this.requests = List.copyOf(requests);
        this.problems = problems;
        session.sessionStateHandler(event -> {
            if (event.getSessionState() == SessionState.CONNECTED) {
                connected = true;
                context = Vertx.currentContext();
                firstConnection.complete(null);
            } else if (event.getSessionState() == SessionState.DISCONNECTED) {
                connected = false;
                subscribed.clear();
                if (ready.isDone()) {
                    ready = new CompletableFuture<>();
                }
                if (!closing) { // the end of a session closed here is no problem, and must not reset what was logged last
                    problems.accept(ConnectionProblems.describe(event.getCause(), broker) + " (fleet provisioning with the claim certificate)");
                }
            }
        }).subscriptionStateHandler(event -> {
            // the session reports a SUBACK's failure code (0x80) as SUBSCRIBED with QoS 128
            boolean refused = event.getSubscriptionState() == SubscriptionState.FAILED
                    || event.getSubscriptionState() == SubscriptionState.SUBSCRIBED && (event.getQos() == null || event.getQos() > 2);
            if (refused) {
                problems.accept("the broker refused the subscription to " + event.getTopic() + ": the claim certificate's policy must allow "
                        + "iot:Subscribe on the topicfilter/ ARNs and iot:Receive on the topic/ ARNs of " + String.join(" and ",
                                requests.stream().map(request -> request + "/accepted, " + request + "/rejected").toList())
                        + " (and iot:Publish on their topic/ ARNs)");
            } else if (event.getSubscriptionState() == SubscriptionState.SUBSCRIBED) {
                subscribed.add(event.getTopic());
                if (subscribed.size() == requests.size() * 2) {
                    ready.complete(null);
                }
            }
        }).messageHandler(message -> received(message.topicName(), message.payload()))
                .exceptionHandler(failure -> problems.accept("MQTT client: " + failure));
        for (String request : requests) {
            session.subscribe(request + "/accepted", RequestedQoS.QOS_1);
            session.subscribe(request + "/rejected", RequestedQoS.QOS_1);
        }
        session.start();
    }

    private void received(String topic, Buffer payload) {
        for (String request : requests) {
            boolean accepted = topic.equals(request + "/accepted");
            if (accepted || topic.equals(request + "/rejected")) {
                CompletableFuture<Answer> answer = waiting.remove(request);
                if (answer != null) {
                    answer.complete(new Answer(accepted, parse(payload)));
                }
            }
        }
    }

    private static JsonNode parse(Buffer payload) {
        if (payload.length() > MAX_ANSWER_BYTES) {
            return JSON.createObjectNode().put("errorMessage", "an answer of " + payload.length() + " bytes, not read");
        }
        try {
            JsonNode body = JSON.readTree(payload.toString(StandardCharsets.UTF_8));
            return body == null || !body.isObject() ? JSON.createObjectNode().put("errorMessage", "an answer that is not a JSON object") : body;
        } catch (java.io.IOException e) {
            return JSON.createObjectNode().put("errorMessage", "an answer that is not JSON");
        }
    }

    /** Publishes body to request once every answer topic is subscribed to, and waits for its answer. */
    Answer request(String request, JsonNode body, Duration timeout) throws NoAnswer, InterruptedException {
        try {
            ready.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new NoAnswer(connected ? "the answer topics of " + request + " were not subscribed to within " + describe(timeout)
                    : "not connected to " + broker + " with the claim certificate");
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        waiting.put(request, answer);
        Buffer payload = Buffer.buffer(body.toString());
        Runnable publish = () -> session.publish(request, payload, MqttQoS.AT_LEAST_ONCE, false, false).onFailure(failure ->
                answer.completeExceptionally(new NoAnswer("publishing to " + request + " failed: " + failure.getMessage())));
        Context current = context;
        if (current == null) {
            publish.run();
        } else {
            current.runOnContext(ignored -> publish.run());
        }
        try {
            return answer.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new NoAnswer("no answer on " + request + "/accepted or /rejected within " + describe(timeout));
        } catch (ExecutionException e) {
            throw e.getCause() instanceof NoAnswer noAnswer ? noAnswer : new NoAnswer(String.valueOf(e.getCause()));
        } finally {
            waiting.remove(request, answer);
        }
    }

    /** Whether the broker accepted a connection (TLS handshake and CONNACK) within timeout. */
    boolean connects(Duration timeout) throws InterruptedException {
        try {
            firstConnection.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException | ExecutionException e) {
            return false;
        }
    }

    private static String describe(Duration duration) {
        return dev.skerry.config.Checks.describe(duration);
    }

    @Override
    public void close() {
        closing = true;
        try {
            session.stop().toCompletionStage().toCompletableFuture().get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            // the process goes on with the device identity; a claim connection left over closes with the JVM
        }
    }
}
