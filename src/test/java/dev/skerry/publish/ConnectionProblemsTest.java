package dev.skerry.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLHandshakeException;

import org.junit.jupiter.api.Test;

import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.vertx.core.VertxException;

/** Each connection failure seen from the MQTT client, as the operator reads it: a cause in words, no class names. */
class ConnectionProblemsTest {

    private static final String BROKER = "broker.example:8883";

    private static String describe(Throwable failure) {
        String line = ConnectionProblems.describe(failure, BROKER);
        assertThat(line).doesNotContain("Exception").doesNotContain("java.").doesNotContain("io.netty").doesNotContain("io.vertx")
                .doesNotContain("\n");
        return line;
    }

    /** The JDK's first look-up and its cached failure differ in their messages: one line for both, logged once. */
    @Test
    void aNameThatDoesNotResolve() {
        String first = describe(new UnknownHostException("broker.example: Name or service not known"));
        String cached = describe(new UnknownHostException("broker.example"));

        assertThat(first).isEqualTo(cached).contains("broker.example could not be resolved (DNS)").doesNotContain(":8883");
    }

    @Test
    void aTlsHandshakeThatTimesOut() {
        assertThat(describe(new SslHandshakeTimeoutException("handshake timed out after 10000ms")))
                .startsWith("the TLS handshake with " + BROKER + " timed out");
    }

    @Test
    void aConnectionClosedByTheBrokerDuringTheHandshake() {
        for (Throwable closed : new Throwable[] {new ClosedChannelException(), new VertxException("Connection closed"),
            new VertxException("Connection closed", new ClosedChannelException())}) {
            assertThat(describe(closed)).as(closed.toString())
                    .startsWith("the connection was closed by the broker " + BROKER + " during the handshake: check its log for the client certificate");
        }
    }

    @Test
    void noConnackWithinTheTimeout() {
        assertThat(describe(new TimeoutException())).startsWith("connected to " + BROKER + ", but no CONNACK came within the timeout");
        assertThat(describe(new io.smallrye.mutiny.TimeoutException())).contains("no CONNACK");
    }

    @Test
    void aConnectionTheClientClosedAfterTheKeepaliveWasNeverAnsweredNotRefused() {
        Exception closed = new IllegalStateException("Closed");
        Duration keepalive = Duration.ofSeconds(60);

        assertThat(ConnectionProblems.describe(closed, BROKER, Duration.ofSeconds(75), keepalive))
                .startsWith("connected to " + BROKER + ", but no CONNACK came within the timeout (the keepalive of 60s");
        assertThat(ConnectionProblems.describe(closed, BROKER, Duration.ofMillis(300), keepalive))
                .as("closed at once: the broker refused").contains("may refuse the client certificate");
        assertThat(ConnectionProblems.describe(closed, BROKER, Duration.ofSeconds(75), null))
                .as("an attempt after a connection that was up").contains("may refuse the client certificate");
    }

    @Test
    void otherCausesAreNamedInWordsToo() {
        assertThat(describe(new ConnectException("Connection refused"))).contains("nothing listens at " + BROKER);
        assertThat(describe(new SSLHandshakeException("Received fatal alert: bad_certificate"))).contains("refused the client certificate");
        assertThat(describe(new IllegalStateException())).isEqualTo("cannot connect to " + BROKER + ": illegal state");
        assertThat(describe(new RuntimeException("java.io.IOException: Broken pipe"))).isEqualTo("cannot connect to " + BROKER + ": Broken pipe");
    }
}
