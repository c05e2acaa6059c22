package dev.skerry.collect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.skerry.report.Report;

class TcpSocketsTest {

    private static Cycle cycle(HostPaths host, FileReader reader) {
        return new Cycle(host, reader, 50, (source, e) -> {
            throw new AssertionError(source + " failed", e);
        });
    }

    @Test
    void bothTcpMetricsComeFromOneParseOfTheTables() throws IOException {
        Cycle cycle = cycle(Hosts.host("conn10k"), new FileReader());

        TcpSockets first = TcpSockets.of(cycle);
        TcpSockets second = TcpSockets.of(cycle);

        assertThat(second).isSameAs(first);
        assertThat(first.established.total()).isEqualTo(10_000);
        assertThat(first.listening.total()).isPositive();
    }

    @Test
    void sharedPassGivesWhatEachCollectorGivesAlone() {
        for (String name : List.of("x86_64", "aarch64", "conn10k")) {
            HostPaths host = Hosts.host(name);
            Report together = Hosts.collect(host, 50, new ListeningTcpPortsCollector(), new TcpConnectionsCollector());
            Report listeners = Hosts.collectStrictly(host, 50, new ListeningTcpPortsCollector());
            Report connections = Hosts.collectStrictly(host, 50, new TcpConnectionsCollector());

            assertThat(together.listeningTcpPorts()).as(name).isEqualTo(listeners.listeningTcpPorts());
            assertThat(together.establishedConnections()).as(name).isEqualTo(connections.establishedConnections());
        }
    }

    @Test
    void aBrokenTcpTableCostsBothTcpMetricsAndNothingElse() {
        HostPaths host = Hosts.host("broken-mixed");
        Report report = Hosts.collect(host, 50, new ListeningTcpPortsCollector(), new TcpConnectionsCollector(), new ListeningUdpPortsCollector());

        assertThatThrownBy(() -> TcpSockets.of(new Cycle(host, new FileReader(), 50, (source, e) -> { }))).isInstanceOf(MalformedFileException.class);
        assertThat(report.listeningTcpPorts()).isNull();
        assertThat(report.establishedConnections()).isNull();
        assertThat(report.listeningUdpPorts()).isNotNull();
    }
}
