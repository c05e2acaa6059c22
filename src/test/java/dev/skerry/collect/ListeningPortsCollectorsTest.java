package dev.skerry.collect;

import static dev.skerry.collect.Hosts.collect;
import static dev.skerry.collect.Hosts.collectStrictly;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.skerry.report.Listener;
import dev.skerry.report.Report;

class ListeningPortsCollectorsTest {

    @Test
    void x86_64TcpListenersOnEveryAddressAndOnLoopbackOnly() {
        Report report = collectStrictly("x86_64", new ListeningTcpPortsCollector());

        assertThat(report.listeningTcpPorts().entries()).containsExactly(
                new Listener(2024, null),
                new Listener(41001, null),
                new Listener(41002, "lo"),
                new Listener(41003, null),
                new Listener(41004, "lo"),
                new Listener(41010, null));
        assertThat(report.listeningTcpPorts().total()).isEqualTo(6);
    }

    @Test
    void x86_64UdpListenersLeaveOutTheConnectedSocket() {
        Report report = collectStrictly("x86_64", new ListeningUdpPortsCollector());

        assertThat(report.listeningUdpPorts().entries()).containsExactly(
                new Listener(41005, null),
                new Listener(41006, "lo"));
        assertThat(report.listeningUdpPorts().total()).isEqualTo(2);
    }

    @Test
    void aarch64SameServiceOnIpv4AndIpv6IsOneEntry() {
        Report report = collectStrictly("aarch64", new ListeningTcpPortsCollector());

        assertThat(report.listeningTcpPorts().entries()).containsExactly(
                new Listener(22, null),
                new Listener(631, "lo"));
        assertThat(report.listeningTcpPorts().total()).isEqualTo(2);
    }

    @Test
    void aarch64UdpListenerBoundToOneAddressNamesItsInterface() {
        Report report = collectStrictly("aarch64", new ListeningUdpPortsCollector());

        assertThat(report.listeningUdpPorts().entries()).containsExactly(
                new Listener(123, "eth0"),
                new Listener(5353, null));
    }

    @Test
    void tenThousandConnectionsDoNotCountAsListeners() {
        Report report = collectStrictly("conn10k", new ListeningTcpPortsCollector());

        assertThat(report.listeningTcpPorts().entries()).containsExactly(
                new Listener(2024, null),
                new Listener(42000, "lo"));
    }

    @Test
    void listIsCutToTheLimitWhileTotalKeepsTheTrueCount() {
        Report report = collectStrictly(Hosts.host("x86_64"), 2, new ListeningTcpPortsCollector());

        assertThat(report.listeningTcpPorts().entries()).containsExactly(new Listener(2024, null), new Listener(41001, null));
        assertThat(report.listeningTcpPorts().total()).isEqualTo(6);
    }

    @Test
    void aBrokenIpv4TableCostsTheTcpMetricButNotUdp() {
        Report report = collect("broken-mixed", new ListeningTcpPortsCollector(), new ListeningUdpPortsCollector());

        assertThat(report.listeningTcpPorts()).isNull();
        assertThat(report.listeningUdpPorts().entries()).containsExactly(new Listener(41005, null), new Listener(41006, "lo"));
    }

    @Test
    void truncatedTablesAreLeftOutRatherThanUndercounted() {
        Report report = collect("broken-truncated", new ListeningTcpPortsCollector(), new ListeningUdpPortsCollector());

        assertThat(report.listeningTcpPorts()).isNull();
        assertThat(report.listeningUdpPorts()).isNull();
    }

    @Test
    void missingTablesMeanNoMetric() {
        Report report = collect("broken-missing", new ListeningTcpPortsCollector(), new ListeningUdpPortsCollector());

        assertThat(report.listeningTcpPorts()).isNull();
        assertThat(report.listeningUdpPorts()).isNull();
    }
}
