package dev.skerry.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.skerry.config.Format;
import dev.skerry.status.DeliveryStatus;
import dev.skerry.status.StatusFile;
import dev.skerry.testing.CapturedLog;
import dev.skerry.testing.Mosquitto;
import io.netty.handler.codec.mqtt.MqttQoS;

/** status.json follows the connection and the spool through an outage, against a real Mosquitto over mutual TLS. */
class PublisherStatusTest extends PublishingTestBase {

    @TempDir
    Path stateDir;

    private DeliveryStatus status() {
        return StatusFile.read(stateDir).orElseThrow();
    }

    @AutoClose
    final CapturedLog log = CapturedLog.of(StatusReporter.class);

    private List<String> lines() {
        return List.copyOf(log.records()).stream().map(CapturedLog::formatted).toList();
    }

    private Optional<DeliveryStatus> current() {
        return StatusFile.read(stateDir);
    }

    @Test
    void theStatusFileFollowsAnOutageAndTheReplayAfterIt() throws Exception {
        Mosquitto.assumeAvailable();
        Mosquitto broker = closeLater(Mosquitto.tls(pki).start());
        var endpoint = endpoint("localhost", broker.port());
        var settings = new Publisher.Settings(MqttQoS.AT_LEAST_ONCE, false, endpoint.ackTimeout(), 1000, 1, endpoint.retryBase(), endpoint.retryMax());
        publisher = new Publisher(vertx, BrokerOptions.build(endpoint, tls(pki)), spool,
                Topics.of(Optional.of(GENERIC), THING, Format.JSON), settings, tls(pki).clientCertificate(), java.time.Clock.systemUTC());
        publisher.reportStatusTo(stateDir, Duration.ofMillis(200), Duration.ofSeconds(1));
        publisher.start();
        for (long id = 1; id <= 3; id++) {
            spoolReport(id, Format.JSON);
        }

        await().atMost(Duration.ofSeconds(20)).until(() -> current().filter(s -> s.connected() && s.acknowledged() == 3 && s.waiting() == 0).isPresent());
        assertThat(status().lastAcknowledged()).isNotNull();
        assertThat(status().broker()).isEqualTo("localhost:" + broker.port());
        assertThat(status().defenderAccepted()).as("generic mode has no Device Defender answers").isNull();

        broker.stop();
        spoolReport(4, Format.JSON);
        spoolReport(5, Format.JSON);
        // the disconnection is written at once, the failed reconnect's problem with the next write
        await().atMost(Duration.ofSeconds(20)).until(() -> current().filter(s -> !s.connected() && s.waiting() == 2 && s.lastProblem() != null).isPresent());
        DeliveryStatus outage = status();
        assertThat(outage.oldestWaiting()).isEqualTo(4L);
        assertThat(outage.lastProblem()).isNotNull();
        assertThat(outage.since()).isGreaterThanOrEqualTo(outage.lastAcknowledged());
        assertThat(status().describe()).contains("not connected since", "reports waiting: 2, the oldest from", "last problem: ");
        String reminder = "SKR0307: Still not connected to localhost:" + broker.port() + ", since " + java.time.Instant.ofEpochMilli(outage.since())
                + ": 2 reports waiting, the oldest from " + java.time.Instant.ofEpochMilli(4);
        await().atMost(Duration.ofSeconds(10)).until(() -> lines().stream().filter(reminder::equals).count() >= 2);

        broker.restart();
        await().atMost(Duration.ofSeconds(30)).until(() -> current().filter(s -> s.connected() && s.waiting() == 0 && s.acknowledged() == 5).isPresent());
        assertThat(status().lastProblem()).isNull();
        await().atMost(Duration.ofSeconds(10)).until(() -> lines().stream().anyMatch(line -> line.startsWith("SKR0306: Backlog delivered: 2 reports in ")));
        assertThat(lines()).contains("SKR0305: Connected to localhost:" + broker.port() + ", replaying 2 reports");
        long reminders = lines().stream().filter(reminder::equals).count();
        Thread.sleep(1500);
        assertThat(lines().stream().filter(reminder::equals).count()).as("connected: no more reminders").isEqualTo(reminders);
    }

    @Test
    void aStatusFileSkerryDidNotWriteIsNoStatus() throws Exception {
        java.nio.file.Files.writeString(stateDir.resolve(StatusFile.FILE), "{\"broker\": 1}");
        assertThat(StatusFile.read(stateDir)).isEmpty();
        java.nio.file.Files.writeString(stateDir.resolve(StatusFile.FILE), "not json");
        assertThat(StatusFile.read(stateDir)).isEmpty();
        java.nio.file.Files.delete(stateDir.resolve(StatusFile.FILE));
        java.nio.file.Files.createSymbolicLink(stateDir.resolve(StatusFile.FILE), Path.of("/dev/zero"));
        assertThat(StatusFile.read(stateDir)).as("a link is not followed").isEmpty();
    }
}
