package dev.skerry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.skerry.config.EnvironmentCheck;

/** {@code skerry --version} and {@code --help} of the packaged agent, directly and through the launcher; other arguments are refused. */
class CommandLineIT {

    @TempDir
    Path state;

    private static String projectVersion() throws Exception {
        Matcher version = Pattern.compile("<artifactId>skerry</artifactId>\\s*<version>([^<]+)</version>").matcher(Files.readString(Path.of("pom.xml")));
        assertThat(version.find()).as("the project's version in pom.xml").isTrue();
        return version.group(1);
    }

    private AgentProcess.Run jar(String... arguments) throws Exception {
        return AgentProcess.run(AgentProcess.start(state, Map.of(), Path.of(""), List.of(), List.of(arguments)));
    }

    private AgentProcess.Run launcher(String... arguments) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(new java.util.ArrayList<>(List.of(Launched.LAUNCHER.toString())));
        builder.command().addAll(List.of(arguments));
        builder.environment().keySet().removeIf(name -> name.startsWith("SKERRY_"));
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("SKERRY_STATE_DIR", state.toString());
        Process process = builder.start();
        process.getOutputStream().close();
        return AgentProcess.run(process);
    }

    @Test
    void versionIsTheProjectsInBothForms() throws Exception {
        for (AgentProcess.Run run : List.of(jar("--version"), launcher("--version"))) {
            assertThat(run.exitCode()).as(run.stderr()).isZero();
            assertThat(run.stdout()).isEqualTo("skerry " + projectVersion() + "\n");
            assertThat(run.stderr()).isEmpty();
        }
        assertThat(state.resolve("heartbeat")).as("no agent ran").doesNotExist();
    }

    @Test
    void helpListsTheCommandsAndEveryVariableWithItsDefault() throws Exception {
        for (AgentProcess.Run run : List.of(jar("--help"), launcher("--help"))) {
            assertThat(run.exitCode()).as(run.stderr()).isZero();
            assertThat(run.stdout()).startsWith("skerry " + projectVersion() + ": ").contains("skerry health", "skerry status", "skerry status --json", "skerry --version", "skerry --help");
            for (var variable : EnvironmentCheck.defaults().entrySet()) {
                assertThat(run.stdout()).as(variable.getKey())
                        .containsPattern("(?m)^  " + variable.getKey() + " +default: " + Pattern.quote(variable.getValue()) + "$");
            }
        }
        assertThat(state.resolve("heartbeat")).as("no agent ran").doesNotExist();
    }

    @Test
    void anUnknownArgumentIsRefusedWithoutStartingTheAgent() throws Exception {
        AgentProcess.Run run = jar("--onse");

        assertThat(run.exitCode()).isEqualTo(64);
        assertThat(run.stdout()).isEmpty();
        assertThat(run.stderrLines()).containsExactly("skerry: unknown command '--onse': see skerry --help");
        assertThat(state.resolve("heartbeat")).doesNotExist();
    }

    @Test
    void theStartLineShowsTheVersion() throws Exception {
        Process agent = AgentProcess.start(state, Map.of("SKERRY_INTERVAL", "1h"));
        AgentProcess.drain(agent.getInputStream());
        String started = null;
        try (var lines = new BufferedReader(new InputStreamReader(agent.getErrorStream(), StandardCharsets.UTF_8))) {
            long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            for (String line; started == null && System.nanoTime() < until && (line = lines.readLine()) != null;) {
                started = line.contains("skerry started") ? line : null;
            }
            agent.destroy();
            assertThat(agent.waitFor(20, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(started).isNotNull().contains("(version " + projectVersion() + ")");
    }
}
