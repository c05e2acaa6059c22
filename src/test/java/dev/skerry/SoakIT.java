package dev.skerry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.skerry.testing.MemoryTrend;
import dev.skerry.testing.MemoryTrend.Sample;
import dev.skerry.testing.Mosquitto;
import dev.skerry.testing.TestPki;
import dev.skerry.testing.TestSubscriber;

/**
 * The agent through the launcher (production flags) at a 1 s interval against Mosquitto, with the
 * broker stopped for a while three times, for 3 minutes (-Dskerry.soak.minutes=60 for an hour):
 * heap_after_gc_bytes and rss_bytes, read from the reports received, must not grow (see
 * {@link MemoryTrend} for the rule and the thresholds below).
 */
class SoakIT {

    static final double MINUTES = Double.parseDouble(System.getProperty("skerry.soak.minutes", "3"));
    static final double MAX_HEAP_SLOPE = 64 * 1024;
    static final long HEAP_MARGIN = 1L << 20;
    static final double MAX_RSS_SLOPE = 512 * 1024;
    static final long RSS_MARGIN = 4L << 20;
    static final int OUTAGES = 3;
    static final Duration OUTAGE = Duration.ofSeconds(10);

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path state;

    @Test
    void heapAfterGcAndResidentSetDoNotGrow() throws Exception {
        Mosquitto.assumeAvailable();
        TestPki pki = TestPki.get();
        List<Sample> heap = new CopyOnWriteArrayList<>();
        List<Sample> rss = new CopyOnWriteArrayList<>();
        long start = System.currentTimeMillis();
        try (Mosquitto mosquitto = Mosquitto.tls(pki).start();
                Launched agent = Launched.start(state, AgentProcess.publishingTo(pki, mosquitto.port(), "SKERRY_INTERVAL", "1s"))) {
            long end = start + (long) (MINUTES * 60_000);
            TestSubscriber subscriber = subscribe(mosquitto, pki, heap, rss, start);
            for (int outage = 1; outage <= OUTAGES; outage++) {
                sleepUntil(start + (end - start) * outage / (OUTAGES + 1));
                subscriber.close();
                mosquitto.stop();
                Thread.sleep(OUTAGE.toMillis());
                mosquitto.restart();
                subscriber = subscribe(mosquitto, pki, heap, rss, start);
            }
            sleepUntil(end);
            subscriber.close();
            assertThat(agent.stop()).as("exit code after SIGTERM").isZero();
        }

        MemoryTrend.Verdict heapVerdict = MemoryTrend.judge(heap, MAX_HEAP_SLOPE, HEAP_MARGIN);
        MemoryTrend.Verdict rssVerdict = MemoryTrend.judge(rss, MAX_RSS_SLOPE, RSS_MARGIN);
        System.out.printf("SoakIT: %.1f min at 1 s, %d outages of %d s%n", MINUTES, OUTAGES, OUTAGE.toSeconds());
        System.out.println("SoakIT: " + heapVerdict.describe("heap_after_gc_bytes"));
        System.out.println("SoakIT: " + rssVerdict.describe("rss_bytes"));
        double bucket = Math.max(0.5, MINUTES / 12);
        System.out.println("SoakIT: heap_after_gc_bytes " + MemoryTrend.summary(heap, bucket));
        System.out.println("SoakIT: rss_bytes " + MemoryTrend.summary(rss, bucket));
        assertThat(heap.size()).as("reports received").isGreaterThan((int) (MINUTES * 60 / 2));
        assertThat(heapVerdict.growing()).as(heapVerdict.describe("heap_after_gc_bytes")).isFalse();
        assertThat(rssVerdict.growing()).as(rssVerdict.describe("rss_bytes")).isFalse();
    }

    /** Samples are placed by report id (the time the report was made), so reports replayed after an outage land where they belong. */
    private static TestSubscriber subscribe(Mosquitto mosquitto, TestPki pki, List<Sample> heap, List<Sample> rss, long start) {
        TestSubscriber subscriber = TestSubscriber.connectTls(mosquitto.port(), pki);
        subscriber.onMessage(message -> {
            try {
                JsonNode report = JSON.readTree(message.payload());
                double minutes = (report.at("/header/report_id").asLong() - start) / 60_000.0;
                JsonNode custom = report.at("/custom_metrics");
                if (custom.has("heap_after_gc_bytes")) {
                    heap.add(new Sample(minutes, custom.at("/heap_after_gc_bytes/0/number").asLong()));
                }
                rss.add(new Sample(minutes, custom.at("/rss_bytes/0/number").asLong()));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        return subscriber.subscribe("fleet/#");
    }

    private static void sleepUntil(long epochMillis) throws InterruptedException {
        long left = epochMillis - System.currentTimeMillis();
        if (left > 0) {
            TimeUnit.MILLISECONDS.sleep(left);
        }
    }
}
