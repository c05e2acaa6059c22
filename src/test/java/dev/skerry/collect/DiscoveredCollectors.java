package dev.skerry.collect;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Every collector the agent's CDI container finds, found the way it finds them: the concrete classes of the
 * application that implement {@link Collector} and carry the bean-defining {@link ApplicationScoped}. A new
 * collector is in every test that uses this list without anyone adding it by hand.
 */
final class DiscoveredCollectors {

    private DiscoveredCollectors() {
    }

    static List<Collector> all() {
        List<Collector> found = new ArrayList<>();
        for (Class<?> type : applicationClasses()) {
            if (Collector.class.isAssignableFrom(type) && !type.isInterface() && !Modifier.isAbstract(type.getModifiers())
                    && type.isAnnotationPresent(ApplicationScoped.class)) {
                try {
                    found.add((Collector) type.getDeclaredConstructor().newInstance());
                } catch (ReflectiveOperationException e) {
                    throw new AssertionError("cannot make the bean " + type.getName() + " as CDI would", e);
                }
            }
        }
        found.sort(Comparator.comparing(Collector::name));
        return found;
    }

    /** The classes compiled from src/main: where Collector itself was loaded from. */
    private static List<Class<?>> applicationClasses() {
        try {
            Path root = Path.of(Collector.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            try (Stream<Path> files = Files.walk(root)) {
                List<Class<?>> classes = new ArrayList<>();
                for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
                    String name = root.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                    classes.add(Class.forName(name, false, Collector.class.getClassLoader()));
                }
                return classes;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException | ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }
}
