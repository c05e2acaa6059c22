package dev.skerry.collect;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Consumer;

import dev.skerry.report.Connection;
import dev.skerry.report.Counted;
import dev.skerry.report.Listener;

/**
 * /proc/net/tcp and tcp6 parsed once per cycle for both of their metrics, listening_tcp_ports and
 * tcp_connections: at ten thousand connections the tables are megabytes, and one pass over them
 * costs half of two. They are streamed, not held whole.
 */
final class TcpSockets {

    /** Both null when neither table exists (no TCP on this host). */
    final Counted<Listener> listening;
    final Counted<Connection> established;

    private TcpSockets(Counted<Listener> listening, Counted<Connection> established) {
        this.listening = listening;
        this.established = established;
    }

    static TcpSockets of(Cycle cycle) throws IOException {
        try {
            return cycle.derived(TcpSockets.class, TcpSockets::parse);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static TcpSockets parse(Cycle cycle) {
        InterfaceAddresses interfaces = InterfaceAddresses.of(cycle);
        ListeningPorts listening = new ListeningPorts(interfaces);
        EstablishedConnections established = new EstablishedConnections(interfaces, cycle.connectionLimit());
        Consumer<Socket> visitor = socket -> {
            if (socket.state() == Socket.ESTABLISHED) {
                established.add(socket);
            } else if (socket.state() == Socket.LISTEN) {
                listening.add(socket);
            }
        };
        try {
            if (!SocketTable.parseBoth(cycle, "net/tcp", "net/tcp6", visitor)) {
                return new TcpSockets(null, null);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new TcpSockets(listening.counted(cycle.listLimit()), established.counted());
    }
}
