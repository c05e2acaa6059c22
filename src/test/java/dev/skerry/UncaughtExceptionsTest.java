package dev.skerry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import dev.skerry.testing.CapturedLog;

class UncaughtExceptionsTest {

    @AutoClose
    final CapturedLog log = CapturedLog.of(UncaughtExceptions.class);

    private static void failIn(UncaughtExceptions handler, String name, RuntimeException failure) throws InterruptedException {
        Thread thread = new Thread(() -> {
            throw failure;
        }, name);
        thread.setUncaughtExceptionHandler(handler);
        thread.start();
        thread.join();
    }

    @Test
    void everyEscapedExceptionIsCountedAndEachCauseLoggedOnceWithItsThread() throws Exception {
        UncaughtExceptions handler = new UncaughtExceptions();
        for (int i = 0; i < 3; i++) {
            failIn(handler, "vert.x-eventloop-thread-" + i, new IllegalStateException("a library thread failed"));
        }
        failIn(handler, "other", new IllegalArgumentException("another cause"));

        assertThat(handler.count.get()).isEqualTo(4);
        assertThat(log.records()).extracting(CapturedLog::formatted).containsExactly(
                "SKR0709: Uncaught exception in thread vert.x-eventloop-thread-0 (logged once per cause; skerry keeps running)",
                "SKR0709: Uncaught exception in thread other (logged once per cause; skerry keeps running)");
        assertThat(log.records()).extracting(record -> record.getThrown().getMessage())
                .containsExactly("a library thread failed", "another cause");
    }

    @Test
    void distinctCausesBeyondTheBoundAreCountedNotLogged() throws Exception {
        UncaughtExceptions handler = new UncaughtExceptions();
        for (int i = 0; i < 100; i++) {
            failIn(handler, "worker", new IllegalStateException("cause " + i));
        }

        assertThat(handler.count.get()).isEqualTo(100);
        assertThat(log.records()).as("remembered causes are bounded, so is the log").hasSize(64);
    }
}
