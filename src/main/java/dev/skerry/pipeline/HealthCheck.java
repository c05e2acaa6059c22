package dev.skerry.pipeline;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import dev.skerry.config.Checks;
import dev.skerry.config.StateDirectory;
import dev.skerry.status.StatusFile;

/**
 * {@code skerry health}: healthy (exit 0) when the heartbeat file in the state directory was touched within the
 * maximum age, unhealthy (exit 1, one line on stderr) when it is missing, too old or from the future. The maximum
 * age is SKERRY_HEALTH_MAX_AGE when set, else what the agent wrote at start ({@link HealthSettings}), else that of
 * the default interval. An agent that publishes is also unhealthy when reports wait and none was acknowledged for
 * longer than the maximum age (the status file, {@link StatusFile}): a device that delivers nothing. It starts no
 * agent and writes nothing, so a container runtime can run it often.
 * deploy/bin/skerry does the same in sh.
 */
public final class HealthCheck {

    public static final String MAX_AGE = "SKERRY_HEALTH_MAX_AGE";
    static final int INTERVALS = 3;
    /** Room for a slow cycle and, after a restart, for the start until the first report. */
    static final Duration GRACE = Duration.ofSeconds(60);
    private static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(60);

    private HealthCheck() {
    }

    /** Prints one line (stdout when healthy, stderr when not) and returns the exit code. */
    public static int run(Map<String, String> env, Clock clock, PrintStream out, PrintStream err) {
        Path stateDir = StateDirectory.resolve(env);
        Duration maxAge;
        try {
            maxAge = maxAge(env, stateDir);
        } catch (IllegalArgumentException | IOException e) {
            err.println("skerry: unhealthy: " + e.getMessage());
            return 1;
        }
        Path file = stateDir.resolve(Heartbeat.FILE);
        Optional<String> problem = problem(file, maxAge, clock);
        if (problem.isPresent()) {
            err.println("skerry: unhealthy: " + problem.get());
            return 1;
        }
        if (HealthSettings.publishing(stateDir)) {
            Optional<String> undelivered = StatusFile.read(stateDir).flatMap(status -> status.undelivered(clock.millis(), maxAge));
            if (undelivered.isPresent()) {
                err.println("skerry: unhealthy: " + undelivered.get());
                return 1;
            }
        }
        out.println("skerry: healthy: " + file + " is younger than " + Checks.describe(maxAge));
        return 0;
    }

    static Optional<String> problem(Path file, Duration maxAge, Clock clock) {
        Duration age;
        try {
            age = Duration.between(Files.getLastModifiedTime(file).toInstant(), clock.instant());
        } catch (NoSuchFileException e) {
            return Optional.of("no heartbeat file " + file + " (no report made yet?)");
        } catch (IOException | SecurityException e) {
            return Optional.of("cannot read " + file + ": " + e);
        }
        if (age.compareTo(maxAge) > 0) {
            return Optional.of("the last report was " + age.toSeconds() + "s ago (" + file + "), more than " + Checks.describe(maxAge));
        }
        if (age.negated().compareTo(maxAge) > 0) {
            return Optional.of(file + " is " + age.negated().toSeconds() + "s in the future: written before the clock was set back");
        }
        return Optional.empty();
    }

    /** SKERRY_HEALTH_MAX_AGE, else the agent's own figure, else three intervals of the default plus a grace. */
    static Duration maxAge(Map<String, String> env, Path stateDir) throws IOException {
        String explicit = env.get(MAX_AGE);
        if (explicit != null) {
            return duration(MAX_AGE, explicit);
        }
        return HealthSettings.read(stateDir).orElse(HealthSettings.maxAge(DEFAULT_INTERVAL, Optional.empty()));
    }

    private static Duration duration(String variable, String value) {
        Duration duration = Checks.parseDuration(value.strip());
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(variable + "='" + value.strip() + "' is not a duration");
        }
        return duration;
    }
}
