package dev.skerry.nativebuild;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.objectweb.asm.AnnotationVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/** The scan on jars made here: substitutions of present, missing, conditional and JDK targets. */
class SubstitutionTargetsTest {

    @TempDir
    Path dir;

    @Test
    void aSubstitutionOfAClassOnNoEntryIsReportedWithItsJar() throws IOException {
        Path substitutions = jar("substitutions.jar",
                substitution("sub/A", a -> a.visit("className", "lib.Present")),
                substitution("sub/B", a -> a.visit("className", "lib.Absent")),
                substitution("sub/C", a -> a.visit("value", Type.getObjectType("lib/AlsoAbsent"))));
        Path library = jar("library.jar", plain("lib/Present"));

        List<SubstitutionTargets.Missing> missing = SubstitutionTargets.missing(List.of(substitutions, library));

        assertThat(missing).extracting(SubstitutionTargets.Missing::target).containsExactlyInAnyOrder("lib.Absent", "lib.AlsoAbsent");
        assertThat(missing).allSatisfy(m -> assertThat(m.in()).isEqualTo(substitutions));
        assertThat(missing.toString()).contains("sub.B (in substitutions.jar) substitutes lib.Absent");
    }

    @Test
    void innerClassesAreJoinedToTheirOuterName() throws IOException {
        Path substitutions = jar("s.jar",
                substitution("sub/D", a -> {
                    a.visit("className", "lib.Outer");
                    AnnotationVisitor inner = a.visitArray("innerClass");
                    inner.visit(null, "Inner");
                    inner.visitEnd();
                }));

        assertThat(SubstitutionTargets.missing(List.of(substitutions, jar("l.jar", plain("lib/Outer")))))
                .extracting(SubstitutionTargets.Missing::target).containsExactly("lib.Outer$Inner");
        assertThat(SubstitutionTargets.missing(List.of(substitutions, jar("l2.jar", plain("lib/Outer$Inner"))))).isEmpty();
    }

    @Test
    void conditionalAndJdkSubstitutionsAreLeftOut() throws IOException {
        Path substitutions = jar("s.jar",
                substitution("sub/E", a -> {
                    a.visit("className", "lib.Absent");
                    AnnotationVisitor only = a.visitArray("onlyWith");
                    only.visit(null, Type.getObjectType("sub/IsPresent"));
                    only.visitEnd();
                }),
                substitution("sub/F", a -> a.visit("className", "java.util.concurrent.ThreadLocalRandom")),
                substitution("sub/G", a -> a.visit("className", "jdk.internal.misc.NotInThisJdk")));

        assertThat(SubstitutionTargets.missing(List.of(substitutions))).isEmpty();
    }

    @Test
    void aClassWithoutTheAnnotationIsNoSubstitution() throws IOException {
        assertThat(SubstitutionTargets.missing(List.of(jar("p.jar", plain("lib/Plain"))))).isEmpty();
    }

    private record Entry(String internalName, byte[] bytes) {
    }

    private static Entry substitution(String internalName, Consumer<AnnotationVisitor> attributes) {
        ClassWriter writer = new ClassWriter(0);
        writer.visit(Opcodes.V17, Opcodes.ACC_FINAL, internalName, null, "java/lang/Object", null);
        AnnotationVisitor annotation = writer.visitAnnotation(SubstitutionTargets.TARGET_CLASS, true);
        attributes.accept(annotation);
        annotation.visitEnd();
        writer.visitEnd();
        return new Entry(internalName, writer.toByteArray());
    }

    private static Entry plain(String internalName) {
        ClassWriter writer = new ClassWriter(0);
        writer.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, internalName, null, "java/lang/Object", null);
        writer.visitEnd();
        return new Entry(internalName, writer.toByteArray());
    }

    private Path jar(String name, Entry... entries) throws IOException {
        Path jar = dir.resolve(name);
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
            for (Entry entry : entries) {
                out.putNextEntry(new JarEntry(entry.internalName() + ".class"));
                out.write(entry.bytes());
                out.closeEntry();
            }
        }
        return jar;
    }
}
