package dev.skerry.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** Runs on the embedded broker, so it needs nothing installed. */
class TestSubscriberTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void answersLikeDeviceDefender() {
        String thing = "things/" + TestPki.DEFAULT_THING_NAME + "/defender/metrics/json";
        try (EmbeddedBroker broker = EmbeddedBroker.startPlain();
                TestSubscriber defender = TestSubscriber.connectPlain(broker.port());
                TestSubscriber device = TestSubscriber.connectPlain(broker.port())) {
            defender.onMessage(report -> defender.publish(report.topic() + "/accepted", "{\"reportId\":1}"));
            defender.subscribe(thing);
            device.subscribe(thing + "/+");

            device.publish(thing, "{\"header\":{\"report_id\":1}}");

            assertThat(device.awaitMessages(1, WAIT)).singleElement().satisfies(reply -> {
                assertThat(reply.topic()).isEqualTo(thing + "/accepted");
                assertThat(reply.payloadUtf8()).isEqualTo("{\"reportId\":1}");
            });
            assertThat(defender.messages()).hasSize(1);
            assertThat(defender.clientId()).isNotEqualTo(device.clientId()).isNotEqualTo(TestPki.DEFAULT_THING_NAME);
        }
    }

    @Test
    void awaitMessagesSaysWhatArrived() {
        try (EmbeddedBroker broker = EmbeddedBroker.startPlain(); TestSubscriber subscriber = TestSubscriber.connectPlain(broker.port())) {
            subscriber.subscribe("a/#");
            subscriber.publish("a/b", "only one");
            subscriber.awaitMessages(1, WAIT);

            assertThatThrownBy(() -> subscriber.awaitMessages(2, Duration.ofMillis(200)))
                    .isInstanceOf(AssertionError.class).hasMessageContaining("only one");
        }
    }

    @Test
    void connectingToNothingFailsAndCleansUp() {
        int closedPort = Ports.free();

        assertThatThrownBy(() -> TestSubscriber.connectPlain(closedPort)).hasMessageContaining("MQTT connect to 127.0.0.1:" + closedPort);
    }
}
