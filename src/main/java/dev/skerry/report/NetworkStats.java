package dev.skerry.report;

/** Traffic since the previous report, summed over every interface but loopback. */
public record NetworkStats(long bytesIn, long bytesOut, long packetsIn, long packetsOut) {

    public NetworkStats {
        if (bytesIn < 0 || bytesOut < 0 || packetsIn < 0 || packetsOut < 0) {
            throw new IllegalArgumentException("network_stats are deltas and never negative");
        }
    }
}
