package dev.skerry.provision;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.skerry.log.OncePerCause;
import dev.skerry.provision.ClaimSession.Answer;
import dev.skerry.provision.ClaimSession.NoAnswer;
import dev.skerry.provision.IdentityStore.Identity;
import dev.skerry.provision.IdentityStore.Pending;
import dev.skerry.publish.JitteredBackoff;

/**
 * AWS IoT fleet provisioning by claim, with a key made on the device: create-from-csr, then the template's provision
 * call, each step resumed from what {@link IdentityStore} holds, so that a crash at any point ends in one identity for
 * one key. A refusal or a missing answer is logged once until it changes and retried with jittered backoff; nothing
 * here ends the process. The claim connection is opened only while no identity is stored.
 */
final class Provisioner {

    private static final Logger LOG = Logger.getLogger(Provisioner.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String CREATE_FROM_CSR = "$aws/certificates/create-from-csr/json";
    /** AWS IoT: a certificate ownership token is valid for one hour. */
    static final Duration TOKEN_LIFETIME = Duration.ofHours(1);

    /** What provisioning sends. */
    record Settings(String template, DeviceKey.Kind keyKind, ObjectNode parameters, String commonName, Duration answerTimeout,
            JitteredBackoff backoff) {
        String registerTopic() {
            return "$aws/provisioning-templates/" + template + "/provision/json";
        }
    }

    private enum Step {
        PROGRESS, FAILED
    }

    private final IdentityStore store;
    private final Settings settings;
    private final Connector connector;
    private final Clock clock;
    private ClaimSession session;
    private final OncePerCause problems = OncePerCause.untilItChanges();

    /** Opens the claim connection, subscribed to the answers of requests, its problems given to problems. */
    interface Connector {
        ClaimSession open(List<String> requests, Consumer<String> problems) throws IOException;
    }

    /** The connector is called when a request is first needed: with an identity stored, never. */
    Provisioner(IdentityStore store, Settings settings, Connector connector, Clock clock) {
        this.store = store;
        this.settings = settings;
        this.connector = connector;
        this.clock = clock;
    }

    List<String> requestTopics() {
        return List.of(CREATE_FROM_CSR, settings.registerTopic());
    }

    /** The stored identity, or a new one once provisioning has made it; waits as long as that takes. */
    Identity identity() throws InterruptedException {
        return identity(null).orElseThrow();
    }

    /** Likewise, giving up (empty) once the deadline (System.nanoTime()) has passed; null: never. */
    Optional<Identity> identity(Long deadline) throws InterruptedException {
        int failures = 0;
        try {
            while (deadline == null || System.nanoTime() < deadline) {
                Step step;
                try {
                    Optional<Identity> identity = store.identity();
                    if (identity.isPresent()) {
                        return identity;
                    }
                    step = step();
                } catch (IOException | GeneralSecurityException e) {
                    problem("fleet provisioning cannot keep the device identity in " + store.dir() + ": " + e.getMessage());
                    step = Step.FAILED;
                }
                if (step == Step.PROGRESS) {
                    failures = 0;
                } else {
                    Thread.sleep(settings.backoff().delay(failures++).toMillis());
                }
            }
            return Optional.empty();
        } finally {
            if (session != null) {
                session.close();
                session = null;
            }
        }
    }

    private Step step() throws IOException, GeneralSecurityException, InterruptedException {
        Optional<KeyPair> stored = store.key();
        KeyPair key;
        if (stored.isPresent()) {
            key = stored.get();
        } else {
            key = store.createKey(settings.keyKind());
            LOG.infof("Fleet provisioning: made a new %s device key in %s", settings.keyKind().name().toLowerCase(Locale.ROOT).replace('_', '-'),
                    store.dir());
        }
        Optional<Pending> pending = store.pending();
        if (pending.isPresent() && !expired(pending.get())) {
            return register(pending.get());
        }
        if (pending.isPresent()) {
            LOG.infof("Fleet provisioning: the ownership token of certificate %s is older than %s; asking for a new certificate for the same key",
                    pending.get().certificateId(), "1h");
            store.forgetCertificate();
        }
        return requestCertificate(key);
    }

    private Step requestCertificate(KeyPair key) throws IOException, GeneralSecurityException, InterruptedException {
        ObjectNode request = JSON.createObjectNode().put("certificateSigningRequest", Csr.pem(key, settings.commonName()));
        Answer answer = ask(CREATE_FROM_CSR, request);
        if (answer == null) {
            return Step.FAILED;
        }
        if (!answer.accepted()) {
            rejected("the certificate signing request", answer.body());
            return Step.FAILED;
        }
        String pem = answer.body().path("certificatePem").asText("");
        String token = answer.body().path("certificateOwnershipToken").asText("");
        String id = answer.body().path("certificateId").asText("");
        X509Certificate certificate;
        try {
            certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException | RuntimeException e) {
            problem("fleet provisioning: create-from-csr was accepted without a readable certificatePem; asking again");
            return Step.FAILED;
        }
        if (!certificate.getPublicKey().equals(key.getPublic()) || token.isEmpty()) {
            problem("fleet provisioning: create-from-csr answered with a certificate for another key or without an ownership token; asking again");
            return Step.FAILED;
        }
        store.storeCertificate(pem, token, id, clock.instant());
        LOG.infof("Fleet provisioning: certificate %s issued for the device key (valid until %s); registering the thing with template %s", id,
                certificate.getNotAfter().toInstant(), settings.template());
        problems.clear();
        return Step.PROGRESS;
    }

    private Step register(Pending pending) throws IOException, InterruptedException {
        ObjectNode request = JSON.createObjectNode().put("certificateOwnershipToken", pending.ownershipToken());
        request.set("parameters", settings.parameters());
        Answer answer = ask(settings.registerTopic(), request);
        if (answer == null || !answer.accepted()) {
            if (answer != null) {
                rejected("registering the thing with template " + settings.template(), answer.body());
            }
            if (expired(pending) || answer != null && tokenRefused(answer.body())) {
                LOG.infof("Fleet provisioning: the ownership token of certificate %s is no longer valid; asking for a new certificate for the same key",
                        pending.certificateId());
                store.forgetCertificate();
            }
            return Step.FAILED;
        }
        String thing = answer.body().path("thingName").asText("");
        if (thing.isEmpty()) {
            thing = settings.commonName(); // a template without a thing resource: the device goes on under the name it asked with
        }
        store.complete(thing);
        LOG.infof("Fleet provisioning: registered as thing '%s' with certificate %s; the claim certificate is not used again", thing,
                pending.certificateId());
        problems.clear();
        return Step.PROGRESS;
    }

    private Answer ask(String topic, JsonNode request) throws IOException, InterruptedException {
        if (session == null) {
            session = connector.open(requestTopics(), this::problem);
        }
        try {
            return session.request(topic, request, settings.answerTimeout());
        } catch (NoAnswer e) {
            problem("fleet provisioning: " + e.getMessage() + "; retrying with backoff");
            return null;
        }
    }

    private boolean expired(Pending pending) {
        return !pending.received().plus(TOKEN_LIFETIME).isAfter(clock.instant());
    }

    /** AWS IoT names the ownership token in the message when it is what the register call refused. */
    private static boolean tokenRefused(JsonNode body) {
        String said = (body.path("errorCode").asText("") + " " + body.path("errorMessage").asText("")).toLowerCase(Locale.ROOT);
        return said.contains("token");
    }

    private void rejected(String what, JsonNode body) {
        problem("fleet provisioning: " + what + " was rejected (statusCode " + body.path("statusCode").asText("?") + ", errorCode "
                + body.path("errorCode").asText("?") + "): " + body.path("errorMessage").asText("no message") + "; retrying with backoff");
    }

    /** Logged once until it changes. */
    void problem(String problem) {
        if (problems.first(problem)) {
            LOG.warn(problem);
        }
    }
}
