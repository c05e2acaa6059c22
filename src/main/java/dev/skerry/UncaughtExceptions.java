package dev.skerry;

import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;

import dev.skerry.log.OncePerCause;

/**
 * The last line of defence: an exception that escapes any thread is logged (once per distinct
 * cause) and the agent goes on. The report streams contain their own failures; this catches
 * whatever a library thread lets through.
 */
final class UncaughtExceptions implements Thread.UncaughtExceptionHandler {

    private static final Logger LOG = Logger.getLogger(UncaughtExceptions.class);
    private static final int MAX_REMEMBERED = 64;

    private final OncePerCause seen = OncePerCause.distinct(MAX_REMEMBERED);
    final AtomicLong count = new AtomicLong();

    @Override
    public void uncaughtException(Thread thread, Throwable failure) {
        count.incrementAndGet();
        String cause = failure.getClass().getName() + ": " + failure.getMessage();
        if (seen.first(cause)) {
            LOG.errorf(failure, "Uncaught exception in thread %s (logged once per cause; skerry keeps running)", thread.getName());
        }
    }
}
