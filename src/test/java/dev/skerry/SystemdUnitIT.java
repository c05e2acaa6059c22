package dev.skerry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.skerry.config.Users;
import dev.skerry.testing.Mosquitto;
import dev.skerry.testing.SyscallGroups;
import dev.skerry.testing.SystemUser;
import dev.skerry.testing.SystemdUnit;
import dev.skerry.testing.TestPki;
import dev.skerry.testing.TestSubscriber;

/**
 * deploy/systemd/skerry.service started the way systemd would start it, where systemd cannot run: the unit's
 * ExecStart, installed as the README lays it out, with the unit's Environment= (specifiers expanded), its
 * credentials, state and runtime directories, as a user of its own without capabilities or new privileges, with a
 * clean environment, on a read-only root with a private /tmp and /dev. It publishes a report and keeps its state in
 * the state directory.
 */
class SystemdUnitIT {

    static final Path UNIT = Path.of("deploy/systemd/skerry.service");
    private static final String USER = "skerry";
    /** A line of strace -f: pid, the call's name and, for socket(2) and socketpair(2), the address family. */
    private static final Pattern TRACED_CALL = Pattern.compile("^\\d+\\s+([a-z0-9_]+)\\((?:(AF_[A-Z0-9]+)(?=,))?");
    /** The PATH systemd gives services. */
    private static final String SYSTEMD_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private final TestPki pki = TestPki.get();

    @TempDir
    Path root;

