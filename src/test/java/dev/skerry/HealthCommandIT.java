package dev.skerry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.skerry.status.DeliveryStatus;
import dev.skerry.status.StatusFile;

/**
 * {@code skerry health} in both forms, the launcher's (sh, no JVM) and the application's ({@code health} argument,
 * the native binary's health mode), against the heartbeat file the agent writes: same verdicts, same rules.
 */
class HealthCommandIT {

    enum Form {
        LAUNCHER, APPLICATION
    }

    @TempDir
    Path state;

    private record Result(int exitCode, String stdout, String stderr) {
    }

    private Result health(Form form, String... pairs) throws Exception {
        List<String> command = form == Form.LAUNCHER ? List.of(Launched.LAUNCHER.toString(), "health")
                : with(AgentProcess.command(List.of()), "health");
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("SKERRY_") || name.equals("STATE_DIRECTORY") || name.equals("JAVA_HOME"));
        if (form == Form.LAUNCHER) {
            env.put("PATH", "/usr/bin:/bin"); // and no JAVA_HOME: the launcher's check needs no java
        }
        Map<String, String> variables = new HashMap<>(Map.of("SKERRY_STATE_DIR", state.toString()));
        for (int i = 0; i < pairs.length; i += 2) {
            variables.put(pairs[i], pairs[i + 1]);
        }
        env.putAll(variables);
        Process process = builder.start();
        process.getOutputStream().close();
        CompletableFuture<String> stderr = AgentProcess.drain(process.getErrorStream());
        String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), stdout, stderr.get(10, TimeUnit.SECONDS));
    }

    private static List<String> with(List<String> command, String argument) {
        command.add(argument);
        return command;
    }

    private void beatSecondsAgo(long seconds) throws Exception {
        Path heartbeat = state.resolve("heartbeat");
        if (!Files.exists(heartbeat)) {
            Files.createFile(heartbeat);
        }
        Files.setLastModifiedTime(heartbeat, FileTime.from(Instant.now().minusSeconds(seconds)));
    }

    private static void assertUnhealthy(Result result, String reason) {
        assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
        assertThat(result.stderr().strip()).startsWith("skerry: unhealthy: ").contains(reason).doesNotContain("\n");
    }

    @ParameterizedTest
    @EnumSource(Form.class)
    void aMissingHeartbeatIsUnhealthy(Form form) throws Exception {
        assertUnhealthy(health(form), "no heartbeat file " + state.resolve("heartbeat"));
    }

    @ParameterizedTest
    @EnumSource(Form.class)
    void theAgeIsJudgedAgainstTheAgentsFiguresOrTheDefaultOrTheExplicitLimit(Form form) throws Exception {
        beatSecondsAgo(200);
        assertThat(health(form).exitCode()).as("no settings file: 3 x 60s + 60s").isZero();
        assertThat(health(form, "SKERRY_INTERVAL", "30s").exitCode()).as("the check does not read SKERRY_INTERVAL").isZero();
        assertUnhealthy(health(form, "SKERRY_HEALTH_MAX_AGE", "2m"), "more than 120s");
        assertUnhealthy(health(form, "SKERRY_HEALTH_MAX_AGE", "+120"), "more than 120s"); // a sign: the agent's parser takes it
        assertThat(health(form, "SKERRY_HEALTH_MAX_AGE", "+1h").exitCode()).as("+1h, as the agent reads it").isZero();
        assertUnhealthy(health(form, "SKERRY_HEALTH_MAX_AGE", "soon"), "SKERRY_HEALTH_MAX_AGE='soon' is not a duration");

        beatSecondsAgo(900);
        assertUnhealthy(health(form), "more than 240s");
        Files.writeString(state.resolve("health-settings"), "report_interval_seconds=300\nmax_age_seconds=960\n");
        assertThat(health(form).exitCode()).as("the agent's figures (Device Defender mode)").isZero();
        assertThat(health(form, "SKERRY_HEALTH_MAX_AGE", "1h").exitCode()).isZero();
        assertUnhealthy(health(form, "SKERRY_HEALTH_MAX_AGE", "10m"), "more than 600s");
        Files.writeString(state.resolve("health-settings"), "max_age_seconds=+960\n");
        assertUnhealthy(health(form), "no max_age_seconds=<whole seconds> line in " + state.resolve("health-settings"));
        Files.delete(state.resolve("health-settings"));

        beatSecondsAgo(-3600);
        assertUnhealthy(health(form), "in the future");
    }

    /**
     * The case: the agent runs with its own environment (here a 10 minute interval), an operator runs
     * {@code skerry health} by hand with none of it, 20 minutes after the last report: healthy, as the agent's figures say.
     */
    @Test
    void aManualCheckWithoutTheAgentsEnvironmentUsesTheAgentsFigures() throws Exception {
        AgentProcess.Run run = AgentProcess.run(state, Map.of("SKERRY_ONCE", "true", "SKERRY_INTERVAL", "10m"));
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(Files.readString(state.resolve("health-settings"))).contains("report_interval_seconds=600\n", "max_age_seconds=1860\n");

        beatSecondsAgo(1200);
        for (Form form : Form.values()) {
            Result result = health(form);
            assertThat(result.exitCode()).as(form + ": " + result).isZero();
        }
        beatSecondsAgo(1900);
        for (Form form : Form.values()) {
            assertUnhealthy(health(form), "more than 1860s");
        }
    }

    @Test
    void afterAReportBothFormsAreHealthy() throws Exception {
        AgentProcess.Run run = AgentProcess.run(state, Map.of("SKERRY_ONCE", "true"));
        assertThat(run.exitCode()).as(run.stderr()).isZero();

        for (Form form : Form.values()) {
            Result result = health(form);
            assertThat(result.exitCode()).as(form + ": " + result).isZero();
            assertThat(result.stdout()).startsWith("skerry: healthy: " + state.resolve("heartbeat"));
        }
    }

    private void status(boolean connected, int waiting, Long lastAcknowledged, long startedSecondsAgo) throws Exception {
        long now = System.currentTimeMillis();
        StatusFile.write(state, new DeliveryStatus(now, now - startedSecondsAgo * 1000, "broker.example:8883", connected,
                Instant.parse("2026-01-02T03:04:05.678Z").toEpochMilli(), waiting, Instant.parse("2026-01-02T03:05:06.999Z").toEpochMilli(),
                lastAcknowledged, 0, null, null, "connection closed by \"the broker\", \"waiting\":0"));
    }

    /** Publishing, with a fresh heartbeat: both forms read status.json alike, and only when the agent said it publishes. */
    @ParameterizedTest
    @EnumSource(Form.class)
    void reportsWaitingWithNothingDeliveredForLongerThanTheMaximumAgeAreUnhealthy(Form form) throws Exception {
        beatSecondsAgo(10);
        Files.writeString(state.resolve("health-settings"), "report_interval_seconds=60\nmax_age_seconds=240\npublishing=true\n");
        status(false, 7, null, 3600);
        assertUnhealthy(health(form), "nothing delivered for 36");
        assertUnhealthy(health(form), "s, more than 240s: broker broker.example:8883 unreachable since 2026-01-02T03:04:05Z, "
                + "7 reports waiting, the oldest from 2026-01-02T03:05:06Z");
        assertUnhealthy(health(form, "SKERRY_HEALTH_MAX_AGE", "30m"), "more than 1800s");
        assertThat(health(form, "SKERRY_HEALTH_MAX_AGE", "2h").exitCode()).as("an explicit limit wins here too").isZero();

        status(true, 2, System.currentTimeMillis() - 300_000, 3600);
        assertUnhealthy(health(form), "broker broker.example:8883 connected since 2026-01-02T03:04:05Z but acknowledges nothing, 2 reports waiting");
        status(true, 2, System.currentTimeMillis() - 100_000, 3600);
        assertThat(health(form).exitCode()).as("acknowledged 100s ago").isZero();
        status(false, 7, null, 100);
        assertThat(health(form).exitCode()).as("started 100s ago").isZero();
        status(false, 0, null, 3600);
        assertThat(health(form).exitCode()).as("nothing waiting").isZero();

        status(false, 7, null, 3600);
        Files.writeString(state.resolve("health-settings"), "report_interval_seconds=60\nmax_age_seconds=240\npublishing=false\n");
        assertThat(health(form).exitCode()).as("the stdout mode: the heartbeat alone").isZero();
        Files.writeString(state.resolve("health-settings"), "report_interval_seconds=60\nmax_age_seconds=240\npublishing=true\n");
        Files.writeString(state.resolve("status.json"), "{\"waiting\":7}");
        assertThat(health(form).exitCode()).as("not a status skerry wrote").isZero();
    }
}
