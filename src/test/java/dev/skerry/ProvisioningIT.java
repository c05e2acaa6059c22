package dev.skerry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.skerry.provision.FleetResponder;
import dev.skerry.testing.Closer;
import dev.skerry.testing.Mosquitto;
import dev.skerry.testing.Received;
import dev.skerry.testing.TestPki;
import dev.skerry.testing.TestSubscriber;

/**
 * The packaged agent provisioning itself by claim against {@link FleetResponder}, then publishing as the device; and
 * killed with SIGKILL at each step of provisioning: every restart ends with exactly one identity, with the key stored.
 */
class ProvisioningIT {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private final TestPki pki = TestPki.get();
    private final TestPki claim = TestPki.forThing("fleet-claim");
    @AutoClose
    final Closer closer = new Closer();

    @TempDir
    Path state;
    private Mosquitto broker;
    private FleetResponder responder;
    private TestSubscriber reports;

    @BeforeEach
    void start() {
        Mosquitto.assumeAvailable();
        broker = closer.later(Mosquitto.tls(pki).start());
        responder = closer.later(new FleetResponder(broker));
        reports = closer.later(TestSubscriber.connectTls(broker.port(), pki).subscribe("fleet/#"));
    }

    @Test
    void aFirstStartProvisionsAndThenPublishesAsTheDevice() throws Exception {
        Process agent = agent();

        Received report = reports.awaitMessages(1, WAIT).get(0);
        assertThat(report.topic()).isEqualTo("fleet/prov-dev-1/json");
        assertThat(broker.logText()).contains("as dev-1 (p2, c1, k60, u'fleet-claim')")
                .contains("as prov-dev-1 (p2, c1, k60, u'dev-1')");
        assertThat(responder.requests).hasValue(1);
        assertThat(responder.things).containsExactly("prov-dev-1");
        assertThat(identityFiles()).containsExactlyInAnyOrder("device.key", "device.pub", "certificate.pem", "thing-name");
        stop(agent);
    }

    @Test
    void killedAfterTheKeyIsWrittenTheRestartSendsARequestForTheSameKey() throws Exception {
        responder.silent = true;
        Process agent = agent();
        await().atMost(WAIT).until(() -> responder.requests.get() >= 1);
        byte[] key = Files.readAllBytes(identity("device.key"));
        agent.destroyForcibly().waitFor();

        responder.silent = false;
        Process again = agent();
        reports.awaitMessages(1, WAIT);
        assertThat(Files.readAllBytes(identity("device.key"))).isEqualTo(key);
        assertThat(responder.things).containsExactly("prov-dev-1");
        assertThat(identityFiles()).containsExactlyInAnyOrder("device.key", "device.pub", "certificate.pem", "thing-name");
        stop(again);
    }

    @Test
    void killedAfterTheCertificateArrivesTheRestartRegistersIt() throws Exception {
        responder.silentRegistrations = true;
        Process agent = agent();
        await().atMost(WAIT).until(() -> Files.exists(identity("certificate.pem")) && responder.registrations.get() >= 1);
        byte[] key = Files.readAllBytes(identity("device.key"));
        String certificate = Files.readString(identity("certificate.pem"));
        agent.destroyForcibly().waitFor();

        responder.silentRegistrations = false;
        Process again = agent();
        reports.awaitMessages(1, WAIT);
        assertThat(Files.readAllBytes(identity("device.key"))).isEqualTo(key);
        assertThat(Files.readString(identity("certificate.pem"))).isEqualTo(certificate);
        assertThat(responder.requests).as("no second certificate while the token is valid").hasValue(1);
        assertThat(responder.things).containsExactly("prov-dev-1");
        assertThat(identityFiles()).containsExactlyInAnyOrder("device.key", "device.pub", "certificate.pem", "thing-name");
        stop(again);
    }

    @Test
    void killedAfterTheRegistrationTheRestartNeverUsesTheClaim() throws Exception {
        Process agent = agent();
        await().atMost(WAIT).until(() -> Files.exists(identity("thing-name")));
        agent.destroyForcibly().waitFor();
        byte[] key = Files.readAllBytes(identity("device.key"));
        int claimConnections = count(broker.logText(), "u'fleet-claim'");

        Process again = agent();
        reports.awaitMessages(1, WAIT);
        assertThat(Files.readAllBytes(identity("device.key"))).isEqualTo(key);
        assertThat(count(broker.logText(), "u'fleet-claim'")).isEqualTo(claimConnections);
        assertThat(responder.requests).hasValue(1);
        assertThat(responder.things).containsExactly("prov-dev-1");
        stop(again);
    }

