package dev.skerry.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * Generators of values that are wrong for each SKERRY_* variable: garbage, out of range, near
 * misses of the right form, missing or unsafe files. Files they name are made in a directory given
 * at construction.
 */
public final class BadValues {

    private static final String[] GARBAGE = {"", "  ", "abc", "yes please", "\u00e9t\u00e9", "\u20ac5", "5 min", "1h30", "s5", "--1",
        "1e3", "0x10", "NaN", "null", "true false", "\t", "\ud83d\ude00"};

    private final Path files;
    private final Map<String, Function<Random, String>> generators = new LinkedHashMap<>();

    public BadValues(Path files) {
        this.files = files;
        generators.put("SKERRY_INTERVAL", duration("0", "500ms", "2d", "25h"));
        generators.put("SKERRY_HEALTH_MAX_AGE", duration("0s", "999ms", "8d", "169h"));
        generators.put("SKERRY_FORMAT", choice("json", "cbor"));
        generators.put("SKERRY_FIELD_NAMES", choice("long", "short"));
        generators.put("SKERRY_STATE_DIR", this::relativePath);
        generators.put("SKERRY_COLLECTORS_DISABLED", random -> pick(random, "kernel modules", "memory,Disk!", "cpu-usage", "uptime,\u00fcber",
                "memory;disk", "KERNEL MODULES", "a b,c"));
        generators.put("SKERRY_THING_NAME", random -> pick(random, "a/b", "sensor#" + random.nextInt(99), "room+" + random.nextInt(99),
                "tab\there", "x".repeat(129 + random.nextInt(1000)), "\u00e9".repeat(65 + random.nextInt(100)), " ", "bell\u0007"));
        generators.put("SKERRY_PATH_PROCFS", this::missingOrFileOrRelative);
        generators.put("SKERRY_PATH_SYSFS", this::missingOrFileOrRelative);
        generators.put("SKERRY_PATH_ROOTFS", this::missingOrFileOrRelative);
        generators.put("SKERRY_ONCE", choice("true", "false"));
        generators.put("SKERRY_LIST_LIMIT", integer(1, 10_000));
        generators.put("SKERRY_ALLOW_ROOT", choice("true", "false"));
        generators.put("SKERRY_SHUTDOWN_GRACE", duration("-1s", "301s", "6m", "1h"));
        generators.put("SKERRY_ONCE_TIMEOUT", duration("0s", "999ms", "61m", "2h"));
        generators.put("SKERRY_MQTT_HOST", random -> pick(random, "mqtts://broker.local", "broker.local:8883", "10.0.0.1:1883",
                "broker.local/mqtt", "two words", " ", "http://x", "a\tb", "a".repeat(64) + ".example.com", "broker..local", "bro_ker.local"));
        generators.put("SKERRY_MQTT_PORT", integer(1, 65_535));
        generators.put("SKERRY_MQTT_TOPIC", random -> pick(random, "fleet/#", "fleet/+/x", "fleet/{device}", "fleet/{thing", "{format}}",
                " ", "t".repeat(65_536 + random.nextInt(1000))));
        generators.put("SKERRY_MQTT_KEEPALIVE", duration("1s", "4s", "65536s", "19h"));
        generators.put("SKERRY_MQTT_USERNAME", random -> pick(random, " ", "u".repeat(65_536 + random.nextInt(1000))));
        generators.put("SKERRY_MQTT_PASSWORD", random -> "p".repeat(65_536 + random.nextInt(1000)));
        generators.put("SKERRY_MQTT_QOS", choice("0", "1"));
        generators.put("SKERRY_MQTT_RETAIN", choice("true", "false"));
        generators.put("SKERRY_MQTT_ALPN", choice("true", "false"));
        generators.put("SKERRY_MQTT_PROXY", random -> pick(random, "proxy.local:3128", "ftp://proxy.local:21", "http://proxy.local",
                "socks4://10.0.0.1:1080", "http://:3128", "http://pro xy:3128", "//proxy:3128", " "));
        generators.put("SKERRY_MQTT_ACK_TIMEOUT", duration("0s", "900ms", "11m", "1h"));
        generators.put("SKERRY_MQTT_MAX_INFLIGHT", integer(1, 10));
        generators.put("SKERRY_TLS_CERT", this::badCertificateFile);
        generators.put("SKERRY_TLS_KEY", this::badKeyFile);
        generators.put("SKERRY_TLS_CA", this::badCertificateFile);
        generators.put("SKERRY_TLS_CERT_PEM", this::badCertificatePem);
        generators.put("SKERRY_TLS_KEY_PEM", random -> pick(random, "not a key", "-----BEGIN PRIVATE KEY-----\nMIIE", "-----BEGIN PUBLIC KEY-----\nAA\n-----END PUBLIC KEY-----",
                "-----BEGIN CERTIFICATE-----\nAA\n-----END CERTIFICATE-----", " "));
        generators.put("SKERRY_TLS_CA_PEM", this::badCertificatePem);
        generators.put("SKERRY_PROVISIONING_TEMPLATE", random -> pick(random, "my template", "fleet/one", "t".repeat(37 + random.nextInt(50)),
                " ", "caf\u00e9", "a+b"));
        generators.put("SKERRY_PROVISIONING_KEY", choice("ec-p256", "rsa-2048"));
        generators.put("SKERRY_PROVISIONING_PARAMETERS", random -> pick(random, "[1]", "SerialNumber=1", "\"serial\"", "{", " ", "42",
                "{\"a\":1", "null"));
        generators.put("SKERRY_RENEW_BEFORE", duration("0s", "59m", "366d", "-1d"));
        generators.put("SKERRY_CLAIM_CERT", this::badCertificateFile);
        generators.put("SKERRY_CLAIM_KEY", this::badKeyFile);
        generators.put("SKERRY_CLAIM_CERT_PEM", this::badCertificatePem);
        generators.put("SKERRY_CLAIM_KEY_PEM", random -> pick(random, "not a key", "-----BEGIN PRIVATE KEY-----\nMIIE",
                "-----BEGIN CERTIFICATE-----\nAA\n-----END CERTIFICATE-----", " "));
        generators.put("SKERRY_SPOOL_DIR", this::relativePath);
        generators.put("SKERRY_SPOOL_MAX_BYTES", random -> pick(random, String.valueOf(random.nextInt(262_144)), random.nextInt(256) + "K",
                "lots", "-1M", "16 Mega", "1.5.5M", " "));
        generators.put("SKERRY_SPOOL_MAX_COUNT", integer(1, 1_000_000));
        generators.put("SKERRY_SPOOL_MODE", choice("disk", "memory-first"));
        generators.put("SKERRY_SPOOL_REPLAY_RATE", integer(1, 10_000));
        generators.put("SKERRY_RETRY_BASE", duration("0s", "99ms", "2h", "61m"));
        generators.put("SKERRY_RETRY_MAX", duration("0s", "50ms", "2h", "3601s"));
        generators.put("SKERRY_PROFILE", this::badProfile);
        generators.put("SKERRY_PROFILE_FILE", random -> random.nextBoolean() ? missingOrFileOrRelative(random)
                : write("profile-" + random.nextInt(1000) + ".json", badProfile(random), "rw-------").toString());
        generators.put("SKERRY_PROFILE_NAME", random -> pick(random, " ", "a b", "gateways/1", "n".repeat(129), "\u00fcber", "x!"));
        generators.put("SKERRY_CHECK_INTERVAL", duration("0s", "999ms", "2d", "25h"));
        generators.put("SKERRY_ALARM_TOPIC", random -> pick(random, "alarms/#", "alarms/+/x", " ", "t".repeat(65_536 + random.nextInt(1000))));
    }

