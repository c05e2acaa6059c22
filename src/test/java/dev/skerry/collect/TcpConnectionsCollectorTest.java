package dev.skerry.collect;

import static dev.skerry.collect.Hosts.collect;
import static dev.skerry.collect.Hosts.collectStrictly;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.skerry.report.Connection;
import dev.skerry.report.Report;

class TcpConnectionsCollectorTest {

    @Test
    void x86_64BothEndsOfEachLoopbackConnectionIpv4Ipv6AndMapped() {
        Report report = collectStrictly("x86_64", new TcpConnectionsCollector());

        assertThat(report.establishedConnections().entries()).containsExactly(
                new Connection("127.0.0.1:41008", 41002, "lo"),
                new Connection("127.0.0.1:41002", 41008, "lo"),
                new Connection("127.0.0.1:41010", 41011, "lo"),
                new Connection("[::1]:41004", 41009, "lo"),
                new Connection("127.0.0.1:41011", 41010, "lo"),
                new Connection("[::1]:41009", 41004, "lo"));
        assertThat(report.establishedConnections().total()).isEqualTo(6);
    }

    @Test
    void aarch64TimeWaitIsNotEstablished() {
        Report report = collectStrictly("aarch64", new TcpConnectionsCollector());

        assertThat(report.establishedConnections().entries()).containsExactly(
                new Connection("192.168.1.20:51234", 22, "eth0"),
                new Connection("52.94.1.10:8883", 43210, "eth0"));
        assertThat(report.establishedConnections().total()).isEqualTo(2);
    }

    @Test
    void tenThousandConnectionsAreAllCountedAndFiftyListed() {
        Report report = collectStrictly("conn10k", new TcpConnectionsCollector());

        assertThat(report.establishedConnections().total()).isEqualTo(10_000);
        assertThat(report.establishedConnections().entries()).hasSize(50)
                .allSatisfy(connection -> {
                    assertThat(connection.remoteAddr()).startsWith("127.0.0.1:");
                    assertThat(connection.localInterface()).isEqualTo("lo");
                });
        assertThat(report.establishedConnections().entries()).filteredOn(c -> c.localPort() == 42000).isNotEmpty();
    }

    @Test
    void garbageCostsTheMetric() {
        assertThat(collect("broken-garbage", new TcpConnectionsCollector()).establishedConnections()).isNull();
        assertThat(collect("broken-empty", new TcpConnectionsCollector()).establishedConnections()).isNull();
    }
}
