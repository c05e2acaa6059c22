package dev.skerry.detect;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/** Reads a criteria's value, refusing a shape that does not fit the metric and the operator. */
final class Values {

    private Values() {
    }

    static Value parse(Profile.Fields fields, Metric metric, Operator operator, JsonNode value) throws ProfileException {
        String expected = expectedField(metric.shape(), operator);
        if (expected == null) {
            throw fields.refused("criteria.comparisonOperator", "'" + operator + "' does not apply to " + metric.name() + " (" + allowed(metric.shape()) + ")");
        }
        if (value == null || !value.isObject()) {
            throw fields.refused("criteria.value", "missing: " + metric.name() + " with " + operator + " needs {\"" + expected + "\": ...}");
        }
        Iterator<String> names = value.fieldNames();
        if (!names.hasNext()) {
            throw fields.refused("criteria.value", "empty: " + metric.name() + " with " + operator + " needs {\"" + expected + "\": ...}");
        }
        String given = names.next();
        if (names.hasNext()) {
            throw fields.refused("criteria.value", "holds more than one shape: " + metric.name() + " with " + operator + " takes " + expected + " only");
        }
        if (!given.equals(expected)) {
            throw fields.refused("criteria.value." + given, metric.name() + " with " + operator + " takes the value " + expected + " only");
        }
        JsonNode node = value.get(expected);
        String field = "criteria.value." + expected;
        return switch (expected) {
            case "count" -> new Value.Count(fields.integer(node, field, 0, Long.MAX_VALUE));
            case "number" -> new Value.Number(number(fields, node, field));
            case "numbers" -> numbers(fields, node, field);
            case "ports" -> ports(fields, node, field);
            case "cidrs" -> cidrs(fields, node, field);
            case "strings" -> strings(fields, node, field);
            default -> throw new IllegalStateException(expected);
        };
    }

    /** The value field an operator takes for a metric of this shape, or null when the operator does not apply. */
    static String expectedField(Metric.Shape shape, Operator operator) {
        return switch (shape) {
            case PORTS -> operator == Operator.IN_PORT_SET || operator == Operator.NOT_IN_PORT_SET ? "ports" : null;
            case COUNT -> operator.comparison() ? "count" : null;
            case ADDRESSES -> operator == Operator.IN_CIDR_SET || operator == Operator.NOT_IN_CIDR_SET ? "cidrs" : null;
            case NUMBER -> operator.comparison() ? "number" : operator == Operator.IN_SET || operator == Operator.NOT_IN_SET ? "numbers" : null;
            case STRINGS -> operator == Operator.IN_SET || operator == Operator.NOT_IN_SET ? "strings" : null;
        };
    }

    private static String allowed(Metric.Shape shape) {
        return switch (shape) {
            case PORTS -> "in-port-set, not-in-port-set";
            case COUNT -> "less-than, less-than-equals, greater-than, greater-than-equals";
            case ADDRESSES -> "in-cidr-set, not-in-cidr-set";
            case NUMBER -> "less-than, less-than-equals, greater-than, greater-than-equals, in-set, not-in-set";
            case STRINGS -> "in-set, not-in-set";
        };
    }

    private static double number(Profile.Fields fields, JsonNode node, String field) throws ProfileException {
        if (node == null || !node.isNumber() || !Double.isFinite(node.asDouble())) {
            throw fields.refused(field, "must be a number");
        }
        return node.asDouble();
    }

    private static JsonNode array(Profile.Fields fields, JsonNode node, String field) throws ProfileException {
        if (node == null || !node.isArray()) {
            throw fields.refused(field, "must be an array");
        }
        return node;
    }

    private static Value numbers(Profile.Fields fields, JsonNode node, String field) throws ProfileException {
        Set<Double> numbers = new LinkedHashSet<>();
        int i = 0;
        for (JsonNode element : array(fields, node, field)) {
            numbers.add(number(fields, element, field + "[" + i++ + "]"));
        }
        return new Value.Numbers(Set.copyOf(numbers));
    }

    private static Value ports(Profile.Fields fields, JsonNode node, String field) throws ProfileException {
        Set<Integer> ports = new LinkedHashSet<>();
        int i = 0;
        for (JsonNode element : array(fields, node, field)) {
            ports.add((int) fields.integer(element, field + "[" + i++ + "]", 1, 65_535));
        }
        return new Value.Ports(Set.copyOf(ports));
    }

    private static Value cidrs(Profile.Fields fields, JsonNode node, String field) throws ProfileException {
        List<Cidr> cidrs = new ArrayList<>();
        int i = 0;
        for (JsonNode element : array(fields, node, field)) {
            String at = field + "[" + i++ + "]";
            Cidr cidr = element.isTextual() ? Cidr.parse(element.asText()) : null;
            if (cidr == null) {
                throw fields.refused(at, element + " is no CIDR (such as 10.0.0.0/8 or 2001:db8::/32)");
            }
            cidrs.add(cidr);
        }
        return new Value.Cidrs(List.copyOf(cidrs));
    }

    private static Value strings(Profile.Fields fields, JsonNode node, String field) throws ProfileException {
        Set<String> strings = new LinkedHashSet<>();
        int i = 0;
        for (JsonNode element : array(fields, node, field)) {
            if (!element.isTextual()) {
                throw fields.refused(field + "[" + i + "]", "must be a string");
            }
            strings.add(element.asText());
            i++;
        }
        return new Value.Strings(Set.copyOf(strings));
    }
}
