package dev.skerry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.skerry.testing.TestPki;

/**
 * A broker address where something accepts TCP and never answers TLS: the packaged agent says so in words (no class
 * names), and SIGTERM while a handshake is pending stops it with exit 0 and no stack trace.
 */
class HandshakeShutdownIT {

    @TempDir
    Path state;

    @Test
    void aSilentListenerIsATlsHandshakeTimeoutAndSigtermDuringAHandshakeIsQuiet() throws Exception {
        List<Socket> held = new CopyOnWriteArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept());
                    }
                } catch (java.io.IOException closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            Process agent = AgentProcess.start(state, AgentProcess.publishingTo(TestPki.get(), silent.getLocalPort(),
                    "SKERRY_MQTT_HOST", "127.0.0.1", "SKERRY_RETRY_BASE", "1s", "SKERRY_RETRY_MAX", "30s"));
            AgentProcess.drain(agent.getInputStream());
            StringBuffer stderr = new StringBuffer();
            Thread reader = new Thread(() -> {
                try (var lines = agent.errorReader()) {
                    for (String line; (line = lines.readLine()) != null;) {
                        stderr.append(line).append('\n');
                    }
                } catch (java.io.IOException gone) {
                    // the process ended
                }
            });
            reader.start();

            await().atMost(Duration.ofSeconds(40)).until(() -> stderr.toString().contains("timed out"));
            int connections = held.size();
            await().atMost(Duration.ofSeconds(10)).until(() -> held.size() > connections); // the next handshake is pending
            Thread.sleep(3000);
            agent.destroy();
            assertThat(agent.waitFor(30, TimeUnit.SECONDS)).isTrue();
            reader.join(10_000);

            assertThat(agent.exitValue()).as(stderr.toString()).isZero();
            assertThat(stderr.toString()).contains("the TLS handshake with 127.0.0.1:" + silent.getLocalPort() + " timed out")
                    .doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("SEVERE");
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
    }
}