    /** Malformed, or a behaviour skerry cannot evaluate on the device. */
    private String badProfile(Random random) {
        String[] criteria = {"{\"comparisonOperator\": \"in-port-set\", \"value\": {\"ports\": [" + (65_536 + random.nextInt(1000)) + "]}}",
            "{\"comparisonOperator\": \"in-cidr-set\", \"value\": {\"cidrs\": [\"10.0.0." + random.nextInt(999) + "/33\"]}}",
            "{\"comparisonOperator\": \"less-than\", \"statisticalThreshold\": {\"statistic\": \"p90\"}}",
            "{\"comparisonOperator\": \"in-port-set\", \"value\": {\"ports\": [22]}, \"consecutiveDatapointsToAlarm\": " + (11 + random.nextInt(9)) + "}",
            "{\"comparisonOperator\": \"sometimes\", \"value\": {\"ports\": [22]}}"};
        String metric = pick(random, "aws:listening-tcp-ports", "aws:destination-ip-addresses", "aws:num-messages-sent");
        return switch (random.nextInt(3)) {
            case 0 -> pick(random, GARBAGE) + pick(random, "{", "[", "[{]", "{\"behaviors\": 5}", "[]");
            case 1 -> "[{\"name\": \"b\", \"metric\": \"" + metric + "\", \"criteria\": " + pick(random, criteria) + "}]";
            default -> "{\"securityProfileName\": \"P\", \"behaviors\": [{\"name\": \"b\", \"metric\": \"aws:listening-tcp-ports\", "
                    + "\"criteria\": " + pick(random, criteria) + "}]}";
        };
    }

