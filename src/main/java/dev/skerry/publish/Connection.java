package dev.skerry.publish;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;

import dev.skerry.log.OncePerCause;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.mqtt.session.SessionEvent;
import io.smallrye.reactive.messaging.mqtt.session.SessionState;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * The state of the session's connection as the publishing stream needs it: whether it is up, a wait for it, its
 * event loop, the reconnect count, and the problem last logged, each distinct problem logged once until it changes.
 * The session itself reconnects, with the jittered exponential backoff of its ReconnectDelayOptions.
 */
final class Connection {

    private static final Logger LOG = Logger.getLogger(Connection.class);

    private final String broker;
    private final String topic;
    private final Runnable lost;
    private final Duration connackWait;
    /** When the session last started to connect (System.nanoTime), for how long the attempt waited. */
    private volatile long attemptStarted = System.nanoTime();
    private volatile CompletableFuture<Void> up = new CompletableFuture<>();
    /** The Vert.x context of the connection: a publish handed to it is written without a further thread hop. */
    private volatile Context context;
    private volatile boolean everConnected;
    private volatile boolean stopping;
    /** Why skerry itself is dropping the connection: that disconnect is no new problem of the broker's. */
    private volatile String dropping;
    private volatile String lastDropped;
    private final OncePerCause problems = OncePerCause.untilItChanges();
    private volatile long since = System.currentTimeMillis();
    private final AtomicLong reconnects = new AtomicLong();
    private final AtomicLong problemsLogged = new AtomicLong();

    /** lost runs on the event loop whenever a connection ends. */
    Connection(String broker, String topic, Runnable lost) {
        this(broker, topic, lost, null);
    }

    /** connackWait: after how long the client hangs up itself on a broker that sends no CONNACK (null: not known). */
    Connection(String broker, String topic, Runnable lost, Duration connackWait) {
        this.broker = broker;
        this.topic = topic;
        this.lost = lost;
        this.connackWait = connackWait;
    }

    void changed(SessionEvent event) {
        if (event.getSessionState() == SessionState.CONNECTING) {
            attemptStarted = System.nanoTime();
        } else if (event.getSessionState() == SessionState.CONNECTED) {
            if (everConnected) {
                reconnects.incrementAndGet();
            }
            everConnected = true;
            since = System.currentTimeMillis();
            context = Vertx.currentContext();
            LOG.infof("Connected to %s; publishing to %s", broker, topic);
            problems.clear();
            up.complete(null);
        } else if (event.getSessionState() == SessionState.DISCONNECTED) {
            boolean wasUp = up.isDone();
            Duration waited = Duration.ofNanos(System.nanoTime() - attemptStarted);
            if (up.isDone()) {
                up = new CompletableFuture<>();
                since = System.currentTimeMillis();
            }
            lost.run();
            if (dropping != null) {
                dropping = null;
            } else if (!stopping) {
                problem(ConnectionProblems.describe(event.getCause(), broker, waited, wasUp ? null : connackWait),
                        " (logged once until it changes; reports wait in the spool)");
            }
        }
    }

    boolean isUp() {
        return up.isDone();
    }

    /** When the connection last came up or went down (epoch ms); the start while it never came up. */
    long since() {
        return since;
    }

    String broker() {
        return broker;
    }

    /** A wait of its own: cancelling it leaves the connection's future alone. */
    Uni<Void> whenUp() {
        CompletableFuture<Void> current = up;
        return Uni.createFrom().completionStage(current::copy);
    }

    /** Runs action on the connection's event loop (on the caller's thread before the first connection). */
    void run(Runnable action) {
        Context current = context;
        if (current == null) {
            action.run();
        } else {
            current.runOnContext(ignored -> action.run());
        }
    }

    /** Logged once until it changes; a report delivered clears it. */
    void problem(String problem, String consequence) {
        if (problems.first(problem)) {
            problemsLogged.incrementAndGet();
            LOG.warnf("%s%s", problem, consequence);
        }
    }

    void delivered() {
        problems.clear();
    }

    /** skerry drops the connection and dials again, with the session's backoff. */
    void dropping(String reason) {
        dropping = reason;
        lastDropped = reason;
        problem(reason, ": dropping the connection to " + broker + " and reconnecting");
    }

    void stopping() {
        stopping = true;
    }

    long reconnects() {
        return reconnects.get();
    }

    String lastDropped() {
        return lastDropped;
    }

    String lastProblem() {
        return problems.last();
    }

    long problemsLogged() {
        return problemsLogged.get();
    }
}
