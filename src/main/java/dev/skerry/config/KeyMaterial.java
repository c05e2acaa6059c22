package dev.skerry.config;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The client's private key, parsed as the TLS stack will (PKCS#8, traditional RSA or SEC1 EC
 * PEM), and checked against the client certificate at start: a key that does not parse, or that
 * is not the certificate's, would otherwise only show as handshakes the broker refuses.
 */
final class KeyMaterial {

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ((?:RSA |EC )?PRIVATE KEY)-----\\s*([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
    /** DER of the AlgorithmIdentifier for rsaEncryption (1.2.840.113549.1.1.1) with NULL parameters. */
    private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
    /** DER of the OID id-ecPublicKey (1.2.840.10045.2.1). */
    private static final byte[] EC_PUBLIC_KEY = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};

    private KeyMaterial() {
    }

    /** Why the PEM text holds no usable private key, or null. */
    static String keyProblem(String pem) {
        try {
            parse(pem);
            return null;
        } catch (Unusable e) {
            return e.getMessage();
        }
    }

    /** How the key differs from the first certificate's in certificatePem, or null when it is its key (or either does not parse: that is said elsewhere). */
    static String mismatch(String keyPem, String certificatePem) {
        PrivateKey key;
        X509Certificate certificate;
        try {
            key = parse(keyPem);
            certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(certificatePem.getBytes(StandardCharsets.US_ASCII)));
        } catch (Unusable | GeneralSecurityException | RuntimeException e) {
            return null;
        }
        if (matches(key, certificate.getPublicKey())) {
            return null;
        }
        String certificateAlgorithm = certificate.getPublicKey().getAlgorithm();
        return sameFamily(key.getAlgorithm(), certificateAlgorithm) ? "the certificate holds another " + certificateAlgorithm + " key"
                : "a " + key.getAlgorithm() + " key, the certificate holds an " + certificateAlgorithm + " key";
    }

    /** A signature made with key verifies with publicKey: the one test that works alike for RSA, EC and EdDSA. */
    static boolean matches(PrivateKey key, PublicKey publicKey) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "EdDSA", "Ed25519", "Ed448" -> key.getAlgorithm();
            default -> null;
        };
        if (algorithm == null || !sameFamily(key.getAlgorithm(), publicKey.getAlgorithm())) {
            return false;
        }
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private static boolean sameFamily(String keyAlgorithm, String publicAlgorithm) {
        boolean edKey = keyAlgorithm.startsWith("Ed");
        return edKey ? publicAlgorithm.startsWith("Ed") : keyAlgorithm.equals(publicAlgorithm);
    }

    static PrivateKey parse(String pem) throws Unusable {
        Matcher block = BLOCK.matcher(pem);
        if (!block.find()) {
            throw new Unusable("holds no PEM private key (PKCS#8, RSA or EC, as -----BEGIN ... KEY----- text)");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(block.group(2).replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw new Unusable("the private key's PEM body is not base64");
        }
        try {
            return switch (block.group(1)) {
                case "RSA PRIVATE KEY" -> KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8(RSA_ALGORITHM, der)));
                case "EC PRIVATE KEY" -> KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8(ecAlgorithm(der), der)));
                default -> pkcs8Key(der);
            };
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new Unusable("the private key cannot be parsed (" + block.group(1) + " PEM with a body that is not such a key)");
        }
    }

    private static PrivateKey pkcs8Key(byte[] der) throws GeneralSecurityException {
        GeneralSecurityException last = null;
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw last;
    }

    /** PrivateKeyInfo: SEQUENCE { INTEGER 0, algorithm, OCTET STRING key }. */
    private static byte[] pkcs8(byte[] algorithm, byte[] key) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0x02, 0x01, 0x00});
        body.writeBytes(algorithm);
        body.writeBytes(Der.tlv(0x04, key));
        return Der.tlv(0x30, body.toByteArray());
    }

    /** id-ecPublicKey with the curve named in the SEC1 key's [0] parameters. */
    private static byte[] ecAlgorithm(byte[] sec1) throws Unusable {
        DerElement outer = new DerElement(sec1, 0);
        if (outer.tag != 0x30) {
            throw new Unusable("the private key cannot be parsed (EC PRIVATE KEY PEM whose body is not a SEC1 key)");
        }
        int at = outer.contentStart;
        while (at < outer.end()) {
            DerElement element = new DerElement(sec1, at);
            if (element.tag == 0xa0) {
                DerElement curve = new DerElement(sec1, element.contentStart);
                ByteArrayOutputStream algorithm = new ByteArrayOutputStream();
                algorithm.writeBytes(EC_PUBLIC_KEY);
                algorithm.write(sec1, curve.start, curve.end() - curve.start);
                return Der.tlv(0x30, algorithm.toByteArray());
            }
            at = element.end();
        }
        throw new Unusable("the EC private key does not name its curve; convert it to PKCS#8: openssl pkcs8 -topk8 -nocrypt");
    }

    /** One DER element's tag and bounds; a malformed one throws (IndexOutOfBounds, IllegalArgument). */
    private static final class DerElement {
        final int start;
        final int tag;
        final int contentStart;
        final int length;

        DerElement(byte[] der, int start) {
            this.start = start;
            this.tag = der[start] & 0xff;
            int first = der[start + 1] & 0xff;
            int at = start + 2;
            int value = first;
            if (first >= 0x80) {
                int bytes = first & 0x7f;
                if (bytes == 0 || bytes > 3) {
                    throw new IllegalArgumentException("unsupported DER length");
                }
                value = 0;
                for (int i = 0; i < bytes; i++) {
                    value = (value << 8) | (der[at++] & 0xff);
                }
            }
            this.contentStart = at;
            this.length = value;
            if (end() > der.length) {
                throw new IllegalArgumentException("truncated DER");
            }
        }

        int end() {
            return contentStart + length;
        }
    }

    static final class Unusable extends Exception {
        Unusable(String message) {
            super(message, null, false, false);
        }
    }
}
