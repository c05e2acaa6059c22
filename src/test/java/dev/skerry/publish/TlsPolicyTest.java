package dev.skerry.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.skerry.config.Format;
import dev.skerry.testing.EmbeddedBroker;
import dev.skerry.testing.Mosquitto;
import dev.skerry.testing.TestPki;
import dev.skerry.testing.TestSubscriber;
import dev.skerry.testing.TlsServer;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.net.PemKeyCertOptions;

/**
 * Every way a TLS connection must fail does fail, and the report stays in the spool; the
 * working configuration next to each proves the failure comes from the fault under test.
 */
class TlsPolicyTest extends PublishingTestBase {

    enum Fault {
        UNKNOWN_CA("not signed by a CA in SKERRY_TLS_CA"),
        WRONG_HOST_NAME("not issued for localhost"),
        EXPIRED_SERVER_CERTIFICATE("expired certificate"),
        CLIENT_CERTIFICATE_FROM_UNTRUSTED_CA("refuse"),
        CLOCK_BEFORE_CERTIFICATE("device clock");

        final String logged;

        Fault(String logged) {
            this.logged = logged;
        }
    }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void aFaultyConnectionDeliversNothingAndKeepsTheReport(Fault fault) throws Exception {
        Mosquitto.assumeAvailable();
        Mosquitto.ServerCertificate serverCertificate = switch (fault) {
            case WRONG_HOST_NAME -> Mosquitto.ServerCertificate.WRONG_HOST;
            case EXPIRED_SERVER_CERTIFICATE -> Mosquitto.ServerCertificate.EXPIRED;
            case CLOCK_BEFORE_CERTIFICATE -> Mosquitto.ServerCertificate.NOT_YET_VALID;
            default -> Mosquitto.ServerCertificate.VALID;
        };
        Mosquitto broker = closeLater(Mosquitto.tls(pki).serverCertificate(serverCertificate).start());
        TlsMaterial tls = switch (fault) {
            case UNKNOWN_CA -> TlsMaterial.fromFiles(pki.clientCert(), pki.clientKeyRsa(), pki.rogueCaPem());
            case CLIENT_CERTIFICATE_FROM_UNTRUSTED_CA -> TlsMaterial.fromFiles(pki.rogueClientCert(), pki.rogueClientKey(), pki.caPem());
            default -> tls(pki);
        };
        start(endpoint("localhost", broker.port()), tls, GENERIC, MqttQoS.AT_LEAST_ONCE, false);

        spoolReport(7001, Format.JSON);

        await().atMost(Duration.ofSeconds(20)).until(() -> publisher.lastProblem() != null);
        Thread.sleep(3000); // several reconnect attempts
        assertThat(publisher.lastProblem()).contains(fault.logged);
        assertThat(publisher.problemsLogged()).as("logged once, not once per retry").isEqualTo(1);
        assertThat(broker.logText()).as("the broker never saw a PUBLISH").doesNotContain("Received PUBLISH");
        assertThat(spool.size()).isEqualTo(1);
        assertThat(publisher.delivered(7001)).isNotDone();
    }

    @Test
    void aBrokerThatOnlySpeaksTls11IsRefused() throws Exception {
        TlsServer legacy = closeLater(TlsServer.tls11Only(pki));
        start(endpoint("localhost", legacy.port()), tls(pki), GENERIC, MqttQoS.AT_LEAST_ONCE, false);

        spoolReport(7101, Format.JSON);

        await().atMost(Duration.ofSeconds(20)).until(() -> publisher.lastProblem() != null);
        assertThat(publisher.lastProblem()).contains("does not speak TLS 1.2 or 1.3");
        assertThat(spool.size()).isEqualTo(1);
    }

