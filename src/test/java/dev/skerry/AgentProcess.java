package dev.skerry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The packaged agent started as a user starts it: java -jar target/quarkus-app/quarkus-run.jar, or with
 * -Dskerry.native=PATH the native executable at PATH (its lib/ beside it) instead, for every IT that starts
 * the agent through this class or {@link Launched}.
 */
final class AgentProcess {

    static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");
    /** The native executable the ITs start instead of the jar, if any. */
    static final Optional<Path> NATIVE = Optional.ofNullable(System.getProperty("skerry.native")).filter(path -> !path.isBlank())
            .map(path -> Path.of(path).toAbsolutePath());

    static boolean isNative() {
        return NATIVE.isPresent();
    }

    /** The command that starts the agent: java, the JVM options, -jar and the jar; or the native executable (system properties only). */
    static List<String> command(List<String> jvmOptions) {
        if (NATIVE.isPresent()) {
            assertThat(NATIVE.get()).as("-Dskerry.native").isExecutable();
            List<String> command = new java.util.ArrayList<>(List.of(NATIVE.get().toString()));
            jvmOptions.stream().filter(option -> option.startsWith("-D")).forEach(command::add); // system properties work the same
            return command;
        }
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", JAR.toAbsolutePath().toString()));
        return command;
    }

    private AgentProcess() {
    }

    record Run(int exitCode, String stdout, String stderr) {
        List<String> stdoutLines() {
            return stdout.isEmpty() ? List.of() : List.of(stdout.split("\n"));
        }

        List<String> stderrLines() {
            return stderr.isEmpty() ? List.of() : List.of(stderr.split("\n"));
        }
    }

    /** Starts the agent with a clean SKERRY_* environment: only the state directory and the given variables. */
    static Process start(Path stateDir, Map<String, String> variables) throws IOException {
        return start(stateDir, variables, Path.of(""), List.of());
    }

    /** Started in the given working directory, with extra JVM options before -jar (none for the native executable). */
    static Process start(Path stateDir, Map<String, String> variables, Path workingDirectory, List<String> jvmOptions) throws IOException {
        return start(stateDir, variables, workingDirectory, jvmOptions, List.of());
    }

    /** Likewise, with arguments after the jar (or the native executable). */
    static Process start(Path stateDir, Map<String, String> variables, Path workingDirectory, List<String> jvmOptions, List<String> arguments)
            throws IOException {
        List<String> command = new java.util.ArrayList<>(command(jvmOptions));
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command).directory(workingDirectory.toAbsolutePath().toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("SKERRY_") || name.startsWith("BALENA_"));
        builder.environment().put("SKERRY_STATE_DIR", stateDir.toString());
        builder.environment().putAll(variables);
        Process process = builder.start();
        process.getOutputStream().close();
        return process;
    }

    /** Runs the agent to its end (at most 90 s) and returns what it printed. */
    static Run run(Path stateDir, Map<String, String> variables) throws Exception {
        return run(start(stateDir, variables));
    }

    static Run run(Process process) throws Exception {
        CompletableFuture<String> stderr = drain(process.getErrorStream());
        String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(90, TimeUnit.SECONDS)).as("the agent exited").isTrue();
        return new Run(process.exitValue(), stdout, stderr.get(10, TimeUnit.SECONDS));
    }

    /**
     * The variables that make the agent publish to a test broker on localhost over mutual TLS
     * (a host name to resolve), with quick retries, as root if the tests run as root; then the
     * given name-value pairs.
     */
    static Map<String, String> publishingTo(dev.skerry.testing.TestPki pki, int port, String... more) {
        Map<String, String> env = new java.util.HashMap<>(Map.of(
                "SKERRY_MQTT_HOST", "localhost",
                "SKERRY_MQTT_PORT", String.valueOf(port),
                "SKERRY_MQTT_TOPIC", "fleet/{thing}/{format}",
                "SKERRY_THING_NAME", pki.thingName(),
                "SKERRY_TLS_CA", pki.caPem().toString(),
                "SKERRY_TLS_CERT", pki.clientCert().toString(),
                "SKERRY_TLS_KEY", pki.clientKeyRsa().toString(),
                "SKERRY_RETRY_BASE", "200ms",
                "SKERRY_RETRY_MAX", "1s",
                "SKERRY_ALLOW_ROOT", "true"));
        for (int i = 0; i < more.length; i += 2) {
            env.put(more[i], more[i + 1]);
        }
        return env;
    }

    /** Reports waiting in the default spool of a state directory (none when there is no spool yet). */
    static long spooledReports(Path stateDir) throws IOException {
        Path spool = stateDir.resolve("spool");
        if (!java.nio.file.Files.isDirectory(spool)) {
            return 0;
        }
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(spool)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".report")).count();
        }
    }

    /** Reads a stream to its end on a thread of its own. */
    static CompletableFuture<String> drain(java.io.InputStream stream) {
        CompletableFuture<String> text = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            java.io.ByteArrayOutputStream read = new java.io.ByteArrayOutputStream();
            try {
                stream.transferTo(read);
            } catch (IOException e) {
                // the process ended and its pipe was closed under us: what was read is what there is
            }
            text.complete(read.toString(StandardCharsets.UTF_8));
        });
        reader.setDaemon(true);
        reader.start();
        return text;
    }
}
