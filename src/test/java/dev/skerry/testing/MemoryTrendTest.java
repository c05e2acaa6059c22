package dev.skerry.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.skerry.testing.MemoryTrend.Sample;

/** The soak test's leak rule on synthetic series: it catches steady growth and lets noise, warm-up and saw-teeth pass. */
class MemoryTrendTest {

    private static final double SLOPE = 64 * 1024;
    private static final long MARGIN = 1 << 20;
    private static final long BASE = 10L << 20;

    /** One sample a second for the given minutes: base + growth per minute, plus noise of the given amplitude. */
    private static List<Sample> series(double minutes, double growthPerMinute, long noise, long seed) {
        Random random = new Random(seed);
        List<Sample> samples = new ArrayList<>();
        for (int second = 0; second < minutes * 60; second++) {
            double t = second / 60.0;
            samples.add(new Sample(t, BASE + (long) (growthPerMinute * t) + (long) ((random.nextDouble() * 2 - 1) * noise)));
        }
        return samples;
    }

    @Test
    void aSteadyLeakIsCaught() {
        // 1 MiB/min over 3 minutes: the second half rises by 1.5 MiB past anything of the first half
        for (long seed = 0; seed < 20; seed++) {
            MemoryTrend.Verdict verdict = MemoryTrend.judge(series(3, 1 << 20, 256 << 10, seed), SLOPE, MARGIN);
            assertThat(verdict.growing()).as(verdict.describe("leak")).isTrue();
            assertThat(verdict.slopePerMinute()).isBetween(0.8 * (1 << 20), 1.2 * (1 << 20));
        }
        // an hour of a slow leak of 128 KiB/min
        assertThat(MemoryTrend.judge(series(60, 128 << 10, 512 << 10, 1), SLOPE, MARGIN).growing()).isTrue();
    }

    @Test
    void noiseAroundAFlatLineIsNotALeak() {
        for (long seed = 0; seed < 200; seed++) {
            MemoryTrend.Verdict verdict = MemoryTrend.judge(series(3, 0, 2 << 20, seed), SLOPE, MARGIN);
            assertThat(verdict.growing()).as(verdict.describe("noise, seed " + seed)).isFalse();
        }
    }

    @Test
    void growthDuringWarmUpThenFlatIsNotALeak() {
        List<Sample> samples = new ArrayList<>();
        for (int second = 0; second < 180; second++) {
            samples.add(new Sample(second / 60.0, BASE + Math.min(second, 60) * (100L << 10)));
        }
        assertThat(MemoryTrend.judge(samples, SLOPE, MARGIN).growing()).isFalse();
    }

    @Test
    void aGarbageCollectorSawToothIsNotALeak() {
        // the old generation fills with promoted garbage for 40 s, then a full collection empties it
        List<Sample> samples = new ArrayList<>();
        for (int second = 0; second < 180; second++) {
            samples.add(new Sample(second / 60.0, BASE + (second % 40) * (64L << 10)));
        }
        assertThat(MemoryTrend.judge(samples, SLOPE, MARGIN).growing()).isFalse();
    }

    @Test
    void aSingleLateSpikeIsNotALeak() {
        List<Sample> samples = series(3, 0, 64 << 10, 7);
        samples.set(samples.size() - 1, new Sample(3, BASE + (8L << 20)));
        assertThat(MemoryTrend.judge(samples, SLOPE, MARGIN).growing()).isFalse();
    }

    @Test
    void theSummaryGivesTheMedianOfEachStretch() {
        List<Sample> samples = List.of(new Sample(0.1, 1 << 20), new Sample(0.2, 3 << 20), new Sample(0.3, 2 << 20), new Sample(0.6, 5 << 20));
        assertThat(MemoryTrend.summary(samples, 0.5)).isEqualTo("0.0: 2.00, 0.5: 5.00 (minute: median MiB)");
    }

    @Test
    void tooFewSamplesAreRefused() {
        assertThatThrownBy(() -> MemoryTrend.judge(series(0.2, 0, 0, 1), SLOPE, MARGIN)).isInstanceOf(IllegalArgumentException.class);
    }
}
