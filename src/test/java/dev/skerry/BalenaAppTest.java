package dev.skerry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * deploy/balena: the compose file keeps the container confined (host network only, read-only, no capabilities, no new
 * privileges, no privileged mode, no host PID namespace, no balena feature labels, limits) and carries no TLS
 * material, so that an edit cannot weaken it without changing this test.
 */
class BalenaAppTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Path COMPOSE = Path.of("deploy/balena/docker-compose.yml");
    private static final Path BALENA_YML = Path.of("deploy/balena/balena.yml");
    /** Every setting the service may have; a new one (privileged, pid, devices, labels, cap_add, ...) is a reviewed change. */
    private static final Set<String> REVIEWED_SETTINGS = Set.of("build", "image", "network_mode", "read_only", "cap_drop", "security_opt",
            "tmpfs", "volumes", "restart", "mem_limit", "pids_limit", "environment");

    private static final Pattern PROJECT_VERSION = Pattern.compile("<artifactId>skerry</artifactId>\\s*<version>([^<]+)</version>");

    private final JsonNode compose = read(COMPOSE);
    private final JsonNode service = compose.path("services").path("skerry");

    @Test
    void oneServiceBuiltForTheDevicesArchitectureFromTheJvmDockerfileInsideTheApp() {
        assertThat(names(compose.path("services"))).containsExactly("skerry");
        assertThat(service.path("build").path("context").asText()).isEqualTo(".");
        assertThat(service.path("build").path("dockerfile").asText()).isEqualTo("deploy/docker/Dockerfile.jvm").doesNotContain("..");
    }

    @Test
    void theContainerIsConfined() {
        assertThat(names(service)).isSubsetOf(REVIEWED_SETTINGS);
        assertThat(service.path("network_mode").asText()).isEqualTo("host");
        assertThat(service.path("read_only").isBoolean() && service.path("read_only").asBoolean()).as("read_only: true").isTrue();
        assertThat(texts(service.path("cap_drop"))).containsExactly("ALL");
        assertThat(texts(service.path("security_opt"))).containsExactly("no-new-privileges");
        // plain: the balena supervisor drops tmpfs options, so a file that wrote some would promise what is not kept
        assertThat(texts(service.path("tmpfs"))).containsExactly("/tmp");
        assertThat(service.path("restart").asText()).isEqualTo("always");
        assertThat(service.path("mem_limit").asText()).matches("[1-9][0-9]*m");
        assertThat(service.path("pids_limit").asInt()).isBetween(32, 512);
    }

    @Test
    void theStateLivesInANamedVolumeAndNothingOfTheHostIsMounted() {
        List<String> volumes = texts(service.path("volumes"));
        assertThat(volumes).hasSize(1);
        String[] volume = volumes.get(0).split(":");
        assertThat(volume).hasSize(2);
        assertThat(volume[0]).as("a named volume, not a host path").matches("[a-z][a-z0-9-]*");
        assertThat(names(compose.path("volumes"))).containsExactly(volume[0]);
        assertThat(service.path("environment").path("SKERRY_STATE_DIR").asText()).isEqualTo(volume[1]);
    }

    @Test
    void theEnvironmentHoldsNoTlsMaterialNoThingNameAndOnlyDocumentedVariables() throws IOException {
        String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
        List<String> variables = names(service.path("environment"));

        assertThat(variables).isNotEmpty().allSatisfy(name -> assertThat(readme).contains("| `" + name + "` |"))
                .noneMatch(name -> name.startsWith("SKERRY_TLS_"))
                .doesNotContain("SKERRY_THING_NAME", "SKERRY_ALLOW_ROOT", "SKERRY_MQTT_PASSWORD", "SKERRY_MQTT_PROXY");
    }

    @Test
    void balenaYmlOffersOnlyFleetWideVariablesAndMatchesTheProjectVersion() throws IOException {
        JsonNode app = read(BALENA_YML);
        List<String> offered = new ArrayList<>();
        app.path("data").path("applicationEnvironmentVariables").forEach(entry -> offered.addAll(names(entry)));
        Matcher pom = PROJECT_VERSION.matcher(Files.readString(Path.of("pom.xml"), StandardCharsets.UTF_8));
        assertThat(pom.find()).isTrue();

        assertThat(app.path("type").asText()).isEqualTo("sw.application");
        assertThat(app.path("name").asText()).isEqualTo("skerry");
        assertThat(pom.group(1)).startsWith(app.path("version").asText());
        assertThat(offered).as("a device's certificate and key are device variables, never fleet-wide")
                .containsExactlyInAnyOrder("SKERRY_MQTT_HOST", "SKERRY_TLS_CA_PEM");
        assertThat(texts(app.path("data").path("supportedDeviceTypes"))).contains(app.path("data").path("defaultDeviceType").asText());
    }

    private static JsonNode read(Path file) {
        try {
            return YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new AssertionError("cannot read " + file, e);
        }
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(item -> texts.add(item.asText()));
        return texts;
    }
}
