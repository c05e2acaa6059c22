package dev.skerry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UncaughtExceptionsTest {

    @Test
    void anExceptionEscapingAThreadIsCaughtAndTheRestGoesOn() throws Exception {
        UncaughtExceptions handler = new UncaughtExceptions();
        for (int i = 0; i < 3; i++) {
            Thread thread = new Thread(() -> {
                throw new IllegalStateException("a library thread failed");
            });
            thread.setUncaughtExceptionHandler(handler);
            thread.start();
            thread.join();
        }
        Thread survivor = new Thread(() -> { });
        survivor.start();
        survivor.join();

        assertThat(handler.count.get()).isEqualTo(3);
        assertThat(survivor.getState()).isEqualTo(Thread.State.TERMINATED);
    }
}
