package dev.skerry.collect;

import java.util.ArrayList;
import java.util.List;

import dev.skerry.report.Connection;
import dev.skerry.report.Counted;

/**
 * Established TCP connections: every one is counted, but only those within the list limit are
 * turned into text. With ten thousand connections the report carries fifty, and the cycle builds fifty.
 */
final class EstablishedConnections {

    private final InterfaceAddresses interfaces;
    private final int limit;
    private final List<Connection> kept;
    private int total;

    EstablishedConnections(InterfaceAddresses interfaces, int limit) {
        this.interfaces = interfaces;
        this.limit = limit;
        this.kept = new ArrayList<>(Math.min(limit, 64));
    }

    void add(Socket socket) {
        total++;
        if (kept.size() < limit) {
            kept.add(new Connection(socket.remoteAddress(), socket.localPort(), socket.localInterface(interfaces)));
        }
    }

    Counted<Connection> counted() {
        return new Counted<>(kept, total);
    }
}
