package dev.skerry.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A TLS server that speaks only TLS 1.1, for proving that the agent refuses it: {@code openssl s_server -tls1_1} with
 * security level 0, below which OpenSSL 3 would not sign a TLS 1.1 handshake at all. It answers with an HTTP page
 * ({@code -www}), never MQTT; a client that accepted TLS 1.1 would get as far as its CONNECT and no further.
 */
public final class TlsServer implements AutoCloseable {

    private static final int START_ATTEMPTS = 3;

    private final Path dir;
    private final int port;
    private final ChildProcess process;

    private TlsServer(Path dir, int port, ChildProcess process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    /** Starts on a free 127.0.0.1 port with {@code pki}'s valid localhost server certificate. */
    public static TlsServer tls11Only(TestPki pki) {
        Path dir = createDirectory();
        Path output = dir.resolve("s_server.out");
        try {
            for (int attempt = 1;; attempt++) {
                int port = Ports.free();
                ChildProcess process = ChildProcess.start(List.of("openssl", "s_server", "-www", "-tls1_1",
                        "-cipher", "DEFAULT:@SECLEVEL=0", "-accept", "127.0.0.1:" + port,
                        "-cert", pki.serverCert().toString(), "-key", pki.serverKey().toString()), output);
                if (Ports.awaitListening(port, process::isAlive)) {
                    return new TlsServer(dir, port, process);
                }
                process.kill();
                String text = ChildProcess.readQuietly(output);
                if (!text.contains("Address already in use") || attempt == START_ATTEMPTS) {
                    throw new IllegalStateException("openssl s_server did not start (exit code " + process.exitCode() + "):\n" + text);
                }
            }
        } catch (RuntimeException | Error e) {
            TestPki.deleteTree(dir);
            throw e;
        }
    }

    public int port() {
        return port;
    }

    /** What s_server printed: ACCEPT once ready, then one line per failed handshake. */
    public String output() {
        return process.output();
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    /** SIGTERM, wait (SIGKILL after 10 s). */
    public void stop() {
        process.stop();
    }

    @Override
    public void close() {
        stop();
        TestPki.deleteTree(dir);
    }

    @Override
    public String toString() {
        return "TlsServer[TLS 1.1 only, 127.0.0.1:" + port + "]";
    }

    private static Path createDirectory() {
        try {
            return Files.createTempDirectory("skerry-tls11-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
