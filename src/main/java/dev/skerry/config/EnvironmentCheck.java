package dev.skerry.config;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import io.quarkus.runtime.configuration.DurationConverter;

/**
 * Checks the raw SKERRY_* environment before Quarkus reads it, so that a bad value ends the process
 * with exit code 78 and one line naming the variable as the user typed it, instead of a stack trace.
 */
public final class EnvironmentCheck {

    /** EX_CONFIG from sysexits.h. */
    public static final int EX_CONFIG = 78;

    static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
    static final int MAX_LIST_LIMIT = 10_000;

    /** Every variable skerry reads, with the check of its value; an unset variable is not checked. */
    static final Map<String, Function<String, String>> VARIABLES = new LinkedHashMap<>();

    static {
        VARIABLES.put("SKERRY_INTERVAL", EnvironmentCheck::checkInterval);
        VARIABLES.put("SKERRY_FORMAT", value -> checkChoice(value, "json", "cbor"));
        VARIABLES.put("SKERRY_FIELD_NAMES", value -> checkChoice(value, "long", "short"));
        VARIABLES.put("SKERRY_STATE_DIR", EnvironmentCheck::checkAbsolutePath);
        VARIABLES.put("SKERRY_COLLECTORS_DISABLED", EnvironmentCheck::checkNameList);
        VARIABLES.put("SKERRY_THING_NAME", ThingName::problem);
        VARIABLES.put("SKERRY_PATH_PROCFS", EnvironmentCheck::checkDirectory);
        VARIABLES.put("SKERRY_PATH_SYSFS", EnvironmentCheck::checkDirectory);
        VARIABLES.put("SKERRY_PATH_ROOTFS", EnvironmentCheck::checkDirectory);
        VARIABLES.put("SKERRY_ONCE", value -> checkChoice(value, "true", "false"));
        VARIABLES.put("SKERRY_LIST_LIMIT", value -> checkInteger(value, 1, MAX_LIST_LIMIT));
    }

    private EnvironmentCheck() {
    }

    /** The first problem found, as one line that starts with the variable's name. */
    public static Optional<String> firstProblem(Map<String, String> env) {
        for (var variable : VARIABLES.entrySet()) {
            String value = env.get(variable.getKey());
            if (value == null) {
                continue;
            }
            String problem = variable.getValue().apply(value.strip());
            if (problem != null) {
                return Optional.of(variable.getKey() + "=" + quote(value) + ": " + problem);
            }
        }
        if (!env.containsKey("SKERRY_THING_NAME") && env.containsKey("BALENA_DEVICE_UUID")) {
            String problem = ThingName.problem(env.get("BALENA_DEVICE_UUID"));
            if (problem != null) {
                return Optional.of("BALENA_DEVICE_UUID (used as the thing name): " + problem);
            }
        }
        return StateDirectory.problem(env);
    }

    /** SKERRY_* variables that skerry does not know, most likely typos. */
    public static List<String> unknownVariables(Map<String, String> env) {
        List<String> unknown = new ArrayList<>();
        for (String name : env.keySet()) {
            if (name.startsWith("SKERRY_") && !VARIABLES.containsKey(name)) {
                unknown.add(name);
            }
        }
        unknown.sort(null);
        return unknown;
    }

    public static Set<String> names() {
        return VARIABLES.keySet();
    }

    private static String checkInterval(String value) {
        Duration interval;
        try {
            interval = DurationConverter.parseDuration(value);
        } catch (RuntimeException e) {
            interval = null;
        }
        if (interval == null) {
            return "not a duration (write it as 30s, 5m, 1h or PT5M)";
        }
        if (interval.compareTo(MIN_INTERVAL) < 0) {
            return "must be at least 1s";
        }
        return null;
    }

    private static String checkChoice(String value, String... choices) {
        for (String choice : choices) {
            if (choice.equals(value.toLowerCase(Locale.ROOT))) {
                return null;
            }
        }
        return "must be one of " + String.join(", ", choices);
    }

    private static String checkInteger(String value, int min, int max) {
        long number;
        try {
            number = Long.parseLong(value);
        } catch (NumberFormatException e) {
            return "not a whole number";
        }
        if (number < min || number > max) {
            return "must be between " + min + " and " + max;
        }
        return null;
    }

    private static String checkNameList(String value) {
        for (String name : value.split(",")) {
            String trimmed = name.strip();
            if (!trimmed.isEmpty() && !trimmed.matches("[a-z0-9_]+")) {
                return "'" + trimmed + "' is not a collector name (a comma-separated list such as kernel_modules,logged_in_users)";
            }
        }
        return null;
    }

    private static String checkAbsolutePath(String value) {
        try {
            return value.isEmpty() || !Path.of(value).isAbsolute() ? "must be an absolute path" : null;
        } catch (InvalidPathException e) {
            return "not a valid path";
        }
    }

    private static String checkDirectory(String value) {
        String problem = checkAbsolutePath(value);
        if (problem != null) {
            return problem;
        }
        return Files.isDirectory(Path.of(value)) ? null : "no such directory";
    }

    private static String quote(String value) {
        StringBuilder quoted = new StringBuilder("'");
        value.codePoints().limit(80).forEach(c -> quoted.append(Character.isISOControl(c) ? '?' : (char) c));
        return quoted.append(value.length() > 80 ? "...'" : "'").toString();
    }
}
