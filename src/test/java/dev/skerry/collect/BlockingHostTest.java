package dev.skerry.collect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.skerry.pipeline.Heartbeat;
import dev.skerry.pipeline.Pipeline;
import dev.skerry.pipeline.Reporter;
import dev.skerry.report.Report;
import dev.skerry.report.ReportIds;
import dev.skerry.testing.CapturedLog;

/**
 * Files that block and collectors that hang: a FIFO where a regular file is expected is refused
 * unopened, and a collector that does not finish in time (a hung mount) costs its metric, is
 * logged once and is skipped by the next cycles until it finishes.
 */
class BlockingHostTest {

    private static final Duration NEVER_BLOCKED = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @AutoClose
    CapturedLog log = CapturedLog.of(Collection.class);

    private static void mkfifo(Path path) throws IOException, InterruptedException {
        Files.deleteIfExists(path);
        Process process = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
        assertThat(process.waitFor()).isZero();
    }

    /** The recorded x86_64 host with /proc/meminfo and /proc/net/tcp replaced by FIFOs nobody writes to. */
    private HostPaths hostWithFifos() throws Exception {
        HostPaths host = HostMutations.copy(Hosts.host("x86_64"), dir.resolve("host"));
        mkfifo(host.proc("meminfo"));
        mkfifo(host.proc("net/tcp"));
        return host;
    }

    private static List<Collector> collectors() {
        return List.of(new MemoryCollector(), new ListeningTcpPortsCollector(), new UptimeCollector(), new LoadAverageCollector());
    }

    @Test
    void aFifoIsRefusedUnopenedWhetherReadWholeOrStreamed() throws Exception {
        Path fifo = dir.resolve("meminfo");
        mkfifo(fifo);
        FileReader reader = new FileReader();

        assertTimeoutPreemptively(NEVER_BLOCKED, () -> {
            assertThatThrownBy(() -> reader.read(fifo)).isInstanceOf(FileSystemException.class).hasMessageContaining("not a regular file");
            assertThatThrownBy(() -> reader.stream(fifo)).isInstanceOf(FileSystemException.class).hasMessageContaining("not a regular file");
        });
    }

    @Test
    void aFifoLinkedToIsRefusedToo() throws Exception {
        Path fifo = dir.resolve("fifo");
        mkfifo(fifo);
        Path link = Files.createSymbolicLink(dir.resolve("uptime"), fifo);

        assertTimeoutPreemptively(NEVER_BLOCKED, () ->
                assertThatThrownBy(() -> new FileReader().read(link)).isInstanceOf(FileSystemException.class));
    }

    @Test
    void onceOverAHostWithFifosTheReportComesWithoutTheirMetrics() throws Exception {
        HostPaths host = hostWithFifos();
        List<Report> emitted = new CopyOnWriteArrayList<>();
        Reporter reporter = new Reporter(new Collection(collectors(), host, 50), new ReportIds(Clock.systemUTC(), dir));

        try (Pipeline pipeline = new Pipeline(reporter, emitted::add, new Heartbeat(dir, Clock.systemUTC()))) {
            assertThat(assertTimeoutPreemptively(NEVER_BLOCKED, pipeline::cycle)).isTrue();
        }

        Report report = emitted.get(0);
        assertThat(report.customMetrics()).containsKeys("uptime_seconds", "load_average_1m").doesNotContainKey("memory_total_bytes");
        assertThat(report.listeningTcpPorts()).isNull();
        assertThat(report.customMetrics().get("collector_errors")).isEqualTo(dev.skerry.report.CustomValue.number(2));
    }

    @Test
    void cycleAfterCycleOverAHostWithFifosReportsKeepComing() throws Exception {
        HostPaths host = hostWithFifos();
        List<Report> emitted = new CopyOnWriteArrayList<>();
        Reporter reporter = new Reporter(new Collection(collectors(), host, 50), new ReportIds(Clock.systemUTC(), dir));

        try (Pipeline pipeline = new Pipeline(reporter, emitted::add, new Heartbeat(dir, Clock.systemUTC()))) {
            pipeline.start(Duration.ofMillis(50));
            await().atMost(NEVER_BLOCKED).until(() -> emitted.size() >= 5);
        }

        assertThat(emitted).allSatisfy(report -> assertThat(report.customMetrics()).containsKey("uptime_seconds")
                .doesNotContainKey("memory_total_bytes"));
        assertThat(log.records()).as("each FIFO logged once, not once per cycle")
                .filteredOn(record -> CapturedLog.formatted(record).contains("not a regular file")).hasSize(2);
    }

    @Test
    void aCollectorThatHangsCostsItsMetricIsLoggedOnceAndTheNextCyclesDoNotWaitForIt() throws Exception {
        CountDownLatch mountComesBack = new CountDownLatch(1);
        Collector hung = new Collector() {
            @Override
            public String name() {
                return "hung";
            }

            @Override
            public void collect(Cycle cycle, Report.Builder report) {
                try {
                    mountComesBack.await(); // a read(2) on a hung NFS mount: interrupts do not end it either
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                report.custom("hung_late", 1);
            }
        };
        Collection collection = new Collection(List.of(hung, new UptimeCollector()), Hosts.host("x86_64"), 50, Duration.ofMillis(300));

        Report.Builder first = Report.builder();
        long start = System.nanoTime();
        assertThat(assertTimeoutPreemptively(NEVER_BLOCKED, () -> collection.collect(first))).isEqualTo(1);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(first.build(1).customMetrics()).containsKey("uptime_seconds").doesNotContainKey("hung_late");

        for (int cycle = 0; cycle < 5; cycle++) {
            Report.Builder next = Report.builder();
            long nextStart = System.nanoTime();
            assertThat(collection.collect(next)).isEqualTo(1);
            assertThat(Duration.ofNanos(System.nanoTime() - nextStart)).as("skipped, not waited for").isLessThan(Duration.ofMillis(300));
            assertThat(next.build(1).customMetrics()).containsKey("uptime_seconds").doesNotContainKey("hung_late");
        }
        assertThat(log.records()).extracting(CapturedLog::formatted).filteredOn(message -> message.startsWith("SKR0101: hung:")).hasSize(2)
                .anySatisfy(message -> assertThat(message).contains("did not finish within 300 ms"))
                .anySatisfy(message -> assertThat(message).contains("skipped until it finishes"));

        mountComesBack.countDown();
        await().atMost(NEVER_BLOCKED).pollInterval(50, TimeUnit.MILLISECONDS).until(() -> {
            Report.Builder again = Report.builder();
            return collection.collect(again) == 0 && again.build(1).customMetrics().containsKey("hung_late");
        });
        assertThat(log.records()).extracting(CapturedLog::formatted).contains("SKR0102: hung: working again");
    }
}
