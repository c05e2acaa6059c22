package dev.skerry.publish;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.skerry.publish.InFlightWindow.Flight;
import dev.skerry.publish.InFlightWindow.PublishFailure;
import dev.skerry.report.HealthSource;
import dev.skerry.report.Report;
import dev.skerry.spool.Spool;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.mqtt.session.MqttClientSession;
import io.smallrye.reactive.messaging.mqtt.session.MqttClientSessionOptions;
import io.smallrye.reactive.messaging.mqtt.session.RequestedQoS;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

/**
 * Drains the spool to the broker through the SmallRye MQTT connector's session client, oldest first, at most
 * replay-rate reports a second, with at most max-in-flight reports between their PUBLISH and the delete of their file
 * (one by default). A report leaves the spool only on the broker's PUBACK (under QoS 0: once written to the socket,
 * since no PUBACK comes). The session reconnects by itself with jittered exponential backoff; a publish that fails
 * while connected (no PUBACK in time, connection lost mid-flight) gives up every report in flight, and they are sent
 * again, oldest first, after the same backoff (see {@link DrainStream}). So a fault repeats at most max-in-flight
 * reports, and the broker sees each report for the first time in order. In Device Defender mode only the freshest
 * report is sent, one at a time: older ones are dropped as stale. Messages of a {@link PriorityLane} (the alarms)
 * go first: while the lane holds one, no further report is sent.
 *
 * <p>Not the connector's channel API ({@code @Outgoing} to an mqtt channel): its sink acknowledges a message once the
 * PUBLISH is written to the socket, which would let a report leave the spool before the broker has it.
 */
public final class Publisher implements HealthSource, AutoCloseable {

    private static final PublishMessages LOG = PublishMessages.of(Publisher.class);
    /** A report is overdue once it has waited longer than the grace, not as long. */
    private static final Duration PERSIST_MARGIN = Duration.ofMillis(20);

    /** What publishing needs besides the connection itself. */
    public record Settings(MqttQoS qos, boolean retain, Duration ackTimeout, int replayRate, int maxInFlight, Duration retryBase,
            Duration retryMax) {
        public Settings {
            if (replayRate < 1 || maxInFlight < 1) {
                throw new IllegalArgumentException("replayRate and maxInFlight must be at least 1");
            }
        }
    }

    private final MqttClientSession session;
    private final Spool spool;
    private final Topics topics;
    private final Settings settings;
    private final SpoolThread spoolThread = new SpoolThread();
    private final Deliveries deliveries = new Deliveries();
    private final DefenderResponses responses;
    private final Connection connection;
    private final InFlightWindow window;
    private final DrainStream stream;
    private final PublishingHealth health;
    private volatile StatusReporter status;
    private volatile boolean stopping;
    private volatile PriorityLane lane;

    public Publisher(Vertx vertx, MqttClientSessionOptions options, Spool spool, Topics topics, Settings settings,
            X509Certificate clientCertificate, Clock clock) {
        this.session = MqttClientSession.create(vertx, options);
        this.spool = spool;
        this.topics = topics;
        this.settings = topics.deviceDefender() ? new Settings(MqttQoS.AT_LEAST_ONCE, false, settings.ackTimeout(),
                settings.replayRate(), 1, settings.retryBase(), settings.retryMax()) : settings;
        this.responses = new DefenderResponses(topics);
        this.window = new InFlightWindow(spool, report -> {
            deliveries.delivered(report);
            connection().delivered();
            stream().succeeded();
            if (topics.deviceDefender()) {
                responses.sent(report.reportId());
            }
            statusChanged();
        }, spoolThread::run);
        this.connection = new Connection(options.getHostname() + ":" + options.getPort(), topics.metrics(),
                () -> window.failAll("connection lost"), java.time.Duration.ofSeconds(options.getKeepAliveInterval()));
        this.stream = new DrainStream(window, new StreamParts(), spoolThread, this.settings,
                new JitteredBackoff(settings.retryBase(), settings.retryMax()).createProvider());
        this.health = new PublishingHealth(spool, connection, deliveries, responses, topics.deviceDefender(), clientCertificate, clock);
        session.sessionStateHandler(event -> {
                    connection.changed(event);
                    statusChanged();
                })
                .publishCompletionHandler(packetId -> {
                    if (lane == null || !lane.acknowledged(packetId)) {
                        window.acknowledged(packetId);
                    }
                })
                .publishCompletionExpirationHandler(packetId -> {
                    if (lane == null || !lane.expired(packetId)) {
                        window.failed(packetId, "no PUBACK within the ack timeout");
                    }
                })
                .messageHandler(message -> responses.received(message.topicName(), message.payload().getBytes()))
                .exceptionHandler(failure -> LOG.debugf("MQTT client: %s", failure));
    }

    private Connection connection() {
        return connection;
    }

    private DrainStream stream() {
        return stream;
    }

    /** What the publishing stream asks of the session and the spool. */
    private final class StreamParts implements DrainStream.Parts {

        @Override
        public boolean connected() {
            return connection.isUp() && (lane == null || lane.idle());
        }

        @Override
        public Uni<Void> whenConnected() {
            PriorityLane ahead = lane;
            return ahead == null ? connection.whenUp() : connection.whenUp().chain(ahead::whenIdle);
        }

