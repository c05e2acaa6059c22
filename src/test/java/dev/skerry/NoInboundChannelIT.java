package dev.skerry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.skerry.testing.Closer;
import dev.skerry.testing.LoopbackDns;
import dev.skerry.testing.Mosquitto;
import dev.skerry.testing.TestPki;
import dev.skerry.testing.TestSubscriber;

/**
 * The agent, started through deploy/bin/skerry and publishing to a real Mosquitto over mutual TLS, holds no socket
 * anyone could connect or send to: every socket behind /proc/PID/fd is looked up in the kernel's tables. Written
 * independently of dev.skerry.guard.InboundChannels, which does the same inside the agent.
 */
class NoInboundChannelIT {

    private final TestPki pki = TestPki.get();
    @AutoClose
    final Closer closer = new Closer();

    @TempDir
    Path state;


    private Map<String, String> broker(int port) {
        // SKERRY_MQTT_HOST=localhost: a name to resolve, so a resolver socket left open would show
        return AgentProcess.publishingTo(pki, port, "SKERRY_INTERVAL", "1s");
    }

    @Test
    void whilePublishingTheAgentHoldsNoListeningOrUnconnectedSocket() throws Exception {
        Mosquitto.assumeAvailable();
        Mosquitto mosquitto = closer.later(Mosquitto.tls(pki).start());
        TestSubscriber subscriber = closer.later(TestSubscriber.connectTls(mosquitto.port(), pki).subscribe("fleet/#"));
        // Quarkus switches Vert.x's own resolver off unless quarkus.vertx.use-async-dns=true; Main switches it off even
        // then. Turned on here, the test fails if Main's switch goes. Netty's resolver answers localhost from
        // /etc/hosts without a query: with an empty hosts file and a DNS server on loopback it must send a real one.
        LoopbackDns dns = closer.later(LoopbackDns.start());
        Map<String, String> env = broker(mosquitto.port());
        env.put("QUARKUS_VERTX_USE_ASYNC_DNS", "true");
        env.put("QUARKUS_VERTX_RESOLVER_HOSTS_PATH", Files.writeString(state.resolve("hosts"), "").toString());
        env.put("QUARKUS_VERTX_RESOLVER_SERVERS", dns.address());
        Launched agent = closer.later(Launched.start(state, env));

        assertThat(subscriber.awaitMessages(2, TestSubscriber.TIMEOUT)).as("the connection is up").hasSizeGreaterThanOrEqualTo(2);
        Path proc = agent.proc();
        Set<Long> sockets = socketInodes(proc.resolve("fd"));
        List<String> inbound = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        int established = 0;
        for (String table : List.of("tcp", "tcp6", "udp", "udp6")) {
            for (String[] row : rows(proc.resolve("net").resolve(table), 10)) {
                long inode = Long.parseLong(row[9]);
                if (!sockets.contains(inode)) {
                    continue;
                }
                seen.add(inode);
                String state = row[3];
                boolean remoteUnset = row[2].matches("[0:]+");
                if (table.startsWith("tcp") && state.equals("0A")) {
                    inbound.add(table + " listening " + row[1]);
                } else if (table.startsWith("udp") && state.equals("07") && remoteUnset) {
                    inbound.add(table + " bound, unconnected " + row[1]);
                } else if (table.startsWith("tcp") && state.equals("01")) {
                    established++;
                }
            }
        }
        for (String[] row : rows(proc.resolve("net/unix"), 7)) {
            long inode = Long.parseLong(row[6]);
            if (!sockets.contains(inode)) {
                continue;
            }
            seen.add(inode);
            long flags = Long.parseLong(row[3], 16);
            boolean named = row.length > 7;
            if ((flags & 0x10000) != 0) {
                inbound.add("unix listening " + (named ? row[7] : "(unnamed)"));
            } else if (row[4].equals("0002") && row[5].equals("01") && named) {
                inbound.add("unix datagram, bound, unconnected " + row[7]);
            }
        }
        Set<Long> unknown = new HashSet<>(sockets);
        unknown.removeAll(seen);

        assertThat(inbound).as("inbound channels of the agent (sockets %s)", sockets).isEmpty();
        assertThat(established).as("the broker connection was found among the agent's sockets").isGreaterThanOrEqualTo(1);
        assertThat(unknown).as("sockets in none of the tables (netlink, raw, packet?)").isEmpty();
        if (!AgentProcess.isNative()) {
            assertThat(agent.cmdline()).contains("-XX:+DisableAttachMechanism");
        }
        assertThat(agent.stderr.getNow("")).doesNotContain("inbound channel");

        if (Files.isExecutable(Path.of(System.getProperty("java.home"), "bin", "jcmd"))) {
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    String.valueOf(agent.pid()), "VM.version").redirectErrorStream(true).start();
            jcmd.getOutputStream().close();
            String output = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(jcmd.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(jcmd.exitValue()).as("jcmd cannot attach: %s", output).isNotZero();
        }

        assertThat(agent.stop()).isZero();
        assertThat(Path.of("/tmp/.java_pid" + agent.pid())).as("no attach listener socket").doesNotExist();
        assertThat(agent.stderr.get(10, TimeUnit.SECONDS)).as("the agent's own check found nothing").doesNotContain("inbound channel");
    }

    private static Set<Long> socketInodes(Path fdDir) throws IOException {
        Set<Long> inodes = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(fdDir)) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.matches("socket:\\[\\d+]")) {
                        inodes.add(Long.parseLong(target.substring(8, target.length() - 1)));
                    }
                } catch (NoSuchFileException e) {
                    // closed meanwhile
                }
            }
        }
        return inodes;
    }

    private static List<String[]> rows(Path table, int fields) throws IOException {
        if (!Files.exists(table)) {
            return List.of();
        }
        List<String> lines = Files.readAllLines(table, StandardCharsets.ISO_8859_1);
        return lines.subList(1, lines.size()).stream().map(String::strip).filter(line -> !line.isEmpty())
                .map(line -> line.split("\\s+", fields + 1)).toList();
    }
}
