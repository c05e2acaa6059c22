package dev.skerry.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.skerry.config.Format;
import dev.skerry.testing.FaultProxy;
import dev.skerry.testing.Ledger;
import dev.skerry.testing.Mosquitto;
import dev.skerry.testing.TestSubscriber;
import io.netty.handler.codec.mqtt.MqttQoS;

/**
 * The publisher and its spool through the faults of an edge box's network, each scenario closed
 * by its ledger: every report the test produced was delivered once (or, under QoS 1, at most once
 * more per report in flight at a fault), in order, or is counted as dropped.
 */
class PublisherFaultsTest extends PublishingTestBase {

    static final int RESTARTS = Boolean.getBoolean("skerry.long") ? 100 : 20;

    /** Reports made by the test at a steady pace on a thread of its own, ids 1, 2, 3, ... */
    final class Producer implements AutoCloseable {
        private final AtomicLong produced = new AtomicLong();
        private final Thread thread;
        private volatile boolean running = true;

        Producer(Duration every) {
            thread = new Thread(() -> {
                while (running) {
                    spoolReport(produced.incrementAndGet(), Format.JSON);
                    try {
                        Thread.sleep(every.toMillis());
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "test-producer");
            thread.start();
        }

        long produced() {
            return produced.get();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(10_000);
        }
    }

    @Test
    void brokerRestartedAtRandomMomentsLosesNothing(@TempDir Path brokerState) throws Exception {
        restartTheBroker("broker-restarts", brokerState, 1, Duration.ofMillis(200));
    }

    @Test
    void brokerRestartedWithSeveralReportsInFlightLosesNothingAndKeepsTheOrder(@TempDir Path brokerState) throws Exception {
        restartTheBroker("broker-restarts-4-in-flight", brokerState, 4, Duration.ofMillis(20));
    }

    /** RESTARTS broker restarts at random moments while a producer spools a report every {@code every}. */
    private void restartTheBroker(String scenario, Path brokerState, int maxInFlight, Duration every) throws Exception {
        Mosquitto broker = persistentBroker(brokerState);
        subscribePersistent(broker, scenario);
        start(endpoint("localhost", broker.port()), tls(pki), GENERIC, MqttQoS.AT_LEAST_ONCE, false, maxInFlight);
        long seed = Long.getLong("skerry.seed", System.nanoTime());
        System.out.println(scenario + ": seed=" + seed + " (rerun with -Dskerry.seed=" + seed + ")");
        Random random = new Random(seed);
        long started = System.nanoTime();

        long produced;
        try (Producer producer = new Producer(every)) {
            for (int restart = 0; restart < RESTARTS; restart++) {
                Thread.sleep(200 + random.nextInt(1200));
                broker.stop();
                Thread.sleep(random.nextInt(600));
                broker.restart();
            }
            Thread.sleep(1000);
            producer.close();
            produced = producer.produced();
        }

        List<Long> received = drainedToSubscriber(broker, scenario, produced);
        Ledger.of(scenario).produced(produced).received(received).droppedFull(spool.counters().droppedFull())
                .faults(RESTARTS).inFlightPerFault(maxInFlight).note("seed=" + seed)
                .note("seconds=" + Duration.ofNanos(System.nanoTime() - started).toSeconds()).check();
        assertThat(spool.counters().droppedFull()).isZero();
    }

    @Test
    void aNetworkStalledLongerThanTheKeepAliveIsLeftAndPublishingResumes(@TempDir Path brokerState) throws Exception {
        Mosquitto broker = persistentBroker(brokerState);
        subscribePersistent(broker, "stall");
        FaultProxy proxy = closeLater(FaultProxy.to(broker.port()));
        Duration keepAlive = Duration.ofSeconds(5);
        start(endpoint("localhost", proxy.port(), keepAlive, Duration.ofSeconds(30)), tls(pki), GENERIC, MqttQoS.AT_LEAST_ONCE, false);
        long started = System.nanoTime();

        long produced;
        try (Producer producer = new Producer(Duration.ofMillis(500))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> spool.size() == 0 && producer.produced() >= 3);
            proxy.stall();
            int connectionsBefore = proxy.accepted();
            // silence for 1.5 keep-alives means the connection is dead; the client must give it up and dial again
            await().atMost(Duration.ofSeconds(40)).until(() -> proxy.accepted() > connectionsBefore);
            Thread.sleep(keepAlive.toMillis());
            assertThat(spool.size()).as("reports wait in the spool while the network is stalled").isPositive();
            proxy.restore();
            Thread.sleep(2000);
            producer.close();
            produced = producer.produced();
        }

        List<Long> received = drainedToSubscriber(broker, "stall", produced);
        Ledger.of("network-stall").produced(produced).received(received).droppedFull(spool.counters().droppedFull())
                .faults(1).note("stalled_connections_dialled=" + proxy.accepted())
                .note("seconds=" + Duration.ofNanos(System.nanoTime() - started).toSeconds()).check();
    }

    @Test
    void noReportLeavesTheSpoolWithoutItsPuback() throws Exception {
        Mosquitto broker = closeLater(Mosquitto.plain().start());
        TestSubscriber subscriber = closeLater(TestSubscriber.connectPlain(broker.port()).subscribe("fleet/#"));
        FaultProxy proxy = closeLater(FaultProxy.tlsTerminating(pki, broker.port()));
        proxy.swallowPubacks(true);
        start(endpoint("localhost", proxy.port()), tls(pki), GENERIC, MqttQoS.AT_LEAST_ONCE, false);
        long started = System.nanoTime();

        for (long id = 1; id <= 3; id++) {
            spoolReport(id, Format.JSON);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> proxy.pubacksSwallowed() >= 3);
        assertThat(ids(subscriber.messages())).as("the broker has report 1, again and again; the next waits for its PUBACK").containsOnly(1L);
        assertThat(spool.size()).isEqualTo(3);
        assertThat(publisher.delivered(1)).isNotDone();
        assertThat(Files.exists(spoolDir.resolve(String.format("%020d.report", 1L)))).isTrue();

        proxy.swallowPubacks(false);
        await().atMost(Duration.ofSeconds(30)).until(() -> spool.size() == 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> ids(subscriber.messages()).containsAll(List.of(1L, 2L, 3L)));

        // every swallowed PUBACK makes one resend of the one report in flight
        Ledger.of("pubacks-swallowed").produced(3).received(ids(subscriber.messages())).faults(proxy.pubacksSwallowed())
                .note("seconds=" + Duration.ofNanos(System.nanoTime() - started).toSeconds()).check();
    }

    @Test
    void aBrokerThatAnswersPingsButNeverAcknowledgesIsLeftAfterThreeMissingPubacks() throws Exception {
        Mosquitto broker = closeLater(Mosquitto.plain().start());
        TestSubscriber subscriber = closeLater(TestSubscriber.connectPlain(broker.port()).subscribe("fleet/#"));
        FaultProxy proxy = closeLater(FaultProxy.tlsTerminating(pki, broker.port()));
        proxy.swallowPubacks(true);
        start(endpoint("localhost", proxy.port()), tls(pki), GENERIC, MqttQoS.AT_LEAST_ONCE, false);
        spoolReport(1, Format.JSON);

        await().atMost(Duration.ofSeconds(30)).until(() -> proxy.accepted() >= 2);
        assertThat(proxy.pubacksSwallowed()).as("the connection is dropped after the third missing PUBACK, not before").isGreaterThanOrEqualTo(3);
        assertThat(publisher.lastDropped()).isEqualTo("no PUBACK for 3 reports in a row, though the connection answers");

        proxy.swallowPubacks(false);
        await().atMost(Duration.ofSeconds(30)).until(() -> spool.size() == 0);
        assertThat(ids(subscriber.messages())).containsOnly(1L);
    }

    @Test
    void withSeveralInFlightAtMostThatManyGoOutBeforeTheirPubacks() throws Exception {
        Mosquitto broker = closeLater(Mosquitto.plain().start());
        TestSubscriber subscriber = closeLater(TestSubscriber.connectPlain(broker.port()).subscribe("fleet/#"));
        FaultProxy proxy = closeLater(FaultProxy.tlsTerminating(pki, broker.port()));
        proxy.swallowPubacks(true);
        start(endpoint("localhost", proxy.port()), tls(pki), GENERIC, MqttQoS.AT_LEAST_ONCE, false, 3);
        long started = System.nanoTime();

        for (long id = 1; id <= 5; id++) {
            spoolReport(id, Format.JSON);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> proxy.pubacksSwallowed() >= 6);
        assertThat(ids(subscriber.messages())).as("reports 1 to 3 went out together, again after each timeout; 4 waits for a place")
                .containsOnly(1L, 2L, 3L).contains(1L, 2L, 3L);
        assertThat(ids(subscriber.messages()).subList(0, 3)).containsExactly(1L, 2L, 3L);
        assertThat(spool.size()).isEqualTo(5);

        proxy.swallowPubacks(false);
        await().atMost(Duration.ofSeconds(30)).until(() -> spool.size() == 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> ids(subscriber.messages()).containsAll(List.of(1L, 2L, 3L, 4L, 5L)));

        // a swallowed PUBACK's timeout gives up and repeats at most the 3 in flight
        Ledger.of("pubacks-swallowed-3-in-flight").produced(5).received(ids(subscriber.messages())).faults(proxy.pubacksSwallowed())
                .inFlightPerFault(3)
                .note("seconds=" + Duration.ofNanos(System.nanoTime() - started).toSeconds()).check();
    }

    @Test
    void connectionsResetMidPacketAndASlowLinkLoseNothing(@TempDir Path brokerState) throws Exception {
        Mosquitto broker = persistentBroker(brokerState);
        subscribePersistent(broker, "resets");
        FaultProxy proxy = closeLater(FaultProxy.to(broker.port()));
        start(endpoint("localhost", proxy.port(), Duration.ofSeconds(10), Duration.ofSeconds(10)), tls(pki), GENERIC,
                MqttQoS.AT_LEAST_ONCE, false);
        long started = System.nanoTime();

        long produced;
        int faults = 0;
        try (Producer producer = new Producer(Duration.ofMillis(200))) {
            for (int i = 0; i < 6; i++) {
                await().atMost(Duration.ofSeconds(30)).until(() -> spool.size() <= 1);
                int resetsBefore = proxy.resets();
                proxy.resetMidPacket(i % 2 == 0 ? FaultProxy.Direction.TO_BROKER : FaultProxy.Direction.TO_AGENT);
                await().atMost(Duration.ofSeconds(30)).until(() -> proxy.resets() > resetsBefore);
                faults++;
            }
            proxy.throttle(2000);
            proxy.delay(Duration.ofMillis(100));
            Thread.sleep(3000);
            proxy.restore();
            producer.close();
            produced = producer.produced();
        }

        List<Long> received = drainedToSubscriber(broker, "resets", produced);
        Ledger.of("resets-and-slow-link").produced(produced).received(received).droppedFull(spool.counters().droppedFull())
                .faults(faults).note("seconds=" + Duration.ofNanos(System.nanoTime() - started).toSeconds()).check();
    }
}
