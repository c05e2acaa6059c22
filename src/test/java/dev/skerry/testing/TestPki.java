package dev.skerry.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Certificates and keys for mutual-TLS tests, made with the openssl CLI at test time so that no private key is ever
 * committed and "expired" or "not yet valid" keep meaning that whatever today's date is.
 *
 * <p>Everything is generated once per test JVM into one temporary directory (deleted at exit). The authorities and
 * server certificates are shared by all thing names, so one broker accepts the client certificates of every
 * {@link #forThing thing}. Key files are mode 0600, as on a device.
 */
public final class TestPki {

    public static final String DEFAULT_THING_NAME = "skerry-test-thing";

    /** AWS IoT's thing name alphabet; it also keeps the name safe inside an openssl -subj argument and a path. */
    private static final Pattern THING_NAME = Pattern.compile("[A-Za-z0-9:_-]{1,128}");

    private static final Map<String, TestPki> BY_THING = new HashMap<>();
    private static Authority shared;

    private final Authority authority;
    private final String thingName;
    private final Path dir;
    private final Instant shortLivedNotAfter;

    private TestPki(Authority authority, String thingName, Path dir, Instant shortLivedNotAfter) {
        this.authority = authority;
        this.thingName = thingName;
        this.dir = dir;
        this.shortLivedNotAfter = shortLivedNotAfter;
    }

    /** The material for {@link #DEFAULT_THING_NAME}. */
    public static TestPki get() {
        return forThing(DEFAULT_THING_NAME);
    }

    /** The material whose client certificates carry CN = {@code thingName}; generated on first use, then cached. */
    public static synchronized TestPki forThing(String thingName) {
        if (!THING_NAME.matcher(thingName).matches()) {
            throw new IllegalArgumentException("not a valid thing name: " + thingName);
        }
        return BY_THING.computeIfAbsent(thingName, name -> generateClients(authority(), name));
    }

    public String thingName() {
        return thingName;
    }

    /** The trusted CA that signed every server certificate and the good client certificates. */
    public Path caPem() {
        return authority.ca.cert();
    }

    public Path caKey() {
        return authority.ca.key();
    }

    /** A CA nobody trusts; it signed {@link #rogueClientCert()}. */
    public Path rogueCaPem() {
        return authority.rogueCa.cert();
    }

    /** Valid now, for DNS localhost and IP 127.0.0.1. */
    public Path serverCert() {
        return authority.dir.resolve("server.pem");
    }

    public Path serverKey() {
        return authority.dir.resolve("server.key");
    }

    /** Valid now, signed by the CA, but only for DNS other.example: host name verification must reject it. */
    public Path wrongHostCert() {
        return authority.dir.resolve("wrong-host.pem");
    }

    public Path wrongHostKey() {
        return authority.dir.resolve("wrong-host.key");
    }

    /** For localhost/127.0.0.1, valid only during 2020. */
    public Path expiredCert() {
        return authority.dir.resolve("expired.pem");
    }

    public Path expiredKey() {
        return authority.dir.resolve("expired.key");
    }

    /** For localhost/127.0.0.1, valid only from 2099: what a device whose clock is far behind sees. */
    public Path notYetValidCert() {
        return authority.dir.resolve("not-yet-valid.pem");
    }

    public Path notYetValidKey() {
        return authority.dir.resolve("not-yet-valid.key");
    }

    /** CN = {@link #thingName()}, signed by the CA, RSA 2048. */
    public Path clientCert() {
        return dir.resolve("client.pem");
    }

    /** The client key as PKCS#8 PEM ("BEGIN PRIVATE KEY"). */
    public Path clientKeyPkcs8() {
        return dir.resolve("client.key");
    }

    /** The same client key as PKCS#1 PEM ("BEGIN RSA PRIVATE KEY"), the form AWS IoT hands out. */
    public Path clientKeyRsa() {
        return dir.resolve("client-rsa.key");
    }

    /** CN = {@link #thingName()}, but signed by the rogue CA. */
    public Path rogueClientCert() {
        return dir.resolve("rogue-client.pem");
    }

    public Path rogueClientKey() {
        return dir.resolve("rogue-client.key");
    }

    /** CN = {@link #thingName()}, signed by the CA, expiring {@link #shortLivedClientNotAfter()}: 10 days after generation. */
    public Path shortLivedClientCert() {
        return dir.resolve("short-lived-client.pem");
    }

    public Path shortLivedClientKey() {
        return dir.resolve("short-lived-client.key");
    }

    /** Exactly when {@link #shortLivedClientCert()} expires, so tests need not parse it to know. */
    public Instant shortLivedClientNotAfter() {
        return shortLivedNotAfter;
    }

    /**
     * Signs a device's PKCS#10 request with the trusted CA as a client certificate valid from an hour ago until notAfter,
     * as AWS IoT's create-from-csr does; the subject is the request's. Fails when openssl refuses the request.
     */
    public static synchronized void signRequest(Path csr, Instant notAfter, Path out) {
        signRequest(csr, notAfter, out, null);
    }

    /** Likewise, with the subject CN=commonName instead of the request's (null: the request's). */
    public static synchronized void signRequest(Path csr, Instant notAfter, Path out, String commonName) {
        authority().ca.sign(csr, Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(1)), notAfter, out, commonName);
    }

    /** Likewise with the rogue CA, whose certificates no broker here accepts. */
    public static synchronized void signRequestWithRogueCa(Path csr, Instant notAfter, Path out) {
        authority().rogueCa.sign(csr, Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(1)), notAfter, out);
    }

    private static Authority authority() {
        if (shared == null) {
            shared = Authority.generate();
        }
        return shared;
    }

    private static TestPki generateClients(Authority authority, String thingName) {
        Path dir = authority.root.resolve("things").resolve(thingName);
        createDirectories(dir);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant notBefore = now.minus(Duration.ofHours(1));
        Instant shortLivedNotAfter = now.plus(Duration.ofDays(10));
        TestPki pki = new TestPki(authority, thingName, dir, shortLivedNotAfter);

        Openssl.rsaKey(pki.clientKeyPkcs8());
        Openssl.traditionalRsaKey(pki.clientKeyPkcs8(), pki.clientKeyRsa());
        authority.ca.issue(thingName, pki.clientKeyPkcs8(), OpensslCa.CLIENT, notBefore, now.plus(Duration.ofDays(3650)), pki.clientCert());

        Openssl.rsaKey(pki.rogueClientKey());
        authority.rogueCa.issue(thingName, pki.rogueClientKey(), OpensslCa.CLIENT, notBefore, now.plus(Duration.ofDays(3650)),
                pki.rogueClientCert());

        Openssl.rsaKey(pki.shortLivedClientKey());
        authority.ca.issue(thingName, pki.shortLivedClientKey(), OpensslCa.CLIENT, notBefore, shortLivedNotAfter,
                pki.shortLivedClientCert());
        return pki;
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The part shared by every thing name: both CAs and the server certificates. */
    private record Authority(Path root, Path dir, OpensslCa ca, OpensslCa rogueCa) {

        static Authority generate() {
            Path root = createRoot();
            Path dir = root.resolve("authority");
            createDirectories(dir);
            Authority authority = new Authority(root, dir, OpensslCa.create(root.resolve("ca"), "Skerry Test CA"),
                    OpensslCa.create(root.resolve("rogue-ca"), "Rogue Test CA"));

            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            Instant notBefore = now.minus(Duration.ofHours(1));
            Instant notAfter = now.plus(Duration.ofDays(3650));
            authority.server("server", OpensslCa.SERVER_LOCALHOST, "localhost", notBefore, notAfter);
            authority.server("wrong-host", OpensslCa.SERVER_OTHER_HOST, "other.example", notBefore, notAfter);
            authority.server("expired", OpensslCa.SERVER_LOCALHOST, "localhost",
                    Instant.parse("2020-01-01T00:00:00Z"), Instant.parse("2020-12-31T23:59:59Z"));
            authority.server("not-yet-valid", OpensslCa.SERVER_LOCALHOST, "localhost",
                    Instant.parse("2099-01-01T00:00:00Z"), Instant.parse("2099-12-31T23:59:59Z"));
            return authority;
        }

        private void server(String name, String extensions, String commonName, Instant notBefore, Instant notAfter) {
            Path key = dir.resolve(name + ".key");
            Openssl.ecKey(key);
            ca.issue(commonName, key, extensions, notBefore, notAfter, dir.resolve(name + ".pem"));
        }

        private static Path createRoot() {
            try {
                Path root = Files.createTempDirectory("skerry-pki-");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(root), "skerry-pki-cleanup"));
                return root;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort: it is a temporary directory
        }
    }
}
