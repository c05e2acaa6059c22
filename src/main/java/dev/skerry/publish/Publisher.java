package dev.skerry.publish;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.jboss.logging.Logger;

import dev.skerry.pipeline.HealthSource;
import dev.skerry.report.Report;
import dev.skerry.spool.Spool;
import dev.skerry.spool.SpoolCounters;
import dev.skerry.spool.SpooledReport;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.smallrye.reactive.messaging.mqtt.session.MqttClientSession;
import io.smallrye.reactive.messaging.mqtt.session.MqttClientSessionOptions;
import io.smallrye.reactive.messaging.mqtt.session.RequestedQoS;
import io.smallrye.reactive.messaging.mqtt.session.SessionEvent;
import io.smallrye.reactive.messaging.mqtt.session.SessionState;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

/**
 * Drains the spool to the broker, oldest first, one report in flight at a time (so order is
 * kept across reconnects), at most replay-rate reports a second. A report leaves the spool only
 * on the broker's PUBACK (under QoS 0: once written to the socket, since no PUBACK comes). The
 * session reconnects by itself with jittered exponential backoff; a publish that fails while
 * connected (no PUBACK in time, connection lost mid-flight) is retried with the same backoff.
 * In Device Defender mode only the freshest report is sent: older ones are dropped as stale.
 *
 * <p>The drain loop runs on the spool thread (the spool's file operations block) and hands each
 * PUBLISH to the connection's event loop: two thread hand-offs per report, the fewest with the
 * file operations kept off the event loop.
 */
