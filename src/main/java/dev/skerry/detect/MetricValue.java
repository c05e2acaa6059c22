package dev.skerry.detect;

import java.util.List;

/**
 * A metric's value in Device Defender's metricValue shape: one field (ports, cidrs, strings,
 * count, number) holding a list or a number.
 */
record MetricValue(String field, List<?> list, Double number) {

    static MetricValue list(String field, List<?> entries) {
        return new MetricValue(field, List.copyOf(entries), null);
    }

    static MetricValue number(String field, double value) {
        return new MetricValue(field, null, value);
    }
}
