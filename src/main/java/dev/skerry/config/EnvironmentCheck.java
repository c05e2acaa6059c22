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
    /** What each variable means when unset, as README's default column says it (--help prints it). */
    private static final Map<String, String> DEFAULTS = new LinkedHashMap<>();

    /** Values never repeated in a message. */
    private static final Set<String> SECRETS = Set.of("SKERRY_MQTT_PASSWORD", "SKERRY_MQTT_PROXY", "SKERRY_TLS_KEY_PEM", "SKERRY_CLAIM_KEY_PEM");

    static {
        define("SKERRY_INTERVAL", "60s", Checks.duration(Duration.ofSeconds(1), DAY));
        define("SKERRY_FORMAT", "json", Checks.choice("json", "cbor"));
        define("SKERRY_FIELD_NAMES", "long", Checks.choice("long", "short"));
        define("SKERRY_STATE_DIR", "$STATE_DIRECTORY, else /var/lib/skerry (root), else $XDG_STATE_HOME/skerry or ~/.local/state/skerry", Checks::absolutePath);
        define("SKERRY_COLLECTORS_DISABLED", "none", Checks::nameList);
        define("SKERRY_THING_NAME", "BALENA_DEVICE_UUID, then the host name", ThingName::problem);
        define("SKERRY_PATH_PROCFS", "/proc", Checks::directory);
        define("SKERRY_PATH_SYSFS", "/sys", Checks::directory);
        define("SKERRY_PATH_ROOTFS", "/", Checks::directory);
        define("SKERRY_ONCE", "false", Checks.choice("true", "false"));
        define("SKERRY_LIST_LIMIT", "50", Checks.integer(1, MAX_LIST_LIMIT));
        define("SKERRY_ALLOW_ROOT", "false", Checks.choice("true", "false"));
        define("SKERRY_SHUTDOWN_GRACE", "5s", Checks.duration(Duration.ZERO, Duration.ofMinutes(5)));
        define("SKERRY_HEALTH_MAX_AGE", "three report intervals + 60s", Checks.duration(Duration.ofSeconds(1), Duration.ofDays(7)));
        define("SKERRY_ONCE_TIMEOUT", "30s", Checks.duration(Duration.ofSeconds(1), Duration.ofHours(1)));
        define("SKERRY_MQTT_HOST", "none", Checks::host);
        define("SKERRY_MQTT_PORT", "8883 (443 with ALPN)", Checks.integer(1, 65_535));
        define("SKERRY_MQTT_TOPIC", "$aws/things/{thing}/defender/metrics/{format}", Checks::topic);
        define("SKERRY_MQTT_KEEPALIVE", "60s", Checks.duration(Duration.ofSeconds(5), Duration.ofSeconds(65_535)));
        define("SKERRY_MQTT_USERNAME", "none", Checks::mqttUsername);
        define("SKERRY_MQTT_PASSWORD", "none", Checks::mqttPassword);
        define("SKERRY_MQTT_QOS", "1", Checks.choice("0", "1"));
        define("SKERRY_MQTT_RETAIN", "false", Checks.choice("true", "false"));
        define("SKERRY_MQTT_ALPN", "false", Checks.choice("true", "false"));
        define("SKERRY_MQTT_PROXY", "none", Checks::proxy);
        define("SKERRY_MQTT_ACK_TIMEOUT", "30s", Checks.duration(Duration.ofSeconds(1), Duration.ofMinutes(10)));
        // below the MQTT client's in-flight queue (16, BrokerOptions), which also holds publishes given up on until they expire
        define("SKERRY_MQTT_MAX_INFLIGHT", "1", Checks.integer(1, 10));
        define("SKERRY_TLS_CERT", "none", Checks::certificateFile);
        define("SKERRY_TLS_KEY", "none", Checks::privateKeyFile);
        define("SKERRY_TLS_CA", "none", Checks::certificateFile);
        define("SKERRY_TLS_CERT_PEM", "none", Checks::certificatesPem);
        define("SKERRY_TLS_KEY_PEM", "none", Checks::keyPem);
        define("SKERRY_TLS_CA_PEM", "none", Checks::certificatesPem);
        define("SKERRY_SPOOL_DIR", "<state dir>/spool", Checks::absolutePath);
        define("SKERRY_SPOOL_MAX_BYTES", "16M", Checks.size(256 * 1024));
        define("SKERRY_SPOOL_MAX_COUNT", "10000", Checks.integer(1, 1_000_000));
        define("SKERRY_SPOOL_MODE", "disk", Checks.choice("disk", "memory-first"));
        define("SKERRY_SPOOL_REPLAY_RATE", "50", Checks.integer(1, 10_000));
        define("SKERRY_RETRY_BASE", "1s", Checks.duration(Duration.ofMillis(100), Duration.ofHours(1)));
        define("SKERRY_RETRY_MAX", "30s", Checks.duration(Duration.ofMillis(100), Duration.ofHours(1)));
        define("SKERRY_PROVISIONING_TEMPLATE", "none (no provisioning)", Provisioning::templateProblem);
        define("SKERRY_PROVISIONING_KEY", "ec-p256", Checks.choice("ec-p256", "rsa-2048"));
        define("SKERRY_PROVISIONING_PARAMETERS", "none (SerialNumber: the thing name)", Provisioning::parametersProblem);
        define("SKERRY_RENEW_BEFORE", "none (no renewal)", Checks.duration(Duration.ofHours(1), Duration.ofDays(365)));
        define("SKERRY_CLAIM_CERT", "none", Checks::certificateFile);
        define("SKERRY_CLAIM_KEY", "none", Checks::privateKeyFile);
        define("SKERRY_CLAIM_CERT_PEM", "none", Checks::certificatesPem);
        define("SKERRY_CLAIM_KEY_PEM", "none", Checks::keyPem);
        define("SKERRY_PROFILE", "none", Checks::profileText);
        define("SKERRY_PROFILE_FILE", "none", Checks::profileFile);
        define("SKERRY_PROFILE_NAME", "the profile's securityProfileName", Checks::profileName);
        define("SKERRY_CHECK_INTERVAL", "10s", Checks.duration(Duration.ofSeconds(1), DAY));
        define("SKERRY_ALARM_TOPIC", "things/{thing}/alarms", Checks::topic);
    }

    private EnvironmentCheck() {
    }

    private static void define(String name, String whenUnset, Function<String, String> check) {
        VARIABLES.put(name, check);
        DEFAULTS.put(name, whenUnset);
    }

    /** Every variable in the order of README's tables, with what it means when unset. */
    public static Map<String, String> defaults() {
        return java.util.Collections.unmodifiableMap(DEFAULTS);
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
        if (combination.isEmpty()) {
            combination = dev.skerry.detect.ProfileSource.problem(env);
        }
        return combination.isPresent() ? combination : StateDirectory.problem(env);
    }

    /** Settings that are fine alone but not together. */
    private static Optional<String> combinationProblem(Map<String, String> env) {
        for (String part : List.of("TLS_CERT", "TLS_KEY", "TLS_CA", "CLAIM_CERT", "CLAIM_KEY")) {
            if (env.containsKey("SKERRY_" + part) && env.containsKey("SKERRY_" + part + "_PEM")) {
                return Optional.of("SKERRY_" + part + " and SKERRY_" + part + "_PEM are both set: give the file or the PEM text, not both");
            }
        }
        if (!env.containsKey("SKERRY_MQTT_HOST")) {
            // a misspelt SKERRY_MQTT_HOST would otherwise run in the stdout mode, its reports lost in a journal
            List<String> publishing = VARIABLES.keySet().stream().filter(env::containsKey)
                    .filter(name -> name.startsWith("SKERRY_MQTT_") || name.startsWith("SKERRY_TLS_") || Provisioning.publishingOnly(name)).toList();
            if (!publishing.isEmpty()) {
                String hint = unknownVariables(env).stream().filter(name -> "SKERRY_MQTT_HOST".equals(Suggestions.closest(name, VARIABLES.keySet())))
                        .map(name -> " (" + name + " is set: did you mean SKERRY_MQTT_HOST?)").findFirst().orElse("");
                return Optional.of(String.join(", ", publishing) + (publishing.size() == 1 ? " is" : " are")
                        + " set without SKERRY_MQTT_HOST, which publishing needs" + hint + "; unset " + (publishing.size() == 1 ? "it" : "them")
                        + " for reports on stdout");
            }
        }
        if (env.containsKey("SKERRY_MQTT_PASSWORD") && !env.containsKey("SKERRY_MQTT_USERNAME")) {
            return Optional.of("SKERRY_MQTT_PASSWORD is set without SKERRY_MQTT_USERNAME");
        }
        Optional<String> provisioning = Provisioning.combinationProblem(env);
        if (provisioning.isPresent()) {
            return provisioning;
        }
        if (env.containsKey("SKERRY_MQTT_HOST")) {
            for (String part : Provisioning.enabled(env) ? List.of("CA") : List.of("CA", "CERT", "KEY")) {
                if (!env.containsKey("SKERRY_TLS_" + part) && !env.containsKey("SKERRY_TLS_" + part + "_PEM")) {
                    return Optional.of("SKERRY_TLS_" + part + " (or SKERRY_TLS_" + part + "_PEM) is required when SKERRY_MQTT_HOST is set: "
                            + TLS_PARTS.get(part));
                }
            }
        }
        Optional<String> keyMismatch = keyMismatch(env, "TLS").or(() -> keyMismatch(env, "CLAIM"));
        if (keyMismatch.isPresent()) {
            return keyMismatch;
        }
        if (env.containsKey("SKERRY_MQTT_HOST") && Users.isRoot() && !"true".equalsIgnoreCase(env.getOrDefault("SKERRY_ALLOW_ROOT", "").strip())) {
            return Optional.of("SKERRY_MQTT_HOST is set and skerry runs as root (uid 0): refusing to publish with privileges it does not need. "
                    + "Run it as a user of its own: " + USER_SETUP + ", then start it as that user with SKERRY_STATE_DIR=/var/lib/skerry "
                    + "(the user needs to read its TLS files); or set SKERRY_ALLOW_ROOT=true");
        }
        Duration base = Checks.parseDuration(env.getOrDefault("SKERRY_RETRY_BASE", "1s"));
        Duration max = Checks.parseDuration(env.getOrDefault("SKERRY_RETRY_MAX", "30s"));
        if (base.compareTo(max) > 0) {
            return Optional.of("SKERRY_RETRY_BASE (" + Checks.describe(base) + ") is above SKERRY_RETRY_MAX (" + Checks.describe(max) + ")");
        }
        return Optional.empty();
    }

    /** The key given must be the client certificate's: otherwise every handshake fails and the broker gets the blame. */
    private static Optional<String> keyMismatch(Map<String, String> env, String group) {
        String key = tlsText(env, group + "_KEY");
        String certificate = tlsText(env, group + "_CERT");
        if (key == null || certificate == null) {
            return Optional.empty();
        }
        String problem = KeyMaterial.mismatch(key, certificate);
        if (problem == null) {
            return Optional.empty();
        }
        String keyVariable = "SKERRY_" + group + "_KEY";
        String certificateVariable = "SKERRY_" + group + "_CERT";
        String keyName = env.containsKey(keyVariable) ? keyVariable + " (" + env.get(keyVariable).strip() + ")" : keyVariable + "_PEM";
        String certificateName = env.containsKey(certificateVariable) ? certificateVariable + " (" + env.get(certificateVariable).strip() + ")"
                : certificateVariable + "_PEM";
        return Optional.of(keyName + ": the private key does not belong to the client certificate in " + certificateName + " (" + problem
                + "); give the key the certificate was issued for");
    }

    /** The PEM text of a TLS part, from its file or its variable; null when not given or unreadable (said elsewhere). */
    static String tlsText(Map<String, String> env, String part) {
        String file = env.get("SKERRY_" + part);
        if (file != null) {
            try {
                return java.nio.file.Files.readString(java.nio.file.Path.of(file.strip()), java.nio.charset.StandardCharsets.US_ASCII);
            } catch (java.io.IOException | RuntimeException e) {
                return null;
            }
        }
        return env.get("SKERRY_" + part + "_PEM");
    }

    /** A system user without a home needs its state directory made for it: its default one is under the home. */
    static final String USER_SETUP = "useradd --system --user-group --no-create-home skerry && install -d -o skerry -m 0700 /var/lib/skerry";

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

    /** The unknown variable with the known name it most likely misspells, as a warning. */
    public static String warning(String unknown) {
        String close = Suggestions.closest(unknown, VARIABLES.keySet());
        return unknown + " is not a variable skerry knows; it is ignored" + (close == null ? "" : " (did you mean " + close + "?)");
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
