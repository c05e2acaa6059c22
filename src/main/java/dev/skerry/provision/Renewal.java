package dev.skerry.provision;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.skerry.log.OncePerCause;
import dev.skerry.provision.IdentityStore.Identity;
import dev.skerry.publish.TlsMaterial;
import io.smallrye.reactive.messaging.mqtt.session.MqttClientSessionOptions;
import io.vertx.core.Vertx;

/**
 * Renewal of a provisioned identity before its certificate expires: a new key, the same create-from-csr and
 * provision calls over a connection made with the working identity, then a connection with the new pair; only once
 * the broker accepted that one does the new identity replace the old, which is removed. Any failure leaves the
 * working identity as it is.
 */
final class Renewal {

    private static final ProvisionMessages LOG = ProvisionMessages.of(Renewal.class);

    /** The MQTT options for a certificate and key. */
    interface Options {
        MqttClientSessionOptions of(Identity identity, TlsMaterial tls) throws IOException;
    }

    private final Vertx vertx;
    private final IdentityStore store;
    private final Provisioner.Settings settings;
    private final Options options;
    private final TlsMaterial.Authorities authorities;
    private final Clock clock;
    /** One for every attempt, so that a refusal repeated by the next attempt is not logged again. */
    private final Provisioner provisioner;
    private volatile Identity current;
    private Instant announced;
    private final OncePerCause problems = OncePerCause.untilItChanges();

    Renewal(Vertx vertx, IdentityStore store, Provisioner.Settings settings, Options options, TlsMaterial.Authorities authorities, Clock clock) {
        this.vertx = vertx;
        this.store = store;
        this.settings = settings;
        this.options = options;
        this.authorities = authorities;
        this.clock = clock;
        this.provisioner = new Provisioner(store.renewal(), settings,
                (requests, problems) -> new ClaimSession(vertx, options.of(current, authorities.with(current.certificate(), current.key())), requests,
                        problems), clock);
    }

    static Instant notAfter(Path certificate) throws IOException {
        try (InputStream in = Files.newInputStream(certificate)) {
            return ((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in)).getNotAfter().toInstant();
        } catch (GeneralSecurityException e) {
            throw new IOException(certificate + " is not a certificate");
        }
    }

    boolean due(Identity identity, Duration renewBefore) throws IOException {
        return notAfter(identity.certificate()).minus(renewBefore).isBefore(clock.instant());
    }

    /** How long until the certificate enters the window; zero or less once it has. */
    Duration untilDue(Identity identity, Duration renewBefore) throws IOException {
        return Duration.between(clock.instant(), notAfter(identity.certificate()).minus(renewBefore));
    }

    /** The identity to publish with: the renewed one, or the working one when renewal did not succeed within the time given. */
    Identity renew(Identity working, Duration within) throws IOException, InterruptedException {
        return attempt(working, within).orElse(working);
    }

    /**
     * The renewed identity, switched to; empty when renewal did not succeed within the time given and the working
     * identity stays. Each distinct failure is logged once until it changes, across attempts.
     */
    synchronized Optional<Identity> attempt(Identity working, Duration within) throws IOException, InterruptedException {
        Instant expires = notAfter(working.certificate());
        if (!expires.equals(announced)) {
            announced = expires;
            LOG.renewing(expires);
        }
        current = working;
        IdentityStore next = store.renewal();
        Optional<Identity> renewed = provisioner.identity(System.nanoTime() + within.toNanos());
        if (renewed.isEmpty()) {
            String waited = dev.skerry.config.Checks.describe(within);
            problem("timed out " + waited + " " + expires, () -> LOG.renewalTimedOut(waited, expires));
            return Optional.empty();
        }
        boolean accepted;
        try (ClaimSession test = new ClaimSession(vertx, options.of(renewed.get(), authorities.with(renewed.get().certificate(), renewed.get().key())),
                List.of(), problem -> {})) {
            accepted = test.connects(settings.answerTimeout());
        }
        if (!accepted) {
            String waited = dev.skerry.config.Checks.describe(settings.answerTimeout());
            problem("not accepted " + waited + " " + expires, () -> LOG.renewedNotAccepted(waited, expires));
            next.discard();
            return Optional.empty();
        }
        store.switchTo(next);
        Identity switched = store.identity().orElseThrow(() -> new IOException("the renewed identity vanished while switching"));
        LOG.switched(notAfter(switched.certificate()));
        problems.clear();
        return Optional.of(switched);
    }

    /** Logged once until it changes: the cause is the key, the log line its message. */
    private void problem(String cause, Runnable log) {
        if (problems.first(cause)) {
            log.run();
        }
    }
}
