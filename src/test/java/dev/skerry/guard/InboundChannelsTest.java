package dev.skerry.guard;

import static org.assertj.core.api.Assertions.assertThat;

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
                "tcp6 [0:0:0:0:0:0:0:0]:9090 listening",
                "udp 127.0.0.1:43512 bound, unconnected",
                "udp6 [0:0:0:0:0:0:0:0]:53 bound, unconnected",
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
    void thisTestProcessCanBeChecked() throws Exception {
        // the live /proc parses; what a test JVM holds is not asserted
        assertThat(InboundChannels.ofThisProcess()).isNotNull();
    }
}
