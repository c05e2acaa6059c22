package dev.skerry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.AnnotationNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The native image knows only the reflection it is told about. skerry writes reports with
 * Jackson's streaming API (no reflection) and reads Device Defender's answers as a tree; any
 * call into Jackson's data binding (readValue, writeValue, convertValue, readTree, ...) makes
 * Jackson introspect a type by reflection. This test reads skerry's compiled classes, finds every
 * such call and the types it binds (class literals in the calling method, their fields' skerry
 * types, JsonNode for the tree model) and requires each to be registered with
 * {@code @RegisterForReflection} on some skerry class.
 */
class NativeReflectionTest {

    private static final Path MAIN_CLASSES = Path.of("target/classes");
    private static final Path TEST_CLASSES = Path.of("target/test-classes");
    private static final String DATABIND = "com/fasterxml/jackson/databind/";
    private static final String REGISTER_FOR_REFLECTION = Type.getDescriptor(RegisterForReflection.class);
    private static final String JSON_NODE = JsonNode.class.getName();
    /** Stands for a bound type the scan cannot name: the call must bind a class literal. */
    static final String UNKNOWN = "<a type that is not a class literal in the calling method>";

    /** Data-binding methods that bind a POJO; the tree-model ones below bind JsonNode. */
    private static final Set<String> BINDING = Set.of("readValue", "readValues", "readValueAs", "readValuesAs",
            "treeToValue", "convertValue", "valueToTree", "updateValue", "writeValue", "writeValueAsString",
            "writeValueAsBytes", "writeObject", "writePOJO", "readerFor", "readerForUpdating", "readerForArrayOf",
            "readerForListOf", "readerForMapOf", "writerFor", "writerWithType", "forType", "constructType");
    private static final Set<String> TREE = Set.of("readTree", "readValueAsTree", "writeTree", "createObjectNode",
            "createArrayNode");

    @Test
    void everyTypeJacksonBindsInSkerryIsRegisteredForReflection() {
        Scan scan = Scan.of(classFiles(MAIN_CLASSES));

        assertThat(scan.bindings).as("skerry reads Device Defender's answers with readTree: the scan must see it")
                .containsKey("dev.skerry.publish.DefenderResponses.parse");
        assertThat(scan.unregistered())
                .as("""
                        Types Jackson's data binding reaches by reflection but not registered for the native image \
                        (call site -> types). Register each with @RegisterForReflection(targets = ...) next to the \
                        call, or use the streaming API; bind class literals so the scan can see them.""")
                .isEmpty();
    }

    @Test
    void aBoundTypeWithoutRegistrationIsFound() {
        Scan scan = Scan.of(List.of(testClass(UnregisteredBinding.class)));

        assertThat(scan.unregistered()).containsOnlyKeys(UnregisteredBinding.class.getName() + ".read")
                .containsValue(new TreeSet<>(Set.of(Answer.class.getName(), Detail.class.getName())));
    }

    @Test
    void aRegisteredBoundTypeAndItsFieldTypesPass() {
        Scan scan = Scan.of(List.of(testClass(RegisteredBinding.class)));

        assertThat(scan.bindings).containsKey(RegisteredBinding.class.getName() + ".read");
        assertThat(scan.unregistered()).isEmpty();
    }

    @Test
    void aBindingWithoutAClassLiteralCannotPass() {
        Scan scan = Scan.of(List.of(testClass(UntypedBinding.class)));

        assertThat(scan.unregistered()).containsEntry(UntypedBinding.class.getName() + ".write",
                new TreeSet<>(Set.of(UNKNOWN)));
    }

    @Test
    void theTreeModelNeedsJsonNodeRegistered() {
        Scan scan = Scan.of(List.of(testClass(UnregisteredTree.class)));

        assertThat(scan.unregistered()).containsEntry(UnregisteredTree.class.getName() + ".read",
                new TreeSet<>(Set.of(JSON_NODE)));
    }

    /** What one scan of class files found: binding call sites with their types, and registrations. */
    static final class Scan {
        final Map<String, TreeSet<String>> bindings = new TreeMap<>();
        final Set<String> registered = new TreeSet<>();
        private final Map<String, ClassNode> classes = new TreeMap<>();

        static Scan of(List<Path> classFiles) {
            Scan scan = new Scan();
            for (Path file : classFiles) {
                ClassNode node = read(file);
                scan.classes.put(node.name, node);
            }
            scan.classes.values().forEach(scan::inspect);
            return scan;
        }

        Map<String, TreeSet<String>> unregistered() {
            Map<String, TreeSet<String>> missing = new TreeMap<>();
            bindings.forEach((site, types) -> {
                TreeSet<String> notRegistered = new TreeSet<>(types);
                notRegistered.removeAll(registered);
                if (!notRegistered.isEmpty()) {
                    missing.put(site, notRegistered);
                }
            });
            return missing;
        }

