package dev.skerry.publish;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import io.smallrye.reactive.messaging.mqtt.session.ReconnectDelayOptions;
import io.smallrye.reactive.messaging.mqtt.session.ReconnectDelayProvider;

/**
 * Reconnect delays that double from base up to max, each drawn at random between half and all of
 * that step ("equal jitter"), so that a fleet that lost its broker at the same moment does not
 * come back at the same moment.
 */
public record JitteredBackoff(Duration base, Duration max) implements ReconnectDelayOptions {

    @Override
    public ReconnectDelayProvider createProvider() {
        return new ReconnectDelayProvider() {
            private int attempt;

            @Override
            public Duration nextDelay() {
                return delay(attempt++);
            }

            @Override
            public void reset() {
                attempt = 0;
            }
        };
    }

    public Duration delay(int attempt) {
        long step = base.toMillis() << Math.min(attempt, 20);
        long capped = Math.min(step <= 0 ? Long.MAX_VALUE : step, max.toMillis());
        return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
    }

    @Override
    public ReconnectDelayOptions copy() {
        return this;
    }
}
