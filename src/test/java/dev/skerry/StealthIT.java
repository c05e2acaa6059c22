package dev.skerry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * deploy/bin/skerry: the process shows a per-device name and none of the words that mark a security tool in comm,
 * cmdline or the executable; the JVM runs without attach listener and without hsperfdata file.
 */
class StealthIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration FIRST_REPORT = Duration.ofSeconds(60);

    @TempDir
    Path state;

    private static Map<String, String> stdoutMode(String... more) {
        Map<String, String> env = new HashMap<>(Map.of("SKERRY_INTERVAL", "1s"));
        for (int i = 0; i < more.length; i += 2) {
            env.put(more[i], more[i + 1]);
        }
        return env;
    }

    /** Starts, waits for the first report, checks what /proc shows, stops with SIGTERM; returns the agent's stderr. */
    private String runAndCheck(Map<String, String> env, String expectedName) throws Exception {
        try (Launched agent = Launched.start(state, env)) {
            agent.awaitStdoutLines(1, FIRST_REPORT);

            assertThat(agent.comm()).isEqualTo(expectedName);
            agent.assertNoForbiddenWord();
            List<String> cmdline = agent.cmdline();
            assertThat(Path.of(cmdline.get(0)).getFileName()).hasToString(expectedName);
            if (AgentProcess.isNative()) {
                assertThat(cmdline).as("the native executable takes no JVM flags").hasSize(1);
            } else {
                assertThat(cmdline).contains("-XX:+DisableAttachMechanism", "-XX:-UsePerfData", "-XX:+UseSerialGC", "-Xmx32m",
                        "-XX:TieredStopAtLevel=1", "-XX:AsyncDeflationInterval=60000", "-XX:GuaranteedSafepointInterval=300000")
                        .noneMatch(arg -> arg.startsWith("-agentlib") || arg.startsWith("-javaagent") || arg.contains("jmxremote"));
            }
            assertThat(Path.of("/tmp/hsperfdata_" + System.getProperty("user.name"), String.valueOf(agent.pid()))).doesNotExist();
            assertThat(Path.of("/tmp/.java_pid" + agent.pid())).doesNotExist();
            JSON.readTree(agent.stdout.get(0));

            assertThat(agent.stop()).as(agent.stderr.getNow("")).isZero();
            String stderr = agent.stderr.get(10, TimeUnit.SECONDS);
            assertThat(stderr).doesNotContain("is not a variable skerry knows");
            return stderr;
        }
    }

    @Test
    void theProcessNameIsDerivedFromTheThingName() throws Exception {
        runAndCheck(stdoutMode("SKERRY_THING_NAME", "Pi Kitchen_01.lan"), "pi-kitchen-01-l");
    }

    @Test
    void aThingNameHoldingAListedWordGivesTheNeutralName() throws Exception {
        runAndCheck(stdoutMode("SKERRY_THING_NAME", "Edge-Sensor-42"), "skerry");
    }

    @Test
    void theProcessNameCanBeGiven() throws Exception {
        runAndCheck(stdoutMode("SKERRY_THING_NAME", "secure-gateway-7", "SKERRY_PROCESS_NAME", "netd-7"), "netd-7");
    }

    @Test
    void anApplicationDirectoryWhosePathHoldsAListedWordDoesNotShowOnTheCommandLine() throws Exception {
        Path install = Files.createDirectories(state.resolve("opt/monitoring"));
        Path app = Files.createSymbolicLink(install.resolve("quarkus-app"),
                AgentProcess.NATIVE.orElse(AgentProcess.JAR.toAbsolutePath()).getParent());

        try {
            runAndCheck(stdoutMode("SKERRY_THING_NAME", "pi-hall", "SKERRY_APP_DIR", app.toString()), "pi-hall");
        } finally {
            Files.delete(app); // not left for @TempDir, which warns about links that leave it
        }
    }

    @Test
    void aThreadDumpOnSigquitGoesToStderrAndLeavesTheReportsOnStdoutIntact() throws Exception {
        try (Launched agent = Launched.start(state, stdoutMode("SKERRY_THING_NAME", "pi-dump"))) {
            agent.awaitStdoutLines(1, FIRST_REPORT);
            Process kill = new ProcessBuilder("kill", "-QUIT", String.valueOf(agent.pid())).start();
            assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
            int seen = agent.stdout.size();
            agent.awaitStdoutLines(seen + 2, FIRST_REPORT);

            assertThat(agent.stop()).isZero();
            for (String line : agent.stdout) {
                JSON.readTree(line);
            }
            assertThat(agent.stderr.get(10, TimeUnit.SECONDS)).contains("Full thread dump");
        }
    }

    @Test
    void aProcessNameThatBreaksTheRulesIsAConfigurationError() throws Exception {
        for (String bad : List.of("Upper", "way-too-long-a-name", "net_d", "edr-1")) {
            try (Launched launcher = Launched.start(state, stdoutMode("SKERRY_PROCESS_NAME", bad))) {
                assertThat(launcher.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(launcher.process.exitValue()).as(bad).isEqualTo(78);
                assertThat(launcher.stderr.get(10, TimeUnit.SECONDS).strip()).as(bad).startsWith("skerry: SKERRY_PROCESS_NAME='" + bad + "': ")
                        .doesNotContain("\n");
            }
        }
    }
}
