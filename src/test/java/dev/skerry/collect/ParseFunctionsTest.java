package dev.skerry.collect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/**
 * Each collector's parse function on text written inline, apart from reading files and from the report: the
 * kernel's format, its edge cases and what is malformed, one line of input per fact. The recorded hosts
 * (GoldenReportsTest) check the same functions on whole real files.
 */
class ParseFunctionsTest {

    private static FileBytes file(String name, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        return new FileBytes(Path.of("/proc", name), bytes, bytes.length);
    }

    @Test
    void meminfoGivesTotalAndAvailableInBytes() {
        var memory = MemoryCollector.parse(file("meminfo", """
                MemTotal:        3880360 kB
                MemFree:          123456 kB
                MemAvailable:    3291544 kB
                """));

        assertThat(memory).isEqualTo(new MemoryCollector.Memory(3_880_360L * 1024, 3_291_544L * 1024));
    }

    @Test
    void meminfoOfAKernelWithoutMemAvailableGivesTheTotalOnly() {
        assertThat(MemoryCollector.parse(file("meminfo", "MemTotal: 1024 kB\nMemFree: 10 kB\n")).available()).isEqualTo(-1);
    }

    @Test
    void meminfoWithoutATotalOrWithMoreAvailableThanTotalIsMalformed() {
        assertThatThrownBy(() -> MemoryCollector.parse(file("meminfo", "MemFree: 10 kB\n")))
                .isInstanceOf(MalformedFileException.class).hasMessageContaining("no MemTotal");
        assertThatThrownBy(() -> MemoryCollector.parse(file("meminfo", "MemTotal: 10 kB\nMemAvailable: 11 kB\n")))
                .isInstanceOf(MalformedFileException.class).hasMessageContaining("above MemTotal");
        assertThatThrownBy(() -> MemoryCollector.parse(file("meminfo", "MemTotal: 10 MB\n")))
                .isInstanceOf(MalformedFileException.class).hasMessageContaining("kB");
    }

    @Test
    void uptimeIsTheWholeSecondsOfTheFirstField() {
        assertThat(UptimeCollector.parse(file("uptime", "86423.57 170012.33\n"))).isEqualTo(86_423);
        assertThatThrownBy(() -> UptimeCollector.parse(file("uptime", "86423 170012\n"))).isInstanceOf(MalformedFileException.class);
        assertThatThrownBy(() -> UptimeCollector.parse(file("uptime", ""))).isInstanceOf(MalformedFileException.class);
    }

    @Test
    void loadavgGivesTheThreeAveragesAsWritten() {
        assertThat(LoadAverageCollector.parse(file("loadavg", "0.52 1.05 0.10 2/431 12345\n"))).containsExactly(0.52, 1.05, 0.10);
        assertThatThrownBy(() -> LoadAverageCollector.parse(file("loadavg", "0.52 1.05\n"))).isInstanceOf(MalformedFileException.class);
    }

    @Test
    void modulesAreTheSortedNamesOfLinesWithASize() {
        assertThat(KernelModulesCollector.parse(file("modules", """
                vc4 290816 4 - Live 0xffffffc000a00000
                brcmfmac 331776 0 - Live 0xffffffc000900000
                cfg80211 970752 1 brcmfmac, Live 0xffffffc000800000
                """))).containsExactly("brcmfmac", "cfg80211", "vc4");
        assertThat(KernelModulesCollector.parse(file("modules", ""))).isEmpty();
        assertThatThrownBy(() -> KernelModulesCollector.parse(file("modules", "vc4 big 4 - Live\n"))).isInstanceOf(MalformedFileException.class);
    }

    @Test
    void statGivesTotalAndIdleJiffiesOfTheCpuLineWithoutGuestTime() {
        // user nice system idle iowait irq softirq steal guest guest_nice
        long[] jiffies = CpuUsageCollector.parse(file("stat", "cpu  10 20 30 400 50 6 7 8 90 100\ncpu0 1 2 3 4 5 6 7 8 9 10\n"));

        assertThat(jiffies).containsExactly(10 + 20 + 30 + 400 + 50 + 6 + 7 + 8, 400 + 50);
        // an old kernel's four fields
        assertThat(CpuUsageCollector.parse(file("stat", "cpu 1 2 3 4\n"))).containsExactly(10, 4);
        assertThatThrownBy(() -> CpuUsageCollector.parse(file("stat", "cpu0 1 2 3 4\n"))).isInstanceOf(MalformedFileException.class);
    }

    @Test
    void netDevGivesBytesAndPacketsPerInterfaceButLo() {
        var interfaces = NetworkStatsCollector.parse(file("net/dev", """
                Inter-|   Receive                                                |  Transmit
                 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
                    lo:    5000      50    0    0    0     0          0         0     5000      50    0    0    0     0       0          0
                  eth0: 1048576     812    0    0    0     0          0         3    65536      420    0    0    0     0       0          0
                """));

        assertThat(interfaces).containsOnlyKeys("eth0");
        // bytes in, bytes out, packets in, packets out
        assertThat(interfaces.get("eth0")).containsExactly(1_048_576, 65_536, 812, 420);
        assertThatThrownBy(() -> NetworkStatsCollector.parse(file("net/dev", "eth0: 1 2 3\n"))).isInstanceOf(MalformedFileException.class);
    }
}
