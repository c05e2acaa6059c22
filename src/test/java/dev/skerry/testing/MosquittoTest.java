package dev.skerry.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import javax.net.ssl.SSLHandshakeException;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.mqtt.MqttClientOptions;

class MosquittoTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final TestPki PKI = TestPki.get();
    private static Mosquitto broker;

    @BeforeAll
    static void startBroker() {
        if (Mosquitto.available()) {
            broker = Mosquitto.tls(PKI).start();
        }
    }

    /** Per test rather than in @BeforeAll, where Surefire would report no tests and no reason. */
    @BeforeEach
    void requireMosquitto() {
        Mosquitto.assumeAvailable();
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void subscriberPublishesAndReceivesOverMutualTls() {
        try (TestSubscriber subscriber = TestSubscriber.connectTls(broker.port(), PKI)) {
            subscriber.subscribe("skerry/self-test/#");
            subscriber.publish("skerry/self-test/hello", "hi");

            List<Received> received = subscriber.awaitMessages(1, WAIT);
            assertThat(received).singleElement().satisfies(message -> {
                assertThat(message.topic()).isEqualTo("skerry/self-test/hello");
                assertThat(message.payloadUtf8()).isEqualTo("hi");
                assertThat(message.qos()).isEqualTo(1);
                assertThat(message.retain()).isFalse();
            });
            // use_identity_as_username: the certificate's CN is the MQTT user name, as with AWS IoT's thing name.
            assertThat(broker.logText()).contains(subscriber.clientId()).contains("u'" + PKI.thingName() + "'");
        }
    }

    @Test
    void retainedMessagesKeepTheirFlag() {
        try (TestSubscriber publisher = TestSubscriber.connectTls(broker.port(), PKI)) {
            publisher.publish("skerry/self-test/retained", "kept".getBytes(), 1, true);
        }
        try (TestSubscriber subscriber = TestSubscriber.connectTls(broker.port(), PKI)) {
            subscriber.subscribe("skerry/self-test/retained");

            assertThat(subscriber.awaitMessages(1, WAIT).get(0).retain()).isTrue();
        }
    }

    /**
     * Under TLS 1.3 the client finishes its handshake before the broker checks the client certificate, so the client
     * only sees the connection close before CONNACK; the broker's log says why.
     */
    @Test
    void clientWithoutCertificateIsRefused() {
        MqttClientOptions noCertificate = TestSubscriber.tlsOptions(PKI);
        noCertificate.setKeyCertOptions(null);

        assertThatThrownBy(() -> TestSubscriber.connect("127.0.0.1", broker.port(), noCertificate).close())
                .hasMessageContaining("MQTT connect");
        await().atMost(WAIT).untilAsserted(() -> assertThat(broker.logText()).contains("peer did not return a certificate"));
    }

    @Test
    void clientCertificateFromAnotherCaIsRefused() {
        MqttClientOptions rogue = TestSubscriber.tlsOptions(PKI).setPemKeyCertOptions(new PemKeyCertOptions()
                .setCertPath(PKI.rogueClientCert().toString()).setKeyPath(PKI.rogueClientKey().toString()));

        assertThatThrownBy(() -> TestSubscriber.connect("127.0.0.1", broker.port(), rogue).close())
                .hasMessageContaining("MQTT connect");
        await().atMost(WAIT).untilAsserted(() -> assertThat(broker.logText()).contains("certificate verify failed"));
    }

    @Test
    void traditionalRsaKeyFileWorksAsWell() {
        MqttClientOptions pkcs1 = TestSubscriber.tlsOptions(PKI).setPemKeyCertOptions(new PemKeyCertOptions()
                .setCertPath(PKI.clientCert().toString()).setKeyPath(PKI.clientKeyRsa().toString()));

        try (TestSubscriber subscriber = TestSubscriber.connect("127.0.0.1", broker.port(), pkcs1)) {
            assertThat(subscriber.isConnected()).isTrue();
        }
    }

    @Test
    void acceptsTls12AndTls13() {
        for (String protocol : List.of("TLSv1.2", "TLSv1.3")) {
            MqttClientOptions options = TestSubscriber.tlsOptions(PKI);
            options.setEnabledSecureTransportProtocols(Set.of(protocol));

            try (TestSubscriber subscriber = TestSubscriber.connect("127.0.0.1", broker.port(), options)) {
                assertThat(subscriber.isConnected()).as(protocol).isTrue();
            }
        }
    }

    @Test
    void localhostNameMatchesTheServerCertificateToo() {
        try (TestSubscriber subscriber = TestSubscriber.connect("localhost", broker.port(), TestSubscriber.tlsOptions(PKI))) {
            assertThat(subscriber.isConnected()).isTrue();
        }
    }

    @Test
    void badServerCertificatesFailTheHandshake() {
        assertHandshakeFails(Mosquitto.ServerCertificate.WRONG_HOST, CertificateException.class, "No subject alternative names matching");
        assertHandshakeFails(Mosquitto.ServerCertificate.EXPIRED, CertificateExpiredException.class, "NotAfter");
        assertHandshakeFails(Mosquitto.ServerCertificate.NOT_YET_VALID, CertificateNotYetValidException.class, "NotBefore");
    }

    private static void assertHandshakeFails(Mosquitto.ServerCertificate certificate, Class<? extends Throwable> rootCause, String detail) {
        try (Mosquitto bad = Mosquitto.tls(PKI).serverCertificate(certificate).start()) {
            assertThatThrownBy(() -> TestSubscriber.connectTls(bad.port(), PKI).close()).as(certificate.name())
                    .hasCauseInstanceOf(SSLHandshakeException.class)
                    .rootCause().isInstanceOf(rootCause).hasMessageContaining(detail);
        }
    }

    @Test
    void restartKeepsThePortAndDropsClients() {
        try (Mosquitto own = Mosquitto.tls(PKI).start(); TestSubscriber subscriber = TestSubscriber.connectTls(own.port(), PKI)) {
            int port = own.port();
            long firstPid = own.pid();

            own.restart();

            assertThat(own.port()).isEqualTo(port);
            assertThat(own.pid()).isNotEqualTo(firstPid);
            assertThat(ProcessHandle.of(firstPid).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
            await().atMost(WAIT).until(() -> !subscriber.isConnected());
            try (TestSubscriber again = TestSubscriber.connectTls(port, PKI)) {
                assertThat(again.isConnected()).isTrue();
            }
        }
    }

    @Test
    void closeLeavesNoProcess() {
        Mosquitto own = Mosquitto.plain().start();
        long pid = own.pid();
        assertThat(own.isRunning()).isTrue();

        own.close();

        assertThat(own.isRunning()).isFalse();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
    }

    @Test
    void plainListenerTakesAnonymousClients() {
        try (Mosquitto plain = Mosquitto.plain().maxInflightMessages(1).start();
                TestSubscriber subscriber = TestSubscriber.connectPlain(plain.port())) {
            subscriber.subscribe("plain/#");
            subscriber.publish("plain/x", "y");

            assertThat(subscriber.awaitMessages(1, WAIT).get(0).payloadUtf8()).isEqualTo("y");
        }
    }
}
