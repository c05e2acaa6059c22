package dev.skerry.publish;

import java.time.Duration;
import java.util.Optional;

import dev.skerry.config.Format;

/**
 * The topic reports go to. Device Defender's own topic ($aws/things/...) selects Device Defender
 * mode: the service takes at most one current report every 300 s and answers on /accepted and
 * /rejected. Any other topic is generic mode: every report is kept and replayed.
 */
public record Topics(String template, String thing, Format format) {

    public static final String DEVICE_DEFENDER = "$aws/things/{thing}/defender/metrics/{format}";
    /** Device Defender accepts at most one report per thing every 300 s. */
    public static final Duration DEFENDER_MIN_INTERVAL = Duration.ofMinutes(5);

    public static Topics of(Optional<String> configured, String thing, Format format) {
        return new Topics(configured.filter(topic -> !topic.isBlank()).orElse(DEVICE_DEFENDER), thing, format);
    }

    /** The topic of the configured format. */
    public String metrics() {
        return metrics(format);
    }

    /** A report spooled before the format was changed still goes to the topic of its own format. */
    public String metrics(Format reportFormat) {
        return template.replace("{thing}", thing).replace("{format}", reportFormat.topicSuffix());
    }

    public boolean deviceDefender() {
        return metrics().startsWith("$aws/things/") && metrics().contains("/defender/metrics/");
    }

    /** The interval reports are made at: the configured one, raised to 300 s in Device Defender mode. */
    public Duration reportInterval(Duration configured) {
        return deviceDefender() && configured.compareTo(DEFENDER_MIN_INTERVAL) < 0 ? DEFENDER_MIN_INTERVAL : configured;
    }

    public String accepted() {
        return metrics() + "/accepted";
    }

    public String rejected() {
        return metrics() + "/rejected";
    }
}
