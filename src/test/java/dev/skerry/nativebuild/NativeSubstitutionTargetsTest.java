package dev.skerry.nativebuild;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The native build's runtime class path (written by the native profile, see pom.xml) has a class for every
 * substitution target: a jar excluded for the JVM build that native-image still needs fails here, in seconds,
 * instead of ten minutes into native-image. Run by the native profile only, before the native build, even
 * with -DskipTests.
 */
class NativeSubstitutionTargetsTest {

    static final String CLASS_PATH_FILE = "skerry.native.classpath";

    @Test
    void everySubstitutionOfTheNativeClassPathHasItsTarget() throws Exception {
        String file = System.getProperty(CLASS_PATH_FILE);
        assertThat(file).as("system property %s (set by the native profile: ./mvnw package -Dnative)", CLASS_PATH_FILE).isNotBlank();
        List<Path> classPath = SubstitutionTargets.readClassPath(Path.of(file));
        assertThat(classPath).as("the native runtime class path in %s", file).isNotEmpty().allMatch(Files::exists);
        assertThat(classPath).as("the class path holds Quarkus's own substitutions")
                .anyMatch(p -> p.getFileName().toString().startsWith("quarkus-core-3"));

        assertThat(SubstitutionTargets.missing(classPath)).as("substitutions whose target class is missing").isEmpty();
    }
}
