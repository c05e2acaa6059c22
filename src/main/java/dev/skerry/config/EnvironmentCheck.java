package dev.skerry.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Checks the raw SKERRY_* environment before Quarkus reads it, so that a bad value ends the process
 * with exit code 78 and one line naming the variable as the user typed it, instead of a stack trace.
 */
public final class EnvironmentCheck {

    /** EX_CONFIG from sysexits.h. */
    public static final int EX_CONFIG = 78;

    static final int MAX_LIST_LIMIT = 10_000;
    private static final Duration DAY = Duration.ofDays(1);

    /** Every variable skerry reads, with the check of its value; an unset variable is not checked. */
    static final Map<String, Function<String, String>> VARIABLES = new LinkedHashMap<>();

    /** Values never repeated in a message. */
    private static final Set<String> SECRETS = Set.of("SKERRY_MQTT_PASSWORD", "SKERRY_MQTT_PROXY", "SKERRY_TLS_KEY_PEM");

    static {
        VARIABLES.put("SKERRY_INTERVAL", Checks.duration(Duration.ofSeconds(1), DAY));
        VARIABLES.put("SKERRY_FORMAT", Checks.choice("json", "cbor"));
        VARIABLES.put("SKERRY_FIELD_NAMES", Checks.choice("long", "short"));
        VARIABLES.put("SKERRY_STATE_DIR", Checks::absolutePath);
        VARIABLES.put("SKERRY_COLLECTORS_DISABLED", Checks::nameList);
        VARIABLES.put("SKERRY_THING_NAME", ThingName::problem);
        VARIABLES.put("SKERRY_PATH_PROCFS", Checks::directory);
        VARIABLES.put("SKERRY_PATH_SYSFS", Checks::directory);
        VARIABLES.put("SKERRY_PATH_ROOTFS", Checks::directory);
        VARIABLES.put("SKERRY_ONCE", Checks.choice("true", "false"));
        VARIABLES.put("SKERRY_LIST_LIMIT", Checks.integer(1, MAX_LIST_LIMIT));
        VARIABLES.put("SKERRY_ALLOW_ROOT", Checks.choice("true", "false"));
        VARIABLES.put("SKERRY_SHUTDOWN_GRACE", Checks.duration(Duration.ZERO, Duration.ofMinutes(5)));
        VARIABLES.put("SKERRY_HEALTH_MAX_AGE", Checks.duration(Duration.ofSeconds(1), Duration.ofDays(7)));
        VARIABLES.put("SKERRY_ONCE_TIMEOUT", Checks.duration(Duration.ofSeconds(1), Duration.ofHours(1)));
        VARIABLES.put("SKERRY_MQTT_HOST", Checks::host);
        VARIABLES.put("SKERRY_MQTT_PORT", Checks.integer(1, 65_535));
        VARIABLES.put("SKERRY_MQTT_TOPIC", Checks::topic);
        VARIABLES.put("SKERRY_MQTT_KEEPALIVE", Checks.duration(Duration.ofSeconds(5), Duration.ofSeconds(65_535)));
        VARIABLES.put("SKERRY_MQTT_USERNAME", Checks::mqttUsername);
        VARIABLES.put("SKERRY_MQTT_PASSWORD", Checks::mqttPassword);
        VARIABLES.put("SKERRY_MQTT_QOS", Checks.choice("0", "1"));
        VARIABLES.put("SKERRY_MQTT_RETAIN", Checks.choice("true", "false"));
        VARIABLES.put("SKERRY_MQTT_ALPN", Checks.choice("true", "false"));
        VARIABLES.put("SKERRY_MQTT_PROXY", Checks::proxy);
        VARIABLES.put("SKERRY_MQTT_ACK_TIMEOUT", Checks.duration(Duration.ofSeconds(1), Duration.ofMinutes(10)));
        // below the MQTT client's in-flight queue (16, BrokerOptions), which also holds publishes given up on until they expire
        VARIABLES.put("SKERRY_MQTT_MAX_INFLIGHT", Checks.integer(1, 10));
        VARIABLES.put("SKERRY_TLS_CERT", Checks::certificateFile);
        VARIABLES.put("SKERRY_TLS_KEY", Checks::privateKeyFile);
        VARIABLES.put("SKERRY_TLS_CA", Checks::certificateFile);
        VARIABLES.put("SKERRY_TLS_CERT_PEM", Checks::certificatesPem);
        VARIABLES.put("SKERRY_TLS_KEY_PEM", Checks::keyPem);
        VARIABLES.put("SKERRY_TLS_CA_PEM", Checks::certificatesPem);
        VARIABLES.put("SKERRY_SPOOL_DIR", Checks::absolutePath);
        VARIABLES.put("SKERRY_SPOOL_MAX_BYTES", Checks.size(256 * 1024));
        VARIABLES.put("SKERRY_SPOOL_MAX_COUNT", Checks.integer(1, 1_000_000));
        VARIABLES.put("SKERRY_SPOOL_MODE", Checks.choice("disk", "memory-first"));
        VARIABLES.put("SKERRY_SPOOL_REPLAY_RATE", Checks.integer(1, 10_000));
        VARIABLES.put("SKERRY_RETRY_BASE", Checks.duration(Duration.ofMillis(100), Duration.ofHours(1)));
        VARIABLES.put("SKERRY_RETRY_MAX", Checks.duration(Duration.ofMillis(100), Duration.ofHours(1)));
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
                return Optional.of(variable.getKey() + "=" + quote(variable.getKey(), value) + ": " + problem);
            }
        }
        if (!env.containsKey("SKERRY_THING_NAME") && env.containsKey("BALENA_DEVICE_UUID")) {
            String problem = ThingName.problem(env.get("BALENA_DEVICE_UUID"));
            if (problem != null) {
                return Optional.of("BALENA_DEVICE_UUID (used as the thing name): " + problem);
            }
        }
        Optional<String> combination = combinationProblem(env);
        return combination.isPresent() ? combination : StateDirectory.problem(env);
    }

    /** Settings that are fine alone but not together. */
    private static Optional<String> combinationProblem(Map<String, String> env) {
        for (String part : List.of("CERT", "KEY", "CA")) {
            if (env.containsKey("SKERRY_TLS_" + part) && env.containsKey("SKERRY_TLS_" + part + "_PEM")) {
                return Optional.of("SKERRY_TLS_" + part + " and SKERRY_TLS_" + part + "_PEM are both set: give the file or the PEM text, not both");
            }
        }
        if (env.containsKey("SKERRY_MQTT_HOST")) {
            for (String part : List.of("CA", "CERT", "KEY")) {
                if (!env.containsKey("SKERRY_TLS_" + part) && !env.containsKey("SKERRY_TLS_" + part + "_PEM")) {
                    return Optional.of("SKERRY_TLS_" + part + " (or SKERRY_TLS_" + part + "_PEM) is required when SKERRY_MQTT_HOST is set: "
                            + TLS_PARTS.get(part));
                }
            }
        }
        Optional<String> keyMismatch = keyMismatch(env);
        if (keyMismatch.isPresent()) {
            return keyMismatch;
        }
        if (env.containsKey("SKERRY_MQTT_HOST") && Users.isRoot() && !"true".equalsIgnoreCase(env.getOrDefault("SKERRY_ALLOW_ROOT", "").strip())) {
            return Optional.of("SKERRY_MQTT_HOST is set and skerry runs as root (uid 0): refusing to publish with privileges it does not need. "
                    + "Run it as a user of its own (useradd --system --user-group --no-create-home skerry; the user needs to read "
                    + "its TLS files and write its state directory), or set SKERRY_ALLOW_ROOT=true");
        }
        if (env.containsKey("SKERRY_MQTT_PASSWORD") && !env.containsKey("SKERRY_MQTT_USERNAME")) {
            return Optional.of("SKERRY_MQTT_PASSWORD is set without SKERRY_MQTT_USERNAME");
        }
        Duration base = Checks.parseDuration(env.getOrDefault("SKERRY_RETRY_BASE", "1s"));
        Duration max = Checks.parseDuration(env.getOrDefault("SKERRY_RETRY_MAX", "30s"));
        if (base.compareTo(max) > 0) {
            return Optional.of("SKERRY_RETRY_BASE (" + Checks.describe(base) + ") is above SKERRY_RETRY_MAX (" + Checks.describe(max) + ")");
        }
        return Optional.empty();
    }

    /** The key given must be the client certificate's: otherwise every handshake fails and the broker gets the blame. */
    private static Optional<String> keyMismatch(Map<String, String> env) {
        String key = tlsText(env, "KEY");
        String certificate = tlsText(env, "CERT");
        if (key == null || certificate == null) {
            return Optional.empty();
        }
        String problem = KeyMaterial.mismatch(key, certificate);
        if (problem == null) {
            return Optional.empty();
        }
        String keyName = env.containsKey("SKERRY_TLS_KEY") ? "SKERRY_TLS_KEY (" + env.get("SKERRY_TLS_KEY").strip() + ")" : "SKERRY_TLS_KEY_PEM";
        String certificateName = env.containsKey("SKERRY_TLS_CERT") ? "SKERRY_TLS_CERT (" + env.get("SKERRY_TLS_CERT").strip() + ")" : "SKERRY_TLS_CERT_PEM";
        return Optional.of(keyName + ": the private key does not belong to the client certificate in " + certificateName + " (" + problem
                + "); give the key the certificate was issued for");
    }

    /** The PEM text of a TLS part, from its file or its variable; null when not given or unreadable (said elsewhere). */
    private static String tlsText(Map<String, String> env, String part) {
        String file = env.get("SKERRY_TLS_" + part);
        if (file != null) {
            try {
                return java.nio.file.Files.readString(java.nio.file.Path.of(file.strip()), java.nio.charset.StandardCharsets.US_ASCII);
            } catch (java.io.IOException | RuntimeException e) {
                return null;
            }
        }
        return env.get("SKERRY_TLS_" + part + "_PEM");
    }

    private static final Map<String, String> TLS_PARTS = Map.of(
            "CA", "the CA certificates to trust for the broker (for AWS IoT Core, AmazonRootCA1.pem); skerry never uses the JDK's default trust store",
            "CERT", "the device's client certificate (mutual TLS)",
            "KEY", "the private key of the client certificate");

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

    private static String quote(String variable, String value) {
        if (SECRETS.contains(variable)) {
            return "(hidden)";
        }
        StringBuilder quoted = new StringBuilder("'");
        value.codePoints().limit(80).forEach(c -> quoted.append(Character.isISOControl(c) ? '?' : (char) c));
        return quoted.append(value.length() > 80 ? "...'" : "'").toString();
    }
}
