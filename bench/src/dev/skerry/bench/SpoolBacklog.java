package dev.skerry.bench;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import dev.skerry.collect.HostPaths;
import dev.skerry.config.FieldNames;
import dev.skerry.config.Format;
import dev.skerry.report.ReportEncoder;
import dev.skerry.spool.Spool;
import dev.skerry.spool.SpoolException;
import dev.skerry.config.SpoolMode;
import dev.skerry.spool.SpoolSettings;
import dev.skerry.spool.SpooledReport;

/**
 * Writes the backlog an outage leaves: {@code count} reports in skerry's spool directory, through skerry's own
 * {@link Spool} (disk mode: each file written and fsynced, as the agent does), one second apart in report id and
 * ending a minute ago. The payload is this host's report in JSON with long field names, as the agent would have
 * spooled it. Faster than letting the agent spool for {@code count} seconds, and the same files.
 *   SpoolBacklog DIRECTORY COUNT
 */
public final class SpoolBacklog {

    private SpoolBacklog() {
    }

    public static void main(String[] args) throws InterruptedException, SpoolException {
        Path directory = Path.of(args[0]);
        int count = Integer.parseInt(args[1]);
        byte[] payload = new ReportEncoder(Format.JSON, FieldNames.LONG, ReportSizes.LIST_LIMIT)
                .encode(ReportSizes.secondReport(HostPaths.system()));
        long first = System.currentTimeMillis() - 60_000 - count * 1000L;
        SpoolSettings settings = new SpoolSettings(directory, 1L << 30, Math.max(count, 1), SpoolMode.DISK, Duration.ZERO);
        try (Spool spool = Spool.open(settings, Clock.systemUTC())) {
            for (int i = 0; i < count; i++) {
                spool.add(new SpooledReport(first + i * 1000L, Format.JSON, payload));
            }
            System.out.println("spooled=" + spool.size() + " payload_bytes=" + payload.length);
        }
    }
}
