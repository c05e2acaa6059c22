package dev.skerry.nativebuild;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AnnotationNode;
import org.objectweb.asm.tree.ClassNode;

/**
 * The GraalVM substitutions ({@code @TargetClass}) on a class path whose target class is on none of its
 * entries. native-image fails on each of them, but only after minutes of analysis; this finds them in seconds.
 * A substitution with {@code onlyWith} or a {@code classNameProvider} is conditional and left out, and so are
 * targets in the JDK (the build's JDK is not the one running this).
 */
public final class SubstitutionTargets {

    static final String TARGET_CLASS = "Lcom/oracle/svm/core/annotate/TargetClass;";
    private static final List<String> JDK_PREFIXES = List.of("java.", "javax.", "jdk.", "sun.", "com.sun.", "org.graalvm.",
            "com.oracle.svm.");

    /** A substitution class and the class it names. */
    public record Missing(String substitution, String target, Path in) {
        @Override
        public String toString() {
            return substitution + " (in " + in.getFileName() + ") substitutes " + target + ", which is on no class path entry";
        }
    }

    private record Substitution(String substitution, String target, Path in) {
    }

    private SubstitutionTargets() {
    }

    /** Every unconditional substitution of the class path whose target is missing from it. */
    public static List<Missing> missing(List<Path> classPath) {
        Set<String> classes = new HashSet<>();
        List<Substitution> substitutions = new ArrayList<>();
        for (Path entry : classPath) {
            forEachClass(entry, (name, bytes) -> {
                classes.add(name);
                String target = target(bytes);
                if (target != null) {
                    substitutions.add(new Substitution(name, target, entry));
                }
            });
        }
        List<Missing> missing = new ArrayList<>();
        for (Substitution s : substitutions) {
            if (!classes.contains(s.target()) && !inJdk(s.target())) {
                missing.add(new Missing(s.substitution(), s.target(), s.in()));
            }
        }
        return missing;
    }

    /** The binary name a class's unconditional {@code @TargetClass} names, or null. */
    static String target(byte[] bytes) {
        ClassNode node = new ClassNode();
        new ClassReader(bytes).accept(node, ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        List<AnnotationNode> annotations = new ArrayList<>();
        if (node.visibleAnnotations != null) {
            annotations.addAll(node.visibleAnnotations);
        }
        if (node.invisibleAnnotations != null) {
            annotations.addAll(node.invisibleAnnotations);
        }
        for (AnnotationNode annotation : annotations) {
            if (TARGET_CLASS.equals(annotation.desc)) {
                return target(annotation);
            }
        }
        return null;
    }

    private static String target(AnnotationNode annotation) {
        String name = null;
        List<String> inner = List.of();
        List<Object> values = annotation.values == null ? List.of() : annotation.values;
        for (int i = 0; i < values.size(); i += 2) {
            String key = (String) values.get(i);
            Object value = values.get(i + 1);
            switch (key) {
                case "value" -> name = ((Type) value).getClassName();
                case "className" -> name = (String) value;
                case "innerClass" -> inner = castStrings(value);
                case "onlyWith", "classNameProvider" -> {
                    return null;
                }
                default -> {
                }
            }
        }
        if (name == null) {
            return null;
        }
        return inner.isEmpty() ? name : name + "$" + String.join("$", inner);
    }

    @SuppressWarnings("unchecked")
    private static List<String> castStrings(Object value) {
        return (List<String>) value;
    }

    private static boolean inJdk(String name) {
        if (JDK_PREFIXES.stream().anyMatch(name::startsWith)) {
            return true;
        }
        return ClassLoader.getPlatformClassLoader().getResource(name.replace('.', '/') + ".class") != null;
    }

    private interface ClassVisitor {
        void visit(String binaryName, byte[] bytes);
    }

    private static void forEachClass(Path entry, ClassVisitor visitor) {
        try {
            if (Files.isDirectory(entry)) {
                try (Stream<Path> files = Files.walk(entry)) {
                    for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
                        visit(entry.relativize(file).toString(), Files.readAllBytes(file), visitor);
                    }
                }
            } else if (Files.isRegularFile(entry)) {
                try (ZipFile jar = new ZipFile(entry.toFile())) {
                    for (ZipEntry e : java.util.Collections.list(jar.entries())) {
                        if (e.getName().endsWith(".class") && !e.getName().startsWith("META-INF/")) {
                            try (InputStream in = jar.getInputStream(e)) {
                                visit(e.getName(), in.readAllBytes(), visitor);
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + entry, e);
        }
    }

    private static void visit(String path, byte[] bytes, ClassVisitor visitor) {
        if (path.endsWith("module-info.class") || path.endsWith("package-info.class")) {
            return;
        }
        visitor.visit(path.substring(0, path.length() - ".class".length()).replace('/', '.'), bytes);
    }

    /** The class path entries of a file written by the dependency plugin's build-classpath (one line, ':'-separated). */
    public static List<Path> readClassPath(Path file) throws IOException {
        List<Path> entries = new ArrayList<>();
        for (String entry : Files.readString(file).strip().split(java.io.File.pathSeparator)) {
            if (!entry.isBlank()) {
                entries.add(Path.of(entry));
            }
        }
        return entries;
    }

    static Set<String> sorted(List<Missing> missing) {
        Set<String> targets = new TreeSet<>();
        missing.forEach(m -> targets.add(m.target()));
        return targets;
    }
}
