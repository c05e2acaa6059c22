package dev.skerry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.skerry.testing.Closer;
import dev.skerry.testing.Mosquitto;
import dev.skerry.testing.TestPki;

/**
 * The packaged agent (the jar, or the native executable with -Dskerry.native) refuses every TLS peer it must refuse:
 * nothing reaches the broker, the report stays in the spool and the cause is named. TlsPolicyTest covers the same
 * faults in depth inside the JVM; this is the check that the build that ships keeps them.
 */
class TlsRefusalIT {

    enum Fault {
        UNKNOWN_CA("not signed by a CA in SKERRY_TLS_CA"),
        WRONG_HOST_NAME("not issued for localhost"),
        EXPIRED_SERVER_CERTIFICATE("expired certificate"),
        CLIENT_CERTIFICATE_FROM_UNTRUSTED_CA("refuse");

        final String logged;

        Fault(String logged) {
            this.logged = logged;
        }
    }

    private final TestPki pki = TestPki.get();
    @AutoClose
    final Closer closer = new Closer();
    @TempDir
    Path state;

    @ParameterizedTest
    @EnumSource(Fault.class)
    void aPeerThatMustBeRefusedGetsNoReport(Fault fault) throws Exception {
        Mosquitto.assumeAvailable();
        Mosquitto broker = closer.later(Mosquitto.tls(pki).serverCertificate(switch (fault) {
            case WRONG_HOST_NAME -> Mosquitto.ServerCertificate.WRONG_HOST;
            case EXPIRED_SERVER_CERTIFICATE -> Mosquitto.ServerCertificate.EXPIRED;
            default -> Mosquitto.ServerCertificate.VALID;
        }).start());
        // the refusal must be logged before the once mode gives up: 6 s was too short for a first handshake on a loaded machine
        Map<String, String> env = AgentProcess.publishingTo(pki, broker.port(), "SKERRY_ONCE", "true", "SKERRY_ONCE_TIMEOUT", "20s");
        if (fault == Fault.UNKNOWN_CA) {
            env.put("SKERRY_TLS_CA", pki.rogueCaPem().toString());
        } else if (fault == Fault.CLIENT_CERTIFICATE_FROM_UNTRUSTED_CA) {
            env.put("SKERRY_TLS_CERT", pki.rogueClientCert().toString());
            env.put("SKERRY_TLS_KEY", pki.rogueClientKey().toString());
        }

        AgentProcess.Run run = AgentProcess.run(state, env);

        assertThat(run.exitCode()).as(run.stderr()).isEqualTo(1);
        assertThat(run.stderr()).contains(fault.logged).contains("stays in the spool").doesNotContain("\tat ");
        assertThat(broker.logText()).as("the broker never saw a PUBLISH").doesNotContain("Received PUBLISH");
        assertThat(AgentProcess.spooledReports(state)).isEqualTo(1);
    }

    @Test
    void withoutAClientCertificateItDoesNotStart() throws Exception {
        Map<String, String> env = AgentProcess.publishingTo(pki, 8883, "SKERRY_ONCE", "true");
        env.remove("SKERRY_TLS_CERT");
        env.remove("SKERRY_TLS_KEY");

        AgentProcess.Run run = AgentProcess.run(state, env);

        assertThat(run.exitCode()).as(run.stderr()).isEqualTo(78);
        assertThat(run.stderr()).contains("SKERRY_TLS_CERT");
    }
}
