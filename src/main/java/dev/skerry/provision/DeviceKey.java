package dev.skerry.provision;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Locale;

/** The device's own key pair, made on the device and kept as PKCS#8 PEM; its public half is derived when read back. */
final class DeviceKey {

    /** SKERRY_PROVISIONING_KEY's values. */
    enum Kind {
        EC_P256, RSA_2048;

        static Kind of(String value) {
            return valueOf(value.strip().toUpperCase(Locale.ROOT).replace('-', '_'));
        }
    }

    private DeviceKey() {
    }

    static KeyPair generate(Kind kind) throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance(kind == Kind.EC_P256 ? "EC" : "RSA");
        if (kind == Kind.EC_P256) {
            generator.initialize(new ECGenParameterSpec("secp256r1"));
        } else {
            generator.initialize(2048);
        }
        return generator.generateKeyPair();
    }

    static String pem(PrivateKey key) {
        return pem("PRIVATE KEY", key.getEncoded());
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der) + "\n-----END " + type
                + "-----\n";
    }

    /**
     * The key pair of the PKCS#8 private key and X.509 public key PEM written by {@link #pem}: the JDK's PKCS#8 EC
     * encoding leaves the public point out, so the public key is kept beside the private one.
     */
    static KeyPair read(String privatePem, String publicPem) throws GeneralSecurityException {
        byte[] privateDer = der(privatePem);
        byte[] publicDer = der(publicPem);
        for (String algorithm : new String[] {"EC", "RSA"}) {
            try {
                KeyFactory factory = KeyFactory.getInstance(algorithm);
                PrivateKey key = factory.generatePrivate(new PKCS8EncodedKeySpec(privateDer));
                PublicKey publicKey = factory.generatePublic(new X509EncodedKeySpec(publicDer));
                return new KeyPair(publicKey, key);
            } catch (GeneralSecurityException | ClassCastException notThisOne) {
                // the other algorithm
            }
        }
        throw new GeneralSecurityException("the stored device key is neither an EC nor an RSA key pair");
    }

    private static byte[] der(String pem) throws GeneralSecurityException {
        try {
            return Base64.getDecoder().decode(pem.replaceAll("-----(BEGIN|END) [A-Z ]+-----", "").replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw new GeneralSecurityException("not PEM");
        }
    }
}
