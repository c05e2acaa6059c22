package dev.skerry.config;

/** Wire encoding of a report. */
public enum Format {
    JSON, CBOR;

    public String topicSuffix() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
