package dev.skerry.collect;

import java.io.IOException;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;

import dev.skerry.report.Report;

/**
 * listening_udp_ports: UDP sockets that are bound and not connected (state 07 with remote 0:0),
 * i.e. that accept datagrams from anyone. A connected UDP client (a DNS query in flight) is not one.
 */
@ApplicationScoped
public class ListeningUdpPortsCollector implements Collector {

    @Override
    public String name() {
        return "listening_udp_ports";
    }

    @Override
    public void collect(Cycle cycle, Report.Builder report) throws IOException {
        ListeningPorts listening = new ListeningPorts(InterfaceAddresses.of(cycle));
        Consumer<Socket> visitor = socket -> {
            if (socket.state() == Socket.CLOSE && socket.remoteUnspecified()) {
                listening.add(socket);
            }
        };
        if (SocketTable.parseBoth(cycle, "net/udp", "net/udp6", visitor)) {
            report.listeningUdpPorts(listening.counted(cycle.listLimit()));
        }
    }
}
