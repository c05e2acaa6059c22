package dev.skerry.detect;

import java.util.ArrayList;
import java.util.List;

/**
 * One datapoint against one behaviour's criteria, which describe normal behaviour: the verdict is
 * null when the datapoint meets them, else the offending value (the ports, destinations or strings
 * that broke the set, or the number that broke the bound).
 */
final class Verdicts {

    private Verdicts() {
    }

    static MetricValue violation(Behavior behavior, Sample sample) {
        Operator operator = behavior.operator();
        Value value = behavior.value();
        String field = behavior.metric().shape().field;
        if (sample instanceof Sample.Number number) {
            if (value instanceof Value.Count count) {
                return operator.normal(number.value(), count.count()) ? null : MetricValue.number(field, number.value());
            }
            if (value instanceof Value.Number threshold) {
                return operator.normal(number.value(), threshold.number()) ? null : MetricValue.number(field, number.value());
            }
            Value.Numbers numbers = (Value.Numbers) value;
            boolean member = numbers.numbers().contains(number.value());
            return member == operator.membershipIsNormal() ? null : MetricValue.number(field, number.value());
        }
        if (sample instanceof Sample.Ports ports) {
            var set = ((Value.Ports) value).ports();
            List<Integer> offending = new ArrayList<>();
            for (int port : ports.ports()) {
                if (set.contains(port) != operator.membershipIsNormal()) {
                    offending.add(port);
                }
            }
            return offending.isEmpty() ? null : MetricValue.list(field, offending);
        }
        if (sample instanceof Sample.Addresses addresses) {
            var cidrs = ((Value.Cidrs) value).cidrs();
            List<String> offending = new ArrayList<>();
            for (String address : addresses.addresses()) {
                byte[] bytes = Cidr.hostAddress(address);
                boolean member = cidrs.stream().anyMatch(cidr -> cidr.contains(bytes));
                if (member != operator.membershipIsNormal()) {
                    offending.add(address);
                }
            }
            return offending.isEmpty() ? null : MetricValue.list(field, offending);
        }
        Sample.Strings strings = (Sample.Strings) sample;
        var set = ((Value.Strings) value).strings();
        List<String> offending = strings.strings().stream().filter(string -> set.contains(string) != operator.membershipIsNormal()).toList();
        return offending.isEmpty() ? null : MetricValue.list(field, offending);
    }

    /** The whole datapoint in the metric's shape, for an alarm-cleared event. */
    static MetricValue of(Behavior behavior, Sample sample) {
        String field = behavior.metric().shape().field;
        if (sample instanceof Sample.Number number) {
            return MetricValue.number(field, number.value());
        }
        if (sample instanceof Sample.Ports ports) {
            return MetricValue.list(field, ports.ports());
        }
        if (sample instanceof Sample.Addresses addresses) {
            return MetricValue.list(field, addresses.addresses());
        }
        return MetricValue.list(field, ((Sample.Strings) sample).strings());
    }
}
