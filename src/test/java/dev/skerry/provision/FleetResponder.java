package dev.skerry.provision;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.skerry.testing.Mosquitto;
import dev.skerry.testing.Received;
import dev.skerry.testing.TestPki;
import dev.skerry.testing.TestSubscriber;

/**
 * AWS IoT fleet provisioning as a device sees it, over a real broker: answers create-from-csr by signing the request
 * with the test CA (openssl checks the request's signature), and a template's provision call by registering the thing
 * "prov-" + SerialNumber, on the documented accepted and rejected topics. Faults are set per test.
 */
public final class FleetResponder implements AutoCloseable {

    public static final String TEMPLATE = "skerry-fleet";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TestSubscriber client;
    private final Path dir;
    private final AtomicInteger issued = new AtomicInteger();
    /** The public key of every request answered with a certificate, in order. */
    public final List<PublicKey> requestKeys = new CopyOnWriteArrayList<>();
    /** Every request received, answered or not. */
    public final AtomicInteger requests = new AtomicInteger();
    /** Every certificate signing request received, as PEM. */
    public final List<String> requestPems = new CopyOnWriteArrayList<>();
    public final AtomicInteger registrations = new AtomicInteger();
    public final List<String> things = new CopyOnWriteArrayList<>();
    public final List<JsonNode> parameters = new CopyOnWriteArrayList<>();
    private final Map<String, Boolean> tokens = new ConcurrentHashMap<>();

    public volatile int rejectRequests;
    public volatile int rejectRegistrations;
    /** Tokens issued from now on that the provision call treats as expired. */
    public volatile int expiredTokens;
    public volatile boolean silent;
    /** Answers certificate requests but never a provision call. */
    public volatile boolean silentRegistrations;
    public volatile Duration validity = Duration.ofDays(365);
    /** Certificates from now on have the subject CN=commonName instead of the request's (null: the request's). */
    public volatile String commonName;
    /** Certificates from now on are signed by a CA the broker does not trust. */
    public volatile boolean rogue;

    public FleetResponder(Mosquitto broker) {
        try {
            dir = Files.createTempDirectory("skerry-fleet-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        client = TestSubscriber.connectTls(broker.port(), TestPki.forThing("fleet-responder"));
        client.onMessage(this::answer);
        client.subscribe(Provisioner.CREATE_FROM_CSR);
        client.subscribe("$aws/provisioning-templates/+/provision/json");
    }

    private void answer(Received message) {
        try {
            JsonNode body = JSON.readTree(message.payloadUtf8());
            boolean create = message.topic().equals(Provisioner.CREATE_FROM_CSR);
            if (create) {
                requests.incrementAndGet();
                requestPems.add(body.path("certificateSigningRequest").asText());
            } else {
                registrations.incrementAndGet();
            }
            if (silent || silentRegistrations && !create) {
                return;
            }
            if (create) {
                createFromCsr(message.topic(), body);
            } else {
                provision(message.topic(), body);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void createFromCsr(String topic, JsonNode body) throws IOException {
        if (rejectRequests > 0) {
            rejectRequests--;
            reject(topic, 400, "InvalidCSR", "the test responder refuses this certificate signing request");
            return;
        }
        int n = issued.incrementAndGet();
        Path csr = Files.writeString(dir.resolve(n + ".csr"), body.path("certificateSigningRequest").asText());
        Path certificate = dir.resolve(n + ".pem");
        try {
            if (rogue) {
                TestPki.signRequestWithRogueCa(csr, Instant.now().plus(validity), certificate);
            } else {
                TestPki.signRequest(csr, Instant.now().plus(validity), certificate, commonName);
            }
        } catch (RuntimeException e) {
            reject(topic, 400, "InvalidCSR", "openssl refused the request: " + e.getMessage().lines().findFirst().orElse(""));
            return;
        }
        String pem = Files.readString(certificate);
        try {
            X509Certificate parsed = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
            requestKeys.add(parsed.getPublicKey());
        } catch (java.security.cert.CertificateException e) {
            throw new IllegalStateException(e);
        }
        String token = "token-" + n;
        boolean expired = expiredTokens > 0;
        if (expired) {
            expiredTokens--;
        }
        tokens.put(token, expired);
        client.publish(topic + "/accepted", JSON.createObjectNode().put("certificateId", "certificate-" + n).put("certificatePem", pem)
                .put("certificateOwnershipToken", token).toString());
    }

    private void provision(String topic, JsonNode body) {
        String template = topic.split("/")[2];
        Boolean expired = tokens.get(body.path("certificateOwnershipToken").asText());
        if (!template.equals(TEMPLATE)) {
            reject(topic, 404, "ResourceNotFoundException", "no template named " + template);
        } else if (expired == null) {
            reject(topic, 400, "InvalidCertificateOwnershipToken", "unknown certificate ownership token");
        } else if (expired) {
            reject(topic, 400, "InvalidCertificateOwnershipToken", "the certificate ownership token has expired");
        } else if (rejectRegistrations > 0) {
            rejectRegistrations--;
            reject(topic, 403, "AccessDeniedException", "the template's pre-provisioning hook refused the device");
        } else {
            parameters.add(body.path("parameters"));
            String thing = "prov-" + body.path("parameters").path("SerialNumber").asText();
            things.add(thing);
            ObjectNode accepted = JSON.createObjectNode().put("thingName", thing);
            accepted.putObject("deviceConfiguration");
            client.publish(topic + "/accepted", accepted.toString());
        }
    }

    private void reject(String topic, int status, String code, String message) {
        client.publish(topic + "/rejected", JSON.createObjectNode().put("statusCode", status).put("errorCode", code).put("errorMessage", message)
                .toString());
    }

    @Override
    public void close() {
        client.close();
    }
}
