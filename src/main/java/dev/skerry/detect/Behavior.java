package dev.skerry.detect;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One behaviour of the profile: what normal looks like for one metric. {@code given} is the
 * behaviour's JSON as the profile wrote it, for the events. window is durationSeconds for the
 * byte and packet metrics, 0 otherwise.
 */
record Behavior(String name, Metric metric, Operator operator, Value value, long windowSeconds, int toAlarm, int toClear,
        boolean suppressAlerts, JsonNode given) {
}
