package dev.skerry.collect;

import java.io.IOException;
import java.util.ArrayList;
import java.util.TreeSet;
import java.util.function.Predicate;

import dev.skerry.report.Counted;
import dev.skerry.report.Listener;

/** Listening sockets of one protocol, IPv4 and IPv6 together, as distinct (port, interface) pairs. */
final class ListeningPorts {

    private ListeningPorts() {
    }

    /** Null when neither table exists (no such protocol on this host). */
    static Counted<Listener> read(Cycle cycle, String ipv4Table, String ipv6Table, Predicate<Socket> listening) throws IOException {
        FileBytes ipv4 = cycle.proc(ipv4Table);
        FileBytes ipv6 = cycle.proc(ipv6Table);
        if (ipv4 == null && ipv6 == null) {
            return null;
        }
        InterfaceAddresses interfaces = InterfaceAddresses.of(cycle);
        TreeSet<Listener> listeners = new TreeSet<>();
        java.util.function.Consumer<Socket> visitor = socket -> {
            if (socket.localPort() != 0 && listening.test(socket)) {
                listeners.add(new Listener(socket.localPort(), socket.localInterface(interfaces)));
            }
        };
        if (ipv4 != null) {
            SocketTable.parse(ipv4, false, visitor);
        }
        if (ipv6 != null) {
            SocketTable.parse(ipv6, true, visitor);
        }
        ArrayList<Listener> kept = new ArrayList<>(Math.min(listeners.size(), cycle.listLimit()));
        for (Listener listener : listeners) {
            if (kept.size() == cycle.listLimit()) {
                break;
            }
            kept.add(listener);
        }
        return new Counted<>(kept, listeners.size());
    }
}
