package dev.skerry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A setting that would weaken TLS stops the agent at start, whichever source Quarkus read it from. */
class WeakTransportIT {

    @TempDir
    Path state;

    private static void assertRefused(AgentProcess.Run run, String setting) {
        assertThat(run.exitCode()).as(run.stderr()).isEqualTo(78);
        assertThat(run.stdout()).isEmpty();
        assertThat(run.stderrLines()).singleElement().asString().startsWith("skerry: ").contains(setting).contains("refuses");
    }

    @Test
    void fromAQuarkusEnvironmentVariable() throws Exception {
        assertRefused(AgentProcess.run(state, Map.of("SKERRY_ONCE", "true", "QUARKUS_TLS_TRUST_ALL", "true")), "QUARKUS_TLS_TRUST_ALL");
    }

    @Test
    void fromAMessagingEnvironmentVariable() throws Exception {
        AgentProcess.Run run = AgentProcess.run(state, Map.of("SKERRY_ONCE", "true",
                "MP_MESSAGING_OUTGOING_REPORTS_SSL_HOSTNAME_VERIFICATION_ALGORITHM", "NONE"));

        assertThat(run.exitCode()).isEqualTo(78);
        assertThat(run.stderrLines()).singleElement().asString()
                .startsWith("skerry: MP_MESSAGING_OUTGOING_REPORTS_SSL_HOSTNAME_VERIFICATION_ALGORITHM (environment) is set, but skerry has no messaging channels");
    }

    @Test
    void fromAnApplicationPropertiesFileInTheWorkingDirectory(@TempDir Path workingDirectory) throws Exception {
        Files.createDirectories(workingDirectory.resolve("config"));
        Files.writeString(workingDirectory.resolve("config/application.properties"), "quarkus.tls.trust-all=true\n");

        assertRefused(AgentProcess.run(AgentProcess.start(state, Map.of("SKERRY_ONCE", "true"), workingDirectory, List.of())),
                "config/application.properties");
    }

    @Test
    void fromADotEnvFileInTheWorkingDirectory(@TempDir Path workingDirectory) throws Exception {
        Files.writeString(workingDirectory.resolve(".env"), "QUARKUS_TLS_TRUST_ALL=true\n");

        assertRefused(AgentProcess.run(AgentProcess.start(state, Map.of("SKERRY_ONCE", "true"), workingDirectory, List.of())),
                ".env");
    }

    @Test
    void fromASystemProperty() throws Exception {
        assertRefused(AgentProcess.run(AgentProcess.start(state, Map.of("SKERRY_ONCE", "true"), Path.of(""),
                List.of("-Dquarkus.tls.trust-all=true"))), "quarkus.tls.trust-all");
    }

    @Test
    void aHarmlessQuarkusSettingIsFine() throws Exception {
        assertThat(AgentProcess.run(state, Map.of("SKERRY_ONCE", "true", "QUARKUS_TLS_TRUST_ALL", "false")).exitCode()).isZero();
    }
}
