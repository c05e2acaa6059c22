package dev.skerry.detect;

import java.util.List;

/** One datapoint of a metric, read from a check's report. */
sealed interface Sample {

    /** A count (ports, connections, bytes) or a custom metric's number. */
    record Number(double value) implements Sample {
    }

    record Ports(List<Integer> ports) implements Sample {
    }

    /** Destination addresses, as the report writes them (no port). */
    record Addresses(List<String> addresses) implements Sample {
    }

    record Strings(List<String> strings) implements Sample {
    }
}
