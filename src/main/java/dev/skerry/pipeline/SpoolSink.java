package dev.skerry.pipeline;

import dev.skerry.report.Report;
import dev.skerry.report.ReportEncoder;
import dev.skerry.spool.Spool;
import dev.skerry.spool.SpooledReport;

/**
 * Encodes each report in the wire format and puts it in the spool, from which the publisher
 * drains it. Collection never waits for the broker: the spool is where the two streams meet.
 */
public final class SpoolSink implements ReportSink {

    private final ReportEncoder encoder;
    private final Spool spool;
    private final Runnable added;
    private volatile long lastReportId = -1;

    public SpoolSink(ReportEncoder encoder, Spool spool, Runnable added) {
        this.encoder = encoder;
        this.spool = spool;
        this.added = added;
    }

    @Override
    public void emit(Report report) {
        spool.add(new SpooledReport(report.reportId(), encoder.format(), encoder.encode(report)));
        lastReportId = report.reportId();
        added.run();
    }

    public long lastReportId() {
        return lastReportId;
    }
}
