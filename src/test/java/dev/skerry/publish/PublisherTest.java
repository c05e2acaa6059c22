package dev.skerry.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;

import dev.skerry.report.CustomValue;
import dev.skerry.config.FieldNames;
import dev.skerry.config.Format;
import dev.skerry.report.Report;
import dev.skerry.report.ReportEncoder;
import dev.skerry.spool.Spool;
import dev.skerry.config.SpoolMode;
import dev.skerry.spool.SpoolSettings;
import dev.skerry.spool.SpooledReport;
import dev.skerry.testing.FaultProxy;
import dev.skerry.testing.Mosquitto;
import dev.skerry.testing.Received;
import dev.skerry.testing.TestPki;
import dev.skerry.testing.TestSubscriber;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Vertx;

/** The publisher against a real Mosquitto over mutual TLS: delivery, order, outages, PUBACK. */
class PublisherTest extends PublishingTestBase {

    @Test
    void reportsArriveInOrderAndDecodeInJsonAndCbor() throws Exception {
        Mosquitto.assumeAvailable();
        Mosquitto broker = closeLater(Mosquitto.tls(pki).start());
        TestSubscriber subscriber = closeLater(TestSubscriber.connectTls(broker.port(), pki).subscribe("fleet/#"));
        start(broker, GENERIC);

        for (long id = 1001; id <= 1005; id++) {
            spoolReport(id, Format.JSON);
        }
        spoolReport(1006, Format.CBOR);

        List<Received> messages = subscriber.awaitMessages(6, TestSubscriber.TIMEOUT);
        assertThat(ids(messages)).containsExactly(1001L, 1002L, 1003L, 1004L, 1005L, 1006L);
        assertThat(messages).extracting(Received::topic).containsExactly("fleet/" + THING + "/json", "fleet/" + THING + "/json",
                "fleet/" + THING + "/json", "fleet/" + THING + "/json", "fleet/" + THING + "/json", "fleet/" + THING + "/cbor");
        assertThat(CBOR.readTree(messages.get(5).payload())).isEqualTo(JSON.readTree(encode(1006, Format.JSON)));
        assertThat(messages).allSatisfy(message -> assertThat(message.qos()).isEqualTo(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> spool.size() == 0);
        assertThat(Files.list(spoolDir).filter(file -> file.toString().endsWith(".report"))).isEmpty();
    }

    @Test
    void closingWithAReportInFlightLeavesItInTheSpoolSendsNothingMoreAndLogsNoProblem() throws Exception {
        Mosquitto.assumeAvailable();
        Mosquitto broker = closeLater(Mosquitto.plain().start());
        TestSubscriber subscriber = closeLater(TestSubscriber.connectPlain(broker.port()).subscribe("fleet/#"));
        FaultProxy proxy = closeLater(FaultProxy.tlsTerminating(pki, broker.port()));
        proxy.swallowPubacks(true);
        start(endpoint("localhost", proxy.port(), Duration.ofSeconds(10), Duration.ofSeconds(60)), tls(pki), GENERIC, MqttQoS.AT_LEAST_ONCE, false);
        spoolReport(3001, Format.JSON);
        subscriber.awaitMessages(1, TestSubscriber.TIMEOUT);
        await().atMost(Duration.ofSeconds(10)).until(() -> proxy.pubacksSwallowed() == 1);

        publisher.close(Duration.ZERO);
        spoolReport(3002, Format.JSON);
        Thread.sleep(1000); // what a drain still running after close would need to send 3002

        assertThat(spool.pending()).extracting(SpooledReport::reportId).containsExactly(3001L, 3002L);
        assertThat(ids(subscriber.messages())).containsExactly(3001L);
        assertThat(publisher.problemsLogged()).as("closing the connection under a report in flight is no publishing problem").isZero();
    }

    @Test
    void inMemoryFirstModeAReportIsWrittenOnceItsGraceIsOverWhileNoBrokerAnswers() throws Exception {
        spool = Spool.open(new SpoolSettings(spoolDir, 16 << 20, 10_000, SpoolMode.MEMORY_FIRST, Duration.ofSeconds(2)), Clock.systemUTC());
        start(endpoint("localhost", 1), tls(pki), GENERIC, MqttQoS.AT_LEAST_ONCE, false); // nothing listens on port 1

        spoolReport(7001, Format.JSON);
        assertThat(spool.inMemoryOnly()).as("within its grace").isEqualTo(1);

        await().atMost(Duration.ofSeconds(15)).until(() -> spool.inMemoryOnly() == 0);
        assertThat(spoolDir.resolve(String.format("%020d.report", 7001L))).exists();
    }

    @Test
    void qosZeroLeavesTheSpoolOnceWrittenAndRetainIsSet() throws Exception {
        Mosquitto.assumeAvailable();
        Mosquitto broker = closeLater(Mosquitto.tls(pki).start());
        start(endpoint("localhost", broker.port()), tls(pki), GENERIC, MqttQoS.AT_MOST_ONCE, true);

        spoolReport(2001, Format.JSON);
        await().atMost(Duration.ofSeconds(20)).until(() -> spool.size() == 0);

        TestSubscriber late = closeLater(TestSubscriber.connectTls(broker.port(), pki).subscribe("fleet/#"));
        Received retained = late.awaitMessages(1, TestSubscriber.TIMEOUT).get(0);
        assertThat(reportId(retained)).isEqualTo(2001);
        assertThat(retained.retain()).isTrue();
    }

    @Test
    void brokerOutageInGenericModeDeliversEveryReportOnceInOrder(@TempDir Path brokerState) throws Exception {
        Mosquitto.assumeAvailable();
        Mosquitto broker = closeLater(Mosquitto.tls(pki).configLine("persistence true")
                .configLine("persistence_location " + brokerState + "/").start());
        var persistent = TestSubscriber.tlsOptions(pki).setClientId("outage-watcher").setCleanSession(false);
        TestSubscriber subscriber = TestSubscriber.connect("localhost", broker.port(), persistent).subscribe("fleet/#", 1);
        start(broker, GENERIC);
        spoolReport(3001, Format.JSON);
        assertThat(ids(subscriber.awaitMessages(1, TestSubscriber.TIMEOUT))).containsExactly(3001L);
        subscriber.close();

        broker.stop();
        for (long id = 3002; id <= 3006; id++) {
            spoolReport(id, Format.JSON);
            Thread.sleep(300);
        }
        assertThat(spool.size()).isEqualTo(5);
        broker.restart();

        await().atMost(Duration.ofSeconds(30)).until(() -> spool.size() == 0);
        TestSubscriber after = closeLater(TestSubscriber.connect("localhost", broker.port(), persistent));
        List<Long> delivered = ids(after.awaitMessages(5, TestSubscriber.TIMEOUT));
        assertThat(delivered.stream().distinct().toList()).containsExactly(3002L, 3003L, 3004L, 3005L, 3006L);
        assertThat(publisher.problemsLogged()).as("the outage is logged once per distinct cause, not once per retry").isLessThanOrEqualTo(3);
    }

    @Test
    void afterAnOutageDeviceDefenderGetsOnlyTheFreshestReport(@TempDir Path brokerState) throws Exception {
        Mosquitto.assumeAvailable();
        Mosquitto broker = closeLater(Mosquitto.tls(pki).configLine("persistence true")
                .configLine("persistence_location " + brokerState + "/").start());
        String topic = "$aws/things/" + THING + "/defender/metrics/json";
        var persistent = TestSubscriber.tlsOptions(pki).setClientId("defender-watcher").setCleanSession(false);
        TestSubscriber.connect("localhost", broker.port(), persistent).subscribe(topic, 1).close();
        start(broker, DEFENDER);
        await().atMost(Duration.ofSeconds(20)).until(() -> publisher.lastProblem() == null && spool.size() == 0);

        broker.stop();
        for (long id = 4001; id <= 4004; id++) {
            spoolReport(id, Format.JSON);
        }
        broker.restart();

        await().atMost(Duration.ofSeconds(30)).until(() -> spool.size() == 0);
        TestSubscriber after = closeLater(TestSubscriber.connect("localhost", broker.port(), persistent));
        assertThat(ids(after.awaitMessages(1, TestSubscriber.TIMEOUT))).containsExactly(4004L);
        Thread.sleep(1500);
        assertThat(after.messages()).hasSize(1);
        assertThat(spool.counters().droppedStale()).isEqualTo(3);
    }

    @Test
    void aRejectedReportIsCountedAndNotResent() throws Exception {
        Mosquitto.assumeAvailable();
        Mosquitto broker = closeLater(Mosquitto.tls(pki).start());
        String topic = "$aws/things/" + THING + "/defender/metrics/json";
        TestSubscriber service = closeLater(TestSubscriber.connectTls(broker.port(), pki).subscribe(topic));
        service.onMessage(message -> {
            try {
                long id = reportId(message);
                String answer = id % 2 == 0
                        ? "{\"thingName\":\"" + THING + "\",\"reportId\":" + id + ",\"status\":\"ACCEPTED\"}"
                        : "{\"thingName\":\"" + THING + "\",\"reportId\":" + id + ",\"status\":\"REJECTED\",\"statusDetails\":"
                                + "{\"ErrorCode\":\"InvalidPayload\",\"ErrorMessage\":\"Malformed metric\"}}";
                service.publish(topic + (id % 2 == 0 ? "/accepted" : "/rejected"), answer);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        start(broker, DEFENDER);

        spoolReport(5001, Format.JSON);
        await().atMost(Duration.ofSeconds(20)).until(() -> publisher.rejected() == 1);
        spoolReport(5002, Format.JSON);
        await().atMost(Duration.ofSeconds(20)).until(() -> publisher.accepted() == 1);

        Thread.sleep(2500);
        assertThat(ids(service.messages())).containsExactly(5001L, 5002L);
        Report.Builder health = Report.builder();
        publisher.contribute(health);
        assertThat(health.build(1).customMetrics()).containsEntry("defender_rejected", new CustomValue.Number(1))
                .containsEntry("defender_accepted", new CustomValue.Number(1));
    }

    @Test
    void theClientCertificatesRemainingDaysAreAMetric() throws Exception {
        var shortLived = TlsMaterial.fromFiles(pki.shortLivedClientCert(), pki.shortLivedClientKey(), pki.caPem());
        start(endpoint("localhost", 1), shortLived, GENERIC, MqttQoS.AT_LEAST_ONCE, false);

        Report.Builder health = Report.builder();
        publisher.contribute(health);

        long expected = Duration.between(java.time.Instant.now(), pki.shortLivedClientNotAfter()).toDays();
        assertThat(((CustomValue.Number) health.build(1).customMetrics().get("tls_client_cert_days_left")).value())
                .isBetween(expected - 1.0, (double) expected);
    }

    /** The health metrics a publishing report carries are the ones README's table lists (besides those of every report). */
    @Test
    void theHealthMetricsAreTheReadmesAndARenewedCertificatesExpiryCounts() throws Exception {
        start(endpoint("localhost", 1), tls(pki), DEFENDER, MqttQoS.AT_LEAST_ONCE, false);
        Report.Builder health = Report.builder();
        publisher.contribute(health);

        String readme = java.nio.file.Files.readString(java.nio.file.Path.of("README.md"));
        String table = readme.substring(readme.indexOf("### Health metrics in every report"), readme.indexOf("### AWS IoT Core, step by step"));
        java.util.Set<String> listed = new java.util.TreeSet<>();
        java.util.regex.Matcher row = java.util.regex.Pattern.compile("(?m)^\\| ([^|]+) \\|").matcher(table);
        while (row.find()) {
            java.util.regex.Matcher name = java.util.regex.Pattern.compile("`([a-z0-9_]+)`").matcher(row.group(1));
            while (name.find()) {
                listed.add(name.group(1));
            }
        }
        listed.removeAll(java.util.Set.of("collector_errors", "ticks_dropped", "reports_produced", "report_built_epoch_seconds",
                "heap_after_gc_bytes", "rss_bytes"));
        assertThat(new java.util.TreeSet<>(health.build(1).customMetrics().keySet())).isEqualTo(listed);

        var shortLived = TlsMaterial.fromFiles(pki.shortLivedClientCert(), pki.shortLivedClientKey(), pki.caPem());
        publisher.clientCertificateChanged(shortLived.clientCertificate());
        Report.Builder renewed = Report.builder();
        publisher.contribute(renewed);
        long expected = Duration.between(java.time.Instant.now(), pki.shortLivedClientNotAfter()).toDays();
        assertThat(((CustomValue.Number) renewed.build(1).customMetrics().get("tls_client_cert_days_left")).value())
                .isBetween(expected - 1.0, (double) expected);
    }
}
