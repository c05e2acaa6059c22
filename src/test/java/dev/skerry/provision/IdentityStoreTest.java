package dev.skerry.provision;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentityStoreTest {

    @TempDir
    Path state;

    @Test
    void theKeyIsPrivateAndReadsBackAsTheSamePair() throws Exception {
        IdentityStore store = new IdentityStore(state);
        assertThat(store.key()).isEmpty();
        KeyPair made = store.createKey(DeviceKey.Kind.EC_P256);

        Path key = state.resolve("identity").resolve(IdentityStore.KEY);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.dir()))).isEqualTo("rwx------");
        KeyPair read = new IdentityStore(state).key().orElseThrow();
        assertThat(read.getPrivate().getEncoded()).isEqualTo(made.getPrivate().getEncoded());
        assertThat(read.getPublic().getEncoded()).isEqualTo(made.getPublic().getEncoded());
        assertThat(store.identity()).isEmpty();
        try (var files = Files.list(store.dir())) {
            assertThat(files.map(path -> path.getFileName().toString())).containsExactlyInAnyOrder(IdentityStore.KEY, IdentityStore.PUBLIC_KEY);
        }
    }

    @Test
    void anRsaKeyReadsBackToo() throws Exception {
        IdentityStore store = new IdentityStore(state);
        KeyPair made = store.createKey(DeviceKey.Kind.RSA_2048);
        assertThat(store.key().orElseThrow().getPublic()).isEqualTo(made.getPublic());
    }

    @Test
    void aPendingCertificateThenARegistrationCompleteTheIdentity() throws Exception {
        IdentityStore store = new IdentityStore(state);
        store.createKey(DeviceKey.Kind.EC_P256);
        Instant received = Instant.parse("2026-01-02T03:04:05Z");
        store.storeCertificate("-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n", "token-1", "cert-1", received);

        var pending = new IdentityStore(state).pending().orElseThrow();
        assertThat(pending.ownershipToken()).isEqualTo("token-1");
        assertThat(pending.certificateId()).isEqualTo("cert-1");
        assertThat(pending.received()).isEqualTo(received);
        assertThat(store.identity()).isEmpty();

        store.complete("thing-7");
        var identity = new IdentityStore(state).identity().orElseThrow();
        assertThat(identity.thingName()).isEqualTo("thing-7");
        assertThat(identity.key()).isEqualTo(store.dir().resolve(IdentityStore.KEY));
        assertThat(store.pending()).isEmpty();
        assertThat(store.dir().resolve(IdentityStore.OWNERSHIP)).doesNotExist();
    }

    @Test
    void forgettingAnExpiredCertificateKeepsTheKey() throws Exception {
        IdentityStore store = new IdentityStore(state);
        KeyPair made = store.createKey(DeviceKey.Kind.EC_P256);
        store.storeCertificate("-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n", "token-1", "cert-1", Instant.now());
        store.forgetCertificate();
        assertThat(store.pending()).isEmpty();
        assertThat(store.key().orElseThrow().getPublic()).isEqualTo(made.getPublic());
    }

    @Test
    void noTempFileIsLeftBehind() throws Exception {
        IdentityStore store = new IdentityStore(state);
        store.createKey(DeviceKey.Kind.EC_P256);
        store.storeCertificate("x", "t", "c", Instant.now());
        store.complete("thing");
        try (var files = Files.list(store.dir())) {
            assertThat(files.map(path -> path.getFileName().toString())).noneMatch(name -> name.endsWith(".tmp"));
        }
    }
}
