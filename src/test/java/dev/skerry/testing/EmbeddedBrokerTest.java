package dev.skerry.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.vertx.mqtt.MqttClientOptions;

class EmbeddedBrokerTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final TestPki PKI = TestPki.get();

    @Test
    void plainBrokerDeliversAndRecordsAMessage() {
        try (EmbeddedBroker broker = EmbeddedBroker.startPlain();
                TestSubscriber subscriber = TestSubscriber.connectPlain(broker.port())) {
            subscriber.subscribe("skerry/embedded/#");
            subscriber.publish("skerry/embedded/one", "1");

            assertThat(subscriber.awaitMessages(1, WAIT)).singleElement()
                    .satisfies(message -> assertThat(message.payloadUtf8()).isEqualTo("1"));
            assertThat(broker.awaitPublished(1, WAIT)).singleElement().satisfies(message -> {
                assertThat(message.topic()).isEqualTo("skerry/embedded/one");
                assertThat(message.payloadUtf8()).isEqualTo("1");
                assertThat(message.qos()).isEqualTo(1);
                assertThat(message.clientId()).isEqualTo(subscriber.clientId());
            });
        }
    }

    @Test
    void tlsBrokerRequiresAClientCertificateFromTheCa() {
        try (EmbeddedBroker broker = EmbeddedBroker.startTls(PKI)) {
            try (TestSubscriber subscriber = TestSubscriber.connectTls(broker.port(), PKI)) {
                subscriber.publish("skerry/embedded/tls", "secret");
                assertThat(broker.awaitPublished(1, WAIT).get(0).payloadUtf8()).isEqualTo("secret");
            }

            MqttClientOptions noCertificate = TestSubscriber.tlsOptions(PKI);
            noCertificate.setKeyCertOptions(null);
            assertThatThrownBy(() -> TestSubscriber.connect("127.0.0.1", broker.port(), noCertificate).close())
                    .hasMessageContaining("MQTT connect");
        }
    }

    @Test
    void restartKeepsThePortAndDropsClients() {
        try (EmbeddedBroker broker = EmbeddedBroker.startPlain(); TestSubscriber subscriber = TestSubscriber.connectPlain(broker.port())) {
            int port = broker.port();

            broker.restart();

            assertThat(broker.port()).isEqualTo(port);
            await().atMost(WAIT).until(() -> !subscriber.isConnected());
            try (TestSubscriber again = TestSubscriber.connectPlain(port)) {
                assertThat(again.isConnected()).isTrue();
            }
        }
    }
}