public final class Publisher implements HealthSource, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Publisher.class);
    private static final Duration IDLE_CHECK = Duration.ofSeconds(1);
    private static final long DAY_MILLIS = 86_400_000L;
    static final int EXPIRY_WARNING_DAYS = 30;

    /** The report whose PUBACK is awaited, with the packet id once the PUBLISH was written. */
    private static final class InFlight {
        final SpooledReport report;
        final long startedNanos;
        volatile int packetId = -1;
        volatile int earlyAck = -1;
        Runnable cancelTimeout;

        InFlight(SpooledReport report, long startedNanos) {
            this.report = report;
            this.startedNanos = startedNanos;
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
    private volatile Thread spoolWorker;
    private final ScheduledThreadPoolExecutor spoolThread = spoolThread();
    private final JitteredBackoff backoff;
    private int failedAttempts; // of the current step; on the spool thread only
    private final AtomicReference<InFlight> inFlight = new AtomicReference<>();
    private final Map<Long, CompletableFuture<Boolean>> waiters = new ConcurrentHashMap<>();
    private final AtomicLong reconnects = new AtomicLong();
    private final AtomicLong acknowledged = new AtomicLong();
    private volatile CompletableFuture<Void> connected = new CompletableFuture<>();
    /** The Vert.x context of the connection: a publish handed to it is written without a further thread hop. */
    private volatile Context connection;
    private volatile CompletableFuture<Void> work = new CompletableFuture<>();
    private volatile boolean everConnected;
    private volatile String lastProblem;
    private volatile long lastExpiryWarning;
    private volatile boolean stopping;
    private final AtomicLong problemsLogged = new AtomicLong();

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
        this.backoff = new JitteredBackoff(settings.retryBase(), settings.retryMax());
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
        onSpoolThread(this::drain);
    }

    /** A report was added to the spool: send it now rather than at the next idle check. */
    public void wake() {
        work.complete(null);
    }

    /** Completes with true once the report was acknowledged, false when it was dropped from the spool first. */
    public CompletableFuture<Boolean> delivered(long reportId) {
        return waiters.computeIfAbsent(reportId, id -> new CompletableFuture<>());
    }

    private ScheduledThreadPoolExecutor spoolThread() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "skerry-spool");
            thread.setDaemon(true);
            spoolWorker = thread;
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        return executor;
    }

    /** Runs action on the spool thread: at once when already there. Nothing runs once it has shut down. */
    private void onSpoolThread(Runnable action) {
        if (Thread.currentThread() == spoolWorker && !spoolThread.isShutdown()) {
            guarded(action).run();
        } else {
            onSpoolThreadAfter(Duration.ZERO, action);
        }
    }

    /** Runs action on the spool thread after delay; cancel() calls it off. Once closed, nothing is run. */
    private Runnable onSpoolThreadAfter(Duration delay, Runnable action) {
        try {
            ScheduledFuture<?> scheduled = spoolThread.schedule(guarded(action), delay.toNanos(), TimeUnit.NANOSECONDS);
            return () -> scheduled.cancel(false);
        } catch (RejectedExecutionException closed) {
            return () -> { };
        }
    }

    /** A step that throws is a bug, but must not end the loop: it is logged and tried again after the backoff. */
    private Runnable guarded(Runnable action) {
        return () -> {
            try {
                action.run();
            } catch (RuntimeException e) {
                if (!stopping) {
                    LOG.error("A publishing step failed; this is a bug", e);
                    failed(e);
                }
            }
        };
    }

    /** One turn of the loop, on the spool thread: send the oldest report once connected, or wait for one. */
    private void drain() {
        if (stopping) {
            return;
        }
        CompletableFuture<Void> up = connected;
        if (!up.isDone()) {
            up.thenRun(() -> onSpoolThread(this::drain));
            return;
        }
        Optional<SpooledReport> next;
        try {
            next = nextReport();
        } catch (RuntimeException e) {
            failed(e);
            return;
        }
        if (next.isPresent()) {
            send(next.get());
        } else {
            failedAttempts = 0;
            idle();
        }
    }

    private Optional<SpooledReport> nextReport() {
        spool.persistOverdue();
        if (topics.deviceDefender() && spool.dropAllButNewest() > 0) {
            failWaitersNotIn(spool.oldest());
        }
        return spool.oldest();
    }

    /** Until wake() or the next idle check, whichever comes first. */
    private void idle() {
        CompletableFuture<Void> waiting = new CompletableFuture<>();
        work = waiting;
        Runnable cancelCheck = onSpoolThreadAfter(IDLE_CHECK, () -> waiting.complete(null));
        waiting.thenRun(() -> {
            cancelCheck.run();
            onSpoolThread(this::drain);
        });
    }

    private void send(SpooledReport report) {
        InFlight flight = new InFlight(report, System.nanoTime());
        inFlight.set(flight);
        flight.cancelTimeout = onSpoolThreadAfter(settings.ackTimeout(),
                () -> fail(flight, "no PUBACK within " + settings.ackTimeout().toSeconds() + "s"));
        onConnection(() -> session.publish(topics.metrics(report.format()), Buffer.buffer(report.payload()), settings.qos(), false, settings.retain())
                .onComplete(written -> {
                    if (written.failed()) {
                        fail(flight, written.cause());
                    } else if (settings.qos() == MqttQoS.AT_MOST_ONCE) {
                        succeed(flight);
                    } else {
                        flight.packetId = written.result();
                        if (flight.earlyAck == flight.packetId) {
                            acknowledged(flight.packetId);
                        }
                    }
                }));
    }

    private void succeed(InFlight flight) {
        if (inFlight.compareAndSet(flight, null)) {
            onSpoolThread(() -> delivered(flight));
        }
    }

    private void fail(InFlight flight, String reason) {
        fail(flight, new IllegalStateException(reason));
    }

    private void fail(InFlight flight, Throwable failure) {
        if (inFlight.compareAndSet(flight, null)) {
            onSpoolThread(() -> {
                flight.cancelTimeout.run();
                failed(failure);
            });
        }
    }

    /** On the spool thread: the report leaves the spool, and the next goes once its share of a second at the replay rate is over. */
    private void delivered(InFlight flight) {
        flight.cancelTimeout.run();
        long reportId = flight.report.reportId();
        spool.remove(reportId);
        acknowledged.incrementAndGet();
        if (topics.deviceDefender()) {
            responses.sent(reportId);
        }
        complete(reportId, true);
        lastProblem = null;
        failedAttempts = 0;
        Duration pause = pauseAfter(flight.startedNanos, System.nanoTime(), settings.replayRate());
        if (pause.isZero()) {
            drain();
        } else {
            onSpoolThreadAfter(pause, this::drain);
        }
    }

    /** On the spool thread: logged once per distinct problem, tried again after the backoff. */
    private void failed(Throwable failure) {
        if (stopping) {
            return; // the report stays in the spool for the next start
        }
        publishFailed(failure);
        onSpoolThreadAfter(backoff.delay(failedAttempts++), this::drain);
    }

    /**
     * The pause after a report whose send began at {@code startedNanos}, so that reports start at most {@code rate} a
     * second: 1/rate minus the time the send and its acknowledgement already took (a fixed pause after each
     * acknowledgement would add to that time and slow a replay well below the rate).
     */
    static Duration pauseAfter(long startedNanos, long nowNanos, int rate) {
        return Duration.ofNanos(Math.max(0, 1_000_000_000L / rate - (nowNanos - startedNanos)));
    }

    private void onConnection(Runnable action) {
        Context context = connection;
        if (context == null) {
            action.run();
        } else {
            context.runOnContext(ignored -> action.run());
        }
    }

    private void acknowledged(int packetId) {
        InFlight flight = inFlight.get();
        if (flight == null) {
            return; // a late PUBACK of a publish already given up on: the report was or will be sent again
        }
        if (flight.packetId == -1) {
            flight.earlyAck = packetId;
        } else if (flight.packetId == packetId) {
            succeed(flight);
        }
    }

    private void failInFlight(Integer packetId, String reason) {
        InFlight flight = inFlight.get();
        if (flight != null && (packetId == null || flight.packetId == packetId)) {
            fail(flight, reason);
        }
    }

    private void sessionChanged(SessionEvent event) {
        if (event.getSessionState() == SessionState.CONNECTED) {
            if (everConnected) {
                reconnects.incrementAndGet();
            }
            everConnected = true;
            connection = Vertx.currentContext();
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
        try {
            session.stop().toCompletionStage().toCompletableFuture().get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debugf("Stopping the MQTT session: %s", e);
        }
        spoolThread.execute(spool::close);
        spoolThread.shutdown();
        try {
            spoolThread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
