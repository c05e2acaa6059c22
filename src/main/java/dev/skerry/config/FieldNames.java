package dev.skerry.config;

/** Device Defender accepts every field under a long and a short name; short ones save bytes on metered links. */
public enum FieldNames {
    LONG, SHORT
}
