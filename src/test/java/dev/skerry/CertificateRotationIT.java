package dev.skerry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.skerry.testing.Closer;
import dev.skerry.testing.Mosquitto;
import dev.skerry.testing.TestPki;
import dev.skerry.testing.TestSubscriber;

/**
 * The client certificate and key files replaced while the packaged agent runs, as a provisioning tool renews them:
 * the next connection presents the new certificate (Mosquitto names each client by its certificate's CN,
 * use_identity_as_username), and a new key that is not the certificate's is refused with one line while the pair in
 * use keeps publishing.
 */
class CertificateRotationIT {

    private final TestPki pki = TestPki.get();
    private final TestPki renewed = TestPki.forThing("skerry-renewed");
    @AutoClose
    final Closer closer = new Closer();

    @TempDir
    Path state;
    @TempDir
    Path tls;

    /** Connections the broker logged for a certificate CN since the given log length. */
    private static int connectionsAs(Mosquitto broker, String commonName, int from) {
        String text = broker.logText();
        Matcher connected = Pattern.compile("New client connected from \\S+ as \\S+ \\(.*u'" + Pattern.quote(commonName) + "'\\)")
                .matcher(text.substring(Math.min(from, text.length())));
        int count = 0;
        while (connected.find()) {
            count++;
        }
        return count;
    }

    private static String read(Path file) throws Exception {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }

    @Test
    @Timeout(180)
    void aRenewedPairIsUsedAtTheNextConnectionAndABadKeyIsRefused() throws Exception {
        Mosquitto.assumeAvailable();
        Mosquitto broker = closer.later(Mosquitto.tls(pki).start());
        Path certificate = Files.copy(pki.clientCert(), tls.resolve("client.crt"));
        Path key = Files.copy(pki.clientKeyRsa(), tls.resolve("client.key"));
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        Path log = tls.resolve("agent.stderr");

        ProcessBuilder builder = new ProcessBuilder(Launched.LAUNCHER.toString()).redirectErrorStream(false)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(log.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("SKERRY_") || name.startsWith("BALENA_"));
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("SKERRY_STATE_DIR", state.toString());
        AgentProcess.NATIVE.ifPresent(executable -> builder.environment().put("SKERRY_APP_DIR", executable.getParent().toString()));
        builder.environment().putAll(AgentProcess.publishingTo(pki, broker.port(), "SKERRY_INTERVAL", "1s",
                "SKERRY_TLS_CERT", certificate.toString(), "SKERRY_TLS_KEY", key.toString()));
        Process agent = builder.start();
        closer.later(() -> {
            agent.destroyForcibly();
            agent.waitFor(10, TimeUnit.SECONDS);
        });
        await().atMost(Duration.ofSeconds(60)).until(() -> connectionsAs(broker, pki.thingName(), 0) >= 1);

        // renewed: the certificate first, then its key, each file rewritten in place (its owner and mode kept)
        Files.write(certificate, Files.readAllBytes(renewed.clientCert()));
        Files.write(key, Files.readAllBytes(renewed.clientKeyRsa()));
        int mark = broker.logText().length();
        broker.restart();
        await("the renewed certificate at the next connection").atMost(Duration.ofSeconds(60))
                .until(() -> connectionsAs(broker, renewed.thingName(), mark) >= 1);
        assertThat(connectionsAs(broker, pki.thingName(), mark)).as("the old certificate after the renewal").isZero();
        assertThat(read(log)).contains("The client certificate in " + certificate + " changed (CN=skerry-renewed, valid until ");

        // a key that is not the certificate's: refused, and the renewed pair in use goes on publishing
        Files.write(key, Files.readAllBytes(pki.clientKeyRsa()));
        int secondMark = broker.logText().length();
        broker.restart();
        await().atMost(Duration.ofSeconds(60)).until(() -> connectionsAs(broker, renewed.thingName(), secondMark) >= 1);
        try (TestSubscriber subscriber = TestSubscriber.connectTls(broker.port(), pki)) {
            subscriber.subscribe("fleet/#");
            await("reports after the refusal").atMost(Duration.ofSeconds(30)).until(() -> !subscriber.messages().isEmpty());
        }
        assertThat(read(log).lines().filter(line -> line.contains("The changed client certificate or key is refused: "))
                .toList()).as(read(log)).singleElement().asString()
                .contains("SKERRY_TLS_KEY (" + key + "): the private key does not belong to the client certificate in " + certificate,
                        "connecting with the pair in use until they pass");
        assertThat(agent.isAlive()).isTrue();
        agent.destroy();
        assertThat(agent.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(agent.exitValue()).as(read(log)).isZero();
        assertThat(read(log)).doesNotContain("Exception");
    }
}
