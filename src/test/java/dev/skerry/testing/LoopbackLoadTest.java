package dev.skerry.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class LoopbackLoadTest {

    private static final String ESTABLISHED = "01";
    private static final String LISTEN = "0A";
    private static final String UNCONNECTED_UDP = "07";

    @Test
    void holdsTheConnectionsAndListenersItWasAskedForUntilClosed() throws IOException {
        List<Integer> destinations;
        List<Integer> listeners;
        try (LoopbackLoad load = LoopbackLoad.start(30, 3, 2)) {
            assertThat(load.connections()).isEqualTo(30);
            assertThat(load.tcpListeners()).isEqualTo(3);
            assertThat(load.udpListeners()).isEqualTo(2);
            destinations = load.destinationPorts();
            listeners = load.listenerPorts();
            assertThat(listeners).hasSize(5);

            // each connection is two ESTABLISHED sockets on 127.0.0.1: the client's (remote port = destination)
            // and the accepted one (local port = destination)
            assertThat(established(destinations)).isEqualTo(60);
            assertThat(entries("tcp", LISTEN, Set.copyOf(listeners.subList(0, 3)))).isEqualTo(3);
            assertThat(entries("udp", UNCONNECTED_UDP, Set.copyOf(listeners.subList(3, 5)))).isEqualTo(2);
            // the listeners that accepted the connections are gone: only the three asked for listen
            assertThat(entries("tcp", LISTEN, Set.copyOf(destinations))).isZero();
        }
        assertThat(established(destinations)).isZero();
        assertThat(entries("tcp", LISTEN, Set.copyOf(listeners.subList(0, 3)))).isZero();
        assertThat(entries("udp", UNCONNECTED_UDP, Set.copyOf(listeners.subList(3, 5)))).isZero();
    }

    @Test
    void refusesALoadBeyondTheOpenFileLimit() {
        long tooMany = LoopbackLoad.openFileLimit() / 2 + 1;
        assertThatThrownBy(() -> LoopbackLoad.start((int) Math.min(tooMany, Integer.MAX_VALUE), 0, 0))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("file descriptors");
    }

    private static long established(List<Integer> destinations) throws IOException {
        Set<Integer> ports = Set.copyOf(destinations);
        return table("tcp").stream()
                .filter(row -> row[3].equals(ESTABLISHED))
                .filter(row -> ports.contains(port(row[1])) || ports.contains(port(row[2])))
                .count();
    }

    /** Rows in /proc/net/{file} of {@code state} whose local port is one of {@code ports}, on 127.0.0.1. */
    private static long entries(String file, String state, Set<Integer> ports) throws IOException {
        return table(file).stream()
                .filter(row -> row[3].equals(state) && row[1].startsWith("0100007F:") && ports.contains(port(row[1])))
                .count();
    }

    private static List<String[]> table(String file) throws IOException {
        return Files.readAllLines(Path.of("/proc/self/net", file)).stream()
                .skip(1)
                .map(line -> line.trim().split("\\s+"))
                .collect(Collectors.toList());
    }

    private static int port(String address) {
        return Integer.parseInt(address.substring(address.indexOf(':') + 1), 16);
    }
}
