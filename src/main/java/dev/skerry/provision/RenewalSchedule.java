package dev.skerry.provision;

import java.io.IOException;
import java.time.Duration;


import dev.skerry.log.OncePerCause;
import dev.skerry.provision.IdentityStore.Identity;
import dev.skerry.publish.JitteredBackoff;

/**
 * Renewal while skerry runs, on a thread of its own so that reports are never held up by it: the certificate's expiry
 * is looked at when it starts, then again when the certificate enters the SKERRY_RENEW_BEFORE window and at least
 * every {@link #CHECK_EVERY} (a clock set forward, a suspended device). Inside the window it renews; a renewal that
 * fails keeps the working identity and is tried again after a jittered backoff from {@link #RETRY_BASE} up to
 * {@link #CHECK_EVERY}. After a switch, renewed is told, to make the publisher connect with the new pair.
 */
final class RenewalSchedule implements AutoCloseable {

    private static final ProvisionMessages LOG = ProvisionMessages.of(RenewalSchedule.class);
    static final Duration CHECK_EVERY = Duration.ofHours(1);
    static final Duration RETRY_BASE = Duration.ofMinutes(1);
    /** The shortest wait between two looks, so that a certificate read as due but not renewable cannot spin. */
    private static final Duration AT_LEAST = Duration.ofSeconds(1);

    private final IdentityStore store;
    private final Renewal renewal;
    private final Duration renewBefore;
    private final Duration within;
    private final Runnable renewed;
    private final JitteredBackoff backoff;
    private final Thread thread;
    private final OncePerCause problems = OncePerCause.untilItChanges();

    RenewalSchedule(IdentityStore store, Renewal renewal, Duration renewBefore, Duration within, Runnable renewed, JitteredBackoff backoff) {
        this.store = store;
        this.renewal = renewal;
        this.renewBefore = renewBefore;
        this.within = within;
        this.renewed = renewed;
        this.backoff = backoff;
        this.thread = new Thread(this::run, "skerry-renewal");
        thread.setDaemon(true);
    }

    RenewalSchedule start() {
        thread.start();
        return this;
    }

    private void run() {
        int failures = 0;
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Duration wait;
                try {
                    Identity working = store.identity().orElseThrow(() -> new IOException("no device identity in " + store.dir()));
                    Duration untilDue = renewal.untilDue(working, renewBefore);
                    if (untilDue.isNegative() || untilDue.isZero()) {
                        java.util.Optional<Identity> next = renewal.attempt(working, within);
                        if (next.isPresent()) {
                            failures = 0;
                            problems.clear();
                            renewed.run();
                            Duration left = renewal.untilDue(next.get(), renewBefore);
                            if (!left.isNegative() && !left.isZero()) {
                                continue; // looks at the new certificate's expiry at once
                            }
                            problem("The renewed device certificate expires within SKERRY_RENEW_BEFORE too (its issuer gives shorter lives):"
                                    + " renewing it again in " + dev.skerry.config.Checks.describe(CHECK_EVERY));
                            wait = CHECK_EVERY;
                        } else {
                            wait = backoff.delay(failures++);
                        }
                    } else {
                        wait = untilDue.compareTo(CHECK_EVERY) < 0 ? untilDue : CHECK_EVERY;
                    }
                } catch (IOException | RuntimeException e) {
                    problem("Renewing the device certificate failed (" + e.getMessage() + "): publishing with the working one; it is tried again later");
                    recover();
                    wait = backoff.delay(failures++);
                }
                Thread.sleep(Math.max(wait.toMillis(), AT_LEAST.toMillis()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // skerry is stopping; a renewal cut short is resumed or undone at the next start
        }
    }

    private void recover() {
        try {
            store.recover();
        } catch (IOException e) {
            problem("Cannot tidy the device identity in " + store.dir() + " after a failed renewal: " + e.getMessage());
        }
    }

    private void problem(String problem) {
        if (problems.first(problem)) {
            LOG.provisioningProblem(problem);
        }
    }

    @Override
    public void close() {
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(5).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
