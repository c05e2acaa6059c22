package dev.skerry.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.skerry.config.SpoolMode;
import dev.skerry.publish.PriorityLane;
import dev.skerry.spool.Spool;
import dev.skerry.spool.SpoolSettings;
import io.smallrye.mutiny.Uni;

class AlarmLaneTest {

    @TempDir
    Path dir;
    private AlarmLane lane;

    /** A connection that records its publishes and acknowledges only when told. */
    private static final class FakeSession implements PriorityLane.Session {
        final AtomicBoolean up = new AtomicBoolean();
        final List<String> published = new CopyOnWriteArrayList<>();
        final AtomicInteger packetIds = new AtomicInteger();
        volatile java.util.concurrent.CompletableFuture<Void> whenUp = new java.util.concurrent.CompletableFuture<>();

        @Override
        public boolean connected() {
            return up.get();
        }

        @Override
        public Uni<Void> whenConnected() {
            return Uni.createFrom().completionStage(whenUp);
        }

        @Override
        public void publish(String topic, byte[] payload, IntConsumer written, Consumer<Throwable> failed) {
            published.add(topic + " " + new String(payload, StandardCharsets.UTF_8));
            written.accept(packetIds.incrementAndGet());
        }

        void connect() {
            up.set(true);
            whenUp.complete(null);
        }
    }

    private Spool spool() throws Exception {
        return Spool.open(new SpoolSettings(dir.resolve("alarms"), 1 << 20, 100, SpoolMode.DISK, Duration.ZERO), Clock.systemUTC());
    }

    @AfterEach
    void close() {
        if (lane != null) {
            lane.close();
        }
    }

    @Test
    void eventsWaitDurablyForTheConnectionThenGoOneAtATimeOldestFirstAndLeaveOnTheirPuback() throws Exception {
        lane = new AlarmLane(spool(), "things/gw/alarms", Duration.ofSeconds(30), Duration.ofMillis(50));
        FakeSession session = new FakeSession();
        lane.start(session);
        assertThat(lane.idle()).isTrue();

        lane.emit("{\"a\":1}".getBytes(StandardCharsets.UTF_8));
        lane.emit("{\"a\":2}".getBytes(StandardCharsets.UTF_8));
        assertThat(lane.idle()).as("reports are held back").isFalse();
        assertThat(dir.resolve("alarms")).isDirectoryContaining(path -> path.getFileName().toString().endsWith(".report"));
        Thread.sleep(100);
        assertThat(session.published).as("no connection yet").isEmpty();

        session.connect();
        await().atMost(Duration.ofSeconds(5)).until(() -> session.published.size() == 1);
        Thread.sleep(100);
        assertThat(session.published).as("one at a time").containsExactly("things/gw/alarms {\"a\":1}");
        assertThat(lane.acknowledged(99)).as("not the lane's packet").isFalse();
        assertThat(lane.acknowledged(1)).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> session.published.size() == 2);
        assertThat(session.published.get(1)).isEqualTo("things/gw/alarms {\"a\":2}");
        var idle = lane.whenIdle().subscribeAsCompletionStage();
        assertThat(idle).isNotDone();
        assertThat(lane.acknowledged(2)).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(idle::isDone);
        assertThat(lane.idle()).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> spool().size() == 0);
    }

    @Test
    void anEventWithoutPubackIsSentAgainAndOneLeftFromBeforeARestartIsSentFirst() throws Exception {
        Spool spool = spool();
        lane = new AlarmLane(spool, "t", Duration.ofMillis(200), Duration.ofMillis(50));
        lane.emit("{\"old\":true}".getBytes(StandardCharsets.UTF_8));
        lane.close();

        lane = new AlarmLane(spool(), "t", Duration.ofMillis(200), Duration.ofMillis(50));
        assertThat(lane.idle()).as("an event from before the restart holds the reports back").isFalse();
        FakeSession session = new FakeSession();
        session.connect();
        lane.start(session);
        lane.emit("{\"new\":true}".getBytes(StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(5)).until(() -> session.published.size() >= 2);
        assertThat(session.published).as("sent again after the ack timeout, before the newer one").startsWith("t {\"old\":true}", "t {\"old\":true}");
        assertThat(lane.expired(-5)).isFalse();
        await().atMost(Duration.ofSeconds(5)).until(() -> lane.acknowledged(session.packetIds.get())); // while it is in flight
        await().atMost(Duration.ofSeconds(5)).until(() -> session.published.get(session.published.size() - 1).equals("t {\"new\":true}"));
    }

}
