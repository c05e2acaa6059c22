package dev.skerry.provision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.skerry.provision.IdentityStore.Identity;
import dev.skerry.publish.BrokerOptions;
import dev.skerry.publish.JitteredBackoff;
import dev.skerry.publish.TlsMaterial;
import dev.skerry.testing.CapturedLog;
import dev.skerry.testing.EmbeddedBroker;
import dev.skerry.testing.Mosquitto;
import dev.skerry.testing.TestPki;
import dev.skerry.testing.TestSubscriber;
import io.vertx.core.Vertx;
import io.vertx.core.net.PemKeyCertOptions;

/** Provisioning by claim against {@link FleetResponder} over a mutual-TLS Mosquitto. */
class ProvisionerTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static Mosquitto broker;
    private static Vertx vertx;

    @TempDir
    Path state;
    private FleetResponder responder;
    private CapturedLog log;
    private final List<CompletableFuture<Identity>> running = new java.util.ArrayList<>();

    @BeforeAll
    static void startBroker() {
        broker = Mosquitto.tls(TestPki.get()).start();
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        if (broker != null) {
            broker.close();
        }
    }

    @BeforeEach
    void startResponder() {
        responder = new FleetResponder(broker);
        log = CapturedLog.of(Provisioner.class);
    }

    @AfterEach
    void stop() {
        running.forEach(future -> future.cancel(true));
        log.close();
        responder.close();
    }

    @Test
    void provisionsAnIdentityWithAKeyMadeOnTheDeviceThatTheBrokerAccepts() throws Exception {
        Identity identity = provision(Duration.ofSeconds(10)).get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(identity.thingName()).isEqualTo("prov-dev-1");
        assertThat(responder.parameters).singleElement().satisfies(sent -> assertThat(sent.path("SerialNumber").asText()).isEqualTo("dev-1"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(identity.key()))).isEqualTo("rw-------");
        X509Certificate certificate = certificate(identity.certificate());
        assertThat(certificate.getPublicKey()).isEqualTo(new IdentityStore(state).key().orElseThrow().getPublic());
        assertThat(certificate.getSubjectX500Principal().getName()).isEqualTo("CN=dev-1");
        assertThat(state.resolve("identity").resolve(IdentityStore.OWNERSHIP)).doesNotExist();

        var options = TestSubscriber.tlsOptions(TestPki.get()).setPemKeyCertOptions(new PemKeyCertOptions()
                .setCertPath(identity.certificate().toString()).setKeyPath(identity.key().toString()));
        try (TestSubscriber device = TestSubscriber.connect("localhost", broker.port(), options)) {
            String clientId = device.clientId();
            await().atMost(WAIT).until(() -> broker.logText().contains(clientId + " (p2, c1, k30, u'dev-1')"));
        }

        // with an identity stored, the claim connection is never opened again
        Provisioner again = new Provisioner(new IdentityStore(state), settings(Duration.ofSeconds(1)), (requests, problems) -> {
            throw new AssertionError("the claim was used although an identity is stored");
        }, Clock.systemUTC());
        assertThat(again.identity()).isEqualTo(identity);
        assertThat(responder.requests).hasValue(1);
    }

    @Test
    void aRejectedRequestIsLoggedOnceAndRetriedWithTheSameKey() throws Exception {
        responder.rejectRequests = 3;
        Identity identity = provision(Duration.ofSeconds(10)).get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(responder.requests).hasValue(4);
        assertThat(warnings("the certificate signing request was rejected")).singleElement().asString()
                .contains("statusCode 400").contains("InvalidCSR").contains("retrying");
        assertOneKeyThroughout(identity);
    }

    @Test
    void aRejectedRegistrationIsLoggedOnceAndRetriedWithTheSameCertificate() throws Exception {
        responder.rejectRegistrations = 2;
        Identity identity = provision(Duration.ofSeconds(10)).get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(responder.registrations).hasValue(3);
        assertThat(responder.requests).hasValue(1);
        assertThat(warnings("registering the thing with template skerry-fleet was rejected")).singleElement().asString()
                .contains("statusCode 403").contains("AccessDeniedException").contains("pre-provisioning hook");
        assertOneKeyThroughout(identity);
    }

    @Test
    void anExpiredTokenAsksForANewCertificateForTheSameKey() throws Exception {
        responder.expiredTokens = 1;
        Identity identity = provision(Duration.ofSeconds(10)).get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(responder.requests).hasValue(2);
        assertThat(warnings("InvalidCertificateOwnershipToken")).singleElement().asString().contains("has expired");
        assertThat(responder.requestKeys).hasSize(2);
        assertThat(responder.requestKeys.get(1)).isEqualTo(responder.requestKeys.get(0));
        assertOneKeyThroughout(identity);
    }

    @Test
    void aResponderThatNeverAnswersIsWaitedForWithoutASecondKey() throws Exception {
        responder.silent = true;
        CompletableFuture<Identity> result = provision(Duration.ofMillis(500));
        await().atMost(WAIT).until(() -> responder.requests.get() >= 3);
        assertThat(result).isNotDone();
        assertThat(warnings("no answer on")).singleElement().asString()
                .contains("$aws/certificates/create-from-csr/json/accepted or /rejected within 500ms").contains("retrying");

        responder.silent = false;
        Identity identity = result.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertOneKeyThroughout(identity);
    }

    @Test
    void aSubscriptionTheBrokerRefusesIsExplainedWithTheClaimPolicy() throws Exception {
        try (EmbeddedBroker strict = EmbeddedBroker.startTls(TestPki.get(), filter -> !filter.endsWith("/rejected"))) {
            CompletableFuture<Identity> result = provision(strict.port(), Duration.ofMillis(500));
            await().atMost(WAIT).untilAsserted(() -> assertThat(warnings("refused the subscription"))
                    .as(() -> "logged: " + log.records().stream().map(CapturedLog::formatted).toList()).isNotEmpty());
            assertThat(warnings("refused the subscription").get(0)).contains("/rejected: the claim certificate's policy must allow")
                    .contains("iot:Subscribe on the topicfilter/ ARNs").contains("iot:Receive on the topic/ ARNs")
                    .contains("$aws/certificates/create-from-csr/json/accepted");
            // nothing is published before every answer topic is subscribed to
            Thread.sleep(1000);
            assertThat(strict.published()).noneMatch(message -> message.topic().equals(Provisioner.CREATE_FROM_CSR));
            assertThat(result).isNotDone();
        }
    }

    /** Every request sent carried the one stored key, and the identity's certificate is for it. */
    private void assertOneKeyThroughout(Identity identity) throws Exception {
        var key = new IdentityStore(state).key().orElseThrow().getPublic();
        String keyPem = DeviceKey.pem("PUBLIC KEY", key.getEncoded());
        assertThat(responder.requestPems).isNotEmpty();
        for (String pem : responder.requestPems) {
            Path csr = Files.writeString(Files.createTempFile(state, "sent", ".csr"), pem);
            assertThat(CsrTest.openssl("req", "-in", csr.toString(), "-noout", "-pubkey")).isEqualToIgnoringWhitespace(keyPem);
        }
        assertThat(certificate(identity.certificate()).getPublicKey()).isEqualTo(key);
        try (var files = Files.list(state.resolve("identity"))) {
            assertThat(files.map(file -> file.getFileName().toString())).containsExactlyInAnyOrder(IdentityStore.KEY, IdentityStore.PUBLIC_KEY,
                    IdentityStore.CERTIFICATE, IdentityStore.THING);
        }
        assertThat(log.records().stream().map(CapturedLog::formatted).filter(text -> text.contains("made a new"))).hasSize(1);
    }

    private List<String> warnings(String containing) {
        return log.records().stream().filter(record -> record.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue())
                .map(CapturedLog::formatted).filter(text -> text.contains(containing)).toList();
    }

    private static X509Certificate certificate(Path file) throws Exception {
        try (var in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private CompletableFuture<Identity> provision(Duration answerTimeout) throws Exception {
        return provision(broker.port(), answerTimeout);
    }

    private CompletableFuture<Identity> provision(int port, Duration answerTimeout) throws Exception {
        TestPki claim = TestPki.forThing("fleet-claim");
        var endpoint = new BrokerOptions.Endpoint("localhost", port, "dev-1", Duration.ofSeconds(30), Duration.ofSeconds(5), Optional.empty(),
                Optional.empty(), false, Optional.empty(), Duration.ofMillis(50), Duration.ofMillis(200));
        TlsMaterial tls = TlsMaterial.fromFiles(claim.clientCert(), claim.clientKeyPkcs8(), claim.caPem());
        Provisioner provisioner = new Provisioner(new IdentityStore(state), settings(answerTimeout),
                (requests, problems) -> new ClaimSession(vertx, BrokerOptions.build(endpoint, tls), requests, problems), Clock.systemUTC());
        CompletableFuture<Identity> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                result.complete(provisioner.identity());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "provisioner");
        result.whenComplete((identity, failure) -> thread.interrupt());
        thread.setDaemon(true);
        thread.start();
        running.add(result);
        return result;
    }

    private static Provisioner.Settings settings(Duration answerTimeout) {
        ObjectNode parameters = new ObjectMapper().createObjectNode().put("SerialNumber", "dev-1");
        return new Provisioner.Settings(FleetResponder.TEMPLATE, DeviceKey.Kind.EC_P256, parameters, "dev-1", answerTimeout,
                new JitteredBackoff(Duration.ofMillis(50), Duration.ofMillis(200)));
    }
}
