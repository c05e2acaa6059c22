package dev.skerry.provision;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Instant;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.skerry.files.SmallFiles;

/**
 * The device identity in {@code <state>/identity/}, each file replaced atomically (temp file, fsync, rename, fsync of
 * the directory), so that a crash at any step leaves one of these states, each resumed at the next start:
 * <ol>
 * <li>nothing: make a key;</li>
 * <li>{@value #KEY} (0600) and {@value #PUBLIC_KEY}: a CSR for that key is (again) to be sent;</li>
 * <li>also {@value #CERTIFICATE} and {@value #OWNERSHIP} (the ownership token, 0600): the thing is to be registered;</li>
 * <li>{@value #THING} written, {@value #OWNERSHIP} gone: the identity is complete and the claim is never used again.</li>
 * </ol>
 * A renewal builds the next identity the same way in {@value #RENEWAL}/ beside it, and {@link #switchTo} swaps the two.
 */
final class IdentityStore {

    static final String DIRECTORY = "identity";
    static final String KEY = "device.key";
    static final String PUBLIC_KEY = "device.pub";
    static final String CERTIFICATE = "certificate.pem";
    static final String OWNERSHIP = "ownership.json";
    static final String THING = "thing-name";
    private static final long MAX_FILE_BYTES = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A complete identity. */
    record Identity(String thingName, Path certificate, Path key) {
    }

    /** A certificate whose thing is not registered yet. */
    record Pending(String certificatePem, String ownershipToken, String certificateId, Instant received) {
    }

    private final Path dir;

    static final String RENEWAL = "identity.renewal";
    private static final String OLD = "identity.old";

    IdentityStore(Path stateDir) {
        this.dir = stateDir.resolve(DIRECTORY);
    }

    private IdentityStore(Path stateDir, String directory) {
        this.dir = stateDir.resolve(directory);
    }

    /** Where a renewal builds the next identity, beside the working one. */
    IdentityStore renewal() {
        return new IdentityStore(dir.getParent(), RENEWAL);
    }

    /**
     * Makes the renewal's complete identity the working one: identity/ becomes identity.old/, identity.renewal/
     * becomes identity/, then the old one is removed. {@link #recover} finishes a switch a crash interrupted.
     */
    void switchTo(IdentityStore renewal) throws IOException {
        Path old = dir.resolveSibling(OLD);
        deleteTree(old);
        Files.move(dir, old, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        Files.move(renewal.dir, dir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        syncDirectory(dir.getParent());
        deleteTree(old);
    }

    /** After a crash: a switch half done is finished (or undone when the renewal was not complete). */
    void recover() throws IOException {
        Path old = dir.resolveSibling(OLD);
        if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            deleteTree(old);
            return;
        }
        IdentityStore renewal = renewal();
        if (renewal.identity().isPresent()) {
            Files.move(renewal.dir, dir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } else if (Files.isDirectory(old, LinkOption.NOFOLLOW_LINKS)) {
            Files.move(old, dir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        syncDirectory(dir.getParent());
        deleteTree(old);
    }

    /** Removes a renewal that did not work out: the working identity stays as it is. */
    void discard() throws IOException {
        deleteTree(dir);
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    Path dir() {
        return dir;
    }

    Optional<Identity> identity() throws IOException {
        if (!exists(THING) || !exists(CERTIFICATE) || !exists(KEY)) {
            return Optional.empty();
        }
        return Optional.of(new Identity(text(THING).strip(), dir.resolve(CERTIFICATE), dir.resolve(KEY)));
    }

    /** The stored key pair, if a complete one is stored. */
    Optional<KeyPair> key() throws IOException {
        if (!exists(KEY) || !exists(PUBLIC_KEY)) {
            return Optional.empty();
        }
        try {
            return Optional.of(DeviceKey.read(text(KEY), text(PUBLIC_KEY)));
        } catch (GeneralSecurityException e) {
            throw new IOException(dir.resolve(KEY) + " holds no usable key (" + e.getMessage() + "); remove " + dir + " for a new identity");
        }
    }

    /** Writes a new key pair: the public half first, so that a private key on disk always has it beside it. */
    KeyPair createKey(DeviceKey.Kind kind) throws IOException, GeneralSecurityException {
        KeyPair pair = DeviceKey.generate(kind);
        createDirectory();
        write(PUBLIC_KEY, DeviceKey.pem("PUBLIC KEY", pair.getPublic().getEncoded()));
        write(KEY, DeviceKey.pem(pair.getPrivate()));
        return pair;
    }

    void storeCertificate(String certificatePem, String ownershipToken, String certificateId, Instant received) throws IOException {
        write(CERTIFICATE, certificatePem);
        write(OWNERSHIP, JSON.createObjectNode().put("certificateOwnershipToken", ownershipToken).put("certificateId", certificateId)
                .put("received", received.toString()).toString());
    }

    Optional<Pending> pending() throws IOException {
        if (!exists(CERTIFICATE) || !exists(OWNERSHIP)) {
            return Optional.empty();
        }
        try {
            JsonNode ownership = JSON.readTree(text(OWNERSHIP));
            return Optional.of(new Pending(text(CERTIFICATE), ownership.path("certificateOwnershipToken").asText(),
                    ownership.path("certificateId").asText(), Instant.parse(ownership.path("received").asText())));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // unreadable: ask for a certificate again, for the same key
        }
    }

    /** The ownership token expired: the next certificate is asked for with the same key. */
    void forgetCertificate() throws IOException {
        Files.deleteIfExists(dir.resolve(OWNERSHIP));
        Files.deleteIfExists(dir.resolve(CERTIFICATE));
        syncDirectory();
    }

    void complete(String thingName) throws IOException {
        write(THING, thingName + "\n");
        Files.deleteIfExists(dir.resolve(OWNERSHIP));
        syncDirectory();
    }

    private void createDirectory() throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
    }

    private void write(String name, String content) throws IOException {
        createDirectory();
        SmallFiles.replace(dir.resolve(name), content.getBytes(StandardCharsets.US_ASCII));
        syncDirectory();
    }

    /** The rename itself is durable only once the directory is. */
    private void syncDirectory() throws IOException {
        syncDirectory(dir);
    }

    private static void syncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private boolean exists(String name) {
        return Files.isRegularFile(dir.resolve(name), LinkOption.NOFOLLOW_LINKS);
    }

    private String text(String name) throws IOException {
        return new String(SmallFiles.read(dir.resolve(name), MAX_FILE_BYTES), StandardCharsets.US_ASCII);
    }
}
