package dev.skerry.publish;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

import dev.skerry.config.SkerryConfig;
import io.vertx.core.buffer.Buffer;

/**
 * The client certificate, its key and the CA certificates to trust, read at start from PEM
 * files or from PEM text in variables (balena device variables). Text from variables stays in
 * memory: it is never written to disk. Renewed certificate and key files are
 * {@link CertificateRotation}'s.
 */
public record TlsMaterial(Buffer certificate, Buffer key, Buffer authorities, X509Certificate clientCertificate) {

    public static TlsMaterial load(SkerryConfig.Tls tls) throws IOException {
        return of(read(tls.cert(), tls.certPem()), read(tls.key(), tls.keyPem()), read(tls.ca(), tls.caPem()));
    }

    public static TlsMaterial fromFiles(Path certificate, Path key, Path authorities) throws IOException {
        return of(read(Optional.of(certificate), Optional.empty()), read(Optional.of(key), Optional.empty()),
                read(Optional.of(authorities), Optional.empty()));
    }

    /** The fleet provisioning claim's certificate and key, with the CA certificates to trust of SKERRY_TLS_CA. */
    public static TlsMaterial claim(SkerryConfig.Claim claim, SkerryConfig.Tls tls) throws IOException {
        return of(read(claim.cert(), claim.certPem()), read(claim.key(), claim.keyPem()), read(tls.ca(), tls.caPem()));
    }

    /** The CA certificates to trust, for pairing with one provisioned certificate and key after another. */
    public record Authorities(Buffer pem) {
        public static Authorities of(SkerryConfig.Tls tls) throws IOException {
            return new Authorities(read(tls.ca(), tls.caPem()));
        }

        public static Authorities of(Path file) throws IOException {
            return new Authorities(read(Optional.of(file), Optional.empty()));
        }

        public TlsMaterial with(Path certificate, Path key) throws IOException {
            return TlsMaterial.of(read(Optional.of(certificate), Optional.empty()), read(Optional.of(key), Optional.empty()), pem);
        }
    }

    private static TlsMaterial of(Buffer certificate, Buffer key, Buffer authorities) throws IOException {
        try {
            List<? extends java.security.cert.Certificate> chain = List.copyOf(CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(certificate.getBytes())));
            return new TlsMaterial(certificate, key, authorities, (X509Certificate) chain.get(0));
        } catch (CertificateException | IndexOutOfBoundsException e) {
            throw new IOException("the client certificate is not a PEM X.509 certificate", e);
        }
    }

    private static Buffer read(Optional<Path> file, Optional<String> pem) throws IOException {
        if (file.isPresent()) {
            return Buffer.buffer(Files.readAllBytes(file.get()));
        }
        return Buffer.buffer(pem.orElseThrow().getBytes(StandardCharsets.US_ASCII));
    }
}
