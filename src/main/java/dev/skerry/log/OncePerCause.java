package dev.skerry.log;

import java.util.HashSet;
import java.util.Set;

/**
 * Whether a problem is worth a log line: each cause once, not once per cycle or per retry. Two policies, one rule:
 * {@link #untilItChanges()} remembers the last cause only (A, B, A: three lines), for a thing that is in one state
 * at a time, such as a connection; {@link #distinct(int)} remembers each cause (A, B, A: two lines) up to a bound,
 * past which nothing new is logged, so that a flood of distinct causes cannot fill the log or the heap.
 * {@link #clear()} when the thing works again: the next problem is logged even if it was seen before. Thread-safe.
 */
public final class OncePerCause {

    private final int most;
    private final Set<String> seen = new HashSet<>();
    private String last;

    private OncePerCause(int most) {
        this.most = most;
    }

    public static OncePerCause untilItChanges() {
        return new OncePerCause(1);
    }

    public static OncePerCause distinct(int most) {
        if (most < 1) {
            throw new IllegalArgumentException("at least one cause: " + most);
        }
        return new OncePerCause(most);
    }

    /** True the first time {@code cause} is met (since it changed, or since {@link #clear()}): log it then. */
    public synchronized boolean first(String cause) {
        if (most == 1) {
            boolean changed = !cause.equals(last);
            last = cause;
            return changed;
        }
        if (seen.contains(cause) || seen.size() >= most) {
            return false;
        }
        seen.add(cause);
        last = cause;
        return true;
    }

    /** Forgets every cause; true when there was one (the thing was failing and works again). */
    public synchronized boolean clear() {
        boolean had = last != null;
        seen.clear();
        last = null;
        return had;
    }

    /** How many causes are remembered: at most the bound of {@link #distinct(int)}, at most one otherwise. */
    public synchronized int remembered() {
        return most == 1 ? (last == null ? 0 : 1) : seen.size();
    }

    /** Whether {@code cause} is one of those remembered. */
    public synchronized boolean knows(String cause) {
        return most == 1 ? cause.equals(last) : seen.contains(cause);
    }

    /** The most recent cause logged, or null after {@link #clear()}. */
    public synchronized String last() {
        return last;
    }
}
