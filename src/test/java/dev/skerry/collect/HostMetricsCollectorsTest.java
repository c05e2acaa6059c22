package dev.skerry.collect;

import static dev.skerry.collect.Hosts.collect;
import static dev.skerry.collect.Hosts.collectStrictly;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.skerry.report.CustomValue;

/** The custom metrics read from single files: memory, load, uptime, processes, temperature, users, modules. */
class HostMetricsCollectorsTest {

    private static CustomValue number(double value) {
        return new CustomValue.Number(value);
    }

    @Test
    void memoryInBytes() {
        assertThat(collectStrictly("x86_64", new MemoryCollector()).customMetrics()).isEqualTo(Map.of(
                "memory_total_bytes", number(25_276_026_880.0),
                "memory_available_bytes", number(24_972_984_320.0)));
        assertThat(collectStrictly("aarch64", new MemoryCollector()).customMetrics()).isEqualTo(Map.of(
                "memory_total_bytes", number(3_973_488_640.0),
                "memory_available_bytes", number(3_370_541_056.0)));
    }

    @Test
    void loadAverageKeepsItsDecimals() {
        assertThat(collectStrictly("x86_64", new LoadAverageCollector()).customMetrics()).isEqualTo(Map.of(
                "load_average_1m", number(0.36), "load_average_5m", number(0.25), "load_average_15m", number(0.10)));
        assertThat(collectStrictly("aarch64", new LoadAverageCollector()).customMetrics()).isEqualTo(Map.of(
                "load_average_1m", number(0.08), "load_average_5m", number(0.12), "load_average_15m", number(0.09)));
    }

    @Test
    void uptimeInWholeSeconds() {
        assertThat(collectStrictly("x86_64", new UptimeCollector()).customMetrics()).isEqualTo(Map.of("uptime_seconds", number(231)));
        assertThat(collectStrictly("aarch64", new UptimeCollector()).customMetrics()).isEqualTo(Map.of("uptime_seconds", number(86423)));
    }

    @Test
    void processCountIsTheNumericDirectories() {
        assertThat(collectStrictly("x86_64", new ProcessCountCollector()).customMetrics()).isEqualTo(Map.of("process_count", number(7)));
        assertThat(collectStrictly("aarch64", new ProcessCountCollector()).customMetrics()).isEqualTo(Map.of("process_count", number(6)));
        assertThat(collectStrictly("broken-garbage", new ProcessCountCollector()).customMetrics()).isEqualTo(Map.of("process_count", number(7)));
    }

    @Test
    void cpuTemperatureFromThePiThermalZone() {
        assertThat(collectStrictly("aarch64", new CpuTemperatureCollector()).customMetrics())
                .isEqualTo(Map.of("cpu_temperature_celsius", number(48.7)));
        assertThat(collectStrictly("x86_64", new CpuTemperatureCollector()).customMetrics()).isEmpty();
    }

    @Test
    void cpuTemperaturePrefersTheCpuZoneAndReadsFrostyBoxes(@TempDir Path root) throws IOException {
        zone(root, 0, "acpitz", "71000");
        zone(root, 1, "x86_pkg_temp", "-5500");
        HostPaths paths = new HostPaths(root.resolve("proc"), root.resolve("sys"), root);

        assertThat(collectStrictly(paths, 50, new CpuTemperatureCollector()).customMetrics())
                .isEqualTo(Map.of("cpu_temperature_celsius", number(-5.5)));
    }

    @Test
    void cpuTemperatureWithoutACpuZoneIsTheHottest(@TempDir Path root) throws IOException {
        zone(root, 0, "acpitz", "41000");
        zone(root, 1, "iwlwifi_1", "52000");

        assertThat(collectStrictly(new HostPaths(root, root.resolve("sys"), root), 50, new CpuTemperatureCollector()).customMetrics())
                .isEqualTo(Map.of("cpu_temperature_celsius", number(52.0)));
    }

