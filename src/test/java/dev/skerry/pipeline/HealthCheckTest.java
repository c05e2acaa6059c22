package dev.skerry.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.skerry.status.DeliveryStatus;
import dev.skerry.status.StatusFile;

class HealthCheckTest {

    private static final Instant NOW = Instant.parse("2026-05-01T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @TempDir
    Path state;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int health(String... pairs) {
        Map<String, String> env = new HashMap<>(Map.of("SKERRY_STATE_DIR", state.toString()));
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return HealthCheck.run(env, CLOCK, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private void beatSecondsAgo(long seconds) {
        new Heartbeat(state, Clock.fixed(NOW.minusSeconds(seconds), ZoneOffset.UTC)).beat();
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aFreshHeartbeatIsHealthy() throws IOException {
        beatSecondsAgo(30);

        assertThat(health()).isZero();
        assertThat(stderr()).isEmpty();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("skerry: healthy");
    }

    @Test
    void eachBeatMovesTheHeartbeatFileItCreatedFirst() throws IOException {
        beatSecondsAgo(3600);
        assertThat(health()).isEqualTo(1);

        beatSecondsAgo(30);

        assertThat(health()).isZero();
        assertThat(Files.getLastModifiedTime(state.resolve(Heartbeat.FILE)).toInstant()).isEqualTo(NOW.minusSeconds(30));
    }

    @Test
    void aMissingHeartbeatIsUnhealthyWithOneLine() {
        assertThat(health()).isEqualTo(1);
        assertThat(stderr().strip()).startsWith("skerry: unhealthy: no heartbeat file " + state.resolve("heartbeat")).doesNotContain("\n");
    }

    @Test
    void theDefaultLimitIsThreeIntervalsAndAGrace() throws IOException {
        beatSecondsAgo(3 * 60 + 60);
        assertThat(health()).isZero();

        beatSecondsAgo(3 * 60 + 61);
        assertThat(health()).isEqualTo(1);
        assertThat(stderr().strip()).contains("241s ago").contains("more than 240s").doesNotContain("\n");
    }

    /** The agent's own figures: a health check by hand, without the agent's environment, judges as the agent would. */
    @Test
    void theLimitIsWhatTheAgentWroteAtStart() throws IOException {
        beatSecondsAgo(900);
        assertThat(health()).as("no settings file: the default interval").isEqualTo(1);

        HealthSettings.write(state, Duration.ofSeconds(300), HealthSettings.maxAge(Duration.ofSeconds(300), Optional.empty()), false);

        assertThat(Files.readString(state.resolve(HealthSettings.FILE))).contains("report_interval_seconds=300\n", "max_age_seconds=960\n");
        assertThat(health()).as(stderr()).isZero();
        assertThat(health("SKERRY_INTERVAL", "10s")).as("SKERRY_INTERVAL in the check's environment is not the agent's").isZero();
        assertThat(health("SKERRY_HEALTH_MAX_AGE", "10m")).as("an explicit limit wins").isEqualTo(1);
    }

    @Test
    void theAgentsExplicitMaxAgeIsWrittenAndSubSecondFiguresRoundUp() throws IOException {
        HealthSettings.write(state, Duration.ofMillis(1500), HealthSettings.maxAge(Duration.ofMillis(1500), Optional.of(Duration.ofMillis(100_500))), true);

        assertThat(Files.readString(state.resolve(HealthSettings.FILE))).contains("report_interval_seconds=2\n", "max_age_seconds=101\n", "publishing=true\n");
        assertThat(state.resolve(HealthSettings.FILE + ".new")).doesNotExist();
    }

    @Test
    void aBrokenSettingsFileIsUnhealthyAndNamed() throws IOException {
        beatSecondsAgo(1);
        Files.writeString(state.resolve(HealthSettings.FILE), "max_age_seconds=soon\n");

        assertThat(health()).isEqualTo(1);
        assertThat(stderr().strip()).isEqualTo("skerry: unhealthy: no max_age_seconds=<whole seconds> line in " + state.resolve(HealthSettings.FILE));
    }

    @Test
    void anExplicitMaxAgeWins() throws IOException {
        beatSecondsAgo(100);

        HealthSettings.write(state, Duration.ofHours(1), Duration.ofHours(4), false);
        assertThat(health("SKERRY_HEALTH_MAX_AGE", "90s")).isEqualTo(1);
        assertThat(health("SKERRY_HEALTH_MAX_AGE", "2m")).isZero();
    }

    @Test
    void aHeartbeatFromBeforeTheClockWasSetBackIsNoProofOfLife() throws IOException {
        beatSecondsAgo(-3600);

        assertThat(health()).isEqualTo(1);
        assertThat(stderr()).contains("in the future");
    }

    @Test
    void aBadDurationIsUnhealthyAndNamed() throws IOException {
        beatSecondsAgo(1);

        assertThat(health("SKERRY_HEALTH_MAX_AGE", "soon")).isEqualTo(1);
        assertThat(stderr().strip()).isEqualTo("skerry: unhealthy: SKERRY_HEALTH_MAX_AGE='soon' is not a duration");
    }

    @Test
    void itFindsTheStateDirectoryAsTheAgentDoes() throws IOException {
        Path systemd = Files.createDirectories(state.resolve("systemd"));
        Files.setLastModifiedTime(Files.createFile(systemd.resolve(Heartbeat.FILE)), FileTime.from(NOW));
        Map<String, String> env = Map.of("STATE_DIRECTORY", systemd + ":/var/lib/other");

        assertThat(HealthCheck.run(env, CLOCK, new PrintStream(out), new PrintStream(err))).as(stderr()).isZero();
        assertThat(HealthCheck.maxAge(env, systemd)).isEqualTo(Duration.ofSeconds(240));
    }

    private void status(boolean connected, int waiting, Long lastAcknowledged, long startedSecondsAgo) throws IOException {
        long now = NOW.toEpochMilli();
        StatusFile.write(state, new DeliveryStatus(now - 30_000, now - startedSecondsAgo * 1000, "broker.example:8883", connected,
                now - 700_000, waiting, waiting == 0 ? null : now - 650_000, lastAcknowledged, 4, null, null, "name not resolved"));
    }

    /** The case: a fresh heartbeat, but the broker has been unreachable for longer than the maximum age. */
    @Test
    void reportsWaitingWithNothingAcknowledgedForLongerThanTheMaximumAgeAreUnhealthy() throws IOException {
        beatSecondsAgo(30);
        HealthSettings.write(state, Duration.ofSeconds(60), Duration.ofSeconds(240), true);

        status(false, 12, NOW.toEpochMilli() - 700_000, 3600);
        assertThat(health()).isEqualTo(1);
        assertThat(stderr().strip()).isEqualTo("skerry: unhealthy: nothing delivered for 700s, more than 240s: broker broker.example:8883 "
                + "unreachable since 2026-05-01T11:48:20Z, 12 reports waiting, the oldest from 2026-05-01T11:49:10Z");
        err.reset();

        status(true, 3, null, 300);
        assertThat(health()).as("connected, nothing acknowledged since the start 300s ago").isEqualTo(1);
        assertThat(stderr()).contains("nothing delivered for 300s", "connected since 2026-05-01T11:48:20Z but acknowledges nothing");
        err.reset();

        status(false, 12, NOW.toEpochMilli() - 200_000, 3600);
        assertThat(health()).as("an acknowledgement within the maximum age").isZero();
        status(false, 12, null, 200);
        assertThat(health()).as("started within the maximum age").isZero();
        status(false, 0, NOW.toEpochMilli() - 700_000, 3600);
        assertThat(health()).as("nothing waiting: nothing to deliver").isZero();
    }

    @Test
    void theStdoutModeAndAnUnreadableStatusKeepTheHeartbeatsVerdict() throws IOException {
        beatSecondsAgo(30);
        status(false, 12, null, 3600);
        HealthSettings.write(state, Duration.ofSeconds(60), Duration.ofSeconds(240), false);
        assertThat(health()).as("stdout mode: a status file left by an earlier publishing run is not read").isZero();

        HealthSettings.write(state, Duration.ofSeconds(60), Duration.ofSeconds(240), true);
        Files.writeString(state.resolve(StatusFile.FILE), "{\"written\": \"soon\"}");
        assertThat(health()).as("not a status skerry wrote").isZero();
        Files.delete(state.resolve(StatusFile.FILE));
        assertThat(health()).as("no status file yet").isZero();
    }
}
