package dev.skerry.collect;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.skerry.config.FieldNames;
import dev.skerry.config.Format;
import dev.skerry.report.ReportEncoder;

/**
 * Every recorded host against one golden report, compared whole: what all collectors make of the host in one
 * cycle, encoded as the agent publishes it (JSON, long names, report id 1). Disk usage is left out: it is the
 * statvfs(2) of the file system the fixture lies on, not something recorded.
 *
 * <p>After a deliberate change to what a collector reports, regenerate the files and review their diff:
 * {@code ./mvnw test -Dtest=GoldenReportsTest -Dskerry.golden.update=true} writes
 * {@code src/test/resources/hosts/NAME/expected.json} for every host.
 */
class GoldenReportsTest {

    private static final Path HOSTS = Path.of("src/test/resources/hosts");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    static Stream<String> hosts() throws IOException {
        try (Stream<Path> entries = Files.list(HOSTS)) {
            return entries.filter(host -> Files.isDirectory(host.resolve("proc"))).map(host -> host.getFileName().toString())
                    .sorted().toList().stream();
        }
    }

    static List<Collector> collectors() {
        return DiscoveredCollectors.all().stream().filter(collector -> !(collector instanceof DiskCollector)).toList();
    }

    /**
     * A collector that reports nothing on any recorded host is not covered by the golden files: it needs a fixture. Each
     * collector is fresh for each host, and is given the host's later recording (NAME-later, the same machine seconds
     * later) as a second cycle when there is one: the rates (CPU usage, network_stats) need two samples.
     */
    @Test
    void everyCollectorReportsSomethingOnSomeRecordedHost() throws IOException {
        List<String> hosts = hosts().toList();
        for (Collector named : collectors()) {
            boolean reported = hosts.stream().filter(host -> !host.endsWith("-later")).anyMatch(host -> {
                Collector collector = collectors().stream().filter(c -> c.name().equals(named.name())).findFirst().orElseThrow();
                boolean first = reportsSomething(Hosts.collect(Hosts.host(host), 50, collector));
                return first || hosts.contains(host + "-later") && reportsSomething(Hosts.collect(Hosts.host(host + "-later"), 50, collector));
            });
            assertThat(reported).as("%s reports nothing on any host under %s: record one where it does", named.name(), HOSTS).isTrue();
        }
    }

    private static boolean reportsSomething(dev.skerry.report.Report report) {
        return report.listeningTcpPorts() != null || report.listeningUdpPorts() != null || report.establishedConnections() != null
                || report.networkStats() != null || !report.customMetrics().isEmpty();
    }

    @ParameterizedTest
    @MethodSource("hosts")
    void theHostsReportIsItsGoldenFile(String host) throws IOException {
        byte[] encoded = new ReportEncoder(Format.JSON, FieldNames.LONG, 50)
                .encode(Hosts.collect(Hosts.host(host), 50, collectors().toArray(Collector[]::new)));
        JsonNode actual = JSON.readTree(encoded);
        Path golden = HOSTS.resolve(host).resolve("expected.json");

        if (Boolean.getBoolean("skerry.golden.update")) {
            Files.writeString(golden, JSON.writeValueAsString(actual) + "\n");
        }
        assertThat(golden).as("the golden report (make it with -Dskerry.golden.update=true)").exists();
        // as trees: the order of an object's members is not part of the report, the order in a list is
        JsonNode expected = JSON.readTree(golden.toFile());
        assertThat(actual).as("%s differs from this report:%n%s", golden, JSON.writeValueAsString(actual)).isEqualTo(expected);
    }
}
