package dev.skerry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The jars shipped in target/quarkus-app/lib/main are exactly those of the allow-list
 * src/test/resources/runtime-dependencies.txt: a new runtime dependency (or a new version of one)
 * is a deliberate, reviewed change, not a side effect of a pom edit or an upgrade.
 */
class RuntimeDependenciesIT {

    private static final Path LIB_MAIN = Path.of("target/quarkus-app/lib/main");
    private static final String ALLOW_LIST = "src/test/resources/runtime-dependencies.txt";

    @Test
    void theShippedJarsAreExactlyTheAllowList() throws IOException {
        List<String> allowed = allowList();
        assertThat(allowed).as("%s: one jar file name a line, sorted, no duplicates", ALLOW_LIST)
                .isSorted().doesNotHaveDuplicates();

        List<String> shipped = shipped();
        TreeSet<String> added = new TreeSet<>(shipped);
        added.removeAll(allowed);
        TreeSet<String> gone = new TreeSet<>(allowed);
        gone.removeAll(shipped);

        assertThat(added.isEmpty() && gone.isEmpty())
                .as("""
                        The runtime dependencies in %s differ from the allow-list %s.
                        New (shipped, not allowed): %s
                        Gone (allowed, not shipped): %s
                        If the change is intended, update the allow-list and the "Runtime dependencies" \
                        section of README.md together (jar count, size, and the table when a dependency \
                        is added or removed); otherwise exclude the new jars in pom.xml.""",
                        LIB_MAIN, ALLOW_LIST, added, gone)
                .isTrue();
    }

    private static List<String> shipped() throws IOException {
        assertThat(LIB_MAIN).as("run after package: %s", LIB_MAIN).isDirectory();
        try (Stream<Path> files = Files.list(LIB_MAIN)) {
            return files.map(file -> file.getFileName().toString()).sorted().toList();
        }
    }

    private static List<String> allowList() throws IOException {
        try (InputStream in = RuntimeDependenciesIT.class.getResourceAsStream("/runtime-dependencies.txt")) {
            assertThat(in).as("%s on the test class path", ALLOW_LIST).isNotNull();
            List<String> names = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    names.add(line.strip());
                }
            }
            return names;
        }
    }
}