    public Map<String, Function<Random, String>> generators() {
        return generators;
    }

    /** Garbage, or a duration below the minimum or above the maximum. */
    private static Function<Random, String> duration(String... outOfRange) {
        return random -> random.nextBoolean() ? pick(random, outOfRange) : pick(random, GARBAGE) + pick(random, "", "x", "min", " s");
    }

    /** Anything but the choices in any case. */
    private static Function<Random, String> choice(String... choices) {
        return random -> {
            String value = random.nextBoolean() ? pick(random, GARBAGE) : pick(random, choices) + pick(random, "x", "1", "!", " no", ".");
            for (String choice : choices) {
                if (choice.equalsIgnoreCase(value.strip())) {
                    return value + "?";
                }
            }
            return value;
        };
    }

    private static Function<Random, String> integer(long min, long max) {
        return random -> switch (random.nextInt(4)) {
            case 0 -> String.valueOf(min - 1 - random.nextInt(1000));
            case 1 -> String.valueOf(max + 1 + (random.nextLong() >>> 2) % 1_000_000_000L);
            case 2 -> pick(random, "1.5", "0x10", "1e3", "ten", "99999999999999999999", "5 5", "--1", "+-1", "\u0665");
            default -> pick(random, GARBAGE) + "x";
        };
    }

    private String relativePath(Random random) {
        return pick(random, "state", "./state", "~/state", "var/lib/skerry", " ", "..", "\u00e9/x");
    }

    private String missingOrFileOrRelative(Random random) {
        return switch (random.nextInt(3)) {
            case 0 -> files.resolve("missing-" + random.nextInt(1000)).toString();
            case 1 -> write("plain-file", "not a directory\n", "rw-------").toString();
            default -> relativePath(random);
        };
    }

    private String badCertificateFile(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> files.resolve("missing.pem").toString();
            case 1 -> "relative.pem";
            case 2 -> files.toString();
            default -> write("garbage.pem", badCertificatePem(random), "rw-------").toString();
        };
    }

    private String badKeyFile(Random random) {
        String key = "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n";
        return switch (random.nextInt(4)) {
            case 0 -> files.resolve("missing.key").toString();
            case 1 -> write("shared.key", key, pick(random, "rw-r--r--", "rw-rw----", "rw----r--", "rwx---r-x")).toString();
            case 2 -> write("garbage.key", "not a key\n", "rw-------").toString();
            default -> "device.key";
        };
    }

    private String badCertificatePem(Random random) {
        return pick(random, "not a certificate", "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n",
                "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", "-----BEGIN CERTIFICATE-----\n", " ");
    }

    private Path write(String name, String content, String permissions) {
        try {
            Path file = files.resolve(name);
            Files.writeString(file, content);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String pick(Random random, String... values) {
        return values[random.nextInt(values.length)];
    }
}