    /** Found by CollectorPropertiesTest: a driver's error code (0xFFFFFFFF) was reported as 4294967.3 °C. */
    @Test
    void cpuTemperatureSkipsReadingsNoSensorGives(@TempDir Path root) throws IOException {
        zone(root, 0, "cpu-thermal", "4294967295");
        zone(root, 1, "acpitz", "-274000"); // the kernel's THERMAL_TEMP_INVALID
        HostPaths paths = new HostPaths(root.resolve("proc"), root.resolve("sys"), root);

        assertThat(collect(paths, 50, new CpuTemperatureCollector()).customMetrics()).isEmpty();

        zone(root, 2, "acpitz", "41000");
        assertThat(collect(paths, 50, new CpuTemperatureCollector()).customMetrics())
                .isEqualTo(Map.of("cpu_temperature_celsius", number(41.0)));
    }

    /** Found by CollectorPropertiesTest: lines run together gave a MemAvailable ten thousand times MemTotal. */
    @Test
    void memoryAvailableAboveTotalIsMalformed(@TempDir Path root) throws IOException {
        Files.createDirectories(root.resolve("proc"));
        Files.writeString(root.resolve("proc/meminfo"), "MemTotal:       24683620 kB\nMemAvailable:   243876524 kB\n");

        assertThat(collect(new HostPaths(root.resolve("proc"), root, root), 50, new MemoryCollector()).customMetrics()).isEmpty();
    }

    @Test
    void loggedInUsersCountsUserProcessRecords() {
        assertThat(collectStrictly("aarch64", new LoggedInUsersCollector()).customMetrics()).isEqualTo(Map.of("logged_in_users", number(1)));
        assertThat(collectStrictly("x86_64", new LoggedInUsersCollector()).customMetrics()).isEmpty();
    }

    @Test
    void kernelModulesSortedAndCounted() {
        assertThat(collectStrictly("aarch64", new KernelModulesCollector()).customMetrics()).isEqualTo(Map.of(
                "kernel_modules", new CustomValue.StringList(List.of("bcm2835_v4l2", "brcmfmac", "brcmutil", "cec", "cfg80211",
                        "drm_display_helper", "i2c_brcmstb", "raspberrypi_hwmon", "rfkill", "snd_bcm2835", "snd_soc_hdmi_codec", "vc4"), 12),
                "kernel_module_count", number(12)));
        assertThat(collectStrictly(Hosts.host("aarch64"), 3, new KernelModulesCollector()).customMetrics().get("kernel_modules"))
                .isEqualTo(new CustomValue.StringList(List.of("bcm2835_v4l2", "brcmfmac", "brcmutil"), 12));
        assertThat(collectStrictly("x86_64", new KernelModulesCollector()).customMetrics()).as("kernel without modules").isEmpty();
    }

    @Test
    void diskUsageMatchesDf(@TempDir Path root) throws Exception {
        var metrics = collectStrictly(new HostPaths(root, root, root), 50, new DiskCollector()).customMetrics();

        Process df = new ProcessBuilder("df", "-B1", "--output=size", root.toString()).start();
        String[] lines = new String(df.getInputStream().readAllBytes()).strip().split("\n");
        assertThat(df.waitFor()).isZero();
        assertThat(metrics.get("disk_root_total_bytes")).isEqualTo(number(Long.parseLong(lines[1].strip())));
        assertThat(((CustomValue.Number) metrics.get("disk_root_used_percent")).value()).isBetween(0.0, 100.0);
        assertThat(((CustomValue.Number) metrics.get("disk_root_available_bytes")).value()).isPositive();
    }

    @Test
    void brokenFilesCostOnlyTheirOwnMetrics() {
        var metrics = collect("broken-mixed", new MemoryCollector(), new LoadAverageCollector(), new UptimeCollector(),
                new ProcessCountCollector(), new CpuUsageCollector(), new TcpConnectionsCollector()).customMetrics();

        assertThat(metrics).containsOnlyKeys("memory_total_bytes", "memory_available_bytes", "load_average_1m",
                "load_average_5m", "load_average_15m", "uptime_seconds", "process_count");
    }

    private static void zone(Path root, int index, String type, String millidegrees) throws IOException {
        Path zone = Files.createDirectories(root.resolve("sys/class/thermal/thermal_zone" + index));
        Files.writeString(zone.resolve("type"), type + "\n");
        Files.writeString(zone.resolve("temp"), millidegrees + "\n");
    }
}
