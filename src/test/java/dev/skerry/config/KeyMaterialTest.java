package dev.skerry.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.skerry.testing.SystemUser;
import dev.skerry.testing.TestPki;

/** Broken key material is found at start (exit 78 naming the file), not as handshakes that never succeed. */
class KeyMaterialTest {

    private final TestPki pki = TestPki.get();

    @TempDir
    Path state;

    @TempDir
    Path files;

    private Optional<String> check(String... pairs) {
        Map<String, String> env = new HashMap<>();
        env.put("SKERRY_STATE_DIR", state.toString());
        // Publishing, the only mode in which TLS variables are allowed; the CA and the pair of the test PKI unless given.
        env.put("SKERRY_MQTT_HOST", "broker.local");
        env.put("SKERRY_ALLOW_ROOT", "true");
        env.put("SKERRY_TLS_CA", pki.caPem().toString());
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return EnvironmentCheck.firstProblem(env);
    }

    private Path privately(String name, String text) throws Exception {
        Path file = Files.writeString(files.resolve(name), text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    /** A self-signed EC P-256 certificate and its key in PKCS#8 (name.key) and SEC1 (name.sec1) form. */
    private Path[] ecPair(String name) throws Exception {
        Path key = files.resolve(name + ".key");
        Path cert = files.resolve(name + ".pem");
        Path sec1 = files.resolve(name + ".sec1");
        SystemUser.run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key.toString(),
                "-out", cert.toString(), "-subj", "/CN=" + name, "-days", "2");
        SystemUser.run("openssl", "ec", "-in", key.toString(), "-out", sec1.toString());
        for (Path file : new Path[] {key, sec1}) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
        assertThat(Files.readString(sec1)).contains("BEGIN EC PRIVATE KEY");
        return new Path[] {cert, key, sec1};
    }

    @Test
    void theCertificatesOwnKeyPassesInEveryForm() throws Exception {
        assertThat(check("SKERRY_TLS_CERT", pki.clientCert().toString(), "SKERRY_TLS_KEY", pki.clientKeyPkcs8().toString())).isEmpty();
        assertThat(check("SKERRY_TLS_CERT", pki.clientCert().toString(), "SKERRY_TLS_KEY", pki.clientKeyRsa().toString())).isEmpty();
        assertThat(check("SKERRY_TLS_CERT_PEM", Files.readString(pki.clientCert()), "SKERRY_TLS_KEY_PEM", Files.readString(pki.clientKeyRsa()))).isEmpty();
        Path[] ec = ecPair("ec-device");
        assertThat(check("SKERRY_TLS_CERT", ec[0].toString(), "SKERRY_TLS_KEY", ec[1].toString())).isEmpty();
        assertThat(check("SKERRY_TLS_CERT", ec[0].toString(), "SKERRY_TLS_KEY", ec[2].toString())).isEmpty();
    }

    @Test
    void anRsaKeyOfAnotherCertificateIsRefusedNamingTheFile() {
        Path key = pki.rogueClientKey();

        assertThat(check("SKERRY_TLS_CERT", pki.clientCert().toString(), "SKERRY_TLS_KEY", key.toString())).hasValueSatisfying(line -> assertThat(line)
                .startsWith("SKERRY_TLS_KEY (" + key + "): the private key does not belong to the client certificate in SKERRY_TLS_CERT (" + pki.clientCert() + ")")
                .contains("another RSA key"));
    }

    @Test
    void anEcKeyOfAnotherCertificateOrForAnRsaCertificateIsRefused() throws Exception {
        Path[] mine = ecPair("ec-mine");
        Path[] other = ecPair("ec-other");

        assertThat(check("SKERRY_TLS_CERT", mine[0].toString(), "SKERRY_TLS_KEY", other[1].toString()))
                .hasValueSatisfying(line -> assertThat(line).startsWith("SKERRY_TLS_KEY (" + other[1] + "): the private key does not belong").contains("another EC key"));
        assertThat(check("SKERRY_TLS_CERT", mine[0].toString(), "SKERRY_TLS_KEY", other[2].toString()))
                .hasValueSatisfying(line -> assertThat(line).contains("does not belong"));
        assertThat(check("SKERRY_TLS_CERT", pki.clientCert().toString(), "SKERRY_TLS_KEY", mine[1].toString()))
                .hasValueSatisfying(line -> assertThat(line).contains("does not belong").contains("EC key, the certificate holds an RSA key"));
        assertThat(check("SKERRY_TLS_CERT_PEM", Files.readString(mine[0]), "SKERRY_TLS_KEY_PEM", Files.readString(other[1])))
                .hasValueSatisfying(line -> assertThat(line).startsWith("SKERRY_TLS_KEY_PEM: the private key does not belong to the client certificate in SKERRY_TLS_CERT_PEM"));
    }

    @Test
    void garbageBetweenValidMarkersIsRefusedNamingTheFile() throws Exception {
        String[] garbage = {
            "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----\n",
            "-----BEGIN RSA PRIVATE KEY-----\nbm90IGEga2V5IGF0IGFsbA==\n-----END RSA PRIVATE KEY-----\n",
            "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIA==\n-----END EC PRIVATE KEY-----\n",
            "-----BEGIN PRIVATE KEY-----\n!!!! not base64 !!!!\n-----END PRIVATE KEY-----\n",
        };
        for (int i = 0; i < garbage.length; i++) {
            Path key = privately("garbage" + i + ".key", garbage[i]);
            assertThat(check("SKERRY_TLS_KEY", key.toString())).as(garbage[i])
                    .hasValueSatisfying(line -> assertThat(line).startsWith("SKERRY_TLS_KEY='" + key + "': ").contains("private key"));
            assertThat(check("SKERRY_TLS_KEY_PEM", garbage[i])).as(garbage[i])
                    .hasValueSatisfying(line -> assertThat(line).startsWith("SKERRY_TLS_KEY_PEM=(hidden): ").contains("private key"));
        }
    }
}
