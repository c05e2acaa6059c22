package dev.skerry.provision;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.skerry.config.SkerryConfig;
import dev.skerry.publish.BrokerOptions;
import dev.skerry.publish.JitteredBackoff;
import dev.skerry.publish.TlsMaterial;
import io.vertx.core.Vertx;

/** The identity a provisioned device publishes with: its thing name and its own certificate and key. */
public record DeviceIdentity(String thingName, TlsMaterial tls) {

    /** The stored identity, else one provisioned by claim now: waits, retrying, until there is one. */
    public static DeviceIdentity obtain(Vertx vertx, SkerryConfig config, String thing, boolean portGiven, Path stateDir)
            throws IOException, InterruptedException {
        IdentityStore store = new IdentityStore(stateDir);
        SkerryConfig.Provisioning provisioning = config.provisioning();
        ObjectNode parameters = (ObjectNode) new ObjectMapper().readTree(provisioning.parameters().orElse("{}"));
        if (!parameters.has("SerialNumber")) {
            parameters.put("SerialNumber", thing);
        }
        var settings = new Provisioner.Settings(provisioning.template().orElseThrow(), DeviceKey.Kind.of(provisioning.key()), parameters, thing,
                config.mqtt().ackTimeout(), new JitteredBackoff(config.retry().base(), config.retry().max()));
        var endpoint = BrokerOptions.Endpoint.of(config, thing, portGiven);
        Provisioner provisioner = new Provisioner(store, settings, (requests, problems) -> new ClaimSession(vertx,
                // the claim is read only now: once an identity is stored it is never touched again
                BrokerOptions.build(endpoint, TlsMaterial.claim(config.claim(), config.tls())), requests, problems), Clock.systemUTC());
        IdentityStore.Identity identity = provisioner.identity();
        return new DeviceIdentity(identity.thingName(), TlsMaterial.withAuthorities(identity.certificate(), identity.key(), config.tls()));
    }
}
