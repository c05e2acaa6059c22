package dev.skerry.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import dev.skerry.collect.Collection;
import dev.skerry.collect.FileBytes;
import dev.skerry.collect.HostPaths;
import dev.skerry.collect.Hosts;
import dev.skerry.collect.ListeningTcpPortsCollector;
import dev.skerry.collect.NetworkStatsCollector;
import dev.skerry.collect.SocketTable;
import dev.skerry.collect.TcpConnectionsCollector;
import dev.skerry.report.Report;

/**
 * The hot code of a cycle on the recorded hosts of src/test/resources/hosts: the socket table parser on the
 * 10,000-connection /proc/net/tcp (in memory, no I/O), and the tcp_connections and network_stats collectors as a
 * cycle runs them (reading the files), alone and with listening_tcp_ports, which shares its table. Time per operation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class Parsers {

    private FileBytes tcp10k;
    private Collection connections10k;
    private Collection tcp10kBoth;
    private Collection networkStats;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        HostPaths conn10k = Hosts.host("conn10k");
        Path tcp = conn10k.proc("net/tcp");
        byte[] bytes = Files.readAllBytes(tcp);
        tcp10k = new FileBytes(tcp, bytes, bytes.length);
        connections10k = new Collection(List.of(new TcpConnectionsCollector()), conn10k, ReportSizes.LIST_LIMIT);
        tcp10kBoth = new Collection(List.of(new ListeningTcpPortsCollector(), new TcpConnectionsCollector()), conn10k, ReportSizes.LIST_LIMIT);
        networkStats = new Collection(List.of(new NetworkStatsCollector()), Hosts.host("x86_64"), ReportSizes.LIST_LIMIT);
        networkStats.collect(Report.builder()); // the first cycle only keeps the counters
    }

    /** Parses the 10,000-connection table, counting established sockets. */
    @Benchmark
    public int socketTable10k() {
        int[] established = {0};
        SocketTable.parse(tcp10k, false, socket -> established[0] += socket.state() == 1 ? 1 : 0);
        return established[0];
    }

    /** The tcp_connections collector over the 10,000-connection host: read, parse, keep 50. */
    @Benchmark
    public Report tcpConnections10k() {
        Report.Builder builder = Report.builder();
        connections10k.collect(builder);
        return builder.build(1);
    }

    /** Both collectors of the TCP table, listening_tcp_ports and tcp_connections, as one cycle runs them. */
    @Benchmark
    public Report tcpCollectors10k() {
        Report.Builder builder = Report.builder();
        tcp10kBoth.collect(builder);
        return builder.build(1);
    }

    /** The network_stats collector over the x86_64 host (/proc/net/dev, deltas). */
    @Benchmark
    public Report networkStats() {
        Report.Builder builder = Report.builder();
        networkStats.collect(builder);
        return builder.build(1);
    }
}
