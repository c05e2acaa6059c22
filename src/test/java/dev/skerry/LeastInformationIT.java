package dev.skerry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import org.junit.jupiter.api.Test;

/**
 * What ships to devices (target/quarkus-app) holds no private key, credential, test class, skerry
 * documentation file or debug switch. Licence and NOTICE files inside dependencies' jars are fine.
 */
class LeastInformationIT {

    private static final Path APP = Path.of("target/quarkus-app");
    /** Strings that must not appear in any shipped file or jar entry. */
    private static final java.util.regex.Pattern PRIVATE_KEY = java.util.regex.Pattern.compile("-----BEGIN [A-Z ]*PRIVATE KEY-----\\s*[A-Za-z0-9+/=]{16}");
    private static final List<String> FORBIDDEN = List.of("-agentlib:jdwp", "jdwp=transport",
            "com.sun.management.jmxremote", "trust-all=true", "quarkus.log.level=DEBUG", "quarkus.log.level=TRACE",
            "skerry-test-thing", "dev/skerry/testing/");

    @Test
    void theShippedTreeHoldsNoSecretsTestsDocsOrDebugSwitches() throws IOException {
        List<String> findings = new ArrayList<>();
        try (Stream<Path> files = Files.walk(APP)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String name = APP.relativize(file).toString();
                if (name.endsWith(".jar")) {
                    scanJar(file, name, findings);
                } else {
                    scan(name, Files.readAllBytes(file), findings);
                }
            }
        }
        assertThat(findings).isEmpty();
    }

    @Test
    void skerrysOwnJarHoldsOnlyItsClassesAndConfiguration() throws IOException {
        List<String> entries = new ArrayList<>();
        try (Stream<Path> jars = Files.list(APP.resolve("app"))) {
            for (Path jar : jars.filter(file -> file.toString().endsWith(".jar")).toList()) {
                try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(jar))) {
                    for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                        entries.add(entry.getName());
                    }
                }
            }
        }
        assertThat(entries).isNotEmpty().allSatisfy(entry -> assertThat(entry).matches(
                "META-INF/.*|dev/skerry/.*\\.class|dev/|dev/skerry/|dev/skerry/[a-z]+/|application\\.properties"
                        + "|dev/skerry/version\\.properties" // the one line skerry --version prints
                        // the message loggers' default texts, written by JBoss Logging's processor beside each *Messages
                        // interface: the same texts as its class holds, nothing more
                        + "|dev/skerry/([a-z]+/)?[A-Z][A-Za-z]*Messages\\.i18n\\.properties"));
        assertThat(entries).noneMatch(entry -> entry.endsWith("Test.class") || entry.endsWith("IT.class") || entry.endsWith(".md")
                || entry.endsWith(".pem") || entry.endsWith(".key"));
    }

    private static void scanJar(Path jar, String name, List<String> findings) throws IOException {
        boolean own = name.startsWith("app/");
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(jar))) {
            for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                if (own && entry.getName().endsWith(".md")) {
                    findings.add(name + "!" + entry.getName() + ": a documentation file of skerry's own");
                }
                if (!entry.isDirectory() && !entry.getName().endsWith(".class")) {
                    scan(name + "!" + entry.getName(), readAll(zip), findings);
                } else if (own) {
                    scan(name + "!" + entry.getName(), readAll(zip), findings);
                }
            }
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        return in.readAllBytes();
    }

    private static void scan(String name, byte[] content, List<String> findings) {
        String text = new String(content, StandardCharsets.ISO_8859_1);
        if (PRIVATE_KEY.matcher(text).find()) {
            findings.add(name + ": holds a PEM private key");
        }
        for (String forbidden : FORBIDDEN) {
            if (text.contains(forbidden)) {
                findings.add(name + ": contains '" + forbidden + "'");
            }
        }
    }
}
