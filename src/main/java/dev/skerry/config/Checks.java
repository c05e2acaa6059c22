package dev.skerry.config;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.configuration.MemorySizeConverter;

/** Checks of single raw values: each returns why the value is wrong, or null when it is fine. */
public final class Checks {

    /** A PEM private key block: PKCS#8, or the traditional RSA or EC form. */
    private static final java.util.regex.Pattern PEM_KEY =
            java.util.regex.Pattern.compile("(?s)-----BEGIN ((RSA|EC) )?PRIVATE KEY-----.*-----END ((RSA|EC) )?PRIVATE KEY-----");

    /** Only an IPv6 address may hold a colon (at least two); anything else with one names a port. */
    private static final java.util.regex.Pattern CLASS_NAME_PREFIX =
            java.util.regex.Pattern.compile("(?:[a-z][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error): ");
    private static final java.util.regex.Pattern HOST_LABEL = java.util.regex.Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?");
    private static final java.util.regex.Pattern IPV6_LITERAL = java.util.regex.Pattern.compile("[0-9A-Fa-f.]*:[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*");

    /** MQTT strings and binary data carry a two-byte length. */
    static final int MQTT_MAX_BYTES = 65_535;

    private Checks() {
    }

    static Function<String, String> duration(Duration min, Duration max) {
        return value -> {
            Duration duration = parseDuration(value);
            if (duration == null) {
                return "not a duration (write it as 30s, 5m, 1h or PT5M)";
            }
            if (duration.compareTo(min) < 0) {
                return "must be at least " + describe(min);
            }
            return duration.compareTo(max) > 0 ? "must be at most " + describe(max) : null;
        };
    }

