package dev.skerry.collect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.skerry.report.Report;

/** Every collector over every broken host: no exception escapes, and nothing is made up. */
class BrokenHostsTest {

    /** Every collector the agent would find: none can be left out of these tests by forgetting it. */
    static List<Collector> allCollectors() {
        return DiscoveredCollectors.all();
    }

    @Test
    void theDiscoveryFindsEveryCollectorTheReadmeDocuments() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        String table = readme.substring(readme.indexOf("| collector (for `SKERRY_COLLECTORS_DISABLED`)"), readme.indexOf("| (always) |"));
        List<String> documented = Pattern.compile("(?m)^\\| `([a-z_]+)` \\|").matcher(table).results().map(m -> m.group(1)).sorted().toList();

        assertThat(allCollectors()).extracting(Collector::name).containsExactlyElementsOf(documented).hasSizeGreaterThanOrEqualTo(13);
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
