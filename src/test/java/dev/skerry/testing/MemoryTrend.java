package dev.skerry.testing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Decides whether a memory series grows, for soak tests. After a warm-up (the first half of the
 * run, when classes load and buffers reach their working size) a leak shows as both:
 * <ul>
 * <li>a least-squares slope over the second half above {@code maxSlopePerMinute}, and</li>
 * <li>a final level (the median of the last tenth of the samples, so one high sample is not enough)
 * above the highest sample of the first half by more than {@code margin}.</li>
 * </ul>
 * The slope alone flakes on a garbage collector's saw-tooth and the level alone on one late
 * spike; together they need memory that keeps rising past everything seen before.
 */
public final class MemoryTrend {

    public record Sample(double minutes, long bytes) {
    }

    public record Verdict(int samples, double slopePerMinute, long firstHalfMax, long finalLevel, boolean growing) {
        public String describe(String name) {
            return String.format(java.util.Locale.ROOT, "%s: %d samples, slope over the second half %+.1f KiB/min, first-half max %.2f MiB, final %.2f MiB: %s",
                    name, samples, slopePerMinute / 1024, firstHalfMax / 1048576.0, finalLevel / 1048576.0, growing ? "GROWING" : "stable");
        }
    }

    private MemoryTrend() {
    }

    public static Verdict judge(List<Sample> series, double maxSlopePerMinute, long margin) {
        List<Sample> sorted = new ArrayList<>(series);
        sorted.sort(Comparator.comparingDouble(Sample::minutes));
        if (sorted.size() < 20) {
            throw new IllegalArgumentException("too few samples to judge a trend: " + sorted.size());
        }
        double middle = (sorted.get(0).minutes() + sorted.get(sorted.size() - 1).minutes()) / 2;
        List<Sample> firstHalf = sorted.stream().filter(sample -> sample.minutes() < middle).toList();
        List<Sample> secondHalf = sorted.stream().filter(sample -> sample.minutes() >= middle).toList();
        long firstHalfMax = firstHalf.stream().mapToLong(Sample::bytes).max().orElseThrow();
        double slope = slope(secondHalf);
        long finalLevel = median(sorted.subList(sorted.size() - Math.max(3, sorted.size() / 10), sorted.size()));
        boolean growing = slope > maxSlopePerMinute && finalLevel > firstHalfMax + margin;
        return new Verdict(sorted.size(), slope, firstHalfMax, finalLevel, growing);
    }

    /** The median of each stretch of {@code minutes}, in MiB, e.g. "0.0: 9.10, 0.5: 9.12, ...", for the test output. */
    public static String summary(List<Sample> series, double minutes) {
        StringBuilder text = new StringBuilder();
        List<Sample> sorted = new ArrayList<>(series);
        sorted.sort(Comparator.comparingDouble(Sample::minutes));
        for (int from = 0; from < sorted.size();) {
            double bucket = Math.floor(sorted.get(from).minutes() / minutes) * minutes;
            int to = from;
            while (to < sorted.size() && sorted.get(to).minutes() < bucket + minutes) {
                to++;
            }
            text.append(text.length() == 0 ? "" : ", ").append(String.format(java.util.Locale.ROOT, "%.1f: %.2f", bucket, median(sorted.subList(from, to)) / 1048576.0));
            from = to;
        }
        return text.append(" (minute: median MiB)").toString();
    }

    /** Bytes per minute of the least-squares line through the samples. */
    static double slope(List<Sample> samples) {
        double meanX = samples.stream().mapToDouble(Sample::minutes).average().orElseThrow();
        double meanY = samples.stream().mapToDouble(Sample::bytes).average().orElseThrow();
        double covariance = 0;
        double variance = 0;
        for (Sample sample : samples) {
            covariance += (sample.minutes() - meanX) * (sample.bytes() - meanY);
            variance += (sample.minutes() - meanX) * (sample.minutes() - meanX);
        }
        return variance == 0 ? 0 : covariance / variance;
    }

    private static long median(List<Sample> samples) {
        long[] values = samples.stream().mapToLong(Sample::bytes).sorted().toArray();
        return values[values.length / 2];
    }
}
