package dev.skerry.config;

/**
 * DISK writes every report as it arrives. MEMORY_FIRST keeps a report in memory for a grace
 * period first: while the broker is reachable it is acknowledged before then and never costs
 * the SD card a write.
 */
public enum SpoolMode { DISK, MEMORY_FIRST }
