package dev.skerry.collect;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import dev.skerry.report.NetworkStats;
import dev.skerry.report.Report;

/**
 * network_stats: bytes and packets in and out since the previous report, from /proc/net/dev,
 * summed over every interface but lo. An interface whose counters went down since the last
 * sample (counters reset, a 32-bit counter wrapped, the interface was re-created), one whose
 * counter jumped by 2^63 or more or would overflow the sum, and one that is new contribute nothing
 * this time rather than a negative or huge delta. The first report
 * carries no network_stats: a delta needs two samples.
 */
@ApplicationScoped
public class NetworkStatsCollector implements Collector {

    private static final int RX_BYTES = 0;
    private static final int RX_PACKETS = 1;
    private static final int TX_BYTES = 8;
    private static final int TX_PACKETS = 9;
    private static final int FIELDS = 16;

    /** Per interface: bytes in, bytes out, packets in, packets out (unsigned). */
    private Map<String, long[]> previous;

    @Override
    public String name() {
        return "network_stats";
    }

    @Override
    public void collect(Cycle cycle, Report.Builder report) throws IOException {
        FileBytes file;
        Map<String, long[]> current;
        try {
            file = cycle.proc("net/dev");
            current = file == null ? null : parse(file);
        } catch (IOException | RuntimeException e) {
            previous = null; // the next delta would span two intervals: start over instead
            throw e;
        }
        Map<String, long[]> before = previous;
        previous = current;
        if (current == null || before == null) {
            return;
        }
        long[] sum = new long[4];
        for (Map.Entry<String, long[]> entry : current.entrySet()) {
            long[] then = before.get(entry.getKey());
            long[] now = entry.getValue();
            if (then == null || wentDown(then, now) || !fits(sum, then, now)) {
                continue;
            }
            for (int i = 0; i < 4; i++) {
                sum[i] += now[i] - then[i];
            }
        }
        report.networkStats(new NetworkStats(sum[0], sum[1], sum[2], sum[3]));
    }

    /** A jump of 2^63 or more in one interval, or one that would overflow the sum, is no traffic a link carries. */
    private static boolean fits(long[] sum, long[] then, long[] now) {
        for (int i = 0; i < 4; i++) {
            long delta = now[i] - then[i];
            if (delta < 0 || sum[i] > Long.MAX_VALUE - delta) {
                return false;
            }
        }
        return true;
    }

    private static boolean wentDown(long[] then, long[] now) {
        for (int i = 0; i < 4; i++) {
            if (Long.compareUnsigned(now[i], then[i]) < 0) {
                return true;
            }
        }
        return false;
    }

    static Map<String, long[]> parse(FileBytes file) {
        Lines lines = file.lines();
        if (!lines.next() || !lines.lineStartsWith("Inter-|") || !lines.next()) {
            throw new MalformedFileException(file.path(), 1, "missing the 'Inter-|' header");
        }
        Map<String, long[]> interfaces = new HashMap<>();
        while (lines.next()) {
            String name = lines.until(':');
            long[] counters = new long[4];
            for (int field = 0; field < FIELDS; field++) {
                long value = lines.unsignedDecimal();
                switch (field) {
                    case RX_BYTES -> counters[0] = value;
                    case TX_BYTES -> counters[1] = value;
                    case RX_PACKETS -> counters[2] = value;
                    case TX_PACKETS -> counters[3] = value;
                    default -> {
                    }
                }
            }
            if (!name.equals("lo")) {
                interfaces.put(name, counters);
            }
        }
        return interfaces;
    }
}
