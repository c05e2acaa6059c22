package dev.skerry.provision;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CsrTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(DeviceKey.Kind.class)
    void opensslVerifiesTheRequestAndSeesTheDeviceKey(DeviceKey.Kind kind) throws Exception {
        KeyPair pair = DeviceKey.generate(kind);
        Path csr = dir.resolve("device.csr");
        Files.writeString(csr, Csr.pem(pair, "skerry-device-1"));

        String verified = openssl("req", "-in", csr.toString(), "-verify", "-noout", "-subject");
        assertThat(verified).contains("verify OK").contains("CN = skerry-device-1");

        Path publicKey = dir.resolve("device.pub");
        Files.writeString(publicKey, DeviceKey.pem("PUBLIC KEY", pair.getPublic().getEncoded()));
        assertThat(openssl("req", "-in", csr.toString(), "-noout", "-pubkey")).isEqualToIgnoringWhitespace(Files.readString(publicKey));
    }

    @ParameterizedTest
    @EnumSource(DeviceKey.Kind.class)
    void aTamperedRequestFailsVerification(DeviceKey.Kind kind) throws Exception {
        byte[] der = Csr.der(DeviceKey.generate(kind), "skerry-device-1");
        int at = new String(der, StandardCharsets.ISO_8859_1).indexOf("skerry-device-1");
        der[at] = 'S';
        Path csr = dir.resolve("tampered.csr");
        Files.writeString(csr, DeviceKey.pem("CERTIFICATE REQUEST", der));
        assertThat(openssl("req", "-in", csr.toString(), "-verify", "-noout")).doesNotContain("verify OK");
    }

    @ParameterizedTest
    @EnumSource(DeviceKey.Kind.class)
    void theStoredKeyPemIsOneOpensslReads(DeviceKey.Kind kind) throws Exception {
        KeyPair pair = DeviceKey.generate(kind);
        Path key = dir.resolve("device.key");
        Files.writeString(key, DeviceKey.pem(pair.getPrivate()));
        String publicFromKey = openssl("pkey", "-in", key.toString(), "-pubout");
        assertThat(publicFromKey).isEqualToIgnoringWhitespace(DeviceKey.pem("PUBLIC KEY", pair.getPublic().getEncoded()));
    }

    static String openssl(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        return output;
    }
}