    @Test
    void aRejectedRequestNeverEndsTheProcess() throws Exception {
        responder.rejectRequests = 1_000;
        Process agent = agent();
        CompletableFuture<String> stderr = AgentProcess.drain(agent.getErrorStream());
        await().atMost(WAIT).until(() -> responder.requests.get() >= 4);
        assertThat(agent.isAlive()).isTrue();
        agent.destroy();
        assertThat(agent.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)).as("SIGTERM stops a provisioning agent").isTrue();
        String logged = stderr.get() + AgentProcess.drain(agent.getInputStream()).get();
        assertThat(count(logged, "the certificate signing request was rejected (statusCode 400, errorCode InvalidCSR)")).as(logged).isEqualTo(1);
        assertThat(identityFiles()).containsExactlyInAnyOrder("device.key", "device.pub");
    }

    @Test
    void aCertificateThatExpiresWithinTheRenewalWindowIsReplacedAfterStartWhileReportsGoOut() throws Exception {
        responder.validity = Duration.ofDays(10);
        stop(firstProvisioned());
        reports.clearMessages(); // only reports of the next start count
        byte[] key = Files.readAllBytes(identity("device.key"));
        String certificate = Files.readString(identity("certificate.pem"));
        responder.validity = Duration.ofDays(365);

        Process again = agent("SKERRY_RENEW_BEFORE", "30d");
        reports.awaitMessages(1, WAIT);
        await().atMost(WAIT).until(() -> responder.registrations.get() >= 2 && !Files.exists(state.resolve("identity.renewal"))
                && !Files.exists(state.resolve("identity.old"))); // the switch ends with identity.old/ removed
        assertThat(Files.readAllBytes(identity("device.key"))).isNotEqualTo(key);
        assertThat(Files.readString(identity("certificate.pem"))).isNotEqualTo(certificate);
        assertThat(responder.requests).hasValue(2);
        assertThat(identityFiles()).containsExactlyInAnyOrder("device.key", "device.pub", "certificate.pem", "thing-name");
        stop(again);
    }

    @Test
    void aRenewedCertificateTheBrokerRefusesKeepsTheWorkingIdentityPublishing() throws Exception {
        responder.validity = Duration.ofDays(10);
        stop(firstProvisioned());
        byte[] key = Files.readAllBytes(identity("device.key"));
        String certificate = Files.readString(identity("certificate.pem"));
        responder.rogue = true;

        Process again = agent("SKERRY_RENEW_BEFORE", "30d");
        await().atMost(WAIT).until(() -> responder.registrations.get() >= 2 && !Files.exists(state.resolve("identity.renewal")));
        assertThat(responder.requests).as("a renewal was asked for").hasValue(2);
        reports.clearMessages(); // reports after the refused renewal
        reports.awaitMessages(1, WAIT);
        assertThat(Files.readAllBytes(identity("device.key"))).isEqualTo(key);
        assertThat(Files.readString(identity("certificate.pem"))).isEqualTo(certificate);
        stop(again);
    }

    @Test
    void aRunningAgentRenewsWithoutARestartAndTheBrokerThenSeesTheNewCertificate() throws Exception {
        // the first certificate enters the 30d window some 45s after it is issued, while this agent runs
        responder.validity = Duration.ofDays(30).plusSeconds(45);
        Process agent = agent("SKERRY_RENEW_BEFORE", "30d");
        CompletableFuture<String> stderr = AgentProcess.drain(agent.getErrorStream());
        CompletableFuture<String> stdout = AgentProcess.drain(agent.getInputStream());
        reports.awaitMessages(1, WAIT);
        byte[] key = Files.readAllBytes(identity("device.key"));
        responder.validity = Duration.ofDays(365);
        responder.commonName = "dev-1-renewed"; // tells the renewed certificate from the first in the broker's log
        assertThat(broker.logText()).doesNotContain("u'dev-1-renewed'");
        assertThat(responder.requests).as("not due yet at start").hasValue(1);

        await().atMost(WAIT).until(() -> broker.logText().contains("as prov-dev-1 (p2, c1, k60, u'dev-1-renewed')"));
        assertThat(agent.isAlive()).isTrue();
        assertThat(responder.requests).hasValue(2);
        assertThat(Files.readAllBytes(identity("device.key"))).isNotEqualTo(key);
        assertThat(identityFiles()).containsExactlyInAnyOrder("device.key", "device.pub", "certificate.pem", "thing-name");
        assertThat(state.resolve("identity.renewal")).doesNotExist();
        assertThat(state.resolve("identity.old")).doesNotExist();
        assertThat(broker.logText()).as("the test connection of the new pair has a client ID of its own")
                .contains("as prov-dev-1-renewal (p2, c1, k60, u'dev-1-renewed')");
        reports.clearMessages();
        reports.awaitMessages(1, WAIT);
        stop(agent);
        String logged = stderr.get() + stdout.get();
        assertThat(logged).contains("certificate.pem changed (CN=dev-1-renewed");
    }

    @Test
    void aRenewalTheResponderRefusesKeepsTheRunningAgentPublishingWithItsIdentity() throws Exception {
        responder.validity = Duration.ofDays(30).plusSeconds(20);
        Process agent = agent("SKERRY_RENEW_BEFORE", "30d");
        CompletableFuture<String> stderr = AgentProcess.drain(agent.getErrorStream());
        CompletableFuture<String> stdout = AgentProcess.drain(agent.getInputStream());
        reports.awaitMessages(1, WAIT);
        byte[] key = Files.readAllBytes(identity("device.key"));
        String certificate = Files.readString(identity("certificate.pem"));
        responder.rejectRequests = 1_000;

        await().atMost(WAIT).until(() -> responder.requests.get() >= 4); // the renewal, refused and retried
        reports.clearMessages();
        reports.awaitMessages(2, WAIT);
        assertThat(agent.isAlive()).isTrue();
        assertThat(Files.readAllBytes(identity("device.key"))).isEqualTo(key);
        assertThat(Files.readString(identity("certificate.pem"))).isEqualTo(certificate);
        assertThat(count(broker.logText(), "as prov-dev-1 (")).as("the publisher's one connection, kept through the failed renewal").isEqualTo(1);
        assertThat(broker.logText()).contains("as prov-dev-1-renewal (p2, c1, k60, u'dev-1')");
        stop(agent);
        String logged = stderr.get() + stdout.get();
        assertThat(count(logged, "the certificate signing request was rejected (statusCode 400, errorCode InvalidCSR)")).as(logged).isEqualTo(1);
        assertThat(logged).doesNotContain("the device certificate was renewed");
    }

    /** A first start, provisioned and publishing. */
    private Process firstProvisioned() throws Exception {
        Process agent = agent();
        reports.awaitMessages(1, WAIT);
        return agent;
    }

    private Process agent(String... more) throws Exception {
        Map<String, String> env = AgentProcess.publishingTo(pki, broker.port(), "SKERRY_THING_NAME", "dev-1", "SKERRY_PROVISIONING_TEMPLATE",
                FleetResponder.TEMPLATE, "SKERRY_CLAIM_CERT", claim.clientCert().toString(), "SKERRY_CLAIM_KEY", claim.clientKeyPkcs8().toString(),
                "SKERRY_MQTT_ACK_TIMEOUT", "2s", "SKERRY_INTERVAL", "2s");
        env.remove("SKERRY_TLS_CERT");
        env.remove("SKERRY_TLS_KEY");
        for (int i = 0; i < more.length; i += 2) {
            env.put(more[i], more[i + 1]);
        }
        Process process = AgentProcess.start(state, env);
        closer.later((AutoCloseable) process::destroyForcibly);
        return process;
    }

    private static void stop(Process agent) throws InterruptedException {
        agent.destroy();
        agent.waitFor();
    }

    private Path identity(String file) {
        return state.resolve("identity").resolve(file);
    }

    private java.util.List<String> identityFiles() throws Exception {
        try (Stream<Path> files = Files.list(state.resolve("identity"))) {
            return files.map(file -> file.getFileName().toString()).toList();
        }
    }

    private static int count(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }
}
