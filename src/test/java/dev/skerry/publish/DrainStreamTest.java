package dev.skerry.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.skerry.publish.InFlightWindow.Flight;
import dev.skerry.config.Format;
import dev.skerry.spool.Spool;
import dev.skerry.config.SpoolMode;
import dev.skerry.spool.SpoolSettings;
import dev.skerry.spool.SpooledReport;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.mqtt.session.ReconnectDelayProvider;

/** The publishing stream on its own: a real spool, the broker played by the test, which writes, acknowledges and fails. */
class DrainStreamTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final List<Flight> published = new CopyOnWriteArrayList<>();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private final List<Integer> attempts = new CopyOnWriteArrayList<>();
    private final List<String> reconnects = new CopyOnWriteArrayList<>();
    private final SpoolThread spoolThread = new SpoolThread();
    private Spool spool;
    private InFlightWindow window;
    private DrainStream stream;

    /** Attempt numbers as the stream asks for delays: the jitter policy's input. */
    private final ReconnectDelayProvider backoff = new ReconnectDelayProvider() {
        private int attempt;

        @Override
        public Duration nextDelay() {
            attempts.add(attempt++);
            return Duration.ofMillis(20);
        }

        @Override
        public void reset() {
            attempt = 0;
        }
    };

    private final DrainStream.Parts broker = new DrainStream.Parts() {
        @Override
        public boolean connected() {
            return true;
        }

        @Override
        public Uni<Void> whenConnected() {
            return Uni.createFrom().voidItem();
        }

        @Override
        public void publish(Flight flight) {
            published.add(flight);
        }

        @Override
        public void beforeOldest() {
        }

        @Override
        public void failed(Throwable failure) {
            failures.add(failure);
        }

        @Override
        public void reconnect(String reason) {
            reconnects.add(reason);
        }
    };

    private void start(int maxInFlight, Duration ackTimeout, long... ids) throws Exception {
        spool = Spool.open(new SpoolSettings(dir, 16 << 20, 10_000, SpoolMode.DISK, Duration.ofSeconds(5)), Clock.systemUTC());
        for (long id : ids) {
            spool.add(new SpooledReport(id, Format.JSON, PublishingTestBase.encode(id, Format.JSON)));
        }
        window = new InFlightWindow(spool, report -> stream.succeeded(), spoolThread::run);
        var settings = new Publisher.Settings(MqttQoS.AT_LEAST_ONCE, false, ackTimeout, 10_000, maxInFlight, Duration.ZERO, Duration.ZERO);
        stream = new DrainStream(window, broker, spoolThread, settings, backoff);
        stream.start();
    }

    @AfterEach
    void stop() {
        if (stream != null) {
            stream.stop();
        }
        spoolThread.close(() -> { });
    }

    private List<Long> publishedIds() {
        return published.stream().map(flight -> flight.report.reportId()).toList();
    }

    private List<Long> spooled() {
        return spool.pending().stream().map(SpooledReport::reportId).toList();
    }

    private void awaitPublished(int count) {
        await().atMost(WAIT).until(() -> published.size() >= count);
    }

    @Test
    void aFailureWithSeveralInFlightResendsExactlyThoseOldestFirst() throws Exception {
        start(3, Duration.ofMinutes(1), 1, 2, 3, 4, 5);
        awaitPublished(3);
        assertThat(publishedIds()).as("the window is the demand: 3 in flight, 4 waits").containsExactly(1L, 2L, 3L);

        window.written(published.get(0), 101);
        window.acknowledged(101);
        awaitPublished(4);
        assertThat(publishedIds()).containsExactly(1L, 2L, 3L, 4L);
        await().atMost(WAIT).until(() -> !spooled().contains(1L));

        window.failAll("connection lost");
        awaitPublished(7);
        assertThat(publishedIds()).as("the 3 given up, again and oldest first; the acknowledged one never again")
                .containsExactly(1L, 2L, 3L, 4L, 2L, 3L, 4L);
        assertThat(failures).extracting(Throwable::getMessage).containsExactly("connection lost");
        assertThat(spooled()).containsExactly(2L, 3L, 4L, 5L);

        for (int i = 4; i < 7; i++) {
            window.written(published.get(i), 200 + i);
            window.acknowledged(200 + i);
        }
        awaitPublished(8);
        window.written(published.get(7), 300);
        window.acknowledged(300);
        await().atMost(WAIT).until(() -> spool.size() == 0);
        assertThat(publishedIds()).containsExactly(1L, 2L, 3L, 4L, 2L, 3L, 4L, 5L);
    }

    @Test
    void aPubackThatOvertakesItsWriteIsMatchedToTheRightReport() throws Exception {
        start(3, Duration.ofMinutes(1), 1, 2, 3);
        awaitPublished(3);

        window.written(published.get(0), 7);
        window.acknowledged(8); // report 2's PUBACK, before its own write completed
        window.written(published.get(1), 8);
        await().atMost(WAIT).until(() -> !spooled().contains(2L));
        assertThat(spooled()).as("only report 2 was acknowledged").containsExactly(1L, 3L);

        window.written(published.get(2), 9);
        window.acknowledged(42); // no report in flight has it: a late PUBACK of something given up
        window.acknowledged(9);
        await().atMost(WAIT).until(() -> !spooled().contains(3L));
        assertThat(spooled()).containsExactly(1L);
        assertThat(failures).isEmpty();
    }

    @Test
    void theBackoffStartsOverAfterASuccess() throws Exception {
        start(1, Duration.ofMinutes(1), 1, 2);
        awaitPublished(1);
        window.failAll("connection lost");
        awaitPublished(2);
        window.failAll("connection lost");
        awaitPublished(3);
        assertThat(attempts).containsExactly(0, 1);

        window.written(published.get(2), 5);
        window.acknowledged(5);
        awaitPublished(4);
        window.failAll("connection lost");
        awaitPublished(5);
        assertThat(attempts).as("the delivery of report 1 reset the attempt count").containsExactly(0, 1, 0);
        assertThat(publishedIds()).containsExactly(1L, 1L, 1L, 2L, 2L);
    }

    @Test
    void noPubackInTimeFailsTheReportAndItIsSentAgain() throws Exception {
        start(2, Duration.ofSeconds(1), 1, 2);
        awaitPublished(4);
        assertThat(failures).first().extracting(Throwable::getMessage).isEqualTo("no PUBACK within 1s");
        assertThat(publishedIds().subList(0, 4)).containsExactly(1L, 2L, 1L, 2L);
        assertThat(spooled()).containsExactly(1L, 2L);
    }

    @Test
    void aConnectionThatNeverAcknowledgesIsDroppedAfterThreeMissingPubacksInARow() throws Exception {
        start(1, Duration.ofMinutes(1), 1, 2);
        for (int i = 0; i < 2; i++) {
            awaitPublished(i + 1);
            window.written(published.get(i), 10 + i);
            window.failed(10 + i, "no PUBACK within the ack timeout");
        }
        awaitPublished(3);
        window.written(published.get(2), 20);
        window.acknowledged(20);
        for (int i = 3; i < 6; i++) {
            awaitPublished(i + 1);
            window.written(published.get(i), 30 + i);
            window.failed(30 + i, "no PUBACK within the ack timeout");
        }
        awaitPublished(7);
        assertThat(reconnects).as("two misses, a PUBACK, then three misses in a row: one reconnect")
                .containsExactly("no PUBACK for 3 reports in a row, though the connection answers");
        assertThat(publishedIds()).containsExactly(1L, 1L, 1L, 2L, 2L, 2L, 2L);
    }

    @Test
    void anIdleStreamSendsAReportAddedLaterAtOnce() throws Exception {
        start(1, Duration.ofMinutes(1));
        Thread.sleep(100);
        assertThat(published).isEmpty();
        long added = System.nanoTime();
        spool.add(new SpooledReport(9, Format.JSON, PublishingTestBase.encode(9, Format.JSON)));
        stream.wake();
        awaitPublished(1);
        assertThat(Duration.ofNanos(System.nanoTime() - added)).as("woken, not found by the idle check a second later")
                .isLessThan(Duration.ofMillis(900));
    }
}
