package dev.skerry;

import java.util.Map;

import dev.skerry.config.EnvironmentCheck;

/** {@code skerry --help}: the commands, and every variable with its default from the list the start-up check uses. */
final class Usage {

    /** EX_USAGE from sysexits.h. */
    static final int EX_USAGE = 64;

    private Usage() {
    }

    static String text() {
        StringBuilder text = new StringBuilder();
        text.append("skerry ").append(Version.get())
                .append(": AWS IoT Device Defender metrics from /proc and /sys, on stdout or over MQTT with mutual TLS\n\n")
                .append("Usage:\n")
                .append("  skerry            run the agent, configured by the environment variables below\n")
                .append("  skerry health     exit 0 when the agent made a report recently and, publishing, delivers; else 1 with the reason\n")
                .append("  skerry status     the connection, reports waiting, the last acknowledgement (status.json in the state directory)\n")
                .append("  skerry status --json  the same as JSON, for scripts\n")
                .append("  skerry --version  print the version\n")
                .append("  skerry --help     print this\n\n")
                .append("Environment variables, all optional (README.md explains each; a bad value exits 78 naming it):\n");
        Map<String, String> defaults = EnvironmentCheck.defaults();
        int width = defaults.keySet().stream().mapToInt(String::length).max().orElse(0);
        for (var variable : defaults.entrySet()) {
            text.append("  ").append(String.format("%-" + width + "s", variable.getKey())).append("  default: ").append(variable.getValue())
                    .append('\n');
        }
        return text.append("The launcher (bin/skerry) also reads SKERRY_APP_DIR, SKERRY_PROCESS_NAME and SKERRY_JAVA_OPTS.\n").toString();
    }
}
