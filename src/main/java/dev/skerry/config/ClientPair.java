package dev.skerry.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The client certificate and key files checked as at start (readable, the key private and owned by skerry's user or
 * root, both parse, the key is the certificate's): for a pair that changed on disk while skerry runs.
 */
public final class ClientPair {

    private ClientPair() {
    }

    /** Why the pair cannot be used, naming the variable and the file; null when it can. */
    public static String problem(Path certificate, Path key) {
        String problem = Checks.certificateFile(certificate.toString());
        if (problem != null) {
            return "SKERRY_TLS_CERT (" + certificate + "): " + problem;
        }
        problem = Checks.privateKeyFile(key.toString());
        if (problem != null) {
            return "SKERRY_TLS_KEY (" + key + "): " + problem;
        }
        try {
            problem = KeyMaterial.mismatch(Files.readString(key, StandardCharsets.US_ASCII), Files.readString(certificate, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            return "cannot read the pair again (" + e.getMessage() + ")";
        }
        return problem == null ? null : "SKERRY_TLS_KEY (" + key + "): the private key does not belong to the client certificate in " + certificate
                + " (" + problem + ")";
    }
}
