package dev.skerry.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recorded socket tables in src/test/resources/guard/net, written by hand in the kernel's format. Inodes 1001 to 1014
 * stand for this process's sockets, 2001 to 2003 for other processes' (the tables list the whole network namespace).
 */
class InboundChannelsTest {

    private static final Path NET = Path.of("src/test/resources/guard/net");

    @Test
    void findsListenersUnconnectedDatagramSocketsAndListeningUnixSocketsOfThisProcessOnly() throws Exception {
        Set<Long> ours = Set.of(1001L, 1002L, 1003L, 1004L, 1005L, 1006L, 1007L, 1008L, 1009L, 1010L, 1011L, 1012L, 1013L, 1014L);

        List<String> found = InboundChannels.inTables(ours, NET).stream().map(Object::toString).toList();

        assertThat(found).containsExactly(
                "tcp 0.0.0.0:8080 listening",
                "tcp6 [::]:9090 listening",
                "udp 127.0.0.1:43512 bound, unconnected",
                "udp6 [::]:53 bound, unconnected",
                "unix /run/app/control.sock listening",
                "unix @app-notify datagram, bound, unconnected",
                "unix /tmp/with space.sock listening");
    }

    @Test
    void connectedAndUnnamedSocketsAreNoChannelIn() throws Exception {
        // the broker connection (v4 and v4-mapped v6), a connected UDP socket, the JVM's socket pair, an unnamed
        // datagram socket, a connection accepted from a listener (it shows the listener's path)
        Set<Long> clean = Set.of(1002L, 1004L, 1006L, 1009L, 1010L, 1012L, 1014L);

        assertThat(InboundChannels.inTables(clean, NET)).isEmpty();
        assertThat(InboundChannels.warning(List.of())).isEmpty();
    }

    @Test
    void missingTablesAreSkipped(@TempDir Path empty) throws Exception {
        assertThat(InboundChannels.inTables(Set.of(1001L), empty)).isEmpty();
    }

    @Test
    void theWarningIsOneLineNamingEveryChannel() throws Exception {
        var found = InboundChannels.inTables(Set.of(1001L, 1005L), NET);

        assertThat(InboundChannels.warning(found)).hasValue(
                "skerry only connects out, yet this process holds 2 inbound channels: tcp 0.0.0.0:8080 listening, udp 127.0.0.1:43512 bound, unconnected");
    }

    @Test
    void socketInodesComeFromTheDescriptorLinks(@TempDir Path fd) throws Exception {
        Files.createSymbolicLink(fd.resolve("0"), Path.of("pipe:[76]"));
        Files.createSymbolicLink(fd.resolve("3"), Path.of("socket:[1001]"));
        Files.createSymbolicLink(fd.resolve("4"), Path.of("pipe:[77]"));
        Files.createSymbolicLink(fd.resolve("5"), Path.of("anon_inode:[eventpoll]"));
        Files.createSymbolicLink(fd.resolve("6"), Path.of("socket:[4294967296]"));

        assertThat(InboundChannels.socketInodes(fd)).containsExactlyInAnyOrder(1001L, 4294967296L);
    }

    @Test
    void aListenerOpenedByThisProcessIsFoundInTheLiveProc() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            // the JDK's sockets are dual-stack: tcp6, with the IPv4-mapped address printed as IPv4
            assertThat(InboundChannels.ofThisProcess()).map(Object::toString)
                    .anyMatch(channel -> channel.matches("tcp6? 127\\.0\\.0\\.1:" + listener.getLocalPort() + " listening"));
        }
    }

    @Test
    void aMalformedTableIsAnErrorNamingIt(@TempDir Path net) throws Exception {
        Files.writeString(net.resolve("tcp"), "  sl  local_address rem_address   st\n   0: 0100007F:1F90 zz\n");

        assertThatThrownBy(() -> InboundChannels.inTables(Set.of(1001L), net))
                .isInstanceOf(java.io.IOException.class).hasMessageContaining(net.resolve("tcp").toString());
    }
}
