package dev.skerry.spool;

/** Monotonic counters since open (plus setAside from recovery). */
public record SpoolCounters(long droppedFull, long droppedStale, long setAside, long writeFailures, long filesWritten) {
}
