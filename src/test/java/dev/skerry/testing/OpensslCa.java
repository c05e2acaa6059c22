package dev.skerry.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * A certificate authority driven through {@code openssl ca}. That command, unlike {@code openssl x509 -req} in
 * OpenSSL 3.0 (no -not_before/-not_after before 3.4), can put notBefore and notAfter anywhere, including entirely in
 * the past or far in the future. Its config is self-contained, so the system openssl.cnf plays no part.
 */
final class OpensslCa {

    /** Covers 2020 (expired certificates) to 2099 (not-yet-valid ones), so a leaf's own dates decide its fate. */
    private static final Instant CA_NOT_BEFORE = Instant.parse("2019-01-01T00:00:00Z");
    private static final Instant CA_NOT_AFTER = Instant.parse("2100-12-31T23:59:59Z");

    private static final DateTimeFormatter OPENSSL_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);

    /** Extension sections named by {@link #issue}. */
    static final String SERVER_LOCALHOST = "server_localhost";
    static final String SERVER_OTHER_HOST = "server_other_host";
    static final String CLIENT = "client";

    private final Path dir;
    private final Path config;
    private final Path cert;
    private final Path key;

    private OpensslCa(Path dir) {
        this.dir = dir;
        this.config = dir.resolve("openssl.cnf");
        this.cert = dir.resolve("ca.pem");
        this.key = dir.resolve("ca.key");
    }

    /** A new self-signed CA (EC P-256) in {@code dir}. */
    static OpensslCa create(Path dir, String commonName) {
        OpensslCa ca = new OpensslCa(dir);
        try {
            Files.createDirectories(dir.resolve("issued"));
            Files.writeString(dir.resolve("index.txt"), "");
            Files.writeString(ca.config, config(dir));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Openssl.ecKey(ca.key);
        Path csr = ca.request(commonName, ca.key);
        Openssl.run("ca", "-config", ca.config.toString(), "-batch", "-notext", "-rand_serial", "-selfsign",
                "-keyfile", ca.key.toString(), "-in", csr.toString(), "-extensions", "ca_cert",
                "-startdate", OPENSSL_TIME.format(CA_NOT_BEFORE), "-enddate", OPENSSL_TIME.format(CA_NOT_AFTER),
                "-out", ca.cert.toString());
        return ca;
    }

    Path cert() {
        return cert;
    }

    Path key() {
        return key;
    }

    /** Signs a certificate for {@code subjectKey} with subject CN={@code commonName}, valid exactly in the given window. */
    void issue(String commonName, Path subjectKey, String extensions, Instant notBefore, Instant notAfter, Path out) {
        Path csr = request(commonName, subjectKey);
        Openssl.run("ca", "-config", config.toString(), "-batch", "-notext", "-rand_serial",
                "-cert", cert.toString(), "-keyfile", key.toString(), "-in", csr.toString(), "-extensions", extensions,
                "-startdate", OPENSSL_TIME.format(notBefore), "-enddate", OPENSSL_TIME.format(notAfter),
                "-out", out.toString());
    }

    /** Signs a certificate signing request someone else made (openssl checks its signature), as a client certificate. */
    void sign(Path csr, Instant notBefore, Instant notAfter, Path out) {
        sign(csr, notBefore, notAfter, out, null);
    }

    /** With commonName set, the certificate's subject is CN=commonName instead of the request's. */
    void sign(Path csr, Instant notBefore, Instant notAfter, Path out, String commonName) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("ca", "-config", config.toString(), "-batch", "-notext",
                "-rand_serial", "-cert", cert.toString(), "-keyfile", key.toString(), "-in", csr.toString(), "-extensions", CLIENT,
                "-startdate", OPENSSL_TIME.format(notBefore), "-enddate", OPENSSL_TIME.format(notAfter), "-out", out.toString()));
        if (commonName != null) {
            args.addAll(java.util.List.of("-subj", "/CN=" + commonName));
        }
        Openssl.run(args.toArray(String[]::new));
    }

    private Path request(String commonName, Path subjectKey) {
        Path csr = dir.resolve("issued").resolve(subjectKey.getFileName() + "." + System.nanoTime() + ".csr");
        Openssl.run("req", "-config", config.toString(), "-new", "-key", subjectKey.toString(), "-subj", "/CN=" + commonName,
                "-out", csr.toString());
        return csr;
    }

    private static String config(Path dir) {
        return """
                # Only what `openssl req` and `openssl ca` need for test certificates.
                [ req ]
                distinguished_name = req_dn
                prompt = no
                [ req_dn ]

                [ ca ]
                default_ca = this_ca
                [ this_ca ]
                database = DIR/index.txt
                serial = DIR/serial.txt
                new_certs_dir = DIR/issued
                default_md = sha256
                policy = policy_cn
                unique_subject = no
                email_in_dn = no
                copy_extensions = none
                [ policy_cn ]
                commonName = supplied

                [ ca_cert ]
                basicConstraints = critical, CA:TRUE
                keyUsage = critical, keyCertSign, cRLSign
                subjectKeyIdentifier = hash
                [ server_localhost ]
                basicConstraints = critical, CA:FALSE
                keyUsage = critical, digitalSignature
                extendedKeyUsage = serverAuth
                subjectAltName = DNS:localhost, IP:127.0.0.1
                authorityKeyIdentifier = keyid
                [ server_other_host ]
                basicConstraints = critical, CA:FALSE
                keyUsage = critical, digitalSignature
                extendedKeyUsage = serverAuth
                subjectAltName = DNS:other.example
                authorityKeyIdentifier = keyid
                [ client ]
                basicConstraints = critical, CA:FALSE
                keyUsage = critical, digitalSignature, keyEncipherment
                extendedKeyUsage = clientAuth
                authorityKeyIdentifier = keyid
                """.replace("DIR", dir.toString());
    }
}