    public static Duration parseDuration(String value) {
        try {
            return DurationConverter.parseDuration(value);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** A duration as people write it in SKERRY_* variables: 30s, or 500ms. */
    public static String describe(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
    }

    static Function<String, String> choice(String... choices) {
        return value -> {
            for (String choice : choices) {
                if (choice.equals(value.toLowerCase(Locale.ROOT))) {
                    return null;
                }
            }
            return "must be one of " + String.join(", ", choices);
        };
    }

    static Function<String, String> integer(long min, long max) {
        return value -> {
            long number;
            try {
                if (!value.chars().allMatch(c -> c < 128)) {
                    throw new NumberFormatException(); // Long.parseLong also takes other scripts' digits
                }
                number = Long.parseLong(value);
            } catch (NumberFormatException e) {
                return "not a whole number";
            }
            return number < min || number > max ? "must be between " + min + " and " + max : null;
        };
    }

    static Function<String, String> size(long min) {
        return value -> {
            long bytes;
            try {
                bytes = new MemorySizeConverter().convert(value).asLongValue();
            } catch (RuntimeException e) {
                return "not a size (write it as 16M, 512K, 1G or a number of bytes)";
            }
            return bytes < min ? "must be at least " + min + " bytes" : null;
        };
    }

    static String nameList(String value) {
        for (String name : value.split(",")) {
            String trimmed = name.strip();
            if (!trimmed.isEmpty() && !trimmed.matches("[a-z0-9_]+")) {
                return "'" + trimmed + "' is not a collector name (a comma-separated list such as kernel_modules,logged_in_users)";
            }
        }
        return null;
    }

    static String absolutePath(String value) {
        try {
            return value.isEmpty() || !Path.of(value).isAbsolute() ? "must be an absolute path" : null;
        } catch (InvalidPathException e) {
            return "not a valid path";
        }
    }

    static String directory(String value) {
        String problem = absolutePath(value);
        if (problem != null) {
            return problem;
        }
        return Files.isDirectory(Path.of(value)) ? null : "no such directory";
    }

    static String readableFile(String value) {
        String problem = absolutePath(value);
        if (problem != null) {
            return problem;
        }
        Path path = Path.of(value);
        if (!Files.isRegularFile(path)) {
            return "no such file";
        }
        return Files.isReadable(path) ? null : "not readable by this user";
    }

    /** A private key that others can read is a key that others may have copied. */
    static String privateKeyFile(String value) {
        return privateKeyFile(value, System.getenv("CREDENTIALS_DIRECTORY"));
    }

    /**
     * As {@link #privateKeyFile(String)}, where {@code credentialsDirectory} is systemd's $CREDENTIALS_DIRECTORY
     * (LoadCredential=): systemd 255 and later give the service's user read access to a root-owned 0400 credential
     * through an ACL entry, which the mode shows as group read. Directly in that directory, group read is accepted.
     */
    static String privateKeyFile(String value, String credentialsDirectory) {
        return privateKeyFile(value, credentialsDirectory, Users.effectiveUid());
    }

    /**
     * As above for a process running as uid. The key must belong to that user or to root: whoever
     * owns it can change it (chmod, or a new key), which root, reading every file, would not notice.
     */
    static String privateKeyFile(String value, String credentialsDirectory, long uid) {
        String problem = readableFile(value);
        if (problem != null) {
            return problem;
        }
        try {
            int owner = (Integer) Files.getAttribute(Path.of(value), "unix:uid");
            if (uid >= 0 && owner != uid && owner != 0) {
                return "the private key belongs to uid " + owner + ", not to the user skerry runs as (uid " + uid
                        + ") or root: that user can change or replace it; make it skerry's own: chown " + uid + " " + value;
            }
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(Path.of(value));
            Set<PosixFilePermission> shared = EnumSet.copyOf(permissions);
            shared.removeAll(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE));
            if (isSystemdCredential(Path.of(value), credentialsDirectory)) {
                shared.remove(PosixFilePermission.GROUP_READ);
            }
            if (!shared.isEmpty()) {
                return "the private key is accessible to group or others (" + PosixFilePermissions.toString(permissions)
                        + "); make it private: chmod 600 " + value;
            }
            return keyPem(Files.readString(Path.of(value), StandardCharsets.US_ASCII));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "cannot check its permissions (" + e.getMessage() + ")";
        }
    }

    private static boolean isSystemdCredential(Path file, String credentialsDirectory) throws IOException {
        if (credentialsDirectory == null || !credentialsDirectory.startsWith("/")) {
            return false;
        }
        Path directory = Path.of(credentialsDirectory);
        return Files.isDirectory(directory) && directory.toRealPath().equals(file.toRealPath().getParent());
    }

    static String certificateFile(String value) {
        String problem = readableFile(value);
        if (problem != null) {
            return problem;
        }
        try {
            return certificatesPem(Files.readString(Path.of(value), StandardCharsets.US_ASCII));
        } catch (IOException e) {
            return "cannot read it (" + e.getMessage() + ")";
        }
    }

    static String certificatesPem(String pem) {
        if (!pem.contains("-----BEGIN CERTIFICATE-----")) {
            return "holds no PEM certificate (-----BEGIN CERTIFICATE-----)";
        }
        try {
            var certificates = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
            return certificates.isEmpty() ? "holds no PEM certificate" : null;
        } catch (CertificateException e) {
            return "not a valid PEM certificate (" + withoutClassNames(e.getMessage()) + ")";
        }
    }

    /** The JDK's certificate parser puts its causes' class names in its message ("java.io.IOException: Incomplete data"). */
    private static String withoutClassNames(String message) {
        return message == null ? "unreadable" : CLASS_NAME_PREFIX.matcher(message).replaceAll("");
    }

    /** A PEM private key that parses, as the TLS stack will parse it: markers around garbage are not a key. */
    static String keyPem(String pem) {
        return PEM_KEY.matcher(pem).find() ? KeyMaterial.keyProblem(pem) : "holds no PEM private key (PKCS#8, RSA or EC, as -----BEGIN ... KEY----- text)";
    }

    static String host(String value) {
        if (value.isEmpty() || value.contains("://") || value.contains("/") || value.chars().anyMatch(Character::isWhitespace)) {
            return "must be a host name or IP address, without scheme or port (e.g. abc123-ats.iot.eu-west-1.amazonaws.com)";
        }
        if (value.contains(":")) {
            return IPV6_LITERAL.matcher(value).matches() ? null : "must be a host name or IP address without a port: give the port in SKERRY_MQTT_PORT";
        }
        return hostName(value);
    }

    /**
     * RFC 1123 host names (IPv4 addresses are among them): labels of 1 to 63 letters, digits and
     * hyphens, not at either end, 253 characters in all. The resolver would refuse anything else at
     * every retry instead of once here.
     */
    private static String hostName(String value) {
        String name = value.endsWith(".") ? value.substring(0, value.length() - 1) : value;
        if (name.length() > 253) {
            return "is " + name.length() + " characters long; a host name has at most 253 (RFC 1123)";
        }
        for (String label : name.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63) {
                return "has a label of " + label.length() + " characters; each dot-separated part of a host name has 1 to 63 (RFC 1123)";
            }
            if (!HOST_LABEL.matcher(label).matches()) {
                return "'" + label + "' is not a host name label: letters, digits and hyphens only, no hyphen at either end (RFC 1123)";
            }
        }
        return null;
    }

