package dev.skerry.report;

import java.util.List;

/** The value of a custom metric: Device Defender's number or string_list. */
public sealed interface CustomValue {

    record Number(double value) implements CustomValue {
    }

    /** total is the number of strings before the list was cut to the list limit. */
    record StringList(List<String> values, int total) implements CustomValue {
        public StringList {
            values = List.copyOf(values);
        }
    }

    static CustomValue number(double value) {
        return new Number(value);
    }
}
