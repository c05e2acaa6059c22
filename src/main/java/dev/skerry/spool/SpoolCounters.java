package dev.skerry.spool;

/**
 * Monotonic counters since open (plus setAside from recovery). droppedMemory: reports dropped
 * because more than the memory fallback's bound could not be written. lostBefore: reports that
 * earlier runs could neither deliver nor write before they stopped, since the spool directory was
 * created (read at open; this run's losses count in the next run's).
 */
public record SpoolCounters(long droppedFull, long droppedStale, long setAside, long writeFailures, long filesWritten,
        long droppedMemory, long lostBefore) {
}
