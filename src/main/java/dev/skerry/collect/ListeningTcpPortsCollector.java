package dev.skerry.collect;

import java.io.IOException;

import jakarta.enterprise.context.ApplicationScoped;

import dev.skerry.report.Report;

/** listening_tcp_ports: sockets in LISTEN state in /proc/net/tcp and tcp6. */
@ApplicationScoped
public class ListeningTcpPortsCollector implements Collector {

    @Override
    public String name() {
        return "listening_tcp_ports";
    }

    @Override
    public void collect(Cycle cycle, Report.Builder report) throws IOException {
        var sockets = TcpSockets.of(cycle);
        if (sockets.listening != null) {
            report.listeningTcpPorts(sockets.listening);
        }
    }
}
