package dev.skerry.publish;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.jboss.logging.Logger;

import dev.skerry.pipeline.HealthSource;
import dev.skerry.report.Report;
import dev.skerry.spool.Spool;
import dev.skerry.spool.SpoolCounters;
import dev.skerry.spool.SpooledReport;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.smallrye.reactive.messaging.mqtt.session.MqttClientSession;
import io.smallrye.reactive.messaging.mqtt.session.MqttClientSessionOptions;
import io.smallrye.reactive.messaging.mqtt.session.RequestedQoS;
import io.smallrye.reactive.messaging.mqtt.session.SessionEvent;
import io.smallrye.reactive.messaging.mqtt.session.SessionState;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

/**
 * Drains the spool to the broker, oldest first, one report in flight at a time (so order is
 * kept across reconnects), at most replay-rate reports a second. A report leaves the spool only
 * on the broker's PUBACK (under QoS 0: once written to the socket, since no PUBACK comes). The
 * session reconnects by itself with jittered exponential backoff; a publish that fails while
 * connected (no PUBACK in time, connection lost mid-flight) is retried with the same backoff.
 * In Device Defender mode only the freshest report is sent: older ones are dropped as stale.
 */
public final class Publisher implements HealthSource, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Publisher.class);
    private static final Duration IDLE_CHECK = Duration.ofSeconds(1);
    private static final long DAY_MILLIS = 86_400_000L;
    static final int EXPIRY_WARNING_DAYS = 30;

    /** The report whose PUBACK is awaited, with the packet id once the PUBLISH was written. */
    private static final class InFlight {
        final long reportId;
        final UniEmitter<? super Void> emitter;
        volatile int packetId = -1;
        volatile int earlyAck = -1;

        InFlight(long reportId, UniEmitter<? super Void> emitter) {
            this.reportId = reportId;
            this.emitter = emitter;
        }
    }

    private final MqttClientSession session;
    private final String broker;
    private final Spool spool;
    private final Topics topics;
    private final Settings settings;
    private final Clock clock;
    private final java.security.cert.X509Certificate clientCertificate;
    private final DefenderResponses responses;
    private final ExecutorService spoolThread = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "skerry-spool");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicReference<InFlight> inFlight = new AtomicReference<>();
    private final Map<Long, CompletableFuture<Boolean>> waiters = new ConcurrentHashMap<>();
    private final AtomicLong reconnects = new AtomicLong();
    private final AtomicLong acknowledged = new AtomicLong();
    private volatile CompletableFuture<Void> connected = new CompletableFuture<>();
    private volatile CompletableFuture<Void> work = new CompletableFuture<>();
    private volatile boolean everConnected;
    private volatile String lastProblem;
    private volatile long lastExpiryWarning;
    private volatile boolean stopping;
    private final AtomicLong problemsLogged = new AtomicLong();
    private Cancellable loop;

    /** What publishing needs besides the connection itself. */
    public record Settings(MqttQoS qos, boolean retain, Duration ackTimeout, int replayRate, Duration retryBase, Duration retryMax) {
    }

    public Publisher(Vertx vertx, MqttClientSessionOptions options, Spool spool, Topics topics, Settings settings,
            java.security.cert.X509Certificate clientCertificate, Clock clock) {
        this.session = MqttClientSession.create(vertx, options);
        this.broker = options.getHostname() + ":" + options.getPort();
        this.spool = spool;
        this.topics = topics;
        this.settings = topics.deviceDefender() ? new Settings(MqttQoS.AT_LEAST_ONCE, false, settings.ackTimeout(),
                settings.replayRate(), settings.retryBase(), settings.retryMax()) : settings;
        this.clock = clock;
        this.clientCertificate = clientCertificate;
        this.responses = new DefenderResponses(topics);
        session.sessionStateHandler(this::sessionChanged)
                .publishCompletionHandler(this::acknowledged)
                .publishCompletionExpirationHandler(packetId -> failInFlight(packetId, "no PUBACK within the ack timeout"))
                .messageHandler(message -> responses.received(message.topicName(), message.payload().getBytes()))
                .exceptionHandler(failure -> LOG.debugf("MQTT client: %s", failure));
    }

    public void start() {
        warnIfClockBeforeCertificate();
        if (topics.deviceDefender()) {
            session.subscribe(topics.accepted(), RequestedQoS.QOS_0);
            session.subscribe(topics.rejected(), RequestedQoS.QOS_0);
        }
        session.start();
        loop = Multi.createBy().repeating().uni(this::step).indefinitely()
                .subscribe().with(sent -> { }, failure -> LOG.error("The publishing loop ended; this is a bug", failure));
    }

    /** A report was added to the spool: send it now rather than at the next idle check. */
    public void wake() {
        work.complete(null);
    }

    /** Completes with true once the report was acknowledged, false when it was dropped from the spool first. */
    public CompletableFuture<Boolean> delivered(long reportId) {
        return waiters.computeIfAbsent(reportId, id -> new CompletableFuture<>());
    }

    private Uni<Boolean> step() {
        return Uni.createFrom().completionStage(() -> connected)
                .chain(() -> Uni.createFrom().item(this::nextReport).runSubscriptionOn(spoolThread))
                .chain(next -> next.isPresent() ? deliver(next.get()) : idle())
                .onFailure().invoke(this::publishFailed)
                .onFailure().retry().withBackOff(settings.retryBase(), settings.retryMax()).withJitter(0.5).indefinitely();
    }

    private Optional<SpooledReport> nextReport() {
        spool.persistOverdue();
        if (topics.deviceDefender() && spool.dropAllButNewest() > 0) {
            failWaitersNotIn(spool.oldest());
        }
        return spool.oldest();
    }

    private Uni<Boolean> deliver(SpooledReport report) {
        long started = System.nanoTime();
        return publish(report)
                .emitOn(spoolThread)
                .invoke(() -> {
                    spool.remove(report.reportId());
                    acknowledged.incrementAndGet();
                    if (topics.deviceDefender()) {
                        responses.sent(report.reportId());
                    }
                    complete(report.reportId(), true);
                    lastProblem = null;
                })
                .chain(() -> pace(started))
                .replaceWith(true);
    }

    /** Waits what is left of this report's share of a second at the replay rate, if anything. */
    private Uni<Void> pace(long startedNanos) {
        Duration pause = pauseAfter(startedNanos, System.nanoTime(), settings.replayRate());
        Uni<Void> now = Uni.createFrom().voidItem();
        return pause.isZero() ? now : now.onItem().delayIt().by(pause);
    }

    /**
     * The pause after a report whose send began at {@code startedNanos}, so that reports start at most {@code rate} a
     * second: 1/rate minus the time the send and its acknowledgement already took (a fixed pause after each
     * acknowledgement would add to that time and slow a replay well below the rate).
     */
    static Duration pauseAfter(long startedNanos, long nowNanos, int rate) {
        return Duration.ofNanos(Math.max(0, 1_000_000_000L / rate - (nowNanos - startedNanos)));
    }

    private Uni<Boolean> idle() {
        work = new CompletableFuture<>();
        return Uni.createFrom().completionStage(work)
                .ifNoItem().after(IDLE_CHECK).recoverWithItem((Void) null)
                .replaceWith(false);
    }

    private Uni<Void> publish(SpooledReport report) {
        return Uni.createFrom().<Void>emitter(emitter -> {
            InFlight flight = new InFlight(report.reportId(), emitter);
            inFlight.set(flight);
            session.publish(topics.metrics(report.format()), Buffer.buffer(report.payload()), settings.qos(), false, settings.retain())
                    .onComplete(written -> {
                        if (written.failed()) {
                            inFlight.compareAndSet(flight, null);
                            emitter.fail(written.cause());
                        } else if (settings.qos() == MqttQoS.AT_MOST_ONCE) {
                            inFlight.compareAndSet(flight, null);
                            emitter.complete(null);
                        } else {
                            flight.packetId = written.result();
                            if (flight.earlyAck == flight.packetId) {
                                acknowledged(flight.packetId);
                            }
                        }
                    });
        }).ifNoItem().after(settings.ackTimeout()).failWith(() -> new TimeoutException("no PUBACK within " + settings.ackTimeout().toSeconds() + "s"))
                .onTermination().invoke(() -> inFlight.getAndUpdate(current -> current != null && current.reportId == report.reportId() ? null : current));
    }

    private void acknowledged(int packetId) {
        InFlight flight = inFlight.get();
        if (flight == null) {
            return; // a late PUBACK of a publish already given up on: the report was or will be sent again
        }
        if (flight.packetId == -1) {
            flight.earlyAck = packetId;
        } else if (flight.packetId == packetId && inFlight.compareAndSet(flight, null)) {
            flight.emitter.complete(null);
        }
    }

    private void failInFlight(Integer packetId, String reason) {
        InFlight flight = inFlight.get();
        if (flight != null && (packetId == null || flight.packetId == packetId) && inFlight.compareAndSet(flight, null)) {
            flight.emitter.fail(new IllegalStateException(reason));
        }
    }

    private void sessionChanged(SessionEvent event) {
        if (event.getSessionState() == SessionState.CONNECTED) {
            if (everConnected) {
                reconnects.incrementAndGet();
            }
            everConnected = true;
            LOG.infof("Connected to %s; publishing to %s", broker, topics.metrics());
            lastProblem = null;
            connected.complete(null);
        } else if (event.getSessionState() == SessionState.DISCONNECTED) {
            if (connected.isDone()) {
                connected = new CompletableFuture<>();
            }
            failInFlight(null, "connection lost");
            if (stopping) {
                return;
            }
            String problem = ConnectionProblems.describe(event.getCause(), broker);
            if (!problem.equals(lastProblem)) {
                lastProblem = problem;
                problemsLogged.incrementAndGet();
                LOG.warnf("%s (logged once until it changes; reports wait in the spool)", problem);
            }
        }
    }

    private void publishFailed(Throwable failure) {
        String problem = "publishing failed: " + failure.getMessage();
        if (!problem.equals(lastProblem)) {
            lastProblem = problem;
            problemsLogged.incrementAndGet();
            LOG.warnf("%s; retrying with backoff", problem);
        }
    }

    private void complete(long reportId, boolean delivered) {
        CompletableFuture<Boolean> waiter = waiters.remove(reportId);
        if (waiter != null) {
            waiter.complete(delivered);
        }
    }

    private void failWaitersNotIn(Optional<SpooledReport> kept) {
        for (Long id : waiters.keySet()) {
            if (kept.isEmpty() || kept.get().reportId() != id) {
                complete(id, false);
            }
        }
    }

    private void warnIfClockBeforeCertificate() {
        Instant now = clock.instant();
        if (now.isBefore(clientCertificate.getNotBefore().toInstant())) {
            LOG.warnf("The device clock (%s) is earlier than the client certificate's validity (from %s): "
                    + "TLS handshakes fail until the clock is set (NTP); skerry keeps retrying", now, clientCertificate.getNotBefore().toInstant());
        }
    }

    long certificateDaysLeft() {
        return Math.floorDiv(clientCertificate.getNotAfter().getTime() - clock.millis(), DAY_MILLIS);
    }

    @Override
    public void contribute(Report.Builder report) {
        SpoolCounters counters = spool.counters();
        report.custom("spool_pending", spool.size())
                .custom("spool_dropped_full", counters.droppedFull())
                .custom("spool_dropped_stale", counters.droppedStale())
                .custom("spool_set_aside", counters.setAside())
                .custom("spool_write_failures", counters.writeFailures())
                .custom("mqtt_reconnects", reconnects.get())
                .custom("mqtt_acknowledged", acknowledged.get());
        if (topics.deviceDefender()) {
            report.custom("defender_accepted", responses.accepted.get())
                    .custom("defender_rejected", responses.rejected.get());
        }
        long daysLeft = certificateDaysLeft();
        report.custom("tls_client_cert_days_left", daysLeft);
        if (daysLeft < EXPIRY_WARNING_DAYS && clock.millis() - lastExpiryWarning > DAY_MILLIS) {
            lastExpiryWarning = clock.millis();
            LOG.warnf("The client certificate expires in %d days (%s): renew it before the device loses its broker",
                    daysLeft, clientCertificate.getNotAfter().toInstant());
        }
    }

    long rejected() {
        return responses.rejected.get();
    }

    long accepted() {
        return responses.accepted.get();
    }

    /** The connection or publishing problem last logged, null once a report went through. */
    String lastProblem() {
        return lastProblem;
    }

    long problemsLogged() {
        return problemsLogged.get();
    }

    /**
     * Stops publishing: waits up to grace for the acknowledgement of a report in flight, then
     * leaves whatever is left in the spool for the next start.
     */
    @Override
    public void close() {
        close(Duration.ZERO);
    }

    public void close(Duration grace) {
        if (stopping) {
            return;
        }
        long deadline = System.nanoTime() + grace.toNanos();
        while (inFlight.get() != null && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        stopping = true;
        if (loop != null) {
            loop.cancel();
        }
        try {
            session.stop().toCompletionStage().toCompletableFuture().get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debugf("Stopping the MQTT session: %s", e);
        }
        spoolThread.submit(spool::close);
        spoolThread.shutdown();
        try {
            spoolThread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
