package dev.skerry.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.skerry.testing.Tries;

/**
 * Every SKERRY_* variable with generated bad values: each is refused before Quarkus starts, with
 * one line that names the variable (exit code 78 in Main; BadConfigurationIT runs the packaged
 * jar). A secret's value is never repeated.
 */
class ConfigurationPropertiesTest {

    private static final int TRIES_PER_VARIABLE = 12;

    @TempDir
    Path tmp;

    @Test
    void everyVariableHasBadValuesToTry() {
        assertThat(new BadValues(tmp).generators().keySet()).containsExactlyInAnyOrderElementsOf(EnvironmentCheck.names());
    }

    @Test
    void aBadValueOfAnyVariableIsRefusedWithOneLineNamingIt() {
        BadValues bad = new BadValues(tmp);
        Tries.run("bad values of every SKERRY_* variable", TRIES_PER_VARIABLE, (random, log) -> {
            for (var variable : bad.generators().entrySet()) {
                String name = variable.getKey();
                String value = variable.getValue().apply(random);
                log.append(name).append("='").append(value.length() > 100 ? value.substring(0, 100) + "...(" + value.length() + " chars)" : value)
                        .append("'\n");
                Map<String, String> env = new HashMap<>(Map.of("SKERRY_STATE_DIR", Files.createDirectories(tmp.resolve("state")).toString()));
                if (name.equals("SKERRY_MQTT_PASSWORD")) {
                    env.put("SKERRY_MQTT_USERNAME", "device");
                }
                env.put(name, value);

                Optional<String> problem = EnvironmentCheck.firstProblem(env);

                assertThat(problem).as(name).isPresent();
                assertThat(problem.get()).startsWith(name + "=").doesNotContain("\n");
                if (name.contains("PASSWORD") || name.contains("PROXY") || name.contains("KEY_PEM")) {
                    assertThat(problem.get()).startsWith(name + "=(hidden): ");
                }
            }
        });
    }
}
