package dev.skerry.collect;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.skerry.report.Connection;
import dev.skerry.report.Listener;
import dev.skerry.report.Report;

/** Real sockets on this host's loopback, read back through the real /proc. */
class LiveHostTest {

    private static Report collectThisHost() {
        return Hosts.collect(HostPaths.system(), 10_000, new ListeningTcpPortsCollector(), new ListeningUdpPortsCollector(),
                new TcpConnectionsCollector());
    }

    @Test
    void listenersAndAnEstablishedConnectionOnLoopbackShowUp() throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        try (ServerSocket server = new ServerSocket(0, 10, loopback);
                DatagramSocket udp = new DatagramSocket(new InetSocketAddress(loopback, 0));
                Socket client = new Socket(loopback, server.getLocalPort());
                Socket accepted = server.accept()) {
            Report report = collectThisHost();

            assertThat(report.listeningTcpPorts().entries()).contains(new Listener(server.getLocalPort(), "lo"));
            assertThat(report.listeningUdpPorts().entries()).contains(new Listener(udp.getLocalPort(), "lo"));
            assertThat(report.establishedConnections().entries()).contains(
                    new Connection("127.0.0.1:" + server.getLocalPort(), client.getLocalPort(), "lo"),
                    new Connection("127.0.0.1:" + client.getLocalPort(), server.getLocalPort(), "lo"));
            assertThat(report.listeningTcpPorts().entries()).doesNotContain(new Listener(client.getLocalPort(), "lo"));
        }
    }

    @Test
    void ipv6LoopbackAndWildcardListenersShowUp() throws Exception {
        InetAddress ipv6Loopback = InetAddress.getByName("::1");
        try (ServerSocket server = new ServerSocket(0, 10, ipv6Loopback);
                ServerSocket everywhere = new ServerSocket(0);
                Socket client = new Socket(ipv6Loopback, server.getLocalPort());
                Socket accepted = server.accept()) {
            Report report = collectThisHost();

            assertThat(report.listeningTcpPorts().entries()).contains(
                    new Listener(server.getLocalPort(), "lo"), new Listener(everywhere.getLocalPort(), null));
            assertThat(report.establishedConnections().entries())
                    .contains(new Connection("[::1]:" + server.getLocalPort(), client.getLocalPort(), "lo"));
        }
    }

    @Test
    void aClosedListenerIsGone() throws Exception {
        int port;
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getByName("127.0.0.1"))) {
            port = server.getLocalPort();
        }
        List<Listener> listeners = collectThisHost().listeningTcpPorts().entries();

        assertThat(listeners).extracting(Listener::port).doesNotContain(port);
    }
}
