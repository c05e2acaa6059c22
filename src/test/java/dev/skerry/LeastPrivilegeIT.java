package dev.skerry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.skerry.config.Users;
import dev.skerry.testing.Mosquitto;
import dev.skerry.testing.SystemUser;
import dev.skerry.testing.TestPki;
import dev.skerry.testing.TestSubscriber;

/**
 * skerry needs no privileges: as root it refuses to publish unless told to, and as a dedicated
 * system user on a read-only root file system (writable: its state directory only) it publishes
 * a complete report.
 */
class LeastPrivilegeIT {

    private static final String USER = "skerry";
    private final TestPki pki = TestPki.get();

    @TempDir
    Path state;

    @Test
    void asRootPublishingIsRefusedWithAHowTo() throws Exception {
        assumeTrue(Users.isRoot(), "the test runs as root only");

        AgentProcess.Run run = AgentProcess.run(state, Map.of("SKERRY_ONCE", "true", "SKERRY_MQTT_HOST", "localhost",
                "SKERRY_TLS_CA", pki.caPem().toString(), "SKERRY_TLS_CERT", pki.clientCert().toString(),
                "SKERRY_TLS_KEY", pki.clientKeyRsa().toString()));

        assertThat(run.exitCode()).isEqualTo(78);
        assertThat(run.stderrLines()).singleElement().asString()
                .startsWith("skerry: SKERRY_MQTT_HOST is set and skerry runs as root")
                .contains("useradd --system --user-group --no-create-home skerry")
                .as("a user without a home has no default state directory: the set-up makes one and names it")
                .contains("install -d -o skerry -m 0700 /var/lib/skerry").contains("SKERRY_STATE_DIR=/var/lib/skerry")
                .contains("SKERRY_ALLOW_ROOT=true");
    }

    @Test
    void asRootTheLocalStdoutModeOnlyWarns() throws Exception {
        assumeTrue(Users.isRoot(), "the test runs as root only");

        AgentProcess.Run run = AgentProcess.run(state, Map.of("SKERRY_ONCE", "true"));

        assertThat(run.exitCode()).isZero();
        assertThat(run.stderr()).contains("Running as root");
    }

    @Test
    void asASystemUserOnAReadOnlyRootItPublishesACompleteReport() throws Exception {
        assumeTrue(Users.isRoot(), "creating a system user and a read-only mount namespace needs root");
        assumeTrue(new File("/usr/bin/bwrap").canExecute(), "bubblewrap (bwrap) is not installed");
        Mosquitto.assumeAvailable();
        SystemUser.ensure(USER);
        Path own = Files.createDirectories(state.resolve("skerry"));
        Path key = Files.copy(pki.clientKeyRsa(), own.resolve("device.key"));
        Path certificate = Files.copy(pki.clientCert(), own.resolve("device.pem"));
        Path authority = Files.copy(pki.caPem(), own.resolve("ca.pem"));
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        SystemUser.run("chown", "-R", USER + ":" + USER, own.toString());
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxr-xr-x"));

        try (Mosquitto mosquitto = Mosquitto.tls(pki).start();
                TestSubscriber subscriber = TestSubscriber.connectTls(mosquitto.port(), pki).subscribe("fleet/#")) {
            List<String> command = new ArrayList<>(List.of("/usr/bin/bwrap", "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev",
                    "--bind", own.toString(), own.toString(), "--",
                    "setpriv", "--reuid=" + USER, "--regid=" + USER, "--clear-groups"));
            command.addAll(AgentProcess.command(List.of("-XX:-UsePerfData")));
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().keySet().removeIf(name -> name.startsWith("SKERRY_"));
            builder.environment().putAll(Map.of("SKERRY_ONCE", "true", "SKERRY_STATE_DIR", own.toString(),
                    "SKERRY_MQTT_HOST", "localhost", "SKERRY_MQTT_PORT", String.valueOf(mosquitto.port()),
                    "SKERRY_MQTT_TOPIC", "fleet/{thing}/{format}", "SKERRY_THING_NAME", pki.thingName(),
                    "SKERRY_TLS_CA", authority.toString(), "SKERRY_TLS_CERT", certificate.toString(),
                    "SKERRY_TLS_KEY", key.toString()));
            builder.environment().put("HOME", own.toString());
            Process agent = builder.start();
            var stderr = AgentProcess.drain(agent.getErrorStream());
            AgentProcess.drain(agent.getInputStream());
            assertThat(agent.waitFor(90, TimeUnit.SECONDS)).isTrue();

            assertThat(agent.exitValue()).as(stderr.get(5, TimeUnit.SECONDS)).isZero();
            JsonNode report = new ObjectMapper().readTree(subscriber.awaitMessages(1, TestSubscriber.TIMEOUT).get(0).payload());
            assertThat(report.at("/custom_metrics/collector_errors/0/number").asInt()).as("every collector works unprivileged").isZero();
            assertThat(report.at("/metrics/listening_tcp_ports/total").asInt()).isPositive();
            assertThat(report.at("/custom_metrics/process_count/0/number").asInt()).isGreaterThan(1);
        }
    }
}
