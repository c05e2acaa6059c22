package dev.skerry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The jars shipped in target/quarkus-app/lib/main are exactly those of the allow-list
 * src/test/resources/runtime-dependencies.txt: a new runtime dependency (or a new version of one)
 * is a deliberate, reviewed change, not a side effect of a pom edit or an upgrade. The CycloneDX
 * SBOM the build writes (target/quarkus-run-cyclonedx.json) describes exactly the files shipped.
 */
class RuntimeDependenciesIT {

    private static final Path LIB_MAIN = Path.of("target/quarkus-app/lib/main");
    private static final String ALLOW_LIST = "src/test/resources/runtime-dependencies.txt";
    private static final Path APP = Path.of("target/quarkus-app");
    private static final Path SBOM = Path.of("target/quarkus-run-cyclonedx.json");
    /** Its build step writes the SBOM; its runtime jar is empty and removed from the class path. */
    private static final Set<String> LISTED_NOT_SHIPPED = Set.of("io.quarkus:quarkus-cyclonedx");

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

    @Test
    void theSbomListsEveryShippedFileWithItsHashAndTheAllowListsJars() throws IOException {
        assertThat(SBOM).as("run after package: %s", SBOM).isRegularFile();
        JsonNode bom = new ObjectMapper().readTree(SBOM.toFile());
        assertThat(bom.path("bomFormat").asText()).isEqualTo("CycloneDX");

        Map<String, String> hashByLocation = new TreeMap<>();
        Set<String> listedNotShipped = new TreeSet<>();
        for (JsonNode component : bom.path("components")) {
            if (!isRuntime(component)) {
                continue;
            }
            JsonNode occurrences = component.path("evidence").path("occurrences");
            if (occurrences.isEmpty()) {
                listedNotShipped.add(component.path("group").asText() + ":" + component.path("name").asText());
            }
            for (JsonNode occurrence : occurrences) {
                hashByLocation.put(occurrence.path("location").asText(), sha256(component));
            }
        }

        Map<String, String> shippedFiles = new TreeMap<>();
        try (Stream<Path> files = Files.walk(APP)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                shippedFiles.put(APP.relativize(file).toString(), sha256(file));
            }
        }
        assertThat(hashByLocation).as("SBOM runtime components (location -> SHA-256) against the files in %s", APP)
                .isEqualTo(shippedFiles);
        List<String> libMainInSbom = hashByLocation.keySet().stream()
                .filter(location -> location.startsWith("lib/main/"))
                .map(location -> location.substring("lib/main/".length())).sorted().toList();
        assertThat(libMainInSbom).as("lib/main jars in the SBOM against %s", ALLOW_LIST).isEqualTo(allowList());
        assertThat(listedNotShipped).as("runtime components in the SBOM without a shipped file")
                .isEqualTo(LISTED_NOT_SHIPPED);
    }

    private static boolean isRuntime(JsonNode component) {
        for (JsonNode property : component.path("properties")) {
            if (property.path("name").asText().equals("quarkus:component:scope")) {
                return property.path("value").asText().equals("runtime");
            }
        }
        return false;
    }

    private static String sha256(JsonNode component) {
        Map<String, String> hashes = new HashMap<>();
        component.path("hashes").forEach(hash -> hashes.put(hash.path("alg").asText(), hash.path("content").asText()));
        return hashes.getOrDefault("SHA-256", "(none)");
    }

    private static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
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
