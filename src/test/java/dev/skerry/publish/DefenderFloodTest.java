package dev.skerry.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.logging.LogRecord;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import dev.skerry.report.CustomValue;
import dev.skerry.config.Format;
import dev.skerry.report.Report;
import dev.skerry.testing.CapturedLog;
import dev.skerry.testing.Mosquitto;
import dev.skerry.testing.TestSubscriber;

/**
 * Whoever may publish on the thing's topics (Mosquitto here) sends a retained 20 kB message and
 * a flood of rejections with distinct error codes: the agent stays connected, delivers its
 * reports once each, and logs a few lines.
 */
class DefenderFloodTest extends PublishingTestBase {

    private static final int FLOOD = 3000;

    @AutoClose
    final CapturedLog log = CapturedLog.of(DefenderResponses.class);
    private final List<LogRecord> logged = log.records();

    @Test
    void aRetainedBigMessageAndAFloodOfDistinctRejectionsNeitherDisconnectNorFillTheLog() throws Exception {
        Mosquitto.assumeAvailable();
        Mosquitto broker = closeLater(Mosquitto.tls(pki).start());
        String topic = "$aws/things/" + THING + "/defender/metrics/json";
        TestSubscriber attacker = closeLater(TestSubscriber.connectTls(broker.port(), pki).subscribe(topic));
        byte[] big = ("{\"reportId\":1,\"statusDetails\":{\"ErrorCode\":\"" + "B".repeat(20_000) + "\"}}").getBytes(StandardCharsets.UTF_8);
        attacker.publish(topic + "/rejected", big, 1, true);

        start(broker, DEFENDER);
        spoolReport(6001, Format.JSON);
        await().atMost(Duration.ofSeconds(20)).until(() -> spool.size() == 0);
        for (int i = 0; i < FLOOD; i++) {
            attacker.publish(topic + "/rejected", ("{\"reportId\":" + i + ",\"statusDetails\":{\"ErrorCode\":\"Code" + i + "\"}}")
                    .getBytes(StandardCharsets.UTF_8), 0, false);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> publisher.rejected() == FLOOD);
        spoolReport(6002, Format.JSON);
        await().atMost(Duration.ofSeconds(20)).until(() -> spool.size() == 0);
        Thread.sleep(1500);

        Report.Builder health = Report.builder();
        publisher.contribute(health);
        assertThat(health.build(1).customMetrics()).as("the retained message did not close the connection")
                .containsEntry("mqtt_reconnects", new CustomValue.Number(0));
        assertThat(ids(attacker.messages())).as("each report sent once").containsExactly(6001L, 6002L);
        assertThat(logged).as("a few lines, not one per message").hasSizeLessThanOrEqualTo(DefenderResponses.LOG_BURST);
        assertThat(logged).anySatisfy(record -> assertThat(record.getMessage()).contains("dropped unread"));
    }
}
