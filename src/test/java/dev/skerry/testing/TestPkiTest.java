package dev.skerry.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.SignatureException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;

import javax.security.auth.x500.X500Principal;

import org.junit.jupiter.api.Test;

class TestPkiTest {

    private final TestPki pki = TestPki.get();

    @Test
    void serverCertificateNamesLocalhostAndLoopbackAndIsValidNow() throws Exception {
        X509Certificate server = certificate(pki.serverCert());

        server.checkValidity();
        server.verify(certificate(pki.caPem()).getPublicKey());
        assertThat(server.getSubjectAlternativeNames()).containsExactlyInAnyOrder(List.of(2, "localhost"), List.of(7, "127.0.0.1"));
        assertThat(server.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(server.getBasicConstraints()).isEqualTo(-1);
    }

    @Test
    void caIsSelfSignedAndCoversEveryTestDate() throws Exception {
        X509Certificate ca = certificate(pki.caPem());

        ca.verify(ca.getPublicKey());
        assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(ca.getNotBefore().toInstant()).isBefore(Instant.parse("2020-01-01T00:00:00Z"));
        assertThat(ca.getNotAfter().toInstant()).isAfter(Instant.parse("2099-12-31T23:59:59Z"));
    }

    @Test
    void wrongHostCertificateNamesOnlyOtherExample() throws Exception {
        X509Certificate wrongHost = certificate(pki.wrongHostCert());

        wrongHost.checkValidity();
        wrongHost.verify(certificate(pki.caPem()).getPublicKey());
        assertThat(wrongHost.getSubjectAlternativeNames()).containsExactly(List.of(2, "other.example"));
    }

    @Test
    void expiredCertificateLiesEntirelyInThePast() throws Exception {
        X509Certificate expired = certificate(pki.expiredCert());

        assertThat(expired.getNotAfter().toInstant()).isBefore(Instant.now());
        assertThat(expired.getNotBefore().toInstant()).isEqualTo(Instant.parse("2020-01-01T00:00:00Z"));
        assertThatThrownBy(expired::checkValidity).isInstanceOf(CertificateExpiredException.class);
        expired.verify(certificate(pki.caPem()).getPublicKey());
        assertThat(expired.getSubjectAlternativeNames()).containsExactlyInAnyOrder(List.of(2, "localhost"), List.of(7, "127.0.0.1"));
    }

    @Test
    void notYetValidCertificateStartsIn2099() throws Exception {
        X509Certificate future = certificate(pki.notYetValidCert());

        assertThat(future.getNotBefore().toInstant()).isEqualTo(Instant.parse("2099-01-01T00:00:00Z")).isAfter(Instant.now());
        assertThatThrownBy(future::checkValidity).isInstanceOf(CertificateNotYetValidException.class);
        future.verify(certificate(pki.caPem()).getPublicKey());
        assertThat(future.getSubjectAlternativeNames()).containsExactlyInAnyOrder(List.of(2, "localhost"), List.of(7, "127.0.0.1"));
    }

    @Test
    void clientCertificateIsTheThingsRsa2048KeyInBothPemForms() throws Exception {
        X509Certificate client = certificate(pki.clientCert());

        client.checkValidity();
        client.verify(certificate(pki.caPem()).getPublicKey());
        assertThat(client.getSubjectX500Principal()).isEqualTo(new X500Principal("CN=" + TestPki.DEFAULT_THING_NAME));
        assertThat(client.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
        RSAPublicKey publicKey = (RSAPublicKey) client.getPublicKey();
        assertThat(publicKey.getModulus().bitLength()).isEqualTo(2048);

        assertThat(Files.readString(pki.clientKeyPkcs8())).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(Files.readString(pki.clientKeyRsa())).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        assertThat(pkcs8RsaKey(pki.clientKeyPkcs8()).getModulus()).isEqualTo(publicKey.getModulus());
        Openssl.Result modulus = Openssl.exec(List.of("rsa", "-in", pki.clientKeyRsa().toString(), "-noout", "-modulus"));
        assertThat(modulus.stdout().strip()).isEqualToIgnoringCase("Modulus=" + publicKey.getModulus().toString(16));
    }

    @Test
    void rogueClientCertificateHasTheSameNameButAnotherIssuer() throws Exception {
        X509Certificate rogue = certificate(pki.rogueClientCert());

        assertThat(rogue.getSubjectX500Principal()).isEqualTo(certificate(pki.clientCert()).getSubjectX500Principal());
        rogue.verify(certificate(pki.rogueCaPem()).getPublicKey());
        assertThatThrownBy(() -> rogue.verify(certificate(pki.caPem()).getPublicKey())).isInstanceOf(SignatureException.class);
        assertThat(rogue.getIssuerX500Principal()).isNotEqualTo(certificate(pki.caPem()).getSubjectX500Principal());
    }

    @Test
    void shortLivedClientCertificateExpiresInTenDays() throws Exception {
        X509Certificate shortLived = certificate(pki.shortLivedClientCert());

        shortLived.checkValidity();
        shortLived.verify(certificate(pki.caPem()).getPublicKey());
        assertThat(shortLived.getNotAfter().toInstant()).isEqualTo(pki.shortLivedClientNotAfter());
        Duration left = Duration.between(Instant.now(), pki.shortLivedClientNotAfter());
        assertThat(left).isBetween(Duration.ofDays(9), Duration.ofDays(10));
        assertThat(shortLived.getSubjectX500Principal()).isEqualTo(new X500Principal("CN=" + TestPki.DEFAULT_THING_NAME));
    }

    @Test
    void keyFilesAreReadableByTheOwnerOnly() throws Exception {
        List<Path> keys = List.of(pki.caKey(), pki.serverKey(), pki.wrongHostKey(), pki.expiredKey(), pki.notYetValidKey(),
                pki.clientKeyPkcs8(), pki.clientKeyRsa(), pki.rogueClientKey(), pki.shortLivedClientKey());
        for (Path key : keys) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).as(key.toString()).isEqualTo("rw-------");
        }
    }

    @Test
    void otherThingsShareTheAuthorityButNotTheClientCertificate() throws Exception {
        TestPki other = TestPki.forThing("skerry-other-thing");

        assertThat(other.caPem()).isEqualTo(pki.caPem());
        assertThat(other.serverCert()).isEqualTo(pki.serverCert());
        assertThat(other.clientCert()).isNotEqualTo(pki.clientCert());
        assertThat(certificate(other.clientCert()).getSubjectX500Principal()).isEqualTo(new X500Principal("CN=skerry-other-thing"));
        assertThat(TestPki.forThing("skerry-other-thing")).isSameAs(other);
    }

    @Test
    void rejectsNamesThatAreNotThingNames() {
        Stream.of("", "a/b", "CN=x,O=y", "thing name").forEach(name -> assertThatThrownBy(() -> TestPki.forThing(name))
                .as(name).isInstanceOf(IllegalArgumentException.class));
    }

    static X509Certificate certificate(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static RSAPrivateCrtKey pkcs8RsaKey(Path pem) throws Exception {
        String base64 = Files.readString(pem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        byte[] der = Base64.getDecoder().decode(base64);
        return (RSAPrivateCrtKey) KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
    }
}
