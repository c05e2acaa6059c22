package dev.skerry.publish;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import dev.skerry.spool.Spool;
import dev.skerry.spool.SpooledReport;
import dev.skerry.status.DeliveryStatus;
import dev.skerry.status.StatusFile;

/**
 * What an operator reads without a port: the status file in the state directory, a log line every 15 minutes while
 * disconnected, and a line when a backlog starts and ends replaying. The file is written at once when the connection
 * comes up or goes down and when the spool becomes empty, and for any other change at most once a minute (a report
 * added, one delivered). Runs on the spool thread.
 */
final class StatusReporter {

    private static final PublishMessages LOG = PublishMessages.of(StatusReporter.class);
    static final Duration WRITE_EVERY = Duration.ofMinutes(1);
    static final Duration DISCONNECTED_LOG_EVERY = Duration.ofMinutes(15);

    private final Path stateDir;
    private final Spool spool;
    private final Connection connection;
    private final Deliveries deliveries;
    private final DefenderResponses responses;
    private final boolean deviceDefender;
    private final SpoolThread thread;
    private final Duration writeEvery;
    private final Duration remindEvery;
    private final long started = System.currentTimeMillis();
    // on the spool thread only
    private boolean dirty = true;
    private long lastWrite = Long.MIN_VALUE / 2;
    private long lastDisconnectedLog;
    private boolean wasUp;
    private int replaying;
    private long replayStarted;
    private boolean writeFailing;
    private int lastWaiting;

    StatusReporter(Path stateDir, Spool spool, Connection connection, Deliveries deliveries, DefenderResponses responses,
            boolean deviceDefender, SpoolThread thread, Duration writeEvery, Duration remindEvery) {
        this.stateDir = stateDir;
        this.spool = spool;
        this.connection = connection;
        this.deliveries = deliveries;
        this.responses = responses;
        this.deviceDefender = deviceDefender;
        this.thread = thread;
        this.writeEvery = writeEvery;
        this.remindEvery = remindEvery;
        this.lastDisconnectedLog = started;
    }

    void start() {
        thread.run(this::check);
    }

    /** Something an operator would see changed: written within a minute of the last write. */
    void changed() {
        thread.run(() -> {
            dirty = true;
            if (connection.isUp() != wasUp || (spool.size() == 0 && replayingOrWaited())) {
                lastWrite = Long.MIN_VALUE / 2; // the changes health depends on are written at once
            }
            observe();
        });
    }

    /** The periodic turn, once a minute (every 5 s during a replay). */
    private void check() {
        observe();
        thread.after(replaying > 0 ? Duration.ofSeconds(5) : writeEvery, this::check);
    }

    /** The replay lines, the reminder while disconnected, and the write when one is due. */
    private void observe() {
        long now = System.currentTimeMillis();
        boolean up = connection.isUp();
        int waiting = spool.size();
        if (up && !wasUp && waiting > 1) {
            replaying = waiting;
            replayStarted = now;
            LOG.replaying(connection.broker(), waiting);
        } else if (replaying > 0 && waiting <= 1) {
            LOG.backlogDelivered(replaying, (now - replayStarted) / 1000);
            replaying = 0;
        }
        if (!up && now - Math.max(connection.since(), lastDisconnectedLog) >= remindEvery.toMillis()) {
            lastDisconnectedLog = now;
            LOG.stillNotConnected(connection.broker(), Instant.ofEpochMilli(connection.since()),
                    waiting, oldest().map(id -> ", the oldest from " + Instant.ofEpochMilli(id)).orElse(""));
        }
        wasUp = up;
        if (dirty && now - lastWrite >= writeEvery.toMillis()) {
            write();
        }
    }

    /** The last file written still shows reports waiting. */
    private boolean replayingOrWaited() {
        return replaying > 0 || lastWaiting > 0;
    }

    private Optional<Long> oldest() {
        return spool.oldest().map(SpooledReport::reportId);
    }

    private void write() {
        dirty = false;
        lastWrite = System.currentTimeMillis();
        lastWaiting = spool.size();
        DeliveryStatus status = new DeliveryStatus(lastWrite, started, connection.broker(), connection.isUp(), connection.since(),
                lastWaiting, oldest().orElse(null), deliveries.lastAcknowledged(), deliveries.acknowledged(),
                deviceDefender ? responses.accepted.get() : null, deviceDefender ? responses.rejected.get() : null, connection.lastProblem());
        try {
            StatusFile.write(stateDir, status);
            writeFailing = false;
        } catch (IOException e) {
            if (!writeFailing) {
                writeFailing = true;
                LOG.statusFileNotWritten(stateDir, e.getMessage());
            }
        }
    }
}
