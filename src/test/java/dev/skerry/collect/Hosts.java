package dev.skerry.collect;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import dev.skerry.report.Report;

/**
 * The recorded hosts under src/test/resources/hosts, each a procfs/sysfs/rootfs tree. Files
 * stored as NAME.gz (the 10,000-connection table) are unpacked into a copy of the tree.
 */
public final class Hosts {

    private Hosts() {
    }

    public static HostPaths host(String name) {
        Path root = resource(name);
        if (containsGzip(root)) {
            root = unpackedCopy(root);
        }
        return new HostPaths(root.resolve("proc"), root.resolve("sys"), root);
    }

    /** Runs the collectors over one cycle of the host, as the agent does, and returns the report. */
    public static Report collect(HostPaths paths, int listLimit, Collector... collectors) {
        Report.Builder builder = Report.builder();
        Collection collection = new Collection(List.of(collectors), paths, listLimit);
        collection.collect(builder);
        return builder.build(1);
    }

    public static Report collect(String host, Collector... collectors) {
        return collect(host(host), 50, collectors);
    }

    /** Like {@link #collect(String, Collector...)} but fails the test when a collector throws. */
    public static Report collectStrictly(HostPaths paths, int listLimit, Collector collector) {
        Report.Builder builder = Report.builder();
        try {
            collector.collect(new Cycle(paths, new FileReader(), listLimit, (source, e) -> {
                throw new AssertionError(source + " failed", e);
            }), builder);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return builder.build(1);
    }

    public static Report collectStrictly(String host, Collector collector) {
        return collectStrictly(host(host), 50, collector);
    }

    private static Path resource(String name) {
        try {
            return Path.of(Hosts.class.getResource("/hosts/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalArgumentException("no recorded host " + name, e);
        }
    }

    private static boolean containsGzip(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            return files.anyMatch(file -> file.toString().endsWith(".gz"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path unpackedCopy(Path root) {
        try {
            Path copy = Files.createTempDirectory("skerry-host-");
            List<Path> files = new ArrayList<>();
            try (Stream<Path> walk = Files.walk(root)) {
                walk.filter(Files::isRegularFile).forEach(files::add);
            }
            for (Path file : files) {
                Path relative = root.relativize(file);
                String name = relative.toString();
                Path target = copy.resolve(name.endsWith(".gz") ? name.substring(0, name.length() - 3) : name);
                Files.createDirectories(target.getParent());
                try (InputStream in = name.endsWith(".gz") ? new GZIPInputStream(Files.newInputStream(file)) : Files.newInputStream(file)) {
                    Files.copy(in, target);
                }
            }
            Files.createDirectories(copy.resolve("sys"));
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
