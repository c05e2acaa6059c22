package dev.skerry.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real Mosquitto 2.x broker (the Debian binary) as a child process on 127.0.0.1, configured the way AWS IoT Core
 * looks to a device: mutual TLS, client certificate required, its CN used as the MQTT user name.
 *
 * <pre>{@code
 * Mosquitto.assumeAvailable();
 * try (Mosquitto broker = Mosquitto.tls(TestPki.get()).start()) { ... broker.port() ... }
 * }</pre>
 */
public final class Mosquitto implements AutoCloseable {

    /** The certificate the TLS listener presents; all are signed by {@link TestPki#caPem()}. */
    public enum ServerCertificate {
        VALID, WRONG_HOST, EXPIRED, NOT_YET_VALID
    }

    private static final List<Path> CANDIDATES = List.of(Path.of("/usr/sbin/mosquitto"), Path.of("/usr/local/sbin/mosquitto"),
            Path.of("/usr/bin/mosquitto"), Path.of("/usr/local/bin/mosquitto"));
    private static final Pattern VERSION = Pattern.compile("mosquitto version (\\d+)\\.(\\d+)\\.(\\d+)");
    private static final int START_ATTEMPTS = 3;

    private static volatile Optional<String> unavailableReason;

    private final Path dir;
    private final Path config;
    private final Path log;
    private final int port;
    private ChildProcess process;
    /** Length of {@link #logText()} when the current process started, so old lines do not explain new failures. */
    private int logMark;

    private Mosquitto(Path dir, int port) {
        this.dir = dir;
        this.config = dir.resolve("mosquitto.conf");
        this.log = dir.resolve("mosquitto.log");
        this.port = port;
    }

    /** Whether a Mosquitto 2.x binary is installed. */
    public static boolean available() {
        return unavailableReason().isEmpty();
    }

    /** Skips the calling test, with the reason shown in the report, when Mosquitto 2.x is not installed. */
    public static void assumeAvailable() {
        assumeTrue(available(), () -> "mosquitto not installed (apt-get install mosquitto): " + unavailableReason().orElse(""));
    }

    /** A mutual-TLS listener using {@code pki}'s CA and, unless changed, its valid server certificate. */
    public static Builder tls(TestPki pki) {
        return new Builder(pki);
    }

    /** A plain TCP listener allowing anonymous clients, for tests that do not care about TLS. */
    public static Builder plain() {
        return new Builder(null);
    }

    public int port() {
        return port;
    }

    /**
     * The broker's log file (log_type all): connections, subscriptions, publishes, TLS errors. On a TLS listener it
     * starts with one "unexpected eof" failure: the readiness probe's bare TCP connect.
     */
    public Path log() {
        return log;
    }

