package dev.skerry.collect;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;

import dev.skerry.report.Connection;
import dev.skerry.report.Counted;
import dev.skerry.report.Report;

/**
 * tcp_connections.established_connections from /proc/net/tcp and tcp6. Every connection is
 * counted, but only those within the list limit are turned into text: with ten thousand
 * connections the report carries fifty, and the cycle builds fifty.
 */
@ApplicationScoped
public class TcpConnectionsCollector implements Collector {

    @Override
    public String name() {
        return "tcp_connections";
    }

    @Override
    public void collect(Cycle cycle, Report.Builder report) throws IOException {
        FileBytes ipv4 = cycle.proc("net/tcp");
        FileBytes ipv6 = cycle.proc("net/tcp6");
        if (ipv4 == null && ipv6 == null) {
            return;
        }
        InterfaceAddresses interfaces = InterfaceAddresses.of(cycle);
        int limit = cycle.listLimit();
        List<Connection> kept = new ArrayList<>(Math.min(limit, 64));
        int[] total = {0};
        Consumer<Socket> visitor = socket -> {
            if (socket.state() != Socket.ESTABLISHED) {
                return;
            }
            total[0]++;
            if (kept.size() < limit) {
                kept.add(new Connection(socket.remoteAddress(), socket.localPort(), socket.localInterface(interfaces)));
            }
        };
        if (ipv4 != null) {
            SocketTable.parse(ipv4, false, visitor);
        }
        if (ipv6 != null) {
            SocketTable.parse(ipv6, true, visitor);
        }
        report.establishedConnections(new Counted<>(kept, total[0]));
    }
}
