package dev.skerry.provision;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.skerry.config.SkerryConfig;
import dev.skerry.publish.BrokerOptions;
import dev.skerry.publish.JitteredBackoff;
import dev.skerry.publish.TlsMaterial;
import io.vertx.core.Vertx;

/**
 * The identity a provisioned device publishes with: its thing name and its own certificate and key, whose files
 * {@link #certificate()} and {@link #key()} hold the renewed pair once a renewal switched to it.
 */
public final class DeviceIdentity {

    private static final ProvisionMessages LOG = ProvisionMessages.of(DeviceIdentity.class);

    /** How long one renewal attempt may take before the working certificate is kept and the attempt given up. */
    static final Duration RENEWAL_TIME = Duration.ofMinutes(2);

    private final String thingName;
    private final TlsMaterial tls;
    private final IdentityStore.Identity stored;
    private final IdentityStore store;
    private final Renewal renewal;
    private final Duration renewBefore;

    private DeviceIdentity(String thingName, TlsMaterial tls, IdentityStore.Identity stored, IdentityStore store, Renewal renewal,
            Duration renewBefore) {
        this.thingName = thingName;
        this.tls = tls;
        this.stored = stored;
        this.store = store;
        this.renewal = renewal;
        this.renewBefore = renewBefore;
    }

    public String thingName() {
        return thingName;
    }

    public TlsMaterial tls() {
        return tls;
    }

    public Path certificate() {
        return stored.certificate();
    }

    public Path key() {
        return stored.key();
    }

    /**
     * The stored identity, else one provisioned by claim now: waits, retrying, until there is one. Renewal, with
     * SKERRY_RENEW_BEFORE, is {@link #renewWhileRunning}'s.
     */
    public static DeviceIdentity obtain(Vertx vertx, SkerryConfig config, String thing, boolean portGiven, Path stateDir)
            throws IOException, InterruptedException {
        IdentityStore store = new IdentityStore(stateDir);
        store.recover();
        SkerryConfig.Provisioning provisioning = config.provisioning();
        ObjectNode parameters = (ObjectNode) new ObjectMapper().readTree(provisioning.parameters().orElse("{}"));
        if (!parameters.has("SerialNumber")) {
            parameters.put("SerialNumber", thing);
        }
        var settings = new Provisioner.Settings(provisioning.template().orElseThrow(), DeviceKey.Kind.of(provisioning.key()), parameters, thing,
                config.mqtt().ackTimeout(), new JitteredBackoff(config.retry().base(), config.retry().max()));
        Provisioner provisioner = new Provisioner(store, settings, (requests, problems) -> new ClaimSession(vertx,
                // the claim is read only now: once an identity is stored it is never touched again
                BrokerOptions.build(BrokerOptions.Endpoint.of(config, thing, portGiven), TlsMaterial.claim(config.claim(), config.tls())),
                requests, problems), Clock.systemUTC());
        IdentityStore.Identity identity = provisioner.identity();
        var authorities = TlsMaterial.Authorities.of(config.tls());
        Renewal renewal = config.renewBefore().isEmpty() ? null : new Renewal(vertx, store, settings,
                // a client ID of its own: the publisher's connection, up meanwhile, would be taken over by one with its ID
                (current, tls) -> BrokerOptions.build(BrokerOptions.Endpoint.of(config, current.thingName() + RENEWAL_CLIENT_SUFFIX, portGiven), tls),
                authorities, Clock.systemUTC());
        if (renewal != null && config.once()) {
            identity = renewAtStart(store, renewal, identity, config.renewBefore().get()); // a once run ends too soon for the background
        }
        return new DeviceIdentity(identity.thingName(), authorities.with(identity.certificate(), identity.key()), identity, store, renewal,
                config.renewBefore().orElse(null));
    }

    private static IdentityStore.Identity renewAtStart(IdentityStore store, Renewal renewal, IdentityStore.Identity identity, Duration renewBefore)
            throws IOException, InterruptedException {
        try {
            return renewal.due(identity, renewBefore) ? renewal.renew(identity, RENEWAL_TIME) : identity;
        } catch (IOException e) {
            LOG.renewalFailed(e.getMessage());
            store.recover();
            return store.identity().orElse(identity);
        }
    }

    /** The client ID of renewal's connections: the thing name and this. */
    public static final String RENEWAL_CLIENT_SUFFIX = "-renewal";

    /**
     * With SKERRY_RENEW_BEFORE: renews the certificate in the background whenever it is within the window (looked at
     * now, then as {@link RenewalSchedule} says); renewed runs after each switch to a new pair. Without it: nothing.
     */
    public AutoCloseable renewWhileRunning(Runnable renewed) {
        if (renewal == null) {
            return () -> {
            };
        }
        LOG.debugf("Renewal: the device certificate is looked at now and at least every %s", RenewalSchedule.CHECK_EVERY);
        return new RenewalSchedule(store, renewal, renewBefore, RENEWAL_TIME, renewed,
                new JitteredBackoff(RenewalSchedule.RETRY_BASE, RenewalSchedule.CHECK_EVERY)).start();
    }
}
