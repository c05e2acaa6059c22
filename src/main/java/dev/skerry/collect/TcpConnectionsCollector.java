package dev.skerry.collect;

import java.io.IOException;

import jakarta.enterprise.context.ApplicationScoped;

import dev.skerry.report.Report;

/** tcp_connections.established_connections from /proc/net/tcp and tcp6 (see {@link EstablishedConnections}). */
@ApplicationScoped
public class TcpConnectionsCollector implements Collector {

    @Override
    public String name() {
        return "tcp_connections";
    }

    @Override
    public void collect(Cycle cycle, Report.Builder report) throws IOException {
        var sockets = TcpSockets.of(cycle);
        if (sockets.established != null) {
            report.establishedConnections(sockets.established);
        }
    }
}
