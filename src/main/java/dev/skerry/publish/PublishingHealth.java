package dev.skerry.publish;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;

import dev.skerry.report.HealthSource;
import dev.skerry.report.Report;
import dev.skerry.spool.Spool;
import dev.skerry.spool.SpoolCounters;

/** Publishing's own health in every report: the spool, the connection, Device Defender's answers, the certificate. */
final class PublishingHealth implements HealthSource {

    private static final PublishMessages LOG = PublishMessages.of(PublishingHealth.class);
    private static final long DAY_MILLIS = 86_400_000L;
    static final int EXPIRY_WARNING_DAYS = 30;

    private final Spool spool;
    private final Connection connection;
    private final Deliveries deliveries;
    private final DefenderResponses responses;
    private final boolean deviceDefender;
    private volatile X509Certificate clientCertificate;
    private final Clock clock;
    private volatile long lastExpiryWarning;

    PublishingHealth(Spool spool, Connection connection, Deliveries deliveries, DefenderResponses responses, boolean deviceDefender,
            X509Certificate clientCertificate, Clock clock) {
        this.spool = spool;
        this.connection = connection;
        this.deliveries = deliveries;
        this.responses = responses;
        this.deviceDefender = deviceDefender;
        this.clientCertificate = clientCertificate;
        this.clock = clock;
    }

    @Override
    public void contribute(Report.Builder report) {
        SpoolCounters counters = spool.counters();
        report.custom("spool_pending", spool.size())
                .custom("spool_dropped_full", counters.droppedFull())
                .custom("spool_dropped_stale", counters.droppedStale())
                .custom("spool_set_aside", counters.setAside())
                .custom("spool_write_failures", counters.writeFailures())
                .custom("spool_dropped_memory", counters.droppedMemory())
                .custom("spool_lost", counters.lostBefore())
                .custom("mqtt_reconnects", connection.reconnects())
                .custom("mqtt_acknowledged", deliveries.acknowledged());
        if (deviceDefender) {
            report.custom("defender_accepted", responses.accepted.get())
                    .custom("defender_rejected", responses.rejected.get())
                    .custom("defender_dropped", responses.dropped.get());
        }
        long daysLeft = certificateDaysLeft();
        report.custom("tls_client_cert_days_left", daysLeft);
        if (daysLeft < EXPIRY_WARNING_DAYS && clock.millis() - lastExpiryWarning > DAY_MILLIS) {
            lastExpiryWarning = clock.millis();
            LOG.certificateExpiresSoon(daysLeft, clientCertificate.getNotAfter().toInstant());
        }
    }

    void clientCertificate(X509Certificate renewed) {
        clientCertificate = renewed;
        lastExpiryWarning = 0;
    }

    long certificateDaysLeft() {
        return Math.floorDiv(clientCertificate.getNotAfter().getTime() - clock.millis(), DAY_MILLIS);
    }

    void warnIfClockBeforeCertificate() {
        Instant now = clock.instant();
        if (now.isBefore(clientCertificate.getNotBefore().toInstant())) {
            LOG.clockBeforeCertificate(now, clientCertificate.getNotBefore().toInstant());
        }
    }
}
