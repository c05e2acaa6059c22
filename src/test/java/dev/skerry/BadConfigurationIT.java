package dev.skerry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.skerry.config.BadValues;

/**
 * The exit code 78 is real: the packaged agent started with bad values drawn from the same
 * generators as ConfigurationPropertiesTest (which tries every variable in process) exits 78 with
 * one line naming the variable, before printing any report.
 */
class BadConfigurationIT {

    private static final int VARIABLES = 5;

    @TempDir
    Path state;

    @TempDir
    Path files;

    @Test
    void badValuesOfRandomVariablesExit78NamingTheVariable() throws Exception {
        long seed = Long.getLong("skerry.seed", new Random().nextLong());
        Random random = new Random(seed);
        var generators = new BadValues(files).generators();
        List<String> names = new ArrayList<>(generators.keySet());
        for (int i = 0; i < VARIABLES; i++) {
            String name = names.remove(random.nextInt(names.size()));
            String value = generators.get(name).apply(random);
            Map<String, String> env = name.equals("SKERRY_MQTT_PASSWORD") ? Map.of(name, value, "SKERRY_MQTT_USERNAME", "device") : Map.of(name, value);

            assertExits78Naming(name, env, "seed " + seed);
        }
    }

    /** A collector name is checked once the collectors are known, after Quarkus started: the same exit code. */
    @Test
    void anUnknownCollectorExits78NamingTheVariable() throws Exception {
        assertExits78Naming("SKERRY_COLLECTORS_DISABLED", Map.of("SKERRY_COLLECTORS_DISABLED", "memory,no_such_collector"), "");
    }

    /** Hostile conditions found at start, each a configuration error rather than a start that never works. */
    @Test
    void untrustedStateBrokenKeysAndBadHostNamesExit78NamingTheVariable() throws Exception {
        var pki = dev.skerry.testing.TestPki.get();
        assertExits78Naming("SKERRY_TLS_KEY", AgentProcess.publishingTo(pki, 8883, "SKERRY_TLS_KEY", pki.rogueClientKey().toString()),
                "a key of another certificate");
        assertExits78Naming("SKERRY_MQTT_HOST", Map.of("SKERRY_MQTT_HOST", "a".repeat(64) + ".example.com"), "a 64-character label");
        java.nio.file.Files.setPosixFilePermissions(state, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        assertExits78Naming("SKERRY_STATE_DIR", Map.of(), "a state directory anyone may write");
    }

    /** The case: with the TLS files set, a misspelt broker variable would have run in the stdout mode. */
    @Test
    void aMisspeltBrokerVariableExits78WithTheSuggestion() throws Exception {
        Path ca = dev.skerry.testing.TestPki.get().caPem();
        Map<String, String> env = Map.of("SKERRY_MQTT_HOTS", "broker.example", "SKERRY_TLS_CA", ca.toString());

        assertExits78Naming("SKERRY_TLS_CA", env, "");
        assertThat(AgentProcess.run(state, env).stderrLines()).anySatisfy(line -> assertThat(line)
                .startsWith("skerry: SKERRY_TLS_CA is set without SKERRY_MQTT_HOST").contains("did you mean SKERRY_MQTT_HOST?"));
    }

    private void assertExits78Naming(String name, Map<String, String> env, String context) throws Exception {
        AgentProcess.Run run = AgentProcess.run(state, env);

        assertThat(run.exitCode()).as("%s (%s); stderr: %s", name, context, run.stderr()).isEqualTo(78);
        assertThat(run.stdout()).as(name).isEmpty();
        assertThat(run.stderrLines()).as(name).anySatisfy(line -> assertThat(line).startsWith("skerry: " + name));
        assertThat(run.stderr()).as(name).doesNotContain("Exception").doesNotContain("\tat ");
    }
}
