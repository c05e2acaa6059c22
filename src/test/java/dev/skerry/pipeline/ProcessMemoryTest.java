package dev.skerry.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.skerry.report.CustomValue;
import dev.skerry.report.Report;

class ProcessMemoryTest {

    @TempDir
    Path dir;

    @Test
    void reportsThisProcessHeapAfterGcAndResidentSet() throws IOException {
        System.gc();
        Report.Builder builder = Report.builder();

        long rssBefore = vmRssFromStatus();
        new ProcessMemory().contribute(builder);
        long rssAfter = vmRssFromStatus();
        Report report = builder.build(1);

        assertThat(builder.rejected()).isEmpty();
        long heap = number(report, "heap_after_gc_bytes");
        long maxHeap = Runtime.getRuntime().maxMemory();
        assertThat(heap).isPositive().isLessThanOrEqualTo(maxHeap);
        long rss = number(report, "rss_bytes");
        // the JVM's resident set moves between two readings (a collection gives pages back): within those taken around it
        assertThat(rss).isBetween(Math.min(rssBefore, rssAfter) * 9 / 10, Math.max(rssBefore, rssAfter) * 11 / 10).isGreaterThan(heap);
    }

    @Test
    void heapAfterGcFollowsEachNewCollection() {
        ProcessMemory memory = new ProcessMemory();
        System.gc();
        long before = memory.heapAfterLastGc();
        assertThat(memory.heapAfterLastGc()).as("no collection since: the same figure").isEqualTo(before);

        byte[][] retained = new byte[16][];
        for (int i = 0; i < retained.length; i++) {
            retained[i] = new byte[1024 * 1024];
        }
        System.gc();
        long holding = memory.heapAfterLastGc();
        retained = null;
        System.gc();
        long released = memory.heapAfterLastGc();

        assertThat(holding).isGreaterThan(before + 12L * 1024 * 1024);
        assertThat(released).isLessThan(holding - 12L * 1024 * 1024);
    }

    @Test
    void readsVmRssInKibibytes() throws IOException {
        Path status = Files.writeString(dir.resolve("status"), "Name:\tjava\nVmPeak:\t 9999 kB\nVmRSS:\t   51200 kB\nThreads:\t12\n");

        assertThat(new ProcessMemory(status).residentSetBytes()).isEqualTo(51200L * 1024);
    }

    @Test
    void anUnreadableStatusCostsOnlyRss() throws IOException {
        Files.writeString(dir.resolve("garbage"), "VmRSS:\tlots kB\n");
        Files.writeString(dir.resolve("cut"), "Name:\tjava\nVmRSS:\t 512");
        Files.writeString(dir.resolve("norss"), "Name:\tjava\n");
        System.gc();
        for (String name : new String[] {"missing", "garbage", "cut", "norss"}) {
            Report.Builder builder = Report.builder();

            new ProcessMemory(dir.resolve(name)).contribute(builder);

            Report report = builder.build(1);
            assertThat(report.customMetrics()).as(name).doesNotContainKey("rss_bytes").containsKey("heap_after_gc_bytes");
        }
    }

    private static long number(Report report, String name) {
        assertThat(report.customMetrics()).containsKey(name);
        return (long) ((CustomValue.Number) report.customMetrics().get(name)).value();
    }

    private static long vmRssFromStatus() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new AssertionError("no VmRSS in /proc/self/status of " + ManagementFactory.getRuntimeMXBean().getName());
    }
}
