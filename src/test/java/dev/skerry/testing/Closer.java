package dev.skerry.testing;

import java.util.ArrayDeque;
import java.util.Deque;

/** Closes what a test opened, the last opened first: a field with JUnit's {@code @AutoClose}. */
public final class Closer implements AutoCloseable {

    private final Deque<AutoCloseable> resources = new ArrayDeque<>();

    public <T extends AutoCloseable> T later(T resource) {
        resources.push(resource);
        return resource;
    }

    @Override
    public void close() throws Exception {
        Exception first = null;
        for (AutoCloseable resource; (resource = resources.poll()) != null; ) {
            try {
                resource.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
