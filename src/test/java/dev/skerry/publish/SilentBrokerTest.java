package dev.skerry.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import dev.skerry.testing.CapturedLog;

import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.net.PemKeyCertOptions;

/** A broker that completes TLS, reads the CONNECT and never answers: the log says so, not that it refuses the certificate. */
class SilentBrokerTest extends PublishingTestBase {

    @AutoClose
    final CapturedLog log = CapturedLog.of(Connection.class);

    @Test
    void aBrokerThatNeverSendsConnackIsReportedAsSuch() throws Exception {
        var keyManagers = new PemKeyCertOptions().setCertPath(pki.serverCert().toString()).setKeyPath(pki.serverKey().toString())
                .getKeyManagerFactory(vertx).getKeyManagers();
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers, null, null);
        AtomicInteger accepted = new AtomicInteger();
        try (SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        SSLSocket socket = (SSLSocket) server.accept();
                        accepted.incrementAndGet();
                        Thread reader = new Thread(() -> {
                            try (socket; InputStream in = socket.getInputStream()) {
                                while (in.read() >= 0) {
                                    // the CONNECT, read and never answered
                                }
                            } catch (Exception e) {
                                // the agent hung up
                            }
                        });
                        reader.setDaemon(true);
                        reader.start();
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            // a keepalive of 2 s: the client pings after 2 s without a CONNACK and hangs up when no answer comes
            start(endpoint("localhost", server.getLocalPort(), Duration.ofSeconds(2), Duration.ofSeconds(2)), tls(pki), GENERIC,
                    MqttQoS.AT_LEAST_ONCE, false);

            await().atMost(Duration.ofSeconds(60)).until(() -> publisher.lastProblem() != null && accepted.get() >= 3);
            assertThat(publisher.lastProblem()).contains("no CONNACK came within the timeout (the keepalive of 2s")
                    .doesNotContain("certificate");
            assertThat(log.records()).as("one line for every attempt that was never answered")
                    .filteredOn(record -> CapturedLog.formatted(record).contains("CONNACK")).hasSize(1);
        }
    }
}
