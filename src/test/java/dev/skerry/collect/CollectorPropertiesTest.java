package dev.skerry.collect;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;

import dev.skerry.report.Connection;
import dev.skerry.report.Counted;
import dev.skerry.report.CustomValue;
import dev.skerry.config.FieldNames;
import dev.skerry.config.Format;
import dev.skerry.report.Listener;
import dev.skerry.report.Report;
import dev.skerry.report.ReportEncoder;
import dev.skerry.testing.Tries;

/**
 * Every collector over recorded hosts whose files are broken at random (see {@link HostMutations}),
 * three cycles each so that the delta metrics compare a good sample with a broken one: a broken
 * file costs its metric with a {@link MalformedFileException} or an I/O error naming it, never
 * another exception; no metric has a value no host can have; the report still encodes within
 * 128 KB. A failing try prints its seed (replay with -Dskerry.seed=SEED).
 */
class CollectorPropertiesTest {

    private static final String[] HOSTS = {"x86_64", "aarch64"};
    private static final Pattern REMOTE = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3}):(\\d{1,5})|\\[[0-9a-f:]+\\]:(\\d{1,5})");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper CBOR = new ObjectMapper(new CBORFactory());

    @TempDir
    Path tmp;

    @Test
    @Timeout(300)
    void mutatedRecordingsCostOnlyTheirMetrics() {
        Tries.run("mutated /proc and /sys files", 150, (random, log) -> {
            HostPaths host = copyOfARecordedHost(random);
            int limit = 1 + random.nextInt(60);
            log.append("host ").append(host.rootfs()).append(", list limit ").append(limit).append('\n');
            List<Collector> collectors = BrokenHostsTest.allCollectors();
            List<Path> files = HostMutations.files(host);
            checkCycle(collectors, host, limit, log);
            for (int cycle = 0; cycle < 2; cycle++) {
                for (int i = 0, n = 1 + random.nextInt(4); i < n; i++) {
                    log.append(HostMutations.mutate(files.get(random.nextInt(files.size())), random)).append('\n');
                }
                checkCycle(collectors, host, limit, log);
            }
        });
    }

    @Test
    @Timeout(300)
    void randomContentInEveryFileCostsOnlyItsMetrics() {
        Tries.run("random /proc and /sys content", 40, (random, log) -> {
            HostPaths host = copyOfARecordedHost(random);
            int limit = 1 + random.nextInt(60);
            log.append("host ").append(host.rootfs()).append(", list limit ").append(limit).append('\n');
            List<Collector> collectors = BrokenHostsTest.allCollectors();
            List<Path> files = HostMutations.files(host);
            checkCycle(collectors, host, limit, log);
            for (int cycle = 0; cycle < 2; cycle++) {
                for (Path file : files) {
                    if (random.nextInt(3) > 0) {
                        Files.write(file, HostMutations.randomLines(random));
                        log.append(file).append(": random lines\n");
                    }
                }
                checkCycle(collectors, host, limit, log);
            }
        });
    }

    private HostPaths copyOfARecordedHost(Random random) throws IOException {
        return HostMutations.copy(Hosts.host(HOSTS[random.nextInt(HOSTS.length)]), Files.createTempDirectory(tmp, "host"));
    }

    /** One cycle of every collector, as Collection runs it but failing on the first exception that is not a file's fault. */
    private static void checkCycle(List<Collector> collectors, HostPaths host, int limit, StringBuilder log) throws IOException {
        Report.Builder builder = Report.builder();
        Cycle cycle = new Cycle(host, new FileReader(), limit, (source, cause) -> {
        });
        List<String> failed = new ArrayList<>();
        for (Collector collector : collectors) {
            try {
                collector.collect(cycle, builder);
            } catch (MalformedFileException | IOException expected) {
                failed.add(collector.name());
            } catch (Throwable unexpected) {
                throw new AssertionError(collector.name() + " failed with an exception that names no broken file", unexpected);
            }
        }
        log.append("cycle: failed ").append(failed).append('\n');
        Report report = builder.build(1);
        checkValues(report, limit);
        checkEncodings(report, limit);
    }

    private static void checkValues(Report report, int limit) {
        for (Counted<Listener> ports : java.util.Arrays.asList(report.listeningTcpPorts(), report.listeningUdpPorts())) {
            if (ports != null) {
                assertThat(ports.entries()).hasSizeLessThanOrEqualTo(limit);
                assertThat(ports.entries()).allSatisfy(listener -> assertThat(listener.port()).isBetween(0, 65535));
            }
        }
        Counted<Connection> connections = report.establishedConnections();
        if (connections != null) {
            assertThat(connections.entries()).hasSizeLessThanOrEqualTo(limit);
            for (Connection connection : connections.entries()) {
                assertThat(connection.localPort()).isBetween(0, 65535);
                Matcher remote = REMOTE.matcher(connection.remoteAddr());
                assertThat(remote.matches()).as("remote address %s", connection.remoteAddr()).isTrue();
                if (remote.group(1) != null) {
                    for (int octet = 1; octet <= 4; octet++) {
                        assertThat(Integer.parseInt(remote.group(octet))).isBetween(0, 255);
                    }
                }
                assertThat(Integer.parseInt(remote.group(5) != null ? remote.group(5) : remote.group(6))).isBetween(0, 65535);
            }
        }
        for (Map.Entry<String, CustomValue> metric : report.customMetrics().entrySet()) {
            String name = metric.getKey();
            if (metric.getValue() instanceof CustomValue.StringList list) {
                assertThat(list.values()).as(name).hasSizeLessThanOrEqualTo(limit);
                assertThat(list.total()).as(name).isGreaterThanOrEqualTo(list.values().size());
                continue;
            }
            double value = ((CustomValue.Number) metric.getValue()).value();
            assertThat(Double.isFinite(value)).as(name).isTrue();
            if (name.endsWith("_percent")) {
                assertThat(value).as(name).isBetween(0.0, 100.0);
            } else if (name.equals("cpu_temperature_celsius")) {
                assertThat(value).as(name).isBetween(-273.15, 500.0);
            } else {
                assertThat(value).as(name).isGreaterThanOrEqualTo(0.0);
            }
        }
        if (report.customMetrics().get("kernel_modules") instanceof CustomValue.StringList modules) {
            assertThat(number(report, "kernel_module_count")).isEqualTo(modules.total());
        }
        if (report.customMetrics().containsKey("memory_available_bytes")) {
            assertThat(number(report, "memory_available_bytes")).isLessThanOrEqualTo(number(report, "memory_total_bytes"));
        }
    }

    private static void checkEncodings(Report report, int limit) throws IOException {
        for (Format format : Format.values()) {
            byte[] encoded = new ReportEncoder(format, FieldNames.LONG, limit).encode(report);
            assertThat(encoded.length).as(format + " size").isLessThanOrEqualTo(ReportEncoder.MAX_BYTES);
            JsonNode document = (format == Format.CBOR ? CBOR : JSON).readTree(encoded);
            assertThat(document.at("/header/report_id").asLong()).isEqualTo(1);
            if (report.establishedConnections() != null) {
                assertThat(document.at("/metrics/tcp_connections/established_connections/total").asInt())
                        .isEqualTo(report.establishedConnections().total());
            }
        }
    }

    private static double number(Report report, String name) {
        assertThat(report.customMetrics()).containsKey(name);
        return ((CustomValue.Number) report.customMetrics().get(name)).value();
    }
}
