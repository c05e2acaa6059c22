package dev.skerry.guard;

import java.util.Locale;
import java.util.Properties;
import java.util.regex.Pattern;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigValue;

/**
 * Quarkus reads QUARKUS_* and MP_MESSAGING_* variables, a .env file in the working directory and
 * -D flags besides skerry's own settings: any of them could switch trust-all on or host name
 * verification off behind skerry's back. A setting that would weaken TLS, from whatever source,
 * stops skerry at start; it is never accepted with a warning.
 */
public final class WeakTransportSettings {

    private static final Pattern OLD_PROTOCOL = Pattern.compile("(?i)(sslv3|tlsv1(\\.[01])?)(?![.0-9])");

    private WeakTransportSettings() {
    }

    /**
     * The same check on what exists before Quarkus starts: the environment, a .env file in the
     * working directory and -D flags. Also refuses MP_MESSAGING_* variables: skerry has no
     * messaging channels, and Quarkus would stop with a stack trace on a channel nobody defined.
     */
    public static String findEarly(java.util.Map<String, String> env, Properties systemProperties, java.nio.file.Path workingDirectory) {
        java.util.Map<String, String> settings = new java.util.LinkedHashMap<>();
        env.forEach((name, value) -> settings.put(name + " (environment)", value));
        java.nio.file.Path dotEnv = workingDirectory.resolve(".env");
        try {
            for (String line : java.nio.file.Files.readAllLines(dotEnv)) {
                int equals = line.indexOf('=');
                if (equals > 0 && !line.strip().startsWith("#")) {
                    settings.put(line.substring(0, equals).strip() + " (" + dotEnv.toAbsolutePath() + ")", line.substring(equals + 1));
                }
            }
        } catch (java.io.IOException e) {
            // no .env file: nothing to check
        }
        systemProperties.stringPropertyNames().forEach(name -> settings.put("-D" + name, systemProperties.getProperty(name)));
        for (var setting : settings.entrySet()) {
            String name = setting.getKey();
            if (name.startsWith("MP_MESSAGING_")) {
                return name + " is set, but skerry has no messaging channels to configure; remove it (publishing is set with SKERRY_MQTT_*)";
            }
            String problem = problem(name.replaceAll(" \\(.*\\)$", ""), setting.getValue());
            if (problem != null) {
                return name + " " + problem + "; skerry refuses to run with it";
            }
        }
        return oldClientProtocols(systemProperties);
    }

    /** The first weakening setting as one line naming it and where it came from, or null. */
    public static String find(Config config, Properties systemProperties) {
        for (String name : config.getPropertyNames()) {
            ConfigValue value = config.getConfigValue(name);
            String problem = problem(name, value.getValue());
            if (problem != null) {
                return name + " (from " + value.getSourceName() + ") " + problem + "; skerry refuses to run with it";
            }
        }
        return oldClientProtocols(systemProperties);
    }

    private static String oldClientProtocols(Properties systemProperties) {
        String protocols = systemProperties.getProperty("jdk.tls.client.protocols");
        if (protocols != null && OLD_PROTOCOL.matcher(protocols).find()) {
            return "-Djdk.tls.client.protocols=" + protocols + " enables a protocol older than TLS 1.2; skerry refuses to run with it";
        }
        return null;
    }

    static String problem(String name, String value) {
        if (value == null) {
            return null;
        }
        String key = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", ".");
        String setting = value.strip().toLowerCase(Locale.ROOT);
        if (key.contains("trust.all") && setting.equals("true")) {
            return "turns trust-all on";
        }
        if (key.contains("hostname.verification.algorithm") && !setting.equals("https")) {
            return "turns host name verification off";
        }
        if (key.contains("verify.host") && setting.equals("false")) {
            return "turns host name verification off";
        }
        if ((key.contains("protocols") && (key.contains("tls") || key.contains("ssl"))) && OLD_PROTOCOL.matcher(value).find()) {
            return "enables a protocol older than TLS 1.2";
        }
        return null;
    }
}
