package dev.skerry.bench;

import java.util.List;

import dev.skerry.collect.Collection;
import dev.skerry.collect.Collector;
import dev.skerry.collect.CpuTemperatureCollector;
import dev.skerry.collect.CpuUsageCollector;
import dev.skerry.collect.DiskCollector;
import dev.skerry.collect.HostPaths;
import dev.skerry.collect.KernelModulesCollector;
import dev.skerry.collect.ListeningTcpPortsCollector;
import dev.skerry.collect.ListeningUdpPortsCollector;
import dev.skerry.collect.LoadAverageCollector;
import dev.skerry.collect.LoggedInUsersCollector;
import dev.skerry.collect.MemoryCollector;
import dev.skerry.collect.NetworkStatsCollector;
import dev.skerry.collect.ProcessCountCollector;
import dev.skerry.collect.TcpConnectionsCollector;
import dev.skerry.collect.UptimeCollector;
import dev.skerry.config.FieldNames;
import dev.skerry.config.Format;
import dev.skerry.report.Report;
import dev.skerry.report.ReportEncoder;

/**
 * Bytes of one report of this host in JSON and CBOR with long and short field names, as skerry sends it with the
 * default list limit (50). The report is the second of two cycles a second apart, so it carries the delta metrics
 * (network_stats, cpu_usage_percent) as every report but the first does. Prints
 * {@code json_long=N json_short=N cbor_long=N cbor_short=N}.
 */
public final class ReportSizes {

    static final int LIST_LIMIT = 50;

    private ReportSizes() {
    }

    static List<Collector> allCollectors() {
        return List.of(new ListeningTcpPortsCollector(), new ListeningUdpPortsCollector(), new TcpConnectionsCollector(),
                new NetworkStatsCollector(), new CpuUsageCollector(), new MemoryCollector(), new DiskCollector(),
                new ProcessCountCollector(), new LoadAverageCollector(), new UptimeCollector(), new CpuTemperatureCollector(),
                new LoggedInUsersCollector(), new KernelModulesCollector());
    }

    /** The second report of this host (with the delta metrics). */
    static Report secondReport(HostPaths paths) throws InterruptedException {
        Collection collection = new Collection(allCollectors(), paths, LIST_LIMIT);
        collection.collect(Report.builder());
        Thread.sleep(1000);
        Report.Builder builder = Report.builder();
        collection.collect(builder);
        return builder.build(System.currentTimeMillis());
    }

    public static void main(String[] args) throws InterruptedException {
        Report report = secondReport(HostPaths.system());
        StringBuilder line = new StringBuilder();
        for (Format format : Format.values()) {
            for (FieldNames names : FieldNames.values()) {
                int bytes = new ReportEncoder(format, names, LIST_LIMIT).encode(report).length;
                line.append(line.length() == 0 ? "" : " ").append(format.name().toLowerCase()).append('_')
                        .append(names.name().toLowerCase()).append('=').append(bytes);
            }
        }
        System.out.println(line);
    }
}
