package dev.skerry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.skerry.report.ReportEncoder;

/**
 * A busy host: 20,000 established TCP connections and 1,000 TCP and 1,000 UDP listeners on 127.0.0.1
 * (dev.skerry.testing.LoopbackLoad in a child JVM whose open-file limit is raised), and the agent
 * started by the launcher with its production flags. Lists are cut to SKERRY_LIST_LIMIT with the true
 * totals, every cycle completes, and memory stays within the bounds below.
 */
class LoadIT {

    static final int CONNECTIONS = 20_000;
    static final int LISTENERS = 1_000;
    static final int LIST_LIMIT = 100;
    static final int REPORTS = 3;
    /** Bounds with the launcher's flags (serial GC, -Xmx32m); at this load about 75 MiB and 10 MiB are measured. */
    static final long MAX_RSS_BYTES = 128L << 20;
    static final long MAX_HEAP_AFTER_GC_BYTES = 24L << 20;

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path state;

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void listsAreCutWithTrueTotalsAndMemoryStaysBounded() throws Exception {
        long setUp = System.nanoTime();
        Process load = startLoad();
        try {
            String ready = readyLine(load);
            System.out.printf("LoadIT: load up in %.1f s: %s%n", (System.nanoTime() - setUp) / 1e9, ready);

            long started = System.nanoTime();
            List<Double> arrivals = new ArrayList<>();
            try (Launched agent = Launched.start(state, Map.of("SKERRY_INTERVAL", "2s", "SKERRY_LIST_LIMIT", String.valueOf(LIST_LIMIT)))) {
                for (int i = 1; i <= REPORTS; i++) {
                    agent.awaitStdoutLines(i, Duration.ofSeconds(90));
                    arrivals.add((System.nanoTime() - started) / 1e9);
                }
                assertThat(agent.stop()).isZero();
                for (int i = 0; i < REPORTS; i++) {
                    check(agent.stdout.get(i), i, arrivals.get(i));
                }
            }
        } finally {
            load.destroy();
            load.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static void check(String line, int index, double arrival) throws Exception {
        JsonNode report = JSON.readTree(line);
        JsonNode metrics = report.at("/metrics");
        JsonNode established = metrics.at("/tcp_connections/established_connections");
        JsonNode custom = report.at("/custom_metrics");
        long rss = custom.at("/rss_bytes/0/number").asLong();
        long heap = custom.at("/heap_after_gc_bytes/0/number").asLong();
        System.out.printf("LoadIT: report %d after %.1f s: %d established, %d tcp and %d udp listeners, %d bytes, rss %.1f MiB,"
                + " heap after GC %.1f MiB, ticks dropped %d%n", index + 1, arrival, established.at("/total").asInt(),
                metrics.at("/listening_tcp_ports/total").asInt(), metrics.at("/listening_udp_ports/total").asInt(), line.length(),
                rss / 1048576.0, heap / 1048576.0, custom.at("/ticks_dropped/0/number").asInt());

        // both ends of every connection are established sockets of this host
        assertThat(established.at("/total").asInt()).isGreaterThanOrEqualTo(2 * CONNECTIONS);
        assertThat(established.at("/connections")).hasSize(LIST_LIMIT);
        for (String kind : new String[] {"listening_tcp_ports", "listening_udp_ports"}) {
            assertThat(metrics.at("/" + kind + "/total").asInt()).as(kind).isGreaterThanOrEqualTo(LISTENERS);
            assertThat(metrics.at("/" + kind + "/ports")).as(kind).hasSize(LIST_LIMIT);
        }
        assertThat(custom.at("/collector_errors/0/number").asInt()).isZero();
        assertThat(line.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(ReportEncoder.MAX_BYTES);
        assertThat(rss).isPositive().isLessThan(MAX_RSS_BYTES);
        assertThat(heap).isPositive().isLessThan(MAX_HEAP_AFTER_GC_BYTES);
    }

    /** The load in a JVM of its own, with an open-file limit for 40,000 sockets; it ends with this JVM at the latest. */
    private static Process startLoad() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String command = "ulimit -n 65536 2>/dev/null; exec '" + java + "' -Xmx128m -cp target/test-classes dev.skerry.testing.LoopbackLoad "
                + CONNECTIONS + " " + LISTENERS + " 180";
        return new ProcessBuilder("sh", "-c", command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    private static String readyLine(Process load) throws Exception {
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                return new BufferedReader(new InputStreamReader(load.getInputStream(), StandardCharsets.UTF_8)).readLine();
            } catch (java.io.IOException e) {
                return null;
            }
        });
        String ready = line.get(150, TimeUnit.SECONDS);
        assertThat(ready).as("the load generator's ready line").startsWith("ready " + CONNECTIONS + " connections");
        return ready;
    }
}
