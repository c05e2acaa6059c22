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
import dev.skerry.testing.Mosquitto;
import dev.skerry.testing.Received;
import dev.skerry.testing.TestPki;
import dev.skerry.testing.TestSubscriber;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Vertx;

/** A publisher on a fresh spool and Vert.x per test, with the brokers and certificates of dev.skerry.testing. */
abstract class PublishingTestBase {

    static final String THING = TestPki.DEFAULT_THING_NAME;
    static final String GENERIC = "fleet/{thing}/{format}";
    static final String DEFENDER = Topics.DEVICE_DEFENDER;
    static final ObjectMapper JSON = new ObjectMapper();
    static final ObjectMapper CBOR = new ObjectMapper(new CBORFactory());

    final TestPki pki = TestPki.get();
    final List<AutoCloseable> closeLast = new ArrayList<>();
    Vertx vertx;
    Spool spool;
    Publisher publisher;

    @TempDir
    Path spoolDir;

    @BeforeEach
    void setUp() throws Exception {
        vertx = Vertx.vertx();
        spool = Spool.open(new SpoolSettings(spoolDir, 16 << 20, 10_000, SpoolMode.DISK, Duration.ofSeconds(5)), Clock.systemUTC());
    }

    @AfterEach
    void tearDown() throws Exception {
        if (publisher != null) {
            publisher.close();
        }
        for (AutoCloseable closeable : closeLast) {
            closeable.close();
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    <T extends AutoCloseable> T closeLater(T closeable) {
        closeLast.add(0, closeable);
        return closeable;
    }

    /** Test endpoint: fast retries and acknowledgement timeouts, so that faults show within seconds. */
    static BrokerOptions.Endpoint endpoint(String host, int port) {
        return endpoint(host, port, Duration.ofSeconds(10), Duration.ofSeconds(2));
    }

    static BrokerOptions.Endpoint endpoint(String host, int port, Duration keepalive, Duration ackTimeout) {
        return new BrokerOptions.Endpoint(host, port, THING, keepalive, ackTimeout, Optional.empty(),
                Optional.empty(), false, Optional.empty(), Duration.ofMillis(200), Duration.ofSeconds(1));
    }

    static TlsMaterial tls(TestPki pki) throws Exception {
        return TlsMaterial.fromFiles(pki.clientCert(), pki.clientKeyRsa(), pki.caPem());
    }

    Publisher start(BrokerOptions.Endpoint endpoint, TlsMaterial tls, String topic, MqttQoS qos, boolean retain) {
        return start(endpoint, tls, topic, qos, retain, 1);
    }

    Publisher start(BrokerOptions.Endpoint endpoint, TlsMaterial tls, String topic, MqttQoS qos, boolean retain, int maxInFlight) {
        var settings = new Publisher.Settings(qos, retain, endpoint.ackTimeout(), 1000, maxInFlight, endpoint.retryBase(), endpoint.retryMax());
        publisher = new Publisher(vertx, BrokerOptions.build(endpoint, tls), spool, Topics.of(Optional.of(topic), THING, Format.JSON),
                settings, tls.clientCertificate(), Clock.systemUTC());
        publisher.start();
        return publisher;
    }

    Publisher start(Mosquitto broker, String topic) throws Exception {
        return start(endpoint("localhost", broker.port()), tls(pki), topic, MqttQoS.AT_LEAST_ONCE, false);
    }

    /** A subscriber whose session (and the reports queued for it) survives broker restarts, read at the end. */
    static io.vertx.mqtt.MqttClientOptions persistentSession(String name) {
        return TestSubscriber.tlsOptions(TestPki.get()).setClientId(name).setCleanSession(false);
    }

    /** Subscribes the named session to every report, then leaves: the broker queues them for it. */
    static void subscribePersistent(Mosquitto broker, String session) {
        TestSubscriber.connect("localhost", broker.port(), persistentSession(session)).subscribe("fleet/#", 1).close();
    }

    Mosquitto persistentBroker(Path brokerState) {
        // the subscriber is offline while reports pile up: Mosquitto's default queue of 1000 for it would drop the rest
        return closeLater(Mosquitto.tls(pki).configLine("persistence true").configLine("persistence_location " + brokerState + "/")
                .maxQueuedMessages(0).start());
    }

    /** Once the spool is empty, everything the subscriber session holds: all delivered reports, duplicates included. */
    List<Long> drainedToSubscriber(Mosquitto broker, String session, long produced) throws Exception {
        await().atMost(Duration.ofSeconds(90)).until(() -> spool.size() == 0);
        TestSubscriber subscriber = closeLater(TestSubscriber.connect("localhost", broker.port(), persistentSession(session)));
        long dropped = spool.counters().droppedFull();
        await().atMost(Duration.ofSeconds(60)).until(() -> ids(subscriber.messages()).stream().distinct().count() >= produced - dropped);
        Thread.sleep(500); // a duplicate queued right behind the last report
        return ids(subscriber.messages());
    }

    static byte[] encode(long id, Format format) {
        Report report = new Report(id, null, null, null, null, Map.of("sequence", new CustomValue.Number(id % 1000)));
        return new ReportEncoder(format, FieldNames.LONG, 50).encode(report);
    }

    void spoolReport(long id, Format format) {
        spool.add(new SpooledReport(id, format, encode(id, format)));
        if (publisher != null) {
            publisher.wake();
        }
    }

    static long reportId(Received message) throws Exception {
        JsonNode document = (message.topic().endsWith("cbor") ? CBOR : JSON).readTree(message.payload());
        return document.at("/header/report_id").asLong();
    }

    static List<Long> ids(List<Received> messages) throws Exception {
        List<Long> ids = new ArrayList<>();
        for (Received message : messages) {
            ids.add(reportId(message));
        }
        return ids;
    }
}
