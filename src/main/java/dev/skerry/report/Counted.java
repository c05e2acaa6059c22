package dev.skerry.report;

import java.util.List;

/** A list cut to the report's list limit, with the true number of entries before the cut. */
public record Counted<T>(List<T> entries, int total) {

    public Counted {
        entries = List.copyOf(entries);
        if (total < entries.size()) {
            throw new IllegalArgumentException("total " + total + " is below the " + entries.size() + " entries");
        }
    }
}
