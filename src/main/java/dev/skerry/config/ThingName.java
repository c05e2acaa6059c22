package dev.skerry.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** The device's name towards the broker: client id and part of the topic. */
public final class ThingName {

    static final int MAX_BYTES = 128;

    private ThingName() {
    }

    /** SKERRY_THING_NAME, else BALENA_DEVICE_UUID, else the host name (from procfs, no DNS look-up). */
    public static String resolve(Optional<String> configured, Map<String, String> env, Path procfs) {
        if (configured.isPresent() && !configured.get().isBlank()) {
            return configured.get().strip();
        }
        String balena = env.get("BALENA_DEVICE_UUID");
        if (balena != null && !balena.isBlank()) {
            return balena.strip();
        }
        try {
            String host = hostname(procfs.resolve("sys/kernel/hostname")).strip();
            if (!host.isEmpty() && problem(host) == null) {
                return host;
            }
        } catch (IOException | RuntimeException e) {
            // fall through to the environment's idea of the host name
        }
        String host = env.getOrDefault("HOSTNAME", "").strip();
        return host.isEmpty() || problem(host) != null ? "skerry-device" : host;
    }

    /** The kernel's host name, read only from a regular file (a FIFO would block the start) and only its first bytes. */
    private static String hostname(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return "";
        }
        try (java.io.InputStream in = Files.newInputStream(file)) {
            return new String(in.readNBytes(MAX_BYTES + 1), StandardCharsets.UTF_8);
        }
    }

    /** Why a name cannot be a thing name (MQTT topic level and client id), or null when it can. */
    static String problem(String name) {
        if (name.isBlank()) {
            return "must not be empty";
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            return "longer than " + MAX_BYTES + " bytes";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '+' || c == '#' || c == '/' || Character.isISOControl(c)) {
                return "must not contain '+', '#', '/' or control characters";
            }
        }
        return null;
    }
}