    /** An MQTT user name: a UTF-8 string of 1 to 65535 bytes. */
    static String mqttUsername(String value) {
        if (value.isEmpty()) {
            return "must not be empty";
        }
        return value.getBytes(StandardCharsets.UTF_8).length > MQTT_MAX_BYTES ? "longer than " + MQTT_MAX_BYTES + " bytes (MQTT's limit)" : null;
    }

    static String mqttPassword(String value) {
        return value.getBytes(StandardCharsets.UTF_8).length > MQTT_MAX_BYTES ? "longer than " + MQTT_MAX_BYTES + " bytes (MQTT's limit)" : null;
    }

    static String topic(String value) {
        if (value.isEmpty() || value.getBytes(StandardCharsets.UTF_8).length > MQTT_MAX_BYTES) {
            return "must have 1 to " + MQTT_MAX_BYTES + " bytes";
        }
        if (value.contains("+") || value.contains("#")) {
            return "must not contain the wildcards '+' or '#'";
        }
        String rest = value.replace("{thing}", "").replace("{format}", "");
        return rest.contains("{") || rest.contains("}") ? "only {thing} and {format} can be substituted" : null;
    }

    static String proxy(String value) {
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("socks5")) {
                return "must start with http:// (HTTP CONNECT) or socks5://";
            }
            if (uri.getHost() == null || uri.getPort() < 1) {
                return "must name a host and a port, e.g. http://proxy.local:3128";
            }
            return null;
        } catch (URISyntaxException e) {
            return "not a URL such as http://proxy.local:3128 or socks5://user:password@10.0.0.1:1080";
        }
    }

    /** The behaviours are checked here, the name (which SKERRY_PROFILE_NAME may give) with the other variables. */
    static String profileText(String value) {
        if (value.isBlank()) {
            return "empty: give a security profile's JSON, or unset it";
        }
        try {
            dev.skerry.detect.Profile.parse(value, "checked-later");
            return null;
        } catch (dev.skerry.detect.ProfileException e) {
            return e.getMessage();
        }
    }

    static String profileFile(String value) {
        String problem = readableFile(value);
        if (problem != null) {
            return problem;
        }
        try {
            return profileText(Files.readString(Path.of(value)));
        } catch (IOException | RuntimeException e) {
            return "cannot read it: " + e.getMessage();
        }
    }

    /** Device Defender's rule for a security profile's name. */
    static String profileName(String value) {
        return value.matches("[a-zA-Z0-9:_-]{1,128}") ? null : "not a security profile name (1 to 128 letters, digits, ':', '_' or '-')";
    }
}
