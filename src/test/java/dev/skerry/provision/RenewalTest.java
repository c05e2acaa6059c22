package dev.skerry.provision;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.skerry.provision.IdentityStore.Identity;
import dev.skerry.publish.BrokerOptions;
import dev.skerry.publish.JitteredBackoff;
import dev.skerry.publish.TlsMaterial;
import dev.skerry.testing.CapturedLog;
import dev.skerry.testing.Mosquitto;
import dev.skerry.testing.TestPki;
import io.vertx.core.Vertx;

/** Renewal of a provisioned identity against {@link FleetResponder} over a mutual-TLS Mosquitto. */
class RenewalTest {

    private static Mosquitto broker;
    private static Vertx vertx;

    @TempDir
    Path state;
    private FleetResponder responder;
    private IdentityStore store;
    private TlsMaterial.Authorities authorities;

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
    void provision() throws Exception {
        responder = new FleetResponder(broker);
        responder.validity = Duration.ofDays(10);
        store = new IdentityStore(state);
        authorities = TlsMaterial.Authorities.of(TestPki.get().caPem());
        TestPki claim = TestPki.forThing("fleet-claim");
        TlsMaterial claimTls = authorities.with(claim.clientCert(), claim.clientKeyPkcs8());
        new Provisioner(store, settings(), (requests, problems) -> new ClaimSession(vertx, options("dev-1", claimTls), requests, problems),
                Clock.systemUTC()).identity();
    }

    @AfterEach
    void stop() {
        responder.close();
    }

    @Test
    void aCertificateThatExpiresWithinTheWindowIsReplacedByOneForANewKey() throws Exception {
        Identity working = store.identity().orElseThrow();
        byte[] oldKey = Files.readAllBytes(working.key());
        int claimConnections = count(broker.logText(), "u'fleet-claim'");
        Renewal renewal = renewal();
        assertThat(renewal.due(working, Duration.ofDays(30))).isTrue();
        assertThat(renewal.due(working, Duration.ofDays(5))).isFalse();

        responder.validity = Duration.ofDays(365);
        Identity renewed = renewal.renew(working, Duration.ofSeconds(60));

        assertThat(renewed.thingName()).isEqualTo("prov-dev-1");
        assertThat(Files.readAllBytes(renewed.key())).isNotEqualTo(oldKey);
        assertThat(Renewal.notAfter(renewed.certificate())).isAfter(Instant.now().plus(Duration.ofDays(300)));
        assertThat(store.key().orElseThrow().getPublic()).isEqualTo(responder.requestKeys.get(1));
        assertThat(responder.requests).hasValue(2);
        assertThat(count(broker.logText(), "u'fleet-claim'")).as("renewal goes over the device's own connection").isEqualTo(claimConnections);
        assertThat(state.resolve(IdentityStore.RENEWAL)).doesNotExist();
        assertThat(state.resolve("identity.old")).doesNotExist();
    }

    @Test
    void aRenewedCertificateTheBrokerRefusesLeavesTheWorkingIdentityUntouched() throws Exception {
        Identity working = store.identity().orElseThrow();
        byte[] oldKey = Files.readAllBytes(working.key());
        String oldCertificate = Files.readString(working.certificate());
        responder.rogue = true;

        try (CapturedLog log = CapturedLog.of(Renewal.class)) {
            Identity kept = renewal().renew(working, Duration.ofSeconds(60));
            assertThat(kept).isEqualTo(working);
            assertThat(log.records()).anyMatch(record -> CapturedLog.formatted(record).contains("did not accept a connection with the renewed"));
        }
        assertThat(responder.requests).hasValue(2);
        assertThat(Files.readAllBytes(working.key())).isEqualTo(oldKey);
        assertThat(Files.readString(working.certificate())).isEqualTo(oldCertificate);
        assertThat(state.resolve(IdentityStore.RENEWAL)).doesNotExist();
    }

    @Test
    void aRenewalWithoutAnswerKeepsTheWorkingIdentity() throws Exception {
        Identity working = store.identity().orElseThrow();
        responder.silent = true;
        Identity kept = renewal().renew(working, Duration.ofSeconds(3));
        assertThat(kept).isEqualTo(working);
        assertThat(store.identity()).contains(working);
    }

