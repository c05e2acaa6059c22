package dev.skerry.collect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.skerry.report.Report;

/** Every collector over every broken host: no exception escapes, and nothing is made up. */
class BrokenHostsTest {

    static List<Collector> allCollectors() {
        return List.of(new ListeningTcpPortsCollector(), new ListeningUdpPortsCollector(), new TcpConnectionsCollector(),
                new NetworkStatsCollector(), new CpuUsageCollector(), new MemoryCollector(), new DiskCollector(),
                new ProcessCountCollector(), new LoadAverageCollector(), new UptimeCollector(), new CpuTemperatureCollector(),
                new LoggedInUsersCollector(), new KernelModulesCollector());
    }

    @ParameterizedTest
    @ValueSource(strings = {"broken-empty", "broken-truncated", "broken-garbage", "broken-missing"})
    void aBrokenHostYieldsNoMetricFromItsBrokenFiles(String host) {
        HostPaths paths = Hosts.host(host);
        Collection collection = new Collection(allCollectors(), paths, 50);

        for (int cycle = 0; cycle < 2; cycle++) {
            Report.Builder builder = Report.builder();
            assertThatCode(() -> collection.collect(builder)).doesNotThrowAnyException();
            Report report = builder.build(1);

            assertThat(report.listeningTcpPorts()).isNull();
            assertThat(report.listeningUdpPorts()).isNull();
            assertThat(report.establishedConnections()).isNull();
            assertThat(report.networkStats()).isNull();
            assertThat(report.customMetrics().keySet()).allMatch(name -> name.startsWith("disk_root_") || name.equals("process_count"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"broken-empty", "broken-truncated", "broken-garbage"})
    void failuresAreCountedPerCollector(String host) {
        Collection collection = new Collection(allCollectors(), Hosts.host(host), 50);

        int failures = collection.collect(Report.builder());

        // every /proc-file collector fails; disk (statvfs), processes (a directory listing),
        // temperature, users and modules (files absent from the recording) do not
        assertThat(failures).isEqualTo(8);
    }
}