    @Test
    void theClientOffersOnlyTls12And13AndVerifiesHostNames() throws Exception {
        var options = BrokerOptions.build(endpoint("localhost", 8883), tls(pki));

        assertThat(options.getEnabledSecureTransportProtocols()).containsExactlyInAnyOrder("TLSv1.2", "TLSv1.3");
        assertThat(options.getHostnameVerificationAlgorithm()).isEqualTo("HTTPS");
        assertThat(options.isTrustAll()).isFalse();
        assertThat(BrokerOptions.weakness(options)).isNull();

        options.setTrustAll(true);
        assertThat(BrokerOptions.weakness(options)).contains("trust-all");
        options.setTrustAll(false).setHostnameVerificationAlgorithm("");
        assertThat(BrokerOptions.weakness(options)).contains("host name");
        options.setHostnameVerificationAlgorithm("HTTPS");
        options.addEnabledSecureTransportProtocol("TLSv1.1");
        assertThat(BrokerOptions.weakness(options)).contains("TLSv1.1");
    }

    @Test
    void alpnAsksForAwsMqttOnPort443() throws Exception {
        var keyManagers = new PemKeyCertOptions().setCertPath(pki.serverCert().toString()).setKeyPath(pki.serverKey().toString())
                .getKeyManagerFactory(vertx).getKeyManagers();
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers, null, null);
        List<List<String>> offered = new CopyOnWriteArrayList<>();
        try (SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try (SSLSocket socket = (SSLSocket) server.accept()) {
                    socket.setHandshakeApplicationProtocolSelector((engine, protocols) -> {
                        offered.add(List.copyOf(protocols));
                        return BrokerOptions.AWS_ALPN;
                    });
                    socket.startHandshake();
                    InputStream in = socket.getInputStream();
                    in.read();
                } catch (Exception e) {
                    // the agent hangs up when no CONNACK comes: the handshake is what this test checks
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            var alpn = new BrokerOptions.Endpoint("localhost", server.getLocalPort(), THING, Duration.ofSeconds(10), Duration.ofSeconds(2),
                    Optional.empty(), Optional.empty(), true, Optional.empty(), Duration.ofMillis(200), Duration.ofSeconds(1));
            start(alpn, tls(pki), GENERIC, MqttQoS.AT_LEAST_ONCE, false);

            await().atMost(Duration.ofSeconds(20)).until(() -> !offered.isEmpty());
        }
        assertThat(offered.get(0)).containsExactly("x-amzn-mqtt-ca");
    }

    @ParameterizedTest
    @EnumSource(TunnelProxy.Kind.class)
    void reportsGoOutThroughAnOutboundProxy(TunnelProxy.Kind kind) throws Exception {
        Mosquitto.assumeAvailable();
        Mosquitto broker = closeLater(Mosquitto.tls(pki).start());
        TestSubscriber subscriber = closeLater(TestSubscriber.connectTls(broker.port(), pki).subscribe("fleet/#"));
        TunnelProxy proxy = closeLater(new TunnelProxy(kind));
        String url = (kind == TunnelProxy.Kind.HTTP ? "http" : "socks5") + "://127.0.0.1:" + proxy.port();
        var viaProxy = new BrokerOptions.Endpoint("localhost", broker.port(), THING, Duration.ofSeconds(10), Duration.ofSeconds(2),
                Optional.empty(), Optional.empty(), false, Optional.of(url), Duration.ofMillis(200), Duration.ofSeconds(1));
        start(viaProxy, tls(pki), GENERIC, MqttQoS.AT_LEAST_ONCE, false);

        spoolReport(7201, Format.JSON);

        assertThat(ids(subscriber.awaitMessages(1, TestSubscriber.TIMEOUT))).containsExactly(7201L);
        assertThat(proxy.targets()).isNotEmpty().allSatisfy(target -> assertThat(target).endsWith(":" + broker.port()));
    }

    /** Runs without Mosquitto: the embedded broker, with mutual TLS. */
    @Test
    void deliversToTheEmbeddedBrokerOverMutualTls() throws Exception {
        EmbeddedBroker broker = closeLater(EmbeddedBroker.startTls(pki));
        start(endpoint("localhost", broker.port()), tls(pki), GENERIC, MqttQoS.AT_LEAST_ONCE, false);

        spoolReport(7301, Format.JSON);

        assertThat(ids(broker.awaitPublished(1, TestSubscriber.TIMEOUT))).containsExactly(7301L);
        await().atMost(Duration.ofSeconds(10)).until(() -> spool.size() == 0);
    }
}
