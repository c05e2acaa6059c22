package dev.skerry.collect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.skerry.report.CustomValue;
import dev.skerry.report.Report;
import dev.skerry.testing.CapturedLog;

/**
 * Files too big for the heap, generated here rather than recorded: each costs the metric read
 * from it and nothing else, a streamed table stays streamed, and nothing is kept per path.
 */
class BigFilesTest {

    /** The 5,000 zones under -Dskerry.long=true; 1,000 make the same point in less time. */
    static final int ZONES = Boolean.getBoolean("skerry.long") ? 5_000 : 1_000;

    @TempDir
    Path dir;

    @AutoClose
    CapturedLog log = CapturedLog.of(Collection.class);

    private HostPaths host() throws IOException {
        return HostMutations.copy(Hosts.host("x86_64"), dir.resolve("host"));
    }

    private static List<Collector> collectors() {
        return List.of(new MemoryCollector(), new ListeningTcpPortsCollector(), new TcpConnectionsCollector(), new UptimeCollector(),
                new NetworkStatsCollector());
    }

    private Report collect(HostPaths host) {
        Report.Builder builder = Report.builder();
        int failures = new Collection(collectors(), host, 50).collect(builder);
        builder.custom("collector_errors", failures);
        return builder.build(1);
    }

    private List<String> logged() {
        return log.records().stream().map(CapturedLog::formatted).toList();
    }

    /** Valid lines, repeated until the file holds at least {@code bytes}. */
    private static void grow(Path file, String header, String line, long bytes) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
            out.write(header);
            for (long written = header.length(); written < bytes; written += line.length()) {
                out.write(line);
            }
        }
    }

    @Test
    void aMeminfoOf20MegabytesCostsTheMemoryMetricOnly() throws IOException {
        HostPaths host = host();
        String real = Files.readString(host.proc("meminfo"));
        grow(host.proc("meminfo"), real, "Padding:               0 kB\n", 20L << 20);

        Report report = collect(host);

        assertThat(report.customMetrics()).containsKey("uptime_seconds").doesNotContainKey("memory_total_bytes");
        assertThat(report.listeningTcpPorts()).isNotNull();
        assertThat(report.customMetrics().get("collector_errors")).isEqualTo(CustomValue.number(1));
        assertThat(logged()).anySatisfy(message -> assertThat(message).startsWith("SKR0101: memory:")
                .contains("larger than " + FileReader.MAX_FILE_SIZE + " bytes"));
    }

    @Test
    void aFileOfExactlyTheBoundIsRead() throws IOException {
        Path file = dir.resolve("exact");
        Files.write(file, new byte[FileReader.MAX_FILE_SIZE]);

        assertThat(new FileReader().read(file).length()).isEqualTo(FileReader.MAX_FILE_SIZE);
        Files.write(file, new byte[FileReader.MAX_FILE_SIZE + 1]);
        assertThatThrownBy(() -> new FileReader().read(file)).isInstanceOf(MalformedFileException.class);
    }

    @Test
    void aLineOf30MegabytesInNetTcpIsMalformedAndCostsTheTcpMetricsOnly() throws IOException {
        HostPaths host = host();
        List<String> lines = Files.readAllLines(host.proc("net/tcp"));
        try (BufferedWriter out = Files.newBufferedWriter(host.proc("net/tcp"), StandardCharsets.US_ASCII)) {
            out.write(lines.get(0) + "\n" + lines.get(1));
            String padding = " 0".repeat(1 << 16);
            for (long written = 0; written < 30L << 20; written += padding.length()) {
                out.write(padding); // the fields after the state are not parsed: valid but for its length
            }
            out.write("\n");
        }

        Report report = collect(host);

        assertThat(report.listeningTcpPorts()).isNull();
        assertThat(report.establishedConnections()).isNull();
        assertThat(report.customMetrics()).containsKeys("uptime_seconds", "memory_total_bytes");
        assertThat(logged()).anySatisfy(message -> assertThat(message).startsWith("SKR0101: listening_tcp_ports:")
                .contains("line 2: a line longer than " + FileReader.MAX_LINE_SIZE + " bytes"));
    }

    @Test
    void aBigTableStaysStreamedWhateverItsSize() throws IOException {
        HostPaths host = host();
        List<String> lines = Files.readAllLines(host.proc("net/tcp"));
        // 200,000 sockets (30 MB): far over the bound of a file read whole, but never held whole
        grow(host.proc("net/tcp"), lines.get(0) + "\n", lines.get(1) + "\n", 200_000L * (lines.get(1).length() + 1));

        Report report = collect(host);

        assertThat(report.listeningTcpPorts()).isNotNull();
        assertThat(logged()).noneSatisfy(message -> assertThat(message).startsWith("SKR0101: listening_tcp_ports:"));
    }

    @Test
    void aRouteTableOf100kRoutesCostsTheInterfaceNamesNotThePorts() throws IOException {
        HostPaths host = host();
        List<String> lines = Files.readAllLines(host.proc("net/route"));
        grow(host.proc("net/route"), lines.get(0) + "\n", lines.get(2) + "\n", 100_000L * (lines.get(2).length() + 1));
        assertThat(Files.size(host.proc("net/route"))).isGreaterThan(10L << 20);

        Report report = collect(host);

        assertThat(report.listeningTcpPorts()).isNotNull();
        assertThat(report.customMetrics()).containsKeys("memory_total_bytes", "uptime_seconds");
        assertThat(logged()).anySatisfy(message -> assertThat(message).startsWith("SKR0101: interface addresses (net/fib_trie, net/route):")
                .contains("larger than"));
    }

    @Test
    void thousandsOfThermalZonesCostTheirBytesNotABufferEach() throws IOException {
        HostPaths host = host();
        Path thermal = host.sys("class/thermal");
        for (int zone = 0; zone < ZONES; zone++) {
            Path directory = Files.createDirectories(thermal.resolve("thermal_zone" + zone));
            Files.writeString(directory.resolve("temp"), (40_000 + zone) + "\n");
            Files.writeString(directory.resolve("type"), "acpitz\n");
        }
        FileReader reader = new FileReader();
        for (int zone = 0; zone < ZONES; zone++) {
            FileBytes temp = reader.read(thermal.resolve("thermal_zone" + zone).resolve("temp"));
            assertThat(temp.buffer()).as("a buffer of its own size: 5,000 zones of 8 KiB would be 40 MiB").hasSize(temp.length());
        }

        Report report = Hosts.collect(host, 50, new CpuTemperatureCollector());

        assertThat(report.customMetrics().get("cpu_temperature_celsius")).isEqualTo(CustomValue.number(Math.round((40_000 + ZONES - 1) / 100.0) / 10.0));
    }
}
