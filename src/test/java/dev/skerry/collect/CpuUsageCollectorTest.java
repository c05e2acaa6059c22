package dev.skerry.collect;

import static dev.skerry.collect.Hosts.collect;
import static dev.skerry.collect.Hosts.collectStrictly;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.skerry.report.CustomValue;

class CpuUsageCollectorTest {

    private final CpuUsageCollector collector = new CpuUsageCollector();

    @Test
    void firstReportHasNoCpuUsage() {
        assertThat(collectStrictly("x86_64", collector).customMetrics()).isEmpty();
    }

    @Test
    void x86_64BusyShareBetweenTwoSamples() {
        collectStrictly("x86_64", collector);

        assertThat(collectStrictly("x86_64-later", collector).customMetrics())
                .isEqualTo(Map.of("cpu_usage_percent", new CustomValue.Number(39.05)));
    }

    @Test
    void aarch64BusyShareCountsIowaitAsIdle() {
        collectStrictly("aarch64", collector);

        assertThat(collectStrictly("aarch64-later", collector).customMetrics())
                .isEqualTo(Map.of("cpu_usage_percent", new CustomValue.Number(21.0)));
    }

    @Test
    void truncatedStatIsNoSample() {
        collectStrictly("x86_64", collector);
        assertThat(collect("broken-mixed", collector).customMetrics()).isEmpty();
        assertThat(collectStrictly("x86_64-later", collector).customMetrics()).isEmpty();
    }
}
