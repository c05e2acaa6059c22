package dev.skerry.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EnvironmentCheckTest {

    @TempDir
    Path state;

    private Optional<String> check(String... pairs) {
        Map<String, String> env = new HashMap<>();
        env.put("SKERRY_STATE_DIR", state.toString());
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return EnvironmentCheck.firstProblem(env);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "SKERRY_INTERVAL|abc|not a duration",
            "SKERRY_INTERVAL|500ms|at least 1s",
            "SKERRY_INTERVAL|0|at least 1s",
            "SKERRY_INTERVAL|-5s|at least 1s",
            "SKERRY_FORMAT|xml|one of json, cbor",
            "SKERRY_FIELD_NAMES|tiny|one of long, short",
            "SKERRY_ONCE|yes|one of true, false",
            "SKERRY_LIST_LIMIT|fifty|not a whole number",
            "SKERRY_LIST_LIMIT|0|between 1 and 10000",
            "SKERRY_LIST_LIMIT|99999999999999999999|not a whole number",
            "SKERRY_PATH_PROCFS|/no/such/dir|no such directory",
            "SKERRY_PATH_SYSFS|relative/sys|absolute path",
            "SKERRY_PATH_ROOTFS|/no/such/root|no such directory",
            "SKERRY_STATE_DIR|state|absolute path",
            "SKERRY_COLLECTORS_DISABLED|kernel modules|not a collector name",
            "SKERRY_THING_NAME|a/b|must not contain",
            "SKERRY_THING_NAME|sensor#1|must not contain",
    })
    void aBadValueIsOneLineNamingTheVariable(String variable, String value, String problem) {
        Optional<String> message = check(variable, value);

        assertThat(message).hasValueSatisfying(line -> {
            assertThat(line).startsWith(variable + "='" + value + "': ").contains(problem).doesNotContain("\n");
        });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "SKERRY_INTERVAL|30s", "SKERRY_INTERVAL|5m", "SKERRY_INTERVAL|PT5M", "SKERRY_INTERVAL|1s", "SKERRY_INTERVAL|60",
            "SKERRY_FORMAT|cbor", "SKERRY_FORMAT|JSON", "SKERRY_FIELD_NAMES|short", "SKERRY_ONCE|true",
            "SKERRY_LIST_LIMIT|1", "SKERRY_LIST_LIMIT|10000", "SKERRY_PATH_PROCFS|/proc", "SKERRY_PATH_SYSFS|/sys",
            "SKERRY_COLLECTORS_DISABLED|kernel_modules, logged_in_users", "SKERRY_THING_NAME|edge-box-0042",
    })
    void goodValuesPass(String variable, String value) {
        assertThat(check(variable, value)).isEmpty();
    }

    @Test
    void thingNameLimitIs128Bytes() {
        assertThat(check("SKERRY_THING_NAME", "é".repeat(64))).isEmpty();
        assertThat(check("SKERRY_THING_NAME", "é".repeat(65))).hasValueSatisfying(line -> assertThat(line).contains("128 bytes"));
        assertThat(check("SKERRY_THING_NAME", "tab\there")).isPresent();
    }

    @Test
    void aBadBalenaUuidIsNamedWhenItWouldBeTheThingName() {
        assertThat(check("BALENA_DEVICE_UUID", "a+b")).hasValueSatisfying(line -> assertThat(line).startsWith("BALENA_DEVICE_UUID"));
        assertThat(check("BALENA_DEVICE_UUID", "a+b", "SKERRY_THING_NAME", "box")).isEmpty();
    }

    @Test
    void aStateDirectoryThatCannotBeCreatedIsAConfigurationError(@TempDir Path parent) throws IOException {
        Path file = Files.writeString(parent.resolve("a-file"), "x");

        assertThat(check("SKERRY_STATE_DIR", file.resolve("state").toString()))
                .hasValueSatisfying(line -> assertThat(line).startsWith("SKERRY_STATE_DIR: cannot create"));
    }

    @Test
    void theStateDirectoryIsCreatedPrivate(@TempDir Path parent) throws IOException {
        Path dir = parent.resolve("skerry");

        assertThat(check("SKERRY_STATE_DIR", dir.toString())).isEmpty();
        assertThat(Files.getPosixFilePermissions(dir)).extracting(Object::toString)
                .containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE", "OWNER_EXECUTE");
    }

    @Test
    void unknownSkerryVariablesAreNamed() {
        assertThat(EnvironmentCheck.unknownVariables(Map.of("SKERRY_INTREVAL", "5s", "SKERRY_INTERVAL", "5s", "PATH", "/bin")))
                .containsExactly("SKERRY_INTREVAL");
    }

    @Test
    void everySettingOfTheMappingIsCheckedAndEveryCheckedVariableIsASetting() {
        var fromMapping = new java.util.TreeSet<String>();
        for (Method method : SkerryConfig.class.getDeclaredMethods()) {
            fromMapping.add("SKERRY_" + method.getName().replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT));
        }

        assertThat(EnvironmentCheck.names()).containsExactlyInAnyOrderElementsOf(fromMapping);
    }

    @Test
    void readmeDocumentsEveryVariable() throws IOException {
        String readme = Files.readString(Path.of("README.md"));

        for (String variable : EnvironmentCheck.names()) {
            assertThat(readme).as(variable).containsPattern("\\| `" + variable + "` \\|");
        }
    }
}
