package dev.skerry.publish;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

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
 * Drains the spool to the broker, oldest first, at most replay-rate reports a second, with at most
 * max-in-flight reports between their PUBLISH and the delete of their file (one by default). A report
 * leaves the spool only on the broker's PUBACK (under QoS 0: once written to the socket, since no
 * PUBACK comes). The session reconnects by itself with jittered exponential backoff; a publish that
 * fails while connected (no PUBACK in time, connection lost mid-flight) gives up every report in
 * flight, and they are sent again, oldest first, after the same backoff. So a fault repeats at most
 * max-in-flight reports, and the broker sees each report for the first time in order: reports in
 * flight together travel in order on one connection. In Device Defender mode only the freshest report
 * is sent, one at a time: older ones are dropped as stale.
 *
 * <p>The drain loop runs on the spool thread (the spool's file operations block) and hands each
 * PUBLISH to the connection's event loop: two thread hand-offs per report, the fewest with the
 * file operations kept off the event loop. With several in flight, the next PUBLISH goes out while
 * the files of acknowledged reports are deleted, and the PUBACKs that came meanwhile are deleted
 * together with one directory fsync.
 */
public final class Publisher implements HealthSource, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Publisher.class);
    private static final Duration IDLE_CHECK = Duration.ofSeconds(1);
    /** A report is overdue once it has waited longer than the grace, not as long. */
    private static final Duration PERSIST_MARGIN = Duration.ofMillis(20);
    private static final long DAY_MILLIS = 86_400_000L;
    static final int EXPIRY_WARNING_DAYS = 30;

    /** A report sent and not yet deleted, with the packet id once the PUBLISH was written. */
    private static final class InFlight {
        final SpooledReport report;
        /** Acknowledged or given up, whichever came first: what comes after is ignored. */
        final AtomicBoolean settled = new AtomicBoolean();
        volatile boolean acknowledged;
        volatile int packetId = -1;
        volatile int earlyAck = -1;
        Runnable cancelTimeout;

        InFlight(SpooledReport report) {
            this.report = report;
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
    // on the spool thread only
    private int failedAttempts; // of the current step
    private boolean retryScheduled; // a failure's backoff runs: nothing is sent before it ends
    private boolean drainScheduled; // a drain paced by the replay rate is due
    private boolean idling;
    private boolean awaitingConnection;
    private long lastSendNanos = System.nanoTime() - 1_000_000_000L;
    /** Oldest first; changed on the spool thread only, read by the event loop to match PUBACKs. */
    private final Deque<InFlight> inFlight = new ConcurrentLinkedDeque<>();
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
    public record Settings(MqttQoS qos, boolean retain, Duration ackTimeout, int replayRate, int maxInFlight, Duration retryBase,
            Duration retryMax) {
        public Settings {
            if (replayRate < 1 || maxInFlight < 1) {
                throw new IllegalArgumentException("replayRate and maxInFlight must be at least 1");
            }
        }
    }

    public Publisher(Vertx vertx, MqttClientSessionOptions options, Spool spool, Topics topics, Settings settings,
            java.security.cert.X509Certificate clientCertificate, Clock clock) {
        this.session = MqttClientSession.create(vertx, options);
        this.broker = options.getHostname() + ":" + options.getPort();
        this.spool = spool;
        this.topics = topics;
        this.settings = topics.deviceDefender() ? new Settings(MqttQoS.AT_LEAST_ONCE, false, settings.ackTimeout(),
                settings.replayRate(), 1, settings.retryBase(), settings.retryMax()) : settings;
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

    /**
     * A report was added to the spool: send it now rather than at the next idle check. In memory-first mode, also
     * write it to disk once its grace is over if it is still there, whether the broker is reachable or not.
     */
    public void wake() {
        work.complete(null);
        spool.memoryGrace().ifPresent(grace -> onSpoolThreadAfter(grace.plus(PERSIST_MARGIN), spool::persistOverdue));
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

    /** One turn of the loop, on the spool thread: once connected, send the next reports while the window has room, or wait for one. */
    private void drain() {
        if (stopping || retryScheduled) {
            return;
        }
        CompletableFuture<Void> up = connected;
        if (!up.isDone()) {
            if (!awaitingConnection) {
                awaitingConnection = true;
                up.thenRun(() -> onSpoolThread(() -> {
                    awaitingConnection = false;
                    drain();
                }));
            }
            return;
        }
        while (inFlight.size() < settings.maxInFlight()) {
            Optional<SpooledReport> next;
            try {
                next = nextReport();
            } catch (RuntimeException e) {
                failed(e);
                return;
            }
            if (next.isEmpty()) {
                if (inFlight.isEmpty()) {
                    failedAttempts = 0;
                }
                idle();
                return;
            }
            Duration pause = pauseAfter(lastSendNanos, System.nanoTime(), settings.replayRate());
            if (!pause.isZero()) {
                drainAfter(pause);
                return;
            }
            send(next.get());
        }
    }

    /** The oldest report not yet in flight. */
    private Optional<SpooledReport> nextReport() {
        InFlight newest = inFlight.peekLast();
        if (newest != null) {
            return spool.after(newest.report.reportId());
        }
        spool.persistOverdue();
        if (topics.deviceDefender() && spool.dropAllButNewest() > 0) {
            failWaitersNotIn(spool.oldest());
        }
        return spool.oldest();
    }

    /** Until wake() or the next idle check, whichever comes first. */
    private void idle() {
        if (idling) {
            return;
        }
        idling = true;
        CompletableFuture<Void> waiting = new CompletableFuture<>();
        work = waiting;
        Runnable cancelCheck = onSpoolThreadAfter(IDLE_CHECK, () -> waiting.complete(null));
        waiting.thenRun(() -> {
            cancelCheck.run();
            onSpoolThread(() -> {
                idling = false;
                drain();
            });
        });
    }

    private void drainAfter(Duration pause) {
        if (!drainScheduled) {
            drainScheduled = true;
            onSpoolThreadAfter(pause, () -> {
                drainScheduled = false;
                drain();
            });
        }
    }

    private void send(SpooledReport report) {
        InFlight flight = new InFlight(report);
        inFlight.addLast(flight);
        lastSendNanos = System.nanoTime();
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
                            succeed(flight);
                        }
                    }
                }));
    }

    private void succeed(InFlight flight) {
        if (flight.settled.compareAndSet(false, true)) {
            flight.acknowledged = true;
            onSpoolThread(() -> {
                if (deleteAcknowledged()) {
                    drain();
                }
            });
        }
    }

    private void fail(InFlight flight, String reason) {
        fail(flight, new IllegalStateException(reason));
    }

    private void fail(InFlight flight, Throwable failure) {
        if (flight.settled.compareAndSet(false, true)) {
            onSpoolThread(() -> giveUp(flight, failure));
        }
    }

    /**
     * On the spool thread: the acknowledged reports leave the spool, all with one directory fsync, and their
     * places in flight are free. False when there were none (an earlier turn took them along).
     */
    private boolean deleteAcknowledged() {
        List<InFlight> done = inFlight.stream().filter(flight -> flight.acknowledged).toList();
        if (done.isEmpty()) {
            return false;
        }
        spool.remove(done.stream().map(flight -> flight.report.reportId()).toList());
        for (InFlight flight : done) {
            flight.cancelTimeout.run();
            inFlight.remove(flight);
            long reportId = flight.report.reportId();
            acknowledged.incrementAndGet();
            if (topics.deviceDefender()) {
                responses.sent(reportId);
            }
            complete(reportId, true);
        }
        lastProblem = null;
        failedAttempts = 0;
        return true;
    }

    /**
     * On the spool thread: a report in flight failed, so every one still unacknowledged is given up (their late
     * PUBACKs are ignored) and sent again, oldest first, after the backoff.
     */
    private void giveUp(InFlight failedFlight, Throwable failure) {
        if (!inFlight.contains(failedFlight)) {
            return;
        }
        deleteAcknowledged();
        for (InFlight flight : inFlight) {
            flight.settled.set(true);
            flight.cancelTimeout.run();
        }
        inFlight.clear();
        failed(failure);
    }

    /** On the spool thread: logged once per distinct problem, tried again after the backoff. */
    private void failed(Throwable failure) {
        if (stopping || retryScheduled) {
            return; // stopping: the report stays in the spool for the next start
        }
        publishFailed(failure);
        retryScheduled = true;
        onSpoolThreadAfter(backoff.delay(failedAttempts++), () -> {
            retryScheduled = false;
            drain();
        });
    }

    /**
     * The pause after a send that began at {@code startedNanos}, so that reports start at most {@code rate} a
     * second: 1/rate minus the time since (a fixed pause after each acknowledgement would add to the time the
     * send took and slow a replay well below the rate).
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

    /** On the event loop. A PUBACK matching no report in flight is a late one of a publish given up on: that report was or will be sent again. */
    private void acknowledged(int packetId) {
        for (InFlight flight : inFlight) {
            if (flight.packetId == packetId) {
                succeed(flight);
                return;
            }
        }
        for (InFlight flight : inFlight) {
            if (flight.packetId == -1) {
                flight.earlyAck = packetId; // the PUBACK overtook the publish's own completion
                return;
            }
        }
    }

    /** The report with this packet id failed, or (packetId null) every report in flight not yet acknowledged. */
    private void failInFlight(Integer packetId, String reason) {
        for (InFlight flight : inFlight) {
            if (packetId == null) {
                fail(flight, reason); // an acknowledged one is settled already and stays so
            } else if (flight.packetId == packetId) {
                fail(flight, reason);
                return;
            }
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
        while (!inFlight.isEmpty() && System.nanoTime() < deadline) {
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