    @Test
    void theUnitsCommandPublishesAsItsOwnUserOnAReadOnlyRootWithItsStateInTheStateDirectory() throws Exception {
        assumeTrue(Users.isRoot(), "creating a system user and a read-only mount namespace needs root");
        assumeTrue(new File("/usr/bin/bwrap").canExecute(), "bubblewrap (bwrap) is not installed");
        assumeTrue(new File("/usr/bin/java").canExecute(), "the unit finds java on systemd's PATH: /usr/bin/java is missing");
        Mosquitto.assumeAvailable();
        SystemdUnit unit = SystemdUnit.read(UNIT);
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));

        // ExecStart=<prefix>/bin/skerry, the launcher, which finds <prefix>/lib/skerry/quarkus-app.
        Path command = Path.of(unit.get("Service.ExecStart"));
        assertThat(unit.all("Service.ExecStart")).hasSize(1);
        assertThat(command.getParent().getFileName()).hasToString("bin");
        Path prefix = command.getParent().getParent();
        assertThat(prefix).as("a prefix that exists on every host, so the test can lay it out in a tmpfs over it").isEqualTo(Path.of("/usr/local"));

        // A user of its own; systemd makes StateDirectory= and RuntimeDirectory= for it, 0700.
        assertThat(unit.get("Service.DynamicUser")).isEqualTo("yes");
        SystemUser.ensure(USER);
        Path state = serviceDirectory("state", unit.get("Service.StateDirectory"), unit.get("Service.StateDirectoryMode"));
        Path runtime = serviceDirectory("run", unit.get("Service.RuntimeDirectory"), unit.get("Service.RuntimeDirectoryMode"));

        // LoadCredential=: root-owned 0440 files, readable by the service's user only, in a directory of their own
        // (systemd 255 and later grant the user an ACL, which shows as the group bits; the group stands in for it here).
        Path credentials = Files.createDirectories(root.resolve("credentials/skerry.service"));
        Map<String, Path> sources = Map.of("ca.pem", pki.caPem(), "device.pem", pki.clientCert(), "device.key", pki.clientKeyRsa());
        List<String> ids = new ArrayList<>();
        for (String credential : unit.all("Service.LoadCredential")) {
            String id = credential.substring(0, credential.indexOf(':'));
            ids.add(id);
            Path file = Files.copy(sources.get(id), credentials.resolve(id));
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--r-----"));
        }
        assertThat(ids).containsExactlyInAnyOrderElementsOf(sources.keySet());
        SystemUser.run("chown", "-R", "root:" + USER, credentials.toString());
        Files.setPosixFilePermissions(credentials, PosixFilePermissions.fromString("r-xr-x---"));

        try (Mosquitto mosquitto = Mosquitto.tls(pki).start();
                TestSubscriber subscriber = TestSubscriber.connectTls(mosquitto.port(), pki).subscribe("fleet/#")) {
            // What /etc/skerry/skerry.env (EnvironmentFile=) holds for this broker, plus SKERRY_ONCE as a drop-in would.
            assertThat(unit.get("Service.EnvironmentFile")).isEqualTo("/etc/skerry/skerry.env");
            Map<String, String> env = new HashMap<>(Map.of("PATH", SYSTEMD_PATH, "HOME", "/", "USER", USER, "LOGNAME", USER,
                    "STATE_DIRECTORY", state.toString(), "RUNTIME_DIRECTORY", runtime.toString(),
                    "CREDENTIALS_DIRECTORY", credentials.toString()));
            env.putAll(Map.of("SKERRY_MQTT_HOST", "localhost", "SKERRY_MQTT_PORT", String.valueOf(mosquitto.port()),
                    "SKERRY_MQTT_TOPIC", "fleet/{thing}/{format}", "SKERRY_THING_NAME", pki.thingName(), "SKERRY_ONCE", "true"));
            env.putAll(unit.environment(Map.of('d', credentials.toString(), 'n', "skerry.service")));

            Process agent = start(command, prefix, unit.get("Service.UMask"), env, root, List.of(state, runtime));
            var stderr = AgentProcess.drain(agent.getErrorStream());
            AgentProcess.drain(agent.getInputStream());
            assertThat(agent.waitFor(120, TimeUnit.SECONDS)).as("the agent exited").isTrue();

            assertThat(agent.exitValue()).as(stderr.get(5, TimeUnit.SECONDS)).isZero();
            assertThat(stderr.get(5, TimeUnit.SECONDS)).as("every variable of the unit is one skerry knows").doesNotContain("is not a variable skerry knows");
            JsonNode report = new ObjectMapper().readTree(subscriber.awaitMessages(1, TestSubscriber.TIMEOUT).get(0).payload());
            assertThat(report.at("/custom_metrics/collector_errors/0/number").asInt()).as("every collector works in the sandbox").isZero();
            assertThat(report.at("/custom_metrics/process_count/0/number").asInt()).isGreaterThan(1);
        }

        assertThat(state.resolve("heartbeat")).isRegularFile();
        assertThat(state.resolve("report-id-ceiling")).isRegularFile();
        // every report delivered: nothing in the spool but its count of lost reports, which is 0
        assertThat(state.resolve("spool")).isDirectory();
        try (Stream<Path> spooled = Files.list(state.resolve("spool"))) {
            assertThat(spooled.map(path -> path.getFileName().toString())).containsExactly("lost-reports");
        }
        assertThat(Files.readString(state.resolve("spool/lost-reports")).strip()).matches("0+");
        assertThat(Files.getOwner(state.resolve("spool")).getName()).isEqualTo(USER);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state.resolve("spool")))).isEqualTo("rwx------");
        List<Path> links = Files.list(runtime).filter(Files::isSymbolicLink).toList();
        assertThat(links).as("the process-name link in RuntimeDirectory=").isNotEmpty();
        for (Path link : links) {
            Files.delete(link); // not left for @TempDir, which warns about links that leave it
        }
    }

    /**
     * What the sandbox above cannot apply, checked by tracing: every system call of the launcher and the JVM while
     * publishing is one SystemCallFilter= allows (groups resolved by systemd-analyze), and every socket is of a family
     * RestrictAddressFamilies= allows. A call the filter denies would fail with EPERM (SystemCallErrorNumber=).
     */
    @Test
    void everySystemCallAndSocketFamilyOfThePublishingAgentIsOneTheUnitAllows() throws Exception {
        assumeTrue(new File("/usr/bin/strace").canExecute(), "strace is not installed");
        assumeTrue(new File("/usr/bin/systemd-analyze").canExecute(), "systemd-analyze (package systemd) is not installed");
        Mosquitto.assumeAvailable();
        SystemdUnit unit = SystemdUnit.read(UNIT);
        Set<String> allowed = SyscallGroups.read().allowedBy(unit.all("Service.SystemCallFilter"));
        Set<String> families = Set.of(unit.get("Service.RestrictAddressFamilies").split("\\s+"));
        Path trace = root.resolve("trace");

        try (Mosquitto mosquitto = Mosquitto.tls(pki).start();
                TestSubscriber subscriber = TestSubscriber.connectTls(mosquitto.port(), pki).subscribe("fleet/#")) {
            ProcessBuilder builder = new ProcessBuilder("/usr/bin/strace", "-f", "-qq", "-o", trace.toString(),
                    Launched.LAUNCHER.toAbsolutePath().toString());
            builder.environment().keySet().removeIf(name -> name.startsWith("SKERRY_") || name.startsWith("BALENA_"));
            builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
            builder.environment().putAll(AgentProcess.publishingTo(pki, mosquitto.port(), "SKERRY_ONCE", "true",
                    "SKERRY_ONCE_TIMEOUT", "120s", "SKERRY_STATE_DIR", root.resolve("state").toString()));
            Process agent = builder.start();
            agent.getOutputStream().close();
            var stderr = AgentProcess.drain(agent.getErrorStream());
            AgentProcess.drain(agent.getInputStream());
            assertThat(agent.waitFor(240, TimeUnit.SECONDS)).as("the traced agent exited").isTrue();
            assertThat(agent.exitValue()).as(stderr.get(5, TimeUnit.SECONDS)).isZero();
            assertThat(subscriber.awaitMessages(1, TestSubscriber.TIMEOUT)).isNotEmpty();
        }

        Set<String> calls = new TreeSet<>();
        Set<String> socketFamilies = new TreeSet<>();
        for (String line : Files.readAllLines(trace)) {
            Matcher call = TRACED_CALL.matcher(line);
            if (call.find()) {
                calls.add(call.group(1));
                if (call.group(2) != null) {
                    socketFamilies.add(call.group(2));
                }
            }
        }
        assertThat(calls).as("system calls traced").contains("execve", "openat", "connect");
        assertThat(calls).as("system calls outside SystemCallFilter=").isSubsetOf(allowed);
        assertThat(socketFamilies).as("socket families outside RestrictAddressFamilies=").contains("AF_INET").isSubsetOf(families);
    }

    /** A directory systemd would create for the unit's user, e.g. /var/lib/skerry for StateDirectory=skerry. */
    private Path serviceDirectory(String base, String name, String mode) throws Exception {
        assertThat(name).isEqualTo("skerry");
        Path dir = Files.createDirectories(root.resolve(base).resolve(name));
        SystemUser.run("chown", USER + ":" + USER, dir.toString());
        SystemUser.run("chmod", mode, dir.toString());
        return dir;
    }

    /**
     * The command in a sandbox: ProtectSystem=strict (read-only root), PrivateTmp=, PrivateDevices=, ProtectHome= (no
     * /home, /root), the install layout in a tmpfs over the prefix, the test's files read-only and only the given
     * directories writable; then the user with no capabilities, no supplementary groups, no_new_privs
     * (NoNewPrivileges=) and the unit's umask.
     */
    private static Process start(Path command, Path prefix, String umask, Map<String, String> env, Path files, List<Path> writable) throws Exception {
        Path app = AgentProcess.JAR.toAbsolutePath().getParent();
        List<String> sandbox = new ArrayList<>(List.of("/usr/bin/bwrap", "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev",
                "--tmpfs", "/tmp", "--tmpfs", "/home", "--tmpfs", "/root",
                "--tmpfs", prefix.toString(), "--perms", "0755", "--dir", command.getParent().toString(),
                "--perms", "0755", "--dir", prefix.resolve("lib/skerry").toString(),
                "--ro-bind", Launched.LAUNCHER.toAbsolutePath().toString(), command.toString(),
                "--ro-bind", app.toString(), prefix.resolve("lib/skerry/quarkus-app").toString(),
                "--remount-ro", prefix.toString()));
        sandbox.addAll(List.of("--ro-bind", files.toString(), files.toString()));
        for (Path dir : writable) {
            sandbox.addAll(List.of("--bind", dir.toString(), dir.toString()));
        }
        sandbox.addAll(List.of("--",
                "setpriv", "--reuid=" + USER, "--regid=" + USER, "--clear-groups", "--no-new-privs",
                "--inh-caps=-all", "--bounding-set=-all",
                "/bin/sh", "-c", "umask " + umask + " && exec \"$0\"", command.toString()));
        ProcessBuilder builder = new ProcessBuilder(sandbox);
        builder.environment().clear();
        builder.environment().putAll(env);
        Process process = builder.start();
        process.getOutputStream().close();
        return process;
    }
}
