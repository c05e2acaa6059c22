package dev.skerry.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.skerry.collect.Collection;
import dev.skerry.collect.Collector;
import dev.skerry.collect.Cycle;
import dev.skerry.collect.HostPaths;
import dev.skerry.report.CustomValue;
import dev.skerry.report.Report;
import dev.skerry.report.ReportIds;

class PipelineTest {

    @TempDir
    Path state;

    private final List<Report> emitted = new CopyOnWriteArrayList<>();

    private Pipeline pipeline(ReportSink sink, Collector... collectors) {
        HostPaths paths = new HostPaths(state, state, state);
        Reporter reporter = new Reporter(new Collection(List.of(collectors), paths, 50), new ReportIds(Clock.systemUTC(), state));
        return new Pipeline(reporter, sink, new Heartbeat(state, Clock.systemUTC()));
    }

    interface Body {
        void collect(Cycle cycle, Report.Builder report) throws java.io.IOException;
    }

    private static Collector collector(String name, Body body) {
        return new Collector() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void collect(Cycle cycle, Report.Builder report) throws java.io.IOException {
                body.collect(cycle, report);
            }
        };
    }

    private static double custom(Report report, String name) {
        return ((CustomValue.Number) report.customMetrics().get(name)).value();
    }

    @Test
    void ticksDuringASlowCycleAreDroppedAndCountedNotQueued() {
        Collector slow = collector("slow", (cycle, report) -> sleep(300));

        try (Pipeline pipeline = pipeline(emitted::add, slow)) {
            pipeline.start(Duration.ofMillis(50));
            await().atMost(Duration.ofSeconds(10)).until(() -> emitted.size() >= 4);
        }

        Report last = emitted.get(emitted.size() - 1);
        assertThat(custom(last, "ticks_dropped")).isGreaterThanOrEqualTo(10);
        assertThat(emitted).extracting(Report::reportId).isSorted().doesNotHaveDuplicates();
        assertThat(emitted).as("a dropped tick makes no report, so the count has no gap")
                .extracting(report -> custom(report, "reports_produced")).containsExactly(
                        java.util.stream.LongStream.rangeClosed(1, emitted.size()).mapToObj(n -> (double) n).toArray(Double[]::new));
    }

    @Test
    void everyReportCarriesTheTimeItWasBuiltInEpochSeconds() {
        Clock clock = Clock.fixed(java.time.Instant.parse("2026-12-02T15:20:30.900Z"), java.time.ZoneOffset.UTC);
        Reporter reporter = new Reporter(new Collection(List.of(), new HostPaths(state, state, state), 50), new ReportIds(clock, state), clock);

        Report report = reporter.report();

        assertThat(custom(report, "report_built_epoch_seconds")).isEqualTo(1_796_224_830.0);
    }

    @Test
    void aCollectorThatAlwaysFailsCostsOnlyItsMetric() {
        Collector broken = collector("broken", (cycle, report) -> {
            throw new IllegalStateException("boom");
        });
        Collector fine = collector("fine", (cycle, report) -> report.custom("fine_value", 42));

        try (Pipeline pipeline = pipeline(emitted::add, broken, fine)) {
            pipeline.start(Duration.ofMillis(20));
            await().atMost(Duration.ofSeconds(10)).until(() -> emitted.size() >= 5);
        }

        assertThat(emitted).allSatisfy(report -> {
            assertThat(custom(report, "fine_value")).isEqualTo(42);
            assertThat(custom(report, "collector_errors")).isEqualTo(1);
        });
    }

    @Test
    void aSinkFailureDoesNotEndTheStream() {
        AtomicInteger calls = new AtomicInteger();
        ReportSink flaky = report -> {
            if (calls.incrementAndGet() % 2 == 1) {
                throw new java.io.IOException("stdout closed");
            }
            emitted.add(report);
        };

        try (Pipeline pipeline = pipeline(flaky, collector("fine", (cycle, report) -> report.custom("v", 1)))) {
            pipeline.start(Duration.ofMillis(20));
            await().atMost(Duration.ofSeconds(10)).until(() -> emitted.size() >= 3);
        }
        assertThat(calls.get()).isGreaterThanOrEqualTo(6);
    }

    @Test
    void anErrorThatEscapesACycleDoesNotStopTheTicks() {
        AtomicInteger calls = new AtomicInteger();
        Collector failingOnce = collector("memory hungry", (cycle, report) -> {
            if (calls.incrementAndGet() == 1) {
                throw new OutOfMemoryError("simulated");
            }
            report.custom("v", 1);
        });

        try (Pipeline pipeline = pipeline(emitted::add, failingOnce)) {
            pipeline.start(Duration.ofMillis(20));
            await().atMost(Duration.ofSeconds(10)).until(() -> emitted.size() >= 3);
        }
        assertThat(calls.get()).isGreaterThan(emitted.size());
    }

    @Test
    void ticksKeepTheirRateAfterASlowCycleInsteadOfCatchingUp() {
        AtomicInteger calls = new AtomicInteger();
        List<Long> starts = new CopyOnWriteArrayList<>();
        Collector slowOnce = collector("slow once", (cycle, report) -> {
            starts.add(System.nanoTime());
            if (calls.incrementAndGet() == 2) {
                sleep(1_000);
            }
        });

        try (Pipeline pipeline = pipeline(emitted::add, slowOnce)) {
            pipeline.start(Duration.ofMillis(200));
            await().atMost(Duration.ofSeconds(20)).until(() -> starts.size() >= 5);
        }
        assertThat(starts.get(3) - starts.get(2)).as("no burst of the ticks missed during the slow cycle")
                .isGreaterThan(Duration.ofMillis(100).toNanos());
        assertThat(custom(emitted.get(3), "ticks_dropped")).isGreaterThanOrEqualTo(3);
    }

    @Test
    void aFinishedCycleTouchesTheHeartbeat() throws Exception {
        try (Pipeline pipeline = pipeline(emitted::add, collector("fine", (cycle, report) -> report.custom("v", 1)))) {
            assertThat(pipeline.cycle()).isTrue();
        }

        Path heartbeat = state.resolve(Heartbeat.FILE);
        assertThat(heartbeat).exists();
        assertThat(Files.getLastModifiedTime(heartbeat).toMillis()).isCloseTo(System.currentTimeMillis(), org.assertj.core.data.Offset.offset(5_000L));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
