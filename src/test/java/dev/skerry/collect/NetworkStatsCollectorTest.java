package dev.skerry.collect;

import static dev.skerry.collect.Hosts.collect;
import static dev.skerry.collect.Hosts.collectStrictly;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.skerry.report.NetworkStats;

class NetworkStatsCollectorTest {

    private static final String HEADER = "Inter-|   Receive                                                |  Transmit\n"
            + " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n";

    private final NetworkStatsCollector collector = new NetworkStatsCollector();

    @Test
    void firstReportHasNoNetworkStats() {
        assertThat(collectStrictly("x86_64", collector).networkStats()).isNull();
    }

    @Test
    void x86_64DeltaExcludesLoopback() {
        collectStrictly("x86_64", collector);

        assertThat(collectStrictly("x86_64-later", collector).networkStats())
                .isEqualTo(new NetworkStats(3540, 20840, 6, 20));
    }

    @Test
    void aarch64InterfaceWhoseCountersWentDownContributesNothing() {
        collectStrictly("aarch64", collector);

        assertThat(collectStrictly("aarch64-later", collector).networkStats())
                .isEqualTo(new NetworkStats(1_048_576, 65_536, 812, 420));
    }

    @Test
    void thirtyTwoBitWrapAndSixtyFourBitCountersNeverGiveNegativeOrHugeDeltas(@TempDir Path root) throws IOException {
        HostPaths paths = new HostPaths(root.resolve("proc"), root.resolve("sys"), root);
        Files.createDirectories(root.resolve("proc/net"));
        writeDev(root, "  eth0: 4294967000 10 0 0 0 0 0 0 18446744073709551000 20 0 0 0 0 0 0\n"
                + "  wlan0: 18446744073709551000 1 0 0 0 0 0 0 100 1 0 0 0 0 0 0\n");
        collectStrictly(paths, 50, collector);
        writeDev(root, "  eth0:      200 12 0 0 0 0 0 0 18446744073709551615 25 0 0 0 0 0 0\n"
                + "  wlan0: 18446744073709551200 3 0 0 0 0 0 0 150 2 0 0 0 0 0 0\n");

        assertThat(collectStrictly(paths, 50, collector).networkStats())
                .as("eth0 rx wrapped at 2^32: eth0 is skipped; wlan0 counts, above 2^63 too")
                .isEqualTo(new NetworkStats(200, 50, 2, 1));
    }

    /** Found by CollectorPropertiesTest (seed 333624274394670572): a counter that jumps by more than 2^63 is no traffic. */
    @Test
    void aJumpTooBigForASignedDeltaOrASumThatWouldOverflowContributesNothing(@TempDir Path root) throws IOException {
        HostPaths paths = new HostPaths(root.resolve("proc"), root.resolve("sys"), root);
        Files.createDirectories(root.resolve("proc/net"));
        writeDev(root, "  eth0: 100 1 0 0 0 0 0 0 100 1 0 0 0 0 0 0\n"
                + "  eth1: 0 1 0 0 0 0 0 0 0 1 0 0 0 0 0 0\n"
                + "  eth2: 0 1 0 0 0 0 0 0 0 1 0 0 0 0 0 0\n"
                + "  wlan0: 100 1 0 0 0 0 0 0 100 1 0 0 0 0 0 0\n");
        collectStrictly(paths, 50, collector);
        writeDev(root, "  eth0: 18446744073709551000 2 0 0 0 0 0 0 200 2 0 0 0 0 0 0\n"
                + "  eth1: 9223372036854775000 1 0 0 0 0 0 0 0 1 0 0 0 0 0 0\n"
                + "  eth2: 9223372036854775000 1 0 0 0 0 0 0 0 1 0 0 0 0 0 0\n"
                + "  wlan0: 150 3 0 0 0 0 0 0 130 2 0 0 0 0 0 0\n");

        assertThat(collectStrictly(paths, 50, collector).networkStats())
                .as("eth0's rx jumped by more than 2^63: skipped; eth1 and eth2 together would overflow: one of them is skipped")
                .isEqualTo(new NetworkStats(9223372036854775000L + 50, 30, 2, 1));
    }

    @Test
    void aBrokenSampleStartsTheDeltasOver() {
        collectStrictly("x86_64", collector);
        assertThat(collect("broken-truncated", collector).networkStats()).isNull();

        assertThat(collectStrictly("x86_64-later", collector).networkStats())
                .as("no delta spanning the broken sample").isNull();
    }

    private static void writeDev(Path root, String interfaces) throws IOException {
        Files.writeString(root.resolve("proc/net/dev"), HEADER + "    lo: 999 9 0 0 0 0 0 0 999 9 0 0 0 0 0 0\n" + interfaces);
    }
}
