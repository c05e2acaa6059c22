package dev.skerry.collect;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * What the collectors of one cycle share: each file is read at most once per cycle, and values
 * derived from files, such as the host's interface addresses or the TCP table that both the
 * listening ports and the connections come from, are computed once. A collector past its time
 * limit may still be running on its thread while the next ones use the cycle: the maps are
 * guarded, but never while a file is read or a value computed, so a blocked read holds up no one.
 */
public final class Cycle {

    private final HostPaths paths;
    private final FileReader reader;
    private final int listLimit;
    private final int connectionLimit;
    private final BiConsumer<String, Exception> problems;
    private final Map<Path, FileBytes> files = new HashMap<>();
    private final Map<Class<?>, Object> derived = new HashMap<>();

    Cycle(HostPaths paths, FileReader reader, int listLimit, BiConsumer<String, Exception> problems) {
        this(paths, reader, listLimit, listLimit, problems);
    }

    Cycle(HostPaths paths, FileReader reader, int listLimit, int connectionLimit, BiConsumer<String, Exception> problems) {
        this.paths = paths;
        this.reader = reader;
        this.listLimit = listLimit;
        this.connectionLimit = connectionLimit;
        this.problems = problems;
    }

    public HostPaths paths() {
        return paths;
    }

    /** How many entries a list in the report may hold; collectors keep no more than this. */
    public int listLimit() {
        return listLimit;
    }

    /** How many established connections are turned into text (all are counted): the list limit, unless set apart. */
    public int connectionLimit() {
        return connectionLimit;
    }

    /** A file under the procfs root, or null when it does not exist (IPv6 off, no such kernel feature). */
    public FileBytes proc(String relative) throws IOException {
        return read(paths.proc(relative));
    }

    /**
     * A file under the procfs root streamed rather than read whole, or null when it does not exist;
     * not kept for the rest of the cycle, so for a file that one reader parses once. The caller closes it.
     */
    public Lines procStream(String relative) throws IOException {
        return reader.stream(paths.proc(relative));
    }

    public FileBytes sys(String relative) throws IOException {
        return read(paths.sys(relative));
    }

    public FileBytes read(Path path) throws IOException {
        synchronized (files) {
            if (files.containsKey(path)) {
                return files.get(path);
            }
        }
        FileBytes bytes = reader.read(path);
        synchronized (files) {
            files.put(path, bytes);
        }
        return bytes;
    }

    /** The names in a directory, in no particular order, or null when it does not exist. */
    public String[] list(Path directory) throws IOException {
        return reader.list(directory);
    }

    /** A value computed from this cycle's files once, whichever collector asks first. */
    public <T> T derived(Class<T> type, Function<Cycle, T> compute) {
        Object value;
        synchronized (derived) {
            value = derived.get(type);
        }
        if (value == null) {
            value = compute.apply(this);
            synchronized (derived) {
                derived.put(type, value);
            }
        }
        return type.cast(value);
    }

    /** Reports a problem that degrades a metric without costing it (an interface name left out). */
    public void problem(String source, Exception cause) {
        problems.accept(source, cause);
    }
}