    /** The broker's log plus anything it printed before it could open the log; for assertion messages. */
    public String logText() {
        return ChildProcess.readQuietly(log) + ChildProcess.readQuietly(dir.resolve("mosquitto.out"));
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** The current (or last) broker process, e.g. to check it is gone or to SIGSTOP it. */
    public long pid() {
        return process.pid();
    }

    /** Stops the broker with SIGTERM (SIGKILL after 10 s) and waits until it is gone. */
    public void stop() {
        if (process != null) {
            process.stop();
        }
    }

    /** Kills the broker with SIGKILL, as a crash or a power cut would. */
    public void kill() {
        if (process != null) {
            process.kill();
        }
    }

    /** Stops the broker if it runs, then starts it again with the same config on the same port. */
    public void restart() {
        stop();
        long deadline = System.nanoTime() + Ports.READY_TIMEOUT.toNanos();
        while (!launch()) {
            // After a quick stop the port can still be held for a moment; anything else is a real failure.
            if (!bindFailed() || System.nanoTime() > deadline) {
                throw new IllegalStateException("mosquitto did not restart on port " + port + ":\n" + logText());
            }
            pause(200);
        }
    }

    /** Stops the broker and deletes its directory. */
    @Override
    public void close() {
        stop();
        TestPki.deleteTree(dir);
    }

    @Override
    public String toString() {
        return "Mosquitto[127.0.0.1:" + port + (isRunning() ? "" : ", stopped") + "]";
    }

    private boolean launch() {
        logMark = logText().length();
        process = ChildProcess.start(List.of(binary().toString(), "-c", config.toString()), dir.resolve("mosquitto.out"));
        if (Ports.awaitListening(port, process::isAlive)) {
            return true;
        }
        if (process.isAlive()) {
            process.kill();
            throw new IllegalStateException("mosquitto did not listen on port " + port + " within " + Ports.READY_TIMEOUT + ":\n"
                    + logText());
        }
        return false;
    }

    private boolean bindFailed() {
        String text = logText();
        return text.substring(Math.min(logMark, text.length())).contains("Address already in use");
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static Path binary() {
        return locate().orElseThrow(() -> new IllegalStateException("mosquitto not installed"));
    }

    /** Debian puts it in /usr/sbin, which is not on every user's PATH. */
    private static Optional<Path> locate() {
        Stream<Path> onPath = Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .filter(entry -> !entry.isEmpty()).map(entry -> Path.of(entry, "mosquitto"));
        return Stream.concat(CANDIDATES.stream(), onPath).filter(Files::isExecutable).findFirst();
    }

    private static Optional<String> unavailableReason() {
        Optional<String> reason = unavailableReason;
        if (reason == null) {
            reason = probe();
            unavailableReason = reason;
        }
        return reason;
    }

    /** Empty when a Mosquitto of major version 2 or later is installed, else why not. */
    private static Optional<String> probe() {
        Optional<Path> binary = locate();
        if (binary.isEmpty()) {
            return Optional.of("no mosquitto binary in /usr/sbin or on PATH");
        }
        try {
            Process help = new ProcessBuilder(binary.get().toString(), "-h").redirectErrorStream(true).start();
            String text = new String(help.getInputStream().readAllBytes());
            help.waitFor();
            Matcher version = VERSION.matcher(text);
            if (!version.find()) {
                return Optional.of(binary.get() + " -h printed no version: " + text.lines().findFirst().orElse(""));
            }
            if (Integer.parseInt(version.group(1)) < 2) {
                return Optional.of(binary.get() + " is " + version.group() + "; these tests rely on 2.x semantics");
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("cannot run " + binary.get() + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        }
    }

    /** How the broker will be configured; {@link #start()} makes it. */
    public static final class Builder {

        private final TestPki pki;
        private ServerCertificate serverCertificate = ServerCertificate.VALID;
        private String tlsVersion = "tlsv1.2";
        private final List<String> extraLines = new ArrayList<>();

        private Builder(TestPki pki) {
            this.pki = pki;
        }

        public Builder serverCertificate(ServerCertificate certificate) {
            requireTls();
            this.serverCertificate = certificate;
            return this;
        }

        /**
         * The lowest TLS version accepted: Mosquitto 2.x's tls_version is a minimum, so the default tlsv1.2 accepts
         * TLS 1.2 and 1.3; "tlsv1.3" makes a TLS-1.3-only broker.
         */
        public Builder tlsVersion(String version) {
            requireTls();
            this.tlsVersion = version;
            return this;
        }

        /** Outgoing QoS 1/2 messages in flight per client (Mosquitto's default is 20). */
        public Builder maxInflightMessages(int count) {
            return configLine("max_inflight_messages " + count);
        }

        /** QoS 1/2 messages queued per client beyond those in flight (Mosquitto's default is 1000). */
        public Builder maxQueuedMessages(int count) {
            return configLine("max_queued_messages " + count);
        }

        /** Any other global mosquitto.conf line. */
        public Builder configLine(String line) {
            extraLines.add(line);
            return this;
        }

        /** Starts the broker on a free port and returns once it accepts TCP connections. */
        public Mosquitto start() {
            assumeAvailable();
            Path dir = createDirectory();
            try {
                for (int attempt = 1;; attempt++) {
                    Mosquitto broker = new Mosquitto(dir, Ports.free());
                    write(broker.config, config(broker));
                    if (broker.launch()) {
                        return broker;
                    }
                    if (!broker.bindFailed() || attempt == START_ATTEMPTS) {
                        throw new IllegalStateException("mosquitto exited while starting:\n" + broker.logText());
                    }
                }
            } catch (RuntimeException | Error e) {
                TestPki.deleteTree(dir);
                throw e;
            }
        }

        private String config(Mosquitto broker) {
            StringBuilder text = new StringBuilder("# Written by dev.skerry.testing.Mosquitto\n");
            if (runningAsRoot()) {
                // Otherwise Mosquitto switches to user mosquitto, which cannot read root's 0600 key files.
                text.append("user root\n");
            }
            text.append("persistence false\n");
            text.append("log_dest file ").append(broker.log).append('\n');
            text.append("log_type all\n");
            text.append("log_timestamp_format %Y-%m-%dT%H:%M:%S\n");
            text.append("connection_messages true\n");
            extraLines.forEach(line -> text.append(line).append('\n'));
            text.append("allow_anonymous ").append(pki == null).append('\n');
            text.append("listener ").append(broker.port).append(" 127.0.0.1\n");
            if (pki != null) {
                text.append("cafile ").append(pki.caPem()).append('\n');
                text.append("certfile ").append(certificate()).append('\n');
                text.append("keyfile ").append(key()).append('\n');
                text.append("require_certificate true\n");
                text.append("use_identity_as_username true\n");
                text.append("tls_version ").append(tlsVersion).append('\n');
            }
            return text.toString();
        }

        /** The effective uid from the kernel, as Mosquitto itself checks it before dropping privileges. */
        private static boolean runningAsRoot() {
            try {
                return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(line -> line.startsWith("Uid:"))
                        .map(line -> line.substring(4).strip().split("\\s+")[1]).anyMatch("0"::equals);
            } catch (IOException e) {
                return false;
            }
        }

        private Path certificate() {
            return switch (serverCertificate) {
                case VALID -> pki.serverCert();
                case WRONG_HOST -> pki.wrongHostCert();
                case EXPIRED -> pki.expiredCert();
                case NOT_YET_VALID -> pki.notYetValidCert();
            };
        }

        private Path key() {
            return switch (serverCertificate) {
                case VALID -> pki.serverKey();
                case WRONG_HOST -> pki.wrongHostKey();
                case EXPIRED -> pki.expiredKey();
                case NOT_YET_VALID -> pki.notYetValidKey();
            };
        }

        private void requireTls() {
            if (pki == null) {
                throw new IllegalStateException("a plain listener has no TLS settings");
            }
        }

        private static Path createDirectory() {
            try {
                return Files.createTempDirectory("skerry-mosquitto-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static void write(Path file, String text) {
            try {
                Files.writeString(file, text);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
