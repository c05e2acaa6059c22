package dev.skerry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.skerry.testing.SystemdUnit;

/**
 * deploy/systemd/skerry.service keeps its key hardening, and none of the settings that would break what skerry reads
 * (CI also checks the overall `systemd-analyze security` rating; SystemdUnitIT runs the unit's command).
 */
class SystemdUnitTest {

    private final SystemdUnit unit = read(SystemdUnitIT.UNIT);

    @Test
    void noPrivilegesOfAnyKind() {
        assertThat(unit.get("Service.DynamicUser")).isEqualTo("yes");
        assertThat(unit.get("Service.User")).isNull();
        assertThat(unit.get("Service.NoNewPrivileges")).isEqualTo("yes");
        for (String emptied : List.of("Service.CapabilityBoundingSet", "Service.AmbientCapabilities")) {
            assertThat(unit.isAssigned(emptied)).as(emptied + " is set").isTrue();
            assertThat(unit.all(emptied)).as(emptied + " is empty").isEmpty();
        }
        assertThat(unit.get("Service.UMask")).isEqualTo("0077");
    }

    @Test
    void theFileSystemAndTheKernelAreClosedButWhatSkerryReportsOnStaysVisible() {
        Map<String, String> expected = Map.ofEntries(Map.entry("ProtectSystem", "strict"), Map.entry("ProtectHome", "yes"),
                Map.entry("PrivateTmp", "yes"), Map.entry("PrivateDevices", "yes"), Map.entry("PrivateUsers", "yes"),
                Map.entry("ProtectKernelTunables", "yes"), Map.entry("ProtectKernelModules", "yes"), Map.entry("ProtectKernelLogs", "yes"),
                Map.entry("ProtectControlGroups", "yes"), Map.entry("ProtectClock", "yes"), Map.entry("ProtectHostname", "yes"),
                Map.entry("RestrictNamespaces", "yes"), Map.entry("RestrictRealtime", "yes"), Map.entry("RestrictSUIDSGID", "yes"),
                Map.entry("LockPersonality", "yes"), Map.entry("RemoveIPC", "yes"), Map.entry("SystemCallArchitectures", "native"),
                Map.entry("ProtectProc", "noaccess"));
        expected.forEach((key, value) -> assertThat(unit.get("Service." + key)).as(key).isEqualTo(value));
        assertThat(unit.get("Service.ProcSubset")).as("ProcSubset=pid hides /proc/net, /proc/stat, ...").isNull();
        assertThat(unit.get("Service.PrivateNetwork")).as("PrivateNetwork hides the host's sockets").isNull();
        assertThat(unit.get("Service.MemoryDenyWriteExecute")).as("the JVM's JIT needs writable code").isNull();
    }

    @Test
    void systemCallsAndSocketsAreLimitedToWhatTheJvmUses() {
        assertThat(unit.all("Service.SystemCallFilter")).containsExactly("@system-service", "~@privileged @resources");
        assertThat(unit.get("Service.RestrictAddressFamilies").split(" ")).containsExactlyInAnyOrder("AF_INET", "AF_INET6", "AF_UNIX");
    }

    @Test
    void itAlwaysComesBackWithinLimitsAndSecretsStayOutOfTheUnit() {
        assertThat(unit.get("Service.Restart")).isEqualTo("always");
        // room for the launcher's JVM (-Xmx32m, 64m metaspace, 16m code cache, thread stacks), yet a bound: not "infinity"
        assertThat(bytes(unit.get("Service.MemoryMax"))).isBetween(128L << 20, 1L << 30);
        // the JVM's own threads, the event loop, skerry's five kinds and one stuck collector thread each, not unbounded
        assertThat(Integer.parseInt(unit.get("Service.TasksMax"))).isBetween(48, 512);
        assertThat(unit.all("Service.LoadCredential")).containsExactlyInAnyOrder(
                "ca.pem:/etc/skerry/ca.pem", "device.pem:/etc/skerry/device.pem", "device.key:/etc/skerry/device.key");
        assertThat(unit.environment(Map.of('d', "/run/credentials/skerry.service"))).as("the TLS files are the loaded credentials")
                .containsEntry("SKERRY_TLS_CA", "/run/credentials/skerry.service/ca.pem")
                .containsEntry("SKERRY_TLS_CERT", "/run/credentials/skerry.service/device.pem")
                .containsEntry("SKERRY_TLS_KEY", "/run/credentials/skerry.service/device.key");
        // Environment= is readable by every user (systemctl show): keys and passwords go to EnvironmentFile= or credentials.
        assertThat(unit.environment(Map.of('d', "/run/credentials/skerry.service")).keySet())
                .doesNotContain("SKERRY_TLS_KEY_PEM", "SKERRY_MQTT_PASSWORD", "SKERRY_MQTT_PROXY", "SKERRY_ALLOW_ROOT");
    }

    /** A systemd size (1024-based K, M, G suffixes), in bytes. */
    private static long bytes(String size) {
        long unit = switch (size.charAt(size.length() - 1)) {
            case 'K' -> 1L << 10;
            case 'M' -> 1L << 20;
            case 'G' -> 1L << 30;
            default -> 1;
        };
        return Long.parseLong(unit == 1 ? size : size.substring(0, size.length() - 1)) * unit;
    }

    private static SystemdUnit read(Path file) {
        try {
            return SystemdUnit.read(file);
        } catch (java.io.IOException e) {
            throw new AssertionError("cannot read " + file, e);
        }
    }
}
