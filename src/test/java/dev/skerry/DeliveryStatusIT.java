package dev.skerry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.skerry.testing.Closer;
import dev.skerry.testing.Mosquitto;
import dev.skerry.testing.TestPki;

/**
 * The packaged agent through an outage longer than its health's maximum age: {@code skerry health} (the launcher's sh
 * and the application's) turns unhealthy with the reason while reports wait undelivered, and healthy again once the
 * backlog is delivered; {@code skerry status --json} shows the outage and the delivery. Both commands run by hand:
 * only SKERRY_STATE_DIR, none of the agent's environment.
 */
class DeliveryStatusIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final TestPki pki = TestPki.get();
    @AutoClose
    final Closer closer = new Closer();

    @TempDir
    Path state;

    private record Result(int exitCode, String stdout, String stderr) {
    }

    /** The launcher (sh health, the application's status) or the jar itself, with the state directory only. */
    private Result command(boolean launcher, String... arguments) throws Exception {
        List<String> command = launcher ? new ArrayList<>(List.of(Launched.LAUNCHER.toString())) : AgentProcess.command(List.of());
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(name -> name.startsWith("SKERRY_") || name.equals("STATE_DIRECTORY"));
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("SKERRY_STATE_DIR", state.toString());
        AgentProcess.NATIVE.ifPresent(executable -> builder.environment().put("SKERRY_APP_DIR", executable.getParent().toString()));
        Process process = builder.start();
        process.getOutputStream().close();
        CompletableFuture<String> stderr = AgentProcess.drain(process.getErrorStream());
        String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), stdout, stderr.get(10, TimeUnit.SECONDS));
    }

    private JsonNode statusJson() throws Exception {
        Result result = command(true, "status", "--json");
        assertThat(result.exitCode()).as(result.toString()).isZero();
        return JSON.readTree(result.stdout());
    }

    @Test
    @Timeout(240)
    void healthIsUnhealthyWhileNothingIsDeliveredAndHealthyAfterTheBacklog() throws Exception {
        Mosquitto.assumeAvailable();
        Mosquitto broker = closer.later(Mosquitto.tls(pki).start());
        broker.stop(); // its port, and nothing listening on it
        assertThat(command(true, "status").exitCode()).as("no agent has run here: no status").isEqualTo(1);

        Launched agent = closer.later(Launched.start(state, AgentProcess.publishingTo(pki, broker.port(),
                "SKERRY_INTERVAL", "1s", "SKERRY_HEALTH_MAX_AGE", "5s", "SKERRY_RETRY_MAX", "500ms")));

        // status.json is rewritten at most once a minute while nothing but the backlog changes
        await().atMost(Duration.ofSeconds(100)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            Result health = command(true, "health");
            assertThat(health.exitCode()).as(health + " " + agent.stderr.getNow("")).isEqualTo(1);
            // not the "no heartbeat file" of the moments before the first report
            assertThat(health.stderr()).contains("nothing delivered for ");
        });
        for (boolean launcher : new boolean[] {true, false}) {
            Result health = command(launcher, "health");
            assertThat(health.exitCode()).as(health.toString()).isEqualTo(1);
            assertThat(health.stderr().strip()).doesNotContain("\n").startsWith("skerry: unhealthy: nothing delivered for ")
                    .contains("more than 5s: broker localhost:" + broker.port() + " unreachable since ", " reports waiting, the oldest from ");
        }
        JsonNode outage = statusJson();
        assertThat(outage.path("connected").asBoolean(true)).as(outage.toString()).isFalse();
        assertThat(outage.path("broker").asText()).isEqualTo("localhost:" + broker.port());
        assertThat(outage.path("waiting").asInt()).as(outage.toString()).isGreaterThan(1);
        assertThat(outage.path("oldest_waiting").asLong()).isBetween(outage.path("started").asLong(), outage.path("written").asLong());
        assertThat(outage.path("last_acknowledged").isNull()).as(outage.toString()).isTrue();
        assertThat(outage.path("acknowledged").asLong()).isZero();
        assertThat(outage.path("last_problem").asText()).as(outage.toString()).isNotBlank();
        Result human = command(true, "status");
        assertThat(human.stdout()).as(human.toString()).startsWith("broker: localhost:" + broker.port() + ", not connected since ")
                .contains("reports waiting: ", "acknowledged: 0 since the start at ");

        broker.restart();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            Result health = command(true, "health");
            assertThat(health.exitCode()).as(health + " " + agent.stderr.getNow("")).isZero();
        });
        assertThat(command(false, "health").exitCode()).isZero();
        JsonNode delivered = statusJson();
        assertThat(delivered.path("connected").asBoolean()).as(delivered.toString()).isTrue();
        assertThat(delivered.path("waiting").asInt()).isLessThanOrEqualTo(1);
        assertThat(delivered.path("acknowledged").asLong()).isGreaterThanOrEqualTo(outage.path("waiting").asLong());
        assertThat(delivered.path("last_acknowledged").asLong()).isGreaterThan(outage.path("written").asLong());
        assertThat(delivered.path("since").asLong()).isGreaterThan(outage.path("since").asLong());
        assertThat(agent.stop()).isZero();
        assertThat(agent.stderr.get(10, TimeUnit.SECONDS)).contains("replaying", "Backlog delivered");
    }
}
