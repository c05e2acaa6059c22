package dev.skerry.pipeline;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code skerry health} judges the heartbeat by, written by the agent into its state directory at start: its
 * effective report interval (300s in Device Defender mode, whatever SKERRY_INTERVAL said) and the heartbeat's
 * maximum age. So a health check run without the agent's environment (by hand, over ssh) gives the agent's answer.
 * Two lines of whole seconds and whether it publishes (then health also asks {@code status.json} whether reports are
 * delivered), which deploy/bin/skerry reads in sh.
 */
public final class HealthSettings {

    public static final String FILE = "health-settings";
    private static final Pattern MAX_AGE = Pattern.compile("(?m)^max_age_seconds=([0-9]{1,9})$");
    private static final Pattern PUBLISHING = Pattern.compile("(?m)^publishing=true$");

    private HealthSettings() {
    }

    /** The maximum age when nothing says otherwise: three intervals of 60s and the grace. */
    public static Duration maxAge(Duration interval, Optional<Duration> explicit) {
        return explicit.orElse(interval.multipliedBy(HealthCheck.INTERVALS).plus(HealthCheck.GRACE));
    }

    /** Replaces the file atomically: a health check never reads half of it. */
    public static void write(Path stateDir, Duration interval, Duration maxAge, boolean publishing) throws IOException {
        Path file = stateDir.resolve(FILE);
        Path temporary = stateDir.resolve(FILE + ".new");
        String text = "# written by skerry at start for `skerry health`; SKERRY_HEALTH_MAX_AGE in its environment wins\n"
                + "report_interval_seconds=" + seconds(interval) + "\nmax_age_seconds=" + seconds(maxAge) + "\npublishing=" + publishing + "\n";
        Files.writeString(temporary, text, StandardCharsets.US_ASCII);
        try {
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The maximum age the agent wrote; empty when there is no file (an agent that never started here). */
    static Optional<Duration> read(Path stateDir) throws IOException {
        String text;
        try {
            text = Files.readString(stateDir.resolve(FILE), StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new IOException("cannot read " + stateDir.resolve(FILE) + (e instanceof java.nio.file.AccessDeniedException ? " (permission denied)" : ""));
        }
        Matcher matcher = MAX_AGE.matcher(text);
        if (!matcher.find() || Long.parseLong(matcher.group(1)) == 0) {
            throw new IOException("no max_age_seconds=<whole seconds> line in " + stateDir.resolve(FILE));
        }
        return Optional.of(Duration.ofSeconds(Long.parseLong(matcher.group(1))));
    }

    /** Whether the agent that wrote the file publishes to a broker; false when there is none or it cannot be read. */
    static boolean publishing(Path stateDir) {
        try {
            return PUBLISHING.matcher(Files.readString(stateDir.resolve(FILE), StandardCharsets.US_ASCII)).find();
        } catch (IOException | java.io.UncheckedIOException e) {
            return false;
        }
    }

    private static long seconds(Duration duration) {
        return duration.plusNanos(999_999_999).getSeconds(); // rounded up: never stricter than the agent
    }
}
