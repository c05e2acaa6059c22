package dev.skerry.provision;

import dev.skerry.config.Der;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.Signature;

/**
 * A PKCS#10 certificate signing request (RFC 2986) for the device key, subject CN = the name given, no attributes:
 * AWS IoT's create-from-csr takes the public key and ignores the rest. Built here because the JDK signs (Signature)
 * and encodes keys (getEncoded is SubjectPublicKeyInfo) but has no public CSR builder.
 */
final class Csr {

    private static final String COMMON_NAME = "2.5.4.3";
    private static final String ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";
    private static final String SHA256_WITH_RSA = "1.2.840.113549.1.1.11";

    private Csr() {
    }

    static byte[] der(KeyPair pair, String commonName) throws GeneralSecurityException {
        byte[] subject = Der.sequence(Der.set(Der.sequence(Der.oid(COMMON_NAME), Der.utf8(commonName))));
        byte[] info = Der.sequence(Der.integer(0), subject, pair.getPublic().getEncoded(), Der.context(0));
        boolean ec = pair.getPrivate().getAlgorithm().equals("EC");
        // RFC 5758: ECDSA identifiers have no parameters; RFC 4055: RSA ones have NULL
        byte[] algorithm = ec ? Der.sequence(Der.oid(ECDSA_WITH_SHA256)) : Der.sequence(Der.oid(SHA256_WITH_RSA), Der.nothing());
        Signature signer = Signature.getInstance(ec ? "SHA256withECDSA" : "SHA256withRSA");
        signer.initSign(pair.getPrivate());
        signer.update(info);
        return Der.sequence(info, algorithm, Der.bits(signer.sign()));
    }

    static String pem(KeyPair pair, String commonName) throws GeneralSecurityException {
        return DeviceKey.pem("CERTIFICATE REQUEST", der(pair, commonName));
    }
}