        @Override
        public void publish(Flight flight) {
            connection.run(() -> session.publish(topics.metrics(flight.report.format()), Buffer.buffer(flight.report.payload()),
                    settings.qos(), false, settings.retain()).onComplete(written -> {
                        if (written.failed()) {
                            window.fail(flight, new PublishFailure("publishing failed: " + written.cause().getMessage()));
                        } else if (settings.qos() == MqttQoS.AT_MOST_ONCE) {
                            window.acknowledge(flight);
                        } else {
                            window.written(flight, written.result());
                        }
                    }));
        }

        @Override
        public void beforeOldest() {
            spool.persistOverdue();
            if (topics.deviceDefender() && spool.dropAllButNewest() > 0) {
                deliveries.droppedAllBut(spool.oldest());
            }
        }

        @Override
        public void failed(Throwable failure) {
            if (stopping) {
                return; // the reports stay in the spool for the next start
            }
            if (!(failure instanceof PublishFailure)) {
                LOG.publishingStepBug(failure);
            }
            String message = failure.getMessage();
            connection.problem(message != null && message.startsWith("publishing failed") ? message : "publishing failed: " + message,
                    "; retrying with backoff");
        }

        @Override
        public void reconnect(String reason) {
            Publisher.this.reconnect(reason, () -> {
            });
        }
    }

    /**
     * Drops the connection and connects again at once; beforeConnecting runs on the session's context in between (a
     * session started again asks no reconnect delay, so {@link CertificateRotation#check} is run there for a new pair).
     */
    public void reconnect(String reason, Runnable beforeConnecting) {
        if (!stopping) {
            connection.dropping(reason);
            session.stop().onComplete(stopped -> {
                if (!stopping) {
                    beforeConnecting.run();
                    session.start();
                }
            });
        }
    }

    /** Before start(): keeps status.json in the state directory up to date, for skerry status and skerry health. */
    public void reportStatusTo(java.nio.file.Path stateDir) {
        reportStatusTo(stateDir, StatusReporter.WRITE_EVERY, StatusReporter.DISCONNECTED_LOG_EVERY);
    }

    void reportStatusTo(java.nio.file.Path stateDir, Duration writeEvery, Duration remindEvery) {
        status = new StatusReporter(stateDir, spool, connection, deliveries, responses, topics.deviceDefender(), spoolThread, writeEvery,
                remindEvery);
    }

    /** A new client certificate taken at a reconnect (CertificateRotation): its expiry from now on. */
    public void clientCertificateChanged(X509Certificate certificate) {
        health.clientCertificate(certificate);
    }

    private void statusChanged() {
        StatusReporter reporter = status;
        if (reporter != null) {
            reporter.changed();
        }
    }

    /** Before start(): messages sent ahead of any report backlog, on this connection. */
    public void addPriorityLane(PriorityLane ahead) {
        this.lane = ahead;
    }

    public void start() {
        health.warnIfClockBeforeCertificate();
        if (lane != null) {
            lane.start(new LaneSession(connection, session));
        }
        if (status != null) {
            status.start();
        }
        if (topics.deviceDefender()) {
            session.subscribe(topics.accepted(), RequestedQoS.QOS_0);
            session.subscribe(topics.rejected(), RequestedQoS.QOS_0);
        }
        session.start();
        stream.start();
    }

    /**
     * A report was added to the spool: send it now rather than at the next idle check. In memory-first mode, also
     * write it to disk once its grace is over if it is still there, whether the broker is reachable or not.
     */
    public void wake() {
        stream.wake();
        statusChanged();
        spool.memoryGrace().ifPresent(grace -> spoolThread.after(grace.plus(PERSIST_MARGIN), spool::persistOverdue));
    }

    /** Completes with true once the report was acknowledged, false when it was dropped from the spool first. */
    public CompletableFuture<Boolean> delivered(long reportId) {
        return deliveries.of(reportId);
    }

    @Override
    public void contribute(Report.Builder report) {
        health.contribute(report);
    }

    long certificateDaysLeft() {
        return health.certificateDaysLeft();
    }

    long rejected() {
        return responses.rejected.get();
    }

    long accepted() {
        return responses.accepted.get();
    }

    /** The connection or publishing problem last logged, null once a report went through. */
    String lastProblem() {
        return connection.lastProblem();
    }

    /** Why skerry last dropped a connection itself, or null. */
    String lastDropped() {
        return connection.lastDropped();
    }

    long problemsLogged() {
        return connection.problemsLogged();
    }

    @Override
    public void close() {
        close(Duration.ZERO);
    }

    /**
     * Stops publishing: waits up to grace for the acknowledgement of the reports in flight, then leaves whatever is
     * left in the spool for the next start.
     */
    public void close(Duration grace) {
        if (stopping) {
            return;
        }
        long deadline = System.nanoTime() + grace.toNanos();
        while (!window.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        stopping = true;
        connection.stopping();
        stream.stop();
        try {
            session.stop().toCompletionStage().toCompletableFuture().get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debugf("Stopping the MQTT session: %s", e);
        }
        spoolThread.close(spool::close);
    }
}
