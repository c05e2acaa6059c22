package dev.skerry.publish;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.Consumer;

import dev.skerry.config.ClientPair;
import io.smallrye.reactive.messaging.mqtt.session.MqttClientSessionOptions;
import io.smallrye.reactive.messaging.mqtt.session.ReconnectDelayOptions;
import io.smallrye.reactive.messaging.mqtt.session.ReconnectDelayProvider;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;

/**
 * A client certificate and key renewed on disk while skerry runs (an operator's or a provisioning tool's rotation):
 * before each reconnect the two files are read again, and a pair that changed and passes the checks made at start
 * replaces the one in use for every connection after it. A pair that fails them is refused with one line (once per
 * content) and the pair in use keeps working. The session creates a client from its options at each connection
 * attempt, after asking its reconnect delay: this runs there, on the session's context, before the options are read.
 */
public final class CertificateRotation implements ReconnectDelayOptions {

    private static final PublishMessages LOG = PublishMessages.of(CertificateRotation.class);

    private final MqttClientSessionOptions options;
    private final ReconnectDelayOptions delays;
    private final Path certificateFile;
    private final Path keyFile;
    private byte[] certificate;
    private byte[] key;
    private int refused;
    private String refusal;
    private volatile Consumer<X509Certificate> changed = certificate -> {
    };

    private CertificateRotation(MqttClientSessionOptions options, TlsMaterial inUse, Path certificateFile, Path keyFile) {
        this.options = options;
        this.delays = options.getReconnectDelay();
        this.certificateFile = certificateFile;
        this.keyFile = keyFile;
        this.certificate = inUse.certificate().getBytes();
        this.key = inUse.key().getBytes();
    }

    /** Before the session is made from options: the files are looked at before each reconnect. */
    public static CertificateRotation install(MqttClientSessionOptions options, TlsMaterial inUse, Path certificateFile, Path keyFile) {
        CertificateRotation rotation = new CertificateRotation(options, inUse, certificateFile, keyFile);
        options.setReconnectDelay(rotation);
        return rotation;
    }

    /** Told the new client certificate once a new pair is taken (its expiry in the reports). */
    public void onChange(Consumer<X509Certificate> listener) {
        changed = listener;
    }

    /** Reads the pair; takes it when it changed and passes the checks. On the session's context, before it connects. */
    public void check() {
        byte[] newCertificate;
        byte[] newKey;
        try {
            newCertificate = Files.readAllBytes(certificateFile);
            newKey = Files.readAllBytes(keyFile);
        } catch (IOException | RuntimeException e) {
            refuse(0, "cannot read them (" + e.getMessage() + ")");
            return;
        }
        if (Arrays.equals(newCertificate, certificate) && Arrays.equals(newKey, key)) {
            return;
        }
        int contents = 31 * Arrays.hashCode(newCertificate) + Arrays.hashCode(newKey);
        if (contents == refused && refusal != null) {
            return;
        }
        String problem = ClientPair.problem(certificateFile, keyFile);
        X509Certificate parsed = problem == null ? parse(newCertificate) : null;
        if (parsed == null) {
            refuse(contents, problem == null ? "SKERRY_TLS_CERT (" + certificateFile + "): not a PEM X.509 certificate" : problem);
            return;
        }
        options.setPemKeyCertOptions(new PemKeyCertOptions().addCertValue(Buffer.buffer(newCertificate)).addKeyValue(Buffer.buffer(newKey)));
        certificate = newCertificate;
        key = newKey;
        refusal = null;
        LOG.certificateChanged(certificateFile, parsed.getSubjectX500Principal().getName(), parsed.getNotAfter().toInstant());
        changed.accept(parsed);
    }

    /** One line per refused content (and per reason the files cannot be read). */
    private void refuse(int contents, String problem) {
        if (contents != refused || !problem.equals(refusal)) {
            LOG.certificateRefused(problem);
        }
        refused = contents;
        refusal = problem;
    }

    private static X509Certificate parse(byte[] pem) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(pem));
        } catch (CertificateException | RuntimeException e) {
            return null;
        }
    }

    @Override
    public ReconnectDelayProvider createProvider() {
        ReconnectDelayProvider inner = delays.createProvider();
        return new ReconnectDelayProvider() {
            @Override
            public Duration nextDelay() {
                check();
                return inner.nextDelay();
            }

            @Override
            public void reset() {
                inner.reset();
            }
        };
    }

    @Override
    public ReconnectDelayOptions copy() {
        return this;
    }
}
