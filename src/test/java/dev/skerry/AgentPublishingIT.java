package dev.skerry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.skerry.testing.Closer;
import dev.skerry.testing.Mosquitto;
import dev.skerry.testing.Ports;
import dev.skerry.testing.Received;
import dev.skerry.testing.TestPki;
import dev.skerry.testing.TestSubscriber;

/** The packaged agent publishing to a real Mosquitto over mutual TLS (its faults: AgentFaultsIT). */
class AgentPublishingIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final TestPki pki = TestPki.get();
    @AutoClose
    final Closer closer = new Closer();

    @TempDir
    Path state;


    private Map<String, String> broker(int port, String... more) {
        return AgentProcess.publishingTo(pki, port, more);
    }

    @Test
    void onceWithABrokerExitsZeroAfterTheBrokersAcknowledgement() throws Exception {
        Mosquitto.assumeAvailable();
        Mosquitto mosquitto = closer.later(Mosquitto.tls(pki).start());
        TestSubscriber subscriber = closer.later(TestSubscriber.connectTls(mosquitto.port(), pki).subscribe("fleet/#"));

        AgentProcess.Run run = AgentProcess.run(state, broker(mosquitto.port(), "SKERRY_ONCE", "true"));

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).as("reports go to the broker, not to stdout").isEmpty();
        Received message = subscriber.awaitMessages(1, TestSubscriber.TIMEOUT).get(0);
        assertThat(message.topic()).isEqualTo("fleet/" + pki.thingName() + "/json");
        JsonNode report = JSON.readTree(message.payload());
        assertThat(report.at("/header/version").asText()).isEqualTo("1.0");
        assertThat(report.at("/metrics/listening_tcp_ports/total").isInt()).isTrue();
        assertThat(report.at("/custom_metrics/spool_pending/0/number").isNumber()).isTrue();
        assertThat(AgentProcess.spooledReports(state)).isZero();
    }

    @Test
    void certificatesGivenAsPemTextInVariablesWorkAndAreNeverWrittenToDisk() throws Exception {
        Mosquitto.assumeAvailable();
        Mosquitto mosquitto = closer.later(Mosquitto.tls(pki).start());
        TestSubscriber subscriber = closer.later(TestSubscriber.connectTls(mosquitto.port(), pki).subscribe("fleet/#"));
        Map<String, String> env = broker(mosquitto.port(), "SKERRY_ONCE", "true");
        env.remove("SKERRY_TLS_CA");
        env.remove("SKERRY_TLS_CERT");
        env.remove("SKERRY_TLS_KEY");
        env.put("SKERRY_TLS_CA_PEM", Files.readString(pki.caPem()));
        env.put("SKERRY_TLS_CERT_PEM", Files.readString(pki.clientCert()));
        env.put("SKERRY_TLS_KEY_PEM", Files.readString(pki.clientKeyPkcs8()));

        AgentProcess.Run run = AgentProcess.run(state, env);

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(subscriber.awaitMessages(1, TestSubscriber.TIMEOUT)).hasSize(1);
        try (Stream<Path> files = Files.walk(state)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(file, java.nio.charset.StandardCharsets.ISO_8859_1)).as(file.toString()).doesNotContain("PRIVATE KEY");
            }
        }
    }

    @Test
    void aSpoolDirectoryThatCannotBeCreatedIsAConfigurationError() throws Exception {
        Path file = Files.writeString(state.resolve("not-a-directory"), "x");

        AgentProcess.Run run = AgentProcess.run(state, broker(Ports.free(), "SKERRY_ONCE", "true",
                "SKERRY_SPOOL_DIR", file.resolve("spool").toString()));

        assertThat(run.exitCode()).isEqualTo(78);
        assertThat(run.stderrLines()).singleElement().asString().startsWith("skerry: SKERRY_SPOOL_DIR: ").contains(file.toString());
    }

    @Test
    void onceWithoutABrokerExitsNonZeroAndKeepsTheReport() throws Exception {
        AgentProcess.Run run = AgentProcess.run(state, broker(Ports.free(), "SKERRY_ONCE", "true", "SKERRY_ONCE_TIMEOUT", "3s"));

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.stderr()).contains("stays in the spool").doesNotContain("\tat ");
        assertThat(AgentProcess.spooledReports(state)).isEqualTo(1);
    }

    @Test
    void inMemoryFirstModeAReportAcknowledgedQuicklyNeverTouchesTheDisk() throws Exception {
        Mosquitto.assumeAvailable();
        Mosquitto mosquitto = closer.later(Mosquitto.tls(pki).start());
        TestSubscriber subscriber = closer.later(TestSubscriber.connectTls(mosquitto.port(), pki).subscribe("fleet/#"));
        Process agent = AgentProcess.start(state, broker(mosquitto.port(), "SKERRY_INTERVAL", "1s", "SKERRY_SPOOL_MODE", "memory-first"));
        AgentProcess.drain(agent.getInputStream());
        AgentProcess.drain(agent.getErrorStream());

        // The first report may wait longer than 5 s for the connection on a loaded machine; watch the ones after it.
        await().atMost(Duration.ofSeconds(60)).until(() -> !subscriber.messages().isEmpty());
        await().atMost(Duration.ofSeconds(30)).until(() -> AgentProcess.spooledReports(state) == 0);
        int first = subscriber.messages().size();
        AtomicBoolean sawAFile = new AtomicBoolean();
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (subscriber.messages().size() < first + 4 && System.nanoTime() < until) {
            if (AgentProcess.spooledReports(state) > 0) {
                sawAFile.set(true);
            }
            Thread.sleep(20);
        }
        agent.destroy();
        assertThat(agent.waitFor(20, TimeUnit.SECONDS)).isTrue();

        assertThat(subscriber.messages()).hasSizeGreaterThanOrEqualTo(first + 4);
        assertThat(sawAFile).as("a spool file appeared").isFalse();
    }

    @Test
    void deviceDefenderModeRaisesTheIntervalToItsLimit() throws Exception {
        String stderr = untilStarted(broker(Ports.free(), "SKERRY_INTERVAL", "10s"));

        assertThat(stderr).contains("below Device Defender's limit of one report per 300s: using 300s")
                .contains("a report every 300s to $aws/things/" + pki.thingName() + "/defender/metrics/json (Device Defender mode)");
        assertThat(Files.readString(state.resolve("health-settings"))).as("what `skerry health` judges by, without this environment")
                .contains("report_interval_seconds=300\n").contains("max_age_seconds=960\n");
    }

    /** The default interval is the user's choice of nothing: no warning that "60s" is below Device Defender's limit. */
    @Test
    void deviceDefenderModeWithTheDefaultIntervalDoesNotWarn() throws Exception {
        String stderr = untilStarted(broker(Ports.free()));

        assertThat(stderr).contains("a report every 300s to $aws/things/").doesNotContain("below Device Defender's limit");
    }

    /** Device Defender's topic, a broker that is not there: the agent's stderr up to its start line. */
    private String untilStarted(Map<String, String> env) throws Exception {
        env.remove("SKERRY_MQTT_TOPIC");
        Process agent = AgentProcess.start(state, env);
        AgentProcess.drain(agent.getInputStream());
        var stderr = new StringBuilder();
        var reader = new java.io.BufferedReader(new java.io.InputStreamReader(agent.getErrorStream()));
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String line;
        while (System.nanoTime() < until && (line = reader.readLine()) != null) {
            stderr.append(line).append('\n');
            if (line.contains("skerry started")) {
                break;
            }
        }
        agent.destroy();
        assertThat(agent.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return stderr.toString();
    }

    @Test
    void aPrivateKeyOthersCanReadIsRefusedAtStart() throws Exception {
        Path key = Files.copy(pki.clientKeyRsa(), state.resolve("shared.key"));
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        Map<String, String> env = broker(Ports.free(), "SKERRY_ONCE", "true");
        env.put("SKERRY_TLS_KEY", key.toString());

        AgentProcess.Run run = AgentProcess.run(state, env);

        assertThat(run.exitCode()).isEqualTo(78);
        assertThat(run.stderrLines()).singleElement().asString()
                .startsWith("skerry: SKERRY_TLS_KEY=").contains("accessible to group or others").contains("chmod 600");
    }
}
