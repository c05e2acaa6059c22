package dev.skerry.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Messages collected on network threads and awaited on the test thread. */
final class MessageLog {

    private final List<Received> messages = new ArrayList<>();

    synchronized void add(Received message) {
        messages.add(message);
        notifyAll();
    }

    synchronized List<Received> snapshot() {
        return List.copyOf(messages);
    }

    synchronized void clear() {
        messages.clear();
    }

    /** All messages so far, once there are at least {@code count}; fails listing what did arrive otherwise. */
    synchronized List<Received> await(int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (messages.size() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("expected at least " + count + " message(s) within " + timeout + " but got "
                            + messages.size() + ": " + messages);
                }
                wait(Math.max(1, left / 1_000_000));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for messages", e);
        }
        return new ArrayList<>(messages);
    }
}