        private void inspect(ClassNode node) {
            for (AnnotationNode annotation : annotations(node)) {
                if (annotation.desc.equals(REGISTER_FOR_REFLECTION)) {
                    registered.addAll(registeredBy(node, annotation));
                }
            }
            for (MethodNode method : node.methods) {
                TreeSet<String> bound = new TreeSet<>();
                for (AbstractInsnNode insn : method.instructions) {
                    if (insn instanceof MethodInsnNode call && isJackson(call.owner)) {
                        if (TREE.contains(call.name)) {
                            bound.add(JSON_NODE);
                        } else if (BINDING.contains(call.name)) {
                            List<String> literals = classLiterals(method);
                            if (literals.isEmpty()) {
                                bound.add(UNKNOWN);
                            }
                            literals.forEach(type -> addWithFieldTypes(type, bound));
                        }
                    }
                }
                if (!bound.isEmpty()) {
                    bindings.computeIfAbsent(Type.getObjectType(node.name).getClassName() + "." + method.name,
                            site -> new TreeSet<>()).addAll(bound);
                }
            }
        }

        private static boolean isJackson(String owner) {
            return owner.startsWith(DATABIND) || owner.equals("com/fasterxml/jackson/core/ObjectCodec")
                    || owner.equals("com/fasterxml/jackson/core/JsonParser")
                    || owner.equals("com/fasterxml/jackson/core/JsonGenerator");
        }

        /** Class literals the method pushes that are not the JDK's or Jackson's own. */
        private static List<String> classLiterals(MethodNode method) {
            List<String> types = new ArrayList<>();
            for (AbstractInsnNode insn : method.instructions) {
                if (insn instanceof LdcInsnNode ldc && ldc.cst instanceof Type type && type.getSort() == Type.OBJECT
                        && !type.getInternalName().startsWith("java/")
                        && !type.getInternalName().startsWith("com/fasterxml/jackson/")) {
                    types.add(type.getClassName());
                }
            }
            return types;
        }

        /** Jackson introspects a bound type's properties too: skerry's own field types must be registered. */
        private void addWithFieldTypes(String className, Set<String> bound) {
            if (!bound.add(className)) {
                return;
            }
            ClassNode node = classes.get(className.replace('.', '/'));
            if (node == null) {
                node = readFromClassPath(className);
            }
            if (node == null) {
                return;
            }
            for (FieldNode field : node.fields) {
                Type type = Type.getType(field.desc);
                while (type.getSort() == Type.ARRAY) {
                    type = type.getElementType();
                }
                if (type.getSort() == Type.OBJECT && type.getInternalName().startsWith("dev/skerry/")) {
                    addWithFieldTypes(type.getClassName(), bound);
                }
            }
        }

        private static Set<String> registeredBy(ClassNode node, AnnotationNode annotation) {
            Set<String> names = new TreeSet<>();
            if (annotation.values != null) {
                for (int i = 0; i < annotation.values.size(); i += 2) {
                    String key = (String) annotation.values.get(i);
                    Object value = annotation.values.get(i + 1);
                    if (key.equals("targets")) {
                        ((List<?>) value).forEach(type -> names.add(((Type) type).getClassName()));
                    } else if (key.equals("classNames")) {
                        ((List<?>) value).forEach(name -> names.add((String) name));
                    }
                }
            }
            if (names.isEmpty()) {
                names.add(Type.getObjectType(node.name).getClassName());
            }
            return names;
        }

        private static List<AnnotationNode> annotations(ClassNode node) {
            List<AnnotationNode> all = new ArrayList<>();
            if (node.visibleAnnotations != null) {
                all.addAll(node.visibleAnnotations);
            }
            if (node.invisibleAnnotations != null) {
                all.addAll(node.invisibleAnnotations);
            }
            return all;
        }

        private static ClassNode readFromClassPath(String className) {
            try (InputStream in = NativeReflectionTest.class.getClassLoader()
                    .getResourceAsStream(className.replace('.', '/') + ".class")) {
                if (in == null) {
                    return null;
                }
                ClassNode node = new ClassNode();
                new ClassReader(in).accept(node, ClassReader.SKIP_CODE);
                return node;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static ClassNode read(Path file) {
            try {
                ClassNode node = new ClassNode();
                new ClassReader(Files.readAllBytes(file)).accept(node, 0);
                return node;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static List<Path> classFiles(Path root) {
        assertThat(root).as("compiled classes").isDirectory();
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(file -> file.toString().endsWith(".class")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path testClass(Class<?> type) {
        return TEST_CLASSES.resolve(type.getName().replace('.', '/') + ".class");
    }

    // Fixtures: what the scan must catch, and what it must accept.

    record Detail(String code) {
    }

    record Answer(long reportId, Detail detail) {
    }

    static final class UnregisteredBinding {
        Answer read(byte[] body) throws IOException {
            return new ObjectMapper().readValue(body, Answer.class);
        }
    }

    @RegisterForReflection(targets = { Answer.class, Detail.class })
    static final class RegisteredBinding {
        Answer read(byte[] body) throws IOException {
            return new ObjectMapper().readValue(body, Answer.class);
        }
    }

    static final class UntypedBinding {
        byte[] write(Object answer) throws IOException {
            return new ObjectMapper().writeValueAsBytes(answer);
        }
    }

    static final class UnregisteredTree {
        JsonNode read(byte[] body) throws IOException {
            return new ObjectMapper().readTree(body);
        }
    }
}
