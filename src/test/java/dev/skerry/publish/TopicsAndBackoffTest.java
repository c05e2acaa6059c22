package dev.skerry.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import dev.skerry.config.Format;
import io.vertx.core.net.ProxyType;

class TopicsAndBackoffTest {

    @Test
    void replayPausesOnlyForWhatIsLeftOfEachReportsShareOfASecond() {
        long ms = 1_000_000;
        // 50 a second: 20 ms per report, of which the send took 5
        assertThat(DrainStream.pauseAfter(100 * ms, 105 * ms, 50)).isEqualTo(Duration.ofMillis(15));
        // a send slower than the rate allows: no pause at all
        assertThat(DrainStream.pauseAfter(100 * ms, 130 * ms, 50)).isZero();
        // the highest rate: 0.1 ms per report, already spent by any real send
        assertThat(DrainStream.pauseAfter(0, 2 * ms, 10_000)).isZero();
        assertThat(DrainStream.pauseAfter(0, 0, 10_000)).isEqualTo(Duration.ofNanos(100_000));
    }

    @Test
    void deviceDefenderTopicIsTheDefaultAndSelectsItsMode() {
        Topics topics = Topics.of(Optional.empty(), "pi-7", Format.CBOR);

        assertThat(topics.metrics()).isEqualTo("$aws/things/pi-7/defender/metrics/cbor");
        assertThat(topics.accepted()).isEqualTo("$aws/things/pi-7/defender/metrics/cbor/accepted");
        assertThat(topics.rejected()).isEqualTo("$aws/things/pi-7/defender/metrics/cbor/rejected");
        assertThat(topics.deviceDefender()).isTrue();
        assertThat(topics.metrics(Format.JSON)).isEqualTo("$aws/things/pi-7/defender/metrics/json");
    }

    @Test
    void anyOtherTopicIsGenericMode() {
        Topics topics = Topics.of(Optional.of("fleet/{thing}/health.{format}"), "pi-7", Format.JSON);

        assertThat(topics.metrics()).isEqualTo("fleet/pi-7/health.json");
        assertThat(topics.deviceDefender()).isFalse();
    }

    @RepeatedTest(20)
    void backoffDoublesWithJitterUpToTheCap() {
        JitteredBackoff backoff = new JitteredBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30));

        assertThat(backoff.delay(0).toMillis()).isBetween(500L, 1000L);
        assertThat(backoff.delay(1).toMillis()).isBetween(1000L, 2000L);
        assertThat(backoff.delay(3).toMillis()).isBetween(4000L, 8000L);
        assertThat(backoff.delay(5).toMillis()).isBetween(15_000L, 30_000L);
        assertThat(backoff.delay(500).toMillis()).isBetween(15_000L, 30_000L);
    }

    @Test
    void theProviderStartsOverAfterReset() {
        var provider = new JitteredBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30)).createProvider();
        for (int i = 0; i < 6; i++) {
            provider.nextDelay();
        }
        provider.reset();

        assertThat(provider.nextDelay().toMillis()).isBetween(500L, 1000L);
    }

    @Test
    void proxyUrlsBecomeProxyOptions() {
        var http = BrokerOptions.proxy("http://proxy.local:3128");
        var socks = BrokerOptions.proxy("socks5://fleet:s3cret@10.0.0.1:1080");

        assertThat(http.getType()).isEqualTo(ProxyType.HTTP);
        assertThat(http.getHost()).isEqualTo("proxy.local");
        assertThat(http.getPort()).isEqualTo(3128);
        assertThat(http.getUsername()).isNull();
        assertThat(socks.getType()).isEqualTo(ProxyType.SOCKS5);
        assertThat(socks.getUsername()).isEqualTo("fleet");
        assertThat(socks.getPassword()).isEqualTo("s3cret");
    }
}
