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

/** The identity a provisioned device publishes with: its thing name and its own certificate and key. */
public record DeviceIdentity(String thingName, TlsMaterial tls) {

    private static final ProvisionMessages LOG = ProvisionMessages.of(DeviceIdentity.class);

    /** How long a renewal may take at start before skerry goes on with the working certificate. */
    static final Duration RENEWAL_TIME = Duration.ofMinutes(2);

    /**
     * The stored identity, else one provisioned by claim now: waits, retrying, until there is one. With
     * SKERRY_RENEW_BEFORE, a certificate that expires within it is renewed first (a failure keeps it).
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
        if (config.renewBefore().isPresent()) {
            Renewal renewal = new Renewal(vertx, store, settings,
                    (current, tls) -> BrokerOptions.build(BrokerOptions.Endpoint.of(config, current.thingName(), portGiven), tls), authorities,
                    Clock.systemUTC());
            try {
                if (renewal.due(identity, config.renewBefore().get())) {
                    identity = renewal.renew(identity, RENEWAL_TIME);
                }
            } catch (IOException e) {
                LOG.renewalFailed(e.getMessage());
                store.recover();
                identity = store.identity().orElse(identity);
            }
        }
        return new DeviceIdentity(identity.thingName(), authorities.with(identity.certificate(), identity.key()));
    }
}