    @Test
    void aSwitchInterruptedByACrashIsFinishedAtTheNextStart() throws Exception {
        IdentityStore next = store.renewal();
        next.createKey(DeviceKey.Kind.EC_P256);
        next.storeCertificate(Files.readString(store.identity().orElseThrow().certificate()), "t", "c", Instant.now());
        next.complete("prov-dev-1");
        byte[] newKey = Files.readAllBytes(next.dir().resolve(IdentityStore.KEY));
        Files.move(store.dir(), state.resolve("identity.old")); // the crash came after the first rename

        store.recover();
        assertThat(Files.readAllBytes(store.identity().orElseThrow().key())).isEqualTo(newKey);
        assertThat(state.resolve("identity.old")).doesNotExist();
        assertThat(state.resolve(IdentityStore.RENEWAL)).doesNotExist();
    }

    @Test
    void theScheduleRenewsADueCertificateInTheBackgroundAndThenTellsThePublisher() throws Exception {
        Identity working = store.identity().orElseThrow();
        byte[] oldKey = Files.readAllBytes(working.key());
        responder.validity = Duration.ofDays(365);
        java.util.concurrent.CountDownLatch renewed = new java.util.concurrent.CountDownLatch(1);

        try (RenewalSchedule schedule = new RenewalSchedule(store, renewal(), Duration.ofDays(30), Duration.ofSeconds(60), renewed::countDown,
                new JitteredBackoff(Duration.ofMillis(50), Duration.ofMillis(200))).start()) {
            assertThat(renewed.await(60, TimeUnit.SECONDS)).as("renewed and told").isTrue();
        }
        assertThat(Files.readAllBytes(store.identity().orElseThrow().key())).isNotEqualTo(oldKey);
        assertThat(Renewal.notAfter(store.identity().orElseThrow().certificate())).isAfter(Instant.now().plus(Duration.ofDays(300)));
        assertThat(responder.requests).as("the renewed certificate is not renewed again").hasValue(2);
    }

    @Test
    void aRefusedRenewalIsRetriedWithBackoffLoggedOnceAndKeepsTheWorkingIdentity() throws Exception {
        Identity working = store.identity().orElseThrow();
        byte[] oldKey = Files.readAllBytes(working.key());
        responder.rejectRequests = 1_000;
        java.util.concurrent.atomic.AtomicInteger renewed = new java.util.concurrent.atomic.AtomicInteger();

        try (CapturedLog provisioning = CapturedLog.of(Provisioner.class); CapturedLog renewals = CapturedLog.of(Renewal.class)) {
            try (RenewalSchedule schedule = new RenewalSchedule(store, renewal(), Duration.ofDays(30), Duration.ofMillis(500),
                    renewed::incrementAndGet, new JitteredBackoff(Duration.ofMillis(50), Duration.ofMillis(200))).start()) {
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60))
                        .until(() -> renewals.records().stream().anyMatch(r -> CapturedLog.formatted(r).contains("did not complete within"))
                                && responder.requests.get() >= 8);
            }
            assertThat(provisioning.records().stream().filter(r -> CapturedLog.formatted(r).contains("was rejected"))).hasSize(1);
            assertThat(renewals.records().stream().filter(r -> CapturedLog.formatted(r).contains("did not complete within"))).hasSize(1);
        }
        assertThat(renewed).hasValue(0);
        assertThat(store.identity()).contains(working);
        assertThat(Files.readAllBytes(working.key())).isEqualTo(oldKey);
    }

    private Renewal renewal() {
        return new Renewal(vertx, store, settings(), (identity, tls) -> options(identity.thingName(), tls), authorities, Clock.systemUTC());
    }

    private static io.smallrye.reactive.messaging.mqtt.session.MqttClientSessionOptions options(String clientId, TlsMaterial tls) {
        return BrokerOptions.build(new BrokerOptions.Endpoint("localhost", broker.port(), clientId, Duration.ofSeconds(30), Duration.ofSeconds(5),
                Optional.empty(), Optional.empty(), false, Optional.empty(), Duration.ofMillis(50), Duration.ofMillis(200)), tls);
    }

    private static Provisioner.Settings settings() {
        return new Provisioner.Settings(FleetResponder.TEMPLATE, DeviceKey.Kind.EC_P256,
                new ObjectMapper().createObjectNode().put("SerialNumber", "dev-1"), "dev-1", Duration.ofSeconds(2),
                new JitteredBackoff(Duration.ofMillis(50), Duration.ofMillis(200)));
    }

    private static int count(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }
}
