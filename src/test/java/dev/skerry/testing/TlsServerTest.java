package dev.skerry.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TlsServerTest {

    private static final TestPki PKI = TestPki.get();
    private static TlsServer server;

    @BeforeAll
    static void start() {
        server = TlsServer.tls11Only(PKI);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
            assertThat(server.isRunning()).isFalse();
        }
    }

    @Test
    void tls11HandshakeSucceeds() {
        Openssl.Result result = handshake("-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0");

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("Protocol version: TLSv1.1").contains("Verification: OK");
    }

    @Test
    void tls12AndTls13AreRefused() {
        for (String version : List.of("-tls1_2", "-tls1_3")) {
            Openssl.Result result = handshake(version);

            assertThat(result.exitCode()).as(version + ": " + result.output()).isNotZero();
            assertThat(result.output()).as(version).doesNotContain("CONNECTION ESTABLISHED");
        }
    }

    /** What the agent's JSSE-based client will meet: no common protocol, so no connection. */
    @Test
    void defaultJavaClientCannotConnect() throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trustingOnly(PKI).getTrustManagers(), null);

        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", server.port())) {
            socket.setSoTimeout(30_000);
            assertThatThrownBy(socket::startHandshake).isInstanceOf(SSLHandshakeException.class);
        }
    }

    private static Openssl.Result handshake(String... options) {
        List<String> args = new java.util.ArrayList<>(List.of("s_client", "-connect", "127.0.0.1:" + server.port(), "-brief",
                "-CAfile", PKI.caPem().toString(), "-verify_return_error"));
        args.addAll(List.of(options));
        return Openssl.exec(args);
    }

    private static TrustManagerFactory trustingOnly(TestPki pki) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(pki.caPem())) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        return factory;
    }
}
